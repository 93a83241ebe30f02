"""The memo's sentence profiles, made once by ingest, survive every calibration.

A profile (an excerpt's sentences, their scores for the themes it carries on its own,
their vectors) follows the excerpt's text and the taxonomy, never the calibration: an
ingest, a decision and `briefing tag` keep it, and the memo cuts its quotes with it
rather than falling back to keyword relevance. It is made again only when themes.yaml
changes, and then equals what an ingest under the new taxonomy makes.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from dataclasses import asdict
from pathlib import Path

from typer.testing import CliRunner

from briefing.cli import app
from briefing.library import PROFILES, Library
from briefing.model import SentenceProfile
from briefing.workspace import Workspace
from tests.paths import REPO, SAMPLE_SOURCES

runner = CliRunner()


def _cli(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def _profiles(workspace: Path) -> dict[str, SentenceProfile]:
    library = Library.open(Workspace(workspace))
    try:
        ids = [e.id for e in library.store.excerpts()]
        return library.store.sentence_profiles(ids)
    finally:
        library.close()


def _memo(workspace: Path) -> str:
    out = workspace / "memo.md"
    _cli("-w", str(workspace), "export", "-f", "md", "-o", str(out))
    return out.read_text(encoding="utf-8")


def _workspace(root: Path, name: str, themes: Path, sources: list[Path]) -> Path:
    workspace = root / name
    _cli("init", str(workspace), "--themes", str(themes))
    folder = root / f"{name}-in"
    folder.mkdir()
    for source in sources:
        shutil.copy(source, folder / source.name)
    _cli("-w", str(workspace), "ingest", str(folder))
    return workspace


def test_profiles_survive_ingests_decisions_and_tag_and_the_memo_uses_them(
    tmp_path: Path,
) -> None:
    themes = REPO / "data" / "themes.yaml"
    files = sorted(SAMPLE_SOURCES.glob("*.txt"))
    # All five at once, and four then the fifth (whose ingest calibrates the whole corpus).
    whole = _workspace(tmp_path, "whole", themes, files)
    parts = _workspace(tmp_path, "parts", themes, files[:4])
    last = tmp_path / "last"
    last.mkdir()
    shutil.copy(files[4], last / files[4].name)
    _cli("-w", str(parts), "ingest", str(last))

    made = _profiles(whole)
    assert len(made) >= 20  # the sample's excerpts tagged on their own keywords and meaning
    assert _profiles(parts) == made

    # A decision and `briefing tag` (a calibration of one theme), then a plain `tag`.
    excerpt_id = sorted(made)[0]
    _cli("-w", str(parts), "tag", "--excerpt", excerpt_id, "--add", "arms-sales")
    _cli("-w", str(parts), "tag")
    _cli("-w", str(parts), "tag", "--excerpt", excerpt_id, "--reset", "arms-sales")
    _cli("-w", str(parts), "tag")
    assert _profiles(parts) == made

    # The memo cuts and ranks its quotes with them: without them it is another memo.
    memo = _memo(parts)
    assert memo == _memo(whole)
    library = Library.open(Workspace(parts))
    with library.store.transaction():
        library.store.clear_sentence_profiles()
    library.close()
    assert _memo(parts) != memo


def test_profiles_follow_a_changed_taxonomy(tmp_path: Path) -> None:
    themes = REPO / "data" / "themes.yaml"
    files = sorted(SAMPLE_SOURCES.glob("*.txt"))
    workspace = _workspace(tmp_path, "ws", themes, files)
    before = _profiles(workspace)

    # Only a theme's threshold changes: no keyword is read again, but which excerpts carry
    # the theme on their own does, so the profiles are made again at `tag`.
    text = (workspace / "themes.yaml").read_text(encoding="utf-8")
    changed = text.replace("label: Arms sales\n", "label: Arms sales\n    threshold: 0.3\n", 1)
    assert changed != text
    (workspace / "themes.yaml").write_text(changed, encoding="utf-8")
    result = runner.invoke(app, ["-w", str(workspace), "tag"])
    assert result.exit_code == 0, result.output
    assert "Reading every excerpt's sentences again" in result.stderr  # not minutes unsaid
    after = _profiles(workspace)
    assert len(after) > len(before)

    fresh = _workspace(tmp_path, "fresh", workspace / "themes.yaml", files)
    assert _profiles(fresh) == after


def test_a_store_made_by_an_earlier_version_keeps_its_profiles_at_the_first_tag(
    tmp_path: Path,
) -> None:
    """Versions before this one stamped the profiles with the tagger's whole fingerprint,
    the calibration's knobs included, and the last session added one (`guess_weight`): the
    first `briefing tag` on such a store re-read every excerpt's sentences (minutes on a
    large corpus) for profiles that do not depend on the calibration. They are kept."""
    files = sorted(SAMPLE_SOURCES.glob("*.txt"))
    workspace = _workspace(tmp_path, "ws", REPO / "data" / "themes.yaml", files)
    library = Library.open(Workspace(workspace))
    tagger = library.tagger
    # The stamp the earlier version wrote (its Tagger.fingerprint, without `guess_weight`).
    settings = asdict(tagger.settings)
    del settings["calibration"]["guess_weight"]
    payload = {
        "version": "2",
        "settings": settings,
        "themes": [asdict(t) for t in tagger.themes],
        "semantic": True,
    }
    text = json.dumps(payload, sort_keys=True, ensure_ascii=True)
    library.store.set_setting(PROFILES, hashlib.sha256(text.encode()).hexdigest()[:16])
    # A marker: profiles re-read would come back.
    with library.store.transaction():
        library.store.clear_sentence_profiles()
    library.close()

    result = runner.invoke(app, ["-w", str(workspace), "tag"])
    assert result.exit_code == 0, result.output
    assert "sentences again" not in result.stderr
    assert _profiles(workspace) == {}  # not re-read
    _cli("-w", str(workspace), "tag")  # stamped as today's: still not re-read
    assert _profiles(workspace) == {}
