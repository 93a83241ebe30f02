"""Tags relative to the corpus, learning from decisions, and help for a sparse taxonomy.

The fixture (tests/fixtures/teaching) is a subject no development set covers (coffee
growing), with the sparse taxonomy a hurried analyst writes and hand labels.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from briefing import ids
from briefing.library import Library
from briefing.tagging import load_gold
from briefing.tagging.evaluate import draw_decisions
from briefing.workspace import Workspace, init_workspace

FIXTURE = Path(__file__).parent / "fixtures" / "teaching"
GOLD = FIXTURE / "gold.yaml"


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


def test_teaching_raises_f1_on_the_paragraphs_not_taught(coffee: Library, tmp_path: Path) -> None:
    gold = load_gold(GOLD)
    gains = []
    for seed in range(3):
        decisions = draw_decisions(gold, seed, added=4, removed=4)
        taught = {(f, p) for f, p, _, _ in decisions}
        untaught = tmp_path / f"untaught-{seed}.yaml"
        untaught.write_text(
            "".join(
                f"- file: {a.file!r}\n  paragraphs:\n"
                + "".join(
                    f"    - text: {p.prefix!r}\n      themes: [{', '.join(sorted(p.themes))}]\n"
                    for p in a.paragraphs
                    if (a.file, p.prefix) not in taught
                )
                for a in gold
            ),
            encoding="utf-8",
        )
        coffee.workspace.tags_path.unlink(missing_ok=True)
        coffee.retag()
        before = coffee.evaluate(untaught).macro_f1
        for file, prefix, theme, kind in decisions:
            excerpt_id = _excerpt_id(coffee, file, prefix)
            coffee.set_manual_tag(excerpt_id, theme, "added" if kind == "add" else "removed")
        coffee.retag()
        report = coffee.evaluate(GOLD, exclude_decided=True)
        assert report.paragraphs + report.skipped == 30
        assert report.skipped == len(taught)
        gains.append(report.macro_f1 - before)
    assert sum(gains) / len(gains) >= 0.05, gains


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
