"""The memo preview: the Markdown the export writes, shown as it will read."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Markdown, Static


class MemoPreview(VerticalScroll):
    """Holds the last rendered memo; it only re-renders when the text changed."""

    can_focus = True

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.text = ""

    def compose(self) -> ComposeResult:
        yield Static("Rendering the memo…", id="preview-wait")
        yield Markdown("", id="preview-markdown", open_links=False)

    async def show(self, text: str) -> None:
        if text == self.text:
            return
        self.text = text
        self.query_one("#preview-wait").display = False
        await self.query_one(Markdown).update(text)
