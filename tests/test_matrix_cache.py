"""The corpus matrix kept beside the store (tagging.matrixcache): a decision's re-tag reads
it instead of every stored vector, and it never outlives the corpus or taxonomy it is of.

Each test runs the real ingest and `briefing tag` on a small subject no development set
covers (tests/fixtures/teaching: coffee growing) and checks the tags against a rebuild
from the workspace's files, which reads everything from the text again.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from briefing.library import Library
from briefing.workspace import Workspace, init_workspace

FIXTURE = Path(__file__).parent / "fixtures" / "teaching"


def _scores(library: Library) -> list[tuple[str, str, float, int]]:
    rows = library.store.db.execute(
        "SELECT excerpt_id, theme_id, score, tagged FROM scores ORDER BY 1, 2"
    ).fetchall()
    return [tuple(r) for r in rows]


def _kept(library: Library) -> list[Path]:
    return sorted(library.workspace.db_path.parent.glob("matrix-*"))


def _rebuilt_scores(library: Library, tmp_path: Path) -> list[tuple[str, str, float, int]]:
    copy = tmp_path / f"rebuilt-{len(list(tmp_path.glob('rebuilt-*')))}"
    shutil.copytree(library.workspace.root, copy)
    for kept in copy.glob(".briefing/matrix-*"):
        shutil.rmtree(kept)
    rebuilt = Library.open(Workspace(copy), rebuild=True)
    try:
        return _scores(rebuilt)
    finally:
        rebuilt.close()


@pytest.fixture
def coffee(tmp_path: Path) -> Library:
    root = tmp_path / "ws"
    init_workspace(root, themes_file=FIXTURE / "themes.yaml")
    library = Library.open(Workspace(root))
    docs = sorted((FIXTURE / "docs").iterdir())
    first = tmp_path / "first"
    first.mkdir()
    for doc in docs[:4]:
        shutil.copy(doc, first / doc.name)
    assert len(library.ingest([first]).added) == 4
    yield library  # type: ignore[misc]
    library.close()


def test_a_decision_retags_from_the_kept_matrix_alone(
    coffee: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert len(_kept(coffee)) == 1  # the ingest's calibration kept it

    def unread(*_: object) -> None:
        raise AssertionError("the corpus was read from the store")

    monkeypatch.setattr(coffee.store, "corpus_rows", unread)
    monkeypatch.setattr(coffee.store, "phrase_rows", unread)
    monkeypatch.setattr(coffee.store, "vectors_missing", unread)
    excerpt = coffee.store.excerpts()[2]
    before = _scores(coffee)
    coffee.set_manual_tag(excerpt.id, coffee.themes[0].id, "added")
    coffee.retag()
    assert _scores(coffee) != before  # the decision taught its theme something
    monkeypatch.undo()
    assert _scores(coffee) == _rebuilt_scores(coffee, tmp_path)


def test_the_kept_matrix_follows_the_corpus_and_the_taxonomy(
    coffee: Library, tmp_path: Path
) -> None:
    old = _kept(coffee)
    docs = sorted((FIXTURE / "docs").iterdir())
    last = tmp_path / "last"
    last.mkdir()
    shutil.copy(docs[4], last / docs[4].name)
    assert len(coffee.ingest([last]).added) == 1
    new = _kept(coffee)
    assert len(new) == 1 and new != old  # of the new corpus, in place of the old one
    assert coffee.store.count_excerpts() == len(
        (new[0] / "ids.txt").read_text(encoding="utf-8").split("\n")
    )
    assert _scores(coffee) == _rebuilt_scores(coffee, tmp_path)

    # A new threshold in themes.yaml: the matrix (its context-free scores) is made again.
    themes = coffee.workspace.themes_path
    text = themes.read_text(encoding="utf-8")
    first_id = coffee.themes[0].id
    changed = text.replace(f"id: {first_id}\n", f"id: {first_id}\n    threshold: 0.3\n", 1)
    assert changed != text
    themes.write_text(changed, encoding="utf-8")
    coffee.retag()
    assert _kept(coffee) != new
    assert _scores(coffee) == _rebuilt_scores(coffee, tmp_path)


@pytest.mark.parametrize("damage", ["unfinished", "truncated"])
def test_a_damaged_matrix_is_made_again_from_the_store(
    coffee: Library, tmp_path: Path, damage: str
) -> None:
    (kept,) = _kept(coffee)
    if damage == "unfinished":  # a write that stopped before its last file
        (kept / "complete").unlink()
    else:
        semantic = kept / "semantic.npy"
        semantic.write_bytes(semantic.read_bytes()[:200])
    coffee.set_manual_tag(coffee.store.excerpts()[1].id, coffee.themes[1].id, "removed")
    coffee.retag()
    assert len(_kept(coffee)) == 1 and (_kept(coffee)[0] / "complete").exists()
    assert _scores(coffee) == _rebuilt_scores(coffee, tmp_path)
