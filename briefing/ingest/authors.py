"""Who wrote an article: a raw byline (or several) turned into a clean list of names.

Every reader hands its author strings here: an HTML page's `<meta name=author>` and
JSON-LD, a Markdown front matter, a byline found in a text dump. Bylines come dirty:
"By JANE DOE and John Roe, Staff Writers", "Doe, Jane; DOE, JANE", "Jane Doe May 5,
2023", "Jane Doe is a Research Associate at the Institute". What comes out is the
people alone, each once, in their order; `display` joins them for a citation.

The rules are about the shape of a byline, in any outlet: separators, name-shaped
words (capitalised, initials, particles), and the words that name a role or a date.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence

# Words that say what someone does, not who they are: a name stops where they start,
# and a part made of them alone is not a name.
_ROLE_WORDS = {
    "staff", "writer", "writers", "reporter", "reporters", "reporting", "reported", "report",
    "correspondent", "correspondents", "editor", "editors", "editorial", "contributor",
    "contributors", "contributing", "contributed", "columnist", "columnists", "associate",
    "research", "researcher", "fellow", "senior", "junior", "chief", "deputy", "managing",
    "executive", "director", "analyst", "professor", "lecturer", "photographer", "photos",
    "photo", "photography", "video", "illustration", "illustrations", "graphics", "desk",
    "team", "bureau", "agencies", "agency", "wire", "wires", "newsroom", "admin", "edited",
    "edit", "editing", "translated", "translation", "translator", "illustrated",
    "administrator", "guest", "author", "authors", "byline", "special", "freelance",
    "journalist", "journalists", "intern", "producer", "host", "anchor", "updated",
    "published", "posted", "follow", "email", "share", "view", "profile", "more", "read",
    "opinion", "commentary", "news", "online", "web", "digital", "affairs", "politics",
    "head", "candidate", "student", "president", "founder", "ceo", "chair", "member",
    "retired", "former", "visiting", "nonresident", "non-resident", "adjunct", "assistant",
    "university", "institute", "institution", "center", "centre", "foundation", "council",
    "school", "college", "department", "ministry", "press", "media", "group", "times",
    "post", "daily", "weekly", "magazine", "journal", "review", "herald", "tribune",
    "inc", "ltd", "llc", "corp", "company", "network", "service", "services",
    # Job titles: a title-case phrase ending in one ("Software Engineer", "Product
    # Manager") is what someone does. None of these is a common surname.
    "engineer", "engineers", "engineering", "manager", "managers", "developer",
    "developers", "designer", "scientist", "scientists", "architect", "consultant",
    "specialist", "strategist", "coordinator", "evangelist", "programmer", "economist",
    "officer", "advocate", "attorney", "lawyer", "spokesperson", "spokesman",
    "spokeswoman", "adviser", "advisor", "technologist", "scholar", "expert", "physician",
    "historian", "entrepreneur", "secretary", "minister", "vp", "cto", "cfo", "coo",
    "librarian", "curator", "instructor", "researchers", "officers",
}  # fmt: skip
# Words that end an organisation's name: a part that stops at one after a single word
# is no person's ("The Associated Press"); after two, they are a person's name ("Jane
# Doe Associated Press"); after three, the last is the organisation's first word
# ("Jane Doe Example International").
_ORGANISATION = {
    "press", "media", "group", "times", "post", "daily", "news", "online", "network",
    "service", "services", "inc", "ltd", "llc", "corp", "company", "magazine", "journal",
    "review", "herald", "tribune", "weekly", "digital", "web", "university", "institute",
    "foundation", "council", "center", "centre", "agency", "agencies", "wire", "wires",
    "international", "associated", "insider", "today", "report", "monitor", "observer",
    "chronicle", "gazette", "digest", "blog", "hub", "magazin", "quarterly", "monthly",
}  # fmt: skip
# Subjects a publication is named after: a two-word name opening with one ("Tech
# Insider", "Science Weekly") is a title, not a person.
_SUBJECTS = {
    "tech", "technology", "business", "science", "health", "sports", "sport", "finance",
    "financial", "economics", "markets", "energy", "climate", "travel", "food", "fashion",
    "entertainment", "politics", "political", "security", "education", "environment",
    "crypto", "gaming", "auto", "motor", "medical", "legal",
}  # fmt: skip
# Words for a newsroom: "Reuters Staff" is no person, "Jane Doe Staff Writer" is one.
_COLLECTIVE = {"staff", "team", "desk", "bureau", "newsroom", "editors", "reporters"}
# Words that qualify a role just after a name: "Jane Doe, Business Reporter" written
# without its comma.
_ROLE_MODIFIERS = {
    "auto", "business", "political", "politics", "national", "foreign", "science", "health",
    "sports", "sport", "technology", "tech", "economics", "economy", "legal", "investigative",
    "diplomatic", "defense", "defence", "security", "global", "education", "environment",
    "climate", "energy", "markets", "finance", "financial", "travel", "food", "culture",
    "arts", "music", "film", "fashion", "style", "entertainment", "white", "house", "city",
    "metro", "local", "world", "europe", "asia", "africa", "washington", "medical",
}  # fmt: skip
# Words that may stand lower-case inside a name.
_PARTICLES = {
    "van", "von", "der", "den", "de", "del", "della", "di", "da", "das", "dos", "du", "la",
    "le", "ter", "ten", "bin", "bint", "ibn", "al", "el", "y", "zu", "af", "av", "st",
}  # fmt: skip
_MONTHS = {
    "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug",
    "sep", "sept", "oct", "nov", "dec",
}  # fmt: skip
_WEEKDAYS = {
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
    "mon", "tue", "tues", "wed", "thu", "thur", "thurs", "fri", "sat", "sun",
}  # fmt: skip
# Words after which the rest of a part is not the name: "in Kabul", "for The X".
_STOP_WORDS = {
    "in", "at", "for", "from", "on", "of", "with", "via", "is", "was", "who", "has",
    "to", "the", "a", "an", "about", "this", "his", "her", "their", "writes", "says",
}  # fmt: skip
_HONORIFICS = {
    "dr", "prof", "professor", "mr", "mrs", "ms", "miss", "mx", "sir", "dame", "rev",
    "hon", "amb", "ambassador", "gen", "col", "lt", "capt", "maj", "adm", "sen", "rep",
}  # fmt: skip

_LEAD = re.compile(
    r"^\s*(?:(?:additional\s+)?(?:written|words|story|text|reporting|reported|report|posted"
    r"|published|article|compiled|edited|analysis|commentary|interview)\s+)?"
    r"by\b[\s:]*",
    re.IGNORECASE,
)
# Credits for pictures, not words: whoever follows is not an author of the text.
_PICTURE_CREDIT = re.compile(
    r"^\s*(?:photos?|photographs?|photography|pictures?|images?|video|videos|illustrations?"
    r"|graphics?|cartoons?)\s*(?:by|:)",
    re.IGNORECASE,
)
# "y" and "e" join two people in Spanish, Portuguese and Italian bylines, but also the
# two surnames of one person ("Ortega y Gasset"): split only between two full names.
_JOINED = re.compile(r"\s+(?:y|e)\s+")
_URL = re.compile(r"\b(?:https?://|www\.)\S+|\S+@\S+\.\w+|(?<!\w)@\w+", re.IGNORECASE)
_BRACKETS = re.compile(r"\([^)]*\)|\[[^\]]*\]|\{[^}]*\}")
# Strong separators: between authors whatever the commas do.
_STRONG = re.compile(
    r"\s*(?:;|\||/|•|·|、|，|；|\n|\s(?:and|und|et|и|&|with)\s|\s&|&\s|^&|&$)\s*", re.IGNORECASE
)
_COMMA = re.compile(r"\s*,\s*")
_DIGITS = re.compile(r"\d")
_TOKEN_EDGE = "\"'“”‘’«»,.:;!?()[]"
_QUOTES_EDGE = "\"'“”‘’«»,:;!?()[]"  # an initial keeps its full stop


def clean_authors(*raw: str | Iterable[str] | None, exclude: Iterable[str] = ()) -> list[str]:
    """The people named by one or several author strings, each once, in order.

    `exclude` holds names that are not people here (the outlet, the site): an author
    made of its words ("Example News" for the outlet "Example News Online") is left out.
    """
    names: list[str] = []
    for item in raw:
        if item is None:
            continue
        strings = [item] if isinstance(item, str) else list(item)
        for text in strings:
            names.extend(_names_in(str(text)))
    excluded = [_words(name) for name in exclude if name and _words(name)]
    kept: dict[str, str] = {}
    for name in names:
        key, words = _key(name), _words(name)
        if not key or any(words <= other or other <= words for other in excluded):
            continue
        same = next((k for k in kept if _same_person(kept[k], name)), None)
        if same is None:
            kept[key] = name
        elif _better(name, kept[same]):
            kept[same] = name
    return [_calm(name) for name in kept.values()]


def _same_person(a: str, b: str) -> bool:
    """ "Jane Doe", "JANE DOE", "Jane Q. Doe": the same person written three ways."""
    if _key(a) == _key(b):
        return True
    bare = [[w for w in _words_in_order(n) if len(w) > 1] for n in (a, b)]
    return len(bare[0]) >= 2 and bare[0] == bare[1]


def _better(name: str, than: str) -> bool:
    """Of two spellings of one person, the one not shouted, then the fuller one."""
    if _shouting(than) != _shouting(name):
        return _shouting(than)
    return len(name) > len(than)


def _words_in_order(name: str) -> list[str]:
    folded = unicodedata.normalize("NFKD", name.casefold())
    plain = "".join(c for c in folded if not unicodedata.combining(c))
    return re.findall(r"\w+", plain)


def _words(name: str) -> frozenset[str]:
    return frozenset(w for w in _words_in_order(name) if w != "the")


def display(authors: Sequence[str]) -> str | None:
    """ "A", "A and B", "A, B and C"; None for nobody."""
    if not authors:
        return None
    if len(authors) == 1:
        return authors[0]
    return ", ".join(authors[:-1]) + " and " + authors[-1]


def _names_in(text: str) -> list[str]:
    text = unicodedata.normalize("NFC", " ".join(text.split()))
    text = _BRACKETS.sub(" ", _URL.sub(" ", text))
    names: list[str] = []
    chunks = [
        part
        for chunk in _STRONG.split(text)
        if chunk and chunk.strip() and not _PICTURE_CREDIT.match(chunk)
        for part in _two_people(chunk)
    ]
    # "A, B and C" is a list; "Doe, Jane and Roe, John" is two inverted names.
    listed = len(chunks) > 1 and "," in chunks[0] and any("," not in chunk for chunk in chunks[1:])
    for chunk in chunks:
        chunk = _LEAD.sub("", chunk.strip())
        parts = [p for p in _COMMA.split(chunk) if p.strip()]
        inverted = None if listed else _inverted_pairs(parts)
        if inverted:
            names.extend(inverted)
            continue
        previous: str | None = None
        for part in parts:
            if previous and _is_role(part):
                continue  # "Jane Doe, Principal Product Manager": her job, whatever its words
            name = _one_name(_LEAD.sub("", part))
            if name is None:
                continue  # "Jane Doe, Staff Writer": what follows a name describes her
            if not listed and previous and " " in previous and " " not in name:
                continue  # "Jane Doe, Kabul", "Jane Doe, Reuters": a place or an employer
            names.append(name)
            previous = name
    return names


def _two_people(chunk: str) -> list[str]:
    parts = _JOINED.split(chunk)
    if len(parts) == 2 and all(len(part.split()) >= 2 for part in parts):
        return parts
    return [chunk]


def _inverted_pairs(parts: list[str]) -> list[str] | None:
    """ "Doe, Jane" or "Doe, Jane, Roe, John": surname-first names, when every pair is one."""
    if not parts or len(parts) % 2:
        return None
    names = [_inverted(parts[at : at + 2]) for at in range(0, len(parts), 2)]
    return [name for name in names if name] if all(names) else None


def _inverted(parts: list[str]) -> str | None:
    """ "Doe, Jane" or "Doe, Jane A." -> "Jane Doe": a one-word surname, then given names."""
    if len(parts) != 2:
        return None
    surname, given = parts[0].split(), parts[1].split()
    if len(surname) != 1 or _is_role(parts[0]) or _is_role(parts[1]):
        return None
    # "Doe, Jane A." yes; "Reuters, Jane Doe" no: two given words only with an initial.
    if not (len(given) == 1 or (len(given) == 2 and any(_initial(g) for g in given))):
        return None
    if not all(_name_token(token) for token in surname + given):
        return None
    return _one_name(f"{parts[1]} {parts[0]}")


def _one_name(part: str) -> str | None:
    tokens: list[str] = []
    for raw in part.split():
        token = raw.strip(_QUOTES_EDGE)
        if not _initial(token):
            token = raw.strip(_TOKEN_EDGE)
        word = token.lower().strip(".")
        if not token:
            continue
        if not tokens and word in _HONORIFICS:
            continue
        if _initial(token) or (tokens and word in ("jr", "sr")):
            tokens.append(token if word not in ("jr", "sr") else word.capitalize() + ".")
            continue
        glued = re.match(r"^([^\W\d_]{2,})\d", token)
        if glued and tokens:  # "Jane Doe22 Dec 2016": a date run into the name
            tokens.append(glued.group(1))
            break
        if (
            word in _ROLE_WORDS
            or word in _ORGANISATION
            or word in _WEEKDAYS
            or _DIGITS.search(token)
        ):
            if word in _ORGANISATION:
                if len(tokens) < 2:
                    return None  # "The Associated Press": an organisation
                if len(tokens) > 2:
                    tokens.pop()  # "Jane Doe Example International": hers is the rest
            elif word in _COLLECTIVE and len(tokens) == 1:
                return None  # "Reuters Staff"
            else:
                while len(tokens) > 2 and tokens[-1].lower() in _ROLE_MODIFIERS:
                    tokens.pop()  # "Jane Doe Business Reporter"
            break
        if tokens and word in _STOP_WORDS and word not in _PARTICLES:
            break
        if not _name_token(token):
            break
        tokens.append(token)
    # A trailing month is a date's start ("Jane Doe May 5"); a name of one word and a
    # month ("Theresa May") keeps it.
    while len(tokens) >= 3 and tokens[-1].lower().strip(".") in _MONTHS:
        tokens.pop()
    while tokens and tokens[-1].lower() in _PARTICLES:
        tokens.pop()
    if not tokens or len(tokens) > 6:
        return None
    if _acronym(tokens[0]) and not all(_shouting(t) for t in tokens):
        return None  # "AP National Writer", "CNN Business": an agency's label
    if tokens[0].lower() in ("the", "a", "an"):
        return None  # "The Example Gazette": no person's name opens with an article
    if len(tokens) == 2 and tokens[0].lower() in _SUBJECTS:
        return None  # "Tech Insider": a publication named after its subject
    name = " ".join(tokens).strip(" ,-")  # a full stop left is an initial's or "Jr."'s
    if re.search(r"\b[A-Z]$", name):
        name += "."  # "Jane Q" was "Jane Q." before the edge was stripped
    cased = [t for t in tokens if _cased(t)]
    if len(tokens) == 1:
        word = tokens[0].lower().strip(".")
        if word in _MONTHS or word in _PARTICLES or word in _HONORIFICS:
            return None
        if cased:
            # "AP", "Staff", "Username", "Reuters": a byline names a person by two names
            # at least; one word alone is an agency, a label or a login.
            return None
        if not cased and len(name) < 2:
            return None
    return name


def _name_token(token: str) -> bool:
    """Could this word stand in a person's name? Capitalised, an initial, a particle, or
    written in a script without case."""
    if token.lower() in _PARTICLES or _initial(token):
        return True
    letters = [c for c in token if c.isalpha()]
    if not letters or any(c.isdigit() for c in token):
        return False
    if not re.fullmatch(r"[\w.'’-]+", token):
        return False
    if not any(_cased(c) for c in letters):
        return True  # CJK, Arabic, Devanagari...: no case to judge by
    first = next(c for c in token if c.isalpha())
    return first.isupper() or bool(re.match(r"^(?:[dDlL]['’]|[oO]['’])[A-Z]", token))


def _acronym(token: str) -> bool:
    return bool(re.fullmatch(r"[A-Z]{2,4}", token))


def _initial(token: str) -> bool:
    return bool(re.fullmatch(r"(?:[A-Z]\.){1,3}-?|[A-Z]\.-[A-Z]\.", token.strip(",;:")))


def _cased(text: str) -> bool:
    return any(c.lower() != c.upper() for c in text)


def _is_role(part: str) -> bool:
    words = [w.lower().strip(_TOKEN_EDGE) for w in part.split()]
    return any(w in _ROLE_WORDS for w in words) or bool(_DIGITS.search(part))


def _shouting(name: str) -> bool:
    letters = [c for c in name if _cased(c)]
    return bool(letters) and all(c.isupper() for c in letters)


def _calm(name: str) -> str:
    """ "JANE DOE" -> "Jane Doe" when nothing but the capitals is known of her."""
    if not _shouting(name) or len(name.split()) < 2:
        return name
    return " ".join(
        token if _initial(token) else "-".join(p.capitalize() for p in token.split("-"))
        for token in name.split()
    )


def _key(name: str) -> str:
    folded = unicodedata.normalize("NFKD", name.casefold())
    return "".join(c for c in folded if c.isalnum())


def split_names(text: str) -> list[str]:
    """The names of a display string a person wrote ("A, B and C", "A; B"), as written:
    split at the separators only, nothing judged or dropped."""
    text = " ".join(text.split())
    chunks = [c.strip() for c in re.split(r"\s*;\s*|\s+(?:and|&)\s+", text) if c.strip()]
    if len(chunks) > 1 and "," in chunks[0] and ";" not in text:
        chunks = [c for c in _COMMA.split(chunks[0]) if c] + chunks[1:]
    return list(dict.fromkeys(chunks))
