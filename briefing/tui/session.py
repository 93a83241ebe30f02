"""The work in progress the app edits: the brief, whether it is saved, and rows to show.

Kept free of Textual so the widgets stay thin and the editing rules are tested without a
terminal. Every read goes through the `Library`; nothing here knows SQL or templates.
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from briefing.controls import strip_controls
from briefing.errors import BriefingError
from briefing.library import Library
from briefing.memo import Brief, MemoDocument, default_brief
from briefing.memo.brief import MAX_EXCERPTS_LIMIT, BriefTheme
from briefing.memo.selection import propose, select
from briefing.model import Excerpt, ScoredExcerpt, Source
from briefing.tui.brief_writer import BriefWriter

EXCERPT_CAP = 100  # rows listed per theme (the best); search reaches the rest

MARKS = {"pinned": "★", "included": "✓", "excluded": "✗", "proposed": "·"}
UNDO_DEPTH = 200  # steps kept; older ones are forgotten


@dataclass
class Step:
    """One decision, as undo and redo replay it: the brief before and after, or the
    manual tag decisions (excerpt, theme) -> 'added' / 'removed' / None before and after."""

    what: str  # said in the notice: "Undone: excluded an excerpt"
    brief_before: Brief | None = None
    brief_after: Brief | None = None
    tags_before: dict[tuple[str, str], str | None] = field(default_factory=dict)
    tags_after: dict[tuple[str, str], str | None] = field(default_factory=dict)
    learned: bool = False  # the tagger learned from the decision: replaying it learns again


@dataclass(frozen=True)
class ThemeRow:
    """A theme as the theme list shows it."""

    id: str
    label: str
    count: int
    included: bool


@dataclass(frozen=True)
class ExcerptRow:
    """An excerpt as the excerpt list shows it, with its state in the memo."""

    excerpt: Excerpt
    source: Source
    score: float
    state: str  # pinned, included, excluded or proposed
    manual: bool = False


def tilde(path: Path) -> str:
    """A path as a person writes it (~/... under their home folder), safe to draw."""
    try:
        shown = "~/" + str(path.relative_to(Path.home()))
    except ValueError:
        shown = str(path)
    return strip_controls(shown)  # a folder's name is drawn too


def source_name(source: Source) -> str:
    """What names a source in a list: its outlet or author, else its title or web
    domain; its file name only when it says nothing of itself."""
    domain = (urlsplit(source.url).hostname or "") if source.url else ""
    return (
        source.outlet or source.author or source.title or domain.removeprefix("www.") or source.file
    )


class Session:
    """The brief being edited and what it was last saved as; the app holds exactly one."""

    def __init__(self, library: Library, brief: Brief, *, autosave: bool = True) -> None:
        self.library = library
        self.brief = brief
        self.dirty = False  # the newest brief is not known to be on disk
        self.version = 0  # counts the changes: which brief the writer has on disk
        # Every change is written to brief.yaml at once; False after brief.yaml failed to
        # load: then nothing is written until the user saves (ctrl+s) on purpose.
        self.autosave = autosave
        # The writes themselves happen in the writer's thread, never on a key's time.
        self.writer = BriefWriter(library.save_brief)
        self.undo_steps: list[Step] = []
        self.redo_steps: list[Step] = []
        self.selected: dict[str, set[str]] = {}  # theme id -> excerpt ids the memo quotes
        self._counts: dict[str, int] | None = None
        self._sources: int | None = None
        # Each theme's best excerpts as the store gave them (read ahead by a worker: a
        # theme's list then shows without a query); dropped when the corpus changes.
        self._scored: dict[str, list[ScoredExcerpt]] = {}
        self._corpus_version = 0  # counts the forgets: a read-ahead begun before is dropped
        self.current_theme: str | None = None  # the theme under the main screen's cursor
        # Ingest, re-tag and explain write or read through the library's own connection.
        self.lock = threading.Lock()
        # Preview and export read through a second connection, one worker at a time.
        self._reader: Library | None = None
        self._reader_lock = threading.Lock()

    @classmethod
    def open(cls, library: Library) -> tuple[Session, BriefingError | None]:
        """The workspace's brief; a broken brief.yaml gives a fresh one and the error."""
        try:
            return cls(library, library.load_brief()), None
        except BriefingError as error:
            return cls(library, default_brief(library.themes), autosave=False), error

    # -- reading ----------------------------------------------------------------------

    @property
    def name(self) -> str:
        return strip_controls(self.library.workspace.root.name)  # a folder's name is drawn too

    def label(self, theme_id: str) -> str:
        return next((t.label for t in self.library.themes if t.id == theme_id), theme_id)

    def counts(self) -> dict[str, int]:
        if self._counts is None:
            self._counts = self.library.store.theme_excerpt_counts()
        return self._counts

    def source_count(self) -> int:
        if self._sources is None:
            self._sources = self.library.store.count_sources()
        return self._sources

    def forget_counts(self) -> None:
        """After an ingest, a re-tag or a manual tag, the counts must be read again."""
        self._counts = None
        self._sources = None
        self._scored = {}
        self._corpus_version += 1

    def scored(self, theme_id: str, cap: int = EXCERPT_CAP) -> list[ScoredExcerpt]:
        """The theme's best `cap` excerpts, read once (or ahead by `read_ahead`)."""
        if cap != EXCERPT_CAP:
            return self.library.store.excerpts_for_theme(theme_id, limit=cap)
        found = self._scored.get(theme_id)
        if found is None:
            found = self._scored[theme_id] = self.library.store.excerpts_for_theme(
                theme_id, limit=cap
            )
        return found

    def read_ahead(self) -> None:
        """Read every theme's list on the workers' connection (a worker's job), so that
        moving to a theme costs no query on the keys."""
        version = self._corpus_version
        for theme in self.library.themes:
            if theme.id in self._scored:
                continue
            with self.reading() as library:  # taken per theme: a forget never waits long
                found = library.store.excerpts_for_theme(theme.id, limit=EXCERPT_CAP)
            if version != self._corpus_version:
                return  # the corpus changed meanwhile: these rows may be stale
            self._scored.setdefault(theme.id, found)

    @contextmanager
    def reading(self) -> Iterator[Library]:
        """The workers' own connection (opened on first use), so they never share the
        main thread's; one worker at a time holds it."""
        with self._reader_lock:
            if self._reader is None:
                self._reader = self.library.reader()
            yield self._reader

    def forget_reader(self) -> None:
        """Drop the workers' connection (and its cache of sources) after the corpus changed."""
        with self._reader_lock:
            if self._reader is not None:
                self._reader.close()
                self._reader = None

    def theme_order(self) -> list[str]:
        """Every theme of the taxonomy in the list's order: the brief's entries as written
        (in or out of the memo), then the themes it does not name, in taxonomy order.

        Taking a theme out or putting it back never moves it: the order is the analyst's.
        """
        known = [t.id for t in self.library.themes]
        named = [t.id for t in self.brief.themes if t.id in known]
        return named + [t for t in known if t not in named]

    def theme_rows(self) -> list[ThemeRow]:
        labels = {t.id: t.label for t in self.library.themes}
        counts = self.counts()
        return [
            ThemeRow(
                theme_id,
                labels[theme_id],
                counts.get(theme_id, 0),
                bool((entry := self.brief.theme(theme_id)) and entry.include),
            )
            for theme_id in self.theme_order()
        ]

    def excerpt_rows(self, theme_id: str, cap: int = EXCERPT_CAP) -> tuple[list[ExcerptRow], int]:
        """Pinned excerpts in pin order, then the theme's best `cap` excerpts; and the total.

        Only `cap` rows are read from the store (an SQL LIMIT); the total comes from the
        per-theme counts, so a theme of thousands of excerpts costs what 200 cost.
        """
        entry = self.brief.theme(theme_id)
        store = self.library.store
        rows: list[ExcerptRow] = []
        seen: set[str] = set()
        for ref in entry.pinned if entry else []:
            excerpt = store.excerpt(ref.id) or store.find_excerpt_by_text(ref.text)
            source = store.source(excerpt.source_id) if excerpt else None
            if excerpt and source and excerpt.id not in seen:
                seen.add(excerpt.id)
                rows.append(ExcerptRow(excerpt, source, 0.0, "pinned"))
        scored = self.scored(theme_id, cap)
        for item in scored:
            if len(rows) >= cap:
                break
            if item.excerpt.id in seen:
                rows = [
                    ExcerptRow(r.excerpt, r.source, item.score, r.state, item.manual)
                    if r.excerpt.id == item.excerpt.id
                    else r
                    for r in rows
                ]
                continue
            state = self.state_of(theme_id, item.excerpt.id)
            rows.append(ExcerptRow(item.excerpt, item.source, item.score, state, item.manual))
        carried = self.counts().get(theme_id, len(scored))
        total = carried + sum(1 for r in rows if r.state == "pinned" and r.score == 0.0)
        return rows, total

    def state_of(self, theme_id: str, excerpt_id: str) -> str:
        entry = self.brief.theme(theme_id)
        if entry is not None and entry.is_pinned(excerpt_id):
            return "pinned"
        if entry is not None and entry.is_excluded(excerpt_id):
            return "excluded"
        if excerpt_id in self.selected.get(theme_id, set()):
            return "included"
        return "proposed"

    def snapshot(self) -> Brief:
        """A copy for a worker thread to render while the user goes on editing."""
        return copy.deepcopy(self.brief)

    def memo_built(self, document: MemoDocument) -> None:
        """Remember which excerpts the memo quotes: that is what "included" means."""
        self.selected = {s.theme_id: {q.excerpt_id for q in s.quotes} for s in document.sections}

    # -- editing themes -----------------------------------------------------------------

    def _pin_order(self) -> None:
        """Give every theme an entry in the list's order (out of the memo unless it was
        in), so brief.yaml keeps the order the analyst sees."""
        order = self.theme_order()
        entries = {t.id: t for t in self.brief.themes}
        unknown = [t for t in self.brief.themes if t.id not in order]
        self.brief.themes = [
            entries.get(theme_id) or BriefTheme(theme_id, include=False) for theme_id in order
        ] + unknown

    def toggle_theme(self, theme_id: str) -> bool:
        """Put a theme in or out of the memo, where it stands in the list."""
        before = self._before()
        self._pin_order()
        entry = self.brief.ensure_theme(theme_id)
        entry.include = not entry.include
        self._edited(
            before,
            f"{'put' if entry.include else 'took'} “{self.label(theme_id)}” "
            f"{'in' if entry.include else 'out of'} the memo",
        )
        return entry.include

    def move_theme(self, theme_id: str, delta: int) -> None:
        """Move a theme up or down the list; the memo carries the chosen ones in that order."""
        before = self._before()
        self._pin_order()
        ids = [t.id for t in self.brief.themes]
        if theme_id not in ids:
            return
        old = ids.index(theme_id)
        new = max(0, min(len(self.library.themes) - 1, old + delta))
        if new == old:
            return
        self.brief.themes.insert(new, self.brief.themes.pop(old))
        self._edited(before, f"moved “{self.label(theme_id)}”")

    def set_comment(self, theme_id: str, text: str) -> None:
        if text.strip() == self.comment(theme_id):
            return
        before = self._before()
        self.brief.ensure_theme(theme_id).comment = text.strip()
        self._edited(before, f"the comment on “{self.label(theme_id)}”")

    def max_excerpts(self, theme_id: str) -> int:
        entry = self.brief.theme(theme_id)
        return entry.max_excerpts if entry else BriefTheme(theme_id).max_excerpts

    def change_max_excerpts(self, theme_id: str, delta: int) -> int:
        """One more or one fewer excerpt quoted for the theme (1 to the brief's limit)."""
        wanted = max(1, min(MAX_EXCERPTS_LIMIT, self.max_excerpts(theme_id) + delta))
        if wanted != self.max_excerpts(theme_id):
            before = self._before()
            self.brief.ensure_theme(theme_id).max_excerpts = wanted
            self._edited(before, f"excerpts of “{self.label(theme_id)}”: {wanted}")
        return wanted

    def comment(self, theme_id: str) -> str:
        entry = self.brief.theme(theme_id)
        return entry.comment if entry else ""

    # -- editing excerpts ---------------------------------------------------------------

    def include(self, theme_id: str, excerpt: Excerpt, pin: bool) -> None:
        """Un-exclude; pin it too when `would_select` said the memo would leave it out."""
        before = self._before()
        entry = self.brief.ensure_theme(theme_id)
        entry.include_excerpt(excerpt.id)
        if pin and not entry.is_pinned(excerpt.id):
            entry.pin(excerpt)
        self._edited(before, "included an excerpt")

    def entry_for_include(self, theme_id: str, excerpt_id: str) -> BriefTheme:
        """A copy of the theme's entry with the excerpt un-excluded, for `would_select`."""
        entry = copy.deepcopy(self.brief.ensure_theme(theme_id))
        entry.include_excerpt(excerpt_id)
        return entry

    def exclude(self, theme_id: str, excerpt: Excerpt) -> None:
        before = self._before()
        self.brief.ensure_theme(theme_id).exclude(excerpt)
        self.selected.get(theme_id, set()).discard(excerpt.id)
        self._edited(before, "excluded an excerpt")

    def toggle_pin(self, theme_id: str, excerpt: Excerpt) -> bool:
        """Pin, or unpin a pinned excerpt; returns whether it is pinned now."""
        before = self._before()
        entry = self.brief.ensure_theme(theme_id)
        if entry.is_pinned(excerpt.id):
            entry.unpin(excerpt.id)
            pinned = False
        else:
            entry.pin(excerpt)
            pinned = True
        self._edited(before, "pinned an excerpt" if pinned else "unpinned an excerpt")
        return pinned

    def pin(self, theme_id: str, excerpt: Excerpt) -> None:
        """Pin into a theme (from search): it stays pinned if it already was."""
        before = self._before()
        self.brief.ensure_theme(theme_id).pin(excerpt)
        self._edited(before, f"pinned an excerpt into “{self.label(theme_id)}”")

    def move_pinned(self, theme_id: str, excerpt_id: str, delta: int) -> bool:
        entry = self.brief.theme(theme_id)
        if entry is None or not entry.is_pinned(excerpt_id):
            return False
        before = self._before()
        entry.move_pinned(excerpt_id, delta)
        self._edited(before, "moved a pinned excerpt")
        return True

    @staticmethod
    def would_select(theme_id: str, excerpt_id: str, entry: BriefTheme, library: Library) -> bool:
        """Whether the memo quotes the excerpt as things stand (a whole-theme read: a worker's)."""
        if entry.is_pinned(excerpt_id):
            return True
        candidates = propose(theme_id, entry, library.store, limit=entry.max_excerpts * 8)
        chosen = select(candidates, entry.max_excerpts)
        return any(excerpt_id in c.excerpt_ids for c in chosen)

    # -- details ------------------------------------------------------------------------

    def set_details(self, fields: dict[str, str]) -> None:
        """Change title, to, sender, date, marking and summary; a bad date raises."""
        before = self._before()
        summary = fields.pop("summary", None)
        self.brief.set_details(**fields)
        if summary is not None:
            self.brief.summary = summary.strip()
        if self.brief != before:
            self._edited(before, "the memo details")

    # -- manual tags --------------------------------------------------------------------

    def themes_of(self, excerpt_id: str) -> set[str]:
        return set(self.library.store.themes_of([excerpt_id]).get(excerpt_id, {}))

    def retag_excerpt(self, excerpt_id: str, wanted: set[str]) -> None:
        """Store the user's themes for an excerpt as manual decisions in tags.yaml."""
        current = self.themes_of(excerpt_id)
        decisions = self.library.manual_tags()
        step = Step("changed an excerpt's themes")
        for theme_id, decision in [(t, "added") for t in sorted(wanted - current)] + [
            (t, "removed") for t in sorted(current - wanted)
        ]:
            step.tags_before[(excerpt_id, theme_id)] = decisions.decision(excerpt_id, theme_id)
            step.tags_after[(excerpt_id, theme_id)] = decision
        if not step.tags_after:
            return
        self._write_tags(step.tags_after)
        self._remember(step)

    def answer(self, excerpt_id: str, theme_id: str, decision: str) -> None:
        """A review's answer: a decision in tags.yaml the tagger learns from at once, and
        that ctrl+z takes back like any other."""
        before = self.library.manual_tags().decision(excerpt_id, theme_id)
        step = Step("answered a suggestion", learned=True)
        step.tags_before[(excerpt_id, theme_id)] = before
        step.tags_after[(excerpt_id, theme_id)] = decision
        self._write_tags(step.tags_after, learn=True)
        self._remember(step)

    def _write_tags(
        self, decisions: dict[tuple[str, str], str | None], learn: bool = False
    ) -> None:
        for (excerpt_id, theme_id), decision in decisions.items():
            self.library.set_manual_tag(excerpt_id, theme_id, decision)
        if learn:
            self.library.calibrate()
        self.forget_counts()

    # -- undo and redo -----------------------------------------------------------------

    def undo(self) -> Step | None:
        """Take back the last decision (brief or tags.yaml); None when there is none."""
        if not self.undo_steps:
            return None
        step = self.undo_steps.pop()
        self._replay(step.brief_before, step.tags_before, step.learned)
        self.redo_steps.append(step)
        return step

    def redo(self) -> Step | None:
        if not self.redo_steps:
            return None
        step = self.redo_steps.pop()
        self._replay(step.brief_after, step.tags_after, step.learned)
        self.undo_steps.append(step)
        return step

    def _replay(
        self, brief: Brief | None, tags: dict[tuple[str, str], str | None], learn: bool = False
    ) -> None:
        if brief is not None:
            self.brief = copy.deepcopy(brief)
            self._changed()
        if tags:
            self._write_tags(tags, learn)

    def _before(self) -> Brief:
        return copy.deepcopy(self.brief)

    def _remember(self, step: Step) -> None:
        self.undo_steps.append(step)
        del self.undo_steps[:-UNDO_DEPTH]
        self.redo_steps.clear()

    # -- saving -------------------------------------------------------------------------

    def save_soon(self) -> None:
        """Hand the brief to the writer: on disk a few ms later, the caller never waits."""
        self.writer.submit(self.version, copy.deepcopy(self.brief))

    def saved(self, version: int) -> None:
        """The writer wrote `version`: clean, unless the brief changed since."""
        if version == self.version and self.writer.written == version:
            self.dirty = False

    def flush(self, timeout: float | None = None) -> None:
        """Wait for the writes under way (quit, ctrl+s); `dirty` then says what is on disk."""
        self.writer.flush(timeout)
        self.saved(self.version)

    @property
    def save_failure(self) -> BriefingError | None:
        """Why the newest brief is not on disk, when the writer tried and failed."""
        return self.writer.error if self.dirty else None

    @property
    def held_back(self) -> bool:
        """Changes that are not on disk nor on their way: brief.yaml could not be read at
        start (nothing is written over it until ctrl+s), or the last write failed."""
        return self.dirty and (not self.autosave or self.save_failure is not None)

    def save(self) -> Path:
        """Write the brief now (ctrl+s), through the writer so no two writes ever meet."""
        self.save_soon()
        self.flush()
        if self.writer.error is not None:  # the last write was this one: the keys wait
            raise self.writer.error
        self.dirty = False
        self.autosave = True
        return self.library.workspace.brief_path

    def _changed(self) -> None:
        self.dirty = True
        self.version += 1

    def _edited(self, before: Brief, what: str) -> None:
        self._changed()
        self._remember(Step(what, brief_before=before, brief_after=copy.deepcopy(self.brief)))
