"""Paragraphs in, paragraphs out: splitting normalised text and joining the body.

The joined text and the offsets are built together, so that
`text[start:end] == paragraph` holds by construction; excerpts and quote
verification depend on it.
"""

from __future__ import annotations

SEPARATOR = "\n\n"
# A reader joins the rows of a table with this mark (the Unicode line separator, which
# normalised text never holds) so that the table stays one paragraph, one excerpt; the
# paragraph keeps its rows on lines of their own.
ROW_BREAK = "\u2028"


def split(text: str) -> list[str]:
    """The non-empty lines of normalised text, each one paragraph, spaces collapsed (a
    table's rows, joined by ROW_BREAK, make one paragraph of several lines)."""
    paragraphs = (_collapsed(line) for line in text.split("\n"))
    return [paragraph for paragraph in paragraphs if paragraph]


def _collapsed(line: str) -> str:
    if ROW_BREAK not in line:
        return " ".join(line.split())
    rows = (" ".join(row.split()) for row in line.split(ROW_BREAK))
    return "\n".join(row for row in rows if row)


def blocks(text: str) -> list[int]:
    """For each paragraph `split` gives, how many lines its blank-line-delimited block holds.

    Browser copies keep a page's blocks apart with blank lines: a menu is a block
    of many short lines, a headline or a byline usually stands alone. All zero
    when the text has no blank lines at all, where the signal says nothing.
    """
    sizes: list[int] = []
    run = 0
    has_gaps = False
    for line in text.split("\n"):
        if line.strip():
            run += 1
            continue
        has_gaps = has_gaps or run > 0
        sizes.extend([run] * run)
        run = 0
    sizes.extend([run] * run)
    return sizes if has_gaps else [0] * len(sizes)


def block_ends(blocks: list[int]) -> list[int]:
    """For each line, the index just past the last line of its blank-line block."""
    ends: list[int] = []
    index = 0
    while index < len(blocks):
        size = max(blocks[index], 1)
        ends.extend([index + size] * min(size, len(blocks) - index))
        index += size
    return ends


def steps(blocks: list[int]) -> list[int]:
    """How many steps the eye takes down the page before each line (and after the last):
    one per line, but one for a whole block of four lines or more (a menu, a contents
    box). Lines `a` to `b` (exclusive) are `result[b] - result[a]` steps long."""
    firsts: set[int] = set()
    index = 0
    while any(blocks) and index < len(blocks):
        firsts.add(index)
        index += max(blocks[index], 1)
    total = [0]
    for index, size in enumerate(blocks):
        counted = not any(blocks) or size < 4 or index in firsts
        total.append(total[-1] + (1 if counted else 0))
    return total


def join(paragraphs: list[str]) -> tuple[str, tuple[tuple[int, int], ...]]:
    """The body text (paragraphs joined by a blank line) and each paragraph's span in it."""
    spans: list[tuple[int, int]] = []
    position = 0
    for paragraph in paragraphs:
        spans.append((position, position + len(paragraph)))
        position += len(paragraph) + len(SEPARATOR)
    return SEPARATOR.join(paragraphs), tuple(spans)
