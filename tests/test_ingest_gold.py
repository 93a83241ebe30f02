"""Ingest measured against hand-labelled sets: metadata, boilerplate, paragraph recall.

Two sets: the five seeds, and the Arctic shipping set (other sites, another subject,
labelled the same way). The gold files live in shared/ beside the repository; run
with -s for the report.
"""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest
import yaml

from briefing.ingest import Article, read_article

SHARED = Path(__file__).resolve().parents[2] / "shared"
GOLD = SHARED / "eval" / "seeds-gold.yaml"
SEEDS = SHARED / "seeds"
SETS = {  # name: (gold file, folder of its documents)
    "seeds": (GOLD, SEEDS),
    "arctic": (SHARED / "eval" / "arctic" / "gold.yaml", SHARED / "eval" / "arctic" / "docs"),
}
FIELDS = ("title", "author", "outlet", "date")

pytestmark = pytest.mark.skipif(not GOLD.exists(), reason=f"no gold file at {GOLD}")


def _norm(value: object) -> str:
    if isinstance(value, datetime.date):
        value = value.isoformat()
    return " ".join(str(value).split()).casefold()


def _field_right(expected: Any, actual: str | None) -> bool:
    if expected is None:
        return actual is None
    options = expected if isinstance(expected, list) else [expected]
    return actual is not None and _norm(actual) in {_norm(option) for option in options}


def _paragraphs(article: Article) -> list[str]:
    return [article.text[start:end] for start, end in article.paragraphs]


@pytest.fixture(scope="module", params=sorted(SETS))
def measured(request: pytest.FixtureRequest) -> dict[str, Any]:
    gold_file, folder = SETS[request.param]
    if not gold_file.exists():
        pytest.skip(f"no gold file at {gold_file}")
    gold = yaml.safe_load(gold_file.read_text(encoding="utf-8"))
    fields_right = fields_total = 0
    leaks: list[str] = []
    found = expected = 0
    missing: list[str] = []
    wrong: list[str] = []
    for entry in gold:
        article = read_article(folder / entry["file"])
        for name in FIELDS:
            fields_total += 1
            actual = getattr(article, name)
            if _field_right(entry[name], actual):
                fields_right += 1
            else:
                wrong.append(f"{entry['file']} {name}: got {actual!r}, want {entry[name]!r}")
        paragraphs = _paragraphs(article)
        for snippet in entry.get("boilerplate") or []:
            leaks += [f"{entry['file']}: {snippet!r}" for p in paragraphs if snippet in p]
        starts = [_norm(p) for p in paragraphs]
        for item in entry["paragraphs"]:
            expected += 1
            head = _norm(item["text"])
            if any(start.startswith(head) for start in starts):
                found += 1
            else:
                missing.append(f"{entry['file']}: {item['text']!r}")
    report = {
        "metadata": fields_right / fields_total,
        "leaks": leaks,
        "recall": found / expected,
        "missing": missing,
        "wrong": wrong,
    }
    print(
        f"\ningest gold ({request.param}): "
        f"metadata {fields_right}/{fields_total} ({report['metadata']:.0%}), "
        f"boilerplate leaks {len(leaks)}, paragraph recall {found}/{expected} "
        f"({report['recall']:.0%})"
    )
    for line in wrong + leaks + missing:
        print("  ", line)
    return report


def test_metadata_fields_are_right(measured: dict[str, Any]) -> None:
    assert measured["metadata"] >= 0.95, measured["wrong"]


def test_no_boilerplate_survives(measured: dict[str, Any]) -> None:
    assert not measured["leaks"]


def test_body_paragraphs_are_kept(measured: dict[str, Any]) -> None:
    assert measured["recall"] >= 0.95, measured["missing"]


def test_offsets_slice_the_paragraphs() -> None:
    for path in sorted(SEEDS.glob("*.txt")):
        article = read_article(path)
        assert article.paragraphs
        assert article.text == "\n\n".join(_paragraphs(article))
        for paragraph in _paragraphs(article):
            assert paragraph == paragraph.strip() and "\n" not in paragraph
