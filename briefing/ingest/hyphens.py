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
    tokens: set[str] | None = None  # the text's tokens, lower-cased
    alone: set[str] | None = None  # `_words_alone`

    def used_alone(half: str) -> bool:
        nonlocal tokens, alone
        if tokens is None:
            tokens = set(" ".join(paragraphs).lower().split())
        if half in tokens:
            return True  # a token that is a half has no hyphen, nor an edge to strip
        if alone is None:
            alone = _words_alone(tokens)
        return half in alone

    def mended(token: str) -> str:
        nonlocal tokens, alone
        word = token.strip(_EDGE)
        split = _SPLIT.fullmatch(word)
        if not split:
            return token
        head, tail = split.group(1), split.group(2)
        if not (head[0].islower() and tail.islower()) or tail.startswith(head):
            return token  # "Russia-Pakistan", "bye-bye": never one split word
        if any(
            used_alone(half) or (stoplist and half in stoplist) or _known(half)
            for half in split.groups()
        ):
            return token
        # The word is more familiar whole (without the vocabulary: the text writes it whole).
        whole = head + tail
        familiar = _familiar(head, tail)
        if familiar is None and alone is None:
            tokens = tokens or set(" ".join(paragraphs).lower().split())
            alone = _words_alone(tokens)
        if familiar or (familiar is None and alone is not None and whole.lower() in alone):
            return token.replace(word, whole)
        return token

    # Only the tokens (as split(" ") gives them) with a hyphen are looked at.
    return [_HYPHENATED.sub(lambda m: mended(m.group()), p) if "-" in p else p for p in paragraphs]


_HYPHENATED = re.compile(r"[^ ]*-[^ ]*")


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

    @functools.lru_cache(maxsize=4096)  # the same compounds' halves, article after article
    def count(word: str) -> int:
        return len(tokenizer.encode(word, add_special_tokens=False).ids)

    return count


def _words_alone(tokens: set[str]) -> set[str]:
    """The words a text uses on their own, outside any hyphenated compound, from its
    tokens (lower-cased)."""
    return {token.strip(_EDGE) for token in tokens if "-" not in token}
