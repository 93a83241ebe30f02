"""brief.yaml is written off the keys: by one writer thread, newest state last, never lost."""

from __future__ import annotations

import asyncio
import os
import threading
import time
from pathlib import Path

import yaml
from textual.pilot import Pilot

from briefing.errors import BriefingError
from briefing.library import Library
from briefing.memo.brief import Brief, BriefTheme, save_brief
from briefing.tui.app import BriefingApp
from briefing.tui.brief_writer import BriefWriter
from briefing.tui.dialogs.simple import ErrorDialog, QuitDialog
from briefing.tui.screens.main import MainScreen
from tests.test_tui_workflow import drive, settle


def _brief(n: int) -> Brief:
    return Brief(title=f"version {n}", themes=[BriefTheme("a", max_excerpts=n)])


def _saved(path: Path) -> dict:  # type: ignore[type-arg]
    return yaml.safe_load(path.read_text(encoding="utf-8"))


# -- the writer ---------------------------------------------------------------------------


def test_a_burst_is_written_as_the_first_and_the_newest_one_write_at_a_time(
    tmp_path: Path,
) -> None:
    path = tmp_path / "brief.yaml"
    first_started, release = threading.Event(), threading.Event()
    written: list[str] = []
    at_once = {"now": 0, "most": 0}

    def write(brief: Brief) -> None:
        at_once["now"] += 1
        at_once["most"] = max(at_once["most"], at_once["now"])
        first_started.set()
        release.wait(5)  # the disk is slow: the keys go on meanwhile
        save_brief(path, brief)
        written.append(brief.title)
        at_once["now"] -= 1

    writer = BriefWriter(write)
    writer.submit(1, _brief(1))
    assert first_started.wait(5)
    for n in range(2, 6):  # four more changes while the first is being written
        writer.submit(n, _brief(n))
    assert not writer.flush(timeout=0.05)  # still writing
    release.set()
    assert writer.flush(timeout=5)
    assert written == ["version 1", "version 5"]  # the in-between states were never due
    assert at_once["most"] == 1
    assert writer.written == 5 and writer.error is None
    assert _saved(path)["title"] == "version 5"


def test_a_failed_write_is_reported_and_the_next_good_one_clears_it(tmp_path: Path) -> None:
    path = tmp_path / "brief.yaml"
    path.write_text("title: old\n", encoding="utf-8")
    path.chmod(0o444)  # refused by write_atomic, even for root
    told: list[tuple[int, str | None]] = []
    writer = BriefWriter(
        lambda brief: save_brief(path, brief),
        on_done=lambda version, error: told.append((version, error and error.message)),
    )
    writer.submit(1, _brief(1))
    writer.flush(timeout=5)
    assert writer.written == 0 and isinstance(writer.error, BriefingError)
    assert told[0][0] == 1 and "read-only" in (told[0][1] or "")
    assert _saved(path) == {"title": "old"}  # the old file is kept
    path.chmod(0o644)
    writer.submit(2, _brief(2))
    writer.flush(timeout=5)
    assert writer.written == 2 and writer.error is None and told[-1] == (2, None)


def test_an_unexpected_failure_in_the_thread_still_reaches_the_caller() -> None:
    def write(brief: Brief) -> None:
        raise ValueError("cannot represent this")

    told: list[BriefingError | None] = []
    writer = BriefWriter(write, on_done=lambda _version, error: told.append(error))
    writer.submit(1, _brief(1))
    writer.flush(timeout=5)
    assert told and told[0] is not None and "cannot represent this" in told[0].message


# -- the app ------------------------------------------------------------------------------


def _busy_disk(app: BriefingApp, seconds: float = 0.4) -> None:
    """Each write of brief.yaml waits first, as on a disk busy with others (seen: 2 s)."""
    real = app.session.writer.write

    def slow(brief: Brief) -> object:
        time.sleep(seconds)
        return real(brief)

    app.session.writer.write = slow


def test_a_change_then_quit_at_once_is_on_disk(sample_library: Library) -> None:
    path = sample_library.workspace.brief_path

    async def script(app: BriefingApp, pilot: Pilot[None]) -> None:
        # Three themes out, then q in the same breath, as a fast typist or a terminal's
        # paste sends them: every key is queued before the first is handled (Pilot's
        # press would wait between keys).
        _busy_disk(app)
        for key in ("space", "down", "space", "down", "space", "q"):
            app.simulate_key(key)
        for _ in range(100):
            if not app.is_running:
                break
            await asyncio.sleep(0.05)
        assert not app.is_running  # nothing to ask: the changes were made, then written

    drive(sample_library, script)
    out = [t["id"] for t in _saved(path)["themes"] if t.get("include", True) is False]
    assert out == ["arms-sales", "afghanistan", "india-reaction"]


def test_an_app_that_ends_any_other_way_leaves_the_last_change_on_disk(
    sample_library: Library,
) -> None:
    path = sample_library.workspace.brief_path

    async def script(app: BriefingApp, pilot: Pilot[None]) -> None:
        _busy_disk(app)
        await pilot.press("space", "down", "space")
        app.exit()  # as an error or a signal would: not through the quit key

    drive(sample_library, script)
    themes = _saved(path)["themes"]
    assert [t.get("include", True) for t in themes[:2]] == [False, False]


def test_a_change_is_on_disk_a_moment_after_the_key(sample_library: Library) -> None:
    path = sample_library.workspace.brief_path

    async def script(app: BriefingApp, pilot: Pilot[None]) -> None:
        await pilot.press("space")
        t0 = time.monotonic()
        while not path.is_file() and time.monotonic() - t0 < 2:
            await pilot.pause(0.01)
        assert path.is_file()  # the app was not quit, nobody pressed ctrl+s
        assert _saved(path)["themes"][0]["include"] is False

    drive(sample_library, script)


def test_a_failed_save_is_said_once_and_quitting_asks(sample_library: Library) -> None:
    path = sample_library.workspace.brief_path
    save_brief(path, sample_library.load_brief())
    os.chmod(path, 0o444)

    async def script(app: BriefingApp, pilot: Pilot[None]) -> None:
        await pilot.press("space")
        await settle(pilot)
        assert isinstance(app.screen, ErrorDialog)
        assert "brief.yaml" in app.screen._message and "read-only" in app.screen._message
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        line = str(app.screen.query_one("#workspace-line").render())
        assert "not saved" in line and "unsaved" in app.sub_title
        await pilot.press("down", "space")  # fails the same way: not said again
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        await pilot.press("q")
        await pilot.pause()
        assert isinstance(app.screen, QuitDialog) and "read-only" in app.screen._why
        os.chmod(path, 0o644)  # the user mends the file, then saves from the question
        await pilot.press("s")
        await pilot.pause()
        assert not app.is_running

    drive(sample_library, script)
    themes = _saved(path)["themes"]
    assert [t.get("include", True) for t in themes[:2]] == [False, False]
