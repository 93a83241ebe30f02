"""Ingest: one file in, one clean article out, with its metadata and paragraphs.

The steps are kept apart so each can be tested alone: `readers` turn bytes into
text with one paragraph per line, `metadata` reads what the page says about
itself (before the cues are thrown away), `clean` keeps the article's body,
and `segment` joins the body and records each paragraph's offsets.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from briefing.errors import RefusedFile
from briefing.ingest import clean, metadata, readers, segment

__all__ = ["MAX_BYTES", "SUPPORTED_SUFFIXES", "Article", "read_article"]

MAX_BYTES = 20 * 1024 * 1024

_READERS: dict[str, Callable[[bytes], readers.Extracted]] = {
    ".txt": readers.read_plain,
    ".md": readers.read_markdown,
    ".markdown": readers.read_markdown,
    ".html": readers.read_html,
    ".htm": readers.read_html,
    ".pdf": readers.read_pdf,
}
SUPPORTED_SUFFIXES = set(_READERS)


@dataclass(frozen=True)
class Article:
    """A cleaned article: its body text, the spans of its paragraphs, and its metadata."""

    text: str  # the cleaned body text; paragraphs joined by "\n\n"
    paragraphs: tuple[tuple[int, int], ...]  # (start, end) of each body paragraph in `text`
    title: str | None
    author: str | None  # without "By", "Dr.", etc.
    outlet: str | None
    date: str | None  # ISO yyyy-mm-dd, or None when the text gives none


def read_article(path: Path, max_bytes: int = MAX_BYTES) -> Article:
    """Read, clean and segment one file; refuse it, saying why, when it holds no article."""
    path = Path(path)
    suffix = path.suffix.lower()
    reader = _READERS.get(suffix)
    if reader is None:
        supported = ", ".join(sorted(SUPPORTED_SUFFIXES))
        raise RefusedFile(str(path), f"unsupported file type {suffix or '(none)'} ({supported})")
    data = _read_bytes(path, max_bytes)
    try:
        extracted = reader(data)
    except readers.Unreadable as error:
        raise RefusedFile(str(path), str(error)) from error
    article = build_article(extracted)
    if article is None:
        raise RefusedFile(str(path), "no body text left after removing the page's boilerplate")
    return article


def build_article(extracted: readers.Extracted) -> Article | None:
    """Metadata first (its cues live in the boilerplate), then the body; None when no body."""
    paragraphs = _unflatten(segment.split(extracted.text))
    kinds = clean.classify(paragraphs)
    start = 0 if extracted.structured else clean.body_start(paragraphs, kinds)
    title = extracted.title or metadata.find_title(paragraphs, start)
    author = extracted.author or metadata.find_author(paragraphs, start)
    kinds = clean.mark_known(paragraphs, kinds, author, title)
    cleaned = clean.clean(paragraphs, kinds, start)
    if not cleaned.body:
        return None
    kept = set(cleaned.body)
    boilerplate = [i for i in range(len(paragraphs)) if i not in kept]
    outlet = extracted.outlet or metadata.find_outlet(paragraphs, boilerplate, cleaned.body[0])
    date = extracted.date or metadata.find_pubdate(paragraphs, start)
    text, spans = segment.join([paragraphs[i] for i in cleaned.body])
    return Article(text, spans, title, author, outlet, date)


FLATTENED = 400  # words: longer than any paragraph an article has; a page run into one line
_SENTENCE = re.compile(r"(?:(?<=[.!?])|(?<=[.!?][\"”’)]))\s+(?=[A-Z“\"‘(])")


def _unflatten(paragraphs: list[str]) -> list[str]:
    """Cut a paragraph too long to be one (a whole page flattened to a line) into groups
    of sentences, so that the cleaner can tell its body from its chrome."""
    result: list[str] = []
    for paragraph in paragraphs:
        if len(paragraph.split()) <= FLATTENED:
            result.append(paragraph)
            continue
        group: list[str] = []
        for sentence in _SENTENCE.split(paragraph):
            group.append(sentence)
            if sum(len(s.split()) for s in group) >= 60:
                result.append(" ".join(group))
                group = []
        if group:
            result.append(" ".join(group))
    return result


def _read_bytes(path: Path, max_bytes: int) -> bytes:
    """The file's bytes, refusing what is not a readable, non-empty file within the limit."""
    try:
        info = os.stat(path)
        if stat.S_ISDIR(info.st_mode):
            raise RefusedFile(str(path), "is a folder, not a file")
        if not stat.S_ISREG(info.st_mode):  # a FIFO would block the read for ever
            raise RefusedFile(str(path), "not a regular file (a pipe, socket or device)")
        size = info.st_size
        if size > max_bytes:
            raise RefusedFile(str(path), f"too large ({size:,} bytes; the limit is {max_bytes:,})")
        with open(path, "rb") as handle:
            data = handle.read(max_bytes + 1)
    except FileNotFoundError as error:
        raise RefusedFile(str(path), "no such file") from error
    except PermissionError as error:
        raise RefusedFile(str(path), "permission denied") from error
    except OSError as error:
        raise RefusedFile(str(path), f"cannot be read ({error.strerror or error})") from error
    if len(data) > max_bytes:
        raise RefusedFile(str(path), f"too large (over {max_bytes:,} bytes)")
    if not data.strip():
        raise RefusedFile(str(path), "empty file")
    return data
