"""The store column of `make bench`: the same corpus in SQLite and in PostgreSQL.

    python bench/stores.py [--sizes 2000,20000] [--seed 0] [--stores sqlite,postgresql]
                           [--keep DIR [--reuse]] [--sqlite-from WORKSPACE]
                           [--sqlite-ingest RATE,CPU_MS,WHERE] [--out FILE]

For each size and store: a fresh workspace (`briefing init`, with `--store` on a
PostgreSQL server this script starts in a temporary folder, as the tests do), then

  ingest   Library.ingest in a child process: articles per second (the call itself);
           CPU per article of the briefing processes (the child and its workers) and of
           the PostgreSQL server (its backends), as the machine is shared
  search   Store.search in a child process on an open store: median of ~20 varied
           queries (wall, and the client's CPU)
  themes   the theme queries in-process: counts per theme (the app's first screen and
           `briefing themes`), and the best 50 excerpts of each theme (a list on screen);
           median over themes, warm
  size     the store on disk: the PostgreSQL database (pg_database_size) or corpus.db

`--keep DIR` keeps what a run made in DIR: the server's cluster (DIR/pg, stopped at the
end, not deleted), the workspaces and each row's figures (DIR/rows.json). `--reuse` then
measures the latencies again on those stores without ingesting again (a long ingest on a
busy machine, its latencies re-measured later on an idle one); the ingest figures are the
kept ones. `--sqlite-from WORKSPACE` measures SQLite's latencies on a workspace that
bench/run.py ingested (its .bench-corpus names the size; use a copy: opening a workspace
may write to it), with the ingest figures given by `--sqlite-ingest` (from that run's
results), said so in the table.

Without PostgreSQL installed it says so in one line and measures SQLite only. Prints one
table and writes it to bench/results-stores.md (or --out).
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
# A team's server holds its corpus in memory as it can: PostgreSQL's default shared
# buffers (128 MB, the tests' servers) hold a tenth of 100,000 articles' excerpts.
SERVER_SETTINGS = {"shared_buffers": "2GB"}


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


def store_size(workspace: Path, url: str | None) -> float:
    """Bytes of the store on disk: the PostgreSQL database, or the SQLite file and its log."""
    if url is None:
        db = workspace / ".briefing" / "corpus.db"
        return float(sum(p.stat().st_size for p in db.parent.glob("corpus.db*")))
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        row = conn.execute("SELECT pg_database_size(current_database())").fetchone()
    return float(row[0]) if row else 0.0


def load() -> str:
    return " / ".join(f"{x:.1f}" for x in os.getloadavg())


def ingest(row: dict[str, Any], workspace: Path, folder: Path, server: Any) -> None:
    """Ingest the corpus into the new workspace; the ingest figures into `row`."""
    server_cpu = server.cpu_seconds() if server is not None else 0.0
    load_before = load()
    ingest = run.child("ingest", workspace, str(folder))
    result = ingest.result
    added = max(result["added"], 1)
    row["ingest_rate"] = result["added"] / result["seconds"]
    row["ingest_cpu"] = ingest.cpu_s / added
    row["server_cpu"] = (server.cpu_seconds() - server_cpu) / added if server else 0.0
    row["ingest_load"] = f"{load_before} → {load()}"
    row["excerpts"] = result["excerpts"]
    run.note(
        f"{row['n']} {row['store']}: ingest {result['seconds']:.1f} s, {result['added']} "
        f"added, CPU {row['ingest_cpu'] * 1000:.1f} ms an article (+ server "
        f"{row['server_cpu'] * 1000:.1f} ms), load {row['ingest_load']}"
    )


def latencies(
    row: dict[str, Any], workspace: Path, folder: Path, seed: int, url: str | None
) -> None:
    """Search and theme latencies on the workspace's store, and its size, into `row`."""
    load_before = load()
    queries = workspace.parent / f"stores-queries-{row['n']}.json"
    queries.write_text(json.dumps(run.queries(folder, seed, run.theme_ids(workspace))))
    searched = run.child("search", workspace, str(queries)).result
    row["search"] = searched["median_s"]
    row["search_max"] = searched["max_s"]
    row["search_cpu"] = searched["median_cpu_s"]
    row.update(themes_latency(workspace))
    row["size"] = store_size(workspace, url)
    row["latency_load"] = f"{load_before} → {load()}"
    run.note(
        f"{row['n']} {row['store']}: search {row['search'] * 1000:.1f} ms (slowest "
        f"{row['search_max'] * 1000:.1f}), theme counts {row['counts'] * 1000:.1f} ms, list "
        f"of 50 {row['list'] * 1000:.1f} ms, {row['size'] / 2**30:.2f} GB, load "
        f"{row['latency_load']}"
    )


def measure(
    n: int,
    seed: int,
    name: str,
    home: Path,
    server: Any = None,
    kept: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """One column: a store of `n` articles made (or, with `kept`, the one made before)."""
    folder = run.corpus(n, seed)
    workspace = home / f"stores-{name}-{n}"
    url = None
    if server is not None:
        database = f"stores_{n}"
        url = server.url(database)
    if kept is not None:
        row = {k: v for k, v in kept.items() if k in INGEST_FIGURES or k in ("n", "store")}
        run.note(f"{n} {name}: the store kept in {workspace}; latencies measured again")
    else:
        shutil.rmtree(workspace, ignore_errors=True)
        if server is not None:
            server.drop_database(database)
            server.new_database(database)
        init = [run.BRIEFING, "init", str(workspace)]
        init += ["--themes", str(REPO / "data" / "themes.yaml")]
        subprocess.run(init + (["--store", url] if url else []), check=True, capture_output=True)
        row = {"n": n, "store": name}
        ingest(row, workspace, folder, server)
    latencies(row, workspace, folder, seed, url)
    return row


def measure_given(workspace: Path, seed: int, given: str) -> dict[str, Any]:
    """SQLite's column on a workspace bench/run.py ingested; its ingest figures as given
    ("RATE,CPU_MS,WHERE FROM"): that run's, not measured here."""
    stamp = (workspace / ".bench-corpus").read_text().split()[0]  # "100000-seed0 <hash>"
    n = int(stamp.split("-")[0])
    if stamp != f"{n}-seed{seed}":
        raise SystemExit(f"{workspace}: ingested from {stamp}, not seed {seed}")
    row: dict[str, Any] = {"n": n, "store": "sqlite"}
    if given:
        rate, cpu, where = (given.split(",", 2) + ["", ""])[:3]
        row["ingest_rate"] = float(rate)
        row["ingest_cpu"] = float(cpu) / 1000
        row["server_cpu"] = 0.0
        row["ingest_load"] = f"from {where.strip() or 'another run'}"
    latencies(row, workspace, run.corpus(n, seed), seed, None)
    return row


INGEST_FIGURES = ("ingest_rate", "ingest_cpu", "server_cpu", "ingest_load", "excerpts")


def table(rows: list[dict[str, Any]]) -> str:
    sizes = sorted({r["n"] for r in rows})
    stores = [s for s in ("sqlite", "postgresql") if any(r["store"] == s for r in rows)]
    header = "| figure | " + " | ".join(f"{s} {n:,}" for n in sizes for s in stores) + " |"
    lines = [header, "|---" * (1 + len(sizes) * len(stores)) + "|"]
    figures = [
        ("ingest (articles/s)", "ingest_rate", lambda v: f"{v:.1f}"),
        ("ingest CPU, briefing (ms/article)", "ingest_cpu", lambda v: f"{v * 1000:.1f}"),
        ("ingest CPU, server (ms/article)", "server_cpu", lambda v: f"{v * 1000:.1f}"),
        ("load average during ingest (1/5/15 min)", "ingest_load", str),
        ("search median (ms)", "search", lambda v: f"{v * 1000:.1f}"),
        ("search slowest (ms)", "search_max", lambda v: f"{v * 1000:.1f}"),
        ("search median, client CPU (ms)", "search_cpu", lambda v: f"{v * 1000:.1f}"),
        ("theme counts (ms)", "counts", lambda v: f"{v * 1000:.1f}"),
        ("theme matrix (ms)", "matrix", lambda v: f"{v * 1000:.1f}"),
        ("a theme's best 50 (ms)", "list", lambda v: f"{v * 1000:.1f}"),
        ("store on disk (GB)", "size", lambda v: f"{v / 2**30:.2f}"),
        ("load average during latencies", "latency_load", str),
    ]
    by = {(r["n"], r["store"]): r for r in rows}
    for label, key, shown in figures:
        cells = [
            shown(by[(n, s)][key]) if key in by.get((n, s), {}) else "-"
            for n in sizes
            for s in stores
        ]
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="SQLite and PostgreSQL stores side by side.")
    parser.add_argument("--sizes", default=os.environ.get("BENCH_SIZES", "2000,20000"))
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--stores", default="sqlite,postgresql", help="which stores to measure")
    parser.add_argument("--out", type=Path, default=RESULTS, help="where the table is written")
    parser.add_argument("--keep", type=Path, help="keep the stores and figures in this folder")
    parser.add_argument("--reuse", action="store_true", help="re-measure the kept stores")
    parser.add_argument("--sqlite-from", type=Path, help="SQLite's latencies on this workspace")
    parser.add_argument("--sqlite-ingest", default="", help="its ingest: RATE,CPU_MS,WHERE")
    args = parser.parse_args(argv)
    if args.reuse and args.keep is None:
        parser.error("--reuse needs --keep DIR (the folder of a run made with --keep)")
    sizes = sorted(int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip())
    home = args.keep.resolve() if args.keep else run.WORK_DIR
    home.mkdir(parents=True, exist_ok=True)
    saved = home / "rows.json"
    kept_rows = json.loads(saved.read_text()) if args.reuse and saved.is_file() else []
    kept = {(r["n"], r["store"]): r for r in kept_rows}
    run.WORK_DIR.mkdir(parents=True, exist_ok=True)
    server = None
    rows: list[dict[str, Any]] = []
    try:
        from tests.postgres import Server, find_tool

        stores = args.stores.split(",")
        if "postgresql" in stores and find_tool("initdb") is None:
            print("bench/stores.py: PostgreSQL is not installed; SQLite only.", file=sys.stderr)
        elif "postgresql" in stores:
            server = Server(home / "pg" if args.keep else None, SERVER_SETTINGS)
        if args.sqlite_from is not None:
            rows.append(measure_given(args.sqlite_from, args.seed, args.sqlite_ingest))
        for n in sizes:
            for name in ("sqlite", "postgresql"):
                if name not in stores or (name == "postgresql" and server is None):
                    continue
                if any(r["n"] == n and r["store"] == name for r in rows):
                    continue  # measured on the given workspace
                pg = server if name == "postgresql" else None
                if args.reuse and (n, name) not in kept:
                    raise SystemExit(f"{home}: no kept {name} store of {n:,} articles")
                rows.append(measure(n, args.seed, name, home, pg, kept.get((n, name))))
                if args.keep:
                    done = {(r["n"], r["store"]): r for r in kept_rows + rows}
                    saved.write_text(json.dumps(list(done.values()), indent=1))
    finally:
        if server is not None:
            server.stop()
    text = table(rows)
    print(text)
    args.out.write_text(
        "# briefing: the two stores\n\n"
        "Made by `bench/stores.py` (part of `make bench`): the same generated corpus "
        "ingested into a SQLite workspace and into a PostgreSQL team store (a local server, "
        "unix socket, fsync off as in the tests, shared_buffers 2 GB). Ingest in a child "
        "process; search and theme queries on an open store, warm, medians. The machine may "
        "be shared (see the "
        "load averages): the CPU per article says more than the rate then.\n\n"
        f"{text}\n\nMachine:\n\n{run.machine()}\n",
        encoding="utf-8",
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
