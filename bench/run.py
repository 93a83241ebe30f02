"""`make bench`: the speed table of briefing at several corpus sizes.

    python bench/run.py [--sizes 2000,20000] [--seed 0] [--repeat 3] [--reuse]

(or BENCH_SIZES=2000,20000,100000 for the large run). For each size it generates a
corpus (bench/make_corpus.py, into bench/corpus/, reused while unchanged), makes a
fresh workspace in bench/work/, and measures:

  ingest     Library.ingest in a child process: articles per second (the ingest call
             itself), the whole process's wall time, CPU seconds per article summed over
             every process of the run (the child and its reader workers: os.wait4's
             rusage counts the children it waited for), and peak memory: the largest
             process (the kernel's peak RSS over the tree) and all of them together (the
             highest sum of their RSS, sampled from /proc every SAMPLE_S)
  re-tag     Library.retag in a child process (seconds; CPU and memory as for ingest)
  themes     `themes` in-process: the counts, the coverage warnings and the matrix
  search     Store.search, in-process on an open store: median and slowest of ~20 varied
             queries
  start-up   `briefing search` and `briefing export -f md` on the bundled sample, the
             WHOLE process (median of --repeat runs after one warm-up)
  export     `briefing -w WS export --theme ×4 --format md|pdf -o FILE`, the WHOLE
             process timed end to end (median of --repeat runs after one warm-up)
  TUI        App construction to first screen populated, and key press to lists and
             preview updated, through Textual's Pilot (bench/bench_tui.py)

--reuse keeps a workspace of bench/work/ that a finished run of this bench ingested from
the same corpus (its .bench-corpus stamp), and skips ingest and re-tag for it: how the
query, export and TUI rows of a large size are measured again without a long ingest.

It prints one table, with each figure's ratio to the smallest size and the targets,
and writes it to bench/results.md with the machine it ran on.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path.insert(0, str(BENCH))

import make_corpus  # noqa: E402

PY = sys.executable
BRIEFING = str(Path(PY).with_name("briefing"))
CORPUS_DIR = BENCH / "corpus"
WORK_DIR = BENCH / "work"
RESULTS = BENCH / "results.md"
DEFAULT_SIZES = "2000,20000"  # BENCH_SIZES=2000 for a quick run, 2000,20000,100000 for all
SAMPLE_S = 0.25  # how often the memory of a child's process tree is sampled
STAMP = ".bench-corpus"  # in a workspace this bench ingested: which corpus, whole


# -- running things ---------------------------------------------------------------


@dataclass
class Run:
    wall: float
    maxrss_mb: float  # the largest process of the run, at its peak
    cpu_s: float = 0.0  # user + system seconds of every process of the run
    total_rss_mb: float = 0.0  # the run's processes together, at their sampled peak
    processes: int = 1  # the most processes of the run seen alive at once
    result: dict[str, Any] = field(default_factory=dict)


def _parents() -> dict[int, int]:
    """Every live process's parent, from /proc."""
    found: dict[int, int] = {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                with open(f"/proc/{entry.name}/stat", "rb") as f:
                    found[int(entry.name)] = int(f.read().rsplit(b")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                pass  # gone meanwhile
    return found


def _tree_rss(pid: int) -> tuple[int, int]:
    """(bytes of RSS of `pid` and all its descendants together, how many processes)."""
    parents = _parents()
    tree, todo = {pid}, [pid]
    while todo:
        at = todo.pop()
        for child_pid, parent in parents.items():
            if parent == at and child_pid not in tree:
                tree.add(child_pid)
                todo.append(child_pid)
    total = 0
    page = os.sysconf("SC_PAGE_SIZE")
    for member in tree:
        try:
            with open(f"/proc/{member}/statm", "rb") as f:
                total += int(f.read().split()[1]) * page
        except (OSError, ValueError, IndexError):
            pass
    return total, len(tree)


class _MemorySampler(threading.Thread):
    """The highest sum of RSS over a process and its descendants, sampled until stopped."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.peak, self.processes = pid, 0, 1
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.wait(SAMPLE_S):
            total, count = _tree_rss(self.pid)
            self.peak = max(self.peak, total)
            self.processes = max(self.processes, count)


def child(step: str, workspace: Path, *args: str) -> Run:
    """Run bench/_child.py STEP in its own process: its figures, wall time, CPU time and
    peak memory, counting every process it started."""
    out = WORK_DIR / f"{step}.json"
    out.unlink(missing_ok=True)
    log = WORK_DIR / f"{step}.log"
    with log.open("w") as stderr:
        t0 = time.perf_counter()
        proc = subprocess.Popen(
            [PY, str(BENCH / "_child.py"), step, str(workspace), str(out), *args],
            stdout=stderr,
            stderr=stderr,
            cwd=REPO,
        )
        sampler = _MemorySampler(proc.pid)
        sampler.start()
        # The rusage of a child counts the processes it waited for: its reader workers.
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
        sampler.done.set()
        sampler.join()
        proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise RuntimeError(
            f"{step} failed ({proc.returncode}); see {log}:\n{log.read_text()[-2000:]}"
        )
    largest = usage.ru_maxrss / 1024
    return Run(
        wall,
        largest,
        cpu_s=usage.ru_utime + usage.ru_stime,
        # A sample can miss the moment of the largest process's own peak: never less.
        total_rss_mb=max(sampler.peak / 2**20, largest),
        processes=sampler.processes,
        result=json.loads(out.read_text()),
    )


def cli_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment of a timed `briefing`: Python may cache its bytecode (in WORK_DIR,
    not the checkout), as it does for anyone who installed briefing; a shell or CI that
    sets PYTHONDONTWRITEBYTECODE would otherwise time the compiling of every module."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(WORK_DIR / "pycache")
    return {**env, **(extra or {})}


def timed_cli(
    args: list[str], repeat: int, env: dict[str, str] | None = None
) -> tuple[float, float]:
    """Median wall time and median CPU time (user + system: steadier on a busy machine)
    of the whole `briefing` process, after one warm-up run."""
    times, cpus = [], []
    errors = WORK_DIR / "cli.err"
    for attempt in range(repeat + 1):
        with errors.open("wb") as stderr:
            t0 = time.perf_counter()
            proc = subprocess.Popen(
                [BRIEFING, *args],
                stdout=subprocess.DEVNULL,
                stderr=stderr,
                cwd=REPO,
                env=cli_env(env),
            )
            _, status, usage = os.wait4(proc.pid, 0)
            elapsed = time.perf_counter() - t0
        if os.waitstatus_to_exitcode(status) != 0:
            message = errors.read_text(errors="replace")[-2000:]
            raise RuntimeError(f"briefing {' '.join(args)} failed:\n{message}")
        if attempt:
            times.append(elapsed)
            cpus.append(usage.ru_utime + usage.ru_stime)
    return statistics.median(times), statistics.median(cpus)


def corpus(n: int, seed: int) -> Path:
    """The corpus of `n` articles for `seed`, generated unless an identical one is there."""
    folder = CORPUS_DIR / f"{n}-seed{seed}"
    stamp = folder / ".stamp"
    generator = hashlib_of(BENCH / "make_corpus.py")
    if stamp.is_file() and stamp.read_text() == generator:
        return folder
    t0 = time.perf_counter()
    make_corpus.generate(n, folder, seed)
    stamp.write_text(generator)
    note(f"generated {n} articles in {time.perf_counter() - t0:.1f} s -> {folder}")
    return folder


def hashlib_of(path: Path) -> str:
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()


def queries(folder: Path, seed: int, theme_ids: list[str]) -> list[dict[str, str]]:
    """~20 varied queries from the corpus's own words: rare and common, phrases, prefixes, OR."""
    rng = random.Random(seed)
    words: list[str] = []
    for path in sorted(folder.glob("*.txt"))[:50]:
        words += re.findall(r"[A-Za-z]{4,}", path.read_text(encoding="utf-8"))
    unique = sorted(set(w.lower() for w in words))
    text_words = [w.lower() for w in words]
    found: list[dict[str, str]] = []
    for w in rng.sample(unique, 8):  # single words, frequency as it falls
        found.append({"query": w})
    for _ in range(4):  # two words
        found.append({"query": " ".join(rng.sample(unique, 2))})
    for _ in range(3):  # a phrase of two consecutive words
        at = rng.randrange(len(text_words) - 1)
        found.append({"query": f'"{text_words[at]} {text_words[at + 1]}"'})
    for w in rng.sample(unique, 2):  # prefix
        found.append({"query": w[:4] + "*"})
    found.append({"query": " OR ".join(rng.sample(unique, 2))})
    for w in rng.sample(unique, 2):  # within a theme
        found.append({"query": w, "theme": rng.choice(theme_ids)})
    return found


def note(message: str) -> None:
    print(f"  {message}", file=sys.stderr, flush=True)


# -- measuring one size -------------------------------------------------------------


def theme_ids(workspace: Path) -> list[str]:
    import yaml

    data = yaml.safe_load((workspace / "themes.yaml").read_text(encoding="utf-8"))
    return [t["id"] for t in data["themes"]]


def measure(n: int, seed: int, repeat: int, skip_tui: bool, reuse: bool) -> dict[str, Any]:
    folder = corpus(n, seed)
    workspace = WORK_DIR / str(n)
    stamp = f"{folder.name} {hashlib_of(BENCH / 'make_corpus.py')}"
    row: dict[str, Any] = {"n": n, "notes": {}}
    kept = workspace / STAMP
    if reuse and kept.is_file() and kept.read_text() == stamp:
        note(f"{n}: reusing {workspace} (ingested from {folder.name}): no ingest, no re-tag")
        for key in (
            "ingest_rate",
            "ingest_wall",
            "ingest_cpu",
            "ingest_cpu_main",
            "ingest_rss",
            "ingest_rss_all",
        ):
            row["notes"][key] = "reused"
        for key in ("retag", "retag_reread", "retag_rss"):
            row["notes"][key] = "reused"
    else:
        _ingest_and_retag(n, folder, workspace, stamp, row)

    themes = theme_ids(workspace)
    run = child("themes", workspace)
    row["themes"] = run.result["counts_s"]
    row["themes_cpu"] = run.result["counts_cpu_s"]
    row["themes_matrix"] = run.result["matrix_s"]
    note(
        f"{n}: themes {row['themes'] * 1000:.2f} ms (counts and coverage warnings), "
        f"matrix {row['themes_matrix'] * 1000:.0f} ms ({run.result['matrix_rows']} sources)"
    )
    qfile = WORK_DIR / f"queries-{n}.json"
    qfile.write_text(json.dumps(queries(folder, seed, themes)))
    run = child("search", workspace, str(qfile))
    row["search"] = run.result["median_s"]
    row["search_max"] = run.result["max_s"]
    row["search_cpu"] = run.result["median_cpu_s"]
    row["search_max_cpu"] = run.result["max_cpu_s"]
    note(
        f"{n}: search median {row['search'] * 1000:.1f} ms (max {row['search_max'] * 1000:.1f} "
        f"ms); CPU median {row['search_cpu'] * 1000:.1f} ms (max "
        f"{row['search_max_cpu'] * 1000:.1f} ms)"
    )

    chosen = [arg for t in themes[:4] for arg in ("--theme", t)]
    for fmt in ("md", "pdf"):
        target = workspace / "exports" / f"bench.{fmt}"
        try:
            row[f"export_{fmt}"], row[f"export_{fmt}_cpu"] = timed_cli(
                ["-w", str(workspace), "export", *chosen, "--format", fmt, "-o", str(target)],
                repeat,
            )
            note(
                f"{n}: export {fmt} {row[f'export_{fmt}']:.2f} s "
                f"({row[f'export_{fmt}_cpu']:.2f} s CPU)"
            )
        except RuntimeError as error:
            row["notes"][f"export_{fmt}"] = _last_line(error)
            note(f"{n}: export {fmt} failed: {_last_line(error)}")

    if skip_tui:
        row["notes"]["tui_first"] = row["notes"]["tui_key"] = "skipped"
    else:
        try:
            run = child("tui", workspace)
            row["tui_first"] = run.result["first_screen_s"]
            row["tui_key_raw"] = run.result["key_s"]
            row["tui_key"] = max(0.0, run.result["key_s"] - run.result["pilot_key_s"])
            row["tui_preview_raw"] = run.result["preview_key_s"]
            row["tui_preview"] = max(0.0, run.result["preview_key_s"] - run.result["pilot_key_s"])
            row["tui_info"] = run.result
            note(
                f"{n}: TUI first screen {row['tui_first']:.2f} s, key -> list "
                f"{row['tui_key'] * 1000:.0f} ms, key -> preview "
                f"{row['tui_preview'] * 1000:.0f} ms (Pilot's own "
                f"{run.result['pilot_key_s'] * 1000:.0f} ms not counted)"
            )
        except RuntimeError as error:
            row["notes"]["tui_first"] = row["notes"]["tui_key"] = _last_line(error)
            note(f"{n}: TUI not measured: {_last_line(error)}")
    return row


def _ingest_and_retag(
    n: int, folder: Path, workspace: Path, stamp: str, row: dict[str, Any]
) -> None:
    shutil.rmtree(workspace, ignore_errors=True)
    # The generated corpus is written for the sample's four themes (init alone gives one).
    themes_file = REPO / "data" / "themes.yaml"
    subprocess.run(
        [BRIEFING, "init", str(workspace), "--themes", str(themes_file)],
        check=True,
        capture_output=True,
    )
    run = child("ingest", workspace, str(folder))
    r = run.result
    added = max(r["added"], 1)
    row["ingest_rate"] = r["added"] / r["seconds"] if r["seconds"] else None
    row["ingest_wall"] = run.wall
    row["ingest_cpu"] = run.cpu_s / added
    row["ingest_cpu_main"] = r["cpu_self_s"] / added
    row["ingest_rss"] = run.maxrss_mb
    row["ingest_rss_all"] = run.total_rss_mb
    row["ingest_processes"] = run.processes
    row["ingest_info"] = {
        k: r[k] for k in ("added", "duplicates", "refused", "excerpts", "refusals")
    }
    note(
        f"{n}: ingest {r['seconds']:.1f} s ({r['added']} added, {r['duplicates']} duplicate, "
        f"{r['refused']} refused, {r['excerpts']} excerpts), {run.cpu_s:.1f} s CPU in all "
        f"(main process {r['cpu_self_s']:.1f} s), peak {run.maxrss_mb:.0f} MB largest, "
        f"{run.total_rss_mb:.0f} MB all {run.processes} processes"
    )
    (workspace / STAMP).write_text(stamp)

    run = child("retag", workspace)
    row["retag"] = run.result["seconds"]
    note(f"{n}: re-tag after a decision {row['retag']:.2f} s")
    run = child("retag", workspace, "reread")
    row["retag_reread"] = run.result["seconds"]
    row["retag_rss"] = run.maxrss_mb
    note(f"{n}: re-tag after the keywords changed {row['retag_reread']:.1f} s")


def sample_startup(repeat: int) -> dict[str, float]:
    """The whole `briefing search` and `briefing export -f md` process on the bundled
    sample, in a private data directory (so the user's copy is left alone)."""
    home = WORK_DIR / "sample-home"
    env = {"XDG_DATA_HOME": str(home)}
    figures = {}
    for key, args in (
        ("startup_search", ["search", "helicopter"]),
        ("startup_export", ["export", "-f", "md", "-o", str(WORK_DIR / "sample.md")]),
    ):
        figures[key], figures[f"{key}_cpu"] = timed_cli(args, repeat, env=env)
        note(
            f"sample: whole `briefing {' '.join(args[:3])}` {figures[key]:.3f} s "
            f"({figures[f'{key}_cpu']:.3f} s CPU)"
        )
    return figures


def _last_line(error: Exception) -> str:
    lines = [line.strip(" │╰─╯") for line in str(error).splitlines() if line.strip(" │╰─╯")]
    return (lines[-1] if lines else "failed")[:100].replace("|", "/")


# -- the table ----------------------------------------------------------------------


@dataclass
class Metric:
    key: str
    label: str
    unit: Callable[[float], str]
    target: str
    check: Callable[[dict[int, float]], bool | None]  # None: cannot tell at these sizes
    growth: float  # allowed ratio 2,000 -> 20,000 (10 = linear); for rates, the inverse
    rate: bool = False


def _secs(v: float) -> str:
    return f"{v:.2f} s" if v < 10 else f"{v:.1f} s"


def _ms(v: float) -> str:
    if v < 0.001:  # `themes` reads a few kept rows: hundredths of a millisecond
        return f"{v * 1000:.2f} ms"
    return f"{v * 1000:.1f} ms" if v < 0.1 else f"{v * 1000:.0f} ms"


def _at(size: int, fn: Callable[[float], bool]) -> Callable[[dict[int, float]], bool | None]:
    return lambda values: fn(values[size]) if size in values else None


def _largest(fn: Callable[[float], bool]) -> Callable[[dict[int, float]], bool | None]:
    return lambda values: fn(values[max(values)]) if values else None


def _from(size: int, fn: Callable[[float], bool]) -> Callable[[dict[int, float]], bool | None]:
    def check(values: dict[int, float]) -> bool | None:
        large = [v for n, v in values.items() if n >= size]
        return all(fn(v) for v in large) if large else None

    return check


def _every(fn: Callable[[float], bool]) -> Callable[[dict[int, float]], bool | None]:
    return lambda values: all(fn(v) for v in values.values()) if values else None


def _within_of(ratio: float, small: int, large: int) -> Callable[[dict[int, float]], bool | None]:
    """The value at `large` at most `ratio` times the value at `small`."""
    return lambda v: v[large] <= ratio * v[small] if small in v and large in v else None


def _both(
    *checks: Callable[[dict[int, float]], bool | None],
) -> Callable[[dict[int, float]], bool | None]:
    def check(values: dict[int, float]) -> bool | None:
        found = [c(values) for c in checks]
        if any(f is False for f in found):
            return False
        return True if any(f for f in found) else None

    return check


def _mb(v: float) -> str:
    return f"{v:.0f} MB"


BIG = 100_000
METRICS = [
    Metric(
        "ingest_rate",
        "ingest with tagging (articles/s, wall, in-process)",
        lambda v: f"{v:.0f}/s",
        ">= 600 articles/s from 2,000 up (idle machine)",
        _from(2000, lambda v: v >= 600),
        10,
        rate=True,
    ),
    Metric("ingest_wall", "ingest, whole process (s)", _secs, "—", lambda v: None, 10),
    Metric(
        "ingest_cpu",
        "ingest CPU per article, all processes (child + workers)",
        _ms,
        "<= 2 ms; at 100,000 <= 1.2× at 2,000",
        _both(_every(lambda v: v <= 0.002), _within_of(1.2, 2000, BIG)),
        1.1,
    ),
    Metric(
        "ingest_cpu_main",
        "ingest CPU per article, main process alone",
        _ms,
        "—",
        lambda v: None,
        1.1,
    ),
    Metric(
        "ingest_rss",
        "ingest peak memory, largest process (RSS)",
        _mb,
        "< 400 MB at 100,000",
        _at(BIG, lambda v: v < 400),
        10,
    ),
    Metric(
        "ingest_rss_all",
        "ingest peak memory, all processes together (RSS, sampled)",
        _mb,
        "< 800 MB at 100,000",
        _at(BIG, lambda v: v < 800),
        10,
    ),
    Metric(
        "retag",
        "re-tag after a decision (s, in-process)",
        _secs,
        "< 1 s at 2,000",
        _at(2000, lambda v: v < 1.0),
        10,
    ),
    Metric(
        "retag_reread",
        "re-tag after keywords changed (s, in-process)",
        _secs,
        "—",
        lambda v: None,
        10,
    ),
    Metric(
        "retag_rss",
        "re-tag peak memory (RSS)",
        _mb,
        "—",
        lambda v: None,
        10,
    ),
    Metric(
        "themes",
        "`themes`: counts and coverage warnings (in-process)",
        _ms,
        "< 50 ms at 100,000",
        _at(BIG, lambda v: v < 0.05),
        2,
    ),
    Metric(
        "themes_cpu",
        "`themes`: counts and coverage warnings, CPU",
        _ms,
        "—",
        lambda v: None,
        2,
    ),
    Metric(
        "themes_matrix",
        "`themes --matrix`: the grid and the sources' titles (in-process)",
        _ms,
        "—",
        lambda v: None,
        10,
    ),
    Metric(
        "search",
        "search, median of 20 queries (in-process)",
        _ms,
        "< 20 ms at 100,000",
        _at(BIG, lambda v: v < 0.02),
        10,
    ),
    Metric(
        "search_max",
        "search, slowest of 20 queries (in-process)",
        _ms,
        "< 60 ms at 100,000",
        _at(BIG, lambda v: v < 0.06),
        10,
    ),
    Metric(
        "search_cpu",
        "search, median of 20 queries, CPU",
        _ms,
        "—",
        lambda v: None,
        10,
    ),
    Metric(
        "search_max_cpu",
        "search, slowest of 20 queries, CPU",
        _ms,
        "—",
        lambda v: None,
        10,
    ),
    Metric(
        "export_md",
        "export md, 4 themes (whole process)",
        _secs,
        "< 0.5 s at 2,000",
        _at(2000, lambda v: v < 0.5),
        2,
    ),
    Metric(
        "export_pdf",
        "export pdf, 4 themes (whole process)",
        _secs,
        "< 1 s at 2,000",
        _at(2000, lambda v: v < 1.0),
        2,
    ),
    Metric(
        "export_md_cpu",
        "export md, 4 themes, CPU of the whole process",
        _secs,
        "—",
        lambda v: None,
        2,
    ),
    Metric(
        "tui_first",
        "TUI first screen",
        _secs,
        "< 1 s at 100,000",
        _both(_at(2000, lambda v: v < 1.0), _at(BIG, lambda v: v < 1.0)),
        2,
    ),
    Metric(
        "tui_key_raw",
        "TUI key press -> excerpt list, as Pilot sees it",
        _ms,
        "—",
        lambda rows: None,
        2,
    ),
    Metric(
        "tui_key",
        "TUI key press -> excerpt list, less Pilot's own cost per key",
        _ms,
        "< 100 ms",
        _every(lambda v: v < 0.1),
        2,
    ),
    Metric(
        "tui_preview_raw",
        "TUI key press (space, x, ctrl+z) -> preview updated, as Pilot sees it",
        _ms,
        "—",
        lambda rows: None,
        2,
    ),
    Metric(
        "tui_preview",
        "TUI key press -> preview updated, less Pilot's own cost per key",
        _ms,
        "< 150 ms at 20,000 and 100,000",
        _both(_at(20000, lambda v: v < 0.15), _at(BIG, lambda v: v < 0.15)),
        2,
    ),
]

# Measured once, on the bundled sample (5 articles): the whole process, start-up included.
SAMPLE_METRICS = [
    ("startup_search", "`briefing search helicopter`, whole process", "< 0.25 s"),
    ("startup_export", "`briefing export -f md`, whole process", "< 0.25 s"),
]


def _mark(ok: bool | None) -> str:
    return "—" if ok is None else ("✓" if ok else "✗")


def table(rows: list[dict[str, Any]]) -> str:
    sizes = [r["n"] for r in rows]
    head = ["step", *(f"{n:,}" for n in sizes), "target", "met", "growth 2,000→20,000"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for m in METRICS:
        values = {r["n"]: r[m.key] for r in rows if r.get(m.key) is not None}
        cells = []
        base = values.get(sizes[0])
        for r in rows:
            v = r.get(m.key)
            if v is None:
                why = r["notes"].get(m.key)
                cells.append(f"n/a ({why})" if why else "n/a")
                continue
            cell = m.unit(v)
            if r["n"] != sizes[0] and base:
                cell += f" (×{v / base:.2f})"
            cells.append(cell)
        if 2000 in values and 20000 in values and values[2000]:
            ratio = values[20000] / values[2000]
            cost = 1 / ratio if m.rate else ratio  # a rate's cost grows as its inverse
            limit = m.growth if not m.rate else 1.0
            allowed = 1.1 * limit  # 10% for noise
            shown = f"×{ratio:.2f} (cost ×{cost * 10:.1f})" if m.rate else f"×{ratio:.2f}"
            bound = "linear" if m.growth == 10 else f"{m.growth:g}×"
            growth = f"{shown} {_mark(cost <= allowed)} (≤ {bound})"
        else:
            growth = "—"
        lines.append(
            "| " + " | ".join([m.label, *cells, m.target, _mark(m.check(values)), growth]) + " |"
        )
    return "\n".join(lines)


def machine() -> str:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = "unknown"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                ram = f"{int(line.split()[1]) / 1024 / 1024:.1f} GB"
    except OSError:
        pass
    return (
        f"- platform: {platform.platform()}\n"
        f"- CPU: {cpu}, {os.cpu_count()} cores\n"
        f"- RAM: {ram}\n"
        f"- Python: {platform.python_version()}\n"
        f"- date: {dt.datetime.now().strftime('%Y-%m-%d %H:%M')}"
    )


def sample_table(figures: dict[str, float]) -> str:
    lines = [
        "| on the bundled sample | median wall | median CPU | target | met |",
        "|---|---|---|---|---|",
    ]
    for key, label, target in SAMPLE_METRICS:
        v, cpu = figures.get(key), figures.get(f"{key}_cpu")
        ok = None if v is None else v < 0.25
        wall_cell = f"{v:.3f} s" if v is not None else "n/a"
        cpu_cell = f"{cpu:.3f} s" if cpu is not None else "n/a"
        lines.append(f"| {label} | {wall_cell} | {cpu_cell} | {target} | {_mark(ok)} |")
    return "\n".join(lines)


def _load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.1f} / {five:.1f} / {fifteen:.1f}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="The speed table of briefing.")
    parser.add_argument("--sizes", default=os.environ.get("BENCH_SIZES", DEFAULT_SIZES))
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeat", type=int, default=3, help="export runs per figure (median)")
    parser.add_argument("--skip-tui", action="store_true")
    parser.add_argument(
        "--reuse",
        action="store_true",
        default=bool(os.environ.get("BENCH_REUSE")),
        help="keep a workspace this bench ingested from the same corpus (no ingest, no re-tag)",
    )
    parser.add_argument("--no-write", action="store_true", help="do not write bench/results.md")
    args = parser.parse_args(argv)
    sizes = sorted(int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip())
    WORK_DIR.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    load_before = _load()
    sample = sample_startup(args.repeat)
    rows = []
    for n in sizes:
        print(f"measuring {n:,} articles ...", file=sys.stderr, flush=True)
        rows.append(measure(n, args.seed, args.repeat, args.skip_tui, args.reuse))
    elapsed = time.perf_counter() - started
    text = table(rows)
    details = "\n".join(
        f"- {r['n']:,} files: "
        + (
            f"{r['ingest_info']['added']} added, {r['ingest_info']['duplicates']} duplicate, "
            f"{r['ingest_info']['refused']} refused, {r['ingest_info']['excerpts']:,} "
            f"excerpts, {r['ingest_processes']} processes at most"
            if "ingest_info" in r
            else "workspace reused (ingested by an earlier run)"
        )
        for r in rows
    )
    print(text)
    print()
    print(sample_table(sample))
    print(f"\n(bench took {elapsed / 60:.1f} min; load average {load_before} -> {_load()})")
    if not args.no_write:
        RESULTS.write_text(
            "# briefing: speed\n\n"
            "Made by `make bench` (bench/run.py; sizes "
            f"{', '.join(f'{n:,}' for n in sizes)}; corpus seed {args.seed}). Ratios are "
            "to the smallest size. Ingest and re-tag run in a child process: CPU is the "
            "user and system time of it and of every process it started (os.wait4's "
            "rusage), the largest process's peak RSS is the kernel's, and all processes "
            f"together is the highest sum of their RSS sampled every {SAMPLE_S} s. `themes` "
            "and search are in-process on an open store, warm (search: 20 queries); export "
            f"is the whole `briefing export` process, median of {args.repeat} runs after a "
            "warm-up; the TUI is driven through Textual's Pilot.\n\n"
            f"{text}\n\n{sample_table(sample)}\n\n{details}\n\nMachine:\n\n{machine()}\n"
            f"- load average (1 / 5 / 15 min): {load_before} at the start, {_load()} at "
            "the end (2 cores: above 2, other work shared them)\n\n"
            f"The whole run took {elapsed / 60:.1f} min.\n",
            encoding="utf-8",
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
