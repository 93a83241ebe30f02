"""Text normalisation shared by every reader: line endings, Unicode, hard wraps.

After this step every line is one logical paragraph (or heading, or list item),
whatever format or editor the file came from, so the cleaner and the segmenter
only ever see paragraphs.
"""

from __future__ import annotations

import re
import unicodedata

from briefing.controls import strip_controls
from briefing.ingest.cues import BULLET

_SPACES = re.compile(r"[ \t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+")
_OTHER_SPACE_CHARS = "\t\u00a0\u1680\u202f\u205f\u3000" + "".join(map(chr, range(0x2000, 0x200B)))
_PLAIN_SPACES = re.compile(" {2,}")
_INVISIBLE = re.compile(r"[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_SENTENCE_END = re.compile(r"[.!?:;…][\"'”’)\]]*$")
_HYPHENATED = re.compile(r"([A-Za-z]+)-$")
_WORD = re.compile(r"[A-Za-z]+")
_VOCABULARY = re.compile(r"[A-Za-z]+(?:-[A-Za-z]+)*")


def normalize(text: str) -> str:
    """Normalise line endings, Unicode (NFC), spaces, invisible and control characters."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n\n")
    text = _single_spaces(_INVISIBLE.sub("", strip_controls(text)))
    # NFC last: removing a character between a letter and its accent lets them compose.
    text = unicodedata.normalize("NFC", text)
    return "\n".join(line.strip() for line in text.split("\n"))


def _single_spaces(text: str) -> str:
    """`_SPACES.sub(" ", text)`; a text with plain spaces only (most) is spared the
    regex's look at every character, and one without two in a row is left as it is."""
    if any(char in text for char in _OTHER_SPACE_CHARS):
        return _SPACES.sub(" ", text)
    return _PLAIN_SPACES.sub(" ", text) if "  " in text else text


def unwrap(text: str, typeset: bool = False) -> str:
    """Re-join hard-wrapped lines so that each line is one paragraph.

    A file is taken as hard-wrapped when its long lines all stop near one width
    (as an editor or a PDF leaves them); a line then continues onto the next when
    it was full, or when it stops mid-sentence and the next line starts in lower
    case. List items and short lines keep their own line. `typeset` text (from a
    PDF) was hyphenated by a typesetter, so a hyphen at a line's end is dropped
    unless the page writes the word with a hyphen elsewhere.
    """
    lines = text.split("\n")
    width = _wrap_width(lines)
    if width is None:
        return text
    vocabulary = {word.lower() for word in _VOCABULARY.findall(text)}
    out: list[str] = []
    previous = ""  # the last physical line: whether it was full decides the join
    for line in lines:
        if out and previous and line and _continues(previous, line, width):
            out[-1] = _join(out[-1], line, vocabulary, typeset)
        else:
            out.append(line)
        previous = line
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


def _join(previous: str, line: str, vocabulary: set[str], typeset: bool) -> str:
    """Join two wrapped lines, undoing a hyphenation only when the text shows it was one."""
    hyphenated = _HYPHENATED.search(previous)
    tail = _WORD.match(line)
    if hyphenated and tail and line[0].islower() and hyphenated.group(1)[0].islower():
        joined = (hyphenated.group(1) + tail.group(0)).lower()
        written_hyphenated = f"{hyphenated.group(1)}-{tail.group(0)}".lower() in vocabulary
        if joined in vocabulary or (typeset and not written_hyphenated):
            return previous[:-1] + line
        return previous + line
    if previous.endswith("-"):
        return previous + line
    return previous + " " + line
