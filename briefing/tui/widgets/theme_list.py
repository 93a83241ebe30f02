"""The theme list: every theme of the taxonomy, a checkbox for the memo, and its count."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual import on
from textual.binding import Binding
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from briefing.tui.session import ThemeRow


class ThemeList(OptionList):
    """Shows the rows it is given and says what the user did; the screen decides the rest."""

    BINDINGS = [
        Binding("space", "toggle_theme", "In memo", tooltip="Put the theme in or out of the memo"),
        Binding("c", "screen.comment", "Comment"),
        Binding("m", "app.details", "Details", show=False),  # in the help
        Binding("shift+up,K", "move(-1)", "Move up", show=False),  # the pane's note says so
        Binding("shift+down,J", "move(1)", "Move down", show=False),
        Binding("j", "cursor_down", show=False),
        Binding("k", "cursor_up", show=False),
    ]

    class Highlighted(Message):
        """The cursor came to a theme: its excerpts should be listed."""

        def __init__(self, theme_id: str) -> None:
            super().__init__()
            self.theme_id = theme_id

    class Toggled(Message):
        """The user put a theme in or out of the memo."""

        def __init__(self, theme_id: str) -> None:
            super().__init__()
            self.theme_id = theme_id

    class Moved(Message):
        """The user moved a theme up (-1) or down (+1) in the memo's order."""

        def __init__(self, theme_id: str, delta: int) -> None:
            super().__init__()
            self.theme_id = theme_id
            self.delta = delta

    def show(self, rows: list[ThemeRow], keep: str | None = None) -> None:
        """Replace the rows, keeping the cursor on `keep` (or where it was)."""
        current = keep or self.current
        self.set_options(Option(self._prompt(row), id=row.id) for row in rows)
        ids = [row.id for row in rows]
        index = ids.index(current) if current in ids else 0
        if ids:
            self.highlighted = index

    @property
    def current(self) -> str | None:
        if self.highlighted is None or not self.option_count:
            return None
        return self.get_option_at_index(self.highlighted).id

    @staticmethod
    def _prompt(row: ThemeRow) -> Table:
        box = "☑" if row.included else "☐"
        label = Text(no_wrap=True, overflow="ellipsis")
        label.append(f"{box} ", style="bold" if row.included else "dim")
        label.append(row.label, style="" if row.included else "dim")
        grid = Table.grid(expand=True, padding=(0, 0, 0, 1))
        grid.add_column(ratio=1, no_wrap=True, overflow="ellipsis")
        grid.add_column(no_wrap=True, justify="right")
        grid.add_row(label, Text(str(row.count), style="dim", justify="right"))
        return grid

    @on(OptionList.OptionHighlighted)
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        if event.option.id:
            self.post_message(self.Highlighted(event.option.id))

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_toggle_theme()

    def action_toggle_theme(self) -> None:
        if self.current:
            self.post_message(self.Toggled(self.current))

    def action_move(self, delta: int) -> None:
        if self.current:
            self.post_message(self.Moved(self.current, delta))
