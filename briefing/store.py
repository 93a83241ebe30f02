"""The corpus cache: sources, excerpts, tags and full-text search in SQLite.

Everything here can be rebuilt from the workspace's files, so the store is opened
from an explicit path and never holds the only copy of anything a person wrote.
"""

from __future__ import annotations

import contextlib
import json
import re
import secrets
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from briefing import searchpool
from briefing.controls import strip_controls, without_controls
from briefing.errors import WorkspaceError
from briefing.filetruth import WorkspaceFiles
from briefing.ids import canonical
from briefing.model import Excerpt, ScoredExcerpt, SentenceProfile, Source, ThemeScore
from briefing.searchpool import Pooled, SearchHits, rank_in_pool
from briefing.spelling import close_words

# Each entry upgrades the schema by one version; the list index + 1 is the version
# it produces. A new version is a new entry, never an edit of an old one.
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE sources (
        id TEXT PRIMARY KEY,
        file TEXT NOT NULL,
        title TEXT, author TEXT, outlet TEXT, date TEXT,
        text TEXT NOT NULL,
        added INTEGER NOT NULL
    );
    CREATE TABLE excerpts (
        n INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        source_id TEXT NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        start INTEGER NOT NULL,
        end INTEGER NOT NULL,
        text TEXT NOT NULL
    );
    CREATE INDEX excerpts_by_source ON excerpts(source_id, position);
    CREATE VIRTUAL TABLE excerpts_fts USING fts5(
        text, content='excerpts', content_rowid='n', tokenize='unicode61 remove_diacritics 2'
    );
    CREATE TABLE scores (
        excerpt_id TEXT NOT NULL,
        theme_id TEXT NOT NULL,
        score REAL NOT NULL,
        tagged INTEGER NOT NULL,
        PRIMARY KEY (excerpt_id, theme_id)
    ) WITHOUT ROWID;
    CREATE INDEX scores_by_theme ON scores(theme_id, tagged, score DESC);
    CREATE TABLE manual (
        excerpt_id TEXT NOT NULL,
        theme_id TEXT NOT NULL,
        decision TEXT NOT NULL CHECK (decision IN ('added', 'removed')),
        PRIMARY KEY (excerpt_id, theme_id)
    ) WITHOUT ROWID;
    CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    """,
    # The themes an excerpt carries: the tagger's, with the user's decisions applied.
    """
    CREATE VIEW effective_tags AS
        SELECT sc.excerpt_id, sc.theme_id FROM scores sc
        LEFT JOIN manual m ON m.excerpt_id = sc.excerpt_id AND m.theme_id = sc.theme_id
        WHERE sc.tagged = 1 AND coalesce(m.decision, '') != 'removed'
        UNION SELECT excerpt_id, theme_id FROM manual WHERE decision = 'added';
    """,
    # Search by word stems (porter): "helicopter" finds "helicopters". The vocabulary
    # table suggests terms when a search finds nothing. Sentences: what the memo needs
    # to cut quotes and compare claims, computed at tag time (scores go stale with the
    # taxonomy, so the tagger's fingerprint is dropped and the next open re-tags).
    # Sources: the citation fields a reader may find (url, access date, type, authors).
    """
    DROP TABLE excerpts_fts;
    CREATE VIRTUAL TABLE excerpts_fts USING fts5(
        text, content='excerpts', content_rowid='n',
        tokenize='porter unicode61 remove_diacritics 2'
    );
    INSERT INTO excerpts_fts(excerpts_fts) VALUES ('rebuild');
    CREATE VIRTUAL TABLE excerpts_vocab USING fts5vocab(excerpts_fts, row);
    CREATE TABLE sentences (
        excerpt_id TEXT PRIMARY KEY,
        spans TEXT NOT NULL,
        scores TEXT NOT NULL,
        vectors BLOB
    ) WITHOUT ROWID;
    ALTER TABLE sources ADD COLUMN authors TEXT;
    ALTER TABLE sources ADD COLUMN url TEXT;
    ALTER TABLE sources ADD COLUMN accessed TEXT;
    ALTER TABLE sources ADD COLUMN type TEXT;
    DELETE FROM settings WHERE key = 'tagger';
    """,
    # What the tagger reads from an excerpt's text once (its vector, its keyword matches),
    # so that calibrating the tags over the whole corpus never reads the text again.
    """
    CREATE TABLE vectors (
        excerpt_id TEXT PRIMARY KEY REFERENCES excerpts(id) ON DELETE CASCADE,
        vector BLOB NOT NULL
    ) WITHOUT ROWID;
    CREATE TABLE phrase_hits (
        excerpt_id TEXT NOT NULL REFERENCES excerpts(id) ON DELETE CASCADE,
        theme_id TEXT NOT NULL,
        score REAL NOT NULL,
        found TEXT NOT NULL,
        PRIMARY KEY (excerpt_id, theme_id)
    ) WITHOUT ROWID;
    """,
    # Theme counts kept as tags are written (`_recount`), so that `themes`, the matrix and
    # the app's theme list read a few rows instead of aggregating every tag: per source
    # and theme, how many of its excerpts carry the theme; per theme, the totals. The
    # (id, source_id) index lets a recount go from a score to its source without reading
    # the excerpt's row.
    """
    CREATE INDEX excerpts_source_of ON excerpts(id, source_id);
    CREATE TABLE source_themes (
        source_id TEXT NOT NULL,
        theme_id TEXT NOT NULL,
        excerpts INTEGER NOT NULL,
        PRIMARY KEY (source_id, theme_id)
    ) WITHOUT ROWID;
    CREATE TABLE theme_totals (
        theme_id TEXT PRIMARY KEY,
        excerpts INTEGER NOT NULL,
        sources INTEGER NOT NULL
    ) WITHOUT ROWID;
    INSERT INTO source_themes(source_id, theme_id, excerpts)
        SELECT e.source_id, ef.theme_id, count(*)
        FROM effective_tags ef JOIN excerpts e ON e.id = ef.excerpt_id GROUP BY 1, 2;
    INSERT INTO theme_totals(theme_id, excerpts, sources)
        SELECT theme_id, sum(excerpts), count(*) FROM source_themes GROUP BY theme_id;
    """,
    # Each source's original as kept in sources/ at its ingest, by its SHA-256: a rebuild
    # or a dump names an original changed or removed by hand since (`kept_digests`).
    """
    CREATE TABLE original_digests (
        source_id TEXT PRIMARY KEY REFERENCES sources(id) ON DELETE CASCADE,
        sha256 TEXT NOT NULL
    ) WITHOUT ROWID;
    """,
)
SCHEMA_VERSION = len(MIGRATIONS)
SCORES_BY_THEME = "CREATE INDEX scores_by_theme ON scores(theme_id, tagged, score DESC)"

# Whether excerpt `e` carries theme :t, decided per excerpt by key lookups: the same rule
# as the effective_tags view, which serves whole-corpus counts but is slow to probe.
# A query of one word (bare or quoted): letters and digits only, so one FTS5 token.
_ONE_WORD = re.compile(r'"?[^\W_]+"?')
_CARRIES = (
    "((EXISTS (SELECT 1 FROM scores sc WHERE sc.excerpt_id = e.id AND sc.theme_id = :t"
    " AND sc.tagged = 1) AND NOT EXISTS (SELECT 1 FROM manual m WHERE m.excerpt_id = e.id"
    " AND m.theme_id = :t AND m.decision = 'removed'))"
    " OR EXISTS (SELECT 1 FROM manual m WHERE m.excerpt_id = e.id AND m.theme_id = :t"
    " AND m.decision = 'added'))"
)

# The effective_tags rule, as (source id, theme id) pairs of the excerpts `e` that the
# statement picks (`{where}`): the tagger's tags less the user's removals, plus the user's
# additions. Each (excerpt, theme) is a key of scores and of manual, so the two branches
# never count one pair twice.
_CARRIED = (
    "SELECT e.source_id, sc.theme_id FROM {scores_first} JOIN excerpts e {by} "
    "ON e.id = sc.excerpt_id WHERE sc.tagged = 1 AND {where} AND NOT EXISTS ("
    " SELECT 1 FROM manual m WHERE m.excerpt_id = sc.excerpt_id AND m.theme_id = sc.theme_id"
    " AND m.decision = 'removed') "
    "UNION ALL "
    "SELECT e.source_id, m.theme_id FROM manual m JOIN excerpts e {by} ON e.id = m.excerpt_id "
    "WHERE m.decision = 'added' AND {where} AND NOT EXISTS ("
    " SELECT 1 FROM scores sc WHERE sc.excerpt_id = m.excerpt_id AND sc.theme_id = m.theme_id"
    " AND sc.tagged = 1)"
)
# Every source: walk the scores and reach each excerpt's source through the covering index.
_RECOUNT_ALL = (
    "INSERT INTO source_themes(source_id, theme_id, excerpts) "
    "SELECT source_id, theme_id, count(*) FROM ("
    + _CARRIED.format(scores_first="scores sc", by="INDEXED BY excerpts_source_of", where="1")
    + ") GROUP BY source_id, theme_id"
)
# A few sources (a json array): start from their excerpts.
_RECOUNT_SOME = (
    "SELECT source_id, theme_id, count(*) FROM ("
    + _CARRIED.format(
        scores_first="scores sc",
        by="",
        where="e.source_id IN (SELECT value FROM json_each(:sources))",
    )
    + ") GROUP BY source_id, theme_id"
)

CORPUS_STAMP = "corpus"  # setting: renewed by every write of excerpts, vectors, matches
# Scores below this are noise: not stored, so the table stays small at scale.
STORED_SCORE_FLOOR = 0.05
CACHE_KIB = 131072  # SQLite's page cache while ingesting (KiB)
LEAN_CACHE_KIB = 8192  # and while a whole table is read or written in one pass


@dataclass(frozen=True)
class SearchHit:
    """An excerpt that matched a full-text query, with a highlighted snippet."""

    excerpt: Excerpt
    source: Source
    snippet: str  # the match marked with [ and ]
    rank: float

    def __post_init__(self) -> None:  # cut from stored text: see without_controls
        object.__setattr__(self, "snippet", strip_controls(self.snippet))


@dataclass(frozen=True)
class ThemeCount:
    theme_id: str
    excerpts: int
    sources: int


QUERY_SYNTAX = (
    "Words are matched by their stem (helicopter finds helicopters); all words must occur. "
    'Also: "a phrase" in quotes, prefix* for word beginnings, a OR b, a NOT b, '
    "NEAR(a b, 5) for words within 5 of each other."
)

# What a whole store holds; one missing means the file was damaged (a dropped table).
_OBJECTS = frozenset(
    {"sources", "excerpts", "excerpts_fts", "excerpts_vocab", "scores", "manual", "settings"}
    | {"effective_tags", "sentences", "source_themes", "theme_totals", "original_digests"}
)
BUILT = "built"  # the setting a build writes last: without it, the build did not finish
_REBUILD = "Run `briefing rebuild` to recreate it from the workspace files."


class NotBuilt(Exception):
    """The store is missing or was never finished: build it from the files (`reason` says
    what was found, for the user)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class Store(WorkspaceFiles):
    """SQLite access for one workspace's corpus; implements `model.Corpus` and
    `stores.CorpusStore` (its truth is the workspace's files: `filetruth`).

    `Store(path)` opens or creates a database; `Store.open_built(path)` opens only one
    that a build finished, and says why not otherwise. `building=True` is for a store
    being filled from scratch in a file of its own: no WAL (it is renamed into place
    when whole), and the rollback journal kept in memory.
    """

    def __init__(self, path: Path | str, building: bool = False) -> None:
        self.path = Path(path) if str(path) != ":memory:" else None
        if self.path is not None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            # A writer holds the database for one batch at a time; wait for it, not fail.
            self.db = sqlite3.connect(
                str(path), isolation_level=None, check_same_thread=False, timeout=60
            )
            self.db.row_factory = sqlite3.Row
            self.db.execute("PRAGMA foreign_keys = ON")
            if self.path is not None:
                self.db.execute(f"PRAGMA journal_mode = {'MEMORY' if building else 'WAL'}")
                # The store is a cache of the workspace's files: a power cut can at worst
                # cost a `briefing rebuild`, so it does not wait on the disk at each commit.
                self.db.execute("PRAGMA synchronous = OFF")
                # Checkpoint the WAL into the database less often: on a large corpus each
                # checkpoint rewrites scattered index pages, and ingest commits often.
                self.db.execute("PRAGMA wal_autocheckpoint = 16384")
                # Room for the id and theme indexes of a large corpus (allocated only as
                # pages are read): inserts with random ids then rarely go to the disk.
                self.db.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
            self._migrate()
            self._check_objects()
        except sqlite3.DatabaseError as error:
            with contextlib.suppress(sqlite3.Error, AttributeError):
                self.db.close()
            raise WorkspaceError(
                f"{path}: the corpus database is unreadable ({error}). {_REBUILD}"
            ) from error
        except WorkspaceError:
            self.db.close()
            raise
        self._sources: dict[str, Source] = {}
        self._rewriting = False  # inside rewriting_scores: counts are redone at its end

    @classmethod
    def open_built(cls, path: Path) -> Store:
        """The store at `path` if a build finished it; `NotBuilt` if it must be built.

        A damaged, foreign or newer database raises `WorkspaceError` naming the command
        to run: it is never used, and never silently replaced.
        """
        try:
            size = path.stat().st_size
        except FileNotFoundError:
            raise NotBuilt("there was none") from None
        except OSError as error:
            raise WorkspaceError(f"{path}: cannot read it ({error.strerror}).") from error
        if size == 0:
            raise NotBuilt("was empty (0 bytes)")
        store = cls(path)
        if store.get_setting(BUILT) is None:
            store.close()
            raise NotBuilt(
                "was not marked whole (its build did not finish, or an older briefing made it)"
            )
        return store

    def mark_built(self) -> None:
        """Written last by a build: the store holds every file of the workspace."""
        self.set_setting(BUILT, "1")

    # -- schema ---------------------------------------------------------------

    def _migrate(self) -> None:
        version = self.db.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise WorkspaceError(
                f"{self.path}: made by a newer briefing (schema {version}); "
                "upgrade briefing or run `briefing rebuild`."
            )
        if version == 0 and self.db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]:
            raise WorkspaceError(f"{self.path}: not a briefing corpus database. {_REBUILD}")
        for number in range(version, SCHEMA_VERSION):
            # One transaction per step, which re-reads the version once it holds the write
            # lock: a second process opening the store at the same moment skips the step.
            self.db.execute("BEGIN IMMEDIATE")
            try:
                if self.db.execute("PRAGMA user_version").fetchone()[0] == number:
                    for statement in _statements(MIGRATIONS[number]):
                        self.db.execute(statement)
                    self.db.execute(f"PRAGMA user_version = {number + 1}")
            except BaseException:
                self.db.execute("ROLLBACK")
                raise
            self.db.execute("COMMIT")

    def _check_objects(self) -> None:
        names = {row[0] for row in self.db.execute("SELECT name FROM sqlite_master")}
        missing = sorted(_OBJECTS - names)
        if missing:
            raise WorkspaceError(
                f"{self.path}: the corpus database is damaged (no {', '.join(missing)}). "
                + _REBUILD
            )

    @property
    def schema_version(self) -> int:
        return int(self.db.execute("PRAGMA user_version").fetchone()[0])

    def close(self) -> None:
        self.db.close()

    def transaction(self) -> _Transaction:
        return _Transaction(self.db)

    @contextmanager
    def _lean_cache(self) -> Iterator[None]:
        """A small page cache for a pass over a whole table (the corpus read for its
        calibration, every score written again): such a pass reads or writes each page
        once, so a large cache only holds memory (128 MB, on top of the calibration's).
        The pages it held are handed back to the system."""
        from briefing import heap

        if self.path is None:  # a store in memory: its pages are the database
            yield
            return
        self.db.execute(f"PRAGMA cache_size = -{LEAN_CACHE_KIB}")
        self.db.execute("PRAGMA shrink_memory")
        heap.give_back()
        try:
            yield
        finally:
            self.db.execute(f"PRAGMA cache_size = -{CACHE_KIB}")

    # -- settings -------------------------------------------------------------

    def get_setting(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def set_setting(self, key: str, value: str) -> None:
        self.db.execute(
            "INSERT INTO settings(key, value) VALUES (?, ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (key, value),
        )

    # -- writing --------------------------------------------------------------

    def add_source(self, source: Source, excerpts: Sequence[Excerpt]) -> None:
        """Insert a source and its excerpts; call inside `transaction()` for speed."""
        # max(rowid) is O(1); count(*) scanned the table on every insert (quadratic ingest).
        added = self.db.execute("SELECT coalesce(max(rowid), 0) FROM sources").fetchone()[0]
        self.db.execute(
            "INSERT INTO sources(id, file, title, author, outlet, date, text, added, "
            "authors, url, accessed, type) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                source.id,
                source.file,
                source.title,
                source.author,
                source.outlet,
                source.date,
                source.text,
                added,
                stored_authors(source),
                source.url,
                source.accessed,
                source.type,
            ),
        )
        # In one statement each, the excerpts then their text into the index (in the
        # same order, so the same rows and index as one by one).
        last = self.db.execute("SELECT coalesce(max(n), 0) FROM excerpts").fetchone()[0]
        self.db.executemany(
            "INSERT INTO excerpts(id, source_id, position, start, end, text) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            [(e.id, e.source_id, e.position, e.start, e.end, e.text) for e in excerpts],
        )
        self.db.execute(
            "INSERT INTO excerpts_fts(rowid, text) SELECT n, text FROM excerpts WHERE n > ? "
            "ORDER BY n",
            (last,),
        )
        self._sources.pop(source.id, None)
        self._corpus_changed()
        # A decision (or a score) may name these excerpts already, as after a rebuild.
        ids = json.dumps([excerpt.id for excerpt in excerpts])
        if self.db.execute(
            "SELECT 1 FROM json_each(:ids) j WHERE EXISTS (SELECT 1 FROM manual m"
            " WHERE m.excerpt_id = j.value) OR EXISTS (SELECT 1 FROM scores sc"
            " WHERE sc.excerpt_id = j.value) LIMIT 1",
            {"ids": ids},
        ).fetchone():
            self._recount([source.id])

    def update_metadata(self, source: Source) -> None:
        """Replace a source's metadata (a user's correction)."""
        self.db.execute(
            "UPDATE sources SET title = ?, author = ?, outlet = ?, date = ?, authors = ?, "
            "url = ?, accessed = ?, type = ? WHERE id = ?",
            (*metadata_row(source), source.id),
        )
        self._sources.pop(source.id, None)

    def set_scores(self, scored: Iterable[tuple[str, Sequence[ThemeScore]]]) -> None:
        """Store the tagger's scores of excerpts, (excerpt id, scores) pairs, in one go.

        Keeps only the scores worth keeping. New excerpts have none; re-tagging
        starts from none (`rewriting_scores`), so no stale score survives.
        """
        rows = [
            (excerpt_id, s.theme_id, round(s.score, 6), int(s.tagged))
            for excerpt_id, scores in scored
            for s in scores
            if s.tagged or s.score >= STORED_SCORE_FLOOR
        ]
        self.set_score_rows(rows)

    def set_score_rows(self, rows: Iterable[tuple[str, str, float, int]]) -> None:
        """Store (excerpt id, theme id, score, tagged) rows as they come: what the whole
        corpus's calibration writes, inside `rewriting_scores`."""
        if self._rewriting:  # counted once, when the rewrite ends
            self.db.executemany(
                "INSERT INTO scores(excerpt_id, theme_id, score, tagged) VALUES (?, ?, ?, ?)",
                rows,
            )
            return
        listed = list(rows)
        self.db.executemany(
            "INSERT INTO scores(excerpt_id, theme_id, score, tagged) VALUES (?, ?, ?, ?)", listed
        )
        self._recount(self._sources_of({row[0] for row in listed if row[3]}))

    def theme_score_rows(self, theme_id: str) -> list[tuple[str, float, int]]:
        """One theme's stored (excerpt id, score, tagged) rows, in no particular order."""
        return self.db.execute(
            "SELECT excerpt_id, score, tagged FROM scores WHERE theme_id = ?", (theme_id,)
        ).fetchall()

    def change_theme_scores(
        self,
        theme_id: str,
        rows: Iterable[tuple[str, float, int]],
        gone: Iterable[str],
        flipped: Iterable[str] | None = None,
    ) -> None:
        """Write one theme's changed (excerpt id, score, tagged) rows and drop its rows for
        `gone` excerpt ids: what a decision changed, and only that; the kept counts of
        their sources follow (of the sources of `flipped`, the excerpts whose tag changed,
        when the caller knows them: a score that moves changes no count). Call in
        `transaction()`."""
        rows, gone = list(rows), list(gone)
        self.db.executemany(
            "INSERT OR REPLACE INTO scores(excerpt_id, theme_id, score, tagged) "
            "VALUES (?, ?, ?, ?)",
            ((excerpt_id, theme_id, score, tagged) for excerpt_id, score, tagged in rows),
        )
        self.db.executemany(
            "DELETE FROM scores WHERE excerpt_id = ? AND theme_id = ?",
            ((excerpt_id, theme_id) for excerpt_id in gone),
        )
        touched = {row[0] for row in rows} | set(gone) if flipped is None else set(flipped)
        self._recount(self._sources_of(touched))

    def set_sentence_profiles(self, profiles: Iterable[SentenceProfile]) -> None:
        """Store the memo's view of tagged excerpts' sentences (replacing any older one)."""
        from briefing.memo.sentences import encode_scores

        self.db.executemany(
            "INSERT OR REPLACE INTO sentences(excerpt_id, spans, scores, vectors) "
            "VALUES (?, ?, ?, ?)",
            [
                (p.excerpt_id, json.dumps(p.spans), encode_scores(p.scores), p.vectors)
                for p in profiles
            ],
        )

    def sentence_profiles(self, excerpt_ids: Sequence[str]) -> dict[str, SentenceProfile]:
        from briefing.memo.sentences import decode_scores

        found: dict[str, SentenceProfile] = {}
        for chunk in _chunks(list(dict.fromkeys(excerpt_ids)), 500):
            marks = ",".join("?" * len(chunk))
            for row in self.db.execute(
                f"SELECT * FROM sentences WHERE excerpt_id IN ({marks})", chunk
            ):
                spans = tuple((int(a), int(b)) for a, b in json.loads(row["spans"]))
                found[row["excerpt_id"]] = SentenceProfile(
                    row["excerpt_id"], spans, decode_scores(row["scores"]), row["vectors"]
                )
        return found

    @contextmanager
    def rewriting_scores(self) -> Iterator[None]:
        """Every score is about to be written again: start empty, index once at the end.

        Building the theme index after the rows is linear; keeping it up to date
        through hundreds of thousands of inserts is not. Call inside `transaction()`.
        """
        with self._lean_cache():
            self.db.execute("DROP INDEX IF EXISTS scores_by_theme")
            self.db.execute("DELETE FROM scores")
            # The sentence profiles stay: they follow the taxonomy, not the calibration.
            self._rewriting = True
            try:
                yield
            finally:
                self._rewriting = False
            # Counted before the theme index exists: the scores are then read in excerpt-id
            # order, the order of the index that leads to each excerpt's source.
            self._recount(None)
            self.db.execute(SCORES_BY_THEME)

    def set_evidence(
        self,
        vectors: Iterable[tuple[str, bytes]],
        hits: Iterable[tuple[str, str, float, str]],
    ) -> None:
        """Store what the tagger read from excerpts' text: (excerpt id, vector bytes) and
        (excerpt id, theme id, phrase score, matched phrases) rows. Call in `transaction()`."""
        self.db.executemany(
            "INSERT OR REPLACE INTO vectors(excerpt_id, vector) VALUES (?, ?)", list(vectors)
        )
        self.db.executemany(
            "INSERT OR REPLACE INTO phrase_hits(excerpt_id, theme_id, score, found) "
            "VALUES (?, ?, ?, ?)",
            list(hits),
        )
        self._corpus_changed()

    def clear_phrase_hits(self) -> None:
        """The taxonomy changed: every excerpt's keyword matches are about to be redone."""
        self.db.execute("DELETE FROM phrase_hits")
        self._corpus_changed()

    def clear_sentence_profiles(self) -> None:
        """The taxonomy changed: every sentence profile is about to be redone (an excerpt no
        longer tagged on its own keeps none)."""
        self.db.execute("DELETE FROM sentences")

    def _corpus_changed(self) -> None:
        """Excerpts, vectors or keyword matches were written: a new corpus stamp."""
        self.set_setting(CORPUS_STAMP, secrets.token_hex(8))

    def corpus_matrix_place(self) -> tuple[Path, str] | None:
        """Where a copy of the corpus as arrays may be kept (tagging.matrixcache), and the
        stamp of the corpus as it is now (renewed by every write of excerpts, vectors or
        keyword matches); None for a store in memory."""
        if self.path is None:
            return None
        stamp = self.get_setting(CORPUS_STAMP)
        if stamp is None:  # a store from before the stamp
            stamp = secrets.token_hex(8)
            self.set_setting(CORPUS_STAMP, stamp)
        return self.path.parent, stamp

    def corpus_rows(self) -> Iterator[tuple[str, str, int, bytes | None]]:
        """Every excerpt as (id, source id, position, stored vector or None), by id:
        one fixed order, whatever the order in which the excerpts were ingested.
        Streamed: a large corpus's vectors are never all held as rows at once."""
        # Three scans that each read an index or the vectors' own table in key order,
        # merged here: a join by id reads every excerpt's row (its text) to get two columns.
        # Each excerpt's place is held as numbers (a dictionary of a million tuples was
        # 250 MB at 100,000 articles); the source ids once each.
        with self._lean_cache():
            yield from self._corpus_rows()

    def _corpus_rows(self) -> Iterator[tuple[str, str, int, bytes | None]]:
        import array

        import numpy as np

        sources: list[str] = []
        code_of: dict[str, int] = {}
        numbers, codes, positions = array.array("q"), array.array("q"), array.array("q")
        for n, source_id, position in self.db.execute(
            "SELECT n, source_id, position FROM excerpts INDEXED BY excerpts_by_source"
        ):
            code = code_of.get(source_id)
            if code is None:
                code = code_of[source_id] = len(sources)
                sources.append(source_id)
            numbers.append(n)
            codes.append(code)
            positions.append(position)
        del code_of
        order = np.argsort(np.frombuffer(numbers, dtype=np.int64), kind="stable")
        by_number = np.frombuffer(numbers, dtype=np.int64)[order]
        vectors = self.db.execute("SELECT excerpt_id, vector FROM vectors ORDER BY excerpt_id")
        pending = next(vectors, None)
        listed = self.db.execute("SELECT id, n FROM excerpts ORDER BY id")
        while block := listed.fetchmany(16384):
            at = order[np.searchsorted(by_number, [n for _, n in block])].tolist()
            for (excerpt_id, _), i in zip(block, at, strict=True):
                # Both in id order (SQLite's binary order of UTF-8 is Python's order of str).
                while pending is not None and pending[0] < excerpt_id:
                    pending = next(vectors, None)
                blob = pending[1] if pending is not None and pending[0] == excerpt_id else None
                yield excerpt_id, sources[codes[i]], positions[i], blob

    def phrase_rows(self) -> Iterator[tuple[str, str, float, str]]:
        """Every stored keyword match: (excerpt id, theme id, phrase score, found), streamed."""
        with self._lean_cache():
            yield from self.db.execute("SELECT excerpt_id, theme_id, score, found FROM phrase_hits")

    def vectors_missing(self) -> bool:
        """Whether some excerpt has no stored vector (vectors go with their excerpt)."""
        (excerpts,) = self.db.execute("SELECT count(*) FROM excerpts").fetchone()
        (vectors,) = self.db.execute("SELECT count(*) FROM vectors").fetchone()
        return bool(excerpts > vectors)

    def phrase_hits_of(self, excerpt_id: str) -> list[tuple[str, str]]:
        """One excerpt's stored keyword matches: (theme id, found) pairs."""
        return list(
            self.db.execute(
                "SELECT theme_id, found FROM phrase_hits WHERE excerpt_id = ?", (excerpt_id,)
            )
        )

    def missing_vectors(self) -> list[Excerpt]:
        """Excerpts stored without a vector (ingested while the embedder was unavailable)."""
        rows = self.db.execute(
            "SELECT e.* FROM excerpts e LEFT JOIN vectors v ON v.excerpt_id = e.id "
            "WHERE v.excerpt_id IS NULL ORDER BY e.n"
        )
        return [_excerpt(row) for row in rows]

    def excerpt_texts(self, excerpt_ids: Sequence[str]) -> dict[str, str]:
        """The text of each named excerpt."""
        found: dict[str, str] = {}
        for chunk in _chunks(list(excerpt_ids), 500):
            marks = ",".join("?" * len(chunk))
            for row in self.db.execute(
                f"SELECT id, text FROM excerpts WHERE id IN ({marks})", chunk
            ):
                found[row[0]] = row[1]
        return found

    def replace_manual(self, decisions: Iterable[tuple[str, str, str]]) -> None:
        """Mirror tags.yaml: (excerpt id, theme id, 'added' | 'removed') triples."""
        before = {tuple(row) for row in self.db.execute("SELECT * FROM manual")}
        # As INSERT OR REPLACE keeps it: the last decision on an (excerpt, theme) wins.
        after = {(e, t): d for e, t, d in decisions}
        self.db.execute("SAVEPOINT manual")
        try:
            self.db.execute("DELETE FROM manual")
            self.db.executemany(
                "INSERT INTO manual(excerpt_id, theme_id, decision) VALUES (?, ?, ?)",
                [(e, t, d) for (e, t), d in after.items()],
            )
            changed = before ^ {(e, t, d) for (e, t), d in after.items()}
            self._recount(self._sources_of({row[0] for row in changed}))
        except BaseException:
            self.db.execute("ROLLBACK TO manual")
            self.db.execute("RELEASE manual")
            raise
        self.db.execute("RELEASE manual")

    def _sources_of(self, excerpt_ids: set[str]) -> list[str]:
        found: set[str] = set()
        for chunk in _chunks(sorted(excerpt_ids), 500):
            marks = ",".join("?" * len(chunk))
            found.update(
                row[0]
                for row in self.db.execute(
                    f"SELECT DISTINCT source_id FROM excerpts WHERE id IN ({marks})", chunk
                )
            )
        return sorted(found)

    def _recount(self, source_ids: Sequence[str] | None) -> None:
        """Bring the kept theme counts in step with the tags of these sources (None: all),
        in the caller's transaction."""
        if source_ids is None:
            self.db.execute("DELETE FROM source_themes")
            self.db.execute(_RECOUNT_ALL)
            self.db.execute("DELETE FROM theme_totals")
            self.db.execute(
                "INSERT INTO theme_totals(theme_id, excerpts, sources) "
                "SELECT theme_id, sum(excerpts), count(*) FROM source_themes GROUP BY theme_id"
            )
            return
        if not source_ids:
            return
        picked = {"sources": json.dumps(list(source_ids))}
        change: dict[str, list[int]] = {}  # theme id -> [excerpts, sources]
        for _, theme_id, count in self.db.execute(
            "SELECT source_id, theme_id, excerpts FROM source_themes "
            "WHERE source_id IN (SELECT value FROM json_each(:sources))",
            picked,
        ).fetchall():
            delta = change.setdefault(theme_id, [0, 0])
            delta[0] -= count
            delta[1] -= 1
        self.db.execute(
            "DELETE FROM source_themes WHERE source_id IN (SELECT value FROM json_each(:sources))",
            picked,
        )
        fresh = self.db.execute(_RECOUNT_SOME, picked).fetchall()
        self.db.executemany(
            "INSERT INTO source_themes(source_id, theme_id, excerpts) VALUES (?, ?, ?)",
            [tuple(row) for row in fresh],
        )
        for _, theme_id, count in fresh:
            delta = change.setdefault(theme_id, [0, 0])
            delta[0] += count
            delta[1] += 1
        self.db.executemany(
            "INSERT INTO theme_totals(theme_id, excerpts, sources) VALUES (?, ?, ?) "
            "ON CONFLICT(theme_id) DO UPDATE SET excerpts = excerpts + excluded.excerpts, "
            "sources = sources + excluded.sources",
            [(t, d[0], d[1]) for t, d in sorted(change.items()) if d != [0, 0]],
        )
        self.db.execute("DELETE FROM theme_totals WHERE excerpts <= 0")

    # -- reading: sources and excerpts ----------------------------------------

    def has_source(self, source_id: str) -> bool:
        return (
            self.db.execute("SELECT 1 FROM sources WHERE id = ?", (source_id,)).fetchone()
            is not None
        )

    def source(self, source_id: str) -> Source | None:
        cached = self._sources.get(source_id)
        if cached is not None:
            return cached
        row = self.db.execute("SELECT * FROM sources WHERE id = ?", (source_id,)).fetchone()
        if row is None:
            return None
        found = _source(row)
        self._sources[source_id] = found
        return found

    def _read_sources(self, source_ids: Iterable[str]) -> None:
        """Read the sources not yet cached, 500 to a statement: a theme's list or a memo
        names hundreds, and one statement each cost more than reading them."""
        missing = sorted({i for i in source_ids if i not in self._sources})
        for chunk in _chunks(missing, 500):
            marks = ",".join("?" * len(chunk))
            for row in self.db.execute(f"SELECT * FROM sources WHERE id IN ({marks})", chunk):
                self._sources[row["id"]] = _source(row)

    def keep_digest(self, source_id: str, sha256: str) -> None:
        """The digest of a source's original as kept in sources/ (`filetruth`)."""
        self.db.execute(
            "INSERT OR REPLACE INTO original_digests(source_id, sha256) VALUES (?, ?)",
            (source_id, sha256),
        )

    def kept_digests(self) -> Iterator[tuple[str, str, str | None]]:
        """(file, SHA-256, title) of every original whose digest was kept, by file."""
        yield from self.db.execute(
            "SELECT s.file, d.sha256, s.title FROM original_digests d "
            "JOIN sources s ON s.id = d.source_id ORDER BY s.file"
        )

    def source_by_file(self, file: str) -> Source | None:
        row = self.db.execute("SELECT id FROM sources WHERE file = ?", (file,)).fetchone()
        return None if row is None else self.source(row[0])

    def sources(self) -> list[Source]:
        """Every source, in the order they were added."""
        rows = self.db.execute("SELECT * FROM sources ORDER BY added").fetchall()
        return [_source(row) for row in rows]

    def source_titles(self) -> list[tuple[str, str | None]]:
        """Every source's id and title, in the order they were added: what a list of
        sources shows, without reading each article's text."""
        rows = self.db.execute("SELECT id, title FROM sources ORDER BY added")
        return [(row[0], strip_controls(row[1]) if row[1] else row[1]) for row in rows]

    def source_excerpt_counts(self) -> dict[str, int]:
        rows = self.db.execute("SELECT source_id, count(*) FROM excerpts GROUP BY source_id")
        return {row[0]: row[1] for row in rows}

    def count_sources(self) -> int:
        return int(self.db.execute("SELECT count(*) FROM sources").fetchone()[0])

    def count_excerpts(self) -> int:
        return int(self.db.execute("SELECT count(*) FROM excerpts").fetchone()[0])

    def excerpt(self, excerpt_id: str) -> Excerpt | None:
        row = self.db.execute("SELECT * FROM excerpts WHERE id = ?", (excerpt_id,)).fetchone()
        return None if row is None else _excerpt(row)

    def excerpts(self, source_id: str | None = None) -> list[Excerpt]:
        """Excerpts in reading order: by source (as added), then position."""
        if source_id is None:
            rows = self.db.execute(
                "SELECT e.* FROM excerpts e JOIN sources s ON s.id = e.source_id "
                "ORDER BY s.added, e.position"
            )
        else:
            rows = self.db.execute(
                "SELECT * FROM excerpts WHERE source_id = ? ORDER BY position", (source_id,)
            )
        return [_excerpt(row) for row in rows]

    def iter_excerpt_batches(self, size: int = 2000) -> Iterator[list[Excerpt]]:
        """All excerpts in batches, so re-tagging a large corpus keeps memory flat."""
        last = 0
        while True:
            rows = self.db.execute(
                "SELECT * FROM excerpts WHERE n > ? ORDER BY n LIMIT ?", (last, size)
            ).fetchall()
            if not rows:
                return
            last = rows[-1]["n"]
            yield [_excerpt(row) for row in rows]

    def find_excerpt_by_text(self, text: str) -> Excerpt | None:
        """An excerpt with this text (whitespace-insensitive): how a stale id is found again."""
        wanted = canonical(text)
        if not wanted:
            return None
        for candidate in self._fts_candidates(text):
            if canonical(candidate.text) == wanted:
                return candidate
        for candidate in self._fts_candidates(text):
            if wanted in canonical(candidate.text):
                return candidate
        return None

    def _fts_candidates(self, text: str, limit: int = 50) -> list[Excerpt]:
        words = [w for w in re.findall(r"\w+", text) if len(w) > 3][:12]
        if not words:
            return []
        query = " ".join(f'"{w}"' for w in words)
        rows = self.db.execute(
            "SELECT e.* FROM excerpts_fts f JOIN excerpts e ON e.n = f.rowid "
            "WHERE excerpts_fts MATCH ? ORDER BY rank LIMIT ?",
            (query, limit),
        )
        return [_excerpt(row) for row in rows]

    # -- reading: themes --------------------------------------------------------

    def excerpts_for_theme(self, theme_id: str, limit: int | None = None) -> list[ScoredExcerpt]:
        """Every excerpt carrying the theme, manual decisions applied, best first.

        `limit` keeps only the best so many (an SQL LIMIT): what a list on screen needs.
        """
        # Two queries rather than one: the tagger's picks walk the (theme, tagged, score)
        # index and stop at the limit; the user's additions are few.
        n = -1 if limit is None else max(limit, 0)
        added = self.db.execute(
            "SELECT e.*, coalesce(sc.score, 0) AS score, 'added' AS decision "
            "FROM manual m JOIN excerpts e ON e.id = m.excerpt_id "
            "LEFT JOIN scores sc ON sc.excerpt_id = m.excerpt_id AND sc.theme_id = m.theme_id "
            "WHERE m.theme_id = :t AND m.decision = 'added' ORDER BY score DESC, e.id LIMIT :n",
            {"t": theme_id, "n": n},
        ).fetchall()
        # The best are picked from the (theme, tagged, score) index alone, ties broken by
        # the excerpt id it also holds: wire copies tie by the thousand, and reading each
        # tied excerpt's row to sort them cost 100 ms a key in the app at 50,000 articles.
        tagged = self.db.execute(
            "SELECT e.*, best.score AS score, NULL AS decision FROM ("
            " SELECT sc.excerpt_id, sc.score FROM scores sc"
            " WHERE sc.theme_id = :t AND sc.tagged = 1 AND NOT EXISTS ("
            "  SELECT 1 FROM manual m WHERE m.excerpt_id = sc.excerpt_id AND m.theme_id = :t)"
            " AND EXISTS (SELECT 1 FROM excerpts x INDEXED BY excerpts_source_of"
            "  WHERE x.id = sc.excerpt_id)"
            " ORDER BY sc.score DESC, sc.excerpt_id LIMIT :n"
            ") best JOIN excerpts e ON e.id = best.excerpt_id ORDER BY best.score DESC, e.id",
            {"t": theme_id, "n": n if limit is None else max(limit - len(added), 0)},
        ).fetchall()
        rows = [*added, *tagged]
        self._read_sources(row["source_id"] for row in rows)
        found: list[ScoredExcerpt] = []
        for row in rows:
            source = self.source(row["source_id"])
            if source is not None:
                found.append(
                    ScoredExcerpt(
                        _excerpt(row), source, float(row["score"]), row["decision"] == "added"
                    )
                )
        return found

    def themes_of(self, excerpt_ids: Sequence[str]) -> dict[str, dict[str, float]]:
        """For each excerpt, its effective themes and their scores (manual ones at 1.0)."""
        result: dict[str, dict[str, float]] = {eid: {} for eid in excerpt_ids}
        for chunk in _chunks(list(excerpt_ids), 500):
            marks = ",".join("?" * len(chunk))
            for row in self.db.execute(
                f"SELECT excerpt_id, theme_id, score FROM scores WHERE tagged = 1 "
                f"AND excerpt_id IN ({marks})",
                chunk,
            ):
                result[row[0]][row[1]] = float(row[2])
            for row in self.db.execute(
                f"SELECT excerpt_id, theme_id, decision FROM manual WHERE excerpt_id IN ({marks})",
                chunk,
            ):
                if row[2] == "added":
                    result[row[0]].setdefault(row[1], 1.0)
                else:
                    result[row[0]].pop(row[1], None)
        return result

    def scores_of(self, excerpt_ids: Sequence[str]) -> dict[str, dict[str, float]]:
        """Every stored tagger score of each excerpt, tagged or not."""
        result: dict[str, dict[str, float]] = {eid: {} for eid in excerpt_ids}
        for chunk in _chunks(list(excerpt_ids), 500):
            marks = ",".join("?" * len(chunk))
            for row in self.db.execute(
                f"SELECT excerpt_id, theme_id, score FROM scores WHERE excerpt_id IN ({marks})",
                chunk,
            ):
                result[row[0]][row[1]] = float(row[2])
        return result

    def theme_excerpt_counts(self) -> dict[str, int]:
        """Per theme, how many excerpts carry it (the app's first screen needs it)."""
        return {row[0]: row[1] for row in self.db.execute("SELECT * FROM theme_totals")}

    def theme_counts(self) -> dict[str, ThemeCount]:
        """Per theme: how many excerpts carry it, and from how many sources (kept as tags
        are written: a few rows read, whatever the corpus's size)."""
        rows = self.db.execute("SELECT theme_id, excerpts, sources FROM theme_totals")
        return {row[0]: ThemeCount(row[0], row[1], row[2]) for row in rows}

    def theme_matrix(self) -> dict[str, dict[str, int]]:
        """Source id -> theme id -> number of its excerpts carrying the theme."""
        rows = self.db.execute("SELECT source_id, theme_id, excerpts FROM source_themes")
        matrix: dict[str, dict[str, int]] = {}
        for row in rows:
            matrix.setdefault(row[0], {})[row[1]] = row[2]
        return matrix

    # -- search -----------------------------------------------------------------

    def search(self, query: str, theme_id: str | None = None, limit: int = 50) -> SearchHits:
        """Full-text search over excerpts, best match first.

        Words match by stem (porter); FTS5 syntax ("phrases", OR, NOT, prefix*,
        NEAR(a b, 5)) is accepted, operators in any case; a query that is not valid
        FTS5 falls back to matching its words.
        """
        if not query.strip():
            return SearchHits()
        query = re.sub(r"\b(or|not|and|near)\b(?=\s|\()", lambda m: m.group(1).upper(), query)
        try:
            return self._search(query, theme_id, limit)
        except sqlite3.OperationalError:
            words = re.findall(r"\w+", query)
            if not words:
                return SearchHits()
            return self._search(" ".join(f'"{w}"' for w in words), theme_id, limit)

    def suggest(self, query: str, count: int = 5) -> list[str]:
        """Words of the corpus closest in spelling to the query's words (for an empty search):
        stems of the index's vocabulary, each shown as a word the corpus really uses."""
        return close_words(query, count, self._stems_like, self._surface)

    def _stems_like(self, word: str) -> list[str]:
        """The vocabulary's stems of the word's first letter and about its length."""
        rows = self.db.execute(
            "SELECT term FROM excerpts_vocab WHERE term >= ? AND term < ? "
            "AND length(term) BETWEEN ? AND ? ORDER BY doc DESC LIMIT 5000",
            (word[0], chr(ord(word[0]) + 1), len(word) - 3, len(word) + 2),
        ).fetchall()
        return [r[0] for r in rows]

    def _surface(self, stem: str) -> str | None:
        """A word of the corpus with this stem, as the text writes it."""
        row = self.db.execute(
            "SELECT e.text FROM excerpts_fts f JOIN excerpts e ON e.n = f.rowid "
            "WHERE excerpts_fts MATCH ? LIMIT 1",
            (f'"{stem}"',),
        ).fetchone()
        if row is None:
            return None
        match = re.search(rf"\b{re.escape(stem)}\w*", row[0], re.IGNORECASE)
        return match.group(0).casefold() if match else stem

    def _search(self, match: str, theme_id: str | None, limit: int) -> SearchHits:
        """The best `limit` matches by (rank, excerpt id). FTS5 ranks the matches and keeps
        the best few in its own bounded sort; only those few are joined to their excerpts
        and given a snippet (a snippet for every match was most of a common word's cost)."""
        ranked, pool = self._ranked(match, theme_id, limit)
        if not ranked:
            return SearchHits()
        sql = (
            "SELECT e.*, snippet(excerpts_fts, 0, '[', ']', '…', 24) AS snip "
            "FROM excerpts_fts f JOIN excerpts e ON e.n = f.rowid WHERE excerpts_fts MATCH :q "
        )
        found: dict[int, sqlite3.Row | None]
        if "*" in match:
            # A prefix is expanded each time FTS5 starts a query: one pass over the rows
            # between the first and last hit, rather than one query per hit.
            found = {
                row["n"]: row
                for row in self.db.execute(
                    sql + "AND f.rowid BETWEEN :lo AND :hi "
                    "AND +f.rowid IN (SELECT value FROM json_each(:ids))",
                    {
                        "q": match,
                        "lo": min(n for n, _ in ranked),
                        "hi": max(n for n, _ in ranked),
                        "ids": json.dumps([n for n, _ in ranked]),
                    },
                )
            }
        else:
            found = {
                n: self.db.execute(sql + "AND f.rowid = :n", {"q": match, "n": n}).fetchone()
                for n, _ in ranked
            }
        self._read_sources(row["source_id"] for row in found.values() if row is not None)
        matches, exact = self._word_matches(match) if pool is not None else (None, True)
        hits = SearchHits(pool=pool, matches=matches, exact=exact, themed=theme_id is not None)
        for rowid, rank in ranked:
            row = found.get(rowid)
            if row is None:
                continue
            source = self.source(row["source_id"])
            if source is not None:
                hits.append(SearchHit(_excerpt(row), source, row["snip"], rank))
        return hits

    def _ranked(
        self, match: str, theme_id: str | None, limit: int
    ) -> tuple[list[tuple[int, float]], int | None]:
        """(rowid, rank) of the best `limit` matches, ties broken by excerpt id, among the
        matches `searchpool` says to rank (the newest are found by a cheap pass over
        FTS5's list of matches, newest first); and that pool (None: every match)."""
        params: dict[str, object] = {"q": match}
        # bm25() is what FTS5's rank column gives, but sorted by SQLite's own bounded sort:
        # asked to sort by `rank`, FTS5 ranks the matches through a second, inner query
        # (about a third more time for a common word).
        if theme_id is None:  # FTS5 alone: no excerpt row is read for a match not kept
            sql = "SELECT f.rowid, bm25(excerpts_fts) AS score FROM excerpts_fts f "
            sql += "WHERE excerpts_fts MATCH :q "
        else:
            sql = "SELECT f.rowid, bm25(excerpts_fts) AS score FROM excerpts_fts f "
            sql += f"JOIN excerpts e ON e.n = f.rowid WHERE excerpts_fts MATCH :q AND {_CARRIES} "
            params["t"] = theme_id

        def rank(pool: int | None) -> Pooled[list[Any]]:
            floor = None
            if pool is not None:
                floor = self.db.execute(
                    "SELECT rowid FROM excerpts_fts WHERE excerpts_fts MATCH ? "
                    "ORDER BY rowid DESC LIMIT 1 OFFSET ?",
                    (match, pool - 1),
                ).fetchone()
            if floor is None:
                rows = self._best_rows(sql + "ORDER BY score LIMIT :fetch", params, limit)
                return Pooled(rows, whole=True, kept=len(rows))
            bounded = sql + "AND f.rowid >= :floor ORDER BY score LIMIT :fetch"
            rows = self._best_rows(bounded, {**params, "floor": floor[0]}, limit)
            return Pooled(rows, whole=False, kept=len(rows))

        rows, pool = rank_in_pool(rank, theme_id is not None, limit)
        ids: dict[int, str] = {}
        for chunk in _chunks([row[0] for row in rows], 500):
            marks = ",".join("?" * len(chunk))
            ids.update(self.db.execute(f"SELECT n, id FROM excerpts WHERE n IN ({marks})", chunk))
        best = sorted(rows, key=lambda row: (row[1], ids.get(row[0], "")))
        return [(row[0], float(row[1])) for row in (best if limit < 0 else best[:limit])], pool

    def _word_matches(self, match: str) -> tuple[int | None, bool]:
        """How many excerpts a query of one word matches, counted up to COUNTED (False:
        more than that). Any other query is not counted (None): a phrase's count alone
        cost 13-49 ms at 100,000 articles, a compound query's 60-410 ms, more than the
        search. (The team store counts a phrase or a prefix too: it keeps their counts.)"""
        if not _ONE_WORD.fullmatch(match.strip()):
            return None, True
        row = self.db.execute(
            "SELECT count(*) FROM (SELECT rowid FROM excerpts_fts WHERE excerpts_fts MATCH ? "
            "ORDER BY rowid DESC LIMIT ?)",
            (match, searchpool.COUNTED + 1),
        ).fetchone()
        return min(int(row[0]), searchpool.COUNTED), int(row[0]) <= searchpool.COUNTED

    def _best_rows(self, sql: str, params: dict[str, object], limit: int) -> list[Any]:
        """FTS5's best rows by rank, enough of them to hold every row tied with the last
        one kept: a run of equal ranks (wire copies) may go on past FTS5's cut, so a few
        more are asked for than kept, and more again while the cut falls inside a run."""
        # Asking again ranks every match again, while a longer bounded sort costs next to
        # nothing. (A negative limit: all.)
        fetch = -1 if limit < 0 else max(10 * limit, 256)
        while True:
            rows = self.db.execute(sql, {**params, "fetch": fetch}).fetchall()
            if fetch < 0 or len(rows) < fetch or limit == 0 or rows[-1][1] > rows[limit - 1][1]:
                return rows
            fetch *= 4


def stored_authors(source: Source) -> str | None:
    """A source's list of authors as both stores keep it: JSON, or NULL for none."""
    return json.dumps(source.authors, ensure_ascii=False) if source.authors else None


def metadata_row(source: Source) -> tuple[object, ...]:
    """The columns of a source's metadata that a correction rewrites, in the order
    `update_metadata` writes them (title, author, outlet, date, authors, url, accessed,
    type)."""
    return (
        source.title,
        source.author,
        source.outlet,
        source.date,
        stored_authors(source),
        source.url,
        source.accessed,
        source.type,
    )


class _Transaction:
    """BEGIN ... COMMIT, or ROLLBACK on error, on an autocommit connection."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def __enter__(self) -> None:
        self.db.execute("BEGIN IMMEDIATE")

    def __exit__(self, kind: object, error: object, trace: object) -> None:
        self.db.execute("COMMIT" if kind is None else "ROLLBACK")


@without_controls  # a store written before ingest removed them
def _source(row: sqlite3.Row) -> Source:
    return Source(
        id=row["id"],
        file=row["file"],
        text=row["text"],
        title=row["title"],
        author=row["author"],
        outlet=row["outlet"],
        date=row["date"],
        authors=json.loads(row["authors"]) if row["authors"] else [],
        url=row["url"],
        accessed=row["accessed"],
        type=row["type"],
    )


@without_controls  # a store written before ingest removed them
def _excerpt(row: sqlite3.Row) -> Excerpt:
    return Excerpt(
        id=row["id"],
        source_id=row["source_id"],
        position=row["position"],
        start=row["start"],
        end=row["end"],
        text=row["text"],
    )


def _statements(script: str) -> list[str]:
    """A migration's statements, one by one (executescript would commit on its own)."""
    statements: list[str] = []
    current = ""
    for line in script.splitlines(keepends=True):
        current += line
        if sqlite3.complete_statement(current):
            statements.append(current.strip())
            current = ""
    if current.strip():
        statements.append(current.strip())
    return statements


def _chunks(items: list[Any], size: int) -> Iterator[list[Any]]:
    for at in range(0, len(items), size):
        yield items[at : at + size]
