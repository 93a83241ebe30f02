"""The files of ../shared/reliability/ that once broke briefing: YAML limits, runaway
regexes, escape sequences, writes through odd paths. Each case runs the real command
(CliRunner, or the installed program when time or memory is what failed) on the real file.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from briefing.cli import app
from briefing.workspace import Workspace, init_workspace
from tests.paths import SAMPLE_SOURCES, SHARED

RELIABILITY = SHARED / "reliability"
GOOD = sorted(SAMPLE_SOURCES.iterdir())[0]  # a sample article (esc_title.* hold another)
ESC_FILES = ("esc_title.txt", "esc_title.html", "hostile.txt", "hostile.meta.yaml")
# ESC, and the C1 controls a terminal may read as CSI, OSC, DCS...; and what the
# sequences in the files would have left behind had only their ESC been removed.
TERMINAL_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
LEFTOVERS = ("OWNED", "]52;", "[2J", "PWN", "[31m", "[5m")

runner = CliRunner()


def run(workspace: Path, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["-w", str(workspace), *args], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


# The installed program, reporting its own peak memory when it exits; a hang fails the
# test at the timeout instead of hanging the suite.
_REAL = """
import atexit, resource, sys
atexit.register(lambda: sys.stderr.write(
    f"\\npeak-kb {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}\\n"))
from briefing.cli import main
sys.argv = ["briefing", *sys.argv[1:]]
main()
"""


def run_real(workspace: Path, *args: str, timeout: float = 120) -> tuple[int, str, str, int]:
    """Exit code, stdout, stderr and peak memory in MB of `briefing -w WORKSPACE ARGS`."""
    env = {**os.environ, "BRIEFING_DATA_DIR": str(workspace.parent / "user-data")}
    done = subprocess.run(
        [sys.executable, "-c", _REAL, "-w", str(workspace), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
    )
    peak = re.search(r"peak-kb (\d+)", done.stderr)
    assert peak, done.stderr
    return done.returncode, done.stdout, done.stderr, int(peak.group(1)) // 1024


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    return init_workspace(tmp_path / "ws").root


def _inbox(tmp_path: Path, *names: str) -> Path:
    """A folder with the named reliability files and one good article."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for name in names:
        shutil.copy(RELIABILITY / name, inbox / name)
    shutil.copy(GOOD, inbox / GOOD.name)
    return inbox


def _stored(workspace: Path) -> list[str]:
    code, out, _ = run(workspace, "sources", "--json")
    assert code == 0
    return [row["file"] for row in json.loads(out)]


# -- front matter --------------------------------------------------------------------


def test_front_matter_alias_bomb_is_refused_quickly_in_little_memory(
    ws: Path, tmp_path: Path
) -> None:
    inbox = _inbox(tmp_path, "bomb_md.md")
    code, out, err, peak_mb = run_real(ws, "ingest", str(inbox))
    assert code == 1, err
    assert re.search(r"refused .*bomb_md\.md: front matter line \d+: .*alias", err), err
    assert "1 added" in out and "Traceback" not in err
    assert peak_mb < 512, f"peak {peak_mb} MB"
    assert _stored(ws) == [GOOD.name]


def test_front_matter_with_an_impossible_timestamp_is_that_files_refusal(
    ws: Path, tmp_path: Path
) -> None:
    inbox = _inbox(tmp_path, "repro_badtimestamp_min.md")
    code, out, err = run(ws, "ingest", str(inbox))
    assert code == 1
    assert "repro_badtimestamp_min.md: front matter line 2:" in err and "month" in err
    assert "1 added" in out and "Traceback" not in err
    assert _stored(ws) == [GOOD.name]


@pytest.mark.parametrize(
    ("front", "reason"),
    [
        ('title: "\\ud800"', "surrogate"),
        ("title: " + "[" * 20_000, "nested"),
        ("date: !!int " + "9" * 5000, "4300 digits"),
    ],
)
def test_front_matter_over_a_limit_is_refused_with_its_line(
    ws: Path, tmp_path: Path, front: str, reason: str
) -> None:
    article = GOOD.read_text(encoding="utf-8")
    (tmp_path / "a.md").write_text(f"---\n{front}\n---\n{article}", encoding="utf-8")
    code, _, err = run(ws, "ingest", str(tmp_path / "a.md"))
    assert code == 1 and "a.md: front matter line 2:" in err and reason in err, err


def test_front_matter_that_is_not_yaml_is_not_metadata(ws: Path, tmp_path: Path) -> None:
    """Dashes around prose are a thematic break, not front matter: the article is kept."""
    article = GOOD.read_text(encoding="utf-8")
    (tmp_path / "a.md").write_text(f"---\nnot: valid: yaml: [\n---\n{article}", "utf-8")
    code, out, _ = run(ws, "ingest", str(tmp_path / "a.md"))
    assert code == 0 and "1 added" in out


# -- the workspace's YAML files --------------------------------------------------------


def test_themes_alias_bomb_is_refused_with_path_and_line_in_little_memory(ws: Path) -> None:
    shutil.copy(RELIABILITY / "repro_alias_themes.yaml", ws / "themes.yaml")
    code, _, err, peak_mb = run_real(ws, "themes")
    assert code == 2
    assert f"{ws / 'themes.yaml'}:5: its aliases" in err, err
    assert "Traceback" not in err and peak_mb < 512, f"peak {peak_mb} MB"


def test_themes_with_a_5000_digit_number_is_refused_with_path_and_line(ws: Path) -> None:
    shutil.copy(RELIABILITY / "repro_bigint_themes.yaml", ws / "themes.yaml")
    code, _, err = run(ws, "themes")
    assert code == 2
    assert f"{ws / 'themes.yaml'}:5: threshold has 5000 digits" in err


def test_a_20000_deep_brief_is_refused_with_path_and_line(ws: Path) -> None:
    shutil.copy(RELIABILITY / "repro_deep_brief.yaml", ws / "brief.yaml")
    code, _, err = run(ws, "export", "-f", "md", "-o", "-")
    assert code == 2
    assert f"{ws / 'brief.yaml'}:1: items are nested more than" in err
    assert "RecursionError" not in err


@pytest.mark.parametrize(
    ("written", "reason"),
    [
        ("010", "leading zero"),
        ("1:30", "base 60"),
        ("9" * 5000, "5000 digits"),
        ("0x10", "plain digits"),
    ],
)
def test_brief_numbers_yaml_would_misread_are_refused(ws: Path, written: str, reason: str) -> None:
    (ws / "brief.yaml").write_text(
        f"title: T\nthemes:\n  - id: arms-sales\n    max_excerpts: {written}\n", encoding="utf-8"
    )
    code, _, err = run(ws, "export", "-f", "md", "-o", "-")
    assert code == 2 and f"{ws / 'brief.yaml'}:4:" in err and reason in err, err


def test_a_lone_surrogate_in_a_meta_file_refuses_that_file(ws: Path, inbox: Path) -> None:
    shutil.copy(GOOD, inbox / "a.txt")
    (inbox / "a.meta.yaml").write_text('title: "\\ud800"\n', encoding="utf-8")
    code, _, err = run(ws, "ingest", str(inbox))
    assert code == 1 and "a.txt" in err and "a.meta.yaml:1:" in err and "surrogate" in err
    assert "UnicodeEncodeError" not in err


def test_a_lone_surrogate_in_themes_is_refused_with_its_line(ws: Path) -> None:
    text = (ws / "themes.yaml").read_text(encoding="utf-8")
    (ws / "themes.yaml").write_text(text.replace("label:", 'label: "\\ud800" #', 1), "utf-8")
    code, _, err = run(ws, "themes")
    assert code == 2 and "surrogate" in err and re.search(r"themes\.yaml:\d+:", err)


def test_tags_yaml_ids_that_are_paths_are_refused_with_their_line(
    sample_workspace: Workspace,
) -> None:
    root = sample_workspace.root
    (root / "tags.yaml").write_text("../../x:\n  added: [arms-sales]\n", encoding="utf-8")
    code, _, err = run(root, "sources")
    assert code == 2
    assert f"{root / 'tags.yaml'}:1: '../../x' is not an excerpt id" in err


def test_tags_yaml_decisions_on_unknown_excerpts_or_themes_are_reported(
    sample_workspace: Workspace,
) -> None:
    root = sample_workspace.root
    code, out, _ = run(root, "excerpts", "--json")
    known = json.loads(out)[0]["id"]
    (root / "tags.yaml").write_text(
        f"0123456789ab:\n  added: [arms-sales]\n{known}:\n  removed: [no-such-theme]\n",
        encoding="utf-8",
    )
    code, _, err = run(root, "themes")
    assert code == 0
    assert "excerpt 0123456789ab is not in the corpus" in err
    assert f"theme 'no-such-theme' (excerpt {known}) is not in themes.yaml" in err
    code, _, err = run(root, "tag")
    assert code == 0 and "0123456789ab is not in the corpus" in err


# -- themes.yaml patterns ----------------------------------------------------------------


def test_a_catastrophic_pattern_does_not_hang_ingest(ws: Path) -> None:
    """On Python's re, (\\w+\\s?)+$ takes hours on any sentence that ends in a full stop."""
    shutil.copy(RELIABILITY / "repro_redos_themes.yaml", ws / "themes.yaml")
    code, out, err, _ = run_real(ws, "ingest", str(GOOD))
    assert code == 0, err
    assert "1 added" in out


def test_a_pattern_re2_cannot_run_is_refused_at_load_with_its_line(ws: Path) -> None:
    (ws / "themes.yaml").write_text(
        "themes:\n  - id: a\n    label: A\n    patterns:\n      - 'ok'\n      - '(a)\\1'\n",
        encoding="utf-8",
    )
    code, _, err = run(ws, "themes")
    assert code == 2 and f"{ws / 'themes.yaml'}:6:" in err and "RE2" in err


# -- escape sequences --------------------------------------------------------------------


def _all_output(root: Path) -> str:
    """Everything the read commands print, and the exported memo."""
    printed = []
    for args in (
        ("sources",),
        ("sources", "--json"),
        ("excerpts",),
        ("excerpts", "--json"),
        ("search", "arms"),
        ("search", "arms", "--json"),
        ("themes", "--matrix"),
        ("export", "-f", "md", "-o", "-"),
        ("export", "-f", "md", "-o", str(root / "memo.md")),
    ):
        code, out, err = run(root, *args)
        assert code in (0, 1), (args, err)
        printed += [out, err]
    printed.append((root / "memo.md").read_text(encoding="utf-8"))
    return "\n".join(printed)


def test_escape_sequences_in_sources_never_reach_the_terminal_or_the_memo(
    ws: Path, tmp_path: Path
) -> None:
    inbox = _inbox(tmp_path, *ESC_FILES)
    code, out, err = run(ws, "ingest", str(inbox))
    assert code == 0, err
    assert not TERMINAL_CONTROL.search(out + err)
    text = _all_output(ws)
    assert not TERMINAL_CONTROL.search(text)
    assert not [left for left in LEFTOVERS if left in text]
    assert "Arms deal" in text and "Russia arms deal news" in text  # the rest of it kept


def test_an_old_store_holding_escape_sequences_prints_none(
    sample_workspace: Workspace,
) -> None:
    """A store written before ingest removed them: every face cleans what it shows."""
    root = sample_workspace.root
    hostile = "Arms \x1b]0;OWNED\x07\x1b[2J\x9b31m deal"
    with sqlite3.connect(sample_workspace.db_path) as db:
        db.execute("UPDATE sources SET title = ?, author = ?", (hostile, hostile))
        db.execute("UPDATE excerpts SET text = text || ?", (hostile,))
    text = _all_output(root)
    assert not TERMINAL_CONTROL.search(text)
    assert "OWNED" not in text and "Arms  deal" in text.replace("Arms deal", "Arms  deal")


def test_the_tui_draws_no_escape_sequence(ws: Path, tmp_path: Path) -> None:
    from briefing.library import Library
    from briefing.tui.app import BriefingApp

    run(ws, "ingest", str(_inbox(tmp_path, *ESC_FILES)))
    with sqlite3.connect(Workspace(ws).db_path) as db:  # and an old store's text
        db.execute("UPDATE sources SET title = title || ?", ("\x1b]0;OWNED\x07",))
    hostile_folder = ws.rename(ws.parent / "ws\x1b[2J")  # the header shows its name

    async def screenshots() -> list[str]:
        """The main screen, an excerpt's source, and a search's results."""
        from briefing.tui.widgets.excerpt_table import ExcerptTable

        app = BriefingApp(library)
        shots = []
        async with app.run_test(size=(160, 50)) as pilot:
            await pilot.pause(0.3)
            await app.workers.wait_for_complete()
            shots.append(app.export_screenshot())
            app.screen.query_one(ExcerptTable).focus()
            await pilot.press("o")
            await pilot.pause(0.3)
            shots.append(app.export_screenshot())
            await pilot.press("escape", "slash")
            await pilot.pause(0.2)
            await pilot.press(*"deal", "enter")
            await pilot.pause(0.5)
            shots.append(app.export_screenshot())
        return shots

    library = Library.open(Workspace(hostile_folder))
    try:
        main, source, search = asyncio.run(screenshots())
    finally:
        library.close()
    assert "Why\u00a0these\u00a0themes".replace("\u00a0", "&#160;") in source
    assert "deal" in search and search != main
    screen = main + source + search
    assert not TERMINAL_CONTROL.search(screen)
    assert "OWNED" not in screen and "[2J" not in screen
    assert "Arms&#160;sales" in screen and "Diplomat" in screen  # the lists were drawn


# -- export -o: writes that respect what a path is ---------------------------------------


def test_export_through_a_symlink_writes_its_target(
    sample_workspace: Workspace, tmp_path: Path
) -> None:
    target = tmp_path / "shared" / "memo.md"
    target.parent.mkdir()
    target.write_text("old memo", encoding="utf-8")
    link = tmp_path / "memo-link.md"
    link.symlink_to(target)
    code, _, err = run(sample_workspace.root, "export", "-f", "md", "-o", str(link))
    assert code == 0, err
    assert link.is_symlink() and link.resolve() == target
    assert target.read_text(encoding="utf-8").startswith("# MEMORANDUM")
    assert sorted(p.name for p in target.parent.iterdir()) == ["memo.md"]  # no temp left


def test_export_onto_a_folder_is_refused(sample_workspace: Workspace, tmp_path: Path) -> None:
    code, _, err = run(sample_workspace.root, "export", "-f", "md", "-o", str(tmp_path))
    assert code == 2 and f"{tmp_path}: is a folder" in err
    assert tmp_path.is_dir()


def test_export_onto_a_read_only_file_is_refused_and_keeps_it(
    sample_workspace: Workspace, tmp_path: Path
) -> None:
    target = tmp_path / "memo.md"
    target.write_text("keep me", encoding="utf-8")
    target.chmod(0o444)
    code, _, err = run(sample_workspace.root, "export", "-f", "md", "-o", str(target))
    assert code == 2 and "is read-only" in err
    assert target.read_text(encoding="utf-8") == "keep me"


def test_export_onto_a_pipe_is_refused(sample_workspace: Workspace, tmp_path: Path) -> None:
    fifo = tmp_path / "memo.md"
    os.mkfifo(fifo)
    code, _, err = run(sample_workspace.root, "export", "-f", "md", "-o", str(fifo))
    assert code == 2 and "is not a regular file" in err
    assert fifo.is_fifo()


@pytest.mark.skipif(os.geteuid() != 0, reason="only root could replace /dev/null")
def test_export_onto_dev_null_as_root_leaves_the_device(sample_workspace: Workspace) -> None:
    code, _, err = run(sample_workspace.root, "export", "-f", "md", "-o", "/dev/null")
    assert code == 2 and "/dev/null: is not a regular file" in err
    assert Path("/dev/null").is_char_device()


def test_export_to_stdout_still_works(sample_workspace: Workspace) -> None:
    code, out, _ = run(sample_workspace.root, "export", "-f", "md", "-o", "-")
    assert code == 0 and out.startswith("# MEMORANDUM")


def test_a_read_only_tags_file_is_refused_not_replaced(sample_workspace: Workspace) -> None:
    root = sample_workspace.root
    code, out, _ = run(root, "excerpts", "--json")
    excerpt = json.loads(out)[0]["id"]
    tags = root / "tags.yaml"
    tags.write_text("{}\n", encoding="utf-8")
    tags.chmod(0o444)
    code, _, err = run(root, "tag", "--excerpt", excerpt, "--add", "afghanistan")
    assert code == 2 and "tags.yaml: is read-only" in err
    assert tags.read_text(encoding="utf-8") == "{}\n"
