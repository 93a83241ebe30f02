"""The memo as PDF, typeset by Typst from the template `memo.typ`.

The document goes to Typst as JSON through `sys.inputs`, so no source text is ever
parsed as Typst markup; the template is compiled alone in a temporary folder that is
Typst's root, with only the fonts embedded in Typst and no packages, in a child process
that cannot reach the network, so it reads nothing else and looks the same on every
machine.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from briefing.errors import BriefingError
from briefing.memo.citations import Spans
from briefing.memo.document import Block, MemoDocument, Quote
from briefing.memo.markdown import quote_text, reported
from briefing.memo.templates import find_template


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
                "quotes": [_quote(q, rows=True) for q in s.quotes],
                "empty": s.empty,
            }
            for s in doc.sections
        ],
        "notes": [{"number": n.number, "spans": _spans(n.spans)} for n in doc.notes],
        "sources": [_spans(e.spans) for e in doc.sources],
    }
    return json.dumps(data, ensure_ascii=False, sort_keys=True)


def render_pdf(doc: MemoDocument, template_dirs: Sequence[Path] = ()) -> bytes:
    """The memo as PDF bytes; the same document always gives the same bytes.

    Typst runs offline in a child process (see typst_run.py) with a time limit; a
    template that imports a package (`#import "@preview/..."`) is refused with its line.
    """
    template = find_template(TEMPLATE, template_dirs)
    try:
        source = template.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise BriefingError(f"{template}: cannot read it ({exc})", "template") from exc
    _refuse_packages(template, source)
    with tempfile.TemporaryDirectory(prefix="briefing-typst-") as tmp:
        root = Path(tmp)
        (root / TEMPLATE).write_text(source, encoding="utf-8")
        try:
            done = subprocess.run(
                [sys.executable, "-m", "briefing.typst_run", str(root)],
                input=memo_json(doc).encode("utf-8"),
                capture_output=True,
                timeout=MAX_SECONDS,
                env=_offline_environment(),
                check=False,
            )
        except subprocess.TimeoutExpired as exc:
            raise BriefingError(
                f"{template}: Typst took over {MAX_SECONDS:g} seconds; the template is refused",
                "template",
            ) from exc
    problem = done.stderr.decode("utf-8", "replace").strip()
    if done.returncode == TYPST_FAILED:
        raise BriefingError(f"{template}: Typst cannot typeset the memo: {problem}", "template")
    if done.returncode != 0 or not done.stdout.startswith(b"%PDF"):
        last = problem.splitlines()[-1] if problem else f"exit {done.returncode}"
        raise BriefingError(f"{template}: Typst failed ({last})", "template")
    return done.stdout


TEMPLATE = "memo.typ"
TYPST_FAILED = 3  # typst_run.py's exit code when Typst itself refused the template
MAX_SECONDS = 120.0  # a memo typesets in about a second
# A package import names a string that starts with "@" ("@preview/cetz:0.2.2"); a string
# built from "@", \u{40} or a code point is refused too, since it can only be one.
_PACKAGE = re.compile(r"\"@|\\u\{0*40\}|from-unicode", re.IGNORECASE)
_PROXY_VARIABLES = ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY",
                    "all_proxy")  # fmt: skip


def _refuse_packages(template: Path, source: str) -> None:
    for number, line in enumerate(source.splitlines(), start=1):
        if _PACKAGE.search(line):
            raise BriefingError(
                f"{template}:{number}: imports a Typst package; briefing typesets offline, "
                "with no packages: copy what the template needs into it",
                "template",
            )


def _offline_environment() -> dict[str, str]:
    """The child's environment: every proxy a closed local port, no exceptions to it."""
    env = {k: v for k, v in os.environ.items() if k.lower() != "no_proxy"}
    env.update(dict.fromkeys(_PROXY_VARIABLES, "http://127.0.0.1:9"))
    return env


def _flat(text: str) -> str:
    return " ".join(text.split())


def _block(block: Block) -> dict[str, Any]:
    return {"kind": block.kind, "parts": [_flat(i) for i in block.items]}


def _quote(quote: Quote, rows: bool = False) -> dict[str, Any]:
    return {"text": quote_text(quote, rows), "note": quote.note, "reported": reported(quote)}


def _spans(spans: Spans) -> list[dict[str, Any]]:
    return [{"text": s.text, "italic": s.italic} for s in spans]
