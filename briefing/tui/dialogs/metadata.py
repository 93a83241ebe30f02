"""Correcting a source's title, author, outlet and date (kept in its .meta.yaml)."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from briefing.model import Source

FIELDS = (("title", "Title"), ("author", "Author"), ("outlet", "Outlet"), ("date", "Date"))


class MetadataDialog(ModalScreen[dict[str, str] | None]):
    """Returns the corrected fields, or None when cancelled; the library validates them."""

    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel")]

    def __init__(self, source: Source) -> None:
        super().__init__()
        self._source = source

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog metadata-dialog"):
            yield Static("Correct the source's details", classes="dialog-title")
            yield Static(self._source.file, classes="dialog-hint", markup=False)
            with Grid(classes="form"):
                for key, label in FIELDS:
                    yield Label(label, classes="form-label")
                    value = getattr(self._source, key) or ""
                    hint = "yyyy-mm-dd" if key == "date" else "unknown"
                    yield Input(value, id=f"meta-{key}", placeholder=hint)
            with Horizontal(classes="dialog-buttons"):
                yield Button("Save", variant="primary", id="save")
                yield Button("Cancel", id="cancel")

    @on(Button.Pressed, "#save")
    @on(Input.Submitted)
    def _save(self) -> None:
        self.dismiss({key: self.query_one(f"#meta-{key}", Input).value for key, _ in FIELDS})

    @on(Button.Pressed, "#cancel")
    def _cancel(self) -> None:
        self.dismiss(None)
