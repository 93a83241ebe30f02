"""An article read, cut and tagged in a reader worker: all its store rows, ready to write.

The workers do every step of ingest that reads text (clean, segment, hash, embed, find
keywords, profile sentences); the main process only decides duplicates, keeps the
original and writes SQLite. Each article is tagged on its own, and no figure depends on
what else is tagged with it (see Tagger.similarity), so the rows are those a single
process would write.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from briefing import ids
from briefing.model import Excerpt, SentenceProfile

if TYPE_CHECKING:
    from pathlib import Path

    from briefing.ingest import Article
    from briefing.model import Theme
    from briefing.tagging.tagger import Settings, Tagger


@dataclass(frozen=True)
class Prepared:
    """What the store keeps of one article (its source row is made by the caller, who
    adds what only it knows: where the original is kept and the user's corrections)."""

    article: Article
    source_id: str
    excerpts: list[Excerpt]
    vectors: list[tuple[str, bytes]]  # (excerpt id, vector as stored)
    hits: list[tuple[str, str, float, str]]  # (excerpt id, theme id, phrase score, found)
    profiles: list[SentenceProfile]


NOT_UNICODE = "its text holds characters that are not valid Unicode"


class Preparer:
    """Turns an article into a `Prepared` (or the reason it is refused), in a worker.

    Forked workers use the caller's tagger (its model already loaded, shared with the
    parent); a spawned worker gets the taxonomy and settings and builds its own.
    """

    def __init__(self, themes: list[Theme], settings: Settings, tagger: Tagger | None) -> None:
        self.themes = themes
        self.settings = settings
        self._tagger = tagger

    def __getstate__(self) -> dict[str, Any]:
        return {"themes": self.themes, "settings": self.settings, "_tagger": None}

    @property
    def tagger(self) -> Tagger:
        if self._tagger is None:
            from briefing.tagging.tagger import Tagger

            self._tagger = Tagger(self.themes, settings=self.settings)
        return self._tagger

    def __call__(self, items: Sequence[tuple[Path, Article]]) -> list[Prepared | str]:
        """Each article prepared, or the reason it is refused; the articles' texts are
        tagged together (fewer, larger calls), each on its own terms."""
        from briefing.memo.sentences import Read, profile_tagged
        from briefing.tagging.contextfree import Blended
        from briefing.tagging.corpus import hit_rows, vector_bytes

        tagger = self.tagger
        out: list[Prepared | str] = []
        cut: list[tuple[Article, str, list[Excerpt]]] = []
        for _, article in items:
            if not is_unicode(article.text, article.title, article.author, article.outlet):
                out.append(NOT_UNICODE)
                continue
            source_id = ids.source_id(article.text)
            texts = [article.text[start:end] for start, end in article.paragraphs]
            excerpts = [
                Excerpt(eid, source_id, position, start, end, text)
                for position, (eid, (start, end), text) in enumerate(
                    zip(ids.excerpt_ids(source_id, texts), article.paragraphs, texts, strict=True)
                )
            ]
            cut.append((article, source_id, excerpts))
            out.append("")  # filled below
        every = [e for _, _, excerpts in cut for e in excerpts]
        texts = [e.text for e in every]
        # An embedder that reads word by word cuts each excerpt into words once: its
        # sentences' words are then taken from the excerpt's (see `profile_tagged`).
        embedder: Any = tagger.embedder
        pieces = embedder.pieces(texts) if hasattr(embedder, "pieces") and texts else None
        if pieces is not None:
            embedded = embedder.embed_pieces(pieces)
        else:
            embedded = tagger.embed(texts) if texts else None
        read = Read(tagger.read_found(texts), embedder, pieces)
        found = [tagger.hits_of(row) for row in read.found]
        # The memo's sentence profiles, from each excerpt's own (context-free) tags.
        theme_ids = [theme.id for theme in tagger.themes]
        tagged = [[theme_ids[t] for t in row] for row in Blended(tagger, embedded, found).tagged()]
        profiles = iter(profile_tagged(tagger, every, tagged, read))
        at = 0
        slots = [i for i, outcome in enumerate(out) if outcome == ""]
        for (article, source_id, excerpts), slot in zip(cut, slots, strict=True):
            mine = range(at, at + len(excerpts))
            at += len(excerpts)
            vectors = (
                [(every[i].id, vector_bytes(embedded[i])) for i in mine]
                if embedded is not None
                else []
            )
            hits = [row for i in mine for row in hit_rows(every[i].id, found[i], tagger)]
            kept = [next(profiles) for i in mine if tagged[i]]  # profiled: the tagged ones
            out[slot] = Prepared(article, source_id, excerpts, vectors, hits, kept)
        return out


def is_unicode(*texts: str | list[str] | None) -> bool:
    """False when a text holds a lone surrogate (it cannot be stored or embedded)."""
    for text in texts:
        for part in [text] if isinstance(text, str) else text or []:
            try:
                part.encode("utf-8")
            except UnicodeEncodeError:
                return False
    return True
