"""The tagger: about-a-theme beats a passing mention, results are stable, and it works
on the sample and on a taxonomy about another subject."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from briefing.model import Theme
from briefing.tagging import Tagger, evaluate, load_gold, load_themes

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(__file__).resolve().parents[2] / "shared"
ARCTIC = REPO / "tests" / "fixtures" / "tagging" / "arctic"

ARMS = Theme(
    id="arms-sales",
    label="Arms sales",
    description="Weapons sales and purchases, military hardware, arms embargoes.",
    keywords=("arms sale", "weapons", "helicopter", "arms embargo", "fighter jet"),
)


@pytest.fixture(scope="module")
def tagger() -> Tagger:
    return Tagger([ARMS])


def test_paragraph_about_theme_beats_passing_mention(tagger: Tagger) -> None:
    about = (
        "Russia lifted its arms embargo and began negotiating the sale of Mi-35 attack "
        "helicopters; fighter jets and weapons may follow."
    )
    passing = (
        "The ministers talked about trade, culture, students and weapons, and agreed to "
        "meet again next year in Moscow to discuss tourism and flights."
    )
    (a,), (p,) = tagger.score([about, passing])
    assert a.score > p.score
    assert a.tagged and not p.tagged
    assert set(a.explanation.phrases) >= {"arms embargo", "helicopters", "weapons"}
    assert a.explanation.threshold == 0.4 and 0 < a.explanation.semantic_score <= 1


def test_theme_threshold_overrides_default() -> None:
    strict = Theme(id="a", label="Arms", keywords=("weapons",), threshold=0.99)
    (s,) = Tagger([strict], use_embedder=False).score(["weapons, weapons, helicopters"])[0]
    assert s.explanation.threshold == 0.99 and not s.tagged


def test_deterministic_and_batch_independent(tagger: Tagger) -> None:
    texts = ["Helicopters were sold.", "Nothing here.", "An arms sale to Pakistan."]
    whole = tagger.score(texts)
    assert whole == tagger.score(texts)
    assert [tagger.score([t])[0] for t in texts] == whole
    assert Tagger([ARMS]).score(texts) == whole


def test_batch_size_cannot_change_a_score(tagger: Tagger) -> None:
    """Batches of 1, 7 and 40 take different paths in BLAS; scores must not notice."""
    sentence = "Russia sold helicopters and weapons to Pakistan after the arms embargo was lifted"
    words = sentence.split()
    texts = [" ".join(words[i % 5 :] + words[: i % 5]) + f" ({i})" for i in range(40)]
    whole = tagger.score(texts)
    assert [row for i in range(0, 40, 7) for row in tagger.score(texts[i : i + 7])] == whole
    assert [tagger.score([t])[0] for t in texts] == whole


def test_fingerprint_follows_taxonomy() -> None:
    other = Theme(id="arms-sales", label="Arms sales", keywords=("weapons",))
    assert Tagger([ARMS]).fingerprint == Tagger([ARMS]).fingerprint
    assert Tagger([ARMS]).fingerprint != Tagger([other]).fingerprint


def test_phrase_only_when_no_embedder() -> None:
    tagger = Tagger([ARMS], use_embedder=False)
    (s,) = tagger.score(["The arms embargo was lifted."])[0]
    assert s.tagged and s.explanation.semantic_score == 0.0 and not tagger.semantic


def test_default_embedder_failure_degrades_with_warning(monkeypatch: pytest.MonkeyPatch) -> None:
    from briefing.tagging import semantic

    def fail() -> None:
        raise OSError("weights missing")

    monkeypatch.setattr(semantic, "_default", None)
    monkeypatch.setattr(semantic, "_failed", None)
    monkeypatch.setattr(semantic, "WordLlamaEmbedder", fail)
    with pytest.warns(RuntimeWarning, match="semantic scoring is off"):
        tagger = Tagger([ARMS])
        (s,) = tagger.score(["The arms embargo was lifted."])[0]
    assert s.tagged and not tagger.semantic


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def gold_f1(themes_path: Path, gold_path: Path, sources: Path) -> float:
    """Macro F1 of the default tagger, matching gold prefixes to blank-line blocks."""
    tagger = Tagger(load_themes(themes_path))
    gold = load_gold(gold_path)
    blocks = {
        f.name: [_norm(b) for b in re.split(r"\n\s*\n", f.read_text("utf-8")) if b.strip()]
        for f in sources.iterdir()
    }
    keys, texts = [], []
    for article in gold:
        for para in article.paragraphs:
            hit = next((b for b in blocks[article.file] if b.startswith(_norm(para.prefix))), None)
            if hit is not None:
                keys.append((article.file, para.prefix))
                texts.append(hit)
    table = {
        k: {s.theme_id for s in row if s.tagged}
        for k, row in zip(keys, tagger.score(texts), strict=True)
    }
    report = evaluate(gold, lambda file, prefix: table.get((file, prefix)))
    assert report.missing == 0
    return report.macro_f1


def test_other_subject_end_to_end() -> None:
    f1 = gold_f1(ARCTIC / "themes.yaml", ARCTIC / "gold.yaml", ARCTIC / "articles")
    assert f1 >= 0.85


@pytest.mark.skipif(not (SHARED / "eval" / "seeds-gold.yaml").exists(), reason="no shared/")
def test_sample_gold_macro_f1() -> None:
    f1 = gold_f1(
        REPO / "data" / "themes.yaml", SHARED / "eval" / "seeds-gold.yaml", SHARED / "seeds"
    )
    assert f1 >= 0.90


def test_core_does_not_import_ui() -> None:
    code = (
        "import sys, briefing.tagging; print(any(m in sys.modules for m in ('textual', 'typer')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
