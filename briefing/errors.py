"""One exception family for every mistake a user can make.

The CLI prints a `BriefingError` on stderr and exits with its code; the TUI shows
it in a modal. Anything else that escapes is a bug in briefing, not the user's.
"""

from __future__ import annotations


class BriefingError(Exception):
    """A problem the user can fix; `message` says what to change."""

    exit_code = 2

    def __init__(self, message: str, title: str = "briefing") -> None:
        super().__init__(message)
        self.message = message
        self.title = title


class InputError(BriefingError):
    """A file the user wrote (themes.yaml, brief.yaml, tags.yaml) is invalid."""


class WorkspaceError(BriefingError):
    """The workspace is missing, unreadable or not a workspace."""


class RefusedFile(BriefingError):
    """One input file could not be ingested; the rest of the run goes on."""

    exit_code = 1

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}", title="refused")
        self.path = path
        self.reason = reason
