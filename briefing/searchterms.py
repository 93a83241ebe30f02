"""SQLite's FTS5 tokenizer, used where the words are indexed elsewhere (the team store).

The team store must find what the embedded store finds. PostgreSQL's own parsers and
stemmers differ from FTS5's in many small ways (Porter against Snowball, which letters
lose their accents, case folding outside ASCII under the C locale, "3.5" as one word),
so its index is built from FTS5's own terms: each text is tokenized by an in-memory
FTS5 table with the embedded store's tokenizer, and its terms and positions become a
tsvector. Queries are tokenized the same way, and snippets are cut by FTS5's snippet().
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

# The embedded store's tokenizer (store.py, the excerpts_fts table); a test checks that
# the two are the same.
TOKENIZER = "porter unicode61 remove_diacritics 2"
SNIPPET = "snippet(t, 0, '[', ']', '…', 24)"
# PostgreSQL's limits on a tsvector: a lexeme is at most 2047 bytes, a position at most
# 16383, and no more than 256 positions are kept for one lexeme.
_LONGEST = 2047
_LAST_POSITION = 16383
_POSITIONS = 256


class SearchTerms:
    """An in-memory FTS5 table: a tokenizer, a query checker and a snippet cutter."""

    def __init__(self) -> None:
        self.db = sqlite3.connect(":memory:", check_same_thread=False)
        self.db.execute(f"CREATE VIRTUAL TABLE t USING fts5(text, tokenize='{TOKENIZER}')")
        self.db.execute("CREATE VIRTUAL TABLE v USING fts5vocab(t, instance)")

    def _load(self, texts: Sequence[str]) -> None:
        self.db.execute("DELETE FROM t")
        self.db.executemany("INSERT INTO t(rowid, text) VALUES (?, ?)", enumerate(texts))

    def positions(self, texts: Sequence[str]) -> list[dict[str, list[int]]]:
        """Per text, each term and its positions (1-based), as FTS5 indexes them."""
        self._load(texts)
        found: list[dict[str, list[int]]] = [{} for _ in texts]
        for term, doc, offset in self.db.execute("SELECT term, doc, offset FROM v"):
            found[doc].setdefault(term, []).append(offset + 1)
        return found

    def tsvectors(self, texts: Sequence[str]) -> list[str]:
        """Per text, its terms and positions as a tsvector literal."""
        return [_tsvector(terms) for terms in self.positions(texts)]

    def terms(self, text: str) -> list[str]:
        """The terms of a piece of text, in order (a query's word or phrase)."""
        self._load([text])
        rows = self.db.execute("SELECT term FROM v ORDER BY offset").fetchall()
        return [row[0] for row in rows if len(row[0].encode()) <= _LONGEST]

    def is_valid(self, query: str) -> bool:
        """Whether FTS5 accepts the query's syntax (else the stores match its words)."""
        self._load([])
        try:
            self.db.execute("SELECT 1 FROM t WHERE t MATCH ?", (query,)).fetchall()
        except sqlite3.OperationalError:
            return False
        return True

    def snippets(self, query: str, texts: Sequence[str]) -> list[str | None]:
        """FTS5's snippet of each text for the query (None where the text does not match)."""
        self._load(texts)
        cut = dict(
            self.db.execute(f"SELECT rowid, {SNIPPET} FROM t WHERE t MATCH ?", (query,)).fetchall()
        )
        return [cut.get(n) for n in range(len(texts))]


def quoted(term: str) -> str:
    """A term as a tsvector or tsquery lexeme."""
    return "'" + term.replace("\\", "\\\\").replace("'", "''") + "'"


def _tsvector(terms: dict[str, list[int]]) -> str:
    return " ".join(
        quoted(term)
        + ":"
        + ",".join(str(min(p, _LAST_POSITION)) for p in sorted(set(places))[:_POSITIONS])
        for term, places in terms.items()
        if len(term.encode()) <= _LONGEST
    )
