"""The app's other screens and modals: search, source details, manual tags, adding sources."""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, SelectionList, Static

from briefing.library import Library
from briefing.tui.app import BriefingApp
from briefing.tui.dialogs.ingest import AddSourcesDialog, IngestSummaryDialog
from briefing.tui.dialogs.metadata import MetadataDialog
from briefing.tui.dialogs.tags import TagsDialog
from briefing.tui.screens.help import HelpScreen
from briefing.tui.screens.main import MainScreen
from briefing.tui.screens.search import SearchScreen
from briefing.tui.screens.source import SourceScreen
from briefing.tui.widgets.excerpt_table import ExcerptTable
from briefing.workspace import Workspace
from tests.test_tui_workflow import drive, settle


def test_include_on_a_proposed_excerpt_pins_it(sample_library: Library) -> None:
    async def script(app: BriefingApp, pilot: Pilot[None]) -> None:
        await pilot.press("down", "tab")  # Afghanistan: 16 excerpts, 4 in the memo
        table = app.screen.query_one(ExcerptTable)
        marks = [table.get_row_at(i)[0].plain for i in range(table.row_count)]
        last = len(marks) - 1 - marks[::-1].index("·")
        table.move_cursor(row=last)
        target = table.current
        await pilot.press("i")
        await settle(pilot)
        assert app.session.state_of("afghanistan", target or "") == "pinned"
        assert table.get_row_at(0)[0].plain == "★" and table.current == target

    drive(sample_library, script)


def test_marks_changed_in_place_are_drawn_and_the_rest_of_the_row_kept(
    sample_library: Library,
) -> None:
    """Marks are redrawn row by row (not the whole table): what is drawn must still be
    each row's state, after an exclusion, the memo's new choice and an undo."""

    async def script(app: BriefingApp, pilot: Pilot[None]) -> None:
        await pilot.press("tab")
        table = app.screen.query_one(ExcerptTable)
        in_view = min(table.row_count, 10)

        def drawn() -> list[str]:  # each row's first line as the screen shows it
            return [table.render_line(3 * i).text.strip() for i in range(in_view)]

        def marks() -> list[str]:
            return [table.get_row_at(i)[0].plain for i in range(in_view)]

        first_lines = [line[1:].strip() for line in drawn()]
        await pilot.press("x")
        await settle(pilot)
        assert drawn()[0].startswith("✗")
        assert [line[0] for line in drawn()] == marks()
        assert [line[1:].strip() for line in drawn()] == first_lines
        await pilot.press("ctrl+z")
        await settle(pilot)
        assert not drawn()[0].startswith("✗")
        assert [line[0] for line in drawn()] == marks()

    drive(sample_library, script)


def test_search_opens_a_hit_and_pins_it(sample_library: Library) -> None:
    async def script(app: BriefingApp, pilot: Pilot[None]) -> None:
        await pilot.press("slash")
        await pilot.pause()
        assert isinstance(app.screen, SearchScreen)
        await pilot.press(*"Gwadar", "enter")
        await settle(pilot)
        hits = app.screen.query_one("#hits", DataTable)
        assert hits.row_count > 0
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, SourceScreen)
        await pilot.press("escape")
        await pilot.press("p")  # into the theme under the main screen's cursor
        await settle(pilot)
        hit = app.screen.current  # type: ignore[attr-defined]
        assert app.session.brief.theme("arms-sales").is_pinned(hit.excerpt.id)  # type: ignore[union-attr]
        assert hit.excerpt.id in app.session.library.workspace.brief_path.read_text("utf-8")
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        table = app.screen.query_one(ExcerptTable)
        assert table.get_row_at(0)[0].plain == "★"

    drive(sample_library, script)


def test_changing_an_excerpts_themes_is_a_manual_decision(sample_library: Library) -> None:
    seen: dict[str, str] = {}

    async def script(app: BriefingApp, pilot: Pilot[None]) -> None:
        await pilot.press("tab")
        seen["id"] = app.screen.query_one(ExcerptTable).current or ""
        await pilot.press("t")
        await pilot.pause()
        assert isinstance(app.screen, TagsDialog)
        choices = app.screen.query_one(SelectionList)
        assert "arms-sales" in choices.selected
        choices.deselect("arms-sales")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        table = app.screen.query_one(ExcerptTable)
        assert seen["id"] not in [key.value for key in table.rows]

    drive(sample_library, script)
    tags = yaml.safe_load(sample_library.workspace.tags_path.read_text(encoding="utf-8"))
    assert "arms-sales" in str(tags) and seen["id"] in str(tags)


def test_correcting_a_sources_details_writes_its_meta_file(sample_library: Library) -> None:
    seen: dict[str, str] = {}

    async def script(app: BriefingApp, pilot: Pilot[None]) -> None:
        await pilot.press("tab", "enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, SourceScreen)
        assert "Why these themes" in str(screen.query_one("#explain-pane .pane-title").render())
        seen["file"] = screen.source.file
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, MetadataDialog)
        app.screen.query_one("#meta-author", Input).value = "Jane Analyst"
        await pilot.click("#save")
        await settle(pilot)
        assert screen.source.author == "Jane Analyst"

    drive(sample_library, script)
    meta = sample_library.workspace.sources_dir / (seen["file"] + ".meta.yaml")
    found = list(sample_library.workspace.sources_dir.glob("*.meta.yaml"))
    assert found, meta
    assert "Jane Analyst" in found[0].read_text(encoding="utf-8")


def test_adding_sources_ingests_and_reports(sample_library: Library, tmp_path: Path) -> None:
    folder = tmp_path / "new"
    folder.mkdir()
    (folder / "note.txt").write_text(
        "Arctic shipping lanes\n\nBy A. Writer\n\n"
        + "Icebreakers and weapons sales were discussed at length by the ministers. " * 5
        + "\n\nThe talks on arms deals ended without an agreement on helicopters. " * 3,
        encoding="utf-8",
    )
    (folder / "picture.png").write_bytes(b"\x89PNG")

    async def script(app: BriefingApp, pilot: Pilot[None]) -> None:
        before = app.session.library.store.count_sources()
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, AddSourcesDialog)
        app.screen.query_one("#path", Input).value = str(tmp_path / "missing")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, AddSourcesDialog)  # refused: no such folder
        app.screen.query_one("#path", Input).value = str(folder)
        await pilot.click("#add")
        await settle(pilot)
        await settle(pilot)
        assert isinstance(app.screen, IngestSummaryDialog)
        assert app.session.library.store.count_sources() == before + 1
        await pilot.press("enter")

    drive(sample_library, script)


def test_help_lists_the_keys(sample_library: Library) -> None:
    async def script(app: BriefingApp, pilot: Pilot[None]) -> None:
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        await pilot.press("ctrl+t")
        assert app.theme == "briefing-light"

    drive(sample_library, script)


def test_decisions_that_apply_to_nothing_are_said_at_start_with_the_remedy(
    sample_workspace: Workspace,
) -> None:
    from briefing.tagging.manual import ManualTags, save_manual_tags
    from briefing.tui.dialogs.decisions import StaleDecisionsDialog

    tags = ManualTags()
    gone = "A paragraph of an article that is no longer in this workspace at all."
    tags.add("0123456789ab", "arms-sales", gone)
    save_manual_tags(sample_workspace.tags_path, tags)
    library = Library.open(sample_workspace)

    async def script(app: BriefingApp, pilot: Pilot[None]) -> None:
        dialog = app.screen
        assert isinstance(dialog, StaleDecisionsDialog)
        words = " ".join(str(w.render()) for w in dialog.query(Static))
        assert "1 decision in tags.yaml not applied" in words
        assert "no longer in this workspace" in words and "arms-sales" in words
        assert "tags.yaml" in words and "add" in words.lower()
        await pilot.press("a")  # the remedy: add the source again
        await pilot.pause()
        assert isinstance(app.screen, AddSourcesDialog)

    drive(library, script)
    library.close()
    # Nothing was dropped from tags.yaml: the decision waits for its source.
    assert "0123456789ab" in sample_workspace.tags_path.read_text(encoding="utf-8")


def test_the_ingest_summary_counts_in_words(sample_library: Library, tmp_path: Path) -> None:
    """The app's summary counts what the CLI counts, in plain words: an empty folder is
    said to be empty, and files that are not articles are counted as skipped."""
    empty = tmp_path / "empty"
    empty.mkdir()
    mixed = tmp_path / "mixed"
    mixed.mkdir()
    (mixed / "chart.png").write_bytes(b"\x89PNG")
    shutil.copy(next(sample_library.workspace.sources_dir.glob("*.txt")), mixed / "again.txt")
    said: list[str] = []

    async def add(app: BriefingApp, pilot: Pilot[None], folder: Path) -> None:
        await pilot.press("a")
        await pilot.pause()
        app.screen.query_one("#path", Input).value = str(folder)
        await pilot.click("#add")
        await settle(pilot)
        await settle(pilot)
        assert isinstance(app.screen, IngestSummaryDialog)
        said.append(str(app.screen.query_one(".dialog-body", Static).render()))
        await pilot.press("enter")
        await settle(pilot)

    async def script(app: BriefingApp, pilot: Pilot[None]) -> None:
        await add(app, pilot, empty)
        await add(app, pilot, mixed)

    drive(sample_library, script)
    assert said[0] == "No files found there: nothing was added."
    assert (
        said[1]
        == "0 added · 1 duplicate already in the workspace · 0 refused · 1 skipped (not articles)"
    )
