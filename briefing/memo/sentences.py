"""What the memo needs to know about an excerpt's sentences, worked out at tag time.

Cutting a quote needs each sentence's score for the theme; merging claims that two
sources word differently, and finding the sentence most central to a theme, need
sentence vectors. Both come from the tagger and its embedder (their public calls
only) when an excerpt is tagged, and are stored, so an export does no embedding and
loads no model. Vectors are cut to their first 64 dimensions (WordLlama's models are
trained so that a prefix is itself an embedding) and kept as signed bytes.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

from briefing.memo.quotes import quote_units
from briefing.model import Excerpt, SentenceProfile, ThemeScore

if TYPE_CHECKING:
    from briefing.tagging import Tagger

DIMENSIONS = 64
_SCALE = 127


def profile_sentences(
    tagger: Tagger, excerpts: Sequence[Excerpt], scores: Sequence[Sequence[ThemeScore]]
) -> list[SentenceProfile]:
    """Sentence spans, per-theme sentence scores and vectors of every tagged excerpt."""
    from briefing.tagging import default_embedder

    todo: list[tuple[Excerpt, list[tuple[int, int]], list[str]]] = []
    for excerpt, excerpt_scores in zip(excerpts, scores, strict=True):
        themes = [s.theme_id for s in excerpt_scores if s.tagged]
        if not themes:
            continue  # the memo quotes only tagged excerpts (a hand-added one is cut by keyword)
        todo.append((excerpt, quote_units(excerpt.text), themes))
    texts = [e.text[a:b] for e, units, _ in todo for a, b in units]
    if not texts:
        return []
    sentence_scores = tagger.score(texts)
    embedder = default_embedder()
    vectors = embedder.embed(texts) if embedder is not None else None
    profiles: list[SentenceProfile] = []
    at = 0
    for excerpt, units, themes in todo:
        rows = sentence_scores[at : at + len(units)]
        per_theme = {
            theme: tuple(
                round(next(s.score for s in row if s.theme_id == theme), 4) for row in rows
            )
            for theme in themes
        }
        packed = (
            b"".join(_pack(vectors[at + i]) for i in range(len(units)))
            if vectors is not None
            else None
        )
        profiles.append(SentenceProfile(excerpt.id, tuple(units), per_theme, packed))
        at += len(units)
    return profiles


def encode_scores(scores: dict[str, tuple[float, ...]]) -> str:
    return json.dumps(scores, sort_keys=True, separators=(",", ":"))


def decode_scores(text: str) -> dict[str, tuple[float, ...]]:
    return {k: tuple(v) for k, v in json.loads(text).items()}


def vector(profile: SentenceProfile, index: int) -> tuple[float, ...] | None:
    """The index-th sentence's unit vector, or None when none was stored."""
    if profile.vectors is None:
        return None
    raw = profile.vectors[index * DIMENSIONS : (index + 1) * DIMENSIONS]
    if len(raw) != DIMENSIONS:
        return None
    values = [b - 256 if b > 127 else b for b in raw]
    norm = math.sqrt(sum(v * v for v in values)) or 1.0
    return tuple(v / norm for v in values)


def cosine(a: Sequence[float], b: Sequence[float]) -> float:
    return sum(x * y for x, y in zip(a, b, strict=True))


def _pack(row: Sequence[float]) -> bytes:
    head = [float(x) for x in row[:DIMENSIONS]]
    norm = math.sqrt(sum(x * x for x in head)) or 1.0
    return bytes((round(x / norm * _SCALE)) & 0xFF for x in head)
