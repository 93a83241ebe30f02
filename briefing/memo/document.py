"""The memo as plain data: built once from the brief, then handed to any renderer.

Nothing here knows Markdown, Typst or Word; quotes are verbatim fragments, notes are
numbered in order of appearance, and each source's first note is the full one. A claim
that several sources carry (word for word, or in their own words) is one item, cited
to all of them, with the count shown.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from briefing.memo.brief import Brief, BriefTheme
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
    cache: SectionCache | None = None,
) -> MemoDocument:
    """Select, cut, merge and cite the brief's excerpts into a memo document.

    With a `cache` (kept while the corpus does not change), a theme whose entry and
    whose already-quoted neighbours are as before reuses its selection: the app rebuilds
    the memo on every key, and a key changes one theme. Notes are numbered afresh on
    every build, so the document is the same as one built without the cache.
    """
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
        use_stored = sentence_relevance is None
        if cache is not None and use_stored:
            proposal = cache.proposal(theme, entry, corpus, relevance)
            quotes, taken, found = cache.section(proposal, used)
        else:
            proposal = _propose(theme, entry, corpus, relevance, use_stored)
            quotes, taken, found = _select_quotes(proposal, used)
        problems.extend(proposal.problems)
        problems.extend(found)
        used.update(taken)
        for quote in quotes:
            sources.update((s.id, s) for s in [*quote.sources, *quote.also])
        pending.append(_PendingSection(theme, entry.comment, list(quotes), relevance))

    drafted: list[tuple[str, _PendingQuote]] = []
    if not brief.summary.strip():
        drafted = _draft_summary(pending, cache)
        problems.append(
            Problem(
                "the brief has no summary; a draft quoting the sources is used",
                severity="note",
            )
        )

    notes = _Notes(sources.values(), style, cache)
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
        sources=tuple(SourceEntry(s.id, _entry(s, style, cache)) for s in cited),
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


@dataclass
class _Proposal:
    """A theme's candidates for one entry of the brief, and what each would quote."""

    theme_id: str
    max_excerpts: int
    candidates: list[Candidate]
    profiles: dict[str, SentenceProfile]
    relevance: Callable[[str], float] = field(repr=False)
    use_stored: bool
    problems: tuple[Problem, ...]
    excerpt_ids: frozenset[str]  # of every candidate's group: what `used` can touch
    materials: dict[str, Material] = field(default_factory=dict)

    def material(self, candidate: Candidate) -> Material:
        found = self.materials.get(candidate.excerpt.id)
        if found is None:
            profile = self.profiles.get(candidate.excerpt.id)
            found = _material(candidate, self.theme_id, self.relevance, profile, self.use_stored)
            self.materials[candidate.excerpt.id] = found
        return found


def _propose(
    theme: Theme,
    entry: BriefTheme,
    corpus: Corpus,
    relevance: Callable[[str], float],
    use_stored: bool,
) -> _Proposal:
    problems: list[Problem] = []
    window = max(entry.max_excerpts, len(entry.pinned)) * WINDOW_PER_ITEM
    candidates = propose(theme.id, entry, corpus, limit=window, problems=problems)
    profiles = _profiles(corpus, candidates, entry.max_excerpts + len(entry.pinned))
    ids = frozenset(i for c in candidates for i in c.excerpt_ids)
    return _Proposal(
        theme.id,
        entry.max_excerpts,
        candidates,
        profiles,
        relevance,
        use_stored,
        tuple(problems),
        ids,
    )


def _select_quotes(proposal: _Proposal, used: set[str] | frozenset[str]) -> _Selected:
    """The section's quotes, the excerpts they take, and what went wrong; `used` holds
    the excerpts earlier sections quote (not quoted twice, unless pinned)."""
    problems: list[Problem] = []
    taken: set[str] = set()
    quotes: list[_PendingQuote] = []
    for candidate in proposal.candidates:
        wanted = candidate.pinned or (
            len(quotes) < proposal.max_excerpts
            and not candidate.excluded
            and candidate.quotable
            and not used.intersection(candidate.excerpt_ids)
            and not taken.intersection(candidate.excerpt_ids)
        )
        if candidate.excluded or (not wanted and not quotes):
            continue
        material = proposal.material(candidate)
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
            taken.update(candidate.excerpt_ids)
            continue
        if not wanted:
            continue
        quote = _quote(candidate, material, problems, proposal.theme_id)
        if quote is None:
            continue
        taken.update(candidate.excerpt_ids)
        quotes.append(quote)
    return tuple(quotes), frozenset(taken), tuple(problems)


def _entry_key(entry: BriefTheme) -> tuple[object, ...]:
    """What of a brief's theme entry its selection depends on (not the comment)."""
    return (
        entry.id,
        tuple((r.id, r.text) for r in entry.pinned),
        tuple((r.id, r.text) for r in entry.excluded),
        entry.max_excerpts,
    )


_Selected = tuple[tuple["_PendingQuote", ...], frozenset[str], tuple[Problem, ...]]


class SectionCache:
    """Each theme's selection, kept between builds of the memo on one unchanged corpus.

    Drop it whenever the corpus or its tags change (the library that holds it is
    replaced then). A section is reused when its theme, its entry's pins, exclusions
    and count, and the excerpts earlier sections quote among its candidates are the
    same; its notes are numbered again on every build.
    """

    KEPT = 256  # selections kept: a few dozen themes, each in a few states (undo)

    def __init__(self) -> None:
        self._proposals: OrderedDict[tuple[object, ...], _Proposal] = OrderedDict()
        # a selection, and the proposal it was made from (its id is part of the key)
        self._sections: OrderedDict[tuple[object, ...], tuple[Any, ...]] = OrderedDict()
        self._spans: dict[tuple[Any, ...], Spans] = {}
        self._central: OrderedDict[tuple[int, ...], tuple[Any, ...]] = OrderedDict()
        self._lock = threading.Lock()

    def proposal(
        self,
        theme: Theme,
        entry: BriefTheme,
        corpus: Corpus,
        relevance: Callable[[str], float],
    ) -> _Proposal:
        key = (theme, _entry_key(entry))
        with self._lock:
            found = self._proposals.get(key)
            if found is not None:
                self._proposals.move_to_end(key)
                return found
        found = _propose(theme, entry, corpus, relevance, True)
        with self._lock:
            _keep(self._proposals, key, found, self.KEPT)
        return found

    def spans(self, key: tuple[Any, ...], draw: Callable[[], Spans]) -> Spans:
        """A source's note or bibliography entry: drawn once per corpus."""
        found = self._spans.get(key)
        if found is None:
            found = self._spans[key] = draw()
        return found

    def central(self, materials: list[Material]) -> tuple[int, str]:
        """`most_central` of a section's quoted material (the cached materials are kept
        alive by the proposals, so their ids name them)."""
        key = tuple(id(m) for m in materials)
        found = self._central.get(key)
        if found is None or any(a is not b for a, b in zip(found[0], materials, strict=True)):
            found = (tuple(materials), most_central(materials))
            _keep(self._central, key, found, self.KEPT)
        return found[1]

    def section(self, proposal: _Proposal, used: set[str]) -> _Selected:
        key = (id(proposal), frozenset(used.intersection(proposal.excerpt_ids)))
        with self._lock:
            found = self._sections.get(key)
            if found is not None and found[3] is proposal:
                self._sections.move_to_end(key)
                return found[0], found[1], found[2]
        quotes, taken, problems = _select_quotes(proposal, used)
        with self._lock:
            _keep(self._sections, key, (quotes, taken, problems, proposal), self.KEPT)
        return quotes, taken, problems


def _keep(store: OrderedDict[Any, Any], key: object, value: object, size: int) -> None:
    store[key] = value
    store.move_to_end(key)
    while len(store) > size:
        store.popitem(last=False)


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


def _entry(source: Source, style: str, cache: SectionCache | None) -> Spans:
    if cache is None:
        return bibliography_entry(source, style)
    return cache.spans(("entry", source.id, style), lambda: bibliography_entry(source, style))


def _draft_summary(
    sections: Sequence[_PendingSection], cache: SectionCache | None = None
) -> list[tuple[str, _PendingQuote]]:
    """One bullet per theme: the sentence most central to the theme's quoted material."""
    points: list[tuple[str, _PendingQuote]] = []
    for section in sections:
        if not section.quotes:
            continue
        materials = [q.material for q in section.quotes]
        if cache is None:
            index, sentence = most_central(materials)
        else:
            index, sentence = cache.central(materials)
        quote = section.quotes[index]
        carriers = [s for s in quote.sources if sentence in s.text]
        points.append(
            (section.theme.label, _PendingQuote((sentence,), carriers, "", quote.material))
        )
    return points


class _Notes:
    """Numbers notes in order of appearance; a source's first note is the full one."""

    def __init__(
        self, sources: Iterable[Source], style: str, cache: SectionCache | None = None
    ) -> None:
        self._cache = cache
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
                parts.append(
                    self._kept(("short", source.id, full_author, last), short_note, source)
                    if self._cache is not None
                    else short_note(source, full_author=full_author, last=last)
                )
            else:
                self.cited.append(source.id)
                parts.append(
                    self._kept(("full", source.id, last, self._style), full_note, source)
                    if self._cache is not None
                    else full_note(source, last=last, style=self._style)
                )
        return parts

    def _kept(self, key: tuple[Any, ...], draw: Callable[..., Spans], source: Source) -> Spans:
        assert self._cache is not None
        if key[0] == "short":
            return self._cache.spans(key, lambda: draw(source, full_author=key[2], last=key[3]))
        return self._cache.spans(key, lambda: draw(source, last=key[2], style=key[3]))

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
