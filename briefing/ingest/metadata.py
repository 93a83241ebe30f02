"""Title, author, outlet and date, read from what the page itself says.

The cues live in the page's furniture (headline, byline, copyright line,
subscription box), so these readers look at the header zone and at the
paragraphs the cleaner threw away, never at guesses: a field the page does
not give stays None.
"""

from __future__ import annotations

import re

from briefing.ingest import cues, dates
from briefing.ingest.clean import is_meta

_HEADER_LIMIT = 12  # paragraphs: a headline or byline further down is not one
_STOP_WORDS = {
    "via", "for", "in", "at", "on", "from", "published", "posted", "updated", "special", "|",
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "january",
    "february", "march", "april", "may", "june", "july", "august", "september", "october",
    "november", "december", "the", "with", "photo", "photos", "follow",
}  # fmt: skip
_NOT_NAMES = {
    "staff", "reporter", "correspondent", "editor", "editors", "desk", "admin", "team",
    "agencies", "news", "web", "online", "guest", "author", "bureau", "our", "the",
}  # fmt: skip
_HONORIFIC = re.compile(rf"^{cues.HONORIFIC}\.?$")


def find_title(paragraphs: list[str], start: int) -> str | None:
    """The headline: a line printed twice in the header, else the headline-like line just
    above the byline or date line, else the header's first headline-like line."""
    header = paragraphs[: min(start, _HEADER_LIMIT)]
    candidates: list[tuple[int, str]] = []
    for index, text in enumerate(header):
        if cues.is_breadcrumb(text):
            candidates.append((index, cues.BREADCRUMB_SEP.split(text)[-1].strip()))
        elif _headline_like(text):
            candidates.append((index, text))
    keys = [_key(text) for _, text in candidates]
    for (_, text), key in zip(candidates, keys, strict=True):
        if keys.count(key) > 1:
            return text
    first_meta = next((i for i, text in enumerate(header) if is_meta(text)), None)
    if first_meta is not None:
        above = [text for i, text in candidates if i < first_meta and not text.endswith(".")]
        if above:
            return above[-1]
    for _, text in candidates:
        if cues.words(text) >= 3:
            return text
    return candidates[0][1] if candidates else None


def _headline_like(text: str) -> bool:
    if not 1 <= cues.words(text) <= 30 or text.endswith((":", ",")):
        return False
    if cues.is_byline(text) or cues.is_boilerplate_line(text) or cues.BULLET.match(text):
        return False
    return not (cues.words(text) <= 8 and dates.find_date(text))


def _key(text: str) -> str:
    return re.sub(r"\W+", "", text.lower())


def find_author(paragraphs: list[str], start: int) -> str | None:
    """The author named by a byline in the header zone, or by a wire story's credit line."""
    for text in paragraphs[: min(start + 3, _HEADER_LIMIT + 3)]:
        if cues.words(text) > 16:
            continue
        for pattern in (cues.AUTHOR_LABEL, cues.BYLINE, cues.BYLINE_DATED):
            match = pattern.search(text)
            name = clean_name(match.group("name")) if match else None
            if name:
                return name
    for text in paragraphs:
        match = cues.REPORTING_BY.search(text)
        name = clean_name(match.group("name")) if match else None
        if name:
            return name
    return None


def clean_name(raw: str) -> str | None:
    """A person's name from a byline's capture: honorifics, titles and trailing words removed.

    "Jane Doe, Staff Writer" gives "Jane Doe"; "A, B and C" stays a list of names.
    """
    names: list[str] = []
    for part in re.split(r"\s*(?:,|;|\band\b|&)\s*", raw):
        name = _one_name(part)
        if name is None:
            break
        names.append(name)
    if not names:
        return None
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _one_name(raw: str) -> str | None:
    tokens: list[str] = []
    for token in raw.split():
        if token.lower().strip(".") in _STOP_WORDS:
            break
        tokens.append(token)
    while tokens and _HONORIFIC.match(tokens[0]):
        tokens.pop(0)
    name = " ".join(tokens).strip(" ,;:")
    if name.endswith(".") and not re.search(r"\b[A-Z]\.$", name):
        name = name[:-1]
    words = name.lower().split()
    if not words or any(word in _NOT_NAMES for word in words):
        return None
    if len(words) == 1 and (len(name) <= 3 or name.isupper()):
        return None
    return name


def find_pubdate(paragraphs: list[str], start: int) -> str | None:
    """The publication date: a labelled date line anywhere, else a date line in the header.

    Photo captions are skipped: the date a picture was taken is not the article's.
    """
    short = [
        (index, text)
        for index, text in enumerate(paragraphs)
        if cues.words(text) <= 20 and not cues.CAPTION.search(text)
    ]
    for _, text in short:
        label = cues.DATE_LABEL.search(text)
        if label and label.start() <= 20:
            found = dates.find_date(text[label.end() :])
            if found:
                return found
    for index, text in short:
        if index < min(start + 3, _HEADER_LIMIT + 3):
            found = dates.find_date(text)
            if found:
                return found
    return None


_ORG = r"(?P<o>[A-Za-z][\w&'’.-]*(?:\s+(?:of|for|and|&|on|[A-Z0-9][\w&'’.-]*)){0,5})"
_OUTLET_CUES = [
    re.compile(rf"(?i:\bvia)\s+(?P<t>The\s+)?{_ORG}"),
    cues.ISSUE_LINE,
    re.compile(rf"(?i:\brights (?:are )?reserved by)\s+(?P<t>the\s+)?{_ORG}"),
    re.compile(
        rf"(?i:(?:©|\(c\)|copyright)\s*(?:\d{{4}}(?:\s*[-–]\s*\d{{4}})?)?\s*,?)\s*(?P<t>The\s+)?{_ORG}"
    ),
    re.compile(r"^[A-Z][A-Za-z\d .,'-]{1,40}\((?P<o>[A-Z][\w&.]+(?:\s[A-Z][\w&.]+)?)\)\s*[-—–]"),
    re.compile(rf"(?i:\breaders of)\s+(?P<t>the\s+)?{_ORG}"),
    re.compile(rf"(?i:\b(?:policy|position|views?) of)\s+(?P<t>the\s+)?{_ORG}"),
    re.compile(rf"(?i:\b(?:subscription|subscribe) to)\s+(?P<t>The\s+)?{_ORG}"),
    re.compile(
        r"(?i:\b(?:article|story|piece) (?:at|on|in)"
        r"|originally (?:published|appeared) (?:in|on|at|by))"
        rf"\s+(?P<t>The\s+)?{_ORG}"
    ),
    re.compile(rf"^(?i:more (?:from )?)(?P<t>The\s+)?{_ORG}\s*$"),
    re.compile(rf"(?i:\bdiscover more from)\s+(?P<t>The\s+)?{_ORG}"),
]
_GENERIC_ORG = re.compile(
    r"^(?:all|rights|stories|news|articles?|posts?|the author|this|our|us|from|about|like this"
    r"|reading|related|our website|website|site|page|view)\b",
    re.IGNORECASE,
)


def find_outlet(
    paragraphs: list[str], boilerplate: list[int], first_body: int | None
) -> str | None:
    """The publication, from cues in the header, the discarded boilerplate and a wire dateline."""
    scope = [paragraphs[i] for i in boilerplate]
    if first_body is not None:
        scope.append(paragraphs[first_body][:80])
    for pattern in _OUTLET_CUES:
        for text in scope:
            for match in pattern.finditer(text):
                outlet = _org(match)
                if outlet:
                    return outlet
    return None


def _org(match: re.Match[str]) -> str | None:
    words: list[str] = []
    for word in match.group("o").split():
        words.append(word)
        if word.endswith(".") and not _ABBREVIATION.match(word):
            break  # a full stop ends the sentence, and the name with it
    while words and (
        words[-1].lower() in {"of", "for", "and", "&", "on"} or not words[-1][0].isalnum()
    ):
        words.pop()
    name = " ".join(words).rstrip(".,;:!?")
    if not name or _GENERIC_ORG.match(name) or len(name) < 2:
        return None
    prefix = match.groupdict().get("t")
    return f"The {name}" if prefix and prefix.strip() == "The" else name


_ABBREVIATION = re.compile(r"^(?:[A-Z]\.)+$|^(?:Inc|Ltd|Co|Corp|St)\.$")
