"""The memo details: title, to, from, date, handling marking and the summary."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static, TextArea

from briefing.errors import BriefingError
from briefing.memo import Brief
from briefing.tui.editor import edit_in_editor

FIELDS = (
    ("title", "Title"),
    ("to", "To"),
    ("sender", "From"),
    ("date", "Date"),
    ("marking", "Marking"),
)


class DetailsDialog(ModalScreen[dict[str, str] | None]):
    """Edits the header block; returns the fields, or None when cancelled."""

    BINDINGS = [
        Binding("escape", "dismiss(None)", "Cancel"),
        Binding("ctrl+s", "done", "Apply"),
        # Above the TextArea's own ctrl+e (end of line): long text wants a real editor.
        Binding("ctrl+e", "editor", "Summary in $EDITOR", priority=True),
    ]

    def __init__(self, brief: Brief) -> None:
        super().__init__()
        self._brief = brief

    def compose(self) -> ComposeResult:
        brief = self._brief
        values = {
            "title": brief.title,
            "to": brief.to,
            "sender": brief.sender,
            "date": brief.date or "",
            "marking": brief.marking,
        }
        with Vertical(classes="dialog details-dialog"):
            yield Static("Memo details", classes="dialog-title")
            with Grid(classes="form"):
                for key, label in FIELDS:
                    yield Label(label, classes="form-label")
                    placeholder = "yyyy-mm-dd" if key == "date" else ""
                    yield Input(values[key], id=f"field-{key}", placeholder=placeholder)
            yield Label(
                "Summary (bottom line; empty: a draft quoting the sources)", classes="form-label"
            )
            yield TextArea(
                brief.summary, id="field-summary", soft_wrap=True, show_line_numbers=False
            )
            yield Static(
                "ctrl+s: apply · ctrl+e: the summary in $EDITOR · escape: cancel",
                classes="dialog-hint",
                markup=False,
            )
            yield Static("", id="details-error", classes="dialog-error")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Apply", variant="primary", id="apply")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#field-title", Input).focus()

    @on(Button.Pressed, "#apply")
    @on(Input.Submitted)
    def action_done(self) -> None:
        fields = {key: self.query_one(f"#field-{key}", Input).value.strip() for key, _ in FIELDS}
        if not fields["title"]:
            self._fail("The memo needs a title.")
            return
        try:
            Brief(title="check").set_details(date=fields["date"])
        except BriefingError as error:
            self._fail(error.message)
            return
        fields["summary"] = self.query_one("#field-summary", TextArea).text
        self.dismiss(fields)

    @on(Button.Pressed, "#cancel")
    def _cancel(self) -> None:
        self.dismiss(None)

    def action_editor(self) -> None:
        area = self.query_one("#field-summary", TextArea)
        edited = edit_in_editor(self.app, area.text, "summary")
        if edited is not None:
            area.text = edited

    def _fail(self, message: str) -> None:
        self.query_one("#details-error", Static).update(message)


class CommentDialog(ModalScreen[str | None]):
    """Edits the analyst's comment that opens one theme's section."""

    BINDINGS = [
        Binding("escape", "dismiss(None)", "Cancel"),
        Binding("ctrl+s", "done", "Apply"),
        Binding("ctrl+e", "editor", "In $EDITOR", priority=True),
    ]

    def __init__(self, label: str, text: str) -> None:
        super().__init__()
        self._label = label
        self._text = text

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog comment-dialog"):
            yield Static(f"Comment on “{self._label}”", classes="dialog-title")
            yield Static(
                "Blank lines separate paragraphs; lines starting with - are bullets. "
                "ctrl+s: apply · ctrl+e: in $EDITOR",
                classes="dialog-hint",
            )
            yield TextArea(self._text, id="comment", soft_wrap=True)
            with Horizontal(classes="dialog-buttons"):
                yield Button("Apply", variant="primary", id="apply")
                yield Button("Cancel", id="cancel")

    @on(Button.Pressed, "#apply")
    def action_done(self) -> None:
        self.dismiss(self.query_one(TextArea).text)

    def action_editor(self) -> None:
        area = self.query_one(TextArea)
        edited = edit_in_editor(self.app, area.text, "comment")
        if edited is not None:
            area.text = edited

    @on(Button.Pressed, "#cancel")
    def _cancel(self) -> None:
        self.dismiss(None)
