"""The briefing app: holds the session, the app-wide keys, and the long runs."""

from __future__ import annotations

from pathlib import Path

from textual import on, work
from textual.app import App
from textual.binding import Binding
from textual.content import Content
from textual.timer import Timer

from briefing.errors import BriefingError
from briefing.library import IngestSummary, Library
from briefing.memo import Brief
from briefing.tui.commands import BriefingCommands, Command
from briefing.tui.dialogs.details import DetailsDialog
from briefing.tui.dialogs.ingest import AddSourcesDialog, IngestSummaryDialog, ProgressDialog
from briefing.tui.dialogs.simple import ErrorDialog, QuitDialog
from briefing.tui.messages import BriefEdited, LibraryChanged
from briefing.tui.screens.help import HelpScreen
from briefing.tui.screens.main import MainScreen
from briefing.tui.screens.search import SearchScreen
from briefing.tui.session import Session
from briefing.tui.themes import DARK, LIGHT

AUTOSAVE = 5.0  # seconds after the last change


class BriefingApp(App[None]):
    """Given its Library by the caller (the CLI, or a test on a temporary workspace)."""

    CSS_PATH = "app.tcss"
    COMMANDS = App.COMMANDS | {BriefingCommands}
    ENABLE_COMMAND_PALETTE = True
    # The footer shows a few keys per pane; the help screen and the palette list them all.
    BINDINGS = [
        Binding("ctrl+s", "save", "Save", show=False),
        Binding("slash", "search", "Search", key_display="/"),
        Binding("m", "details", "Details", show=False),
        Binding("a", "add_sources", "Add", show=False),
        Binding("ctrl+t", "toggle_dark", "Light/dark", show=False),
        Binding("f1,question_mark", "help", "Help", key_display="?"),
        Binding("q", "quit", "Quit", show=False),
        Binding("ctrl+q", "quit", "Quit", show=False, priority=True),
    ]

    def __init__(self, library: Library) -> None:
        super().__init__()
        self.library = library
        self.session, self._load_error = Session.open(library)
        self._autosave: Timer | None = None
        self.register_theme(DARK)
        self.register_theme(LIGHT)
        self.theme = DARK.name

    def format_title(self, title: str, sub_title: str) -> Content:
        """`briefing · sample › Memo title  ● unsaved`: where, what, and whether it is saved."""
        name, mark, state = sub_title.partition("● ")
        return Content.assemble(
            (title, "dim"),
            (" › ", "dim"),
            (name.strip(), "bold"),
            (f"  ● {state.strip()}" if mark else "", "$accent"),
        )

    def on_mount(self) -> None:
        self.title = f"briefing · {self.session.name}"
        self._show_state()
        self.push_screen(MainScreen(self.session))
        if self._load_error is not None:
            self.show_error(
                "brief.yaml could not be read",
                self._load_error,
                "A fresh brief over every theme is open instead. Fix the file and restart to "
                "keep it, or save (ctrl+s) to replace it. Nothing is saved until you do.",
            )

    # -- state ----------------------------------------------------------------------

    def _show_state(self) -> None:
        mark = "  ● unsaved" if self.session.dirty else ""
        self.sub_title = f"{self.session.brief.title}{mark}"

    @on(BriefEdited)
    def _brief_edited(self) -> None:
        self._show_state()
        if self._autosave is not None:
            self._autosave.stop()
        self._autosave = self.set_timer(AUTOSAVE, self._autosave_now)

    @on(LibraryChanged)
    def _library_changed(self) -> None:
        self.session.forget_counts()
        self.session.forget_reader()
        if isinstance(self.screen, MainScreen):
            self.screen.refresh_themes()
            self.screen.schedule_preview()

    def _autosave_now(self) -> None:
        if self.session.dirty and self.session.autosave:
            self.save(quiet=True)

    def save(self, quiet: bool = False) -> bool:
        try:
            path = self.session.save()
        except BriefingError as error:
            self.show_error("The brief was not saved", error)
            return False
        self._show_state()
        if not quiet:
            self.notify(f"Saved {path.name}.", timeout=2)
        return True

    def show_error(self, title: str, error: BriefingError | str, hint: str = "") -> None:
        message = error.message if isinstance(error, BriefingError) else error
        self.push_screen(ErrorDialog(title, message, hint))

    # -- actions --------------------------------------------------------------------

    def action_save(self) -> None:
        self.save()

    async def action_quit(self) -> None:
        if not self.session.dirty:
            self.exit()
            return

        def answer(choice: str | None) -> None:
            if choice == "save" and self.save(quiet=True) or choice == "discard":
                self.exit()

        self.push_screen(QuitDialog(), answer)

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_toggle_dark(self) -> None:
        self.theme = LIGHT.name if self.theme == DARK.name else DARK.name
        for screen in self.screen_stack:
            if isinstance(screen, MainScreen):  # its marks and memo borrow the theme's colours
                screen.recolour()

    def action_search(self) -> None:
        if not isinstance(self.screen, SearchScreen):
            self.push_screen(SearchScreen(self.session))

    def action_details(self) -> None:
        def done(fields: dict[str, str] | None) -> None:
            if fields is None:
                return
            try:
                self.session.set_details(fields)
            except BriefingError as error:
                self.show_error("The details were not changed", error)
                return
            self.post_message(BriefEdited())
            if isinstance(self.screen, MainScreen):
                self.screen.schedule_preview()

        self.push_screen(DetailsDialog(self.session.brief), done)

    def action_export(self, fmt: str) -> None:
        self.notify(f"Exporting {fmt.upper()}…", timeout=2)
        self.export(fmt, self.session.snapshot())

    @work(thread=True, group="export")
    def export(self, fmt: str, brief: Brief) -> None:
        """Build and write the memo on the workers' connection, from a copy of the brief."""
        try:
            with self.session.reading() as library:
                path, problems = library.export(brief, fmt)
        except BriefingError as error:
            self.call_from_thread(self.show_error, f"The {fmt.upper()} export failed", error)
            return
        shown = (
            path.relative_to(self.library.workspace.root)
            if path.is_relative_to(self.library.workspace.root)
            else path
        )
        self.call_from_thread(self.notify, f"Exported {shown}", title="Memo exported", timeout=6)
        for problem in (p for p in problems if p.severity == "warning"):
            self.call_from_thread(self.notify, problem.message, severity="warning", timeout=10)

    def action_add_sources(self) -> None:
        def chosen(path: Path | None) -> None:
            if path is not None:
                progress = ProgressDialog(f"Adding {path.name}…")
                self.push_screen(progress)
                self.ingest(path, progress)

        self.push_screen(AddSourcesDialog(Path.home()), chosen)

    @work(thread=True, exclusive=True, group="library")
    def ingest(self, path: Path, progress: ProgressDialog) -> None:
        try:
            with self.session.lock:
                summary = self.library.ingest(
                    [path],
                    progress=lambda d, t, n: self.call_from_thread(progress.advance, d, t, n),
                )
        except BriefingError as error:
            self.call_from_thread(self._long_run_done, progress, None, error)
            return
        self.call_from_thread(self._long_run_done, progress, summary, None)

    def action_retag(self) -> None:
        progress = ProgressDialog("Re-tagging every excerpt…")
        self.push_screen(progress)
        self.retag(progress)

    @work(thread=True, exclusive=True, group="library")
    def retag(self, progress: ProgressDialog) -> None:
        try:
            with self.session.lock:
                count = self.library.retag(
                    progress=lambda d, t, n: self.call_from_thread(progress.advance, d, t, n)
                )
        except BriefingError as error:
            self.call_from_thread(self._long_run_done, progress, None, error)
            return
        self.call_from_thread(self._long_run_done, progress, None, None)
        self.call_from_thread(self.notify, f"Re-tagged {count} excerpts.", timeout=4)

    def _long_run_done(
        self, progress: ProgressDialog, summary: IngestSummary | None, error: BriefingError | None
    ) -> None:
        progress.dismiss()
        self.post_message(LibraryChanged())
        if error is not None:
            self.show_error("The run stopped", error)
        elif summary is not None:
            self.push_screen(IngestSummaryDialog(summary))

    # -- the command palette --------------------------------------------------------

    def palette_commands(self) -> list[Command]:
        """Every action, as the command palette lists it."""
        return [
            (
                "Export to Markdown",
                "Write the memo to exports/ as Markdown",
                lambda: self.action_export("md"),
            ),
            (
                "Export to PDF",
                "Write the memo to exports/ as PDF",
                lambda: self.action_export("pdf"),
            ),
            ("Save brief", "Write brief.yaml now (ctrl+s)", self.action_save),
            (
                "Edit memo details",
                "Title, to, from, date, marking, summary (m)",
                self.action_details,
            ),
            (
                "Edit theme comment",
                "The comment opening the theme under the cursor (c)",
                self._comment,
            ),
            ("Search", "Full-text search over every excerpt (/)", self.action_search),
            ("Add sources", "Ingest a file or a folder of articles (a)", self.action_add_sources),
            ("Re-tag", "Score every excerpt again after themes.yaml changed", self.action_retag),
            (
                "Toggle light/dark theme",
                "Switch the colour theme (ctrl+t)",
                self.action_toggle_dark,
            ),
            ("Show memo preview", "Focus the preview, or its tab when narrow (v)", self._preview),
            ("Help", "Every key (F1)", self.action_help),
            ("Quit", "Leave briefing (asks about unsaved changes)", self.action_quit),
        ]

    def _comment(self) -> None:
        if isinstance(self.screen, MainScreen):
            self.screen.action_comment()

    def _preview(self) -> None:
        if isinstance(self.screen, MainScreen):
            self.screen.action_preview()
