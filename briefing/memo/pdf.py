"""The memo as PDF, typeset by Typst from the template `memo.typ`.

The document goes to Typst as JSON through `sys.inputs`, so no source text is ever
parsed as Typst markup; the template is compiled alone in a temporary folder that is
Typst's root, with only the fonts embedded in Typst, so it reads nothing else and
looks the same on every machine.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from briefing.errors import BriefingError
from briefing.memo.citations import Spans
from briefing.memo.document import Block, MemoDocument, Quote
from briefing.memo.markdown import quote_text, reported
from briefing.memo.render import find_template

TEMPLATE = "memo.typ"


def memo_json(doc: MemoDocument) -> str:
    """The document as the JSON the Typst template reads."""
    header = doc.header
    data = {
        "header": {
            "title": _flat(header.title),
            "to": _flat(header.to),
            "sender": _flat(header.sender),
            "date": _flat(header.date),
            "marking": _flat(header.marking),
        },
        "summary": [_block(b) for b in doc.summary],
        "drafted": [{"label": _flat(p.label), **_quote(p.quote)} for p in doc.drafted],
        "draft_notice": doc.draft_notice,
        "sections": [
            {
                "label": _flat(s.label),
                "comment": [_block(b) for b in s.comment],
                "quotes": [_quote(q) for q in s.quotes],
                "empty": s.empty,
            }
            for s in doc.sections
        ],
        "notes": [{"number": n.number, "spans": _spans(n.spans)} for n in doc.notes],
        "sources": [_spans(e.spans) for e in doc.sources],
    }
    return json.dumps(data, ensure_ascii=False, sort_keys=True)


def render_pdf(doc: MemoDocument, template_dirs: Sequence[Path] = ()) -> bytes:
    """The memo as PDF bytes; the same document always gives the same bytes."""
    import typst  # lazy: a Markdown export never loads the Typst compiler

    template = find_template(TEMPLATE, template_dirs)
    with tempfile.TemporaryDirectory(prefix="briefing-typst-") as tmp:
        root = Path(tmp)
        shutil.copyfile(template, root / TEMPLATE)
        try:
            return bytes(
                typst.compile(
                    str(root / TEMPLATE),
                    root=str(root),
                    format="pdf",
                    sys_inputs={"memo": memo_json(doc)},
                    font_paths=[],
                    ignore_system_fonts=True,
                )
            )
        except typst.TypstError as exc:
            raise BriefingError(
                f"{template}: Typst cannot typeset the memo: {exc}", "template"
            ) from exc


def _flat(text: str) -> str:
    return " ".join(text.split())


def _block(block: Block) -> dict[str, Any]:
    return {"kind": block.kind, "parts": [_flat(i) for i in block.items]}


def _quote(quote: Quote) -> dict[str, Any]:
    return {"text": quote_text(quote), "note": quote.note, "reported": reported(quote)}


def _spans(spans: Spans) -> list[dict[str, Any]]:
    return [{"text": s.text, "italic": s.italic} for s in spans]
