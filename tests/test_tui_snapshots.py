"""Pictures of the main screens at fixed sizes, on the fixed sample (no clocks in view)."""

from __future__ import annotations

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from briefing.library import Library
from briefing.tui.app import BriefingApp
from tests.test_tui_workflow import settle as settle_workers


@pytest.fixture(autouse=True)
def _home_above_the_workspace(monkeypatch: pytest.MonkeyPatch, sample_library: Library) -> None:
    """Paths show as ~/sample/...: the same in every run, wherever pytest's tmp is."""
    monkeypatch.setenv("HOME", str(sample_library.workspace.root.parent))


async def still(pilot: Pilot[None]) -> None:
    """No blinking cursor: a picture must not depend on the moment it is taken."""
    for field in pilot.app.screen.query(Input):
        field.cursor_blink = False
    await pilot.pause(0.6)


async def settle(pilot: Pilot[None]) -> None:
    await settle_workers(pilot)
    await pilot.pause(0.2)


def test_main_screen(snap_compare, sample_library: Library) -> None:  # type: ignore[no-untyped-def]
    async def before(pilot: Pilot[None]) -> None:
        await settle(pilot)
        await pilot.press("down", "down", "down", "space", "up", "tab", "down", "p", "down", "x")
        await settle(pilot)

    assert snap_compare(BriefingApp(sample_library), terminal_size=(120, 40), run_before=before)


def test_main_screen_narrow(snap_compare, sample_library: Library) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(BriefingApp(sample_library), terminal_size=(80, 24), run_before=settle)


def test_preview_tab_narrow(snap_compare, sample_library: Library) -> None:  # type: ignore[no-untyped-def]
    async def before(pilot: Pilot[None]) -> None:
        await settle(pilot)
        await pilot.press("v")
        await settle(pilot)

    assert snap_compare(BriefingApp(sample_library), terminal_size=(80, 24), run_before=before)


def test_source_screen(snap_compare, sample_library: Library) -> None:  # type: ignore[no-untyped-def]
    async def before(pilot: Pilot[None]) -> None:
        await settle(pilot)
        await pilot.press("tab", "down", "enter")
        await settle(pilot)

    assert snap_compare(BriefingApp(sample_library), terminal_size=(120, 40), run_before=before)


def test_details_modal(snap_compare, sample_library: Library) -> None:  # type: ignore[no-untyped-def]
    async def before(pilot: Pilot[None]) -> None:
        await settle(pilot)
        await pilot.press("m")
        await settle(pilot)
        await still(pilot)

    assert snap_compare(BriefingApp(sample_library), terminal_size=(120, 40), run_before=before)


def test_main_screen_light(snap_compare, sample_library: Library) -> None:  # type: ignore[no-untyped-def]
    async def before(pilot: Pilot[None]) -> None:
        await settle(pilot)
        await pilot.press("ctrl+t")
        await settle(pilot)

    assert snap_compare(BriefingApp(sample_library), terminal_size=(120, 40), run_before=before)


def test_search_with_hits(snap_compare, sample_library: Library) -> None:  # type: ignore[no-untyped-def]
    async def before(pilot: Pilot[None]) -> None:
        await settle(pilot)
        await pilot.press("slash", *"helicopters", "enter")
        await settle(pilot)
        await still(pilot)

    assert snap_compare(BriefingApp(sample_library), terminal_size=(120, 40), run_before=before)


def test_search_without_hits(snap_compare, sample_library: Library) -> None:  # type: ignore[no-untyped-def]
    async def before(pilot: Pilot[None]) -> None:
        await settle(pilot)
        await pilot.press("slash", *"zqxjv", "enter")
        await settle(pilot)
        await still(pilot)

    assert snap_compare(BriefingApp(sample_library), terminal_size=(120, 40), run_before=before)


def test_help(snap_compare, sample_library: Library) -> None:  # type: ignore[no-untyped-def]
    async def before(pilot: Pilot[None]) -> None:
        await settle(pilot)
        await pilot.press("f1")
        await settle(pilot)

    assert snap_compare(BriefingApp(sample_library), terminal_size=(120, 40), run_before=before)


def test_export_dialog(snap_compare, sample_library: Library) -> None:  # type: ignore[no-untyped-def]
    async def before(pilot: Pilot[None]) -> None:
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        await still(pilot)

    assert snap_compare(BriefingApp(sample_library), terminal_size=(120, 40), run_before=before)


def test_export_dialog_written(snap_compare, sample_library: Library) -> None:  # type: ignore[no-untyped-def]
    async def before(pilot: Pilot[None]) -> None:
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await still(pilot)

    assert snap_compare(BriefingApp(sample_library), terminal_size=(120, 40), run_before=before)


def test_review_screen(snap_compare, sample_library: Library) -> None:  # type: ignore[no-untyped-def]
    async def before(pilot: Pilot[None]) -> None:
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)

    assert snap_compare(BriefingApp(sample_library), terminal_size=(120, 40), run_before=before)


def test_stale_decisions_notice(snap_compare, sample_library: Library) -> None:  # type: ignore[no-untyped-def]
    from briefing.tagging.manual import ManualTags, save_manual_tags

    tags = ManualTags()
    tags.add("0123456789ab", "arms-sales", "A paragraph of an article no longer in this workspace.")
    save_manual_tags(sample_library.workspace.tags_path, tags)
    library = Library.open(sample_library.workspace)  # opening reads tags.yaml again
    try:
        assert snap_compare(BriefingApp(library), terminal_size=(120, 40), run_before=settle)
    finally:
        library.close()


def test_tags_dialog(snap_compare, sample_library: Library) -> None:  # type: ignore[no-untyped-def]
    """An excerpt's themes: checked boxes show an X, unchecked ones are empty."""

    async def before(pilot: Pilot[None]) -> None:
        await settle(pilot)
        await pilot.press("tab", "down", "t")
        await settle(pilot)

    assert snap_compare(BriefingApp(sample_library), terminal_size=(100, 30), run_before=before)
