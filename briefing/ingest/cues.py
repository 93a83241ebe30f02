"""Recognisers for the kinds of lines that web dumps carry around an article.

They are families of cue phrases and shapes (a byline, a photo credit, a
subscription box), not strings copied from particular sites, so that articles
from sites never seen are cleaned by the same rules. Both the cleaner and the
metadata reader use them.
"""

from __future__ import annotations

import functools
import re

from briefing.ingest.features import SENTENCE_END, units

HONORIFIC = (
    r"(?:Dr|Prof|Professor|Ambassador|Amb|Mr|Mrs|Ms|Miss|Mx|Sir|Dame|Gen|General|Col|Colonel"
    r"|Lt|Capt|Captain|Maj|Major|Brig|Adm|Admiral|Rev|Hon|Sen|Senator|Rep|Judge|Justice|Engr)"
)
# One name token: a capitalised word, an initial ("M.", "M.K."), a hyphenated or
# apostrophised surname, or a lowercase particle that sits inside names.
_NAME_TOKEN = (
    r"(?:[A-Z][\w'’.-]*|(?:de|da|del|der|van|von|bin|ibn|al|el|la|le|di|du|dos)(?=\s+[A-Z]))"
)
NAME = rf"{_NAME_TOKEN}(?:[ \t]+{_NAME_TOKEN}){{0,4}}"

# "By X", also glued to the word before it ("Pakistan-RussiaBy X") or after a
# comma ("1 December 2014, by X"); "Written by", "Words by", "Story by" too.
BYLINE = re.compile(
    r"(?:(?:^|(?<=[\s|,;—–(-]))(?:Written|Words|Story|Posted|Text)\s+by"
    r"|(?:^|(?<=[\s|;—–(-])|(?<=[a-z)]))By|(?:^|(?<=,\s)|(?<=\|\s)|(?<=\d\s))by)"
    rf"\s+(?:{HONORIFIC}\.?\s+)*(?P<name>{NAME}(?:\s*(?:,|and|&)\s*{NAME})*)"
)
# "Priya Raghunathan | 14 February 2022": a bare name beside the date.
BYLINE_DATED = re.compile(
    rf"^(?P<name>{NAME})\s*[|·•—–]\s*(?:\w+day,?\s+)?(?:\d{{1,2}}\s+)?[A-Z][a-z]{{2,8}}\.?\s+\d"
)
AUTHOR_LABEL = re.compile(
    rf"^(?:Author|Writer|Byline)s?\s*:\s*(?:{HONORIFIC}\.?\s+)*(?P<name>{NAME})"
)
REPORTING_BY = re.compile(rf"\bReporting by\s+(?:{HONORIFIC}\.?\s+)*(?P<name>{NAME})")

# A photo credit or caption marker: "(AP photo by X)", "(Photo: X)", "Photo credit:",
# "Image: X/Reuters", "File photo", "Getty Images".
CAPTION = re.compile(
    r"\((?:[A-Z]{2,6}\s+|File\s+)?(?:photo|foto|image|picture|pic|bild)\b[^)]*\)"
    r"|\(\s*(?:photo\s+)?credits?\s*:[^)]*\)"
    r"|^(?:photo|foto|image|picture|credit|photo credit|image credit|caption)s?\s*[:|]"
    r"|\|\s*(?:photo|foto|image|bild)s?\s*:"
    r"|(?:(?<=[a-z.])|\s)(?:photo\s+)?credits?:\s*[^.]{2,60}$"
    r"|\b(?:photo|image|picture)s?\s*(?:credit|courtesy)\b"
    r"|\b(?:Getty Images|Shutterstock|AFP via Getty|Creative Commons License)\b",
    re.IGNORECASE,
)
# Each branch of CAPTION holds one of these, in any case: a paragraph without any is
# spared the regex (most of them). See `may_hold`.
CAPTION_HINTS = (
    "pic", "photo", "foto", "image", "bild", "credit", "caption", "getty", "shutterstock",
    "creative commons",
)  # fmt: skip

# A wire story's dateline opening its first paragraph: "SANTIAGO, May 9 (Reuters) - ".
DATELINE = re.compile(
    r"^[A-Z][A-Z .'-]{2,40}(?:,\s*[A-Z][a-z]+\.?(?:\s+\d{1,2})?)?\s*(?:\([\w .&]+\)\s*)?[-—–:]\s"
)

BREADCRUMB_SEP = re.compile(r"\s+[>»›]\s+")

# "Mainstream, VOL LII, No 49, November 29, 2014": a periodical's issue line.
ISSUE_LINE = re.compile(
    r"^(?P<o>[^,\n]{2,60}?),?\s+Vol(?:ume)?\.?\s*[IVXLC\d]+\s*,?\s*(?:No|Number|Issue)\.?\s*\d+",
    re.IGNORECASE,
)

# "Posted on", "Published", "Updated", "Date:" introduce a publication date.
DATE_LABEL = re.compile(
    r"\b(?:posted|published|updated|last updated|first published|date|dated)\b\s*(?:on|:)?",
    re.IGNORECASE,
)

# Headings after which the rest of the page is comments, a paywall or an author
# box: nothing after them is the article.
TERMINAL_HEADING = re.compile(
    r"^(?:leave a (?:reply|comment)|post a comment|add a comment"
    r"|join the (?:discussion|conversation)"
    r"|\d*\s*(?:comments?|responses?|replies)(?:\s*\(\d+\))?|comments are closed.*"
    r"|(?:\d+|one) (?:thoughts?|comments?|responses?|replies) (?:on|to) .*"
    r"|show comments|view comments"
    r"|about the (?:author|writer)s?|keep reading.*|continue reading.*|discover more from .*"
    r"|already (?:a|an) (?:subscriber|member).*|subscribe (?:now )?to (?:continue|keep) reading.*"
    r"|to (?:continue|keep) reading.*|(?:this|the rest of this) (?:article|story) is (?:for|only).*"
    r"|you have reached your (?:free )?(?:article )?limit.*)[.!:]*$",
    re.IGNORECASE,
)

# Headings of a box of teasers for other articles; the box ends when the article
# plainly resumes.
TEASER_HEADING = re.compile(
    r"^(?:related(?: articles?| posts?| stories| content| coverage| news| reading)?"
    r"|check (?:also|this out)|see also|also read|read (?:more|next|also)|more (?:stories|news)"
    r"|you (?:may|might) (?:also )?(?:like|enjoy|be interested in)|recommended(?: for you)?"
    r"|most (?:read|popular|viewed|shared)(?: (?:in|on|from) [\w ]{2,30})?|trending(?: now)?"
    r"|latest(?: news| stories)?"
    r"|further reading|editor'?s? picks?|popular posts|recent posts"
    r"|more (?:from |in |on )?(?:the )?[A-Z][\w&'’.-]*(?:\s+[A-Z][\w&'’.-]*){0,4})\s*[:.]?$",
    re.IGNORECASE,
)

# Boilerplate that no body paragraph says, whatever its length: at a paragraph's
# start, or anywhere in it. Each phrase of STRONG holds one of STRONG_HINTS, a
# cheap substring test that spares the regex on almost every body paragraph.
STRONG_START = re.compile(
    r"^(?:editor'?s?\s+note\s*:|\(?(?:reporting|editing|additional reporting) by\b"
    r"|our standards\s*:|(?:tags?|filed under|categories|category|topics)\s*:)",
    re.IGNORECASE,
)
STRONG = re.compile(
    r"views (?:and opinions )?expressed (?:in this|here|by)"
    r"|do not necessarily (?:reflect|represent)"
    r"|all rights (?:are )?reserved|\bISSN\b|\bRNI No\b|this site uses akismet"
    r"|your email address will not be published|required fields are marked"
    r"|(?:we|this (?:site|website)) uses? cookies|by continuing to (?:use|browse)"
    r"|accept (?:all )?cookies|cookie (?:policy|settings|preferences)"
    r"|the thomson reuters trust principles|subject to copyright|community guidelines",
    re.IGNORECASE,
)
STRONG_HINTS = (
    "expressed", "necessarily", "reserved", "issn", "rni no", "akismet", "published",
    "required fields", "cookie", "continuing to", "trust principles", "copyright",
    "guidelines",
)  # fmt: skip

# Cues of the boilerplate families. One is enough on a short line, a paragraph of
# middling length needs two, and a long paragraph is never judged by them: a body
# paragraph may well mention a subscription or a newsletter.
WEAK = re.compile(
    r"\b(?:subscri(?:be|ption)s?\b|newsletters?\b|sign (?:up|in)\b|log ?in\b"
    r"|share (?:this|on|via)\b|follow us\b|click here\b|read (?:more|full|the full)\b"
    r"|complete article\b|copyright\s*(?:©|\(c\)|\d{4})|privacy policy\b"
    r"|terms (?:of|and) (?:use|service|conditions)\b|scroll to top\b|back to top\b"
    r"|email address\b|can be (?:reached|contacted) (?:at|on|via)\b|(?:\d+ )?min(?:ute)?s? read\b"
    r"|listen to (?:this|the) (?:article|story)\b|support (?:our|independent) journalism\b"
    r"|ad-free\b|full access\b|free trial\b|unlimited access\b|continue reading\b"
    r"|keep reading\b|inbox\b|unsubscribe\b|sponsored content\b|paid partnership\b"
    r"|donat(?:e|ion|ions)\b|transcript (?:provided|by|produced)\b|may contain errors\b"
    r"|home\s*[>»›/|])|©|\(c\)\s*\d{4}|^(?:posted|published|updated|last updated)(?: on\b|:)",
    re.IGNORECASE,
)
# Page chrome words, trusted only on a line of a few words ("Share on Facebook").
CHROME = re.compile(
    r"\b(?:facebook|twitter|whatsapp|linkedin|telegram|reddit|pinterest|email|e-mail|print|share"
    r"|tweet|advertisement|advertising|sponsored|podcast|donate|register|menu|search|comments?"
    r"|reply|loading|subscribe|login)\b",
    re.IGNORECASE,
)

# "X is an independent journalist...", "Ambassador X was a career diplomat...".
BIO = re.compile(
    rf"^(?:{HONORIFIC}\.?\s+)?{NAME}\s*,?\s+(?:is|was|has been|serves as|works as|teaches|writes)\b"
    r".{0,120}?\b(?:journalist|researcher|research|scholar|diplomat|professor|writer|editor|analyst"
    r"|correspondent|fellow|director|author|contributor|student|lecturer|reporter|columnist"
    r"|commentator|consultant|expert|economist|historian|specialist|officer|founder|blogger"
    r"|freelance|phd|candidate)",
)
BIO_PRONOUN = re.compile(r"^(?:s?he|they) (?:writes|teaches|tweets|can be)\b", re.IGNORECASE)

BULLET = re.compile(r"^\s*(?:[-*+•▪◦·‣]|\d{1,3}[.)])\s+")


def words(text: str) -> int:
    """How many words a paragraph has (characters count where a script has no spaces)."""
    return units(text)


def is_prose(text: str, min_words: int) -> bool:
    """Whether a paragraph reads as running sentences of at least `min_words` words."""
    count = words(text)
    if count < min_words or not SENTENCE_END.search(text):
        return False
    return not BULLET.match(text) or count >= 20  # a long numbered item is prose too


@functools.lru_cache(maxsize=8192)
def is_boilerplate_line(text: str) -> bool:
    """Whether a paragraph matches a boilerplate cue, weighing weak cues by its length."""
    lowered = text.lower()
    if STRONG_START.match(text) or _strong_cue(text, lowered):
        return True
    count = words(text)
    if count > 60:
        return False  # a long paragraph is body unless a strong cue says otherwise
    caption = may_hold(CAPTION_HINTS, text, lowered) and CAPTION.search(text)
    if caption or ISSUE_LINE.match(text) or _is_breadcrumb(text):
        return True
    ends_sentence = SENTENCE_END.search(text) and not text.endswith(("...", "…"))
    if count <= 8 and CHROME.search(text) and not ends_sentence:
        return True
    if count > 45:
        return False
    hits = len(WEAK.findall(text))
    return hits >= 2 or (hits == 1 and count <= 15)


def has_strong_cue(text: str) -> bool:
    """Whether a paragraph says something only boilerplate says (a disclaimer, a copyright)."""
    return _strong_cue(text, text.lower())


def _strong_cue(text: str, lowered: str) -> bool:
    return any(hint in lowered for hint in STRONG_HINTS) and bool(STRONG.search(text))


# The letters that re's case-blind matching pairs with an ASCII letter where str.lower()
# does not give that letter alone: dotless i, long s, and the dotted capital I (lowered
# to "i" and a combining dot).
_FOLDS_TO_ASCII = re.compile("[\u0131\u017f\u0130]")


def may_hold(hints: tuple[str, ...], text: str, lowered: str) -> bool:
    """False when a case-blind regex each of whose branches holds one of `hints` (lower
    case, ASCII) cannot match `text` (`lowered` is text.lower())."""
    if any(hint in lowered for hint in hints):
        return True
    return not text.isascii() and _FOLDS_TO_ASCII.search(text) is not None


def _is_breadcrumb(text: str) -> bool:
    return len(BREADCRUMB_SEP.findall(text)) >= 2 and words(text) <= 30


def is_breadcrumb(text: str) -> bool:
    """Whether a line is a breadcrumb trail ("Home > Archives > 2014 > Title")."""
    return _is_breadcrumb(text)


@functools.lru_cache(maxsize=8192)
def is_byline(text: str) -> bool:
    """Whether a short line names the author ("By X", "Monday 1 December 2014, by X")."""
    if words(text) > 16:
        return False
    return bool(BYLINE.search(text) or AUTHOR_LABEL.match(text) or BYLINE_DATED.match(text))
