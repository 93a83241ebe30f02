"""The memo preview: the memo document drawn natively, as it will read once exported."""

from __future__ import annotations

from rich.console import RenderableType
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from briefing.tui.widgets.memo_view import Drawn


class MemoPreview(VerticalScroll):
    """Holds the last drawn memo, one Static per part; repaints only the parts that changed.

    Statics holding Rich renderables drawn in a worker (see `memo_view`), rather than
    Textual's Markdown widget: a four-page memo becomes hundreds of widgets there, and
    rebuilding them on every change held the keys for most of a second.
    """

    can_focus = True

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.text = ""  # the memo's words, plain: what tests and the quick check compare
        self._palette: object = None
        self._shown: list[tuple[str, RenderableType]] = []  # (part, drawing) as on screen
        self._widgets: dict[str, Static] = {}
        self._follow: str | None = None  # the theme whose section is kept in view

    def compose(self) -> ComposeResult:
        yield Static("Drawing the memo…", id="preview-body", classes="-waiting")

    def show(self, drawn: Drawn, palette: object = None) -> None:
        if drawn.plain == self.text and palette == self._palette:
            return
        self.text = drawn.plain
        self._palette = palette
        parts = list(drawn.parts) or [("body", drawn.renderable)]
        keys = [key for key, _ in parts]
        if keys == [key for key, _ in self._shown]:
            for (key, new), (_, old) in zip(parts, self._shown, strict=True):
                if new is not old:  # the drawings are cached: same object, same words
                    self._widgets[key].update(new)
        else:
            self.remove_children()
            self._widgets = {key: Static(drawing, classes="preview-part") for key, drawing in parts}
            self.mount_all(self._widgets.values())
        self._shown = parts
        if self._follow:
            self.call_after_refresh(self.follow, self._follow)

    def follow(self, theme_id: str | None) -> None:
        """Scroll to the theme's section (when the memo has one)."""
        self._follow = theme_id
        if theme_id is None:
            return
        part = self._widgets.get(f"theme:{theme_id}")
        if part is not None and part.is_mounted:
            self.scroll_to_widget(part, top=True, animate=False)
