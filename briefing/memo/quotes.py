"""Cutting a paragraph down to the sentences that carry a theme.

Every fragment is a slice of the excerpt's own text, so it stays a verbatim substring
of the source; the renderers put an ellipsis wherever text was cut (before, between or
after fragments). A cut never falls inside a quotation of the source: sentences joined
by an open quotation are one unit, and a paragraph that leaves a quotation open keeps
it open as the source has it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from briefing.model import Theme

ELLIPSIS = "…"
TARGET_WORDS = 20  # a quote grows towards this many words ...
BUDGET_WORDS = 50  # ... and stops before this many
SPEAKER_WORDS = 70  # a quote may reach this far to keep who is speaking
MAX_SENTENCES = 3
GROW_WORDS = 40  # past the target, a neighbour joins only while the quote stays this short
CLOSE_SCORE = 0.9  # ... and only if it scores nearly as well as the best sentence

SentenceRelevance = Callable[[str, str], float]

# Words that end in a full stop without ending a sentence.
_ABBREVIATIONS = {
    "mr",
    "mrs",
    "ms",
    "dr",
    "prof",
    "gen",
    "lt",
    "col",
    "maj",
    "capt",
    "sgt",
    "adm",
    "gov",
    "sen",
    "rep",
    "st",
    "jr",
    "sr",
    "no",
    "vol",
    "vs",
    "etc",
    "inc",
    "ltd",
    "co",
    "corp",
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
}  # fmt: skip (u.s, e.g, z.b: `_DOTTED`)
# A stop, any closing marks, space, then (past an opening mark) a word that does not start
# in lower case: an upper-case or uncased letter, or a digit (checked in split_sentences).
_BOUNDARY = re.compile(r"[.!?][\"'”’»«“‘›‹)\]]*\s+(?=(?:[\"“”‘„‚«»‹›(\[]\s?)?\w)")
_DOTTED = re.compile(r"(?:[^\W\d_]{1,2}\.)+[^\W\d_]{1,2}")  # u.s, z.b, e.g: letters and stops
_OPENING = '"“”‘„‚«»‹›(['
# Double quotation marks of any language: “…” (English), „…“ and »…« (German), «…»
# (French), ”…” (Swedish). Which way one turns is read from the text around it
# (`_turn`). Single marks are left alone: ’ is far more often an apostrophe.
_MARKS_TEXT = '“”„«»‹›"'
# A sentence whose speaker is only a pronoun: "..., he said." / "She added that ..."
_VERBS = (
    r"(?:said|says|added|adds|told|tells|noted|notes|observed|stated|argued|explained|warned|"
    r"insisted|claimed|believes|believed|wrote|writes|asserted|remarked|continued)"
)
_PRONOUN_SPEAKER = re.compile(
    rf"\b(?:he|she|they)\s+{_VERBS}\b|\b{_VERBS}\s+(?:he|she|they)\b|^(?:[\"“]?)(?:he|she|they)\b",
    re.IGNORECASE,
)
_NAMED = re.compile(r"\b([A-Z][a-z]+)(?:\s+[A-Z][a-z]+)+")
_NOT_NAMES_TEXT = (
    "The A An This That These Those In On At But And It He She They When While After "
    "Before Since Then As If Of For To By With From "
)
_NOT_NAMES = frozenset(_NOT_NAMES_TEXT.split())


@dataclass(frozen=True)
class Cut:
    """What a quote keeps of a paragraph: verbatim fragments, and where text was left out."""

    fragments: tuple[str, ...]
    cut_before: bool = False  # text of the paragraph precedes the first fragment
    cut_after: bool = False  # text of the paragraph follows the last fragment

    @property
    def words(self) -> int:
        return sum(len(f.split()) for f in self.fragments)


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans `(start, end)` of `text`, trimmed of surrounding whitespace."""
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        # The word before the stop (the stop is no space, so there is one), found from
        # the right: a search from the sentence's start made long paragraphs quadratic.
        word = text[start : match.start() + 1].rsplit(None, 1)[-1]
        token = word.rstrip(".").lower().lstrip(_OPENING)
        if (
            token in _ABBREVIATIONS
            or (len(token) == 1 and token.isalpha())
            or _DOTTED.fullmatch(token)
        ):
            continue  # "Gen. Shoigu", "J. Smith", "z.B. Hamburg"
        after = match.end()
        if text[after] in _OPENING:  # « Il, „Er: the mark, then maybe a (French) space
            after += 2 if text[after + 1].isspace() else 1
        if text[after].islower():
            continue  # "etc. and", "ca. zehn": no new sentence starts in lower case
        end = match.end()
        spans.append(_trim(text, start, end))
        start = end
    if text[start:].strip():
        spans.append(_trim(text, start, len(text)))
    return [s for s in spans if s[1] > s[0]]


def quotation_depth(text: str) -> list[int]:
    """For each offset 0..len(text), how many quotations of the text are open there.

    Curly marks nest; a straight double mark opens or closes by what precedes it. A
    closing mark with none open (a quotation carried over from the paragraph before)
    counts as open from the paragraph's start up to it.
    """
    changes, level = _quotation_changes(text)
    depth = [0] * (len(text) + 1)
    at = 0
    for offset, delta in changes:
        depth[at:offset] = [level] * (offset - at)
        level, at = level + delta, offset
    depth[at:] = [level] * (len(text) + 1 - at)
    return depth


_MARKS = re.compile(f"[{_MARKS_TEXT}]")


def _quotation_changes(text: str) -> tuple[list[tuple[int, int]], int]:
    """Where the quotation depth changes ((offset just after the mark, +1 or -1)), and
    the depth at the paragraph's start. Only the marks are visited, not every character."""
    changes: list[tuple[int, int]] = []
    for mark in _MARKS.finditer(text):
        i = mark.start()
        changes.append((i + 1, _turn(text, i)))
    running = lowest = 0
    for _, delta in changes:
        running += delta
        lowest = min(lowest, running)
    return changes, -lowest


def _depth_at(text: str, offsets: Sequence[int]) -> list[int]:
    """`quotation_depth(text)` at the given offsets (ascending) only."""
    changes, level = _quotation_changes(text)
    out: list[int] = []
    index = 0
    for offset in offsets:
        while index < len(changes) and changes[index][0] <= offset:
            level += changes[index][1]
            index += 1
        out.append(level)
    return out


def quote_units(text: str) -> list[tuple[int, int]]:
    """Sentences, joined where a quotation runs across their boundary."""
    spans = split_sentences(text)
    if not spans:
        return []
    if not _MARKS.search(text):
        return spans  # no quotation to join sentences across
    depth = _depth_at(text, [start for start, _ in spans[1:]])
    units: list[tuple[int, int]] = [spans[0]]
    for (start, end), open_ in zip(spans[1:], depth, strict=True):
        if open_ > 0:
            units[-1] = (units[-1][0], end)
        else:
            units.append((start, end))
    return units


def keyword_relevance(theme: Theme) -> Callable[[str], float]:
    """How many of the theme's phrases and patterns a sentence carries."""
    matchers = _theme_matchers(theme.keywords, theme.patterns)

    def score(sentence: str) -> float:
        return float(sum(len(m.findall(sentence)) for m in matchers))

    return score


def cut_quote(
    text: str,
    relevance: Callable[[str], float],
    units: Sequence[tuple[int, int]] | None = None,
    scores: Sequence[float] | None = None,
) -> Cut:
    """The span of `text` that carries the theme: one to three sentences, 20-50 words.

    It starts at the best-scoring sentence (ties: the earlier) and grows towards its
    better-scoring neighbour until it holds TARGET_WORDS, never past BUDGET_WORDS or
    MAX_SENTENCES; a pronoun speaker pulls in the earlier sentence that names them.
    `units`/`scores` are the stored sentence spans and their scores, when known.
    """
    stripped = text.strip()
    if not stripped:
        return Cut(())
    units = list(units) if units is not None else quote_units(text)
    if not units:
        return Cut((stripped,))
    if scores is None or len(scores) != len(units):
        scores = [relevance(text[a:b]) for a, b in units]
    words = [len(text[a:b].split()) for a, b in units]
    best = max(range(len(units)), key=lambda i: (scores[i], -i))
    first = last = best
    while last - first + 1 < MAX_SENTENCES:
        total = sum(words[first : last + 1])
        options = []
        if first > 0:
            options.append((scores[first - 1], 1, first - 1))
        if last < len(units) - 1:
            options.append((scores[last + 1], 2, last + 1))
        options = [o for o in options if total + words[o[2]] <= BUDGET_WORDS]
        if not options:
            break
        score, _, index = max(options)
        if total >= TARGET_WORDS and (score <= 0 or score < scores[best] * CLOSE_SCORE):
            break  # long enough; a neighbour joins only if it carries the theme as well
        if total >= TARGET_WORDS and total + words[index] > GROW_WORDS:
            break
        first, last = min(first, index), max(last, index)
    first = _with_speaker(text, units, words, first, last)
    start, end = units[first][0], units[last][1]
    if first == last and words[first] > BUDGET_WORDS:  # one sentence too long to quote whole
        end = _clause_end(text, start, end, depth=quotation_depth(text))
    cut_before = start > units[0][0] or bool(text[: units[0][0]].strip())
    marker = _LIST_MARKER.match(text, start, end)
    if marker and text[marker.end() : end].strip():
        start = marker.end()  # a list's bullet or number is layout, not the source's words
    return Cut((text[start:end],), cut_before=cut_before, cut_after=end < units[-1][1])


_LIST_MARKER = re.compile(r"(?:[-–—•*·▪●◦‣]|\d{1,3}[.)])\s+")


_CLAUSE = re.compile(r"[,;:—–]\s+|\s+(?=(?:because|while|whereas|although|but|and|as)\s)")


def _clause_end(text: str, start: int, end: int, depth: Sequence[int]) -> int:
    """Where a quote too long for its budget can stop: the last clause boundary that
    keeps BUDGET_WORDS or fewer (outside any quotation), at least TARGET_WORDS in."""
    best = end
    for match in _CLAUSE.finditer(text, start, end):
        stop = match.start()
        words = len(text[start:stop].split())
        if words > BUDGET_WORDS - 5:
            break
        if words >= TARGET_WORDS and depth[stop] == 0:
            best = stop
    return best


def best_sentence(text: str, relevance: Callable[[str], float]) -> str:
    """The one sentence of `text` that carries the theme best (ties: the first)."""
    spans = quote_units(text)
    if not spans:
        return text.strip()
    best = max(range(len(spans)), key=lambda i: (relevance(text[slice(*spans[i])]), -i))
    return text[slice(*spans[best])]


def _with_speaker(
    text: str, units: Sequence[tuple[int, int]], words: Sequence[int], first: int, last: int
) -> int:
    """Move the start back to the sentence naming whoever "he said" in the span is."""
    span = text[units[first][0] : units[last][1]]
    if not _PRONOUN_SPEAKER.search(span) or _names_someone(span):
        return first
    total = sum(words[first : last + 1])
    for earlier in range(first - 1, -1, -1):
        total += words[earlier]
        if total > SPEAKER_WORDS:
            return first
        if _names_someone(text[units[earlier][0] : units[earlier][1]]):
            return earlier
    return first


def _names_someone(text: str) -> bool:
    """Whether the text names a person or body: two capitalised words in a row."""
    return any(m.group(1) not in _NOT_NAMES for m in _NAMED.finditer(text))


def _turn(text: str, i: int) -> int:
    """+1 where the double mark at `i` opens a quotation, -1 where it closes one.

    „ only opens. Otherwise the mark's sides tell: one with space (or a bracket, a dash,
    the paragraph's edge) before it and a word after it opens; one with a word before
    it and space or punctuation after it closes: “ opens in English and closes in
    German, » closes in French and opens in German. A straight mark opens after space.
    French guillemets, spaced on both sides, turn as French writes them.
    """
    char = text[i]
    if char == "„":
        return +1
    open_before = i == 0 or text[i - 1].isspace() or text[i - 1] in "([{—–-"
    if char == '"':
        return +1 if open_before else -1
    end = i + 1 >= len(text)
    open_after = not end and not text[i + 1].isspace() and text[i + 1] not in _AFTER_CLOSE
    if open_before and open_after:
        return +1
    if not open_before and not open_after:
        return -1
    return +1 if char in "“«‹" else -1


_AFTER_CLOSE = ".,;:!?)]}…—–-“”„«»‹›'’"


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
