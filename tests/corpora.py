"""Small corpora written straight into a store (no ingest), for the store tests of both
kinds of store: sources cut into the paragraphs given, and a corpus of wire copies."""

from __future__ import annotations

import random

from briefing.model import Excerpt, Source, ThemeScore
from briefing.stores import CorpusStore

WIRE_COPY = "Russia and Pakistan signed the arms deal."
WORDS = [
    "russia",
    "pakistan",
    "arms",
    "helicopters",
    "gas",
    "pipeline",
    "india",
    "talks",
    "deal",
    "signed",
]


def add_source(
    store: CorpusStore, source_id: str, paragraphs: list[str], **meta: str
) -> list[Excerpt]:
    """A source of these paragraphs (joined as ingest joins them), one excerpt each."""
    text = "\n\n".join(paragraphs)
    excerpts, at = [], 0
    for position, paragraph in enumerate(paragraphs):
        start = text.index(paragraph, at)
        at = start + len(paragraph)
        excerpts.append(
            Excerpt(f"{source_id}-{position}", source_id, position, start, at, paragraph)
        )
    with store.transaction():
        store.add_source(Source(source_id, f"{source_id}.txt", text, **meta), excerpts)
    return excerpts


def fill_wire(store: CorpusStore) -> None:
    """300 sources, stored in another order than their ids sort in: in 40 of them five
    random paragraphs of a few words (bm25 tells them apart), and in each one wire
    paragraph (300 equal ranks: ties broken by excerpt id); theme "arms" tagged on some
    (the same ones in any store), one excerpt added to it by hand and one removed."""
    rng = random.Random(3)
    order = list(range(300))
    rng.shuffle(order)
    for s in order:
        paragraphs = [" ".join(rng.choices(WORDS, k=rng.randrange(3, 14))) for _ in range(5)]
        add_source(store, f"s{s:03d}", [*paragraphs, WIRE_COPY] if s < 40 else [WIRE_COPY])
    ids = sorted(e.id for e in store.excerpts())
    with store.transaction():
        store.set_scores([(i, [ThemeScore("arms", 0.9, rng.random() < 0.3)]) for i in ids])
    store.replace_manual([(ids[0], "arms", "added"), (ids[1], "arms", "removed")])
