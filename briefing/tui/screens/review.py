"""The review screen: excerpts the tagger suggests for a theme, answered with one key each.

It lists the excerpts closest to the theme in meaning that none of its keywords match.
Each answer (y: it carries the theme, n: it does not) is a decision in tags.yaml, and the
tagger learns from it at once: the list is ranked again after every answer.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from briefing.controls import strip_controls
from briefing.errors import BriefingError
from briefing.model import Excerpt
from briefing.tui.messages import LibraryChanged
from briefing.tui.session import Session

LIMIT = 30


class ReviewScreen(Screen[None]):
    """Suggested excerpts for one theme; accept or reject each with one key."""

    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back"),
        Binding("y", "answer('added')", "Accept"),
        Binding("n", "answer('removed')", "Reject"),
    ]

    def __init__(self, session: Session, theme_id: str) -> None:
        super().__init__()
        self.session = session
        self.theme_id = theme_id
        self._excerpts: dict[str, Excerpt] = {}
        self.answered = 0

    def compose(self) -> ComposeResult:
        yield Header(icon="§")
        yield Static(id="review-title")
        yield DataTable(id="suggested", cursor_type="row")
        yield Static(id="review-text")  # the row under the cursor, whole: it is what is judged
        yield Static(id="review-note")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#suggested", DataTable)
        table.add_column("Score", key="score", width=6)
        table.add_column("Now", key="now", width=4)
        table.add_column("Excerpt", key="text")
        label = self.session.library.theme(self.theme_id).label
        self.query_one("#review-title", Static).update(
            Text(f"Review: {label} — excerpts none of its keywords match, closest in meaning first")
        )
        self.reload()
        table.focus()

    def reload(self, keep_row: int = 0) -> None:
        """Rank the suggestions again (after the tagger learned from an answer)."""
        library = self.session.library
        found = library.review_candidates(self.theme_id, LIMIT)
        tagged = library.store.themes_of([e.id for e, _ in found])
        self._excerpts = {e.id: e for e, _ in found}
        table = self.query_one("#suggested", DataTable)
        table.clear()
        for excerpt, score in found:
            now = "✔" if self.theme_id in tagged.get(excerpt.id, {}) else "·"
            snippet = " ".join(excerpt.text.split())
            table.add_row(
                Text(f"{score:.2f}", style="dim"),
                Text(now),
                Text(snippet, no_wrap=True, overflow="ellipsis"),
                key=excerpt.id,
            )
        if table.row_count:
            table.move_cursor(row=min(keep_row, table.row_count - 1))
        count = len(found)
        note = (
            f"{count} suggestion{'' if count == 1 else 's'} · y: it carries the theme · "
            "n: it does not · "
            "each answer goes to tags.yaml and the tagger learns from it at once"
        )
        if self.answered:
            note = f"{self.answered} answered · " + note
        self.query_one("#review-note", Static).update(Text(note))

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        excerpt = self._excerpts.get(event.row_key.value or "")
        if excerpt is None:
            return
        source = self.session.library.store.source(excerpt.source_id)
        where = f"{strip_controls(source.title or source.file)}\n" if source else ""
        text = Text()
        text.append(where, style="bold")
        text.append(strip_controls(" ".join(excerpt.text.split())))
        self.query_one("#review-text", Static).update(text)

    def action_answer(self, decision: str) -> None:
        table = self.query_one("#suggested", DataTable)
        if not table.row_count:
            return
        row = table.cursor_coordinate.row
        key, _ = table.coordinate_to_cell_key(table.cursor_coordinate)
        excerpt_id = key.value or ""
        try:
            self.session.answer(excerpt_id, self.theme_id, decision)
        except BriefingError as error:
            self.notify(error.message, severity="error")
            return
        self.post_message(LibraryChanged())  # the memo and the lists behind show it
        self.answered += 1
        self.reload(keep_row=row)
