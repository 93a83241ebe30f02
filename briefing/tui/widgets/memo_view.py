"""The memo document drawn with Rich: how the preview shows what the export will write.

Built from the same `MemoDocument` the Markdown and PDF renderers receive, so the
preview can never say something the export does not. Source text only ever enters as
plain `Text` (never markup), and every part is cached on the frozen dataclass it is
drawn from: an edit to one section rebuilds that section, not the memo.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from rich.align import Align
from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.measure import Measurement
from rich.rule import Rule
from rich.segment import Segment
from rich.table import Table
from rich.text import Text

from briefing.memo.citations import Span
from briefing.memo.document import (
    Block,
    Header,
    MemoDocument,
    Note,
    Quote,
    Section,
    SourceEntry,
    SummaryPoint,
)
from briefing.memo.problems import Problem

ELLIPSIS = "…"
SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
LABEL_WIDTH = 9  # "SUBJECT" and a gap
CACHED = 256  # parts kept per kind: a few memos' worth of sections
# Notes and sources listed in the preview; the rest are counted. Wire copy can cite
# hundreds of sources, and laying out every one of them on each key held the keys for
# most of a second; the export lists them all.
LISTED = 25
ENTRY_CHARS = 320  # a note citing a dozen wire copies is cut here in the preview (…)
CLIPPED = ENTRY_CHARS + 1  # characters of a note drawn: enough for ENTRY_CHARS cells (or see below)


def superscript(number: int) -> str:
    """`12` as `¹²`: a note number set the way print sets it."""
    return str(number).translate(SUPERSCRIPT)


@dataclass(frozen=True)
class Palette:
    """The colours the memo borrows from the app's theme; the rest is dim or bold."""

    accent: str = "yellow"
    warning: str = "yellow"


@dataclass(frozen=True)
class Drawn:
    """A drawn memo, and its words as plain text (for a test or a search to look at).

    `parts` names each part of a whole memo ("top", "theme:<id>", "notes"...): the
    preview shows one widget per part, repaints only the parts whose drawing changed
    (the cached drawings are the same objects), and scrolls to a theme's section.
    """

    renderable: RenderableType
    plain: str
    parts: tuple[tuple[str, RenderableType], ...] = ()


class LeftBar:
    """Draws its content indented behind a thin bar, on every wrapped line."""

    def __init__(self, content: RenderableType, style: str = "dim", bar: str = "▎") -> None:
        self.content = content
        self.style = style
        self.bar = bar

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = max(1, options.max_width - 2)
        lines = console.render_lines(self.content, options.update(width=width), pad=False)
        bar = Segment(f"{self.bar} ", console.get_style(self.style))
        for line in lines:
            yield bar
            yield from line
            yield Segment.line()

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        inner = Measurement.get(console, options, self.content)
        return Measurement(inner.minimum + 2, inner.maximum + 2)


class Hanging:
    """A mark, then its text indented on every wrapped line: a bullet or a note number.

    Rather than a grid table: a table measures every cell to lay out its columns, and
    the notes and sources of a memo are most of what the preview lays out on each key.
    """

    def __init__(self, mark: Text, content: Text, width: int) -> None:
        self.mark = mark
        self.content = content
        self.width = width  # the mark's column, right-aligned

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        room = max(1, options.max_width - self.width - 1)
        lines = console.render_lines(self.content, options.update(width=room), pad=False)
        mark = self.mark.copy()
        mark.pad_left(max(0, self.width - mark.cell_len))
        first = list(mark.render(console)) + [Segment(" ")]
        blank = [Segment(" " * (self.width + 1))]
        for i, line in enumerate(lines):
            yield from first if i == 0 else blank
            yield from line
            yield Segment.line()

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        inner = Measurement.get(console, options, self.content)
        return Measurement(inner.minimum + self.width + 1, inner.maximum + self.width + 1)


def draw_memo(document: MemoDocument, palette: Palette) -> Drawn:
    """The whole memo: header, bottom line, sections, notes and sources."""
    parts: list[tuple[str, Drawn]] = []
    warnings = tuple(p for p in document.problems if p.severity == "warning")
    if warnings:
        parts.append(("warnings", _warnings(warnings, palette)))
    parts.append(("header", _header(document.header, palette)))
    parts.append(("summary", _bottom_line(document.summary, document.drafted, palette)))
    parts.extend((f"theme:{s.theme_id}", _section(s, palette)) for s in document.sections)
    if document.notes:
        parts.append(("notes", _notes(document.notes)))
    if document.sources:
        parts.append(("sources", _sources(document.sources)))
    if document.header.marking:
        parts.append(("marking", _marking(document.header.marking, palette)))
    return Drawn(
        Group(*(p.renderable for _, p in parts)),
        "\n\n".join(p.plain for _, p in parts),
        tuple((key, p.renderable) for key, p in parts),
    )


def draw_failure(message: str) -> Drawn:
    """What the preview says when the memo cannot be built."""
    text = Text()
    text.append("The memo cannot be rendered.\n\n", style="bold")
    text.append(message)
    return Drawn(text, text.plain)


# -- the parts, each cached on what it is drawn from ------------------------------------


@lru_cache(maxsize=CACHED)
def _header(header: Header, palette: Palette) -> Drawn:
    rows: list[RenderableType] = []
    if header.marking:
        rows.append(_marking(header.marking, palette).renderable)
    rows.append(Align.center(Text("M E M O R A N D U M", style="bold")))
    rows.append(Text(""))
    grid = Table.grid(padding=(0, 1))
    grid.add_column(width=LABEL_WIDTH - 1, no_wrap=True)
    grid.add_column(ratio=1)
    fields = [("TO", header.to), ("FROM", header.sender), ("DATE", header.date)]
    for label, value in fields:
        if value:
            grid.add_row(Text(label, style="dim"), Text(value))
    grid.add_row(Text("SUBJECT", style="dim"), Text(header.title, style="bold"))
    rows.append(grid)
    rows.append(Rule(style="dim", characters="─"))
    rows.append(Text(""))
    plain = "\n".join(
        ["MEMORANDUM"]
        + [f"{label}: {value}" for label, value in fields if value]
        + [f"SUBJECT: {header.title}"]
    )
    return Drawn(Group(*rows), plain)


@lru_cache(maxsize=CACHED)
def _marking(marking: str, palette: Palette) -> Drawn:
    text = Text(marking.upper(), style=f"bold {palette.accent}")
    return Drawn(Align.center(text), text.plain)


@lru_cache(maxsize=CACHED)
def _bottom_line(
    summary: tuple[Block, ...], drafted: tuple[SummaryPoint, ...], palette: Palette
) -> Drawn:
    body: list[RenderableType] = [_label("Bottom line")]
    plain = ["Bottom line"]
    for block in summary:
        drawn = _block(block)
        body.append(drawn.renderable)
        plain.append(drawn.plain)
    if drafted:
        hint = Text("Drafted from the sources until you write one (m).", style="dim italic")
        body.append(hint)
        for point in drafted:
            text = Text()
            text.append(f"{point.label}. ", style="bold")
            text.append("“")
            text.append(_quote_words(point.quote.fragments))
            text.append("”")
            text.append(superscript(point.quote.note), style=palette.accent)
            body.append(_bullet(text))
            plain.append(text.plain)
    return Drawn(Group(*_spaced(body)), "\n".join(plain))


@lru_cache(maxsize=CACHED)
def _section(section: Section, palette: Palette) -> Drawn:
    body: list[RenderableType] = [_label(section.label)]
    plain = [section.label]
    for block in section.comment:
        drawn = _block(block)
        body.append(drawn.renderable)
        plain.append(drawn.plain)
    for quote in section.quotes:
        text = _quote(quote, palette)
        body.append(LeftBar(text))
        plain.append(text.plain)
    if section.empty:
        body.append(Text(section.empty, style="dim italic"))
        plain.append(section.empty)
    return Drawn(Group(*_spaced(body)), "\n".join(plain))


@lru_cache(maxsize=CACHED)
def _notes(notes: tuple[Note, ...]) -> Drawn:
    return _listing("Notes", [(f"{n.number}.", n.spans) for n in notes], "notes")


@lru_cache(maxsize=CACHED)
def _sources(sources: tuple[SourceEntry, ...]) -> Drawn:
    return _listing("Sources", [("·", s.spans) for s in sources], "sources")


@lru_cache(maxsize=CACHED)
def _warnings(problems: tuple[Problem, ...], palette: Palette) -> Drawn:
    text = Text()
    for i, problem in enumerate(problems):
        if i:
            text.append("\n")
        text.append("⚠ ", style=palette.warning)
        text.append(problem.message, style=palette.warning)
    return Drawn(text, text.plain)


# -- pieces ------------------------------------------------------------------------------


def _label(label: str) -> Rule:
    """A section's name, bold, then a thin rule to the edge."""
    return Rule(Text(f"{label} ", style="bold"), align="left", style="dim", characters="─")


def _block(block: Block) -> Drawn:
    if block.kind == "bullets":
        items = [Text(item) for item in block.items]
        return Drawn(Group(*(_bullet(t) for t in items)), "\n".join(block.items))
    return Drawn(Text(block.items[0]), block.items[0])


def _bullet(text: Text) -> Hanging:
    """A bullet with a hanging indent, so wrapped lines line up with the first."""
    return Hanging(Text("•", style="dim"), text, 1)


def _quote(quote: Quote, palette: Palette) -> Text:
    text = _quote_words(quote.fragments)
    text.append(superscript(quote.note), style=palette.accent)
    return text


def _quote_words(fragments: Sequence[str]) -> Text:
    """The verbatim fragments, an ellipsis where the cut was; as plain text, never markup."""
    text = Text()
    for i, fragment in enumerate(fragments):
        if i:
            text.append(f" {ELLIPSIS} ", style="dim")
        text.append(" ".join(fragment.split()))
    return text


def _listing(title: str, entries: Sequence[tuple[str, tuple[Span, ...]]], what: str) -> Drawn:
    """Notes or sources: dim, a hanging number, the outlet in italics; the first LISTED."""
    width = max((len(mark) for mark, _ in entries[:LISTED]), default=1)
    rows: list[RenderableType] = [_label(title)]
    plain = [title]
    for mark, spans in entries[:LISTED]:
        whole = "".join(span.text for span in spans)
        plain.append(f"{mark} {whole}")
        text = _entry_text(spans, CLIPPED)
        if len(text) == CLIPPED and text.cell_len < ENTRY_CHARS:  # zero-width characters
            text = _entry_text(spans, len(whole))
        if len(whole) > ENTRY_CHARS:
            text.truncate(ENTRY_CHARS)
            text.append(" …")
        rows.append(Hanging(Text(mark, style="dim"), text, width))
    rest = len(entries) - LISTED
    if rest > 0:
        more = Text(f"… and {rest} more {what}: the export lists them all.", style="dim italic")
        rows.append(Hanging(Text(""), more, width))
        plain.append(more.plain)
    return Drawn(Group(*rows), "\n".join(plain))


def _entry_text(spans: Sequence[Span], room: int) -> Text:
    """A note's first `room` characters, the outlet in italics: a note citing hundreds of
    wire copies is cut at ENTRY_CHARS cells anyway, and measuring all of it was most of
    the drawing's time."""
    text = Text(style="dim")
    for span in spans:
        if room <= 0:
            break
        text.append(span.text[:room], style="italic" if span.italic else "")
        room -= len(span.text)
    return text


def _spaced(items: list[RenderableType]) -> list[RenderableType]:
    """A blank line between paragraphs, and one after the part."""
    out: list[RenderableType] = []
    for item in items:
        out.append(item)
        out.append(Text(""))
    return out
