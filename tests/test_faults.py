"""Ingest under faults, with real processes: kill -9, Ctrl-C, a second ingest, a full disk.

Small here; `make faults` runs bench/faults.py at full size (2,000 files, 20 kills).
"""

from __future__ import annotations

import importlib.util
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from types import ModuleType

import pytest

REPO = Path(__file__).resolve().parents[1]
BRIEFING = str(Path(sys.executable).with_name("briefing"))


def _load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, REPO / "bench" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault(name, module)
    spec.loader.exec_module(module)
    return module


faults = _load("faults")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """300 articles: more than one batch of 256, so a kill can fall between two commits."""
    folder = tmp_path_factory.mktemp("fault-corpus") / "corpus"
    faults.make_corpus.generate(300, folder, seed=7)
    return folder


def test_kill_9_anywhere_then_rerun_and_rebuild_give_what_one_ingest_gives(
    corpus: Path, tmp_path: Path
) -> None:
    """Two kills at random moments, then two ingests of the same folder at once."""
    seed = random.randrange(10_000)
    report = faults.Report(300)
    reference = faults.kill_trials(corpus, tmp_path, trials=2, seed=seed, report=report)
    faults.concurrent_trial(corpus, tmp_path, reference, report)
    assert report.failures == [], f"seed {seed}: {report.failures}"
    assert len(reference.sources) == 300 - len(reference.problems())
    assert report.concurrent["sources"] == len(reference.sources)


def test_ctrl_c_says_exactly_what_was_stored_and_exits_130(corpus: Path, tmp_path: Path) -> None:
    workspace = faults.fresh_workspace(tmp_path / "ws")
    ingest = subprocess.Popen(
        [BRIEFING, "-w", str(workspace), "ingest", str(corpus)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group, as a terminal's foreground job
    )
    deadline = time.monotonic() + 120
    while not (workspace / "sources" / ".briefing-incoming").exists():
        assert time.monotonic() < deadline and ingest.poll() is None, "ingest never copied"
        time.sleep(0.01)
    time.sleep(random.uniform(0, 1))
    os.killpg(ingest.pid, signal.SIGINT)  # Ctrl-C reaches the whole group, workers too
    out, err = ingest.communicate(timeout=60)
    after = faults.snapshot(workspace)
    assert "Traceback" not in err
    if ingest.returncode == 0:  # the run ended just before the Ctrl-C
        assert len(after.sources) == 300
        return
    assert ingest.returncode == 130, err
    stored = len(after.sources)
    assert f"interrupted; {stored} sources stored before it stopped" in err
    assert f"{stored} added" in out
    assert after.problems() == []
    assert not (workspace / "sources" / ".briefing-incoming").exists()


def _can_mount() -> bool:
    if os.geteuid() != 0 or not shutil.which("unshare"):
        return False
    probe = subprocess.run(["unshare", "-m", "true"], capture_output=True)
    return probe.returncode == 0


@pytest.mark.skipif(not _can_mount(), reason="needs root and unshare to mount a small disk")
def test_a_full_disk_is_a_message_and_leaves_nothing_half_written(
    corpus: Path, tmp_path: Path
) -> None:
    disk = tmp_path / "disk"
    disk.mkdir()
    workspace = disk / "ws"
    # A private mount namespace: a 1 MB disk for the workspace, then room to finish.
    script = f"""
set -u
mount -t tmpfs -o size=1m tmpfs {disk}
{BRIEFING} init {workspace} > /dev/null
{BRIEFING} -w {workspace} ingest {corpus} > {tmp_path}/full.out 2> {tmp_path}/full.err
echo $? > {tmp_path}/full.code
find {workspace}/sources -type f | sort > {tmp_path}/full.files
mount -o remount,size=64m {disk}
{BRIEFING} -w {workspace} ingest {corpus} > {tmp_path}/room.out 2> {tmp_path}/room.err
echo $? > {tmp_path}/room.code
cp -r {workspace} {tmp_path}/after
"""
    subprocess.run(["unshare", "-m", "bash", "-c", script], check=True, timeout=600)
    err = (tmp_path / "full.err").read_text()
    assert (tmp_path / "full.code").read_text().strip() == "2", err
    assert "the disk is full" in err and "Traceback" not in err
    left = (tmp_path / "full.files").read_text().split()
    assert not [f for f in left if f.endswith(".partial") or ".briefing-incoming" in f]
    assert (tmp_path / "room.code").read_text().strip() == "0", (tmp_path / "room.err").read_text()
    after = faults.snapshot(tmp_path / "after")
    assert after.problems() == []
    assert len(after.sources) == 300
