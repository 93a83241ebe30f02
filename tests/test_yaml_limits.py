"""What composing a person's YAML may cost, and which numbers YAML would misread."""

from __future__ import annotations

import pytest
import yaml

from briefing.errors import InputError
from briefing.yamlcheck import MAX_DEPTH, Checker, YamlRefused, compose, load_values


def refused(text: str) -> YamlRefused:
    with pytest.raises(YamlRefused) as info:
        load_values(text)
    return info.value


def test_shared_values_are_fine_but_an_alias_bomb_is_refused_at_its_line() -> None:
    assert load_values("a: &x [1, 2]\nb: *x\n") == {"a": [1, 2], "b": [1, 2]}
    levels = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    levels += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 9)]
    problem = refused("\n".join(levels) + "\n")
    assert "would expand it past" in problem.problem
    assert 5 <= problem.line <= 9  # where the budget ran out


def test_an_alias_inside_its_own_anchor_is_refused() -> None:
    assert "repeats the item it is in" in refused("a: &a [1, *a]\n").problem


def test_depth_is_limited_before_python_recursion_is() -> None:
    inner = MAX_DEPTH - 1  # the mapping is the first level
    assert load_values("a: " + "[" * inner + "]" * inner) is not None
    for deep in ("[" * 20_000, "{a: " * 20_000, "- " * 20_000 + "x"):
        assert "nested more than" in refused(deep).problem


def test_a_lone_surrogate_is_refused_and_a_pair_is_a_character() -> None:
    assert load_values('t: "\\U0001F600"') == {"t": "\U0001f600"}
    problem = refused('a: 1\nt: "x\\ud800"\n')
    assert problem.line == 2 and "surrogate" in problem.problem


def test_a_value_its_tag_cannot_hold_is_refused_at_its_line() -> None:
    problem = refused("a: 1\nd: !!timestamp 2014-13-45\n")
    assert problem.line == 2 and "month must be in 1..12" in problem.problem
    assert "4300 digits" in refused("n: " + "9" * 5000).problem


def test_text_that_is_not_yaml_is_marked_as_a_syntax_problem() -> None:
    problem = refused("a: [\n")
    assert problem.syntax and "not valid YAML" in problem.problem
    assert not refused("a: &a [*a]").syntax


def node(text: str) -> yaml.Node:
    root = compose(text)
    assert root is not None
    return root


@pytest.mark.parametrize(
    ("written", "reason"),
    [
        ("010", "leading zero"),
        ("1:30", "base 60"),
        ("0x1f", "plain digits"),
        ("0b11", "plain digits"),
        ("1_000", "plain digits"),
        ("9" * 5000, "has 5000 digits"),
    ],
)
def test_integers_must_be_plain_digits(written: str, reason: str) -> None:
    with pytest.raises(InputError) as info:
        Checker("b.yaml").integer(node(f"n: {written}").value[0][1], "max_excerpts", 1, 50)
    assert info.value.message.startswith("b.yaml:1: max_excerpts ")
    assert reason in info.value.message and "use a number from 1 to 50" in info.value.message


def test_plain_numbers_are_read() -> None:
    check = Checker("t.yaml")
    assert check.integer(node("12"), "n", 1, 50) == 12
    assert check.integer(node("-0"), "n", -1, 1) == 0
    assert check.number(node("0.25"), "t", 0, 1) == 0.25
    assert check.number(node("2.5e-1"), "t", 0, 1) == 0.25
    for written in (".nan", ".inf", "1:30.5", "0" + "1" * 30 + ".0"):
        with pytest.raises(InputError, match="t.yaml:1: t "):
            check.number(node(written), "t", 0, 1)


def test_text_read_from_yaml_carries_no_control_character() -> None:
    assert Checker("t.yaml").text(node('"A \\e[31mred\\e[0m \\a label"'), "label") == "A red  label"
