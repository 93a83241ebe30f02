"""Text normalisation shared by every reader: line endings, Unicode, hard wraps.

After this step every line is one logical paragraph (or heading, or list item),
whatever format or editor the file came from, so the cleaner and the segmenter
only ever see paragraphs.
"""

from __future__ import annotations

import re
import unicodedata

from briefing.ingest.cues import BULLET

_SPACES = re.compile(r"[ \t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+")
_INVISIBLE = re.compile(r"[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_SENTENCE_END = re.compile(r"[.!?:;…][\"'”’)\]]*$")
_HYPHENATED = re.compile(r"([A-Za-z]+)-$")
_WORD = re.compile(r"[A-Za-z]+")


def normalize(text: str) -> str:
    """Normalise line endings, Unicode (NFC), spaces and invisible characters."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n\n")
    text = unicodedata.normalize("NFC", text)
    text = _INVISIBLE.sub("", text)
    return "\n".join(_SPACES.sub(" ", line).strip() for line in text.split("\n"))


def unwrap(text: str) -> str:
    """Re-join hard-wrapped lines so that each line is one paragraph.

    A file is taken as hard-wrapped when its long lines all stop near one width
    (as an editor or a PDF leaves them); a line then continues onto the next when
    it was full, or when it stops mid-sentence and the next line starts in lower
    case. List items and short lines keep their own line.
    """
    lines = text.split("\n")
    width = _wrap_width(lines)
    if width is None:
        return text
    vocabulary = {word.lower() for word in _WORD.findall(text)}
    out: list[str] = []
    for line in lines:
        if out and out[-1] and line and _continues(out[-1], line, width):
            out[-1] = _join(out[-1], line, vocabulary)
        else:
            out.append(line)
    return "\n".join(out)


def _wrap_width(lines: list[str]) -> int | None:
    """The column a hard-wrapped file is wrapped at, or None when it is not wrapped."""
    lengths = sorted(len(line) for line in lines if len(line) >= 40)
    if len(lengths) < 3:
        return None
    within = [n for n in lengths if n <= 110]
    if len(within) < 0.9 * len(lengths):
        return None
    return within[int(0.9 * (len(within) - 1))]


def _continues(previous: str, line: str, width: int) -> bool:
    if BULLET.match(line) or line.startswith(("#", ">", "|")):
        return False
    next_word = line.split(" ", 1)[0]
    was_full = len(previous) + 1 + len(next_word) > 0.85 * width
    if was_full and len(previous) >= 0.5 * width:
        return True
    mid_sentence = not _SENTENCE_END.search(previous) and len(previous) >= 0.5 * width
    return mid_sentence and line[0].islower()


def _join(previous: str, line: str, vocabulary: set[str]) -> str:
    """Join two wrapped lines, undoing a hyphenation only when the text proves it one."""
    hyphenated = _HYPHENATED.search(previous)
    if hyphenated and line[0].islower():
        head = hyphenated.group(1)
        tail = _WORD.match(line)
        if tail and head[0].islower() and (head + tail.group(0)).lower() in vocabulary:
            return previous[:-1] + line
        return previous + line
    return previous + " " + line
