"""Quotes from articles not in English: their quotation marks (« », „ “, » «, ” ”) and
sentences that start with a letter outside A-Z are read by the shape of the text, so a
quote is never cut inside a quotation and sentences are told apart in any language."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from briefing.cli import app
from briefing.memo.quotes import cut_quote, quotation_depth, quote_units, split_sentences

LANGUAGES = Path(__file__).parent / "fixtures" / "memo" / "languages"
runner = CliRunner()


def _sentences(text: str) -> list[str]:
    return [text[a:b] for a, b in split_sentences(text)]


def _units(text: str) -> list[str]:
    return [text[a:b] for a, b in quote_units(text)]


@pytest.mark.parametrize(
    "text",
    [
        "Le port s'agrandit. Élus et pêcheurs se sont réunis. À la fin, rien.",
        "Der Hafen wächst. Über den Plan wird gestritten. Ökologen klagen.",
        "Η βουλή ψήφισε. Ο υπουργός μίλησε.",  # capitals of another script
    ],
)
def test_a_sentence_starting_with_a_capital_outside_a_to_z_is_a_sentence(text: str) -> None:
    assert len(_sentences(text)) == text.count(". ") + 1


def test_no_sentence_starts_in_lower_case_or_after_a_dotted_abbreviation() -> None:
    text = "Es kamen ca. zehn Schiffe, z.B. Frachter. Sie blieben."
    assert _sentences(text) == ["Es kamen ca. zehn Schiffe, z.B. Frachter.", "Sie blieben."]


@pytest.mark.parametrize(
    ("text", "quotation"),
    [
        (
            "Le préfet parle. « L'État paiera. Il l'a toujours fait », dit-il. Rien de plus.",
            "« L'État paiera. Il l'a toujours fait », dit-il.",
        ),
        (
            "Der Senator spricht. „Der Bund zahlt. Er hat es immer getan“, sagt er. Sonst nichts.",
            "„Der Bund zahlt. Er hat es immer getan“, sagt er.",
        ),
        (
            "Der Minister sagte, »der Bund zahlt. Er hat es immer getan«. Sonst nichts.",
            "Der Minister sagte, »der Bund zahlt. Er hat es immer getan«.",
        ),
        (
            "Ministern talar. ”Staten betalar. Den har alltid gjort det”, säger hon. Inget mer.",
            "”Staten betalar. Den har alltid gjort det”, säger hon.",
        ),
        (
            "The minister spoke. “The state pays. It always has,” she said. Nothing more.",
            "“The state pays. It always has,” she said.",
        ),
    ],
)
def test_sentences_inside_one_quotation_are_one_unit_in_any_language(
    text: str, quotation: str
) -> None:
    units = _units(text)
    assert quotation in units
    assert quotation_depth(text)[-1] == 0  # every quotation opened is closed


def test_a_german_closing_mark_does_not_open_a_quotation() -> None:
    text = "„Wir zahlen“, sagte er. Danach ging er. Am Abend kam er zurück."
    depth = quotation_depth(text)
    assert depth[text.index("Danach")] == 0
    assert len(_units(text)) == 3


def _fragments_outside_quotations(text: str, keywords: tuple[str, ...]) -> None:
    def relevance(sentence: str) -> float:
        return float(sum(sentence.lower().count(k) for k in keywords))

    cut = cut_quote(text, relevance)
    depth = quotation_depth(text)
    for fragment in cut.fragments:
        start = text.index(fragment)
        assert depth[start] == depth[start + len(fragment)] == 0, fragment


def test_a_cut_never_falls_inside_a_french_or_german_quotation() -> None:
    for path in sorted(LANGUAGES.glob("*.txt")):
        for paragraph in path.read_text(encoding="utf-8").split("\n\n"):
            if len(paragraph.split()) > 20:
                _fragments_outside_quotations(paragraph, ("pêcheurs", "fischer", "millions"))


@pytest.mark.parametrize(
    ("language", "marks"), [("fr", [("«", "»")]), ("de", [("„", "“"), ("»", "«")])]
)
def test_the_memo_of_a_french_or_german_article_quotes_whole_quotations(
    tmp_path: Path, language: str, marks: list[tuple[str, str]]
) -> None:
    """The real commands: every quote and drafted summary line of the memo closes each
    quotation it opens, and `verify` finds every quote in its source."""
    workspace = tmp_path / language
    themes = LANGUAGES / f"themes-{language}.yaml"
    assert runner.invoke(app, ["init", str(workspace), "--themes", str(themes)]).exit_code == 0
    article = next(LANGUAGES.glob(f"*-{language}.txt"))
    result = runner.invoke(app, ["-w", str(workspace), "ingest", str(article)])
    assert result.exit_code == 0, result.stderr
    memo = tmp_path / "memo.md"
    result = runner.invoke(app, ["-w", str(workspace), "export", "-f", "md", "-o", str(memo)])
    assert result.exit_code == 0, result.stderr
    text = memo.read_text(encoding="utf-8")
    quotes = re.findall(r"^> (.*?)\[\^\d+\]$", text, re.M)  # the sections' quotes
    quotes += re.findall(r"^- \*\*.*?\*\* “(.*?)”\[\^\d+\]$", text, re.M)  # the drafted summary
    assert len(quotes) >= 4
    for quote in quotes:
        for opening, closing in marks:
            assert quote.count(opening) == quote.count(closing), quote
    result = runner.invoke(app, ["-w", str(workspace), "verify", str(memo)])
    assert result.exit_code == 0, result.stdout
