"""What went wrong while building or checking a memo, said so the user can act on it.

Problems never stop an export: the memo is written and each problem is printed on
stderr (CLI) or listed in the TUI, so nothing is dropped without a word.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing the user should know about; `message` says what to do."""

    message: str
    theme_id: str | None = None
    excerpt_id: str | None = None
    # "warning": something the user asked for is missing from the memo;
    # "note": the memo is whole, but the user should know how it was made.
    severity: str = "warning"

    @property
    def is_warning(self) -> bool:
        return self.severity == "warning"

    def __str__(self) -> str:
        return self.message
