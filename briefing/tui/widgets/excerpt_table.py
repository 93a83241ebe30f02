"""The excerpts of one theme: state, source, date, score and a snippet, best first."""

from __future__ import annotations

from typing import Any

from rich.console import RenderableType
from rich.text import Text
from textual.binding import Binding
from textual.cache import LRUCache
from textual.message import Message
from textual.widgets import DataTable
from textual.widgets.data_table import ColumnKey, RowDoesNotExist, RowKey

from briefing.tui.session import MARKS, ExcerptRow, source_name

STATE_STYLE = {
    "pinned": "bold $accent",
    "included": "$success",
    "excluded": "$error",
    "proposed": "dim",
}
ROW_HEIGHT = 3  # source, date and score; then two lines of the text


class ExcerptMessage(Message):
    """Something the user did to one excerpt of the list."""

    def __init__(self, excerpt_id: str) -> None:
        super().__init__()
        self.excerpt_id = excerpt_id


class ExcerptTable(DataTable[RenderableType]):
    """Rows are keyed by excerpt id so a state changes in place, not by a rebuild."""

    BINDINGS = [
        Binding("i", "include", "Include"),
        Binding("x", "exclude", "Exclude"),
        Binding("p", "pin", "Pin"),
        Binding("shift+up,K", "move(-1)", "Pin up", show=False),  # in the help screen
        Binding("shift+down,J", "move(1)", "Pin down", show=False),
        Binding("t", "tags", "Themes…", show=False),
        Binding("enter,o", "open", "Source", key_display="⏎"),
        Binding("j", "cursor_down", show=False),
        Binding("k", "cursor_up", show=False),
    ]

    class Included(ExcerptMessage):
        """The user wants the excerpt in the memo."""

    class Excluded(ExcerptMessage):
        """The user wants the excerpt out of the memo."""

    class Pinned(ExcerptMessage):
        """The user pinned the excerpt, or unpinned a pinned one."""

    class Opened(ExcerptMessage):
        """The user wants to read the excerpt in its source."""

    class TagsRequested(ExcerptMessage):
        """The user wants to change the excerpt's themes by hand."""

    class Moved(ExcerptMessage):
        """The user moved a pinned excerpt up (-1) or down (+1)."""

        def __init__(self, excerpt_id: str, delta: int) -> None:
            super().__init__(excerpt_id)
            self.delta = delta

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self._rows: list[ExcerptRow] = []
        self._states: dict[str, tuple[str, object]] = {}  # excerpt id -> its mark's state, style
        self._width = 40  # the text column's width: each row's first line is laid out to it

    def on_mount(self) -> None:
        self.cursor_type = "row"
        self.show_header = False
        self.add_column(" ", key="state", width=1)
        self.add_column("Excerpt", key="text", width=40)

    def on_resize(self) -> None:
        self._fit()

    def _fit(self) -> None:
        """Give the excerpt column the whole width, so no row scrolls sideways."""
        column = self.columns.get(ColumnKey("text"))
        if column is not None:
            width = max(20, self.scrollable_content_region.width - 3 - 4 * self.cell_padding)
            if width != self._width:
                self._width = column.width = width
                self.show(self._rows)  # the first lines are laid out to the width

    def show(self, rows: list[ExcerptRow], keep: str | None = None, top: bool = False) -> None:
        """Replace every row (pinned rows moved), keeping the cursor; or, with `top` (a
        new theme), from the first row: the best excerpt in view."""
        current = None if top else keep or self.current
        self._rows = rows
        self._states = {row.excerpt.id: (row.state, self._mark(row.state).style) for row in rows}
        self.clear()
        for row in rows:
            self.add_row(*self._cells(row), key=row.excerpt.id, height=ROW_HEIGHT)
        ids = [row.excerpt.id for row in rows]
        if current in ids:
            self.move_cursor(row=ids.index(current), animate=False)
        elif rows:
            self.move_cursor(row=0, animate=False)
            self.scroll_home(animate=False, immediate=True)

    def restate(self, states: dict[str, str]) -> None:
        """Change only the marks that look different now (a new state, or the colours of
        a new theme): any cell update makes the table draw every row in view again."""
        for excerpt_id, state in states.items():
            if excerpt_id in self.rows:
                mark = self._mark(state)
                if self._states.get(excerpt_id) != (state, mark.style):
                    self._states[excerpt_id] = (state, mark.style)
                    self._set_mark(excerpt_id, mark)

    def _set_mark(self, excerpt_id: str, mark: Text) -> None:
        """`update_cell` for one mark, redrawing that row only.

        DataTable keys every drawing it caches on a count of all updates, so one changed
        mark made it draw every row in view again (40 lines, 30-80 ms at 160x50, on each
        key and again when the memo is back). Here only the row's own drawings are
        dropped. It reaches into DataTable's caches: if a Textual release renames them,
        the plain `update_cell` is used instead (slower, same picture).
        """
        row_key, column_key = RowKey(excerpt_id), ColumnKey("state")
        try:
            data = self._data[row_key]
            caches: tuple[LRUCache[Any, Any], ...] = (
                self._row_render_cache,
                self._cell_render_cache,
            )
            renderables, lines = self._row_renderable_cache, self._line_cache
            index = self.get_row_index(row_key)
        except (AttributeError, KeyError, RowDoesNotExist):
            self.update_cell(excerpt_id, "state", mark)
            return
        data[column_key] = mark
        for cache in caches:
            stale = [key for key in cache.keys() if key[0] == row_key]  # noqa: SIM118 (no __iter__)
            for key in stale:
                cache.discard(key)
        renderables.discard((self._update_count, index))
        lines.clear()  # lines are put together from the rows' drawings: cheap
        self.refresh_row(index)

    @property
    def current(self) -> str | None:
        if not self.row_count:
            return None
        key, _ = self.coordinate_to_cell_key(self.cursor_coordinate)
        return key.value

    def _mark(self, state: str) -> Text:
        style = self.app.theme_variables.get(STATE_STYLE[state].split("$")[-1], "")
        bold = "bold " if state == "pinned" else ""
        return Text(MARKS[state], style=f"{bold}{style}" if style else "dim")

    def _cells(self, row: ExcerptRow) -> list[RenderableType]:
        """Source, date and score on the first line, the start of the text below.

        One plain `Text` per cell, laid out to the column's width here: the table measures
        every cell it is given, and a Text measures in microseconds where a grid took a
        millisecond (200 rows, on every change of theme).
        """
        source = row.source
        dim = "dim" if row.state == "excluded" else ""
        if row.manual:
            score = "by hand"
        elif row.state == "pinned" and not row.score:
            score = "pinned"
        else:
            score = f"{row.score:.2f}"
        right = f"{source.date or 'no date'} {score:>7}"
        room = max(4, self._width - len(right) - 1)
        who = source_name(source)
        if len(who) > room:
            who = who[: room - 1] + "…"
        cell = Text(no_wrap=False, overflow="ellipsis")
        cell.append(who, style=f"bold {dim}".strip())
        cell.append(" " * (room - len(who) + 1))
        cell.append(right, style="dim")
        cell.append("\n")
        # Two lines show: a little more than that is all worth wrapping and measuring.
        cell.append(" ".join(row.excerpt.text[: self._width * 3].split()), style=dim)
        return [self._mark(row.state), cell]

    def _post(self, kind: type[ExcerptMessage]) -> None:
        if self.current:
            self.post_message(kind(self.current))

    def action_include(self) -> None:
        self._post(self.Included)

    def action_exclude(self) -> None:
        self._post(self.Excluded)

    def action_pin(self) -> None:
        self._post(self.Pinned)

    def action_open(self) -> None:
        self._post(self.Opened)

    def action_tags(self) -> None:
        self._post(self.TagsRequested)

    def action_move(self, delta: int) -> None:
        if self.current:
            self.post_message(self.Moved(self.current, delta))
