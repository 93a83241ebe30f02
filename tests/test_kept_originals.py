"""The originals kept in sources/: the user's bytes at the time of ingest, and a clear
word (naming the file) whenever one of them no longer is, never a silent change of the
text that quotes are drawn from."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

from typer.testing import CliRunner

from briefing.cli import app
from briefing.workspace import Workspace
from tests.paths import SAMPLE_SOURCES

runner = CliRunner()
ARTICLE = "001_d8cb56e269939328.txt"


def run(workspace: Path, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["-w", str(workspace), *args], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def _excerpts(workspace: Path) -> list[dict[str, object]]:
    code, out, _ = run(workspace, "excerpts", "--json")
    assert code == 0
    rows: list[dict[str, object]] = json.loads(out)
    return rows


def _typed_into(kept: Path) -> Path:
    """The kept original, with a paragraph the user typed into it by hand."""
    with kept.open("ab") as handle:
        handle.write(b"\n\nA paragraph typed into the kept copy by hand.\n")
    return kept


def test_an_original_changed_in_place_after_ingest_leaves_the_kept_copy_as_it_was(
    workspace: Workspace, inbox: Path
) -> None:
    original = inbox / ARTICLE
    shutil.copyfile(SAMPLE_SOURCES / ARTICLE, original)
    ingested = original.read_bytes()
    assert run(workspace.root, "ingest", str(inbox))[0] == 0
    before = _excerpts(workspace.root)

    # As an editor that writes in place, an append (`>>`) and a sync tool do.
    with original.open("r+b") as handle:
        handle.write(b"EDITED")
    with original.open("ab") as handle:
        handle.write(b"\n\nA paragraph added after the ingest, to the user's own file.\n")

    kept = workspace.sources_dir / ARTICLE
    assert kept.read_bytes() == ingested
    code, _, err = run(workspace.root, "rebuild")
    assert code == 0, err
    assert "changed" not in err
    assert _excerpts(workspace.root) == before


def test_rebuild_names_an_original_changed_by_hand_and_says_what_follows(
    sample_workspace: Workspace,
) -> None:
    kept = _typed_into(sample_workspace.sources_dir / ARTICLE)

    code, out, err = run(sample_workspace.root, "rebuild")
    assert code == 1
    assert "Rebuilt 5 sources" in out
    lines = [line for line in err.splitlines() if line.startswith("changed")]
    assert len(lines) == 1
    assert str(kept) in lines[0] and "changed since it was ingested" in lines[0]
    assert "quotes of the old text no longer match" in lines[0]
    # Said once: the corpus is now read from the file as it is.
    code, _, err = run(sample_workspace.root, "rebuild")
    assert code == 0 and "changed" not in err


def test_rebuild_names_an_original_removed_by_hand_and_its_title(
    sample_workspace: Workspace,
) -> None:
    sources = json.loads(run(sample_workspace.root, "sources", "--json")[1])
    title = next(s["title"] for s in sources if s["file"] == ARTICLE)
    (sample_workspace.sources_dir / ARTICLE).unlink()

    code, out, err = run(sample_workspace.root, "rebuild")
    assert code == 1
    assert "Rebuilt 4 sources" in out
    assert f"{sample_workspace.sources_dir / ARTICLE}: removed since it was ingested" in err
    assert repr(title) in err and "no longer in the corpus" in err


def test_dump_refuses_an_original_changed_since_ingest_and_writes_nothing(
    sample_workspace: Workspace, tmp_path: Path
) -> None:
    kept = sample_workspace.sources_dir / ARTICLE
    kept.write_bytes(kept.read_bytes().replace(b"Pakistan", b"Pakistn", 1))
    target = tmp_path / "dump"

    code, _, err = run(sample_workspace.root, "dump", str(target))
    assert code == 2
    assert str(kept) in " ".join(err.split()) and "changed" in err
    assert not target.exists() or not any(target.iterdir())


def test_a_build_gives_a_hard_linked_original_its_own_copy(
    sample_workspace: Workspace, tmp_path: Path
) -> None:
    """A workspace made by an older briefing kept originals as hard links to the user's
    files; after a rebuild, the user's later edits no longer reach the kept copy."""
    kept = sample_workspace.sources_dir / ARTICLE
    users = tmp_path / "users-copy.txt"
    shutil.copyfile(kept, users)
    kept.unlink()
    os.link(users, kept)
    ingested = kept.read_bytes()

    assert run(sample_workspace.root, "rebuild")[0] == 0
    with users.open("ab") as handle:
        handle.write(b"\n\nWritten to the user's file after the rebuild.\n")
    assert kept.read_bytes() == ingested
    assert kept.stat().st_nlink == 1


def test_the_originals_digests_are_listed_as_sha256sum_writes_them(
    sample_workspace: Workspace,
) -> None:
    """In sources/, `sha256sum -c ../.briefing/originals.sha256` checks them by hand."""
    listed = (sample_workspace.root / ".briefing" / "originals.sha256").read_text()
    originals = sorted(sample_workspace.sources_dir.iterdir())
    assert len(originals) == 5
    assert sorted(listed.splitlines()) == sorted(
        f"{hashlib.sha256(p.read_bytes()).hexdigest()}  {p.name}" for p in originals
    )


def test_rebuild_without_its_database_still_names_a_changed_original(
    sample_workspace: Workspace,
) -> None:
    kept = _typed_into(sample_workspace.sources_dir / ARTICLE)
    for lost in sample_workspace.db_path.parent.glob("corpus.db*"):  # lost: rebuilt
        lost.unlink()

    code, out, err = run(sample_workspace.root, "rebuild")
    assert code == 1 and "Rebuilt 5 sources" in out
    assert f"{kept}: changed since it was ingested" in err
    assert run(sample_workspace.root, "rebuild")[0] == 0  # taken in: said once


def test_a_database_rebuilt_on_its_own_names_a_changed_original_too(
    sample_workspace: Workspace,
) -> None:
    """Any command rebuilds a lost database by itself: it says what `rebuild` says."""
    kept = sample_workspace.sources_dir / ARTICLE
    kept.unlink()
    for lost in sample_workspace.db_path.parent.glob("corpus.db*"):
        lost.unlink()

    code, out, err = run(sample_workspace.root, "sources")
    assert code == 0 and len(json.loads(run(sample_workspace.root, "sources", "--json")[1])) == 4
    assert f"{kept}: removed since it was ingested" in err
