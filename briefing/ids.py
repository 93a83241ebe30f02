"""Identities that last: derived from text, so re-ingesting an article changes nothing.

A source's id hashes its cleaned text; an excerpt's id hashes its source's id and
its own text, so it survives a re-ingest and edits to other paragraphs.
"""

from __future__ import annotations

import hashlib
import re

# What `excerpt_ids` makes: 12 hex digits, and -N for a paragraph repeated in its source.
EXCERPT_ID = re.compile(r"[0-9a-f]{12}(?:-[1-9][0-9]{0,5})?")


def _digest(text: str, length: int) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:length]


def canonical(text: str) -> str:
    """Text as a reader compares it: whitespace and case make no difference."""
    return " ".join(text.split()).casefold()


def source_id(cleaned_text: str) -> str:
    return _digest(canonical(cleaned_text), 10)


def excerpt_ids(source: str, paragraphs: list[str]) -> list[str]:
    """One id per paragraph; a paragraph repeated within a source gets -2, -3..."""
    seen: dict[str, int] = {}
    ids = []
    for text in paragraphs:
        base = _digest(source + "\x1f" + canonical(text), 12)
        seen[base] = seen.get(base, 0) + 1
        ids.append(base if seen[base] == 1 else f"{base}-{seen[base]}")
    return ids
