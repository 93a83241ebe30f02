"""The memo as Markdown with footnotes, from the Jinja2 template `memo.md.j2`.

Source text is data: every string is backslash-escaped here, in Python, before the
template sees it, so no quote can become a heading, a footnote, HTML or math.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import jinja2

from briefing.controls import strip_controls
from briefing.memo.citations import Spans
from briefing.memo.document import Block, MemoDocument, Quote
from briefing.memo.quotes import ELLIPSIS
from briefing.memo.render import render_template

TEMPLATE = "memo.md.j2"
_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~^$&])")
_LINE_START = re.compile(r"^(\s*)([-+=]|\d+[.)])")
_UNESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")


def escape(text: str) -> str:
    """Backslash-escape what Markdown (CommonMark, GFM, footnotes, math) would read."""
    text = re.sub(r"\s+", " ", text)
    text = _SPECIAL.sub(r"\\\1", text)
    return _LINE_START.sub(lambda m: m.group(1) + _escape_start(m.group(2)), text)


def unescape(text: str) -> str:
    """Undo `escape` (and any other backslash escape of ASCII punctuation)."""
    return _UNESCAPE.sub(r"\1", text)


def spans_markdown(spans: Spans) -> str:
    """A citation in Markdown: the outlet in italics, everything escaped."""
    return "".join(f"*{escape(s.text)}*" if s.italic else escape(s.text) for s in spans)


def quote_markdown(fragments: Sequence[str]) -> str:
    """The fragments of one quote, escaped, an ellipsis where text was cut."""
    return f" {ELLIPSIS} ".join(escape(f) for f in fragments)


def render_markdown(doc: MemoDocument, template_dirs: Sequence[Path] = ()) -> str:
    """The memo as Markdown; the same document always gives the same bytes."""
    text = render_template(
        TEMPLATE,
        template_dirs,
        {"memo": _view(doc)},
        autoescape=False,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    # No escape sequence reaches a memo, whatever a template or an old store holds.
    return strip_controls(re.sub(r"\n{3,}", "\n\n", text)).strip() + "\n"


def _view(doc: MemoDocument) -> dict[str, Any]:
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
        "sections": [
            {
                "label": escape(s.label),
                "comment": [_block(b) for b in s.comment],
                "quotes": [_quote(q) for q in s.quotes],
                "empty": escape(s.empty),
            }
            for s in doc.sections
        ],
        "notes": [{"number": n.number, "text": spans_markdown(n.spans)} for n in doc.notes],
        "sources": [spans_markdown(e.spans) for e in doc.sources],
    }


def _block(block: Block) -> dict[str, Any]:
    return {"kind": block.kind, "parts": [escape(i) for i in block.items]}


def _quote(quote: Quote) -> dict[str, Any]:
    return {"text": quote_markdown(quote.fragments), "marker": f"[^{quote.note}]"}


def _escape_start(marker: str) -> str:
    if marker[0].isdigit():
        return marker[:-1] + "\\" + marker[-1]
    return "\\" + marker
