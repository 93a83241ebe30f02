"""Ingest profiles an excerpt's sentences from what reading the excerpt found (its keyword
matches and its words), not by reading each sentence again. The profiles must be exactly
those of reading every sentence on its own, also where a sentence is cut awkwardly: a
keyword or an exclusion running across two sentences, sentences apart by two spaces or a
line break, a sentence cut inside a word, letters that case-fold to ASCII, a theme with
a hand-written pattern.
"""

from __future__ import annotations

from typing import Any

from briefing.memo.sentences import Read, profile_tagged
from briefing.model import Excerpt, SentenceProfile, Theme
from briefing.tagging.tagger import Tagger

THEMES = [
    Theme(
        "defence",
        "Defence",
        "Armed forces, weapons and the ministries that buy them.",
        keywords=("defence. Ministry", "arms deal", "helicopter", "Kelvin scale", "joint drill"),
        exclude=("arms deal. Critics",),
    ),
    Theme(
        "trade",
        "Trade",
        "Exports, imports and the deals between states.",
        keywords=("export", "trade pact", "pipeline"),
        patterns=(r"\bgas\s+\w+line\b",),
    ),
]

TEXTS = [
    # a keyword across a sentence edge, and an exclusion across one
    "Officials spoke of defence. Ministry staff denied it. The arms deal. Critics "
    "said the helicopter order and the arms deal were one and the same thing.",
    # sentences two spaces apart, a line break, a tab: their words are found anew
    "The helicopter flew.  Then the arms deal was signed.\nThe joint drill began.\tExport "
    "figures rose after the trade pact was signed, officials said on Monday.",
    # the Kelvin sign folds to k: the paragraph is read in full, not by its words
    "The \u212aelvin scale was cited. A joint drill and a helicopter deal followed, "
    "along with a gas pipeline and a trade pact.",
    # a quotation joins sentences; a pattern theme; repeated phrases
    "\u201cThe arms deal is done. The helicopter deal is next,\u201d he said. Exports of "
    "gas by the gasline and the pipeline doubled. Pipeline, pipeline, pipeline.",
    # a sentence that ends at the very end and one that starts the paragraph with a space
    " Leading space. The export pact and the trade pact were both signed in Moscow.",
]


def _profiles(
    tagger: Tagger, excerpts: list[Excerpt], tagged: list[list[str]], read: bool
) -> list[SentenceProfile]:
    if not read:
        return profile_tagged(tagger, excerpts, tagged)
    texts = [e.text for e in excerpts]
    embedder: Any = tagger.embedder
    pieces = embedder.pieces(texts) if hasattr(embedder, "pieces") else None
    return profile_tagged(
        tagger, excerpts, tagged, Read(tagger.read_found(texts), embedder, pieces)
    )


def test_sentence_profiles_from_the_excerpts_reading_equal_reading_each_sentence() -> None:
    tagger = Tagger(THEMES)
    excerpts = [Excerpt(f"e{i}", "s", i, 0, len(t), t) for i, t in enumerate(TEXTS)]
    tagged = [["defence", "trade"]] * len(TEXTS)
    alone = _profiles(tagger, excerpts, tagged, read=False)
    derived = _profiles(tagger, excerpts, tagged, read=True)
    assert len(alone) == len(TEXTS)
    assert derived == alone
    # the cases above are read: some sentences carry keywords, and some edges are awkward
    assert any(any(s > 0.5 for s in p.scores["defence"]) for p in alone)
    assert any(len(p.spans) > 2 for p in alone)


def test_keyword_matches_of_parts_equal_reading_the_parts() -> None:
    tagger = Tagger(THEMES)
    texts = TEXTS + ["helicopter" * 3 + " helicopter", "arms deal"]
    found = tagger.read_found(texts)
    parts = [
        (i, a, b)
        for i, text in enumerate(texts)
        for a in range(0, len(text), 7)
        for b in range(a + 1, len(text) + 1, 11)
    ]
    only = [[0, 1]] * len(parts)
    expected = tagger.read_phrases([texts[i][a:b] for i, a, b in parts], only)
    assert tagger.read_parts(texts, found, parts, only) == expected
    assert any(expected)
