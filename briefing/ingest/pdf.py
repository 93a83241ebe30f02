"""A PDF read as a person reads it: paragraphs, in reading order, without the page furniture.

Two roads, by what the PDF carries:
- A tagged PDF (a browser's "Save as PDF", an accessible export) keeps the page's
  structure; `pdf_tags` rebuilds it as HTML and the HTML reader finds the article,
  so paragraphs run across line and page breaks exactly as the page had them.
- Any other PDF is read from its layout: printed lines with their positions, joined
  into paragraphs by line gaps, indents and sentence ends, two-column pages read
  column by column, and the lines repeated at the top or bottom of most pages
  (running headers, footers, page numbers) removed.
Either way the running header a browser prints (print date and time, page title)
is never read as the article's: its date is the day of printing, not publication.
"""

from __future__ import annotations

import io
import logging
import re
from collections import Counter
from dataclasses import dataclass, replace
from statistics import median
from typing import Any

from briefing.ingest import cues
from briefing.ingest.normalize import normalize
from briefing.ingest.readers import Extracted, Unreadable, read_html

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")
_CJK = r"\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef"
# A PDF's text layer has no spaces, only glyph positions: the reader guesses a space
# from a gap, and guesses wrong beside full-width CJK glyphs (and at every wrapped
# line), while Chinese and Japanese set no space between words, nor before or
# after a Latin word or a number.
_CJK_SPACE = re.compile(rf"(?<=[{_CJK}]) +(?=[{_CJK}A-Za-z0-9])|(?<=[A-Za-z0-9]) +(?=[{_CJK}])")
# A browser's print header starts with the print date and time: "11/27/26, 3:31 PM",
# "27/11/2026, 15:31", "2026-11-27 15:31", "Nov 27, 2026, 3:31 PM", "27 November 2026
# at 15:31". A date with a time of day at a page's edge is a print stamp.
_PRINT_STAMP = re.compile(
    r"^\s*(?:\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4}|[^\W\d_]{3,9}\.?\s+\d{1,2},?\s+\d{4}"
    r"|\d{1,2}\.?\s+[^\W\d_]{3,9}\.?\s+\d{4}),?\s+(?:at\s+)?\d{1,2}:\d{2}(?::\d{2})?"
    r"\s*(?:[AaPp]\.?[Mm]\.?)?\s*"
)
# What a web browser writes as a PDF's creator or producer.
_BROWSER = re.compile(r"Mozilla/|Chrom|Firefox|Safari|WebKit|Gecko|Skia/PDF|Edg/|Opera", re.I)
_WEB_URL = re.compile(r"^https?://[^\s]+", re.IGNORECASE)
_SEPARATORS = " -–—|·•:_"
_PAGE_COUNTER = re.compile(r"^(?:page\s+)?\d{1,4}\s*(?:/|of)\s*\d{1,4}$", re.IGNORECASE)
_URL = re.compile(r"(?:https?|file)://\S+|www\.\S+", re.IGNORECASE)
_JUNK_TITLE = re.compile(
    r"\.(?:docx?|pdf|indd|tex|html?|php|aspx?)$|^untitled|^microsoft|^about:blank$|^\S+/\S*$",
    re.I,
)


def read_pdf(data: bytes) -> Extracted:
    """A PDF with a text layer; a scanned PDF (images only) is refused."""
    from pypdf import PdfReader
    from pypdf.errors import DependencyError, PyPdfError

    logging.getLogger("pypdf").setLevel(logging.CRITICAL)
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise Unreadable("the PDF is encrypted")
        info = reader.metadata
        info_title = _clean(info.title) if info else None
        info_author = _clean(info.author) if info else None
        maker = (
            " ".join(str(info.get(key, "")) for key in ("/Creator", "/Producer")) if info else ""
        )
        tagged = _tagged(reader)
        extracted = _read_tagged(reader, info_title, info_author, maker) if tagged else None
        if extracted is None:
            extracted = _read_layout(reader, info_title, info_author)
    except (PyPdfError, ValueError, KeyError, TypeError, OSError, AttributeError) as error:
        raise Unreadable(f"not a readable PDF ({error})") from error
    except DependencyError as error:
        # AES-encrypted PDFs need the `cryptography` package, which briefing does not
        # carry for this one case.
        raise Unreadable(f"the PDF is encrypted in a way briefing cannot read ({error})") from error
    except RecursionError as error:
        raise Unreadable("not a readable PDF (its structure nests too deeply)") from error
    return extracted


def _tagged(reader: Any) -> bool:
    from briefing.ingest.pdf_tags import is_tagged

    return is_tagged(reader)


# -- tagged PDFs ---------------------------------------------------------------------


def _read_tagged(
    reader: Any, info_title: str | None, info_author: str | None, maker: str
) -> Extracted | None:
    """The article of a tagged PDF, or None when its structure holds no text."""
    from briefing.ingest.pdf_tags import read_tagged

    if info_title and _JUNK_TITLE.search(info_title):
        info_title = None
    page = read_tagged(reader, info_title)
    if page.untagged > 0.4:  # tags on part of the text only: the layout knows more
        return None
    header_title = _header_title([lines[:2] for lines in page.artifacts])
    markup = page.html
    if not page.has_article and not header_title and not _BROWSER.search(maker):
        # Not a web page printed but a document (Typst, a word processor): all of it is
        # the article, lists and short paragraphs too, not only what looks like prose.
        markup = markup.replace("<body>", "<body><article>", 1)
        markup = markup[: markup.rindex("</body>")] + "</article></body></html>"
    try:
        found = read_html(_CONTROL.sub("", markup).encode("utf-8"))
    except Unreadable:
        return None
    text = _CJK_SPACE.sub("", found.text)
    if len(text.split()) < 5 and len(text) < 20:
        return None
    page_title = info_title or header_title
    if page_title and _JUNK_TITLE.search(page_title):
        page_title = None
    found = replace(found, title=None) if found.title == info_title else found
    headline = _CJK_SPACE.sub("", found.title) if found.title else None
    title = _best_title(headline, page_title)
    return Extracted(
        text,
        title=title,
        author=found.author or _byline(*page.byline_candidates(title)) or info_author,
        outlet=_site_name(title, page_title),
        date=found.date,
        structured=True,
        url=_footer_url(page.artifacts),
    )


def _site_name(title: str | None, page_title: str | None) -> str | None:
    """The site's name a page title carries beside the headline ("Headline - Site")."""
    if not title or not page_title or title == page_title or title not in page_title:
        return None
    rest = page_title.replace(title, " ", 1)
    parts = [p.strip(_SEPARATORS) for p in re.split(r"\s[-–—|·•:]+\s|[_|]", rest)]
    parts = [p for p in parts if p]
    return parts[-1] if parts and len(parts[-1].split()) <= 6 else None


def _footer_url(pages: list[list[str]]) -> str | None:
    """The page's web address, printed in the footer of most pages by a browser."""
    found: Counter[str] = Counter()
    for lines in pages:
        urls = {m.group(0) for line in lines for m in [_WEB_URL.match(line)] if m}
        found.update(urls)
    if not found:
        return None
    url, count = found.most_common(1)[0]
    return url if count >= max(1, len(pages) / 2) else None


def _best_title(headline: str | None, page_title: str | None) -> str | None:
    """The headline as the page title spells it, when the page title carries it (the
    title without the site's name); else the page title, atop every printed page."""
    if not page_title:
        return headline
    short = _key(headline or "")
    index = [i for i, ch in enumerate(page_title) if _key(ch)]
    full = "".join(_key(page_title[i]) for i in index)
    at = full.find(short) if short and len(short) >= 0.4 * len(full) else -1
    if at < 0 or len(full) != len(index):
        return page_title
    # The metadata's spelling, not the glyphs' (a PDF's spacing of glyphs is a guess).
    return page_title[index[at] : index[at + len(short) - 1] + 1]


def _byline(short: list[str], links: list[str]) -> str | None:
    """The author: the first link to an author's page that reads as a name, else a
    byline ("By ...", "Author: ...") among the short texts after the headline."""
    for text in links:
        name = _name(text)
        if name:
            return name
    for text in short:
        # Inline runs printed apart lose the space between them: "ByJane Doe".
        text = re.sub(r"^(By)(?=[A-Z][a-z])", r"\1 ", text)
        if len(text.split()) > 16:
            continue
        for pattern in (cues.AUTHOR_LABEL, cues.BYLINE, cues.BYLINE_DATED):
            match = pattern.search(text)
            name = _name(match.group("name")) if match else None
            if name:
                return name
    return None


# Words that end a byline's name: the date or the role that follows it.
_NAME_ENDS = {
    "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep",
    "sept", "oct", "nov", "dec", "monday", "tuesday", "wednesday", "thursday", "friday",
    "saturday", "sunday", "updated", "published", "posted", "staff", "writer", "reporter",
    "correspondent", "editor", "follow", "on", "in", "for", "at", "and", "|",
}  # fmt: skip


def _name(raw: str) -> str | None:
    """A person's name from a byline's or an author link's text: two to five name-shaped
    words, cut where a date or a role begins; None when it is not one."""
    words: list[str] = []
    for word in raw.replace(",", " , ").split():
        if word == "," or word.lower().strip(".") in _NAME_ENDS or any(c.isdigit() for c in word):
            break
        words.append(word)
    particles = {"de", "van", "von", "da", "al", "der", "den", "di", "du", "la", "le", "bin"}
    shaped = [w for w in words if w.lstrip("(\"'“‘")[:1].isupper() or w.lower() in particles]
    if not 2 <= len(words) <= 5 or len(shaped) != len(words):
        return None
    name = " ".join(words)
    return name.title() if name.isupper() else name


def _key(text: str) -> str:
    return re.sub(r"\W+", "", text.casefold())


# -- the header a browser prints ---------------------------------------------------


def _header_title(tops: list[list[str]]) -> str | None:
    """The page title from a browser's print header ("11/27/26, 3:31 PM  Title"),
    found on most pages; None when the pages carry no such header."""
    found: Counter[str] = Counter()
    for lines in tops:
        for at, line in enumerate(lines):
            stamp = _PRINT_STAMP.match(line)
            if not stamp:
                continue
            # The title follows the stamp on its line, or was drawn apart from it.
            title = line[stamp.end() :].strip() or " ".join(lines[at + 1 : at + 2])
            if title and not _URL.match(title) and not _is_page_furniture(title):
                found[title] += 1
            break
    if not found:
        return None
    title, count = found.most_common(1)[0]
    return title if count >= max(1, len(tops) // 2) else None


# -- untagged PDFs: from the layout ------------------------------------------------------


@dataclass
class _Line:
    x: float
    y: float
    size: float
    text: str
    end: float  # an estimate of where the line's last glyph stops


def _read_layout(reader: Any, info_title: str | None, info_author: str | None) -> Extracted:
    pages = [_page_lines(page) for page in reader.pages]
    furniture = _furniture(pages)
    edges = [[line.text for line in lines if _key(line.text) in furniture] for lines in pages]
    header_title = _header_title([texts[:2] for texts in edges])
    paragraphs: list[str] = []
    open_end = False  # the last paragraph stopped mid-sentence on a full line
    for lines in pages:
        body = [line for line in lines if _key(line.text) not in furniture]
        body = [line for line in body if not _is_page_furniture(line.text)]
        for column in _columns(body):
            found, full = _paragraphs(column)
            # A paragraph runs on over a page or column break when it stopped
            # mid-sentence on a full line, or when the next text starts in lower case.
            runs_on = found and paragraphs and (open_end or found[0][:1].islower())
            if runs_on and not _SENTENCE_END.search(paragraphs[-1]):
                paragraphs[-1] = f"{paragraphs[-1]}\n{found.pop(0)}"
            paragraphs.extend(found)
            if found or full is not None:
                open_end = bool(full) and not _SENTENCE_END.search(paragraphs[-1])
    text = _mend_lines(normalize("\n\n".join(paragraphs)))
    if len(text.split()) < 5:
        raise Unreadable("the PDF has no text layer (a scanned image?)")
    title = info_title if info_title and not _JUNK_TITLE.search(info_title) else None
    return Extracted(
        _CJK_SPACE.sub("", text),
        title=title or header_title,
        author=info_author,
        url=_footer_url(edges),
    )


def _page_lines(page: Any) -> list[_Line]:
    """The page's printed lines with their positions, in the order they were drawn.

    Pieces on one baseline are one line unless a wide gap parts them (a second column).
    """
    lines: list[_Line] = []

    def visit(text: str, cm: list[float], tm: list[float], font: Any, size: float) -> None:
        text = _CONTROL.sub("", text.replace("\n", " "))
        if not text.strip():
            return
        x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
        y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
        scale = abs(tm[3] * cm[3]) or abs(tm[0] * cm[0]) or 1.0
        height = (size or 10.0) * scale
        width = 0.5 * height * len(text)
        if lines:
            last = lines[-1]
            same_line = abs(last.y - y) < 0.5 * height
            if same_line and x - last.end < 3 * height and x >= last.x:
                # Pieces drawn apart on one line are words apart: "Doe" + "March 9".
                apart = x > last.end and not last.text.endswith(" ") and not text.startswith(" ")
                last.text += f" {text}" if apart else text
                last.end = max(last.end, x + width)
                return
        lines.append(_Line(x, y, height, text, x + width))

    page.extract_text(visitor_text=visit)
    for line in lines:
        line.text = " ".join(line.text.split())
    return [line for line in lines if line.text]


def _furniture(pages: list[list[_Line]]) -> set[str]:
    """Lines at the top or bottom of most pages, the same text on each: running headers
    and footers. Digits are ignored in the comparison so that "3/16" matches "4/16"."""
    counts: Counter[str] = Counter()
    marked: set[str] = set()  # what a printer writes at a page's edge, even on one page
    for lines in pages:
        by_height = sorted(lines, key=lambda line: -line.y)
        edge = by_height[:3] + by_height[-3:]
        counts.update({_shape(line.text) for line in edge})
        for line in by_height[:2] + by_height[-2:]:
            text = line.text.strip()
            if _is_print_header(text) or _is_page_furniture(text) or _URL.fullmatch(text):
                marked.add(_key(text))
    enough = max(2, 0.5 * len(pages))
    repeated = {shape for shape, n in counts.items() if n >= enough} if len(pages) > 1 else set()
    return marked | {
        _key(line.text) for lines in pages for line in lines if _shape(line.text) in repeated
    }


def _is_print_header(text: str) -> bool:
    return bool(_PRINT_STAMP.match(text))


def _is_page_furniture(text: str) -> bool:
    """A page counter or a bare URL with a counter: a footer even on a one-page PDF."""
    text = text.strip()
    if _PAGE_COUNTER.match(text):
        return True
    parts = text.rsplit(" ", 1)
    return bool(len(parts) == 2 and _URL.match(parts[0]) and _PAGE_COUNTER.match(parts[1]))


def _shape(text: str) -> str:
    return re.sub(r"\d+", "#", _key(text)) or text


def _columns(lines: list[_Line]) -> list[list[_Line]]:
    """The page's lines split into columns, read left column first, each top to bottom.

    A page is two columns when many lines start right of the middle of the text area
    while others end left of it; otherwise it is one column in drawing order.
    """
    if len(lines) < 6:
        return [lines]
    left = min(line.x for line in lines)
    right = max(line.end for line in lines)
    middle = (left + right) / 2
    starts_right = [line for line in lines if line.x >= middle - 0.02 * (right - left)]
    ends_left = [line for line in lines if line.end <= middle + 0.05 * (right - left)]
    if len(starts_right) < 0.25 * len(lines) or len(ends_left) < 0.25 * len(lines):
        return [lines]
    full = [line for line in lines if line not in starts_right and line not in ends_left]
    if len(full) > 0.2 * len(lines):
        return [lines]
    first = sorted((line for line in lines if line not in starts_right), key=lambda ln: -ln.y)
    second = sorted(starts_right, key=lambda ln: -ln.y)
    return [first, second]


def _paragraphs(lines: list[_Line]) -> tuple[list[str], bool | None]:
    """The column's paragraphs (lines apart by "\n"): a new one at a wide gap, an indent,
    a change of type size, or after a short line that ends a sentence; never before a
    line in lower case that goes on with an unfinished sentence. Also whether the
    column's last line was full (its paragraph may go on in the next column)."""
    if not lines:
        return [], None
    out: list[str] = []
    gaps = [a.y - b.y for a, b in zip(lines, lines[1:], strict=False)]
    usual = median([g for g in gaps if g > 0] or [0.0])
    left = median([line.x for line in lines])
    width = max(line.end for line in lines) - left
    current = lines[0].text
    for gap, previous, line in zip(gaps, lines[:-1], lines[1:], strict=True):
        wide_gap = bool(usual) and gap > 1.4 * usual
        breaks = (
            gap <= 0
            or wide_gap
            or abs(line.size - previous.size) > 0.15 * previous.size
            or (line.x - left > 1.5 * line.size and previous.x - left < 0.5 * line.size)
            or (
                previous.end - left < 0.75 * width
                and _SENTENCE_END.search(previous.text) is not None
            )
        )
        # A lower-case line after an unfinished sentence goes on with it, whatever the
        # spacing (a link, a superscript or a bigger glyph moves a line a little).
        goes_on = line.text[:1].islower() and not _SENTENCE_END.search(previous.text)
        if goes_on and not (usual and gap > 2.5 * usual):
            breaks = False
        if breaks:
            out.append(current)
            current = line.text
        else:
            current = f"{current}\n{line.text}"
    out.append(current)
    return out, lines[-1].end - left >= 0.85 * width


_SENTENCE_END = re.compile(r"[.!?:;…。！？][\"'”’)\]]*$")
_HYPHENATED = re.compile(r"([^\W\d_]+)-$")
_TAIL = re.compile(r"[^\W\d_]+")
_VOCABULARY = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")


def _mend_lines(text: str) -> str:
    """Join each paragraph's printed lines into one line, mending words a typesetter
    hyphenated: "agree-" + "ment" is "agreement" unless the text writes "agree-ment"
    elsewhere with its hyphen (then the hyphen is the word's own)."""
    vocabulary = {word.lower() for word in _VOCABULARY.findall(text)}
    paragraphs = []
    for paragraph in text.split("\n\n"):
        joined = ""
        for line in paragraph.split("\n"):
            line = line.strip()
            if not line:
                continue
            hyphenated = _HYPHENATED.search(joined)
            tail = _TAIL.match(line)
            if hyphenated and tail and line[0].islower():
                word = f"{hyphenated.group(1)}-{tail.group(0)}".lower()
                joined = joined if word in vocabulary else joined[:-1]
                joined += line
            else:
                joined = f"{joined} {line}" if joined else line
        if joined:
            paragraphs.append(joined)
    return "\n\n".join(paragraphs)


def _clean(value: object) -> str | None:
    text = " ".join(str(value).split()) if value else ""
    return text or None
