"""Boilerplate removal for a page dumped as plain text: which paragraphs are the article.

Signals rather than site rules: position (a header zone before the first real
paragraph, a footer after a comments or teaser heading), length (body
paragraphs are sentences), cue phrases (`cues`), and repetition (a caption or
headline printed twice, a note that restates a paragraph).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum

from briefing.ingest import cues, features, segment
from briefing.ingest.dates import find_date


class Kind(Enum):
    """What one paragraph is, judged on its own."""

    BODY = "body"
    DROP = "drop"  # boilerplate: a cue, a caption, a repeat
    META = "meta"  # a byline or a date line
    TEASER = "teaser"  # the heading of a box of other articles
    TERMINAL = "terminal"  # comments, paywall, author box: the article is over


@dataclass(frozen=True)
class Cleaned:
    """Which paragraphs are body (their indices, in order) and where the body began."""

    body: list[int]
    start: int


LONG = 20  # words: a paragraph this long that ends a sentence is surely body
_SPEECH_LEAD = re.compile(
    r"\b(?:said|says|added|adds|wrote|writes|noted|notes|told|asked|replied|explained|stated"
    r"|declared|warned|continued|concluded):$"
)
_LABEL = re.compile(r"^([\w'’ ]{2,30}?)\s*:\s+(.+)$")


_key = features.key


def classify(paragraphs: list[str]) -> list[Kind]:
    """Judge every paragraph on its own words and on the repetitions in the page."""
    keys = [_key(p) for p in paragraphs]
    all_keys = set(keys)
    seen: set[str] = set()
    kinds: list[Kind] = []
    for text, key in zip(paragraphs, keys, strict=True):
        kinds.append(_kind(text, key in seen, _restates(text, all_keys)))
        seen.add(key)
    # A "terminal" heading printed several times ("Continue reading the main story"
    # between every few paragraphs) marks ad slots inside the article, not its end.
    counts = {
        key: keys.count(key) for key, kind in zip(keys, kinds, strict=True) if kind is Kind.TERMINAL
    }
    return [
        Kind.DROP if kind is Kind.TERMINAL and counts[key] > 1 else kind
        for key, kind in zip(keys, kinds, strict=True)
    ]


def mark_known(
    paragraphs: list[str], kinds: list[Kind], author: str | None, title: str | None
) -> list[Kind]:
    """Once title and author are known: drop the headline repeated and the author's bio."""
    title_key = _key(title) if title else ""
    surname = author.replace(".", " ").split()[-1] if author and author.strip() else None

    def known(text: str) -> bool:
        if title_key and len(text) <= 2 * len(title_key) and _key(text) == title_key:
            return True
        return bool(surname and surname in text[:120] and _author_bio(text, author))

    return [
        Kind.DROP if kind is Kind.BODY and known(text) else kind
        for text, kind in zip(paragraphs, kinds, strict=True)
    ]


def _kind(text: str, repeated: bool, restates: bool) -> Kind:
    count = cues.words(text)
    if count <= 12 and cues.TERMINAL_HEADING.match(text):
        return Kind.TERMINAL
    if count <= 6 and cues.TEASER_HEADING.match(text):
        return Kind.TEASER
    if is_meta(text):
        return Kind.META
    if repeated or restates or cues.is_boilerplate_line(text) or _labelled_teaser(text):
        return Kind.DROP
    if count <= 2 and not cues.SENTENCE_END.search(text) and not _SPEECH_LEAD.search(text):
        return Kind.DROP  # stray chrome: "Advertisement", "Print", a section label
    return Kind.BODY


@functools.lru_cache(maxsize=8192)
def is_meta(text: str) -> bool:
    """Whether a short line is a byline or a date line, the furniture above an article."""
    if cues.is_byline(text):
        return True
    count = cues.words(text)
    if count <= 12 and cues.DATE_LABEL.match(text) and find_date(text):
        return True
    return count <= 8 and not cues.SENTENCE_END.search(text) and find_date(text) is not None


def _labelled_teaser(text: str) -> bool:
    """Whether a line is "Label: A Headline" with no sentence in it: a link to another
    article set inside this one ("Also read: ...", "Lee también: ...", "À lire: ...")."""
    labelled = _LABEL.match(text) if ":" in text[:40] else None
    if not labelled or cues.words(labelled.group(1)) > 3 or cues.words(text) > 25:
        return False
    rest = labelled.group(2)
    return rest[:1].isupper() and not features.ends_sentence(rest) and not text.endswith(":")


def _restates(text: str, all_keys: set[str]) -> bool:
    """Whether "Label: text" repeats another paragraph word for word (an editor's note)."""
    labelled = _LABEL.match(text)
    return bool(
        labelled and cues.words(labelled.group(1)) <= 3 and _key(labelled.group(2)) in all_keys
    )


def _author_bio(text: str, author: str | None) -> bool:
    """Whether a paragraph opens on the known author's name and a verb ("X is a ...")."""
    if not author or cues.words(text) > 80:
        return False
    names = author.replace(".", " ").split()
    surname = re.escape(names[-1])
    opening = re.match(
        rf"^(?:{cues.HONORIFIC}\.?\s+)?(?:\S+\s+){{0,3}}{surname},?\s+"
        r"(?:is|was|has been|writes|teaches|serves|works)\b",
        text,
    )
    if not opening:
        return False
    first = names[0] if len(names) > 1 and len(names[0]) > 2 else None
    return bool((first and first in opening.group(0)) or cues.BIO.match(text))


def main_span(
    paragraphs: list[str],
    kinds: list[Kind],
    stoplist: frozenset[str] | None = None,
    blocks: list[int] | None = None,
) -> tuple[int, int]:
    """Where the article stands in a page: the run of paragraphs (start, end) that
    holds the most prose for the least chrome.

    Every paragraph weighs in: running prose for its length, menus, teaser
    headlines, labels and boilerplate against. The heaviest contiguous run
    (Kadane's maximum subarray) is the article, so navigation above it and
    footers, teaser lists and link farms below it fall outside, whatever their
    language and however long they are.
    """
    weights = [_weight(text, kind, stoplist) for text, kind in zip(paragraphs, kinds, strict=True)]
    for index in code_lines(paragraphs, blocks or []):
        weights[index] = 0.0  # a code listing or a table: neither prose nor chrome
    best, best_span = 0.0, (0, 0)
    total, begin = 0.0, 0
    for index, weight in enumerate(weights):
        if total <= 0:
            total, begin = 0.0, index
        total += weight
        if total > best:
            best, best_span = total, (begin, index + 1)
    return _bridged(weights, kinds, *best_span, blocks)


_GAP = 3  # paragraphs: an aside this short (a teaser, an ad line, a caption) splits no article


# Brackets, semicolons, assignments and box-drawing rules: the signs of code and tables.
_CODE_SIGNS = re.compile(r"[(){}\[\];=│┼─]")


def code_lines(paragraphs: list[str], blocks: list[int]) -> set[int]:
    """See `_code_lines`: the span and the menu pass both ask for one document's listings,
    so the answer is kept for the last few documents."""
    return set(_code_lines(tuple(paragraphs), tuple(blocks)))


@functools.lru_cache(maxsize=4)
def _code_lines(paragraphs: Sequence[str], blocks: Sequence[int]) -> frozenset[int]:
    """The lines of blank-line blocks that read as a code listing or a table: three lines
    or more, two in five of them or more with brackets, semicolons, equals signs or rules,
    and no line of prose among them."""
    found: set[int] = set()
    if not any(blocks):
        return frozenset()
    index = 0
    while index < len(blocks):
        size = max(blocks[index], 1)
        members = range(index, min(index + size, len(paragraphs)))
        if size >= 3:  # a shorter block is no listing: its lines need no look
            signed = sum(1 for j in members if _CODE_SIGNS.search(paragraphs[j]))
            if signed >= 0.4 * size and not any(cues.is_prose(paragraphs[j], 12) for j in members):
                found.update(members)
        index += size
    return frozenset(found)


def _bridged(
    weights: list[float], kinds: list[Kind], start: int, end: int, blocks: list[int] | None
) -> tuple[int, int]:
    """Widen the span over short gaps to prose beyond them: a teaser box in the middle
    of the article does not cut off its lede, nor a caption its ending. Rightwards a
    gap is bridged only when it holds no teaser heading or terminal heading."""
    while True:
        before = [j for j in range(max(0, start - _GAP - 1), start) if weights[j] >= 1]
        if before:
            start = before[0]
            continue
        lede = _prose_above(weights, start, blocks if blocks and any(blocks) else None)
        if lede is None:
            break
        start = lede
    while True:
        after = [j for j in range(end, min(len(weights), end + _GAP + 1)) if weights[j] >= 1]
        stops = (Kind.TEASER, Kind.TERMINAL)
        if not after or any(kinds[j] in stops for j in range(end, after[-1])):
            break
        end = after[-1] + 1
    return start, end


_LEDE_GAP = 12  # steps: a table of contents or a gallery between a lede and the rest
_LEDE_WEIGHT = 4.0  # the weight of a run of prose that is a lede, not a menu's blurb


def _prose_above(weights: list[float], start: int, blocks: list[int] | None) -> int | None:
    """Where a substantial run of prose begins that ends a short way above `start`: an
    introduction kept apart from the rest by a contents box, say. None when there is none.

    The way is counted in steps as the eye sees them: a line, or a whole block of many
    short lines (a contents box, a gallery) when the page has blank-line blocks.
    """
    steps = segment.steps(blocks or [0] * len(weights))
    ends = [index for index in range(start - 1, -1, -1) if steps[start] - steps[index] <= _LEDE_GAP]
    for end in ends:
        total = 0.0
        for begin in range(end, max(-1, end - _LEDE_GAP), -1):
            total += weights[begin]
            if total >= _LEDE_WEIGHT:
                return _run_start(weights, begin)
    return None


def _run_start(weights: list[float], begin: int) -> int:
    """Back over the positive paragraphs just above `begin`: the start of its run of prose."""
    while begin > 0 and weights[begin - 1] > 0:
        begin -= 1
    return begin


def _weight(text: str, kind: Kind, stoplist: frozenset[str] | None) -> float:
    """How much a paragraph speaks for being inside the article (negative: against)."""
    if kind is Kind.TERMINAL or kind is Kind.TEASER:
        return -3.0
    if kind is Kind.DROP:
        # A paragraph dropped only for repeating another is no sign of chrome.
        repeated_prose = cues.is_prose(text, LONG) and not cues.is_boilerplate_line(text)
        return 0.0 if repeated_prose else -1.5
    if kind is Kind.META:
        return 0.0
    markup = _MARKUP.findall(text) if "<" in text else []
    if markup and sum(map(len, markup)) > 0.5 * len(text):
        return -1.0  # left-over HTML (a tracking pixel, an ad slot): no article is made of it
    size = features.units(text)
    sentence = features.ends_sentence(text)
    if not ((size >= 8 and (sentence or size >= 10)) or (sentence and size >= 4)):
        return -1.0 if size <= 3 else -0.5  # too short to weigh its words
    density = features.stop_density(text, stoplist)
    # Prose is dense with function words; a menu, a headline or a tag list is not.
    # Without a stop list (Chinese, Japanese, a short text) the sentence shape decides.
    if density is None:
        prose = 1.0 if sentence else 0.0
    else:
        prose = min(max((density - _SPARSE) / (_DENSE - _SPARSE), 0.0), 1.0)
    if size >= 8 and (sentence or size >= 10):
        # A line without a full stop counts only as it grows past headline length.
        length = size if sentence else 2 * (size - 10)
        weight = min(length, 100) / 10 * prose * (1.0 if sentence else 0.6)
        return weight if weight > 0 else -0.5
    return 0.5 if prose >= 1.0 else 0.2  # a short sentence, of four words or more


_MARKUP = re.compile(r"</?[a-zA-Z][\w-]*(?:\s[^<>]*)?/?>")
_SPARSE, _DENSE = 0.12, 0.28  # stop-word shares: a tag list, and running prose


def body_start(paragraphs: list[str], kinds: list[Kind], begin: int = 0) -> int:
    """The index of the first body paragraph at or after `begin`: the header zone ends there.

    It is the first long sentence-paragraph; when a byline or date line follows
    it closely, it was a standfirst, and the body starts after that line.
    """
    for minimum in (LONG, 8):
        candidate = _first_prose(paragraphs, kinds, begin, minimum)
        while candidate is not None:
            meta = [
                j for j in range(candidate + 1, candidate + 4) if _kind_at(kinds, j) is Kind.META
            ]
            if not meta:
                return _with_short_lede(paragraphs, kinds, candidate)
            candidate = _first_prose(paragraphs, kinds, meta[-1] + 1, minimum)
    return len(paragraphs)


def _with_short_lede(paragraphs: list[str], kinds: list[Kind], candidate: int) -> int:
    """Step back over short prose paragraphs just above the first long one.

    They are body (a short lede) when a byline or date line sits above them, or
    when the first opens on a wire dateline; with only the headline above, the
    first of them is taken for a standfirst and left out.
    """
    run: list[int] = []
    index = candidate - 1
    while index >= 0 and (kinds[index] is Kind.DROP or kinds[index] is Kind.BODY):
        if kinds[index] is Kind.BODY:
            if not cues.is_prose(paragraphs[index], 6):
                break
            run.insert(0, index)
        index -= 1
    if not run:
        return candidate
    above = kinds[index] if index >= 0 else None
    if above is None or above is Kind.META or cues.DATELINE.match(paragraphs[run[0]]):
        return run[0]
    return run[1] if len(run) > 1 else candidate


def _kind_at(kinds: list[Kind], index: int) -> Kind | None:
    return kinds[index] if index < len(kinds) else None


def _first_prose(paragraphs: list[str], kinds: list[Kind], start: int, minimum: int) -> int | None:
    for index in range(start, len(paragraphs)):
        if kinds[index] is not Kind.BODY:
            continue
        text = paragraphs[index]
        # A long paragraph that introduces a formula or a list ("... as follows:") is prose.
        introduces = text.endswith(":") and cues.words(text) >= LONG
        if introduces or cues.is_prose(text, minimum):
            return index
    return None


def menu_lines(paragraphs: list[str], blocks: list[int]) -> set[int]:
    """The short lines of blank-line blocks that are mostly short lines: a contents box,
    a menu or a link list standing inside the article's run (not a code listing). Empty
    without blocks."""
    code = code_lines(paragraphs, blocks)
    found: set[int] = set()
    index = 0
    while index < len(blocks):
        size = max(blocks[index], 1)
        members = range(index, min(index + size, len(paragraphs)))
        short = [j for j in members if _short_line(paragraphs[j]) and j not in code]
        if size >= 4 and len(short) >= 0.7 * size:
            found.update(short)
        index += size
    return found if any(blocks) else set()


def _short_line(text: str) -> bool:
    return cues.words(text) <= 5 and not features.ends_sentence(text)


def clean(
    paragraphs: list[str],
    kinds: list[Kind],
    start: int | None = None,
    end: int | None = None,
    menus: set[int] | None = None,
) -> Cleaned:
    """Keep the body: from its start to `end`, skipping boilerplate and the lines of
    `menus`, through teaser boxes, until a terminal heading; then trim an author bio or
    chrome off the end."""
    if start is None:
        start = body_start(paragraphs, kinds)
    body: list[int] = []
    in_teasers = False
    for index in range(start, len(paragraphs) if end is None else end):
        kind = kinds[index]
        if menus and index in menus:
            continue
        if kind is Kind.TERMINAL:
            break
        if kind is Kind.TEASER:
            in_teasers = True
            continue
        if in_teasers:
            if not _resumes(paragraphs, kinds, index):
                continue
            in_teasers = False
        if kind is Kind.BODY:
            body.append(index)
    while body and _footer_like(paragraphs[body[-1]]):
        body.pop()
    return Cleaned(body, start)


def _resumes(paragraphs: list[str], kinds: list[Kind], index: int) -> bool:
    """Whether the article plainly resumes after a teaser box: two sentences in a row.

    Teasers come as headlines, or headline and blurb pairs, so a blurb is never
    followed by another sentence.
    """
    pair = range(index, index + 2)
    return all(
        j < len(paragraphs) and kinds[j] is Kind.BODY and cues.is_prose(paragraphs[j], 8)
        for j in pair
    )


def _footer_like(text: str) -> bool:
    """Whether a paragraph at the end of the body is a bio or leftover chrome."""
    if cues.BIO.match(text) or cues.BIO_PRONOUN.match(text):
        return True
    return cues.words(text) <= 8 and not cues.SENTENCE_END.search(text)
