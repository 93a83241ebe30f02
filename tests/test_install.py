"""A user's install: the wheel into a fresh venv with the pip that venv brings, no upgrade.

`pip install briefing` (or pipx) must give a `briefing` that reads web pages: every
dependency the HTML reader imports has to be declared so that this old pip finds it.
Slow (a venv and a full install, quick once pip's cache is warm), so it carries the
`install` mark: `pytest -m "not install"` skips it locally; `make test` runs it.
"""

from __future__ import annotations

import ensurepip
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.paths import REPO

pytestmark = pytest.mark.install

PAGE = Path(__file__).parent / "fixtures" / "ingest" / "html" / "og_only.html"


def _run(*args: str | Path, timeout: int = 900) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    return subprocess.run(
        [str(a) for a in args], capture_output=True, text=True, timeout=timeout, env=env
    )


def test_the_wheel_in_a_fresh_venv_reads_html(tmp_path: Path) -> None:
    built = _run(sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", tmp_path, REPO)
    assert built.returncode == 0, built.stderr
    wheel = next(tmp_path.glob("briefing-*.whl"))

    venv = tmp_path / "venv"
    made = _run(sys.executable, "-m", "venv", venv)
    assert made.returncode == 0, made.stderr
    bin_dir = venv / ("Scripts" if os.name == "nt" else "bin")
    pip_version = _run(bin_dir / "python", "-m", "pip", "--version").stdout
    assert pip_version.split()[1] == ensurepip.version()  # the bundled pip, not upgraded

    # --no-compile only skips writing .pyc files (most of the time here); what gets
    # installed, and how pip resolves it, is what a plain `pip install` does.
    installed = _run(bin_dir / "python", "-m", "pip", "install", "--no-compile", "-q", wheel)
    assert installed.returncode == 0, installed.stderr

    briefing = bin_dir / "briefing"
    workspace = tmp_path / "ws"
    assert _run(briefing, "init", workspace).returncode == 0
    ingest = _run(briefing, "-w", workspace, "ingest", PAGE)
    assert ingest.returncode == 0, ingest.stderr
    assert "1 added, 0 duplicate, 0 refused" in ingest.stdout
    assert "Traceback" not in ingest.stderr
    [source] = json.loads(_run(briefing, "-w", workspace, "sources", "--json").stdout)
    assert source["title"] == "Village library reopens after flood repairs"
    assert source["url"] == "https://valleycourier.example/news/library-reopens"
