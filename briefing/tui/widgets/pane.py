"""A titled pane: a heading line over one widget, and an optional note under it."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widget import Widget
from textual.widgets import Static


class Pane(Vertical):
    """Gives each of the main screen's columns the same heading and spacing."""

    def __init__(self, title: str, body: Widget, note: bool = False, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self._title = title
        self._body = body
        self._note = note

    def compose(self) -> ComposeResult:
        yield Static(self._title, classes="pane-title")
        yield self._body
        if self._note:
            yield Static("", classes="pane-note")

    def set_title(self, title: str) -> None:
        self.query_one(".pane-title", Static).update(title)

    def set_note(self, note: str) -> None:
        widget = self.query_one(".pane-note", Static)
        widget.update(note)
        widget.display = bool(note)
