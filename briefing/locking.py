"""One writer per workspace at a time: a lock file that the operating system releases.

Two `briefing ingest` runs over the same workspace must not interleave their
writes (both would try to store the same sources); the second waits for the
first and then finds its files stored. The lock is `flock` on
`.briefing/lock`, so it is released when its holder ends, even by kill -9, and
readers (listing, search, export) never take it.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

try:
    import fcntl
except ImportError:  # Windows: no flock; SQLite's own locking is all there is
    fcntl = None  # type: ignore[assignment]

_held: dict[Path, tuple[int, int]] = {}  # lock file -> (descriptor, depth) in this process
_guard = threading.Lock()


@contextmanager
def workspace_lock(path: Path, on_wait: Callable[[], None] | None = None) -> Iterator[None]:
    """Hold the lock file `path` for the block; call `on_wait` once if another has it.

    Re-entrant within a process (a method that holds it may call another that
    takes it), so it orders processes, not threads.
    """
    path = Path(path)
    _acquire(path, on_wait)
    try:
        yield
    finally:
        _release(path)


@contextmanager
def workspace_lock_if_free(path: Path) -> Iterator[bool]:
    """Hold the lock for the block if no other run holds it; yields whether it does."""
    path = Path(path)
    got = _acquire(path, None, wait=False)
    try:
        yield got
    finally:
        if got:
            _release(path)


def _acquire(path: Path, on_wait: Callable[[], None] | None, wait: bool = True) -> bool:
    with _guard:
        if path in _held:
            fd, depth = _held[path]
            _held[path] = (fd, depth + 1)
            return True
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    if fcntl is not None:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if not wait:
                os.close(fd)
                return False
            if on_wait is not None:
                on_wait()
            fcntl.flock(fd, fcntl.LOCK_EX)
    with _guard:
        if path in _held:  # another thread of this process took it meanwhile
            os.close(fd)
            held, depth = _held[path]
            _held[path] = (held, depth + 1)
        else:
            _held[path] = (fd, 1)
    return True


def _release(path: Path) -> None:
    with _guard:
        fd, depth = _held[path]
        if depth > 1:
            _held[path] = (fd, depth - 1)
            return
        del _held[path]
    os.close(fd)  # closing the descriptor releases the flock
