"""Tagging the whole corpus from what the store keeps: vectors, keyword matches, decisions.

The text of an excerpt is read once, at ingest (or when the keywords change): its vector
and its keyword matches are stored. Tagging the corpus is then a matter of matrix
products over those (`calibrate`), fast enough to run after every ingest, at every
`briefing tag` and after every decision in the TUI.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

import numpy as np

from briefing.model import Explanation, ThemeScore
from briefing.tagging.calibrate import DENSE_LIMIT, Calibrated, CorpusMatrix, calibrate
from briefing.tagging.learn import Examples, examples_by_theme
from briefing.tagging.tagger import PhraseHit, Tagger

if TYPE_CHECKING:
    from briefing.tagging.semantic import Matrix

VECTOR_DTYPE = np.float16  # as stored: half the size, and ample for a cosine
_BLOCK = 16384  # corpus rows read at a time (bounds the memory of the raw rows)


def vector_bytes(vector: np.ndarray) -> bytes:
    """A vector as the store keeps it."""
    return np.ascontiguousarray(vector, dtype=VECTOR_DTYPE).tobytes()


def hit_rows(
    excerpt_id: str, hits: Sequence[PhraseHit], tagger: Tagger
) -> Iterator[tuple[str, str, float, str]]:
    """Keyword matches as the store keeps them: (excerpt id, theme id, score, found)."""
    for hit in hits:
        found = json.dumps([list(hit.found), list(hit.excluded)], ensure_ascii=False)
        yield excerpt_id, tagger.themes[hit.theme].id, hit.score, found


@dataclass
class CorpusTags:
    """The calibrated tags of every excerpt, with what is needed to explain each one."""

    tagger: Tagger
    corpus: CorpusMatrix
    calibrated: Calibrated
    phrase: np.ndarray  # (rows, themes) phrase scores
    semantic: np.ndarray  # (rows, themes) context-free semantic scores
    found: dict[tuple[int, int], str]  # the stored matches, as JSON: read when explained
    examples: dict[int, Examples]
    row_of: dict[str, int]

    def rows(self, floor: float) -> Iterator[tuple[str, str, float, int]]:
        """(excerpt id, theme id, score, tagged) for the store: tagged or at least `floor`."""
        score, tagged = self.calibrated.score, self.calibrated.tagged
        keep = tagged | (score >= floor)
        theme_ids = [t.id for t in self.tagger.themes]
        ids = self.corpus.ids
        for r, t in zip(*np.nonzero(keep), strict=True):
            yield ids[r], theme_ids[t], float(score[r, t]), int(tagged[r, t])

    def explain(self, excerpt_id: str) -> list[ThemeScore]:
        """Per theme, the excerpt's score and which part decided it (no manual decision)."""
        r = self.row_of[excerpt_id]
        out: list[ThemeScore] = []
        for t, theme in enumerate(self.tagger.themes):
            matched, skipped = json.loads(self.found.get((r, t), "[[], []]"))
            found, excluded = tuple(matched), tuple(skipped)
            info = self.calibrated.themes[t]
            basis, note = None, ""
            if self.calibrated.meaning[r, t]:
                basis = "meaning"
                note = _meaning_note(info, r)
            elif self.calibrated.tagged[r, t]:
                basis = "keywords"
                note = "keywords: " + ", ".join(found) if found else "keywords and meaning"
            out.append(
                ThemeScore(
                    theme_id=theme.id,
                    score=float(self.calibrated.score[r, t]),
                    tagged=bool(self.calibrated.tagged[r, t]),
                    explanation=Explanation(
                        phrases=found,
                        excluded=excluded,
                        phrase_score=round(float(self.phrase[r, t]), 4),
                        semantic_score=round(float(self.semantic[r, t]), 4),
                        threshold=self.tagger.threshold(theme),
                        basis=basis,
                        note=note,
                    ),
                )
            )
        return out


def _meaning_note(info: object, r: int) -> str:
    from briefing.tagging.calibrate import ThemeEvidence

    assert isinstance(info, ThemeEvidence)
    parts = []
    if info.taught_added:
        parts.append(f"close to {_count(info.taught_added, 'paragraph')} you tagged")
        if info.seeds:
            parts[-1] += f" and {info.seeds} its keywords found"
    else:
        parts.append(
            f"close in meaning to the {_count(info.seeds, 'paragraph')} its keywords found"
        )
    if info.z is not None:
        parts[-1] += f" (z {float(info.z[r]):+.1f})"
    if info.doc_seeds is not None and int(info.doc_seeds[r]) > 0:
        others = int(info.doc_seeds[r])
        verb = "carries" if others == 1 else "carry"
        parts.append(f"in a document where {_count(others, 'other paragraph')} {verb} it")
    return ", ".join(parts)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def tag_corpus(
    tagger: Tagger,
    count: int,
    rows: Iterable[tuple[str, str, int, bytes | None]],
    hits: Iterable[tuple[str, str, float, str]],
    added: Mapping[str, set[str]],
    removed: Mapping[str, set[str]],
    pinned: Mapping[str, Sequence[str]],
    only: Callable[[CorpusMatrix, dict[int, Examples]], Collection[int] | None] | None = None,
) -> CorpusTags:
    """Calibrate every theme over the corpus.

    `rows`: `count` excerpts as (excerpt id, source id, position, vector bytes or None), in
    excerpt-id order; `hits`: the stored keyword matches; `added`/`removed`: tags.yaml;
    `pinned`: the brief. Both streams are read once, straight into arrays. `only`, given
    the corpus and the examples, names the themes to calibrate (None: all of them).
    """
    themes = tagger.themes
    theme_index = {t.id: i for i, t in enumerate(themes)}
    k = len(themes)
    theme_vectors = tagger.theme_vectors
    dim = int(theme_vectors.shape[1]) if theme_vectors is not None else 0
    ids: list[str] = []
    source_index: dict[str, int] = {}
    docs = np.zeros(count, dtype=np.int64)
    positions = np.zeros(count, dtype=np.int64)
    has_vector = np.zeros(count, dtype=bool)
    vectors = np.zeros((count, dim), dtype=VECTOR_DTYPE) if dim else None
    # Read in blocks, column by column (one join and one frombuffer per block of vectors):
    # a Python step per row and per column is most of the time of a re-tag.
    n = 0
    stream = iter(rows)
    while block := list(itertools.islice(stream, _BLOCK)):
        if n + len(block) > count:
            raise ValueError("the corpus grew while it was being read")
        block_ids, sources, places, blobs = zip(*block, strict=True)
        end = n + len(block)
        ids.extend(block_ids)
        docs[n:end] = [source_index.setdefault(x, len(source_index)) for x in sources]
        positions[n:end] = places
        if vectors is not None:
            good = [i for i, blob in enumerate(blobs) if blob is not None and len(blob) == dim * 2]
            if good:
                data = b"".join([blobs[i] for i in good])
                at = np.asarray(good, dtype=np.int64) + n
                vectors[at] = np.frombuffer(data, dtype=VECTOR_DTYPE).reshape(-1, dim)
                has_vector[at] = True
        n = end
    docs, positions, has_vector = docs[:n], positions[:n], has_vector[:n]
    if vectors is not None:
        vectors = vectors[:n] if has_vector.any() else None
    row_of = {eid: i for i, eid in enumerate(ids)}
    phrase = np.zeros((n, k), dtype=np.float32)
    found: dict[tuple[int, int], str] = {}
    stream_hits = iter(hits)
    while hit_block := list(itertools.islice(stream_hits, _BLOCK)):
        at_rows: list[int] = []
        at_themes: list[int] = []
        kept = []
        for i, (excerpt_id, theme_id, _, _) in enumerate(hit_block):
            r, t = row_of.get(excerpt_id), theme_index.get(theme_id)
            if r is not None and t is not None:
                at_rows.append(r)
                at_themes.append(t)
                kept.append(i)
        phrase[at_rows, at_themes] = [hit_block[i][2] for i in kept]
        found.update(
            zip(zip(at_rows, at_themes, strict=True), [hit_block[i][3] for i in kept], strict=True)
        )
    semantic = np.zeros((n, k), dtype=np.float32)
    dense = None  # one float32 copy, shared with the calibration, when it is small enough
    if vectors is not None and vectors.size <= DENSE_LIMIT:
        dense = vectors.astype(np.float32)
    if vectors is not None:
        semantic = tagger.meaning(cast("Matrix", vectors if dense is None else dense), whole=True)
        semantic[~has_vector] = 0.0
    s = tagger.settings
    if vectors is not None:
        base = s.phrase_weight * phrase + (1 - s.phrase_weight) * semantic
    else:
        base = phrase.copy()
    base = np.round(base, 4).astype(np.float32)
    thresholds = [tagger.threshold(t) for t in themes]
    keyword_tagged = base >= np.asarray(thresholds, dtype=np.float32)[None, :]
    examples = examples_by_theme(row_of, theme_index, added, removed, pinned)
    corpus = CorpusMatrix(ids, docs, positions, vectors, has_vector, dense)
    wanted = only(corpus, examples) if only is not None else None
    calibrated = calibrate(
        corpus, base, keyword_tagged, theme_vectors, thresholds, examples, s.calibration, wanted
    )
    return CorpusTags(tagger, corpus, calibrated, phrase, semantic, found, examples, row_of)
