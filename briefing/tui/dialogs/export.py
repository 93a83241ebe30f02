"""The export dialog: a format, a path (prefilled in the workspace's exports/), and after
writing, the full path with a key to open its folder or copy it."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, RadioButton, RadioSet, Static

from briefing.controls import strip_controls
from briefing.errors import BriefingError
from briefing.memo import Brief
from briefing.memo.templates import FORMATS
from briefing.tui.session import Session, tilde

FORMAT_NAMES = {name: description for name, _, description in FORMATS}
FORMAT_SUFFIXES = {name: suffix for name, suffix, _ in FORMATS}


class ExportDialog(ModalScreen[None]):
    """Writes the memo from a copy of the brief, in a worker; stays open to show where."""

    BINDINGS = [
        Binding("escape", "dismiss", "Close"),
        Binding("ctrl+s", "export", "Export", show=False),
        Binding("o", "open_folder", "Open folder", show=False),
        Binding("c", "copy_path", "Copy path", show=False),
    ]

    def __init__(self, session: Session, fmt: str = "") -> None:
        super().__init__()
        self.session = session
        self.fmt = fmt if fmt in FORMAT_NAMES else FORMATS[0][0]
        self.written: Path | None = None
        self._prefilled = ""  # the path as offered, shown with ~ and without controls

    def compose(self) -> ComposeResult:
        default = self.session.library.export_path(self.session.brief, self.fmt)
        with Vertical(classes="dialog export-dialog"):
            yield Static("Export the memo", classes="dialog-title")
            yield Label("Format", classes="form-label")
            with RadioSet(id="format"):
                for fmt, suffix, description in FORMATS:
                    yield RadioButton(
                        f"{description} ({suffix})", value=fmt == self.fmt, id=f"format-{fmt}"
                    )
            yield Label("File", classes="form-label")
            self._prefilled = tilde(default)
            yield Input(self._prefilled, id="export-path")
            yield Static(
                "enter: export · a folder keeps the file name · escape: close",
                id="export-note",
                classes="dialog-hint",
                markup=False,
            )
            with Horizontal(classes="dialog-buttons"):
                yield Button("Export", variant="primary", id="export")
                yield Button("Open folder (o)", id="open", disabled=True)
                yield Button("Copy path (c)", id="copy", disabled=True)
                yield Button("Close", id="close")

    def on_mount(self) -> None:
        self.query_one("#export", Button).focus()

    # -- choosing -----------------------------------------------------------------------

    @on(RadioSet.Changed, "#format")
    def _format_changed(self, event: RadioSet.Changed) -> None:
        fmt = (event.pressed.id or "").removeprefix("format-")
        field = self.query_one("#export-path", Input)
        path = Path(field.value)
        if path.suffix == FORMAT_SUFFIXES[self.fmt]:  # the user's name stays; its ending follows
            prefilled = field.value == self._prefilled
            field.value = str(path.with_suffix(FORMAT_SUFFIXES[fmt]))
            if prefilled:
                self._prefilled = field.value
        self.fmt = fmt
        self.query_one("#export", Button).focus()  # chosen: enter exports

    def _target(self) -> Path:
        raw = self.query_one("#export-path", Input).value.strip()
        if raw == self._prefilled:  # as offered: the real path (what is shown is made safe)
            return self.session.library.export_path(self.session.brief, self.fmt)
        path = Path(raw).expanduser() if raw else self.session.library.workspace.exports_dir
        if not path.is_absolute():
            path = self.session.library.workspace.root / path
        if path.is_dir():
            path = path / self.session.library.export_path(self.session.brief, self.fmt).name
        return path

    # -- writing ------------------------------------------------------------------------

    @on(Button.Pressed, "#export")
    @on(Input.Submitted, "#export-path")
    def action_export(self) -> None:
        target = self._target()
        self._say(f"Writing {tilde(target)}…")
        self.query_one("#export", Button).disabled = True
        self.write(self.fmt, target, self.session.snapshot())

    @work(thread=True, exclusive=True, group="export")
    def write(self, fmt: str, target: Path, brief: Brief) -> None:
        """Build and write the memo on the workers' connection, off the keys."""
        try:
            with self.session.reading() as library:
                path, problems = library.export(brief, fmt, target)
        except BriefingError as error:
            self.app.call_from_thread(self._failed, error.message)
            return
        warnings = [p.message for p in problems if p.severity == "warning"]
        self.app.call_from_thread(self._written, path, warnings)

    def _failed(self, message: str) -> None:
        self.query_one("#export", Button).disabled = False
        self._say(f"Not written: {strip_controls(message)}", error=True)

    def _written(self, path: Path, warnings: list[str]) -> None:
        self.written = path.resolve()
        self.query_one("#export", Button).disabled = False
        for button in ("#open", "#copy"):
            self.query_one(button, Button).disabled = False
        lines = [f"Written: {tilde(self.written)}", "o: open its folder · c: copy the path"]
        lines += [f"warning: {strip_controls(w)}" for w in warnings]
        self._say("\n".join(lines))
        self.query_one("#format", RadioSet).focus()  # another format is one key away

    def _say(self, text: str, error: bool = False) -> None:
        note = self.query_one("#export-note", Static)
        note.update(text)
        note.set_class(error, "dialog-error")

    # -- after writing ------------------------------------------------------------------

    @on(Button.Pressed, "#open")
    def action_open_folder(self) -> None:
        if self.written is None or isinstance(self.focused, Input):
            return
        opener = shutil.which("xdg-open") or shutil.which("open")
        if opener is None:
            self.action_copy_path()
            return
        subprocess.Popen(  # noqa: S603 - the folder we just wrote to, no shell
            [opener, str(self.written.parent)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        self.notify(f"Opened {self.written.parent}", timeout=3)

    @on(Button.Pressed, "#copy")
    def action_copy_path(self) -> None:
        if self.written is None or isinstance(self.focused, Input):
            return
        self.app.copy_to_clipboard(str(self.written))
        self.notify(f"Copied {self.written}", timeout=3)

    @on(Button.Pressed, "#close")
    def _close(self) -> None:
        self.dismiss(None)
