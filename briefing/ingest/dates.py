"""Dates as news pages write them, read into ISO form by regular expressions.

Regexes rather than a general date parser: they are fast, they never read a
relative phrase ("yesterday") against today's date, and the same text always
gives the same date. Only complete dates (day, month and year) are accepted.
"""

from __future__ import annotations

import functools
import re
from datetime import date

_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "sept": 9, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
_MONTH = (
    r"(?P<month>Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:19|20)\d\d)"

# "1 December 2014", "1st Dec. 2014", "1 December, 2014"
_DMY = re.compile(rf"\b{_DAY}\s+(?:of\s+)?{_MONTH},?\s+{_YEAR}\b", re.IGNORECASE)
# "December 1, 2014", "Dec. 1 2014"
_MDY = re.compile(rf"\b{_MONTH}\s+{_DAY},?\s+{_YEAR}\b", re.IGNORECASE)
# "2014-12-01", "2014/12/01"
_ISO = re.compile(r"\b(?P<year>(?:19|20)\d\d)[-/.](?P<month>[01]?\d)[-/.](?P<day>[0-3]?\d)\b")
# Month names of the languages that write "3 de marzo de 2022", "3 mars 2022",
# "3. März 2022", "3 maart 2022": a day, the month, the year.
_INTL_MONTHS = {
    1: "enero janvier januar jänner gennaio janeiro januari",
    2: "febrero février fevrier februar febbraio fevereiro februari",
    3: "marzo mars märz maerz março marco maart",
    4: "abril avril april aprile",
    5: "mayo mai maggio maio mei",
    6: "junio juin juni giugno junho",
    7: "julio juillet juli luglio julho",
    8: "agosto août aout august augustus",
    9: "septiembre setiembre septembre september settembre setembro",
    10: "octubre octobre oktober ottobre outubro",
    11: "noviembre novembre november novembro",
    12: "diciembre décembre decembre dezember dicembre dezembro december",
}
_INTL = {name: number for number, names in _INTL_MONTHS.items() for name in names.split()}
_DMY_INTL = re.compile(
    rf"\b{_DAY}\.?\s+(?:de\s+)?(?P<month>{'|'.join(sorted(_INTL, key=len, reverse=True))})"
    rf"\.?,?\s+(?:de\s+|del\s+)?{_YEAR}\b",
    re.IGNORECASE,
)
# "2014年12月1日" (Chinese, Japanese), "2014년 12월 1일" (Korean)
_CJK = re.compile(
    r"(?P<year>(?:19|20)\d\d)\s*[年년]\s*(?P<month>[01]?\d)\s*[月월]\s*(?P<day>[0-3]?\d)\s*[日일]"
)
# "12/3/14", "12/03/2014", "3.12.2014"
_NUMERIC = re.compile(r"\b(?P<a>[0-3]?\d)[/.-](?P<b>[0-3]?\d)[/.-](?P<year>(?:19|20)?\d\d)\b")


def find_date(text: str, month_first: bool = True) -> str | None:
    """The first complete date written in `text`, as yyyy-mm-dd, or None (see `locate_date`)."""
    found = locate_date(text, month_first)
    return found[1] if found else None


@functools.lru_cache(maxsize=8192)
def locate_date(text: str, month_first: bool = True) -> tuple[int, str] | None:
    """Where the first complete date in `text` starts, and that date as yyyy-mm-dd.

    A numeric date is read month first (12/3/14 is 3 December), as US sites write
    it, unless its first number cannot be a month or the date is dotted; pass month_first=False for
    day-first sources.
    """
    found: list[tuple[int, str]] = []
    for pattern in (_DMY, _MDY, _ISO, _CJK, _DMY_INTL):
        for match in pattern.finditer(text):
            iso = _iso(match.group("year"), match.group("month"), match.group("day"))
            if iso:
                found.append((match.start(), iso))
                break
    if not found:
        for match in _NUMERIC.finditer(text):
            a, b = int(match.group("a")), int(match.group("b"))
            # Dotted dates ("08.04.2015") are written day first wherever they are used.
            dotted = "." in match.group(0)
            month, day = (a, b) if month_first and not dotted else (b, a)
            if month > 12:
                month, day = day, month
            iso = _iso(match.group("year"), str(month), str(day))
            if iso:
                found.append((match.start(), iso))
                break
    return min(found) if found else None


def _iso(year_text: str, month_text: str, day_text: str) -> str | None:
    year = int(year_text)
    if year < 100:
        year += 2000 if year < 70 else 1900
    month = int(month_text) if month_text.isdigit() else _INTL.get(month_text.lower())
    if month is None:
        month = _MONTHS.get(month_text[:4].lower())
    if month is None:
        month = _MONTHS.get(month_text[:3].lower())
    if month is None:
        return None
    try:
        return date(year, month, int(day_text)).isoformat()
    except ValueError:
        return None
