"""Context-free scores as arrays: the numbers of `Tagger.scores_of`, without building a
ThemeScore and an Explanation for every (text, theme) pair and throwing most away.

Every figure is computed as `scores_of` computes it (same float64 operations in the same
order, the same Python `round`), so what is kept is bit-identical; only the rows that
are kept become Python objects.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from briefing.tagging.semantic import Matrix
    from briefing.tagging.tagger import PhraseHit, Tagger

# Below a theme's threshold by more than this, no rounding to 4 places can reach it.
_MARGIN = 1e-3


class Blended:
    """The unrounded blend of phrase and meaning of n texts for each theme."""

    def __init__(
        self, tagger: Tagger, vectors: Matrix | None, phrases: Sequence[Sequence[PhraseHit]]
    ) -> None:
        k = len(tagger.themes)
        phrase = np.zeros((len(phrases), k), dtype=np.float64)
        for row, hits in enumerate(phrases):
            for hit in hits:
                phrase[row, hit.theme] = hit.score
        if tagger.embedder is None:  # `Tagger.blend` rounds the phrase score alone
            self.raw = phrase
        else:
            s = tagger.settings
            sem = (
                tagger.meaning(vectors).astype(np.float64)
                if vectors is not None
                else np.zeros_like(phrase)
            )
            self.raw = s.phrase_weight * phrase + (1 - s.phrase_weight) * sem
        self.thresholds = [tagger.threshold(t) for t in tagger.themes]

    def score(self, row: int, theme: int) -> float:
        """The context-free score, as `Tagger.blend` rounds it."""
        return round(float(self.raw[row, theme]), 4)

    def tagged(self) -> list[list[int]]:
        """For each text, the themes whose rounded score reaches their threshold."""
        limits = np.asarray(self.thresholds, dtype=np.float64) - _MARGIN
        out: list[list[int]] = [[] for _ in range(len(self.raw))]
        for row, theme in zip(*np.nonzero(self.raw >= limits[None, :]), strict=True):
            if self.score(int(row), int(theme)) >= self.thresholds[theme]:
                out[int(row)].append(int(theme))
        return out
