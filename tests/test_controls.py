"""Escape sequences and control characters are removed, whole, and nothing else is."""

from __future__ import annotations

import pytest

from briefing.controls import has_controls, strip_controls
from briefing.ingest.normalize import normalize


@pytest.mark.parametrize(
    ("hostile", "clean"),
    [
        ("a\x1b[2Jb", "ab"),  # clear the screen
        ("a\x1b[38;5;196mred\x1b[0m", "ared"),  # colours
        ("a\x1b]0;OWNED\x07b", "ab"),  # window title, ended by BEL
        ("a\x1b]52;c;ZWNobw==\x1b\\b", "ab"),  # OSC 52 clipboard write, ended by ST
        ("\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\", "link"),  # a hyperlink
        ("a\x9b2Jb", "ab"),  # the one-byte C1 CSI
        ("a\x9d0;T\x9cb", "ab"),  # C1 OSC ended by C1 ST
        ("a\x1bcb", "ab"),  # reset the terminal
        ("a\x1b(0b", "ab"),  # switch the character set
        ("bell\x07 back\x08 del\x7f nul\x00", "bell back del nul"),
        ("a\x1b]0;no end\nnext", "a0;no end\nnext"),  # an open OSC swallows nothing
    ],
)
def test_sequences_go_whole(hostile: str, clean: str) -> None:
    assert has_controls(hostile)
    assert strip_controls(hostile) == clean
    assert not has_controls(strip_controls(hostile))


def test_text_tabs_newlines_and_non_latin_scripts_stay() -> None:
    text = "Tab\there\nnew line — «quotes» ä ß 中文 العربية \u00a0 [1] ]0; ok"
    assert strip_controls(text) == text and not has_controls(text)


def test_normalisation_removes_them_from_source_text() -> None:
    assert normalize("Russia arms deal \x1b]0;OWNED\x1b\\ \x1b[2J news\r\n") == (
        "Russia arms deal news\n"
    )
