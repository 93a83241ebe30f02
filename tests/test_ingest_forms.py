"""Every form an analyst receives: printed PDFs, two-column PDFs, Word, e-mail,
a browser's saved page folder, and web pages fetched from a (local) server."""

from __future__ import annotations

import contextlib
import datetime as dt
import http.server
import io
import json
import os
import re
import threading
import time
import zipfile
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path

import pytest
from typer.testing import CliRunner

from briefing.cli import app
from briefing.ingest import read_article
from briefing.ingest.readers import read_pdf
from tests.pdfmaker import make_pdf, wrap

runner = CliRunner()

PARAGRAPHS = [
    "The harbour authority said on Tuesday that the ice season had ended three weeks "
    "earlier than in any year since records began, leaving the northern quay open to "
    "shipping through the whole of the winter months.",
    "Pilots who have worked the channel for decades described conditions that none of "
    "them had seen before, with open water reaching the outer islands and fishing boats "
    "putting out from ports that are normally closed until the spring thaw arrives.",
    "Officials warned that the change brings its own risks, since the coastal villages "
    "had planned their supply routes around the winter road across the frozen bay, and "
    "that road could not be opened at all this year.",
    "A spokesman for the regional council said that emergency funding for the ferry "
    "service would be requested at the next session of the assembly in the capital.",
]


def run(workspace: Path, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["-w", str(workspace), *args], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    root = tmp_path / "ws"
    assert runner.invoke(app, ["init", str(root)]).exit_code == 0
    return root


def _starts_mid_sentence(text: str) -> bool:
    return text[0].islower() or text[0] in ",;)"


# -- PDFs --------------------------------------------------------------------------


def _printed_pdf(title: str, paragraphs: list[str], stamp: str = "11/27/26, 3:31 PM") -> bytes:
    """An untagged printed page: a browser-like header (print date and time, page title)
    and footer (URL, "x/y") on each page, paragraphs wrapped at 80 characters, the text
    running over the page break mid-sentence."""
    lines = [line for p in paragraphs for line in [*wrap(p, 80), ""]]
    per_page = 9
    chunks = [lines[i : i + per_page] for i in range(0, len(lines), per_page)]
    pages = []
    for number, chunk in enumerate(chunks, start=1):
        page = [(30.0, 770.0, 8.0, stamp), (250.0, 770.0, 8.0, title)]
        y = 720.0
        for line in chunk:
            if line:
                page.append((60.0, y, 11.0, line))
            y -= 14.0 if line else 10.0  # a blank line: a wider gap between paragraphs
        page.append((30.0, 30.0, 8.0, "https://news.example.org/harbour-ice"))
        page.append((560.0, 30.0, 8.0, f"{number}/{len(chunks)}"))
        pages.append(page)
    return make_pdf(pages)


def test_a_printed_pdf_reads_as_paragraphs_without_its_header_and_footer(tmp_path: Path) -> None:
    path = tmp_path / "printed.pdf"
    path.write_bytes(_printed_pdf("Harbour ice season ends early", PARAGRAPHS))
    article = read_article(path)
    excerpts = [article.text[s:e] for s, e in article.paragraphs]
    assert excerpts == PARAGRAPHS  # whole paragraphs, across line and page breaks
    assert not any(_starts_mid_sentence(e) for e in excerpts)
    assert "3:31 PM" not in article.text and "news.example.org" not in article.text
    assert article.title == "Harbour ice season ends early"  # from the print header
    assert article.date is None  # the print date is not the publication date
    assert read_pdf(path.read_bytes()).url == "https://news.example.org/harbour-ice"


def test_a_one_page_print_laid_out_another_way_loses_its_furniture(tmp_path: Path) -> None:
    """Another browser's layout: title and URL on top, "1 of 1" and the print date below."""
    page = [
        (30.0, 770.0, 8.0, "Harbour ice season ends early"),
        (400.0, 770.0, 8.0, "https://news.example.org/harbour-ice"),
    ]
    y = 720.0
    for paragraph in PARAGRAPHS[:2]:
        for line in wrap(paragraph, 80):
            page.append((60.0, y, 11.0, line))
            y -= 14.0
        y -= 10.0
    page += [(30.0, 30.0, 8.0, "1 of 1"), (480.0, 30.0, 8.0, "27/11/2026, 15:31")]
    path = tmp_path / "other.pdf"
    path.write_bytes(make_pdf([page], title="Harbour ice season ends early"))
    article = read_article(path)
    assert [article.text[s:e] for s, e in article.paragraphs] == PARAGRAPHS[:2]
    assert article.date is None
    assert read_pdf(path.read_bytes()).url == "https://news.example.org/harbour-ice"


def test_a_printed_pdf_keeps_its_own_dateline_not_the_print_date(tmp_path: Path) -> None:
    path = tmp_path / "dated.pdf"
    path.write_bytes(_printed_pdf("Harbour ice", ["Published 3 March 2024", *PARAGRAPHS]))
    assert read_article(path).date == "2024-03-03"
    timed = ["Published March 3, 2024, 10:15 AM", *PARAGRAPHS]
    path.write_bytes(_printed_pdf("Harbour ice", timed, stamp="Nov 27, 2026, 3:31 PM"))
    article = read_article(path)
    assert article.date == "2024-03-03" and "3:31 PM" not in article.text


def test_a_pdf_tagged_only_in_part_is_read_from_its_layout(tmp_path: Path) -> None:
    page = [(60.0, 740.0, 18.0, "Harbour ice season ends early")]
    y = 700.0
    for paragraph in PARAGRAPHS:
        for line in wrap(paragraph, 80):
            page.append((60.0, y, 11.0, line))
            y -= 14.0
        y -= 10.0
    path = tmp_path / "partly.pdf"
    path.write_bytes(make_pdf([page], tag_first=True))
    article = read_article(path)
    assert [article.text[s:e] for s, e in article.paragraphs] == PARAGRAPHS


def test_a_two_column_pdf_is_read_column_by_column(tmp_path: Path) -> None:
    left = [line for p in PARAGRAPHS[:2] for line in [*wrap(p, 45), ""]]
    right = [line for p in PARAGRAPHS[2:] for line in [*wrap(p, 45), ""]]
    page = [(60.0, 750.0, 18.0, "Harbour ice season ends early")]
    y = 700.0
    # Drawn row by row, left then right, as some layout programs write them.
    for a, b in zip(left, right + [""] * (len(left) - len(right)), strict=False):
        if a:
            page.append((50.0, y, 10.0, a))
        if b:
            page.append((320.0, y, 10.0, b))
        y -= 12.0
    path = tmp_path / "columns.pdf"
    path.write_bytes(make_pdf([page], title="Harbour ice season ends early"))
    article = read_article(path)
    excerpts = [article.text[s:e] for s, e in article.paragraphs]
    assert excerpts == PARAGRAPHS
    assert article.title == "Harbour ice season ends early"


def test_hyphenation_at_line_ends_is_mended_in_a_pdf(tmp_path: Path) -> None:
    lines = [
        "The council reached an agree-",
        "ment with the ferry company after a long night of talks in the",
        "harbour office, and the well-known captain of the largest vessel",
        "said the crossing would resume at once for every village on the coast.",
    ]
    page = [(60.0, 700.0 - 14.0 * i, 11.0, line) for i, line in enumerate(lines)]
    path = tmp_path / "hyphen.pdf"
    path.write_bytes(make_pdf([page]))
    text = read_article(path).text
    assert "an agreement with" in text and "well-known" in text


def test_an_aes_encrypted_pdf_is_refused_with_a_reason() -> None:
    from briefing.errors import RefusedFile
    from tests.paths import SHARED

    path = SHARED / "reliability" / "repro_aes_encrypted.pdf"
    if not path.is_file():
        pytest.skip("the shared reliability files are not beside the checkout")
    with pytest.raises(RefusedFile, match="encrypted"):
        read_article(path)


def test_a_tagged_pdf_with_running_header_and_footer(tmp_path: Path) -> None:
    """Typst writes a tagged PDF, as a browser does; header and footer are artifacts."""
    import typst

    body = "\n\n".join(PARAGRAPHS * 3)
    source = tmp_path / "page.typ"
    source.write_text(
        '#set document(title: "Harbour ice season ends early - The Coastal Ledger")\n'
        "#set page(height: 12cm, header: [11/27/26, 3:31 PM #h(1fr) Harbour ice],\n"
        "  footer: [https://news.example.org/ice #h(1fr) #context counter(page).display()])\n"
        "= Harbour ice season ends early\n\nBy Maren Holt\n\n" + body + "\n",
        encoding="utf-8",
    )
    path = tmp_path / "tagged.pdf"
    path.write_bytes(typst.compile(str(source), format="pdf"))
    article = read_article(path)
    excerpts = [article.text[s:e] for s, e in article.paragraphs]
    assert PARAGRAPHS[0] in excerpts and PARAGRAPHS[3] in excerpts
    assert not any(_starts_mid_sentence(e) for e in excerpts)
    assert "3:31 PM" not in article.text and "news.example.org" not in article.text
    assert article.title == "Harbour ice season ends early"
    assert article.author == "Maren Holt"
    assert article.outlet == "The Coastal Ledger"  # the page title's site name
    assert article.date is None
    assert read_pdf(path.read_bytes()).url == "https://news.example.org/ice"


def test_a_tagged_pdf_names_its_author_by_a_link_to_the_authors_page(tmp_path: Path) -> None:
    import typst

    source = tmp_path / "linked.typ"
    source.write_text(
        '#set document(title: "Harbour ice season ends early")\n'
        "= Harbour ice season ends early\n\n"
        '#link("https://news.example.org/authors/maren-holt")[Maren Holt]\n\n'
        + "\n\n".join(PARAGRAPHS)
        + "\n",
        encoding="utf-8",
    )
    path = tmp_path / "linked.pdf"
    path.write_bytes(typst.compile(str(source), format="pdf"))
    assert read_article(path).author == "Maren Holt"


def test_a_tagged_document_keeps_its_footnotes_after_the_text(tmp_path: Path) -> None:
    import typst

    source = tmp_path / "noted.typ"
    source.write_text(
        '#set document(title: "Ferry funding report")\n= Ferry funding report\n\n'
        + PARAGRAPHS[0]
        + "#footnote[Minutes of the assembly, 6 May 2024.]\n\n"
        + PARAGRAPHS[1]
        + "\n\n- The northern quay.\n- The southern pier.\n",
        encoding="utf-8",
    )
    path = tmp_path / "noted.pdf"
    path.write_bytes(typst.compile(str(source), format="pdf"))
    article = read_article(path)
    excerpts = [article.text[s:e] for s, e in article.paragraphs]
    assert excerpts[0].startswith(PARAGRAPHS[0]) and "Minutes" not in excerpts[0]
    assert excerpts[1] == PARAGRAPHS[1]
    assert excerpts[-1].endswith("Minutes of the assembly, 6 May 2024.")
    # A document is all article: its short list items reach the cleaner too.
    text = read_pdf(path.read_bytes()).text
    assert "The northern quay." in text and "The southern pier." in text


# -- Word and e-mail -----------------------------------------------------------------


def test_a_word_document_with_its_core_properties(tmp_path: Path) -> None:
    import docx

    document = docx.Document()
    document.core_properties.title = "Harbour ice season ends early"
    document.core_properties.author = "Maren Holt"
    document.core_properties.created = dt.datetime(2024, 3, 3, 9, 0)
    document.add_heading("Harbour ice season ends early", level=1)
    document.add_paragraph("Three ports stayed open.")  # short, and the document's own
    for paragraph in PARAGRAPHS[:2]:
        document.add_paragraph(paragraph)
    table = document.add_table(rows=2, cols=2)
    for r, row in enumerate([("Port", "Open days"), ("North quay", "212")]):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    for paragraph in PARAGRAPHS[2:]:
        document.add_paragraph(paragraph)
    path = tmp_path / "report.docx"
    document.save(str(path))
    article = read_article(path)
    excerpts = [article.text[s:e] for s, e in article.paragraphs]
    assert excerpts[0] == "Three ports stayed open."
    assert all(p in excerpts for p in PARAGRAPHS)
    assert "Port | Open days\nNorth quay | 212" in excerpts  # one table excerpt, a row a line
    assert (article.title, article.author, article.date) == (
        "Harbour ice season ends early",
        "Maren Holt",
        "2024-03-03",
    )


def test_a_word_documents_footnotes_are_kept_as_text(tmp_path: Path) -> None:
    """Word keeps footnotes in a part of their own, which python-docx does not write:
    the part is added here as Word writes it."""
    import docx
    from docx.opc.constants import CONTENT_TYPE, RELATIONSHIP_TYPE
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part

    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    notes = (
        f'<w:footnotes xmlns:w="{w}">'
        '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p>'
        "</w:footnote>"
        '<w:footnote w:id="1"><w:p><w:r><w:t>Port authority, annual review, 2024.</w:t>'
        "</w:r></w:p></w:footnote></w:footnotes>"
    ).encode()
    document = docx.Document()
    document.add_paragraph(PARAGRAPHS[0])
    part = Part(
        PackURI("/word/footnotes.xml"), CONTENT_TYPE.WML_FOOTNOTES, notes, document.part.package
    )
    document.part.relate_to(part, RELATIONSHIP_TYPE.FOOTNOTES)
    path = tmp_path / "noted.docx"
    document.save(str(path))
    excerpts = [read_article(path).text[s:e] for s, e in read_article(path).paragraphs]
    assert excerpts == [PARAGRAPHS[0], "[1] Port authority, annual review, 2024."]


def test_a_broken_word_document_is_refused(tmp_path: Path, ws: Path) -> None:
    path = tmp_path / "broken.docx"
    path.write_bytes(b"PK\x03\x04 not really a zip")
    code, _, err = run(ws, "ingest", str(path))
    assert code == 1 and "broken.docx" in err and "Word" in err


def _email(html: bool = False) -> bytes:
    message = EmailMessage()
    message["Subject"] = "Harbour ice season ends early"
    message["From"] = "Maren Holt <maren@example.org>"
    message["To"] = "desk@example.org"
    message["Date"] = "Sun, 03 Mar 2024 09:15:00 +0100"
    if html:
        body = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
        message.set_content(f"<html><body><article>{body}</article></body></html>", subtype="html")
    else:
        message.set_content("\n\n".join(PARAGRAPHS))
    return bytes(message)


@pytest.mark.parametrize("html", [False, True])
def test_a_saved_email_with_subject_sender_and_date(tmp_path: Path, html: bool) -> None:
    path = tmp_path / "note.eml"
    path.write_bytes(_email(html))
    article = read_article(path)
    excerpts = [article.text[s:e] for s, e in article.paragraphs]
    assert excerpts == PARAGRAPHS
    assert (article.title, article.author, article.date) == (
        "Harbour ice season ends early",
        "Maren Holt",
        "2024-03-03",
    )


@pytest.mark.parametrize("delimiter", ["-- ", "--"])
def test_an_emails_signature_is_not_part_of_its_text(tmp_path: Path, delimiter: str) -> None:
    message = EmailMessage()
    message["Subject"], message["From"] = "Harbour ice", "Maren Holt <maren@example.org>"
    body = "\n\n".join(PARAGRAPHS)
    message.set_content(f"{body}\n\n{delimiter}\nMaren Holt\nIce desk, +47 555 0100\n")
    path = tmp_path / "note.eml"
    path.write_bytes(bytes(message))
    article = read_article(path)
    assert [article.text[s:e] for s, e in article.paragraphs] == PARAGRAPHS
    message.set_content(f"{delimiter}\n{body}\n")  # nothing above it: no signature to cut
    path.write_bytes(bytes(message))
    assert PARAGRAPHS[-1] in read_article(path).text


def test_a_page_saved_as_one_file_mhtml(tmp_path: Path) -> None:
    from email.mime.image import MIMEImage
    from email.mime.multipart import MIMEMultipart
    from email.mime.text import MIMEText

    archive = MIMEMultipart("related", type="text/html")
    archive["Snapshot-Content-Location"] = "https://news.example.org/harbour-ice"
    archive["Subject"] = "Harbour ice"
    page = MIMEText(_article_html("Harbour ice"), "html", "utf-8")
    page["Content-Location"] = "https://news.example.org/harbour-ice"
    archive.attach(page)
    archive.attach(MIMEImage(b"GIF89a" + bytes(20), "gif"))
    path = tmp_path / "Harbour ice.mhtml"
    path.write_bytes(archive.as_bytes())
    article = read_article(path)
    assert [article.text[s:e] for s, e in article.paragraphs] == PARAGRAPHS
    from briefing.ingest.readers import read_mhtml

    assert read_mhtml(path.read_bytes()).url == "https://news.example.org/harbour-ice"


# -- folders as people save them -----------------------------------------------------


def _article_html(title: str) -> str:
    body = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    return (
        f"<html><head><title>{title}</title></head><body><nav><a href='/'>Home</a></nav>"
        f"<article><h1>{title}</h1>{body}</article><footer>Contact us</footer></body></html>"
    )


def test_a_saved_page_folder_is_one_source(tmp_path: Path, ws: Path) -> None:
    saved = tmp_path / "Downloads"
    files = saved / "Harbour ice_files"
    files.mkdir(parents=True)
    (saved / "Harbour ice.html").write_text(_article_html("Harbour ice"), encoding="utf-8")
    for name in ("app.js", "style.css", "photo.jpg", "font.woff2"):
        (files / name).write_bytes(b"x" * 10)
    (files / "ad.htm").write_text(_article_html("Buy a boat today"), encoding="utf-8")
    (saved / "logo.png").write_bytes(b"\x89PNG")
    code, out, err = run(ws, "ingest", str(saved))
    assert code == 0, err
    assert "1 added, 0 duplicate, 0 refused, 6 skipped" in out
    assert [p.name for p in (ws / "sources").iterdir()] == ["Harbour ice.html"]


@pytest.mark.skipif(os.name != "posix", reason="FIFOs and symlinks")
def test_special_entries_in_a_folder_are_skipped_and_named(
    tmp_path: Path, inbox: Path, ws: Path
) -> None:
    (inbox / "story.html").write_text(_article_html("Harbour ice"), encoding="utf-8")
    os.mkfifo(inbox / "pipe.txt")
    (inbox / "gone.txt").symlink_to(tmp_path / "nowhere.txt")
    (inbox / "loop").symlink_to(inbox / "loop")
    code, out, err = run(ws, "ingest", str(inbox))
    assert code == 0, err
    skipped = [line for line in out.splitlines() if line.startswith("skipped")]
    assert any("pipe.txt" in line and "pipe" in line for line in skipped)
    assert any("gone.txt" in line and "broken link" in line for line in skipped)
    assert any(line.split()[1].rstrip(":").endswith("loop") for line in skipped)
    assert "1 added, 0 duplicate, 0 refused, 3 skipped" in out


def test_a_file_named_on_the_command_line_is_still_refused(tmp_path: Path, ws: Path) -> None:
    image = tmp_path / "photo.jpg"
    image.write_bytes(b"\xff\xd8\xff")
    code, _, err = run(ws, "ingest", str(image))
    assert code == 1 and "photo.jpg" in err and "unsupported" in err


# -- web pages -----------------------------------------------------------------------


class _Pages(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 (the stdlib's name)
        if self.path == "/old-address":
            self.send_response(301)
            self.send_header("Location", "/harbour-ice")
            self.end_headers()
            return
        if self.path == "/harbour-ice":
            self._send("text/html; charset=utf-8", _article_html("Harbour ice").encode())
        elif self.path == "/slow":
            time.sleep(2)
            self._send("text/html", b"<html><body><p>late</p></body></html>")
        elif self.path == "/report":
            pdf = _printed_pdf("Ferry report", PARAGRAPHS[2:])
            self._send("application/pdf", pdf)
        else:
            self.send_error(404, "Not Found")

    def _send(self, kind: str, data: bytes) -> None:
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self.wfile.write(data)  # the client may have given up (the timeout test)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[str]:
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Pages)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_urls_are_fetched_and_kept_and_a_404_is_refused(
    server: str, ws: Path, tmp_path: Path
) -> None:
    listing = tmp_path / "links.txt"
    listing.write_text(f"# today's reading\n{server}/report\n\n", encoding="utf-8")
    code, out, err = run(
        ws, "ingest", f"{server}/old-address", f"{server}/missing", "--urls", str(listing)
    )
    assert code == 1
    assert f"refused    {server}/missing: the server answered 404" in err
    assert "2 added, 0 duplicate, 1 refused" in out
    rows = {row["url"]: row for row in json.loads(run(ws, "sources", "--json")[1])}
    today = dt.date.today().isoformat()
    page = rows[f"{server}/harbour-ice"]  # the final URL, after the redirect
    assert page["accessed"] == today and (ws / "sources" / page["file"]).is_file()
    assert page["file"].endswith(".html")
    report = rows[f"{server}/report"]
    assert report["file"].endswith(".pdf") and report["title"] == "Ferry report"

    # The originals are kept: a rebuild needs no network and keeps url and accessed.
    code, _, err = run(ws, "rebuild")
    assert code == 0, err
    rebuilt = {row["url"]: row for row in json.loads(run(ws, "sources", "--json")[1])}
    assert rebuilt[f"{server}/harbour-ice"]["accessed"] == today


def test_an_unreachable_url_is_refused_by_name(ws: Path) -> None:
    import socket

    with socket.socket() as probe:  # a port that nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}/page"
    code, _, err = run(ws, "ingest", url)
    assert code == 1 and url in err and "cannot fetch" in err


# -- tables in HTML articles -----------------------------------------------------------


def test_a_table_in_an_html_article_is_one_excerpt_with_every_row(tmp_path: Path) -> None:
    rows = [
        ("Team", "Played", "Points"),
        ("North Harbour", "10", "24"),
        ("Fjord United", "10", "22"),
    ]
    table = "".join("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>" for row in rows)
    body = f"<p>{PARAGRAPHS[0]}</p><table>{table}</table><p>{PARAGRAPHS[1]}</p>"
    path = tmp_path / "standings.html"
    path.write_text(
        f"<html><body><article><h1>Standings</h1>{body}</article></body></html>", encoding="utf-8"
    )
    article = read_article(path)
    excerpts = [article.text[s:e] for s, e in article.paragraphs]
    tables = [e for e in excerpts if "North Harbour" in e]
    assert len(tables) == 1
    # one row a line, its cells apart
    assert tables[0] == "Team | Played | Points\nNorth Harbour | 10 | 24\nFjord United | 10 | 22"
    assert excerpts.index(tables[0]) == excerpts.index(PARAGRAPHS[0]) + 1


def test_a_quote_from_a_table_excerpt_verifies(tmp_path: Path) -> None:
    import sys

    sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "memo"))
    from memo_corpus import MemoryCorpus

    from briefing.memo import Brief, BriefTheme, build_memo, render_markdown, verify_markdown
    from briefing.memo.docx import render_docx
    from briefing.model import Theme

    rows = [("Port", "Open days"), ("North quay", "212"), ("Old pier", "187")]
    table = "".join("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>" for row in rows)
    path = tmp_path / "ports.html"
    path.write_text(
        f"<html><body><article><h1>Ports</h1><p>{PARAGRAPHS[0]}</p><table>{table}</table>"
        f"<p>{PARAGRAPHS[1]}</p></article></body></html>",
        encoding="utf-8",
    )
    article = read_article(path)
    excerpts = [article.text[s:e] for s, e in article.paragraphs]
    corpus = MemoryCorpus()
    tags = [[("ports", 0.9 if "North quay" in e else 0.0)] for e in excerpts]
    corpus.add_source(excerpts, title="Ports", author="Ann Lee", tags=tags)
    theme = Theme("ports", "Ports", keywords=("quay",))
    doc = build_memo(Brief(title="M", summary="S.", themes=[BriefTheme("ports")]), [theme], corpus)
    memo = render_markdown(doc)
    # in Word too, a line break between rows, not one run-together line
    with zipfile.ZipFile(io.BytesIO(render_docx(doc))) as docx:
        xml = docx.read("word/document.xml").decode()
    assert re.search(r"days</w:t>.*?<w:br ?/>.*?>North quay", xml)
    # the rows stay rows in the block quote: each ends in a hard line break
    assert "> Port | Open days\\\n> North quay | 212\\\n> Old pier | 187" in memo
    sources = list(corpus.sources.values())
    assert verify_markdown(memo, sources) == []
    changed = memo.replace("North quay | 212", "North quay | 213", 1)
    assert verify_markdown(changed, sources)  # a changed cell is caught


def test_the_fetcher_keeps_to_its_timeout_and_size_limit(server: str, tmp_path: Path) -> None:
    from briefing.ingest.fetch import FetchError, fetch

    with pytest.raises(FetchError, match="no answer within|timed out"):
        fetch(f"{server}/slow", tmp_path, timeout=0.5)
    with pytest.raises(FetchError, match="too large"):
        fetch(f"{server}/harbour-ice", tmp_path, max_bytes=100)
    page = fetch(f"{server}/old-address", tmp_path)
    assert page.url == f"{server}/harbour-ice" and page.path.suffix == ".html"


def test_addresses_briefing_does_not_fetch_are_refused_by_name(ws: Path) -> None:
    code, _, err = run(ws, "ingest", "ftp://example.org/report.pdf", "file:///etc/hostname")
    assert code == 1
    assert "refused    ftp://example.org/report.pdf: not a web address" in err
    assert "refused    file:///etc/hostname: not a web address" in err
