"""Citations with what a source gives (URL, access date, type, authors, date style);
the sources for citation managers (CSL-JSON validated against its schema, BibTeX)."""

from __future__ import annotations

import json
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
