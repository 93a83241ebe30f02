"""A tagged PDF read back into the HTML it was printed from.

A browser's "Save as PDF" (and any accessible PDF) carries a structure tree:
headings, paragraphs, lists, tables, links and the page's <article>, each tied
to the text it drew by a marked-content id (MCID). The running header and footer
the browser adds (print date, page title, URL, "x/y") are drawn as artifacts,
outside that tree. So a tagged PDF is read as its structure says: one element per
paragraph, whatever line or page it was broken across, and the article region
found by the same HTML reader as a saved page.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

# Structure roles (PDF 32000 §14.8.4, plus HTML-like ones browsers write) and the
# HTML element each becomes; roles not listed become a <div> (block) or <span>.
_BLOCK_TAGS = {
    "Document": "div", "Part": "div", "Art": "article", "Sect": "section", "Div": "div",
    "BlockQuote": "blockquote", "Caption": "figcaption", "TOC": "ul", "TOCI": "li",
    "Index": "div", "P": "p", "H": "h2", "H1": "h1", "H2": "h2", "H3": "h3", "H4": "h4",
    "H5": "h5", "H6": "h6", "L": "ul", "LI": "li", "LBody": "span", "Lbl": "span",
    "Table": "table", "THead": "thead", "TBody": "tbody", "TFoot": "tfoot", "TR": "tr",
    "TH": "th", "TD": "td", "Figure": "figure", "Formula": "span", "Form": "form",
    "Aside": "aside", "Title": "h1", "FENote": "p", "Note": "p",
    "Code": "code", "Em": "em", "Strong": "strong", "Span": "span", "Quote": "q",
    "Link": "a", "Reference": "span", "Annot": "span", "Ruby": "span",
    "NonStruct": "span", "Private": "span", "Sub": "span",
}  # fmt: skip
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_AUTHOR_PATH = re.compile(
    r"/(?:authors?|autor(?:es|en)?|auteurs?|autori|by|people|person|profiles?|perfil(?:es)?"
    r"|staff|writers?|journalist(?:e|en|s)?|reporters?|contributors?|columnists?|redakteur(?:e)?"
    r"|bio)/[^/?#]+|/@[\w.-]+/?$",
    re.IGNORECASE,
)
_VOID_TEXT = {"Figure"}  # a figure's drawn text is its image's; its /Alt is not the article
_NOTES = {"FENote", "Note"}  # footnotes: drawn where they are cited, read after the text


@dataclass
class _Run:
    """Text drawn inside one marked-content sequence of one page."""

    text: str = ""
    first_y: float | None = None
    last_y: float | None = None


@dataclass
class TaggedPage:
    """What a tagged PDF holds: its page rebuilt as HTML, and its artifact lines."""

    html: str
    artifacts: list[list[str]] = field(default_factory=list)  # per page: header/footer lines
    untagged: float = 0.0  # the share of the drawn text outside both tree and artifacts
    has_article: bool = False  # the tree marks an article (a web page's <article>)

    def byline_candidates(self, headline: str | None) -> tuple[list[str], list[str]]:
        """Short texts and the texts of links to an author's page, from the headline on.

        A link whose path names a person's page (/author/, /by/, /people/, /@name...)
        is how web pages mark a byline; it survives printing as a link annotation.
        """
        import lxml.html

        root = lxml.html.fromstring(self.html)
        elements = list(root.iter("h1", "h2", "h3", "h4", "h5", "h6", "p", "li", "td", "span", "a"))
        texts = [" ".join(el.text_content().split()) for el in elements]
        start = _headline_index(elements, texts, headline) if headline else 0
        short: list[str] = []
        links: list[str] = []
        for element, text in zip(elements[start:], texts[start:], strict=True):
            if not text or len(text) > 160:
                continue
            if element.tag == "a" and _AUTHOR_PATH.search(element.get("href", "")):
                links.append(text)
            elif element.tag != "a" and len(short) < 40 and text not in short[-1:]:
                short.append(text)
        return short, links


def is_tagged(reader: Any) -> bool:
    """True when the PDF has a structure tree whose content is marked (a tagged PDF)."""
    try:
        root = reader.trailer["/Root"]
        marked = root.get("/MarkInfo", {}).get("/Marked", False)
        return "/StructTreeRoot" in root and bool(marked)
    except (KeyError, AttributeError, TypeError):
        return False


def read_tagged(reader: Any, title: str | None) -> TaggedPage:
    """The PDF's structure rebuilt as an HTML page (with `title` as its <title>)."""
    runs: dict[tuple[int, int], _Run] = {}
    artifacts: list[list[str]] = []
    unmarked = [0]  # characters drawn outside any marked sequence
    page_numbers: dict[int, int] = {}
    for number, page in enumerate(reader.pages):
        page_numbers[id(page.get_object())] = number
        ref = getattr(page, "indirect_reference", None)
        if ref is not None:
            page_numbers[ref.idnum] = number
        artifacts.append(_collect_page(page, number, runs, unmarked))
    root = reader.trailer["/Root"]["/StructTreeRoot"].get_object()
    role_map = {str(k)[1:]: str(v)[1:] for k, v in (root.get("/RoleMap") or {}).items()}
    out: list[str] = ["<html><head><meta charset='utf-8'>"]
    if title:
        out.append(f"<title>{html.escape(title)}</title>")
    out.append("</head><body>")
    builder = _Builder(runs, page_numbers, role_map)
    builder.element(root, None, out, depth=0)
    out.extend(builder.notes)
    out.append("</body></html>")
    marked = sum(len(run.text.strip()) for run in runs.values())
    untagged = unmarked[0] / (marked + unmarked[0]) if marked + unmarked[0] else 0.0
    return TaggedPage("".join(out), artifacts, untagged, builder.has_article)


def _collect_page(
    page: Any, number: int, runs: dict[tuple[int, int], _Run], unmarked: list[int]
) -> list[str]:
    """Fill `runs` with the page's marked text by MCID, count the unmarked characters in
    `unmarked[0]`; return the page's artifact lines."""
    stack: list[int | None] = []  # the MCID of each open marked sequence (-1: an artifact)
    artifact_lines: list[tuple[float, str]] = []

    def before(operator: bytes, operands: list[Any], cm: Any, tm: Any) -> None:
        if operator == b"BDC":
            tag = str(operands[0]) if operands else ""
            props = _resolved(operands[1]) if len(operands) > 1 else None
            mcid = None
            if isinstance(props, dict):
                value = props.get("/MCID")
                mcid = int(value) if isinstance(value, int) else None
            stack.append(-1 if tag == "/Artifact" else mcid)
        elif operator == b"BMC":
            tag = str(operands[0]) if operands else ""
            stack.append(-1 if tag == "/Artifact" else None)
        elif operator == b"EMC" and stack:
            stack.pop()

    def visit(text: str, cm: list[float], tm: list[float], font: Any, size: float) -> None:
        if not text:
            return
        y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
        current = next((m for m in reversed(stack) if m is not None), None)
        if current == -1 or (current is None and -1 in stack):
            if text.strip():
                artifact_lines.append((y, text))
            return
        if current is None:
            unmarked[0] += len(text.strip())
            return
        run = runs.setdefault((number, current), _Run())
        wrapped = run.last_y is not None and abs(run.last_y - y) > 1.0
        if wrapped and text.strip() and not run.text.endswith(" "):
            run.text += " "
        run.text += text.replace("\n", " ")
        if text.strip():
            run.first_y = y if run.first_y is None else run.first_y
            run.last_y = y

    page.extract_text(visitor_operand_before=before, visitor_text=visit)
    return _lines(artifact_lines)


def _lines(pieces: list[tuple[float, str]]) -> list[str]:
    """Artifact pieces grouped into lines by their height on the page, top line first."""
    lines: list[tuple[float, str]] = []
    for y, text in pieces:
        if lines and abs(lines[-1][0] - y) < 2:
            lines[-1] = (lines[-1][0], lines[-1][1] + text)
        else:
            lines.append((y, text))
    return [" ".join(text.split()) for _, text in lines if text.strip()]


class _Builder:
    """Walks the structure tree and writes each element as HTML."""

    def __init__(
        self, runs: dict[tuple[int, int], _Run], pages: dict[int, int], role_map: dict[str, str]
    ) -> None:
        self.runs = runs
        self.pages = pages
        self.role_map = role_map
        self.seen: set[int] = set()
        self.notes: list[str] = []  # the HTML of footnotes, put after the text
        self.has_article = False
        self.last_y: float | None = None
        self.last_page: int | None = None

    def _page(self, ref: Any) -> int | None:
        if ref is None:
            return None
        idnum = getattr(ref, "idnum", None)
        if idnum is not None and idnum in self.pages:
            return self.pages[idnum]
        return self.pages.get(id(ref.get_object()))

    def element(self, node: Any, page: int | None, out: list[str], depth: int) -> None:
        if depth > 200:  # a malformed (cyclic or absurdly deep) tree: stop here
            return
        node = node.get_object() if hasattr(node, "get_object") else node
        if isinstance(node, int):
            self._text(page, node, out)
            return
        if not hasattr(node, "get"):
            return
        reference = getattr(node, "indirect_reference", None)
        key = reference.idnum if reference is not None else id(node)
        if key in self.seen:
            return
        self.seen.add(key)
        page = self._page(node.get("/Pg")) if "/Pg" in node else page
        kind = str(node.get("/Type", ""))
        if kind == "/MCR":
            mcid = node.get("/MCID")
            if isinstance(mcid, int):
                self._text(page, mcid, out)
            return
        if kind == "/OBJR":
            return
        role = str(node.get("/S", ""))[1:]
        role = self.role_map.get(role, role) if role not in _BLOCK_TAGS else role
        tag = _BLOCK_TAGS.get(role, "div")
        if role in _VOID_TEXT:
            out.append("<figure></figure>")
            return
        if role == "Art":
            self.has_article = True
        if role in _NOTES and out is not self.notes:
            out = self.notes
        attributes = ""
        if tag == "a":
            href = _link_target(node)
            attributes = f" href='{html.escape(href, quote=True)}'" if href else " href='#'"
        inner: list[str] = []
        for kid in _kids(node):
            self.element(kid, page, inner, depth + 1)
        if role == "Lbl" and not any(ch.isalnum() for ch in "".join(inner)):
            return  # a bullet: the list item says it is one
        out.extend([f"<{tag}{attributes}>", *inner, f"</{tag}>"])

    def _text(self, page: int | None, mcid: int, out: list[str]) -> None:
        if page is None:
            return
        run = self.runs.get((page, mcid))
        if run is None or not run.text:
            return
        text = run.text
        # A run that starts on another line than the last one ended is a wrapped line
        # (or a new page): the words need a space between them, never a paragraph break.
        first, last = run.first_y, self.last_y
        moved = first is not None and last is not None and abs(first - last) > 1.0
        new_line = page != self.last_page or moved
        if new_line and not text.startswith(" "):
            text = " " + text
        out.append(html.escape(text, quote=False))
        if run.last_y is not None:
            self.last_y = run.last_y
            self.last_page = page


def _kids(node: Any) -> Iterator[Any]:
    kids = node.get("/K")
    if kids is None:
        return
    kids = kids.get_object() if hasattr(kids, "get_object") else kids
    if isinstance(kids, list):
        yield from kids
    else:
        yield kids


def _headline_index(elements: list[Any], texts: list[str], headline: str) -> int:
    """Where the headline is printed: a heading with its text (or the part of it a page
    title keeps beside the site's name), else any element with it; else 0."""
    wanted = _key(headline)

    def matches(text: str) -> bool:
        key = _key(text)
        return bool(key) and (key == wanted or (key in wanted and len(key) >= 0.4 * len(wanted)))

    headings = [i for i, el in enumerate(elements) if el.tag in _HEADINGS and matches(texts[i])]
    if headings:
        return headings[0]
    return next((i for i, text in enumerate(texts) if matches(text)), 0)


def _key(text: str) -> str:
    return re.sub(r"\W+", "", text.casefold())


def _resolved(value: Any) -> Any:
    return value.get_object() if hasattr(value, "get_object") else value


def _link_target(node: Any) -> str | None:
    for kid in _kids(node):
        kid = _resolved(kid)
        if isinstance(kid, dict) and str(kid.get("/Type", "")) == "/OBJR":
            annotation = _resolved(kid.get("/Obj"))
            action = _resolved(annotation.get("/A")) if isinstance(annotation, dict) else None
            if isinstance(action, dict) and action.get("/URI"):
                return str(action["/URI"])
            return "#"
    return None
