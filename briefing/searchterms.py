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
# PostgreSQL refuses a lexeme longer than 2047 bytes (a position past 16383 it clamps,
# and it keeps 256 positions of a lexeme).
_LONGEST = 2047
# Each text's terms as a tsvector literal, 'term':1,5 'other':2 (quotes doubled,
# backslashes escaped; FTS5 counts positions from 0, a tsvector from 1), and its length
# in tokens as FTS5 counts it for bm25 (every token, one too long for a tsvector too).
_TSVECTORS = r"""
    SELECT doc, group_concat(lexeme, ' '), sum(tokens) FROM (
        SELECT doc, CASE WHEN length(CAST(term AS BLOB)) <= ? THEN
            '''' || replace(replace(term, '\', '\\'), '''', '''''') || ''':'
            || group_concat(offset + 1, ',') END AS lexeme, count(*) AS tokens
        FROM v GROUP BY term, doc
    ) GROUP BY doc
"""


class SearchTerms:
    """An in-memory FTS5 table: a tokenizer, a query checker and a snippet cutter."""

    def __init__(self) -> None:
        self.db = sqlite3.connect(":memory:", check_same_thread=False)
        self.db.execute(f"CREATE VIRTUAL TABLE t USING fts5(text, tokenize='{TOKENIZER}')")
        self.db.execute("CREATE VIRTUAL TABLE v USING fts5vocab(t, instance)")

    def _load(self, texts: Sequence[str]) -> None:
        # A new table: deleting rows from an FTS5 table tokenizes their text again.
        self.db.execute("DROP TABLE t")
        self.db.execute(f"CREATE VIRTUAL TABLE t USING fts5(text, tokenize='{TOKENIZER}')")
        self.db.executemany("INSERT INTO t(rowid, text) VALUES (?, ?)", enumerate(texts))

    def tsvectors(self, texts: Sequence[str]) -> list[tuple[str, int]]:
        """Per text, its terms and positions as a tsvector literal (put together by SQLite:
        in Python it cost more than the tokenizing), and how many tokens it has."""
        self._load(texts)
        found = [("", 0)] * len(texts)
        for doc, literal, tokens in self.db.execute(_TSVECTORS, (_LONGEST,)):
            found[doc] = (literal or "", int(tokens))
        return found

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
