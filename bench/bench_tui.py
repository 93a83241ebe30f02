"""The TUI's latencies through Textual's Pilot (headless, 160x50), for bench/_child.py.

first_screen_s  BriefingApp(...) constructed -> main screen mounted with the excerpt
                list of the first theme populated
preview_s       BriefingApp(...) constructed -> the memo preview rendered
key_s           pilot.press("down") on the theme list -> the excerpt list shows the
                next theme's excerpts (median over the themes)
pilot_key_s     pilot.press of an unbound key: Pilot's own cost per key, included in
                key_s (run.py reports key_s less this as the app's latency)
toggle_s        pilot.press("space") on a theme -> theme list and preview updated
preview_key_s   a key that changes the memo -> the preview shows the new memo: median of
                space (theme out, then in), x on the excerpt the memo quotes first, ctrl+z
                (its exclusion undone), each timed from the press to the new preview
"""

from __future__ import annotations

import asyncio
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

TIMEOUT = 30.0


async def _until(condition: Callable[[], bool], timeout: float = TIMEOUT) -> float:
    """Yield to the app until `condition()` holds; the time it took."""
    t0 = time.perf_counter()
    while not condition():
        if time.perf_counter() - t0 > timeout:
            raise TimeoutError("the TUI did not get there in time")
        await asyncio.sleep(0.002)
    return time.perf_counter() - t0


async def measure(workspace: Path) -> dict[str, Any]:
    t_open = time.perf_counter()
    from briefing.library import Library
    from briefing.tui.app import BriefingApp
    from briefing.tui.screens.main import MainScreen
    from briefing.tui.widgets.excerpt_table import ExcerptTable
    from briefing.tui.widgets.preview import MemoPreview
    from briefing.workspace import Workspace

    library = Library.open(Workspace(workspace))
    open_s = time.perf_counter() - t_open

    t0 = time.perf_counter()
    app = BriefingApp(library)
    result: dict[str, Any] = {"import_and_open_s": open_s}
    async with app.run_test(size=(160, 50)) as pilot:

        def main() -> MainScreen | None:
            screen = app.screen
            return screen if isinstance(screen, MainScreen) else None

        def table_for(theme: str | None) -> bool:
            screen = main()
            if screen is None or (theme is not None and screen._theme != theme):
                return False
            try:
                return screen.query_one(ExcerptTable).row_count > 0
            except Exception:
                return False

        await _until(lambda: table_for(None))
        result["first_screen_s"] = time.perf_counter() - t0
        screen = main()
        assert screen is not None
        preview = screen.query_one(MemoPreview)
        await _until(lambda: bool(preview.text))
        result["preview_s"] = time.perf_counter() - t0
        await pilot.pause()

        # What Pilot itself costs per key (it waits for the app to go idle): a key
        # that nothing is bound to, timed the same way, is subtracted below.
        idle = []
        for _ in range(5):
            t1 = time.perf_counter()
            await pilot.press("f12")
            idle.append(time.perf_counter() - t1)
        result["pilot_key_s"] = statistics.median(idle)

        themes = [t.id for t in library.themes]
        keys = []
        for expected in themes[1:]:
            t1 = time.perf_counter()
            await pilot.press("down")
            await _until(lambda e=expected: table_for(e))  # type: ignore[misc]
            keys.append(time.perf_counter() - t1)
        result["key_s"] = statistics.median(keys) if keys else None
        result["keys"] = keys

        async def to_preview(*keys: str) -> float:
            before = preview.text
            t1 = time.perf_counter()
            await pilot.press(*keys)
            await _until(lambda: preview.text != before)
            return time.perf_counter() - t1

        # Back to the first theme (the memo's first section), settled.
        await pilot.press("home")
        await _until(lambda: table_for(themes[0]))
        await pilot.pause(0.5)
        result["toggle_s"] = await to_preview("space")  # out of the memo
        changes = [result["toggle_s"], await to_preview("space")]  # and back in
        await pilot.pause(0.5)
        await pilot.press("tab")  # the excerpts: on the best one the memo quotes
        table = screen.query_one(ExcerptTable)
        quoted = app.session.selected.get(themes[0], set())
        keys = [key.value for key in table.rows]
        table.move_cursor(row=next(i for i, k in enumerate(keys) if k in quoted))
        await pilot.pause(0.3)
        for _ in range(3):
            changes.append(await to_preview("x"))
            await pilot.pause(0.3)
            changes.append(await to_preview("ctrl+z"))
            await pilot.pause(0.3)
        result["preview_key_s"] = statistics.median(changes)
        result["preview_keys"] = changes
        app.session.dirty = False  # nothing to save: quit without asking
    library.close()
    return result
