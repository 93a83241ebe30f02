"""Phrase matching: the explainable half of the score.

A keyword matches case-insensitively, on word boundaries, with the inflections
people actually write (plural, possessive, -ed/-ing), and with a hyphen or a space
between its words alike, so a taxonomy need not list every form of a phrase.
One regular expression per theme decides every phrase match.

A theme's `patterns` are regular expressions a person wrote (or downloaded), so they run
on RE2, which matches in time linear in the text: `(\\w+\\s?)+$` would backtrack for ever
in Python's re. RE2 has no look-around or back-references, and its \\w and \\b are ASCII;
a pattern it cannot run is refused when themes.yaml is loaded, with its line.

Speed: a regex alternation of ~40 phrases tried at every position of every
paragraph was most of the tagger's time. A phrase can only start where a word
starts, and only at a word that is one of a few forms of its first word, so each
paragraph is split into words once (`Words`) and a theme's regex is tried only at
the words that could start one of its phrases. The regex still decides every
match, so what matches is exactly what a full scan would find.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import re2
from ahocorasick_rs import MATCHKIND_STANDARD, AhoCorasick

from briefing.model import Theme

_APOS = "['\u2019]"
_POSSESSIVE = f"(?:{_APOS}s|s{_APOS}|{_APOS})?"
_SEP = r"[\s\-\u2010-\u2014]+"
_LABEL_SPLIT = re.compile(r"\s*(?:,|&|/|\band\b|\bor\b)\s*", re.IGNORECASE)
_WORD_SPLIT = re.compile(r"[\s\-]+")
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


def _starts(phrases: tuple[str, ...]) -> frozenset[bytes] | None:
    """The lower-case words at which one of `phrases` can begin, or None if any word can.

    A match begins at the start of a word of the text (the regex opens with \\b and
    a word character), and that whole word is the first word's form, or the form
    plus "s" (possessive s'), or, when the form goes on with ASCII punctuation
    ("arms," in a label "Arms, policy"), the form's letters before it. A first word
    that does not start with an ASCII letter or digit, or goes on with another
    non-ASCII character, is not worth the reasoning: its theme is scanned in full.
    """
    keys: set[bytes] = set()
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
                keys |= {form.encode(), form.encode() + b"s"}
            elif rest[0].isascii() and not re.match(r"\w", rest[0]):
                keys.add(head.group().encode())
            else:
                return None
    return frozenset(keys)


def label_phrases(label: str) -> tuple[str, ...]:
    """The parts of a label that can be matched as phrases: 'Energy and Gwadar' -> both."""
    parts = [p.strip() for p in _LABEL_SPLIT.split(label) if p.strip()]
    return tuple(dict.fromkeys([label.strip(), *parts]))


# Bytes of the ASCII-encoded paragraph that are not word characters (\w) become spaces,
# so that bytes.split() finds the words; working on bytes is ~5x faster than on str.
_NOT_WORD = bytes(c if c < 128 and (chr(c).isalnum() or c == 95) else 32 for c in range(256))
_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def _is_word_char(c: str) -> bool:
    """re's \\w, for one character."""
    return c.isalnum() or c == "_"


class StartIndex:
    """Every theme's start words in one Aho-Corasick automaton (ahocorasick-rs), so that a
    paragraph is searched once for all of them, natively, rather than split into words
    in Python and searched once per theme."""

    def __init__(self, starts: Sequence[frozenset[bytes] | None]) -> None:
        self.keys = sorted(set().union(*(k for k in starts if k)))
        self._automaton = (
            AhoCorasick([k.decode("ascii") for k in self.keys], matchkind=MATCHKIND_STANDARD)
            if self.keys
            else None
        )

    def whole_words(self, lower: str, text: str) -> dict[bytes, list[int]]:
        """Where each key stands as a whole word in `lower` (the lower-cased `text`, same
        length), in order: a key's occurrence with word characters either side is part of
        a longer word."""
        found: dict[bytes, list[int]] = {}
        if self._automaton is None:
            return found
        keys, end_of = self.keys, len(text)
        for number, at, end in self._automaton.find_matches_as_indexes(lower, overlapping=True):
            # Inlined `_is_word_char` of the characters either side (a hot loop).
            if at and ((before := text[at - 1]).isalnum() or before == "_"):
                continue
            if end != end_of and ((after := text[end]).isalnum() or after == "_"):
                continue
            found.setdefault(keys[number], []).append(at)
        return found


class Words:
    """A paragraph's words, found once for all themes, to say where to try regexes.

    Only plain ASCII words are handled: if a paragraph has a non-ASCII letter or
    digit (which re's case-insensitive matching may pair with an ASCII one, like the
    Kelvin sign with "k"), or lower-casing changes its length, every theme scans it
    in full, as before. Curly quotes and dashes are not letters, so news text rarely
    takes that path. With a `StartIndex`, the start words of every theme are found in
    one native pass; without, the paragraph is split into its distinct words.
    """

    __slots__ = ("_ascii", "_at", "_text", "_words")

    def __init__(self, text: str, index: StartIndex | None = None) -> None:
        lower = text.lower()
        plain = len(lower) == len(text) and (
            lower.isascii() or not any(map(_is_word_char, _NON_ASCII.findall(lower)))
        )
        self._text = text
        self._at: dict[bytes, list[int]] | None = None
        self._ascii: bytes | None = None
        self._words: set[bytes] = set()
        if not plain:
            return
        if index is not None:
            # Keys are ASCII words, so they match the same offsets in `lower` as in its
            # ASCII form (where every other character is "?").
            self._at = index.whole_words(lower, text)
            return
        # One byte per character ("?" for the rest), so offsets are the text's offsets.
        self._ascii = lower.encode("ascii", "replace")
        self._words = set(self._ascii.translate(_NOT_WORD).split())

    def none_of(self, starts: frozenset[bytes] | None) -> bool:
        """True when no word of `starts` is in the paragraph (so nothing can match there)."""
        if starts is None:
            return False
        if self._at is not None:
            return self._at.keys().isdisjoint(starts)
        return self._ascii is not None and starts.isdisjoint(self._words)

    def positions(self, starts: frozenset[bytes]) -> list[int] | None:
        """Where the words in `starts` begin, in order; None: try everywhere."""
        if self._at is not None:
            at = self._at
            if len(at) <= len(starts):
                hits = [word for word in at if word in starts]
            else:
                hits = [word for word in starts if word in at]
            if len(hits) == 1:
                return at[hits[0]]
            return sorted(position for word in hits for position in at[word])
        if self._ascii is None:
            return None
        present = starts.intersection(self._words)
        if not present:
            return []
        text, ascii_, found = self._text, self._ascii, []
        for word in present:
            at_ = ascii_.find(word)
            while at_ != -1:
                end = at_ + len(word)
                if (at_ == 0 or not _is_word_char(text[at_ - 1])) and (
                    end == len(text) or not _is_word_char(text[end])
                ):
                    found.append(at_)
                at_ = ascii_.find(word, end)
        found.sort()
        return found


def _scan(
    regex: re.Pattern[str], starts: frozenset[bytes] | None, text: str, words: Words | None
) -> list[re.Match[str]]:
    """What `regex.finditer(text)` finds, trying only positions where a match can begin."""
    positions = None if starts is None else (words or Words(text)).positions(starts)
    if positions is None:
        return list(regex.finditer(text))
    matches = []
    end = 0
    for position in positions:
        if position >= end and (m := regex.match(text, position)) is not None:
            end = m.end()
            matches.append(m)
    return matches


def compile_pattern(pattern: str) -> re2._Regexp:
    """A theme's pattern on RE2, case-insensitive; ValueError says why RE2 cannot run it."""
    options = re2.Options()
    options.case_sensitive = False
    options.log_errors = False  # the error is raised (and reported with its line) instead
    try:
        return re2.compile(pattern, options)
    except re2.error as error:
        reason = error.args[0] if error.args else error
        if isinstance(reason, bytes):
            reason = reason.decode("utf-8", "replace")
        raise ValueError(str(reason)) from error


@dataclass(frozen=True)
class PhraseMatch:
    """What one theme's phrases found in one paragraph."""

    found: tuple[str, ...]  # distinct matches, as written in the text, in order of appearance
    phrase_ids: frozenset[int]  # which phrases (ThemeMatcher.phrases, then patterns) matched
    mentions: int  # all matches, repeats included
    excluded: tuple[str, ...]  # exclude phrases found, as written in the text


_NOTHING = PhraseMatch(found=(), phrase_ids=frozenset(), mentions=0, excluded=())


class ThemeMatcher:
    """The compiled phrases, patterns and exclusions of one theme."""

    def __init__(self, theme: Theme) -> None:
        self.phrases = tuple(dict.fromkeys([*label_phrases(theme.label), *theme.keywords]))
        self.n_patterns = len(theme.patterns)
        groups = [phrase_regex(p) for p in self.phrases]
        self._names = [f"_briefing_{i}" for i in range(len(groups))]
        body = "|".join(f"(?P<{n}>{g})" for n, g in zip(self._names, groups, strict=True))
        # A cheap first-letter test skips most positions quickly.
        initials = sorted({p.strip()[0].lower() for p in self.phrases if p.strip()})
        body = f"(?=[{re.escape(''.join(initials))}])(?:{body})"
        self._regex = re.compile(body, re.IGNORECASE)
        self._starts = _starts(self.phrases)
        self._patterns = [compile_pattern(p) for p in theme.patterns]
        self._exclude = (
            re.compile("|".join(phrase_regex(p) for p in theme.exclude), re.IGNORECASE)
            if theme.exclude
            else None
        )
        self._exclude_starts = _starts(theme.exclude)

    @property
    def starts(self) -> tuple[frozenset[bytes] | None, ...]:
        """The start words of its phrases and of its exclusions (for a `StartIndex`)."""
        return (self._starts, self._exclude_starts if self._exclude else None)

    def _which(self, m: re.Match[str]) -> int:
        """The index of the phrase behind a match."""
        if m.lastgroup is not None and m.lastgroup.startswith("_briefing_"):
            return int(m.lastgroup[len("_briefing_") :])
        return next(i for i, name in enumerate(self._names) if m.start(name) != -1)

    def _with_patterns(
        self, matches: list[tuple[int, int, int, str]], text: str
    ) -> list[tuple[int, int, int, str]]:
        """The phrase matches and the patterns' (numbered after the phrases), as one scan of
        all of them in one alternation would find them: leftmost first, the earlier of two
        at one place, none overlapping another."""
        found = list(matches)
        for number, pattern in enumerate(self._patterns, start=len(self.phrases)):
            found += [
                (m.start(), m.end(), number, m.group(0))
                for m in pattern.finditer(text)
                if m.end() > m.start()
            ]
        found.sort(key=lambda m: (m[0], m[2]))
        kept: list[tuple[int, int, int, str]] = []
        for match in found:
            if not kept or match[0] >= kept[-1][1]:
                kept.append(match)
        return kept

    def find(self, text: str, words: Words | None = None) -> Found | None:
        """This theme's matches and exclusions in `text`, before one vetoes the other;
        None when there is neither (most paragraphs, for most themes).

        `words` is `Words(text)`, if the caller has it (it is shared by all themes).
        """
        if words is None and (self._starts is not None or self._exclude_starts is not None):
            words = Words(text)
        if (
            words is not None
            and not self._patterns
            and words.none_of(self._starts)
            and (self._exclude is None or words.none_of(self._exclude_starts))
        ):
            return None  # no word a phrase starts with
        vetoes = (
            [
                (m.start(), m.end(), m.group(0))
                for m in _scan(self._exclude, self._exclude_starts, text, words)
            ]
            if self._exclude
            else []
        )
        matches = [
            (m.start(), m.end(), self._which(m), m.group(0))
            for m in _scan(self._regex, self._starts, text, words)
        ]
        if self._patterns:
            matches = self._with_patterns(matches, text)
        if not matches and not vetoes:
            return None
        return Found(matches, vetoes)

    def match(self, text: str, words: Words | None = None) -> PhraseMatch:
        """Find this theme's phrases in `text`; an excluded span cannot also count as a match.

        `words` is `Words(text)`, if the caller has it (it is shared by all themes).
        """
        found = self.find(text, words)
        return _NOTHING if found is None else found.summary()

    @property
    def has_patterns(self) -> bool:
        return bool(self._patterns)


@dataclass(frozen=True)
class Found:
    """One theme's matches in one text, as (start, end, phrase number, as written), and
    its exclusions' (start, end, as written); in order, none overlapping another of its
    kind."""

    matches: list[tuple[int, int, int, str]]
    vetoes: list[tuple[int, int, str]]

    def summary(self) -> PhraseMatch:
        """What the theme found: an excluded span cannot also count as a match."""
        vetoed = [(s, e) for s, e, _ in self.vetoes]
        found: dict[str, None] = {}
        ids: set[int] = set()
        mentions = 0
        for start, end, which, written in self.matches:
            if end == start:
                continue
            if vetoed and any(s < end and start < e for s, e in vetoed):
                continue
            mentions += 1
            ids.add(which)
            found.setdefault(" ".join(written.split()), None)
        return PhraseMatch(
            found=tuple(found),
            phrase_ids=frozenset(ids),
            mentions=mentions,
            excluded=tuple(dict.fromkeys(written for _, _, written in self.vetoes)),
        )

    def within(self, start: int, end: int) -> Found | None | bool:
        """What a scan of `text[start:end]` alone would find, from this scan of the whole
        `text`; None: nothing; False: it cannot be told from here (a match runs across an
        edge of the part). The part's edges must not touch a word character of `text`
        (see `part_edges_clean`): a phrase's regex then reads the same at an edge of the
        part as at the end of the text, and the scan enters the part with nothing open."""
        matches: list[tuple[int, int, int, str]] = []
        vetoes: list[tuple[int, int, str]] = []
        for a, b, which, written in self.matches:
            if a < end and b > start:
                if a < start or b > end:
                    return False
                matches.append((a - start, b - start, which, written))
        for a, b, written in self.vetoes:
            if a < end and b > start:
                if a < start or b > end:
                    return False
                vetoes.append((a - start, b - start, written))
        if not matches and not vetoes:
            return None
        return Found(matches, vetoes)


def part_edges_clean(text: str, start: int, end: int) -> bool:
    """Whether `text[start:end]` is cut between non-word characters of `text` at both
    edges (or at its ends), so that `Found.within` may answer for it."""
    if end <= start:
        return False
    if start > 0 and _is_word_char(text[start - 1]):
        return False
    return end == len(text) or not _is_word_char(text[end])
