"""tags.yaml: the user's decisions survive a round trip and always win."""

from pathlib import Path

import pytest

from briefing.errors import InputError
from briefing.model import ThemeScore
from briefing.tagging import ManualTags, load_manual_tags, save_manual_tags


def test_missing_file_is_empty(tmp_path: Path) -> None:
    tags = load_manual_tags(tmp_path / "tags.yaml")
    assert tags.added == {} and tags.removed == {}


def test_roundtrip_is_sorted_and_stable(tmp_path: Path) -> None:
    tags = ManualTags()
    tags.add("ex2", "b")
    tags.add("ex2", "a")
    tags.remove("ex1", "c")
    path = tmp_path / "tags.yaml"
    save_manual_tags(path, tags)
    first = path.read_text()
    assert first.endswith("ex1:\n  removed: [c]\nex2:\n  added: [a, b]\n")
    assert first.startswith("# Manual tag decisions")
    again = load_manual_tags(path)
    assert again == tags
    save_manual_tags(path, again)
    assert path.read_text() == first
    assert [p.name for p in tmp_path.iterdir()] == ["tags.yaml"]  # no temp file left


def test_add_then_remove_then_clear() -> None:
    tags = ManualTags()
    tags.add("ex", "a")
    tags.remove("ex", "a")
    assert tags.decision("ex", "a") == "removed" and "ex" not in tags.added
    tags.clear("ex", "a")
    assert tags.decision("ex", "a") is None and tags.removed == {}


def test_apply_manual_wins() -> None:
    tags = ManualTags()
    tags.add("ex", "a")
    tags.remove("ex", "b")
    scores = [
        ThemeScore("a", 0.1, False),
        ThemeScore("b", 0.9, True),
        ThemeScore("c", 0.9, True),
    ]
    out = tags.apply("ex", scores)
    assert [(s.tagged, s.explanation.manual) for s in out] == [
        (True, "added"),
        (False, "removed"),
        (True, None),
    ]
    assert out[0].score == 0.1  # the tagger's score is kept, for display


def test_invalid_file_names_line(tmp_path: Path) -> None:
    path = tmp_path / "tags.yaml"
    path.write_text("ex1:\n  added: [a]\nex2:\n  addd: [b]\n")
    with pytest.raises(InputError) as info:
        load_manual_tags(path)
    assert f"{path}:4:" in info.value.message and "'added' or 'removed'" in info.value.message
