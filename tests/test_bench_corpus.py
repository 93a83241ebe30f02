"""The benchmark's corpus generator: deterministic, no two alike, near-duplicates common."""

from __future__ import annotations

import importlib.util
import itertools
import sys
from pathlib import Path
from types import ModuleType

REPO = Path(__file__).resolve().parents[1]


def _make_corpus() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_corpus", REPO / "bench" / "make_corpus.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("make_corpus", module)
    spec.loader.exec_module(module)
    return module


make_corpus = _make_corpus()


def _bodies(folder: Path) -> dict[str, list[str]]:
    """Each file's paragraphs (blank-line separated), by file name."""
    return {
        p.name: [b.strip() for b in p.read_text(encoding="utf-8").split("\n\n") if b.strip()]
        for p in sorted(folder.glob("*.txt"))
    }


def test_same_seed_same_corpus_other_seed_other_corpus(tmp_path: Path) -> None:
    make_corpus.generate(60, tmp_path / "a", seed=7)
    make_corpus.generate(60, tmp_path / "b", seed=7)
    make_corpus.generate(60, tmp_path / "c", seed=8)
    assert make_corpus.digest(tmp_path / "a") == make_corpus.digest(tmp_path / "b")
    assert make_corpus.digest(tmp_path / "a") != make_corpus.digest(tmp_path / "c")
    assert len(list((tmp_path / "a").glob("*.txt"))) == 60


def test_no_two_articles_are_identical(tmp_path: Path) -> None:
    make_corpus.generate(300, tmp_path, seed=0)
    texts = [p.read_text(encoding="utf-8") for p in sorted(tmp_path.glob("*.txt"))]
    assert len(set(texts)) == len(texts) == 300
    # Not just the headers: the bodies (what ingest keeps) differ too.
    bodies = ["\n".join(a.body) for a in make_corpus.articles(300, seed=0)]
    assert len(set(bodies)) == len(bodies)


def test_near_duplicates_are_common(tmp_path: Path) -> None:
    make_corpus.generate(200, tmp_path, seed=0)
    paragraphs = {name: set(body) for name, body in _bodies(tmp_path).items()}
    near = [
        (a, b)
        for a, b in itertools.combinations(sorted(paragraphs), 2)
        if len(paragraphs[a] & paragraphs[b]) >= 0.5 * min(len(paragraphs[a]), len(paragraphs[b]))
    ]
    assert len(near) >= 20  # about 30% of articles are wire copies of an earlier one


def test_articles_look_like_the_samples(tmp_path: Path) -> None:
    articles = make_corpus.articles(200, seed=0)
    counts = [len(a.body) for a in articles]
    assert min(counts) >= make_corpus.MIN_PARAGRAPHS - 1  # a wire copy may drop one
    assert max(counts) <= make_corpus.MAX_PARAGRAPHS
    text = "\n".join(a.render() for a in articles)
    for form in ("| Via ", "Posted on ", "Mainstream, VOL ", "\nBy ", "Leave a "):
        assert form in text
