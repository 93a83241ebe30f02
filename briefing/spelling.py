"""'Did you mean': words of the corpus close in spelling to a query's words, offered when a
search finds nothing. Each store supplies its index's vocabulary and a word its text uses."""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable

_OPERATORS = ("and", "or", "not", "near")


def close_words(
    query: str,
    count: int,
    stems_like: Callable[[str], list[str]],
    surface: Callable[[str], str | None],
) -> list[str]:
    """Up to `count` words of the corpus closest in spelling to the query's words.

    `stems_like(word)`: the index's stems that could be near it (the store narrows them by
    first letter and length, so this stays quick on a large corpus); `surface(stem)`: that
    stem as the corpus writes it, or None.
    """
    found: list[str] = []
    for word in re.findall(r"\w+", query.casefold()):
        if word in _OPERATORS or len(word) < 3:
            continue
        for stem in difflib.get_close_matches(word, stems_like(word), n=count, cutoff=0.7):
            shown = surface(stem)
            if shown and shown not in found and shown != word:
                found.append(shown)
    return found[:count]
