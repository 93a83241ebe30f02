"""From a file's bytes to plain text, one reader per format.

Each reader returns `Extracted`: text with one paragraph per line, and whatever
metadata the format itself carries (HTML meta tags, PDF document info, Markdown
front matter), which is trusted before anything guessed from the text.
"""

from __future__ import annotations

import codecs
import io
import logging
import re
from dataclasses import dataclass
from typing import Any

from briefing.controls import strip_controls
from briefing.ingest.dates import find_date
from briefing.ingest.normalize import normalize, unwrap
from briefing.ingest.pdf import page_text
from briefing.yamlcheck import YamlRefused, load_values


class Unreadable(Exception):
    """The bytes cannot be read as the format their name claims; the message says why."""


@dataclass(frozen=True)
class Extracted:
    """Text with one paragraph per line, and the metadata the format carried."""

    text: str
    title: str | None = None
    author: str | None = None
    outlet: str | None = None
    date: str | None = None
    structured: bool = False  # True when the reader already separated article from page chrome

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
    """A plain-text file: a web dump, a wire story, notes; possibly hard-wrapped."""
    return Extracted(unwrap(normalize(decode(data))))


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
    )


def _text_field(meta: dict[str, Any], *keys: str) -> str | None:
    for key in keys:
        value = meta.get(key)
        if isinstance(value, list):
            value = ", ".join(str(item) for item in value)
        if isinstance(value, str | int) and str(value).strip():
            return " ".join(str(value).split())
    return None


def read_html(data: bytes) -> Extracted:
    """An HTML page: trafilatura separates the article from navigation and chrome."""
    import trafilatura

    logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
    logging.getLogger("htmldate").setLevel(logging.CRITICAL)
    # The parser drops a bare ESC but keeps the rest of its sequence ("]0;title") as text,
    # so whole sequences go before parsing.
    html = strip_controls(decode(data))
    try:
        doc = trafilatura.bare_extraction(
            html,
            fast=True,
            include_comments=False,
            include_tables=False,
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
    text = "\n\n".join(normalize(body).split("\n"))
    return Extracted(
        text,
        title=_clean(getattr(doc, "title", None)),
        author=_clean(getattr(doc, "author", None)),
        outlet=_clean(getattr(doc, "sitename", None)),
        date=find_date(str(getattr(doc, "date", None) or "")),
        structured=True,
    )


def read_pdf(data: bytes) -> Extracted:
    """A PDF with a text layer; a scanned PDF (images only) is refused."""
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    logging.getLogger("pypdf").setLevel(logging.CRITICAL)
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise Unreadable("the PDF is encrypted")
        pages = [page_text(page) for page in reader.pages]
        info = reader.metadata
    except (PyPdfError, ValueError, KeyError, TypeError, OSError) as error:
        raise Unreadable(f"not a readable PDF ({error})") from error
    text = "\n\n".join(pages)
    if len(text.split()) < 5:
        raise Unreadable("the PDF has no text layer (a scanned image?)")
    title = _clean(info.title) if info else None
    if title and re.search(r"\.(?:docx?|pdf|indd|tex)$|^untitled|^microsoft", title, re.I):
        title = None
    return Extracted(
        unwrap(normalize(text), typeset=True),
        title=title,
        author=_clean(info.author) if info else None,
    )


def _clean(value: object) -> str | None:
    text = " ".join(str(value).split()) if value else ""
    return text or None
