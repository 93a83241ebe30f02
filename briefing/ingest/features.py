"""Paragraph features that hold in any language and script.

The cleaner and the metadata reader judge a line by its shape rather than by
what it says: how long it is (in words, or in characters where a script does
not space its words), whether it ends a sentence, and how many of its words
are the language's function words. Running prose is dense with function words
("the", "of", "que", "und"); menus, headlines, tag lists and names are not.
That density is measured with jusText's stop lists (jusText comes with
trafilatura), the list picked per document by how well it covers the text.
"""

from __future__ import annotations

import functools
import pkgutil
import re
from collections import Counter
from collections.abc import Sequence
from itertools import chain, repeat

# Scripts written without spaces between words: Han, kana, Thai, Lao, Myanmar,
# Khmer. (Hangul spaces its words and is counted like Latin.)
_UNSPACED = re.compile(
    r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff]"
)
_CHARS_PER_WORD = 2  # an unspaced script's characters per word-equivalent (Chinese: ~1.5-2)
_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")

# A sentence ends with a full stop, question or exclamation mark of any script
# (Latin, CJK, Arabic, Devanagari, Armenian, Ethiopic), maybe inside a closing quote.
SENTENCE_END = re.compile(r"[.!?…。！？｡؟।։።][\"'”’»)\]」』）]*$")


_NOT_WORD = re.compile(r"\W+")
# ASCII characters that are not \w, for str.translate to delete: the same as _NOT_WORD
# on ASCII text, without a regex pass.
_ASCII_NOT_WORD = {c: None for c in range(128) if not (chr(c).isalnum() or c == 95)}
_ASCII_NOT_WORD_BYTES = bytes(_ASCII_NOT_WORD)


_ONE_DOCUMENT = 1024  # lines: the caches below serve the steps of one document


def new_document() -> None:
    """Forget the last document's lines (`key`, `words_of`): what a file that failed
    left there is not kept while the next one is read."""
    key.cache_clear()
    words_of.cache_clear()


@functools.lru_cache(maxsize=_ONE_DOCUMENT)
def key(text: str) -> str:
    """A line's letters and digits, lower-cased: how the cleaner and the metadata reader
    tell a line repeated with other spacing or punctuation. Asked for the same lines by
    several steps of one document, so kept for its lines."""
    lower = text.lower()
    if lower.isascii():
        return lower.translate(_ASCII_NOT_WORD)
    # The ASCII non-word characters dropped from the UTF-8 bytes (an ASCII byte is an
    # ASCII character there), then the few others (curly quotes, dashes) by the regex:
    # every space and comma was a match of its own.
    plain = (
        lower.encode("utf-8", "surrogatepass")
        .translate(None, _ASCII_NOT_WORD_BYTES)
        .decode("utf-8", "surrogatepass")
    )
    return plain if plain.isascii() else _NOT_WORD.sub("", plain)


@functools.lru_cache(maxsize=_ONE_DOCUMENT)
def words_of(text: str) -> tuple[str, ...]:
    """A paragraph's words, lower-cased (the stop-list language guess and the density
    both ask for them)."""
    return tuple(_WORD.findall(text.lower()))


@functools.lru_cache(maxsize=8192)
def units(text: str) -> int:
    """A paragraph's length in words; unspaced scripts count characters as word-equivalents."""
    if text.isascii():
        return len(text.split())
    unspaced = len(_UNSPACED.findall(text))
    if not unspaced:
        return len(text.split())
    return len(_UNSPACED.sub(" ", text).split()) + unspaced // _CHARS_PER_WORD


def unspaced(text: str) -> bool:
    """Whether most of a text's letters belong to a script that does not space its words."""
    if text.isascii() or not _UNSPACED.search(text):
        return False
    letters = sum(1 for char in text if char.isalpha())
    return bool(letters) and len(_UNSPACED.findall(text)) > 0.3 * letters


def ends_sentence(text: str) -> bool:
    return bool(SENTENCE_END.search(text))


@functools.cache
def _stoplists() -> tuple[frozenset[str], ...]:
    import justext

    return tuple(_stoplist(name) for name in sorted(justext.get_stoplists()))


def _stoplist(language: str) -> frozenset[str]:
    """`justext.get_stoplist(language)`: its file's lines, lower-cased, decoded at once
    rather than line by line (every worker reads a hundred lists before its first text)."""
    data = pkgutil.get_data("justext", f"stoplists/{language}.txt")
    if data is None:
        raise ValueError(f"no stop list for {language}")
    return frozenset(b"\n".join(data.splitlines()).decode("utf8").lower().split("\n"))


def load_stoplists() -> None:
    """Load the stop lists and their index now (about 40 MB, a fifth of a second), as a
    reader worker warms up, rather than while it reads its first long text."""
    _languages_of()


@functools.cache
def _languages_of() -> dict[str, tuple[int, ...]]:
    """For each stop word, the stop lists (by position) that hold it.

    Built with set operations, not a loop over every word of every list: most words
    are in one list, and only the others are gathered list by list.
    """
    stoplists = _stoplists()
    # Each word with its list's number: a word in several lists is then given the last.
    numbers = chain.from_iterable(repeat((n,), len(s)) for n, s in enumerate(stoplists))
    holders: dict[str, tuple[int, ...]] = dict(
        zip(chain.from_iterable(stoplists), numbers, strict=True)
    )
    seen: set[str] = set()
    shared: set[str] = set()
    for stoplist in stoplists:
        shared |= stoplist & seen
        seen |= stoplist
    gathered: dict[str, list[int]] = {word: [] for word in shared}
    for number, stoplist in enumerate(stoplists):
        for word in stoplist & shared:
            gathered[word].append(number)
    holders.update((word, tuple(numbers)) for word, numbers in gathered.items())
    return holders


_SAMPLE_WORDS = 500
_MIN_COVERAGE = 0.2  # below this no stop list fits: the density is not measured


def stoplist_for(paragraphs: Sequence[str]) -> frozenset[str] | None:
    """The stop list of the document's language: the one covering most of its longer lines.

    None for a text too short to tell, or in a language without a list (Chinese,
    Japanese): the density signal is then simply not used.
    """
    tokens: list[str] = []
    for paragraph in paragraphs:
        if units(paragraph) >= 12 and not unspaced(paragraph):
            tokens.extend(words_of(paragraph))
            if len(tokens) >= _SAMPLE_WORDS:
                break
    if len(tokens) < 40:
        return None
    covered = [0] * len(_stoplists())
    holders = _languages_of()
    for token, count in Counter(tokens).items():
        for number in holders.get(token, ()):
            covered[number] += count
    best = max(range(len(covered)), key=covered.__getitem__)
    return _stoplists()[best] if covered[best] > _MIN_COVERAGE * len(tokens) else None


def stop_density(text: str, stoplist: frozenset[str] | None) -> float | None:
    """The share of a paragraph's words that are stop words; None when it cannot be told."""
    if stoplist is None or unspaced(text):
        return None  # no stop list speaks for Chinese or Japanese text
    found = words_of(text)
    if not found:
        return 0.0
    return sum(map(stoplist.__contains__, found)) / len(found)
