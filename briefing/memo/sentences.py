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
    from briefing.tagging.semantic import Matrix

DIMENSIONS = 64
_SCALE = 127


def profile_sentences(
    tagger: Tagger, excerpts: Sequence[Excerpt], scores: Sequence[Sequence[ThemeScore]]
) -> list[SentenceProfile]:
    """Sentence spans, per-theme sentence scores and vectors of every tagged excerpt."""
    tagged = [[s.theme_id for s in row if s.tagged] for row in scores]
    return profile_tagged(tagger, excerpts, tagged)


def profile_tagged(
    tagger: Tagger, excerpts: Sequence[Excerpt], tagged: Sequence[Sequence[str]]
) -> list[SentenceProfile]:
    """`profile_sentences`, given the ids of the themes each excerpt is tagged with."""
    from briefing.tagging import default_embedder
    from briefing.tagging.contextfree import Blended

    todo: list[tuple[Excerpt, list[tuple[int, int]], Sequence[str]]] = []
    for excerpt, themes in zip(excerpts, tagged, strict=True):
        if not themes:
            continue  # the memo quotes only tagged excerpts (a hand-added one is cut by keyword)
        todo.append((excerpt, quote_units(excerpt.text), themes))
    texts = [e.text[a:b] for e, units, _ in todo for a, b in units]
    if not texts:
        return []
    embedder = default_embedder()
    # The tagger's vectors serve the profile too when it embeds with the same model.
    tagger_vectors = tagger.embed(texts)
    vectors: Matrix | None = tagger_vectors
    if tagger.embedder is not embedder or tagger_vectors is None:
        vectors = embedder.embed(texts) if embedder is not None else None
    column = {theme.id: t for t, theme in enumerate(tagger.themes)}
    # Only the excerpt's tagged themes are scored per sentence, so only they are read.
    only = [sorted(column[theme] for theme in themes) for _, units, themes in todo for _ in units]
    blended = Blended(tagger, tagger_vectors, tagger.read_phrases(texts, only))
    packed_rows = _pack_rows(vectors) if vectors is not None else None
    profiles: list[SentenceProfile] = []
    at = 0
    for excerpt, units, themes in todo:
        per_theme = {
            theme: tuple(blended.score(at + i, column[theme]) for i in range(len(units)))
            for theme in themes
        }
        packed = b"".join(packed_rows[at : at + len(units)]) if packed_rows is not None else None
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


def _pack_rows(vectors: Matrix) -> list[bytes]:
    """`_pack` of every row, in numpy with the same float64 operations: the squares summed
    left to right as `sum` adds them (a running sum, np.cumsum: not numpy's pairwise
    `sum`), and numpy's rint rounds halves to even as `round` does."""
    import numpy as np

    head = np.asarray(vectors, dtype=np.float64)[:, :DIMENSIONS]
    if not len(head):
        return []
    norms = np.sqrt(np.cumsum(head * head, axis=1)[:, -1])
    norms[norms == 0.0] = 1.0
    scaled = np.rint(head / norms[:, None] * _SCALE).astype(np.int64) & 0xFF
    return [row.tobytes() for row in scaled.astype(np.uint8)]


def _pack(row: Sequence[float]) -> bytes:
    head = [float(x) for x in row[:DIMENSIONS]]
    norm = math.sqrt(sum(x * x for x in head)) or 1.0
    return bytes((round(x / norm * _SCALE)) & 0xFF for x in head)
