"""Where briefing's own files live: the bundled sample, the templates, the user's copy.

One function per place, so that tests can point every one of them elsewhere.
"""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_data_path

_PACKAGE = Path(__file__).resolve().parent
_CHECKOUT = _PACKAGE.parent


def _bundled(name: str, checkout_folder: str) -> Path:
    """A folder shipped inside the installed package, else the checkout's top-level one.

    The wheel maps data/ and templates/ to briefing/sample and briefing/templates
    (see pyproject.toml); a checkout or an editable install has them at the top.
    """
    installed = _PACKAGE / name
    return installed if installed.is_dir() else _CHECKOUT / checkout_folder


def sample_dir() -> Path:
    """The bundled sample workspace (read-only: never written to)."""
    return _bundled("sample", "data")


def templates_dir() -> Path:
    """The bundled memo templates."""
    return _bundled("templates", "templates")


def user_data_dir() -> Path:
    """briefing's folder in the user's data directory; BRIEFING_DATA_DIR overrides it."""
    override = os.environ.get("BRIEFING_DATA_DIR")
    return Path(override) if override else user_data_path("briefing", appauthor=False)


def user_sample_dir() -> Path:
    """The user's writable copy of the sample workspace, made on first use."""
    return user_data_dir() / "sample"
