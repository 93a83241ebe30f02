"""The store interface, and which store a workspace has.

Two stores answer the same calls: `store.Store`, SQLite embedded in the workspace (the
default: one analyst, no server), and `pgstore.PgStore`, one PostgreSQL database that a
team's workspaces share. Above this module nothing knows which it has: the Library asks
`place_of(workspace)` for a `Place`, which opens, builds and replaces its store.

The team store is named in the workspace's briefing.yaml (`store: postgresql://...`,
written by `briefing init DIR --store URL`), or by $BRIEFING_STORE, which wins. Neither
may hold a password: libpq reads it from PGPASSWORD or ~/.pgpass.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from pathlib import Path
from typing import TYPE_CHECKING, Protocol
from urllib.parse import urlsplit

from briefing.errors import InputError, WorkspaceError
from briefing.files import write_atomic

if TYPE_CHECKING:
    from briefing.model import Excerpt, ScoredExcerpt, SentenceProfile, Source, ThemeScore
    from briefing.searchpool import SearchHits
    from briefing.store import ThemeCount
    from briefing.tagging.manual import ManualTags
    from briefing.workspace import Workspace

STORE_ENV = "BRIEFING_STORE"
SETTINGS_FILE = "briefing.yaml"
_SCHEMES = ("postgresql", "postgres")


class StoreUnavailable(WorkspaceError):
    """The team store failed (the server stopped, the network went): said with its address."""


class TaxonomyConflict(InputError):
    """A publish that would overwrite a taxonomy someone else published since."""


class CorpusStore(Protocol):
    """Every query the Library, the tagger, the memo and the app make of a corpus."""

    # the store itself
    def close(self) -> None: ...
    def transaction(self) -> AbstractContextManager[None]: ...
    def writer_lock(
        self, on_wait: Callable[[], None] | None = None
    ) -> AbstractContextManager[None]: ...
    def mark_built(self) -> None: ...
    def get_setting(self, key: str) -> str | None: ...
    def set_setting(self, key: str, value: str) -> None: ...

    # writing
    def add_source(self, source: Source, excerpts: Sequence[Excerpt]) -> None: ...
    def update_metadata(self, source: Source) -> None: ...
    def set_scores(self, scored: Iterable[tuple[str, Sequence[ThemeScore]]]) -> None: ...
    def set_score_rows(self, rows: Iterable[tuple[str, str, float, int]]) -> None: ...
    def set_sentence_profiles(self, profiles: Iterable[SentenceProfile]) -> None: ...
    def rewriting_scores(self) -> AbstractContextManager[None]: ...
    def set_evidence(
        self,
        vectors: Iterable[tuple[str, bytes]],
        hits: Iterable[tuple[str, str, float, str]],
    ) -> None: ...
    def clear_phrase_hits(self) -> None: ...
    def clear_sentence_profiles(self) -> None: ...
    def corpus_matrix_place(self) -> tuple[Path, str] | None: ...
    def phrase_hits_of(self, excerpt_id: str) -> list[tuple[str, str]]: ...
    def theme_score_rows(self, theme_id: str) -> list[tuple[str, float, int]]: ...
    def change_theme_scores(
        self,
        theme_id: str,
        rows: Iterable[tuple[str, float, int]],
        gone: Iterable[str],
        flipped: Iterable[str] | None = None,
    ) -> None: ...
    def vectors_missing(self) -> bool: ...
    def source_titles(self) -> list[tuple[str, str | None]]: ...
    def replace_manual(self, decisions: Iterable[tuple[str, str, str]]) -> None: ...

    # reading
    def sentence_profiles(self, excerpt_ids: Sequence[str]) -> dict[str, SentenceProfile]: ...
    def corpus_rows(self) -> Iterator[tuple[str, str, int, bytes | None]]: ...
    def phrase_rows(self) -> Iterator[tuple[str, str, float, str]]: ...
    def missing_vectors(self) -> list[Excerpt]: ...
    def excerpt_texts(self, excerpt_ids: Sequence[str]) -> dict[str, str]: ...
    def has_source(self, source_id: str) -> bool: ...
    def source(self, source_id: str) -> Source | None: ...
    def source_by_file(self, file: str) -> Source | None: ...
    def sources(self) -> list[Source]: ...
    def source_excerpt_counts(self) -> dict[str, int]: ...
    def count_sources(self) -> int: ...
    def count_excerpts(self) -> int: ...
    def excerpt(self, excerpt_id: str) -> Excerpt | None: ...
    def excerpts(self, source_id: str | None = None) -> list[Excerpt]: ...
    def iter_excerpt_batches(self, size: int = 2000) -> Iterator[list[Excerpt]]: ...
    def find_excerpt_by_text(self, text: str) -> Excerpt | None: ...
    def excerpts_for_theme(
        self, theme_id: str, limit: int | None = None
    ) -> list[ScoredExcerpt]: ...
    def themes_of(self, excerpt_ids: Sequence[str]) -> dict[str, dict[str, float]]: ...
    def scores_of(self, excerpt_ids: Sequence[str]) -> dict[str, dict[str, float]]: ...
    def theme_excerpt_counts(self) -> dict[str, int]: ...
    def theme_counts(self) -> dict[str, ThemeCount]: ...
    def theme_matrix(self) -> dict[str, dict[str, int]]: ...
    def search(self, query: str, theme_id: str | None = None, limit: int = 50) -> SearchHits: ...
    def suggest(self, query: str, count: int = 5) -> list[str]: ...

    # the truth: the workspace's files (SQLite) or the team's database (PostgreSQL)
    def sync_taxonomy(self, workspace: Workspace) -> None: ...
    def publish_taxonomy(self, workspace: Workspace) -> None: ...
    def take_taxonomy(self, workspace: Workspace) -> tuple[Path | None, str, str] | None: ...
    def taxonomy_text(self, workspace: Workspace) -> str | None: ...
    def manual_tags(self, workspace: Workspace) -> ManualTags: ...
    def save_manual_tags(self, workspace: Workspace, tags: ManualTags) -> None: ...
    def decisions_stamp(self, workspace: Workspace) -> str: ...
    def keep_original(self, source_id: str, original: Path, file: str) -> None: ...
    def keep_meta(self, source_id: str, meta_file: Path) -> None: ...
    def originals(self, workspace: Workspace) -> Iterator[tuple[str, bytes, str | None]]: ...


class Place(Protocol):
    """Where a workspace's store lives, and how it is opened, built and replaced."""

    name: str  # for messages: the database file, or the team store's address
    shared: bool  # other analysts write to it (a team store)

    def open(self) -> CorpusStore: ...
    def open_built(self) -> CorpusStore: ...
    def previous(self) -> CorpusStore | None: ...
    def open_building(self) -> CorpusStore: ...
    def build_folder(self, store: CorpusStore, workspace: Workspace) -> Path: ...
    def finish_building(self, store: CorpusStore) -> CorpusStore: ...
    def discard_building(self, store: CorpusStore) -> None: ...


class SqlitePlace:
    """The embedded store: `.briefing/corpus.db`, built in a side file and renamed in."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.name = str(path)
        self.shared = False
        self.building = path.with_name(path.name + ".building")

    def open(self) -> CorpusStore:
        from briefing.store import Store

        return Store(self.path)

    def open_built(self) -> CorpusStore:
        from briefing.store import Store

        return Store.open_built(self.path)

    def previous(self) -> CorpusStore | None:
        from briefing.errors import BriefingError
        from briefing.store import NotBuilt, Store

        try:
            return Store.open_built(self.path)
        except (NotBuilt, BriefingError):
            return None

    def open_building(self) -> CorpusStore:
        from briefing.store import Store

        _remove_database(self.building)
        return Store(self.building, building=True)

    def build_folder(self, store: CorpusStore, workspace: Workspace) -> Path:
        return workspace.sources_dir

    def finish_building(self, store: CorpusStore) -> CorpusStore:
        from briefing.store import Store

        store.close()
        _replace_database(self.building, self.path)
        return Store(self.path)

    def discard_building(self, store: CorpusStore) -> None:
        import sqlite3

        with contextlib.suppress(sqlite3.Error):
            store.close()
        with contextlib.suppress(OSError):
            _remove_database(self.building)


class PostgresPlace:
    """The team store: one database; it is built in place (its first workspace fills it)."""

    def __init__(self, url: str) -> None:
        from briefing.pgstore import safe_address

        self.url = url
        self.name = safe_address(url)
        self.shared = True
        self.folder: Path | None = None  # a rebuild's originals, read from the store

    def open(self) -> CorpusStore:
        from briefing.pgstore import PgStore

        return PgStore(self.url)

    def open_built(self) -> CorpusStore:
        from briefing.pgstore import PgStore

        return PgStore.open_built(self.url)

    def previous(self) -> CorpusStore | None:
        return None  # the originals are in the database: nothing waits in sources/ for it

    def open_building(self) -> CorpusStore:
        """The store, emptied of its corpus in a transaction held until the build is done
        (a build that stops leaves the corpus as it was); its originals are written to a
        folder of their own first (`build_folder`), to be read again. An empty store is
        filled from the workspace's sources/ (the first workspace of a team)."""
        from briefing.pgstore import PgStore

        return PgStore(self.url)

    def build_folder(self, store: CorpusStore, workspace: Workspace) -> Path:
        """A rebuild's originals, in the workspace's .briefing/rebuild (what a killed
        rebuild left there is removed first); else the workspace's sources/."""
        import shutil

        from briefing.pgstore import PgStore

        assert isinstance(store, PgStore)
        if not store.count_sources():
            return workspace.sources_dir
        folder = workspace.db_path.with_name("rebuild")
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        self.folder = folder
        store.begin_rebuild(folder)
        return folder

    def finish_building(self, store: CorpusStore) -> CorpusStore:
        from briefing.pgstore import PgStore

        assert isinstance(store, PgStore)
        store.end_rebuild(commit=True)
        self._remove_folder()
        return store

    def discard_building(self, store: CorpusStore) -> None:
        from briefing.pgstore import PgStore

        assert isinstance(store, PgStore)
        with contextlib.suppress(WorkspaceError):
            store.end_rebuild(commit=False)
        store.close()
        self._remove_folder()

    def _remove_folder(self) -> None:
        import shutil

        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)
            self.folder = None


def place_of(workspace: Workspace) -> Place:
    """The store the workspace names ($BRIEFING_STORE, else briefing.yaml), else SQLite."""
    address = store_address(workspace)
    if address is None:
        return SqlitePlace(workspace.db_path)
    return PostgresPlace(address)


def team_taxonomy(address: str) -> str | None:
    """Reach the team store at `address` (its schema made or brought up to date) and
    return its published taxonomy, if any: what `init --store` checks first."""
    from briefing.pgstore import PgStore

    store = PgStore(address)
    try:
        return store.published_taxonomy()
    finally:
        store.close()


def store_address(workspace: Workspace) -> str | None:
    """The team store's address for this workspace, checked; None for the embedded one.

    The bundled sample (`make run`, `briefing` outside a workspace) stays embedded."""
    from briefing import locations

    if workspace.root == locations.user_sample_dir().resolve():
        return None
    named = os.environ.get(STORE_ENV, "").strip()
    if named:
        return check_address(named, f"${STORE_ENV}")
    path = workspace.root / SETTINGS_FILE
    if not path.exists():
        return None
    settings = load_settings(path)
    address = settings.get("store")
    return None if address is None else check_address(address, str(path))


def load_settings(path: Path) -> dict[str, str]:
    """briefing.yaml: `store: postgresql://USER@HOST:PORT/DB` (the only setting so far)."""
    import yaml

    from briefing.yamlcheck import Checker

    check = Checker(path, title="invalid settings file")
    root = check.load()
    if root is None:
        return {}
    fields = check.mapping(root, "briefing.yaml", ("store",))
    store = fields.get("store")
    if store is None:
        return {}
    if not isinstance(store, yaml.ScalarNode):
        check.fail(store, "store must be a postgresql://USER@HOST:PORT/DATABASE address")
    text = check.text(store, "store").strip()
    return {"store": text} if text else {}


def check_address(address: str, where: str) -> str:
    """A postgresql:// address without a password, or an error saying what to change."""
    parts = urlsplit(address)
    if parts.scheme not in _SCHEMES or not parts.path.strip("/"):
        raise InputError(
            f"{where}: {address!r} is not a store address; write "
            "postgresql://USER@HOST:PORT/DATABASE (or postgresql:///DATABASE for a local one)."
        )
    try:
        password = parts.password
    except ValueError:
        password = None
    if password is not None or "password=" in parts.query:
        raise InputError(
            f"{where}: the store address holds a password; take it out and give it to libpq "
            "instead (a line HOST:PORT:DATABASE:USER:PASSWORD in ~/.pgpass, mode 600, or "
            "$PGPASSWORD)."
        )
    return address


def write_settings(workspace: Workspace, address: str) -> Path:
    """Write briefing.yaml naming the team store (checked: never a password)."""
    check_address(address, "--store")
    path = workspace.root / SETTINGS_FILE
    text = (
        "# This workspace's settings. `store` names the team's PostgreSQL database; the\n"
        "# password, if any, comes from ~/.pgpass or $PGPASSWORD, never from this file.\n"
        "# $BRIEFING_STORE overrides it; without `store`, the corpus is .briefing/corpus.db.\n"
        f"store: {address}\n"
    )
    write_atomic(path, text.encode("utf-8"))
    return path


def _remove_database(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(str(path) + suffix).unlink(missing_ok=True)


def _replace_database(built: Path, target: Path) -> None:
    """Put a finished build in place of the store, at no point leaving a mix of the two.

    The old file is moved aside before its WAL is removed: stopped in between, there is
    no store at all (the next command builds one), never an old store missing its WAL.
    """
    aside = target.with_name(target.name + ".old")
    _remove_database(aside)
    if target.exists():
        os.replace(target, aside)
    _remove_database(target)
    os.replace(built, target)
    _remove_database(aside)
