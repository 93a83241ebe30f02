"""Text dumps with a sidebar rendered beside the article (a text-mode browser, an
HTML-to-text tool, `pdftotext -layout`): a wide run of spaces parts two columns on one
line. A headline that shares its line with a sidebar link must come out whole, and
lines whose wide gaps are a table's or code's layout must not be taken apart.
"""

from __future__ import annotations

from pathlib import Path

from briefing.ingest import read_article
from briefing.ingest.readers import read_plain

SIDE = 100  # the column the sidebar starts at


def beside(main: str, side: str = "") -> str:
    """A line of the dump: the main column's text, and the sidebar's beside it."""
    return f"{main:<{SIDE}}{side}".rstrip() if len(main) < SIDE - 3 else f"{main}    {side}"


PROSE = [
    "The harbour board approved every one of these changes at its meeting last month, and "
    "the work on the quay starts as soon as the winter storms are over.",
    "Residents who want to comment on the parking rules can write to the board until the "
    "end of April, and the board will publish every letter it receives.",
]


def test_a_headline_beside_a_sidebar_link_is_the_title_and_the_body_keeps_out_the_sidebar(
    tmp_path: Path,
) -> None:
    lines = [
        beside("Harbour plan 2025: what changes this spring", "Useful links:"),
        beside("By Ruth Adeyemi | 12 March 2025", "Ferry timetable"),
        "",
        beside(PROSE[0], "Lifeboat station"),
        "",
        "Quay             Berths      Cranes",
        "North wall       12          3",
        "Container quay   4           2",
        "",
        beside(PROSE[1], "Report a problem"),
    ]
    path = tmp_path / "blog.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    article = read_article(path)
    assert article.title == "Harbour plan 2025: what changes this spring"
    assert (article.author, article.date) == ("Ruth Adeyemi", "2025-03-12")
    # The table between the paragraphs is one excerpt, a row a line, as an HTML table is.
    table = "Quay | Berths | Cranes\nNorth wall | 12 | 3\nContainer quay | 4 | 2"
    assert [article.text[s:e] for s, e in article.paragraphs] == [PROSE[0], table, PROSE[1]]


def test_a_headline_in_one_block_with_its_body_and_a_sidebar_is_found(tmp_path: Path) -> None:
    """No blank line between menu, headline and body (they make one block): the block's
    size says nothing of menus, and the headline is still told from the links around it."""
    items = [
        "+ Longer opening hours at the harbour office on weekdays",
        "+ A second crane for the container quay",
        "+ New berths for fishing boats on the north wall",
        "+ Covered waiting room at the ferry terminal",
    ]
    lines = [
        beside("Saltmere Harbour Log", "Useful links:"),
        "",
        "Harbour office",
        "Tide tables and weather",
        beside("Harbour plan 2025: what changes this spring", "Ferry timetable"),
        beside(items[0], "Lifeboat station"),
        items[1],
        beside(items[2], "Fishing permits"),
        beside(items[3], "Report a problem"),
        *PROSE,
    ]
    path = tmp_path / "one_block.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    article = read_article(path)
    assert article.title == "Harbour plan 2025: what changes this spring"
    assert "Report a problem" not in article.text and article.text.endswith(PROSE[1])


def test_lines_whose_gaps_are_a_table_or_code_are_not_taken_apart() -> None:
    lines = [
        "Brent crude        82.15        +1.1%",
        "Boats using the harbour every week        86",
        "Port      Berths      Cranes",
        "make install           # Installs the harbour fee tools for every user",
        "retries = 3            # How often the fee office is asked again",
        "if (fee > limit) {     // the limit is set by the board",
        "the quick   brown fox jumps over the lazy dog",
        "North quay │ 12 │ 3",
        "Author:\tJane Doe",
        "Published      12 March 2024",
    ]
    text = read_plain("\n\n".join(lines).encode()).text.split("\n\n")
    assert text == [
        "Brent crude | 82.15 | +1.1%",
        "Boats using the harbour every week | 86",
        "Port | Berths | Cranes",
        "make install # Installs the harbour fee tools for every user",
        "retries = 3 # How often the fee office is asked again",
        "if (fee > limit) { // the limit is set by the board",
        "the quick brown fox jumps over the lazy dog",
        "North quay │ 12 │ 3",
        "Author: Jane Doe",
        "Published 12 March 2024",
    ]
    # Two columns, whether parted by spaces or by a tab: two lines.
    assert read_plain(b"Harbour plan 2025     Ferry timetable").text == (
        "Harbour plan 2025\nFerry timetable"
    )
    assert read_plain(b"Harbour plan 2025\tFerry timetable").text == (
        "Harbour plan 2025\nFerry timetable"
    )


def test_a_table_row_or_a_code_comment_never_becomes_the_title(tmp_path: Path) -> None:
    """A page with no headline line above its body but tables and code: a row of
    figures, or a code comment that reads like a headline, is no title."""
    lines = [
        "Average harbour fee paid by a fishing boat        £1,240",
        "Boats using the harbour every week                 86",
        "Fishing crews registered at the harbour office     412",
        "",
        "make install           # Installs the harbour fee tools for every user",
        "",
        *PROSE,
    ]
    path = tmp_path / "figures.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    article = read_article(path)
    assert article.title is None
    assert [article.text[s:e] for s, e in article.paragraphs] == PROSE
