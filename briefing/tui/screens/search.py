"""The search screen: full-text search over every excerpt, filterable by theme."""

from __future__ import annotations

import re

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import DataTable, Footer, Header, Input, Select, Static

from briefing.store import QUERY_SYNTAX, SearchHit
from briefing.tui.dialogs.simple import ThemePickDialog
from briefing.tui.messages import BriefEdited
from briefing.tui.session import Session, source_name

LIMIT = 200
DEBOUNCE = 0.15


class SearchScreen(Screen[None]):
    """Finds what the theme lists miss; a hit opens in its source or is pinned into a theme."""

    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back"),
        Binding("enter", "open", "Source", show=True),
        Binding("p", "pin", "Pin to theme"),
        Binding("P", "pin_choose", "Pin to…"),
        Binding("slash,ctrl+f", "focus_query", "Query", key_display="/"),
    ]

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        self._hits: dict[str, SearchHit] = {}
        self._timer: Timer | None = None

    def compose(self) -> ComposeResult:
        themes = [(t.label, t.id) for t in self.session.library.themes]
        yield Header(icon="§")
        with Horizontal(id="search-bar"):
            yield Input(placeholder='Search the full text: words, "a phrase", prefix*', id="query")
            yield Select(themes, prompt="Every theme", id="theme-filter", allow_blank=True)
        yield DataTable(id="hits", cursor_type="row")
        yield Static(
            "Type to search. enter: open in source · p: pin into the current theme · "
            "P: pin into a theme you choose",
            id="search-note",
        )
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#hits", DataTable)
        table.add_column("Source", key="source", width=16)
        table.add_column("Date", key="date", width=10)
        table.add_column("Match", key="match")
        self.query_one("#query", Input).focus()

    @on(Input.Changed, "#query")
    @on(Select.Changed, "#theme-filter")
    def _changed(self) -> None:
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(DEBOUNCE, self.run_search)

    @on(Input.Submitted, "#query")
    def _submitted(self) -> None:
        """To the hits when there are some; with none, the query keeps the keys."""
        self.run_search()
        hits = self.query_one("#hits", DataTable)
        if hits.row_count:
            hits.focus()

    def run_search(self) -> None:
        query = self.query_one("#query", Input).value
        choice = self.query_one("#theme-filter", Select).value
        theme = choice if isinstance(choice, str) else None
        hits = self.session.library.store.search(query, theme_id=theme, limit=LIMIT)
        self._hits = {hit.excerpt.id: hit for hit in hits}
        table = self.query_one("#hits", DataTable)
        table.clear()
        for hit in hits:
            who = source_name(hit.source)
            table.add_row(
                Text(who, no_wrap=True, overflow="ellipsis"),
                Text(hit.source.date or "—", style="dim"),
                _marked(hit.snippet),
                key=hit.excerpt.id,
            )
        if not query.strip():
            note = "Type to search."
        elif not hits:  # say how to ask, and what the corpus does say
            close = self.session.library.store.suggest(query)
            note = "No match." + (f" Did you mean: {', '.join(close)}?" if close else "")
            note += " " + QUERY_SYNTAX
        else:
            note = f"{len(hits)} match{'es' if len(hits) > 1 else ''}"
            if hits.pool_note():  # the best of the newest matches only: how many there are
                note = f"{len(hits)} shown · {hits.pool_note()}"
            elif len(hits) == LIMIT:
                note += f" (the best {LIMIT}; narrow the query)"
            note += " · enter: open in source · p: pin into the current theme · P: pin into…"
        self.query_one("#search-note", Static).update(note + " · /: the query")

    @property
    def current(self) -> SearchHit | None:
        table = self.query_one("#hits", DataTable)
        if not table.row_count:
            return None
        key, _ = table.coordinate_to_cell_key(table.cursor_coordinate)
        return self._hits.get(key.value or "")

    @on(DataTable.RowSelected, "#hits")
    def _row_selected(self) -> None:
        self.action_open()

    def action_focus_query(self) -> None:
        self.query_one("#query", Input).focus()

    def action_open(self) -> None:
        hit = self.current
        if hit is not None:
            from briefing.tui.screens.source import SourceScreen

            self.app.push_screen(
                SourceScreen(self.session, hit.excerpt.id, self.session.current_theme)
            )

    def action_pin(self) -> None:
        if self.session.current_theme is None:
            self.action_pin_choose()
        else:
            self._pin_into(self.session.current_theme)

    def action_pin_choose(self) -> None:
        if self.current is None:
            return
        themes = [(t.id, t.label) for t in self.session.library.themes]
        self.app.push_screen(
            ThemePickDialog(themes, "Pin into which theme?"),
            lambda theme: self._pin_into(theme) if theme else None,
        )

    def _pin_into(self, theme_id: str) -> None:
        hit = self.current
        if hit is None:
            return
        self.session.pin(theme_id, hit.excerpt)
        self.post_message(BriefEdited())
        self.notify(f"Pinned into “{self.session.label(theme_id)}”.", timeout=3)


def _marked(snippet: str) -> Text:
    """The store marks matches with [ and ]: show them in bold instead."""
    text = Text(no_wrap=True, overflow="ellipsis")
    for part in re.split(r"(\[[^\]]*\])", " ".join(snippet.split())):
        if part.startswith("[") and part.endswith("]"):
            text.append(part[1:-1], style="bold reverse")
        else:
            text.append(part)
    return text
