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


def test_only_the_store_modules_know_which_store_there_is() -> None:
    """Above the store (Library, tagger, memo, app, CLI) nothing names PostgreSQL or
    psycopg: `stores.place_of` picks the store, and both answer the same calls."""
    import re
    from pathlib import Path

    package = Path(__file__).resolve().parents[1] / "briefing"
    allowed = {"stores.py", "pgstore.py"}
    naming = re.compile(r"^\s*(from|import)\s+(psycopg|briefing\.pgstore)\b", re.MULTILINE)
    offenders = [
        str(path.relative_to(package))
        for path in package.rglob("*.py")
        if path.name not in allowed and naming.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []
    # ... and a single analyst's commands never load the driver.
    result = subprocess.run(
        [sys.executable, "-c", "import sys, briefing.cli; print('psycopg' in sys.modules)"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip() == "False"


def test_reading_commands_start_without_the_memo_the_tagger_or_rich(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """`search` and `themes` open the store and print: they load no memo renderer (jinja2),
    no tagger (numpy), no rich console (the whole process's start-up is their cost). A
    Markdown export loads the memo, but not Jinja (the bundled layout is plain code), the
    tagger, Typst or the Word writer."""
    from briefing.workspace import init_workspace

    workspace = tmp_path / "w"
    init_workspace(workspace)
    (workspace / "sources" / "a.txt").write_text(
        "Pipeline deal signed\n\nThe two governments signed the gas pipeline deal on Monday "
        "after talks that lasted a week, officials said in the capital.\n",
        encoding="utf-8",
    )
    # The first open builds the store (and tags): that one may load anything.
    subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from briefing.cli import main; "
            f"sys.argv = ['briefing', '-w', {str(workspace)!r}, 'themes']; main()",
        ],
        capture_output=True,
        check=False,
    )
    heavy = {"jinja2", "numpy", "rich", "textual", "briefing.memo", "typst", "docx"}
    export = ["export", "-f", "md", "-o", str(tmp_path / "memo.md")]
    for command in (["search", "pipeline"], ["themes"], export):
        if command is export:
            heavy -= {"briefing.memo"}
        code = (
            "import sys\n"
            "from briefing.cli import main\n"
            f"sys.argv = ['briefing', '-w', {str(workspace)!r}, *{command!r}]\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\n"
            f"heavy = {sorted(heavy)!r}\n"
            "loaded = sorted(m for m in sys.modules if any(m == h or m.startswith(h + '.')"
            " for h in heavy))\n"
            "print('LOADED:' + ','.join(loaded))\n"
        )
        result = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        )
        assert "LOADED:\n" in result.stdout, (command, result.stdout[-500:], result.stderr[-500:])
    assert (tmp_path / "memo.md").read_text(encoding="utf-8").startswith("# MEMORANDUM")
