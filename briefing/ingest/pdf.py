"""Text from a PDF page with its paragraph breaks, found from the vertical gaps between lines.

A PDF has no paragraphs, only positioned lines; but typesetters leave more space
between paragraphs than between the lines of one, so a gap well above the
page's usual line spacing marks a paragraph break.
"""

from __future__ import annotations

from statistics import median
from typing import Any


def page_text(page: Any) -> str:
    """The page's text, one line per printed line and a blank line between paragraphs."""
    lines: list[tuple[float, float, str]] = []  # (y, font size, text)

    def visit(text: str, cm: list[float], tm: list[float], font: Any, size: float) -> None:
        text = text.replace("\n", "")
        if not text.strip():
            return
        y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
        scale = abs(tm[3] * cm[3]) or 1.0
        height = (size or 10.0) * scale
        if lines and abs(lines[-1][0] - y) < 0.5 * height:
            previous = lines[-1]
            lines[-1] = (previous[0], previous[1], previous[2] + text)
        else:
            lines.append((y, height, text))

    plain = page.extract_text(visitor_text=visit) or ""
    if len(lines) < 2:
        return str(plain)
    gaps = [above[0] - below[0] for above, below in zip(lines, lines[1:], strict=False)]
    usual = median([gap for gap in gaps if gap > 0] or [0.0])
    out = [lines[0][2].strip()]
    for gap, line in zip(gaps, lines[1:], strict=True):
        if usual and (gap > 1.3 * usual or gap <= 0):
            out.append("")
        out.append(line[2].strip())
    return "\n".join(out)
