"""Help for a sparse taxonomy: what a theme's keywords miss, from the corpus itself.

For each theme:
  * reach: of the excerpts closest to the theme in meaning (as many as it tags, at least
    `CLOSEST`), the share that one of its keywords matches. Low reach means the keywords
    name only a corner of what the theme is about here.
  * words and phrases: drawn from the excerpts closest to the theme, frequent there and
    rare in the corpus, and close to the theme in meaning, that no keyword matches: a
    ranked list to paste into themes.yaml.
  * excerpts: the best-ranked ones that no keyword matches (to review, accept or reject).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np

from briefing.tagging.corpus import CorpusTags
from briefing.tagging.phrases import ThemeMatcher

CLOSEST = 10  # the fewest excerpts reach is measured on
LOW_REACH = 0.5  # below this share, `briefing themes` warns
_TOP = 40  # excerpts whose words are candidates
_COMMON = 0.2  # a word in more than this share of the corpus says nothing of a theme
_BACKGROUND = 2000  # excerpts sampled (evenly, by id) for how common a word is
_WORD = re.compile(r"[^\W\d_][\w'\u2019-]*[^\W_]|[^\W\d_]")


@dataclass
class Reach:
    theme_id: str
    matched: int  # of the closest excerpts, how many a keyword matches
    closest: int

    @property
    def share(self) -> float:
        return self.matched / self.closest if self.closest else 1.0


@dataclass
class Suggestions:
    theme_id: str
    reach: Reach
    phrases: list[tuple[str, float]] = field(default_factory=list)  # (phrase, score), best first
    excerpts: list[tuple[str, float]] = field(default_factory=list)  # (excerpt id, score)


def _closest(tags: CorpusTags, t: int) -> np.ndarray:
    """Rows ranked by closeness to theme `t` (z, then id order); empty without vectors."""
    info = tags.calibrated.themes[t]
    if info.z is None:
        return np.zeros(0, dtype=np.int64)
    rows = np.flatnonzero(tags.corpus.has_vector)
    order = np.lexsort((rows, -info.z[rows]))
    return rows[order]


def reach(tags: CorpusTags) -> list[Reach]:
    """Per theme, how many of the excerpts closest to it in meaning its keywords match."""
    out = []
    for t, theme in enumerate(tags.tagger.themes):
        ranked = _closest(tags, t)
        n = min(len(ranked), max(CLOSEST, int(tags.calibrated.tagged[:, t].sum())))
        top = ranked[:n]
        out.append(Reach(theme.id, int((tags.phrase[top, t] > 0).sum()), n))
    return out


def suggest(
    tags: CorpusTags,
    texts: Callable[[list[str]], Mapping[str, str]],
    decided: set[tuple[str, str]],
    words: int = 15,
    excerpts: int = 10,
) -> list[Suggestions]:
    """Per theme: words/phrases to add to its keywords, and excerpts no keyword matches.

    `texts(ids)` gives excerpts' text; `decided` holds (excerpt id, theme id) pairs the
    analyst already decided (never suggested again).
    """
    ids = tags.corpus.ids
    stride = max(1, len(ids) // _BACKGROUND)
    background = [ids[r] for r in range(0, len(ids), stride)]
    per_theme = {t: _closest(tags, t) for t in range(len(tags.tagger.themes))}
    top = min(_TOP, max(5, len(ids) // 5))  # the closest fifth, on a small corpus
    wanted = {ids[r] for ranked in per_theme.values() for r in ranked[:top]}
    text_of = texts(sorted(wanted | set(background)))
    common = Counter(g for i in background for g in set(_grams(text_of.get(i, ""))))
    out = []
    for (t, ranked), r in zip(per_theme.items(), reach(tags), strict=True):
        theme = tags.tagger.themes[t]
        result = Suggestions(theme.id, r)
        out.append(result)
        if not len(ranked):
            continue
        matcher = ThemeMatcher(theme)
        named = " | ".join(k.lower() for k in (*theme.keywords, theme.label))
        seen = Counter(g for row in ranked[:top] for g in set(_grams(text_of.get(ids[row], ""))))
        grams = [
            g
            for g, n in seen.items()
            if n >= 2
            and (" " in g or len(g) >= 4)
            and common[g] <= _COMMON * len(background)
            and not any(common[w] > _COMMON * len(background) for w in g.split())
            and g not in named
            and not matcher.match(g).found
        ]
        vectors = tags.tagger.embed(grams) if grams else None
        theme_vector = tags.tagger.theme_vectors
        scored = []
        for i, g in enumerate(grams):
            lift = math.log((seen[g] / top) / ((common[g] + 0.5) / len(background)))
            closeness = (
                float(vectors[i] @ theme_vector[t])
                if vectors is not None and theme_vector is not None
                else 1.0
            )
            if lift > 0 and closeness > 0:
                scored.append((round(lift * closeness * math.sqrt(seen[g]), 3), g))
        scored.sort(key=lambda x: (-x[0], x[1]))
        chosen: list[tuple[str, float]] = []
        for score, g in scored:  # a word already inside a chosen phrase adds nothing
            if any(g in c or c in g for c, _ in chosen):
                continue
            chosen.append((g, score))
            if len(chosen) == words:
                break
        result.phrases = chosen
        result.excerpts = candidates(tags, t, decided, excerpts, ranked)
    return out


def candidates(
    tags: CorpusTags,
    t: int,
    decided: set[tuple[str, str]],
    limit: int,
    ranked: np.ndarray | None = None,
) -> list[tuple[str, float]]:
    """The excerpts closest to theme `t` that no keyword matches and nobody decided:
    (excerpt id, score), closest first. What the TUI's review screen asks about."""
    ids, theme_id = tags.corpus.ids, tags.tagger.themes[t].id
    score = tags.calibrated.score[:, t]
    out: list[tuple[str, float]] = []
    for row in _closest(tags, t) if ranked is None else ranked:
        if tags.phrase[row, t] > 0 or (ids[row], theme_id) in decided:
            continue
        out.append((ids[row], float(score[row])))
        if len(out) == limit:
            break
    return out


def _grams(text: str) -> list[str]:
    """Lower-case words and two-word phrases of a text (a phrase never spans a comma)."""
    grams: list[str] = []
    text = text.lower().replace("\u2019", "'")
    for clause in re.split(r"[,;:.!?()\[\]\"\u201c\u201d]", text):
        found = _WORD.findall(clause)
        grams.extend(found)
        grams.extend(
            f"{a} {b}" for a, b in zip(found, found[1:], strict=False) if min(len(a), len(b)) >= 3
        )
    return grams
