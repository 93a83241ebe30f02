"""Cutting a long paragraph down to the sentences that carry a theme.

Every fragment is a slice of the excerpt's own text, so it stays a verbatim substring
of the source; the renderers put an ellipsis between fragments that are not adjacent.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

from briefing.model import Theme

ELLIPSIS = "…"
WHOLE_WORDS = 80  # a paragraph this short is quoted whole
BUDGET_WORDS = 60  # a cut paragraph keeps about this many words

SentenceRelevance = Callable[[str, str], float]

# Words that end in a full stop without ending a sentence.
_ABBREVIATIONS = {
    "mr", "mrs", "ms", "dr", "prof", "gen", "lt", "col", "maj", "capt", "sgt", "adm", "gov",
    "sen", "rep", "st", "jr", "sr", "no", "vol", "vs", "etc", "inc", "ltd", "co", "corp",
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
    "u.s", "u.k", "u.n", "e.g", "i.e",
}  # fmt: skip
_BOUNDARY = re.compile(r"[.!?][\"'”’)\]]*\s+(?=[\"“‘(\[]?[A-Z0-9])")


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans `(start, end)` of `text`, trimmed of surrounding whitespace."""
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        word = re.search(r"(\S+)$", text[start : match.start() + 1])
        token = word.group(1).rstrip(".").lower().lstrip('("“‘') if word else ""
        if token in _ABBREVIATIONS or re.fullmatch(r"[a-z]", token):
            continue  # "Gen. Shoigu", "J. Smith"
        end = match.end()
        spans.append(_trim(text, start, end))
        start = end
    if text[start:].strip():
        spans.append(_trim(text, start, len(text)))
    return [s for s in spans if s[1] > s[0]]


def keyword_relevance(theme: Theme) -> Callable[[str], float]:
    """How many of the theme's phrases and patterns a sentence carries."""
    matchers = _theme_matchers(theme.keywords, theme.patterns)

    def score(sentence: str) -> float:
        return float(sum(len(m.findall(sentence)) for m in matchers))

    return score


def cut_quote(text: str, relevance: Callable[[str], float]) -> tuple[str, ...]:
    """The fragments of `text` to quote: all of it when short, else its best sentences.

    Sentences are chosen by relevance (ties: earlier first) until the word budget is
    spent, then put back in their order; adjacent sentences form one fragment.
    """
    stripped = text.strip()
    if len(stripped.split()) <= WHOLE_WORDS:
        return (stripped,) if stripped else ()
    spans = split_sentences(text)
    if len(spans) <= 1:
        return (stripped,)
    scores = [relevance(text[a:b]) for a, b in spans]
    order = sorted(range(len(spans)), key=lambda i: (-scores[i], i))
    if scores[order[0]] <= 0:
        order = list(range(len(spans)))  # nothing matches: the paragraph's opening
    chosen: list[int] = []
    words = 0
    for i in order:
        if chosen and (scores[i] <= 0 < scores[order[0]]):
            break
        length = len(text[spans[i][0] : spans[i][1]].split())
        if chosen and words + length > BUDGET_WORDS:
            continue
        chosen.append(i)
        words += length
    chosen.sort()
    fragments: list[str] = []
    run_start = chosen[0]
    for prev, cur in zip(chosen, chosen[1:] + [None], strict=False):
        if cur is None or cur != prev + 1:
            fragments.append(text[spans[run_start][0] : spans[prev][1]])
            if cur is not None:
                run_start = cur
    return tuple(fragments)


def best_sentence(text: str, relevance: Callable[[str], float]) -> str:
    """The one sentence of `text` that carries the theme best (ties: the first)."""
    spans = split_sentences(text)
    if not spans:
        return text.strip()
    best = max(range(len(spans)), key=lambda i: (relevance(text[slice(*spans[i])]), -i))
    return text[slice(*spans[best])]


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


@lru_cache(maxsize=256)
def _theme_matchers(keywords: tuple[str, ...], patterns: tuple[str, ...]) -> list[re.Pattern[str]]:
    matchers: list[re.Pattern[str]] = []
    if keywords:
        phrases = sorted({k.strip() for k in keywords if k.strip()}, key=len, reverse=True)
        body = "|".join(r"\s+".join(map(re.escape, p.split())) for p in phrases)
        if body:
            matchers.append(re.compile(rf"\b(?:{body})(?:s|es|ed|ing)?\b", re.IGNORECASE))
    for pattern in patterns:
        try:
            matchers.append(re.compile(pattern, re.IGNORECASE))
        except re.error:
            continue  # themes.yaml validation reports it; a memo need not fail for it
    return matchers
