"""The cleaner and metadata readers on invented web dumps from other sites and subjects.

These pages were written for the tests, each with its own site's boilerplate, so
that rules tuned on the seeds are caught when they only fit the seeds.
"""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest
import yaml

from briefing.ingest import read_article
from briefing.ingest.clean import Kind, classify, mark_known

DUMPS = Path(__file__).parent / "fixtures" / "ingest" / "dumps"
EXPECTED = yaml.safe_load((DUMPS / "expected.yaml").read_text(encoding="utf-8"))


def _norm(value: object) -> str:
    if isinstance(value, datetime.date):
        value = value.isoformat()
    return " ".join(str(value).split()).casefold()


def _case_id(entry: dict[str, Any]) -> str:
    return str(entry["file"]).removesuffix(".txt")


@pytest.mark.parametrize("entry", EXPECTED, ids=_case_id)
def test_metadata(entry: dict[str, Any]) -> None:
    article = read_article(DUMPS / entry["file"])
    for name in ("title", "author", "outlet", "date"):
        expected = entry[name]
        options = expected if isinstance(expected, list) else [expected]
        actual = getattr(article, name)
        assert actual is not None and _norm(actual) in {_norm(o) for o in options}, name


@pytest.mark.parametrize("entry", EXPECTED, ids=_case_id)
def test_body_survives_and_boilerplate_goes(entry: dict[str, Any]) -> None:
    article = read_article(DUMPS / entry["file"])
    paragraphs = [article.text[start:end] for start, end in article.paragraphs]
    for snippet in entry["boilerplate"]:
        assert not [p for p in paragraphs if snippet in p], snippet
    for head in entry["paragraphs"]:
        assert any(_norm(p).startswith(_norm(head)) for p in paragraphs), head


def test_short_body_sentences_are_not_chrome() -> None:
    paragraphs = [
        "Title of a story about trade",
        "By Ana Ruiz",
        "The minister arrived on Tuesday for talks that both sides described as the most "
        "important in a decade, with tariffs and shipping at the top of the agenda.",
        "She said:",
        "“We will not comment on rumours.”",
        "Register of shipping companies is due next month, the ministry said.",
    ]
    kinds = mark_known(paragraphs, classify(paragraphs), author="Ana Ruiz", title=None)
    assert kinds[1] is Kind.META
    assert kinds[2:] == [Kind.BODY] * 4


def test_a_repeated_line_and_a_restating_note_are_dropped() -> None:
    body = (
        "Floods closed the main railway line for a week, stranding thousands of travellers "
        "and halting freight to the port."
    )
    paragraphs = [
        "Floods close rail line",
        "Floods close rail line",
        f"Editor's Note: {body}",
        body,
    ]
    kinds = classify(paragraphs)
    assert kinds[1] is Kind.DROP and kinds[2] is Kind.DROP and kinds[3] is Kind.BODY


def test_body_resumes_after_an_inline_teaser_box(tmp_path: Path) -> None:
    long = (
        "Water levels in the reservoir fell again this week as the driest summer on record "
        "continued across the region, {}."
    )
    lines = [
        "Reservoir falls to record low",
        "By Tom Hale",
        long.format("officials said on Monday"),
        "Related",
        "City plans water rationing",
        long.format("the utility said in a statement"),
        long.format("and farmers warned of losses"),
        "Leave a Comment",
        long.format("a reader wrote underneath the story"),
    ]
    path = tmp_path / "reservoir.txt"
    path.write_text("\n\n".join(lines), encoding="utf-8")
    article = read_article(path)
    paragraphs = [article.text[start:end] for start, end in article.paragraphs]
    assert paragraphs == [lines[2], lines[5], lines[6]]
    assert article.author == "Tom Hale"


def test_a_short_wire_lede_is_body(tmp_path: Path) -> None:
    lines = [
        "Storm shuts Manila airport",
        "MANILA, Oct 3 (AFP) - A typhoon closed Manila's main airport on Tuesday.",
        "Hundreds of flights were cancelled as winds of up to 150 kilometres an hour lashed the "
        "capital, and schools and government offices were ordered shut until Thursday.",
    ]
    path = tmp_path / "storm.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    article = read_article(path)
    assert article.text == "\n\n".join(lines[1:])
    assert (article.title, article.outlet, article.author) == (lines[0], "AFP", None)


def test_short_ledes_under_a_byline_are_body_and_a_standfirst_is_not(tmp_path: Path) -> None:
    long = (
        "The council will vote next month on the plan, which would add four new lines and "
        "some sixty kilometres of track to the network by the end of the decade."
    )
    lede = ["The city unveiled a tram plan on Monday.", "It would cost four billion euros."]
    with_byline = ["Tram plan unveiled", "By Marie Laurent", *lede, long]
    standfirst = ["Tram plan unveiled", "A bold bet on rail for a car-bound city.", long]
    for name, lines, body in (
        ("byline.txt", with_byline, [*lede, long]),
        ("standfirst.txt", standfirst, [long]),
    ):
        path = tmp_path / name
        path.write_text("\n\n".join(lines), encoding="utf-8")
        article = read_article(path)
        assert [article.text[s:e] for s, e in article.paragraphs] == body
        assert article.title == "Tram plan unveiled"
