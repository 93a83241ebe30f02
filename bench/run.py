"""`make bench`: the speed table of briefing at several corpus sizes.

    python bench/run.py [--sizes 200,2000,20000] [--seed 0] [--repeat 3]

(or BENCH_SIZES=200,2000,20000). For each size it generates a corpus
(bench/make_corpus.py, into bench/corpus/, reused while unchanged), makes a fresh
workspace in bench/work/, and measures:

  ingest     Library.ingest in a child process: articles per second (the ingest call
             itself), the whole process's wall time, and its peak RSS (os.wait4 rusage)
  re-tag     Library.retag in a child process (seconds)
  search     Store.search, in-process on an open store: median of ~20 varied queries
  export     `briefing -w WS export --theme ×4 --format md|pdf -o FILE`, the WHOLE
             process timed end to end (median of --repeat runs after one warm-up)
  TUI        App construction to first screen populated, and key press to lists and
             preview updated, through Textual's Pilot (bench/bench_tui.py)

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
DEFAULT_SIZES = "200,2000,20000"  # ~7 min here (2 cores); BENCH_SIZES=200,2000 for a quick run


# -- running things ---------------------------------------------------------------


@dataclass
class Run:
    wall: float
    maxrss_mb: float
    result: dict[str, Any] = field(default_factory=dict)


def child(step: str, workspace: Path, *args: str) -> Run:
    """Run bench/_child.py STEP in its own process; its figures, wall time and peak RSS."""
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
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise RuntimeError(
            f"{step} failed ({proc.returncode}); see {log}:\n{log.read_text()[-2000:]}"
        )
    return Run(wall, usage.ru_maxrss / 1024, json.loads(out.read_text()))


def timed_cli(args: list[str], repeat: int) -> float:
    """Median wall time of the whole `briefing` process, after one warm-up run."""
    times = []
    for attempt in range(repeat + 1):
        t0 = time.perf_counter()
        done = subprocess.run([BRIEFING, *args], capture_output=True, text=True, cwd=REPO)
        elapsed = time.perf_counter() - t0
        if done.returncode != 0:
            raise RuntimeError(f"briefing {' '.join(args)} failed:\n{done.stderr[-2000:]}")
        if attempt:
            times.append(elapsed)
    return statistics.median(times)


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


def measure(n: int, seed: int, repeat: int, skip_tui: bool) -> dict[str, Any]:
    folder = corpus(n, seed)
    workspace = WORK_DIR / str(n)
    shutil.rmtree(workspace, ignore_errors=True)
    # The generated corpus is written for the sample's four themes (init alone gives one).
    themes_file = REPO / "data" / "themes.yaml"
    subprocess.run(
        [BRIEFING, "init", str(workspace), "--themes", str(themes_file)],
        check=True,
        capture_output=True,
    )
    row: dict[str, Any] = {"n": n, "notes": {}}

    run = child("ingest", workspace, str(folder))
    r = run.result
    row["ingest_rate"] = r["added"] / r["seconds"] if r["seconds"] else None
    row["ingest_files_rate"] = n / r["seconds"] if r["seconds"] else None
    row["ingest_wall"] = run.wall
    row["ingest_rss"] = run.maxrss_mb
    row["ingest_info"] = {
        k: r[k] for k in ("added", "duplicates", "refused", "excerpts", "refusals")
    }
    note(
        f"{n}: ingest {r['seconds']:.1f} s ({r['added']} added, {r['duplicates']} duplicate, "
        f"{r['refused']} refused, {r['excerpts']} excerpts), peak {run.maxrss_mb:.0f} MB"
    )

    run = child("retag", workspace)
    row["retag"] = run.result["seconds"]
    note(f"{n}: re-tag after a decision {row['retag']:.2f} s")
    run = child("retag", workspace, "reread")
    row["retag_reread"] = run.result["seconds"]
    row["retag_rss"] = run.maxrss_mb
    note(f"{n}: re-tag after the keywords changed {row['retag_reread']:.1f} s")

    themes = theme_ids(workspace)
    qfile = WORK_DIR / f"queries-{n}.json"
    qfile.write_text(json.dumps(queries(folder, seed, themes)))
    run = child("search", workspace, str(qfile))
    row["search"] = run.result["median_s"]
    row["search_max"] = run.result["max_s"]
    note(
        f"{n}: search median {row['search'] * 1000:.1f} ms (max {row['search_max'] * 1000:.1f} ms)"
    )

    chosen = [arg for t in themes[:4] for arg in ("--theme", t)]
    for fmt in ("md", "pdf"):
        target = workspace / "exports" / f"bench.{fmt}"
        try:
            row[f"export_{fmt}"] = timed_cli(
                ["-w", str(workspace), "export", *chosen, "--format", fmt, "-o", str(target)],
                repeat,
            )
            note(f"{n}: export {fmt} {row[f'export_{fmt}']:.2f} s")
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


METRICS = [
    Metric(
        "ingest_rate",
        "ingest with tagging (articles/s, in-process)",
        lambda v: f"{v:.0f}/s",
        ">= 200 articles/s from 2,000 up",
        # At 200 articles the one-off start (loading the embedding model, starting the
        # reader processes: ~0.4 s) is most of the run; the target is the throughput.
        _from(2000, lambda v: v >= 200),
        10,
        rate=True,
    ),
    Metric("ingest_wall", "ingest, whole process (s)", _secs, "—", lambda v: None, 10),
    Metric(
        "ingest_rss",
        "ingest peak memory (RSS)",
        lambda v: f"{v:.0f} MB",
        "< 1 GB at 20,000",
        _at(20000, lambda v: v < 1024),
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
        lambda v: f"{v:.0f} MB",
        "< 1 GB at 20,000",
        _at(20000, lambda v: v < 1024),
        10,
    ),
    Metric(
        "search",
        "search, median of 20 queries (in-process)",
        _ms,
        "< 50 ms at 20,000",
        _at(20000, lambda v: v < 0.05),
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
        "tui_first", "TUI first screen", _secs, "< 1 s at 2,000", _at(2000, lambda v: v < 1.0), 2
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
        "< 150 ms at 20,000",
        _at(20000, lambda v: v < 0.15),
        2,
    ),
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="The speed table of briefing.")
    parser.add_argument("--sizes", default=os.environ.get("BENCH_SIZES", DEFAULT_SIZES))
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeat", type=int, default=3, help="export runs per figure (median)")
    parser.add_argument("--skip-tui", action="store_true")
    parser.add_argument("--no-write", action="store_true", help="do not write bench/results.md")
    args = parser.parse_args(argv)
    sizes = sorted(int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip())
    WORK_DIR.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    rows = []
    for n in sizes:
        print(f"measuring {n:,} articles ...", file=sys.stderr, flush=True)
        rows.append(measure(n, args.seed, args.repeat, args.skip_tui))
    elapsed = time.perf_counter() - started
    text = table(rows)
    details = "\n".join(
        f"- {r['n']:,} files: {r['ingest_info']['added']} added, "
        f"{r['ingest_info']['duplicates']} duplicate, {r['ingest_info']['refused']} refused, "
        f"{r['ingest_info']['excerpts']:,} excerpts; search max {r['search_max'] * 1000:.1f} ms"
        for r in rows
    )
    print(text)
    print(f"\n(bench took {elapsed / 60:.1f} min)")
    if not args.no_write:
        RESULTS.write_text(
            "# briefing: speed\n\n"
            "Made by `make bench` (bench/run.py; sizes "
            f"{', '.join(f'{n:,}' for n in sizes)}; corpus seed {args.seed}). Ratios are "
            "to the smallest size. Ingest and re-tag run in a child process (peak RSS from "
            "its rusage); search is in-process on an open store, warm, median of 20 "
            "queries; export is the whole `briefing export` process, median of "
            f"{args.repeat} runs after a warm-up; the TUI is driven through Textual's Pilot.\n\n"
            f"{text}\n\n{details}\n\nMachine:\n\n{machine()}\n\n"
            f"The whole run took {elapsed / 60:.1f} min.\n",
            encoding="utf-8",
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
