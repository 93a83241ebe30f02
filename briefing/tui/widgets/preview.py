"""The memo preview: the Markdown the export writes, shown as it will read."""

from __future__ import annotations

from rich.markdown import Markdown
from textual.containers import VerticalScroll
from textual.widgets import Static


class MemoPreview(VerticalScroll):
    """Holds the last rendered memo; it only re-renders when the text changed.

    One Static holding a Rich Markdown renderable, rather than Textual's Markdown widget:
    a four-page memo becomes hundreds of widgets there, and rebuilding them on every
    change held the keys for most of a second.
    """

    can_focus = True

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.text = ""

    def compose(self):  # type: ignore[no-untyped-def]
        yield Static("Rendering the memo…", id="preview-body")

    def show(self, text: str) -> None:
        if text == self.text:
            return
        self.text = text
        self.query_one("#preview-body", Static).update(Markdown(text, hyperlinks=False))
