"""The memo: the brief, selection, citations, the memo document and its renderers.

The CLI and the TUI call only what is exported here; nothing in this package imports
Textual or Typer.
"""

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
from briefing.memo.render import FORMATS, bundled_templates_dir
from briefing.memo.selection import Candidate, propose
from briefing.memo.verify import VerifyProblem, count_quotes, verify_markdown

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
