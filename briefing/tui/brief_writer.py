"""brief.yaml written off the keys: one thread writes the newest brief handed to it.

Writing brief.yaml (atomically, with fsync) takes 10-40 ms on a quiet disk and seconds on a
busy one; on the main thread that held every key and the preview behind it. Here a key only
hands over a copy of the brief. Kept free of Textual: the app is told through `on_done`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from briefing.errors import BriefingError
from briefing.memo.brief import Brief

Done = Callable[[int, BriefingError | None], object]


class BriefWriter:
    """Writes the newest brief handed in, one write at a time, in a thread of its own.

    A brief handed in while a write is under way waits; a newer one replaces it, so a
    burst of keys costs two writes, and the file always ends as the newest brief. The
    thread is not a daemon: a write under way, or one waiting, ends before Python does.
    """

    def __init__(self, write: Callable[[Brief], object], on_done: Done | None = None) -> None:
        self.write = write  # public: a test slows it down as a busy disk would
        self.on_done = on_done  # called in the writer's thread: it must not wait on the app
        self._state = threading.Condition()
        self._waiting: tuple[int, Brief] | None = None
        self._busy = False
        self.written = 0  # the version of the newest brief on disk
        self.error: BriefingError | None = None  # why the last write failed; None after a good one

    def submit(self, version: int, brief: Brief) -> None:
        """Write `brief` (a copy nobody edits any more) soon; `version` orders the briefs."""
        with self._state:
            self._waiting = (version, brief)
            if not self._busy:
                self._busy = True
                threading.Thread(target=self._run, name="brief.yaml writer").start()

    def flush(self, timeout: float | None = None) -> bool:
        """Wait until every brief handed in is written (or failed); False on timeout."""
        with self._state:
            return self._state.wait_for(lambda: not self._busy, timeout)

    @property
    def busy(self) -> bool:
        with self._state:
            return self._busy

    def _run(self) -> None:
        while True:
            with self._state:
                if self._waiting is None:
                    self._busy = False
                    self._state.notify_all()
                    return
                version, brief = self._waiting
                self._waiting = None
            error: BriefingError | None = None
            try:
                self.write(brief)
            except BriefingError as failure:
                error = failure
            except Exception as failure:  # a thread's exception is seen by nobody: say it
                error = BriefingError(f"brief.yaml was not written: {failure}")
            with self._state:
                self.error = error
                if error is None:
                    self.written = max(self.written, version)
            if self.on_done is not None:
                self.on_done(version, error)
