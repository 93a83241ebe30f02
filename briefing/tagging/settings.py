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
    posterior: float = 0.5  # the share of belief in the theme's component that tags
    lone_z: float = 2.0  # a theme with too few seeds for a mixture tags above this z
    min_seeds: int = 2
    iterations: int = 60
    rounds: int = 3  # of pseudo-relevance feedback
