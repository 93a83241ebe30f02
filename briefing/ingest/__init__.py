"""Ingest: one file in, one clean article out, with its metadata and paragraphs.

The steps are kept apart so each can be tested alone: `readers` turn bytes into
text with one paragraph per line, `metadata` reads what the page says about
itself (before the cues are thrown away), `clean` keeps the article's body,
and `segment` joins the body and records each paragraph's offsets.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from briefing.errors import RefusedFile
from briefing.ingest import clean, cues, features, hyphens, metadata, readers, segment
from briefing.ingest.authors import clean_authors, display

__all__ = ["MAX_BYTES", "SUPPORTED_SUFFIXES", "Article", "read_article"]

MAX_BYTES = 20 * 1024 * 1024

_READERS: dict[str, Callable[[bytes], readers.Extracted]] = {
    ".txt": readers.read_plain,
    ".md": readers.read_markdown,
    ".markdown": readers.read_markdown,
    ".html": readers.read_html,
    ".htm": readers.read_html,
    ".pdf": readers.read_pdf,
    ".docx": readers.read_docx,
    ".eml": readers.read_eml,
    ".mhtml": readers.read_mhtml,
    ".mht": readers.read_mhtml,
}
SUPPORTED_SUFFIXES = set(_READERS)


@dataclass(frozen=True)
class Article:
    """A cleaned article: its body text, the spans of its paragraphs, and its metadata."""

    text: str  # the cleaned body text; paragraphs joined by "\n\n"
    paragraphs: tuple[tuple[int, int], ...]  # (start, end) of each body paragraph in `text`
    title: str | None
    author: str | None  # the display string of `authors`
    outlet: str | None
    date: str | None  # ISO yyyy-mm-dd, or None when the text gives none
    authors: tuple[str, ...] = ()  # each person, without "By", "Dr.", roles or dates
    url: str | None = None
    # The SHA-256 of the file's bytes as they were read: what its kept original is
    # checked against later (a rebuild or a dump names one changed since).
    original_sha256: str | None = None


def read_article(path: Path, max_bytes: int = MAX_BYTES) -> Article:
    """Read, clean and segment one file; refuse it, saying why, when it holds no article."""
    path = Path(path)
    suffix = path.suffix.lower()
    reader = _READERS.get(suffix)
    if reader is None:
        supported = ", ".join(sorted(SUPPORTED_SUFFIXES))
        what = f"unsupported file type {suffix}" if suffix else "no extension to tell its type"
        raise RefusedFile(str(path), f"{what}; briefing reads {supported}")
    data = _read_bytes(path, max_bytes)
    try:
        extracted = reader(data)
    except readers.Unreadable as error:
        raise RefusedFile(str(path), str(error)) from error
    article = build_article(extracted)
    if article is None:
        raise RefusedFile(str(path), "no body text left after removing the page's boilerplate")
    return replace(article, original_sha256=hashlib.sha256(data).hexdigest())


def build_article(extracted: readers.Extracted) -> Article | None:
    """Metadata first (its cues live in the boilerplate), then the body; None when no body."""
    features.new_document()
    paragraphs = _unflatten(segment.split(extracted.text))
    kinds = clean.classify(paragraphs)
    stoplist = features.stoplist_for(paragraphs)
    blocks = segment.blocks(extracted.text)
    if extracted.structured:
        start, end = 0, len(paragraphs)
    else:
        span = clean.main_span(paragraphs, kinds, stoplist, blocks)
        start, end = clean.body_start(paragraphs, kinds, span[0]), span[1]
        if start >= end:  # no lede inside the article's run (a list, a standfirst-like lede)
            start = span[0]
    page = metadata.Page(paragraphs, kinds, blocks, start, end, stoplist)
    headline = metadata.find_title(page)
    byline = metadata.find_author(page, headline[0] if headline else None)
    title = extracted.title or (headline[1] if headline else None)
    author = extracted.author or (byline[1] if byline else None)
    kinds = clean.mark_known(paragraphs, kinds, author, title)
    if extracted.structured:
        cleaned = clean.Cleaned(_structured_body(paragraphs, title), 0)
    else:
        end = min(len(paragraphs), max(end, start + 1))
        cleaned = clean.clean(paragraphs, kinds, start, end, clean.menu_lines(paragraphs, blocks))
    if not cleaned.body:
        return None
    kept = set(cleaned.body)
    boilerplate = [i for i in range(len(paragraphs)) if i not in kept]
    url = extracted.url or (None if extracted.structured else metadata.find_url(page))
    # A page that declares itself (HTML, a tagged PDF) and names no site has no outlet we
    # can cite: its address's domain is the fallback of a text dump only.
    outlet = extracted.outlet or metadata.find_outlet(
        page,
        boilerplate,
        cleaned.body[0],
        headline[0] if headline else None,
        None if extracted.structured else url,
    )
    near = byline[0] if byline else headline[0] if headline else None
    date = extracted.date or metadata.find_pubdate(page, near)
    # The outlet is not left out of the authors: a personal site bears its author's name,
    # and an organisation's byline ("Example News Staff") is told by its shape.
    authors = tuple(clean_authors(author))
    body = [paragraphs[i] for i in cleaned.body]
    text, spans = segment.join(body if extracted.structured else hyphens.mend(body, stoplist))
    return Article(text, spans, title, display(authors), outlet, date, authors, url)


def _structured_body(paragraphs: list[str], title: str | None) -> list[int]:
    """The body of a reader that already told article from page chrome (HTML): all of it
    but boilerplate lines and the headline printed again.

    The dump cleaner's length and position rules are not applied: made for a whole page
    pasted as text, they would only cut the article's own short paragraphs, and every
    paragraph of a script written without spaces.
    """

    def key(text: str) -> str:
        return re.sub(r"\W+", "", text.casefold())

    headline = key(title) if title else None
    return [
        index
        for index, text in enumerate(paragraphs)
        if text.strip() and not cues.is_boilerplate_line(text) and key(text) != headline
    ]


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
            # Its size first: read(max_bytes + 1) allocated the whole limit (20 MB of
            # address space, against the worker's memory cap) for every file. Beyond its
            # size only if it grew since.
            data = handle.read(size + 1)
            if len(data) > size:
                data += handle.read(max_bytes + 1 - len(data))
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
