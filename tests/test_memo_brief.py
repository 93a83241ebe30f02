"""brief.yaml: round trip, validation with line numbers, atomic save, the TUI's edits."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from briefing.errors import InputError
from briefing.files import WriteRefused
from briefing.memo import Brief, BriefTheme, ExcerptRef, default_brief, load_brief, save_brief
from briefing.model import Excerpt, Theme

THEMES = [Theme("arms-sales", "Arms sales"), Theme("afghanistan", "Afghanistan")]


def _brief() -> Brief:
    return Brief(
        title="Russia–Pakistan: the defence accord",
        to="Director, South Asia",
        sender="Desk officer",
        date="2014-12-05",
        marking="CONFIDENTIAL",
        summary="First paragraph.\n\n- a point\n- another: with a colon",
        themes=[
            BriefTheme(
                "arms-sales",
                comment="Why it matters.\nSecond line.",
                pinned=[ExcerptRef("abc", 'Russia lifted: an embargo "quoted" # not a comment')],
                excluded=[ExcerptRef("def", "Excluded text.")],
                max_excerpts=3,
            ),
            BriefTheme("afghanistan", include=False, comment="kept while out"),
        ],
    )


def test_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "brief.yaml"
    save_brief(path, _brief())
    assert load_brief(path) == _brief()
    text = path.read_text(encoding="utf-8")
    assert text.index("title:") < text.index("to:") < text.index("themes:")
    assert "    comment: |-\n      Why it matters." in text
    assert "date: 2014-12-05\n" in text  # multi-line text as a block


def test_bare_ids_and_defaults(tmp_path: Path) -> None:
    path = tmp_path / "brief.yaml"
    path.write_text("title: T\nthemes:\n  - id: arms-sales\n    pinned: [abc]\n", encoding="utf-8")
    brief = load_brief(path)
    assert brief.themes[0].pinned == [ExcerptRef("abc", "")]
    assert brief.themes[0].max_excerpts == 4 and brief.themes[0].include


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("title: T\nthemse: []\n", 2, ["unknown key 'themse'", "did you mean 'themes'"]),
        ("title: T\ndate: 2014-13-40\n", 2, ["not a date", "2014-12-05"]),
        ("title: T\ndate: next week\n", 2, ["not a date"]),
        ("title: T\nthemes:\n  - id: a\n    max_excerpts: many\n", 4, ["whole number"]),
        ("title: T\nthemes:\n  - id: a\n    max_excerpts: 0\n", 4, ["from 1 to 50"]),
        ("title: T\nthemes:\n  - id: a\n  - id: a\n", 4, ["listed twice"]),
        ("title: T\nthemes:\n  - comment: x\n", 3, ["theme id is missing"]),
        ("title: T\nthemes:\n  - id: a\n    pinned: {x: 1}\n", 4, ["must be a list"]),
        ("title: [a, b]\n", 1, ["title must be text"]),
        ("title: T\nthemes:\n  - id: a\n    pinned:\n      - id: x\n        txt: y\n", 6,
         ["unknown key 'txt'", "did you mean 'text'"]),
        ("title: T\n  bad: indent\n", 2, ["not valid YAML"]),
    ],
)  # fmt: skip
def test_validation_names_line_and_fix(
    tmp_path: Path, text: str, line: int, words: list[str]
) -> None:
    path = tmp_path / "brief.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_brief(path)
    message = caught.value.message
    assert message.startswith(f"{path}:{line}:"), message
    for word in words:
        assert word in message


def test_missing_title_and_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "brief.yaml"
    path.write_text("to: X\n", encoding="utf-8")
    with pytest.raises(InputError, match="title is missing"):
        load_brief(path)
    with pytest.raises(InputError, match="no such brief"):
        load_brief(tmp_path / "nope.yaml")


def test_atomic_save_keeps_old_file_on_failure(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "brief.yaml"
    save_brief(path, _brief())
    before = path.read_bytes()

    def broken(src: str, dst: str) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken)
    changed = _brief()
    changed.title = "Changed"
    with pytest.raises(WriteRefused, match=r"\(disk full\); the old file is kept"):
        save_brief(path, changed)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["brief.yaml"]  # no temp file left


def test_default_brief() -> None:
    brief = default_brief(THEMES)
    assert [t.id for t in brief.themes] == ["arms-sales", "afghanistan"]
    assert [t.id for t in default_brief(THEMES, ["afghanistan"]).themes] == ["afghanistan"]
    with pytest.raises(InputError, match="did you mean 'afghanistan'"):
        default_brief(THEMES, ["afganistan"])


def test_edits_the_tui_needs() -> None:
    brief = default_brief(THEMES)
    brief.move_theme("afghanistan", -1)
    assert [t.id for t in brief.chosen()] == ["afghanistan", "arms-sales"]
    entry = brief.ensure_theme("arms-sales")
    entry.comment = "note"
    assert brief.toggle_theme("arms-sales") is False  # out, but its comment is kept
    assert brief.theme("arms-sales") is not None and brief.chosen()[0].id == "afghanistan"
    assert brief.toggle_theme("arms-sales") is True
    first = Excerpt("e1", "s", 0, 0, 3, "one")
    second = Excerpt("e2", "s", 1, 4, 7, "two")
    entry.pin(first)
    entry.pin(second)
    entry.move_pinned("e2", -1)
    assert [r.id for r in entry.pinned] == ["e2", "e1"]
    entry.exclude(first)
    assert not entry.is_pinned("e1") and entry.is_excluded("e1")
    entry.pin(first)
    assert entry.is_pinned("e1") and not entry.is_excluded("e1")
    brief.set_details(title="New", date="2015-01-02")
    assert brief.title == "New" and brief.date == "2015-01-02"
    with pytest.raises(InputError):
        brief.set_details(date="tomorrow")
