"""A workspace opened for work: its files, its store, and what both faces call.

The CLI and the TUI each hold one `Library` and call its methods; neither reads
a workspace file or touches the store directly. Every method keeps the plain
files the truth and the store in step with them.
"""

from __future__ import annotations

import contextlib
import errno
import filecmp
import itertools
import json
import os
import re
import shutil
import sqlite3
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from briefing import ids
from briefing.errors import BriefingError, InputError, RefusedFile, WorkspaceError
from briefing.files import write_atomic
from briefing.filetruth import (
    DIGESTS,
    WorkspaceFiles,
    changed_originals,
    record_digests,
    recorded_digests,
    write_digests,
)
from briefing.locking import workspace_lock, workspace_lock_if_free
from briefing.model import Excerpt, SentenceProfile, Source, Theme, ThemeScore
from briefing.source_meta import FIELDS as META_FIELDS
from briefing.source_meta import Fields, is_meta_file, load_meta, meta_path, save_meta
from briefing.store import STORED_SCORE_FLOOR, NotBuilt
from briefing.stores import CorpusStore, Place, StoreUnavailable, place_of
from briefing.tagging import (
    EvalReport,
    ManualTags,
    Stamp,
    Tagger,
    evaluate,
    load_gold,
    load_themes,
)
from briefing.workspace import Workspace

if TYPE_CHECKING:
    from briefing.ingest.prepared import Prepared  # imported lazily: only ingest needs it

    # The memo (jinja2, its renderers) is imported by the methods that make one, so that
    # `search`, `themes` and the like start without it.
    from briefing.memo import Brief, MemoDocument, Problem, VerifyProblem
    from briefing.memo.document import SectionCache
    from briefing.tagging.calibrate import CorpusMatrix
    from briefing.tagging.corpus import (  # numpy: loaded when tagging runs
        CorpusInputs,
        CorpusTags,
    )
    from briefing.tagging.learn import Examples
    from briefing.tagging.semantic import Matrix
    from briefing.tagging.suggest import Suggestions
    from briefing.tagging.tagger import PhraseHit

Progress = Callable[[int, int, str], None]
"""Called as (done, total, current file name) while a long run goes on."""

BATCH = 256  # articles tagged and written per transaction
PROFILES = "profiles"  # setting: the tagger's profile fingerprint the stored profiles follow
INCOMING = ".briefing-incoming"  # in sources/: originals copied, their sources not yet stored
# Errors of the disk as a whole, which end the run rather than refuse one file.
_DISK_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EIO}


@dataclass(frozen=True)
class Refusal:
    path: str
    reason: str


class Added(NamedTuple):
    """A source an ingest run added, as its summary keeps it: what the lines it prints
    name (the source itself is in the store; a run of 100,000 articles kept each one's
    metadata as a Source, 70 MB)."""

    id: str
    file: str
    title: str | None


@dataclass
class IngestSummary:
    """What an ingest run did, file by file."""

    added: list[Added] = field(default_factory=list)
    duplicates: list[tuple[str, str]] = field(default_factory=list)  # (path, existing source id)
    refused: list[Refusal] = field(default_factory=list)
    skipped: list[Refusal] = field(default_factory=list)  # special entries, with the reason
    assets: list[str] = field(default_factory=list)  # files in folders that are not articles
    # A rebuild's originals in sources/ that changed or went since their ingest, and how.
    changed: list[Refusal] = field(default_factory=list)


@dataclass(frozen=True)
class StaleDecision:
    """A manual decision in tags.yaml whose excerpt id no longer resolves.

    `found` is the excerpt's new id when its text found it again (tags.yaml is then
    rewritten with it); None when nothing matches: the decision stays in tags.yaml,
    unused, until its source is ingested again or the user removes it.
    """

    excerpt_id: str
    themes: tuple[str, ...]
    text: str | None
    found: str | None = None


@dataclass
class _Pending:
    source: Source
    rows: Prepared  # its excerpts and what the workers read in them
    staged: Path | None = None  # the original's copy waiting in sources/.briefing-incoming


class IngestStopped(BriefingError):
    """An ingest that stopped part-way (Ctrl-C, a full disk, a database error).

    `summary` holds exactly what was stored before it stopped; nothing else of the
    run was kept (no original copied without its source).
    """

    def __init__(self, message: str, summary: IngestSummary, exit_code: int) -> None:
        super().__init__(message)
        self.summary = summary
        self.exit_code = exit_code


class Library:
    """One workspace, opened: call `Library.open(workspace)`."""

    def __init__(
        self,
        workspace: Workspace,
        store: CorpusStore,
        themes: list[Theme],
        place: Place | None = None,
    ) -> None:
        self.workspace = workspace
        self.store = store
        # Where the store lives (the workspace's SQLite file or the team's database).
        self.place = place if place is not None else place_of(workspace)
        self.themes = themes
        self._tagger: Tagger | None = None
        self.built: IngestSummary | None = None
        self.rebuilt_because: str | None = None  # why opening had to build the store
        self.on_wait: Callable[[], None] | None = None
        # Decisions of tags.yaml whose excerpt ids went stale at the last sync: found
        # again by their text, or not found (see `unresolved_decisions`).
        self.refound: list[StaleDecision] = []
        # Set when tags.yaml was read into the store: its decisions that apply to nothing.
        self.tag_problems: list[str] = []
        # The app's reader keeps each theme's memo selection between builds; a reader
        # is dropped whenever the corpus or its tags change, and its cache with it.
        self.sections: SectionCache | None = None
        self._build_from = workspace.sources_dir  # where a build reads the originals

    # -- opening ----------------------------------------------------------------

    @classmethod
    def open(
        cls,
        workspace: Workspace,
        progress: Progress | None = None,
        rebuild: bool = False,
        on_wait: Callable[[], None] | None = None,
    ) -> Library:
        """Open the workspace; a store that is missing or unfinished (or `rebuild=True`)
        is built from the files. `on_wait` is called if another run holds the workspace.

        After a build, `built` holds what it did (refusals included) and
        `rebuilt_because` why it was needed (None when asked or when there was none).
        A damaged or foreign store raises `WorkspaceError` with the command to run.
        """
        place = place_of(workspace)
        lock = workspace.db_path.with_name("lock")
        why: str | None = None
        if not rebuild:
            try:
                return cls._opened(workspace, place, place.open_built(), on_wait)
            except NotBuilt as not_built:
                why = not_built.reason
        with workspace_lock(lock, on_wait):
            if not rebuild:  # another run may have built it while this one waited
                with contextlib.suppress(NotBuilt):
                    return cls._opened(workspace, place, place.open_built(), on_wait)
            previous = place.previous()
            try:
                _settle_incoming(workspace.sources_dir, previous)
            finally:
                if previous is not None:
                    previous.close()
            store = place.open_building()
            try:
                store.sync_taxonomy(workspace)
                themes = load_themes(workspace.themes_path)
            except BaseException:
                place.discard_building(store)
                raise
            library = cls(workspace, store, themes, place)
            library.on_wait = on_wait
            library.built = library._build(progress)
            if why is not None and why != "there was none":
                library.rebuilt_because = f"the corpus database {why}"
            return library

    @classmethod
    def _opened(
        cls,
        workspace: Workspace,
        place: Place,
        store: CorpusStore,
        on_wait: Callable[[], None] | None,
    ) -> Library:
        try:
            store.sync_taxonomy(workspace)  # a team store's taxonomy, into themes.yaml
            themes = load_themes(workspace.themes_path)
        except BaseException:
            store.close()
            raise
        library = cls(workspace, store, themes, place)
        library.on_wait = on_wait
        try:
            if library._incoming.is_dir():  # a stopped ingest left originals to settle
                with workspace_lock_if_free(library._lock_path) as free:
                    if free:  # else the run holding the lock is using them, and settles them
                        library._settle_incoming()
            library._sync_manual()
        except BaseException:
            library.close()
            raise
        return library

    @property
    def _digests_path(self) -> Path:
        """The list of the kept originals' digests (`filetruth.DIGESTS`)."""
        return self.workspace.db_path.with_name(DIGESTS)

    @property
    def _lock_path(self) -> Path:
        return self.workspace.db_path.with_name("lock")

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        """This workspace's writer lock, and the store's (a team store's writers take
        turns): one run at a time changes the files and the corpus."""
        with workspace_lock(self._lock_path, self.on_wait), self.store.writer_lock(self.on_wait):
            yield

    def close(self) -> None:
        self.store.close()

    def reader(self) -> Library:
        """The same workspace on a second connection, for a worker thread to read from.

        WAL lets it read while this one writes, so a worker's queries never interleave
        with the main thread's on one connection. Close it when done.
        """
        from briefing.memo.document import SectionCache

        reader = Library(self.workspace, self.place.open(), self.themes, self.place)
        reader.sections = SectionCache()
        return reader

    @property
    def tagger(self) -> Tagger:
        if self._tagger is None:
            self._tagger = Tagger(self.themes)
        return self._tagger

    def theme(self, theme_id: str) -> Theme:
        for theme in self.themes:
            if theme.id == theme_id:
                return theme
        known = ", ".join(t.id for t in self.themes)
        raise InputError(f"no theme {theme_id!r} in {self.workspace.themes_path}; themes: {known}.")

    @property
    def profiles_stale(self) -> bool:
        """True when the memo's sentence profiles no longer follow the taxonomy, so that
        the next `retag` reads every excerpt's sentences again (minutes on a large corpus)."""
        return self.store.get_setting(PROFILES) not in self.tagger.profile_stamps()

    @property
    def needs_retag(self) -> bool:
        """True when themes.yaml changed since the excerpts were last tagged."""
        stored = self.store.get_setting("tagger")
        return stored is not None and stored != self.tagger.fingerprint

    # -- ingest -----------------------------------------------------------------

    def ingest(
        self, paths: Sequence[Path], progress: Progress | None = None, urls: Sequence[str] = ()
    ) -> IngestSummary:
        """Read, clean, cut, tag and store every file under `paths` and every page at `urls`.

        Each original is copied into the workspace's sources/ (with its .meta.yaml),
        so that `rebuild` can recreate everything; a fetched page is kept the same way,
        its URL and the day it was fetched in its .meta.yaml; the copy lands there only
        once its source is stored. A bad file or URL is refused with its reason and the
        run goes on. A run that cannot go on (Ctrl-C, a full disk, a database error)
        raises `IngestStopped` with what was stored.
        """
        summary = IngestSummary()
        fetched: dict[Path, str] = {}
        try:
            with tempfile.TemporaryDirectory(prefix="briefing-fetch-") as folder:
                fetched = _fetch(urls, Path(folder), summary, progress)
                files = _expand(paths, summary) + list(fetched)
                with self._locked():
                    self._settle_incoming()
                    self._ingest_files(files, copy=True, summary=summary, progress=progress)
                    self._settle_incoming()  # nothing is left there now: remove the folder
        except KeyboardInterrupt:
            raise IngestStopped("interrupted", _named(summary, fetched), 130) from None
        except (sqlite3.Error, OSError, StoreUnavailable) as error:
            message = _describe(error, self.workspace)
            raise IngestStopped(message, _named(summary, fetched), 2) from error
        summary = _named(summary, fetched)
        if summary.added and self.unresolved_decisions():
            self._sync_manual(force=True)  # a source ingested again may hold their excerpts
        return summary

    def _ingest_files(
        self, files: list[Path], copy: bool, summary: IngestSummary, progress: Progress | None
    ) -> None:
        from briefing.ingest.parallel import read_articles
        from briefing.ingest.prepared import Preparer

        pending: list[_Pending] = []
        seen: dict[str, str] = {}
        names = _Names(self.workspace.sources_dir) if copy else None
        tagger = self.tagger
        tagger.embedder  # noqa: B018 (loaded once, before the workers fork: they share it)
        preparer = Preparer(tagger.themes, tagger.settings, tagger)
        try:
            # The workers read, cut and tag; this process writes. They end with the block.
            with contextlib.closing(read_articles(files, prepare=preparer)) as articles:
                for done, (path, prepared) in enumerate(articles):
                    if progress:
                        progress(done, len(files), path.name)
                    try:
                        item = self._prepare(path, prepared, names, seen, summary)
                    except RefusedFile as refusal:
                        summary.refused.append(Refusal(refusal.path, refusal.reason))
                        continue
                    if item is not None:
                        pending.append(item)
                    if len(pending) >= BATCH:
                        self._store_batch(pending, summary)
                        pending = []
                        seen.clear()  # stored now: `has_source` finds them (memory stays flat)
            self._store_batch(pending, summary)
            pending = []
            if self.store.get_setting("phrases") is None:  # a new store: its matches are current
                self.store.set_setting("phrases", self.tagger.phrase_fingerprint)
                self.store.set_setting(PROFILES, self.tagger.profile_fingerprint)  # and profiles
            if summary.added or self.store.get_setting("tagger") != self.tagger.fingerprint:
                self.calibrate()
        except BaseException:
            if copy:
                self._abandon(pending, summary)
            raise
        if progress:
            progress(len(files), len(files), "")

    def _prepare(
        self,
        path: Path,
        prepared: Prepared | str,
        names: _Names | None,
        seen: dict[str, str],
        summary: IngestSummary,
    ) -> _Pending | None:
        """The source and rows of an article prepared by a worker; None when a duplicate.

        `names` is given when the original is to be kept in sources/ (ingest), None when
        it is there already (a build). Refusals come before any copy, so a refused file
        leaves nothing behind.
        """
        if isinstance(prepared, str):
            raise RefusedFile(str(path), prepared)
        article, source_id = prepared.article, prepared.source_id
        if source_id in seen or self.store.has_source(source_id):
            summary.duplicates.append((str(path), source_id))
            return None
        corrected = _corrections(path)
        if not _is_unicode(*corrected.values()):
            raise RefusedFile(
                str(path), f"{meta_path(path).name} holds characters that are not valid Unicode"
            )
        staged: Path | None = None
        if names is None:
            file = path.relative_to(self._build_from).as_posix()
        else:
            file, staged = self._stage(path, names)
        source = Source(
            id=source_id,
            file=file,
            text=article.text,
            title=article.title,
            author=article.author,
            outlet=article.outlet,
            date=article.date,
            authors=list(article.authors),
            url=article.url,
            accessed=_saved_on(path) if article.url else None,
        )
        source = replace(source, **corrected)  # type: ignore[arg-type]
        seen[source_id] = str(path)
        return _Pending(source, prepared, staged)

    @property
    def _incoming(self) -> Path:
        return self.workspace.sources_dir / INCOMING

    def _stage(self, path: Path, names: _Names) -> tuple[str, Path | None]:
        """Where the original is kept (its path in sources/), and its staged copy if any.

        A file already in sources/ stays where it is; one found there again (same bytes,
        no source claims it: left by an older, interrupted run) is used, not copied.
        Otherwise it is copied, with its .meta.yaml, into sources/.briefing-incoming,
        and moved into sources/ once its source is stored (`_settle_incoming`).
        """
        sources = self.workspace.sources_dir
        resolved = path.resolve()
        if resolved.is_relative_to(names.real):
            return resolved.relative_to(names.real).as_posix(), None
        name = names.choose(path, self.store)
        if (sources / name).exists():  # found again
            return name, None
        staged = self._incoming / name
        try:
            self._incoming.mkdir(parents=True, exist_ok=True)
            _keep_original(path, staged)
            beside = meta_path(path)
            if beside.is_file():
                shutil.copyfile(beside, meta_path(staged))
        except OSError as error:
            staged.unlink(missing_ok=True)
            if error.errno in _DISK_ERRNOS:
                raise
            raise RefusedFile(
                str(path), f"cannot copy it into {sources} ({error.strerror or error})"
            ) from error
        return name, staged

    def _store_batch(self, batch: list[_Pending], summary: IngestSummary) -> None:
        """Store sources and excerpts with what the workers read in their text (vectors,
        keyword matches, sentence profiles), then move their originals into place; the
        tags themselves come from `calibrate`, over the whole corpus."""
        if not batch:
            return
        with self.store.transaction():
            for item in batch:
                self.store.add_source(item.source, item.rows.excerpts)
                original = item.staged or self._build_from / item.source.file
                self.store.keep_original(item.source.id, original, item.source.file)
                digest = item.rows.article.original_sha256  # of the bytes the worker read
                if digest is not None and isinstance(self.store, WorkspaceFiles):
                    self.store.keep_digest(item.source.id, digest)
            self.store.set_evidence(
                [row for item in batch for row in item.rows.vectors],
                [row for item in batch for row in item.rows.hits],
            )
            self.store.set_sentence_profiles(p for item in batch for p in item.rows.profiles)
        # The run's summary keeps each source's id, file and title (the rest is stored).
        summary.added.extend(_added(item.source) for item in batch)
        for item in batch:
            if item.staged is not None:
                _move_staged(item.staged, self.workspace.sources_dir)
        if isinstance(self.store, WorkspaceFiles):  # its originals are in sources/
            kept = [(i.source.file, i.rows.article.original_sha256) for i in batch if i.staged]
            record_digests(self._digests_path, [(f, d) for f, d in kept if d])

    def _abandon(self, pending: list[_Pending], summary: IngestSummary) -> None:
        """After a run stopped: keep what was stored, and only that; say exactly what it is."""
        with contextlib.suppress(sqlite3.Error, OSError, BriefingError):
            added = {source.id for source in summary.added}
            for item in pending:
                if item.source.id not in added and self.store.has_source(item.source.id):
                    summary.added.append(_added(item.source))  # committed just before the stop
            self._settle_incoming()

    def _settle_incoming(self) -> None:
        _settle_incoming(self.workspace.sources_dir, self.store)

    def _vector_rows(
        self, excerpts: Sequence[Excerpt], embedded: Matrix | None
    ) -> list[tuple[str, bytes]]:
        """The excerpts' vectors as store rows (none without an embedder)."""
        from briefing.tagging.corpus import vector_bytes

        if embedded is None:
            return []
        return [(e.id, vector_bytes(v)) for e, v in zip(excerpts, embedded, strict=True)]

    def _hit_rows(
        self, excerpts: Sequence[Excerpt], found: Sequence[Sequence[PhraseHit]]
    ) -> list[tuple[str, str, float, str]]:
        """What each theme's keywords found in the excerpts, as store rows."""
        from briefing.tagging.corpus import hit_rows

        tagger = self.tagger
        return [
            row
            for e, hits in zip(excerpts, found, strict=True)
            for row in hit_rows(e.id, hits, tagger)
        ]

    # -- re-tagging and rebuilding ------------------------------------------------

    def calibrate(self) -> int:
        """Tag every excerpt from the stored vectors, keyword matches and decisions.

        Runs after every ingest, at `briefing tag` and after a decision in the TUI: the
        tags are a function of the corpus and the decisions, however they were ingested.
        Returns how many excerpts were tagged over.
        """
        from briefing import heap
        from briefing.tagging import retag
        from briefing.tagging.suggest import reach

        heap.give_back()  # what an ingest's batches held: the calibration's peak is its own
        self._sync_manual()  # tags.yaml may have been edited by hand
        before = json.loads(self.store.get_setting("calibrated") or "{}")
        theme_ids = [t.id for t in self.tagger.themes]
        now: dict[str, Any] = {}
        stale: list[int] | None = None

        def only(corpus: CorpusMatrix, examples: dict[int, Examples]) -> list[int] | None:
            # A decision touches its theme alone: the other themes' tags cannot change.
            nonlocal stale
            now.update(retag.state(corpus, examples, theme_ids, self.tagger.fingerprint))
            stale = retag.stale_themes(before, now, theme_ids)
            return stale

        corpus_tags = self._corpus_tags(only)
        reached = {
            r.theme_id: [r.matched, r.closest]
            for r, info in zip(reach(corpus_tags), corpus_tags.calibrated.themes, strict=True)
            if info.calibrated
        }
        if stale is None:
            with self.store.transaction(), self.store.rewriting_scores():
                self.store.set_score_rows(corpus_tags.rows(STORED_SCORE_FLOOR))
                self._record_calibration(now, reached)
            return len(corpus_tags.corpus)
        with self.store.transaction():
            for t in stale:
                stored = self.store.theme_score_rows(theme_ids[t])
                change = retag.changed_rows(corpus_tags, t, stored, STORED_SCORE_FLOOR)
                self.store.change_theme_scores(
                    theme_ids[t], change.rows, change.gone, change.flipped
                )
            reached = json.loads(self.store.get_setting("reach") or "{}") | reached
            self._record_calibration(now, reached)
        return len(corpus_tags.corpus)

    def _record_calibration(self, state: dict[str, Any], reached: dict[str, Any]) -> None:
        self.store.set_setting("tagger", self.tagger.fingerprint)
        self.store.set_setting("calibrated", json.dumps(state, sort_keys=True))
        self.store.set_setting("reach", json.dumps(reached, sort_keys=True))

    def keyword_reach(self) -> dict[str, tuple[int, int]]:
        """Per theme, as of the last tagging: (how many of the excerpts closest to it in
        meaning its keywords match, how many were looked at)."""
        stored = self.store.get_setting("reach")
        data = json.loads(stored) if stored else {}
        return {k: (int(v[0]), int(v[1])) for k, v in data.items()}

    def suggest(self) -> list[Suggestions]:
        """Per theme: words and phrases its keywords miss, and excerpts no keyword matches."""
        from briefing.tagging.suggest import suggest

        return suggest(self._corpus_tags(), self.store.excerpt_texts, self._decided())

    def review_candidates(self, theme_id: str, limit: int = 20) -> list[tuple[Excerpt, float]]:
        """Excerpts to ask the analyst about for a theme: the closest to it in meaning that
        no keyword matches and nobody decided, closest first, with their scores."""
        from briefing.tagging.suggest import candidates

        t = [theme.id for theme in self.themes].index(self.theme(theme_id).id)
        found = candidates(self._corpus_tags(), t, self._decided(), limit)
        out = []
        for excerpt_id, score in found:
            excerpt = self.store.excerpt(excerpt_id)
            if excerpt is not None:
                out.append((excerpt, score))
        return out

    def _decided(self) -> set[tuple[str, str]]:
        tags = self.manual_tags()
        return {
            (excerpt_id, theme_id)
            for table in (tags.added, tags.removed)
            for excerpt_id, themes in table.items()
            for theme_id in themes
        }

    def _corpus_tags(
        self,
        only: Callable[[CorpusMatrix, dict[int, Examples]], list[int] | None] | None = None,
    ) -> CorpusTags:
        """The corpus tagged from the store; `only` picks the themes to calibrate."""
        from briefing.tagging.corpus import tag_inputs

        tags = self.manual_tags()
        try:
            brief = self.load_brief()
            pinned = {t.id: [ref.id for ref in t.pinned] for t in brief.themes}
        except InputError:  # a broken brief.yaml is reported where it is used, not here
            pinned = {}
        tagger = self.tagger
        cached = self.store.get_setting("taxonomy_vectors")
        if not tagger.use_taxonomy_vectors(cached):
            fresh = tagger.taxonomy_vectors()
            if fresh is not None and fresh != cached:
                with self.store.transaction():
                    self.store.set_setting("taxonomy_vectors", fresh)
        return tag_inputs(
            tagger,
            self._corpus_inputs(),
            tags.added,
            tags.removed,
            pinned,
            self.store.phrase_hits_of,
            only,
        )

    def _vectors_missing(self) -> bool:
        """Whether some excerpt has no stored vector: the kept corpus matrix knows, without
        a count over every stored vector."""
        from briefing.tagging import matrixcache

        place = self.store.corpus_matrix_place()
        if place is not None:
            known = matrixcache.vectors_missing(place[0], matrixcache.key_of(place[1], self.tagger))
            if known is not None:
                return known
        return self.store.vectors_missing()

    def _corpus_inputs(self) -> CorpusInputs:
        """The corpus as arrays: mapped from the matrix kept beside the store when it is
        of this corpus and tagger, else read from the store (and kept for next time)."""
        from briefing import heap
        from briefing.tagging import matrixcache
        from briefing.tagging.corpus import read_inputs

        tagger = self.tagger
        place = self.store.corpus_matrix_place()
        key = matrixcache.key_of(place[1], tagger) if place is not None else ""
        if place is not None and (kept := matrixcache.load(place[0], key)) is not None:
            return kept
        if place is not None:  # read straight into the kept matrix, a block at a time
            count = self.store.count_excerpts()
            rows, hits = self.store.corpus_rows(), self.store.phrase_rows()
            built = matrixcache.build(place[0], key, tagger, count, rows, hits)
            heap.give_back()  # the blocks of rows it read (vectors' bytes come from the heap)
            if built is not None:
                return built
        inputs = read_inputs(
            tagger, self.store.count_excerpts(), self.store.corpus_rows(), self.store.phrase_rows()
        )
        matrixcache.with_centre(inputs)
        if place is not None:
            matrixcache.save(place[0], key, inputs)
        return inputs

    def retag(self, progress: Progress | None = None) -> int:
        """Tag every excerpt again: keyword matches re-read from the text only when
        themes.yaml's keywords changed, then the whole corpus calibrated; returns how many.

        A team store's taxonomy is published from this workspace's themes.yaml first."""
        self.themes = load_themes(self.workspace.themes_path)
        self.store.publish_taxonomy(self.workspace)
        self._tagger = None
        tagger = self.tagger
        total = self.store.count_excerpts()
        reread = self.store.get_setting("phrases") != tagger.phrase_fingerprint
        # The memo's sentence profiles come from each excerpt's own tags: they follow the
        # whole taxonomy (descriptions and settings too), never the calibration.
        reprofile = self.profiles_stale
        missing: set[str] = set()
        # (asks for the model only when it could help)
        if self._vectors_missing() and tagger.semantic:
            missing = {e.id for e in self.store.missing_vectors()}
        done = 0
        with self._locked():
            if reread or missing or reprofile:
                with self.store.transaction():
                    if reread:
                        self.store.clear_phrase_hits()
                    if reprofile:
                        self.store.clear_sentence_profiles()
                    for batch in self.store.iter_excerpt_batches():
                        texts = [e.text for e in batch]
                        todo = [e for e in batch if e.id in missing]
                        embedded = tagger.embed([e.text for e in todo]) if todo else None
                        found = tagger.read_phrases(texts) if reread or reprofile else []
                        self.store.set_evidence(
                            self._vector_rows(todo, embedded),
                            self._hit_rows(batch, found) if reread else [],
                        )
                        if reprofile:
                            self.store.set_sentence_profiles(self._profiles(batch, found))
                        done += len(batch)
                        if progress:
                            progress(done, total, "")
                    self.store.set_setting("phrases", tagger.phrase_fingerprint)
                    self.store.set_setting(PROFILES, tagger.profile_fingerprint)
            if self.store.get_setting(PROFILES) != tagger.profile_fingerprint:
                # Profiles stamped by an earlier version, still valid: stamped as today's.
                self.store.set_setting(PROFILES, tagger.profile_fingerprint)
            count = self.calibrate()
            if progress:
                progress(total, total, "")
            return count

    def _profiles(
        self, excerpts: Sequence[Excerpt], found: Sequence[Sequence[PhraseHit]]
    ) -> list[SentenceProfile]:
        """The memo's sentence profiles of the excerpts, as ingest's workers make them:
        from each excerpt's own (context-free) tags."""
        from briefing.memo.sentences import profile_tagged
        from briefing.tagging.contextfree import Blended

        tagger = self.tagger
        theme_ids = [theme.id for theme in tagger.themes]
        embedded = tagger.embed([e.text for e in excerpts]) if excerpts else None
        tagged = [[theme_ids[t] for t in row] for row in Blended(tagger, embedded, found).tagged()]
        return profile_tagged(tagger, excerpts, tagged)

    def _build(self, progress: Progress | None) -> IngestSummary:
        """Fill this library's new store, at `building`, from the workspace's files
        (sources/, tags.yaml), then put it in place of the workspace's store.

        The store is built in a file of its own and renamed into place only when whole,
        so a build that stops part-way leaves the previous store (or none), never half of
        one. It closes itself if it fails.
        """
        summary = IngestSummary()
        try:
            # The originals: sources/, or those a team store held (its rebuild).
            sources = self._build_from = self.place.build_folder(self.store, self.workspace)
            files = _stored_files(sources, summary) if sources.is_dir() else []
            if sources == self.workspace.sources_dir:
                for path in files:
                    _unshare(path)
            # The calibration at the end of the ingest reads tags.yaml first (and finds
            # decisions on changed ids again by their text, now that the excerpts exist).
            self._ingest_files(files, copy=False, summary=summary, progress=progress)
            summary.changed = self._changed_originals()
            self.store.mark_built()
            self.store = self.place.finish_building(self.store)
        except BaseException as error:
            self.place.discard_building(self.store)
            if isinstance(error, sqlite3.Error | OSError):
                raise WorkspaceError(
                    f"the build of the corpus database stopped: {_describe(error, self.workspace)}"
                    "; the previous database, if any, is unchanged."
                ) from error
            raise
        return summary

    def _changed_originals(self) -> list[Refusal]:
        """The originals in sources/ that differ from those the previous store was
        ingested from (a build's store is not in place yet: the previous one still is),
        or, with no previous store, from those sources/'s list of digests names; then
        that list, rewritten as this build read them."""
        sources = self.workspace.sources_dir
        if not isinstance(self.store, WorkspaceFiles) or self._build_from != sources:
            return []  # a team store keeps its originals itself: none in sources/
        previous = self.place.previous()
        try:
            stored = previous.kept_digests() if isinstance(previous, WorkspaceFiles) else iter(())
            first = next(stored, None)  # a store older than its digests has none
            before = (
                itertools.chain([first], stored)
                if first is not None
                else iter(recorded_digests(self._digests_path))
            )
            changed = changed_originals(before, self.store.kept_digests(), sources)
        finally:
            if previous is not None:
                previous.close()
        rows = ((file, sha256) for file, sha256, _ in self.store.kept_digests())
        write_digests(self._digests_path, rows)
        return [Refusal(path, what) for path, what in changed]

    # -- manual decisions -------------------------------------------------------

    def manual_tags(self) -> ManualTags:
        """The decisions: tags.yaml, or a team store's (everyone's)."""
        return self.store.manual_tags(self.workspace)

    def set_manual_tag(self, excerpt_id: str, theme_id: str, decision: str | None) -> None:
        """Record the user's decision ('added', 'removed', or None to forget it) in tags.yaml."""
        self.theme(theme_id)
        excerpt = self.store.excerpt(excerpt_id)
        if excerpt is None:
            raise InputError(f"no excerpt {excerpt_id!r} in this workspace.")
        with self._locked():  # read under the lock: another's decision is not overwritten
            tags = self.manual_tags()
            if decision == "added":
                tags.add(excerpt_id, theme_id, excerpt.text, Stamp.now())
            elif decision == "removed":
                tags.remove(excerpt_id, theme_id, excerpt.text, Stamp.now())
            else:
                tags.clear(excerpt_id, theme_id)
            self.store.save_manual_tags(self.workspace, tags)
            self._sync_manual(force=True)

    def unresolved_decisions(self) -> list[StaleDecision]:
        """Decisions in tags.yaml on excerpts that are no longer in the corpus and that
        their text did not find again (as of the last sync)."""
        stored = json.loads(self.store.get_setting("tags_unresolved") or "[]")
        return [StaleDecision(item[0], tuple(item[1]), item[2]) for item in stored]

    def unused_decisions(self, tags: ManualTags | None = None) -> list[str]:
        """Decisions in tags.yaml on themes that are not in themes.yaml (excerpts no longer
        in the corpus are found again by text or listed by `unresolved_decisions`)."""
        tags = tags if tags is not None else self.manual_tags()
        themes = {t.id for t in self.themes}
        problems = []
        for excerpt_id in sorted(tags.excerpt_ids()):
            decided = tags.added.get(excerpt_id, set()) | tags.removed.get(excerpt_id, set())
            problems += [f"theme {t!r} (excerpt {excerpt_id}) is not in themes.yaml"
                         for t in sorted(decided - themes)]  # fmt: skip
        return problems

    def _sync_manual(self, force: bool = False) -> None:
        """Mirror tags.yaml into the store when it changed on disk (or when forced).

        A decision on an id that no longer resolves (a new cleaner, a re-ingest) is
        found again by its excerpt's text and moved to the new id in tags.yaml; one
        that is not found is kept in the file and listed by `unresolved_decisions`.
        """
        path = self.workspace.tags_path
        if path.exists() and not path.is_file():  # a FIFO would hang the read for ever
            raise InputError(f"{path}: not a regular file; tags.yaml must be a text file.")
        stamp = self.store.decisions_stamp(self.workspace)
        if not force and self.store.get_setting("tags_stamp") == stamp:
            return
        tags = self.manual_tags()
        stale = [eid for eid in sorted(tags.excerpt_ids()) if self.store.excerpt(eid) is None]
        refound, unresolved = [], []
        for excerpt_id in stale:
            text = tags.texts.get(excerpt_id)
            again = self.store.find_excerpt_by_text(text) if text else None
            decision = StaleDecision(
                excerpt_id, tuple(tags.themes_of(excerpt_id)), text, again.id if again else None
            )
            if again is None:
                unresolved.append(decision)
            else:
                tags.move(excerpt_id, again.id, again.text)
                refound.append(decision)
        if refound:
            with self._locked():
                self.store.save_manual_tags(self.workspace, tags)
            stamp = self.store.decisions_stamp(self.workspace)
        self.refound = refound
        kept = [d.excerpt_id for d in unresolved]
        with self._locked(), self.store.transaction():
            self.store.replace_manual(
                decision for decision in _decisions(tags) if decision[0] not in kept
            )
            self.store.set_setting("tags_stamp", stamp)
            self.store.set_setting(
                "tags_unresolved",
                json.dumps([[d.excerpt_id, list(d.themes), d.text] for d in unresolved]),
            )
        self.tag_problems = self.unused_decisions(tags)

    def explain(self, excerpt_id: str) -> tuple[Excerpt, list[ThemeScore]]:
        """The excerpt and, per theme, its score and why, manual decisions applied."""
        excerpt = self.store.excerpt(excerpt_id)
        if excerpt is None:
            raise InputError(f"no excerpt {excerpt_id!r} in this workspace.")
        scores = self._corpus_tags().explain(excerpt_id)
        return excerpt, self.manual_tags().apply(excerpt_id, scores)

    # -- evaluation -------------------------------------------------------------

    def evaluate(self, gold_path: Path, exclude_decided: bool = False) -> EvalReport:
        """Precision, recall and F1 of the current tags against a hand-labelled file.

        `exclude_decided` leaves out the paragraphs with a manual decision (tags.yaml):
        what the tagger learned is measured on the excerpts it was not told about.
        """
        gold = load_gold(gold_path)
        decided = set()
        if exclude_decided:
            tags = self.manual_tags()
            decided = set(tags.added) | set(tags.removed)
        index: dict[str, list[tuple[str, set[str], bool]]] = {}
        for source in self.store.sources():
            excerpts = self.store.excerpts(source.id)
            themes = self.store.themes_of([e.id for e in excerpts])
            index[Path(source.file).name] = [
                (ids.canonical(e.text), set(themes[e.id]), e.id in decided) for e in excerpts
            ]

        def find(file: str, prefix: str) -> tuple[str, set[str], bool] | None:
            wanted = ids.canonical(prefix)
            return next((row for row in index.get(file, []) if row[0].startswith(wanted)), None)

        def predict(file: str, prefix: str) -> set[str] | None:
            row = find(file, prefix)
            return None if row is None else row[1]

        def skip(file: str, prefix: str) -> bool:
            row = find(file, prefix)
            return row is not None and row[2]

        return evaluate(gold, predict, skip if exclude_decided else None)

    # -- the memo ---------------------------------------------------------------

    def load_brief(self, path: Path | None = None) -> Brief:
        """The workspace's brief.yaml (or `path`); every theme in file order when there is none."""
        from briefing.memo import default_brief, load_brief

        path = path or self.workspace.brief_path
        if path.is_file():
            return load_brief(path)
        if path != self.workspace.brief_path:
            raise InputError(f"{path}: no such brief.")
        return default_brief(self.themes)

    def save_brief(self, brief: Brief, path: Path | None = None) -> Path:
        from briefing.memo import save_brief

        target = path or self.workspace.brief_path
        save_brief(target, brief)
        return target

    def build_memo(self, brief: Brief) -> MemoDocument:
        """The memo as plain data: what both renderers and the TUI preview show."""
        from briefing.memo import build_memo

        return build_memo(brief, self.themes, self.store, cache=self.sections)

    def render_document(self, document: MemoDocument, fmt: str) -> bytes:
        """The memo in `fmt` ('md' or 'pdf'), with the workspace's templates first."""
        if fmt == "md":
            from briefing.memo.markdown import render_markdown

            return render_markdown(document, self.workspace.template_dirs()).encode("utf-8")
        if fmt == "pdf":
            from briefing.memo.pdf import render_pdf

            return render_pdf(document, self.workspace.template_dirs())
        if fmt == "docx":
            from briefing.memo.docx import render_docx

            return render_docx(document)
        from briefing.memo.templates import FORMATS

        raise InputError(f"unknown format {fmt!r}; use {', '.join(f[0] for f in FORMATS)}.")

    def export(
        self, brief: Brief, fmt: str, output: Path | None = None
    ) -> tuple[Path, tuple[Problem, ...]]:
        """Render and write the memo atomically (by default into exports/).

        Returns the file and the problems met (a pinned excerpt not found, say),
        which never stop the export but must reach the user.
        """
        self.refuse_empty_brief(brief)
        document = self.build_memo(brief)
        data = self.render_document(document, fmt)
        target = output or self.export_path(brief, fmt)
        try:
            write_atomic(target, data)
        except OSError as error:
            raise InputError(f"{target}: cannot write the memo ({error.strerror}).") from error
        return target, document.problems

    def refuse_empty_brief(self, brief: Brief, path: Path | None = None) -> None:
        """A memo of no theme is a header and a bottom line: refused, naming the brief."""
        if not brief.chosen():
            raise InputError(
                f"{path or self.workspace.brief_path}: no theme is chosen for the memo "
                "(themes is empty, or every theme has include: false); put a theme in "
                "(space on the app's theme list) or name one with --theme ID."
            )
        known = {t.id for t in self.themes}
        if not any(t.id in known for t in brief.chosen()):  # each section would be left out
            named = ", ".join(t.id for t in brief.chosen())
            raise InputError(
                f"{path or self.workspace.brief_path}: none of the themes it chooses ({named}) "
                f"is in {self.workspace.themes_path}; name one of its themes: "
                f"{', '.join(t.id for t in self.themes)}."
            )

    def export_path(self, brief: Brief, fmt: str) -> Path:
        """Where an export goes unless told otherwise: exports/<the title's slug>.<fmt>."""
        return self.workspace.exports_dir / f"{_slug(brief.title) or 'memo'}.{fmt}"

    def verify(self, memo_markdown: str) -> tuple[list[VerifyProblem], int]:
        """Problems with the memo's quotes against the sources, and how many were checked."""
        from briefing.memo import count_quotes, verify_markdown

        return verify_markdown(memo_markdown, self.store.sources()), count_quotes(memo_markdown)

    # -- the corpus as plain files --------------------------------------------------

    def dump(self, target: Path) -> int:
        """Write the corpus to plain files in `target` (see `transfer`); how many sources."""
        from briefing.transfer import dump

        return dump(self, target)

    def load(self, folder: Path, progress: Progress | None = None) -> IngestSummary:
        """Fill this empty store from a dump (see `transfer`)."""
        from briefing.transfer import load

        return load(self, folder, progress)

    # -- source metadata --------------------------------------------------------

    def correct_metadata(self, source_id: str, **fields: str | None) -> Source:
        """Store the user's corrections in the source's .meta.yaml and in the store."""
        source = self.store.source(source_id)
        if source is None:
            raise InputError(f"no source {source_id!r} in this workspace.")
        unknown = set(fields) - set(META_FIELDS)
        if unknown:
            raise InputError(f"cannot correct {', '.join(sorted(unknown))} of a source.")
        path = meta_path(self.workspace.sources_dir / source.file)
        merged = {
            **load_meta(path),
            **{k: (v.strip() or None) if v else None for k, v in fields.items()},
        }
        if "author" in fields:
            merged.pop("authors", None)  # the new line is the list now, read again from it
        before = path.read_bytes() if path.is_file() else None
        with self._locked():
            save_meta(path, merged)
        try:
            corrected = replace(source, **load_meta(path))  # type: ignore[arg-type]
        except InputError:
            # A wrong value must not leave a file that refuses the source at the next rebuild.
            if before is None:
                path.unlink(missing_ok=True)
            else:
                write_atomic(path, before)
            raise
        with self._locked(), self.store.transaction():
            self.store.update_metadata(corrected)
            self.store.keep_meta(source_id, path)
        return corrected


def _added(source: Source) -> Added:
    return Added(source.id, source.file, source.title)


def _slug(text: str) -> str:
    return "-".join(re.findall(r"[a-z0-9]+", text.casefold()))[:60]


def _keep_original(path: Path, kept: Path) -> None:
    """Keep the original at `kept`: a copy of its bytes as they are now, with its
    modification time (the day a page was saved is the day it was accessed, and a
    rebuild reads it from the copy).

    Never a hard link: that shares the file, so an original later changed in place (an
    editor that writes in place, an append, a sync tool) would change the kept copy too,
    and a rebuild would read text the excerpts were not cut from. The copy is made by the
    kernel (copy_file_range or sendfile); a file system that can (btrfs, XFS) then
    shares the blocks copy-on-write, which is as safe as a copy.
    """
    shutil.copy2(path, kept)


def _unshare(path: Path) -> None:
    """Give a kept original that an older briefing hard-linked to the user's file its
    own copy (same bytes and time), so that the user's later edits no longer reach it."""
    with contextlib.suppress(OSError):  # a read-only sources/: it stays linked, as before
        if path.stat().st_nlink > 1:
            own = path.with_name(f".{path.name}.briefing-copy")
            shutil.copy2(path, own)
            os.replace(own, path)


def _move_staged(staged: Path, sources: Path) -> None:
    """Move a staged original (its .meta.yaml first) into sources/."""
    beside = meta_path(staged)
    if beside.exists():
        os.replace(beside, sources / beside.name)
    os.replace(staged, sources / staged.name)


def _settle_incoming(sources: Path, store: CorpusStore | None) -> None:
    """Finish what an ingest left in sources/.briefing-incoming: the original of every
    stored source goes into sources/, every other copy is removed.

    Idempotent, and safe to stop at any point: run before each ingest and build, and
    after a run stops. Without a usable store every copy is kept: no file is lost.
    """
    incoming = sources / INCOMING
    if not incoming.is_dir():
        return
    for staged in sorted(incoming.iterdir()):
        if is_meta_file(staged) or not staged.is_file():
            continue
        stored = store is None or store.source_by_file(staged.name) is not None
        if stored and not (sources / staged.name).exists():
            _move_staged(staged, sources)
        else:
            meta_path(staged).unlink(missing_ok=True)
            staged.unlink()
    for leftover in incoming.iterdir():  # a meta copied without its original
        if leftover.is_file():
            leftover.unlink()
    with contextlib.suppress(OSError):
        incoming.rmdir()


def _corrections(path: Path) -> Fields:
    """The user's corrections beside `path`; a bad .meta.yaml is the file's refusal."""
    beside = meta_path(path)
    try:
        return load_meta(beside)
    except InputError as error:
        raise RefusedFile(str(path), error.message) from error
    except Exception as error:  # any failure reading the user's file refuses this one file
        raise RefusedFile(
            str(path), f"{beside.name} cannot be read ({type(error).__name__}: {error})"
        ) from error


def _saved_on(path: Path) -> str | None:
    """The ISO day a file was last written (UTC): a saved web page's access date."""
    try:
        stamp = path.stat().st_mtime
    except OSError:
        return None
    return datetime.fromtimestamp(stamp, tz=UTC).date().isoformat()


def _is_unicode(*texts: str | list[str] | None) -> bool:
    """Whether every text can be stored (a lone surrogate such as "\\ud800" cannot)."""
    from briefing.ingest.prepared import is_unicode

    return is_unicode(*texts)


def _describe(error: BaseException, workspace: Workspace) -> str:
    """A database or disk error as a few words for the user, without a final stop."""
    full = "the disk is full (free some space, then run it again)"
    if isinstance(error, BriefingError):
        return error.message
    if isinstance(error, OSError):
        if error.errno in (errno.ENOSPC, errno.EDQUOT):
            return full
        where = f" ({error.filename})" if error.filename else ""
        return f"{error.strerror or error}{where}"
    if "full" in str(error):
        return full
    return f"{workspace.db_path}: {error} (if it persists, run `briefing rebuild`)"


class _Names:
    """Free names for originals in sources/: one stem per original (its .meta.yaml is
    `STEM.meta.yaml`), compared without case (some file systems ignore it)."""

    def __init__(self, sources: Path) -> None:
        self.sources = sources
        self.real = sources.resolve()
        self.stems: set[str] = set()
        with contextlib.suppress(FileNotFoundError):
            for entry in os.scandir(sources):
                if not is_meta_file(Path(entry.name)):
                    self.stems.add(Path(entry.name).stem.casefold())

    def choose(self, path: Path, store: CorpusStore) -> str:
        """NAME, else NAME-2, NAME-3...; or an existing copy that is the same file and that
        no stored source claims (so an interrupted run's copy is found, not duplicated)."""
        number = 1
        while True:
            name = path.name if number == 1 else f"{path.stem}-{number}{path.suffix}"
            stem = Path(name).stem.casefold()
            if stem not in self.stems:
                self.stems.add(stem)
                return name
            if _same_file(path, self.sources / name) and store.source_by_file(name) is None:
                return name
            number += 1


def _same_file(original: Path, kept: Path) -> bool:
    """Whether `kept` holds the same bytes as `original`, and the same corrections."""
    try:
        if not kept.is_file() or not filecmp.cmp(original, kept, shallow=False):
            return False
        mine, theirs = meta_path(original), meta_path(kept)
        if mine.is_file() != theirs.is_file():
            return False
        return not mine.is_file() or filecmp.cmp(mine, theirs, shallow=False)
    except OSError:
        return False


def _decisions(tags: ManualTags) -> Iterable[tuple[str, str, str]]:
    for excerpt_id, themes in tags.added.items():
        for theme_id in themes:
            yield excerpt_id, theme_id, "added"
    for excerpt_id, themes in tags.removed.items():
        for theme_id in themes:
            yield excerpt_id, theme_id, "removed"


def _named(summary: IngestSummary, fetched: dict[Path, str]) -> IngestSummary:
    """The summary with each fetched page named by its URL, not by its temporary file."""
    summary.refused = [
        Refusal(fetched.get(Path(r.path), r.path), r.reason) for r in summary.refused
    ]
    summary.duplicates = [(fetched.get(Path(p), p), i) for p, i in summary.duplicates]
    return summary


def _fetch(
    urls: Sequence[str], folder: Path, summary: IngestSummary, progress: Progress | None = None
) -> dict[Path, str]:
    """Each URL's page saved under `folder` with a .meta.yaml of its URL and access date;
    the saved files, each with the URL it was asked for. A failure is that URL's refusal."""
    from briefing.ingest.fetch import FetchError, fetch

    saved: dict[Path, str] = {}
    for done, url in enumerate(urls):
        if progress:
            progress(done, len(urls), url)
        try:
            page = fetch(url, folder)
        except FetchError as error:
            summary.refused.append(Refusal(url, str(error)))
            continue
        save_meta(meta_path(page.path), {"url": page.url, "accessed": page.accessed})
        saved[page.path] = url
    return saved


def _expand(paths: Sequence[Path], summary: IngestSummary) -> list[Path]:
    """Files named, and files found under folders named, in a stable order.

    A file named is read (or refused with its reason); in a folder, files that are
    not articles and special entries are skipped (see `ingest.walk`).
    """
    from briefing.ingest import SUPPORTED_SUFFIXES
    from briefing.ingest.walk import walk

    files: list[Path] = []
    for path in paths:
        path = Path(path)
        try:
            if path.is_dir():
                found = walk(path, SUPPORTED_SUFFIXES, skip={".meta.yaml"})
                files.extend(found.files)
                summary.assets.extend(found.assets)
                summary.skipped.extend(Refusal(p, why) for p, why in found.special)
                summary.refused.extend(Refusal(str(p), _unsupported(p)) for p in found.unsupported)
            elif path.is_file():
                if is_meta_file(path):
                    continue
                files.append(path)
            elif path.is_symlink():
                summary.refused.append(Refusal(str(path), "a broken link or a link loop"))
            elif path.exists():
                summary.refused.append(Refusal(str(path), "not a regular file (a pipe or device?)"))
            else:
                summary.refused.append(Refusal(str(path), "no such file or folder"))
        except OSError as error:
            summary.refused.append(Refusal(str(path), f"cannot read it ({error.strerror})"))
    return files


def _stored_files(sources: Path, summary: IngestSummary) -> list[Path]:
    """Every original kept in sources/, for a build: what `_expand` finds there (assets
    skipped, special entries named), and the hidden files its walk leaves alone.

    A hidden file of a supported type is a source like any other (a `.draft.txt`);
    hidden folders (the staging folder, a version control's) and hidden files of other
    types (`.DS_Store`) are not.
    """
    from briefing.ingest import SUPPORTED_SUFFIXES

    files = _expand([sources], summary)
    for entry in sorted(os.scandir(sources), key=lambda entry: entry.name):
        path = Path(entry.path)
        if (
            entry.name.startswith(".")
            and entry.is_file()
            and not is_meta_file(path)
            and path.suffix.lower() in SUPPORTED_SUFFIXES
        ):
            files.append(path)
    return files


def _unsupported(path: Path) -> str:
    from briefing.ingest import SUPPORTED_SUFFIXES

    kinds = ", ".join(sorted(SUPPORTED_SUFFIXES))
    what = (
        f"unsupported file type {path.suffix}" if path.suffix else "no extension to tell its type"
    )
    return f"{what}; briefing reads {kinds}"


__all__ = ["BriefingError", "IngestStopped", "IngestSummary", "Library", "Refusal"]
