"""Adding sources from the app: a path prompt, a progress bar, and what was done."""

from __future__ import annotations

from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.validation import ValidationResult, Validator
from textual.widgets import Button, DirectoryTree, Input, ProgressBar, Static

from briefing.library import IngestSummary


class ExistingPath(Validator):
    """A file or folder that exists (after ~ is expanded)."""

    def validate(self, value: str) -> ValidationResult:
        if not value.strip():
            return self.failure("Type the path of a file or a folder of articles.")
        if not Path(value.strip()).expanduser().exists():
            return self.failure("No such file or folder.")
        return self.success()


class AddSourcesDialog(ModalScreen[Path | None]):
    """Asks for a file or folder to ingest; a directory tree helps to find it."""

    BINDINGS = [
        Binding("escape", "dismiss(None)", "Cancel"),
        Binding("ctrl+b", "browse", "Browse"),
    ]

    def __init__(self, start: Path) -> None:
        super().__init__()
        self._start = start

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog add-dialog"):
            yield Static("Add sources", classes="dialog-title")
            yield Static(
                "A file (text, Markdown, HTML, PDF, Word, e-mail) or a folder of them.",
                classes="dialog-hint",
            )
            yield Input(
                placeholder="~/Downloads/articles",
                id="path",
                validators=[ExistingPath()],
                validate_on=["submitted", "changed"],
            )
            yield Static("", id="path-error", classes="dialog-error")
            tree = DirectoryTree(self._start, id="tree")
            tree.display = False
            yield tree
            with Horizontal(classes="dialog-buttons"):
                yield Button("Add", variant="primary", id="add")
                yield Button("Browse…", id="browse")
                yield Button("Cancel", id="cancel")

    @on(Input.Changed, "#path")
    def _changed(self, event: Input.Changed) -> None:
        result = event.validation_result
        message = (
            ""
            if result is None or result.is_valid or not event.value
            else result.failure_descriptions[0]
        )
        self.query_one("#path-error", Static).update(message)

    @on(Input.Submitted, "#path")
    @on(Button.Pressed, "#add")
    def _add(self) -> None:
        field = self.query_one("#path", Input)
        result = field.validate(field.value)
        if result is not None and not result.is_valid:
            self.query_one("#path-error", Static).update(result.failure_descriptions[0])
            return
        self.dismiss(Path(field.value.strip()).expanduser())

    @on(Button.Pressed, "#browse")
    def action_browse(self) -> None:
        tree = self.query_one(DirectoryTree)
        tree.display = not tree.display
        if tree.display:
            tree.focus()

    @on(DirectoryTree.FileSelected)
    @on(DirectoryTree.DirectorySelected)
    def _picked(self, event: DirectoryTree.FileSelected | DirectoryTree.DirectorySelected) -> None:
        self.query_one("#path", Input).value = str(event.path)

    @on(Button.Pressed, "#cancel")
    def _cancel(self) -> None:
        self.dismiss(None)


class ProgressDialog(ModalScreen[None]):
    """A progress bar for a long run in a worker; the app closes it when the run ends."""

    def __init__(self, title: str) -> None:
        super().__init__()
        self._title = title

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog progress-dialog"):
            yield Static(self._title, classes="dialog-title")
            yield ProgressBar(total=None, show_eta=False)
            yield Static("", id="progress-file", classes="dialog-hint", markup=False)

    def advance(self, done: int, total: int, name: str) -> None:
        self.query_one(ProgressBar).update(total=max(total, 1), progress=done)
        self.query_one("#progress-file", Static).update(name)


def _counts(s: IngestSummary) -> str:
    """The run in one line, as the CLI counts it; a folder with no file in it is said."""

    def n(count: int, what: str, plural: str) -> str:
        return f"{count} {what if count == 1 else plural}"

    if not (s.added or s.duplicates or s.refused or s.skipped or s.assets):
        return "No files found there: nothing was added."
    parts = [
        f"{len(s.added)} added",
        n(len(s.duplicates), "duplicate", "duplicates") + " already in the workspace",
        f"{len(s.refused)} refused",
    ]
    others = len(s.skipped) + len(s.assets)
    if others:
        parts.append(f"{others} skipped" + (" (not articles)" if s.assets else ""))
    return " · ".join(parts)


class IngestSummaryDialog(ModalScreen[None]):
    """What an ingest did: sources added, duplicates skipped, files refused and why."""

    BINDINGS = [Binding("escape,enter", "dismiss", "Close")]

    def __init__(self, summary: IngestSummary) -> None:
        super().__init__()
        self._summary = summary

    def compose(self) -> ComposeResult:
        s = self._summary
        with Vertical(classes="dialog summary-dialog"):
            yield Static("Sources added", classes="dialog-title")
            yield Static(_counts(s), classes="dialog-body", markup=False)
            with VerticalScroll(classes="summary-list"):
                for source in s.added:
                    yield Static(f"+ {source.title or source.file}", classes="added", markup=False)
                for path, _ in s.duplicates:
                    yield Static(
                        f"= {Path(path).name}: already in the workspace",
                        classes="duplicate",
                        markup=False,
                    )
                for refusal in s.refused:
                    yield Static(
                        f"✗ {Path(refusal.path).name}: {refusal.reason}",
                        classes="refused",
                        markup=False,
                    )
                for skipped in s.skipped:
                    yield Static(
                        f"· {Path(skipped.path).name}: {skipped.reason}",
                        classes="duplicate",
                        markup=False,
                    )
            with Horizontal(classes="dialog-buttons"):
                yield Button("OK", variant="primary", id="ok")

    @on(Button.Pressed)
    def _close(self) -> None:
        self.dismiss(None)
