"""The core knows nothing of Textual or Typer (DESIGN.md: one core, two faces)."""

from __future__ import annotations

import subprocess
import sys

CORE = [
    "briefing.model",
    "briefing.store",
    "briefing.workspace",
    "briefing.library",
    "briefing.ingest",
    "briefing.tagging",
    "briefing.memo",
]


def test_core_imports_neither_textual_nor_typer() -> None:
    code = (
        "import sys\n"
        + "".join(f"import {module}\n" for module in CORE)
        + "faces = {'textual', 'typer', 'rich'}\n"
        + "bad = sorted(m for m in sys.modules if m.split('.')[0] in faces)\n"
        + "print(','.join(bad))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == ""


def test_every_command_has_help() -> None:
    from typer.main import get_command

    from briefing.cli import app

    group = get_command(app)
    for name, command in group.commands.items():  # type: ignore[attr-defined]
        assert command.help, f"`briefing {name}` has no help text"
