"""Tags relative to the corpus, learning from decisions, and help for a sparse taxonomy.

The fixture (tests/fixtures/teaching) is a subject no development set covers (coffee
growing), with the sparse taxonomy a hurried analyst writes and hand labels.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from briefing import ids
from briefing.library import Library
from briefing.tagging import load_gold
from briefing.tagging.evaluate import draw_decisions
from briefing.workspace import Workspace, init_workspace
from tests import paths

FIXTURE = Path(__file__).parent / "fixtures" / "teaching"
GOLD = FIXTURE / "gold.yaml"
SAMPLE_GOLD = paths.GOLD


@pytest.fixture(scope="module")
def _coffee_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("coffee") / "ws"
    init_workspace(root, themes_file=FIXTURE / "themes.yaml")
    library = Library.open(Workspace(root))
    assert len(library.ingest([FIXTURE / "docs"]).added) == 5
    library.close()
    return root


@pytest.fixture
def coffee(_coffee_template: Path, tmp_path: Path) -> Library:
    target = tmp_path / "coffee"
    shutil.copytree(_coffee_template, target)
    library = Library.open(Workspace(target))
    yield library  # type: ignore[misc]
    library.close()


def _excerpt_id(library: Library, file: str, prefix: str) -> str:
    wanted = ids.canonical(prefix)
    for source in library.store.sources():
        if Path(source.file).name == file:
            for excerpt in library.store.excerpts(source.id):
                if ids.canonical(excerpt.text).startswith(wanted):
                    return excerpt.id
    raise AssertionError(f"{file}: no excerpt starts with {prefix!r}")


def _scores(library: Library) -> list[tuple[str, str, float, int]]:
    rows = library.store.db.execute(
        "SELECT excerpt_id, theme_id, score, tagged FROM scores ORDER BY 1, 2"
    ).fetchall()
    return [tuple(r) for r in rows]


def _teaching_gains(library: Library, gold_path: Path, seeds: range, tmp_path: Path) -> list[float]:
    """Per draw of decisions (4 added, 4 removed per theme): macro-F1 on the paragraphs not
    taught after the decisions, less the same before them."""
    gold = load_gold(gold_path)
    total = sum(len(a.paragraphs) for a in gold)
    gains = []
    for seed in seeds:
        decisions = draw_decisions(gold, seed, added=4, removed=4)
        taught = {(f, p) for f, p, _, _ in decisions}
        untaught = tmp_path / f"untaught-{seed}.yaml"
        kept = [
            {
                "file": a.file,
                "paragraphs": [
                    {"text": p.prefix, "themes": sorted(p.themes)}
                    for p in a.paragraphs
                    if (a.file, p.prefix) not in taught
                ],
            }
            for a in gold
        ]
        untaught.write_text(json.dumps([a for a in kept if a["paragraphs"]]), encoding="utf-8")
        library.workspace.tags_path.unlink(missing_ok=True)
        library.retag()
        before = library.evaluate(untaught).macro_f1
        for file, prefix, theme, kind in decisions:
            excerpt_id = _excerpt_id(library, file, prefix)
            library.set_manual_tag(excerpt_id, theme, "added" if kind == "add" else "removed")
        library.retag()
        report = library.evaluate(gold_path, exclude_decided=True)
        assert report.paragraphs + report.skipped == total
        assert report.skipped == len(taught)
        gains.append(round(report.macro_f1 - before, 6))
    return gains


def test_teaching_raises_f1_on_the_paragraphs_not_taught(coffee: Library, tmp_path: Path) -> None:
    """A sparse taxonomy (keywords that find little) learns from the analyst's examples, and
    no draw of decisions leaves the paragraphs not taught worse off than before. Draws 13-16
    are those where examples scored by a prototype they helped build used to lose (the full
    20 draws are in bench/teach.py)."""
    gains = _teaching_gains(coffee, GOLD, range(13, 17), tmp_path)
    assert sum(gains) / len(gains) >= 0.2, gains
    assert min(gains) >= 0.0, gains


def test_teaching_does_not_unsettle_themes_the_keywords_cover(
    sample_library: Library, tmp_path: Path
) -> None:
    """On the sample, whose keywords find nearly every paragraph of a theme, a few decisions
    must not reshape the themes and lose what the keywords found. Draws 7 and 13 are two
    where the decisions used to reshape a theme and lose a paragraph the keywords had right.
    (Not every draw is spared: on 2 of 20, two india-reaction paragraphs no keyword finds
    are drawn, and sit below non-theme ones; taken as a sample of the theme they say that
    the keywords miss half of it, and the cut moves down over those. bench/teach.py.)"""
    gains = _teaching_gains(sample_library, SAMPLE_GOLD, range(7, 8), tmp_path)
    gains += _teaching_gains(sample_library, SAMPLE_GOLD, range(13, 14), tmp_path)
    assert min(gains) >= 0.0, gains


def test_paragraphs_ranked_among_the_ones_taught_are_tagged_too(coffee: Library) -> None:
    """weather-harvest's keywords (frost, drought, harvest...) find three paragraphs, and
    nothing else on the fixture sits as close to the theme as they do, so the tagger adds
    none by meaning. The analyst confirms one the keywords found and adds two weather
    paragraphs no keyword matches, one close to the theme and one far from it. Read as a
    sample of the theme, they say the keywords miss about half of it: the weather
    paragraphs that rank above the far one ("The cold came on top of the worst dry
    spell...", "A heavy downpour...") are tagged too, by meaning, and their explanation
    says the analyst's paragraphs brought the theme that far. (Counting the excerpts
    passed over by how sure the tagger was of each, as it once did, left them all out: it
    was sure of none.)"""
    gold = load_gold(GOLD)
    prefixes = {p.prefix[:30]: (a.file, p.prefix) for a in gold for p in a.paragraphs}

    def excerpt(start: str) -> str:
        (key,) = [k for k in prefixes if k.startswith(start)]
        return _excerpt_id(coffee, *prefixes[key])

    between = [excerpt("The cold came on top of"), excerpt("Much of that depends on")]
    assert not any("weather-harvest" in coffee.store.themes_of([e])[e] for e in between)
    confirmed = excerpt("A rare frost swept across")
    assert "weather-harvest" in coffee.store.themes_of([confirmed])[confirmed]  # by keywords
    for start in ("A rare frost swept across", "Growers woke to blackened", "The hot, dry months"):
        coffee.set_manual_tag(excerpt(start), "weather-harvest", "added")
    coffee.retag()
    for excerpt_id in between:
        assert "weather-harvest" in coffee.store.themes_of([excerpt_id])[excerpt_id]
        (score,) = [s for s in coffee.explain(excerpt_id)[1] if s.theme_id == "weather-harvest"]
        assert score.tagged and score.explanation.basis == "meaning"
        assert "because of the paragraphs you added" in score.explanation.note


def test_paragraphs_the_analyst_passed_over_stay_untagged(coffee: Library) -> None:
    """An analyst who adds only paragraphs the tagger missed (as a review of suggestions
    does) says nothing of how much it missed, and nor does a pin in the brief (chosen from
    what the theme already tags): their examples count for themselves, and the paragraphs
    ranked between them that they passed over are not tagged on their account. Here the
    two weather paragraphs added sit among four other paragraphs, two of them not about the
    weather (durian farms, women sorting beans), and the frost paragraph is pinned."""
    gold = load_gold(GOLD)
    prefixes = {p.prefix[:30]: (a.file, p.prefix) for a in gold for p in a.paragraphs}

    def excerpt(start: str) -> str:
        (key,) = [k for k in prefixes if k.startswith(start)]
        return _excerpt_id(coffee, *prefixes[key])

    passed_over = [
        excerpt("In the Central Highlands, farm"),
        excerpt("Women do most of the sorting"),
    ]
    brief = coffee.load_brief()
    pinned = coffee.store.excerpt(excerpt("A rare frost swept across"))
    assert pinned is not None
    brief.ensure_theme("weather-harvest").pin(pinned)
    coffee.save_brief(brief)
    for start in ("Growers woke to blackened", "The hot, dry months"):
        coffee.set_manual_tag(excerpt(start), "weather-harvest", "added")
    coffee.retag()
    for excerpt_id in passed_over:
        assert "weather-harvest" not in coffee.store.themes_of([excerpt_id])[excerpt_id]


def test_tags_do_not_depend_on_the_order_or_batching_of_ingests(
    coffee: Library, tmp_path: Path
) -> None:
    root = tmp_path / "one-by-one"
    init_workspace(root, themes_file=FIXTURE / "themes.yaml")
    other = Library.open(Workspace(root))
    for doc in sorted((FIXTURE / "docs").iterdir(), reverse=True):
        other.ingest([doc])
    assert _scores(other) == _scores(coffee)
    assert any(tagged for *_, tagged in _scores(coffee))
    other.close()
    rebuilt = Library.open(Workspace(root), rebuild=True)
    assert _scores(rebuilt) == _scores(coffee)
    rebuilt.close()


def test_a_decision_is_learned_from_and_still_wins(coffee: Library) -> None:
    """Adding a theme by hand to a paragraph no keyword matches tags it, and a paragraph
    removed by hand stays removed whatever the tagger thinks."""
    gold = load_gold(GOLD)
    labour = [(a.file, p.prefix) for a in gold for p in a.paragraphs if "farm-labour" in p.themes]
    first = _excerpt_id(coffee, *labour[0])
    coffee.set_manual_tag(first, "farm-labour", "removed")
    taught = [_excerpt_id(coffee, *x) for x in labour[1:3]]
    for excerpt_id in taught:
        coffee.set_manual_tag(excerpt_id, "farm-labour", "added")
    coffee.retag()
    assert "farm-labour" not in coffee.store.themes_of([first])[first]
    excerpt, scores = coffee.explain(taught[0])
    (labour_score,) = [s for s in scores if s.theme_id == "farm-labour"]
    assert labour_score.explanation.manual == "added"
    # Another labour paragraph that no keyword matches, tagged by what was taught:
    others = [_excerpt_id(coffee, *x) for x in labour[3:]]
    explained = [coffee.explain(i)[1] for i in others]
    learned = [
        s
        for scores in explained
        for s in scores
        if s.theme_id == "farm-labour" and s.tagged and s.explanation.basis == "meaning"
    ]
    assert learned
    assert "you tagged" in learned[0].explanation.note


def test_explanations_say_which_part_decided(coffee: Library) -> None:
    notes = set()
    for excerpt in coffee.store.excerpts():
        _, scores = coffee.explain(excerpt.id)
        for s in scores:
            if s.tagged:
                assert s.explanation.basis in {"keywords", "meaning"}
                notes.add(s.explanation.note.split(":")[0].split(" (")[0])
    assert "keywords" in notes
    assert any(n.startswith("close in meaning") for n in notes)


def test_suggestions_name_words_the_keywords_miss(coffee: Library) -> None:
    found = {s.theme_id: s for s in coffee.suggest()}
    assert set(found) == {"weather-harvest", "prices-markets", "farm-labour"}
    keywords = {k.lower() for t in coffee.themes for k in t.keywords}
    for s in found.values():
        assert s.reach.closest >= 10
        assert not {p for p, _ in s.phrases} & keywords
        for excerpt_id, _ in s.excerpts:
            scores = coffee.explain(excerpt_id)[1]
            (mine,) = [x for x in scores if x.theme_id == s.theme_id]
            assert not mine.explanation.phrases  # no keyword matches it
    # farm-labour's keywords (pickers, wages, ...) match almost none of what is about it.
    assert found["farm-labour"].reach.share < 0.5
    assert coffee.keyword_reach()["farm-labour"][0] < 5


def test_a_pin_in_the_brief_is_a_positive_example_and_an_exclusion_is_not(
    coffee: Library,
) -> None:
    excerpts = coffee.store.excerpts()
    pinned, excluded = excerpts[3], excerpts[4]
    brief = coffee.load_brief()
    entry = brief.ensure_theme("farm-labour")
    entry.pin(pinned)
    entry.exclude(excluded)
    coffee.save_brief(brief)
    tags = coffee._corpus_tags()
    t = [theme.id for theme in coffee.themes].index("farm-labour")
    assert tags.examples[t].added == {tags.row_of[pinned.id]}
    assert not tags.examples[t].removed


def test_a_decision_changes_only_its_theme_and_matches_a_rebuild(
    coffee: Library, tmp_path: Path
) -> None:
    """A decision re-tags only the theme it touches: the other themes' rows and their memo
    stay byte for byte what they were, and what it leaves is what a rebuild from the
    workspace's files (every theme calibrated from scratch) gives."""
    from briefing.memo.brief import Brief

    gold = load_gold(GOLD)
    labour = [(a.file, p.prefix) for a in gold for p in a.paragraphs if "farm-labour" in p.themes]
    others = [t.id for t in coffee.themes if t.id != "farm-labour"]
    brief = coffee.load_brief()
    others_brief = Brief(title=brief.title, themes=[t for t in brief.themes if t.id in others])

    def other_rows() -> list[tuple[str, str, float, int]]:
        return [row for row in _scores(coffee) if row[1] != "farm-labour"]

    def others_memo() -> bytes:
        return coffee.render_document(coffee.build_memo(others_brief), "md")

    rows_before, memo_before, all_before = other_rows(), others_memo(), _scores(coffee)
    for prefix in labour[:2]:
        coffee.set_manual_tag(_excerpt_id(coffee, *prefix), "farm-labour", "added")
    coffee.retag()
    assert _scores(coffee) != all_before  # the taught theme did change
    assert other_rows() == rows_before
    assert others_memo() == memo_before
    copy = tmp_path / "copy"
    shutil.copytree(coffee.workspace.root, copy)
    rebuilt = Library.open(Workspace(copy), rebuild=True)
    try:
        assert _scores(rebuilt) == _scores(coffee)
    finally:
        rebuilt.close()


def test_vectors_mapped_from_a_file_tag_exactly_as_vectors_held(
    coffee: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A large corpus's vectors are read from a mapped file block by block (memory stays
    flat): the matrix kept beside the store, or a spill file while the store is read.
    Forced on this small one, tags, scores and explanations are the same."""
    from briefing.tagging import corpus

    taught = coffee.store.excerpts()[3]
    coffee.set_manual_tag(taught.id, coffee.themes[0].id, "added")
    _forget_matrix(coffee)
    held = coffee._corpus_tags()  # read from the store, the vectors held
    monkeypatch.setattr(corpus, "SPILL_BYTES", 0)
    kept = coffee._corpus_tags()  # the matrix that read kept, mapped
    _forget_matrix(coffee)
    spilled = coffee._corpus_tags()  # read from the store through a spill file
    some = coffee.store.excerpts()[:5]
    for mapped in (kept, spilled):
        assert isinstance(mapped.corpus.vectors, corpus.PagedVectors)
        assert list(mapped.rows(0.0)) == list(held.rows(0.0))
        assert [mapped.explain(e.id) for e in some] == [held.explain(e.id) for e in some]


def _forget_matrix(library: Library) -> None:
    """Remove the corpus matrix kept beside the store: the next tagging reads the store."""
    for kept in library.workspace.db_path.parent.glob("matrix-*"):
        shutil.rmtree(kept)


def test_an_example_left_out_scores_as_if_the_prototype_never_saw_it() -> None:
    """The closed form of `Prototype.score_left_out` equals fitting without the example."""
    import numpy as np

    from briefing.tagging.calibrate import CorpusMatrix, centred
    from briefing.tagging.learn import Examples, Prototype

    rng = np.random.default_rng(7)
    rows = 40
    vectors = rng.normal(size=(rows, 16)).astype(np.float16)
    corpus = CorpusMatrix(
        [f"{i:04d}" for i in range(rows)],
        np.arange(rows) // 4,
        np.arange(rows) % 4,
        vectors,
        np.ones(rows, dtype=bool),
    )
    mean, norms = centred(corpus)
    theme = rng.normal(size=16).astype(np.float32)
    none = np.zeros(rows, dtype=bool)
    for examples in ([1, 5, 9, 30], [30]):
        chosen = np.zeros(rows, dtype=bool)
        chosen[examples] = True
        fitted = Prototype(1.0).fit(corpus, mean, norms, theme, chosen, none, Examples({30}))
        left = fitted.score_left_out(corpus, mean, norms, examples)
        for r in examples:
            without = chosen.copy()
            without[r] = False
            alone = Prototype(1.0).fit(
                corpus, mean, norms, theme, without, none, Examples({30} - {r})
            )
            assert abs(float(left[r]) - float(alone.score(corpus, mean, norms)[r])) < 1e-5
        others = [r for r in range(rows) if r not in examples]
        assert np.array_equal(left[others], fitted.score(corpus, mean, norms)[others])
