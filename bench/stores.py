"""The store column of `make bench`: the same corpus in SQLite and in PostgreSQL.

    python bench/stores.py [--sizes 2000,20000] [--seed 0] [--stores sqlite,postgresql]

For each size and store: a fresh workspace (`briefing init`, with `--store` on a
PostgreSQL server this script starts in a temporary folder, as the tests do), then

  ingest   Library.ingest in a child process: articles per second (the call itself);
           CPU per article of the briefing processes (the child and its workers) and of
           the PostgreSQL server (its backends), as the machine is shared
  search   Store.search in-process on an open store: median of ~20 varied queries
  themes   the theme queries in-process: counts per theme (the app's first screen and
           `briefing themes`), and the best 50 excerpts of each theme (a list on screen);
           median over themes, warm

Without PostgreSQL installed it says so in one line and measures SQLite only. Prints one
table and writes it to bench/results-stores.md.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(REPO))

import run  # noqa: E402  (the corpus, the queries and the child steps of bench/run.py)

RESULTS = BENCH / "results-stores.md"


def themes_latency(workspace: Path) -> dict[str, float]:
    """Median seconds of the theme queries, in this process, after one warm-up pass."""
    from briefing.library import Library
    from briefing.workspace import Workspace

    library = Library.open(Workspace(workspace))
    try:
        store = library.store
        ids = [t.id for t in library.themes]
        timings: dict[str, list[float]] = {"counts": [], "matrix": [], "list": []}
        for attempt in range(4):
            t0 = time.perf_counter()
            store.theme_excerpt_counts()
            store.theme_counts()
            counts = time.perf_counter() - t0
            t0 = time.perf_counter()
            store.theme_matrix()
            matrix = time.perf_counter() - t0
            lists = []
            for theme in ids:
                t0 = time.perf_counter()
                store.excerpts_for_theme(theme, limit=50)
                lists.append(time.perf_counter() - t0)
            if attempt:
                timings["counts"].append(counts)
                timings["matrix"].append(matrix)
                timings["list"] += lists
        return {k: statistics.median(v) for k, v in timings.items()}
    finally:
        library.close()


def measure(n: int, seed: int, store: str | None, server: Any = None) -> dict[str, Any]:
    folder = run.corpus(n, seed)
    name = "postgresql" if store else "sqlite"
    workspace = run.WORK_DIR / f"stores-{name}-{n}"
    shutil.rmtree(workspace, ignore_errors=True)
    init = [run.BRIEFING, "init", str(workspace), "--themes", str(REPO / "data" / "themes.yaml")]
    subprocess.run(init + (["--store", store] if store else []), check=True, capture_output=True)
    row: dict[str, Any] = {"n": n, "store": name}
    server_cpu = server.cpu_seconds() if server is not None else 0.0
    ingest = run.child("ingest", workspace, str(folder))
    result = ingest.result
    added = max(result["added"], 1)
    row["ingest_rate"] = result["added"] / result["seconds"]
    row["ingest_cpu"] = ingest.cpu_s / added
    row["server_cpu"] = (server.cpu_seconds() - server_cpu) / added if server else 0.0
    run.note(
        f"{n} {name}: ingest {result['seconds']:.1f} s, {result['added']} added, "
        f"CPU {row['ingest_cpu'] * 1000:.1f} ms an article (+ server "
        f"{row['server_cpu'] * 1000:.1f} ms)"
    )
    queries = run.WORK_DIR / f"stores-queries-{n}.json"
    queries.write_text(json.dumps(run.queries(folder, seed, run.theme_ids(workspace))))
    row["search"] = run.child("search", workspace, str(queries)).result["median_s"]
    row.update(themes_latency(workspace))
    run.note(
        f"{n} {name}: search {row['search'] * 1000:.1f} ms, theme counts "
        f"{row['counts'] * 1000:.1f} ms, list of 50 {row['list'] * 1000:.1f} ms"
    )
    return row


def table(rows: list[dict[str, Any]]) -> str:
    sizes = sorted({r["n"] for r in rows})
    stores = [s for s in ("sqlite", "postgresql") if any(r["store"] == s for r in rows)]
    header = "| figure | " + " | ".join(f"{s} {n:,}" for n in sizes for s in stores) + " |"
    lines = [header, "|---" * (1 + len(sizes) * len(stores)) + "|"]
    figures = [
        ("ingest (articles/s)", "ingest_rate", lambda v: f"{v:.1f}"),
        ("ingest CPU, briefing (ms/article)", "ingest_cpu", lambda v: f"{v * 1000:.1f}"),
        ("ingest CPU, server (ms/article)", "server_cpu", lambda v: f"{v * 1000:.1f}"),
        ("search median (ms)", "search", lambda v: f"{v * 1000:.1f}"),
        ("theme counts (ms)", "counts", lambda v: f"{v * 1000:.1f}"),
        ("theme matrix (ms)", "matrix", lambda v: f"{v * 1000:.1f}"),
        ("a theme's best 50 (ms)", "list", lambda v: f"{v * 1000:.1f}"),
    ]
    by = {(r["n"], r["store"]): r for r in rows}
    for label, key, shown in figures:
        cells = [shown(by[(n, s)][key]) if (n, s) in by else "-" for n in sizes for s in stores]
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="SQLite and PostgreSQL stores side by side.")
    parser.add_argument("--sizes", default=os.environ.get("BENCH_SIZES", "2000,20000"))
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--stores", default="sqlite,postgresql", help="which stores to measure")
    parser.add_argument("--out", type=Path, default=RESULTS, help="where the table is written")
    args = parser.parse_args(argv)
    sizes = sorted(int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip())
    run.WORK_DIR.mkdir(parents=True, exist_ok=True)
    server = None
    try:
        from tests.postgres import Server, find_tool

        if find_tool("initdb") is None:
            print("bench/stores.py: PostgreSQL is not installed; SQLite only.", file=sys.stderr)
        else:
            server = Server()
        rows = []
        stores = args.stores.split(",")
        for n in sizes:
            if "sqlite" in stores:
                rows.append(measure(n, args.seed, None))
            if server is not None and "postgresql" in stores:
                rows.append(measure(n, args.seed, server.new_database(), server))
    finally:
        if server is not None:
            server.stop()
    text = table(rows)
    print(text)
    args.out.write_text(
        "# briefing: the two stores\n\n"
        "Made by `bench/stores.py` (part of `make bench`): the same generated corpus "
        "ingested into a SQLite workspace and into a PostgreSQL team store (a local server, "
        "unix socket, fsync off as in the tests). Ingest in a child process; search and "
        "theme queries in-process on an open store, warm, medians. The machine may be "
        "shared: the CPU per article says more than the rate then.\n\n"
        f"{text}\n\nMachine:\n\n{run.machine()}\n",
        encoding="utf-8",
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
