"""The briefing app: holds the session, the app-wide keys, and the long runs."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable
from pathlib import Path

from textual import on, work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.content import Content
from textual.screen import ModalScreen, Screen

from briefing.errors import BriefingError
from briefing.library import IngestSummary, Library
from briefing.memo.templates import FORMATS
from briefing.tui.commands import BriefingCommands, Command
from briefing.tui.dialogs.decisions import StaleDecisionsDialog
from briefing.tui.dialogs.details import DetailsDialog
from briefing.tui.dialogs.export import ExportDialog
from briefing.tui.dialogs.ingest import AddSourcesDialog, IngestSummaryDialog, ProgressDialog
from briefing.tui.dialogs.simple import ErrorDialog, QuitDialog, RetagDialog
from briefing.tui.messages import BriefEdited, BriefSaved, LibraryChanged
from briefing.tui.screens.help import HelpScreen
from briefing.tui.screens.main import MainScreen
from briefing.tui.screens.search import SearchScreen
from briefing.tui.session import Session, Step, tilde
from briefing.tui.themes import DARK, LIGHT


class BriefingApp(App[None]):
    """Given its Library by the caller (the CLI, or a test on a temporary workspace)."""

    CSS_PATH = "app.tcss"
    COMMANDS = App.COMMANDS | {BriefingCommands}
    ENABLE_COMMAND_PALETTE = True
    # The footer shows a few keys per pane; the help screen and the palette list them all.
    # Keys that only make sense on the main screen (add, details, export) are its own.
    BINDINGS = [
        Binding("ctrl+s", "save", "Save", show=False),
        Binding("slash", "search", "Search", key_display="/"),
        Binding("ctrl+z", "undo", "Undo", show=False),
        Binding("ctrl+y", "redo", "Redo", show=False),
        Binding("ctrl+t", "toggle_dark", "Light/dark", show=False),
        Binding("f1,question_mark", "help", "Help", key_display="?"),
        Binding("q", "quit_or_back", "Quit", show=False),
        Binding("ctrl+q", "quit", "Quit", show=False, priority=True),
    ]

    def __init__(self, library: Library) -> None:
        super().__init__()
        self.library = library
        self.session, self._load_error = Session.open(library)
        # The writer's thread says how each write went; a message is safe from any thread.
        self.session.writer.on_done = lambda version, error: self.post_message(
            BriefSaved(version, error)
        )
        self._failure_shown: str | None = None  # a failing save is said once, not per key
        self.register_theme(DARK)
        self.register_theme(LIGHT)
        self.theme = DARK.name
        # Others write to a team store: the footer shows how to see what they did.
        self.bind("ctrl+r,f5", "refresh", description="Refresh", show=library.place.shared)

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
        self._say_stale_decisions()
        self._offer_retag()

    def _offer_retag(self) -> None:
        """themes.yaml edited since the last tagging: the lists would show the old tags
        (a new theme at 0) with no word of why; the CLI says it on stderr, which the app's
        screen hides, so the app asks."""
        if self.library.needs_retag:
            path = tilde(self.library.workspace.themes_path)
            self.push_screen(RetagDialog(path), lambda now: self.action_retag() if now else None)

    def _say_stale_decisions(self) -> None:
        """tags.yaml decisions moved to their excerpts' new ids are said in passing; those
        that apply to nothing get a notice with the remedy (add the source again)."""
        moved = len(self.library.refound)
        if moved:
            self.notify(
                f"{moved} decision{'s' if moved > 1 else ''} in tags.yaml found again by "
                "text and moved to the excerpts' new ids.",
                timeout=6,
            )
        lost = self.library.unresolved_decisions()
        if lost:
            path = tilde(self.library.workspace.tags_path)
            self.push_screen(
                StaleDecisionsDialog(path, lost),
                lambda answer: self.action_add_sources() if answer == "add" else None,
            )

    # -- state ----------------------------------------------------------------------

    def _show_state(self) -> None:
        mark = "  ● unsaved (ctrl+s)" if self.session.held_back else ""
        self.sub_title = f"{self.session.brief.title}{mark}"
        for screen in self.screen_stack:
            if isinstance(screen, MainScreen):
                screen.show_save_state()

    @on(BriefEdited)
    def _brief_edited(self) -> None:
        """One save model: every change goes to brief.yaml at once, written by the writer's
        thread so the key never waits for the disk; only a brief.yaml that could not be
        read is left alone until the user saves on purpose."""
        self._autosave_now()
        self._show_state()

    @on(BriefSaved)
    def _brief_saved(self, event: BriefSaved) -> None:
        self.session.saved(event.version)
        if event.error is None:
            self._failure_shown = None
        elif self.session.save_failure is not None:
            self._say_not_saved(event.error)
        self._show_state()

    def _say_not_saved(self, error: BriefingError) -> None:
        """Once per failure (a read-only folder fails every key the same way)."""
        if error.message != self._failure_shown:
            self._failure_shown = error.message
            self.show_error(
                "The brief was not saved",
                error,
                "Your changes are kept here. Each change tries again, and so does ctrl+s; "
                "quitting asks before anything is lost.",
            )

    @on(LibraryChanged)
    def _library_changed(self) -> None:
        self.session.forget_counts()
        self.session.forget_reader()
        if isinstance(self.screen, MainScreen):
            self.screen.refresh_themes()
            self.screen.schedule_preview()
            self.screen.read_ahead()

    def _autosave_now(self) -> None:
        if self.session.dirty and self.session.autosave:
            self.session.save_soon()

    def save(self, quiet: bool = False) -> bool:
        """Write the brief now and wait for it (ctrl+s, the quit question's Save)."""
        try:
            path = self.session.save()
        except BriefingError as error:
            self._failure_shown = None
            self._say_not_saved(error)
            self._show_state()
            return False
        self._failure_shown = None
        self._show_state()
        if not quiet:
            self.notify(f"Saved {path.name}.", timeout=2)
        return True

    def show_error(self, title: str, error: BriefingError | str, hint: str = "") -> None:
        message = error.message if isinstance(error, BriefingError) else error
        self.push_screen(ErrorDialog(title, message, hint))

    async def _settle_keys(self, rounds: int = 6) -> None:
        """Let the keys typed before quit take effect. A key's action only posts a message
        (space: "theme toggled"), which travels up to the screen one widget per turn; a
        burst typed faster than that (space then q) would quit before the change is made.
        Each round waits until every widget of the screen has handled what it held."""
        for _ in range(rounds):
            left = 0
            done = asyncio.Event()

            def one_done(done: asyncio.Event = done) -> None:
                nonlocal left
                left -= 1
                if left == 0:
                    done.set()

            for node in self.screen.walk_children(with_self=True):
                if node.call_later(one_done):
                    left += 1
            if not left:
                return
            try:
                await asyncio.wait_for(done.wait(), timeout=2)
            except TimeoutError:
                return

    def on_unmount(self) -> None:
        """Every way out (quit, an error, the end of a test) waits for the last write."""
        self.session.flush()

    # -- actions --------------------------------------------------------------------

    def action_save(self) -> None:
        self.save()

    async def action_quit_or_back(self) -> None:
        """q quits from the main screen; on the search or source screen it goes back."""
        if isinstance(self.screen, MainScreen):
            await self.action_quit()
        elif not isinstance(self.screen, ModalScreen) and len(self.screen_stack) > 1:
            self.pop_screen()

    async def action_quit(self) -> None:
        if isinstance(self.screen, QuitDialog):
            return
        await self._settle_keys()
        self._autosave_now()
        self.session.flush()  # the last change's write: quitting never loses it
        if not self.session.dirty:
            self.exit()
            return

        def answer(choice: str | None) -> None:
            if choice == "save" and self.save(quiet=True) or choice == "discard":
                self.exit()

        failure = self.session.save_failure
        why = (
            "brief.yaml could not be read when briefing opened, so nothing has been written "
            "over it."
            if not self.session.autosave
            else f"The last save of brief.yaml failed: {failure.message}"
            if failure is not None
            else "The last save of brief.yaml failed."
        )
        self.push_screen(QuitDialog(why), answer)

    def action_undo(self) -> None:
        self._replay(self.session.undo, "Undone")

    def action_redo(self) -> None:
        self._replay(self.session.redo, "Redone")

    def _replay(self, step_of: Callable[[], Step | None], done: str) -> None:
        if isinstance(self.screen, ModalScreen):
            return
        step = step_of()
        if step is None:
            self.notify(f"Nothing to {done.lower()[:-1]}.", timeout=2)
            return
        if step.tags_before or step.tags_after:
            self.post_message(LibraryChanged())
        if step.brief_before is not None:
            self.post_message(BriefEdited())
        for screen in self.screen_stack:
            if isinstance(screen, MainScreen):
                screen.replayed(step)
                screen.schedule_preview()
        self.notify(f"{done}: {step.what}.", timeout=3)

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_toggle_dark(self) -> None:
        self.theme = LIGHT.name if self.theme == DARK.name else DARK.name
        for screen in self.screen_stack:
            if isinstance(screen, MainScreen):  # its marks and memo borrow the theme's colours
                screen.recolour()

    def action_refresh(self, quiet: bool = False) -> None:
        """Read the counts, the lists and the memo's excerpts again from the store: what
        other analysts decided or ingested since shows (and what another terminal did)."""
        if isinstance(self.screen, ModalScreen):
            return
        self.post_message(LibraryChanged())
        if not quiet:
            self.notify(f"Read again from {self.library.place.name}.", timeout=3)

    def on_app_focus(self) -> None:
        """Back to the terminal: a team's store may have changed meanwhile."""
        if self.library.place.shared:
            self.action_refresh(quiet=True)

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

    def action_export(self, fmt: str = "") -> None:
        """The export dialog (format, path); refused at once when no theme is chosen."""
        if not self.session.brief.chosen():
            self.show_error(
                "Nothing to export",
                "No theme is in the memo: the brief chooses none.",
                "Put a theme in with space on the theme list, then export again.",
            )
            return
        self.push_screen(ExportDialog(self.session, fmt))

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

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        """Textual's own commands, less those ours say better (Quit, Theme, Keys)."""
        for command in super().get_system_commands(screen):
            if command.title not in ("Quit", "Theme", "Keys"):
                yield command

    def palette_commands(self) -> list[Command]:
        """Every action, as the command palette lists it."""
        return [
            *(
                (
                    f"Export to {description}",
                    f"Write the memo as {suffix}, into exports/ unless you choose (e)",
                    lambda fmt=fmt: self.action_export(fmt),
                )
                for fmt, suffix, description in FORMATS
            ),
            ("Save brief", "Write brief.yaml now (ctrl+s)", self.action_save),
            ("Undo", "Take back the last decision (ctrl+z)", self.action_undo),
            ("Redo", "Make the decision undone again (ctrl+y)", self.action_redo),
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
            (
                "Refresh",
                "Read decisions, counts and lists again from the store (ctrl+r)",
                self.action_refresh,
            ),
            ("Add sources", "Ingest a file or a folder of articles (a)", self.action_add_sources),
            ("Re-tag", "Score every excerpt again after themes.yaml changed", self.action_retag),
            (
                "Light or dark colours",
                "Switch the screen between light and dark (ctrl+t)",
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
