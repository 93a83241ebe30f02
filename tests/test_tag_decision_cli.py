"""`briefing tag --excerpt ID --add THEME` learns from the decision at once, as the TUI
does: the other excerpts' tags are what a later `briefing tag` would make of it."""

from __future__ import annotations

import shutil
from pathlib import Path

from typer.testing import CliRunner

from briefing.cli import app
from briefing.library import Library
from briefing.workspace import Workspace

FIXTURE = Path(__file__).parent / "fixtures" / "teaching"
runner = CliRunner()


def _ok(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def _scores(root: Path) -> list[tuple[str, str, float, int]]:
    library = Library.open(Workspace(root))
    try:
        rows = library.store.db.execute(
            "SELECT excerpt_id, theme_id, score, tagged FROM scores ORDER BY 1, 2"
        ).fetchall()
        return [tuple(r) for r in rows]
    finally:
        library.close()


def test_a_decision_in_the_cli_retags_at_once(tmp_path: Path) -> None:
    root = tmp_path / "ws"
    _ok("init", str(root), "--themes", str(FIXTURE / "themes.yaml"))
    _ok("-w", str(root), "ingest", str(FIXTURE / "docs"))
    later = tmp_path / "later"
    shutil.copytree(root, later)
    before = _scores(root)
    library = Library.open(Workspace(root))
    # A paragraph on the pickers' wages that the farm-labour keywords do not tag.
    untagged = [e.id for e in library.store.excerpts() if e.text.startswith("Gómez now offers")]
    assert untagged and not library.store.themes_of(untagged).get(untagged[0])
    library.close()

    out = _ok("-w", str(root), "tag", "--excerpt", untagged[0], "--add", "farm-labour")
    assert out.strip() == f"{untagged[0]}: farm-labour added"
    now = _scores(root)
    assert now != before  # the theme learned from the decision, not only that excerpt

    # The same decision followed by `briefing tag`, as the CLI used to need.
    _ok("-w", str(later), "tag", "--excerpt", untagged[0], "--add", "farm-labour")
    _ok("-w", str(later), "tag")
    assert _scores(later) == now
