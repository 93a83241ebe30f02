"""The memo: the brief, selection, citations, the memo document and its renderers.

The CLI and the TUI call only what is exported here; nothing in this package imports
Textual or Typer.
"""

from typing import TYPE_CHECKING

from briefing.lazy import lazy_attributes

if TYPE_CHECKING:
    from briefing.memo.brief import (
        Brief,
        BriefTheme,
        ExcerptRef,
        brief_to_yaml,
        default_brief,
        load_brief,
        save_brief,
    )
    from briefing.memo.document import MemoDocument, build_memo
    from briefing.memo.docx import render_docx
    from briefing.memo.markdown import render_markdown
    from briefing.memo.pdf import render_pdf
    from briefing.memo.problems import Problem
    from briefing.memo.selection import Candidate, propose
    from briefing.memo.templates import FORMATS, bundled_templates_dir
    from briefing.memo.verify import VerifyProblem, count_quotes, verify_markdown

# Each name loads its own module when first asked for: a Markdown export does not import
# the Word writer, the Typst runner or the verifier.
_LAZY = {
    "Brief": "briefing.memo.brief",
    "BriefTheme": "briefing.memo.brief",
    "ExcerptRef": "briefing.memo.brief",
    "brief_to_yaml": "briefing.memo.brief",
    "default_brief": "briefing.memo.brief",
    "load_brief": "briefing.memo.brief",
    "save_brief": "briefing.memo.brief",
    "MemoDocument": "briefing.memo.document",
    "build_memo": "briefing.memo.document",
    "render_docx": "briefing.memo.docx",
    "render_markdown": "briefing.memo.markdown",
    "render_pdf": "briefing.memo.pdf",
    "Problem": "briefing.memo.problems",
    "FORMATS": "briefing.memo.templates",
    "bundled_templates_dir": "briefing.memo.templates",
    "Candidate": "briefing.memo.selection",
    "propose": "briefing.memo.selection",
    "VerifyProblem": "briefing.memo.verify",
    "count_quotes": "briefing.memo.verify",
    "verify_markdown": "briefing.memo.verify",
}


__getattr__ = lazy_attributes(__name__, _LAZY)


__all__ = [
    "FORMATS",
    "Brief",
    "BriefTheme",
    "Candidate",
    "ExcerptRef",
    "MemoDocument",
    "Problem",
    "VerifyProblem",
    "brief_to_yaml",
    "build_memo",
    "count_quotes",
    "bundled_templates_dir",
    "default_brief",
    "load_brief",
    "propose",
    "render_docx",
    "render_markdown",
    "render_pdf",
    "save_brief",
    "verify_markdown",
]
