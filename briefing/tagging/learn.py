"""Learning from the analyst: every manual decision is a labelled example.

A theme the analyst added by hand (in tags.yaml, from the CLI or the TUI) or pinned in
the brief is a positive example; one they removed is a negative. (An exclusion from the
brief is not: analysts exclude relevant excerpts for space.) The model is a prototype
in the corpus-centred embedding space, the Rocchio rule of relevance feedback:

    direction = theme vector * w  +  centroid(seeds)  -  centroid(removed) / 2

where the seeds are the keyword-tagged excerpts and the taught ones, the taught ones
counting `TAUGHT_WEIGHT` times each. It has scikit-learn's estimator shape (`fit` then
`score`) without needing scikit-learn: a few examples are all there is to fit.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

if TYPE_CHECKING:
    from briefing.tagging.calibrate import CorpusMatrix

Floats = npt.NDArray[np.float32]
TAUGHT_WEIGHT = 3.0  # a hand-made example counts as this many keyword-found ones
REMOVED_WEIGHT = 0.5  # how far the removed examples' centroid pushes the direction away


@dataclass
class Examples:
    """The rows the analyst decided for one theme."""

    added: set[int] = field(default_factory=set)  # added by hand or pinned in the brief
    removed: set[int] = field(default_factory=set)


def examples_by_theme(
    row_of: Mapping[str, int],
    theme_index: Mapping[str, int],
    added: Mapping[str, set[str]],
    removed: Mapping[str, set[str]],
    pinned: Mapping[str, Sequence[str]],
) -> dict[int, Examples]:
    """Per theme index, its examples as corpus rows; ids no longer in the corpus are skipped.

    `added`/`removed`: excerpt id -> theme ids (tags.yaml); `pinned`: theme id -> excerpt
    ids (the brief). A pin the analyst also removed by hand counts as removed.
    """
    out: dict[int, Examples] = {}
    for table, kind in ((added, "added"), (removed, "removed")):
        for excerpt_id, themes in table.items():
            row = row_of.get(excerpt_id)
            if row is None:
                continue
            for theme_id in themes:
                t = theme_index.get(theme_id)
                if t is not None:
                    getattr(out.setdefault(t, Examples()), kind).add(row)
    for theme_id, excerpt_ids in pinned.items():
        t = theme_index.get(theme_id)
        if t is None:
            continue
        for excerpt_id in excerpt_ids:
            row = row_of.get(excerpt_id)
            if row is not None:
                examples = out.setdefault(t, Examples())
                if row not in examples.removed:
                    examples.added.add(row)
    return out


class Prototype:
    """One theme's direction in the centred space; `fit` on examples, `score` on vectors."""

    def __init__(self, theme_weight: float) -> None:
        self.theme_weight = theme_weight
        self.direction: Floats | None = None

    def fit(
        self,
        corpus: CorpusMatrix,
        mean: Floats,
        norms: Floats,
        theme_vector: Floats,
        positive: npt.NDArray[np.bool_],
        negative: npt.NDArray[np.bool_],
        taught: Examples,
    ) -> Prototype:
        """The direction from the theme's vector, the seeds (`positive`, the taught ones
        among them weighing more) and the removed examples (`negative`)."""
        assert corpus.vectors is not None
        theme = _unit(theme_vector.astype(np.float32) - mean)
        direction = self.theme_weight * theme
        weights = positive.astype(np.float32)
        if taught.added:
            weights[sorted(taught.added)] = TAUGHT_WEIGHT
        weights[~corpus.has_vector] = 0.0
        if weights.sum() > 0:
            direction = direction + _unit(_centroid(corpus, mean, norms, weights))
        against = negative & corpus.has_vector
        if against.any():
            direction = direction - REMOVED_WEIGHT * _unit(
                _centroid(corpus, mean, norms, against.astype(np.float32))
            )
        self.direction = _unit(direction)
        return self

    def score(self, corpus: CorpusMatrix, mean: Floats, norms: Floats) -> Floats:
        """Cosine of each row (centred) with the direction."""
        from briefing.tagging.calibrate import project

        assert self.direction is not None
        return project(corpus, mean, norms, self.direction[None, :])[:, 0]


def _centroid(corpus: CorpusMatrix, mean: Floats, norms: Floats, weights: Floats) -> Floats:
    """Weighted mean of the chosen rows, each centred and made unit length."""
    assert corpus.vectors is not None
    rows = np.flatnonzero(weights)  # ascending: a fixed order of summation
    block = corpus.vectors[rows].astype(np.float32) - mean
    block /= norms[rows, None]
    return (block * weights[rows, None]).sum(axis=0, dtype=np.float64).astype(np.float32)


def _unit(vector: Floats) -> Floats:
    norm = float(np.linalg.norm(vector))
    return (vector / norm if norm > 0 else vector).astype(np.float32)
