"""The memo preview: the memo document drawn natively, as it will read once exported."""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass

from rich.console import Console, RenderableType
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from briefing.tui.widgets.memo_view import Drawn

PLACEHOLDER = "Drawing the memo…"


@dataclass(frozen=True)
class PartLines:
    """One part of the memo (a section, the notes...) laid out in lines at one width."""

    drawing: RenderableType  # the cached drawing it came from: the same object, same lines
    width: int
    lines: tuple[Strip, ...]


def lay_out(
    parts: Iterable[tuple[str, RenderableType]], width: int, known: dict[str, PartLines]
) -> dict[str, PartLines]:
    """Every part in lines `width` cells wide, reusing the parts already laid out.

    Runs in the preview's worker: laying a memo out is the costly half of showing it,
    and on the main thread it held the keys (and measured every part again on each
    layout of the screen)."""
    console = Console(
        width=width,
        file=io.StringIO(),
        force_terminal=True,
        color_system="truecolor",
        markup=False,
        highlight=False,
        emoji=False,
        legacy_windows=False,
    )
    options = console.options.update_width(width)
    out: dict[str, PartLines] = {}
    for key, drawing in parts:
        old = known.get(key)
        if old is not None and old.drawing is drawing and old.width == width:
            out[key] = old
        else:
            lines = console.render_lines(drawing, options, pad=False)
            out[key] = PartLines(drawing, width, tuple(Strip(line) for line in lines))
    return out


def parts_of(drawn: Drawn) -> list[tuple[str, RenderableType]]:
    return list(drawn.parts) or [("body", drawn.renderable)]


class MemoPreview(ScrollView, can_focus=True):
    """Holds the last drawn memo as lines (the line API): a key swaps the lines of the
    parts that changed, and only the lines in view are drawn.

    Rich renderables laid out in a worker (see `lay_out`), rather than Textual's Markdown
    widget (hundreds of widgets for a four-page memo) or one Static per part (each measured
    again on every layout of the screen: tens of ms per key at 20,000 articles).
    """

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.text = ""  # the memo's words, plain: what tests and the quick check compare
        self.starts: dict[str, int] = {}  # part ("theme:<id>", "notes"...) -> its first line
        self._palette: object = None
        self._parts: list[tuple[str, RenderableType]] = []
        self._laid_out: dict[str, PartLines] = {}
        self._lines: list[Strip] = [Strip([Segment(PLACEHOLDER, Style(dim=True))])]
        self._follow: str | None = None  # the theme whose section is kept in view

    @property
    def line_width(self) -> int:
        """The width the memo is laid out to: the pane, less its scrollbar and a margin."""
        return max(20, self.scrollable_content_region.width - 1)

    def laid_out(self) -> dict[str, PartLines]:
        """The parts as on screen, for the worker to reuse (never changed in place)."""
        return self._laid_out

    def show(
        self,
        drawn: Drawn,
        palette: object = None,
        laid_out: dict[str, PartLines] | None = None,
    ) -> None:
        """Show a drawn memo; `laid_out` are its parts in lines, when a worker made them."""
        parts = parts_of(drawn)
        width = self.line_width
        if laid_out is None or any(p.width != width for p in laid_out.values()):
            laid_out = lay_out(parts, width, self._laid_out)  # the pane changed meanwhile
        same_parts = [k for k, _ in parts] == [k for k, _ in self._parts] and all(
            laid_out[k] is self._laid_out.get(k) for k in laid_out
        )
        if drawn.plain == self.text and palette == self._palette and same_parts:
            return
        self.text = drawn.plain
        self._palette = palette
        self._parts = parts
        self._laid_out = laid_out
        self._join()
        if self._follow:
            self.follow(self._follow)

    def _join(self) -> None:
        lines: list[Strip] = []
        starts: dict[str, int] = {}
        for key, _ in self._parts:
            starts[key] = len(lines)
            lines.extend(self._laid_out[key].lines)
        self._lines = lines
        self.starts = starts
        self.virtual_size = Size(self.line_width + 1, len(lines))  # a layout only if it grew
        self.refresh()

    def on_resize(self, event: events.Resize) -> None:
        if self._parts and any(p.width != self.line_width for p in self._laid_out.values()):
            self._laid_out = lay_out(self._parts, self.line_width, self._laid_out)
            self._join()

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        width = self.scrollable_content_region.width
        style: Style = self.rich_style
        index = scroll_y + y
        if index >= len(self._lines):
            return Strip.blank(width, style)
        line = self._lines[index].crop_extend(scroll_x, scroll_x + width, style)
        return line.apply_style(style)

    def follow(self, theme_id: str | None) -> None:
        """Scroll to the theme's section (when the memo has one)."""
        self._follow = theme_id
        if theme_id is None:
            return
        start = self.starts.get(f"theme:{theme_id}")
        if start is not None:
            self.scroll_to(y=start, animate=False, force=True)
