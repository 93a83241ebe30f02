"""The memo as plain data: built once from the brief, then handed to any renderer.

Nothing here knows Markdown, Typst or Word; quotes are verbatim fragments, notes are
numbered in order of appearance, and each source's first note is the full one. A claim
that several sources carry (word for word, or in their own words) is one item, cited
to all of them, with the count shown.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from briefing.memo.brief import Brief
from briefing.memo.citations import (
    Span,
    Spans,
    bibliography_entry,
    bibliography_key,
    format_date,
    full_note,
    join_citations,
    short_note,
    surname,
)
from briefing.memo.claims import Material, corroborates, most_central
from briefing.memo.problems import Problem
from briefing.memo.quotes import SentenceRelevance, cut_quote, keyword_relevance
from briefing.memo.selection import Candidate, propose
from briefing.model import Corpus, SentenceProfile, Source, Theme

WINDOW_PER_ITEM = 8  # groups sketched per wanted item: room to spread and to skip repeats
EMPTY_THEME = "No excerpt in the corpus carries this theme."
DRAFT_NOTICE = (
    "Draft: the sentence most central to each theme's quotes, drawn by briefing. "
    "Write your own summary in the brief to replace it."
)
SEE_ALSO = "; see also "


@dataclass(frozen=True)
class Header:
    title: str
    to: str
    sender: str
    date: str  # as printed in the brief's date style; empty when the brief has none
    marking: str


@dataclass(frozen=True)
class Block:
    """A paragraph, or a bulleted list, of the analyst's own prose."""

    kind: str  # "paragraph" or "bullets"
    items: tuple[str, ...]


@dataclass(frozen=True)
class Quote:
    """Verbatim fragments of one excerpt, cited by one note.

    An ellipsis goes between fragments, and before the first or after the last where the
    paragraph goes on (`cut_before`, `cut_after`). `source_ids` carry the words
    verbatim; `also_ids` report the same claim in other words. `reported_by` counts both.
    """

    fragments: tuple[str, ...]
    note: int
    source_ids: tuple[str, ...]
    excerpt_id: str
    cut_before: bool = False
    cut_after: bool = False
    also_ids: tuple[str, ...] = ()

    @property
    def reported_by(self) -> int:
        return len(self.source_ids) + len(self.also_ids)


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
    draft_notice: str = ""  # said above a drafted summary


def build_memo(
    brief: Brief,
    themes: Sequence[Theme],
    corpus: Corpus,
    *,
    sentence_relevance: SentenceRelevance | None = None,
) -> MemoDocument:
    """Select, cut, merge and cite the brief's excerpts into a memo document."""
    problems: list[Problem] = []
    known = {t.id: t for t in themes}
    sources: dict[str, Source] = {}
    used: set[str] = set()
    pending: list[_PendingSection] = []
    style = brief.date_style
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
        profiles = _profiles(corpus, candidates, entry.max_excerpts + len(entry.pinned))
        use_stored = sentence_relevance is None
        quotes: list[_PendingQuote] = []
        for candidate in candidates:
            wanted = candidate.pinned or (
                len(quotes) < entry.max_excerpts
                and not candidate.excluded
                and not used.intersection(candidate.excerpt_ids)
            )
            if candidate.excluded or (not wanted and not quotes):
                continue
            profile = profiles.get(candidate.excerpt.id)
            material = _material(candidate, theme.id, relevance, profile, use_stored)
            twin = next(
                (
                    q
                    for q in quotes
                    if q.new_sources(candidate.sources) and corroborates(q.material, material)
                ),
                None,
            )
            if twin is not None and not candidate.pinned:
                twin.add_reports(candidate.sources)
                used.update(candidate.excerpt_ids)
                continue
            if not wanted:
                continue
            quote = _quote(candidate, material, problems, theme.id)
            if quote is None:
                continue
            used.update(candidate.excerpt_ids)
            quotes.append(quote)
        for quote in quotes:
            sources.update((s.id, s) for s in [*quote.sources, *quote.also])
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

    notes = _Notes(sources.values(), style)
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
            date=format_date(brief.date, style),
            marking=brief.marking,
        ),
        summary=blocks(brief.summary),
        drafted=points,
        sections=sections,
        notes=tuple(notes.notes),
        sources=tuple(SourceEntry(s.id, bibliography_entry(s, style)) for s in cited),
        problems=tuple(problems),
        draft_notice=DRAFT_NOTICE if points else "",
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
    sources: list[Source]  # carry the fragments verbatim
    excerpt_id: str
    material: Material
    cut_before: bool = False
    cut_after: bool = False
    also: list[Source] = field(default_factory=list)  # report the claim in other words

    def new_sources(self, others: Iterable[Source]) -> bool:
        """Whether any of `others` is not yet cited for this claim (a claim repeated by
        the same source is not corroborated by it)."""
        return any(s not in self.sources and s not in self.also for s in others)

    def add_reports(self, others: Iterable[Source]) -> None:
        for source in others:
            if source not in self.sources and source not in self.also:
                if all(f in source.text for f in self.fragments):
                    self.sources.append(source)
                else:
                    self.also.append(source)


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


def _profiles(
    corpus: Corpus, candidates: Sequence[Candidate], wanted: int
) -> dict[str, SentenceProfile]:
    """The stored sentence profiles of the candidates a section may use, in one query."""
    reader = getattr(corpus, "sentence_profiles", None)
    if reader is None:
        return {}
    ids = [c.excerpt.id for c in candidates[: wanted * WINDOW_PER_ITEM]]
    found: dict[str, SentenceProfile] = reader(ids)
    return found


def _material(
    candidate: Candidate,
    theme_id: str,
    relevance: Callable[[str], float],
    profile: SentenceProfile | None,
    use_stored: bool,
) -> Material:
    """The candidate's sentences, their scores for the theme and vectors, and its cut."""
    text = candidate.excerpt.text
    stored = profile is not None and use_stored and theme_id in profile.scores
    units = list(profile.spans) if profile is not None else None
    scores = list(profile.scores[theme_id]) if stored and profile is not None else None
    cut = cut_quote(text, relevance, units, scores)
    return Material.of(text, cut, relevance, profile, scores, units)


def _quote(
    candidate: Candidate, material: Material, problems: list[Problem], theme: str
) -> _PendingQuote | None:
    """The candidate's cut, cited to every source of its group that carries it verbatim."""
    cut = material.cut
    if not cut.fragments or not all(f in candidate.source.text for f in cut.fragments):
        problems.append(
            Problem(
                f"theme {theme!r}: excerpt {candidate.excerpt.id} is not in its source's text "
                "and is left out; run `briefing rebuild`",
                theme,
                candidate.excerpt.id,
            )
        )
        return None
    carriers = [s for s in candidate.sources if all(f in s.text for f in cut.fragments)]
    others = [s for s in candidate.sources if s not in carriers]
    return _PendingQuote(
        cut.fragments,
        carriers,
        candidate.excerpt.id,
        material,
        cut.cut_before,
        cut.cut_after,
        others,
    )


def _draft_summary(sections: Sequence[_PendingSection]) -> list[tuple[str, _PendingQuote]]:
    """One bullet per theme: the sentence most central to the theme's quoted material."""
    points: list[tuple[str, _PendingQuote]] = []
    for section in sections:
        if not section.quotes:
            continue
        index, sentence = most_central([q.material for q in section.quotes])
        quote = section.quotes[index]
        carriers = [s for s in quote.sources if sentence in s.text]
        points.append(
            (section.theme.label, _PendingQuote((sentence,), carriers, "", quote.material))
        )
    return points


class _Notes:
    """Numbers notes in order of appearance; a source's first note is the full one."""

    def __init__(self, sources: Iterable[Source], style: str) -> None:
        by_surname: dict[str, set[str]] = {}
        for source in sources:
            if source.author:
                by_surname.setdefault(surname(source.author), set()).add(source.author.strip())
        self._ambiguous = {name for name, authors in by_surname.items() if len(authors) > 1}
        self._style = style
        self.cited: list[str] = []
        self.notes: list[Note] = []

    def _citations(self, sources: Sequence[Source], *, ends: bool = True) -> list[Spans]:
        parts: list[Spans] = []
        for i, source in enumerate(sources):
            last = ends and i == len(sources) - 1
            if source.id in self.cited:
                full_author = bool(source.author) and surname(source.author or "") in (
                    self._ambiguous
                )
                parts.append(short_note(source, full_author=full_author, last=last))
            else:
                self.cited.append(source.id)
                parts.append(full_note(source, last=last, style=self._style))
        return parts

    def cite(self, quote: _PendingQuote) -> Quote:
        """The quote's note: its verbatim carriers, then "see also" those in other words."""
        number = len(self.notes) + 1
        spans = join_citations(self._citations(quote.sources, ends=not quote.also))
        if quote.also:
            also = join_citations(self._citations(quote.also))
            lead = SEE_ALSO if spans else SEE_ALSO[2:].capitalize()
            spans = join_citations([(*spans, Span(lead), *also)])
        ids = tuple(s.id for s in quote.sources)
        also_ids = tuple(s.id for s in quote.also)
        self.notes.append(Note(number, spans, ids + also_ids))
        return Quote(
            quote.fragments,
            number,
            ids,
            quote.excerpt_id,
            quote.cut_before,
            quote.cut_after,
            also_ids,
        )
