"""themes.yaml validation: every mistake names the file, the line and what to change."""

from pathlib import Path

import pytest

from briefing.errors import InputError
from briefing.tagging import load_themes

REPO = Path(__file__).resolve().parents[1]


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "themes.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def error(tmp_path: Path, text: str) -> str:
    path = write(tmp_path, text)
    with pytest.raises(InputError) as info:
        load_themes(path)
    assert info.value.exit_code == 2
    assert str(path) in info.value.message
    return info.value.message


def test_default_themes_load_in_order() -> None:
    themes = load_themes(REPO / "data" / "themes.yaml")
    assert [t.id for t in themes] == [
        "arms-sales",
        "afghanistan",
        "india-reaction",
        "energy-gwadar",
    ]
    assert "helicopter" in themes[0].keywords


def test_yaml_syntax_error_has_line(tmp_path: Path) -> None:
    msg = error(tmp_path, "themes:\n  - id: a\n    label: [unclosed\n")
    assert ":4:" in msg or ":3:" in msg
    assert "not valid YAML" in msg


def test_unknown_key_suggests_closest(tmp_path: Path) -> None:
    msg = error(tmp_path, "themes:\n  - id: a\n    label: A\n    keywrds: [x]\n")
    assert ":4:" in msg
    assert "unknown key 'keywrds'" in msg and "did you mean 'keywords'" in msg
    assert "allowed keys" in msg


def test_unknown_top_level_key(tmp_path: Path) -> None:
    msg = error(tmp_path, "theme:\n  - id: a\n    label: A\n")
    assert ":1:" in msg and "did you mean 'themes'" in msg


def test_duplicate_id_names_both_lines(tmp_path: Path) -> None:
    text = "themes:\n  - id: a\n    label: A\n    keywords: [x]\n  - id: a\n    label: B\n"
    msg = error(tmp_path, text + "    keywords: [y]\n")
    assert ":5:" in msg and "duplicate id 'a'" in msg and "line 2" in msg


def test_missing_label(tmp_path: Path) -> None:
    msg = error(tmp_path, "themes:\n  - id: a\n    keywords: [x]\n")
    assert ":2:" in msg and "no 'label'" in msg


def test_bad_id_format(tmp_path: Path) -> None:
    msg = error(tmp_path, "themes:\n  - id: Arms Sales\n    label: A\n    keywords: [x]\n")
    assert ":2:" in msg and "lower-case" in msg


def test_bad_regex(tmp_path: Path) -> None:
    text = "themes:\n  - id: a\n    label: A\n    patterns:\n      - 'ok'\n      - '(unclosed'\n"
    msg = error(tmp_path, text)
    assert ":6:" in msg and "not a valid regular expression" in msg


def test_empty_theme(tmp_path: Path) -> None:
    msg = error(tmp_path, "themes:\n  - id: a\n    label: A\n")
    assert ":2:" in msg and "no keywords, patterns or description" in msg


def test_wrong_types(tmp_path: Path) -> None:
    msg = error(tmp_path, "themes:\n  - id: a\n    label: A\n    keywords: helicopter\n")
    assert ":4:" in msg and "must be a list" in msg
    msg = error(
        tmp_path, "themes:\n  - id: a\n    label: A\n    keywords: [x]\n    threshold: high\n"
    )
    assert ":5:" in msg and "threshold" in msg
    msg = error(tmp_path, "themes:\n  - id: a\n    label: A\n    keywords: [x]\n    threshold: 3\n")
    assert ":5:" in msg and "between 0 and 1" in msg


def test_list_at_top_is_refused(tmp_path: Path) -> None:
    msg = error(tmp_path, "- id: a\n  label: A\n")
    assert ":1:" in msg and "'themes:'" in msg


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        load_themes(tmp_path / "nope.yaml")
