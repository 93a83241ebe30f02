"""One benchmark step, run in its own process by bench/run.py.

    python bench/_child.py STEP WORKSPACE OUT.json [ARGS...]

Steps: ingest CORPUS | retag [reread] | themes | search QUERIES.json | tui. Each writes its figures
(seconds, counts) as JSON to OUT.json; the parent measures wall time and the peak
resident memory of this process (os.wait4's rusage).
"""

from __future__ import annotations

import asyncio
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any


def ingest(workspace: Path, corpus: Path) -> dict[str, Any]:
    t0 = time.perf_counter()
    from briefing.library import Library
    from briefing.workspace import Workspace

    t_import = time.perf_counter() - t0
    library = Library.open(Workspace(workspace))
    t1 = time.perf_counter()
    summary = library.ingest([corpus])
    seconds = time.perf_counter() - t1
    result = {
        "import_s": t_import,
        "seconds": seconds,
        "cpu_self_s": time.process_time(),  # this process alone, start to end of ingest
        "added": len(summary.added),
        "duplicates": len(summary.duplicates),
        "refused": len(summary.refused),
        "refusals": [f"{r.path}: {r.reason}" for r in summary.refused[:5]],
        "sources": library.store.count_sources(),
        "excerpts": library.store.count_excerpts(),
    }
    library.close()
    return result


def retag(workspace: Path, reread: bool) -> dict[str, Any]:
    """`briefing tag` in-process: after a decision (the corpus calibrated from the stored
    vectors and keyword matches) or, with `reread`, after the keywords changed (every
    excerpt's text read again, then calibrated)."""
    from briefing.library import Library
    from briefing.workspace import Workspace

    library = Library.open(Workspace(workspace))
    if reread:
        with library.store.transaction():
            library.store.set_setting("phrases", "changed")
    else:  # a decision, as the TUI makes one
        excerpt = library.store.excerpts()[0]
        library.set_manual_tag(excerpt.id, library.themes[0].id, "added")
    t0 = time.perf_counter()
    count = library.retag()
    seconds = time.perf_counter() - t0
    if not reread:
        library.set_manual_tag(excerpt.id, library.themes[0].id, None)
    library.close()
    return {"seconds": seconds, "excerpts": count}


def search(workspace: Path, queries_file: Path) -> dict[str, Any]:
    """Median latency of the queries, in-process on an open store (after one warm-up pass)."""
    from briefing.library import Library
    from briefing.workspace import Workspace

    queries = json.loads(queries_file.read_text())
    library = Library.open(Workspace(workspace))
    for q in queries:  # warm-up: page cache, statement cache
        library.store.search(q["query"], q.get("theme"), 20)
    times, cpus, hits = [], [], []
    for q in queries:
        t0, c0 = time.perf_counter(), time.process_time()
        found = library.store.search(q["query"], q.get("theme"), 20)
        cpus.append(time.process_time() - c0)
        times.append(time.perf_counter() - t0)
        hits.append(len(found))
    library.close()
    return {
        "median_s": statistics.median(times),
        "max_s": max(times),
        "median_cpu_s": statistics.median(cpus),
        "max_cpu_s": max(cpus),
        "times": times,
        "cpus": cpus,
        "hits": hits,
    }


def themes(workspace: Path) -> dict[str, Any]:
    """What `briefing themes` and `themes --matrix` do once the workspace is open, timed
    in-process (median of 5, after a warm-up): the theme counts and coverage warnings,
    and the sources-by-themes grid."""
    from briefing.library import Library
    from briefing.workspace import Workspace

    library = Library.open(Workspace(workspace))

    def counts() -> object:
        return library.store.theme_counts(), library.keyword_reach()

    def matrix() -> object:
        return library.store.theme_matrix(), library.store.source_titles()

    figures: dict[str, Any] = {}
    for name, work in (("counts_s", counts), ("matrix_s", matrix)):
        work()
        times, cpus = [], []
        for _ in range(5):
            t0, c0 = time.perf_counter(), time.process_time()
            work()
            cpus.append(time.process_time() - c0)
            times.append(time.perf_counter() - t0)
        figures[name] = statistics.median(times)
        figures[name.replace("_s", "_cpu_s")] = statistics.median(cpus)
    figures["matrix_rows"] = len(library.store.theme_matrix())
    library.close()
    return figures


def tui(workspace: Path) -> dict[str, Any]:
    """Time to first screen and key-to-update, through Textual's Pilot."""
    return asyncio.run(_tui(workspace))


async def _tui(workspace: Path) -> dict[str, Any]:
    import bench_tui  # type: ignore[import-not-found]

    return await bench_tui.measure(workspace)


def main() -> int:
    step, workspace, out = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
    args = sys.argv[4:]
    if step == "ingest":
        result = ingest(workspace, Path(args[0]))
    elif step == "retag":
        result = retag(workspace, reread=bool(args and args[0] == "reread"))
    elif step == "search":
        result = search(workspace, Path(args[0]))
    elif step == "themes":
        result = themes(workspace)
    elif step == "tui":
        sys.path.insert(0, str(Path(__file__).parent))
        result = tui(workspace)
    else:
        raise SystemExit(f"unknown step {step}")
    out.write_text(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
