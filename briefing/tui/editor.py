"""Long text in the user's own editor ($VISUAL, $EDITOR, else a plain one found on PATH)."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import tempfile
from pathlib import Path

from textual.app import App, SuspendNotSupported

FALLBACKS = ("nano", "vi")


def editor_command() -> list[str] | None:
    """The editor to run, as words; None when there is none."""
    for name in ("VISUAL", "EDITOR"):
        value = os.environ.get(name, "").strip()
        if value:
            return shlex.split(value)
    found = next((shutil.which(name) for name in FALLBACKS if shutil.which(name)), None)
    return [found] if found else None


def edit_in_editor(app: App[object], text: str, what: str) -> str | None:
    """The text as the user left it in their editor; None when unchanged or no editor ran.

    The app is suspended so the editor has the terminal; where it cannot be (a test's
    headless app), the editor runs without it.
    """
    command = editor_command()
    if command is None:
        app.notify("No editor: set $EDITOR (for example EDITOR=nano).", severity="warning")
        return None
    with tempfile.TemporaryDirectory(prefix="briefing-") as folder:
        path = Path(folder) / f"{what}.md"
        path.write_text(text + ("\n" if text and not text.endswith("\n") else ""), "utf-8")
        try:
            try:
                with app.suspend():
                    code = subprocess.call([*command, str(path)])  # noqa: S603
            except SuspendNotSupported:
                code = subprocess.call(
                    [*command, str(path)],  # noqa: S603
                    stdin=subprocess.DEVNULL,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
        except OSError as error:
            app.notify(f"{command[0]}: cannot run ({error.strerror}).", severity="error")
            return None
        if code != 0:
            app.notify(f"{command[0]} exited with {code}: the {what} is unchanged.", timeout=4)
            return None
        edited = path.read_text(encoding="utf-8", errors="replace").strip()
    return None if edited == text.strip() else edited
