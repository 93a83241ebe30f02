"""Measuring the tagger against a hand-labelled gold file (format: eval/THEMES.md).

Per-theme precision, recall and F1 tell the user which themes need better keywords;
the macro average is the single number to compare taggers and taxonomies by.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from briefing.yamlcheck import Checker

Decision = tuple[str, str, str, str]  # (file, paragraph prefix, theme id, "add" | "remove")


@dataclass(frozen=True)
class GoldParagraph:
    """A body paragraph, known by its first 80 characters, and the themes it carries."""

    prefix: str
    themes: frozenset[str]


@dataclass(frozen=True)
class GoldArticle:
    """One labelled article of a gold file."""

    file: str
    paragraphs: tuple[GoldParagraph, ...]
    title: str | None = None


@dataclass
class ThemeResult:
    """Counts and measures for one theme."""

    theme_id: str
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def support(self) -> int:
        return self.tp + self.fn

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class EvalReport:
    """The result of `evaluate`: one row per theme, macro averages, missing paragraphs."""

    themes: list[ThemeResult] = field(default_factory=list)
    paragraphs: int = 0
    missing: int = 0  # gold paragraphs that `predict` could not find (counted as untagged)
    skipped: int = 0  # gold paragraphs left out (those with a manual decision, when asked)

    def _macro(self, name: str) -> float:
        values = [float(getattr(t, name)) for t in self.themes]
        return sum(values) / len(values) if values else 0.0

    @property
    def macro_precision(self) -> float:
        return self._macro("precision")

    @property
    def macro_recall(self) -> float:
        return self._macro("recall")

    @property
    def macro_f1(self) -> float:
        return self._macro("f1")

    def to_dict(self) -> dict[str, Any]:
        """Plain data for `briefing eval --json`; measures rounded to 4 places."""
        return {
            "themes": {
                t.theme_id: {
                    "precision": round(t.precision, 4),
                    "recall": round(t.recall, 4),
                    "f1": round(t.f1, 4),
                    "support": t.support,
                    "tp": t.tp,
                    "fp": t.fp,
                    "fn": t.fn,
                }
                for t in self.themes
            },
            "macro": {
                "precision": round(self.macro_precision, 4),
                "recall": round(self.macro_recall, 4),
                "f1": round(self.macro_f1, 4),
            },
            "paragraphs": self.paragraphs,
            "missing": self.missing,
            "skipped": self.skipped,
        }


def load_gold(path: Path) -> list[GoldArticle]:
    """Read a gold file: a list of articles, each with `file` and labelled `paragraphs`."""
    check = Checker(Path(path), title="invalid gold file")
    root = check.load("no such file; create it or name another gold file")
    if not isinstance(root, yaml.SequenceNode):
        check.fail(root, "a gold file is a list of articles ('- file: ...')")
    articles: list[GoldArticle] = []
    for item in root.value:
        if not isinstance(item, yaml.MappingNode):
            check.fail(item, "each article must be a mapping with 'file' and 'paragraphs'")
        fields = {str(k.value): v for k, v in item.value}
        if "file" not in fields or not isinstance(fields["file"], yaml.ScalarNode):
            check.fail(item, "this article has no 'file'; name its source file")
        paras = fields.get("paragraphs")
        if not isinstance(paras, yaml.SequenceNode):
            check.fail(paras or item, "'paragraphs' must be a list of {text, themes}")
        paragraphs = []
        for p in paras.value:
            pf = {str(k.value): v for k, v in p.value} if isinstance(p, yaml.MappingNode) else {}
            text = pf.get("text")
            if not isinstance(text, yaml.ScalarNode) or not str(text.value).strip():
                check.fail(p, "each paragraph needs 'text' (its first 80 characters)")
            themes = frozenset(check.texts(pf.get("themes"), "themes"))
            paragraphs.append(GoldParagraph(prefix=str(text.value), themes=themes))
        title = fields.get("title")
        articles.append(
            GoldArticle(
                file=str(fields["file"].value),
                paragraphs=tuple(paragraphs),
                title=str(title.value) if isinstance(title, yaml.ScalarNode) else None,
            )
        )
    return articles


def evaluate(
    gold: Sequence[GoldArticle],
    predict: Callable[[str, str], set[str] | None],
    skip: Callable[[str, str], bool] | None = None,
) -> EvalReport:
    """Compare `predict(file, paragraph_prefix)` with the gold labels, paragraph by paragraph.

    Themes are those of the gold labels and of the predictions, sorted by first
    appearance in the gold; a paragraph `predict` cannot find counts as untagged; a
    paragraph `skip(file, prefix)` names is left out (counted in `skipped`).
    """
    results: dict[str, ThemeResult] = {}
    report = EvalReport()
    for article in gold:
        for paragraph in article.paragraphs:
            if skip is not None and skip(article.file, paragraph.prefix):
                continue
            for theme_id in paragraph.themes:
                results.setdefault(theme_id, ThemeResult(theme_id))
    for article in gold:
        for paragraph in article.paragraphs:
            if skip is not None and skip(article.file, paragraph.prefix):
                report.skipped += 1
                continue
            report.paragraphs += 1
            predicted = predict(article.file, paragraph.prefix)
            if predicted is None:
                report.missing += 1
                predicted = set()
            for theme_id in paragraph.themes | predicted:
                row = results.setdefault(theme_id, ThemeResult(theme_id))
                if theme_id in paragraph.themes and theme_id in predicted:
                    row.tp += 1
                elif theme_id in predicted:
                    row.fp += 1
                else:
                    row.fn += 1
    report.themes = list(results.values())
    return report


def draw_decisions(
    gold: Sequence[GoldArticle], seed: int, added: int, removed: int
) -> list[Decision]:
    """Decisions a teacher makes, drawn from the gold with `seed` (not chosen by the tagger):
    per theme, `added` paragraphs that carry it and `removed` that do not."""
    import random

    rng = random.Random(seed)
    paragraphs = [(a.file, p.prefix, p.themes) for a in gold for p in a.paragraphs]
    theme_ids = sorted({t for _, _, themes in paragraphs for t in themes})
    decisions: list[Decision] = []
    for theme in theme_ids:
        carry = [p for p in paragraphs if theme in p[2]]
        lack = [p for p in paragraphs if theme not in p[2]]
        for p in rng.sample(carry, min(added, len(carry))):
            decisions.append((p[0], p[1], theme, "add"))
        for p in rng.sample(lack, min(removed, len(lack))):
            decisions.append((p[0], p[1], theme, "remove"))
    return decisions
