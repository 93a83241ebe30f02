"""Words split by a hard wrap and glued back with their hyphen: "disinte-gration".

A page copied from a hyphenated print layout keeps the typesetter's hyphen once the
line break is gone. Such a hyphen sits inside one word, so neither half is a word on
its own; in a real compound ("well-known", "counter-terrorism") the halves are words.

Two tests, both needed. The text must not use either half alone (nor may a half be
one of the language's function words, nor a whole word of a subword vocabulary: the
one wordllama ships, installed for tagging and trained on many languages). And the
joined word must read as more familiar than its halves: that vocabulary spells
"disintegration" in fewer pieces than "disinte" and "gration" together, but
"cashconstrained" in no fewer than "cash" and "constrained". Without the vocabulary
only a joined word the text writes elsewhere is mended.
"""

from __future__ import annotations

import functools
import importlib.util
import re
from collections.abc import Callable, Sequence
from pathlib import Path

_SPLIT = re.compile(r"([^\W\d_]{2,})-([^\W\d_]{2,})")
_VOCABULARY = ("wordllama", "tokenizers/l2_supercat_tokenizer_config.json")


def mend(paragraphs: Sequence[str], stoplist: frozenset[str] | None) -> list[str]:
    """The paragraphs with every wrap-split word joined again."""
    if not any("-" in paragraph for paragraph in paragraphs):
        return list(paragraphs)
    alone: set[str] | None = None

    def mended(token: str) -> str:
        nonlocal alone
        word = token.strip(_EDGE)
        split = _SPLIT.fullmatch(word)
        if not split:
            return token
        head, tail = split.group(1), split.group(2)
        if not (head[0].islower() and tail.islower()) or tail.startswith(head):
            return token  # "Russia-Pakistan", "bye-bye": never one split word
        if alone is None:
            alone = _words_alone(paragraphs)
        if any(
            half in alone or (stoplist and half in stoplist) or _known(half)
            for half in split.groups()
        ):
            return token
        # The word is more familiar whole (without the vocabulary: the text writes it whole).
        whole = head + tail
        familiar = _familiar(head, tail)
        if familiar or (familiar is None and whole.lower() in alone):
            return token.replace(word, whole)
        return token

    return [
        " ".join(mended(t) if "-" in t else t for t in p.split(" ")) if "-" in p else p
        for p in paragraphs
    ]


_EDGE = "\"'“”‘’«»()[]{}.,;:!?…"


def _known(half: str) -> bool:
    """Whether the vocabulary holds a half as one whole word ("wide", "cash"; not "disinte")."""
    pieces = _pieces()
    return pieces is not None and len(half) >= 4 and pieces(half) == 1


def _familiar(head: str, tail: str) -> bool | None:
    """Whether the joined word takes fewer subword pieces than its two halves; None
    when the vocabulary is not there to tell."""
    pieces = _pieces()
    if pieces is None:
        return None
    apart = pieces(head) + pieces(tail)
    together = pieces(head + tail)
    return together < apart and (together <= 2 or apart - together >= 2)


@functools.cache
def _pieces() -> Callable[[str], int] | None:
    """How many subword pieces a word takes; None when the vocabulary is not installed."""
    try:
        from tokenizers import Tokenizer

        # The file is found without importing its package: importing wordllama costs
        # about 0.4 s of CPU in every process that reads a text file.
        spec = importlib.util.find_spec(_VOCABULARY[0])
        folders = spec.submodule_search_locations if spec else None
        if not folders:
            return None
        tokenizer = Tokenizer.from_file(str(Path(next(iter(folders))) / _VOCABULARY[1]))
    except Exception:  # noqa: BLE001 - an optional signal: any failure means "not known"
        return None

    def count(word: str) -> int:
        return len(tokenizer.encode(word, add_special_tokens=False).ids)

    return count


def _words_alone(paragraphs: Sequence[str]) -> set[str]:
    """The words the text uses on their own, outside any hyphenated compound."""
    tokens = set(" ".join(paragraphs).lower().split())
    return {token.strip(_EDGE) for token in tokens if "-" not in token}
