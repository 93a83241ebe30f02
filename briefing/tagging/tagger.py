"""The tagger: scores every (excerpt, theme) pair in [0, 1] and says why.

The score blends two kinds of evidence, both derived from themes.yaml alone:
  * phrases: distinct keywords found, each weighted by how specific it is (a rare or
    multi-word term like "arms embargo" says more than a common word like "India"),
    saturating so that several distinct phrases are needed for a high score;
  * meaning: cosine similarity between the excerpt and the theme (its label and
    description, and its closest keywords), rescaled to [0, 1].
A phrase match is the main signal; similarity lifts a paragraph that is plainly
about the theme and holds back a passing mention in a paragraph that is not.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from briefing.model import Explanation, Theme, ThemeScore
from briefing.tagging.phrases import Found, StartIndex, ThemeMatcher, Words, part_edges_clean
from briefing.tagging.settings import CalibrationSettings

if TYPE_CHECKING:  # numpy and the embedder load on first scoring, not on import
    from briefing.tagging.semantic import Embedder, Matrix

TAGGER_VERSION = "2"


@dataclass(frozen=True)
class Settings:
    """The global knobs of the score; one set for every taxonomy."""

    threshold: float = 0.4  # a theme's own `threshold` overrides it
    phrase_weight: float = 0.8  # the rest goes to the semantic score
    phrase_scale: float = 1.0  # evidence at which the phrase score reaches 1 - 1/e
    specific_tokens: int = 2  # a phrase of this many tokens or more counts fully
    repeat_bonus: float = 0.0  # extra evidence per log-repeat of an already found phrase
    semantic_floor: float = 0.2  # cosine at or below which meaning adds nothing
    semantic_ceiling: float = 0.6  # cosine at or above which meaning counts fully
    top_keywords: int = 3  # keyword similarities averaged into the semantic score
    calibration: CalibrationSettings = field(default_factory=CalibrationSettings)


@dataclass(frozen=True)
class PhraseHit:
    """What one theme's keywords found in one excerpt."""

    theme: int  # index in the taxonomy
    score: float  # the phrase score, in [0, 1]
    found: tuple[str, ...]
    excluded: tuple[str, ...]


DEFAULT_SETTINGS = Settings()
# Calibration knobs by the version that added them, newest first: stores stamped their
# sentence profiles with the tagger's whole fingerprint, calibration knobs included, until
# `profile_fingerprint`, and a profile stamped under the knobs of before is as good.
_CALIBRATION_ADDED: tuple[frozenset[str], ...] = (frozenset({"guess_weight"}),)


def _without_calibration(settings: Settings) -> dict[str, Any]:
    return {k: v for k, v in asdict(settings).items() if k != "calibration"}


class Tagger:
    """Scores excerpts against a taxonomy; build one per taxonomy and reuse it."""

    def __init__(
        self,
        themes: Sequence[Theme],
        embedder: Embedder | None = None,
        settings: Settings = DEFAULT_SETTINGS,
        use_embedder: bool = True,
    ) -> None:
        self.themes = list(themes)
        self.settings = settings
        self._compiled: list[ThemeMatcher] | None = None  # compiled on first use
        self._start_index: StartIndex | None = None  # every theme's start words, with them
        self._embedder = embedder
        self._use_embedder = use_embedder
        self._ready = False
        self._theme_vectors: Matrix | None = None  # (themes, dim): label + description
        self._keyword_vectors: list[Matrix] = []  # per theme, (keywords, dim)
        self._taxonomy: Matrix | None = None  # both, stacked: (themes + keywords, dim)
        self._weights: list[list[float]] = []  # per theme, per phrase: specificity in (0, 1]

    @property
    def _matchers(self) -> list[ThemeMatcher]:
        if self._compiled is None:
            self._compiled = [ThemeMatcher(t) for t in self.themes]
            self._start_index = StartIndex([k for m in self._compiled for k in m.starts])
        return self._compiled

    @property
    def fingerprint(self) -> str:
        """Changes whenever re-tagging could change a result: taxonomy, settings, version."""
        return self._whole_fingerprint(asdict(self.settings))

    @property
    def profile_fingerprint(self) -> str:
        """Changes whenever an excerpt's sentence profiles could: what its context-free tags
        and keyword matches follow (taxonomy, the score's knobs, version), never the
        calibration's knobs, which profiles do not read."""
        return self._whole_fingerprint(_without_calibration(self.settings))

    def profile_stamps(self) -> set[str]:
        """Every stamp under which stored sentence profiles match this tagger's: its profile
        fingerprint, and the whole fingerprints that earlier versions stamped profiles with
        (today's calibration knobs, or those before `_CALIBRATION_ADDED`), so that a store
        made by one is not re-read for a knob its profiles never followed."""
        stamps = {self.profile_fingerprint, self.fingerprint}
        calibration = asdict(self.settings.calibration)
        for added in _CALIBRATION_ADDED:
            calibration = {k: v for k, v in calibration.items() if k not in added}
            before = {**asdict(self.settings), "calibration": calibration}
            stamps.add(self._whole_fingerprint(before))
        return stamps

    def _whole_fingerprint(self, settings: dict[str, Any]) -> str:
        payload = {
            "version": TAGGER_VERSION,
            "settings": settings,
            "themes": [asdict(t) for t in self.themes],
            "semantic": self._use_embedder,
        }
        text = json.dumps(payload, sort_keys=True, ensure_ascii=True)
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    @property
    def phrase_fingerprint(self) -> str:
        """Changes whenever what `read` finds in a text could change: keywords and their knobs."""
        s = self.settings
        payload = {
            "version": TAGGER_VERSION,
            "phrases": [s.phrase_scale, s.specific_tokens, s.repeat_bonus],
            "themes": [[t.id, t.label, t.keywords, t.patterns, t.exclude] for t in self.themes],
            "semantic": self._use_embedder,
        }
        text = json.dumps(payload, sort_keys=True, ensure_ascii=True)
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    @property
    def semantic(self) -> bool:
        """True when the semantic score is in use (the embedder loaded)."""
        self._prepare()
        return self._embedder is not None

    @property
    def embedder(self) -> Embedder | None:
        """The embedder in use (loaded on first ask), or None: scores on phrases alone."""
        self._prepare()
        return self._embedder

    def _prepare(self) -> None:
        """Load the embedder and embed the taxonomy, once, on first use."""
        if self._ready:
            return
        if self._embedder is None and self._use_embedder:
            from briefing.tagging.semantic import default_embedder

            self._embedder = default_embedder()
        if not self._use_embedder:
            self._embedder = None
        counter = getattr(self._embedder, "count_tokens", None)
        cap = self.settings.specific_tokens
        for matcher in self._matchers:
            counts = [
                counter(p) if counter is not None else len(p.split()) for p in matcher.phrases
            ]
            weights = [min(c, cap) / cap for c in counts]
            weights += [1.0] * matcher.n_patterns
            self._weights.append(weights)
        if self._embedder is not None:
            self._theme_vectors = self._embedder.embed(
                [f"{t.label}. {t.description}".strip() for t in self.themes]
            )
            self._keyword_vectors = [
                self._embedder.embed(list(t.keywords)) if t.keywords else self._theme_vectors[:0]
                for t in self.themes
            ]
            import numpy as np

            self._taxonomy = np.ascontiguousarray(
                np.vstack([self._theme_vectors, *self._keyword_vectors]), dtype=np.float32
            )
        self._ready = True

    @property
    def theme_vectors(self) -> Matrix | None:
        """(themes, dim): each theme's label and description embedded; None without embedder."""
        self._prepare_vectors()
        return self._theme_vectors

    def _prepare_vectors(self) -> None:
        """The taxonomy's vectors: from `use_taxonomy_vectors` if given, else embedded."""
        if self._taxonomy is None:
            self._prepare()

    def taxonomy_vectors(self) -> str | None:
        """The taxonomy's vectors as text (for the store): calibrating the corpus later
        needs them but not the embedding model, which then need not be loaded."""
        import base64
        import io

        import numpy as np

        self._prepare()
        if self._theme_vectors is None or self._taxonomy is None:
            return None
        buffer = io.BytesIO()
        sizes = np.array([len(k) for k in self._keyword_vectors], dtype=np.int64)
        np.savez(buffer, taxonomy=self._taxonomy, sizes=sizes)
        return self.semantic_fingerprint + ":" + base64.b64encode(buffer.getvalue()).decode()

    def use_taxonomy_vectors(self, text: str | None) -> bool:
        """Take the vectors `taxonomy_vectors` gave, if they belong to this taxonomy."""
        import base64
        import io

        import numpy as np

        if (
            not text
            or not text.startswith(self.semantic_fingerprint + ":")
            or not self._use_embedder
        ):
            return False
        data = np.load(io.BytesIO(base64.b64decode(text.partition(":")[2])))
        taxonomy, sizes = data["taxonomy"], data["sizes"]
        k = len(self.themes)
        if len(sizes) != k or len(taxonomy) != k + int(sizes.sum()):
            return False
        self._taxonomy = np.ascontiguousarray(taxonomy, dtype=np.float32)
        self._theme_vectors = self._taxonomy[:k]
        bounds = np.cumsum([k, *sizes.tolist()])
        self._keyword_vectors = [
            self._taxonomy[a:b] for a, b in zip(bounds[:-1], bounds[1:], strict=True)
        ]
        return True

    @property
    def semantic_fingerprint(self) -> str:
        """Changes whenever the taxonomy's vectors could: labels, descriptions, keywords."""
        payload = [TAGGER_VERSION, [[t.label, t.description, t.keywords] for t in self.themes]]
        text = json.dumps(payload, sort_keys=True, ensure_ascii=True)
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    def embed(self, texts: Sequence[str]) -> Matrix | None:
        """The excerpts' vectors (unit rows), or None without an embedder."""
        self._prepare()
        if self._embedder is None:
            return None
        return self._embedder.embed(texts)

    def similarity(self, vectors: Matrix, whole: bool = False) -> Matrix:
        """(rows, themes) cosine of each vector with each theme: with its label and
        description, or with its closest keywords, whichever is higher.

        `whole`: the vectors are the whole corpus, in its fixed order, so one matrix
        product per fixed-size block is safe (the same corpus gives the same blocks).
        """
        import numpy as np

        self._prepare_vectors()
        out = np.zeros((len(vectors), len(self.themes)), dtype=np.float32)
        if self._taxonomy is None or not len(vectors):
            return out
        sims = np.empty((len(vectors), len(self._taxonomy)), dtype=np.float32)
        if whole:
            for start in range(0, len(vectors), 16384):
                block = np.asarray(vectors[start : start + 16384], dtype=np.float32)
                sims[start : start + len(block)] = block @ self._taxonomy.T
        for i, vector in enumerate(() if whole else vectors):
            # One matrix-vector product per row, not one matrix product per batch: BLAS
            # picks its kernel, so its rounding, by the batch's size (a text's score must
            # not depend on its batch), and its thread pool kept a second core spinning.
            np.matmul(self._taxonomy, vector, out=sims[i])
        out[:] = sims[:, : len(self.themes)]
        k = self.settings.top_keywords
        start = len(self.themes)
        for j, kw in enumerate(self._keyword_vectors):
            if len(kw) == 0:
                continue
            block = sims[:, start : start + len(kw)]
            start += len(kw)
            top = np.sort(block, axis=1)[:, -min(k, len(kw)) :].mean(axis=1)
            out[:, j] = np.maximum(out[:, j], top)
        return out

    def meaning(self, vectors: Matrix, whole: bool = False) -> Matrix:
        """The semantic score in [0, 1]: the cosine rescaled between floor and ceiling."""
        import numpy as np

        s = self.settings
        span = max(s.semantic_ceiling - s.semantic_floor, 1e-6)
        cosine = self.similarity(vectors, whole)
        return np.clip((cosine - s.semantic_floor) / span, 0.0, 1.0)

    def blend(self, phrase: float, sem: float) -> float:
        """The context-free score: phrase evidence first, meaning next (rounded)."""
        s = self.settings
        if self._embedder is None:
            return round(phrase, 4)
        return round(s.phrase_weight * phrase + (1 - s.phrase_weight) * sem, 4)

    def threshold(self, theme: Theme) -> float:
        return theme.threshold if theme.threshold is not None else self.settings.threshold

    def read_phrases(
        self, texts: Sequence[str], only: Sequence[Sequence[int]] | None = None
    ) -> list[list[PhraseHit]]:
        """For each text, what each theme's keywords found in it (themes with nothing left out).

        `only`: for each text, the themes (indices, in taxonomy order) to read; the others
        are not looked for (a sentence profile needs only its excerpt's tagged themes).
        """
        return [self.hits_of(row) for row in self.read_found(texts, only)]

    def read_found(
        self, texts: Sequence[str], only: Sequence[Sequence[int]] | None = None
    ) -> list[list[tuple[int, Found]]]:
        """`read_phrases` before scoring: each text's (theme, what it found) where it found
        anything. Its parts (sentences) can then be read from it (`read_parts`)."""
        self._prepare()
        out: list[list[tuple[int, Found]]] = []
        matchers = self._matchers
        every = range(len(matchers))
        for number, text in enumerate(texts):
            themes = every if only is None else only[number]
            if not themes:
                out.append([])
                continue
            words = Words(text, self._start_index)  # searched once for every theme's matcher
            row: list[tuple[int, Found]] = []
            for t in themes:
                found = matchers[t].find(text, words)
                if found is not None:
                    row.append((t, found))
            out.append(row)
        return out

    def read_parts(
        self,
        texts: Sequence[str],
        found: Sequence[Sequence[tuple[int, Found]]],
        parts: Sequence[tuple[int, int, int]],
        only: Sequence[Sequence[int]],
    ) -> list[list[PhraseHit]]:
        """`read_phrases([texts[i][a:b] for i, a, b in parts], only)`, from `found`, the
        texts' `read_found`: a part's matches are its text's that lie inside it, unless a
        match runs across its edges or it is cut inside a word (then it is read anew)."""
        self._prepare()
        matchers = self._matchers
        out: list[list[PhraseHit]] = []
        for (i, start, end), themes in zip(parts, only, strict=True):
            text = texts[i]
            if not themes:
                out.append([])
                continue
            mine = dict(found[i]) if part_edges_clean(text, start, end) else None
            words: Words | None = None
            row: list[tuple[int, Found]] = []
            for t in themes:
                matcher = matchers[t]
                part: Found | None | bool = False
                if mine is not None and not matcher.has_patterns:
                    whole = mine.get(t)
                    part = None if whole is None else whole.within(start, end)
                if part is False:  # read anew
                    if words is None:
                        words = Words(text[start:end], self._start_index)
                    part = matcher.find(text[start:end], words)
                if part is not None:
                    row.append((t, part))  # type: ignore[arg-type]
            out.append(self.hits_of(row))
        return out

    def hits_of(self, row: Sequence[tuple[int, Found]]) -> list[PhraseHit]:
        """A text's keyword matches scored: each theme's distinct phrases found."""
        s = self.settings
        hits: list[PhraseHit] = []
        for t, raw in row:
            found = raw.summary()
            if not found.found and not found.excluded:
                continue
            weights = self._weights[t]
            evidence = sum(weights[p] for p in found.phrase_ids)
            evidence += s.repeat_bonus * math.log1p(found.mentions - len(found.phrase_ids))
            phrase = 1.0 - math.exp(-evidence / s.phrase_scale)
            hits.append(PhraseHit(t, round(phrase, 4), found.found, found.excluded))
        return hits

    def score(self, texts: Sequence[str]) -> list[list[ThemeScore]]:
        """For each text on its own (no corpus), one ThemeScore per theme, in taxonomy order."""
        self._prepare()
        return self.scores_of(self.embed(texts), self.read_phrases(texts))

    def scores_of(
        self, vectors: Matrix | None, phrases: Sequence[Sequence[PhraseHit]]
    ) -> list[list[ThemeScore]]:
        """`score` from what was read already: the texts' vectors and keyword matches."""
        import numpy as np

        meaning = (
            self.meaning(vectors).tolist()
            if vectors is not None
            else np.zeros((len(phrases), len(self.themes))).tolist()
        )
        results: list[list[ThemeScore]] = []
        for hits, sems in zip(phrases, meaning, strict=True):
            by_theme = {h.theme: h for h in hits}
            row: list[ThemeScore] = []
            for t, (theme, sem) in enumerate(zip(self.themes, sems, strict=True)):
                hit = by_theme.get(t)
                phrase = hit.score if hit else 0.0
                sem = sem if vectors is not None else 0.0
                total = self.blend(phrase, sem)
                threshold = self.threshold(theme)
                row.append(
                    ThemeScore(
                        theme_id=theme.id,
                        score=total,
                        tagged=total >= threshold,
                        explanation=Explanation(
                            phrases=hit.found if hit else (),
                            excluded=hit.excluded if hit else (),
                            phrase_score=round(phrase, 4),
                            semantic_score=round(float(sem), 4),
                            threshold=threshold,
                        ),
                    )
                )
            results.append(row)
        return results
