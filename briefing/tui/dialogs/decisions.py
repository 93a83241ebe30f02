"""Decisions in tags.yaml that apply to no excerpt any more: said at start, with what to do."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from briefing.controls import strip_controls
from briefing.library import StaleDecision

SHOWN = 20  # listed one by one; the rest counted


def _snippet(text: str | None) -> str:
    words = " ".join(strip_controls(text or "").split())
    return f"“{words[:90]}…”" if len(words) > 90 else f"“{words}”" if words else "(no text kept)"


class StaleDecisionsDialog(ModalScreen[str | None]):
    """Lists the decisions kept in tags.yaml but not applied (their excerpt is gone and its
    text was not found again) and offers the remedy: add the source again (a), or remove
    the entries from tags.yaml by hand. Dismissed with "add" when the user chose a."""

    BINDINGS = [
        Binding("escape,enter", "dismiss(None)", "Close"),
        Binding("a", "dismiss('add')", "Add sources"),
    ]

    def __init__(self, path: str, lost: list[StaleDecision]) -> None:
        super().__init__(classes="dialog-screen")
        self._path = path
        self._lost = lost

    def compose(self) -> ComposeResult:
        count = len(self._lost)
        with Vertical(classes="dialog notice-dialog"):
            yield Static(
                f"{count} decision{'s' if count > 1 else ''} in tags.yaml not applied",
                classes="dialog-title",
            )
            lines = [f"• {_snippet(d.text)} · {', '.join(d.themes)}" for d in self._lost[:SHOWN]]
            if count > SHOWN:
                lines.append(f"… and {count - SHOWN} more")
            with VerticalScroll(classes="dialog-list"):
                yield Static("\n".join(lines), markup=False)
            its, it, they = ("Their", "their", "They") if count > 1 else ("Its", "its", "It")
            yield Static(
                f"{its} excerpt{'s are' if count > 1 else ' is'} no longer in the corpus and "
                f"{it} text was not found again. {they} stay{'' if count > 1 else 's'} in "
                f"{self._path} until {it} source is added again (a), or you remove "
                f"{'the entries' if count > 1 else 'the entry'} from the file.",
                classes="dialog-hint",
                markup=False,
            )
            with Horizontal(classes="dialog-buttons"):
                yield Button("Add sources (a)", variant="primary", id="add")
                yield Button("Close", id="close")

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss("add" if event.button.id == "add" else None)
