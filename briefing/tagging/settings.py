"""The calibration's knobs, apart from the code that needs numpy: the tagger's
fingerprint reads them, and commands that only read the store must not load numpy."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CalibrationSettings:
    """The knobs of the calibration: one set for every taxonomy, picked on the dev sets."""

    theme_weight: float = 1.0  # the theme's own vector in the prototype (the seeds weigh 1)
    doc_share_weight: float = 2.0  # per unit of the document's share of seeds above the rate
    neighbour_weight: float = 0.5  # when the paragraph before or after is a seed
    doc_meaning_weight: float = 0.0  # per unit of the mean z of the document's other paragraphs
    neighbour_examples_weight: float = 0.5  # nearness to examples added by hand, at most
    nearest: int = 3  # how many nearest examples
    removed_weight: float = 1.0  # the nearest removed examples count against, this much
    # The belief in the theme's component at which an excerpt joins it. Below 0.5 because
    # a tag is judged by F1, and the F1-optimal cut on a calibrated belief is half the F1
    # that can be had (Lipton et al., 2014): about 0.35 for a theme the keywords cover
    # sparsely (F1 about 0.7). Dense taxonomies barely move (their mixture claims little).
    posterior: float = 0.35
    # The tagger's own estimate of the share of a theme its keywords miss counts as this
    # many of the analyst's added examples, when they estimate that share (calibrate's
    # `_represented`): enough that one example cannot say the keywords miss everything.
    # (Measured insensitive: 0, 1 and 2 give the same teaching figures on the dev sets.)
    guess_weight: float = 1.0
    lone_z: float = 2.0  # a theme with too few seeds for a mixture tags above this z
    min_seeds: int = 2
    iterations: int = 60
    rounds: int = 3  # of pseudo-relevance feedback
