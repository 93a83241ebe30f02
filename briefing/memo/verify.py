"""Checking an exported Markdown memo: is every quote still verbatim in what it cites?

A note is traced back to its source(s) by its Chicago form: every source's full and
short notes are built as the renderer would write them and matched against the note.
A short note resolves to the source already cited in full, as a reader would read it;
sources after "see also" report the claim in their own words and are not checked for it.

Beyond the words, a quote must be honest about its edges: an ellipsis wherever the
source paragraph goes on, no edge inside a quotation of the source, and every
quotation mark of the memo paired as the quoted text pairs it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from briefing.memo.citations import DATE_STYLES, full_note, short_note
from briefing.memo.document import SEE_ALSO
from briefing.memo.markdown import spans_markdown, unescape
from briefing.memo.quotes import ELLIPSIS, quotation_depth
from briefing.model import Source

_NOTE_DEF = re.compile(r"^\[\^(\d+)\]:\s?(.*)$")
_MARKER = re.compile(r"(?<!\\)\[\^(\d+)\]")
_INLINE = re.compile(r"“((?:\\.|[^\\])*?)”\[\^(\d+)\]")


@dataclass(frozen=True)
class VerifyProblem:
    """A quote that its cited source does not carry, or a note that cites nothing known."""

    line: int
    quote: str
    message: str
    note: int | None = None

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


@dataclass(frozen=True)
class _Quote:
    line: int
    text: str  # unescaped
    note: int | None
    block: bool = False  # a block quote (its edges follow the ellipsis rule)


def verify_markdown(text: str, sources: Sequence[Source]) -> list[VerifyProblem]:
    """Every quote of the memo that is not verbatim in each source its note cites."""
    notes, quotes, unpaired = _parse(text)
    resolver = _Resolver(sources)
    resolved: dict[int, list[list[Source]] | None] = {}
    for number in sorted(notes):
        resolved[number] = resolver.resolve(notes[number])
    problems: list[VerifyProblem] = [
        VerifyProblem(line, shown, f"{shown}: a quotation mark is missing or extra")
        for line, shown in unpaired
    ]
    for quote in quotes:
        shown = _short(quote.text)
        if quote.note is None:
            problems.append(VerifyProblem(quote.line, shown, f"quote {shown} has no note"))
            continue
        if quote.note not in notes:
            message = f"quote {shown} cites note {quote.note}, which the memo does not define"
            problems.append(VerifyProblem(quote.line, shown, message, quote.note))
            continue
        cited = resolved[quote.note]
        if cited is None:
            message = (
                f"note {quote.note} of quote {shown} cites no source in the corpus "
                "(was its metadata changed since the export?)"
            )
            problems.append(VerifyProblem(quote.line, shown, message, quote.note))
            continue
        fragments = [f.strip() for f in quote.text.split(ELLIPSIS) if f.strip()]
        body = quote.text.strip()
        edges = (body.startswith(ELLIPSIS), body.endswith(ELLIPSIS)) if quote.block else None
        for choices in cited:
            found = [resolver.check(s, fragments, edges) for s in choices]
            if any(f is None for f in found):
                continue
            reason = next((f for f in found if f), "")
            if reason and all(f != "missing" for f in found):
                message = f"quote {shown} {reason} in {_name(choices)} (note {quote.note})"
            else:
                message = f"quote {shown} is not verbatim in {_name(choices)} (note {quote.note})"
            problems.append(VerifyProblem(quote.line, shown, message, quote.note))
    return problems


def count_quotes(text: str) -> int:
    """How many quotes `verify_markdown` checks in this memo."""
    return len(_parse(text)[1])


def _parse(text: str) -> tuple[dict[int, str], list[_Quote], list[tuple[int, str]]]:
    """Footnote definitions, blockquotes and inline quotes, each with its line number;
    and the lines whose quotation marks do not pair up as their quotes' own marks do."""
    notes: dict[int, str] = {}
    quotes: list[_Quote] = []
    unpaired: list[tuple[int, str]] = []
    block: list[str] = []
    block_line = 0
    lines = text.splitlines()
    for number, line in enumerate([*lines, ""], start=1):
        if line.startswith(">"):
            if not block:
                block_line = number
            block.append(_without_hard_break(line[1:].strip()))
            continue
        if block:
            raw = " ".join(block)
            quote = _blockquote(raw, block_line)
            quotes.append(quote)
            if _balance(unescape(raw)) != _balance(quote.text):
                unpaired.append((block_line, _short(quote.text)))
            block = []
        definition = _NOTE_DEF.match(line)
        if definition:
            notes[int(definition.group(1))] = definition.group(2).strip()
            if _balance(unescape(definition.group(2))) != 0:
                unpaired.append((number, f"note {definition.group(1)}"))
            continue
        found = [
            _Quote(number, unescape(m.group(1)), int(m.group(2))) for m in _INLINE.finditer(line)
        ]
        quotes.extend(found)
        own = sum(_balance(q.text) for q in found)
        markers = len(_MARKER.findall(line))
        if _balance(unescape(line)) != own or markers > len(found):
            unpaired.append((number, _short(unescape(line))))
    return notes, quotes, unpaired


def _without_hard_break(line: str) -> str:
    """A block quote's line less the backslash that ends it in a hard line break (a table's
    row); an escaped backslash of the text itself comes in pairs."""
    trailing = len(line) - len(line.rstrip("\\"))
    return line[:-1] if trailing % 2 else line


def _balance(text: str) -> int:
    """Opening minus closing curly double quotation marks."""
    return text.count("“") - text.count("”")


def _blockquote(raw: str, line: int) -> _Quote:
    markers = list(_MARKER.finditer(raw))
    if not markers:
        return _Quote(line, unescape(raw), None, block=True)
    text = unescape(raw[: markers[0].start()])
    return _Quote(line, text, int(markers[0].group(1)), block=True)


class _Resolver:
    """Finds the sources a note cites from the way each source is written in a note."""

    def __init__(self, sources: Sequence[Source]) -> None:
        self._forms: dict[str, list[Source]] = {}
        self._full: dict[str, set[str]] = {}
        self._paragraphs: dict[str, list[str]] = {}
        for source in sources:
            for last in (True, False):
                for style in DATE_STYLES:
                    full = spans_markdown(full_note(source, last=last, style=style))
                    self._add(full, source)
                    self._full.setdefault(full, set()).add(source.id)
                for full_author in (False, True):
                    short = short_note(source, full_author=full_author, last=last)
                    self._add(spans_markdown(short), source)
        self._seen: set[str] = set()  # sources already cited in full, in note order

    def _add(self, form: str, source: Source) -> None:
        bucket = self._forms.setdefault(form, [])
        if source not in bucket:
            bucket.append(source)

    def resolve(self, note: str) -> list[list[Source]] | None:
        """Per citation in the note, the sources it may name; None when one matches none.

        Citations after "see also" are resolved (they must name known sources) but left
        out of the result: they report the claim, not the quoted words.
        """
        note = note.strip()
        head, _, also = note.partition(SEE_ALSO)
        if not head.strip() and note.startswith(SEE_ALSO[2:].capitalize()):
            head, also = "", note[len(SEE_ALSO) - 2 :]
        found = self._match(head, 0) if head else []
        others = self._match(also, 0) if also else []
        if found is None or others is None or not (found or others):
            return None
        cited = self._choices(found)
        self._mark_seen(others)
        return cited

    def _mark_seen(self, forms: list[str]) -> None:
        for form in forms:
            if form in self._full:
                self._seen.update(s.id for s in self._forms[form])

    def _choices(self, found: list[str]) -> list[list[Source]]:
        cited: list[list[Source]] = []
        for form in found:
            choices = self._forms[form]
            if form in self._full:
                self._seen.update(s.id for s in choices)
            else:
                earlier = [s for s in choices if s.id in self._seen]
                choices = earlier or choices
            cited.append(choices)
        return cited

    def _match(self, note: str, start: int) -> list[str] | None:
        """The citation forms that make up `note[start:]`, joined by "; " (longest first)."""
        if start == len(note):
            return []
        forms = [f for f in self._forms if note.startswith(f, start)]
        for form in sorted(forms, key=len, reverse=True):
            end = start + len(form)
            if end == len(note):
                return [form]
            if note.startswith("; ", end):
                rest = self._match(note, end + 2)
                if rest is not None:
                    return [form, *rest]
        return None

    def check(
        self, source: Source, fragments: Sequence[str], edges: tuple[bool, bool] | None
    ) -> str | None:
        """None when the source carries the quote as shown, else what is wrong:
        "missing" (not verbatim), or an edge that hides a cut or splits a quotation.

        `edges` says whether the quote opens and closes with an ellipsis (block quotes);
        None checks the words and the quotations only.
        """
        paragraphs = self._paragraphs.get(source.id)
        if paragraphs is None:
            split = re.split(r"\n\s*\n", source.text) if "\n\n" in source.text else None
            parts = split or source.text.split("\n")
            paragraphs = self._paragraphs[source.id] = [
                " ".join(p.split()) for p in parts if p.strip()
            ]
        wanted = [" ".join(f.split()) for f in fragments]
        if not wanted:
            return "missing"
        problem: str | None = "missing"
        for paragraph in paragraphs:
            if not all(w in paragraph for w in wanted):
                continue
            problem = _edges(paragraph, wanted, edges)
            if problem is None:
                return None
        return problem


def _edges(paragraph: str, fragments: Sequence[str], edges: tuple[bool, bool] | None) -> str | None:
    """What is wrong with where the fragments start and end in their paragraph, if anything."""
    depth = quotation_depth(paragraph)
    at = 0
    spans: list[tuple[int, int]] = []
    for fragment in fragments:
        start = paragraph.find(fragment, at)
        if start < 0:
            start = paragraph.find(fragment)
        spans.append((start, start + len(fragment)))
        at = start + len(fragment)
    first, last = spans[0][0], spans[-1][1]
    for start, end in spans:
        inside_start = depth[start] > 0 and start > 0
        inside_end = depth[end] > 0 and end < len(paragraph)
        if inside_start or inside_end:
            return "starts or ends inside a quotation of the source"
    if edges is not None:
        before, after = edges
        if first > 0 and not before:
            return "leaves out the start of its paragraph without an ellipsis"
        if last < len(paragraph) and not after:
            return "leaves out the rest of its paragraph without an ellipsis"
        for (_, end), (start, _) in zip(spans, spans[1:], strict=False):
            if start < end:
                return "repeats text between its fragments"
    return None


def _short(text: str, width: int = 70) -> str:
    flat = " ".join(text.split())
    return f"“{flat[:width]}…”" if len(flat) > width else f"“{flat}”"


def _name(sources: Sequence[Source]) -> str:
    source = sources[0]
    return source.title or source.outlet or source.file
