"""Tags relative to the corpus: each theme calibrated on the workspace's own excerpts.

A taxonomy written in a hurry names a theme with a few keywords; the paragraphs that
carry it often use none of them ("the ice", "the route", "vessel"). Those paragraphs are
not far from the theme in meaning, but "not far" only means something relative to the
rest of the corpus. So, per theme, from the stored excerpt vectors alone:

1. The seeds: the excerpts its keywords tag with confidence, plus the excerpts the
   analyst tagged by hand or pinned in the brief (the `learn` module's examples).
2. A prototype (`learn.Prototype`): the theme's own vector plus the centroid of the
   seeds, less the centroid of the excerpts the analyst took the theme away from; in a
   space centred on the corpus mean, so that what every excerpt shares counts for nothing.
3. Each excerpt's evidence: its similarity to the prototype as a z-score over the corpus,
   plus its document's context (how many of the document's other paragraphs carry the
   theme, and how close they are to it, next to the rate in the corpus).
4. A two-component mixture fitted to that evidence (expectation-maximisation, seeds held
   in the theme's component, the analyst's removals out of it): an excerpt joins the
   theme when its belief in the seeds' component reaches the setting `posterior` (0.35,
   under even odds because a tag is judged by F1: see `settings`).
   A theme whose keywords found nearly everything gets a component with almost no one
   else in it; a sparse theme gets the paragraphs that sit where its seeds sit.
   When the component claims more than half the undecided paragraphs of the documents
   its seeds are in (its neighbourhood), it has taken their subject for the theme: in a
   folder that also holds unrelated pages, every paragraph of the subject sits above the
   corpus mean, and document context then carried the theme to every paragraph of each
   article (a paragraph at z -0.3 tagged for its document). The mixture is then fitted
   against the neighbourhood alone, as in a corpus of that subject only.
5. Three rounds of this (pseudo-relevance feedback): who joined feeds the next round's
   prototype and document context.
6. The analyst's decisions on excerpts the keywords did not tag move the evidence level at
   which the theme tags, where the excerpts passed over are expected to agree with them
   (`_agree_with_decisions`). What the band passed over holds is estimated from the
   decisions themselves, read as a sample of the theme where they can be (each added
   example stands for the theme's paragraphs it represents), not from the mixture's
   belief, which is ~0 across the band wherever the mixture collapsed.

The mixture itself is knife-edged on a small or sparse theme: it collapses (share ~0,
the keyword seeds high and tight, so nothing else joins) or claims a third of the corpus,
by a small change in its input. It stays the base cut all the same, because no stable
unsupervised cut measured did better: a fixed two-component model (background from the
bulk's median and MAD, the theme's from the seeds scored left out, spread shrunk toward
the background's, the share by maximum likelihood alone, which is concave) and wider
floors on the theme's spread each bought Arctic's recall with the sample's precision
(sample eval 0.902 -> 0.75-0.87). On the evidence alone the sample's arms-sales has a
tail of non-theme paragraphs (other defence news) shaped like the tail of Arctic
military-presence's unfound paragraphs; only the analyst's decisions tell them apart.

Taught examples reshape a theme (its seeds, prototype, document context and mixture)
only where the analyst added by hand more paragraphs than its keywords found: they stand in
for keywords that found little, and each is placed in the mixture by the prototype fitted
without it (`Prototype.score_left_out`: scored by a prototype it helped build, an example
sits higher than the unseen paragraphs like it, and tightens the theme around itself).
Where the keywords found at least as many, the decisions move the cut (6) and win on their
own excerpts, and a removed excerpt leaves the seeds and is held out of the theme's
component, but added ones do not reshape the prototype or the mixture: measured over 20
draws of 4 added and 4 removed examples per theme, feeding them in re-ranked nothing
(ranking AUC 0.929 -> 0.930 on Arctic) and only made the knife-edge mixture cut noisier
(the sample lost on 3 draws of 20, Arctic on 10, by up to 0.07).
Extra evidence terms fitted on a handful of examples (nearness to the nearest examples, a
linear model on the embeddings), or a separate vote of the examples on the excerpts near
the cut (nearest neighbours, a logistic model), did no better.

Everything is a function of the corpus (in excerpt-id order) and the decisions, so the
order and batching of ingests cannot change a tag, and `rebuild` reproduces them.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from briefing.tagging.learn import Examples, Neighbours, Prototype
from briefing.tagging.settings import CalibrationSettings

Floats = npt.NDArray[np.float32]
_CHUNK = 16384  # rows at a time through the float32 products (bounds memory at scale)
_MIN_SPREAD = 0.25  # floor of a mixture component's spread, in z units
DENSE_LIMIT = 32 * 1024 * 1024  # vector values kept as float32 at most (128 MB)
_FIT_ROWS = 5000  # undecided rows the mixture is fitted on, at most
_MAX_SHARE = 0.5  # the theme's component never claims more than half the other excerpts


@dataclass
class CorpusMatrix:
    """The corpus as the calibration reads it, rows in excerpt-id order."""

    ids: Sequence[str]
    docs: npt.NDArray[np.int64]  # per row, its source's index
    positions: npt.NDArray[np.int64]  # per row, its place in its source
    vectors: npt.NDArray[np.float16] | None  # (rows, dim); None without an embedder
    has_vector: npt.NDArray[np.bool_]
    dense: Floats | None = None  # the vectors as float32, made once by `centred`
    centre: tuple[Floats, Floats] | None = None  # what `centred` gives, when already known

    def __len__(self) -> int:
        return len(self.ids)


@dataclass
class ThemeEvidence:
    """What calibrating one theme found: enough to explain any excerpt's tag."""

    seeds: int = 0  # excerpts the keywords tagged with confidence (not removed by hand)
    calibrated: bool = False  # False: left out of this run (`calibrate`'s `only`)
    taught_added: int = 0
    taught_removed: int = 0
    share: float = 0.0  # the theme component's share of the other excerpts
    z: Floats | None = None
    doc_seeds: npt.NDArray[np.int32] | None = None  # per row: other seeds in its document
    # Per row: tagged only because the analyst's decisions moved the cut to it (None: none).
    reached: npt.NDArray[np.bool_] | None = None


@dataclass
class Calibrated:
    """Per excerpt and theme: the score, whether tagged, and which part decided."""

    score: Floats  # (rows, themes) in [0, 1]
    tagged: npt.NDArray[np.bool_]
    meaning: npt.NDArray[np.bool_]  # tagged by the calibration, not by keywords
    themes: list[ThemeEvidence] = field(default_factory=list)


def centred(corpus: CorpusMatrix) -> tuple[Floats, Floats]:
    """The corpus mean vector (float64 sums, fixed order) and each row's norm after centring."""
    assert corpus.vectors is not None
    vectors = corpus.vectors
    total = np.zeros(vectors.shape[1], dtype=np.float64)
    for start in range(0, len(vectors), _CHUNK):
        total += vectors[start : start + _CHUNK].astype(np.float64).sum(axis=0)
    count = max(int(corpus.has_vector.sum()), 1)
    mean = (total / count).astype(np.float32)
    norms = np.empty(len(vectors), dtype=np.float32)
    # A float32 copy makes each product one BLAS call; past DENSE_LIMIT values the copy
    # would cost too much memory, and blocks are converted as they are used instead
    # (the same float32 values either way, so the same results).
    made = corpus.dense is None and vectors.size <= DENSE_LIMIT
    if made:
        corpus.dense = np.empty(vectors.shape, dtype=np.float32)
    for start in range(0, len(vectors), _CHUNK):
        if corpus.dense is not None and not made:  # made by the reader: the same values
            block = corpus.dense[start : start + _CHUNK].copy()
        else:
            block = vectors[start : start + _CHUNK].astype(np.float32)
        if made and corpus.dense is not None:
            corpus.dense[start : start + _CHUNK] = block
        block -= mean
        norms[start : start + len(block)] = np.linalg.norm(block, axis=1)
    norms[~corpus.has_vector] = np.inf  # a row without a vector is similar to nothing
    norms[norms == 0] = np.inf
    return mean, norms


def project(corpus: CorpusMatrix, mean: Floats, norms: Floats, directions: Floats) -> Floats:
    """(rows, directions) cosine of each centred row with each direction (unit rows)."""
    assert corpus.vectors is not None
    assert corpus.vectors is not None
    out = np.empty((len(corpus), len(directions)), dtype=np.float32)
    shift = directions @ mean  # (v - mean) . d = v . d - mean . d
    for start in range(0, len(corpus), _CHUNK):
        if corpus.dense is not None:
            block = corpus.dense[start : start + _CHUNK]
        else:
            block = corpus.vectors[start : start + _CHUNK].astype(np.float32)
        out[start : start + len(block)] = block @ directions.T - shift
        del block  # before the next is read: one block held at a time, not two
    out /= norms[:, None]
    return out


def _document_context(
    corpus: CorpusMatrix, seeds: npt.NDArray[np.bool_], z: Floats
) -> tuple[Floats, Floats, npt.NDArray[np.bool_], npt.NDArray[np.int32]]:
    """Per row: the share of its document's other rows that are seeds, their mean z, their
    seed count, and whether the row before or after it in the document is a seed."""
    docs = corpus.docs
    n_docs = int(docs.max()) + 1 if len(docs) else 0
    count = np.bincount(docs, minlength=n_docs).astype(np.float32)
    seeded = np.bincount(docs, weights=seeds.astype(np.float64), minlength=n_docs)
    zsum = np.bincount(docs, weights=z.astype(np.float64), minlength=n_docs)
    share = np.empty(len(docs), dtype=np.float32)
    doc_z = np.empty(len(docs), dtype=np.float32)
    other_seeds = np.empty(len(docs), dtype=np.int32)
    for start in range(0, len(docs), _CHUNK):  # row by row: a block at a time (memory)
        rows = slice(start, start + _CHUNK)
        at = docs[rows]
        others = np.maximum(count[at] - 1, 1)
        other = seeded[at] - seeds[rows]
        share[rows] = other / others
        doc_z[rows] = (zsum[at] - z[rows]) / others
        doc_z[rows][count[at] <= 1] = 0.0
        other_seeds[rows] = other
    # Neighbours: rows sorted by (document, position); adjacent in that order and in one
    # document means adjacent paragraphs (positions may skip where boilerplate was cut).
    order = np.lexsort((corpus.positions, docs))
    neighbour = np.zeros(len(docs), dtype=bool)
    in_order = docs[order]
    same = in_order[1:] == in_order[:-1]
    del in_order
    before, after = order[:-1], order[1:]
    neighbour[after[same & seeds[before]]] = True
    neighbour[before[same & seeds[after]]] = True
    return share - float(seeds.mean()), doc_z, neighbour, other_seeds


def _normal(x: npt.NDArray[np.float64], mean: float, spread: float) -> npt.NDArray[np.float64]:
    return np.exp(-0.5 * ((x - mean) / spread) ** 2) / spread


def _mixture(
    evidence: Floats,
    positive: npt.NDArray[np.bool_],
    negative: npt.NDArray[np.bool_],
    iterations: int,
    fit_on: npt.NDArray[np.bool_] | None = None,
) -> tuple[Floats, float]:
    """Belief that each row belongs to the seeds' component, and that component's share of
    the undecided rows. Seeds are held in it and removals out of it (semi-supervised EM).
    With `fit_on`, the undecided rows the mixture is fitted on are those alone."""
    free = ~(positive | negative)
    if fit_on is not None:
        free &= fit_on
    sample = evidence[free]
    if len(sample) > _FIT_ROWS:  # an even sample, in corpus order, fits the same mixture
        sample = sample[:: -(-len(sample) // _FIT_ROWS)]
    x = sample.astype(np.float64)
    if len(x) == 0:
        return positive.astype(np.float32), 0.0
    seeds = evidence[positive].astype(np.float64)
    # The seeds' centre and spread, robustly: a keyword met in passing, or an example far
    # from the rest, must not stretch the theme's component over the whole corpus.
    low, pos_mean, high = (float(v) for v in np.percentile(seeds, [25, 50, 75]))
    pos_spread = max((high - low) / 1.349, _MIN_SPREAD)
    seeds = seeds[(seeds >= low - 1.5 * (high - low))]  # far-low outliers left out
    # The removed examples stay out of the theme's component and count, whole, in the
    # other one: on a small corpus, leaving them out of the fit would shift it.
    neg_mean, neg_spread = float(x.mean()), max(float(x.std()), _MIN_SPREAD)
    known_rest = evidence[negative & np.isfinite(evidence)].astype(np.float64)
    share = 0.1
    belief = np.zeros(len(x))
    for _ in range(iterations):
        a = share * _normal(x, pos_mean, pos_spread)
        b = (1 - share) * _normal(x, neg_mean, neg_spread)
        new = a / np.maximum(a + b, 1e-300)
        # The theme's component: the seeds and, in part, those likely to belong with them.
        w = np.concatenate([np.ones(len(seeds)), new])
        v = np.concatenate([seeds, x])
        pos_mean = float((w * v).sum() / w.sum())
        spread = float(np.sqrt((w * (v - pos_mean) ** 2).sum() / w.sum()))
        pos_spread = max(spread, _MIN_SPREAD)
        wn, vn = 1 - new, x
        if len(known_rest):
            wn = np.concatenate([wn, np.ones(len(known_rest))])
            vn = np.concatenate([x, known_rest])
        neg_mean = float((wn * vn).sum() / max(wn.sum(), 1e-9))
        neg_spread = max(
            float(np.sqrt((wn * (vn - neg_mean) ** 2).sum() / max(wn.sum(), 1e-9))), _MIN_SPREAD
        )
        share = min(float(new.sum()) / (len(new) + len(known_rest)), _MAX_SHARE)
        done = np.abs(new - belief).max() < 1e-5
        belief = new
        if done:
            break
    # Every row's belief under the fitted mixture (seeds too: it ranks them), a block of
    # rows at a time (each row's alone: the same values as all at once, less memory).
    everyone = np.empty(len(evidence), dtype=np.float32)
    for start in range(0, len(evidence), _CHUNK):
        values = evidence[start : start + _CHUNK].astype(np.float64)
        a = share * _normal(values, pos_mean, pos_spread)
        b = (1 - share) * _normal(values, neg_mean, neg_spread)
        belief_here = a / np.maximum(a + b, 1e-300)
        # Above the seeds' own centre, belief only grows (a narrow negative component must
        # not claim the far side of the theme's).
        above = values >= pos_mean
        belief_here[above] = np.maximum(belief_here[above], 0.5)
        everyone[start : start + len(values)] = belief_here
    return everyone, share


def calibrate(
    corpus: CorpusMatrix,
    base: Floats,
    keyword_tagged: npt.NDArray[np.bool_],
    theme_vectors: Floats | None,
    thresholds: Sequence[float],
    examples: Mapping[int, Examples],
    settings: CalibrationSettings,
    only: Collection[int] | None = None,
) -> Calibrated:
    """Tags for the whole corpus: keywords, then meaning relative to the corpus.

    `base` is each excerpt's context-free score (keywords and meaning, as before
    calibration), `keyword_tagged` where it reaches the theme's threshold; `examples`
    holds, per theme index, the rows the analyst decided. With `only`, just those themes
    are calibrated (the others keep `base`, marked not calibrated): a theme's tags depend
    on the corpus, its own keywords and its own examples, never on another theme's.
    """
    rows, n_themes = base.shape
    score = base.astype(np.float32).copy()
    tagged = keyword_tagged.copy()
    meaning = np.zeros_like(tagged)
    result = Calibrated(score=score, tagged=tagged, meaning=meaning)
    usable = corpus.vectors is not None and theme_vectors is not None and rows > 2
    wanted = set(range(n_themes)) if only is None else set(only)
    if usable and wanted:
        mean, norms = corpus.centre if corpus.centre is not None else centred(corpus)
    for t in range(n_themes):
        if t not in wanted:
            result.themes.append(ThemeEvidence())
            continue
        taught = examples.get(t, Examples())
        positive = keyword_tagged[:, t].copy()
        positive[list(taught.removed)] = False
        seeds = int(positive.sum())
        positive[list(taught.added)] = True
        negative = np.zeros(rows, dtype=bool)
        negative[list(taught.removed)] = True
        info = ThemeEvidence(
            seeds=seeds,
            calibrated=True,
            taught_added=len(taught.added),
            taught_removed=len(taught.removed),
        )
        result.themes.append(info)
        if not usable:
            continue
        assert theme_vectors is not None
        # The decisions that speak to what meaning tags: on excerpts the keywords did not tag.
        decided_by_hand = Examples(
            {r for r in taught.added if not keyword_tagged[r, t]},
            {r for r in taught.removed if not keyword_tagged[r, t]},
        )
        held_out = negative
        if len(decided_by_hand.added) <= seeds:
            # The keywords found at least as many: the added examples move the cut and win
            # on their own excerpts, but do not reshape the prototype or the mixture (a few
            # of them there re-ranked nothing and only made the cut noisier). Removed ones
            # still leave the seeds and stay out of the theme's component.
            positive[list(taught.added)] = keyword_tagged[list(taught.added), t]
            taught = Examples()
            info.taught_added = info.taught_removed = 0
        near = _taught_nearness(
            corpus, mean, norms, negative, decided_by_hand, seeds, base[:, t], settings
        ) if taught.added else None  # fmt: skip
        # What the analyst's additions say about how much of the theme the keywords find.
        pinned = examples.get(t, Examples()).pinned  # chosen for the memo: not a sample
        draw = Draw(
            len(examples.get(t, Examples()).added - pinned),
            len(decided_by_hand.added - pinned),
            seeds,
        )
        context = positive
        for round_ in range(settings.rounds):  # pseudo-relevance feedback: joins feed the next
            last = round_ == settings.rounds - 1  # decisions move the cut once, at the end
            belief, z, doc_seeds, info.share, reached = _one_round(
                corpus, mean, norms, theme_vectors[t], context, positive, negative, taught,
                settings, decided_by_hand if last else None, near,
                left_out=decided_by_hand.added if taught.added else (), draw=draw,
            )  # fmt: skip
            joins = (belief >= settings.posterior) & ~positive & ~held_out
            context = positive | joins
        info.z, info.doc_seeds = z, doc_seeds
        info.reached = reached & joins if reached is not None and reached.any() else None
        threshold = thresholds[t]
        tau = settings.posterior
        mapped = np.where(
            belief >= tau,
            threshold + (1 - threshold) * 0.8 * (belief - tau) / max(1 - tau, 1e-6),
            threshold * belief / max(tau, 1e-6),
        ).astype(np.float32)
        score[:, t] = np.maximum(score[:, t], np.minimum(mapped, 0.9))
        # An excerpt below the threshold on both counts keeps its score under it.
        score[~(tagged[:, t] | joins), t] = np.minimum(
            score[~(tagged[:, t] | joins), t], np.float32(threshold - 1e-4)
        )
        tagged[:, t] |= joins
        meaning[:, t] = joins
    np.round(score, 4, out=score)
    return result


def _neighbourhood(
    docs: npt.NDArray[np.int64], seeds: npt.NDArray[np.bool_]
) -> npt.NDArray[np.bool_]:
    """Per row: whether its document holds a seed."""
    seeded = np.zeros(int(docs.max()) + 1 if len(docs) else 0, dtype=bool)
    seeded[docs[seeds]] = True
    return seeded[docs]


def _zscores(similarity: Floats, has_vector: npt.NDArray[np.bool_]) -> Floats:
    values = similarity[has_vector].astype(np.float64)
    if len(values) < 2:
        return np.zeros_like(similarity)
    spread = float(values.std()) or 1.0
    z = ((similarity - float(values.mean())) / spread).astype(np.float32)
    z[~has_vector] = 0.0
    return z


def _one_round(
    corpus: CorpusMatrix,
    mean: Floats,
    norms: Floats,
    theme_vector: Floats,
    context: npt.NDArray[np.bool_],
    positive: npt.NDArray[np.bool_],
    negative: npt.NDArray[np.bool_],
    taught: Examples,
    settings: CalibrationSettings,
    cut_examples: Examples | None = None,
    near: Floats | None = None,
    left_out: Collection[int] = (),
    draw: Draw | None = None,
) -> tuple[Floats, Floats, npt.NDArray[np.int32], float, npt.NDArray[np.bool_] | None]:
    """Belief in the theme per row, from a prototype and document context built on
    `context` (the seeds, then the seeds and who joined them), with `positive` held in the
    theme's component and `negative` out of it. Also the z-scores, per-row seed counts of
    the document, and the component's share. The rows in `left_out` (examples added by
    hand where no keyword matched) are scored by the prototype fitted without them."""
    prototype = Prototype(settings.theme_weight).fit(
        corpus, mean, norms, theme_vector, context, negative, taught
    )
    if left_out:
        similarity = prototype.score_left_out(corpus, mean, norms, sorted(left_out))
    else:
        similarity = prototype.score(corpus, mean, norms)
    z = _zscores(similarity, corpus.has_vector)
    if near is not None:
        z = z + near
    share, doc_z, neighbour, doc_seeds = _document_context(corpus, context, z)
    evidence = (
        z
        + settings.doc_share_weight * share
        + settings.neighbour_weight * neighbour
        + settings.doc_meaning_weight * doc_z
    ).astype(np.float32)
    evidence[~corpus.has_vector] = -np.inf
    component = 0.0
    if int(positive.sum()) >= settings.min_seeds:
        belief, component = _mixture(
            evidence,
            positive,
            negative,
            settings.iterations,
        )
        # The theme's neighbourhood: the documents its seeds are in. When the component
        # claims more than half of its undecided paragraphs, it has taken the subject of
        # those documents for the theme (their paragraphs all sit above the rest of a
        # corpus that holds other subjects too), and the theme is fitted against its
        # neighbourhood alone, as it would be in a corpus of that subject only.
        hood = _neighbourhood(corpus.docs, positive)
        undecided = hood & ~positive & ~negative & corpus.has_vector
        if undecided.any():
            claimed = float((belief[undecided] >= settings.posterior).mean())
            if claimed > _MAX_SHARE:
                belief, component = _mixture(
                    evidence, positive, negative, settings.iterations, hood
                )
    else:
        belief = (evidence >= settings.lone_z).astype(np.float32)
    belief[~corpus.has_vector] = 0.0
    if cut_examples is not None and (cut_examples.added or cut_examples.removed):
        before = belief
        belief = _agree_with_decisions(
            belief, evidence, positive, cut_examples, settings.posterior,
            draw or Draw(len(cut_examples.added), len(cut_examples.added), int(positive.sum())),
            settings.guess_weight,
        )  # fmt: skip
        reached = (belief >= settings.posterior) & (before < settings.posterior)
        return belief, z, doc_seeds, component, reached
    return belief, z, doc_seeds, component, None


@dataclass(frozen=True)
class Draw:
    """One theme's decisions in tags.yaml, as a sample of its paragraphs: how many the
    analyst added, how many of those the keywords had not tagged, and the keyword seeds.
    A pin in the brief is not counted: it is chosen from what the theme already tags, for
    the memo, so it says nothing of how much the keywords miss (it still counts as an
    example where it sits)."""

    added: int
    by_hand: int
    seeds: int


def _represented(
    draw: Draw, joined: int, rows: int, removed: int, guess_weight: float
) -> tuple[float, float]:
    """How many of the theme's paragraphs one added example stands for, and how many of the
    others one removed example stands for.

    Added examples among which the keywords had tagged some are taken as a sample of the
    theme's paragraphs: the share of them that no keyword tagged estimates the share of the
    theme the keywords miss, `p`, and the theme then has about seeds / (1 - p) paragraphs,
    of which each added example is one in `added`. The tagger's own estimate before the
    decisions (its joins against its seeds) counts as `guess_weight` decisions, so a single
    example cannot claim that the keywords miss everything.

    When every added example is one the keywords missed, they cannot be told from an
    analyst who added what the tagger missed (a review of suggestions does nothing else),
    which says nothing of how much it missed: then each stands for itself alone. Measured
    on the development sets with a teacher who adds the best-ranked paragraphs the tagger
    missed, reading them as a sample of the theme tagged the paragraphs the teacher had
    passed over (Arctic 0.93 -> 0.78 on the rest, sample 1.00 -> 0.90)."""
    seeds = max(draw.seeds, 1)
    guess = joined / (joined + seeds)
    p = (draw.by_hand + guess_weight * guess) / max(draw.added + guess_weight, 1e-9)
    theme = seeds / max(1.0 - p, 1e-6)
    per_added = theme / max(draw.added, 1) if draw.by_hand < draw.added else 1.0
    per_removed = max(rows - theme, 1.0) / max(removed, 1)
    return per_added, per_removed


def _agree_with_decisions(
    belief: Floats,
    evidence: Floats,
    positive: npt.NDArray[np.bool_],
    taught: Examples,
    tau: float,
    draw: Draw,
    guess_weight: float,
) -> Floats:
    """Move the evidence level at which the theme tags where the analyst's decisions say it
    is wrong, as far as the excerpts it passes over are expected to be worth tagging.

    A paragraph they added below the cut may bring it down to that paragraph, and one they
    removed above it may take it up past that one. A move is made when the band it passes
    over is expected to hold the theme at the rate `tau` at which a belief joins it (down),
    or not (up). The band's theme paragraphs are estimated from the decisions, as a sample
    of the theme (`_represented`): each added example inside the band stands for the
    paragraphs it represents (a Horvitz-Thompson count), each removed one for that many
    others. The example at the band's edge counts as itself alone: the band was chosen to
    end at it, so it cannot also testify for how full the band is.

    Why not the mixture's belief in the band: when the theme's component collapses (its
    keyword seeds sit high and tight, and nothing else looks like them) every excerpt in
    the band has a belief near 0 and no decision could move the cut, however many
    paragraphs the analyst added there; measured over 20 draws of 4 added and 4 removed
    examples per theme on the development sets, the belief-weighted band left a collapsed
    theme where it was (Arctic military-presence F1 0.66 after teaching, 0.73 now)."""
    free = np.isfinite(evidence) & ~positive
    in_bands = free.copy()  # a band's excerpts, the decided ones too
    free[sorted(taught.removed)] = False
    free[sorted(taught.added)] = False
    tagged = free & (belief >= tau)
    if tagged.any():
        cut = float(evidence[tagged].min())
    elif free.any():  # none tagged by meaning: the cut sits just above every free row
        cut = float(np.nextafter(evidence[free].max(), np.float32(np.inf)))
    else:
        return belief
    per_added, per_removed = _represented(
        draw, int(tagged.sum()), int(np.isfinite(evidence).sum()), len(taught.removed), guess_weight
    )
    added = evidence[sorted(taught.added)].astype(np.float64)
    removed = evidence[sorted(taught.removed)].astype(np.float64)
    added, removed = added[np.isfinite(added)], removed[np.isfinite(removed)]
    values = evidence.astype(np.float64)

    def counted(low: float, high: float, edge: float) -> tuple[float, float, int]:
        """Expected theme paragraphs and others in the band [low, high), and its size;
        `edge` is the evidence of the example the band was chosen to end at."""
        band = in_bands & (values >= low) & (values < high)
        within_added = (added >= low) & (added < high)
        within_removed = (removed >= low) & (removed < high)
        at_added, at_removed = within_added & (added == edge), within_removed & (removed == edge)
        yes = per_added * int((within_added & ~at_added).sum()) + int(at_added.sum())
        no = per_removed * int((within_removed & ~at_removed).sum()) + int(at_removed.sum())
        return yes, no, int(band.sum())

    def theme_rate(low: float, high: float, edge: float) -> float:
        """Expected share of theme paragraphs in the band [low, high)."""
        yes, no, size = counted(low, high, edge)
        if size == 0:
            return 1.0
        if yes == 0 and no > 0:
            return max(0.0, 1.0 - no / size)
        return min(yes, size) / size

    # Read as a sample, the added examples also estimate the excerpts the theme already tags
    # by meaning (above the cut). The ranking puts the theme first, so a band below the cut
    # cannot hold it at a higher rate than the band and those excerpts together (adjacent
    # violators pooled, as in isotonic regression): three examples drawn from the far tail
    # and none from the seven excerpts tagged above it do not make the tail theme-rich.
    above = in_bands & (values >= cut)
    above_size = int(above.sum()) if draw.by_hand < draw.added else 0
    above_yes = min(per_added * int((added >= cut).sum()), above_size)

    new_cut = cut
    for r in sorted(removed[removed >= cut]):  # up, past the highest removal it should pass
        higher = float(np.nextafter(r, np.inf))
        if theme_rate(cut, higher, r) < tau:
            new_cut = higher
    if new_cut == cut:
        for a in sorted(added[added < cut], reverse=True):  # down, to the lowest it may
            rate = theme_rate(a, cut, a)
            if above_size:
                yes, _, size = counted(a, cut, a)
                rate = min(rate, (min(yes, size) + above_yes) / (size + above_size))
            if rate >= tau:
                new_cut = a
    if new_cut == cut:
        return belief
    out = belief.copy()
    out[free & (values >= new_cut) & (belief < tau)] = tau
    out[free & (values < new_cut) & (belief >= tau)] = np.float32(tau - 1e-3)
    return out


def _taught_nearness(
    corpus: CorpusMatrix,
    mean: Floats,
    norms: Floats,
    negative: npt.NDArray[np.bool_],
    added_by_hand: Examples,
    keyword_seeds: int,
    base: Floats,
    settings: CalibrationSettings,
) -> Floats | None:
    """Nearness to the paragraphs the analyst added where no keyword did, in z units,
    weighed by their share of the theme's examples: they stand in for the keywords as far
    as the keywords found little. None when there are none."""
    hand = len(added_by_hand.added)
    if not hand or not settings.neighbour_examples_weight:
        return None
    added = np.zeros(len(corpus), dtype=bool)
    added[sorted(added_by_hand.added)] = True
    near = Neighbours(settings.nearest, settings.removed_weight).fit(added, negative, base)
    weight = settings.neighbour_examples_weight * hand / (hand + keyword_seeds)
    return weight * _zscores(near.score(corpus, mean, norms), corpus.has_vector)
