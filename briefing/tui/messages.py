"""Messages that travel up to the app from any screen."""

from __future__ import annotations

from textual.message import Message

from briefing.errors import BriefingError


class BriefEdited(Message):
    """The brief changed in memory: it is unsaved, and an autosave is due."""


class LibraryChanged(Message):
    """The corpus or its tags changed (ingest, re-tag, manual tag): lists must be read again."""


class BriefSaved(Message):
    """The writer's thread wrote brief.yaml (version `version`), or failed to: `error`."""

    def __init__(self, version: int, error: BriefingError | None) -> None:
        super().__init__()
        self.version = version
        self.error = error
