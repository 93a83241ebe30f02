"""What a newcomer hit in the app (issue 14), each checked the way they would see it."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest
import yaml
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, SelectionList, TextArea

from briefing.library import Library
from briefing.tui.app import BriefingApp
from briefing.tui.dialogs.details import DetailsDialog
from briefing.tui.dialogs.export import ExportDialog
from briefing.tui.dialogs.ingest import AddSourcesDialog
from briefing.tui.dialogs.simple import ErrorDialog
from briefing.tui.dialogs.tags import TagsDialog
from briefing.tui.screens.main import MainScreen
from briefing.tui.screens.search import SearchScreen
from briefing.tui.screens.source import SourceScreen
from briefing.tui.widgets.article import ExcerptBlock
from briefing.tui.widgets.excerpt_table import ExcerptTable
from briefing.tui.widgets.preview import MemoPreview
from briefing.tui.widgets.theme_list import ThemeList
from briefing.workspace import ensure_user_sample
from tests.test_tui_workflow import drive, settle

ORDER = ["arms-sales", "afghanistan", "india-reaction", "energy-gwadar"]


def _ids(app: BriefingApp) -> list[str]:
    return [o.id or "" for o in app.screen.query_one(ThemeList)._options]


def _saved(library: Library) -> dict:  # type: ignore[type-arg]
    return yaml.safe_load(library.workspace.brief_path.read_text(encoding="utf-8"))


# -- bug 1: taking a theme out (space) neither moves it nor the cursor -----------------


def test_space_down_the_list_keeps_the_order(sample_library: Library) -> None:
    async def script(app: BriefingApp, pilot: Pilot[None]) -> None:
        themes = app.screen.query_one(ThemeList)
        for expected in ORDER:
            assert themes.current == expected
            await pilot.press("space")
            await pilot.pause()
            assert _ids(app) == ORDER and themes.current == expected
            await pilot.press("down")
        await pilot.press("home", "space", "down", "down", "space")  # two back in
        await settle(pilot)
        assert _ids(app) == ORDER

    drive(sample_library, script)
    saved = _saved(sample_library)
    assert [t["id"] for t in saved["themes"]] == ORDER
    assert [t["id"] for t in saved["themes"] if t.get("include", True)] == [
        "arms-sales",
        "india-reaction",
    ]


# -- bug 2: exporting a memo of no theme is refused ------------------------------------


def test_export_with_no_theme_chosen_is_refused_in_the_app(sample_library: Library) -> None:
    async def script(app: BriefingApp, pilot: Pilot[None]) -> None:
        for _ in ORDER:
            await pilot.press("space", "down")
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, ErrorDialog)
        assert "No theme is in the memo" in app.screen._message

    drive(sample_library, script)
    assert not any(sample_library.workspace.exports_dir.iterdir())


# -- bug 3: the source view's label follows a tag removal ------------------------------


def test_the_source_label_follows_a_removed_theme(sample_library: Library) -> None:
    async def script(app: BriefingApp, pilot: Pilot[None]) -> None:
        await pilot.press("tab", "enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, SourceScreen)
        block = screen.query_one(f"#x-{screen.excerpt_id}", ExcerptBlock)
        assert str(block.render()).startswith("Arms sales")
        await pilot.press("t")
        await pilot.pause()
        assert isinstance(app.screen, TagsDialog)
        app.screen.query_one(SelectionList).deselect("arms-sales")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "Arms sales" not in str(block.render()).split("\n")[0]
        assert not block.has_class("hue-0")

    drive(sample_library, script)


# -- bug 4: a theme come to opens at its best excerpt ----------------------------------


def test_a_new_theme_opens_at_its_best_excerpt(sample_library: Library) -> None:
    async def script(app: BriefingApp, pilot: Pilot[None]) -> None:
        session = app.session
        rows = {t: [r.excerpt.id for r in session.excerpt_rows(t)[0]] for t in ORDER}
        # An excerpt low in one theme and further down in the next: where the cursor stuck.
        pair = next(
            (a, b, e)
            for a, b in zip(ORDER, ORDER[1:], strict=False)
            for e in rows[a]
            if e in rows[b] and rows[b].index(e) > 0
        )
        first, second, shared = pair
        themes = app.screen.query_one(ThemeList)
        await pilot.press(*["down"] * ORDER.index(first))
        await settle(pilot)
        table = app.screen.query_one(ExcerptTable)
        table.move_cursor(row=rows[first].index(shared))
        await pilot.pause()
        assert themes.has_focus and table.current == shared
        await pilot.press("down")
        await settle(pilot)
        assert themes.current == second
        assert table.cursor_row == 0 and table.current == rows[second][0]
        assert table.scroll_y == 0

    drive(sample_library, script)


# -- bug 5: search keeps the keys where the user is ------------------------------------


def test_search_with_no_hits_keeps_the_query(sample_library: Library) -> None:
    async def script(app: BriefingApp, pilot: Pilot[None]) -> None:
        await pilot.press("slash")
        await pilot.pause()
        await pilot.press(*"zqxjv", "enter")
        await settle(pilot)
        query = app.screen.query_one("#query", Input)
        assert query.has_focus and query.value == "zqxjv"
        assert "No match" in str(app.screen.query_one("#search-note").render())
        await pilot.press("backspace", "backspace")  # the keys still edit the query
        assert query.value == "zqx"

    drive(sample_library, script)


def test_from_the_hits_slash_goes_back_to_the_query_and_a_q_stay_local(
    sample_library: Library,
) -> None:
    async def script(app: BriefingApp, pilot: Pilot[None]) -> None:
        await pilot.press("slash")
        await pilot.pause()
        await pilot.press(*"Gwadar", "enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, SearchScreen)
        assert screen.query_one("#hits", DataTable).has_focus
        await pilot.press("slash")
        await pilot.pause()
        assert screen.query_one("#query", Input).has_focus
        await pilot.press("enter")  # back to the hits
        await settle(pilot)
        await pilot.press("a")
        await pilot.pause()
        assert not isinstance(app.screen, AddSourcesDialog) and app.screen is screen
        await pilot.press("q")
        await pilot.pause()
        assert app.is_running and isinstance(app.screen, MainScreen)

    drive(sample_library, script)


# -- bug 6: one save model, said on screen ---------------------------------------------


def test_a_change_is_saved_at_once_and_the_screen_says_so(sample_library: Library) -> None:
    path = sample_library.workspace.brief_path

    async def script(app: BriefingApp, pilot: Pilot[None]) -> None:
        assert not path.exists()
        await pilot.press("space")
        await pilot.pause()
        # Not in 5 seconds: now (the writer's thread ends it a moment after the key).
        t0 = time.monotonic()
        while (app.session.dirty or not path.is_file()) and time.monotonic() - t0 < 2:
            await pilot.pause(0.01)
        assert path.is_file()
        assert "unsaved" not in app.sub_title and not app.session.dirty
        line = str(app.screen.query_one("#workspace-line").render())
        assert "every change saved to brief.yaml" in line

    drive(sample_library, script)


# -- undo and redo -----------------------------------------------------------------------


def test_undo_and_redo_an_exclusion(sample_library: Library) -> None:
    seen: dict[str, str] = {}

    async def script(app: BriefingApp, pilot: Pilot[None]) -> None:
        await pilot.press("tab")
        table = app.screen.query_one(ExcerptTable)
        seen["id"] = table.current or ""
        await pilot.press("x")
        await settle(pilot)
        assert seen["id"] in str(_saved(sample_library))
        await pilot.press("ctrl+z")
        await settle(pilot)
        assert app.session.state_of("arms-sales", seen["id"]) != "excluded"
        assert seen["id"] not in str(_saved(sample_library))
        assert table.get_row(seen["id"])[0].plain != "✗"
        await pilot.press("ctrl+y")
        await settle(pilot)
        assert app.session.state_of("arms-sales", seen["id"]) == "excluded"
        assert table.get_row(seen["id"])[0].plain == "✗"

    drive(sample_library, script)
    assert seen["id"] in str(_saved(sample_library))


def test_undo_a_theme_toggle_and_a_move(sample_library: Library) -> None:
    async def script(app: BriefingApp, pilot: Pilot[None]) -> None:
        await pilot.press("down", "shift+up", "space")
        await settle(pilot)
        assert _ids(app)[0] == "afghanistan"
        await pilot.press("ctrl+z")  # the toggle
        await settle(pilot)
        assert app.session.brief.theme("afghanistan").include  # type: ignore[union-attr]
        await pilot.press("ctrl+z")  # the move
        await settle(pilot)
        assert _ids(app) == ORDER
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert _ids(app) == ORDER  # nothing more to undo: said, and nothing breaks

    drive(sample_library, script)
    assert [t["id"] for t in _saved(sample_library)["themes"]][:2] == ORDER[:2]


def test_undo_and_redo_a_tag_decision(sample_library: Library) -> None:
    seen: dict[str, str] = {}
    tags = sample_library.workspace.tags_path

    async def script(app: BriefingApp, pilot: Pilot[None]) -> None:
        await pilot.press("tab")
        seen["id"] = app.screen.query_one(ExcerptTable).current or ""
        await pilot.press("t")
        await pilot.pause()
        app.screen.query_one(SelectionList).deselect("arms-sales")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert seen["id"] in tags.read_text(encoding="utf-8")
        await pilot.press("ctrl+z")
        await settle(pilot)
        assert seen["id"] not in tags.read_text(encoding="utf-8")
        table = app.screen.query_one(ExcerptTable)
        assert seen["id"] in [key.value for key in table.rows]
        await pilot.press("ctrl+y")
        await settle(pilot)
        assert seen["id"] in tags.read_text(encoding="utf-8")
        assert seen["id"] not in [key.value for key in table.rows]

    drive(sample_library, script)


# -- per-theme settings ------------------------------------------------------------------


def test_plus_and_minus_set_how_many_excerpts_a_theme_quotes(sample_library: Library) -> None:
    async def script(app: BriefingApp, pilot: Pilot[None]) -> None:
        preview = app.screen.query_one(MemoPreview)
        await pilot.press("plus", "plus")
        await settle(pilot)
        assert "memo quotes 6" in str(app.screen.query_one("#excerpt-pane .pane-note").render())
        assert app.session.selected["arms-sales"] and len(app.session.selected["arms-sales"]) > 4
        await pilot.press("minus", "minus", "minus")
        await settle(pilot)
        assert len(app.session.selected["arms-sales"]) == 3
        assert preview.text

    drive(sample_library, script)
    arms = next(t for t in _saved(sample_library)["themes"] if t["id"] == "arms-sales")
    assert arms["max_excerpts"] == 3


@pytest.fixture
def editor(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> str:
    """An editor that writes a fixed text into the file it is given, as a person would."""
    script = tmp_path / "fake-editor.py"
    script.write_text(
        "import sys\nopen(sys.argv[1], 'w').write('Written in the editor.\\n\\n- a point\\n')\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("VISUAL", f"{sys.executable} {script}")
    return "Written in the editor.\n\n- a point"


def test_ctrl_e_writes_the_comment_in_the_editor(sample_library: Library, editor: str) -> None:
    async def script(app: BriefingApp, pilot: Pilot[None]) -> None:
        await pilot.press("ctrl+e")
        await settle(pilot)
        assert app.session.comment("arms-sales") == editor
        assert "Written in the editor." in app.screen.query_one(MemoPreview).text

    drive(sample_library, script)
    arms = next(t for t in _saved(sample_library)["themes"] if t["id"] == "arms-sales")
    assert arms["comment"] == editor


def test_ctrl_e_in_the_details_writes_the_summary(sample_library: Library, editor: str) -> None:
    async def script(app: BriefingApp, pilot: Pilot[None]) -> None:
        await pilot.press("m")
        await pilot.pause()
        assert isinstance(app.screen, DetailsDialog)
        await pilot.press("ctrl+e")
        await pilot.pause()
        assert app.screen.query_one("#field-summary", TextArea).text == editor
        await pilot.press("ctrl+s")
        await settle(pilot)

    drive(sample_library, script)
    assert _saved(sample_library)["summary"] == editor


# -- the export dialog -------------------------------------------------------------------


def test_export_dialog_prefills_exports_and_copies_the_path(sample_library: Library) -> None:
    exports = sample_library.workspace.exports_dir

    async def script(app: BriefingApp, pilot: Pilot[None]) -> None:
        await pilot.press("e")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ExportDialog)
        field = dialog.query_one("#export-path", Input)
        assert Path(field.value).expanduser() == exports / "briefing.md"
        await pilot.click("#format-pdf")
        await pilot.pause()
        assert Path(field.value).expanduser() == exports / "briefing.pdf"
        await pilot.press("enter")  # the Export button has the focus
        await settle(pilot)
        assert dialog.written == (exports / "briefing.pdf").resolve()
        assert "briefing.pdf" in str(dialog.query_one("#export-note").render())
        await pilot.press("c")
        await pilot.pause()
        assert app.clipboard == str(dialog.written)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)

    drive(sample_library, script)
    assert (exports / "briefing.pdf").read_bytes().startswith(b"%PDF")


def test_export_dialog_writes_where_the_user_says(sample_library: Library, tmp_path: Path) -> None:
    target = tmp_path / "out" / "my memo.md"

    async def script(app: BriefingApp, pilot: Pilot[None]) -> None:
        await pilot.press("e")
        await pilot.pause()
        app.screen.query_one("#export-path", Input).value = str(target)
        app.screen.query_one("#export-path", Input).focus()
        await pilot.press("enter")
        await settle(pilot)

    drive(sample_library, script)
    assert target.read_text(encoding="utf-8").startswith("#") or "Briefing" in target.read_text(
        encoding="utf-8"
    )


# -- the workspace line, the palette, the keys -------------------------------------------


def test_the_sample_says_where_it_is_and_how_to_start_ones_own() -> None:
    workspace = ensure_user_sample()
    library = Library.open(workspace)

    async def script(app: BriefingApp, pilot: Pilot[None]) -> None:
        line = str(app.screen.query_one("#workspace-line").render())
        assert "5 sources" in line and "briefing init" in line
        assert app.screen.query_one("#workspace-line").tooltip == str(workspace.root)

    try:
        drive(library, script)
    finally:
        library.close()


def test_a_workspace_of_ones_own_has_no_sample_hint(sample_library: Library) -> None:
    async def script(app: BriefingApp, pilot: Pilot[None]) -> None:
        line = str(app.screen.query_one("#workspace-line").render())
        assert "5 sources" in line and "briefing init" not in line

    drive(sample_library, script)


def test_the_palette_lists_quit_once_and_no_bare_theme(sample_library: Library) -> None:
    async def script(app: BriefingApp, pilot: Pilot[None]) -> None:
        names = [c.title for c in app.get_system_commands(app.screen)]
        names += [name for name, _, _ in app.palette_commands()]
        assert names.count("Quit") == 1
        assert "Theme" not in names
        assert {"Export to Markdown", "Export to PDF", "Undo", "Redo"} <= set(names)

    drive(sample_library, script)


def test_the_theme_list_tooltip_holds_the_whole_label(sample_library: Library) -> None:
    async def script(app: BriefingApp, pilot: Pilot[None]) -> None:
        await pilot.press("down", "down")
        await settle(pilot)
        label = app.session.label("india-reaction")
        assert app.screen.query_one(ThemeList).tooltip == label

    drive(sample_library, script, size=(80, 24))


def test_the_preview_follows_the_theme_under_the_cursor(sample_library: Library) -> None:
    async def script(app: BriefingApp, pilot: Pilot[None]) -> None:
        preview = app.screen.query_one(MemoPreview)
        assert preview.scroll_y == 0
        await pilot.press("end")
        await settle(pilot)
        await pilot.pause(0.2)
        assert preview.scroll_y > 0
        assert preview.scroll_y == preview.starts["theme:energy-gwadar"]  # its heading on top
        assert "Energy" in preview.render_line(0).text

    drive(sample_library, script, size=(120, 30))


def test_a_source_is_named_by_what_it_says_before_its_file_name() -> None:
    from briefing.model import Source
    from briefing.tui.session import source_name

    bare = Source("s1", "0001_a1b2c3.txt", "text")
    assert source_name(bare) == "0001_a1b2c3.txt"
    with_url = Source("s2", "0002_d4e5f6.html", "text", url="https://www.example.org/a/b")
    assert source_name(with_url) == "example.org"
    titled = Source("s3", "0003.txt", "text", title="Budget under strain", url="https://x.org/")
    assert source_name(titled) == "Budget under strain"
    assert source_name(Source("s4", "f.txt", "t", outlet="City Voice", title="T")) == "City Voice"
