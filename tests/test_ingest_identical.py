"""What ingest stores and prints is exactly what it was before its speed work (issue 15).

The sample, the ingest fixtures (text dumps, HTML pages) and a small generated corpus
(with its wire copies, so duplicates) are ingested through the real CLI; the printed
lines, every stored source, excerpt, score, keyword match, vector and sentence profile,
and the exported memo are compared with a golden file written by the code as it was
before (commit 37ad834). Regenerate only for a change meant to alter results:
`BRIEFING_WRITE_GOLDEN=1 pytest tests/test_ingest_identical.py`.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
from pathlib import Path

from typer.testing import CliRunner

from briefing.cli import app
from tests.paths import REPO, SAMPLE_SOURCES
from tests.test_bench_corpus import make_corpus

GOLDEN = REPO / "tests" / "golden" / "ingest_identical.json"
FIXTURES = REPO / "tests" / "fixtures" / "ingest"


def _inputs(root: Path) -> Path:
    """Every input in one folder: sample, fixtures, 40 generated articles, a copy, an empty file."""
    folder = root / "in"
    shutil.copytree(SAMPLE_SOURCES, folder / "sample")
    for part in ("dumps", "html", "layouts"):
        shutil.copytree(FIXTURES / part, folder / part, ignore=shutil.ignore_patterns("*.yaml"))
    shutil.copy(FIXTURES / "lithium_page.html", folder / "lithium_page.html")
    make_corpus.generate(40, folder / "generated", seed=3)
    first = sorted(SAMPLE_SOURCES.glob("*.txt"))[0]
    shutil.copy(first, folder / "again.txt")  # a duplicate
    (folder / "empty.txt").write_text("\n")  # a refusal
    for path in folder.rglob("*"):  # a saved page's access date is its file's date
        os.utime(path, (1_700_000_000, 1_700_000_000))
    return folder


def _digest(value: object) -> str:
    data = value if isinstance(value, bytes) else str(value).encode()
    return hashlib.sha256(data).hexdigest()[:16]


def _rows(db: sqlite3.Connection, sql: str) -> list[list[object]]:
    out = []
    for row in db.execute(sql):
        # Bytes always (a one-sentence profile's vectors are 64), long text by digest.
        out.append(
            [_digest(v) if isinstance(v, bytes) or (isinstance(v, str) and len(v) > 120) else v
             for v in row]
        )  # fmt: skip
    return out


def _snapshot(root: Path) -> dict[str, object]:
    runner = CliRunner()
    workspace = root / "ws"
    inputs = _inputs(root)
    result = runner.invoke(
        app, ["init", str(workspace), "--themes", str(REPO / "data" / "themes.yaml")]
    )
    assert result.exit_code == 0, result.output
    result = runner.invoke(app, ["-w", str(workspace), "ingest", str(inputs)])
    printed = result.output.replace(str(inputs), "IN")
    memo = workspace / "memo.md"
    exported = runner.invoke(app, ["-w", str(workspace), "export", "-f", "md", "-o", str(memo)])
    assert exported.exit_code == 0, exported.output
    db = sqlite3.connect(workspace / ".briefing" / "corpus.db")
    try:
        snapshot = {
            "exit": result.exit_code,
            "printed": sorted(printed.splitlines()),
            "sources": _rows(
                db,
                "SELECT id, file, title, author, outlet, date, authors, url, type, added, "
                "text FROM sources ORDER BY id",
            ),
            "excerpts": _rows(
                db, "SELECT id, source_id, position, start, end, text FROM excerpts ORDER BY id"
            ),
            "scores": _rows(db, "SELECT * FROM scores ORDER BY excerpt_id, theme_id"),
            "phrase_hits": _rows(db, "SELECT * FROM phrase_hits ORDER BY excerpt_id, theme_id"),
            "vectors": _rows(db, "SELECT * FROM vectors ORDER BY excerpt_id"),
            "sentences": _rows(db, "SELECT * FROM sentences ORDER BY excerpt_id"),
            "originals": sorted(
                p.relative_to(workspace / "sources").as_posix()
                for p in (workspace / "sources").rglob("*")
                if p.is_file()
            ),
            "memo": memo.read_text(encoding="utf-8").splitlines(),
        }
    finally:
        db.close()
    return json.loads(json.dumps(snapshot))  # tuples as lists, as the golden file has them


def test_ingest_stores_and_prints_exactly_what_it_did_before(tmp_path: Path) -> None:
    snapshot = _snapshot(tmp_path)
    if os.environ.get("BRIEFING_WRITE_GOLDEN"):
        GOLDEN.write_text(json.dumps(snapshot, indent=0, ensure_ascii=False) + "\n")
    golden = json.loads(GOLDEN.read_text(encoding="utf-8"))
    assert snapshot["exit"] == golden["exit"]
    for key in golden:  # table by table, so a failure names what changed
        assert snapshot[key] == golden[key], key
