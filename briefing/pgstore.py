"""The team store: one corpus in PostgreSQL, shared by every analyst's workspace.

It answers the same queries as the embedded SQLite store (`briefing.store`), and in it
the team's truth lives: the originals, the published taxonomy and every manual tag
decision (who, when, and the history of each). Each analyst keeps brief.yaml at home.

Full-text search runs on a GIN index of a stored tsvector of FTS5's own terms (the
SQLite store's tokenizer run in memory: `searchterms`), so both stores stem, fold
accents and cut words alike; the FTS5 syntax users type is translated to tsquery.
Any failure of the server becomes `StoreUnavailable` naming the store, never a
traceback; passwords come from libpq's environment or ~/.pgpass, never from a file of
ours.
"""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from functools import wraps
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import urlsplit, urlunsplit

from briefing import fts5query, searchpool
from briefing.controls import strip_controls, without_controls
from briefing.errors import InputError, WorkspaceError
from briefing.files import write_atomic
from briefing.ids import canonical
from briefing.model import Excerpt, ScoredExcerpt, SentenceProfile, Source, ThemeScore
from briefing.searchpool import Pooled, SearchHits, rank_in_pool
from briefing.searchterms import SearchTerms, quoted
from briefing.spelling import close_words
from briefing.store import (
    STORED_SCORE_FLOOR,
    NotBuilt,
    SearchHit,
    ThemeCount,
    metadata_row,
    stored_authors,
)
from briefing.stores import StoreUnavailable, TaxonomyConflict

if TYPE_CHECKING:
    from briefing.tagging.manual import ManualTags
    from briefing.workspace import Workspace

# Each entry upgrades the schema by one version, as in SQLite: the list index + 1 is the
# version it produces. A new version is a new entry, never an edit of an old one.
MIGRATIONS: tuple[str, ...] = (
    r"""
    CREATE TEXT SEARCH DICTIONARY briefing_stem (TEMPLATE = snowball, Language = english);
    CREATE TEXT SEARCH CONFIGURATION briefing (COPY = pg_catalog.english);
    ALTER TEXT SEARCH CONFIGURATION briefing
        ALTER MAPPING REPLACE english_stem WITH briefing_stem;
    CREATE TABLE sources (
        id TEXT COLLATE "C" PRIMARY KEY,
        file TEXT NOT NULL,
        title TEXT, author TEXT, outlet TEXT, date TEXT,
        text TEXT NOT NULL,
        added BIGINT GENERATED ALWAYS AS IDENTITY,
        authors TEXT, url TEXT, accessed TEXT, type TEXT
    );
    CREATE INDEX sources_by_added ON sources(added);
    CREATE INDEX sources_by_file ON sources(file);
    CREATE TABLE excerpts (
        n BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        id TEXT COLLATE "C" NOT NULL UNIQUE,
        source_id TEXT COLLATE "C" NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        start INTEGER NOT NULL,
        "end" INTEGER NOT NULL,
        text TEXT NOT NULL,
        tsv tsvector GENERATED ALWAYS AS (
            to_tsvector('briefing'::regconfig, regexp_replace(text, '[[:punct:]]+', ' ', 'g'))
        ) STORED
    );
    CREATE INDEX excerpts_by_source ON excerpts(source_id, position);
    CREATE INDEX excerpts_fts ON excerpts USING GIN (tsv);
    CREATE TABLE scores (
        excerpt_id TEXT COLLATE "C" NOT NULL,
        theme_id TEXT COLLATE "C" NOT NULL,
        score DOUBLE PRECISION NOT NULL,
        tagged INTEGER NOT NULL,
        PRIMARY KEY (excerpt_id, theme_id)
    );
    CREATE INDEX scores_by_theme ON scores(theme_id, tagged, score DESC);
    CREATE TABLE manual (
        excerpt_id TEXT COLLATE "C" NOT NULL,
        theme_id TEXT COLLATE "C" NOT NULL,
        decision TEXT NOT NULL CHECK (decision IN ('added', 'removed')),
        PRIMARY KEY (excerpt_id, theme_id)
    );
    CREATE TABLE decisions (
        excerpt_id TEXT COLLATE "C" NOT NULL,
        theme_id TEXT COLLATE "C" NOT NULL,
        decision TEXT NOT NULL CHECK (decision IN ('added', 'removed')),
        text TEXT,
        by_user TEXT NOT NULL DEFAULT '',
        at TEXT NOT NULL DEFAULT '',
        PRIMARY KEY (excerpt_id, theme_id)
    );
    CREATE TABLE decision_log (
        n BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        excerpt_id TEXT NOT NULL,
        theme_id TEXT NOT NULL,
        decision TEXT,
        by_user TEXT NOT NULL DEFAULT '',
        at TEXT NOT NULL DEFAULT '',
        logged TIMESTAMPTZ NOT NULL DEFAULT now()
    );
    CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE VIEW effective_tags AS
        SELECT sc.excerpt_id, sc.theme_id FROM scores sc
        LEFT JOIN manual m ON m.excerpt_id = sc.excerpt_id AND m.theme_id = sc.theme_id
        WHERE sc.tagged = 1 AND coalesce(m.decision, '') != 'removed'
        UNION SELECT excerpt_id, theme_id FROM manual WHERE decision = 'added';
    CREATE TABLE sentences (
        excerpt_id TEXT COLLATE "C" PRIMARY KEY,
        spans TEXT NOT NULL,
        scores TEXT NOT NULL,
        vectors BYTEA
    );
    CREATE TABLE vectors (
        excerpt_id TEXT COLLATE "C" PRIMARY KEY REFERENCES excerpts(id) ON DELETE CASCADE,
        vector BYTEA NOT NULL
    );
    CREATE TABLE phrase_hits (
        excerpt_id TEXT COLLATE "C" NOT NULL REFERENCES excerpts(id) ON DELETE CASCADE,
        theme_id TEXT COLLATE "C" NOT NULL,
        score DOUBLE PRECISION NOT NULL,
        found TEXT NOT NULL,
        PRIMARY KEY (excerpt_id, theme_id)
    );
    CREATE TABLE originals (
        source_id TEXT COLLATE "C" PRIMARY KEY REFERENCES sources(id) ON DELETE CASCADE,
        file TEXT NOT NULL,
        content BYTEA NOT NULL,
        meta TEXT
    );
    CREATE TABLE taxonomy (
        version BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        text TEXT NOT NULL,
        by_user TEXT NOT NULL DEFAULT '',
        at TIMESTAMPTZ NOT NULL DEFAULT now()
    );
    """,
    # Theme counts kept as tags are written (`_recount`), as in the SQLite store (schema
    # 5): `themes`, the matrix and the app's theme list read a few rows instead of
    # aggregating every tag.
    """
    CREATE INDEX excerpts_source_of ON excerpts(id) INCLUDE (source_id);
    CREATE TABLE source_themes (
        source_id TEXT COLLATE "C" NOT NULL,
        theme_id TEXT COLLATE "C" NOT NULL,
        excerpts INTEGER NOT NULL,
        PRIMARY KEY (source_id, theme_id)
    );
    CREATE TABLE theme_totals (
        theme_id TEXT COLLATE "C" PRIMARY KEY,
        excerpts INTEGER NOT NULL,
        sources INTEGER NOT NULL
    );
    INSERT INTO source_themes(source_id, theme_id, excerpts)
        SELECT e.source_id, ef.theme_id, count(*)
        FROM effective_tags ef JOIN excerpts e ON e.id = ef.excerpt_id GROUP BY 1, 2;
    INSERT INTO theme_totals(theme_id, excerpts, sources)
        SELECT theme_id, sum(excerpts), count(*) FROM source_themes GROUP BY theme_id;
    """,
    # The index's vocabulary, kept as sources are added: what an empty search's
    # suggestions are drawn from (ts_stat reads every excerpt: seconds on a large corpus).
    """
    CREATE TABLE vocabulary (word TEXT COLLATE "C" PRIMARY KEY, ndoc INTEGER NOT NULL);
    INSERT INTO vocabulary(word, ndoc) SELECT word, ndoc FROM ts_stat('SELECT tsv FROM excerpts');
    """,
    # The index holds FTS5's own terms, as the SQLite store indexes them (searchterms.py):
    # written by briefing with each excerpt; existing excerpts are indexed again
    # (`_index_again`), and so is the vocabulary of suggestions.
    """
    ALTER TABLE excerpts DROP COLUMN tsv;
    ALTER TABLE excerpts ADD COLUMN tsv tsvector;
    CREATE INDEX excerpts_fts ON excerpts USING GIN (tsv);
    DROP TEXT SEARCH CONFIGURATION briefing;
    DROP TEXT SEARCH DICTIONARY briefing_stem;
    DELETE FROM vocabulary;
    """,
    # What FTS5's bm25 needs to rank as the SQLite store ranks (`_bm25`): each excerpt's
    # length in tokens, and the corpus's count of excerpts and of tokens, kept as sources
    # are added (each term's count of excerpts is the vocabulary's ndoc). Existing
    # excerpts are counted when the store is opened (`_index_again`).
    """
    ALTER TABLE excerpts ADD COLUMN tokens INTEGER NOT NULL DEFAULT 0;
    CREATE TABLE search_totals (excerpts BIGINT NOT NULL, tokens BIGINT NOT NULL);
    INSERT INTO search_totals VALUES (0, 0);
    """,
    # How many excerpts a phrase or a prefix is found in (bm25's IDF), counted once and
    # then only over the excerpts added since (`upto`: excerpts are only ever added, in
    # the order of `n`, as writers take turns); `since`, the corpus's first excerpt,
    # tells a count made before a rebuild.
    """
    CREATE TABLE phrase_counts (
        phrase TEXT COLLATE "C" PRIMARY KEY,
        excerpts BIGINT NOT NULL,
        since BIGINT NOT NULL,
        upto BIGINT NOT NULL
    );
    """,
)
# The first schema whose index holds FTS5's terms, and the first that counts tokens.
_FTS5_TERMS = 4
_TOKEN_COUNTS = 5
SCHEMA_VERSION = len(MIGRATIONS)
# The effective_tags rule as (source id, theme id) pairs of the excerpts `e` picked by
# `{where}`: the tagger's tags less the user's removals, plus the user's additions.
_CARRIED = (
    "SELECT e.source_id, sc.theme_id FROM scores sc JOIN excerpts e ON e.id = sc.excerpt_id"
    " WHERE sc.tagged = 1 AND {where} AND NOT EXISTS (SELECT 1 FROM manual m"
    " WHERE m.excerpt_id = sc.excerpt_id AND m.theme_id = sc.theme_id"
    " AND m.decision = 'removed')"
    " UNION ALL "
    "SELECT e.source_id, m.theme_id FROM manual m JOIN excerpts e ON e.id = m.excerpt_id"
    " WHERE m.decision = 'added' AND {where} AND NOT EXISTS (SELECT 1 FROM scores sc"
    " WHERE sc.excerpt_id = m.excerpt_id AND sc.theme_id = m.theme_id AND sc.tagged = 1)"
)
BUILT = "built"
# Advisory lock keys (per database): one writer at a time, and one migration at a time.
_WRITER = 0x62726965  # "brie"
_MIGRATE = 0x66696E67  # "fing"

_SOURCE = "id, file, title, author, outlet, date, text, authors, url, accessed, type"
_EXCERPT = 'e.id, e.source_id, e.position, e.start, e."end", e.text'
_CARRIES = (
    "((EXISTS (SELECT 1 FROM scores sc WHERE sc.excerpt_id = e.id AND sc.theme_id = %(t)s"
    " AND sc.tagged = 1) AND NOT EXISTS (SELECT 1 FROM manual m WHERE m.excerpt_id = e.id"
    " AND m.theme_id = %(t)s AND m.decision = 'removed'))"
    " OR EXISTS (SELECT 1 FROM manual m WHERE m.excerpt_id = e.id AND m.theme_id = %(t)s"
    " AND m.decision = 'added'))"
)


def safe_address(url: str) -> str:
    """The store's address as it may be shown: any password taken out."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    user = f"{parts.username}@" if parts.username else ""
    port = f":{parts.port}" if parts.port else ""
    return urlunsplit(parts._replace(netloc=f"{user}{host}{port}"))


F = TypeVar("F", bound=Callable[..., Any])


def _reported(method: F) -> F:
    """Turn any database failure inside `method` into a message naming the store."""

    @wraps(method)
    def wrapper(self: PgStore, *args: Any, **kwargs: Any) -> Any:
        import psycopg

        try:
            return method(self, *args, **kwargs)
        except psycopg.Error as error:
            raise self._failure(error) from error

    return wrapper  # type: ignore[return-value]


def _reported_rows(method: F) -> F:
    """`_reported` for a method that yields rows: the failure may come mid-stream."""

    @wraps(method)
    def wrapper(self: PgStore, *args: Any, **kwargs: Any) -> Any:
        import psycopg

        try:
            yield from method(self, *args, **kwargs)
        except psycopg.Error as error:
            raise self._failure(error) from error

    return wrapper  # type: ignore[return-value]


class PgStore:
    """PostgreSQL access for a team's corpus; the same interface as `store.Store`."""

    def __init__(self, url: str) -> None:
        import psycopg

        self.url = url
        self.address = safe_address(url)
        self._sources: dict[str, Source] = {}
        self._depth = 0  # nested transaction() blocks
        self._rewriting = False  # inside rewriting_scores: counts are redone at its end
        self._rebuild: Any = None  # the transaction of a rebuild (begin_rebuild)
        self._unindexed: list[str] = []  # sources whose words the vocabulary lacks yet
        self.terms = SearchTerms()  # FTS5's tokenizer: the index's and the queries' terms
        try:
            # Autocommit, with explicit transactions: a reader sees each commit of the
            # others at once, and never holds a snapshot open between commands.
            self.db = psycopg.connect(url, autocommit=True, connect_timeout=10)
        except psycopg.Error as error:
            raise self._failure(error) from error
        try:
            # A common word's pool is planned as costly enough to compile: 40-50 ms of
            # JIT at 100,000 articles, for a query that then runs in less.
            self.db.execute("SET jit = off")
            self._migrate()
        except psycopg.Error as error:
            self.db.close()
            raise self._failure(error) from error
        except WorkspaceError:
            self.db.close()
            raise

    def _failure(self, error: Exception) -> StoreUnavailable:
        import psycopg

        first = (str(error).strip().splitlines() or [type(error).__name__])[0]
        if isinstance(error, psycopg.OperationalError | psycopg.InterfaceError):
            return StoreUnavailable(
                f"{self.address}: the team store cannot be reached ({first}). "
                "Check that the PostgreSQL server is running and reachable, then run the "
                "command again (nothing half-written is kept)."
            )
        if isinstance(error, psycopg.errors.InsufficientPrivilege):
            return StoreUnavailable(
                f"{self.address}: the team store refused a query ({first}). Ask the "
                "database's administrator to make your role a member of the role that owns "
                "the database (GRANT owner_role TO your_role; the README's team set-up)."
            )
        return StoreUnavailable(f"{self.address}: the team store refused a query ({first}).")

    @classmethod
    def open_built(cls, url: str) -> PgStore:
        store = cls(url)
        if store.get_setting(BUILT) is None:
            store.close()
            raise NotBuilt("holds no corpus yet")
        return store

    @_reported
    def mark_built(self) -> None:
        self.set_setting(BUILT, "1")

    # -- schema ---------------------------------------------------------------

    def _migrate(self) -> None:
        version = self._version()
        if version > SCHEMA_VERSION:
            raise WorkspaceError(
                f"{self.address}: made by a newer briefing (schema {version}); upgrade briefing."
            )
        if version == 0 and self._foreign():
            raise WorkspaceError(
                f"{self.address}: this database holds tables that are not briefing's; "
                "name an empty database (createdb NAME) for the team store."
            )
        if version == SCHEMA_VERSION:
            return
        with self.db.transaction():
            # One migration at a time: a second workspace opening the store now waits,
            # then finds the schema current.
            self.db.execute("SELECT pg_advisory_xact_lock(%s)", (_MIGRATE,))
            # The tables belong to the database's owner (the desk's group role), not to
            # the analyst who opened the store first: every member may then use them.
            self.db.execute(
                "SELECT set_config('role', r.rolname, true) FROM pg_database d "
                "JOIN pg_roles r ON r.oid = d.datdba WHERE d.datname = current_database() "
                "AND r.rolname <> current_user AND pg_has_role(r.oid, 'MEMBER')"
            )
            self.db.execute("CREATE TABLE IF NOT EXISTS briefing_schema (version INTEGER)")
            row = self.db.execute("SELECT max(version) FROM briefing_schema").fetchone()
            current = int(row[0]) if row and row[0] is not None else 0
            for number in range(current, SCHEMA_VERSION):
                self.db.execute(MIGRATIONS[number])
            if 0 < current < _TOKEN_COUNTS:
                self._index_again(terms=current < _FTS5_TERMS)
            self.db.execute("DELETE FROM briefing_schema")
            self.db.execute("INSERT INTO briefing_schema VALUES (%s)", (SCHEMA_VERSION,))

    def _index_again(self, terms: bool) -> None:
        """Count every excerpt's tokens again (the migration to schema 5) and, with
        `terms`, index its text again with FTS5's terms (the migration to schema 4)."""
        last = -1
        while True:
            rows = self.db.execute(
                "SELECT n, text FROM excerpts WHERE n > %s ORDER BY n LIMIT 2000", (last,)
            ).fetchall()
            if not rows:
                break
            indexed = self.terms.tsvectors([row[1] for row in rows])
            with self.db.cursor() as cursor:
                cursor.executemany(
                    "UPDATE excerpts SET tsv = CASE WHEN %s THEN %s::tsvector ELSE tsv END, "
                    "tokens = %s WHERE n = %s",
                    [
                        (terms, tsv, tokens, row[0])
                        for (tsv, tokens), row in zip(indexed, rows, strict=True)
                    ],
                )
            last = rows[-1][0]
        if terms:
            self.db.execute(
                "INSERT INTO vocabulary(word, ndoc) "
                "SELECT word, ndoc FROM ts_stat('SELECT tsv FROM excerpts')"
            )
        self.db.execute(
            "UPDATE search_totals SET (excerpts, tokens) = "
            "(SELECT count(*), coalesce(sum(tokens), 0) FROM excerpts)"
        )

    def _version(self) -> int:
        found = self.db.execute("SELECT to_regclass('briefing_schema')").fetchone()
        if found is None or found[0] is None:
            return 0
        row = self.db.execute("SELECT max(version) FROM briefing_schema").fetchone()
        return int(row[0]) if row and row[0] is not None else 0

    def _foreign(self) -> bool:
        row = self.db.execute(
            "SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()"
        ).fetchone()
        return bool(row and row[0])

    @property
    @_reported
    def schema_version(self) -> int:
        return self._version()

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.db.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One transaction; every writer of the team takes turns (an advisory lock held
        until the commit), so two ingests never write the same rows at once."""
        import psycopg

        try:
            with self.db.transaction():
                if self._depth == 0:
                    self.db.execute("SELECT pg_advisory_xact_lock(%s)", (_WRITER,))
                self._depth += 1
                try:
                    yield
                    self._index_words()  # the batch's words, in the batch's transaction
                finally:
                    self._depth -= 1
        except psycopg.Error as error:
            raise self._failure(error) from error

    def _index_words(self) -> None:
        """Count the words of the sources added since the last call into the vocabulary,
        and their excerpts and tokens into the corpus's totals: once per batch (a few
        thousand words), not once per source."""
        if not self._unindexed:
            return
        added, self._unindexed = self._unindexed, []
        self.db.execute(
            "INSERT INTO vocabulary(word, ndoc) SELECT u.lexeme, count(*) "
            "FROM excerpts e, unnest(e.tsv) u WHERE e.source_id = ANY(%s) GROUP BY u.lexeme "
            "ON CONFLICT (word) DO UPDATE SET ndoc = vocabulary.ndoc + excluded.ndoc",
            (added,),
        )
        self.db.execute(
            "UPDATE search_totals SET (excerpts, tokens) = (SELECT search_totals.excerpts "
            "+ count(*), search_totals.tokens + coalesce(sum(e.tokens), 0) "
            "FROM excerpts e WHERE e.source_id = ANY(%s))",
            (added,),
        )

    @contextmanager
    def writer_lock(self, on_wait: Callable[[], None] | None = None) -> Iterator[None]:
        """Hold the team's writer lock for the block (a run that changes the corpus):
        another workspace's ingest waits for this one, then finds its articles stored.
        Held by this connection: the server frees it if the process dies."""
        import psycopg

        try:
            got = self.db.execute("SELECT pg_try_advisory_lock(%s)", (_WRITER,)).fetchone()
            if not (got and got[0]):
                if on_wait is not None:
                    on_wait()
                self.db.execute("SELECT pg_advisory_lock(%s)", (_WRITER,))
        except psycopg.Error as error:
            raise self._failure(error) from error
        try:
            yield
        finally:
            with contextlib.suppress(psycopg.Error):
                self.db.execute("SELECT pg_advisory_unlock(%s)", (_WRITER,))

    # -- rebuilding -----------------------------------------------------------

    def begin_rebuild(self, folder: Path) -> None:
        """Start replacing the corpus from its own originals, in one transaction that
        `end_rebuild` ends: the team reads the old corpus meanwhile, writers wait, and a
        rebuild that stops (killed, the server gone) leaves the old corpus whole.

        Every original (with its .meta.yaml) is written to `folder`, for the build to
        read; the corpus is emptied; decisions, their log and the taxonomy stay."""
        import psycopg

        from briefing.source_meta import meta_path

        try:
            self._rebuild = self.db.transaction()
            self._rebuild.__enter__()
            self.db.execute("SELECT pg_advisory_xact_lock(%s)", (_WRITER,))
            self._depth += 1
            for file, content, meta in self.originals(None):  # type: ignore[arg-type]
                path = folder / file
                if folder.resolve() not in path.resolve().parents:
                    continue  # a name that would leave the folder is not followed
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(content)
                if meta is not None:
                    meta_path(path).write_text(meta, encoding="utf-8")
            for table in (
                "scores",
                "manual",
                "sentences",
                "source_themes",
                "theme_totals",
                "vocabulary",
            ):
                self.db.execute(f"DELETE FROM {table}")
            self.db.execute("DELETE FROM sources")  # excerpts, vectors, matches, originals
            self.db.execute("DELETE FROM settings")
            self.db.execute("UPDATE search_totals SET excerpts = 0, tokens = 0")
        except psycopg.Error as error:
            raise self._failure(error) from error
        self._sources.clear()

    def end_rebuild(self, commit: bool) -> None:
        import psycopg

        rebuild, self._rebuild = self._rebuild, None
        if rebuild is None:
            return
        self._depth -= 1
        try:
            if commit:
                rebuild.__exit__(None, None, None)
            else:
                rebuild.__exit__(RuntimeError, RuntimeError("stopped"), None)
        except psycopg.Error as error:
            raise self._failure(error) from error

    # -- settings -------------------------------------------------------------

    @_reported
    def get_setting(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM settings WHERE key = %s", (key,)).fetchone()
        return None if row is None else str(row[0])

    @_reported
    def set_setting(self, key: str, value: str) -> None:
        self.db.execute(
            "INSERT INTO settings(key, value) VALUES (%s, %s) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (key, value),
        )

    # -- writing --------------------------------------------------------------

    @_reported
    def add_source(self, source: Source, excerpts: Sequence[Excerpt]) -> None:
        """Insert a source and its excerpts; one another analyst stored first is kept."""
        inserted = self.db.execute(
            "INSERT INTO sources(id, file, title, author, outlet, date, text, authors, url, "
            "accessed, type) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s) "
            "ON CONFLICT (id) DO NOTHING RETURNING id",
            (
                source.id,
                source.file,
                source.title,
                source.author,
                source.outlet,
                source.date,
                source.text,
                stored_authors(source),
                source.url,
                source.accessed,
                source.type,
            ),
        ).fetchone()
        if inserted is not None and excerpts:
            indexed = self.terms.tsvectors([e.text for e in excerpts])
            # COPY: one stream, not a statement per excerpt (the source is new, and so are
            # its excerpts' ids: they are made from it).
            with (
                self.db.cursor() as cursor,
                cursor.copy(
                    'COPY excerpts (id, source_id, position, start, "end", text, tsv, tokens) '
                    "FROM STDIN"
                ) as copy,
            ):
                for e, (tsv, tokens) in zip(excerpts, indexed, strict=True):
                    copy.write_row(
                        (e.id, e.source_id, e.position, e.start, e.end, e.text, tsv, tokens)
                    )
            self._unindexed.append(source.id)
            if self._depth == 0:  # not in a transaction: nothing to wait for
                self._index_words()
            # A decision (or a score) may name these excerpts already, as after a load.
            ids = [e.id for e in excerpts]
            if self.db.execute(
                "SELECT 1 WHERE EXISTS (SELECT 1 FROM manual WHERE excerpt_id = ANY(%(i)s))"
                " OR EXISTS (SELECT 1 FROM scores WHERE excerpt_id = ANY(%(i)s))",
                {"i": ids},
            ).fetchone():
                self._recount([source.id])
        self._sources.pop(source.id, None)

    @_reported
    def update_metadata(self, source: Source) -> None:
        self.db.execute(
            "UPDATE sources SET title = %s, author = %s, outlet = %s, date = %s, authors = %s, "
            "url = %s, accessed = %s, type = %s WHERE id = %s",
            (*metadata_row(source), source.id),
        )
        self._sources.pop(source.id, None)

    @_reported
    def set_scores(self, scored: Iterable[tuple[str, Sequence[ThemeScore]]]) -> None:
        self.set_score_rows(
            [
                (excerpt_id, s.theme_id, round(s.score, 6), int(s.tagged))
                for excerpt_id, scores in scored
                for s in scores
                if s.tagged or s.score >= STORED_SCORE_FLOOR
            ]
        )

    @_reported
    def set_score_rows(self, rows: Iterable[tuple[str, str, float, int]]) -> None:
        if self._rewriting:  # counted once, when the rewrite ends
            self._copy_scores(rows)
            return
        listed = list(rows)
        self._copy_scores(listed)
        self._recount(self._sources_of({row[0] for row in listed if row[3]}))

    def _copy_scores(self, rows: Iterable[tuple[str, str, float, int]]) -> None:
        with (
            self.db.cursor() as cursor,
            cursor.copy("COPY scores (excerpt_id, theme_id, score, tagged) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(row)

    @_reported
    def theme_score_rows(self, theme_id: str) -> list[tuple[str, float, int]]:
        """One theme's stored (excerpt id, score, tagged) rows, in no particular order."""
        rows = self.db.execute(
            "SELECT excerpt_id, score, tagged FROM scores WHERE theme_id = %s", (theme_id,)
        )
        return [(row[0], float(row[1]), int(row[2])) for row in rows]

    @_reported
    def change_theme_scores(
        self,
        theme_id: str,
        rows: Iterable[tuple[str, float, int]],
        gone: Iterable[str],
        flipped: Iterable[str] | None = None,
    ) -> None:
        """Write one theme's changed rows and drop its rows for `gone` excerpt ids (what a
        decision changed, and only that); the kept counts of their sources follow (of
        `flipped`'s sources, the excerpts whose tag changed, when given)."""
        changed = [(e, theme_id, score, tagged) for e, score, tagged in rows]
        dropped = [(e, theme_id) for e in gone]
        with self.db.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO scores(excerpt_id, theme_id, score, tagged) VALUES (%s, %s, %s, %s) "
                "ON CONFLICT (excerpt_id, theme_id) DO UPDATE SET score = excluded.score, "
                "tagged = excluded.tagged",
                changed,
            )
            cursor.executemany(
                "DELETE FROM scores WHERE excerpt_id = %s AND theme_id = %s", dropped
            )
        if not self._rewriting:
            touched = {row[0] for row in changed + dropped} if flipped is None else set(flipped)
            self._recount(self._sources_of(touched))

    @_reported
    def set_sentence_profiles(self, profiles: Iterable[SentenceProfile]) -> None:
        from briefing.memo.sentences import encode_scores

        with self.db.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO sentences(excerpt_id, spans, scores, vectors) "
                "VALUES (%s, %s, %s, %s) ON CONFLICT (excerpt_id) DO UPDATE SET "
                "spans = excluded.spans, scores = excluded.scores, vectors = excluded.vectors",
                [
                    (p.excerpt_id, json.dumps(p.spans), encode_scores(p.scores), p.vectors)
                    for p in profiles
                ],
            )

    @_reported
    def sentence_profiles(self, excerpt_ids: Sequence[str]) -> dict[str, SentenceProfile]:
        from briefing.memo.sentences import decode_scores

        found: dict[str, SentenceProfile] = {}
        wanted = list(dict.fromkeys(excerpt_ids))
        if not wanted:
            return found
        for excerpt_id, spans, scores, vectors in self.db.execute(
            "SELECT excerpt_id, spans, scores, vectors FROM sentences WHERE excerpt_id = ANY(%s)",
            (wanted,),
        ):
            found[excerpt_id] = SentenceProfile(
                excerpt_id,
                tuple((int(a), int(b)) for a, b in json.loads(spans)),
                decode_scores(scores),
                bytes(vectors) if vectors is not None else None,
            )
        return found

    @contextmanager
    def rewriting_scores(self) -> Iterator[None]:
        """Every score is about to be written again. The theme index stays (dropping it
        would lock every reader of the team out until the commit)."""
        self._execute("DELETE FROM scores")
        # The sentence profiles stay: they follow the taxonomy, not the calibration.
        self._rewriting = True
        try:
            yield
        finally:
            self._rewriting = False
        self._recount(None)

    @_reported
    def _execute(self, sql: str) -> None:
        self.db.execute(sql)

    @_reported
    def set_evidence(
        self,
        vectors: Iterable[tuple[str, bytes]],
        hits: Iterable[tuple[str, str, float, str]],
    ) -> None:
        self._copy_upsert("vectors", ("excerpt_id", "vector"), 1, vectors)
        self._copy_upsert("phrase_hits", ("excerpt_id", "theme_id", "score", "found"), 2, hits)

    def _copy_upsert(
        self, table: str, columns: tuple[str, ...], keys: int, rows: Iterable[tuple[Any, ...]]
    ) -> None:
        """Insert or replace rows (the first `keys` columns are the key): COPY into a
        temporary table, then one INSERT ... ON CONFLICT; the last row of a key wins."""
        staged, names, key = f"staged_{table}", ", ".join(columns), ", ".join(columns[:keys])
        updates = ", ".join(f"{c} = excluded.{c}" for c in columns[keys:])
        with self.db.transaction():
            self.db.execute(f"CREATE TEMP TABLE IF NOT EXISTS {staged} (LIKE {table}, n BIGSERIAL)")
            with (
                self.db.cursor() as cursor,
                cursor.copy(f"COPY {staged} ({names}) FROM STDIN") as copy,
            ):
                for row in rows:
                    copy.write_row(row)
            self.db.execute(
                f"INSERT INTO {table} ({names}) SELECT DISTINCT ON ({key}) {names} "
                f"FROM {staged} ORDER BY {key}, n DESC "
                f"ON CONFLICT ({key}) DO UPDATE SET {updates}"
            )
            self.db.execute(f"TRUNCATE {staged}")

    @_reported
    def clear_phrase_hits(self) -> None:
        self.db.execute("DELETE FROM phrase_hits")

    @_reported
    def clear_sentence_profiles(self) -> None:
        self.db.execute("DELETE FROM sentences")

    def corpus_matrix_place(self) -> tuple[Path, str] | None:
        """None: the team's corpus changes from other machines, so it is read from the
        server each time rather than kept as arrays beside one analyst's workspace."""
        return None

    @_reported_rows
    def corpus_rows(self) -> Iterator[tuple[str, str, int, bytes | None]]:
        """Every excerpt as (id, source id, position, vector or None), by id: streamed
        through a server-side cursor, so a large corpus is never held at once."""
        with self.db.transaction(), self.db.cursor(name="corpus_rows") as cursor:
            cursor.itersize = 5000
            cursor.execute(
                "SELECT e.id, e.source_id, e.position, v.vector FROM excerpts e "
                "LEFT JOIN vectors v ON v.excerpt_id = e.id ORDER BY e.id"
            )
            for eid, sid, position, vector in cursor:
                yield eid, sid, position, bytes(vector) if vector is not None else None

    @_reported_rows
    def phrase_rows(self) -> Iterator[tuple[str, str, float, str]]:
        with self.db.transaction(), self.db.cursor(name="phrase_rows") as cursor:
            cursor.itersize = 5000
            cursor.execute("SELECT excerpt_id, theme_id, score, found FROM phrase_hits")
            yield from cursor

    @_reported
    def phrase_hits_of(self, excerpt_id: str) -> list[tuple[str, str]]:
        """One excerpt's stored keyword matches: (theme id, found) pairs."""
        rows = self.db.execute(
            "SELECT theme_id, found FROM phrase_hits WHERE excerpt_id = %s", (excerpt_id,)
        ).fetchall()
        return [(str(theme), str(found)) for theme, found in rows]

    @_reported
    def vectors_missing(self) -> bool:
        """Whether some excerpt has no stored vector (vectors go with their excerpt)."""
        row = self.db.execute(
            "SELECT (SELECT count(*) FROM excerpts) > (SELECT count(*) FROM vectors)"
        ).fetchone()
        return bool(row and row[0])

    @_reported
    def missing_vectors(self) -> list[Excerpt]:
        rows = self.db.execute(
            f"SELECT {_EXCERPT} FROM excerpts e LEFT JOIN vectors v ON v.excerpt_id = e.id "
            "WHERE v.excerpt_id IS NULL ORDER BY e.n"
        )
        return [_excerpt(row) for row in rows]

    @_reported
    def excerpt_texts(self, excerpt_ids: Sequence[str]) -> dict[str, str]:
        rows = self.db.execute(
            "SELECT id, text FROM excerpts WHERE id = ANY(%s)", (list(excerpt_ids),)
        )
        return {row[0]: row[1] for row in rows}

    @_reported
    def replace_manual(self, decisions: Iterable[tuple[str, str, str]]) -> None:
        """The decisions the queries apply: (excerpt id, theme id, 'added' | 'removed')."""
        rows = list({(e, t): (e, t, d) for e, t, d in decisions}.values())
        with self.db.transaction():
            before = set(self.db.execute("SELECT excerpt_id, theme_id, decision FROM manual"))
            self.db.execute("DELETE FROM manual")
            with self.db.cursor() as cursor:
                cursor.executemany(
                    "INSERT INTO manual(excerpt_id, theme_id, decision) VALUES (%s, %s, %s)",
                    rows,
                )
            changed = before ^ set(rows)
            self._recount(self._sources_of({row[0] for row in changed}))

    def _sources_of(self, excerpt_ids: set[str]) -> list[str]:
        if not excerpt_ids:
            return []
        rows = self.db.execute(
            "SELECT DISTINCT source_id FROM excerpts WHERE id = ANY(%s)", (sorted(excerpt_ids),)
        )
        return sorted(row[0] for row in rows)

    def _recount(self, source_ids: Sequence[str] | None) -> None:
        """Bring the kept theme counts in step with the tags of these sources (None: all),
        in the caller's transaction."""
        if source_ids is not None and not source_ids:
            return
        if source_ids is None:
            self.db.execute("DELETE FROM source_themes")
            where, params = "true", {}
        else:
            where, params = "e.source_id = ANY(%(sources)s)", {"sources": list(source_ids)}
            self.db.execute("DELETE FROM source_themes WHERE source_id = ANY(%(sources)s)", params)
        self.db.execute(
            "INSERT INTO source_themes(source_id, theme_id, excerpts) "
            f"SELECT source_id, theme_id, count(*) FROM ({_CARRIED.format(where=where)}) c "
            "GROUP BY source_id, theme_id",
            params,
        )
        # The totals from the kept rows: a few per source, never the tags themselves.
        self.db.execute("DELETE FROM theme_totals")
        self.db.execute(
            "INSERT INTO theme_totals(theme_id, excerpts, sources) "
            "SELECT theme_id, sum(excerpts), count(*) FROM source_themes GROUP BY theme_id"
        )

    # -- reading: sources and excerpts ----------------------------------------

    @_reported
    def has_source(self, source_id: str) -> bool:
        return (
            self.db.execute("SELECT 1 FROM sources WHERE id = %s", (source_id,)).fetchone()
            is not None
        )

    @_reported
    def source(self, source_id: str) -> Source | None:
        cached = self._sources.get(source_id)
        if cached is not None:
            return cached
        row = self.db.execute(
            f"SELECT {_SOURCE} FROM sources WHERE id = %s", (source_id,)
        ).fetchone()
        if row is None:
            return None
        found = _source(row)
        self._sources[source_id] = found
        return found

    @_reported
    def source_by_file(self, file: str) -> Source | None:
        row = self.db.execute("SELECT id FROM sources WHERE file = %s", (file,)).fetchone()
        return None if row is None else self.source(row[0])

    @_reported
    def sources(self) -> list[Source]:
        return [
            _source(r) for r in self.db.execute(f"SELECT {_SOURCE} FROM sources ORDER BY added")
        ]

    @_reported
    def source_titles(self) -> list[tuple[str, str | None]]:
        """Every source's id and title, in the order they were added."""
        rows = self.db.execute("SELECT id, title FROM sources ORDER BY added")
        return [(row[0], strip_controls(row[1]) if row[1] else row[1]) for row in rows]

    @_reported
    def source_excerpt_counts(self) -> dict[str, int]:
        rows = self.db.execute("SELECT source_id, count(*) FROM excerpts GROUP BY source_id")
        return {row[0]: int(row[1]) for row in rows}

    @_reported
    def count_sources(self) -> int:
        return int(self.db.execute("SELECT count(*) FROM sources").fetchone()[0])  # type: ignore[index]

    @_reported
    def count_excerpts(self) -> int:
        return int(self.db.execute("SELECT count(*) FROM excerpts").fetchone()[0])  # type: ignore[index]

    @_reported
    def excerpt(self, excerpt_id: str) -> Excerpt | None:
        row = self.db.execute(
            f"SELECT {_EXCERPT} FROM excerpts e WHERE e.id = %s", (excerpt_id,)
        ).fetchone()
        return None if row is None else _excerpt(row)

    @_reported
    def excerpts(self, source_id: str | None = None) -> list[Excerpt]:
        if source_id is None:
            rows = self.db.execute(
                f"SELECT {_EXCERPT} FROM excerpts e JOIN sources s ON s.id = e.source_id "
                "ORDER BY s.added, e.position"
            )
        else:
            rows = self.db.execute(
                f"SELECT {_EXCERPT} FROM excerpts e WHERE e.source_id = %s ORDER BY e.position",
                (source_id,),
            )
        return [_excerpt(row) for row in rows]

    @_reported_rows
    def iter_excerpt_batches(self, size: int = 2000) -> Iterator[list[Excerpt]]:
        last = 0
        while True:
            rows = self.db.execute(
                f"SELECT {_EXCERPT}, e.n FROM excerpts e WHERE e.n > %s ORDER BY e.n LIMIT %s",
                (last, size),
            ).fetchall()
            if not rows:
                return
            last = rows[-1][6]
            yield [_excerpt(row) for row in rows]

    @_reported
    def find_excerpt_by_text(self, text: str) -> Excerpt | None:
        wanted = canonical(text)
        if not wanted:
            return None
        candidates = self._fts_candidates(text)
        for candidate in candidates:
            if canonical(candidate.text) == wanted:
                return candidate
        for candidate in candidates:
            if wanted in canonical(candidate.text):
                return candidate
        return None

    def _fts_candidates(self, text: str, limit: int = 50) -> list[Excerpt]:
        words = [w for w in re.findall(r"\w+", text) if len(w) > 3][:12]
        query = to_tsquery_text(fts5_fallback(" ".join(words)), self.terms)
        if query is None:
            return []
        rows = self.db.execute(
            f"SELECT {_EXCERPT} FROM excerpts e, CAST(%s AS tsquery) q "
            "WHERE e.tsv @@ q ORDER BY ts_rank_cd(e.tsv, q) DESC, e.id LIMIT %s",
            (query, limit),
        )
        return [_excerpt(row) for row in rows]

    # -- reading: themes --------------------------------------------------------

    @_reported
    def excerpts_for_theme(self, theme_id: str, limit: int | None = None) -> list[ScoredExcerpt]:
        added = self.db.execute(
            f"SELECT {_EXCERPT}, coalesce(sc.score, 0) AS score, true "
            "FROM manual m JOIN excerpts e ON e.id = m.excerpt_id "
            "LEFT JOIN scores sc ON sc.excerpt_id = m.excerpt_id AND sc.theme_id = m.theme_id "
            "WHERE m.theme_id = %(t)s AND m.decision = 'added' ORDER BY score DESC, e.id "
            "LIMIT %(n)s",
            {"t": theme_id, "n": limit},
        ).fetchall()
        tagged = self.db.execute(
            f"SELECT {_EXCERPT}, sc.score AS score, false "
            "FROM scores sc JOIN excerpts e ON e.id = sc.excerpt_id "
            "WHERE sc.theme_id = %(t)s AND sc.tagged = 1 AND NOT EXISTS ("
            " SELECT 1 FROM manual m WHERE m.excerpt_id = sc.excerpt_id AND m.theme_id = %(t)s) "
            "ORDER BY sc.score DESC, e.id LIMIT %(n)s",
            {"t": theme_id, "n": None if limit is None else max(limit - len(added), 0)},
        ).fetchall()
        found: list[ScoredExcerpt] = []
        for row in [*added, *tagged]:
            source = self.source(row[1])
            if source is not None:
                found.append(ScoredExcerpt(_excerpt(row), source, float(row[6]), bool(row[7])))
        return found

    @_reported
    def themes_of(self, excerpt_ids: Sequence[str]) -> dict[str, dict[str, float]]:
        result: dict[str, dict[str, float]] = {eid: {} for eid in excerpt_ids}
        wanted = list(excerpt_ids)
        for eid, theme, score in self.db.execute(
            "SELECT excerpt_id, theme_id, score FROM scores WHERE tagged = 1 "
            "AND excerpt_id = ANY(%s)",
            (wanted,),
        ):
            result[eid][theme] = float(score)
        for eid, theme, decision in self.db.execute(
            "SELECT excerpt_id, theme_id, decision FROM manual WHERE excerpt_id = ANY(%s)",
            (wanted,),
        ):
            if decision == "added":
                result[eid].setdefault(theme, 1.0)
            else:
                result[eid].pop(theme, None)
        return result

    @_reported
    def scores_of(self, excerpt_ids: Sequence[str]) -> dict[str, dict[str, float]]:
        result: dict[str, dict[str, float]] = {eid: {} for eid in excerpt_ids}
        for eid, theme, score in self.db.execute(
            "SELECT excerpt_id, theme_id, score FROM scores WHERE excerpt_id = ANY(%s)",
            (list(excerpt_ids),),
        ):
            result[eid][theme] = float(score)
        return result

    @_reported
    def theme_excerpt_counts(self) -> dict[str, int]:
        """Per theme, how many excerpts carry it (kept as tags are written)."""
        rows = self.db.execute("SELECT theme_id, excerpts FROM theme_totals")
        return {row[0]: int(row[1]) for row in rows}

    @_reported
    def theme_counts(self) -> dict[str, ThemeCount]:
        rows = self.db.execute("SELECT theme_id, excerpts, sources FROM theme_totals")
        return {row[0]: ThemeCount(row[0], int(row[1]), int(row[2])) for row in rows}

    @_reported
    def theme_matrix(self) -> dict[str, dict[str, int]]:
        matrix: dict[str, dict[str, int]] = {}
        for source_id, theme_id, count in self.db.execute(
            "SELECT source_id, theme_id, excerpts FROM source_themes"
        ):
            matrix.setdefault(source_id, {})[theme_id] = int(count)
        return matrix

    # -- search -----------------------------------------------------------------

    @_reported
    def search(self, query: str, theme_id: str | None = None, limit: int = 50) -> SearchHits:
        """Full-text search, best match first, as the SQLite store does it: its syntax
        (words by stem, "phrases", prefix*, OR, NOT, NEAR(a b c, 5)), its terms (FTS5's
        tokenizer, `searchterms`), its fallback to the words, its ranking (FTS5's bm25
        over the same pool of matches, ties by excerpt id), its snippets."""
        if not query.strip() or limit == 0:
            return SearchHits()
        query = fts5_query(query)
        if not self.terms.is_valid(query):
            query = fts5_fallback(query)
        try:
            node, phrases = fts5query.parse(query, self.terms.terms)
        except fts5query.Unsupported:  # FTS5 syntax this store does not read: the words
            query = fts5_fallback(query)
            node, phrases = fts5query.parse(query, self.terms.terms)
        if node is None:
            return SearchHits()
        ranked, pool, matches = self._ranked(node, phrases, theme_id, limit)
        if not ranked:
            return SearchHits()
        rows = {
            row[0]: row
            for row in self.db.execute(
                f"SELECT {_EXCERPT} FROM excerpts e WHERE e.id = ANY(%s)", ([i for i, _ in ranked],)
            )
        }
        kept = [(rows[i], rank) for i, rank in ranked if i in rows]
        # Snippets are cut by FTS5 itself, for the hits kept only.
        snippets = self.terms.snippets(query, [row[5] for row, _ in kept])
        hits = SearchHits(pool=pool, matches=matches, themed=theme_id is not None)
        for (row, rank), snippet in zip(kept, snippets, strict=True):
            source = self.source(row[1])
            if source is not None:
                hits.append(SearchHit(_excerpt(row), source, snippet or row[5], rank))
        return hits

    def _ranked(
        self,
        node: fts5query.Node,
        phrases: list[fts5query.Phrase],
        theme_id: str | None,
        limit: int,
    ) -> tuple[list[tuple[str, float]], int | None, int | None]:
        """(excerpt id, FTS5's bm25) of the best `limit` matches, ties broken by excerpt id,
        among the matches `searchpool` says to rank, as the SQLite store does; the pool
        they came from (None: every match); and, for a query of one phrase, how many
        excerpts it matches (its count is kept for its IDF: free here).

        The GIN index finds the matches (a superset where a tsquery cannot say the query
        exactly); the positions of the query's terms in each decide whether FTS5 matches
        it and how many instances of each phrase it counts (`fts5query.Row`)."""
        text, exact = fts5query.tsquery(node)
        if text is None:
            return [], None, None
        totals = self.db.execute("SELECT excerpts, tokens FROM search_totals").fetchone()
        if not totals or not totals[0]:
            return [], None, None
        rows = int(totals[0])
        hits = [self._phrase_hits(p) for p in phrases]
        matches = hits[0] if isinstance(node, fts5query.Near) and len(node.phrases) == 1 else None
        idfs = [fts5query.idf(rows, h) for h in hits]
        average = int(totals[1]) / rows
        order = _newest_first(fts5query.estimate(node, hits, rows), rows)
        if exact and not fts5query.needs_positions(node):
            ranked, pool = self._ranked_by_server(
                node, phrases, text, idfs, average, theme_id, limit, order
            )
            return ranked, pool, matches
        reader = _MatchReader(self, node, phrases, text, exact, order if exact else "e.n DESC")
        carriers: dict[str, bool] = {}

        def rank(pool: int | None) -> Pooled[list[tuple[str, int, dict[int, int]]]]:
            newest = reader.newest(pool)
            candidates = newest
            if theme_id is not None:
                unknown = [m[0] for m in newest if m[0] not in carriers]
                carriers.update(dict.fromkeys(unknown, False))
                carriers.update(dict.fromkeys(self._carrying(unknown, theme_id), True))
                candidates = [m for m in newest if carriers[m[0]]]
            whole = pool is None or len(newest) < pool
            return Pooled(candidates, whole=whole, kept=len(candidates))

        candidates, pool = rank_in_pool(rank, theme_id is not None, limit)
        scored = sorted(
            (fts5query.bm25(idfs, counts, tokens, average), excerpt_id)
            for excerpt_id, tokens, counts in candidates
        )
        best = scored if limit < 0 else scored[:limit]
        return [(excerpt_id, rank) for rank, excerpt_id in best], pool, matches

    def _ranked_by_server(
        self,
        node: fts5query.Node,
        phrases: list[fts5query.Phrase],
        text: str,
        idfs: list[float],
        average: float,
        theme_id: str | None,
        limit: int,
        order: str,
    ) -> tuple[list[tuple[str, float]], int | None]:
        """`_ranked` for words alone, in one statement: the tsquery is exact, each word's
        count in an excerpt is all bm25 needs, so the server ranks the pool and sends the
        best `limit` (not the pool's thousands of rows)."""
        score, params = fts5query.bm25_sql(node, phrases, idfs, average, "p.tokens")
        counts = ", ".join(
            f"coalesce((SELECT cardinality(u.positions) FROM unnest(ts_filter(setweight("
            f"e.tsv, 'A', ARRAY[%(w{p.index})s::text]), '{{a}}')) u), 0) AS c{p.index}"
            for p in phrases
        )
        carries = f"JOIN excerpts e ON e.n = p.n WHERE {_CARRIES}" if theme_id else ""
        sql = (
            f"WITH pool AS (SELECT e.n, e.id, e.tokens, {counts} FROM excerpts e "
            f"{_newest(order, '%(pool)s')}), "
            f"ranked AS (SELECT p.id, {score} AS score FROM pool p {carries}) "
            "SELECT NULL, NULL, (SELECT count(*) FROM pool), (SELECT count(*) FROM ranked) "
            "UNION ALL (SELECT r.id, r.score, NULL, NULL FROM ranked r "
            "ORDER BY r.score, r.id LIMIT %(limit)s)"
        )
        params.update({f"w{p.index}": p.terms[0] for p in phrases})
        params.update({"q": text, "t": theme_id, "limit": limit if limit >= 0 else None})

        def rank(pool: int | None) -> Pooled[list[tuple[str, float]]]:
            rows = self.db.execute(sql, {**params, "pool": pool}).fetchall()
            pooled, carried = next((int(r[2]), int(r[3])) for r in rows if r[0] is None)
            ranked = [(str(r[0]), float(r[1])) for r in rows if r[0] is not None]
            return Pooled(ranked, whole=pool is None or pooled < pool, kept=carried)

        return rank_in_pool(rank, theme_id is not None, limit)

    def _phrase_hits(self, phrase: fts5query.Phrase) -> int:
        """In how many excerpts the phrase is found (FTS5's count for its IDF): a word's
        is the vocabulary's, kept as sources are added; a phrase's or prefix's is counted."""
        if len(phrase.terms) == 1 and not phrase.prefixes[0] and not phrase.first:
            row = self.db.execute(
                "SELECT ndoc FROM vocabulary WHERE word = %s", (phrase.terms[0],)
            ).fetchone()
            return int(row[0]) if row else 0
        if not phrase.first:
            return self._counted(fts5query.phrase_tsquery(phrase))
        # ^: only where the phrase starts the excerpt, which the positions tell.
        alone = fts5query.Near((phrase,), fts5query.NEAR_DEFAULT)
        query = fts5query.phrase_tsquery(phrase)
        return len(_MatchReader(self, alone, [phrase], query, False, "e.n DESC").newest(None))

    def _counted(self, query: str) -> int:
        """How many excerpts match the tsquery: counted over the whole corpus the first
        time (a GIN scan, and each excerpt's positions for a phrase: long on a large
        corpus), then over the excerpts added since the last count (`phrase_counts`)."""
        kept = self.db.execute(
            "SELECT excerpts, since, upto FROM phrase_counts WHERE phrase = %s", (query,)
        ).fetchone()
        excerpts, since, upto = kept if kept else (0, None, 0)
        # One statement, one snapshot: the count and the bounds agree. A count made
        # before a rebuild (another first excerpt) is not added to.
        bounds = self.db.execute(
            "WITH bounds AS (SELECT min(n) AS first, max(n) AS last FROM excerpts) "
            "SELECT first, last, (SELECT count(*) FROM excerpts WHERE tsv @@ %(q)s::tsquery "
            "AND n > CASE WHEN first = %(since)s THEN %(upto)s ELSE 0 END) FROM bounds",
            {"q": query, "since": since, "upto": upto},
        ).fetchone()
        first, last, count = bounds if bounds else (None, None, 0)
        if first is None:
            return 0
        total = int(count) + (int(excerpts) if first == since else 0)
        if (total, first, last) != (excerpts, since, upto):
            import psycopg

            # Kept if the analyst may write: a read-only role searches all the same (a
            # savepoint, so that a transaction around the search goes on).
            with contextlib.suppress(psycopg.errors.InsufficientPrivilege), self.db.transaction():
                self.db.execute(
                    "INSERT INTO phrase_counts(phrase, excerpts, since, upto) "
                    "VALUES (%s, %s, %s, %s) ON CONFLICT (phrase) DO UPDATE SET "
                    "excerpts = excluded.excerpts, since = excluded.since, upto = excluded.upto",
                    (query, total, first, last),
                )
        return total

    def _carrying(self, excerpt_ids: list[str], theme_id: str) -> list[str]:
        """Which of the excerpts carry the theme (tagged or added, not removed)."""
        if not excerpt_ids:
            return []
        rows = self.db.execute(
            f"SELECT e.id FROM excerpts e WHERE e.id = ANY(%(i)s) AND {_CARRIES}",
            {"i": excerpt_ids, "t": theme_id},
        )
        return [row[0] for row in rows]

    @_reported
    def suggest(self, query: str, count: int = 5) -> list[str]:
        """Words of the corpus closest in spelling to the query's words (for an empty search)."""
        return close_words(query, count, self._stems_like, self._surface)

    def _stems_like(self, word: str) -> list[str]:
        rows = self.db.execute(
            "SELECT word FROM vocabulary "
            "WHERE word >= %s AND word < %s AND length(word) BETWEEN %s AND %s "
            "ORDER BY ndoc DESC LIMIT 5000",
            (word[0], chr(ord(word[0]) + 1), len(word) - 3, len(word) + 2),
        ).fetchall()
        return [r[0] for r in rows]

    def _surface(self, stem: str) -> str | None:
        row = self.db.execute(
            "SELECT e.text FROM excerpts e WHERE e.tsv @@ %s::tsquery LIMIT 1",
            (quoted(stem),),
        ).fetchone()
        if row is None:
            return None
        match = re.search(rf"\b{re.escape(stem)}\w*", row[0], re.IGNORECASE)
        return match.group(0).casefold() if match else stem

    # -- the team's truth: taxonomy, decisions, originals ---------------------------

    def sync_taxonomy(self, workspace: Workspace) -> None:
        """Bring the team's published taxonomy into the workspace's themes.yaml.

        The first workspace on an empty store publishes its own. A themes.yaml the
        analyst changed since it was last brought in is left alone: it is theirs until
        `briefing tag` publishes it (the app and every command say to run it)."""
        published = self.published_taxonomy()
        local = _read_text(workspace.themes_path)
        if published is None:
            if local is not None:
                self.publish_taxonomy(workspace)
            return
        pulled = _pulled_path(workspace)
        if local == published:
            if _read_text(pulled) != published:
                write_atomic(pulled, published.encode("utf-8"))
            return
        if local is None or _read_text(pulled) in (None, local):
            write_atomic(workspace.themes_path, published.encode("utf-8"))
            write_atomic(pulled, published.encode("utf-8"))

    @_reported
    def published_taxonomy(self) -> str | None:
        row = self.db.execute("SELECT text FROM taxonomy ORDER BY version DESC LIMIT 1").fetchone()
        return None if row is None else str(row[0])

    def publish_taxonomy(self, workspace: Workspace) -> None:
        """Make the workspace's themes.yaml the team's taxonomy (validated first).

        Compare-and-set: it replaces only the taxonomy this workspace last brought in. If
        someone published since, theirs is not overwritten: the publish is refused with
        who and when, and `take_taxonomy` (`briefing tag --theirs`) brings theirs in."""
        from briefing.tagging import load_themes
        from briefing.tagging.manual import Stamp

        load_themes(workspace.themes_path)  # a broken file is refused with its line
        text = _read_text(workspace.themes_path)
        if text is None:
            return
        base = _read_text(_pulled_path(workspace))
        with self.transaction():  # the writers' lock: two publishes take turns
            latest = self._latest_taxonomy()
            if latest is not None and latest[0] == text:
                pass  # already the team's
            elif latest is not None and latest[0] != base:
                raise TaxonomyConflict(
                    f"{workspace.themes_path}: not published. {latest[1] or 'Someone'} "
                    f"published the team's taxonomy at {latest[2]} UTC, after this workspace "
                    "last brought it in; publishing yours would overwrite theirs. Run "
                    "`briefing tag --theirs` to take theirs (your file is kept as "
                    f"{_mine_path(workspace).name}), make your change again on it, then run "
                    "`briefing tag`."
                )
            else:
                self.db.execute(
                    "INSERT INTO taxonomy(text, by_user) VALUES (%s, %s)", (text, Stamp.now().by)
                )
        write_atomic(_pulled_path(workspace), text.encode("utf-8"))

    @_reported
    def _latest_taxonomy(self) -> tuple[str, str, str] | None:
        """The published taxonomy: its text, who published it and when (UTC)."""
        row = self.db.execute(
            "SELECT text, by_user, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI') "
            "FROM taxonomy ORDER BY version DESC LIMIT 1"
        ).fetchone()
        return None if row is None else (str(row[0]), str(row[1]), str(row[2]))

    def take_taxonomy(self, workspace: Workspace) -> tuple[Path | None, str, str] | None:
        """Bring the team's taxonomy into themes.yaml whatever this workspace changed: its
        own file is kept beside it (themes.mine.yaml). Returns where it was kept (None if
        nothing differed), who published the team's, and when; None if none is published."""
        latest = self._latest_taxonomy()
        if latest is None:
            return None
        text, by, at = latest
        local = _read_text(workspace.themes_path)
        kept = None
        if local is not None and local != text:
            kept = _mine_path(workspace)
            write_atomic(kept, local.encode("utf-8"))
        write_atomic(workspace.themes_path, text.encode("utf-8"))
        write_atomic(_pulled_path(workspace), text.encode("utf-8"))
        return kept, by, at

    @_reported
    def manual_tags(self, workspace: Workspace) -> ManualTags:
        """Every analyst's decisions, the latest on each excerpt and theme."""
        from briefing.tagging.manual import ManualTags, Stamp

        tags = ManualTags()
        for eid, theme, decision, text, by, at in self.db.execute(
            "SELECT excerpt_id, theme_id, decision, text, by_user, at FROM decisions "
            "ORDER BY excerpt_id, theme_id"
        ):
            decide = tags.add if decision == "added" else tags.remove
            decide(eid, theme, text, Stamp(by, at))
        return tags

    @_reported
    def save_manual_tags(self, workspace: Workspace, tags: ManualTags) -> None:
        """Make the stored decisions these: each change is also logged, with who and when,
        so two analysts' decisions on one excerpt are both kept (the later wins)."""
        wanted: dict[tuple[str, str], tuple[str, str | None, str, str]] = {}
        for table, decision in ((tags.added, "added"), (tags.removed, "removed")):
            for eid, themes in table.items():
                for theme in themes:
                    stamp = tags.stamps.get(eid, {}).get(theme)
                    by, at = (stamp.by, stamp.at) if stamp else ("", "")
                    wanted[(eid, theme)] = (decision, tags.texts.get(eid), by, at)
        with self.transaction():
            have = {
                (e, t): (d, x, b, a)
                for e, t, d, x, b, a in self.db.execute(
                    "SELECT excerpt_id, theme_id, decision, text, by_user, at FROM decisions"
                )
            }
            with self.db.cursor() as cursor:
                gone = [key for key in have if key not in wanted]
                cursor.executemany(
                    "DELETE FROM decisions WHERE excerpt_id = %s AND theme_id = %s", gone
                )
                changed = [(k, v) for k, v in wanted.items() if have.get(k) != v]
                cursor.executemany(
                    "INSERT INTO decisions(excerpt_id, theme_id, decision, text, by_user, at) "
                    "VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT (excerpt_id, theme_id) DO "
                    "UPDATE SET decision = excluded.decision, text = excluded.text, "
                    "by_user = excluded.by_user, at = excluded.at",
                    [(*k, *v) for k, v in changed],
                )
                from briefing.tagging.manual import Stamp

                now = Stamp.now()
                cursor.executemany(
                    "INSERT INTO decision_log(excerpt_id, theme_id, decision, by_user, at) "
                    "VALUES (%s, %s, %s, %s, %s)",
                    [(*k, None, now.by, now.at) for k in gone]
                    + [
                        (*k, v[0], v[2], v[3])
                        for k, v in changed
                        if have.get(k, (None,))[0] != v[0]
                    ],
                )

    @_reported
    def decision_history(self, excerpt_id: str) -> list[tuple[str, str | None, str, str]]:
        """Every decision ever made on an excerpt, oldest first: (theme, decision or None
        for a reset, by, at)."""
        return [
            (row[0], row[1], row[2], row[3])
            for row in self.db.execute(
                "SELECT theme_id, decision, by_user, at FROM decision_log "
                "WHERE excerpt_id = %s ORDER BY n",
                (excerpt_id,),
            )
        ]

    @_reported
    def decisions_stamp(self, workspace: Workspace) -> str:
        """Changes whenever anyone's decision changes: when to re-read the decisions."""
        row = self.db.execute("SELECT coalesce(max(n), 0) FROM decision_log").fetchone()
        return f"log:{row[0] if row else 0}"

    @_reported
    def keep_original(self, source_id: str, original: Path, file: str) -> None:
        """Keep the original's bytes (and its .meta.yaml) in the store: a rebuild, a dump
        or another analyst needs no one's sources/ folder."""
        from briefing.source_meta import meta_path

        try:
            content = original.read_bytes()
            beside = meta_path(original)
            meta = beside.read_text(encoding="utf-8") if beside.is_file() else None
        except OSError as error:
            raise InputError(f"{original}: cannot read the original ({error.strerror}).") from error
        self.db.execute(
            "INSERT INTO originals(source_id, file, content, meta) VALUES (%s, %s, %s, %s) "
            "ON CONFLICT (source_id) DO NOTHING",
            (source_id, file, content, meta),
        )

    @_reported
    def keep_meta(self, source_id: str, meta_file: Path) -> None:
        """A correction of a source's metadata, kept with its original (a dump writes it
        back as the .meta.yaml beside it)."""
        meta = _read_text(meta_file)
        self.db.execute("UPDATE originals SET meta = %s WHERE source_id = %s", (meta, source_id))

    @_reported_rows
    def originals(self, workspace: Workspace) -> Iterator[tuple[str, bytes, str | None]]:
        """Every source's original as (file name, bytes, .meta.yaml text or None)."""
        with self.db.transaction(), self.db.cursor(name="originals") as cursor:
            cursor.itersize = 200
            cursor.execute(
                "SELECT o.file, o.content, o.meta FROM originals o "
                "JOIN sources s ON s.id = o.source_id ORDER BY s.added"
            )
            for file, content, meta in cursor:
                yield file, bytes(content), meta

    def taxonomy_text(self, workspace: Workspace) -> str | None:
        return self.published_taxonomy()


def _read_text(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except OSError as error:
        raise WorkspaceError(f"{path}: cannot read it ({error.strerror}).") from error


def _mine_path(workspace: Workspace) -> Path:
    """Where `take_taxonomy` keeps the analyst's own themes.yaml."""
    return workspace.themes_path.with_name("themes.mine.yaml")


def _pulled_path(workspace: Workspace) -> Path:
    """The team taxonomy as this workspace last brought it in: whether themes.yaml was
    changed since (an edit not yet published)."""
    return workspace.db_path.with_name("themes.published.yaml")


def fts5_query(query: str) -> str:
    """Operators in any case, as the embedded store takes them (store.Store.search)."""
    return re.sub(r"\b(or|not|and|near)\b(?=\s|\()", lambda m: m.group(1).upper(), query)


def fts5_fallback(query: str) -> str:
    """The query the embedded store runs when FTS5 refuses the syntax: each word."""
    return " ".join(f'"{w}"' for w in re.findall(r"\w+", query))


def to_tsquery_text(query: str, terms: SearchTerms) -> str | None:
    """An FTS5 query as a tsquery of FTS5's own terms (a superset where the tsquery
    cannot say it: `fts5query.tsquery`); None when it has no term."""
    try:
        node, _ = fts5query.parse(query, terms.terms)
    except fts5query.Unsupported:
        node, _ = fts5query.parse(fts5_fallback(query), terms.terms)
    return None if node is None else fts5query.tsquery(node)[0]


def _newest(order: str, size: str, more: str = "") -> str:
    """The WHERE, ORDER BY and LIMIT of a query's `size` newest matches (`more`: another
    condition), excerpts as `e`. Walking back from the newest reads them in order. Taken
    from the GIN index, only their row addresses are sorted, and the kept rows read after:
    sorted with their tsvectors, a word's 27,000 matches made a 20 MB sort on disk at
    100,000 articles."""
    where = f"e.tsv @@ %(q)s::tsquery {more}"
    if order == _WALK:
        return f"WHERE {where} ORDER BY e.n DESC LIMIT {size}"
    return (
        f"WHERE e.ctid = ANY(ARRAY(SELECT e.ctid FROM excerpts e WHERE {where} "
        f"ORDER BY {order} LIMIT {size})) ORDER BY e.n DESC"
    )


_WALK = "e.n DESC"
# The vocabulary's words that begin with one of the query's prefixes.
# (The range lets the vocabulary's index find them: it sorts by code point, "C".)
_BEGIN = "v.word ^@ ANY(%(prefixes)s) AND v.word >= %(lowest)s AND v.word < %(beyond)s"


def _newest_first(matches: float, rows: int) -> str:
    """How to find a query's newest matches: walking the excerpts back from the newest
    until the pool is full reads about pool x rows / matches of them; taking every match
    from the GIN index and sorting them reads `matches`. PostgreSQL's planner, which
    knows neither how long a match's tsvector takes to test nor that the pages are
    cached, walks back too often (seconds for a word in 3% of a million excerpts)."""
    if matches * matches < searchpool.SEARCH_POOL * rows:
        return "e.n + 0 DESC"  # not the index's order: the planner takes the GIN index
    return _WALK


class _MatchReader:
    """A query's matches, newest first, read from the index in chunks: each with its
    length in tokens and FTS5's count of instances of each phrase (those the tsquery
    found that FTS5 would not match are left out)."""

    CHUNK = 2000
    EXPANDED = 500  # a prefix's words picked out one by one, at most

    def __init__(
        self,
        store: PgStore,
        node: fts5query.Node,
        phrases: Sequence[fts5query.Phrase],
        text: str,
        exact: bool,
        order: str,
    ) -> None:
        self.db = store.db
        self.node = node
        self.text = text
        self.exact = exact
        self.order = order  # the SQL order of the newest first (`_newest_first`)
        self.found: list[tuple[str, int, dict[int, int]]] = []
        self.below: int | None = None
        self.done = False
        exact_terms: set[str] = set()
        prefixes: set[str] = set()
        for phrase in phrases:
            for term, prefix in zip(phrase.terms, phrase.prefixes, strict=True):
                (prefixes if prefix else exact_terms).add(term)
        self.terms = sorted(exact_terms)
        self.prefixes = sorted(prefixes)
        self.positions = fts5query.needs_positions(node)
        self.expand: bool | None = None  # the prefixes' words are few (`_few_words`)
        # Every word that begins with a prefix sorts between the first prefix and the
        # last of the prefixes' successors (by code point, as the vocabulary is "C").
        beyond = [p[:-1] + chr(ord(p[-1]) + 1) for p in self.prefixes if p[-1] < "\U0010ffff"]
        self._range = {
            "lowest": self.prefixes[0] if self.prefixes else "",
            "beyond": max(beyond, default="")
            if len(beyond) == len(self.prefixes)
            else "\U0010ffff\U0010ffff",
        }

    def _few_words(self) -> bool:
        """Whether the corpus has few enough words that begin with the query's prefixes
        to pick each out of an excerpt's terms by binary search."""
        if self.expand is None:
            row = self.db.execute(
                f"SELECT count(*) FROM (SELECT 1 FROM vocabulary v WHERE {_BEGIN} "
                "LIMIT %(most)s) w",
                {**self._range, "prefixes": self.prefixes, "most": self.EXPANDED + 1},
            ).fetchone()
            self.expand = row is not None and int(row[0]) <= self.EXPANDED
        return self.expand

    def newest(self, count: int | None) -> list[tuple[str, int, dict[int, int]]]:
        """The `count` newest matches (all of them for None, or when there are fewer)."""
        while not self.done and (count is None or len(self.found) < count):
            if self.exact:  # every row read is a match: as many as wanted, in one read
                self._read(None if count is None else count - len(self.found))
            else:
                self._read(self.CHUNK)
        return self.found if count is None else self.found[:count]

    def _read(self, size: int | None) -> None:
        # Each term: its positions, or (enough for words alone) how many there are.
        found = (
            "u.lexeme || chr(31) || array_to_string(u.positions, ',')"
            if self.positions
            else "u.lexeme || chr(31) || cardinality(u.positions)"
        )
        words = "%(terms)s"
        if self.prefixes and self._few_words():
            # The prefixes' words from the vocabulary (kept with the excerpts, so this
            # statement's snapshot agrees with them): then picked out as the query's
            # terms are, not found by reading every term of each excerpt (3x faster).
            words = f"%(terms)s || ARRAY(SELECT v.word FROM vocabulary v WHERE {_BEGIN})"
        if self.prefixes and words == "%(terms)s":  # many words: every term looked at
            positions = (
                f"SELECT {found} FROM unnest(e.tsv) u WHERE u.lexeme = ANY(%(terms)s) "
                "OR u.lexeme ^@ ANY(%(prefixes)s)"
            )
        else:  # the query's terms alone, picked out of the excerpt's by binary search
            positions = (
                f"SELECT {found} FROM unnest(ts_filter(setweight(e.tsv, 'A', {words}), '{{a}}')) u"
            )
        rows = self.db.execute(
            f"SELECT e.n, e.id, e.tokens, ARRAY({positions}) FROM excerpts e "
            + _newest(self.order, "%(size)s", "AND e.n < %(below)s"),
            {
                "terms": self.terms,
                "prefixes": self.prefixes,
                **self._range,
                "q": self.text,
                "below": self.below if self.below is not None else 2**62,
                "size": size,
            },
        ).fetchall()
        if size is None or len(rows) < size:
            self.done = True
        if rows:
            self.below = rows[-1][0]
        for _, excerpt_id, tokens, terms in rows:
            offsets: dict[str, Sequence[int]] = {}
            for item in terms:
                lexeme, _, numbers = item.rpartition("\x1f")
                if self.positions:
                    offsets[lexeme] = [int(p) - 1 for p in numbers.split(",")]
                else:
                    offsets[lexeme] = range(int(numbers))
            counts = fts5query.Row(offsets).counts(self.node)
            if counts is not None:
                self.found.append((excerpt_id, int(tokens), counts))


@without_controls
def _source(row: Sequence[Any]) -> Source:
    return Source(
        id=row[0],
        file=row[1],
        title=row[2],
        author=row[3],
        outlet=row[4],
        date=row[5],
        text=row[6],
        authors=json.loads(row[7]) if row[7] else [],
        url=row[8],
        accessed=row[9],
        type=row[10],
    )


@without_controls
def _excerpt(row: Sequence[Any]) -> Excerpt:
    return Excerpt(
        id=row[0], source_id=row[1], position=row[2], start=row[3], end=row[4], text=row[5]
    )
