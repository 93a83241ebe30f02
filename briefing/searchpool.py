"""Which matches a search ranks, one rule for both stores; and telling the user.

Ranking costs FTS5 about 2 µs a match, so a query found in more than SEARCH_POOL
excerpts is ranked among the SEARCH_POOL of them added last: words that common say little
about an excerpt, and the newest material is what an analyst adds to read. Within a
theme, the pool grows ×4 until it holds `limit` of the theme's excerpts. Fewer matches
than the pool: every one is ranked. Ranks are bm25 over the whole corpus either way, so a
hit's rank does not depend on the pool; which hits are shown does, and the hits say so.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Generic, TypeVar

if TYPE_CHECKING:
    from briefing.store import SearchHit

SEARCH_POOL = 5000  # matches ranked at most, the newest
# The embedded store counts a word's matches up to this many (at 100,000 articles: 5-9 ms
# for a word in every other excerpt; counting them all took 60-100 ms, more than the search).
COUNTED = 50_000

R = TypeVar("R")


@dataclass(frozen=True)
class Pooled(Generic[R]):
    """What a store's ranking of the newest matches gave."""

    ranked: R
    whole: bool  # every match was in the pool
    kept: int  # how many of the pool carry the theme (without a theme: any number)


def rank_in_pool(
    rank: Callable[[int | None], Pooled[R]], theme: bool, limit: int
) -> tuple[R, int | None]:
    """The ranking, and the pool it was made from (None: every match). `rank(pool)` ranks
    the `pool` newest matches (None: all of them); a negative limit asks for all."""
    pool = SEARCH_POOL
    while True:
        done = rank(None if limit < 0 else pool)
        if done.whole:
            return done.ranked, None
        if not theme or done.kept >= limit:
            return done.ranked, pool
        pool *= 4


class SearchHits(list["SearchHit"]):
    """A search's hits, best first. When the query matched more excerpts than were ranked:
    how many were (`pool`, the newest) and of how many, where the store could count them
    for less than the search costs: `matches` (None: not counted), `exact` (False: more
    than `matches`, which is where the count stopped)."""

    def __init__(
        self,
        hits: Iterable[SearchHit] = (),
        pool: int | None = None,
        matches: int | None = None,
        exact: bool = True,
        themed: bool = False,
    ) -> None:
        super().__init__(hits)
        if pool is not None and matches is not None and exact and matches <= pool:
            pool = None  # (exactly a pool's worth: every match was ranked)
        self.pool = pool
        self.matches = matches if pool is not None else None
        self.exact = exact
        self.themed = themed

    def pool_note(self) -> str | None:
        """What the user is told when the hits are the best of the newest matches only."""
        if self.pool is None:
            return None
        if self.matches is None:
            found = f"at least {self.pool:,}"
        else:
            found = f"{self.matches:,}" if self.exact else f"more than {self.matches:,}"
        narrow = "add words to narrow" if self.themed else "add words or a theme to narrow"
        return f"{found} matches: these are the best of the {self.pool:,} newest; {narrow}"
