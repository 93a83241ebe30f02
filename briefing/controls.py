"""Removing terminal control characters and escape sequences from text.

An article, its metadata or a file name may carry ESC sequences (clear the screen, set
the window title, write the clipboard with OSC 52, draw hyperlinks) that a terminal
would obey if briefing printed them. Source text is data: ingest removes them at
normalisation, and every line the CLI or the TUI shows goes through `strip_controls`
again, so a store written by an older version cannot reach the terminal either.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import replace
from typing import Any, TypeVar

_Item = TypeVar("_Item")

# A whole sequence goes, not just its ESC, so "ESC ]0;title BEL" leaves no "]0;title".
# OSC, DCS, SOS, PM and APC strings are removed only with their terminator (BEL or ST):
# an unterminated one would otherwise swallow the rest of the line.
_SEQUENCE = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]"  # CSI: parameters, intermediates, final byte
    r"|(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c\n]{0,4096}(?:\x07|\x1b\\|\x9c)"
    r"|\x1b[ -/]*[0-~]"  # any other escape: ESC, intermediates, final byte
)
# C0 controls but tab and newline, DEL, and the C1 controls (U+0080-U+009F).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def strip_controls(text: str) -> str:
    """`text` without escape sequences or control characters; tab and newline are kept."""
    if not _CONTROL.search(text):
        return text  # the common case, at the cost of one scan
    return _CONTROL.sub("", _SEQUENCE.sub("", text))


def has_controls(text: str) -> bool:
    """True when `text` holds a character `strip_controls` would remove."""
    return _CONTROL.search(text) is not None


def without_controls(make: Callable[..., _Item]) -> Callable[..., _Item]:
    """Decorate a function that makes a dataclass so that none of its texts holds a control
    character. The store's rows go through it: a store written before ingest removed
    them must not send escape sequences to the terminal or into a memo (such old text may
    then be a few characters shorter than its stored offsets say)."""

    @functools.wraps(make)
    def clean(*args: Any) -> _Item:
        item = make(*args)
        dirty: dict[str, Any] = {}
        for name, value in vars(item).items():
            if isinstance(value, str):
                if _CONTROL.search(value):
                    dirty[name] = strip_controls(value)
            elif isinstance(value, tuple | list) and any(
                isinstance(v, str) and _CONTROL.search(v) for v in value
            ):  # a list of authors, say
                cleaned = (strip_controls(v) if isinstance(v, str) else v for v in value)
                dirty[name] = type(value)(cleaned)
        return replace(item, **dirty) if dirty else item  # type: ignore[type-var]

    return clean
