"""The command palette's own provider: every action of the app, by name."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, cast

from textual.command import DiscoveryHit, Hit, Hits, Provider

if TYPE_CHECKING:
    from briefing.tui.app import BriefingApp

Command = tuple[str, str, Callable[[], object]]


class BriefingCommands(Provider):
    """Lists the app's commands so no action needs a key to be remembered."""

    def _commands(self) -> list[Command]:
        return cast("BriefingApp", self.app).palette_commands()

    async def discover(self) -> Hits:
        for name, help_text, callback in self._commands():
            yield DiscoveryHit(name, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, help_text, callback in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), callback, help=help_text)
