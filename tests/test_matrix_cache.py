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
    # farm-labour: its keywords find no paragraph, so one example reshapes the theme
    # (where keywords found more, an example moves only the cut, if anything).
    coffee.set_manual_tag(excerpt.id, "farm-labour", "added")
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


def _forget(library: Library) -> None:
    for kept in _kept(library):
        shutil.rmtree(kept)


def test_the_matrix_read_block_by_block_is_the_corpus_read_whole(
    coffee: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    """At the end of an ingest the corpus is read from the store straight into the kept
    matrix, a block of rows at a time (`matrixcache.build`): every array, to the bit, is
    what reading the whole corpus into memory gives (`read_inputs`, then its centre)."""
    import numpy as np

    from briefing.tagging import corpus, matrixcache

    store, tagger = coffee.store, coffee.tagger
    whole = corpus.read_inputs(
        tagger, store.count_excerpts(), store.corpus_rows(), store.phrase_rows()
    )
    matrixcache.with_centre(whole)
    for block, spill in ((16384, corpus.SPILL_BYTES), (5, 0)):  # one block; blocks of 5, paged
        monkeypatch.setattr(corpus, "MEANING_BLOCK", block)
        monkeypatch.setattr(matrixcache, "_BLOCK", block)
        monkeypatch.setattr(corpus, "SPILL_BYTES", spill)
        _forget(coffee)
        place, stamp = store.corpus_matrix_place() or (None, "")
        assert place is not None
        key = matrixcache.key_of(stamp, tagger)
        built = matrixcache.build(
            place, key, tagger, store.count_excerpts(), store.corpus_rows(), store.phrase_rows()
        )
        assert built is not None and len(built) == len(whole) > 2 * 5
        assert list(built.ids) == list(whole.ids)
        assert built.id_array is not None
        assert np.array_equal(built.id_array, np.asarray(whole.ids, dtype=str))
        for name in ("docs", "positions", "has_vector", "phrase", "semantic"):
            a, b = np.asarray(getattr(built, name)), np.asarray(getattr(whole, name))
            assert a.dtype == b.dtype and a.tobytes() == b.tobytes(), name
        assert whole.vectors is not None and built.vectors is not None
        assert np.array_equal(np.asarray(built.vectors[:]), whole.vectors.astype(np.float32))
        assert built.centre is not None and whole.centre is not None
        for a, b in zip(built.centre, whole.centre, strict=True):
            assert a.tobytes() == b.tobytes()
        assert (block < 16384) == isinstance(built.vectors, corpus.PagedVectors)
    monkeypatch.setattr(corpus, "MEANING_BLOCK", 16384)  # the products, block for block


def test_calibrating_in_small_blocks_gives_the_scores_of_one_block(
    coffee: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A large corpus is calibrated a block of rows at a time: its seeds' centroid
    gathered in blocks, its score rows listed in blocks. Forced to blocks of a few rows on
    this small corpus, every stored score and tag, and every explanation, is the same."""
    from briefing.tagging import corpus, learn

    taught = coffee.store.excerpts()[3]
    coffee.set_manual_tag(taught.id, "farm-labour", "added")  # a taught prototype too
    coffee.retag()
    one_block = _scores(coffee)
    some = coffee.store.excerpts()[:6]
    explained = [coffee.explain(e.id) for e in some]
    monkeypatch.setattr(learn, "_GATHER", 3)
    monkeypatch.setattr(corpus, "_BLOCK", 4)
    assert len(coffee.store.excerpts()) > 4 * 4
    with coffee.store.transaction():
        coffee.store.set_setting("calibrated", "{}")  # every theme again, every row written
    coffee.calibrate()
    assert _scores(coffee) == one_block
    assert [coffee.explain(e.id) for e in some] == explained
    monkeypatch.undo()
    assert _scores(coffee) == _rebuilt_scores(coffee, tmp_path=_tmp(coffee))


def test_a_centroid_gathered_in_blocks_is_the_centroid_gathered_at_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The seeds' centroid, to the bit, whatever the number of rows gathered at a time.
    Scores are rounded, so a changed order of summation would rarely show in them: here
    rows of very different lengths make float64 sums depend on their order."""
    import numpy as np

    from briefing.tagging import learn
    from briefing.tagging.calibrate import CorpusMatrix

    rng = np.random.default_rng(7)
    rows, dim = 3000, 16
    vectors = rng.standard_normal((rows, dim)) * 10.0 ** rng.uniform(-6, 6, (rows, 1))
    corpus = CorpusMatrix(
        [f"{r:06d}" for r in range(rows)],
        np.arange(rows, dtype=np.int64) // 7,
        np.arange(rows, dtype=np.int64) % 7,
        vectors.astype(np.float32),
        np.ones(rows, dtype=bool),
    )
    mean = (rng.standard_normal(dim) * 1e-6).astype(np.float32)
    norms = np.ones(rows, dtype=np.float32)
    weights = (rng.random(rows) < 0.6).astype(np.float32)
    weights[: rows // 3] *= 2.5  # weighed rows too (taught examples)
    at_once = learn._centroid(corpus, mean, norms, weights)
    for gather in (1, 7, 500):
        monkeypatch.setattr(learn, "_GATHER", gather)
        assert learn._centroid(corpus, mean, norms, weights).tobytes() == at_once.tobytes()


def _tmp(library: Library) -> Path:
    return library.workspace.root.parent
