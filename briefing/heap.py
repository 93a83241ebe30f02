"""Giving memory the process has freed back to the system.

glibc's malloc keeps freed small blocks (SQLite's cache pages, a finished batch's Python
objects) in its heap for reuse, so a process's resident size stays at its high-water
mark. Before a step that needs a lot of memory at once (the whole corpus's calibration
after an ingest), handing those pages back keeps the process's peak that of the step,
not the step's on top of everything the ingest once held.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
from collections.abc import Callable

_M_MMAP_THRESHOLD = -3  # glibc's mallopt parameter
_LARGE = 1024 * 1024  # blocks this large are mapped on their own, and unmapped when freed


class _MallInfo2(ctypes.Structure):
    _fields_ = [  # noqa: RUF012 (ctypes reads it from the class)
        (name, ctypes.c_size_t)
        for name in (
            "arena",
            "ordblks",
            "smblks",
            "hblks",
            "hblkhd",
            "usmblks",
            "fsmblks",
            "uordblks",
            "fordblks",
            "keepcost",
        )
    ]


@functools.cache
def _glibc() -> tuple[Callable[[int], int], Callable[[int, int], int]] | None:
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name)
        trim, mallopt = libc.malloc_trim, libc.mallopt
    except (OSError, AttributeError, TypeError):  # not glibc (musl, macOS): nothing to do
        return None
    trim.argtypes, trim.restype = [ctypes.c_size_t], ctypes.c_int
    mallopt.argtypes, mallopt.restype = [ctypes.c_int, ctypes.c_int], ctypes.c_int
    # glibc raises its threshold for mapping a block on its own each time such a block is
    # freed (up to 32 MB): the calibration's per-theme arrays of a large corpus (a few MB
    # each) then come from the heap, and the heap keeps them once freed. A fixed
    # threshold keeps every large array mapped, and gone from the process once freed.
    mallopt(_M_MMAP_THRESHOLD, _LARGE)
    return trim, mallopt


def give_back() -> None:
    """Return the heap's free pages to the system (glibc's malloc_trim), and from now on
    map every large block on its own; a no-op elsewhere."""
    found = _glibc()
    if found is not None:
        found[0](0)


def free_bytes() -> int:
    """Bytes the heap holds free for reuse (glibc's mallinfo2: `fordblks`); 0 elsewhere.

    They are part of the process's address space already, so a process can fill them
    without growing it: a cap on the address space must count them as used."""
    name = ctypes.util.find_library("c")
    try:
        mallinfo2 = ctypes.CDLL(name).mallinfo2
    except (OSError, AttributeError, TypeError):  # not glibc, or glibc before 2.33
        return 0
    mallinfo2.argtypes, mallinfo2.restype = [], _MallInfo2
    return int(mallinfo2().fordblks)
