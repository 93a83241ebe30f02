"""Messages that travel up to the app from any screen."""

from __future__ import annotations

from textual.message import Message


class BriefEdited(Message):
    """The brief changed in memory: it is unsaved, and an autosave is due."""


class LibraryChanged(Message):
    """The corpus or its tags changed (ingest, re-tag, manual tag): lists must be read again."""
