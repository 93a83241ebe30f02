"""Where briefing's own files live: the bundled sample, the templates, the user's copy.

One function per place, so that tests can point every one of them elsewhere.
"""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

from platformdirs import user_data_path

_CHECKOUT = Path(__file__).resolve().parent.parent


def _bundled(package: str, checkout_folder: str) -> Path:
    """A folder shipped in the wheel as `package`, or the checkout's top-level folder."""
    try:
        found = Path(str(resources.files(package)))
        if found.is_dir():
            return found
    except (ModuleNotFoundError, TypeError):
        pass
    return _CHECKOUT / checkout_folder


def sample_dir() -> Path:
    """The bundled sample workspace (read-only: never written to)."""
    return _bundled("briefing.sample", "data")


def templates_dir() -> Path:
    """The bundled memo templates."""
    return _bundled("briefing.templates", "templates")


def user_data_dir() -> Path:
    """briefing's folder in the user's data directory; BRIEFING_DATA_DIR overrides it."""
    override = os.environ.get("BRIEFING_DATA_DIR")
    return Path(override) if override else user_data_path("briefing", appauthor=False)


def user_sample_dir() -> Path:
    """The user's writable copy of the sample workspace, made on first use."""
    return user_data_dir() / "sample"
