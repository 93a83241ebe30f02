"""Reading many files on the other cores while the caller tags and stores.

Cleaning an article costs about as much as tagging and storing it, so a run of
many files reads them in worker processes, in order, and the caller never waits
on one core for work the other could do.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from briefing.errors import RefusedFile
from briefing.ingest import Article, read_article

PARALLEL_FROM = 64  # fewer files than this are read here: a worker's start costs ~0.3 s
CHUNK = 16


def read_articles(paths: Sequence[Path]) -> Iterator[tuple[Path, Article | str]]:
    """Each path with its article, or with the reason it was refused, in the given order."""
    workers = max(1, (os.cpu_count() or 1) - 1)
    if len(paths) < PARALLEL_FROM:
        yield from zip(paths, map(_read, paths), strict=True)
        return
    # Forking a process that runs threads (the TUI ingests from one) can deadlock, so
    # then the workers are spawned; otherwise fork, which needs no `__main__` guard.
    method = "fork" if threading.active_count() == 1 and os.name == "posix" else "spawn"
    context = multiprocessing.get_context(method)
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        yield from zip(paths, pool.map(_read, paths, chunksize=CHUNK), strict=True)


def _read(path: Path) -> Article | str:
    """The article, or the refusal's reason (an exception with two fields does not pickle)."""
    try:
        return read_article(path)
    except RefusedFile as refusal:
        return refusal.reason
