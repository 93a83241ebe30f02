"""Claims across sources: when two excerpts say the same thing, and what a theme is about.

Two quotes carry one claim when a sentence of one and a sentence of the other are close
in meaning (their stored vectors) and share enough of their words; copies that differ
only by a few words are caught by the words alone, so the rule holds without vectors.
The sentence most central to a theme is the one closest, on average, to the other
quotes of its section: what most of the material says, not what the first quote says.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from briefing.memo.quotes import BUDGET_WORDS, Cut
from briefing.memo.sentences import cosine, vector
from briefing.model import SentenceProfile

SAME_MEANING = 0.82  # cosine of sentence vectors at which two sentences may be one claim
SHARED_WORDS = 0.3  # ... when they also share this share (Jaccard) of their content words
SAME_WORDS = 0.55  # shared words at which two sentences are one claim whatever the vectors
_WORD = re.compile(r"[^\W\d_]{3,}|\d[\d.,]*")
_STOP_TEXT = (
    "the and for that with was were are has have had this from its his her their "
    "they which who will would said says also but not been into than then there "
    "about after over more most such other some can could may might our out one two "
)
_STOP = frozenset(_STOP_TEXT.split())


@dataclass(frozen=True)
class Material:
    """One quote's sentences: their text, theme scores, vectors, and which are quoted."""

    sentences: tuple[str, ...]
    scores: tuple[float, ...]
    vectors: tuple[tuple[float, ...] | None, ...]
    quoted: tuple[int, ...]  # indices of the sentences inside the quote's cut
    cut: Cut

    @classmethod
    def of(
        cls,
        text: str,
        cut: Cut,
        relevance: Callable[[str], float],
        profile: SentenceProfile | None,
        scores: Sequence[float] | None,
        units: Sequence[tuple[int, int]] | None,
    ) -> Material:
        from briefing.memo.quotes import quote_units

        spans = list(units) if units is not None else quote_units(text)
        sentences = tuple(text[a:b] for a, b in spans)
        if scores is None or len(scores) != len(spans):
            scores = [relevance(s) for s in sentences]
        vectors = tuple(
            vector(profile, i) if profile is not None else None for i in range(len(spans))
        )
        quoted = tuple(
            i
            for i, sentence in enumerate(sentences)
            if any(sentence in fragment for fragment in cut.fragments)
        )
        return cls(sentences, tuple(scores), vectors, quoted, cut)

    def words(self, index: int) -> frozenset[str]:
        return _content_words(self.sentences[index])


def corroborates(a: Material, b: Material) -> bool:
    """Whether a quoted sentence of `b` makes a claim a quoted sentence of `a` makes."""
    for i in a.quoted:
        for j in b.quoted:
            if _same_claim(a, i, b, j):
                return True
    return False


def most_central(materials: Sequence[Material]) -> tuple[int, str]:
    """(which material, its sentence) closest on average to the other materials.

    Only sentences that score for the theme compete (all of a quote's, when none do),
    and one a reader takes in at a glance (BUDGET_WORDS or fewer) before a longer one;
    with a single quote, its best-scoring sentence wins. Ties: the earlier.
    """
    best: tuple[bool, float, float, int, int] | None = None
    for m, material in enumerate(materials):
        pool = [i for i, s in enumerate(material.scores) if s > 0] or list(material.quoted)
        for i in pool or range(len(material.sentences)):
            short = len(material.sentences[i].split()) <= BUDGET_WORDS
            others = [
                max((_similarity(material, i, other, j) for j in _pool(other)), default=0.0)
                for n, other in enumerate(materials)
                if n != m
            ]
            centrality = sum(others) / len(others) if others else 0.0
            key = (short, centrality, material.scores[i], -m, -i)
            if best is None or key > best:
                best = key
    if best is None:
        return 0, materials[0].cut.fragments[0]
    m, i = -best[3], -best[4]
    return m, materials[m].sentences[i]


def _pool(material: Material) -> list[int]:
    scored = [i for i, s in enumerate(material.scores) if s > 0]
    return scored or list(material.quoted) or list(range(len(material.sentences)))


def _same_claim(a: Material, i: int, b: Material, j: int) -> bool:
    shared = _jaccard(a.words(i), b.words(j))
    if shared >= SAME_WORDS:
        return True
    va, vb = a.vectors[i], b.vectors[j]
    if va is None or vb is None:
        return False
    return cosine(va, vb) >= SAME_MEANING and shared >= SHARED_WORDS


def _similarity(a: Material, i: int, b: Material, j: int) -> float:
    va, vb = a.vectors[i], b.vectors[j]
    if va is not None and vb is not None:
        return cosine(va, vb)
    return _jaccard(a.words(i), b.words(j))


def _jaccard(x: frozenset[str], y: frozenset[str]) -> float:
    union = len(x | y)
    return len(x & y) / union if union else 0.0


@functools.lru_cache(maxsize=4096)  # pairwise comparisons ask for each sentence many times
def _content_words(text: str) -> frozenset[str]:
    words = (w.casefold() for w in _WORD.findall(text))
    return frozenset(w.rstrip("s") if len(w) > 4 else w for w in words if w.casefold() not in _STOP)
