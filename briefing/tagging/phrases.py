"""Phrase matching: the explainable half of the score.

A keyword matches case-insensitively, on word boundaries, with the inflections
people actually write (plural, possessive, -ed/-ing), and with a hyphen or a space
between its words alike, so a taxonomy need not list every form of a phrase.
One regular expression per theme keeps matching to a single pass per paragraph.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from briefing.model import Theme

_APOS = "['\u2019]"
_POSSESSIVE = f"(?:{_APOS}s|s{_APOS}|{_APOS})?"
_SEP = r"[\s\-\u2010-\u2014]+"
_LABEL_SPLIT = re.compile(r"\s*(?:,|&|/|\band\b|\bor\b)\s*", re.IGNORECASE)


def _word(word: str, inflect: bool) -> str:
    """The regex for one word: written form, plus its simple inflections."""
    low = word.lower().replace("\u2019", "'")
    if low.endswith("'s"):
        low = low[:-2]
    if not inflect or not low[-1:].isalpha() or len(low) < 3:
        return re.escape(low) + _POSSESSIVE
    forms = {low, low + "s", low + "es", low + "ed", low + "ing"}
    if low.endswith("y") and low[-2:-1] not in "aeiou":
        forms |= {low[:-1] + "ies", low[:-1] + "ied"}
    if low.endswith("e"):
        forms |= {low + "d", low[:-1] + "ing"}
    alternatives = "|".join(re.escape(f) for f in sorted(forms, key=lambda f: (-len(f), f)))
    return f"(?:{alternatives}){_POSSESSIVE}"


def phrase_regex(phrase: str) -> str:
    """A keyword as a regex: words joined by space or hyphen, each word inflected."""
    words = [w for w in re.split(r"[\s\-]+", phrase.strip()) if w]
    body = _SEP.join(_word(w, inflect=True) for w in words)
    return rf"\b(?:{body})(?!\w)"


def label_phrases(label: str) -> tuple[str, ...]:
    """The parts of a label that can be matched as phrases: 'Energy and Gwadar' -> both."""
    parts = [p.strip() for p in _LABEL_SPLIT.split(label) if p.strip()]
    return tuple(dict.fromkeys([label.strip(), *parts]))


@dataclass(frozen=True)
class PhraseMatch:
    """What one theme's phrases found in one paragraph."""

    found: tuple[str, ...]  # distinct matches, as written in the text, in order of appearance
    phrase_ids: frozenset[int]  # which phrases (ThemeMatcher.phrases, then patterns) matched
    mentions: int  # all matches, repeats included
    excluded: tuple[str, ...]  # exclude phrases found, as written in the text


class ThemeMatcher:
    """The compiled phrases, patterns and exclusions of one theme."""

    def __init__(self, theme: Theme) -> None:
        self.phrases = tuple(dict.fromkeys([*label_phrases(theme.label), *theme.keywords]))
        self.n_patterns = len(theme.patterns)
        groups = [phrase_regex(p) for p in self.phrases] + [f"(?:{p})" for p in theme.patterns]
        self._names = [f"_briefing_{i}" for i in range(len(groups))]
        body = "|".join(f"(?P<{n}>{g})" for n, g in zip(self._names, groups, strict=True))
        if not theme.patterns:  # a cheap first-letter test skips most positions quickly
            initials = sorted({p.strip()[0].lower() for p in self.phrases if p.strip()})
            body = f"(?=[{re.escape(''.join(initials))}])(?:{body})"
        self._regex = re.compile(body, re.IGNORECASE)
        self._exclude = (
            re.compile("|".join(phrase_regex(p) for p in theme.exclude), re.IGNORECASE)
            if theme.exclude
            else None
        )

    def _which(self, m: re.Match[str]) -> int:
        """The index of the phrase or pattern behind a match (patterns may nest groups)."""
        if m.lastgroup is not None and m.lastgroup.startswith("_briefing_"):
            return int(m.lastgroup[len("_briefing_") :])
        return next(i for i, name in enumerate(self._names) if m.start(name) != -1)

    def match(self, text: str) -> PhraseMatch:
        """Find this theme's phrases in `text`; an excluded span cannot also count as a match."""
        vetoed: list[tuple[int, int]] = []
        excluded: list[str] = []
        if self._exclude is not None:
            for m in self._exclude.finditer(text):
                vetoed.append(m.span())
                excluded.append(m.group(0))
        found: dict[str, None] = {}
        ids: set[int] = set()
        mentions = 0
        for m in self._regex.finditer(text):
            if m.end() == m.start():
                continue
            if any(s < m.end() and m.start() < e for s, e in vetoed):
                continue
            mentions += 1
            ids.add(self._which(m))
            found.setdefault(" ".join(m.group(0).split()), None)
        return PhraseMatch(
            found=tuple(found),
            phrase_ids=frozenset(ids),
            mentions=mentions,
            excluded=tuple(dict.fromkeys(excluded)),
        )
