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
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from briefing.memo.quotes import quote_units
from briefing.model import Excerpt, SentenceProfile, ThemeScore

if TYPE_CHECKING:
    from briefing.tagging import Tagger
    from briefing.tagging.phrases import Found
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
    tagger: Tagger,
    excerpts: Sequence[Excerpt],
    tagged: Sequence[Sequence[str]],
    read: Read | None = None,
) -> list[SentenceProfile]:
    """`profile_sentences`, given the ids of the themes each excerpt is tagged with.

    `read`: what reading the excerpts found already (their keyword matches and their
    words as the embedder cut them), so that their sentences are not read again: a
    sentence's matches and words are its excerpt's that lie inside it. The profiles are
    the same with or without it.
    """
    from briefing.tagging import default_embedder
    from briefing.tagging.contextfree import Blended

    todo: list[tuple[int, Excerpt, list[tuple[int, int]], Sequence[str]]] = []
    for number, (excerpt, themes) in enumerate(zip(excerpts, tagged, strict=True)):
        if not themes:
            continue  # the memo quotes only tagged excerpts (a hand-added one is cut by keyword)
        todo.append((number, excerpt, quote_units(excerpt.text), themes))
    parts = [(number, a, b) for number, _, units, _ in todo for a, b in units]
    if not parts:
        return []
    texts = [excerpts[number].text[a:b] for number, a, b in parts]
    embedder = default_embedder()
    tagger_vectors: Matrix | None = None
    if read is not None and read.pieces is not None and tagger.embedder is read.embedder:
        tagger_vectors = _embed_parts(read.embedder, excerpts, read.pieces, parts, texts)
    else:
        tagger_vectors = tagger.embed(texts)
    # The tagger's vectors serve the profile too when it embeds with the same model.
    vectors: Matrix | None = tagger_vectors
    if tagger.embedder is not embedder or tagger_vectors is None:
        vectors = embedder.embed(texts) if embedder is not None else None
    column = {theme.id: t for t, theme in enumerate(tagger.themes)}
    # Only the excerpt's tagged themes are scored per sentence, so only they are read.
    only = [
        sorted(column[theme] for theme in themes) for _, _, units, themes in todo for _ in units
    ]
    if read is not None:
        found = tagger.read_parts([e.text for e in excerpts], read.found, parts, only)
    else:
        found = tagger.read_phrases(texts, only)
    blended = Blended(tagger, tagger_vectors, found)
    packed_rows = _pack_rows(vectors) if vectors is not None else None
    profiles: list[SentenceProfile] = []
    at = 0
    for _, excerpt, units, themes in todo:
        per_theme = {
            theme: tuple(blended.score(at + i, column[theme]) for i in range(len(units)))
            for theme in themes
        }
        packed = b"".join(packed_rows[at : at + len(units)]) if packed_rows is not None else None
        profiles.append(SentenceProfile(excerpt.id, tuple(units), per_theme, packed))
        at += len(units)
    return profiles


@dataclass(frozen=True)
class Read:
    """What tagging the excerpts read in them, for their sentences' profiles: each one's
    keyword matches (`Tagger.read_found`) and, with an embedder that reads word by word,
    its words (`WordLlamaEmbedder.pieces`)."""

    found: Sequence[Sequence[tuple[int, Found]]]
    embedder: Any = None
    pieces: Sequence[Sequence[str]] | None = None


def _embed_parts(
    embedder: Any,
    excerpts: Sequence[Excerpt],
    pieces: Sequence[Sequence[str]],
    parts: Sequence[tuple[int, int, int]],
    texts: Sequence[str],
) -> Matrix:
    """`embedder.embed(texts)`, the texts being the parts of the excerpts: each part's
    words are its excerpt's between its edges, or, where an edge falls inside a word,
    found anew."""
    split: list[Sequence[str]] = []
    edges: dict[int, list[int]] = {}
    for (number, a, b), text in zip(parts, texts, strict=True):
        if number not in edges:
            edges[number] = embedder.piece_edges(pieces[number])
        words = embedder.part_pieces(excerpts[number].text, pieces[number], edges[number], a, b)
        split.append(words if words is not None else embedder.pieces([text])[0])
    vectors: Matrix = embedder.embed_pieces(split)
    return vectors


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
