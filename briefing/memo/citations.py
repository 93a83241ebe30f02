"""Chicago notes-and-bibliography citations, built from what a source says about itself.

A missing field is left out, never invented. The output is a run of `Span`s (text,
italic or not) so each renderer can set the outlet in italics in its own syntax.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass

from briefing.model import Source

MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
_SHORT_TITLE_WORDS = 4
_SMALL_WORDS = {"a", "an", "and", "at", "for", "in", "of", "on", "or", "the", "to", "with"}
_END = (".", "?", "!")


@dataclass(frozen=True)
class Span:
    """A run of citation text; `italic` marks a publication's name."""

    text: str
    italic: bool = False


Spans = tuple[Span, ...]


DATE_STYLES = ("us", "day-month", "iso")
SOURCE_TYPES = ("article", "blog post", "report", "web page", "e-mail", "document")


def format_date(iso: str | None, style: str = "us") -> str:
    """`2014-12-03` as `December 3, 2014` (us), `3 December 2014` (day-month) or as it is
    (iso); a partial date as much as it says."""
    if not iso:
        return ""
    if style == "iso":
        return iso
    try:
        if len(iso) == 10:
            day = dt.date.fromisoformat(iso)
            month = MONTHS[day.month - 1]
            if style == "day-month":
                return f"{day.day} {month} {day.year}"
            return f"{month} {day.day}, {day.year}"
        if len(iso) == 7:
            year, number = int(iso[:4]), int(iso[5:7])
            return f"{MONTHS[number - 1]} {year}"
    except (ValueError, IndexError):
        return iso
    return iso


def source_type(source: Source) -> str:
    """The kind of source, as given, else as its file and fields suggest."""
    if source.type in SOURCE_TYPES:
        return source.type
    suffix = source.file.rsplit(".", 1)[-1].lower() if "." in source.file else ""
    if suffix == "eml":
        return "e-mail"
    where = f"{source.outlet or ''} {source.url or ''}".lower()
    if re.search(r"\bblog", where):
        return "blog post"
    if suffix in ("pdf", "docx"):
        return "report" if source.outlet else "document"
    if source.outlet:
        return "article"
    return "web page" if source.url else "document"


def author_names(source: Source) -> list[str]:
    """The source's authors: the `authors` list, else its author line split by "and"."""
    names = [a.strip() for a in source.authors if a.strip()]
    if names:
        return names
    return _split_authors(source.author) if source.author and source.author.strip() else []


def note_authors(names: Sequence[str]) -> str:
    """Chicago notes: A; A and B; A, B, and C; four or more: A et al."""
    if len(names) <= 2:
        return " and ".join(names)
    if len(names) == 3:
        return f"{names[0]}, {names[1]}, and {names[2]}"
    return f"{names[0]} et al."


def surname(author: str | Sequence[str]) -> str:
    """The family name(s) a short note uses: `Sudha Ramachandran` -> `Ramachandran`."""
    names = _split_authors(author) if isinstance(author, str) else list(author)
    last = [_last_name(n) for n in names] or [""]
    if len(last) == 1:
        return last[0]
    if len(last) == 2:
        return f"{last[0]} and {last[1]}"
    if len(last) == 3:
        return f"{last[0]}, {last[1]}, and {last[2]}"
    return f"{last[0]} et al."


def short_title(title: str) -> str:
    """Up to four words of the title before any colon, without a leading article."""
    main = re.split(r"[:—]", title, maxsplit=1)[0].strip() or title.strip()
    words = main.split()
    if len(words) > 1 and words[0].lower() in ("a", "an", "the"):
        words = words[1:]
    if len(words) <= _SHORT_TITLE_WORDS:
        return " ".join(words)
    cut = words[:_SHORT_TITLE_WORDS]
    while len(cut) > 1 and cut[-1].lower() in _SMALL_WORDS:
        cut.pop()
    return " ".join(cut).rstrip(",;:.-–")


def full_note(source: Source, *, last: bool = True, style: str = "us") -> Spans:
    """Author, “Title,” *Outlet*, Month D, YYYY, accessed ..., URL. — a source's first note.

    By type: a report's title is in italics; a blog's name is followed by "(blog)"; a web
    page's site name is roman; an e-mail says so.
    """
    kind = source_type(source)
    names = author_names(source)
    parts: list[tuple[str, str]] = []
    if names:
        parts.append(("plain", note_authors(names)))
    if source.title:
        parts.append(("italic" if kind == "report" else "title", source.title.strip()))
    if kind == "e-mail":
        parts.append(("plain", "e-mail message"))
    if source.outlet:
        outlet = source.outlet.strip()
        if kind in ("web page", "document"):
            parts.append(("plain", outlet))
        else:
            parts.append(("italic", outlet))
            if kind == "blog post" and "blog" not in outlet.lower():
                parts.append(("suffix", " (blog)"))
    if source.date:
        parts.append(("plain", format_date(source.date, style)))
    if source.url and source.accessed:
        parts.append(("plain", f"accessed {format_date(source.accessed, style)}"))
    if source.url:
        parts.append(("url", source.url.strip()))
    if not (names or source.title or source.outlet):
        parts.insert(0, ("plain", source.file))
    return _join_note(parts, last)


def short_note(source: Source, *, full_author: bool = False, last: bool = True) -> Spans:
    """Surname, “Short Title.” — every later note citing the same source."""
    parts: list[tuple[str, str]] = []
    names = author_names(source)
    if names:
        parts.append(("plain", note_authors(names) if full_author else surname(names)))
    if source.title:
        kind = "italic" if source_type(source) == "report" else "title"
        parts.append((kind, short_title(source.title)))
    elif source.outlet:
        parts.append(("italic", source.outlet.strip()))
    if not parts:
        parts.append(("plain", source.file))
    return _join_note(parts, last)


def bibliography_entry(source: Source, style: str = "us") -> Spans:
    """Last, First. “Title.” *Outlet*, Month D, YYYY. Accessed .... URL."""
    kind = source_type(source)
    names = author_names(source)
    spans: list[Span] = []
    if names:
        spans.append(Span(_end(invert_names(names))))
    if source.title:
        if kind == "report":
            spans.append(Span(_end(source.title.strip()), italic=True))
        else:
            title = _nested_quotes(source.title.strip())
            spans.append(Span(f"“{_end(title)}”"))
    if kind == "e-mail":
        spans.append(Span("E-mail message."))
    tail: list[Span] = []
    if source.outlet:
        outlet = source.outlet.strip()
        roman = kind in ("web page", "document")
        tail.append(Span(outlet, italic=not roman))
        if kind == "blog post" and "blog" not in outlet.lower():
            tail.append(Span(" (blog)"))
    if source.date:
        tail.append(Span(format_date(source.date, style)))
    if not (names or source.title or source.outlet):
        spans.append(Span(_end(source.file)))
    for i, span in enumerate(tail):
        if i and not span.text.startswith(" ("):
            spans.append(Span(", "))
        spans.append(span)
    if tail:
        spans.append(Span("" if tail[-1].text.endswith(_END) else "."))
    if source.url and source.accessed:
        spans.append(Span(f"Accessed {format_date(source.accessed, style)}."))
    if source.url:
        spans.append(Span(_end(source.url.strip())))
    return _spaced(spans)


def bibliography_key(source: Source) -> tuple[str, str, str]:
    """Sort order of the Sources list: by surname, else title, ignoring a leading article."""
    names = author_names(source)
    if names:
        lead = invert_names(names)
    else:
        lead = re.sub(r"^(a|an|the)\s+", "", (source.title or source.outlet or source.file).lower())
    return (re.sub(r"[^\w ]", "", lead.casefold()), source.date or "", source.id)


def invert_name(author: str) -> str:
    """`Sudha Ramachandran` -> `Ramachandran, Sudha`; later co-authors stay as written."""
    return invert_names(_split_authors(author))


def invert_names(names: Sequence[str]) -> str:
    """Chicago bibliography: the first author inverted, the others as written, up to ten;
    more than ten: the first seven, then et al."""
    first = names[0]
    parts = first.split()
    lead = first if "," in first or len(parts) < 2 else f"{parts[-1]}, {' '.join(parts[:-1])}"
    if len(names) == 1:
        return lead
    if len(names) > 10:
        return f"{lead}, {', '.join(names[1:7])}, et al."
    if len(names) == 2:
        return f"{lead}, and {names[1]}"
    return f"{lead}, {', '.join(names[1:-1])}, and {names[-1]}"


def join_citations(notes: Sequence[Spans]) -> Spans:
    """Several sources in one note, separated by semicolons."""
    out: list[Span] = []
    for i, spans in enumerate(notes):
        if i:
            out.append(Span("; "))
        out.extend(spans)
    return _merge(out)


def plain(spans: Spans) -> str:
    return "".join(s.text for s in spans)


def _join_note(parts: list[tuple[str, str]], last: bool) -> Spans:
    """Comma-separated note parts; a title carries its comma inside the quotation marks."""
    spans: list[Span] = []
    for i, (kind, text) in enumerate(parts):
        final = i == len(parts) - 1
        if kind == "title":
            title = _nested_quotes(text)
            mark = "" if title.endswith(_END) else ("." if last else "") if final else ","
            spans.append(Span(f"“{title}{mark}”"))
            if not final:
                spans.append(Span(" "))
            continue
        if kind == "suffix":  # "(blog)" follows the outlet's name, no comma between
            spans.append(Span(text))
            if not final:
                spans.append(Span(", "))
            elif last:
                spans.append(Span("."))
            continue
        nxt = parts[i + 1][0] if not final else ""
        spans.append(Span(text, italic=kind == "italic"))
        if not final and nxt != "suffix":
            spans.append(Span(", "))
        elif final and last and not text.endswith(_END):
            spans.append(Span("."))
    return _merge(spans)


def _spaced(spans: list[Span]) -> Spans:
    """Bibliography parts: a space after each sentence-ending part."""
    out: list[Span] = []
    for i, span in enumerate(spans):
        out.append(span)
        nxt = spans[i + 1] if i + 1 < len(spans) else None
        ends = not span.italic and span.text.endswith((".", "”", "?", "!"))
        if ends and nxt is not None and nxt.text not in (", ", ".", ""):
            out.append(Span(" "))
    return _merge(out)


def _merge(spans: list[Span]) -> Spans:
    out: list[Span] = []
    for span in spans:
        if not span.text:
            continue
        if out and out[-1].italic == span.italic:
            out[-1] = Span(out[-1].text + span.text, span.italic)
        else:
            out.append(span)
    return tuple(out)


def _end(text: str) -> str:
    return text if text.endswith(_END) else text + "."


def _nested_quotes(title: str) -> str:
    """Double quotation marks inside a quoted title become single ones."""
    title = title.replace("“", "‘").replace("”", "’")
    opening = True
    out = []
    for char in title:
        if char == '"':
            out.append("‘" if opening else "’")
            opening = not opening
        else:
            out.append(char)
    return "".join(out)


def _split_authors(author: str) -> list[str]:
    """An author line into names: "A and B", "A & B", "A; B", "A, B and C"."""
    if "," in author and (" and " in author or "&" in author or author.count(",") > 1):
        author = re.sub(r",\s*(?:and|&)\s+", " and ", author)
        author = author.replace(", ", " and ")
    names = [n.strip() for n in re.split(r"\s+(?:and|&)\s+|;\s*", author) if n.strip()]
    return names or [author.strip()]


def _last_name(name: str) -> str:
    if "," in name:
        return name.split(",", 1)[0].strip()
    return name.split()[-1] if name.split() else name
