"""The memo as plain data: built once from the brief, then handed to any renderer.

Nothing here knows Markdown or Typst; quotes are verbatim fragments, notes are
numbered in order of appearance, and each source's first note is the full one.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from briefing.memo.brief import Brief
from briefing.memo.citations import (
    Spans,
    bibliography_entry,
    bibliography_key,
    format_date,
    full_note,
    join_citations,
    short_note,
    surname,
)
from briefing.memo.problems import Problem
from briefing.memo.quotes import SentenceRelevance, best_sentence, cut_quote, keyword_relevance
from briefing.memo.selection import Candidate, propose, select
from briefing.model import Corpus, Source, Theme

WINDOW_PER_ITEM = 8  # groups sketched per wanted item: room to spread and to skip repeats
EMPTY_THEME = "No excerpt in the corpus carries this theme."


@dataclass(frozen=True)
class Header:
    title: str
    to: str
    sender: str
    date: str  # as printed, "November 21, 2014"; empty when the brief has none
    marking: str


@dataclass(frozen=True)
class Block:
    """A paragraph, or a bulleted list, of the analyst's own prose."""

    kind: str  # "paragraph" or "bullets"
    items: tuple[str, ...]


@dataclass(frozen=True)
class Quote:
    """Verbatim fragments of one excerpt (an ellipsis between them), cited by one note."""

    fragments: tuple[str, ...]
    note: int
    source_ids: tuple[str, ...]  # every source that carries all the fragments
    excerpt_id: str


@dataclass(frozen=True)
class SummaryPoint:
    """A drafted summary bullet: a theme's label and one cited sentence of its material."""

    label: str
    quote: Quote


@dataclass(frozen=True)
class Section:
    theme_id: str
    label: str
    comment: tuple[Block, ...]
    quotes: tuple[Quote, ...]
    empty: str = ""  # said instead of quotes when the theme has none


@dataclass(frozen=True)
class Note:
    number: int
    spans: Spans
    source_ids: tuple[str, ...]


@dataclass(frozen=True)
class SourceEntry:
    source_id: str
    spans: Spans


@dataclass(frozen=True)
class MemoDocument:
    """Everything a renderer needs and nothing about how it looks."""

    header: Header
    summary: tuple[Block, ...]  # the analyst's; empty when drafted
    drafted: tuple[SummaryPoint, ...]  # the draft used when the analyst wrote none
    sections: tuple[Section, ...]
    notes: tuple[Note, ...]
    sources: tuple[SourceEntry, ...]
    problems: tuple[Problem, ...] = ()


def build_memo(
    brief: Brief,
    themes: Sequence[Theme],
    corpus: Corpus,
    *,
    sentence_relevance: SentenceRelevance | None = None,
) -> MemoDocument:
    """Select, cut and cite the brief's excerpts into a memo document."""
    problems: list[Problem] = []
    known = {t.id: t for t in themes}
    sources: dict[str, Source] = {}
    used: set[str] = set()
    pending: list[_PendingSection] = []
    for entry in brief.chosen():
        theme = known.get(entry.id)
        if theme is None:
            problems.append(
                Problem(
                    f"the brief names theme {entry.id!r}, which themes.yaml does not define; "
                    "its section is left out: add the theme back or remove it from the brief",
                    entry.id,
                )
            )
            continue
        relevance = _relevance(theme, sentence_relevance)
        window = max(entry.max_excerpts, len(entry.pinned)) * WINDOW_PER_ITEM
        candidates = propose(theme.id, entry, corpus, limit=window, problems=problems)
        chosen = select(candidates, entry.max_excerpts, avoid=used)
        quotes: list[_PendingQuote] = []
        for candidate in chosen:
            quote = _quote(candidate, relevance, problems, theme.id)
            if quote is None:
                continue
            used.update(candidate.excerpt_ids)
            # Every source a quote carries is cited, a twin's included (else KeyError below).
            sources.update((s.id, s) for s in quote.sources)
            twin = next((q for q in quotes if q.fragments == quote.fragments), None)
            if twin is not None:
                twin.sources.extend(s for s in quote.sources if s not in twin.sources)
                continue
            quotes.append(quote)
        pending.append(_PendingSection(theme, entry.comment, quotes, relevance))

    drafted: list[tuple[str, _PendingQuote]] = []
    if not brief.summary.strip():
        drafted = _draft_summary(pending)
        problems.append(
            Problem(
                "the brief has no summary; a draft quoting the sources is used",
                severity="note",
            )
        )

    notes = _Notes(sources.values())
    points = tuple(SummaryPoint(label, notes.cite(q)) for label, q in drafted)
    sections = tuple(
        Section(
            theme_id=p.theme.id,
            label=p.theme.label,
            comment=blocks(p.comment),
            quotes=tuple(notes.cite(q) for q in p.quotes),
            empty="" if p.quotes else EMPTY_THEME,
        )
        for p in pending
    )
    cited = sorted((sources[i] for i in notes.cited), key=bibliography_key)
    return MemoDocument(
        header=Header(
            title=brief.title,
            to=brief.to,
            sender=brief.sender,
            date=format_date(brief.date),
            marking=brief.marking,
        ),
        summary=blocks(brief.summary),
        drafted=points,
        sections=sections,
        notes=tuple(notes.notes),
        sources=tuple(SourceEntry(s.id, bibliography_entry(s)) for s in cited),
        problems=tuple(problems),
    )


def blocks(text: str) -> tuple[Block, ...]:
    """The analyst's prose as paragraphs and `- ` bullet lists (blank lines separate)."""
    out: list[Block] = []
    for chunk in re.split(r"\n\s*\n", text.strip()):
        lines = [line.strip() for line in chunk.splitlines() if line.strip()]
        if not lines:
            continue
        if all(re.match(r"[-*•] ", line) for line in lines):
            out.append(Block("bullets", tuple(line[2:].strip() for line in lines)))
        else:
            out.append(Block("paragraph", (" ".join(lines),)))
    return tuple(out)


@dataclass
class _PendingQuote:
    fragments: tuple[str, ...]
    sources: list[Source]
    excerpt_id: str
    text: str  # the whole excerpt, for drafting a summary sentence


@dataclass
class _PendingSection:
    theme: Theme
    comment: str
    quotes: list[_PendingQuote]
    relevance: Callable[[str], float] = field(repr=False)


def _relevance(theme: Theme, given: SentenceRelevance | None) -> Callable[[str], float]:
    if given is None:
        return keyword_relevance(theme)
    return lambda sentence: given(theme.id, sentence)


def _quote(
    candidate: Candidate, relevance: Callable[[str], float], problems: list[Problem], theme: str
) -> _PendingQuote | None:
    """Cut the candidate and cite every source of its group that carries the cut verbatim."""
    fragments = cut_quote(candidate.excerpt.text, relevance)
    if not fragments or not all(f in candidate.source.text for f in fragments):
        problems.append(
            Problem(
                f"theme {theme!r}: excerpt {candidate.excerpt.id} is not in its source's text "
                "and is left out; run `briefing rebuild`",
                theme,
                candidate.excerpt.id,
            )
        )
        return None
    carriers = [s for s in candidate.sources if all(f in s.text for f in fragments)]
    return _PendingQuote(fragments, carriers, candidate.excerpt.id, candidate.excerpt.text)


def _draft_summary(sections: Sequence[_PendingSection]) -> list[tuple[str, _PendingQuote]]:
    """One bullet per theme that has material: its lead quote's most relevant sentence."""
    points: list[tuple[str, _PendingQuote]] = []
    for section in sections:
        if not section.quotes:
            continue
        lead = section.quotes[0]
        sentence = best_sentence(lead.text, section.relevance)
        carriers = [s for s in lead.sources if sentence in s.text]
        points.append((section.theme.label, _PendingQuote((sentence,), carriers, "", "")))
    return points


class _Notes:
    """Numbers notes in order of appearance; a source's first note is the full one."""

    def __init__(self, sources: Iterable[Source]) -> None:
        by_surname: dict[str, set[str]] = {}
        for source in sources:
            if source.author:
                by_surname.setdefault(surname(source.author), set()).add(source.author.strip())
        self._ambiguous = {name for name, authors in by_surname.items() if len(authors) > 1}
        self.cited: list[str] = []
        self.notes: list[Note] = []

    def cite(self, quote: _PendingQuote) -> Quote:
        number = len(self.notes) + 1
        parts: list[Spans] = []
        for i, source in enumerate(quote.sources):
            last = i == len(quote.sources) - 1
            if source.id in self.cited:
                full_author = bool(source.author) and surname(source.author or "") in (
                    self._ambiguous
                )
                parts.append(short_note(source, full_author=full_author, last=last))
            else:
                self.cited.append(source.id)
                parts.append(full_note(source, last=last))
        ids = tuple(s.id for s in quote.sources)
        self.notes.append(Note(number, join_citations(parts), ids))
        return Quote(quote.fragments, number, ids, quote.excerpt_id)
