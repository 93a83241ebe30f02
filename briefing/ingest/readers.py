"""From a file's bytes to plain text, one reader per format.

Each reader returns `Extracted`: text with one paragraph per line, and whatever
metadata the format itself carries (HTML meta tags, PDF document info, Markdown
front matter), which is trusted before anything guessed from the text.
"""

from __future__ import annotations

import codecs
import logging
import re
from dataclasses import dataclass
from typing import Any

from briefing.controls import strip_controls
from briefing.ingest import segment
from briefing.ingest.columns import split_columns
from briefing.ingest.dates import find_date
from briefing.ingest.normalize import normalize, unwrap
from briefing.yamlcheck import YamlRefused, load_values


class Unreadable(Exception):
    """The bytes cannot be read as the format their name claims; the message says why."""


@dataclass(frozen=True)
class Extracted:
    """Text with one paragraph per line, and the metadata the format carried."""

    text: str
    title: str | None = None
    author: str | None = None  # as the format gives it; several are joined by "; "
    outlet: str | None = None
    date: str | None = None
    structured: bool = False  # True when the reader already separated article from page chrome
    url: str | None = None

    def __post_init__(self) -> None:
        # Metadata is as hostile as the text (a <title>, PDF info, a front matter "\e[2J"):
        # every text field leaves the reader without control characters.
        for name, value in list(vars(self).items()):
            if name == "text" and isinstance(value, str):
                object.__setattr__(self, name, strip_controls(value))
            elif isinstance(value, str):
                object.__setattr__(self, name, _field(value))
            elif isinstance(value, tuple | list) and all(isinstance(v, str) for v in value):
                object.__setattr__(self, name, type(value)(_field(v) for v in value))


def _field(value: str) -> str:
    """A metadata field without control characters, its spaces collapsed where some went."""
    cleaned = strip_controls(value)
    return cleaned if cleaned == value else " ".join(cleaned.split())


_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_WESTERN = {"latin_1", "iso8859_15", "cp1252", "iso8859_1", "cp1250", "iso8859_2", "mac_roman"}
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")


def decode(data: bytes) -> str:
    """Decode text bytes: a BOM first, then UTF-8, then a detected legacy encoding.

    Windows-1252 is preferred over Latin-1 for Western guesses, since Latin-1 turns
    curly quotes into invisible control characters.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return _checked(data.decode(encoding, errors="replace"))
    if b"\x00" in data[:8192]:
        raise Unreadable("binary file (not text)")
    try:
        return _checked(data.decode("utf-8"))
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data[:200_000]).best()
    if best is None:
        raise Unreadable("binary file or unknown text encoding")
    if best.encoding in _WESTERN:
        try:
            return _checked(data.decode("cp1252"))
        except UnicodeDecodeError:
            pass
    return _checked(data.decode(best.encoding, errors="replace"))


def _checked(text: str) -> str:
    sample = text[:20_000]
    if sample and len(_CONTROL.findall(sample)) > 0.01 * len(sample):
        raise Unreadable("binary file (not text)")
    return text


def read_plain(data: bytes) -> Extracted:
    """A plain-text file: a web dump, a wire story, notes; possibly hard-wrapped, possibly
    with a sidebar rendered beside the article (see `columns`)."""
    return Extracted(unwrap(normalize(split_columns(decode(data)))))


_FRONT_MATTER = re.compile(r"\A---\n(.*?)\n(?:---|\.\.\.)\n", re.DOTALL)
_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")
_EMPHASIS = re.compile(r"(\*\*|__|\*|_)(?=\S)(.+?)(?<=\S)\1")
_HEADING = re.compile(r"^#{1,6}\s+(.*?)\s*#*$")
_BLOCKQUOTE = re.compile(r"^>\s?")


def read_markdown(data: bytes) -> Extracted:
    """A Markdown file: front matter read as metadata, markup reduced to its words."""
    text = normalize(decode(data))
    meta: dict[str, Any] = {}
    front = _FRONT_MATTER.match(text)
    if front:
        try:
            loaded = load_values(front.group(1))
        except YamlRefused as refused:
            if not refused.syntax:  # over a limit or a bad value: the file's own problem
                # The front matter starts on the file's second line.
                where = f" line {refused.line + 1}" if refused.line else ""
                raise Unreadable(f"front matter{where}: {refused.problem}") from refused
            loaded = None  # not YAML at all: the dashes were not front matter
        meta = loaded if isinstance(loaded, dict) else {}
        text = text[front.end() :]
    lines: list[str] = []
    title = _text_field(meta, "title")
    for line in text.split("\n"):
        if line.startswith(("```", "~~~")) or set(line) <= set("-*_=") and len(line) >= 3:
            line = ""
        heading = _HEADING.match(line)
        if heading:
            line = heading.group(1)
            title = title or line
        line = _BLOCKQUOTE.sub("", line)
        line = _EMPHASIS.sub(r"\2", _LINK.sub(r"\1", _IMAGE.sub("", line)))
        lines.append(line.strip())
    return Extracted(
        unwrap("\n".join(lines)),
        title=title,
        author=_text_field(meta, "author", "authors", "byline"),
        outlet=_text_field(meta, "outlet", "publication", "source", "site", "publisher"),
        date=find_date(str(meta.get("date") or meta.get("published") or "")),
        url=_text_field(meta, "url", "link", "canonical", "source_url"),
    )


def _text_field(meta: dict[str, Any], *keys: str) -> str | None:
    for key in keys:
        value = meta.get(key)
        if isinstance(value, list):
            value = "; ".join(str(item) for item in value)  # "Doe, Jane" stays one name
        if isinstance(value, str | int) and str(value).strip():
            return " ".join(str(value).split())
    return None


def read_html(data: bytes) -> Extracted:
    """An HTML page: trafilatura separates the article from navigation and chrome; the
    page's own declarations (JSON-LD, Open Graph, meta tags) weighed against what it
    found give the metadata."""
    import trafilatura
    from trafilatura.utils import load_html

    from briefing.ingest import html_meta

    logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
    logging.getLogger("htmldate").setLevel(logging.CRITICAL)
    # The parser drops a bare ESC but keeps the rest of its sequence ("]0;title") as text,
    # so whole sequences go before parsing.
    html = strip_controls(decode(data))
    try:
        tree = load_html(html)
        if tree is None:
            raise Unreadable("no HTML document in the file")
        meta = html_meta.read_page_meta(tree)
        doc = trafilatura.bare_extraction(
            tree,
            fast=True,
            include_comments=False,
            include_tables=True,
            include_images=False,
            with_metadata=True,
            deduplicate=False,
            date_extraction_params={"extensive_search": False, "original_date": True},
        )
    except AssertionError as error:  # lxml's tree builder asserts on some broken markup
        raise Unreadable("the HTML is too malformed to parse (e.g. a page inside CDATA)") from error
    if doc is None:
        raise Unreadable("no article text found in the HTML")
    body = str(getattr(doc, "text", None) or "")
    # trafilatura puts one paragraph per line; blank lines keep them apart.
    text = "\n\n".join(_tables_joined(normalize(body).split("\n")))
    url = meta.urls[0] if meta.urls else None
    outlet = html_meta.choose_outlet(meta)
    title = html_meta.choose_title(meta, outlet, url, _clean(getattr(doc, "title", None)))
    from briefing.ingest.authors import clean_authors

    # The site or its publisher named as author is no person, unless typed as one (a
    # personal site is named after its author).
    not_people = [*meta.sites, *meta.publishers]
    authors = clean_authors(meta.people, clean_authors(meta.authors, exclude=not_people))
    if not authors:  # trafilatura's byline from the page text
        found = _clean(getattr(doc, "author", None))
        authors = clean_authors(found, exclude=[*not_people, outlet or ""])
    return Extracted(
        text,
        title=title,
        author="; ".join(authors) or None,
        outlet=outlet,
        date=html_meta.choose_date(meta, _clean(getattr(doc, "date", None))),
        structured=True,
        url=url,
    )


_TABLE_ROW = re.compile(r"^\|.*\|$")
_TABLE_RULE = re.compile(r"^\|(?:\s*:?-{3,}:?\s*\|)+$")


def _tables_joined(lines: list[str]) -> list[str]:
    """trafilatura writes a table as Markdown rows ("| a | b |"), one a line: each table
    becomes one paragraph (one excerpt), each row on a line of its own, cells joined by
    " | "."""
    out: list[str] = []
    rows: list[str] = []
    for line in [*lines, ""]:
        line = line.strip()
        if _TABLE_ROW.match(line):
            if not _TABLE_RULE.match(line):
                cells = [" ".join(c.split()) for c in line.strip("|").split("|")]
                row = " | ".join(c for c in cells if c)
                if row:
                    rows.append(row)
            continue
        if rows:
            out.append(segment.ROW_BREAK.join(rows))
            rows = []
        out.append(line)
    return out


def read_pdf(data: bytes) -> Extracted:
    """A PDF with a text layer (see `briefing.ingest.pdf`)."""
    from briefing.ingest.pdf import read_pdf as read

    return read(data)


def read_docx(data: bytes) -> Extracted:
    """A Word document (see `briefing.ingest.office`)."""
    from briefing.ingest.office import read_docx as read

    return read(data)


def read_eml(data: bytes) -> Extracted:
    """A saved e-mail (see `briefing.ingest.office`)."""
    from briefing.ingest.office import read_eml as read

    return read(data)


def read_mhtml(data: bytes) -> Extracted:
    """A page saved as a single file (see `briefing.ingest.office`)."""
    from briefing.ingest.office import read_mhtml as read

    return read(data)


def _clean(value: object) -> str | None:
    text = " ".join(str(value).split()) if value else ""
    return text or None
