"""Small modals that tell or ask one thing: an error, quitting unsaved, picking a theme."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, OptionList, Static
from textual.widgets.option_list import Option


class ErrorDialog(ModalScreen[None]):
    """Shows a BriefingError as a sentence and what to do, never as a traceback."""

    BINDINGS = [Binding("escape,enter", "dismiss", "Close")]

    def __init__(self, title: str, message: str, hint: str = "") -> None:
        super().__init__(classes="dialog-screen")
        self._title = title
        self._message = message
        self._hint = hint

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog error-dialog"):
            yield Static(self._title, classes="dialog-title")
            yield Static(self._message, classes="dialog-body", markup=False)
            if self._hint:
                yield Static(self._hint, classes="dialog-hint", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button("OK", variant="primary", id="ok")

    @on(Button.Pressed)
    def _close(self) -> None:
        self.dismiss(None)


class QuitDialog(ModalScreen[str]):
    """Asks what to do with unsaved changes: save, discard or stay."""

    BINDINGS = [
        Binding("escape", "answer('cancel')", "Cancel"),
        Binding("s", "answer('save')", "Save"),
        Binding("d", "answer('discard')", "Discard"),
    ]

    def __init__(self, why: str = "") -> None:
        super().__init__()
        self._why = why

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog quit-dialog"):
            yield Static("Unsaved changes", classes="dialog-title")
            yield Static(
                f"The brief has changes that are not in brief.yaml. {self._why}".strip(),
                classes="dialog-body",
                markup=False,
            )
            with Horizontal(classes="dialog-buttons"):
                yield Button("Save and quit", variant="primary", id="save")
                yield Button("Discard", variant="error", id="discard")
                yield Button("Cancel", id="cancel")

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id or "cancel")

    def action_answer(self, answer: str) -> None:
        self.dismiss(answer)


class RetagDialog(ModalScreen[bool]):
    """Says that themes.yaml changed since the excerpts were tagged (the counts and lists
    are the old taxonomy's) and offers the re-tag; dismissed with True to re-tag now."""

    BINDINGS = [
        Binding("escape,l", "dismiss(False)", "Later"),
        Binding("r,enter", "dismiss(True)", "Re-tag now"),
    ]

    def __init__(self, path: str) -> None:
        super().__init__(classes="dialog-screen")
        self._path = path

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog notice-dialog"):
            yield Static("The tags are out of date", classes="dialog-title")
            yield Static(
                f"{self._path} (or briefing's tagger, in an upgrade) changed since the "
                "excerpts were tagged: the counts, the lists and the memo follow the old "
                "tags until every excerpt is tagged again (`briefing tag` does the same).",
                classes="dialog-body",
                markup=False,
            )
            with Horizontal(classes="dialog-buttons"):
                yield Button("Re-tag now (r)", variant="primary", id="retag")
                yield Button("Later (l)", id="later")

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "retag")


class ThemePickDialog(ModalScreen[str | None]):
    """Picks the theme to pin an excerpt into."""

    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel")]

    def __init__(self, themes: list[tuple[str, str]], prompt: str) -> None:
        super().__init__()
        self._themes = themes
        self._prompt = prompt

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog pick-dialog"):
            yield Static(self._prompt, classes="dialog-title")
            yield OptionList(*(Option(label, id=tid) for tid, label in self._themes))

    @on(OptionList.OptionSelected)
    def _picked(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)
