"""Rendering: the golden Markdown memo, hostile text kept literal, PDF, verify, determinism.

Regenerate the golden files with `BRIEFING_REGEN_GOLDEN=1 pytest tests/test_memo_render.py`.
"""

from __future__ import annotations

import os
import random
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "memo"))

from memo_corpus import MemoryCorpus  # noqa: E402

from briefing.errors import BriefingError  # noqa: E402
from briefing.library import Library  # noqa: E402
from briefing.memo import (  # noqa: E402
    Brief,
    BriefTheme,
    build_memo,
    default_brief,
    render_markdown,
    render_pdf,
    verify_markdown,
)
from briefing.memo.markdown import (  # noqa: E402
    bundled_layout,
    escape,
    escaped_view,
    render_with_template,
    unescape,
)
from briefing.model import Theme  # noqa: E402
from briefing.workspace import Workspace  # noqa: E402

GOLDEN = Path(__file__).parent / "golden"
HOSTILE = (
    '#read("/etc/passwd") then {{ 7*7 }} and <script>alert(1)</script>, '
    "math $x^2$, a fake note [^1]: here, *bold*, `code`, a path C:\\path\\n and | pipes."
)
HOSTILE_BITS = [
    '#read("/etc/passwd")', "{{ 7*7 }}", "<script>alert(1)</script>", "$x^2$", "[^1]:",
    "*bold*", "C:\\path\\n", "`code`",
]  # fmt: skip
THEME = Theme("t", "Hostile # theme", keywords=("read",))


def _sample_brief(library: Library) -> Brief:
    """A brief over the real sample: ingested, cleaned and tagged by briefing itself."""
    brief = default_brief(
        library.themes, title="Russia–Pakistan defence cooperation agreement", date="2014-12-05"
    )
    brief.to = "Director, South Asia Division"
    brief.sender = "Desk Officer, Russia"
    brief.marking = "CONFIDENTIAL"
    brief.themes[0].comment = "Moscow lifted its embargo in June; the accord builds on it."
    return brief


def _hostile() -> tuple[MemoryCorpus, Brief]:
    corpus = MemoryCorpus()
    corpus.add_source(
        [HOSTILE, "# A heading?\n- and a list item with <b>html</b>."],
        title="Title with *stars* and #hash",
        author="Eve [Attacker]",
        outlet="The <Outlet>",
        date="2020-02-29",
        tags=[[("t", 0.9)], [("t", 0.8)]],
    )
    brief = Brief(
        title="Memo {{ 7*7 }} #title",
        to="<b>Boss</b>",
        sender="$me$",
        summary="Summary with [^9]: fake and *emphasis* and `ticks`.",
        themes=[BriefTheme("t", comment='Comment #read("x") {% if %}')],
    )
    return corpus, brief


def _check_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("BRIEFING_REGEN_GOLDEN"):
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8"), "regenerate with BRIEFING_REGEN_GOLDEN=1"


def test_sample_memo_matches_golden(sample_library: Library) -> None:
    doc = sample_library.build_memo(_sample_brief(sample_library))
    _check_golden("memo_sample.md", render_markdown(doc))


def test_hostile_memo_matches_golden() -> None:
    corpus, brief = _hostile()
    _check_golden("memo_hostile.md", render_markdown(build_memo(brief, [THEME], corpus)))


def _random_view(rng: random.Random) -> dict[str, object]:
    """A memo view (escaped strings, as the template receives them) taking each branch of
    the template at random: with or without a marking, addressees, a drafted summary,
    bullets, comments, quotes reported by several sources, empty sections, sources."""

    def text() -> str:
        return rng.choice(["", "plain", "two words", "with \\*escape\\*", "x" * 30])

    def blocks() -> list[dict[str, object]]:
        return [
            {"kind": rng.choice(["bullets", "paragraph"]), "parts": [text() or "p"] * n}
            for n in rng.choices(range(1, 4), k=rng.randint(0, 3))
        ]

    def quote() -> dict[str, str]:
        return {"text": text() or "q", "marker": f"[^{rng.randint(1, 9)}]",
                "reported": rng.choice(["", " *(reported by 2 sources)*"])}  # fmt: skip

    return {
        "marking": text(), "title": text() or "T", "to": text(), "sender": text(),
        "date": text(), "summary": blocks(), "draft_notice": text(),
        "drafted": [{"label": text(), **quote()} for _ in range(rng.randint(0, 2))],
        "sections": [
            {"label": text() or "S", "comment": blocks(),
             "quotes": [quote() for _ in range(rng.randint(0, 3))], "empty": text()}
            for _ in range(rng.randint(0, 3))
        ],
        "notes": [{"number": n + 1, "text": text()} for n in range(rng.randint(0, 3))],
        "sources": [text() or "s" for _ in range(rng.randint(0, 2))],
    }  # fmt: skip


def test_plain_layout_writes_what_the_bundled_template_writes(sample_library: Library) -> None:
    """Without a template of the workspace's own, the memo is laid out by plain code (no
    Jinja to import); it must write exactly what the bundled memo.md.j2 writes."""
    corpus, brief = _hostile()
    views = [
        escaped_view(sample_library.build_memo(_sample_brief(sample_library))),
        escaped_view(sample_library.build_memo(default_brief(sample_library.themes))),
        escaped_view(build_memo(brief, [THEME], corpus)),
    ]
    rng = random.Random(15)
    views += [_random_view(rng) for _ in range(300)]
    for view in views:
        assert bundled_layout(view) == render_with_template(view)


def test_escape_round_trips() -> None:
    for text in [HOSTILE, "1. not a list", "- nor this", "+ nor", "= nor", "\\\\*", "a\\b"]:
        escaped = escape(text)
        assert unescape(escaped) == text
        assert "[^" not in escaped.replace("\\[\\^", "")
    assert escape("{{ 7*7 }}") == "{{ 7\\*7 }}"
    assert escape("<script>") == "\\<script>"
    # Only what would change the meaning is escaped: prices, R&D, a lone tilde stay.
    assert escape("$916m for R&D, ~5% & $1bn") == "$916m for R&D, ~5% & $1bn"
    assert escape("math $x^2$ and 2^10^") == "math \\$x\\^2\\$ and 2\\^10\\^"
    assert escape("snake_case and _under_") == "snake_case and \\_under\\_"
    assert escape("&amp; stays &amp;") == "\\&amp; stays \\&amp;"


def test_hostile_text_is_literal_in_markdown() -> None:
    corpus, brief = _hostile()
    md = render_markdown(build_memo(brief, [THEME], corpus))
    assert "49" not in md  # nothing was evaluated
    assert not re.search(r"(?<!\\)<script", md) and "\n# A" not in md and "\n- and" not in md
    quote = next(line for line in md.splitlines() if line.startswith("> \\#read"))
    assert unescape(quote[2 : quote.rindex("[^")]) == HOSTILE
    assert verify_markdown(md, list(corpus.sources.values())) == []


@pytest.fixture(scope="module")
def pdftotext() -> str:
    found = shutil.which("pdftotext")
    if not found:
        pytest.skip("poppler-utils (pdftotext) is not installed")
    return found


def _pdf_text(pdftotext: str, pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "memo.pdf"
    path.write_bytes(pdf)
    out = subprocess.run([pdftotext, str(path), "-"], capture_output=True, text=True, check=True)
    return out.stdout.replace("-\n", "").replace("\n", " ")


def test_hostile_text_is_literal_in_pdf(pdftotext: str, tmp_path: Path) -> None:
    corpus, brief = _hostile()
    pdf = render_pdf(build_memo(brief, [THEME], corpus))
    assert pdf.startswith(b"%PDF")
    text = " ".join(_pdf_text(pdftotext, pdf, tmp_path).split())
    for bit in [*HOSTILE_BITS, "Memo {{ 7*7 }} #title", "<b>Boss</b>", "$me$", "[^9]:"]:
        assert bit in text, bit
    assert "root:" not in text  # /etc/passwd was not read


def test_sample_pdf_has_the_memo(pdftotext: str, tmp_path: Path, sample_library: Library) -> None:
    doc = sample_library.build_memo(_sample_brief(sample_library))
    text = _pdf_text(pdftotext, render_pdf(doc), tmp_path)
    squeezed = text.replace(" ", "")  # letter-spaced words come out with spaces in them
    for word in ["MEMORANDUM", "CONFIDENTIAL", "BOTTOMLINE", "ARMSSALES", "SOURCES"]:
        assert word in squeezed
    assert "Ramachandran, Sudha." in text


def test_output_is_byte_identical_across_runs(sample_library: Library) -> None:
    def once() -> tuple[str, bytes]:
        doc = sample_library.build_memo(_sample_brief(sample_library))
        return render_markdown(doc), render_pdf(doc)

    assert once() == once()


def test_output_is_byte_identical_across_processes(sample_workspace: Workspace) -> None:
    briefing = Path(sys.executable).with_name("briefing")
    outputs = []
    for seed in ("1", "2"):
        for fmt in ("md", "pdf"):
            target = sample_workspace.root / f"memo-{seed}.{fmt}"
            subprocess.run(
                [str(briefing), "-w", str(sample_workspace.root), "export", "--format", fmt,
                 "--theme", "india-reaction", "--theme", "arms-sales", "-o", str(target)],
                check=True, capture_output=True, env={**os.environ, "PYTHONHASHSEED": seed},
            )  # fmt: skip
            outputs.append(target.read_bytes())
    assert outputs[0] == outputs[2] and outputs[1] == outputs[3]
    assert outputs[1].startswith(b"%PDF")


def test_verify_passes_then_names_a_changed_quote(sample_library: Library) -> None:
    sources = sample_library.store.sources()
    md = render_markdown(sample_library.build_memo(_sample_brief(sample_library)))
    assert verify_markdown(md, sources) == []
    changed = md.replace("negotiating the sale of Mi-35", "negotiating the sale of all Mi-35", 1)
    assert changed != md
    problems = verify_markdown(changed, sources)
    assert problems and "It began negotiating" in problems[0].message
    assert "New Era in Russia-Pakistan Relations?" in problems[0].message


def test_verify_checks_every_source_of_a_merged_quote() -> None:
    corpus = MemoryCorpus()
    wire = "The tariff will rise to 25 percent, officials said on Monday."
    corpus.add_source([wire], title="A", author="Ann Lee", tags=[[("t", 0.9)]])
    corpus.add_source([wire], title="B", outlet="Daily", tags=[[("t", 0.9)]])
    brief = Brief(title="M", summary="S.", themes=[BriefTheme("t")])
    md = render_markdown(build_memo(brief, [THEME], corpus))
    note = next(line for line in md.splitlines() if line.startswith("[^1]:"))
    assert "“B,” *Daily*" in note and "Ann Lee, “A" in note
    sources = list(corpus.sources.values())
    assert verify_markdown(md, sources) == []
    altered = [s if s.title == "A" else s.__class__(**{**s.__dict__, "text": "gone"})
               for s in sources]  # fmt: skip
    problems = verify_markdown(md, altered)
    assert len(problems) == 1 and "not verbatim in B" in problems[0].message


def test_verify_reports_unknown_note_and_missing_note() -> None:
    md = "> A quote with no note.\n\n> Quoted.[^1]\n\n[^1]: Nobody, “Nothing.”\n"
    messages = [p.message for p in verify_markdown(md, [])]
    assert any("has no note" in m for m in messages)
    assert any("cites no source" in m for m in messages)


def test_workspace_template_takes_precedence(tmp_path: Path) -> None:
    (tmp_path / "memo.md.j2").write_text("custom {{ memo.title }}\n", encoding="utf-8")
    corpus, brief = _hostile()
    doc = build_memo(brief, [THEME], corpus)
    assert render_markdown(doc, [tmp_path]) == "custom Memo {{ 7\\*7 }} #title\n"
    (tmp_path / "memo.md.j2").write_text("{{ memo.nope }}\n", encoding="utf-8")
    with pytest.raises(BriefingError, match="template"):
        render_markdown(doc, [tmp_path])
    (tmp_path / "memo.typ").write_text('#read("/etc/passwd")\n', encoding="utf-8")
    with pytest.raises(BriefingError, match="Typst"):
        render_pdf(doc, [tmp_path])


def test_core_imports_no_ui() -> None:
    code = (
        "import sys, briefing.memo;"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('textual', 'typer')];"
        "print(bad)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
