"""Title, author, outlet and date, read from what the page itself says.

The cues live in the page's furniture (headline, byline, copyright line,
subscription box), so these readers look at the header zone and at the
paragraphs the cleaner threw away, never at guesses: a field the page does
not give stays None.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from briefing.ingest import authors, cues, dates, features, segment
from briefing.ingest.clean import Kind, is_meta
from briefing.ingest.columns import CELL_SEPARATOR

HEAD = 60  # paragraphs above the body searched for the article's head
_DATE_HEAD = 15  # paragraphs: a date further above the body, alone, is a teaser's or a menu's
_NEAR = 4  # paragraphs: how close a byline or date line stands to the headline it belongs to


@dataclass(frozen=True)
class Page:
    """A text page as the metadata readers see it: its lines, what the cleaner made of
    each, the blank-line blocks they stood in, and where the body starts."""

    paragraphs: list[str]
    kinds: list[Kind]
    blocks: list[int]
    start: int
    end: int = 0  # where the article's run ends (0: unknown)
    stoplist: frozenset[str] | None = None  # the language's function words, when known

    def head(self) -> range:
        """The lines above the body where a headline, byline and date may stand."""
        return range(max(0, self.start - HEAD), min(self.start, len(self.paragraphs)))

    steps: list[int] = field(init=False, repr=False)  # see `segment.steps`
    block_ends: list[int] = field(init=False, repr=False)  # past the last line of each line's block
    _furniture: dict[int, bool] = field(init=False, repr=False, default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "steps", segment.steps(self.blocks))
        object.__setattr__(self, "block_ends", segment.block_ends(self.blocks))

    def furniture(self, index: int) -> bool:
        """Whether line `index` is a byline or a date line (worked out once per line)."""
        if index not in self._furniture:
            self._furniture[index] = _furniture(self, index)
        return self._furniture[index]

    def is_meta(self, index: int) -> bool:
        return 0 <= index < len(self.kinds) and self.kinds[index] is Kind.META


def find_title(page: Page) -> tuple[int, str] | None:
    """The headline and its index: the best-scoring headline-shaped line above the body.

    Every line of the head is a candidate, scored on its shape (a few words,
    no full stop, not a label), its place (near the body, just above a byline
    or date, standing alone in its block rather than in a menu's run of short
    lines) and on repetition (a headline is often printed twice, or again as the
    page title "Headline | Site"). Menus, section labels and captions score low.
    """
    parts = _title_parts(page.paragraphs[max(0, page.start - HEAD) : page.start + _NEAR])
    counts = _counts(page.paragraphs)
    lede = _terms(" ".join(page.paragraphs[page.start : page.start + _LEDE]), page.stoplist)
    best: tuple[float, int, str] | None = None
    for index in page.head():
        text = page.paragraphs[index]
        if cues.is_breadcrumb(text):
            text = cues.BREADCRUMB_SEP.split(text)[-1].strip()
        if not _headline_like(text) or page.kinds[index] in (Kind.TEASER, Kind.TERMINAL):
            continue
        score = _title_score(page, index, text, parts)
        if index < 3 and _is_masthead(page, index):
            score -= 2.0  # "Site Name — tagline" heading the page: the outlet, not the story
        if any(
            counts.get(_key(page.paragraphs[j]), 0) >= 3
            and not _person(page.paragraphs[j], page.stoplist)
            for j in _around(page, index)
        ):
            score -= 1.0  # an item of a templated list ("Headline / Read on", again and again)
        terms = _terms(text, page.stoplist)
        if terms:
            # A headline speaks of what the article's first paragraphs speak of;
            # a menu, a tagline or another article's teaser does not.
            score += _TOPIC * len(terms & lede) / len(terms)
        if best is None or score > best[0]:
            best = (score, index, text)
    if best is None or best[0] < _TITLE_MIN:
        return None
    return best[1], best[2]


_TITLE_MIN = 0.0
_INNER_SENTENCE = re.compile(r"\w{2}[.!?]\s+[A-Z]")
_LEDE = 5  # paragraphs of the body a headline is compared with
_TOPIC = 2.0  # the weight of sharing the lede's words


def _terms(text: str, stoplist: frozenset[str] | None) -> set[str]:
    """A text's content words (its stop words and short words left out); in scripts
    without spaces, its character pairs."""
    if features.unspaced(text):
        chars = [char for char in text if char.isalnum()]
        return {a + b for a, b in zip(chars, chars[1:], strict=False)}
    if "\u0130" in text or "\u03a3" in text:
        words = {word.lower() for word in _TERM.findall(text)}
        return {word for word in words if len(word) > 2 and not (stoplist and word in stoplist)}
    # Lower-casing the whole text first is the same (one pass, no loop over the words)
    # but for the two letters whose lower case depends on more than themselves: the
    # dotted capital I (two characters) and the capital sigma (final or not by context).
    words = set(_LONG_TERM.findall(text.lower()))
    return words - stoplist if stoplist else words


_TERM = re.compile(r"[^\W_]+")
_LONG_TERM = re.compile(r"[^\W_]{3,}")  # _TERM's words of three characters or more


def _title_score(page: Page, index: int, text: str, parts: dict[str, int]) -> float:
    size = cues.words(text)
    score = {1: -2.0, 2: -1.0, 3: 0.0}.get(size, 1.0 if size <= 14 else 0.5 if size <= 20 else -0.5)
    if text.endswith("."):
        score -= 2.5  # a standfirst or a caption, not a headline
    if _INNER_SENTENCE.search(text):
        score -= 1.5  # two sentences: a standfirst

    first = next((char for char in text if char.isalpha()), "")
    if first.islower():
        score -= 1.0
    score -= 0.05 * _distance(page, index)
    if any(page.furniture(j) for j in range(index + 1, min(index + _NEAR + 1, page.start))):
        score += 2.0
    elif any(page.furniture(j) for j in range(index - 2, index)):
        score += 0.5
    block = page.blocks[index]
    if block == 1:
        score += 1.0
    elif block >= 4 and page.block_ends[index] <= page.start:
        # A line of a menu's block. A block that runs on into the body is the article's
        # own (a page without blank lines between its lines), and says nothing of menus.
        score -= 1.5
    if _in_short_run(page.paragraphs, index):
        score -= 1.0
    if parts.get(_key(text), 0) > 1:
        score += 1.5  # printed twice: headline and page title, or headline and breadcrumb
    return score


def _distance(page: Page, index: int) -> int:
    """How far a line stands above the body, in steps as the eye sees them: a menu of
    forty lines between a headline and its body counts as one step."""
    return page.steps[page.start] - page.steps[index + 1]


def _furniture(page: Page, index: int) -> bool:
    """Whether a line is a byline or a date line, the furniture under a headline."""
    if page.is_meta(index) or _date_line(page, index):
        return True
    if not 0 <= index < len(page.paragraphs):
        return False
    text = page.paragraphs[index]
    if _timed_name(text, page.stoplist) or _stamped(text):
        return True
    dated = dates.locate_date(text) if cues.words(text) <= 12 else None
    return bool(dated and _person(text[: dated[0]].rstrip(" -–—|·•,/")))


_TIME_OF_DAY = re.compile(r"(?<![\d:])[0-2]?\d:[0-5]\d(?![\d:])")


def _stamped(text: str) -> bool:
    """Whether a short line carries a time of day ("CNET Japan 3/9 18:45", "10:32 GMT"):
    the date line under a headline, whatever its language."""
    return cues.words(text) <= 8 and bool(_TIME_OF_DAY.search(text))


def _timed_name(text: str, stoplist: frozenset[str] | None) -> str | None:
    """The name in "Alex Perry 1 day ago", "Aleš Vávra 10:52": a name, then a few words
    with a number (a time, a relative date, in whatever language)."""
    tokens = text.split()
    if re.search(r"\b(?:19|20)\d\d\b", text):
        return None  # a full date: the dated bylines are read elsewhere
    for size in (2, 3):
        rest = tokens[size:]
        name = " ".join(tokens[:size])
        timely = all(re.search(r"\d", word) or word[0].islower() for word in rest)
        if (
            1 <= len(rest) <= 4
            and timely
            and re.search(r"\d", " ".join(rest))
            and _person(name, stoplist)
        ):
            if not re.search(r"\d", rest[0]) and len(rest) > 1 and _person(f"{name} {rest[0]}"):
                continue  # the name goes on
            return name
    return None


def _counts(paragraphs: list[str]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for text in paragraphs:
        key = _key(text)
        counts[key] = counts.get(key, 0) + 1
    return counts


def _around(page: Page, index: int) -> list[int]:
    return [j for j in (index - 1, index + 1) if 0 <= j < len(page.paragraphs)]


def _in_short_run(paragraphs: list[str], index: int) -> bool:
    """Whether a line sits between two lines of one or two words: an item of a menu."""
    around = [paragraphs[j] for j in (index - 1, index + 1) if 0 <= j < len(paragraphs)]
    return len(around) == 2 and all(cues.words(line) <= 2 for line in around)


_PART_SEP = re.compile(r"\s*[|•·]\s*|\s+[-–—:]\s+|\s+[>»›]\s+")


def _title_parts(paragraphs: list[str]) -> dict[str, int]:
    """How often each line, or each part of a "Section | Headline | Site" line, occurs."""
    counts: dict[str, int] = {}
    for text in paragraphs:
        if cues.words(text) > 40:
            continue
        keys = {_key(text)} | {_key(part) for part in _PART_SEP.split(text)}
        for key in keys:
            if key:
                counts[key] = counts.get(key, 0) + 1
    return counts


_CODE_LIKE = re.compile(r"[({\[]$|[;{}]|\s=\s|^\W*(?:<|//|#!)|\s(?:#|//)\s")
_LETTERS = re.compile(r"[^\W\d_]{2}")


def _headline_like(text: str) -> bool:
    visible = [char for char in text if not char.isspace()]
    if sum(1 for char in visible if char.isalpha()) < 0.5 * len(visible):
        return False  # figures and signs: a table row, a formula, a count
    if _CODE_LIKE.search(text):
        return False  # "WITH series AS (", "x = f(y);": a line of code
    if CELL_SEPARATOR in text and any(
        not _LETTERS.search(cell) for cell in text.split(CELL_SEPARATOR)
    ):
        return False  # "Boats in the harbour | 86": a table's row of figures (see `columns`)
    if not 1 <= cues.words(text) <= 30 or text.endswith((":", ",", ";", "-", "–", "—", "|")):
        return False
    if cues.is_byline(text) or cues.is_boilerplate_line(text) or cues.BULLET.match(text):
        return False
    if is_meta(text) or _stamped(text):
        return False
    dated = dates.locate_date(text)
    return not (dated and (dated[0] == 0 or cues.words(text) <= 12))


_key = features.key


def find_author(page: Page, title: int | None) -> tuple[int, str] | None:
    """The byline nearest the headline (or the body): "By X", "Author: X", "X | date",
    "X - date", or a line that is nothing but a person's name beside the date or just
    under the headline; else a wire story's "Reporting by X". The raw string is cleaned
    into names by `authors`."""
    anchor = page.start if title is None else title
    # (a bare name line after any byline proper, distance from the headline, index, raw)
    found: list[tuple[bool, int, int, str]] = []
    last = min(page.start + 3, len(page.paragraphs))
    for index in range(max(0, page.start - HEAD), last):
        raw = _byline(page, index, title)
        if raw:
            bare = raw == page.paragraphs[index] and _person(raw, page.stoplist)
            found.append((bare, abs(index - anchor), index, raw))
    for _, _, index, raw in sorted(found):
        names = _authors(raw)
        if names:
            return index, names
    # A blog's "Jane Doe — 2013-09-29 — in Code" often stands under the post instead.
    for index in range(max(page.start, page.end - 2), min(page.end + 3, len(page.paragraphs))):
        raw = _byline(page, index, None) if _date_line(page, index) else None
        names = _authors(raw) if raw else None
        if names:
            return index, names
    for text in page.paragraphs:
        match = cues.REPORTING_BY.search(text)
        names = _authors(match.group("name")) if match else None
        if names:
            return page.paragraphs.index(text), names
    return None


def _byline(page: Page, index: int, title: int | None) -> str | None:
    """The raw author string a line gives, if it is a byline."""
    text = page.paragraphs[index]
    if "\n" in text:
        return None  # a table's rows (see segment.ROW_BREAK): cells, not a byline
    if cues.words(text) > 30 and not cues.BYLINE.match(text):
        return None
    if cues.words(text) == 1 and index + 1 < len(page.paragraphs):
        joined = f"{text} {page.paragraphs[index + 1]}"  # "By" alone, the name below it
        match = cues.BYLINE.match(joined)
        if match:
            return match.group("name")
        if _led_name(joined, page.stoplist):
            return page.paragraphs[index + 1]
    for pattern in (cues.AUTHOR_LABEL, cues.BYLINE, cues.BYLINE_DATED):
        match = pattern.search(text)
        if match and cues.words(match.group(0)) <= 16:
            return match.group("name")
    parts = [part.strip() for part in _BYLINE_SEP.split(text) if part.strip()]
    if len(parts) > 1 and any(dates.find_date(part) for part in parts):
        for part in parts:  # "Dan Goodin - Apr 16, 2015", "June 1, 2015 · Dan Mercer"
            if _person(part, page.stoplist) or (
                _CREDIT.match(part) and authors.clean_authors(part)
            ):
                return part
            led = _led_name(part, page.stoplist)
            if led:
                return led  # "Par Martin Untersinger", "por César Salza": "by" in any language
    if cues.words(text) > 16:
        return None
    timed = _timed_name(text, page.stoplist)
    if timed and title is not None and title < index <= title + 3:
        return timed
    led = _led_name(text, page.stoplist)
    if not led and not _person(text, page.stoplist):
        return None
    under_title = title is not None and title < index <= title + 3
    beside_date = any(_date_line(page, j) for j in (index - 1, index + 1))
    if index >= page.start + 2:
        return None
    if led:  # "<word> <Name>" could be "The Lorenz Equations": only beside a date
        return led if beside_date else None
    return text if under_title or beside_date else None


def _led_name(text: str, stoplist: frozenset[str] | None) -> str | None:
    """The name in "<function word> <Name>" ("Par Jean Dupont", "von Anna Schmidt"): the
    shape of "By X" in any language whose stop list is known, or None."""
    first, _, rest = text.partition(" ")
    rest = _BRACKETS.sub("", rest).strip()
    if stoplist is None or first.lower() not in stoplist:
        return None
    names = authors.clean_authors(rest)
    # "Anna Schmidt und Jonas Weber": every name a person's, and nothing else in the line
    named = sum(len(name.split()) for name in names) + len(names) - 1
    if not names or named != len(rest.split()) or not all(_person(n, stoplist) for n in names):
        return None
    return rest


_BRACKETS = re.compile(r"\s*\([^)]*\)")


_BYLINE_SEP = re.compile(r"\s*[|·•—–]\s*|\s+-\s+")
_CREDIT = re.compile(r"^[^\W\d_]+\s+by\s", re.IGNORECASE)  # "Compiled by X", "Reported by X"


def _date_line(page: Page, index: int) -> bool:
    if not 0 <= index < len(page.paragraphs):
        return False
    text = page.paragraphs[index]
    return cues.words(text) <= 12 and dates.find_date(text) is not None


_PERSON_TOKEN = re.compile(r"^(?:[^\W\d_][\w'’.-]*|[A-Z]\.)$")


def _person(text: str, stoplist: frozenset[str] | None = None) -> bool:
    """Whether a line is nothing but a person's name: two to four name-shaped words, the
    first of them not a short function word ("The Lorenz Equations" is a heading)."""
    tokens = text.split()
    if not 2 <= len(tokens) <= 4 or not all(_PERSON_TOKEN.match(t) for t in tokens):
        return False
    if stoplist and len(tokens[0]) <= 3 and tokens[0].lower() in stoplist:
        return False
    if not all(t[0].isupper() or not t[0].isalpha() or t.lower() in _PARTICLES for t in tokens):
        return False
    names = authors.clean_authors(text)
    return len(names) == 1 and _key(names[0]) == _key(text)


_PARTICLES = {"de", "da", "del", "der", "van", "von", "bin", "al", "el", "la", "le", "di", "du"}


def _authors(raw: str) -> str | None:
    """The display string of the people a raw byline names (see `authors`)."""
    return authors.display(authors.clean_authors(raw))


def find_pubdate(page: Page, near: int | None) -> str | None:
    """The publication date: a date line beside the headline or byline, else a labelled
    date line anywhere ("Published on ..."), else the first date in the head.

    Photo captions are skipped: the date a picture was taken is not the article's.
    """
    paragraphs = page.paragraphs
    short = {
        index: text
        for index, text in enumerate(paragraphs)
        if cues.words(text) <= 20 and not cues.CAPTION.search(text)
    }
    if near is not None:
        for distance in range(0, _NEAR + 1):
            for index in (near + distance, near - distance):
                if index in short and index <= page.start + 2:
                    found = dates.find_date(short[index])
                    if found:
                        return found
    for text in short.values():
        label = cues.DATE_LABEL.search(text)
        if label and label.start() <= 20:
            found = dates.find_date(text[label.end() :])
            if found:
                return found
    for index in range(max(0, page.start - _DATE_HEAD), min(page.start + 3, len(paragraphs))):
        if index in short:
            found = dates.find_date(short[index])
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
    r"|reading|related|our website|website|site|page|view|a|an|e-?mail)\b",
    re.IGNORECASE,
)


def find_url(page: Page) -> str | None:
    """The page's own address, when the text gives it on a line of its own ("https://...",
    "URL: https://...", "Source: https://...") in the article's head or just below it:
    the first such line with a path (a bare domain names a site, not the article)."""
    head = range(max(0, page.start - HEAD), page.start)
    lines = [*head, *range(page.end, min(page.end + _NEAR, len(page.paragraphs)))]
    for index in lines:
        match = _URL_LINE.match(page.paragraphs[index])
        if match and urlsplit(match.group("url")).path.strip("/"):
            return match.group("url").rstrip(".,;")
    return None


_URL_LINE = re.compile(
    r"^(?:[^\W\d_]+(?:\s[^\W\d_]+)?\s*:\s*)?<?(?P<url>https?://[^\s<>]+)>?[.,;]?$"
)


def _domain(url: str | None) -> str | None:
    """ "https://www.example.co.uk/a/b" -> "example.co.uk": a site's name for itself."""
    host = urlsplit(url).hostname if url else None
    return host.removeprefix("www.") if host and "." in host else None


def find_outlet(
    page: Page,
    boilerplate: list[int],
    first_body: int | None,
    title: int | None = None,
    url: str | None = None,
) -> str | None:
    """The publication, from what the page says of itself.

    A masthead (the name heading the page, "Name | tagline") or a name line under
    the headline is trusted when the page names it again (a copyright line, "subscribe
    to ..."); else a cue in the boilerplate ("© 2021 The X", "via X", a wire
    dateline); else, in a paste, a name line between the headline and its date; else
    the domain of the page's address.
    """
    paragraphs = page.paragraphs
    slot = _outlet_slot(page, title)
    # A masthead stands alone at the top, not as an item of the menu below it.
    named = [
        (_masthead(paragraphs[i]), i)
        for i in range(min(3, len(paragraphs)))
        if not _in_short_run(paragraphs, i)
    ]
    if slot and title is not None:
        named.insert(0, (slot, title + 1))
    for name, index in named:
        confirmed = _confirmed(name, paragraphs, index) if name else None
        if confirmed:
            return confirmed
    scope = [paragraphs[i] for i in boilerplate]
    if first_body is not None:
        scope.append(paragraphs[first_body][:80])
    for pattern in _OUTLET_CUES:
        for text in scope:
            for match in pattern.finditer(text):
                outlet = _org(match)
                if outlet:
                    return outlet
    return slot or _domain(url)


_MASTHEAD_SEP = re.compile(r"\s*(?:[|•·]|\s[-–—]{1,2}\s|:\s)\s*")
_CONNECTORS = {
    "of", "the", "for", "and", "&", "on", "in", "de", "del", "della", "la", "le", "du", "des",
    "der", "die", "das", "di", "da", "do", "van", "von", "y", "e", "et", "und",
}  # fmt: skip


def _name_shaped(text: str) -> bool:
    """Whether a short line reads as a proper name: one to six capitalised words."""
    tokens = text.split()
    if not 1 <= len(tokens) <= 6 or features.ends_sentence(text) or dates.find_date(text):
        return False
    if cues.is_boilerplate_line(text) or cues.CHROME.search(text):
        return False
    return tokens[0][0].isupper() and all(
        token[0].isupper() or token[0].isdigit() or token.lower() in _CONNECTORS for token in tokens
    )


def _is_masthead(page: Page, index: int) -> bool:
    """Whether a top line is "Site Name — tagline" with a name the page names again."""
    text = page.paragraphs[index]
    name = _masthead(text)
    return bool(name and _MASTHEAD_SEP.search(text) and _confirmed(name, page.paragraphs, index))


def _masthead(text: str) -> str | None:
    """The name a page's first lines open on ("Northern Watch Daily — News from ...")."""
    head = _MASTHEAD_SEP.split(text, maxsplit=1)[0].strip()
    if not _name_shaped(head) or cues.is_byline(head):
        return None
    # One plain word ("Accept", "Menu") is a button; a one-word name shows its make
    # ("BuzzFeed", "Aktuálně.cz", "zameer36").
    single = " " not in head and not re.search(r"\w[-A-Z\d.&]", head)
    return None if single else head


def _outlet_slot(page: Page, title: int | None) -> str | None:
    """A name line just under (or over) the headline, with the date or body right after:
    the outlet line of a pasted "Headline / Outlet / Date / body"."""
    if title is None:
        return None
    for index in (title + 1, title - 1):
        if not 0 <= index < len(page.paragraphs) or index >= page.start:
            continue
        text = page.paragraphs[index]
        after = index + 1
        followed = after >= page.start or _furniture(page, after) or page.is_meta(after)
        byline = cues.is_byline(text) or page.is_meta(index)
        plain_word = " " not in text and not re.search(r"\w[-A-Z\d.&]", text)  # "When", "Menu"
        if followed and _name_shaped(text) and not _person(text, page.stoplist) and not byline:
            if plain_word:
                continue
            return _legal_form_dropped(text)
    return None


def _confirmed(name: str, paragraphs: list[str], own: int) -> str | None:
    """The name, as the page writes it again on another line (in its own case), or None."""
    pattern = re.compile(rf"(?<!\w){re.escape(name)}(?!\w)", re.IGNORECASE)
    for index, text in enumerate(paragraphs):
        # again in a sentence or a footer line ("© 2021 Name", "subscribed to Name"),
        # not as one more menu item
        more = cues.words(text) - cues.words(name)
        match = pattern.search(text) if abs(index - own) > 1 and more >= 2 else None
        if match:
            found = match.group(0)
            return _legal_form_dropped(found if name.isupper() and not found.isupper() else name)
    return None


_LEGAL_FORM = re.compile(
    r"(?:,?\s+(?:Inc|Ltd|LLC|GmbH|AG|AS|ASA|SA|S\.A|AB|Oy|plc|PLC|Corp|Co|Pty|BV|NV|SRL|SpA)\.?"
    r"|\s+(?:19|20)\d\d)+$"
)


def _legal_form_dropped(name: str) -> str:
    """ "The Barents Courier AS" -> "The Barents Courier"; "X 2016" -> "X"."""
    return _LEGAL_FORM.sub("", name).strip() or name


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
    name = _legal_form_dropped(" ".join(words).rstrip(".,;:!?"))
    fragment = name[:1].islower() and (" " in name or name.isalpha())  # "a Mozilla-related"
    if not name or _GENERIC_ORG.match(name) or len(name) < 2 or fragment:
        return None
    prefix = match.groupdict().get("t")
    return f"The {name}" if prefix and prefix.strip() == "The" else name


_ABBREVIATION = re.compile(r"^(?:[A-Z]\.)+$|^(?:Inc|Ltd|Co|Corp|St)\.$")
