"""The memo as a Word document (.docx), written by pandoc from its JSON syntax tree.

Why pandoc, and why its syntax tree: Word's footnotes live in their own part
(footnotes.xml) with references, styles and relationships that python-docx has no API
for; pandoc writes real footnotes, headings, block quotes and lists that Word and
LibreOffice edit as their own. The pandoc binary ships inside the pypandoc-binary wheel
(no system install, no network). The memo goes to pandoc as a syntax tree built here,
never as Markdown text, so source text is never parsed: nothing needs escaping and no
quote can turn into markup. SOURCE_DATE_EPOCH pins the document's dates and the zip's
timestamps, so the same memo gives the same bytes.

What pandoc's syntax tree cannot say is added to its output afterwards: a header and a
footer on every page (the marking, the memo's title, "Page N of M"), as the PDF has them.
"""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import zipfile
from typing import Any
from xml.sax.saxutils import escape

from briefing.errors import BriefingError
from briefing.memo.citations import Spans
from briefing.memo.document import Block, MemoDocument, Quote
from briefing.memo.markdown import quote_text, reported

API_VERSION = [1, 23, 1, 1]
TIMEOUT = 60  # seconds; pandoc takes well under one for a memo
Node = dict[str, Any]


def render_docx(doc: MemoDocument) -> bytes:
    """The memo as .docx bytes; the same document always gives the same bytes."""
    tree = json.dumps(memo_tree(doc), ensure_ascii=False, sort_keys=True)
    env = {**os.environ, "SOURCE_DATE_EPOCH": "0"}
    try:
        done = subprocess.run(
            [_pandoc(), "--from", "json", "--to", "docx", "--output", "-"],
            input=tree.encode("utf-8"),
            capture_output=True,
            env=env,
            timeout=TIMEOUT,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        raise BriefingError(f"pandoc could not write the Word file: {error}", "docx") from error
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip()
        raise BriefingError(f"pandoc could not write the Word file: {message}", "docx")
    return with_page_furniture(done.stdout, doc.header.title, doc.header.marking)


def memo_tree(doc: MemoDocument) -> Node:
    """The memo as pandoc's JSON syntax tree."""
    blocks: list[Node] = []
    header = doc.header  # its marking is on every page's header and footer instead
    blocks.append(_header(1, _text("MEMORANDUM")))
    rows: list[list[Node]] = []
    for label, value in (("TO:", header.to), ("FROM:", header.sender), ("DATE:", header.date)):
        if value:
            rows.append([_strong(_text(label)), {"t": "Space"}, *_text(value)])
    rows.append([_strong(_text("SUBJECT:")), {"t": "Space"}, _strong(_text(header.title))])
    line: list[Node] = []
    for i, row in enumerate(rows):
        if i:
            line.append({"t": "LineBreak"})
        line.extend(row)
    blocks.append(_para(line))
    blocks.append({"t": "HorizontalRule"})
    blocks.append(_header(2, _text("Bottom line (draft)" if doc.drafted else "Bottom line")))
    if doc.draft_notice:
        blocks.append(_para([{"t": "Emph", "c": _text(doc.draft_notice)}]))
    blocks.extend(_prose(doc.summary))
    notes = {n.number: n.spans for n in doc.notes}
    if doc.drafted:
        items = [
            [
                {
                    "t": "Plain",
                    "c": [
                        _strong(_text(f"{p.label}.")),
                        {"t": "Space"},
                        *_text(f"“{quote_text(p.quote)}”"),
                        _note(notes[p.quote.note]),
                    ],
                }
            ]
            for p in doc.drafted
        ]
        blocks.append({"t": "BulletList", "c": items})
    for section in doc.sections:
        blocks.append(_header(2, _text(section.label)))
        blocks.extend(_prose(section.comment))
        for quote in section.quotes:
            blocks.append({"t": "BlockQuote", "c": [_para(_quote(quote, notes))]})
        if section.empty:
            blocks.append(_para([{"t": "Emph", "c": _text(section.empty)}]))
    if doc.sources:
        blocks.append(_header(2, _text("Sources")))
        blocks.extend(_para(_spans(entry.spans)) for entry in doc.sources)
    return {"pandoc-api-version": API_VERSION, "meta": {}, "blocks": blocks}


# -- every page's header and footer ---------------------------------------------------

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PARTS = {"header": "rIdBriefingHeader", "footer": "rIdBriefingFooter"}
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")  # no XML 1.0 has them


def with_page_furniture(docx: bytes, title: str, marking: str) -> bytes:
    """pandoc's .docx with a header (the marking, if any) and a footer (the marking, the
    title, "Page N of M") on every page; the same input gives the same bytes."""
    marking_run = _run(marking.upper(), bold=True, size=19) if marking else ""
    page = f"{_run(title + ' · Page ', size=16)}{_field('PAGE')}{_run(' of ', size=16)}"
    parts = {
        "header": _furniture("hdr", [marking_run] if marking_run else []),
        "footer": _furniture(
            "ftr", [*([marking_run] if marking_run else []), page + _field("NUMPAGES")]
        ),  # fmt: skip
    }
    source = zipfile.ZipFile(io.BytesIO(docx))
    out = io.BytesIO()
    with source, zipfile.ZipFile(out, "w") as target:
        stamp = source.infolist()[0].date_time
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "word/document.xml":
                data = _referenced(data.decode("utf-8")).encode("utf-8")
            elif info.filename == "word/_rels/document.xml.rels":
                data = _related(data.decode("utf-8")).encode("utf-8")
            elif info.filename == "[Content_Types].xml":
                data = _typed(data.decode("utf-8")).encode("utf-8")
            target.writestr(info, data)
        for kind, xml in parts.items():
            info = zipfile.ZipInfo(f"word/{kind}1.xml", date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(info, xml.encode("utf-8"))
    return out.getvalue()


def _run(text: str, *, bold: bool = False, size: int) -> str:
    """A run of plain text (escaped: a title or marking is never markup)."""
    style = ("<w:b/>" if bold else "") + f'<w:color w:val="555555"/><w:sz w:val="{size}"/>'
    text = escape(_NOT_XML.sub("", text))
    return f'<w:r><w:rPr>{style}</w:rPr><w:t xml:space="preserve">{text}</w:t></w:r>'


def _field(name: str) -> str:
    """A field Word and LibreOffice fill in on each page (PAGE, NUMPAGES)."""
    return f'<w:fldSimple w:instr=" {name} ">{_run("1", size=16)}</w:fldSimple>'


def _furniture(tag: str, lines: list[str]) -> str:
    paragraphs = "".join(
        f'<w:p><w:pPr><w:jc w:val="center"/></w:pPr>{line}</w:p>' for line in lines
    )
    paragraphs = paragraphs or "<w:p/>"
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        f'<w:{tag} xmlns:w="{_W}" xmlns:r="{_REL}">{paragraphs}</w:{tag}>'
    )


def _referenced(document: str) -> str:
    """The body's section points at the header and footer (first in its children, as
    the schema orders them)."""
    references = "".join(
        f'<w:{kind}Reference w:type="default" r:id="{rid}"/>' for kind, rid in _PARTS.items()
    )
    found = re.search(r"<w:sectPr\b[^>]*?(/?)>", document)
    if found is None:  # pandoc always writes one; if not, a section of our own
        return document.replace("</w:body>", f"<w:sectPr>{references}</w:sectPr></w:body>", 1)
    if found.group(1):  # <w:sectPr/>: empty
        opened = found.group(0)[:-2] + ">"
        return document.replace(found.group(0), f"{opened}{references}</w:sectPr>", 1)
    return document[: found.end()] + references + document[found.end() :]


def _related(rels: str) -> str:
    added = "".join(
        f'<Relationship Type="{_REL}/{kind}" Id="{rid}" Target="{kind}1.xml" />'
        for kind, rid in _PARTS.items()
    )
    return rels.replace("</Relationships>", added + "</Relationships>", 1)


def _typed(types: str) -> str:
    kind = "application/vnd.openxmlformats-officedocument.wordprocessingml"
    added = "".join(
        f'<Override PartName="/word/{part}1.xml" ContentType="{kind}.{part}+xml" />'
        for part in _PARTS
    )
    return types.replace("</Types>", added + "</Types>", 1)


def _quote(quote: Quote, notes: dict[int, Spans]) -> list[Node]:
    inlines = [*_lines(quote_text(quote, rows=True)), _note(notes[quote.note])]
    if reported(quote):
        inlines += [{"t": "Space"}, {"t": "Emph", "c": _text(f"({reported(quote)})")}]
    return inlines


def _note(spans: Spans) -> Node:
    return {"t": "Note", "c": [_para(_spans(spans))]}


def _spans(spans: Spans) -> list[Node]:
    out: list[Node] = []
    for span in spans:
        inlines = _text(span.text)
        if span.text[:1].isspace():
            inlines.insert(0, {"t": "Space"})
        if span.text[-1:].isspace() and span.text.strip():
            inlines.append({"t": "Space"})
        out.extend([{"t": "Emph", "c": inlines}] if span.italic else inlines)
    return out


def _prose(blocks: tuple[Block, ...]) -> list[Node]:
    out: list[Node] = []
    for block in blocks:
        if block.kind == "bullets":
            items = [[{"t": "Plain", "c": _text(i)}] for i in block.items]
            out.append({"t": "BulletList", "c": items})
        else:
            out.append(_para(_text(block.items[0])))
    return out


def _text(text: str) -> list[Node]:
    """Plain text as pandoc inlines: words and spaces, nothing parsed."""
    out: list[Node] = []
    for i, word in enumerate(re.split(r"\s+", text.strip())):
        if i:
            out.append({"t": "Space"})
        if word:
            out.append({"t": "Str", "c": word})
    return out


def _lines(text: str) -> list[Node]:
    """Text whose lines (a table's rows) stay lines: a line break between them."""
    out: list[Node] = []
    for i, line in enumerate(text.split("\n")):
        out.extend([{"t": "LineBreak"}] if i else [])
        out.extend(_text(line))
    return out


def _para(inlines: list[Node]) -> Node:
    return {"t": "Para", "c": inlines}


def _strong(inlines: list[Node]) -> Node:
    return {"t": "Strong", "c": inlines}


def _header(level: int, inlines: list[Node]) -> Node:
    return {"t": "Header", "c": [level, ["", [], []], inlines]}


def _pandoc() -> str:
    try:
        import pypandoc
    except ImportError as error:
        raise BriefingError(
            "Word export needs the pypandoc-binary package: pip install pypandoc-binary", "docx"
        ) from error
    try:
        return str(pypandoc.get_pandoc_path())
    except OSError as error:
        raise BriefingError(f"pandoc is not available: {error}", "docx") from error
