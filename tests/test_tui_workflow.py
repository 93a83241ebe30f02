"""The app driven by keys, as an analyst would, checked by what ends up on disk."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import Awaitable, Callable
from pathlib import Path

import yaml
from textual.pilot import Pilot
from textual.widgets import Input
from textual.worker import WorkerCancelled

from briefing.library import Library
from briefing.tui.app import BriefingApp
from briefing.tui.dialogs.details import DetailsDialog
from briefing.tui.dialogs.export import ExportDialog
from briefing.tui.dialogs.simple import ErrorDialog, QuitDialog
from briefing.tui.screens.main import MainScreen
from briefing.tui.screens.source import SourceScreen
from briefing.tui.widgets.article import ExcerptBlock
from briefing.tui.widgets.excerpt_table import ExcerptTable
from briefing.tui.widgets.theme_list import ThemeList
from briefing.workspace import Workspace

Script = Callable[[BriefingApp, Pilot[None]], Awaitable[None]]


async def settle(pilot: Pilot[None]) -> None:
    """Let every worker (preview, export) and the writing of brief.yaml finish."""
    await pilot.pause(0.3)
    for _ in range(50):
        try:
            await pilot.app.workers.wait_for_complete()
            break
        except WorkerCancelled:  # an exclusive worker gave way to a newer one: wait for it
            await pilot.pause(0.05)
    for _ in range(100):  # and brief.yaml's writer, which is a thread of its own
        if not pilot.app.session.writer.busy:  # type: ignore[attr-defined]
            break
        await pilot.pause(0.05)
    await pilot.pause(0.1)


def drive(library: Library, script: Script, size: tuple[int, int] = (120, 40)) -> BriefingApp:
    async def main() -> BriefingApp:
        app = BriefingApp(library)
        async with app.run_test(size=size) as pilot:
            await settle(pilot)
            await script(app, pilot)
        return app

    return asyncio.run(main())


async def palette(pilot: Pilot[None], command: str) -> None:
    await pilot.press("ctrl+p")
    await pilot.pause(0.2)
    await pilot.press(*command)
    await pilot.pause(0.5)
    await pilot.press("enter")
    await settle(pilot)


async def export(pilot: Pilot[None], fmt: str) -> ExportDialog:
    """e, the format, enter: the memo written where the dialog says; the dialog stays."""
    await pilot.press("e")
    await pilot.pause()
    dialog = pilot.app.screen
    assert isinstance(dialog, ExportDialog)
    await pilot.click(f"#format-{fmt}")
    await pilot.click("#export")
    await settle(pilot)
    return dialog


def test_a_whole_session_is_kept_and_exported(sample_workspace: Workspace) -> None:
    seen: dict[str, str] = {}

    async def script(app: BriefingApp, pilot: Pilot[None]) -> None:
        themes = app.screen.query_one(ThemeList)
        assert themes.has_focus
        assert [o.id for o in themes._options] == [
            "arms-sales",
            "afghanistan",
            "india-reaction",
            "energy-gwadar",
        ]
        # Three themes of four: energy and Gwadar out; India's reaction second.
        await pilot.press("down", "down", "down", "space")
        await pilot.press("up", "shift+up")
        await settle(pilot)
        assert themes.current == "india-reaction"
        # Saved as it goes, and the line above the footer says so.
        assert not app.session.dirty and "unsaved" not in app.sub_title
        line = str(app.screen.query_one("#workspace-line").render())
        assert "every change saved to brief.yaml" in line
        assert sample_workspace.brief_path.is_file()
        # Exclude the best excerpt, pin the second.
        await pilot.press("tab")
        table = app.screen.query_one(ExcerptTable)
        assert table.has_focus
        seen["excluded"] = table.current or ""
        await pilot.press("x", "down")
        seen["pinned"] = table.current or ""
        await pilot.press("p")
        await settle(pilot)
        assert table.current == seen["pinned"]
        assert table.get_row_at(0)[0].plain == "★"
        # Read it in its source, scrolled to it.
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, SourceScreen)
        focused = app.focused
        assert isinstance(focused, ExcerptBlock) and focused.excerpt_id == seen["pinned"]
        await pilot.press("escape")
        # The memo's title, in the details modal.
        await pilot.press("m")
        await pilot.pause()
        assert isinstance(app.screen, DetailsDialog)
        app.screen.query_one(
            "#field-title", Input
        ).value = "Russia and Pakistan: a new defence pact"
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        assert "Russia and Pakistan" in app.sub_title
        # Export both ways with e, then quit: nothing to ask, everything is saved.
        for fmt in ("md", "pdf"):
            dialog = await export(pilot, fmt)
            assert dialog.written is not None and dialog.written.suffix == f".{fmt}"
            assert dialog.written.name in str(dialog.query_one("#export-note").render())
            await pilot.press("escape")
            await pilot.pause()
        assert not app.session.dirty and "unsaved" not in app.sub_title
        await pilot.press("q")
        await pilot.pause()
        assert not app.is_running

    library = Library.open(sample_workspace)
    drive(library, script)
    pinned_text = library.store.excerpt(seen["pinned"]).text  # type: ignore[union-attr]
    library.close()

    exports = sample_workspace.exports_dir
    markdown = exports / "russia-and-pakistan-a-new-defence-pact.md"
    assert markdown.is_file() and (exports / "russia-and-pakistan-a-new-defence-pact.pdf").is_file()
    memo = markdown.read_text(encoding="utf-8")
    assert "Russia and Pakistan: a new defence pact" in memo
    # The pinned excerpt is quoted (perhaps cut with an ellipsis): a run of its words appears.
    words, flat = pinned_text.split(), " ".join(memo.split())
    assert any(" ".join(words[i : i + 8]) in flat for i in range(len(words) - 7))

    saved = yaml.safe_load(sample_workspace.brief_path.read_text(encoding="utf-8"))
    assert saved["title"] == "Russia and Pakistan: a new defence pact"
    order = [t["id"] for t in saved["themes"] if t.get("include", True)]
    assert order == ["arms-sales", "india-reaction", "afghanistan"]
    india = next(t for t in saved["themes"] if t["id"] == "india-reaction")
    assert [p["id"] for p in india["pinned"]] == [seen["pinned"]]
    assert [x["id"] for x in india["excluded"]] == [seen["excluded"]]

    # A new app on the same workspace shows everything as it was left.
    async def reopened(app: BriefingApp, pilot: Pilot[None]) -> None:
        themes = app.screen.query_one(ThemeList)
        assert [o.id for o in themes._options][:3] == [
            "arms-sales",
            "india-reaction",
            "afghanistan",
        ]
        assert (
            app.session.brief.theme("energy-gwadar") is None
            or not app.session.brief.theme("energy-gwadar").include
        )  # type: ignore[union-attr]
        await pilot.press("down")  # India's reaction, second now
        await settle(pilot)
        table = app.screen.query_one(ExcerptTable)
        marks = {key.value: table.get_row(key)[0].plain for key in table.rows}
        assert marks[seen["pinned"]] == "★" and marks[seen["excluded"]] == "✗"
        assert "Russia and Pakistan" in app.sub_title and "unsaved" not in app.sub_title

    again = Library.open(sample_workspace)
    drive(again, reopened)
    again.close()


def test_quitting_after_a_broken_brief_asks_and_can_discard(sample_library: Library) -> None:
    brief_path = sample_library.workspace.brief_path
    brief_path.write_text("title: [unclosed\n", encoding="utf-8")

    async def script(app: BriefingApp, pilot: Pilot[None]) -> None:
        await pilot.press("enter")  # the error about brief.yaml
        await pilot.press("space")
        await pilot.pause()
        assert "not saved" in str(app.screen.query_one("#workspace-line").render())
        await pilot.press("q")
        await pilot.pause()
        assert isinstance(app.screen, QuitDialog)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen) and app.is_running
        await pilot.press("q")
        await pilot.pause()
        await pilot.press("d")
        await pilot.pause()
        assert not app.is_running

    drive(sample_library, script)
    assert brief_path.read_text(encoding="utf-8") == "title: [unclosed\n"  # left alone


def test_save_and_quit_from_the_question_writes_the_brief(sample_library: Library) -> None:
    sample_library.workspace.brief_path.write_text("title: [unclosed\n", encoding="utf-8")

    async def script(app: BriefingApp, pilot: Pilot[None]) -> None:
        await pilot.press("enter", "space", "q")
        await pilot.pause()
        await pilot.click("#save")
        await pilot.pause()
        assert not app.is_running

    drive(sample_library, script)
    saved = yaml.safe_load(sample_library.workspace.brief_path.read_text(encoding="utf-8"))
    assert saved["themes"][0]["id"] == "arms-sales" and saved["themes"][0]["include"] is False


def test_quitting_when_everything_is_saved_does_not_ask(sample_library: Library) -> None:
    async def script(app: BriefingApp, pilot: Pilot[None]) -> None:
        await pilot.press("space", "q")
        await pilot.pause()
        assert not app.is_running  # the change was written when it was made

    drive(sample_library, script)
    saved = yaml.safe_load(sample_library.workspace.brief_path.read_text(encoding="utf-8"))
    assert saved["themes"][0] == {"id": "arms-sales", "include": False, "max_excerpts": 4}


def test_a_broken_brief_shows_an_error_not_a_traceback(sample_library: Library) -> None:
    path = sample_library.workspace.brief_path
    path.write_text("title: [unclosed\nthemes: 3\n", encoding="utf-8")

    async def script(app: BriefingApp, pilot: Pilot[None]) -> None:
        assert isinstance(app.screen, ErrorDialog)
        assert "brief.yaml" in app.screen._message
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        await pilot.press("space")
        await pilot.pause(0.2)
        app._autosave_now()  # no autosave over the user's broken file
        await pilot.press("ctrl+q")
        await pilot.pause()
        await pilot.press("d")

    drive(sample_library, script)
    assert path.read_text(encoding="utf-8").startswith("title: [unclosed")


def test_at_80_columns_the_preview_is_a_tab(sample_library: Library) -> None:
    async def script(app: BriefingApp, pilot: Pilot[None]) -> None:
        screen = app.screen
        preview = screen.query_one("#preview-pane")
        assert screen.query_one("#view-tabs").display
        assert not preview.display
        assert screen.query_one(ExcerptTable).display
        await pilot.press("v")
        await pilot.pause()
        assert preview.display and not screen.query_one("#excerpt-pane").display
        await pilot.press("v")
        await pilot.pause()
        assert not preview.display

    drive(sample_library, script, size=(80, 24))


def test_the_wide_layout_shows_three_panes(sample_library: Library) -> None:
    async def script(app: BriefingApp, pilot: Pilot[None]) -> None:
        screen = app.screen
        assert not screen.query_one("#view-tabs").display
        for pane in ("#theme-pane", "#excerpt-pane", "#preview-pane"):
            assert screen.query_one(pane).display
        assert "MEMORANDUM" in screen.query_one("#preview").text.upper()

    drive(sample_library, script)


def test_export_failure_is_said_in_the_dialog(sample_library: Library, tmp_path: Path) -> None:
    # exports/ is a file: the export cannot be written.
    shutil.rmtree(sample_library.workspace.exports_dir, ignore_errors=True)
    sample_library.workspace.exports_dir.write_text("in the way", encoding="utf-8")

    async def script(app: BriefingApp, pilot: Pilot[None]) -> None:
        await palette(pilot, "Export to Markdown")
        assert isinstance(app.screen, ExportDialog)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ExportDialog) and app.screen.written is None
        assert "Not written" in str(app.screen.query_one("#export-note").render())

    drive(sample_library, script)


def test_review_screen_answers_are_decisions_that_retrain(sample_workspace: Workspace) -> None:
    """r on the main screen reviews the theme under the cursor; y and n are decisions."""
    from briefing.tui.screens.review import ReviewScreen

    library = Library.open(sample_workspace)
    seen: dict[str, object] = {}

    async def script(app: BriefingApp, pilot: Pilot[None]) -> None:
        theme = app.session.current_theme
        await pilot.press("r")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ReviewScreen) and screen.theme_id == theme
        table = screen.query_one("#suggested")
        first = table.coordinate_to_cell_key(table.cursor_coordinate)[0].value
        await pilot.press("y")
        await settle(pilot)
        second = table.coordinate_to_cell_key(table.cursor_coordinate)[0].value
        await pilot.press("n")
        await settle(pilot)
        assert screen.answered == 2
        seen.update(theme=theme, first=first, second=second)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)

    drive(library, script)
    tags = yaml.safe_load(sample_workspace.tags_path.read_text(encoding="utf-8"))
    assert tags[seen["first"]]["added"] == [seen["theme"]]
    assert "removed" not in tags[seen["first"]]
    assert tags[seen["second"]]["removed"] == [seen["theme"]]
    # The store was retagged from the decisions: the accepted excerpt carries the theme.
    assert seen["theme"] in library.store.themes_of([seen["first"]])[seen["first"]]
    library.close()


def test_review_answers_show_in_the_memo_and_ctrl_z_takes_them_back(
    sample_workspace: Workspace,
) -> None:
    """An excerpt accepted in the review is quoted by the memo behind it, as a fresh
    `briefing export` quotes it; ctrl+z on the main screen takes the answer back."""
    library = Library.open(sample_workspace)
    seen: dict[str, object] = {}

    def quoted(theme: str) -> set[str]:
        fresh = Library.open(sample_workspace)
        try:
            document = fresh.build_memo(fresh.load_brief())
        finally:
            fresh.close()
        return next(
            {q.excerpt_id for q in s.quotes} for s in document.sections if s.theme_id == theme
        )

    async def script(app: BriefingApp, pilot: Pilot[None]) -> None:
        await pilot.press("end")  # the last theme: the sample quotes fewer than it may
        await settle(pilot)
        theme = app.session.current_theme
        assert theme is not None
        await pilot.press("r")
        await settle(pilot)
        table = app.screen.query_one("#suggested")
        accepted = table.coordinate_to_cell_key(table.cursor_coordinate)[0].value
        await pilot.press("y", "escape")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        assert accepted in quoted(theme)  # what the export quotes ...
        assert app.session.selected[theme] == quoted(theme)  # ... the app quotes too
        await pilot.press("ctrl+z")
        await settle(pilot)
        assert accepted not in quoted(theme)
        assert app.session.selected[theme] == quoted(theme)
        seen.update(theme=theme, accepted=accepted)

    drive(library, script)
    tags = yaml.safe_load(sample_workspace.tags_path.read_text(encoding="utf-8")) or {}
    assert seen["theme"] not in tags.get(seen["accepted"], {}).get("added", [])
    library.close()


def test_the_app_offers_to_retag_after_themes_yaml_changed(sample_workspace: Workspace) -> None:
    """A theme added to themes.yaml since the ingest: the app says the tags are out of
    date and re-tags on r, so the new theme's count is not a silent 0."""
    from briefing.tui.dialogs.simple import RetagDialog

    with sample_workspace.themes_path.open("a", encoding="utf-8") as themes:
        themes.write(
            "  - id: helicopters\n    label: Helicopters\n"
            "    description: Attack helicopters sold or delivered.\n"
            "    keywords: [helicopter]\n"
        )
    library = Library.open(sample_workspace)

    async def script(app: BriefingApp, pilot: Pilot[None]) -> None:
        assert isinstance(app.screen, RetagDialog)
        await pilot.press("r")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        assert app.session.counts().get("helicopters", 0) > 0
        assert not app.library.needs_retag

    drive(library, script)
    library.close()


def test_the_app_asks_nothing_when_the_tags_are_current(sample_library: Library) -> None:
    async def script(app: BriefingApp, pilot: Pilot[None]) -> None:
        assert isinstance(app.screen, MainScreen)

    drive(sample_library, script)


def test_the_review_shows_the_excerpt_under_the_cursor_whole(sample_library: Library) -> None:
    """A one-line row cuts a paragraph; the answer needs all of it, and its source."""
    from briefing.tui.screens.review import ReviewScreen

    async def script(app: BriefingApp, pilot: Pilot[None]) -> None:
        await pilot.press("r")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        await pilot.press("down")
        await settle(pilot)
        table = screen.query_one("#suggested")
        excerpt_id = table.coordinate_to_cell_key(table.cursor_coordinate)[0].value
        excerpt = sample_library.store.excerpt(excerpt_id)
        assert excerpt is not None and len(excerpt.text) > 120  # longer than its row shows
        source = sample_library.store.source(excerpt.source_id)
        assert source is not None and source.title
        shown = str(screen.query_one("#review-text").render())
        assert " ".join(excerpt.text.split()) in " ".join(shown.split())
        assert source.title in shown

    drive(sample_library, script)
