"""Reading files in worker processes: each read bounded in time and memory, isolated.

Parsing a file is the riskiest thing briefing does: a malformed page can make a
parser raise anything, a crafted one can take forever or all the memory. So every
file is read in a worker process, and
- any exception while reading a file is that file's refusal, with a one-line reason;
- a worker still on one file after `READ_SECONDS` is killed (that file is refused)
  and replaced; a worker's memory is capped (`READ_MEMORY` beyond what it started
  with), so a file that needs more is refused rather than exhausting the machine;
- workers end with the run however it ends (kill -9 included): on Linux the kernel
  kills them when their parent dies (PR_SET_PDEATHSIG), elsewhere they watch for it.

The workers also do what the caller asks of each article read (`prepare`: ingest cuts,
hashes and tags it there), so that every core works on text while the caller only
writes; results come back in the given order. Each worker reads ahead at most
`AHEAD` articles, so memory does not grow with the corpus when the caller is slower.
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import os
import queue
import signal
import sys
import threading
import time
from collections.abc import Callable, Generator, Iterator, Sequence
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from multiprocessing.context import ForkContext, SpawnContext
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any

from briefing.errors import RefusedFile
from briefing.ingest import Article, read_article

READ_SECONDS = 60.0  # the longest one file may take to read (a 20 MB PDF takes ~15 s)
READ_MEMORY = 1024 * 1024 * 1024  # what a worker may grow by, in bytes of address space
CHUNK = 16  # consecutive files given to the same worker (keeps each worker's order simple)
WORKERS: int | None = None  # how many workers; None: one per core (the caller mostly waits)
AHEAD = 2 * CHUNK  # results a worker may hold that the caller has not taken yet
_POLL = 0.25  # seconds between looks at a silent worker

_KIND = {".pdf": "PDF", ".html": "HTML", ".htm": "HTML", ".md": "Markdown", ".markdown": "Markdown"}


@dataclass(frozen=True)
class Limits:
    """What reading one file may cost; tests pass small ones."""

    seconds: float = READ_SECONDS
    memory: int = READ_MEMORY


Prepare = Callable[[Sequence[tuple[Path, Article]]], list[Any]]
"""Run in the worker on articles read (a few at a time: fewer, larger calls): each result
(or, if a str, the file's refusal) is what the caller gets instead of the article.
Picklable when workers are spawned."""
# Articles a worker prepares together, at most (one chunk: a batch then never waits for a
# worker's next chunk) ... Larger batches share more of the embedder's per-call work
# (the distinct words of a batch grow slower than its size): 16 took 0.13 ms an article
# less than 8.
PREPARE_BATCH = CHUNK
PREPARE_WAIT = 0.5  # ... and seconds it holds a read article before preparing it


READ_MEMORY_REFUSAL = "reading it needs more memory than briefing allows one file"
TAG_MEMORY_REFUSAL = "tagging it needs more memory than briefing allows one file"


def read_articles(
    paths: Sequence[Path], limits: Limits | None = None, prepare: Prepare | None = None
) -> Generator[tuple[Path, Any], None, None]:
    """Each path with its article (or what `prepare` made of it), or with the reason it
    was refused, in the given order."""
    if not paths:
        return
    pool = _Pool(list(paths), limits or Limits(), prepare)
    try:
        for index, path in enumerate(paths):
            yield path, pool.result(index)
    finally:
        pool.close()


def read_one(path: Path) -> Article | str:
    """The article or the refusal's reason; any exception is a reason, never raised."""
    try:
        return read_article(path)
    except RefusedFile as refusal:
        return refusal.reason
    except MemoryError:
        return READ_MEMORY_REFUSAL
    except RecursionError:
        return "it is nested too deeply to read"
    except Exception as error:  # any reader's failure is this file's refusal, never the run's
        kind = _KIND.get(path.suffix.lower(), "text")
        return f"the {kind} reader failed on it ({_one_line(error)})"


def prepare_all(prepare: Prepare, items: Sequence[tuple[Path, Article]]) -> list[Any]:
    """What `prepare` makes of each article, or why it failed (never raised): when the
    batch fails, each article is prepared alone, so that only the culprit is refused."""
    try:
        return prepare(items)
    except Exception:
        if len(items) == 1:
            return [_failure(sys.exc_info()[1])]
    return [prepare_all(prepare, [item])[0] for item in items]


def _failure(error: BaseException | None) -> str:
    if isinstance(error, MemoryError):
        return TAG_MEMORY_REFUSAL
    return f"tagging failed on it ({_one_line(error or Exception())})"


def _one_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    detail = text[0][:160] if text else ""
    return f"{type(error).__name__}: {detail}" if detail else type(error).__name__


# -- the workers -------------------------------------------------------------------


@dataclass
class _Worker:
    process: BaseProcess
    results: Connection  # the parent's end: (index, outcome, when it finished) per file
    jobs: list[int]  # indexes of the files it reads, in order
    since: float = field(default_factory=time.monotonic)  # when it began its current file


class _Pool:
    """Workers that each read a fixed share of the files, in order; replaced when they fail."""

    def __init__(self, paths: list[Path], limits: Limits, prepare: Prepare | None) -> None:
        self.paths = paths
        self.limits = limits
        self.prepare = prepare
        wanted = WORKERS or max(1, os.cpu_count() or 1)
        count = min(wanted, -(-len(paths) // CHUNK))
        self.count = count
        # Forking a process that runs threads (the TUI ingests from one) can deadlock, so
        # then the workers are spawned; otherwise fork, which needs no `__main__` guard.
        single = threading.active_count() == 1 and os.name == "posix"
        self.context: ForkContext | SpawnContext = (
            multiprocessing.get_context("fork") if single else multiprocessing.get_context("spawn")
        )
        if not single:
            _start_resource_tracker()
        self.workers: list[_Worker | None] = [None] * count
        for slot in range(count):
            jobs = [i for i in range(len(paths)) if self._slot(i) == slot]
            self.workers[slot] = self._start(jobs)

    def _slot(self, index: int) -> int:
        return (index // CHUNK) % self.count

    def _start(self, jobs: list[int]) -> _Worker:
        results, sender = self.context.Pipe(duplex=False)
        process = self.context.Process(
            target=_work,
            args=(
                [(i, self.paths[i]) for i in jobs],
                sender,
                os.getpid(),
                self.limits.memory,
                self.prepare,
            ),
            daemon=True,
        )
        with _sigint_ignored():  # a Ctrl-C is the parent's to handle, not the workers'
            process.start()
        # Only the worker may hold the sending end: its death is then the pipe's end.
        sender.close()
        return _Worker(process, results, jobs)

    def result(self, index: int) -> Any:
        slot = self._slot(index)
        worker = self.workers[slot]
        assert worker is not None and worker.jobs and worker.jobs[0] == index
        while True:
            message = self._next(worker)
            if isinstance(message, str):  # the worker failed on this file
                self._replace(slot, worker)
                return message
            got, outcome, finished = message
            if got == _READY:  # warmed up: its first file's clock starts now
                worker.since = time.monotonic()
                continue
            assert got == index, (got, index)
            if outcome in (READ_MEMORY_REFUSAL, TAG_MEMORY_REFUSAL):
                # What the failed file took is not all given back (a heap is not
                # compacted): a fresh worker reads the rest within its whole allowance.
                self._replace(slot, worker)
                return outcome
            worker.jobs.pop(0)
            # The next file began when this one finished, or later if the worker then
            # waited for room in its outbox: it is timed from when this one was taken.
            worker.since = max(finished, time.monotonic())
            return outcome

    def _next(self, worker: _Worker) -> tuple[int, Any, float] | str:
        """The worker's next result, or why it failed on its current file."""
        while True:
            try:
                if worker.results.poll(_POLL):
                    message: tuple[int, Any, float] = worker.results.recv()
                    return message
            except (EOFError, OSError):  # the worker is gone, its pipe closed
                worker.process.join(timeout=5)
                code = worker.process.exitcode
                how = f"signal {-code}" if code is not None and code < 0 else f"exit {code}"
                return f"the reader crashed on it ({how}); it may need more memory than allowed"
            if time.monotonic() - worker.since > self.limits.seconds:
                return f"reading it took longer than {self.limits.seconds:g} s; it was stopped"

    def _replace(self, slot: int, worker: _Worker) -> None:
        """Kill the worker and start another on the files after the one that failed."""
        _stop(worker)
        rest = worker.jobs[1:]
        self.workers[slot] = self._start(rest) if rest else None

    def close(self) -> None:
        for worker in self.workers:
            if worker is not None:
                _stop(worker)
        self.workers = []


def _stop(worker: _Worker) -> None:
    if worker.process.is_alive():
        worker.process.kill()
    worker.process.join(timeout=5)
    worker.results.close()


def _start_resource_tracker() -> None:
    """Start multiprocessing's resource tracker, which spawning needs, with a real stderr.

    It hands the tracker `sys.stderr.fileno()`, and the TUI's stderr (a capture) has
    none; the tracker gets /dev/null instead (it only speaks of leaks).
    """
    from multiprocessing import resource_tracker

    try:
        valid = sys.stderr.fileno() >= 0
    except (AttributeError, ValueError, OSError):
        valid = False
    if valid:
        resource_tracker.ensure_running()
        return
    captured = sys.stderr
    with open(os.devnull, "w") as nowhere:
        sys.stderr = nowhere
        try:
            resource_tracker.ensure_running()
        finally:
            sys.stderr = captured


@contextlib.contextmanager
def _sigint_ignored() -> Iterator[None]:
    """Start children with SIGINT ignored (it survives fork and exec), so that a Ctrl-C
    reaches only the parent, before a worker could print a traceback of its own."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def _work(
    jobs: list[tuple[int, Path]],
    results: Connection,
    parent: int,
    memory: int,
    prepare: Prepare | None,
) -> None:
    """A worker: read (and prepare) each file in turn and send back its outcome and when
    it finished.

    A thread sends, so that reading goes on while the parent is busy storing and the
    pipe is full; at most `AHEAD` outcomes wait for it.
    """
    # What the worker inherited (modules, the tagger and its model) lives as long as it
    # does: out of the collector's sight, its collections walk only the worker's own
    # objects (and leave the shared pages unwritten). The worker makes few cycles, so
    # collections can be rarer: together about 0.4 ms of CPU an article less.
    gc.freeze()
    gc.set_threshold(10_000, 20, 20)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _die_with(parent)
    _silence()
    _warm()
    outbox: queue.Queue[tuple[int, Any, float] | None] = queue.Queue(AHEAD)

    def send() -> None:
        while (item := outbox.get()) is not None:
            results.send(item)

    sender = threading.Thread(target=send, name="results")
    sender.start()
    # After the warm-up and the thread's stack: a cold start is no file's memory either.
    _cap_memory(memory)
    results.send((_READY, None, time.monotonic()))
    try:
        pending: list[tuple[int, Path, Article]] = []  # read, waiting to be prepared
        held = 0.0  # since when the first of them waits

        def flush() -> None:
            outcomes = prepare_all(prepare, [(p, a) for _, p, a in pending])  # type: ignore[arg-type]
            for (index, _, _), outcome in zip(pending, outcomes, strict=True):
                outbox.put((index, outcome, time.monotonic()))
            pending.clear()

        for index, path in jobs:
            if pending and not _quick(path):
                flush()  # a result waits for no read that could take long (see _quick)
            outcome: Any = read_one(path)
            if prepare is None or isinstance(outcome, str):
                if pending:
                    flush()  # results leave in order
                outbox.put((index, outcome, time.monotonic()))
                continue
            if not pending:
                held = time.monotonic()
            pending.append((index, path, outcome))
            if len(pending) >= PREPARE_BATCH or time.monotonic() - held > PREPARE_WAIT:
                flush()
            del outcome  # held by the batch, then the outbox, until sent
        if pending:
            flush()
    finally:
        outbox.put(None)
        sender.join()
        results.close()


_READY = -1  # the index of a worker's first message: it is ready to read
_WARM_TEXT = (
    "Warming up\n\nBy A. Writer\n\nThe committee met on Tuesday to weigh the proposal, "
    "which the members had discussed at length over the past months.\n\n"
    "It said that a decision would follow in the spring, after a further round of talks."
)


def _warm() -> None:
    """Load what reading any text needs (modules, stop lists, the tokenizer that mends
    hyphens) before the first file's clock starts: a cold start is no file's fault."""
    from briefing.ingest import build_article, features, hyphens, readers

    with contextlib.suppress(Exception):
        build_article(readers.read_plain(_WARM_TEXT.encode()))
        features.load_stoplists()  # the text above is too short to ask for them
        hyphens._pieces()


QUICK_BYTES = 64 * 1024
_QUICK_KINDS = {".txt", ".md", ".markdown"}


def _quick(path: Path) -> bool:
    """Whether a file is read quickly for sure: a small text (a few milliseconds). Only
    such reads may happen while read articles wait to be prepared together: were a read
    to run into the time limit, the file the caller waits for would be a waiting one,
    and it would be refused in its place."""
    try:
        return path.suffix.lower() in _QUICK_KINDS and os.stat(path).st_size <= QUICK_BYTES
    except OSError:
        return False


def _die_with(parent: int) -> None:
    """End this process when `parent` ends, however it ends."""
    if sys.platform.startswith("linux"):
        import ctypes

        with contextlib.suppress(OSError, AttributeError):
            libc = ctypes.CDLL(None, use_errno=True)
            pr_set_pdeathsig = 1
            libc.prctl(pr_set_pdeathsig, signal.SIGKILL)
            if os.getppid() != parent:  # it died before the request was made
                os._exit(1)
            return

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, daemon=True, name="parent-watch").start()


def _silence() -> None:
    """Nothing a parser prints reaches the user's terminal (or the TUI's screen): a
    worker's outcome is what it sends back."""
    nowhere = os.open(os.devnull, os.O_WRONLY)
    for stream in (1, 2):
        os.dup2(nowhere, stream)
    os.close(nowhere)


def _cap_memory(extra: int) -> None:
    """Cap the address space so that the worker can take `extra` bytes more than it uses.

    A forked worker starts with its parent's address space, so the cap is relative. That
    space includes the heap its parent had freed: the worker can fill it without growing
    its address space, so the free heap counts against `extra` (else a worker forked from
    a long-running process could take hundreds of MB past its cap). Past the cap, Python
    raises MemoryError (that file's refusal) or the worker dies.
    """
    try:
        import resource

        from briefing.heap import free_bytes

        with open("/proc/self/statm") as handle:
            size = int(handle.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        cap = max(size + extra - free_bytes(), 0)
        if hard != resource.RLIM_INFINITY:
            cap = min(cap, hard)
        resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    except (ImportError, OSError, ValueError):
        return  # no /proc or no RLIMIT_AS (macOS, Windows): the time limit still holds
