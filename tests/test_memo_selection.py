"""Selection, quotes and citations: merged duplicates, spread, stale pins, verbatim cuts."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "memo"))

from memo_corpus import MemoryCorpus  # noqa: E402

from briefing.memo import Brief, BriefTheme, ExcerptRef, build_memo  # noqa: E402
from briefing.memo.citations import (  # noqa: E402
    bibliography_entry,
    full_note,
    plain,
    short_note,
    short_title,
)
from briefing.memo.quotes import cut_quote, keyword_relevance, split_sentences  # noqa: E402
from briefing.memo.selection import reads_as_heading  # noqa: E402
from briefing.model import Source, Theme  # noqa: E402

THEME = Theme("t", "Trade", keywords=("tariff", "export"))
WIRE = "Officials said the tariff on steel exports would rise to 25 percent next month."


def _brief(**theme: object) -> Brief:
    return Brief(title="Memo", summary="Ours.", themes=[BriefTheme("t", **theme)])  # type: ignore[arg-type]


def _corpus_with_wire_copy() -> MemoryCorpus:
    corpus = MemoryCorpus()
    corpus.add_source(
        [WIRE], title="Steel tariff", author="Ann Lee", outlet="Wire", tags=[[("t", 0.9)]]
    )
    corpus.add_source(
        ["Background first.", WIRE], title="Copy", outlet="Daily", tags=[[], [("t", 0.9)]]
    )
    corpus.add_source(["Exports of cars fell."], title="Cars", tags=[[("t", 0.5)]])
    return corpus


def test_near_duplicates_are_one_quote_cited_to_every_source() -> None:
    corpus = _corpus_with_wire_copy()
    doc = build_memo(_brief(), [THEME], corpus)
    quotes = doc.sections[0].quotes
    assert len(quotes) == 2
    assert quotes[0].fragments == (WIRE,) and len(quotes[0].source_ids) == 2
    note = plain(doc.notes[0].spans)
    assert note == "Ann Lee, “Steel tariff,” Wire; “Copy,” Daily."


def test_near_duplicate_with_small_change_is_merged_but_cites_only_verbatim_carriers() -> None:
    corpus = MemoryCorpus()
    corpus.add_source([WIRE], title="A", tags=[[("t", 0.9)]])
    corpus.add_source([WIRE.replace("next month", "next month, officials said")], title="B",
                      tags=[[("t", 0.8)]])  # fmt: skip
    doc = build_memo(_brief(), [THEME], corpus)
    quotes = doc.sections[0].quotes
    assert len(quotes) == 1  # one quote, not the same sentence twice
    assert len(quotes[0].source_ids) == 1  # B does not carry A's wording verbatim


def test_sources_are_spread() -> None:
    corpus = MemoryCorpus()
    corpus.add_source(
        [f"Tariff point {i} about exports and tariffs." for i in range(6)],
        title="Prolific",
        tags=[[("t", 0.9 - i * 0.01)] for i in range(6)],
    )
    corpus.add_source(["A tariff view from elsewhere."], title="Other", tags=[[("t", 0.6)]])
    corpus.add_source(["A third tariff view."], title="Third", tags=[[("t", 0.55)]])
    doc = build_memo(_brief(max_excerpts=4), [THEME], corpus)
    cited = [q.source_ids[0] for q in doc.sections[0].quotes]
    assert len(cited) == 4 and len(set(cited)) == 3


def test_empty_theme_says_so() -> None:
    corpus = _corpus_with_wire_copy()
    other = Theme("none", "Nothing here")
    brief = Brief(title="M", summary="x", themes=[BriefTheme("none")])
    doc = build_memo(brief, [THEME, other], corpus)
    assert doc.sections[0].quotes == () and "No excerpt" in doc.sections[0].empty


def test_unknown_theme_in_brief_is_reported() -> None:
    brief = Brief(title="M", summary="x", themes=[BriefTheme("gone")])
    doc = build_memo(brief, [THEME], _corpus_with_wire_copy())
    assert doc.sections == () and "gone" in doc.problems[0].message


def test_pinned_first_and_excluded_left_out() -> None:
    corpus = _corpus_with_wire_copy()
    cars = next(e for e in corpus.excerpts.values() if e.text.startswith("Exports"))
    wire = next(e for e in corpus.excerpts.values() if e.text == WIRE)
    doc = build_memo(_brief(pinned=[ExcerptRef.of(cars)]), [THEME], corpus)
    assert doc.sections[0].quotes[0].excerpt_id == cars.id
    doc = build_memo(_brief(excluded=[ExcerptRef.of(wire)]), [THEME], corpus)
    assert [q.excerpt_id for q in doc.sections[0].quotes] == [cars.id]


def test_stale_pin_found_by_text_or_reported() -> None:
    corpus = _corpus_with_wire_copy()
    cars = next(e for e in corpus.excerpts.values() if e.text.startswith("Exports"))
    stale = ExcerptRef("old-id", "Exports of cars  fell.")
    doc = build_memo(_brief(pinned=[stale]), [THEME], corpus)
    assert doc.sections[0].quotes[0].excerpt_id == cars.id
    assert any("found again by its text" in p.message for p in doc.problems)

    corpus.remove_excerpt(cars.id)
    doc = build_memo(_brief(pinned=[stale]), [THEME], corpus)
    lost = [p for p in doc.problems if p.excerpt_id == "old-id"]
    assert lost and "no longer in the corpus" in lost[0].message
    assert "Exports of cars" in lost[0].message


LONG = (
    "The minister arrived on Tuesday. He met the press in the morning. "
    "Officials confirmed a new tariff on exports of steel. Gen. Smith said the talks went well "
    "and that there were many other matters, including weather, football, and the price of tea "
    "in the capital, which has been rising for years. The weather was mild. Markets were calm "
    "throughout the week and nobody expected anything unusual at all from the meetings that "
    "were held. Later, the tariff was described as temporary by the export council."
)


def test_long_quote_is_cut_to_relevant_verbatim_sentences() -> None:
    cut = cut_quote(LONG, keyword_relevance(THEME))
    assert len(cut.fragments) == 1 and cut.fragments[0] in LONG
    assert cut.fragments[0].startswith("Officials confirmed a new tariff")
    assert 20 <= cut.words <= 50
    assert cut.cut_before and cut.cut_after  # the paragraph goes on both sides
    assert "Gen. Smith said" in " ".join(t for t in (LONG[a:b] for a, b in split_sentences(LONG)))


def test_cut_quote_in_memo_stays_verbatim_with_ellipses() -> None:
    corpus = MemoryCorpus()
    source = corpus.add_source([LONG], title="Long", tags=[[("t", 0.9)]])
    doc = build_memo(_brief(), [THEME], corpus)
    quote = doc.sections[0].quotes[0]
    assert quote.cut_before and quote.cut_after
    assert all(f in source.text for f in quote.fragments)


def test_a_pronoun_speaker_pulls_in_the_sentence_that_names_them() -> None:
    text = (
        "Jane Doe, the trade minister, spoke to reporters in the capital. "
        "The hall was full and the mood was calm. "
        "The tariff will double next year and exports will fall sharply, she said, "
        "adding that talks would go on for several more weeks."
    )
    cut = cut_quote(text, keyword_relevance(THEME))
    assert cut.fragments == (text,) and not cut.cut_before


def test_a_cut_never_splits_a_quotation_of_the_source() -> None:
    text = (
        "The envoy spoke at length about the trade relationship between the two countries. "
        "“We will not accept this. The tariff is unfair to our exporters,” he told them. "
        "Nobody in the room disagreed with any of that, and the meeting ended early."
    )
    cut = cut_quote(text, keyword_relevance(THEME))
    quoted = cut.fragments[0]
    assert quoted.count("“") == quoted.count("”") == 1
    assert quoted.startswith("“We will not accept this.")
    # a paragraph that leaves a quotation open keeps it open, as the source has it
    open_text = "He went on. “The tariff stays. Exports will suffer for years to come, and more."
    cut = cut_quote(open_text, keyword_relevance(THEME))
    assert cut.fragments[0].endswith("and more.") and not cut.cut_after


def test_custom_sentence_relevance() -> None:
    corpus = MemoryCorpus()
    corpus.add_source([LONG], title="Long", tags=[[("t", 0.9)]])
    doc = build_memo(
        _brief(), [THEME], corpus, sentence_relevance=lambda _t, s: float("weather" in s)
    )
    fragments = doc.sections[0].quotes[0].fragments
    assert len(fragments) == 1 and fragments[0].startswith("Gen. Smith")
    assert fragments[0].endswith("The weather was mild.") and "tariff" not in fragments[0]


def test_drafted_summary_cites_each_theme() -> None:
    corpus = _corpus_with_wire_copy()
    doc = build_memo(Brief(title="M", themes=[BriefTheme("t")]), [THEME], corpus)
    assert len(doc.drafted) == 1 and doc.drafted[0].label == "Trade"
    sentence = doc.drafted[0].quote.fragments[0]
    assert sentence == WIRE and doc.drafted[0].quote.note == 1
    assert any("no summary" in p.message for p in doc.problems)


def _source(**fields: str | None) -> Source:
    return Source(id="s", file="f.txt", text="", **fields)


def test_chicago_full_short_and_bibliography() -> None:
    full = _source(
        title="New Era in Russia-Pakistan Relations?",
        author="Sudha Ramachandran",
        outlet="The Diplomat",
        date="2014-12-03",
    )
    assert plain(full_note(full)) == (
        "Sudha Ramachandran, “New Era in Russia-Pakistan Relations?” The Diplomat, "
        "December 3, 2014."
    )
    assert [s.italic for s in full_note(full)] == [False, True, False]
    assert plain(short_note(full)) == "Ramachandran, “New Era in Russia-Pakistan.”"
    assert plain(bibliography_entry(full)) == (
        "Ramachandran, Sudha. “New Era in Russia-Pakistan Relations?” The Diplomat, "
        "December 3, 2014."
    )


def test_missing_fields_are_left_out_not_invented() -> None:
    no_author = _source(title="Accord Signals Shift", outlet="World Politics Review")
    assert plain(full_note(no_author)) == "“Accord Signals Shift,” World Politics Review."
    assert plain(short_note(no_author)) == "“Accord Signals Shift.”"
    assert plain(bibliography_entry(no_author)) == "“Accord Signals Shift.” World Politics Review."
    no_outlet = _source(title="A Title", author="Jo Bloggs")
    assert plain(full_note(no_outlet)) == "Jo Bloggs, “A Title.”"
    assert plain(bibliography_entry(no_outlet)) == "Bloggs, Jo. “A Title.”"
    no_date = _source(title="T", author="Jo Bloggs", outlet="O")
    assert "20" not in plain(full_note(no_date))
    bare = _source()
    assert plain(full_note(bare)) == "f.txt."


def test_short_title() -> None:
    assert short_title("The Long Road: Pakistan and Russia") == "Long Road"
    assert short_title("Russia Signs Military Pact with Pakistan") == "Russia Signs Military Pact"
    assert short_title("Resurgence of Pak-Russia Relationship in the Regional Context") == (
        "Resurgence of Pak-Russia Relationship"
    )


def test_subheadings_and_list_labels_are_not_chosen_as_quotes_unless_pinned() -> None:
    corpus = MemoryCorpus()
    corpus.add_source(
        ["Tariff rates surge", "- 24 July 2015", WIRE],
        title="Steel", outlet="Wire", tags=[[("t", 0.95)], [("t", 0.9)], [("t", 0.6)]],
    )  # fmt: skip
    heading = next(e for e in corpus.excerpts.values() if e.text == "Tariff rates surge")
    wire = next(e for e in corpus.excerpts.values() if e.text == WIRE)
    memo = build_memo(_brief(), [THEME], corpus)
    assert [q.excerpt_id for q in memo.sections[0].quotes] == [wire.id]
    memo = build_memo(_brief(pinned=[ExcerptRef.of(heading)]), [THEME], corpus)
    assert [q.excerpt_id for q in memo.sections[0].quotes] == [heading.id, wire.id]


def test_a_heading_is_told_from_a_sentence_by_its_shape_in_any_script() -> None:
    headings = ["Slot rates surge", "Neopanamax vessels", "- 24 July 2015", "What comes next:",
                "Le marché du gaz", "Was jetzt kommt", "人工智能迈上新台阶"]  # fmt: skip
    sentences = [WIRE, "Prices rose.", "Will it last?", "“We will pay,” he said.",
                 "Il a dit « non ».", "Das ist gut.", "价格上涨了。", "Prices rose (sharply).",
                 "A long line that ends without any stop but runs on for well over ten words "
                 "of text"]  # fmt: skip
    sentences.append("Port | Open days\nNorth quay | 212")  # a table: data, not a heading
    assert [h for h in headings if not reads_as_heading(h)] == []
    assert [s for s in sentences if reads_as_heading(s)] == []


def test_a_list_items_bullet_or_number_is_not_quoted() -> None:
    for item in ["- Spot cargoes rose sharply in March.", "• Spot cargoes rose sharply in March.",
                 "2. Spot cargoes rose sharply in March."]:  # fmt: skip
        cut = cut_quote(item, lambda sentence: 1.0)
        assert cut.fragments == ("Spot cargoes rose sharply in March.",)
        assert not cut.cut_before
    assert cut_quote("-5 degrees were measured.", lambda s: 1.0).fragments == (
        "-5 degrees were measured.",
    )
