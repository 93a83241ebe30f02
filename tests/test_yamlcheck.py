"""The shared YAML checker: what the loaders of themes, tags, gold and metadata rely on."""

from pathlib import Path

import pytest
import yaml

from briefing.errors import InputError
from briefing.yamlcheck import Checker


def node(text: str) -> yaml.Node:
    root = yaml.compose(text, Loader=yaml.SafeLoader)
    assert root is not None
    return root


def test_texts_strips_items_and_refuses_an_empty_one() -> None:
    check = Checker("t.yaml", title="invalid test file")
    assert check.texts(node("[' a ', 2]"), "keywords") == ["a", "2"]
    assert check.texts(node("~"), "keywords") == []
    with pytest.raises(InputError) as info:
        check.texts(node("- a\n- ''\n"), "keywords")
    assert info.value.message == "t.yaml:2: an item of keywords is empty; remove it"
    assert info.value.title == "invalid test file"


def test_number_takes_whole_and_decimal_numbers_within_bounds() -> None:
    check = Checker("t.yaml")
    assert check.number(node("0.4"), "threshold", 0.0, 1.0) == 0.4
    assert check.number(node("1"), "threshold", 0.0, 1.0) == 1.0
    with pytest.raises(InputError, match="must be a number between 0 and 1"):
        check.number(node("'0.4'"), "threshold", 0.0, 1.0)


def test_load_names_a_missing_file_and_a_file_with_no_document(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="nope.yaml: no such gold file"):
        Checker(tmp_path / "nope.yaml").load("no such gold file")
    empty = tmp_path / "empty.yaml"
    empty.write_text("# only a comment\n", encoding="utf-8")
    assert Checker(empty).load() is None
