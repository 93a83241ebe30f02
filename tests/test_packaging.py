"""The sample workspace and the templates travel inside the wheel, not only the checkout."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

from tests.paths import REPO


def test_wheel_carries_sample_templates_and_styles(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(REPO)],
        check=True,
        capture_output=True,
    )
    wheel = next(tmp_path.glob("briefing-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "briefing/sample/themes.yaml" in names
    assert len([n for n in names if n.startswith("briefing/sample/sources/")]) == 5
    assert {"briefing/templates/memo.md.j2", "briefing/templates/memo.typ"} <= names
    assert "briefing/tui/app.tcss" in names
