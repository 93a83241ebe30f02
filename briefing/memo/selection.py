"""Choosing the excerpts of one theme: pinned first, then the best, merged and spread.

Wire copy puts one paragraph in many sources; near-duplicates are grouped with a
bottom-k MinHash sketch over word shingles (linear in the candidates, no pairwise
pass), so the memo quotes it once and cites every source that carries it.
"""

from __future__ import annotations

import re
import unicodedata
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from briefing.memo.brief import BriefTheme, ExcerptRef
from briefing.memo.problems import Problem
from briefing.model import Corpus, Excerpt, ScoredExcerpt, Source

SIMILAR = 0.7  # Jaccard similarity of word shingles at which two excerpts are one quote
SPREAD = 0.6  # a source's second pick counts this much of its score, its third 0.36, ...
FETCH_PER_GROUP = 6  # excerpts read per group sketched
_SHINGLE = 3
_SKETCH = 3  # bottom-k: near-duplicates very likely share one of their k smallest hashes
_WORD = re.compile(r"\w+")
# A short line that does not end as a sentence ends is a subheading, a caption, a dateline
# or a list's label: kept as an excerpt (it is searchable and taggable) but never chosen
# as a quote unless pinned. Ends of sentences in any script, then closing marks.
HEADING_WORDS = 10
_SENTENCE_END = re.compile(r"[.!?…。！？؟।።][\"'”’»›)\]」』]*$")
SKETCHES_CACHED = 8192  # excerpts whose sketch is kept between two builds of the memo


@dataclass
class Candidate:
    """A proposed quote: the best excerpt of a group of near-duplicates."""

    excerpt: Excerpt
    source: Source
    score: float
    pinned: bool = False
    excluded: bool = False
    duplicates: list[tuple[Excerpt, Source]] = field(default_factory=list)

    @property
    def quotable(self) -> bool:
        """Whether the memo may choose it on its own: pinned, or it reads as a sentence."""
        return self.pinned or not reads_as_heading(self.excerpt.text)

    @property
    def excerpt_ids(self) -> list[str]:
        return [self.excerpt.id] + [e.id for e, _ in self.duplicates]

    @property
    def sources(self) -> list[Source]:
        """The sources of the group, the representative's first, each once."""
        seen: dict[str, Source] = {self.source.id: self.source}
        for _, source in self.duplicates:
            seen.setdefault(source.id, source)
        return list(seen.values())


def propose(
    theme_id: str,
    entry: BriefTheme,
    corpus: Corpus,
    *,
    limit: int | None = None,
    problems: list[Problem] | None = None,
) -> list[Candidate]:
    """The theme's candidates in memo order: pinned, then ranked and spread by source.

    Excluded groups stay in the list, flagged, so the TUI can offer to include them
    again. `limit` bounds how many groups are sketched (the rest only merge into them
    when identical), which keeps a memo cheap on a large corpus.
    """
    problems = problems if problems is not None else []
    grouper = _Grouper()
    for excerpt, source in _resolve_pins(theme_id, entry.pinned, corpus, problems):
        grouper.add(excerpt, source, 0.0, pinned=True)
    excluded_ids = _resolve_excluded(theme_id, entry.excluded, corpus, problems)
    # Copies of one paragraph score alike and sit together in the ranking, so the best
    # FETCH_PER_GROUP x `limit` excerpts hold every group worth sketching: the memo
    # never reads a whole theme of a large corpus.
    fetch = None if limit is None else (limit + len(excluded_ids)) * FETCH_PER_GROUP
    scored = corpus.excerpts_for_theme(theme_id, limit=fetch)
    for item in scored:
        sketch = limit is None or grouper.open_groups < limit
        grouper.add_scored(item, sketch=sketch)
    for group in grouper.groups:
        if not group.pinned and excluded_ids.intersection(group.excerpt_ids):
            group.excluded = True
    pinned = [g for g in grouper.groups if g.pinned]
    return pinned + spread([g for g in grouper.groups if not g.pinned], pinned)


def select(
    candidates: Iterable[Candidate], maximum: int, avoid: set[str] | None = None
) -> list[Candidate]:
    """The memo's items: every pinned one, then the rest up to `maximum` in all.

    Excerpts in `avoid` (quoted in an earlier section) are not quoted again unless pinned.
    """
    avoid = avoid or set()
    chosen: list[Candidate] = []
    for candidate in candidates:
        if candidate.pinned:
            chosen.append(candidate)
        elif len(chosen) >= maximum:
            break
        elif (
            not candidate.excluded
            and candidate.quotable
            and not avoid.intersection(candidate.excerpt_ids)
        ):
            chosen.append(candidate)
    return chosen


def spread(ranked: Sequence[Candidate], already: Sequence[Candidate] = ()) -> list[Candidate]:
    """Reorder so one source does not fill a section: its n-th pick counts SPREAD**n."""
    used: dict[str, int] = {}
    for candidate in already:
        used[candidate.source.id] = used.get(candidate.source.id, 0) + 1
    keyed: list[tuple[float, int, Candidate]] = []
    for index, candidate in enumerate(ranked):
        count = used.get(candidate.source.id, 0)
        if not candidate.excluded:
            used[candidate.source.id] = count + 1
        keyed.append((candidate.score * SPREAD**count, index, candidate))
    keyed.sort(key=lambda k: (-k[0], k[1]))
    return [c for _, _, c in keyed]


def reads_as_heading(text: str) -> bool:
    """A line of a few words that does not end as a sentence: "Slot rates surge", "- 24 July
    2015" (a table's rows are lines of their own: data, quoted as it stands)."""
    text = text.strip()
    return (
        "\n" not in text
        and len(_WORD.findall(text)) <= HEADING_WORDS
        and not _SENTENCE_END.search(text)
    )


def _resolve_pins(
    theme_id: str, refs: Sequence[ExcerptRef], corpus: Corpus, problems: list[Problem]
) -> list[tuple[Excerpt, Source]]:
    """Pinned excerpts by id, else found again by text, else reported."""
    found: list[tuple[Excerpt, Source]] = []
    seen: set[str] = set()
    for ref in refs:
        excerpt = corpus.excerpt(ref.id)
        if excerpt is None and ref.text.strip():
            excerpt = corpus.find_excerpt_by_text(ref.text)
            if excerpt is not None:
                problems.append(
                    Problem(
                        f"theme {theme_id!r}: pinned excerpt {ref.id} was found again by its "
                        f"text as {excerpt.id}; save the brief to record the new id",
                        theme_id,
                        ref.id,
                        severity="note",
                    )
                )
        source = corpus.source(excerpt.source_id) if excerpt is not None else None
        if excerpt is None or source is None:
            problems.append(
                Problem(
                    f"theme {theme_id!r}: pinned excerpt {ref.id} ({_snippet(ref.text)}) is no "
                    "longer in the corpus and is left out; re-ingest its source or unpin it",
                    theme_id,
                    ref.id,
                )
            )
            continue
        if excerpt.id not in seen:
            seen.add(excerpt.id)
            found.append((excerpt, source))
    return found


def _resolve_excluded(
    theme_id: str, refs: Sequence[ExcerptRef], corpus: Corpus, problems: list[Problem]
) -> set[str]:
    ids: set[str] = set()
    for ref in refs:
        ids.add(ref.id)
        if corpus.excerpt(ref.id) is not None:
            continue
        again = corpus.find_excerpt_by_text(ref.text) if ref.text.strip() else None
        if again is not None:
            ids.add(again.id)
        else:
            problems.append(
                Problem(
                    f"theme {theme_id!r}: excluded excerpt {ref.id} ({_snippet(ref.text)}) is "
                    "no longer in the corpus; nothing to exclude, remove it from the brief",
                    theme_id,
                    ref.id,
                )
            )
    return ids


class _Grouper:
    """Puts each excerpt into the group of its near-duplicate, or starts a new group."""

    def __init__(self) -> None:
        self.groups: list[Candidate] = []
        self.open_groups = 0  # groups that are neither pinned nor excluded yet
        self._exact: dict[str, int] = {}
        self._buckets: dict[int, list[int]] = {}
        self._shingles: dict[int, frozenset[int]] = {}
        self._ids: set[str] = set()

    def add_scored(self, item: ScoredExcerpt, *, sketch: bool) -> None:
        self.add(item.excerpt, item.source, item.score, sketch=sketch)

    def add(
        self,
        excerpt: Excerpt,
        source: Source,
        score: float,
        *,
        pinned: bool = False,
        sketch: bool = True,
    ) -> None:
        if excerpt.id in self._ids:
            if pinned is False:
                self._raise_score(excerpt.id, score)
            return
        self._ids.add(excerpt.id)
        key = _normalise(excerpt.text)  # cheap (C calls only): every candidate pays it
        index = self._exact.get(key)
        shingles: frozenset[int] = frozenset()
        lowest: tuple[int, ...] = ()
        if index is None and sketch:
            shingles, lowest = _sketch(key)
            index = self._similar(shingles, lowest)
        if index is not None:
            group = self.groups[index]
            group.duplicates.append((excerpt, source))
            return
        if not sketch:
            return  # beyond the window: neither a new group nor a duplicate of one
        index = len(self.groups)
        self.groups.append(Candidate(excerpt, source, score, pinned=pinned))
        self.open_groups += 0 if pinned else 1
        self._exact[key] = index
        self._shingles[index] = shingles
        for value in lowest:
            self._buckets.setdefault(value, []).append(index)

    def _similar(self, shingles: frozenset[int], lowest: tuple[int, ...]) -> int | None:
        for value in lowest:
            for index in self._buckets.get(value, ()):
                other = self._shingles[index]
                union = len(shingles | other)
                if union and len(shingles & other) / union >= SIMILAR:
                    return index
        return None

    def _raise_score(self, excerpt_id: str, score: float) -> None:
        for group in self.groups:
            if group.pinned and group.excerpt.id == excerpt_id:
                group.score = max(group.score, score)


def _normalise(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


@lru_cache(maxsize=SKETCHES_CACHED)
def _sketch(key: str) -> tuple[frozenset[int], tuple[int, ...]]:
    """An excerpt's shingles and its lowest few, from its normalised text. Cached: the
    app rebuilds the memo on every key, and the candidates of a theme barely change."""
    shingles = _shingles(_WORD.findall(key))
    return shingles, tuple(sorted(shingles)[:_SKETCH])


def _shingles(words: list[str]) -> frozenset[int]:
    if len(words) < _SHINGLE:
        return frozenset({zlib.crc32(" ".join(words).encode())})
    return frozenset(
        zlib.crc32(" ".join(words[i : i + _SHINGLE]).encode())
        for i in range(len(words) - _SHINGLE + 1)
    )


def _snippet(text: str, width: int = 60) -> str:
    flat = " ".join(text.split())
    if not flat:
        return "no text stored"
    return f"“{flat[:width]}…”" if len(flat) > width else f"“{flat}”"
