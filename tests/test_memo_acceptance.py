"""The sample's four-theme memo as its reader gets it: tight quotes, paired quotation
marks, verify strict about edges; Word export with real footnotes; stemmed search."""

from __future__ import annotations

import io
import os
import re
import statistics
import sys
import zipfile
from pathlib import Path
from xml.etree import ElementTree

from briefing.library import Library
from briefing.memo import FORMATS, Brief, BriefTheme, build_memo, render_markdown, verify_markdown
from briefing.memo.docx import render_docx
from briefing.model import Theme

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "memo"))
from memo_corpus import MemoryCorpus  # noqa: E402

GOLDEN = Path(__file__).parent / "golden"


def _sample_md(library: Library) -> str:
    brief = Brief(title="Russia-Pakistan", themes=[BriefTheme(t.id) for t in library.themes])
    return render_markdown(library.build_memo(brief))


def _quotes(md: str) -> list[str]:
    block = [re.sub(r"\[\^\d+\].*", "", line[2:]) for line in md.splitlines() if line[:2] == "> "]
    return block + re.findall(r"“(.*?)”\[\^\d+\]", md)


def test_sample_quotes_are_tight_and_verified(sample_library: Library) -> None:
    md = _sample_md(sample_library)
    words = [len([w for w in q.split() if w != "…"]) for q in _quotes(md)]
    assert len(words) >= 16
    assert statistics.median(words) <= 35 and max(words) <= 70, words
    body = md.split("## Sources")[0]
    assert body.count("“") == body.count("”")
    assert verify_markdown(md, sample_library.store.sources()) == []


def test_verify_fails_a_memo_missing_one_closing_mark(sample_library: Library) -> None:
    md = _sample_md(sample_library)
    sources = sample_library.store.sources()
    closings = [m.start() for m in re.finditer("”", md.split("## Sources")[0])]
    assert closings
    for at in closings:  # every closing mark of the body, one at a time
        broken = md[:at] + md[at + 1 :]
        assert verify_markdown(broken, sources), f"passed without the mark at {at}"


def test_verify_fails_a_cut_without_its_ellipsis(sample_library: Library) -> None:
    md = _sample_md(sample_library)
    line = next(x for x in md.splitlines() if x.startswith("> … "))
    problems = verify_markdown(md.replace(line, "> " + line[4:], 1), sample_library.store.sources())
    assert problems and "without an ellipsis" in problems[0].message


def test_verify_fails_a_quote_that_cuts_inside_a_source_quotation() -> None:
    corpus = MemoryCorpus()
    text = "Officials spoke. “The tariff will rise, and soon,” the minister said on Monday."
    source = corpus.add_source([text], title="A", tags=[[("t", 0.9)]])
    md = "# M\n\n> … “The tariff will rise …[^1]\n\n[^1]: “A.”\n"
    problems = verify_markdown(md, [source])
    assert problems and any("inside a quotation" in p.message for p in problems)


def test_claims_in_other_words_are_one_item_with_a_count() -> None:
    corpus = MemoryCorpus()
    theme = Theme("t", "Trade", keywords=("tariff",))
    corpus.add_source(["The government will raise the steel tariff to 25 percent next month, "
                       "the trade ministry said on Monday."], title="A", outlet="Wire",
                      tags=[[("t", 0.9)]])  # fmt: skip
    corpus.add_source(["The steel tariff will be raised to 25 percent next month, the trade "
                       "ministry announced on Monday."], title="B", outlet="Daily",
                      tags=[[("t", 0.85)]])  # fmt: skip
    corpus.add_source(["Farmers protested about grain prices and a tariff on fertiliser."],
                      title="C", tags=[[("t", 0.5)]])  # fmt: skip
    doc = build_memo(Brief(title="M", summary="S.", themes=[BriefTheme("t")]), [theme], corpus)
    quotes = doc.sections[0].quotes
    assert len(quotes) == 2 and quotes[0].reported_by == 2 and quotes[1].reported_by == 1
    md = render_markdown(doc)
    assert "*(reported by 2 sources)*" in md and "; see also “B,” *Daily*." in md
    assert verify_markdown(md, list(corpus.sources.values())) == []


W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def test_docx_has_real_footnotes_and_matches_golden(sample_library: Library) -> None:
    assert "docx" in [f[0] for f in FORMATS]
    themes = [BriefTheme(t.id) for t in sample_library.themes]
    brief = Brief(title="Russia-Pakistan", to="Director", sender="Desk", date="2014-12-05",
                  marking="Restricted", themes=themes)  # fmt: skip
    doc = sample_library.build_memo(brief)
    data = render_docx(doc)
    assert data == render_docx(doc)  # byte-identical across runs
    with zipfile.ZipFile(io.BytesIO(data)) as docx:
        document = docx.read("word/document.xml").decode("utf-8")
        footnotes = docx.read("word/footnotes.xml").decode("utf-8")
        header = docx.read("word/header1.xml").decode("utf-8")
        footer = docx.read("word/footer1.xml").decode("utf-8")
    assert document.count("<w:footnoteReference") == len(doc.notes)
    assert 'w:val="BlockText"' in document and 'w:val="Heading2"' in document
    assert "Ramachandran" in footnotes
    # The marking heads and foots every page, the footer counts pages, as in the PDF.
    assert "RESTRICTED" not in document
    assert _xml_text(header) == "[] RESTRICTED"
    assert _xml_text(footer) == "[] RESTRICTED\n[] Russia-Pakistan · Page 1 of 1"
    assert 'w:instr=" PAGE "' in footer and 'w:instr=" NUMPAGES "' in footer
    assert 'w:footerReference w:type="default"' in document
    text = _xml_text(document) + "\n---\n" + _xml_text(footnotes)
    path = GOLDEN / "memo_sample.docx.txt"
    if os.environ.get("BRIEFING_REGEN_GOLDEN"):
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8"), "regenerate with BRIEFING_REGEN_GOLDEN=1"


def test_docx_footer_shows_a_title_with_markup_characters_as_text(
    sample_library: Library,
) -> None:
    themes = [BriefTheme(t.id) for t in sample_library.themes]
    brief = Brief(title="Arms & <b>oil</b> \x07", marking="", themes=themes)
    data = render_docx(sample_library.build_memo(brief))
    with zipfile.ZipFile(io.BytesIO(data)) as docx:
        footer = ElementTree.fromstring(docx.read("word/footer1.xml"))
        header = ElementTree.fromstring(docx.read("word/header1.xml"))
    words = "".join(t.text or "" for t in footer.iter(f"{{{W}}}t"))
    assert words == "Arms & <b>oil</b>  · Page 1 of 1"
    assert not "".join(t.text or "" for t in header.iter(f"{{{W}}}t"))  # no marking, no line


def _xml_text(xml: str) -> str:
    """The paragraphs' text, one a line, with each paragraph's style: what a reader sees."""
    lines = []
    for para in re.findall(r"<w:p[ >].*?</w:p>", xml, re.S):
        style = re.search(r'<w:pStyle w:val="([^"]+)"', para)
        words = "".join(re.findall(r"<w:t[^>]*>([^<]*)</w:t>", para))
        marks = len(re.findall(r"<w:footnoteReference", para))
        lines.append(f"[{style.group(1) if style else ''}] {words}" + " [note]" * marks)
    return "\n".join(lines)


def test_search_by_stem_phrase_prefix_near(sample_library: Library) -> None:
    store = sample_library.store
    assert any("helicopters" in h.excerpt.text for h in store.search("helicopter"))
    assert store.search('"arms sales"') or store.search('"arms sale"')
    assert any("helicopters" in h.excerpt.text for h in store.search("helicop*"))
    assert store.search("NEAR(russia pakistan, 5)")
    assert store.search("near(russia pakistan, 5)")
    assert not store.search("helicoptr")
    assert "helicopters" in store.suggest("helicoptr")
