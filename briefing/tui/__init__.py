"""The Textual face of briefing: `run_app(library)` opens the workspace's brief."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from briefing.library import Library


def run_app(library: Library) -> None:
    """Run the app on an opened workspace until the user quits."""
    from briefing.tui.app import BriefingApp

    BriefingApp(library).run()


__all__ = ["run_app"]
