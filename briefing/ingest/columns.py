"""Two columns laid side by side on one line of a text dump, taken apart.

A text-mode browser, `pdftotext -layout` or an HTML-to-text tool renders a page's
sidebar beside its main column: a headline and a sidebar link then share one line,
kept apart only by a wide run of spaces (or a tab). Normalisation would collapse that
run and glue two unrelated texts into one "paragraph", so the column gap is read first
and the line becomes two lines.

Only a gap between two pieces of text is a column gap. A line of aligned cells with
figures among them, or of three cells or more, is a table's row: it stays one line,
its cells kept apart by " | " as the HTML reader writes a table's cells, so that no
cell is read as a line of its own (nor the row as a headline); a table's rows that
follow each other make one paragraph, a row a line, as HTML tables do. Code with an aligned
comment and rules drawn with box characters keep their line as it is.
"""

from __future__ import annotations

import re

from briefing.ingest import segment

# Three spaces or more, or a tab: wider than any spacing a sentence holds
# (two spaces may follow a full stop in typed text).
_GAP = re.compile(r"[ \u00a0]{3,}|[ \u00a0]*\t[ \t\u00a0]*")
# Signs of code or of a drawn table in a piece: statement ends, braces, an assignment,
# an opening bracket ending it, a comment marker opening it, box rules, a pipe at
# either end ("| Port | Berths |"; a pipe inside is a byline's "Name | date").
_CODE_OR_RULE = re.compile(r"[;{}│┃┆─━═]|\s=\s|==|[(\[|]$|^(?:#|//|--|/\*|<|\|)")
_LETTER = re.compile(r"[^\W\d_]")
CELL_SEPARATOR = " | "


def split_columns(text: str) -> str:
    """The text with every line that holds two columns written as two lines, and the
    rows of a table (next to each other) made one paragraph of rows."""
    if "\t" not in text and "   " not in text and "\u00a0" not in text:
        return text  # the common case: nothing to look at
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    out: list[str] = []
    in_table = False
    for line in lines:
        read, row = _split(line)
        if row and in_table:
            out[-1] += segment.ROW_BREAK + read  # one table, one paragraph (one excerpt)
        else:
            out.append(read)
        in_table = row
    return "\n".join(out)


def _split(line: str) -> tuple[str, bool]:
    """The line as read, and whether it is a table's row."""
    stripped = line.strip()
    if not _GAP.search(stripped):
        return line, False
    pieces = _GAP.split(stripped)
    if any(_CODE_OR_RULE.search(piece) for piece in pieces):
        return line, False
    if any(_runs_on(left, right) for left, right in zip(pieces, pieces[1:], strict=False)):
        return line, False  # "the quick   brown fox": a sentence with stray spaces
    if len(pieces) == 2 and _label(pieces[0]):
        return line, False  # "Author:<tab>Jane Doe", "Published   12 March 2024"
    if len(pieces) > 2 or not all(_textual(piece) for piece in pieces):
        return CELL_SEPARATOR.join(pieces), True
    return "\n".join(pieces), False


def _label(piece: str) -> bool:
    """Whether a left-hand piece is a field's label: one word, or a few ending in a colon."""
    return " " not in piece or (piece.endswith(":") and len(piece.split()) <= 3)


def _runs_on(left: str, right: str) -> bool:
    """Whether the text after a gap goes on with the sentence before it."""
    return right[0].islower() and not left.endswith((".", "!", "?", ":", "…"))


def _textual(piece: str) -> bool:
    """Whether a piece is words, not figures: two letters or more, and letters for at
    least half of its visible characters."""
    visible = sum(1 for char in piece if not char.isspace())
    letters = len(_LETTER.findall(piece))
    return letters >= 2 and letters >= 0.5 * visible
