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
        new_keys = [key for key, _ in parts]
        kept = [key for key, _ in self._shown if key in new_keys]
        if self._widgets and kept == [key for key in new_keys if key in self._widgets]:
            self._patch(parts)
        else:  # the first memo, or sections reordered: build the widgets anew
            self.remove_children()
            self._widgets = {key: Static(drawing, classes="preview-part") for key, drawing in parts}
            self.mount_all(self._widgets.values())
        self._shown = parts
        if self._follow:
            self.call_after_refresh(self.follow, self._follow)

    def _patch(self, parts: list[tuple[str, RenderableType]]) -> None:
        """Keep the widget of every part still there (Textual keeps its laid-out height),
        repaint those whose drawing changed, add the new parts and drop the gone ones."""
        shown = dict(self._shown)
        wanted = {key for key, _ in parts}
        for key in [k for k in self._widgets if k not in wanted]:
            self._widgets.pop(key).remove()
        previous: Static | None = None
        for key, drawing in parts:
            widget = self._widgets.get(key)
            if widget is None:
                widget = self._widgets[key] = Static(drawing, classes="preview-part")
                if previous is None:
                    self.mount(widget, before=0)
                else:
                    self.mount(widget, after=previous)
            elif drawing is not shown.get(key):  # cached drawings: same object, same words
                widget.update(drawing)
            previous = widget

    def follow(self, theme_id: str | None) -> None:
        """Scroll to the theme's section (when the memo has one)."""
        self._follow = theme_id
        if theme_id is None:
            return
        part = self._widgets.get(f"theme:{theme_id}")
        if part is not None and part.is_mounted:
            self.scroll_to_widget(part, top=True, animate=False)
