"""The memo as Markdown with footnotes, laid out as the template `memo.md.j2` says.

Source text is data: every string is backslash-escaped here, in Python, before the
template sees it, so no quote can become a heading, a footnote, HTML or math.

The bundled template is also written out below as plain code (`bundled_layout`), which
is what runs unless the workspace has a template of its own: a Markdown export then
starts without Jinja (about a fifth of its time). A test renders both ways and compares.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from briefing.controls import strip_controls
from briefing.memo.citations import Spans
from briefing.memo.document import Block, MemoDocument, Quote
from briefing.memo.quotes import ELLIPSIS
from briefing.memo.templates import find_template, is_bundled

TEMPLATE = "memo.md.j2"
_ALWAYS = re.compile(r"([\\`*\[])")  # code, emphasis, links and footnotes, escapes
_TAG = re.compile(r"<(?=[A-Za-z/!?])")  # an HTML tag or comment, an autolink
_ENTITY = re.compile(r"&(?=#?\w+;)")  # &amp; &#123;
_UNDERSCORE = re.compile(r"(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])")  # snake_case stays as it is
_LINE_START = re.compile(r"^(\s*)([-+=#>:|]|\d+[.)])")
_UNESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")
# CommonMark's hard line break inside a block quote: a backslash ending the line.
HARD_BREAK = "\\\n> "


def escape(text: str) -> str:
    """Backslash-escape only what Markdown (CommonMark, GFM, footnotes, pandoc's math,
    super- and subscripts) would read as markup, so "$916m" and "R&D" stay as written."""
    text = re.sub(r"\s+", " ", text)
    text = _ALWAYS.sub(r"\\\1", text)
    text = _TAG.sub(r"\\<", text)
    text = _ENTITY.sub(r"\\&", text)
    text = _UNDERSCORE.sub(r"\\_", text)
    for mark in ("$", "~", "^"):
        if _pairs(text, mark):
            text = text.replace(mark, "\\" + mark)
    return _LINE_START.sub(lambda m: m.group(1) + _escape_start(m.group(2)), text)


def _pairs(text: str, mark: str) -> bool:
    """Whether two `mark`s could enclose math, a strikethrough or a superscript."""
    spots = [i for i, c in enumerate(text) if c == mark]
    if len(spots) < 2:
        return False
    if mark != "$":
        return True
    opening = [i for i in spots if i + 1 < len(text) and not text[i + 1].isspace()]
    closing = [
        i
        for i in spots
        if i > 0 and not text[i - 1].isspace() and not (i + 1 < len(text) and text[i + 1].isdigit())
    ]
    return any(o < c for o in opening for c in closing)


def unescape(text: str) -> str:
    """Undo `escape` (and any other backslash escape of ASCII punctuation)."""
    return _UNESCAPE.sub(r"\1", text)


def spans_markdown(spans: Spans) -> str:
    """A citation in Markdown: the outlet in italics, everything escaped."""
    return "".join(f"*{escape(s.text)}*" if s.italic else escape(s.text) for s in spans)


def quote_text(quote: Quote, rows: bool = False) -> str:
    """The quote as plain text: its fragments, an ellipsis wherever the source goes on.
    With `rows`, a table's rows stay on lines of their own (for a block quote)."""
    body = f" {ELLIPSIS} ".join(("\n" if rows else " ").join(_rows(f)) for f in quote.fragments)
    before = f"{ELLIPSIS} " if quote.cut_before else ""
    after = f" {ELLIPSIS}" if quote.cut_after else ""
    return before + body + after


def quote_markdown(quote: Quote, rows: bool = False) -> str:
    """The fragments of one quote, escaped, an ellipsis where text was cut. With `rows`
    (a block quote), a table's rows end in a hard line break and the quote goes on."""
    join = HARD_BREAK if rows else " "
    parts = [join.join(escape(row) for row in _rows(f)) for f in quote.fragments]
    body = f" {ELLIPSIS} ".join(parts)
    before = f"{ELLIPSIS} " if quote.cut_before else ""
    after = f" {ELLIPSIS}" if quote.cut_after else ""
    return before + body + after


def _rows(fragment: str) -> list[str]:
    """A fragment's lines, spaces collapsed: one unless it is (part of) a table."""
    return [" ".join(row.split()) for row in fragment.split("\n") if row.strip()]


def reported(quote: Quote) -> str:
    """ "reported by 3 sources", when more than one source carries the claim."""
    return f"reported by {quote.reported_by} sources" if quote.reported_by > 1 else ""


def render_markdown(doc: MemoDocument, template_dirs: Sequence[Path] = ()) -> str:
    """The memo as Markdown; the same document always gives the same bytes."""
    view = escaped_view(doc)
    if is_bundled(find_template(TEMPLATE, template_dirs)):
        text = bundled_layout(view)
    else:
        text = render_with_template(view, template_dirs)
    # No escape sequence reaches a memo, whatever a template or an old store holds.
    return strip_controls(re.sub(r"\n{3,}", "\n\n", text)).strip() + "\n"


def render_with_template(view: dict[str, Any], template_dirs: Sequence[Path] = ()) -> str:
    """The escaped memo laid out by `memo.md.j2` (the workspace's, else the bundled one)."""
    import jinja2

    from briefing.memo.render import render_template

    return render_template(
        TEMPLATE,
        template_dirs,
        {"memo": view},
        autoescape=False,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def bundled_layout(memo: dict[str, Any]) -> str:
    """What the bundled memo.md.j2 writes for `memo`, line for line (its blocks'
    own line ends are trimmed, as Jinja's trim_blocks and lstrip_blocks do)."""
    out: list[str] = []
    if memo["marking"]:
        out.append(f"**{memo['marking']}**\n\n")
    out.append("# MEMORANDUM\n\n")
    for label, key in (("TO", "to"), ("FROM", "sender"), ("DATE", "date")):
        if memo[key]:
            out.append(f"**{label}:** {memo[key]}\\\n")
    out.append(f"**SUBJECT:** {memo['title']}\n\n---\n\n")
    if memo["drafted"]:
        out.append(f"## Bottom line (draft)\n\n*{memo['draft_notice']}*\n")
    else:
        out.append("## Bottom line\n")
    out.append("\n")
    _blocks(out, memo["summary"])
    for point in memo["drafted"]:
        out.append(f"- **{point['label']}.** “{point['text']}”{point['marker']}\n")
    out.append("\n")
    for section in memo["sections"]:
        out.append(f"## {section['label']}\n\n")
        _blocks(out, section["comment"])
        for quote in section["quotes"]:
            out.append(f"> {quote['text']}{quote['marker']}{quote['reported']}\n\n")
        if section["empty"]:
            out.append(f"*{section['empty']}*\n\n")
    if memo["sources"]:
        out.append("## Sources\n\n")
        out.extend(f"- {entry}\n" for entry in memo["sources"])
        out.append("\n")
    out.extend(f"[^{note['number']}]: {note['text']}\n" for note in memo["notes"])
    if memo["marking"]:
        out.append(f"\n**{memo['marking']}**\n")
    return "".join(out)


def _blocks(out: list[str], blocks: list[dict[str, Any]]) -> None:
    """Paragraphs and bullet lists, each followed by a blank line."""
    for block in blocks:
        if block["kind"] == "bullets":
            out.extend(f"- {item}\n" for item in block["parts"])
        else:
            out.append(f"{block['parts'][0]}\n")
        out.append("\n")


def escaped_view(doc: MemoDocument) -> dict[str, Any]:
    """The document with every string already escaped: the template only arranges it."""
    header = doc.header
    return {
        "marking": escape(header.marking),
        "title": escape(header.title),
        "to": escape(header.to),
        "sender": escape(header.sender),
        "date": escape(header.date),
        "summary": [_block(b) for b in doc.summary],
        "drafted": [{"label": escape(p.label), **_quote(p.quote)} for p in doc.drafted],
        "draft_notice": escape(doc.draft_notice),
        "sections": [
            {
                "label": escape(s.label),
                "comment": [_block(b) for b in s.comment],
                "quotes": [_quote(q, rows=True) for q in s.quotes],
                "empty": escape(s.empty),
            }
            for s in doc.sections
        ],
        "notes": [{"number": n.number, "text": spans_markdown(n.spans)} for n in doc.notes],
        "sources": [spans_markdown(e.spans) for e in doc.sources],
    }


def _block(block: Block) -> dict[str, Any]:
    return {"kind": block.kind, "parts": [escape(i) for i in block.items]}


def _quote(quote: Quote, rows: bool = False) -> dict[str, Any]:
    return {
        "text": quote_markdown(quote, rows),
        "marker": f"[^{quote.note}]",
        "reported": f" *({escape(reported(quote))})*" if reported(quote) else "",
    }


def _escape_start(marker: str) -> str:
    if marker[0].isdigit():
        return marker[:-1] + "\\" + marker[-1]
    return "\\" + marker
