"""The CLI as a newcomer meets it: a starter themes.yaml, and a memo of no theme refused."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from briefing.cli import app
from briefing.tagging import load_themes
from briefing.workspace import Workspace

runner = CliRunner()


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_init_writes_a_commented_one_theme_starter(tmp_path: Path) -> None:
    root = tmp_path / "new-subject"
    code, out, _ = run("init", str(root))
    assert code == 0 and "themes.yaml" in out
    text = (root / "themes.yaml").read_text(encoding="utf-8")
    assert text.startswith("#") and "keywords" in text
    themes = load_themes(root / "themes.yaml")
    assert len(themes) == 1


def test_init_with_themes_copies_them(tmp_path: Path, sample_workspace: Workspace) -> None:
    root = tmp_path / "copy"
    code, _, _ = run("init", str(root), "--themes", str(sample_workspace.themes_path))
    assert code == 0
    assert len(load_themes(root / "themes.yaml")) == 4


def test_export_of_a_brief_with_no_theme_is_refused(sample_workspace: Workspace) -> None:
    sample_workspace.brief_path.write_text("title: Nothing chosen\nthemes: []\n", "utf-8")
    out = sample_workspace.exports_dir / "memo.md"
    code, _, err = run("-w", str(sample_workspace.root), "export", "-f", "md", "-o", str(out))
    assert code == 2
    assert "brief.yaml" in err and "no theme is chosen" in err
    assert not out.exists()


def test_export_of_a_brief_whose_themes_are_all_out_is_refused(
    sample_workspace: Workspace,
) -> None:
    sample_workspace.brief_path.write_text(
        "title: All out\nthemes:\n  - id: arms-sales\n    include: false\n", "utf-8"
    )
    code, _, err = run("-w", str(sample_workspace.root), "export", "-f", "pdf")
    assert code == 2 and "brief.yaml" in err
    assert not any(sample_workspace.exports_dir.iterdir())


def test_the_readme_names_every_command_and_export_format() -> None:
    """A newcomer learns the commands from the README's table: none may be missing."""
    import typer.main

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    table = [line for line in readme.splitlines() if line.startswith("| `briefing")]
    command = typer.main.get_command(app)
    names = [name for name in command.commands if name != "tui"]  # type: ignore[attr-defined]
    missing = [name for name in names if not any(f"`briefing {name}" in r for r in table)]
    assert not missing
    export_row = next(row for row in table if "`briefing export" in row)
    export = command.commands["export"]  # type: ignore[attr-defined]
    formats = next(p for p in export.params if p.name == "fmt" or "--format" in p.opts).type
    for fmt in formats.choices:
        assert fmt in export_row
    assert "source .venv/bin/activate" in readme  # `briefing` is not on the path after make run


def test_the_command_list_in_help_is_never_cut_short() -> None:
    """`briefing --help` in an 80-column terminal: each command's line reads whole."""
    result = runner.invoke(app, ["--help"], terminal_width=80)
    assert result.exit_code == 0
    listed = result.stdout.split("Commands:")[1].splitlines()
    rows = [line for line in listed if line.strip()]
    assert len(rows) >= 14
    assert not [row for row in rows if row.rstrip().endswith("...")]


def test_ingest_of_an_empty_folder_says_it_found_no_files(tmp_path: Path) -> None:
    root = tmp_path / "ws"
    assert run("init", str(root))[0] == 0
    empty = tmp_path / "Downloads"
    empty.mkdir()
    code, out, err = run("-w", str(root), "ingest", str(empty))
    assert code == 0 and "0 added" in out
    assert f"no files found in {empty}" in err


def test_sources_of_a_new_workspace_says_there_are_none(tmp_path: Path) -> None:
    root = tmp_path / "ws"
    assert run("init", str(root))[0] == 0
    code, out, err = run("-w", str(root), "sources")
    assert code == 0 and out == ""
    assert "no sources yet" in err and "briefing ingest" in err


def test_tags_of_an_older_tagger_are_called_out_of_date_not_an_edit(
    sample_workspace: Workspace,
) -> None:
    """After an upgrade the stored tags follow the old tagger: the note must not claim the
    user changed themes.yaml (they did not), and must give the remedy."""
    from briefing.library import Library

    library = Library.open(sample_workspace)
    library.store.set_setting("tagger", "from-an-older-version")
    library.close()
    code, _, err = run("-w", str(sample_workspace.root), "themes")
    assert code == 0
    assert "tags are out of date" in err and "upgrade" in err and "briefing tag" in err


def test_export_of_a_brief_naming_only_unknown_themes_is_refused(
    sample_workspace: Workspace,
) -> None:
    """A brief from another workspace (or a theme renamed): every section would be left
    out, and a memo of a header alone must not be written as if all went well."""
    sample_workspace.brief_path.write_text(
        "title: Elsewhere\nthemes:\n  - id: sea-ice\n  - id: shipping-routes\n", "utf-8"
    )
    out = sample_workspace.exports_dir / "memo.md"
    code, _, err = run("-w", str(sample_workspace.root), "export", "-f", "md", "-o", str(out))
    assert code == 2
    assert "brief.yaml" in err and "sea-ice, shipping-routes" in err and "arms-sales" in err
    assert not out.exists()


def test_a_file_without_extension_is_refused_in_words(tmp_path: Path) -> None:
    root = tmp_path / "ws"
    assert run("init", str(root))[0] == 0
    notes = tmp_path / "notes"
    notes.write_text("A pasted article with no extension on its name.\n", "utf-8")
    code, _, err = run("-w", str(root), "ingest", str(notes))
    assert code == 1
    assert f"{notes}: no extension to tell its type; briefing reads" in err
    assert "(none)" not in err


def test_verify_of_something_that_is_not_a_markdown_memo_says_so(
    sample_workspace: Workspace, tmp_path: Path
) -> None:
    """An article, or the PDF export, handed to verify: not 'All 0 quotes match', not a
    codec's message."""
    root = str(sample_workspace.root)
    article = next(sample_workspace.sources_dir.glob("*.txt"))
    code, out, err = run("-w", root, "verify", str(article))
    assert code == 2 and "All 0" not in out
    assert f"{article}: no quote with a note in it" in err
    pdf = tmp_path / "memo.pdf"
    assert run("-w", root, "export", "-f", "pdf", "--theme", "arms-sales", "-o", str(pdf))[0] == 0
    code, _, err = run("-w", root, "verify", str(pdf))
    assert code == 2 and f"{pdf}: not a Markdown memo" in err and "codec" not in err
    memo = tmp_path / "memo.md"
    assert run("-w", root, "export", "-f", "md", "--theme", "arms-sales", "-o", str(memo))[0] == 0
    text = memo.read_text(encoding="utf-8").replace("Russia", "Rossiya", 1)
    memo.write_text(text, encoding="utf-8")
    code, out, _ = run("-w", root, "verify", str(memo))
    assert code == 1 and out.startswith("1 of ") and "quotes does not match" in out


def test_ingest_with_the_starter_theme_left_in_says_to_write_themes(
    tmp_path: Path, sample_workspace: Workspace
) -> None:
    """The editing step skipped: the placeholder theme would tag excerpts by its
    placeholder description, so the newcomer is told to write their themes."""
    root = tmp_path / "ws"
    assert run("init", str(root))[0] == 0
    article = next(sample_workspace.sources_dir.glob("*.txt"))
    code, _, err = run("-w", str(root), "ingest", str(article))
    assert code == 0
    assert "still holds the starter's example theme 'example-theme'" in err
    own = tmp_path / "own"
    assert run("init", str(own), "--themes", str(sample_workspace.themes_path))[0] == 0
    code, _, err = run("-w", str(own), "ingest", str(article))
    assert code == 0 and "starter" not in err


def test_tag_with_an_excerpt_and_no_decision_is_refused(sample_workspace: Workspace) -> None:
    """`tag --excerpt ID` alone re-tagged the whole corpus and said nothing of the ID."""
    code, out, err = run("-w", str(sample_workspace.root), "tag", "--excerpt", "0123456789ab")
    assert code == 2 and "Tagged" not in out
    assert "--excerpt 0123456789ab needs --add THEME" in err
