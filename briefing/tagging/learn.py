"""Learning from the analyst: every manual decision is a labelled example.

A theme the analyst added by hand (in tags.yaml, from the CLI or the TUI) or pinned in
the brief is a positive example; one they removed is a negative. (An exclusion from the
brief is not: analysts exclude relevant excerpts for space.) The model is a prototype
in the corpus-centred embedding space, the Rocchio rule of relevance feedback:

    direction = theme vector * w  +  centroid(seeds)  -  REMOVED_WEIGHT * centroid(removed)

where the seeds are the keyword-tagged excerpts the analyst did not remove and the ones
they added, the added ones counting `TAUGHT_WEIGHT` times each. It has scikit-learn's
estimator shape (`fit` then `score`) without needing scikit-learn: a few examples are
all there is to fit. The calibration (`calibrate`) also holds the examples in or out of
the theme's mixture component and lets them move where the theme tags.
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
TAUGHT_WEIGHT = 1.0  # a hand-made example counts as this many keyword-found ones
REMOVED_WEIGHT = 0.0  # the removed examples' centroid is not pushed away from: drawn from all
_GATHER = 1024  # rows gathered at a time for a centroid (bounds its memory at scale)


@dataclass
class Examples:
    """The rows the analyst decided for one theme."""

    added: set[int] = field(default_factory=set)  # added by hand or pinned in the brief
    removed: set[int] = field(default_factory=set)
    pinned: set[int] = field(default_factory=set)  # of `added`, those from a pin alone


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
                if row not in examples.removed and row not in examples.added:
                    examples.added.add(row)
                    examples.pinned.add(row)
    return out


class Prototype:
    """One theme's direction in the centred space; `fit` on examples, `score` on vectors."""

    def __init__(self, theme_weight: float) -> None:
        self.theme_weight = theme_weight
        self.direction: Floats | None = None
        self._theme: Floats | None = None  # the theme's unit vector (centred space)
        self._centroid: Floats | None = None  # the examples' weighted sum, before `_unit`
        self._weights: Floats | None = None  # per row, its weight in that sum

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
        self._theme, self._weights = theme, weights
        if weights.sum() > 0:
            self._centroid = _centroid(corpus, mean, norms, weights)
            direction = direction + _unit(self._centroid)
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

    def score_left_out(
        self, corpus: CorpusMatrix, mean: Floats, norms: Floats, rows: Sequence[int]
    ) -> Floats:
        """Like `score`, but each of `rows` is scored by the direction fitted without it.

        An example scored by a prototype it helped build sits higher than an unseen
        excerpt like it would (by about its own share of the centroid); left out, it shows
        where the excerpts like it sit. Closed form: the centroid less the row's own term.
        """
        out = self.score(corpus, mean, norms)
        assert self._theme is not None and self._weights is not None
        at = np.asarray(sorted(rows), dtype=np.int64)
        at = at[self._weights[at] > 0] if len(at) else at
        if self._centroid is None or not len(at) or REMOVED_WEIGHT:
            return out  # (with a removed centroid in the direction, no closed form here)
        assert corpus.vectors is not None
        x = corpus.vectors[at].astype(np.float64) - mean.astype(np.float64)
        x /= norms[at, None].astype(np.float64)
        w = self._weights[at].astype(np.float64)
        c, t = self._centroid.astype(np.float64), self._theme.astype(np.float64)
        xc, xt, xx = x @ c, x @ t, (x * x).sum(axis=1)
        # c' = c - w x; u = c' / |c'|; direction' = (a t + u) / |a t + u|.
        length = np.sqrt(np.maximum(float(c @ c) - 2 * w * xc + w * w * xx, 0.0))
        alone = length <= 1e-6  # the only example: the direction is the theme's alone
        length = np.where(alone, 1.0, length)
        x_u = np.where(alone, 0.0, (xc - w * xx) / length)
        t_u = np.where(alone, 0.0, (float(t @ c) - w * xt) / length)
        a = self.theme_weight
        norm = np.sqrt(np.maximum(a * a + np.where(alone, 0.0, 1.0) + 2 * a * t_u, 1e-12))
        out[at] = ((a * xt + x_u) / norm).astype(np.float32)
        return out


def _centroid(corpus: CorpusMatrix, mean: Floats, norms: Floats, weights: Floats) -> Floats:
    """Weighted mean of the chosen rows, each centred and made unit length.

    The rows are gathered `_GATHER` at a time (a theme's seeds can be a fifth of a large
    corpus: 1 GB gathered at once at 100,000 articles). numpy sums the rows of a matrix
    one after the other, so carrying the running total in as the first row of the next
    block adds in the same order, to the same float64 bits, as one sum over all rows."""
    assert corpus.vectors is not None
    rows = np.flatnonzero(weights)  # ascending: a fixed order of summation
    total: npt.NDArray[np.float64] | None = None
    for start in range(0, len(rows), _GATHER):
        at = rows[start : start + _GATHER]
        block = corpus.vectors[at].astype(np.float32) - mean
        block /= norms[at, None]
        block *= weights[at, None]
        wide = block.astype(np.float64)
        total = (wide if total is None else np.vstack([total[None, :], wide])).sum(axis=0)
    if total is None:
        return np.zeros(len(mean), dtype=np.float32)
    return total.astype(np.float32)


def _unit(vector: Floats) -> Floats:
    norm = float(np.linalg.norm(vector))
    return (vector / norm if norm > 0 else vector).astype(np.float32)


class Neighbours:
    """Closeness to the nearest examples: a theme with several faces (bases, exercises,
    patrols) has no single centre, and the nearest seeds find each face.

    `score` is the mean cosine (centred space) of each row with its `k` nearest positive
    examples, itself left out, less `against` times the same with the removed examples.
    """

    def __init__(self, k: int, against: float, limit: int = 2000) -> None:
        self.k, self.against, self.limit = k, against, limit
        self._positive: npt.NDArray[np.int64] | None = None
        self._negative: npt.NDArray[np.int64] | None = None

    def fit(
        self, positive: npt.NDArray[np.bool_], negative: npt.NDArray[np.bool_], rank: Floats
    ) -> Neighbours:
        """Remember the examples; past `limit`, the best-ranked ones (ties by row)."""
        self._positive = _best(np.flatnonzero(positive), rank, self.limit)
        self._negative = _best(np.flatnonzero(negative), rank, self.limit)
        return self

    def score(self, corpus: CorpusMatrix, mean: Floats, norms: Floats) -> Floats:
        assert self._positive is not None and self._negative is not None
        out = _nearest(corpus, mean, norms, self._positive, self.k)
        if len(self._negative) and self.against:
            out -= self.against * _nearest(corpus, mean, norms, self._negative, self.k)
        return out


def _best(rows: npt.NDArray[np.int64], rank: Floats, limit: int) -> npt.NDArray[np.int64]:
    if len(rows) <= limit:
        return rows
    order = np.lexsort((rows, -rank[rows]))
    return np.sort(rows[order[:limit]])


def _nearest(
    corpus: CorpusMatrix, mean: Floats, norms: Floats, rows: npt.NDArray[np.int64], k: int
) -> Floats:
    """Per corpus row, the mean cosine with its k nearest among `rows` (itself left out)."""
    from briefing.tagging.calibrate import project

    if len(rows) == 0:
        return np.zeros(len(corpus), dtype=np.float32)
    assert corpus.vectors is not None
    examples = corpus.vectors[rows].astype(np.float32) - mean
    examples /= np.where(np.isfinite(norms[rows]), norms[rows], 1.0)[:, None]
    sims = project(corpus, mean, norms, examples)  # (rows of corpus, examples)
    sims[rows, np.arange(len(rows))] = -np.inf  # an example is not its own neighbour
    take = min(k, len(rows))
    top = -np.partition(-sims, take - 1, axis=1)[:, :take] if take < len(rows) else sims
    finite = np.isfinite(top)
    total = np.where(finite, top, 0.0).sum(axis=1)
    count = finite.sum(axis=1)
    return np.where(count > 0, total / np.maximum(count, 1), 0.0).astype(np.float32)
