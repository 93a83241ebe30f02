"""Unrelated pages in the folder must not change what a theme tags on the subject's articles.

The fixture (tests/fixtures/subject-cluster) is a made-up subject (a dockworkers' strike at
a fictional port) with a one-keyword theme, plus unrelated pages (a recipe, a comet, a
garden, and the coffee-growing articles of tests/fixtures/teaching). Next to unrelated pages
every paragraph of the subject sits above the corpus mean; the theme's calibration once took
that whole subject for the theme and tagged every paragraph of each article that used its
keyword (6 of 6, twice), where without the unrelated pages it tagged 2.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from briefing.library import Library
from briefing.tagging.calibrate import ThemeEvidence
from briefing.tagging.corpus import _meaning_note
from briefing.workspace import Workspace, init_workspace

FIXTURE = Path(__file__).parent / "fixtures" / "subject-cluster"
SUBJECT = {p.name for p in (FIXTURE / "docs").iterdir()}
UNRELATED = [FIXTURE / "unrelated", Path(__file__).parent / "fixtures" / "teaching" / "docs"]


def _tagged_on_subject(root: Path, folders: list[Path], theme: str) -> dict[str, set[str]]:
    """Per article of the subject: the excerpts (by text) that carry `theme`."""
    init_workspace(root, themes_file=FIXTURE / "themes.yaml")
    library = Library.open(Workspace(root))
    try:
        library.ingest(folders)
        out: dict[str, set[str]] = {}
        for source in library.store.sources():
            if Path(source.file).name not in SUBJECT:
                continue
            excerpts = library.store.excerpts(source.id)
            tagged = {e for e, _, on in library.store.theme_score_rows(theme) if on}
            out[Path(source.file).name] = {e.text for e in excerpts if e.id in tagged}
            out[Path(source.file).name + " (all)"] = {e.text for e in excerpts}
        return out
    finally:
        library.close()


@pytest.mark.parametrize("theme", ["pay-talks", "automation"])
def test_unrelated_pages_do_not_flip_a_themes_tags(tmp_path: Path, theme: str) -> None:
    alone = _tagged_on_subject(tmp_path / "alone", [FIXTURE / "docs"], theme)
    mixed = _tagged_on_subject(tmp_path / "mixed", [FIXTURE / "docs", *UNRELATED], theme)
    articles = [name for name in alone if not name.endswith(" (all)")]
    assert len(articles) == 5
    changed = sum(len(alone[a] ^ mixed[a]) for a in articles)
    assert changed <= 1, f"unrelated pages changed {changed} of the subject's tags"
    for a in articles:  # a one-keyword theme does not take a whole article
        assert len(mixed[a]) < len(mixed[a + " (all)"]), a
    total = sum(len(mixed[a + " (all)"]) for a in articles)
    assert sum(len(mixed[a]) for a in articles) <= total // 4


def test_a_paragraph_no_closer_than_average_is_not_called_close() -> None:
    info = ThemeEvidence(seeds=15, calibrated=True)
    info.z = np.array([-0.3, 1.2], dtype=np.float32)
    info.doc_seeds = np.array([6, 0], dtype=np.int32)
    below, above = _meaning_note(info, 0), _meaning_note(info, 1)
    assert "close in meaning" not in below
    assert "no closer in meaning" in below and "z -0.3" in below
    assert "tagged for its document, where 6 other paragraphs carry it" in below
    assert above.startswith("close in meaning to the 15 paragraphs its keywords found (z +1.2)")
