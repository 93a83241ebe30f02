"""The source screen: the whole cleaned article, its excerpts coloured by theme."""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Static
from textual.worker import get_current_worker

from briefing.errors import BriefingError
from briefing.model import Source
from briefing.tui.dialogs.metadata import MetadataDialog
from briefing.tui.dialogs.simple import ErrorDialog
from briefing.tui.dialogs.tags import TagsDialog
from briefing.tui.messages import LibraryChanged
from briefing.tui.session import Session
from briefing.tui.widgets.article import HUES, ExcerptBlock, explanation_text, legend_text


class SourceScreen(Screen[None]):
    """Read an excerpt in its context, see why it was tagged, and fix the source's details."""

    BINDINGS = [
        Binding("escape,backspace", "app.pop_screen", "Back"),
        Binding("e", "edit_metadata", "Edit details"),
        Binding("t", "tags", "Themes…"),
    ]

    def __init__(self, session: Session, excerpt_id: str, theme_id: str | None = None) -> None:
        super().__init__()
        self.session = session
        store = session.library.store
        excerpt = store.excerpt(excerpt_id)
        if excerpt is None:
            raise BriefingError(f"no excerpt {excerpt_id!r}; run `briefing rebuild`.")
        source = store.source(excerpt.source_id)
        if source is None:
            raise BriefingError(f"no source for excerpt {excerpt_id!r}; run `briefing rebuild`.")
        self.source: Source = source
        self.excerpt_id = excerpt_id
        self.theme_id = theme_id
        themes = session.library.themes
        self._hue = {t.id: i % HUES for i, t in enumerate(themes)}
        self._labels = {t.id: t.label for t in themes}

    def compose(self) -> ComposeResult:
        yield Header(icon="§")
        with Horizontal(id="source-body"):
            with Vertical(id="article-pane"):
                # Fixed above the article: what the reader is reading stays in view.
                with Vertical(id="source-head"):
                    yield Static(self._meta(), id="source-meta")
                    yield Static(
                        legend_text([(label, self._hue[t]) for t, label in self._labels.items()]),
                        id="legend",
                    )
                with VerticalScroll(id="article"):
                    yield from self._blocks()
            with Vertical(id="explain-pane"):
                yield Static("Why these themes", classes="pane-title")
                yield Static("", id="explain")
        yield Footer()

    def on_mount(self) -> None:
        block = self.query_one(f"#x-{self.excerpt_id}", ExcerptBlock)
        block.focus(scroll_visible=False)
        self.call_after_refresh(
            self.query_one("#article").scroll_to_widget, block, top=True, animate=False
        )

    # -- building ---------------------------------------------------------------------

    def _meta(self) -> Text:
        """Title; author, outlet and date; the file. Plain text: it came from the source."""
        s = self.source
        text = Text(overflow="ellipsis")
        text.append(s.title or "(no title)", style="bold")
        text.append("\n")
        fields = (
            (s.author, "author unknown", ""),
            (s.outlet, "outlet unknown", "italic"),
            (s.date, "no date", ""),
        )
        for i, (value, missing, style) in enumerate(fields):
            if i:
                text.append(" · ", style="dim")
            text.append(value or missing, style=style if value else "dim")
        text.append("\n")
        text.append(s.file, style="dim")
        return text

    def _blocks(self) -> ComposeResult:
        store = self.session.library.store
        excerpts = store.excerpts(self.source.id)
        themes = store.themes_of([e.id for e in excerpts])
        cursor = 0
        text = self.source.text
        for excerpt in excerpts:
            gap = text[cursor : excerpt.start].strip()
            if gap:
                yield Static(gap, classes="gap", markup=False)
            yield ExcerptBlock(excerpt, *self._labelled(themes.get(excerpt.id, {})))
            cursor = excerpt.end
        tail = text[cursor:].strip()
        if tail:
            yield Static(tail, classes="gap", markup=False)

    def _labelled(self, carried: dict[str, float]) -> tuple[list[str], int | None]:
        """The labels of the themes an excerpt carries (the screen's theme first, then by
        score), and the hue of the first."""
        ids = [t for t, _ in sorted(carried.items(), key=lambda kv: -kv[1]) if t in self._labels]
        if self.theme_id in ids:
            ids.remove(self.theme_id)
            ids.insert(0, self.theme_id)
        return [self._labels[t] for t in ids], (self._hue[ids[0]] if ids else None)

    def relabel(self, excerpt_id: str) -> None:
        """After a manual decision: the block's label says what the excerpt carries now."""
        carried = self.session.library.store.themes_of([excerpt_id]).get(excerpt_id, {})
        self.query_one(f"#x-{excerpt_id}", ExcerptBlock).relabel(*self._labelled(carried))

    # -- explaining -------------------------------------------------------------------

    @on(ExcerptBlock.Focused)
    def _focused(self, event: ExcerptBlock.Focused) -> None:
        self.excerpt_id = event.excerpt_id
        self.query_one("#explain", Static).update(Text("Scoring…", style="dim"))
        self.explain(event.excerpt_id)

    @work(thread=True, exclusive=True, group="explain")
    def explain(self, excerpt_id: str) -> None:
        try:
            with self.session.lock:
                _, scores = self.session.library.explain(excerpt_id)
            result = explanation_text(scores, self._labels)
        except BriefingError as error:
            result = Text(error.message)
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self.query_one("#explain", Static).update, result)

    # -- actions ----------------------------------------------------------------------

    def action_edit_metadata(self) -> None:
        def done(fields: dict[str, str] | None) -> None:
            if fields is None:
                return
            try:
                self.source = self.session.library.correct_metadata(self.source.id, **fields)
            except BriefingError as error:
                self.app.push_screen(ErrorDialog("The details were not saved", error.message))
                return
            self.query_one("#source-meta", Static).update(self._meta())
            self.post_message(LibraryChanged())
            self.notify("Details saved beside the source (.meta.yaml).", timeout=3)

        self.app.push_screen(MetadataDialog(self.source), done)

    def action_tags(self) -> None:
        excerpt_id = self.excerpt_id
        themes = list(self._labels.items())
        excerpt = self.session.library.store.excerpt(excerpt_id)

        def done(wanted: set[str] | None) -> None:
            if wanted is None:
                return
            self.session.retag_excerpt(excerpt_id, wanted)
            self.post_message(LibraryChanged())
            self.relabel(excerpt_id)
            self.explain(excerpt_id)
            self.notify("Themes saved in tags.yaml (ctrl+z undoes).", timeout=2)

        self.app.push_screen(
            TagsDialog(excerpt.text if excerpt else "", themes, self.session.themes_of(excerpt_id)),
            done,
        )
