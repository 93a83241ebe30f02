"""The memo preview: the memo document drawn natively, as it will read once exported."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from briefing.tui.widgets.memo_view import Drawn


class MemoPreview(VerticalScroll):
    """Holds the last drawn memo; it only repaints when the words changed.

    One Static holding a Rich renderable drawn in a worker (see `memo_view`), rather than
    Textual's Markdown widget: a four-page memo becomes hundreds of widgets there, and
    rebuilding them on every change held the keys for most of a second.
    """

    can_focus = True

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.text = ""  # the memo's words, plain: what tests and the quick check compare
        self._palette: object = None

    def compose(self) -> ComposeResult:
        yield Static("Drawing the memo…", id="preview-body", classes="-waiting")

    def show(self, drawn: Drawn, palette: object = None) -> None:
        if drawn.plain == self.text and palette == self._palette:
            return
        self.text = drawn.plain
        self._palette = palette
        body = self.query_one("#preview-body", Static)
        body.remove_class("-waiting")
        body.update(drawn.renderable)
