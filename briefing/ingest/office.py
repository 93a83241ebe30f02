"""Word documents and saved e-mails: the forms an analyst receives every day.

`.docx`: python-docx reads the paragraphs (headings included), tables (one
paragraph per table: cells apart by " | ", rows by "; ") and the core properties (title, author,
created); footnotes and endnotes, which python-docx does not expose, are read
from their parts and kept as text after the body.

`.mhtml`: a page saved as a single file is a MIME archive: its HTML part goes
through the HTML reader.

`.eml`: the standard library's `email` parser; the plain-text body, or else the
HTML body through the HTML reader; the Subject is the title, the sender the
author, the Date header the date.
"""

from __future__ import annotations

import io
import re
from dataclasses import replace
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import parseaddr, parsedate_to_datetime
from typing import Any

from briefing.ingest import segment
from briefing.ingest.normalize import normalize, unwrap
from briefing.ingest.readers import Extracted, Unreadable, decode, read_html

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_NOTE_PARTS = ("footnotes", "endnotes")


def read_docx(data: bytes) -> Extracted:
    """A Word document: headings and paragraphs in order, tables, notes, core properties."""
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, KeyError, ValueError, OSError) as error:
        raise Unreadable(f"not a readable Word document ({error})") from error
    except Exception as error:  # a zip that is not a Word file fails in many ways
        raise Unreadable(f"not a readable Word document ({type(error).__name__})") from error
    paragraphs = _body(document)
    paragraphs.extend(_notes(document))
    text = "\n\n".join(p for p in paragraphs if p)
    if not text.strip():
        raise Unreadable("the Word document has no text")
    core = document.core_properties
    created = core.created.date().isoformat() if core.created else None
    title = _clean(core.title)
    return Extracted(
        normalize(text),
        title=title,
        author=_clean(core.author),
        date=created,
        # A document is its author's text from the first line: no page chrome to find.
        structured=True,
    )


def _body(document: Any) -> list[str]:
    """The body's paragraphs and tables in document order."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    out: list[str] = []
    for block in document.iter_inner_content():
        if isinstance(block, Paragraph):
            out.append(" ".join(block.text.split()))
        elif isinstance(block, Table):
            rows = []
            for row in block.rows:
                cells: list[str] = []
                for cell in row.cells:
                    value = " ".join(cell.text.split())
                    if value and value not in cells[-1:]:  # merged cells repeat
                        cells.append(value)
                if cells:
                    rows.append(" | ".join(cells))
            # One paragraph per table (one excerpt), a row a line, as the HTML reader
            # writes tables.
            out.append(segment.ROW_BREAK.join(rows) if rows else "")
    return out


def _notes(document: Any) -> list[str]:
    """Footnotes and endnotes as paragraphs ("[1] text"), after the body."""
    from lxml import etree

    notes: list[str] = []
    for rel in document.part.rels.values():
        if not any(rel.reltype.endswith("/" + kind) for kind in _NOTE_PARTS):
            continue
        try:
            root = etree.fromstring(rel.target_part.blob)
        except (etree.XMLSyntaxError, ValueError, AttributeError):
            continue
        for note in root.iter(f"{_W}footnote", f"{_W}endnote"):
            if note.get(f"{_W}type") in {"separator", "continuationSeparator"}:
                continue
            text = " ".join("".join(t.text or "" for t in note.iter(f"{_W}t")).split())
            if text:
                notes.append(f"[{note.get(f'{_W}id')}] {text}")
    return notes


def read_eml(data: bytes) -> Extracted:
    """A saved e-mail: its text body (or HTML body), Subject, sender and Date."""
    try:
        message = BytesParser(policy=policy.default).parsebytes(data)
    except (ValueError, TypeError, IndexError) as error:
        raise Unreadable(f"not a readable e-mail ({error})") from error
    if not isinstance(message, EmailMessage) or not (message["From"] or message["Subject"]):
        raise Unreadable("not an e-mail (no From or Subject header)")
    subject = _clean(str(message["Subject"] or ""))
    name, address = parseaddr(str(message["From"] or ""))
    author = _clean(name) or _clean(address)
    date = None
    if message["Date"]:
        try:
            date = parsedate_to_datetime(str(message["Date"])).date().isoformat()
        except (TypeError, ValueError, IndexError):
            date = None
    plain = message.get_body(preferencelist=("plain",))
    html = message.get_body(preferencelist=("html",))
    if plain is not None:
        text = unwrap(normalize(_without_signature(_content(plain))))
        text = re.sub(r"\n(?=\S)", "\n\n", text)  # one paragraph per line
        found = Extracted(text)
    elif html is not None:
        found = read_html(_content(html).encode("utf-8"))
    else:
        raise Unreadable("the e-mail has no text or HTML body")
    if not found.text.strip():
        raise Unreadable("the e-mail's body is empty")
    return Extracted(
        found.text,
        title=subject or found.title,
        author=author,
        outlet=None,
        date=date or found.date,
        structured=True,
    )


def _without_signature(body: str) -> str:
    """The body above its signature: mail clients set the signature off by a line of
    "-- " (RFC 3676), which some strip to "--"; the sender's name and titles below it are
    no part of what they wrote."""
    lines = body.split("\n")
    marks = [i for i, line in enumerate(lines) if line.rstrip() == "--"]
    if not marks or not "\n".join(lines[: marks[-1]]).strip():
        return body
    return "\n".join(lines[: marks[-1]])


def read_mhtml(data: bytes) -> Extracted:
    """A page saved as one file (a browser's "Webpage, Single File", .mhtml): a MIME
    archive whose first HTML part is the page; the page's address rides in its headers."""
    try:
        archive = BytesParser(policy=policy.default).parsebytes(data)
    except (ValueError, TypeError, IndexError) as error:
        raise Unreadable(f"not a readable web archive ({error})") from error
    page = next((p for p in archive.walk() if p.get_content_type() == "text/html"), None)
    if page is None:
        raise Unreadable("the web archive holds no HTML page")
    found = read_html(_content(page).encode("utf-8"))
    url = str(archive["Snapshot-Content-Location"] or page["Content-Location"] or "") or None
    return replace(found, url=url if url and url.startswith(("http://", "https://")) else None)


def _content(part: Any) -> str:
    try:
        content = part.get_content()
    except (LookupError, ValueError, AssertionError):
        content = part.get_payload(decode=True) or b""
    return content if isinstance(content, str) else decode(bytes(content))


def _clean(value: object) -> str | None:
    text = " ".join(str(value).split()) if value else ""
    return text or None
