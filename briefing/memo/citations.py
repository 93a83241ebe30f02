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


def format_date(iso: str | None) -> str:
    """`2014-12-03` as `December 3, 2014`; a partial date as much as it says."""
    if not iso:
        return ""
    try:
        if len(iso) == 10:
            day = dt.date.fromisoformat(iso)
            return f"{MONTHS[day.month - 1]} {day.day}, {day.year}"
        if len(iso) == 7:
            year, month = int(iso[:4]), int(iso[5:7])
            return f"{MONTHS[month - 1]} {year}"
    except (ValueError, IndexError):
        return iso
    return iso


def surname(author: str) -> str:
    """The family name(s) a short note uses: `Sudha Ramachandran` -> `Ramachandran`."""
    names = _split_authors(author)
    last = [_last_name(n) for n in names]
    if len(last) == 1:
        return last[0]
    if len(last) == 2:
        return f"{last[0]} and {last[1]}"
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


def full_note(source: Source, *, last: bool = True) -> Spans:
    """Author, “Title,” *Outlet*, Month D, YYYY. — the first note citing a source."""
    parts: list[tuple[str, str]] = []
    if source.author:
        parts.append(("plain", source.author.strip()))
    if source.title:
        parts.append(("title", source.title.strip()))
    if source.outlet:
        parts.append(("italic", source.outlet.strip()))
    if source.date:
        parts.append(("plain", format_date(source.date)))
    if not (source.author or source.title or source.outlet):
        parts.insert(0, ("plain", source.file))
    return _join_note(parts, last)


def short_note(source: Source, *, full_author: bool = False, last: bool = True) -> Spans:
    """Surname, “Short Title.” — every later note citing the same source."""
    parts: list[tuple[str, str]] = []
    if source.author:
        name = source.author.strip()
        parts.append(("plain", name if full_author else surname(name)))
    if source.title:
        parts.append(("title", short_title(source.title)))
    elif source.outlet:
        parts.append(("italic", source.outlet.strip()))
    if not parts:
        parts.append(("plain", source.file))
    return _join_note(parts, last)


def bibliography_entry(source: Source) -> Spans:
    """Last, First. “Title.” *Outlet*, Month D, YYYY. — one line of the Sources list."""
    spans: list[Span] = []
    if source.author:
        spans.append(Span(_end(invert_name(source.author.strip()))))
    if source.title:
        title = _nested_quotes(source.title.strip())
        spans.append(Span(f"“{_end(title)}”"))
    tail: list[Span] = []
    if source.outlet:
        tail.append(Span(source.outlet.strip(), italic=True))
    if source.date:
        tail.append(Span(format_date(source.date)))
    if not (source.author or source.title or source.outlet):
        spans.append(Span(_end(source.file)))
    for i, span in enumerate(tail):
        if i:
            spans.append(Span(", "))
        spans.append(span)
    if tail:
        spans.append(Span("" if tail[-1].text.endswith(_END) else "."))
    return _spaced(spans)


def bibliography_key(source: Source) -> tuple[str, str, str]:
    """Sort order of the Sources list: by surname, else title, ignoring a leading article."""
    if source.author:
        lead = invert_name(source.author.strip())
    else:
        lead = re.sub(r"^(a|an|the)\s+", "", (source.title or source.outlet or source.file).lower())
    return (re.sub(r"[^\w ]", "", lead.casefold()), source.date or "", source.id)


def invert_name(author: str) -> str:
    """`Sudha Ramachandran` -> `Ramachandran, Sudha`; later co-authors stay as written."""
    names = _split_authors(author)
    first = names[0]
    parts = first.split()
    lead = first if "," in first or len(parts) < 2 else f"{parts[-1]}, {' '.join(parts[:-1])}"
    if len(names) == 1:
        return lead
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
        spans.append(Span(text, italic=kind == "italic"))
        if not final:
            spans.append(Span(", "))
        elif last and not text.endswith(_END):
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
    names = [n.strip() for n in re.split(r"\s+(?:and|&)\s+|;\s*", author) if n.strip()]
    return names or [author.strip()]


def _last_name(name: str) -> str:
    if "," in name:
        return name.split(",", 1)[0].strip()
    return name.split()[-1] if name.split() else name
