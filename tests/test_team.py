"""A team on one corpus: two workspaces sharing a PostgreSQL store, end to end.

Every test runs the real commands against a real server that the tests start
(`tests/postgres.py`); without PostgreSQL installed they skip with one line.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

import pytest
from typer.testing import CliRunner

from briefing.cli import app
from tests.paths import REPO, SAMPLE_SOURCES
from tests.postgres import Server

if TYPE_CHECKING:
    from textual.pilot import Pilot

    from briefing.library import Library
    from briefing.tui.app import BriefingApp
    from briefing.tui.widgets.excerpt_table import ExcerptTable
    from briefing.tui.widgets.theme_list import ThemeList

runner = CliRunner()
BRIEFING = str(Path(sys.executable).with_name("briefing"))
SAMPLE_THEMES = SAMPLE_SOURCES.parent / "themes.yaml"


def run(workspace: Path | None, *args: str) -> tuple[int, str, str]:
    prefix = ["-w", str(workspace)] if workspace else []
    result = runner.invoke(app, [*prefix, *args], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def ok(workspace: Path | None, *args: str) -> str:
    code, out, err = run(workspace, *args)
    assert code == 0, err
    return out


def _ids(out: str) -> list[str]:
    return [row["id"] for row in json.loads(out)]


def _team(tmp_path: Path, url: str) -> tuple[Path, Path]:
    """Workspace A (which publishes the sample's themes) and B, on one store."""
    a, b = tmp_path / "A", tmp_path / "B"
    ok(None, "init", str(a), "--store", url, "--themes", str(SAMPLE_THEMES))
    ok(None, "init", str(b), "--store", url)
    return a, b


def test_two_workspaces_share_one_corpus_and_write_the_same_memo(
    pg_url: str, tmp_path: Path
) -> None:
    a, b = _team(tmp_path, pg_url)
    assert (b / "themes.yaml").read_text() == SAMPLE_THEMES.read_text()  # the team's
    assert f"store: {pg_url}\n" in (a / "briefing.yaml").read_text()
    assert "5 added" in ok(a, "ingest", str(SAMPLE_SOURCES))
    assert list((b / "sources").iterdir()) == []  # B holds no original: the store does

    sources = ok(b, "sources", "--json")
    assert len(json.loads(sources)) == 5
    assert sources == ok(a, "sources", "--json")
    for query in ("helicopter", '"arms sales"', "helicop*", "NEAR(russia pakistan, 5)"):
        hits = ok(b, "search", query, "--json")
        assert _ids(hits), query
        assert hits == ok(a, "search", query, "--json")

    # A decision from B is seen by A.
    excerpt = _ids(ok(b, "search", "helicopters", "--json"))[0]
    before = {e["id"]: e["themes"] for e in json.loads(ok(a, "excerpts", "--json"))}
    assert "energy-gwadar" not in before[excerpt]
    ok(b, "tag", "--excerpt", excerpt, "--add", "energy-gwadar")
    after = {e["id"]: e["themes"] for e in json.loads(ok(a, "excerpts", "--json"))}
    assert "energy-gwadar" in after[excerpt]

    # The same brief from A, from B and from a SQLite workspace of the same articles.
    solo = tmp_path / "solo"
    ok(None, "init", str(solo), "--themes", str(SAMPLE_THEMES))
    ok(solo, "ingest", str(SAMPLE_SOURCES))
    ok(solo, "tag", "--excerpt", excerpt, "--add", "energy-gwadar")
    memos = []
    for workspace in (a, b, solo):
        target = tmp_path / f"{workspace.name}.md"
        ok(workspace, "export", "-f", "md", "-o", str(target))
        memos.append(target.read_bytes())
    assert memos[0] == memos[1] == memos[2]


def test_dump_then_load_into_an_empty_store_gives_the_same_memo(
    pg_server: Server, pg_url: str, tmp_path: Path
) -> None:
    a, b = _team(tmp_path, pg_url)
    ok(a, "ingest", str(SAMPLE_SOURCES))
    excerpt = _ids(ok(a, "search", "helicopters", "--json"))[0]
    ok(b, "tag", "--excerpt", excerpt, "--remove", "arms-sales")
    first = json.loads(ok(b, "sources", "--json"))[0]
    _correct_title(b, first["id"], "A title corrected by B")  # as the app's source screen does
    ok(a, "export", "-f", "md", "-o", str(tmp_path / "before.md"))
    assert "A title corrected by B" in (tmp_path / "before.md").read_text()

    dump = tmp_path / "dump"
    assert "Dumped 5 sources" in ok(a, "dump", str(dump))
    kept = sorted(p.name for p in (dump / "sources").iterdir())
    assert len([name for name in kept if not name.endswith(".meta.yaml")]) == 5
    assert Path(first["file"]).stem + ".meta.yaml" in kept  # B's correction, for A's original
    assert (dump / "themes.yaml").read_text() == SAMPLE_THEMES.read_text()
    assert excerpt in (dump / "tags.yaml").read_text()

    fresh = tmp_path / "fresh"
    ok(None, "init", str(fresh), "--store", pg_server.new_database())
    code, out, err = run(fresh, "load", str(dump))
    assert code == 0 and "5 added" in out, err
    ok(fresh, "export", "-f", "md", "-o", str(tmp_path / "after.md"))
    assert (tmp_path / "after.md").read_bytes() == (tmp_path / "before.md").read_bytes()

    code, _, err = run(fresh, "load", str(dump))  # a store that holds a corpus is not filled
    assert code == 2 and "already holds 5 sources" in err


def test_a_rebuild_needs_no_ones_sources_folder(pg_url: str, tmp_path: Path) -> None:
    a, b = _team(tmp_path, pg_url)
    ok(a, "ingest", str(SAMPLE_SOURCES))
    excerpt = _ids(ok(a, "search", "helicopters", "--json"))[0]
    ok(b, "tag", "--excerpt", excerpt, "--add", "india-reaction")
    ok(a, "tag")  # tags calibrated with the decision, as a rebuild calibrates them
    ok(a, "export", "-f", "md", "-o", str(tmp_path / "before.md"))
    for original in (a / "sources").iterdir():
        original.unlink()
    assert "Rebuilt 5 sources" in ok(b, "rebuild")  # B never had an original
    ok(a, "export", "-f", "md", "-o", str(tmp_path / "after.md"))
    assert (tmp_path / "after.md").read_bytes() == (tmp_path / "before.md").read_bytes()
    themes = {e["id"]: e["themes"] for e in json.loads(ok(a, "excerpts", "--json"))}
    assert "india-reaction" in themes[excerpt]  # the decisions stay


def _correct_title(workspace: Path, source_id: str, title: str) -> None:
    from briefing.library import Library
    from briefing.workspace import Workspace

    library = Library.open(Workspace(workspace))
    try:
        library.correct_metadata(source_id, title=title)
    finally:
        library.close()


def test_a_published_taxonomy_reaches_the_other_workspace(pg_url: str, tmp_path: Path) -> None:
    a, b = _team(tmp_path, pg_url)
    ok(a, "ingest", str(SAMPLE_SOURCES))
    edited = SAMPLE_THEMES.read_text().replace("label: Arms sales", "label: Weapons trade")
    assert edited != SAMPLE_THEMES.read_text()
    (a / "themes.yaml").write_text(edited)
    code, _, err = run(a, "sources")  # not published yet: A is told how
    assert code == 0 and "run `briefing tag`" in err
    assert "Weapons trade" not in (b / "themes.yaml").read_text()
    ok(a, "tag")
    assert "Weapons trade" in ok(b, "themes")
    assert (b / "themes.yaml").read_text() == edited


def test_two_decisions_on_one_excerpt_the_later_wins_and_both_are_kept(
    pg_url: str, tmp_path: Path
) -> None:
    from briefing.pgstore import PgStore

    a, b = _team(tmp_path, pg_url)
    ok(a, "ingest", str(SAMPLE_SOURCES))
    excerpt = _ids(ok(a, "search", "helicopters", "--json"))[0]
    ok(a, "tag", "--excerpt", excerpt, "--add", "india-reaction")
    ok(b, "tag", "--excerpt", excerpt, "--remove", "india-reaction")
    themes = {e["id"]: e["themes"] for e in json.loads(ok(a, "excerpts", "--json"))}
    assert "india-reaction" not in themes[excerpt]
    store = PgStore(pg_url)
    try:
        history = store.decision_history(excerpt)
    finally:
        store.close()
    assert [(theme, decision) for theme, decision, _, _ in history] == [
        ("india-reaction", "added"),
        ("india-reaction", "removed"),
    ]
    assert all(by and at for _, _, by, at in history)  # who and when


def test_an_address_with_a_password_is_refused_and_nothing_is_created(tmp_path: Path) -> None:
    target = tmp_path / "W"
    code, _, err = run(None, "init", str(target), "--store", "postgresql://ana:secret@db/team")
    assert code == 2 and "~/.pgpass" in err and "secret" not in err
    assert not target.exists()


def test_analysts_with_their_own_logins_share_a_store_their_desk_owns(
    pg_server: Server, tmp_path: Path
) -> None:
    """The README's set-up: one role for the desk owns the database; each analyst logs
    in as themselves, a member of it. Whoever opens the store first makes the tables."""
    import psycopg

    suffix = os.getpid()  # roles are the server's, not one database's
    desk, ana, bo = f"desk_{suffix}", f"ana_{suffix}", f"bo_{suffix}"
    with psycopg.connect(pg_server.url("postgres"), autocommit=True) as db:
        db.execute(f'CREATE ROLE "{desk}"')  # type: ignore[arg-type]
        for login in (ana, bo):
            db.execute(f'CREATE ROLE "{login}" LOGIN IN ROLE "{desk}"')  # type: ignore[arg-type]
        db.execute(f'CREATE DATABASE "team_{suffix}" OWNER "{desk}"')  # type: ignore[arg-type]
    url = pg_server.url(f"team_{suffix}")
    a, b = tmp_path / "A", tmp_path / "B"
    as_ana, as_bo = (url.replace("briefing@", f"{login}@") for login in (ana, bo))
    ok(None, "init", str(a), "--store", as_ana, "--themes", str(SAMPLE_THEMES))
    ok(a, "ingest", str(SAMPLE_SOURCES))
    ok(None, "init", str(b), "--store", as_bo)
    assert len(json.loads(ok(b, "sources", "--json"))) == 5
    excerpt = _ids(ok(b, "search", "helicopters", "--json"))[0]
    ok(b, "tag", "--excerpt", excerpt, "--add", "energy-gwadar")
    after = {e["id"]: e["themes"] for e in json.loads(ok(a, "excerpts", "--json"))}
    assert "energy-gwadar" in after[excerpt]


def test_briefing_store_overrides_the_settings_file(
    pg_server: Server, pg_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    a, b = _team(tmp_path, pg_url)
    ok(a, "ingest", str(SAMPLE_SOURCES))
    assert len(json.loads(ok(b, "sources", "--json"))) == 5
    monkeypatch.setenv("BRIEFING_STORE", pg_server.new_database())
    assert json.loads(ok(b, "sources", "--json")) == []  # another, empty store
    monkeypatch.delenv("BRIEFING_STORE")
    assert len(json.loads(ok(b, "sources", "--json"))) == 5


def _corpus(folder: Path, count: int) -> Path:
    spec = importlib.util.spec_from_file_location("make_corpus", REPO / "bench" / "make_corpus.py")
    assert spec is not None and spec.loader is not None
    module: ModuleType = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("make_corpus", module)
    spec.loader.exec_module(module)
    module.generate(count, folder, seed=7)
    return folder


def _briefing(workspace: Path, *args: str) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if k != "BRIEFING_STORE"}
    return subprocess.Popen(
        [BRIEFING, "-w", str(workspace), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def test_two_ingests_of_the_same_files_at_once_store_each_once(pg_url: str, tmp_path: Path) -> None:
    a, b = _team(tmp_path, pg_url)
    corpus = _corpus(tmp_path / "corpus", 300)
    runs = [_briefing(a, "ingest", str(corpus)), _briefing(b, "ingest", str(corpus))]
    results = [p.communicate(timeout=600) for p in runs]
    for process, (_, err) in zip(runs, results, strict=True):
        assert process.returncode == 0, err
        assert "Traceback" not in err
    assert len(json.loads(ok(a, "sources", "--json"))) == 300
    added = sorted(int(out.split("\n")[-2].split()[0]) for out, _ in results)
    assert added == [0, 300]  # the second waited, then found every article stored

    # A rebuild killed part-way leaves the corpus whole (one transaction).
    rebuild = _briefing(b, "rebuild")
    time.sleep(4)
    rebuild.kill()
    rebuild.wait()
    assert len(json.loads(ok(a, "sources", "--json"))) == 300


def test_the_server_stopping_mid_command_is_a_message_and_exit_2(tmp_path: Path) -> None:
    server = Server()  # a server of its own, to stop
    try:
        url = server.new_database()
        workspace = tmp_path / "W"
        ok(None, "init", str(workspace), "--store", url, "--themes", str(SAMPLE_THEMES))
        corpus = _corpus(tmp_path / "corpus", 300)
        ingest = _briefing(workspace, "ingest", str(corpus))
        time.sleep(3)  # reading and storing
        server.kill()
        _, err = ingest.communicate(timeout=300)
        assert ingest.returncode == 2, err
        assert "Traceback" not in err
        assert "team store cannot be reached" in err and url in err

        code, _, err = run(workspace, "sources")
        assert code == 2 and url in err

        server.start()
        code, out, err = run(workspace, "ingest", str(corpus))
        assert code == 0, err
        assert len(json.loads(ok(workspace, "sources", "--json"))) == 300
    finally:
        server.stop()


def test_the_bundled_sample_stays_embedded(
    pg_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BRIEFING_STORE", pg_url)
    monkeypatch.chdir(tmp_path)  # no workspace here: the sample opens
    assert len(json.loads(ok(None, "sources", "--json"))) == 5
    from briefing.pgstore import PgStore

    store = PgStore(pg_url)
    try:
        assert store.count_sources() == 0  # the team store was not touched
    finally:
        store.close()


def _b_about_to_decide(tmp_path: Path, pg_url: str) -> tuple[Path, str, set[str], str, Library]:
    """Two analysts on a team store holding the sample: B's workspace, the theme B will
    tag, the excerpts it carries now, the excerpt B will add to it, and A's library."""
    from briefing.library import Library
    from briefing.workspace import Workspace

    a, b = _team(tmp_path, pg_url)
    ok(a, "ingest", str(SAMPLE_SOURCES))
    theme = "energy-gwadar"
    carried = {e["id"] for e in json.loads(ok(a, "excerpts", "--json")) if theme in e["themes"]}
    excerpt = next(i for i in _ids(ok(b, "search", "helicopters", "--json")) if i not in carried)
    return b, theme, carried, excerpt, Library.open(Workspace(a))


async def _on_theme(
    app: BriefingApp, pilot: Pilot[None], theme: str
) -> tuple[ThemeList, ExcerptTable]:
    """The app's theme list moved to the theme B will tag (the sample's fourth), and its
    excerpt list."""
    from briefing.tui.widgets.excerpt_table import ExcerptTable
    from briefing.tui.widgets.theme_list import ThemeList
    from tests.test_tui_workflow import settle

    await settle(pilot)
    themes = app.screen.query_one(ThemeList)
    await pilot.press("down", "down", "down")
    await settle(pilot)
    assert themes.current == theme
    return themes, app.screen.query_one(ExcerptTable)


def _count(themes: ThemeList, theme: str) -> str:
    """The count the theme list shows beside a theme."""
    return str(themes.get_option(theme).prompt.count.plain)  # type: ignore[union-attr]


def _listed(table: ExcerptTable) -> set[str]:
    """The excerpt ids the excerpt list shows."""
    return {str(key.value) for key in table.rows}


def test_the_app_shows_another_analysts_decision_after_a_refresh(
    pg_url: str, tmp_path: Path
) -> None:
    """A has the app open; B adds a decision from the command line; A presses ctrl+r
    (shown in the footer of a team workspace) and the theme's count and list show it."""
    import asyncio

    from textual.widgets import Footer

    from briefing.tui.app import BriefingApp
    from tests.test_tui_workflow import settle

    b, theme, carried, excerpt, library = _b_about_to_decide(tmp_path, pg_url)

    async def script() -> None:
        app = BriefingApp(library)
        async with app.run_test(size=(120, 40)) as pilot:
            themes, table = await _on_theme(app, pilot, theme)
            assert _count(themes, theme) == str(len(carried))
            assert excerpt not in _listed(table)
            footer = app.screen.query_one(Footer)
            assert "Refresh" in [item.description for item in footer.query("FooterKey")]  # type: ignore[attr-defined]

            ok(b, "tag", "--excerpt", excerpt, "--add", theme)
            await settle(pilot)
            # Not yet: the app shows what it read.
            assert _count(themes, theme) == str(len(carried))

            await pilot.press("ctrl+r")
            await settle(pilot)
            assert _count(themes, theme) == str(len(carried) + 1)
            assert excerpt in _listed(table)
            if os.environ.get("BRIEFING_SCREENSHOT"):
                app.save_screenshot(os.environ["BRIEFING_SCREENSHOT"])

    try:
        asyncio.run(script())
    finally:
        library.close()


def test_the_app_refreshes_when_the_terminal_regains_focus_on_a_team_store(
    pg_url: str, tmp_path: Path
) -> None:
    """A switches to another window (the terminal reports focus lost), B adds a decision
    from the command line, A comes back (focus regained): the count and the list show
    B's decision without a key pressed, and without a notification."""
    import asyncio

    from textual import events

    from briefing.tui.app import BriefingApp
    from tests.test_tui_workflow import settle

    b, theme, carried, excerpt, library = _b_about_to_decide(tmp_path, pg_url)

    async def script() -> None:
        app = BriefingApp(library)
        async with app.run_test(size=(120, 40)) as pilot:
            themes, table = await _on_theme(app, pilot, theme)
            # What Textual's driver posts when the terminal reports focus out (CSI O)...
            app.post_message(events.AppBlur())
            await settle(pilot)
            ok(b, "tag", "--excerpt", excerpt, "--add", theme)
            await settle(pilot)
            assert _count(themes, theme) == str(len(carried))
            # ... and in (CSI I).
            app.post_message(events.AppFocus())
            await settle(pilot)
            assert _count(themes, theme) == str(len(carried) + 1)
            assert excerpt in _listed(table)
            assert not app._notifications  # quiet: no "Read again" toast

    try:
        asyncio.run(script())
    finally:
        library.close()


@pytest.mark.parametrize("first", ["A", "B"])
def test_a_publish_never_overwrites_a_taxonomy_published_since(
    pg_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, first: str
) -> None:
    """Two analysts edit themes.yaml from the same team taxonomy; whoever publishes
    second is refused, told who published and when, and takes theirs with --theirs."""
    a, b = _team(tmp_path, pg_url)
    ok(a, "ingest", str(SAMPLE_SOURCES))
    users = {"A": (a, "ana"), "B": (b, "ben")}
    winner, loser = (users["A"], users["B"]) if first == "A" else (users["B"], users["A"])
    original = SAMPLE_THEMES.read_text()
    edits = {
        winner[0]: original.replace("label: Arms sales", "label: Weapons trade"),
        loser[0]: original.replace("label: Afghanistan", "label: Afghan war"),
    }
    for workspace, text in edits.items():
        assert text != original
        (workspace / "themes.yaml").write_text(text)

    monkeypatch.setenv("LOGNAME", winner[1])
    ok(winner[0], "tag")
    monkeypatch.setenv("LOGNAME", loser[1])
    code, _, err = run(loser[0], "tag")
    assert code == 2
    assert f"{winner[1]} published the team's taxonomy at" in err
    assert "briefing tag --theirs" in err
    assert "Traceback" not in err
    assert (loser[0] / "themes.yaml").read_text() == edits[loser[0]]  # nothing lost

    out = ok(loser[0], "tag", "--theirs")
    assert f"published by {winner[1]}" in out
    assert (loser[0] / "themes.yaml").read_text() == edits[winner[0]]
    assert (loser[0] / "themes.mine.yaml").read_text() == edits[loser[0]]
    # The change made again on theirs is published, and reaches the winner.
    both = edits[winner[0]].replace("label: Afghanistan", "label: Afghan war")
    (loser[0] / "themes.yaml").write_text(both)
    ok(loser[0], "tag")
    ok(winner[0], "sources")
    assert (winner[0] / "themes.yaml").read_text() == both


def test_take_theirs_in_an_embedded_workspace_says_there_is_none(tmp_path: Path) -> None:
    solo = tmp_path / "solo"
    ok(None, "init", str(solo), "--themes", str(SAMPLE_THEMES))
    code, _, err = run(solo, "tag", "--theirs")
    assert code == 2 and "no team taxonomy" in err
