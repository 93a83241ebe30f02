"""Web pages: the metadata a page declares about itself, weighed against its text.

Each fixture is one shape of page (JSON-LD in an @graph, Open Graph only, several
authors in <meta>, a template's site-wide og:title, Chinese and Japanese pages); no
site of the real web is named in the rules or here.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from briefing.cli import app
from briefing.ingest import read_article
from briefing.ingest.html_meta import strip_site

HTML = Path(__file__).parent / "fixtures" / "ingest" / "html"


def _paragraphs(name: str) -> list[str]:
    article = read_article(HTML / name)
    return [article.text[start:end] for start, end in article.paragraphs]


def test_json_ld_graph_gives_headline_people_site_date_and_address() -> None:
    article = read_article(HTML / "jsonld_graph.html")
    assert article.title == "Ferry operators agree on a shared winter timetable"  # no "| Site"
    # Persons only, once each, not shouted; the newsroom (an Organization) is no author.
    assert article.authors == ("Ingrid Solberg", "Tomas Vega")
    assert article.author == "Ingrid Solberg and Tomas Vega"
    # The WebSite's name, not the company that owns it.
    assert article.outlet == "Harbour Ledger"
    assert article.date == "2022-01-14"  # published, not modified
    assert article.url == "https://www.harbourledger.example/2022/01/14/ferry-timetable"
    assert _paragraphs("jsonld_graph.html")[0].startswith("The three companies that run ferries")
    assert "ferry leaves the northern terminal" not in article.text  # a caption


def test_open_graph_alone_is_enough_and_what_it_does_not_say_stays_empty() -> None:
    article = read_article(HTML / "og_only.html")
    assert article.title == "Village library reopens after flood repairs"
    assert article.outlet == "The Valley Courier"
    assert article.date == "2019-05-03"
    assert article.url == "https://valleycourier.example/news/library-reopens"
    assert article.authors == () and article.author is None  # no byline on the page
    assert len(_paragraphs("og_only.html")) == 3


def test_several_meta_authors_are_cleaned_and_merged() -> None:
    article = read_article(HTML / "two_authors_meta.html")
    # "Dr." and the role dropped; "MARCO BIANCHI" and "Bianchi, Marco" are one person;
    # the site's own name given as an author and a profile link are not people.
    assert article.authors == ("Lena Hofer", "Marco Bianchi")
    assert article.author == "Lena Hofer and Marco Bianchi"
    assert article.title == "Glacier retreat measured from a century of photographs"


def test_a_template_default_og_title_and_an_owning_company_are_passed_over() -> None:
    article = read_article(HTML / "template_og_title.html")
    assert article.title == "Council approves new cycle lanes on the ring road"
    assert article.outlet is None  # a company's legal name is the owner, not the outlet
    assert article.date is None and article.url is None


@pytest.mark.parametrize(
    ("name", "title", "outlet", "first"),
    [
        (
            "cjk_zh.html",
            "山区小学开通远程课堂 学生可与城市同步上课",
            "晨光网",
            "本月起，县里十二所山区小学开通了远程课堂",
        ),
        (
            "cjk_ja.html",
            "駅前の商店街、空き店舗を若手起業家に貸し出し",
            "みなと新報",
            "駅前の商店街は、増え続ける空き店舗を",
        ),
    ],
)
def test_pages_in_scripts_without_spaces_are_read_whole(
    name: str, title: str, outlet: str, first: str
) -> None:
    article = read_article(HTML / name)
    paragraphs = _paragraphs(name)
    assert article.title == title  # without "_Section_Site" or "｜Site"
    assert article.outlet == outlet
    assert paragraphs[0].startswith(first)
    assert len(paragraphs) >= 3  # every short paragraph kept: lengths are not counted by spaces


@pytest.mark.parametrize(
    ("title", "stripped"),
    [
        ("Headline of the day - Example Times", "Headline of the day"),
        ("Example Times | Headline of the day", "Headline of the day"),
        ("Headline of the day | Opinion | Example Times", "Headline of the day | Opinion"),
        ("Covid-19 cases fall - Example Times", "Covid-19 cases fall"),
        ("Headline of the day - Elsewhere", "Headline of the day - Elsewhere"),
        ("Example Times", "Example Times"),  # nothing else: left whole
    ],
)
def test_the_site_is_cut_off_a_title_only_where_it_is_the_outlet(title: str, stripped: str) -> None:
    assert strip_site(title, ["Example Times"], None) == stripped


def test_the_host_names_the_site_when_nothing_else_does() -> None:
    assert strip_site("Headline - Examplenews", [], "https://www.examplenews.example/a") == (
        "Headline"
    )


def test_sources_json_lists_the_authors_and_the_canonical_url(tmp_path: Path) -> None:
    runner = CliRunner()
    root = tmp_path / "ws"
    assert runner.invoke(app, ["init", str(root)]).exit_code == 0
    ingest = runner.invoke(app, ["-w", str(root), "ingest", str(HTML / "jsonld_graph.html")])
    assert ingest.exit_code == 0, ingest.stderr
    [row] = json.loads(runner.invoke(app, ["-w", str(root), "sources", "--json"]).stdout)
    assert row["authors"] == ["Ingrid Solberg", "Tomas Vega"]
    assert row["author"] == "Ingrid Solberg and Tomas Vega"
    assert row["url"] == "https://www.harbourledger.example/2022/01/14/ferry-timetable"
    assert (row["outlet"], row["date"]) == ("Harbour Ledger", "2022-01-14")


BODY = (
    "<h1>Night trains return to the northern line</h1>"
    "<p>The rail operator will run night trains on the northern line again from December, "
    "ten years after the last sleeper service was withdrawn for lack of passengers.</p>"
    "<p>Tickets go on sale next month, and the operator said the first weeks were already "
    "popular with families who had asked for the service to come back.</p>"
)


@pytest.mark.parametrize(
    "head",
    [
        '<script type="application/ld+json">{"@type": "NewsArticle", "headline": </script>',
        '<script type="application/ld+json">[1, "two", null, {"@graph": 5}]</script>',
        '<script type="application/ld+json">{"@type": "Article", "author": [[{"name": 7}]],'
        ' "headline": {"@value": "Night trains return to the northern line"},'
        ' "datePublished": "not a date", "publisher": ["Rail News"]}</script>',
        '<meta property="og:title" content=""><meta name="author" content="https://x.example/a">'
        '<link rel="canonical" href="/relative/path">',
    ],
)
def test_broken_or_odd_declarations_are_ignored_not_fatal(tmp_path: Path, head: str) -> None:
    page = tmp_path / "page.html"
    page.write_text(f"<html><head>{head}</head><body>{BODY}</body></html>", encoding="utf-8")
    article = read_article(page)
    assert article.title == "Night trains return to the northern line"
    assert article.authors == () and article.url is None
    assert article.text.startswith("The rail operator will run night trains")


def test_a_page_that_names_no_site_has_no_outlet_not_its_domain(tmp_path: Path) -> None:
    """The canonical address is the source's URL; its host is no outlet to cite."""
    page = tmp_path / "page.html"
    page.write_text(
        "<html><head><title>Bridge tolls to rise</title>"
        '<link rel="canonical" href="https://news.example.org/2020/bridge-tolls"></head>'
        "<body><article><h1>Bridge tolls to rise</h1>"
        + "".join(
            f"<p>The council voted on the tolls for the river crossing, paragraph {n}, and "
            "the increase takes effect in the spring after a consultation with drivers.</p>"
            for n in range(3)
        )
        + "</article></body></html>",
        encoding="utf-8",
    )
    article = read_article(page)
    assert article.url == "https://news.example.org/2020/bridge-tolls"
    assert article.outlet is None
