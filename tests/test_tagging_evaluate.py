"""Evaluation arithmetic on a tiny gold file whose answer is worked out by hand."""

from pathlib import Path

import pytest

from briefing.errors import InputError
from briefing.tagging import evaluate, load_gold

GOLD = """\
- file: a.txt
  paragraphs:
    - text: "one"
      themes: [x]
    - text: "two"
      themes: [x, y]
    - text: "three"
      themes: []
    - text: "four"
      themes: [y]
"""


def test_exact_numbers(tmp_path: Path) -> None:
    path = tmp_path / "gold.yaml"
    path.write_text(GOLD)
    gold = load_gold(path)
    predicted = {"one": {"x"}, "two": {"x"}, "three": {"x", "y"}}  # "four" is not found
    report = evaluate(gold, lambda file, prefix: predicted.get(prefix))
    x, y = report.themes
    # x: tp one, two; fp three -> P 2/3, R 1, F1 0.8
    assert (x.tp, x.fp, x.fn, x.support) == (2, 1, 0, 2)
    assert x.f1 == pytest.approx(0.8)
    # y: fp three; fn two, four -> P 0, R 0, F1 0
    assert (y.tp, y.fp, y.fn, y.support) == (0, 1, 2, 2)
    assert report.macro_f1 == pytest.approx(0.4)
    assert report.macro_precision == pytest.approx(1 / 3)
    assert report.missing == 1 and report.paragraphs == 4
    data = report.to_dict()
    assert data["macro"]["f1"] == 0.4 and data["themes"]["x"]["precision"] == 0.6667


def test_bad_gold_file(tmp_path: Path) -> None:
    path = tmp_path / "gold.yaml"
    path.write_text("- file: a.txt\n  paragraphs:\n    - themes: [x]\n")
    with pytest.raises(InputError) as info:
        load_gold(path)
    assert f"{path}:3:" in info.value.message and "'text'" in info.value.message
