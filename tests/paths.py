"""Where the tests find the sample and the shared gold set."""

from __future__ import annotations

from pathlib import Path

from briefing import locations

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
GOLD = SHARED / "eval" / "seeds-gold.yaml"
SAMPLE_SOURCES = locations.sample_dir() / "sources"
