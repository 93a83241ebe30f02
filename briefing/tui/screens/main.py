"""The main screen: themes | excerpts of the theme under the cursor | the memo preview."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Footer, Header, Static, Tab, Tabs
from textual.worker import get_current_worker

from briefing import locations
from briefing.controls import strip_controls
from briefing.errors import BriefingError
from briefing.memo import MemoDocument
from briefing.memo.brief import Brief, BriefTheme
from briefing.model import Excerpt
from briefing.tui.dialogs.details import CommentDialog
from briefing.tui.dialogs.tags import TagsDialog
from briefing.tui.editor import edit_in_editor
from briefing.tui.messages import BriefEdited, LibraryChanged
from briefing.tui.session import Session, Step, tilde
from briefing.tui.widgets.excerpt_table import ExcerptTable
from briefing.tui.widgets.memo_view import Drawn, Palette, draw_failure, draw_memo
from briefing.tui.widgets.pane import Pane
from briefing.tui.widgets.preview import MemoPreview, PartLines, lay_out, parts_of
from briefing.tui.widgets.theme_list import ThemeList

NARROW = 120  # below this many columns the preview is a tab


class MainScreen(Screen[None]):
    """Turns what the lists report into edits of the session, and keeps the preview current."""

    BINDINGS = [
        Binding("e", "export", "Export"),
        Binding("c", "comment", "Comment", show=False),  # the theme list shows it
        Binding("ctrl+e", "edit_comment", "Comment in $EDITOR", show=False),
        Binding("plus,equals_sign", "excerpts(1)", "More excerpts", show=False),
        Binding("minus", "excerpts(-1)", "Fewer excerpts", show=False),
        Binding("m", "app.details", "Details", show=False),  # the theme list shows it
        Binding("a", "app.add_sources", "Add sources", show=False),
        Binding("v", "preview", "Preview", show=False),  # a tab, or a pane in view; in the help
        Binding("r", "review", "Review", show=False),  # listed in the help
    ]

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        self._preview_busy = False  # a worker is drawing the memo
        self._preview_wanted = False  # the brief changed since that drawing began
        self._theme: str | None = None
        self._listed = (0, 0)  # excerpts listed, and carried, for the theme under the cursor
        self._line_shown = ""  # the workspace line as last drawn
        self._sample_root = locations.user_sample_dir().resolve()

    def compose(self) -> ComposeResult:
        yield Header(icon="§")
        yield Tabs(
            Tab("Themes & excerpts", id="tab-lists"),
            Tab("Memo preview", id="tab-preview"),
            id="view-tabs",
        )
        with Horizontal(id="workbench"):
            yield Pane("Themes", ThemeList(id="themes"), note=True, id="theme-pane")
            yield Pane("Excerpts", ExcerptTable(id="excerpts"), note=True, id="excerpt-pane")
            yield Pane("Memo preview", MemoPreview(id="preview"), id="preview-pane")
        yield Static("", id="workspace-line", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#theme-pane", Pane).set_note("shift+↑↓: reorder")
        self.refresh_themes()
        self.show_save_state()
        self.query_one(ThemeList).focus()
        self.schedule_preview()  # after the first paint: the lists come first
        self.read_ahead()

    @work(thread=True, group="read-ahead")
    def read_ahead(self) -> None:
        """Every theme's excerpt list, read while the user looks at the first one."""
        self.session.read_ahead()

    def on_resize(self) -> None:
        narrow = self.size.width < NARROW
        self.set_class(narrow, "-narrow")
        self.query_one(Footer).compact = narrow  # every key of the pane fits in 80 columns

    def recolour(self) -> None:
        """The colour theme changed: redraw what borrows its colours."""
        self._restate()
        self.schedule_preview(now=True)

    def on_screen_resume(self) -> None:
        """Back from the source or search screen: what it changed shows here."""
        self.refresh_themes()
        self.schedule_preview()

    # -- the lists --------------------------------------------------------------------

    def refresh_themes(self) -> None:
        self.query_one(ThemeList).show(self.session.theme_rows(), keep=self._theme)
        if self._theme:
            self.show_excerpts(self._theme)
        self.show_save_state()

    def show_save_state(self) -> None:
        """The workspace line: where the files are, how many sources, how saving works."""
        session = self.session
        root = session.library.workspace.root
        where = tilde(root)
        count = session.source_count()
        parts = [f"Files in {where}", f"{count} source{'' if count == 1 else 's'}"]
        if not session.autosave:
            parts.append("● not saved: brief.yaml could not be read; ctrl+s replaces it")
        elif session.save_failure is not None:
            parts.append("● not saved: writing brief.yaml failed; ctrl+s tries again")
        else:  # a write under way is as good as done: the writer ends it, even on quit
            parts.append("✓ every change saved to brief.yaml · ctrl+z undoes")
        if root == self._sample_root:
            parts.append("this is the sample: `briefing init FOLDER` starts your own")
        text = " · ".join(parts)
        if text != self._line_shown:  # an update lays the screen out again: only on a change
            self._line_shown = text
            line = self.query_one("#workspace-line", Static)
            line.update(text)
            line.tooltip = strip_controls(str(root))

    def show_excerpts(self, theme_id: str, keep: str | None = None) -> None:
        """List the theme's excerpts; a theme just come to opens at its best excerpt."""
        fresh = theme_id != self._theme
        moved = fresh and self._theme is not None  # the first theme leaves the memo's top in view
        self._theme = self.session.current_theme = theme_id
        rows, total = self.session.excerpt_rows(theme_id)
        table = self.query_one(ExcerptTable)
        table.show(rows, keep=keep, top=fresh)
        self._listed = (len(rows), total)
        pane = self.query_one("#excerpt-pane", Pane)
        label = self.session.label(theme_id)
        pane.set_title(f"Excerpts · {label}")
        self.query_one(ThemeList).tooltip = label  # the full name, however narrow the pane
        self._show_note(theme_id)
        if moved:
            self.query_one(MemoPreview).follow(theme_id)

    def _show_note(self, theme_id: str) -> None:
        """The excerpt pane's note: how many the memo quotes, how many listed, the comment."""
        listed, total = self._listed
        count = self.session.max_excerpts(theme_id)
        notes = [f"memo quotes {count} (+/-)"]
        if total > listed:
            notes.append(f"the best {listed} of {total}; search (/) finds the rest")
        elif not listed:
            notes.append("no excerpt carries this theme")
        comment = self.session.comment(theme_id)
        notes.append(f"Comment: {comment.splitlines()[0]}" if comment else "c: write a comment")
        self.query_one("#excerpt-pane", Pane).set_note(" · ".join(notes))

    def replayed(self, step: Step) -> None:
        """After undo or redo: the lists as the brief is now. The excerpts are listed
        again only when their rows change (a pin moves a row, a tag adds or drops one);
        an exclusion or a count only changes marks and the note."""
        theme = self._theme

        def pins(brief: Brief | None) -> list[str]:
            entry = brief.theme(theme) if brief is not None and theme else None
            return [ref.id for ref in entry.pinned] if entry else []

        if theme is None or step.tags_before or step.tags_after:
            self.refresh_themes()
            return
        self.query_one(ThemeList).show(self.session.theme_rows(), keep=theme)
        if pins(step.brief_before) != pins(step.brief_after):
            self.show_excerpts(theme, keep=self.query_one(ExcerptTable).current)
        else:
            self._restate()
            self._show_note(theme)

    def _restate(self, states: dict[str, str] | None = None) -> None:
        """Update the state marks in place (all of them, or just `states`): no rebuild."""
        if self._theme:
            theme = self._theme
            table = self.query_one(ExcerptTable)
            table.restate(
                states
                or {
                    key.value: self.session.state_of(theme, key.value)
                    for key in table.rows
                    if key.value
                }
            )

    @on(ThemeList.Highlighted)
    def _theme_highlighted(self, event: ThemeList.Highlighted) -> None:
        if event.theme_id != self._theme:
            self.show_excerpts(event.theme_id)

    @on(ThemeList.Toggled)
    def _theme_toggled(self, event: ThemeList.Toggled) -> None:
        self.session.toggle_theme(event.theme_id)
        self._edited(themes=True)

    @on(ThemeList.Moved)
    def _theme_moved(self, event: ThemeList.Moved) -> None:
        self.session.move_theme(event.theme_id, event.delta)
        self._edited(themes=True)

    @on(ExcerptTable.Included)
    def _included(self, event: ExcerptTable.Included) -> None:
        theme = self._theme
        if not theme or not (excerpt := self.session.library.store.excerpt(event.excerpt_id)):
            return
        state = self.session.state_of(theme, excerpt.id)
        if state in ("pinned", "included"):
            return
        # Whether the memo would quote it once un-excluded reads the whole theme: a worker's job.
        self.decide_include(theme, excerpt, self.session.entry_for_include(theme, excerpt.id))

    @work(thread=True, group="include")
    def decide_include(self, theme: str, excerpt: Excerpt, entry: BriefTheme) -> None:
        with self.session.reading() as library:
            selected = self.session.would_select(theme, excerpt.id, entry, library)
        self.app.call_from_thread(self._include, theme, excerpt, not selected)

    def _include(self, theme: str, excerpt: Excerpt, pin: bool) -> None:
        self.session.include(theme, excerpt, pin=pin)
        if pin:
            self._edited(excerpt=excerpt.id)  # a pinned row moves to the top
        else:
            self._restate({excerpt.id: "included"})
            self._edited()

    @on(ExcerptTable.Excluded)
    def _excluded(self, event: ExcerptTable.Excluded) -> None:
        theme = self._theme
        if not theme or not (excerpt := self.session.library.store.excerpt(event.excerpt_id)):
            return
        was_pinned = self.session.state_of(theme, excerpt.id) == "pinned"
        self.session.exclude(theme, excerpt)
        if was_pinned:
            self._edited(excerpt=excerpt.id)  # it leaves the pinned rows at the top
        else:
            self._restate({excerpt.id: "excluded"})
            self._edited()

    @on(ExcerptTable.Pinned)
    def _pinned(self, event: ExcerptTable.Pinned) -> None:
        if self._theme and (excerpt := self.session.library.store.excerpt(event.excerpt_id)):
            self.session.toggle_pin(self._theme, excerpt)
            self._edited(excerpt=event.excerpt_id)

    @on(ExcerptTable.Moved)
    def _moved(self, event: ExcerptTable.Moved) -> None:
        if self._theme and self.session.move_pinned(self._theme, event.excerpt_id, event.delta):
            self._edited(excerpt=event.excerpt_id)
        else:
            self.notify(
                "Only pinned excerpts have an order of their own: pin it first (p).", timeout=3
            )

    @on(ExcerptTable.Opened)
    def _opened(self, event: ExcerptTable.Opened) -> None:
        from briefing.tui.screens.source import SourceScreen

        self.app.push_screen(SourceScreen(self.session, event.excerpt_id, self._theme))

    @on(ExcerptTable.TagsRequested)
    def _tags_requested(self, event: ExcerptTable.TagsRequested) -> None:
        excerpt = self.session.library.store.excerpt(event.excerpt_id)
        if excerpt is None:
            return
        themes = [(t.id, t.label) for t in self.session.library.themes]

        def done(wanted: set[str] | None) -> None:
            if wanted is not None:
                self.session.retag_excerpt(excerpt.id, wanted)
                self.post_message(LibraryChanged())
                self.notify("Themes saved in tags.yaml (ctrl+z undoes).", timeout=2)

        self.app.push_screen(
            TagsDialog(excerpt.text, themes, self.session.themes_of(excerpt.id)), done
        )

    def _edited(self, themes: bool = False, excerpt: str | None = None) -> None:
        if themes:
            self.query_one(ThemeList).show(self.session.theme_rows(), keep=self._theme)
        if self._theme and excerpt:
            self.show_excerpts(self._theme, keep=excerpt)
        self.post_message(BriefEdited())
        self.schedule_preview()

    # -- actions ----------------------------------------------------------------------

    def action_export(self) -> None:
        self.app.action_export()  # type: ignore[attr-defined]

    def action_excerpts(self, delta: int) -> None:
        """How many excerpts the memo quotes for the theme under the cursor."""
        if self._theme is not None:
            count = self.session.change_max_excerpts(self._theme, delta)
            self._edited(excerpt=self.query_one(ExcerptTable).current)
            self.notify(f"“{self.session.label(self._theme)}”: {count} excerpts.", timeout=2)

    def action_comment(self) -> None:
        theme = self._theme
        if theme is None:
            return
        self.app.push_screen(
            CommentDialog(self.session.label(theme), self.session.comment(theme)),
            lambda text: self._comment_done(theme, text),
        )

    def action_review(self) -> None:
        """Review the excerpts suggested for the theme under the cursor."""
        from briefing.tui.screens.review import ReviewScreen

        if self.session.current_theme is not None:
            self.app.push_screen(ReviewScreen(self.session, self.session.current_theme))

    def action_edit_comment(self) -> None:
        """The comment in the user's $EDITOR, the app suspended meanwhile."""
        theme = self._theme
        if theme is not None:
            text = edit_in_editor(self.app, self.session.comment(theme), "comment")
            self._comment_done(theme, text)

    def _comment_done(self, theme: str, text: str | None) -> None:
        if text is not None:
            self.session.set_comment(theme, text)
            self.show_excerpts(theme, keep=self.query_one(ExcerptTable).current)
            self.post_message(BriefEdited())
            self.schedule_preview()

    def action_preview(self) -> None:
        if self.has_class("-narrow"):
            tabs = self.query_one(Tabs)
            tabs.active = "tab-lists" if tabs.active == "tab-preview" else "tab-preview"
        else:
            self.query_one(MemoPreview).focus()

    @on(Tabs.TabActivated, "#view-tabs")
    def _tab(self, event: Tabs.TabActivated) -> None:
        showing = event.tab.id == "tab-preview"
        self.set_class(showing, "-show-preview")
        if self.has_class("-narrow"):
            (self.query_one(MemoPreview) if showing else self.query_one(ThemeList)).focus()

    # -- the preview ------------------------------------------------------------------

    def schedule_preview(self, now: bool = False) -> None:
        """Draw the memo at once when no drawing is under way; else once it is done, from
        the brief as it is then: a key shows at once, a burst of keys costs two builds."""
        self._preview_wanted = True
        if not self._preview_busy:
            self._start_preview()

    def _start_preview(self) -> None:
        self._preview_wanted = False
        self._preview_busy = True
        preview = self.query_one(MemoPreview)
        self.render_preview(
            self.session.snapshot(), self._palette(), preview.line_width, preview.laid_out()
        )

    def _palette(self) -> Palette:
        colours = self.app.theme_variables
        return Palette(
            accent=colours.get("accent", "yellow"), warning=colours.get("warning", "yellow")
        )

    @work(thread=True, exclusive=True, group="preview")
    def render_preview(
        self, brief: Brief, palette: Palette, width: int, known: dict[str, PartLines]
    ) -> None:
        """Build the memo document on the workers' connection, draw it and lay it out in
        lines (only the parts that changed), all off the keys."""
        document: MemoDocument | None = None
        try:
            with self.session.reading() as library:
                document = library.build_memo(brief)
            drawn = draw_memo(document, palette)
        except BriefingError as error:
            drawn = draw_failure(error.message)
        laid_out = lay_out(parts_of(drawn), width, known)
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._preview_ready, document, drawn, palette, laid_out)

    def _preview_ready(
        self,
        document: MemoDocument | None,
        drawn: Drawn,
        palette: Palette,
        laid_out: dict[str, PartLines],
    ) -> None:
        self._preview_busy = False
        if self._preview_wanted:  # the brief changed while this one was drawn
            self._start_preview()
        if document is not None:
            self.session.memo_built(document)
            self._restate()
            warnings = sum(1 for p in document.problems if p.severity == "warning")
            title = "Memo preview" + (
                f" · {warnings} warning{'s' if warnings > 1 else ''}" if warnings else ""
            )
            self.query_one("#preview-pane", Pane).set_title(title)
        self.query_one(MemoPreview).show(drawn, palette, laid_out)
