"""What a web page declares about itself: JSON-LD, Open Graph, `<meta>` tags, `<title>`.

Publishers describe their articles for search engines and social sites: a JSON-LD
`NewsArticle` (alone, in a list or in an `@graph`), Open Graph `og:` properties,
`<meta name=author>`, `article:published_time`, a canonical link. These are read
here as candidates, best source first, and `choose_*` picks among them and what
trafilatura found in the page's text. Only declared metadata is read, so a menu or a
caption never gets here; an organisation is not an author, and a company's legal name
is not the outlet.
"""

from __future__ import annotations

import datetime as dt
import html as entities
import json
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from lxml import html as lxml_html

# JSON-LD types that describe the article itself (schema.org's CreativeWork kinds a
# page uses for its main text).
_ARTICLE_TYPE = re.compile(
    r"(?:^|:|/)(?:\w*Article|BlogPosting|LiveBlogPosting|SocialMediaPosting|DiscussionForumPosting"
    r"|Report|Review|Posting|CreativeWork|WebPage|ItemPage|Chapter|Book)$"
)
_PROPER = re.compile(r"Article|Posting|Report")
_SITE_TYPE = re.compile(r"(?:^|:|/)(?:WebSite|Periodical|Newspaper|Blog)$")
_ORG_TYPE = re.compile(r"(?:^|:|/)(?:Organization|NewsMediaOrganization|Corporation|Brand)$")

# <meta> keys (name, property or itemprop, lower-cased), best first.
_TITLE_KEYS = (
    "og:title", "twitter:title", "dc.title", "dcterms.title", "parsely-title",
    "citation_title", "headline",
)  # fmt: skip
_SITE_KEYS = ("og:site_name", "application-name", "citation_journal_title", "dc.publisher")
_AUTHOR_KEYS = (
    "author", "article:author", "og:article:author", "dc.creator", "dcterms.creator",
    "parsely-author", "sailthru.author", "citation_author", "byl", "byline",
)  # fmt: skip
_DATE_KEYS = (
    "article:published_time", "og:article:published_time", "datepublished",
    "citation_publication_date", "citation_date", "dc.date.issued", "dcterms.issued",
    "dc.date", "dcterms.date", "dcterms.created", "parsely-pub-date", "pubdate", "publishdate",
    "publish-date", "date",
)  # fmt: skip
_URL_KEYS = ("og:url", "twitter:url")


@dataclass
class PageMeta:
    """The page's declared metadata, each field's candidates best first."""

    titles: list[str] = field(default_factory=list)  # headline declarations (not <title>)
    page_title: str | None = None  # the document's <title>
    headings: list[str] = field(default_factory=list)  # the <h1> texts
    people: list[str] = field(default_factory=list)  # authors JSON-LD types as a Person
    authors: list[str] = field(default_factory=list)  # other author strings, best first
    sites: list[str] = field(default_factory=list)  # the site's own name
    publishers: list[str] = field(default_factory=list)  # the publishing organisation
    dates: list[str] = field(default_factory=list)  # raw date strings, published first
    urls: list[str] = field(default_factory=list)  # absolute http(s) addresses


def read_page_meta(tree: lxml_html.HtmlElement) -> PageMeta:
    """Every declaration of title, author, site, date and address the page makes."""
    meta = PageMeta()
    _read_json_ld(tree, meta)
    tags = _meta_tags(tree)
    for key in _TITLE_KEYS:
        meta.titles.extend(tags.get(key, []))
    for key in _SITE_KEYS:
        meta.sites.extend(tags.get(key, []))
    for key in _AUTHOR_KEYS:
        meta.authors.extend(value for value in tags.get(key, []) if not _is_url(value))
    for key in _DATE_KEYS:
        meta.dates.extend(tags.get(key, []))
    for node in tree.xpath("//time[@datetime][@itemprop='datePublished' or @pubdate]"):
        meta.dates.append(str(node.get("datetime")))
    canonical = tree.xpath("//link[translate(@rel, 'CANONICAL', 'canonical')='canonical']/@href")
    for value in [*canonical, *(v for key in _URL_KEYS for v in tags.get(key, []))]:
        url = _absolute(str(value))
        if url:
            meta.urls.append(url)
    meta.urls = _dedupe([url for url in meta.urls if not _is_home(url)] or meta.urls)
    title = tree.xpath("//head/title | //title[not(ancestor::svg) and not(ancestor::body)]")
    meta.page_title = _text(title[0].text_content()) if title else None
    meta.headings = [t for t in (_text(h.text_content()) for h in tree.xpath("//h1")) if t]
    for name in ("titles", "people", "authors", "sites", "publishers", "dates"):
        setattr(meta, name, _dedupe([t for t in map(_text, getattr(meta, name)) if t]))
    return meta


def _meta_tags(tree: lxml_html.HtmlElement) -> dict[str, list[str]]:
    tags: dict[str, list[str]] = {}
    for node in tree.xpath("//meta[@content]"):
        content = _text(node.get("content"))
        if not content:
            continue
        for attribute in ("property", "name", "itemprop"):
            # RDFa allows several properties in one attribute: "dc:title og:title".
            for key in (node.get(attribute) or "").lower().split():
                key = re.sub(r"^(dc|dcterms):", r"\1.", key)  # "dc:title" is "DC.title"
                tags.setdefault(key, []).append(content)
    return tags


def _read_json_ld(tree: lxml_html.HtmlElement, meta: PageMeta) -> None:
    articles: list[dict[str, Any]] = []
    for script in tree.xpath("//script[contains(translate(@type, 'JSONLD', 'jsonld'), 'ld+json')]"):
        for item in _objects(_parse_json(script.text_content() or "")):
            types = _types(item)
            if any(_ARTICLE_TYPE.search(t) for t in types):
                articles.append(item)
            elif any(_SITE_TYPE.search(t) for t in types):
                meta.sites.extend(_names(item.get("name")))
    # The article proper before pages that only wrap it: a NewsArticle beats a WebPage.
    articles.sort(key=lambda item: not any(_PROPER.search(t) for t in _types(item)))
    for item in articles:
        meta.titles.extend(_strings(item.get("headline")) + _strings(item.get("name")))
        for key in ("author", "creator"):
            for person, typed in _people(item.get(key)):
                (meta.people if typed else meta.authors).append(person)
        meta.dates.extend(_strings(item.get("datePublished")) or _strings(item.get("dateCreated")))
        for part in _list(item.get("isPartOf")):
            if isinstance(part, dict) and any(_SITE_TYPE.search(t) for t in _types(part)):
                meta.sites.extend(_names(part.get("name")))
        for publisher in _list(item.get("publisher")):
            named = publisher.get("name") if isinstance(publisher, dict) else publisher
            meta.publishers.extend(_names(named))
        for key in ("url", "mainEntityOfPage"):
            for value in _list(item.get(key)):
                value = value.get("@id") or value.get("url") if isinstance(value, dict) else value
                url = _absolute(str(value)) if isinstance(value, str) else None
                if url:
                    meta.urls.append(url)


def _parse_json(text: str) -> Any:
    """JSON-LD as pages write it: wrapped in CDATA or comments, trailing semicolons, or
    several objects in a row."""
    text = re.sub(r"<!--|-->|<!\[CDATA\[|\]\]>", " ", text)
    starts = [at for at in (text.find("{"), text.find("[")) if at >= 0]
    end = max(text.rfind("}"), text.rfind("]"))
    if not starts or end < 0:
        return None
    text = text[min(starts) : end + 1]
    try:
        return json.loads(text, strict=False)
    except ValueError:
        pass
    decoder, found, at = json.JSONDecoder(strict=False), [], 0
    while at < len(text):
        try:
            value, end = decoder.raw_decode(text, at)
        except ValueError:
            break
        found.append(value)
        at = end
        while at < len(text) and text[at] in " \t\r\n,;":
            at += 1
    return found


def _objects(value: Any, depth: int = 0) -> list[dict[str, Any]]:
    """The typed objects of a JSON-LD document: top-level, in lists, in @graph."""
    if depth > 4:
        return []
    if isinstance(value, list):
        return [obj for item in value for obj in _objects(item, depth + 1)]
    if not isinstance(value, dict):
        return []
    found = [value] if "@type" in value else []
    for key in ("@graph", "mainEntity", "itemListElement"):
        if key in value:
            found.extend(_objects(value[key], depth + 1))
    return found


def _types(item: dict[str, Any]) -> list[str]:
    return [str(t) for t in _list(item.get("@type"))]


def _people(value: Any) -> list[tuple[str, bool]]:
    """Author names, and whether each is typed a Person; organisations are left out: a
    company is not who wrote the article."""
    names: list[tuple[str, bool]] = []
    for item in _list(value):
        if isinstance(item, str) and not _is_url(item):
            names.append((item, False))
        elif isinstance(item, dict) and not any(_ORG_TYPE.search(t) for t in _types(item)):
            person = any(t.endswith("Person") for t in _types(item))
            names.extend((name, person) for name in _names(item.get("name")))
    return names


def _names(value: Any) -> list[str]:
    return [name for name in _strings(value) if not _is_url(name)]


def _strings(value: Any) -> list[str]:
    if isinstance(value, dict):
        value = value.get("@value") or value.get("name")
    return [str(item) for item in _list(value) if isinstance(item, str | int) and str(item).strip()]


def _list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _text(value: str | None) -> str | None:
    text = " ".join(str(value).split()) if value else ""
    if "&" in text:
        text = entities.unescape(text)  # "&amp;amp;": an entity escaped twice by a template
    return text or None


def _dedupe(values: list[str]) -> list[str]:
    return list(dict.fromkeys(values))


def _is_url(text: str) -> bool:
    return bool(re.match(r"^(?:https?:)?//|^www\.", text.strip(), re.IGNORECASE))


def _absolute(value: str) -> str | None:
    value = value.strip()
    if value.startswith("//"):
        value = "https:" + value
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or " " in value:
        return None
    return value


def _is_home(url: str) -> bool:
    """A site's front page: a canonical link a template got wrong, not the article's."""
    return urlsplit(url).path.strip("/") == ""


def host(url: str | None) -> str:
    """`https://www.example.co.uk/a` -> `example.co.uk`."""
    name = urlsplit(url).netloc.lower() if url else ""
    return re.sub(r"^www\d*\.|:\d+$", "", name)


# -- choosing ---------------------------------------------------------------------------

# A company's legal form: the name of an owner, not of a publication.
_CORPORATE = re.compile(
    r"\b(?:Inc|LLC|L\.L\.C|Ltd|Limited|GmbH|AG|S\.?A|S\.?p\.?A|B\.?V|N\.?V|PLC|Corp"
    r"|Corporation|Co|Holdings?|Group|Media Group|Foundation|Company)\b\.?\s*$",
    re.IGNORECASE,
)

# Separators between a headline and the site's name in a <title>: spaced, so that a
# hyphenated word or "Covid-19" is never cut; "_" and a full-width bar need no spaces.
_TITLE_SEPARATOR = re.compile(r"\s+[-|–—·•»«/~]+\s+|\s+::\s+|\s*[_｜]\s*")
_WORD = re.compile(r"\w+")


def choose_outlet(meta: PageMeta) -> str | None:
    """The site's own name (og:site_name, application-name, a JSON-LD WebSite), else the
    publisher the JSON-LD names unless that is a company ("X Media, Inc."): the owner is
    not the outlet.

    A <title> suffix ("Headline - Name") is not taken as the outlet: it is as often a
    section or a person as the site, and a citation is better without an outlet than
    with a wrong one. It is only cut off the title (see `choose_title`).
    """
    publishers = [name for name in meta.publishers if not _CORPORATE.search(name)]
    for name in [*meta.sites, *publishers]:
        if name and not _is_url(name):
            # "Site - Latest News & Headlines": a site name with its tagline
            return _TITLE_SEPARATOR.split(name)[0]
    return None


def choose_title(
    meta: PageMeta, outlet: str | None, url: str | None, found: str | None
) -> str | None:
    """The headline: a declared title that agrees with what the page shows (its <title>
    or a heading), else the <title>, else what trafilatura found; without the site's name.

    A declaration that agrees with nothing shown is a site-wide default ("X - Latest
    News"), left over by a template.
    """
    shown = [t for t in [meta.page_title, *meta.headings[:3]] if t]
    chosen = next((t for t in meta.titles if not shown or any(_similar(t, s) for s in shown)), None)
    # A <title> that is a heading plus decorations ("Headline_Section_Site"): the heading.
    heading = next(
        (h for h in meta.headings[:3] if meta.page_title and _starts(meta.page_title, h)), None
    )
    chosen = chosen or heading or meta.page_title or found
    if not chosen:
        return None
    names = [outlet or "", *meta.sites[:1], *meta.publishers[:1], site_from_title(meta) or ""]
    title = strip_site(chosen, names, url)
    return None if _is_site(title, names, url) else title


def strip_site(title: str, outlets: list[str], url: str | None) -> str:
    """ "Headline - Site" and "Site | Headline" -> "Headline", when Site is the outlet."""
    parts = _TITLE_SEPARATOR.split(title)
    separators = _TITLE_SEPARATOR.findall(title)
    while len(parts) > 1 and _is_site(parts[-1], outlets, url):
        parts.pop()
        separators.pop()
    while len(parts) > 1 and _is_site(parts[0], outlets, url):
        parts.pop(0)
        separators.pop(0)
    out = parts[0]
    for separator, part in zip(separators, parts[1:], strict=True):
        out += separator + part
    return out


def site_from_title(meta: PageMeta) -> str | None:
    """The site's name as its <title> carries it: "Headline - Site", where the page also
    declares or shows "Headline" alone."""
    if not meta.page_title:
        return None
    parts = _TITLE_SEPARATOR.split(meta.page_title)
    if len(parts) < 2:
        return None
    head, site = " ".join(parts[:-1]), parts[-1].strip()
    alone = [*meta.titles, *meta.headings[:3]]
    if not any(_key(head) == _key(t) or _similar(head, t) and len(parts) == 2 for t in alone):
        return None
    if not site or len(_WORD.findall(site)) > 6 or re.search(r"\d", site):
        return None
    return site


def choose_date(meta: PageMeta, found: str | None) -> str | None:
    """The publication day the page declares, else the one trafilatura's htmldate found."""
    from briefing.ingest.dates import find_date

    for value in meta.dates:
        day = _iso_day(value) or find_date(value)
        if day:
            return day
    return find_date(found or "") or _iso_day(found or "")


def _iso_day(value: str) -> str | None:
    match = re.match(r"^\s*(\d{4})-?(\d{2})-?(\d{2})(?:$|[T\s])", value)
    if not match:
        return None
    try:
        day = dt.date(*(int(part) for part in match.groups()))
    except ValueError:
        return None
    return day.isoformat() if day.year >= 1900 else None


def _is_site(text: str, outlets: list[str], url: str | None) -> bool:
    key = _key(text)
    if not key:
        return False
    names = [_key(name) for name in outlets if name]
    site_host = _key(host(url).rsplit(".", 1)[0]) if url else ""
    if key in names or (site_host and (key == site_host or key.removeprefix("the") == site_host)):
        return True
    return bool(site_host) and len(key) >= 4 and key in site_host


def _starts(title: str, heading: str) -> bool:
    """Whether a <title> opens with the heading and goes on past a separator."""
    head = _TITLE_SEPARATOR.split(title)[0]
    return bool(_key(heading)) and _key(head) == _key(heading) and len(head) < len(title)


def _similar(a: str, b: str) -> bool:
    """Whether two titles are the same headline: one holds the other, or most words agree."""
    ka, kb = _key(a), _key(b)
    if not ka or not kb:
        return False
    if ka in kb or kb in ka:
        return min(len(ka), len(kb)) >= 0.5 * max(len(ka), len(kb))
    wa, wb = _tokens(a), _tokens(b)
    shared = len(wa & wb)
    return shared >= 0.6 * min(len(wa), len(wb)) and shared >= 0.4 * max(len(wa), len(wb))


def _tokens(text: str) -> set[str]:
    words = _WORD.findall(text.lower())
    if len(words) <= 2 and len(text) > 12:  # a script written without spaces
        return {text[at : at + 2] for at in range(len(text) - 1)}
    return set(words)


def _key(text: str) -> str:
    return "".join(_WORD.findall(text.casefold())).replace("_", "")
