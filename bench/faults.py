"""Fault trials for ingest: kill -9 at random points, and two ingests at once.

    python bench/faults.py [--files 2000] [--trials 20] [--seed 0] [--work DIR]

Each kill trial starts `briefing ingest CORPUS` on a fresh workspace, kills it with
SIGKILL at a random moment, checks that none of its reader workers outlives it, then
runs the same ingest again and `briefing rebuild`, and compares each result with an
uninterrupted ingest of the same corpus: the same sources (ids and files), excerpts
and tags, sources/ holding exactly one original per stored source and nothing else.
The concurrency trial runs two ingests of the same folder at once on a fresh
workspace: every file must be stored once, and neither may print a traceback.

`make faults` runs it at full size; tests/test_faults.py runs it small in `make test`.
Exits 1 when any check fails, printing what differed.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

import make_corpus  # noqa: E402

BRIEFING = [str(Path(sys.executable).with_name("briefing"))]


@dataclass(frozen=True)
class Snapshot:
    """What a workspace holds, as a user would compare two of them."""

    sources: frozenset[tuple[str, str]]  # (source id, file in sources/)
    excerpts: frozenset[str]
    tags: frozenset[tuple[str, str]]  # (excerpt id, theme id), manual decisions applied
    originals: tuple[str, ...]  # every file under sources/ but .meta.yaml, sorted, hidden too

    def problems(self) -> list[str]:
        """What is wrong within this workspace: strays, missing or doubled originals."""
        found: list[str] = []
        claimed = sorted(file for _, file in self.sources)
        if len(set(claimed)) != len(claimed):
            found.append("two sources claim one original")
        strays = sorted(set(self.originals) - set(claimed))
        if strays:
            found.append(f"{len(strays)} files in sources/ without a source: {strays[:3]}")
        missing = sorted(set(claimed) - set(self.originals))
        if missing:
            found.append(f"{len(missing)} sources without their original: {missing[:3]}")
        return found

    def differences(self, other: Snapshot) -> list[str]:
        found: list[str] = []
        for name in ("sources", "excerpts", "tags"):
            mine, theirs = getattr(self, name), getattr(other, name)
            if mine != theirs:
                found.append(f"{name}: {len(mine - theirs)} extra, {len(theirs - mine)} missing")
        return found


def snapshot(workspace: Path) -> Snapshot:
    db = sqlite3.connect(workspace / ".briefing" / "corpus.db")
    try:
        sources = frozenset(db.execute("SELECT id, file FROM sources"))
        excerpts = frozenset(row[0] for row in db.execute("SELECT id FROM excerpts"))
        tags = frozenset(db.execute("SELECT excerpt_id, theme_id FROM effective_tags"))
    finally:
        db.close()
    root = workspace / "sources"
    originals = tuple(
        sorted(
            path.relative_to(root).as_posix()
            for path in root.rglob("*")
            if path.is_file() and not path.name.endswith(".meta.yaml")
        )
    )
    return Snapshot(sources, excerpts, tags, originals)


@dataclass
class Run:
    code: int
    seconds: float
    stdout: str
    stderr: str


def briefing(workspace: Path, *args: str, timeout: float = 600) -> Run:
    started = time.monotonic()
    done = subprocess.run(
        [*BRIEFING, "-w", str(workspace), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=_env(),
    )
    return Run(done.returncode, time.monotonic() - started, done.stdout, done.stderr)


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("BRIEFING_WORKSPACE", None)
    return env


def fresh_workspace(path: Path) -> Path:
    shutil.rmtree(path, ignore_errors=True)
    subprocess.run(
        [*BRIEFING, "init", str(path)], check=True, capture_output=True, env=_env(), timeout=120
    )
    return path


def children(pid: int) -> set[int]:
    """The live processes whose parent is `pid` (from /proc)."""
    found: set[int] = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid and fields[0] != "Z":
                found.add(int(entry.name))
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@dataclass
class Report:
    files: int
    reference_seconds: float = 0.0
    trials: list[dict[str, object]] = field(default_factory=list)
    concurrent: dict[str, object] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)


def kill_trials(corpus: Path, work: Path, trials: int, seed: int, report: Report) -> Snapshot:
    """Kill an ingest at random moments; after a rerun and a rebuild it must be as if not."""
    reference_ws = fresh_workspace(work / "reference")
    run = briefing(reference_ws, "ingest", str(corpus))
    report.reference_seconds = run.seconds
    if run.code not in (0, 1) or "Traceback" in run.stderr:
        report.failures.append(f"reference ingest exited {run.code}: {run.stderr[-500:]}")
    reference = snapshot(reference_ws)
    report.failures += [f"reference: {p}" for p in reference.problems()]
    rng = random.Random(seed)
    for number in range(trials):
        workspace = fresh_workspace(work / f"trial-{number}")
        delay = rng.uniform(0.2, max(0.5, run.seconds))
        process = subprocess.Popen(
            [*BRIEFING, "-w", str(workspace), "ingest", str(corpus)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=_env(),
        )
        time.sleep(delay)
        workers = children(process.pid)
        process.send_signal(signal.SIGKILL)
        process.wait()
        deadline = time.monotonic() + 5
        while any(alive(w) for w in workers) and time.monotonic() < deadline:
            time.sleep(0.05)
        orphans = sorted(w for w in workers if alive(w))
        stored = _count_sources(workspace)
        rerun = briefing(workspace, "ingest", str(corpus))
        after_rerun = snapshot(workspace)
        rebuild = briefing(workspace, "rebuild")
        after_rebuild = snapshot(workspace)
        trial: dict[str, object] = {
            "killed_after_s": round(delay, 2),
            "stored_when_killed": stored,
            "workers_at_kill": len(workers),
            "orphans": len(orphans),
            "rerun_exit": rerun.code,
            "rebuild_exit": rebuild.code,
            "sources": len(after_rerun.sources),
            "originals": len(after_rerun.originals),
        }
        report.trials.append(trial)
        problems: list[str] = []
        if orphans:
            problems.append(f"{len(orphans)} reader workers outlived the killed ingest")
        for name, step in (("rerun", rerun), ("rebuild", rebuild)):
            if step.code != run.code:
                problems.append(f"{name} exited {step.code}, the uninterrupted ingest {run.code}")
            if "Traceback" in step.stderr:
                problems.append(f"{name} printed a traceback: {step.stderr[-400:]}")
        for name, state in (("rerun", after_rerun), ("rebuild", after_rebuild)):
            problems += [f"after {name}: {p}" for p in state.problems()]
            differences = state.differences(reference)
            problems += [f"after {name}, vs uninterrupted: {d}" for d in differences]
        report.failures += [f"trial {number} (killed at {delay:.2f} s): {p}" for p in problems]
    return reference


def _count_sources(workspace: Path) -> int | None:
    try:
        db = sqlite3.connect(f"file:{workspace / '.briefing' / 'corpus.db'}?mode=ro", uri=True)
        try:
            return int(db.execute("SELECT count(*) FROM sources").fetchone()[0])
        finally:
            db.close()
    except sqlite3.Error:
        return None


def concurrent_trial(corpus: Path, work: Path, reference: Snapshot, report: Report) -> None:
    """Two ingests of the same folder at once: every file stored once, no traceback."""
    workspace = fresh_workspace(work / "concurrent")
    started = time.monotonic()
    processes = [
        subprocess.Popen(
            [*BRIEFING, "-w", str(workspace), "ingest", str(corpus)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=_env(),
        )
        for _ in range(2)
    ]
    outputs = [process.communicate(timeout=1200) for process in processes]
    seconds = time.monotonic() - started
    after = snapshot(workspace)
    codes = [process.returncode for process in processes]
    report.concurrent = {
        "exits": codes,
        "seconds": round(seconds, 1),
        "sources": len(after.sources),
        "originals": len(after.originals),
        "summaries": [out.strip().splitlines()[-1] if out.strip() else "" for out, _ in outputs],
    }
    for index, (_, err) in enumerate(outputs):
        if "Traceback" in err or codes[index] not in (0, 1):
            report.failures.append(f"concurrent ingest {index} exited {codes[index]}: {err[-400:]}")
    report.failures += [f"concurrent: {p}" for p in after.problems()]
    report.failures += [f"concurrent vs one ingest: {d}" for d in after.differences(reference)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=2000)
    parser.add_argument("--trials", type=int, default=20)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--work", type=Path, default=BENCH / "work" / "faults")
    args = parser.parse_args(argv)
    report = run_all(args.files, args.trials, args.seed, args.work)
    print(json.dumps(report.__dict__, indent=2))
    for failure in report.failures:
        print(f"FAILED: {failure}", file=sys.stderr)
    return 1 if report.failures else 0


def run_all(files: int, trials: int, seed: int, work: Path) -> Report:
    work.mkdir(parents=True, exist_ok=True)
    corpus = work / f"corpus-{files}-{seed}"
    if not corpus.is_dir() or len(list(corpus.iterdir())) != files:
        shutil.rmtree(corpus, ignore_errors=True)
        make_corpus.generate(files, corpus, seed=seed)
    report = Report(files)
    reference = kill_trials(corpus, work, trials, seed, report)
    concurrent_trial(corpus, work, reference, report)
    return report


if __name__ == "__main__":
    sys.exit(main())
