"""Each reader on small files of its format, and every kind of file ingest must refuse."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from briefing.errors import RefusedFile
from briefing.ingest import SUPPORTED_SUFFIXES, Article, read_article
from briefing.ingest.dates import find_date
from briefing.ingest.normalize import unwrap

FIXTURES = Path(__file__).parent / "fixtures" / "ingest"

ARTICLE = [
    "Port strike halts grain exports",
    "By Elena Petrova",
    "Dockworkers at the country's largest grain terminal walked off the job on Monday, "
    "halting exports of wheat and maize at the height of the harvest season and leaving "
    "dozens of ships waiting at anchor.",
    "“We will stay out until the contract is signed,” a union spokesman said.",
]


def _paragraphs(article: Article) -> list[str]:
    return [article.text[start:end] for start, end in article.paragraphs]


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_utf16_with_bom(tmp_path: Path) -> None:
    path = _write(tmp_path, "a.txt", "\n\n".join(ARTICLE).encode("utf-16"))
    article = read_article(path)
    assert _paragraphs(article) == ARTICLE[2:]
    assert (article.title, article.author) == (ARTICLE[0], "Elena Petrova")


def test_utf8_with_bom_and_crlf(tmp_path: Path) -> None:
    path = _write(tmp_path, "a.txt", b"\xef\xbb\xbf" + "\r\n\r\n".join(ARTICLE).encode())
    article = read_article(path)
    assert _paragraphs(article) == ARTICLE[2:]
    assert article.title == ARTICLE[0]
    assert "\r" not in article.text


def test_windows_1252_with_curly_quotes(tmp_path: Path) -> None:
    path = _write(tmp_path, "a.txt", "\r\n\r\n".join(ARTICLE).encode("cp1252"))
    article = read_article(path)
    assert "“We will stay out until the contract is signed,”" in article.text
    assert "country's largest" in article.text


def test_nfc_and_non_breaking_spaces(tmp_path: Path) -> None:
    decomposed = ARTICLE[2].replace("harvest", "re\u0301colte\u00a0harvest")
    path = _write(tmp_path, "a.txt", "\n\n".join([*ARTICLE[:2], decomposed]).encode())
    text = read_article(path).text
    assert "r\u00e9colte harvest" in text


def test_hard_wrapped_markdown(tmp_path: Path) -> None:
    source = """---
title: Wind farms and seabirds
author: Dr. Oskar Lind
date: 2022-09-30
publication: North Sea Review
---

# Wind farms and seabirds

Offshore wind farms in the North Sea have grown tenfold in a decade, and
ornithologists are only beginning to understand how seabirds respond to
the turbines. New tracking data suggest that gannets avoid the farms
almost entirely, while gulls are drawn to them, a well-known pattern now
confirmed with thousands of tagged birds and a newly devel-
oped radar system that can see birds at night.

The researchers recommend three measures:

- pausing turbines during the autumn migration peaks
- painting one blade black to make the rotors visible
- sharing radar data between operators

**Developers say** the measures are costly, but the [report](https://example.org)
argues that the losses of generation would be below one per cent.
"""
    path = _write(tmp_path, "birds.md", source.encode())
    article = read_article(path)
    paragraphs = _paragraphs(article)
    assert paragraphs[0].startswith("Offshore wind farms in the North Sea have grown tenfold")
    assert "to understand how seabirds respond to the turbines." in paragraphs[0]
    # "devel-oped": neither half is a word alone, so the wrap's hyphen goes (issue 9)
    assert "a well-known pattern" in paragraphs[0] and "a newly developed radar" in paragraphs[0]
    assert paragraphs[1:5] == [
        "The researchers recommend three measures:",
        "- pausing turbines during the autumn migration peaks",
        "- painting one blade black to make the rotors visible",
        "- sharing radar data between operators",
    ]
    assert paragraphs[5].startswith("Developers say the measures are costly, but the report argues")
    assert (article.title, article.author) == ("Wind farms and seabirds", "Oskar Lind")
    assert (article.outlet, article.date) == ("North Sea Review", "2022-09-30")


def test_unwrap_keeps_short_lines_and_joins_proven_hyphenation() -> None:
    wrapped = (
        "The committee will contribute to the review, and members agreed to contri-\n"
        "bute their notes by Friday so that the secretariat can prepare a summary\n"
        "for the plenary session, which is expected to take place in Geneva early\n"
        "in the spring.\n"
        "Signed,\n"
        "The Secretary"
    )
    lines = unwrap(wrapped).split("\n")
    assert lines[0].endswith(
        "agreed to contribute their notes by Friday so that the secretariat can prepare a "
        "summary for the plenary session, which is expected to take place in Geneva early "
        "in the spring."
    )
    assert lines[1:] == ["Signed,", "The Secretary"]


def test_html_page_loses_its_chrome() -> None:
    article = read_article(FIXTURES / "lithium_page.html")
    paragraphs = _paragraphs(article)
    assert paragraphs[0].startswith("Bolivia's state lithium company has invited foreign firms")
    assert paragraphs[-1] == (
        "“This is the moment to move from promises to production,” the energy minister told "
        "reporters."
    )
    for chrome in ("cookies", "Related stories", "newsletter", "All rights reserved", "Home"):
        assert chrome not in article.text
    assert article.title == "Bolivia opens lithium tender to foreign firms"
    assert (article.author, article.outlet) == ("Carla Mendoza", "Andes Mining Journal")
    assert article.date == "2023-06-21"


def _typst_pdf(tmp_path: Path, body: str) -> Path:
    typst = pytest.importorskip("typst")
    source = tmp_path / "doc.typ"
    source.write_text(body, encoding="utf-8")
    path = tmp_path / "doc.pdf"
    path.write_bytes(typst.compile(str(source)))
    return path


def test_pdf_with_text_layer(tmp_path: Path) -> None:
    path = _typst_pdf(
        tmp_path,
        """#set document(title: "Glacier retreat accelerates", author: "Lena Huber")
#set page(width: 150mm, height: 200mm)
#set par(justify: true)
= Glacier retreat accelerates

Swiss glaciers lost four per cent of their remaining volume last year, the second-worst \
loss since measurements began, according to the national monitoring network, which blamed \
a dry winter and repeated summer heatwaves.

Scientists said the smaller glaciers in the eastern Alps could disappear within two \
decades, with consequences for hydropower, tourism and water supplies downstream.
""",
    )
    article = read_article(path)
    paragraphs = _paragraphs(article)
    assert len(paragraphs) == 2
    assert paragraphs[0].startswith("Swiss glaciers lost four per cent")
    assert paragraphs[0].endswith("repeated summer heatwaves.")
    assert "national monitoring network" in paragraphs[0]
    assert paragraphs[1].endswith("water supplies downstream.")
    assert (article.title, article.author) == ("Glacier retreat accelerates", "Lena Huber")


def test_numeric_dates_are_month_first_unless_impossible() -> None:
    assert find_date("Posted on 12/3/14") == "2014-12-03"
    assert find_date("Posted on 25/3/2014") == "2014-03-25"
    assert find_date("Monday 1 December 2014, by X") == "2014-12-01"
    assert find_date("Updated Dec. 1st, 2014 10:00") == "2014-12-01"
    assert find_date("yesterday at noon") is None
    assert find_date("February 30, 2014") is None


# -- refusals -------------------------------------------------------------------


def _refused(path: Path, max_bytes: int | None = None) -> str:
    with pytest.raises(RefusedFile) as caught:
        if max_bytes is None:
            read_article(path)
        else:
            read_article(path, max_bytes=max_bytes)
    assert caught.value.path == str(path)
    return caught.value.reason


def test_refuses_an_empty_file(tmp_path: Path) -> None:
    assert "empty" in _refused(_write(tmp_path, "a.txt", b""))
    assert "empty" in _refused(_write(tmp_path, "b.txt", b"  \n\n \t"))


def test_refuses_a_binary_file(tmp_path: Path) -> None:
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8
    assert "binary" in _refused(_write(tmp_path, "photo.txt", png))


def test_refuses_a_pdf_without_text(tmp_path: Path) -> None:
    path = _typst_pdf(tmp_path, "#rect(width: 5cm, height: 3cm, fill: gray)\n")
    assert "no text layer" in _refused(path)


def test_refuses_a_broken_pdf(tmp_path: Path) -> None:
    assert "PDF" in _refused(_write(tmp_path, "a.pdf", b"%PDF-1.7\n this is not a pdf"))


def test_refuses_an_oversized_file(tmp_path: Path) -> None:
    path = _write(tmp_path, "a.txt", "\n\n".join(ARTICLE).encode())
    assert "too large" in _refused(path, max_bytes=100)


def test_refuses_a_missing_path_and_a_folder(tmp_path: Path) -> None:
    assert "no such file" in _refused(tmp_path / "missing.txt")
    folder = tmp_path / "folder.txt"
    folder.mkdir()
    assert "folder" in _refused(folder)


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root reads anything")
def test_refuses_an_unreadable_file(tmp_path: Path) -> None:
    path = _write(tmp_path, "a.txt", "\n\n".join(ARTICLE).encode())
    path.chmod(0)
    try:
        assert "permission" in _refused(path)
    finally:
        path.chmod(0o600)


def test_refuses_a_file_it_may_not_open(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _write(tmp_path, "a.txt", "\n\n".join(ARTICLE).encode())

    def denied(*args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("builtins.open", denied)
    assert "permission" in _refused(path)


def test_refuses_an_unsupported_extension(tmp_path: Path) -> None:
    assert ".odt" in _refused(_write(tmp_path, "a.odt", b"PK\x03\x04"))
    assert ".txt" in SUPPORTED_SUFFIXES and ".pdf" in SUPPORTED_SUFFIXES


def test_refuses_a_page_with_nothing_but_boilerplate(tmp_path: Path) -> None:
    chrome = "Home\nSubscribe now\nShare on Facebook\n© 2024 Example News. All rights reserved."
    assert "no body text" in _refused(_write(tmp_path, "a.txt", chrome.encode()))
