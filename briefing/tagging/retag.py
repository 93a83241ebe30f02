"""A decision re-tags only what it touches.

A theme's calibrated tags are a function of the corpus, the tagger (taxonomy and
settings) and that theme's own examples, never of another theme's. So each calibration
leaves a record, per theme, of what it was a function of (`state`); the next one
calibrates only the themes whose record changed, compares their new scores with the
stored rows (numpy, over the whole column) and writes only the rows that differ. When the
corpus or the tagger changed, every theme is calibrated and the table written whole.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from briefing.tagging.calibrate import CorpusMatrix
from briefing.tagging.corpus import CorpusTags, joined_ids
from briefing.tagging.learn import Examples


def _digest(parts: Sequence[bytes]) -> str:
    h = hashlib.blake2b(digest_size=16)
    for part in parts:
        h.update(len(part).to_bytes(8, "little"))
        h.update(part)
    return h.hexdigest()


def state(
    corpus: CorpusMatrix,
    examples: Mapping[int, Examples],
    theme_ids: Sequence[str],
    tagger_fingerprint: str,
) -> dict[str, Any]:
    """What a calibration is a function of: the corpus (its ids in order and which have a
    vector; the vectors and keyword matches of an id do not change without the tagger's
    fingerprint or the id changing), the tagger, and per theme its examples (by id)."""
    corpus_key = _digest(
        [
            joined_ids(corpus.ids),
            np.packbits(corpus.has_vector).tobytes(),
            corpus.docs.tobytes(),
            corpus.positions.tobytes(),
        ]
    )
    themes = {}
    for t, theme_id in enumerate(theme_ids):
        taught = examples.get(t, Examples())
        added = "\n".join(sorted(corpus.ids[r] for r in taught.added))
        removed = "\n".join(sorted(corpus.ids[r] for r in taught.removed))
        # A pin counts apart from an added tag (calibrate.Draw).
        pinned = "\n".join(sorted(corpus.ids[r] for r in taught.pinned))
        themes[theme_id] = _digest(
            [added.encode(), removed.encode()] + ([pinned.encode()] if pinned else [])
        )
    return {"corpus": corpus_key, "tagger": tagger_fingerprint, "themes": themes}


def stale_themes(
    before: Mapping[str, Any] | None, now: Mapping[str, Any], theme_ids: Sequence[str]
) -> list[int] | None:
    """The themes to calibrate again, as indexes; None when all must be (and the whole
    table rewritten): no record, or the corpus or the tagger changed since."""
    if not before or before.get("corpus") != now["corpus"]:
        return None
    if before.get("tagger") != now["tagger"]:
        return None
    old = before.get("themes", {})
    return [t for t, tid in enumerate(theme_ids) if old.get(tid) != now["themes"][tid]]


@dataclass
class ThemeChange:
    """One theme's rows to write, the excerpt ids whose row must go, and the excerpt ids
    whose tag (tagged or not) changed: only their sources' kept counts can change."""

    rows: list[tuple[str, float, int]]
    gone: list[str]
    flipped: list[str]


def changed_rows(
    tags: CorpusTags, t: int, stored: Sequence[tuple[str, float, int]], floor: float
) -> ThemeChange:
    """Theme `t`'s rows to write (new or different score or tag), the excerpt ids whose
    stored row must go, and those whose tag changed, from the stored rows and the new
    column, in numpy; no object is built for a row that stays."""
    ids = tags.corpus.ids
    n = len(ids)
    score = tags.calibrated.score[:, t]
    tagged = tags.calibrated.tagged[:, t]
    keep = tagged | (score >= floor)
    old_score = np.full(n, np.nan, dtype=np.float64)
    old_tagged = np.zeros(n, dtype=bool)
    present = np.zeros(n, dtype=bool)
    gone: list[str] = []
    if stored:
        stored_ids, values, was_tagged = zip(*stored, strict=True)
        # The corpus's ids are in order (SQLite's binary order of UTF-8 is code point order).
        rows = np.searchsorted(tags.id_array, np.asarray(stored_ids, dtype=tags.id_array.dtype))
        rows = np.minimum(rows, max(n - 1, 0))
        found = (tags.id_array[rows] == np.asarray(stored_ids)) if n else np.zeros(0, bool)
        # An id no longer in the corpus (cannot happen while the record holds) goes.
        gone = [excerpt_id for excerpt_id, ok in zip(stored_ids, found, strict=True) if not ok]
        at = rows[found]
        old_score[at] = np.asarray(values, dtype=np.float64)[found]
        old_tagged[at] = np.asarray(was_tagged, dtype=np.int64)[found] != 0
        present[at] = True
    # The store keeps float(score) of the float32 value, so equality is exact.
    differs = ~present | (old_score != score.astype(np.float64)) | (old_tagged != tagged)
    write = np.flatnonzero(keep & differs)
    dropped = np.flatnonzero(present & ~keep)
    gone += [ids[r] for r in dropped.tolist()]
    # A tag is the row's `tagged`, or none without a row.
    flipped = [ids[r] for r in np.flatnonzero(old_tagged != (tagged & keep)).tolist()] + gone
    rows_out = [(ids[r], float(score[r]), int(tagged[r])) for r in write.tolist()]
    return ThemeChange(rows_out, gone, sorted(set(flipped)))
