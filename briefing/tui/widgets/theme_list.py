"""The theme list: every theme of the taxonomy, a checkbox for the memo, and its count."""

from __future__ import annotations

from rich.console import Console, ConsoleOptions, RenderResult
from rich.measure import Measurement
from rich.text import Text
from textual import on
from textual.binding import Binding
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from briefing.tui.session import ThemeRow


class ThemePrompt:
    """A theme's line: its label cut to the room left, then its count at the right edge.

    What a one-row grid drew, at a fraction of its cost (the list draws every row again
    when one checkbox changes)."""

    def __init__(self, label: Text, count: Text) -> None:
        self.label = label
        self.count = count

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = options.max_width
        room = max(1, width - self.count.cell_len - 1)
        label = self.label.copy()
        label.truncate(room, overflow="ellipsis", pad=True)
        yield Text.assemble(label, " ", self.count, no_wrap=True)

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        return Measurement(self.count.cell_len + 2, options.max_width)


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

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self._rows: list[ThemeRow] = []  # as shown

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
        """Replace the rows, keeping the cursor on `keep` (or where it was).

        When the themes are the same, in the same order, only the rows that changed are
        drawn again (a checkbox after space): rebuilding every option laid out and drew
        the whole list on each key."""
        current = keep or self.current
        ids = [row.id for row in rows]
        if ids and ids == [row.id for row in self._rows] and self.option_count == len(ids):
            for index, (old, new) in enumerate(zip(self._rows, rows, strict=True)):
                if old != new:
                    self.replace_option_prompt_at_index(index, self._prompt(new))
        else:
            self.set_options(Option(self._prompt(row), id=row.id) for row in rows)
        self._rows = list(rows)
        index = ids.index(current) if current in ids else 0
        if ids and self.highlighted != index:
            self.highlighted = index

    @property
    def current(self) -> str | None:
        if self.highlighted is None or not self.option_count:
            return None
        return self.get_option_at_index(self.highlighted).id

    @staticmethod
    def _prompt(row: ThemeRow) -> ThemePrompt:
        box = "☑" if row.included else "☐"
        label = Text(no_wrap=True, overflow="ellipsis")
        label.append(f"{box} ", style="bold" if row.included else "dim")
        label.append(row.label, style="" if row.included else "dim")
        return ThemePrompt(label, Text(str(row.count), style="dim"))

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
