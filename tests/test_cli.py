"""The command line as scripts use it: JSON fields, exit codes, messages on stderr."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from briefing.cli import app
from briefing.workspace import Workspace
from tests.paths import GOLD, SAMPLE_SOURCES

runner = CliRunner()


def run(workspace: Path | None, *args: str) -> tuple[int, str, str]:
    prefix = ["-w", str(workspace)] if workspace else []
    result = runner.invoke(app, [*prefix, *args], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_init_then_ingest_the_sample(tmp_path: Path) -> None:
    root = tmp_path / "arctic"
    code, out, _ = run(None, "init", str(root))
    assert code == 0 and "Created workspace" in out
    assert (root / "themes.yaml").is_file() and (root / "sources").is_dir()

    code, out, err = run(root, "ingest", str(SAMPLE_SOURCES))
    assert code == 0, err
    assert "5 added, 0 duplicate, 0 refused" in out
    assert sorted(p.name for p in (root / "sources").iterdir()) == sorted(
        p.name for p in SAMPLE_SOURCES.iterdir()
    )

    code, out, _ = run(root, "ingest", str(SAMPLE_SOURCES))
    assert code == 0 and "0 added, 5 duplicate, 0 refused" in out


def test_init_refuses_an_existing_workspace(sample_workspace: Workspace) -> None:
    code, _, err = run(None, "init", str(sample_workspace.root))
    assert code == 2 and "already a workspace" in err


def test_sources_json_fields(sample_workspace: Workspace) -> None:
    code, out, _ = run(sample_workspace.root, "sources", "--json")
    assert code == 0
    rows = json.loads(out)
    assert len(rows) == 5
    assert set(rows[0]) == {
        "id", "title", "author", "authors", "outlet", "date", "url", "accessed", "type",
        "file", "excerpts",
    }  # fmt: skip
    for row in rows:  # the display string is the list, joined as a citation joins names
        assert row["author"] == (" and ".join(row["authors"]) or None)
    diplomat = next(r for r in rows if r["file"].startswith("001_"))
    assert diplomat["author"] == "Sudha Ramachandran"
    assert diplomat["authors"] == ["Sudha Ramachandran"] and diplomat["type"] == "article"
    assert diplomat["date"] == "2014-12-03"
    assert diplomat["excerpts"] >= 7


def test_excerpts_json_and_filters(sample_workspace: Workspace) -> None:
    code, out, _ = run(sample_workspace.root, "excerpts", "--json")
    rows = json.loads(out)
    assert code == 0 and rows
    assert set(rows[0]) == {"id", "source", "text", "themes", "scores"}
    source_id = rows[0]["source"]
    _, out, _ = run(sample_workspace.root, "excerpts", "--source", source_id, "--json")
    assert {r["source"] for r in json.loads(out)} == {source_id}
    _, out, _ = run(sample_workspace.root, "excerpts", "--theme", "energy-gwadar", "--json")
    energy = json.loads(out)
    assert energy and all("energy-gwadar" in r["themes"] for r in energy)
    assert any("Gwadar" in r["text"] for r in energy)


def test_unknown_theme_is_a_usage_error(sample_workspace: Workspace) -> None:
    code, _, err = run(sample_workspace.root, "excerpts", "--theme", "nope")
    assert code == 2 and "no theme 'nope'" in err and "arms-sales" in err


def test_search_json(sample_workspace: Workspace) -> None:
    code, out, _ = run(sample_workspace.root, "search", "Gwadar", "--json")
    rows = json.loads(out)
    assert code == 0 and rows
    assert all("gwadar" in r["text"].lower() for r in rows)
    code, out, _ = run(
        sample_workspace.root, "search", "Gwadar", "--theme", "afghanistan", "--json"
    )
    assert code == 0


def test_search_counts_its_results_in_words(sample_workspace: Workspace) -> None:
    code, out, _ = run(sample_workspace.root, "search", "Gwadar", "--limit", "1")
    assert code == 0 and out.splitlines()[-1] == "1 result"
    code, out, _ = run(sample_workspace.root, "search", "Gwadar", "--limit", "2")
    assert code == 0 and out.splitlines()[-1] == "2 results"


def test_themes_counts_and_matrix(sample_workspace: Workspace) -> None:
    code, out, _ = run(sample_workspace.root, "themes", "--json")
    rows = json.loads(out)
    assert code == 0
    assert [r["id"] for r in rows] == [
        "arms-sales",
        "afghanistan",
        "india-reaction",
        "energy-gwadar",
    ]
    assert all(r["excerpts"] > 0 and 0 < r["sources"] <= 5 for r in rows)
    code, out, _ = run(sample_workspace.root, "themes", "--matrix", "--json")
    matrix = json.loads(out)
    assert code == 0 and len(matrix) == 5
    assert sum(sum(r["themes"].values()) for r in matrix) == sum(r["excerpts"] for r in rows)


def test_explain_and_manual_decision(sample_workspace: Workspace) -> None:
    _, out, _ = run(sample_workspace.root, "excerpts", "--theme", "energy-gwadar", "--json")
    excerpt_id = json.loads(out)[0]["id"]
    code, out, _ = run(sample_workspace.root, "tag", "--explain", excerpt_id)
    assert code == 0 and "energy-gwadar" in out and "matched:" in out

    code, _, _ = run(
        sample_workspace.root, "tag", "--excerpt", excerpt_id, "--remove", "energy-gwadar"
    )
    assert code == 0
    assert "energy-gwadar" in (sample_workspace.root / "tags.yaml").read_text()
    _, out, _ = run(sample_workspace.root, "excerpts", "--theme", "energy-gwadar", "--json")
    assert excerpt_id not in {r["id"] for r in json.loads(out)}
    # The decision survives re-tagging and a rebuild from the files.
    assert run(sample_workspace.root, "tag")[0] == 0
    assert run(sample_workspace.root, "rebuild")[0] == 0
    _, out, _ = run(sample_workspace.root, "excerpts", "--theme", "energy-gwadar", "--json")
    assert excerpt_id not in {r["id"] for r in json.loads(out)}
    _, out, _ = run(sample_workspace.root, "tag", "--explain", excerpt_id)
    assert "manual: removed" in out


def test_rebuild_recreates_a_lost_database(sample_workspace: Workspace) -> None:
    _, before, _ = run(sample_workspace.root, "excerpts", "--json")
    shutil.rmtree(sample_workspace.root / ".briefing")
    code, out, _ = run(sample_workspace.root, "rebuild")
    assert code == 0 and "Rebuilt 5 sources" in out
    _, after, _ = run(sample_workspace.root, "excerpts", "--json")
    assert json.loads(after) == json.loads(before)


def test_corrupt_database_is_rebuilt_by_rebuild(sample_workspace: Workspace) -> None:
    db = sample_workspace.db_path
    for extra in (Path(str(db) + "-wal"), Path(str(db) + "-shm")):
        extra.unlink(missing_ok=True)
    db.write_bytes(b"garbage" * 1000)
    code, _, err = run(sample_workspace.root, "sources")
    assert code == 2 and "briefing rebuild" in err
    assert run(sample_workspace.root, "rebuild")[0] == 0
    assert run(sample_workspace.root, "sources")[0] == 0


def test_bad_files_are_refused_and_the_rest_ingested(
    workspace: Workspace, tmp_path: Path, inbox: Path
) -> None:
    shutil.copy(SAMPLE_SOURCES / "001_d8cb56e269939328.txt", inbox / "good.txt")
    (inbox / "empty.txt").write_text("")
    (inbox / "binary.txt").write_bytes(bytes(range(256)) * 40)
    (inbox / "picture.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(100))
    code, out, err = run(workspace.root, "ingest", str(inbox), str(tmp_path / "missing.txt"))
    assert code == 1
    assert "1 added" in out and "3 refused, 1 skipped" in out
    for name in ("empty.txt", "binary.txt", "missing.txt"):
        assert name in err
    assert "picture.png" not in err  # in a folder, an image is skipped, not refused
    assert "Traceback" not in err + out


def test_broken_themes_file_names_path_and_line(sample_workspace: Workspace) -> None:
    themes = sample_workspace.themes_path
    themes.write_text(themes.read_text() + "\n  - id: [broken\n")
    code, _, err = run(sample_workspace.root, "themes")
    assert code == 2
    assert str(themes) in err and ":" in err
    assert "Traceback" not in err


def test_workspace_from_environment_and_current_folder(
    sample_workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BRIEFING_WORKSPACE", str(sample_workspace.root))
    code, out, _ = run(None, "sources", "--json")
    assert code == 0 and len(json.loads(out)) == 5
    monkeypatch.delenv("BRIEFING_WORKSPACE")
    monkeypatch.chdir(sample_workspace.root)
    code, out, _ = run(None, "sources", "--json")
    assert code == 0 and len(json.loads(out)) == 5


def test_no_workspace_uses_a_copy_of_the_sample(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, _ = run(None, "sources", "--json")
    assert code == 0 and len(json.loads(out)) == 5
    copy = Path(os.environ["BRIEFING_DATA_DIR"]) / "sample"
    assert (copy / "themes.yaml").is_file() and (copy / ".briefing" / "corpus.db").is_file()


def test_missing_workspace_is_a_usage_error(tmp_path: Path) -> None:
    code, _, err = run(tmp_path / "nowhere", "sources")
    assert code == 2 and "briefing init" in err


@pytest.mark.skipif(not GOLD.is_file(), reason="shared/eval is beside the repository in CI")
def test_eval_on_the_sample_gold(sample_workspace: Workspace) -> None:
    code, out, _ = run(sample_workspace.root, "eval", str(GOLD), "--json")
    assert code == 0
    report = json.loads(out)
    assert report["macro"]["f1"] >= 0.90


def test_a_different_subject_end_to_end(tmp_path: Path) -> None:
    """Another user's taxonomy and articles: init, ingest, tag, eval, export, verify."""
    arctic = Path(__file__).parent / "fixtures" / "tagging" / "arctic"
    root = tmp_path / "arctic"
    assert run(None, "init", str(root), "--themes", str(arctic / "themes.yaml"))[0] == 0
    code, out, err = run(root, "ingest", str(arctic / "articles"))
    assert code == 0, err
    code, out, _ = run(root, "themes", "--json")
    counts = {r["id"]: r["excerpts"] for r in json.loads(out)}
    assert set(counts) == {
        "shipping-routes",
        "military-buildup",
        "climate-ice",
        "indigenous-rights",
    }
    assert all(counts.values())
    code, out, _ = run(root, "eval", str(arctic / "gold.yaml"), "--json")
    assert code == 0 and json.loads(out)["macro"]["f1"] >= 0.8
    memo = tmp_path / "arctic.md"
    code, _, err = run(root, "export", "--format", "md", "--theme", "climate-ice", "-o", str(memo))
    assert code == 0, err
    assert "## Climate and sea ice" in memo.read_text(encoding="utf-8")
    code, out, _ = run(root, "verify", str(memo))
    assert code == 0 and "match their sources" in out


def test_sources_table_shows_the_url(
    sample_workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    from briefing.library import Library

    monkeypatch.setenv("COLUMNS", "200")  # a narrow terminal cuts the title and URL alike
    library = Library.open(sample_workspace)
    source = library.store.sources()[0]
    library.correct_metadata(source.id, url="https://example.org/2014/11/pact")
    library.close()
    code, out, _ = run(sample_workspace.root, "sources")
    assert code == 0
    header, *lines = out.splitlines()
    assert header.split()[-1] == "url"
    line = next(line for line in lines if line.startswith(source.id))
    assert line.endswith("https://example.org/2014/11/pact")
    _, out, _ = run(sample_workspace.root, "sources", "--json")
    row = next(r for r in json.loads(out) if r["id"] == source.id)
    assert row["url"] == "https://example.org/2014/11/pact"
