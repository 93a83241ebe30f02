"""Changing an excerpt's themes by hand; the choice is stored as a manual decision."""

from __future__ import annotations

import textwrap

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, SelectionList, Static


class TagsDialog(ModalScreen[set[str] | None]):
    """A checkbox per theme; returns the themes the excerpt should carry, or None."""

    BINDINGS = [
        Binding("escape", "dismiss(None)", "Cancel"),
        Binding("ctrl+s", "done", "Apply"),
    ]

    SHOWN = 240  # characters of the excerpt shown, cut at a word with an ellipsis

    def __init__(self, text: str, themes: list[tuple[str, str]], current: set[str]) -> None:
        super().__init__()
        self._snippet = textwrap.shorten(text, self.SHOWN, placeholder=" …")
        self._themes = themes
        self._current = current

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog tags-dialog"):
            yield Static("Themes of this excerpt", classes="dialog-title")
            yield Static(self._snippet, classes="dialog-quote", markup=False)
            yield SelectionList[str](
                *((label, tid, tid in self._current) for tid, label in self._themes)
            )
            yield Static(
                "space: check or uncheck · ctrl+s: apply · kept in tags.yaml", classes="dialog-hint"
            )
            with Horizontal(classes="dialog-buttons"):
                yield Button("Apply", variant="primary", id="apply")
                yield Button("Cancel", id="cancel")

    @on(Button.Pressed, "#apply")
    def action_done(self) -> None:
        self.dismiss(set(self.query_one(SelectionList).selected))

    @on(Button.Pressed, "#cancel")
    def _cancel(self) -> None:
        self.dismiss(None)
