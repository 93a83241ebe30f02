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
    assert f"{path}:4:" in info.value.message and "did you mean 'added'" in info.value.message


def test_each_decision_keeps_its_text_who_and_when(tmp_path: Path) -> None:
    from briefing.tagging import Stamp

    tags = ManualTags()
    stamp = Stamp("alice", "2026-11-27T16:40:12+00:00")
    tags.add("ex", "a", "The pact was signed on Thursday.", stamp)
    tags.remove(
        "ex", "b", "The pact was signed on Thursday.", Stamp("bob", "2026-11-28T09:00:00+01:00")
    )
    path = tmp_path / "tags.yaml"
    save_manual_tags(path, tags)
    again = load_manual_tags(path)
    assert again.texts == {"ex": "The pact was signed on Thursday."}
    assert again.stamps["ex"] == {"a": stamp, "b": Stamp("bob", "2026-11-28T09:00:00+01:00")}
    assert again == tags
    tags.clear("ex", "a")
    assert "a" not in tags.stamps["ex"] and tags.texts  # b still decided, text kept
    tags.clear("ex")
    assert tags.stamps == {} and tags.texts == {}


def test_the_stamp_names_the_os_user_and_an_iso_time() -> None:
    import datetime as dt
    import getpass

    from briefing.tagging import Stamp

    stamp = Stamp.now()
    assert stamp.by == getpass.getuser()
    assert dt.datetime.fromisoformat(stamp.at).tzinfo is not None


def test_an_old_file_without_text_or_stamps_still_loads(tmp_path: Path) -> None:
    path = tmp_path / "tags.yaml"
    path.write_text("ex1:\n  added: [a]\n  removed: [b]\n", encoding="utf-8")
    tags = load_manual_tags(path)
    assert tags.decision("ex1", "a") == "added" and tags.decision("ex1", "b") == "removed"
    assert tags.texts == {} and tags.stamps == {}


def test_moving_decisions_to_a_new_id_keeps_one_made_on_the_new_id() -> None:
    from briefing.tagging import Stamp

    tags = ManualTags()
    tags.add("old", "a", "Text.", Stamp("alice", "2026-01-01T00:00:00+00:00"))
    tags.add("old", "b", "Text.")
    tags.remove("new", "b", "Text, now.")
    tags.move("old", "new", "Text, now.")
    assert tags.excerpt_ids() == {"new"}
    assert tags.decision("new", "a") == "added" and tags.decision("new", "b") == "removed"
    assert tags.stamps["new"]["a"].by == "alice" and tags.texts == {"new": "Text, now."}
