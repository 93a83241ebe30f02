"""The corpus cache: sources, excerpts, tags and full-text search in SQLite.

Everything here can be rebuilt from the workspace's files, so the store is opened
from an explicit path and never holds the only copy of anything a person wrote.
"""

from __future__ import annotations

import contextlib
import json
import re
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from briefing.controls import strip_controls, without_controls
from briefing.errors import WorkspaceError
from briefing.filetruth import WorkspaceFiles
from briefing.ids import canonical
from briefing.model import Excerpt, ScoredExcerpt, SentenceProfile, Source, ThemeScore

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
)
SCHEMA_VERSION = len(MIGRATIONS)
SCORES_BY_THEME = "CREATE INDEX scores_by_theme ON scores(theme_id, tagged, score DESC)"

# Whether excerpt `e` carries theme :t, decided per excerpt by key lookups: the same rule
# as the effective_tags view, which serves whole-corpus counts but is slow to probe.
_CARRIES = (
    "((EXISTS (SELECT 1 FROM scores sc WHERE sc.excerpt_id = e.id AND sc.theme_id = :t"
    " AND sc.tagged = 1) AND NOT EXISTS (SELECT 1 FROM manual m WHERE m.excerpt_id = e.id"
    " AND m.theme_id = :t AND m.decision = 'removed'))"
    " OR EXISTS (SELECT 1 FROM manual m WHERE m.excerpt_id = e.id AND m.theme_id = :t"
    " AND m.decision = 'added'))"
)

# Scores below this are noise: not stored, so the table stays small at scale.
STORED_SCORE_FLOOR = 0.05


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
    | {"effective_tags", "sentences"}
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
                self.db.execute("PRAGMA cache_size = -131072")
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
                json.dumps(source.authors, ensure_ascii=False) if source.authors else None,
                source.url,
                source.accessed,
                source.type,
            ),
        )
        for excerpt in excerpts:
            cursor = self.db.execute(
                "INSERT INTO excerpts(id, source_id, position, start, end, text) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (
                    excerpt.id,
                    excerpt.source_id,
                    excerpt.position,
                    excerpt.start,
                    excerpt.end,
                    excerpt.text,
                ),
            )
            self.db.execute(
                "INSERT INTO excerpts_fts(rowid, text) VALUES (?, ?)",
                (cursor.lastrowid, excerpt.text),
            )
        self._sources.pop(source.id, None)

    def update_metadata(self, source: Source) -> None:
        """Replace a source's metadata (a user's correction)."""
        self.db.execute(
            "UPDATE sources SET title = ?, author = ?, outlet = ?, date = ?, authors = ?, "
            "url = ?, accessed = ?, type = ? WHERE id = ?",
            (
                source.title,
                source.author,
                source.outlet,
                source.date,
                json.dumps(source.authors, ensure_ascii=False) if source.authors else None,
                source.url,
                source.accessed,
                source.type,
                source.id,
            ),
        )
        self._sources.pop(source.id, None)

    def set_scores(self, scored: Iterable[tuple[str, Sequence[ThemeScore]]]) -> None:
        """Store the tagger's scores of excerpts, (excerpt id, scores) pairs, in one go.

        Keeps only the scores worth keeping. New excerpts have none; re-tagging
        starts from none (`rewriting_scores`), so no stale score survives.
        """
        self.db.executemany(
            "INSERT INTO scores(excerpt_id, theme_id, score, tagged) VALUES (?, ?, ?, ?)",
            [
                (excerpt_id, s.theme_id, round(s.score, 6), int(s.tagged))
                for excerpt_id, scores in scored
                for s in scores
                if s.tagged or s.score >= STORED_SCORE_FLOOR
            ],
        )

    def set_score_rows(self, rows: Iterable[tuple[str, str, float, int]]) -> None:
        """Store (excerpt id, theme id, score, tagged) rows as they come: what the whole
        corpus's calibration writes, inside `rewriting_scores`."""
        self.db.executemany(
            "INSERT INTO scores(excerpt_id, theme_id, score, tagged) VALUES (?, ?, ?, ?)", rows
        )

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
        self.db.execute("DROP INDEX IF EXISTS scores_by_theme")
        self.db.execute("DELETE FROM scores")
        self.db.execute("DELETE FROM sentences")
        yield
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

    def clear_phrase_hits(self) -> None:
        """The taxonomy changed: every excerpt's keyword matches are about to be redone."""
        self.db.execute("DELETE FROM phrase_hits")

    def corpus_rows(self) -> Iterator[tuple[str, str, int, bytes | None]]:
        """Every excerpt as (id, source id, position, stored vector or None), by id:
        one fixed order, whatever the order in which the excerpts were ingested.
        Streamed: a large corpus's vectors are never all held as rows at once."""
        yield from self.db.execute(
            "SELECT e.id, e.source_id, e.position, v.vector FROM excerpts e "
            "LEFT JOIN vectors v ON v.excerpt_id = e.id ORDER BY e.id"
        )

    def phrase_rows(self) -> Iterator[tuple[str, str, float, str]]:
        """Every stored keyword match: (excerpt id, theme id, phrase score, found), streamed."""
        yield from self.db.execute("SELECT excerpt_id, theme_id, score, found FROM phrase_hits")

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
        self.db.execute("DELETE FROM manual")
        self.db.executemany(
            "INSERT OR REPLACE INTO manual(excerpt_id, theme_id, decision) VALUES (?, ?, ?)",
            list(decisions),
        )

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

    def source_by_file(self, file: str) -> Source | None:
        row = self.db.execute("SELECT id FROM sources WHERE file = ?", (file,)).fetchone()
        return None if row is None else self.source(row[0])

    def sources(self) -> list[Source]:
        """Every source, in the order they were added."""
        rows = self.db.execute("SELECT * FROM sources ORDER BY added").fetchall()
        return [_source(row) for row in rows]

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
        tagged = self.db.execute(
            "SELECT e.*, sc.score AS score, NULL AS decision "
            "FROM scores sc JOIN excerpts e ON e.id = sc.excerpt_id "
            "WHERE sc.theme_id = :t AND sc.tagged = 1 AND NOT EXISTS ("
            " SELECT 1 FROM manual m WHERE m.excerpt_id = sc.excerpt_id AND m.theme_id = :t) "
            "ORDER BY sc.score DESC, e.id LIMIT :n",
            {"t": theme_id, "n": n if limit is None else max(limit - len(added), 0)},
        ).fetchall()
        rows = [*added, *tagged]
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
        """Per theme, how many excerpts carry it: from the score index alone, so it stays
        instant on a large corpus (the app's first screen needs it)."""
        counts = {
            row[0]: row[1]
            for row in self.db.execute(
                "SELECT theme_id, count(*) FROM scores WHERE tagged = 1 GROUP BY theme_id"
            )
        }
        # The user's decisions move a few excerpts in or out.
        for theme_id, change in self.db.execute(
            "SELECT m.theme_id, sum(CASE WHEN m.decision = 'added' THEN 1 ELSE -1 END) "
            "FROM manual m JOIN excerpts e ON e.id = m.excerpt_id "
            "LEFT JOIN scores sc ON sc.excerpt_id = m.excerpt_id AND sc.theme_id = m.theme_id "
            "WHERE (m.decision = 'added') != (coalesce(sc.tagged, 0) = 1) GROUP BY m.theme_id"
        ):
            counts[theme_id] = counts.get(theme_id, 0) + change
        return counts

    def theme_counts(self) -> dict[str, ThemeCount]:
        """Per theme: how many excerpts carry it, and from how many sources."""
        rows = self.db.execute(
            "SELECT ef.theme_id, count(*), count(DISTINCT e.source_id)"
            " FROM effective_tags ef JOIN excerpts e ON e.id = ef.excerpt_id GROUP BY ef.theme_id"
        )
        return {row[0]: ThemeCount(row[0], row[1], row[2]) for row in rows}

    def theme_matrix(self) -> dict[str, dict[str, int]]:
        """Source id -> theme id -> number of its excerpts carrying the theme."""
        rows = self.db.execute(
            "SELECT e.source_id, ef.theme_id, count(*)"
            " FROM effective_tags ef JOIN excerpts e ON e.id = ef.excerpt_id"
            " GROUP BY e.source_id, ef.theme_id"
        )
        matrix: dict[str, dict[str, int]] = {}
        for row in rows:
            matrix.setdefault(row[0], {})[row[1]] = row[2]
        return matrix

    # -- search -----------------------------------------------------------------

    def search(self, query: str, theme_id: str | None = None, limit: int = 50) -> list[SearchHit]:
        """Full-text search over excerpts, best match first.

        Words match by stem (porter); FTS5 syntax ("phrases", OR, NOT, prefix*,
        NEAR(a b, 5)) is accepted, operators in any case; a query that is not valid
        FTS5 falls back to matching its words.
        """
        if not query.strip():
            return []
        query = re.sub(r"\b(or|not|and|near)\b(?=\s|\()", lambda m: m.group(1).upper(), query)
        try:
            return self._search(query, theme_id, limit)
        except sqlite3.OperationalError:
            words = re.findall(r"\w+", query)
            if not words:
                return []
            return self._search(" ".join(f'"{w}"' for w in words), theme_id, limit)

    def suggest(self, query: str, count: int = 5) -> list[str]:
        """Words of the corpus closest in spelling to the query's words (for an empty search).

        Candidates come from the index's vocabulary (stems), narrowed by first letter and
        length before they are compared, so this stays quick on a large corpus; each stem
        is shown as a word the corpus really uses.
        """
        import difflib

        found: list[str] = []
        for word in re.findall(r"\w+", query.casefold()):
            if word in ("and", "or", "not", "near") or len(word) < 3:
                continue
            rows = self.db.execute(
                "SELECT term FROM excerpts_vocab WHERE term >= ? AND term < ? "
                "AND length(term) BETWEEN ? AND ? ORDER BY doc DESC LIMIT 5000",
                (word[0], chr(ord(word[0]) + 1), len(word) - 3, len(word) + 2),
            ).fetchall()
            stems = [r[0] for r in rows]
            for stem in difflib.get_close_matches(word, stems, n=count, cutoff=0.7):
                shown = self._surface(stem)
                if shown and shown not in found and shown != word:
                    found.append(shown)
        return found[:count]

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

    def _search(self, match: str, theme_id: str | None, limit: int) -> list[SearchHit]:
        sql = (
            "SELECT e.*, snippet(excerpts_fts, 0, '[', ']', '…', 24) AS snip, f.rank AS rank "
            "FROM excerpts_fts f JOIN excerpts e ON e.n = f.rowid WHERE excerpts_fts MATCH :q "
        )
        params: dict[str, object] = {"q": match, "limit": limit}
        if theme_id is not None:
            sql += f"AND {_CARRIES} "
            params["t"] = theme_id
        sql += "ORDER BY f.rank, e.id LIMIT :limit"
        hits: list[SearchHit] = []
        for row in self.db.execute(sql, params):
            source = self.source(row["source_id"])
            if source is not None:
                hits.append(SearchHit(_excerpt(row), source, row["snip"], float(row["rank"])))
        return hits


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


def _chunks(items: list[str], size: int) -> Iterator[list[str]]:
    for at in range(0, len(items), size):
        yield items[at : at + size]
