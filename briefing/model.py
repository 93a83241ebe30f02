"""The plain data that flows through briefing: sources, excerpts, themes, tags.

Nothing here does I/O; every other layer speaks in these types.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol


@dataclass(frozen=True)
class Source:
    """One ingested article: its cleaned text and what it says about itself."""

    id: str
    file: str  # the original file's name, as kept in the workspace's sources/
    text: str  # the cleaned text; excerpts are slices of it
    title: str | None = None
    author: str | None = None
    outlet: str | None = None
    date: str | None = None  # ISO 8601, yyyy-mm-dd
    authors: list[str] = field(default_factory=list)  # each author's name, in byline order
    url: str | None = None  # where the page lives (its canonical address)
    accessed: str | None = None  # ISO date the page was fetched or saved
    type: str | None = None  # article | blog post | report | web page | e-mail | document


@dataclass(frozen=True)
class Excerpt:
    """A paragraph of a source: `source.text[start:end] == text`."""

    id: str
    source_id: str
    position: int  # 0-based order within the source
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Theme:
    """A theme of the taxonomy, as written in themes.yaml."""

    id: str
    label: str
    description: str = ""
    keywords: tuple[str, ...] = ()
    patterns: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    threshold: float | None = None  # None: the tagger's default


@dataclass(frozen=True)
class Explanation:
    """Why a theme was (or was not) given to an excerpt."""

    phrases: tuple[str, ...] = ()  # the taxonomy phrases that matched, as found in the text
    excluded: tuple[str, ...] = ()  # exclude phrases that matched
    phrase_score: float = 0.0
    semantic_score: float = 0.0
    threshold: float = 0.0
    manual: str | None = None  # "added" or "removed" when the user decided
    basis: str | None = None  # what tagged it: "keywords" or "meaning" (relative to the corpus)
    note: str = ""  # that, in words: "keywords: ...", "close to 4 paragraphs you tagged"


@dataclass(frozen=True)
class ThemeScore:
    """The tagger's verdict for one excerpt and one theme."""

    theme_id: str
    score: float
    tagged: bool
    explanation: Explanation = field(default_factory=Explanation)


@dataclass(frozen=True)
class ScoredExcerpt:
    """An excerpt as a candidate for a theme: with its source and its score."""

    excerpt: Excerpt
    source: Source
    score: float
    manual: bool = False  # True when the user added the theme by hand


@dataclass(frozen=True)
class SentenceProfile:
    """An excerpt's sentences as the memo sees them, worked out at tag time."""

    excerpt_id: str
    spans: tuple[tuple[int, int], ...]  # (start, end) of each sentence in the excerpt's text
    scores: dict[str, tuple[float, ...]]  # theme id -> each sentence's score for it
    vectors: bytes | None = None  # DIMENSIONS signed bytes per sentence, or none stored


class Corpus(Protocol):
    """What the memo needs to read from the corpus; `store.Store` implements it.

    Kept as a protocol so that selection and rendering depend on no database.
    """

    def source(self, source_id: str) -> Source | None:
        """The source with this id, or None."""
        ...

    def excerpt(self, excerpt_id: str) -> Excerpt | None:
        """The excerpt with this id, or None."""
        ...

    def excerpts_for_theme(self, theme_id: str, limit: int | None = None) -> list[ScoredExcerpt]:
        """Excerpts carrying the theme (manual decisions applied), best first; at most `limit`."""
        ...

    def find_excerpt_by_text(self, text: str) -> Excerpt | None:
        """An excerpt whose text is `text` (whitespace-insensitive), or None."""
        ...

    def sentence_profiles(self, excerpt_ids: Sequence[str]) -> dict[str, SentenceProfile]:
        """The stored sentence profiles of these excerpts (those that have one)."""
        ...
