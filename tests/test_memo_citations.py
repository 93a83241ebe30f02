"""Citations with what a source gives (URL, access date, type, authors, date style);
the sources for citation managers (CSL-JSON validated against its schema, BibTeX)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import jsonschema
from typer.testing import CliRunner

from briefing.cli import app
from briefing.memo import Brief, BriefTheme, build_memo, render_markdown, verify_markdown
from briefing.memo.brief import parse_date
from briefing.memo.citations import bibliography_entry, format_date, full_note, plain
from briefing.memo.csl import bibtex, csl_items
from briefing.model import Source
from briefing.workspace import Workspace

SCHEMA = Path(__file__).parent / "fixtures" / "csl" / "csl-data.subset.json"
WEB = Source(
    id="w1",
    file="page.html",
    text="The tariff will rise to 25 percent, officials said.",
    title="Tariffs Rise",
    outlet="Harbour Blog",
    date="2014-12-05",
    authors=["Ann Lee", "Bo Chan", "Cy Diaz"],
    url="https://example.org/tariffs",
    accessed="2014-12-07",
)


def test_a_web_source_first_note_carries_url_and_access_date() -> None:
    note = plain(full_note(WEB))
    assert note == (
        "Ann Lee, Bo Chan, and Cy Diaz, “Tariffs Rise,” Harbour Blog, December 5, 2014, "
        "accessed December 7, 2014, https://example.org/tariffs."
    )
    entry = plain(bibliography_entry(WEB, "day-month"))
    assert entry.startswith("Lee, Ann, Bo Chan, and Cy Diaz. “Tariffs Rise.” Harbour Blog")
    assert "5 December 2014. Accessed 7 December 2014. https://example.org/tariffs." in entry


def test_blog_outlet_in_italics_and_four_authors_shorten() -> None:
    blog = Source("b", "b.html", "x", title="T", outlet="Notes", type="blog post",
                  authors=["A One", "B Two", "C Three", "D Four"])  # fmt: skip
    spans = full_note(blog)
    assert [s.text for s in spans if s.italic] == ["Notes"]
    assert plain(spans) == "A One et al., “T,” Notes (blog)."


def test_date_styles_and_common_date_forms() -> None:
    assert format_date("2014-12-05", "us") == "December 5, 2014"
    assert format_date("2014-12-05", "day-month") == "5 December 2014"
    assert format_date("2014-12-05", "iso") == "2014-12-05"
    for text in ("5 Dec 2014", "December 5, 2014", "5th December 2014", "2014-12-05"):
        assert parse_date(text) == "2014-12-05", text
    assert parse_date("5/12/2014", "day-month") == "2014-12-05"
    assert parse_date("12/5/2014", "us") == "2014-12-05"
    assert parse_date("next week") is None


def test_memo_date_and_notes_follow_the_brief_style(tmp_path: Path) -> None:
    import sys

    sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "memo"))
    from memo_corpus import MemoryCorpus

    from briefing.model import Theme

    corpus = MemoryCorpus()
    source = corpus.add_source([WEB.text], title="Tariffs Rise", outlet="Wire", date="2014-12-05",
                               tags=[[("t", 0.9)]])  # fmt: skip
    brief = Brief(title="M", date="2014-12-09", date_style="day-month", summary="Ours.",
                  themes=[BriefTheme("t")])  # fmt: skip
    md = render_markdown(build_memo(brief, [Theme("t", "Trade", keywords=("tariff",))], corpus))
    assert "**DATE:** 9 December 2014" in md and "*Wire*, 5 December 2014." in md
    assert verify_markdown(md, [source]) == []


def test_csl_json_validates_against_the_schema() -> None:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    report = Source("r", "r.pdf", "x", title="Annual Review", outlet="Institute", date="2014-11")
    items = csl_items([WEB, report, Source("n", "n.txt", "x")])
    jsonschema.validate(items, schema)
    web = items[0]
    assert web["type"] == "post-weblog" and web["URL"] == WEB.url
    assert web["author"][0] == {"family": "Lee", "given": "Ann"}
    assert web["issued"] == {"date-parts": [[2014, 12, 5]]}
    assert web["accessed"] == {"date-parts": [[2014, 12, 7]]}
    assert items[1]["type"] == "report" and items[1]["issued"] == {"date-parts": [[2014, 11]]}


def test_bibtex_escapes_and_keys() -> None:
    hostile = Source("h", "h.txt", "x", title="50% of {R&D} #1", author="Eve")
    text = bibtex([WEB, hostile])
    assert "@online{w1," in text and "author = {Lee, Ann and Chan, Bo and Diaz, Cy}" in text
    assert r"title = {50\% of \{R\&D\} \#1}" in text
    assert "urldate = {2014-12-07}" in text


def test_sources_csl_and_bibtex_on_the_sample(sample_workspace: Workspace) -> None:
    runner = CliRunner()
    result = runner.invoke(app, ["-w", str(sample_workspace.root), "sources", "--csl"])
    assert result.exit_code == 0, result.output
    items = json.loads(result.stdout)
    jsonschema.validate(items, json.loads(SCHEMA.read_text(encoding="utf-8")))
    assert len(items) == 5 and all(i.get("title") for i in items)
    listed = json.loads(
        runner.invoke(app, ["-w", str(sample_workspace.root), "sources", "--json"]).stdout
    )
    assert {"url", "accessed", "type", "authors"} <= set(listed[0])
    bib = runner.invoke(app, ["-w", str(sample_workspace.root), "sources", "--bibtex"]).stdout
    assert bib.count("@") == 5


CANONICAL_PAGE = """<!doctype html><html><head>
<title>Harbour dues rise again | The Quay Courier</title>
<link rel="canonical" href="https://quay.example.net/news/harbour-dues">
<meta property="og:site_name" content="The Quay Courier">
</head><body><nav><a href="/">Home</a> <a href="/news">News</a></nav>
<article><h1>Harbour dues rise again</h1>
<p>The port authority raised harbour dues by a fifth on Monday, the second rise this
year, and shipping lines said the cost would be passed on to importers within weeks.</p>
<p>Harbour dues now make up a larger share of the cost of a container than fuel on the
short routes along the coast, according to figures the authority published in March.</p>
<p>The authority said the money would pay for dredging the main channel, which has
silted up since the storms of last winter and now limits the size of ships.</p>
</article><footer>Contact us</footer></body></html>
"""


def test_an_html_page_with_a_canonical_url_is_cited_with_url_and_access_date(
    tmp_path: Path,
) -> None:
    """The first note of a saved page gives its URL and the day it was saved (the file's
    modification day), and a rebuild from the kept copy gives the same."""
    runner = CliRunner()
    ws = tmp_path / "ws"
    themes = tmp_path / "themes.yaml"
    themes.write_text(
        "themes:\n  - id: dues\n    label: Harbour dues\n"
        "    description: Fees that ports charge ships.\n    keywords: [harbour dues]\n",
        encoding="utf-8",
    )
    assert runner.invoke(app, ["init", str(ws), "--themes", str(themes)]).exit_code == 0
    page = tmp_path / "dues.html"
    page.write_text(CANONICAL_PAGE, encoding="utf-8")
    saved = 1418169600  # 2014-12-10 00:00 UTC
    os.utime(page, (saved, saved))
    assert runner.invoke(app, ["-w", str(ws), "ingest", str(page)]).exit_code == 0

    def first_note() -> str:
        result = runner.invoke(app, ["-w", str(ws), "export", "-f", "md", "-o", "-"])
        assert result.exit_code == 0, result.output
        notes = [line for line in result.stdout.splitlines() if line.startswith("[^1]:")]
        return notes[0]

    note = first_note()
    assert "https://quay.example.net/news/harbour-dues" in note
    assert "accessed December 10, 2014" in note
    assert runner.invoke(app, ["-w", str(ws), "rebuild"]).exit_code == 0
    assert first_note() == note
