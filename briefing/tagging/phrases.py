"""Phrase matching: the explainable half of the score.

A keyword matches case-insensitively, on word boundaries, with the inflections
people actually write (plural, possessive, -ed/-ing), and with a hyphen or a space
between its words alike, so a taxonomy need not list every form of a phrase.
One regular expression per theme keeps matching to a single pass per paragraph.

Speed: a regex alternation of ~40 phrases tried at every position of every
paragraph was most of the tagger's time. A phrase can only start where a word
starts, and only at a word that is one of a few forms of its first word, so each
paragraph is split into words once (`Words`) and a theme's regex is tried only at
the words that could start one of its phrases. The regex still decides every
match, so what matches is exactly what a full scan would find.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import accumulate

from briefing.model import Theme

_APOS = "['\u2019]"
_POSSESSIVE = f"(?:{_APOS}s|s{_APOS}|{_APOS})?"
_SEP = r"[\s\-\u2010-\u2014]+"
_LABEL_SPLIT = re.compile(r"\s*(?:,|&|/|\band\b|\bor\b)\s*", re.IGNORECASE)
_WORD_SPLIT = re.compile(r"[\s\-]+")
_RUN = re.compile(r"(\w+)")  # captured, so that split() keeps the words
_ASCII_WORD = re.compile(r"[a-z0-9_]+")


def _base(word: str) -> str:
    """A keyword word as matched: lower case, straight apostrophe, no possessive 's."""
    low = word.lower().replace("\u2019", "'")
    return low[:-2] if low.endswith("'s") else low


def _forms(word: str, inflect: bool) -> list[str]:
    """The written forms of one keyword word, longest first (as the regex tries them)."""
    low = _base(word)
    if not inflect or not low[-1:].isalpha() or len(low) < 3:
        return [low]
    forms = {low, low + "s", low + "es", low + "ed", low + "ing"}
    if low.endswith("y") and low[-2:-1] not in "aeiou":
        forms |= {low[:-1] + "ies", low[:-1] + "ied"}
    if low.endswith("e"):
        forms |= {low + "d", low[:-1] + "ing"}
    return sorted(forms, key=lambda f: (-len(f), f))


def _word(word: str, inflect: bool) -> str:
    """The regex for one word: written form, plus its simple inflections."""
    forms = _forms(word, inflect)
    if len(forms) == 1:
        return re.escape(forms[0]) + _POSSESSIVE
    alternatives = "|".join(re.escape(f) for f in forms)
    return f"(?:{alternatives}){_POSSESSIVE}"


def _words(phrase: str) -> list[str]:
    return [w for w in _WORD_SPLIT.split(phrase.strip()) if w]


def phrase_regex(phrase: str) -> str:
    """A keyword as a regex: words joined by space or hyphen, each word inflected."""
    body = _SEP.join(_word(w, inflect=True) for w in _words(phrase))
    return rf"\b(?:{body})(?!\w)"


def _starts(phrases: tuple[str, ...]) -> frozenset[str] | None:
    """The lower-case words at which one of `phrases` can begin, or None if any word can.

    A match begins at the start of a word of the text (the regex opens with \\b and
    a word character), and that whole word is the first word's form, or the form
    plus "s" (possessive s'), or, when the form goes on with ASCII punctuation
    ("arms," in a label "Arms, policy"), the form's letters before it. A first word
    that does not start with an ASCII letter or digit, or goes on with another
    non-ASCII character, is not worth the reasoning: its theme is scanned in full.
    """
    keys: set[str] = set()
    for phrase in phrases:
        words = _words(phrase)
        if not words:
            return None
        for form in _forms(words[0], inflect=True):
            head = _ASCII_WORD.match(form)
            if head is None:
                return None
            rest = form[head.end() :]
            if not rest:
                keys |= {form, form + "s"}
            elif rest[0].isascii() and not re.match(r"\w", rest[0]):
                keys.add(head.group())
            else:
                return None
    return frozenset(keys)


def label_phrases(label: str) -> tuple[str, ...]:
    """The parts of a label that can be matched as phrases: 'Energy and Gwadar' -> both."""
    parts = [p.strip() for p in _LABEL_SPLIT.split(label) if p.strip()]
    return tuple(dict.fromkeys([label.strip(), *parts]))


class Words:
    """A paragraph's words (runs of \\w) and where they start, found once for all themes."""

    __slots__ = ("_set", "lower", "odd", "starts")

    def __init__(self, text: str) -> None:
        parts = _RUN.split(text)  # separator, word, separator, word, ..., separator
        # Lower-cased in one call (no word holds a space, and a word's end looks the
        # same to str.lower whether a space or the end of the string follows it).
        self.lower = " ".join(parts[1::2]).lower().split(" ") if len(parts) > 1 else []
        self.starts = list(accumulate(map(len, parts)))[0:-1:2]
        # A word with non-ASCII letters may still match an ASCII phrase (re's
        # case-insensitive matching pairs e.g. the Kelvin sign with "k"): always try it.
        self.odd = (
            frozenset() if text.isascii() else frozenset(w for w in self.lower if not w.isascii())
        )
        self._set = frozenset(self.lower)

    def positions(self, starts: frozenset[str]) -> list[int]:
        """Where the words that are in `starts` (or odd) begin, in order."""
        hits = starts & self._set
        if self.odd:
            hits |= self.odd
        if not hits:
            return []
        return [p for w, p in zip(self.lower, self.starts, strict=True) if w in hits]


def _scan(
    regex: re.Pattern[str], starts: frozenset[str] | None, text: str, words: Words | None
) -> Iterator[re.Match[str]]:
    """Like `regex.finditer(text)`, trying only positions where a match can begin."""
    if starts is None:
        yield from regex.finditer(text)
        return
    end = 0
    for position in (words or Words(text)).positions(starts):
        if position < end:
            continue
        m = regex.match(text, position)
        if m is not None:
            end = m.end()
            yield m


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
        # Patterns can match anywhere (even empty), so a theme with any is scanned in full.
        self._starts = None if theme.patterns else _starts(self.phrases)
        self._exclude = (
            re.compile("|".join(phrase_regex(p) for p in theme.exclude), re.IGNORECASE)
            if theme.exclude
            else None
        )
        self._exclude_starts = _starts(theme.exclude)

    def _which(self, m: re.Match[str]) -> int:
        """The index of the phrase or pattern behind a match (patterns may nest groups)."""
        if m.lastgroup is not None and m.lastgroup.startswith("_briefing_"):
            return int(m.lastgroup[len("_briefing_") :])
        return next(i for i, name in enumerate(self._names) if m.start(name) != -1)

    def match(self, text: str, words: Words | None = None) -> PhraseMatch:
        """Find this theme's phrases in `text`; an excluded span cannot also count as a match.

        `words` is `Words(text)`, if the caller has it (it is shared by all themes).
        """
        if words is None and (self._starts is not None or self._exclude_starts is not None):
            words = Words(text)
        vetoed: list[tuple[int, int]] = []
        excluded: list[str] = []
        if self._exclude is not None:
            for m in _scan(self._exclude, self._exclude_starts, text, words):
                vetoed.append(m.span())
                excluded.append(m.group(0))
        found: dict[str, None] = {}
        ids: set[int] = set()
        mentions = 0
        for m in _scan(self._regex, self._starts, text, words):
            if m.end() == m.start():
                continue
            if vetoed and any(s < m.end() and m.start() < e for s, e in vetoed):
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
