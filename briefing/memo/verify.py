"""Checking an exported Markdown memo: is every quote still verbatim in what it cites?

A note is traced back to its source(s) by its Chicago form: every source's full and
short notes are built as the renderer would write them and matched against the note.
A short note resolves to the source already cited in full, as a reader would read it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from briefing.memo.citations import full_note, short_note
from briefing.memo.markdown import spans_markdown, unescape
from briefing.memo.quotes import ELLIPSIS
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


def verify_markdown(text: str, sources: Sequence[Source]) -> list[VerifyProblem]:
    """Every quote of the memo that is not verbatim in each source its note cites."""
    notes, quotes = _parse(text)
    resolver = _Resolver(sources)
    resolved: dict[int, list[list[Source]] | None] = {}
    for number in sorted(notes):
        resolved[number] = resolver.resolve(notes[number])
    problems: list[VerifyProblem] = []
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
        for choices in cited:
            if not any(resolver.carries(s, fragments) for s in choices):
                message = f"quote {shown} is not verbatim in {_name(choices)} (note {quote.note})"
                problems.append(VerifyProblem(quote.line, shown, message, quote.note))
    return problems


def count_quotes(text: str) -> int:
    """How many quotes `verify_markdown` checks in this memo."""
    return len(_parse(text)[1])


def _parse(text: str) -> tuple[dict[int, str], list[_Quote]]:
    """Footnote definitions, blockquotes and inline quotes, each with its line number."""
    notes: dict[int, str] = {}
    quotes: list[_Quote] = []
    block: list[str] = []
    block_line = 0
    lines = text.splitlines()
    for number, line in enumerate([*lines, ""], start=1):
        if line.startswith(">"):
            if not block:
                block_line = number
            block.append(line[1:].strip())
            continue
        if block:
            quotes.append(_blockquote(" ".join(block), block_line))
            block = []
        definition = _NOTE_DEF.match(line)
        if definition:
            notes[int(definition.group(1))] = definition.group(2).strip()
            continue
        for match in _INLINE.finditer(line):
            quotes.append(_Quote(number, unescape(match.group(1)), int(match.group(2))))
    return notes, quotes


def _blockquote(raw: str, line: int) -> _Quote:
    markers = list(_MARKER.finditer(raw))
    if not markers:
        return _Quote(line, unescape(raw), None)
    return _Quote(line, unescape(raw[: markers[0].start()]), int(markers[0].group(1)))


class _Resolver:
    """Finds the sources a note cites from the way each source is written in a note."""

    def __init__(self, sources: Sequence[Source]) -> None:
        self._forms: dict[str, list[Source]] = {}
        self._full: dict[str, set[str]] = {}
        self._texts: dict[str, str] = {}
        for source in sources:
            for last in (True, False):
                full = spans_markdown(full_note(source, last=last))
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
        """Per citation in the note, the sources it may name; None when one matches none."""
        found = self._match(note.strip(), 0)
        if found is None:
            return None
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

    def carries(self, source: Source, fragments: Sequence[str]) -> bool:
        text = self._texts.get(source.id)
        if text is None:
            text = self._texts[source.id] = " ".join(source.text.split())
        return all(" ".join(f.split()) in text for f in fragments)


def _short(text: str, width: int = 70) -> str:
    flat = " ".join(text.split())
    return f"“{flat[:width]}…”" if len(flat) > width else f"“{flat}”"


def _name(sources: Sequence[Source]) -> str:
    source = sources[0]
    return source.title or source.outlet or source.file
