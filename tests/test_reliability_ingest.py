"""Files and states that once broke ingest or the store (../shared/reliability), as a user
meets them: one bad file is that file's refusal, the store is used only when whole."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from briefing.cli import app
from briefing.ingest.parallel import Limits, read_articles
from briefing.workspace import Workspace
from tests.paths import SAMPLE_SOURCES, SHARED
from tests.test_faults import faults

RELIABILITY = SHARED / "reliability"
needs_reliability = pytest.mark.skipif(
    not RELIABILITY.is_dir(), reason="shared/reliability is beside the repository in CI"
)
GOOD = sorted(SAMPLE_SOURCES.glob("*.txt"))[0]
BRIEFING = str(Path(sys.executable).with_name("briefing"))
runner = CliRunner()


def run(workspace: Path, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["-w", str(workspace), *args], catch_exceptions=False)
    assert "Traceback" not in result.stdout + result.stderr
    return result.exit_code, result.stdout, result.stderr


def originals(workspace: Workspace) -> list[str]:
    """Everything under sources/, hidden files and folders included."""
    root = workspace.sources_dir
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


def stored_files(workspace: Workspace) -> list[str]:
    db = sqlite3.connect(workspace.db_path)
    try:
        return sorted(row[0] for row in db.execute("SELECT file FROM sources"))
    finally:
        db.close()


# -- reader failures are one file's refusal -----------------------------------------


@needs_reliability
@pytest.mark.parametrize(
    "name", ["repro_badtimestamp_min.md", "repro_aes_encrypted.pdf", "repro_assert.html"]
)
def test_a_file_a_reader_fails_on_is_refused_and_the_run_goes_on(
    workspace: Workspace, name: str
) -> None:
    code, out, err = run(workspace.root, "ingest", str(RELIABILITY / name), str(GOOD))
    assert code == 1
    assert "1 added, 0 duplicate, 1 refused" in out
    refusals = [line for line in err.splitlines() if line.startswith("refused")]
    assert len(refusals) == 1
    assert refusals[0].startswith(f"refused    {RELIABILITY / name}: ")
    assert len(refusals[0].split(": ", 1)[1]) > 5  # a reason, on one line
    assert originals(workspace) == [GOOD.name]


@needs_reliability
def test_an_article_flattened_to_one_line_is_ingested(workspace: Workspace) -> None:
    code, out, err = run(workspace.root, "ingest", str(RELIABILITY / "repro_oneline.txt"))
    assert code == 0, err
    assert "1 added" in out
    code, out, _ = run(workspace.root, "excerpts", "--json")
    assert out.count('"id"') >= 5  # cut into paragraphs, not one 20,000-word excerpt


def test_an_aes_pdf_with_an_empty_password_is_read(tmp_path: Path, workspace: Workspace) -> None:
    typst = pytest.importorskip("typst")
    from pypdf import PdfReader, PdfWriter

    source = tmp_path / "doc.typ"
    source.write_text(
        "= Ice roads close early\n\nThe winter roads that supply remote northern communities "
        "closed three weeks early this year, officials said on Monday, after a warm spell "
        "softened the lake ice along the main route.\n",
        encoding="utf-8",
    )
    plain = tmp_path / "plain.pdf"
    plain.write_bytes(typst.compile(str(source)))
    writer = PdfWriter(clone_from=PdfReader(plain))
    writer.encrypt(user_password="", owner_password="owner", algorithm="AES-256")
    locked = tmp_path / "locked.pdf"
    with locked.open("wb") as handle:
        writer.write(handle)
    assert PdfReader(locked).is_encrypted
    code, out, err = run(workspace.root, "ingest", str(locked))
    assert code == 0, err
    assert "1 added" in out


@needs_reliability
def test_an_alias_bomb_is_stopped_by_the_readers_limits() -> None:
    """Whatever the YAML loader does, the reader's time limit ends the file, not the run."""
    started = time.monotonic()
    results = list(read_articles([RELIABILITY / "bomb_md.md", GOOD], Limits(seconds=2)))
    assert time.monotonic() - started < 15
    assert isinstance(results[0][1], str)  # refused, with its reason
    assert not isinstance(results[1][1], str)  # the good file read


def test_a_missing_reader_dependency_refuses_its_files_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As when a library the HTML reader imports is not installed: ImportError, one line."""
    from briefing.ingest.parallel import read_one

    page = tmp_path / "page.html"
    page.write_text("<html><body><p>Hello there, reader.</p></body></html>", encoding="utf-8")
    monkeypatch.setitem(sys.modules, "trafilatura", None)  # `import trafilatura` now fails
    reason = read_one(page)
    assert isinstance(reason, str)
    assert reason.startswith("the HTML reader failed on it (ModuleNotFoundError")
    assert "\n" not in reason
    assert not isinstance(read_one(GOOD), str)


def _big_text(path: Path, paragraphs: int) -> Path:
    """The paragraphs written one by one: a whole text made here and freed would leave
    this process a free heap that a forked worker fills without growing its address
    space, so that what it takes to read the file would escape the memory cap."""
    paragraph = "The committee met again on Tuesday to weigh the proposal in detail. " * 6
    with path.open("w", encoding="utf-8") as out:
        out.write(paragraph)
        for _ in range(paragraphs - 1):
            out.write("\n\n" + paragraph)
    return path


def test_a_file_over_the_time_limit_is_stopped_and_the_rest_read(tmp_path: Path) -> None:
    big = _big_text(tmp_path / "big.txt", 20_000)  # ~8 MB: several seconds to clean
    started = time.monotonic()
    results = dict(read_articles([big, GOOD], Limits(seconds=0.3)))
    assert "took longer than 0.3 s" in str(results[big])
    assert not isinstance(results[GOOD], str)
    assert time.monotonic() - started < 10


def test_a_file_over_the_memory_limit_is_refused_and_the_rest_read(tmp_path: Path) -> None:
    # 16 MB: its bytes, its text and its lines are 48 MB, well over a 16 MB cap. Read from a
    # fresh process, as `briefing ingest` reads: workers forked from this test run would
    # inherit whatever heap the tests before it left free, and the free heap they are given
    # is theirs to fill beyond any cap (the cap counts it, but cannot take it back).
    big = _big_text(tmp_path / "big.txt", 40_000)
    script = (
        "from pathlib import Path\n"
        "from briefing.ingest.parallel import Limits, read_articles\n"
        f"paths = [Path({str(big)!r}), Path({str(GOOD)!r})]\n"
        "limits = Limits(seconds=120, memory=16 * 1024 * 1024)\n"
        "for path, outcome in read_articles(paths, limits):\n"
        "    print(path.name, outcome if isinstance(outcome, str) else 'read')\n"
    )
    command = [sys.executable, "-c", script]
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    assert done.stdout.splitlines() == [
        "big.txt reading it needs more memory than briefing allows one file",
        f"{GOOD.name} read",
    ]


def test_reader_workers_end_when_their_parent_is_killed(tmp_path: Path) -> None:
    big = _big_text(tmp_path / "big.txt", 40_000)
    script = (
        "import sys, time\n"
        "from pathlib import Path\n"
        "from briefing.ingest.parallel import Limits, read_articles\n"
        "print('reading', flush=True)\n"
        f"for _ in read_articles([Path({str(big)!r})] * 40, Limits(seconds=600)): pass\n"
    )
    parent = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    assert parent.stdout is not None and parent.stdout.readline().strip() == "reading"
    deadline = time.monotonic() + 20
    workers: set[int] = set()
    while not workers and time.monotonic() < deadline:
        workers = faults.children(parent.pid)
        time.sleep(0.05)
    assert workers, "no worker started"
    parent.kill()
    parent.wait()
    deadline = time.monotonic() + 5
    while any(faults.alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not [pid for pid in workers if faults.alive(pid)]


# -- what ingest keeps ---------------------------------------------------------------


def test_a_file_refused_for_its_meta_yaml_leaves_nothing_behind(
    workspace: Workspace, inbox: Path
) -> None:
    shutil.copy(GOOD, inbox / "a.txt")
    (inbox / "a.meta.yaml").write_text("title: [unclosed\n", encoding="utf-8")
    code, out, err = run(workspace.root, "ingest", str(inbox / "a.txt"))
    assert code == 1 and "a.meta.yaml" in err
    assert originals(workspace) == []
    code, _, _ = run(workspace.root, "rebuild")
    assert code == 0


def test_a_meta_yaml_with_a_lone_surrogate_never_empties_the_corpus(
    workspace: Workspace, inbox: Path
) -> None:
    code, _, _ = run(workspace.root, "ingest", str(SAMPLE_SOURCES))
    assert code == 0
    # A correction written into sources/ by hand, as a user (or another tool) might.
    (workspace.sources_dir / f"{GOOD.stem}.meta.yaml").write_text(
        'title: "\\ud800"\n', encoding="utf-8"
    )
    code, out, err = run(workspace.root, "rebuild")
    assert code == 1
    assert GOOD.name in err
    assert "Rebuilt 4 sources" in out
    # Ingested from elsewhere with such a file beside it: refused, nothing copied.
    text = GOOD.read_text(encoding="utf-8").replace("Islamabad", "Karachi")
    (inbox / "other.txt").write_text(text, encoding="utf-8")
    (inbox / "other.meta.yaml").write_text('author: "\\udfff"\n', encoding="utf-8")
    code, out, err = run(workspace.root, "ingest", str(inbox / "other.txt"))
    assert code == 1 and "other.txt" in err
    assert "other.txt" not in originals(workspace)


def test_a_hidden_file_is_ingested_and_survives_rebuild(
    workspace: Workspace, tmp_path: Path
) -> None:
    draft = tmp_path / ".draft.txt"
    shutil.copy(GOOD, draft)
    code, out, _ = run(workspace.root, "ingest", str(draft))
    assert code == 0 and "1 added" in out
    code, out, _ = run(workspace.root, "rebuild")
    assert code == 0 and "Rebuilt 1 sources" in out
    assert stored_files(workspace) == [".draft.txt"]


def test_a_symlinked_sources_folder_works(workspace: Workspace, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    workspace.sources_dir.rmdir()
    workspace.sources_dir.symlink_to(elsewhere)
    code, out, err = run(workspace.root, "ingest", str(SAMPLE_SOURCES))
    assert code == 0, err
    assert sorted(p.name for p in elsewhere.iterdir()) == sorted(
        p.name for p in SAMPLE_SOURCES.iterdir()
    )
    code, out, err = run(workspace.root, "ingest", str(workspace.sources_dir / GOOD.name))
    assert code == 0 and "1 duplicate" in out
    code, out, _ = run(workspace.root, "rebuild")
    assert code == 0 and "Rebuilt 5 sources" in out


def test_a_copy_left_by_an_older_interrupted_run_is_found_not_duplicated(
    workspace: Workspace,
) -> None:
    run(workspace.root, "sources")  # the store is built: it holds nothing
    shutil.copy(GOOD, workspace.sources_dir / GOOD.name)  # copied, never stored
    code, out, _ = run(workspace.root, "ingest", str(GOOD))
    assert code == 0 and "1 added" in out
    assert originals(workspace) == [GOOD.name]
    assert stored_files(workspace) == [GOOD.name]


def test_two_files_of_one_name_keep_separate_corrections(workspace: Workspace, inbox: Path) -> None:
    """a.txt and a.md would share a.meta.yaml: the second is kept under another stem."""
    shutil.copy(GOOD, inbox / "a.txt")
    text = GOOD.read_text(encoding="utf-8").replace("Islamabad", "Karachi")
    (inbox / "a.md").write_text(text, encoding="utf-8")
    code, _, _ = run(workspace.root, "ingest", str(inbox / "a.txt"), str(inbox / "a.md"))
    assert code == 0
    assert originals(workspace) == ["a-2.md", "a.txt"]


@pytest.mark.skipif(os.geteuid() != 0 or not shutil.which("setpriv"), reason="root, setpriv")
def test_an_unreadable_file_named_on_the_command_line_is_refused(
    workspace: Workspace, tmp_path: Path
) -> None:
    secret = tmp_path / "secret.txt"
    shutil.copy(GOOD, secret)
    secret.chmod(0)
    # As root, read permissions are only enforced without the override capabilities.
    drop = ["setpriv", "--bounding-set=-dac_override,-dac_read_search"]
    done = subprocess.run(
        [*drop, BRIEFING, "-w", str(workspace.root), "ingest", str(secret), str(GOOD)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1, done.stderr
    assert f"{secret}: permission denied" in done.stderr
    assert "1 added" in done.stdout
    assert "Traceback" not in done.stderr


def test_a_fifo_named_tags_yaml_hangs_no_command(sample_workspace: Workspace) -> None:
    sample_workspace.tags_path.unlink(missing_ok=True)
    os.mkfifo(sample_workspace.tags_path)
    for args in (["sources"], ["rebuild"], ["export", "-f", "md", "-o", "-"]):
        done = subprocess.run(
            [BRIEFING, "-w", str(sample_workspace.root), *args],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 2, (args, done.stderr)
        assert "tags.yaml: not a regular file" in done.stderr


# -- a store that knows whether it is whole ------------------------------------------


def test_an_empty_database_is_rebuilt_and_said_so(sample_workspace: Workspace) -> None:
    sample_workspace.db_path.write_bytes(b"")
    code, out, err = run(sample_workspace.root, "sources", "--json")
    assert code == 0
    assert "was empty" in err and "rebuilt it" in err
    assert out.count('"id"') == 5


def test_a_database_whose_build_did_not_finish_is_rebuilt(sample_workspace: Workspace) -> None:
    db = sqlite3.connect(sample_workspace.db_path)
    db.execute("DELETE FROM settings WHERE key = 'built'")
    db.execute("DELETE FROM sources WHERE rowid > 2")
    db.commit()
    db.close()
    code, out, err = run(sample_workspace.root, "sources", "--json")
    assert code == 0
    assert "did not finish" in err and "rebuilt it" in err
    assert out.count('"id"') == 5


def test_a_killed_rebuild_leaves_the_previous_store(sample_workspace: Workspace) -> None:
    for number in range(60):  # enough files that the rebuild is still reading at the kill
        text = GOOD.read_text(encoding="utf-8").replace("Islamabad", f"Islamabad-{number}")
        (sample_workspace.sources_dir / f"extra-{number}.txt").write_text(text, encoding="utf-8")
    rebuild = subprocess.Popen(
        [BRIEFING, "-w", str(sample_workspace.root), "rebuild"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    building = sample_workspace.db_path.with_name("corpus.db.building")
    deadline = time.monotonic() + 60
    while not building.exists() and time.monotonic() < deadline:
        time.sleep(0.01)
    rebuild.kill()
    rebuild.wait()
    code, out, err = run(sample_workspace.root, "sources", "--json")
    assert code == 0 and err == ""
    assert out.count('"id"') == 5  # the store before the rebuild, whole
    code, out, _ = run(sample_workspace.root, "rebuild")
    assert "Rebuilt 65 sources" in out
    assert not building.exists()


def test_a_dropped_table_is_refused_with_the_command_to_run(sample_workspace: Workspace) -> None:
    db = sqlite3.connect(sample_workspace.db_path)
    db.execute("DROP TABLE manual")
    db.commit()
    db.close()
    for args in (["sources"], ["search", "Gwadar"], ["export", "-f", "md", "-o", "-"]):
        code, _, err = run(sample_workspace.root, *args)
        assert code == 2
        assert "damaged" in err and "briefing rebuild" in err
    code, out, _ = run(sample_workspace.root, "rebuild")
    assert code == 0 and "Rebuilt 5 sources" in out


def test_a_foreign_database_is_refused_not_used(sample_workspace: Workspace) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{sample_workspace.db_path}{suffix}").unlink(missing_ok=True)
    db = sqlite3.connect(sample_workspace.db_path)
    db.execute("CREATE TABLE accounts (name TEXT)")
    db.commit()
    db.close()
    code, _, err = run(sample_workspace.root, "sources")
    assert code == 2
    assert "not a briefing corpus database" in err and "briefing rebuild" in err
