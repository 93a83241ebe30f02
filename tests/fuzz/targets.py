"""What the property tests and `make fuzz` feed briefing, and what must hold for every input.

Each target is a Hypothesis strategy of inputs and a check that runs the real code on
one input. A check may see the input refused (the exceptions a user is shown as a
message: `Unreadable`, `InputError`, `YamlRefused`), and it asserts what must hold
otherwise; any other exception is a bug, and reaches the user as a traceback.

The inputs are built from what broke briefing before (aliases, deep nesting, lone
surrogates, YAML 1.1 numbers, impossible timestamps, escape sequences, malformed HTML,
damaged PDFs) mixed with ordinary text, so that most inputs get deep into the code.
`tests/test_properties.py` runs a few dozen of each in `make test`; `tests/fuzz/run.py`
runs thousands (`make fuzz`).
"""

from __future__ import annotations

import functools
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from hypothesis import strategies as st

from briefing.controls import has_controls
from briefing.errors import InputError
from briefing.ingest import Article, build_article, parallel, readers
from briefing.ingest.normalize import normalize
from briefing.memo.brief import load_brief
from briefing.source_meta import load_meta
from briefing.tagging.evaluate import load_gold
from briefing.tagging.manual import load_manual_tags
from briefing.tagging.phrases import ThemeMatcher
from briefing.tagging.taxonomy import load_themes
from briefing.yamlcheck import YamlRefused, load_values

# -- pieces of hostile input --------------------------------------------------------------

ESCAPES = [
    "\x1b[2J",
    "\x1b]0;OWNED\x07",
    "\x1b]52;c;ZWNobw==\x1b\\",
    "\x1b]8;;http://x\x1b\\",
    "\x9b31m",
    "\x1b",
    "\x07",
    "\x00",
    "\x7f",
    "\u202e",
    "\ufeff",
    "\u00ad",
    "\u200b",
    "\r",
    "\f",
]
WORDS = (  # noqa: SIM905 (a paragraph of words reads better than a list of them)
    "the a of and to in minister said on signed agreement talks ministers government "
    "officials port shipping ice council By Jane Doe Posted on 12/3/14 Nov. 20, 2014 "
    "Share Subscribe Leave a Reply Related Advertisement Photo: © 2014 Click here Read "
    "more — “quoted” ‘words’ co- operation e.g. U.S. 中文 العربية Ünïcödé"
).split()
YAML_TOKENS = [
    "010",
    "1:30",
    "0x1f",
    "0b101",
    "1_000",
    "9" * 5000,
    ".nan",
    "-.inf",
    "~",
    "yes",
    "off",
    "2014-11-20",
    "2014-13-45",
    "!!timestamp 2014-13-45",
    "!!int 1:30",
    "!!float 1e400",
    "!!binary aGVsbG8=",
    "!!python/object:os.system x",
    "!!set {a, b}",
    "!!omap [a: 1]",
    '"\\ud800"',
    '"\\udfff x"',
    '"\\e[2J\\e]0;PWN\\a"',
    "&a [1, *a]",
    "&a x",
    "*a",
    "*nope",
    "[" * 200,
    "{" * 50,
    "- " * 120 + "x",
    "'",
    '"',
    "|",
    ">-",
    "? x",
    "%YAML 1.1",
    "---",
    "...",
    "\t",
    "\u2028",
    "(\\w+\\s?)+$",
    "(a|a)*$",
    "a(?=b)",
    "(a)\\1",
    "[",
    "\\",
    "../../x",
    "0123456789ab",
    "0123456789ab-2",
]
KEYS = [
    "themes",
    "id",
    "label",
    "description",
    "keywords",
    "patterns",
    "exclude",
    "threshold",
    "title",
    "to",
    "from",
    "date",
    "marking",
    "summary",
    "include",
    "comment",
    "max_excerpts",
    "pinned",
    "excluded",
    "text",
    "added",
    "removed",
    "author",
    "outlet",
    "file",
    "paragraphs",
    "0123456789ab",
    "../../x",
    "arms-sales",
    "a",
]

words = st.sampled_from(WORDS)
hostile = st.sampled_from(ESCAPES)
odd_text = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=30)
phrase = st.lists(st.one_of(words, words, words, hostile, odd_text), max_size=12).map(" ".join)


# -- YAML documents -------------------------------------------------------------------------

scalar = st.one_of(
    phrase,
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True),
    st.booleans(),
    st.none(),
    st.sampled_from(["arms-sales", "afghanistan", "2014-11-20", "0123456789ab"]),
)
structure = st.recursive(
    scalar,
    lambda inner: st.one_of(
        st.lists(inner, max_size=5), st.dictionaries(st.sampled_from(KEYS), inner, max_size=6)
    ),
    max_leaves=40,
)


def _dump(value: Any) -> str:
    return yaml.safe_dump(value, allow_unicode=True, default_flow_style=None, sort_keys=False)


@st.composite
def yaml_text(draw: st.DrawFn) -> str:
    """A YAML document: a dumped structure, hand-written lines, or either with tokens
    spliced in where a person (or an attacker) would put them."""
    kind = draw(st.sampled_from(["structure", "lines", "spliced"]))
    if kind == "lines":
        lines = []
        for _ in range(draw(st.integers(0, 12))):
            indent = " " * draw(st.sampled_from([0, 2, 4, 6]))
            key = draw(st.sampled_from(KEYS))
            value = draw(st.one_of(st.sampled_from(YAML_TOKENS), phrase))
            lines.append(f"{indent}{draw(st.sampled_from(['', '- ']))}{key}: {value}")
        return "\n".join(lines) + "\n"
    text = _dump(draw(structure))
    if kind == "spliced":
        lines = text.split("\n")
        for _ in range(draw(st.integers(1, 4))):
            at = draw(st.integers(0, len(lines) - 1))
            token = draw(st.sampled_from(YAML_TOKENS))
            line = lines[at]
            cut = line.find(": ")
            lines[at] = line[: cut + 2] + token if cut >= 0 else line + token
        text = "\n".join(lines)
    return text


theme_ids = st.from_regex(r"[a-z0-9]{1,8}(-[a-z0-9]{1,5})?", fullmatch=True)
pattern_text = st.one_of(
    st.sampled_from(["(\\w+\\s?)+$", "(a|a)*$", "\\bSu-\\d+\\b", "a{1000}{1000}", "x*", "["]),
    st.text(st.sampled_from("ab()[]*+?|\\w.s$^{}0123-"), max_size=20),
)
number = st.one_of(
    st.floats(min_value=-1, max_value=2), st.integers(-5, 100), st.sampled_from(YAML_TOKENS)
)


def _theme_doc(theme: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in theme.items() if v is not None}


themes_yaml = st.one_of(
    yaml_text(),
    st.lists(
        st.fixed_dictionaries(
            {"id": theme_ids, "label": phrase},
            optional={
                "description": phrase,
                "keywords": st.lists(phrase, max_size=5),
                "patterns": st.lists(pattern_text, max_size=3),
                "exclude": st.lists(phrase, max_size=2),
                "threshold": number,
            },
        ).map(_theme_doc),
        max_size=5,
    ).map(lambda themes: _dump({"themes": themes}).replace("'", "")),
)
brief_yaml = st.one_of(
    yaml_text(),
    st.fixed_dictionaries(
        {"title": phrase},
        optional={
            "date": st.sampled_from(["2014-11-20", "2014-13-45", "20/11/2014", 2014]),
            "summary": phrase,
            "themes": st.lists(
                st.fixed_dictionaries(
                    {"id": theme_ids},
                    optional={
                        "max_excerpts": number,
                        "include": st.booleans(),
                        "comment": phrase,
                        "pinned": st.lists(
                            st.one_of(phrase, st.fixed_dictionaries({"id": phrase})), max_size=3
                        ),
                    },
                ),
                max_size=4,
            ),
        },
    ).map(_dump),
)


# -- articles ---------------------------------------------------------------------------------

# Mostly prose (sentences of news words, so the cleaner finds a body), now and then a
# line of boilerplate, an escape sequence or random characters.
sentence = st.lists(words, min_size=3, max_size=25).map(lambda w: " ".join(w) + ".")
paragraph = st.one_of(
    st.lists(sentence, min_size=1, max_size=6).map(" ".join),
    st.lists(sentence, min_size=1, max_size=6).map(" ".join),
    st.lists(sentence, min_size=1, max_size=6).map(" ".join),
    st.lists(st.one_of(words, words, hostile, odd_text), max_size=40).map(" ".join),
    st.tuples(sentence, hostile, sentence).map(" ".join),
)
article_text = st.lists(paragraph, max_size=25).map("\n\n".join)
encoding = st.sampled_from(["utf-8", "utf-16", "cp1252", "latin-1", "utf-8-sig", "shift_jis"])


@st.composite
def text_bytes(draw: st.DrawFn) -> bytes:
    if draw(st.integers(0, 9)) == 0:
        return draw(st.binary(max_size=3000))
    return draw(article_text).encode(draw(encoding), errors="replace")


@st.composite
def markdown_bytes(draw: st.DrawFn) -> bytes:
    front = draw(st.one_of(yaml_text(), st.just("title: T\nauthor: A\ndate: 2014-11-20\n")))
    body = draw(article_text)
    heading = draw(st.sampled_from(["# ", "## ", "", "> ", "- ", "```\n"]))
    return f"---\n{front}\n---\n{heading}{body}".encode(errors="surrogatepass")


HTML_TAGS = ["p", "div", "article", "h1", "span", "a", "script", "style", "svg", "table", "li"]
HTML_ODD = [
    "<![CDATA[<html><svg><foreignObject>",
    "</foreignObject></svg>]]>",
    "<!--",
    "-->",
    "<meta name='author' content='\x1b[5mEvil'>",
    "<title>\x1b]0;T\x07</title>",
    "<meta property='article:published_time' content='2014-13-45'>",
    "<base href='javascript:x'>",
    "&#0;",
    "&#x1b;",
    "&nbsp;",
    "<br/>",
    "<p",
    "<?xml version='1.0'?>",
    "<!DOCTYPE html>",
    "<html xmlns='http://www.w3.org/1999/xhtml'>",
    "<math><mi>",
]


@st.composite
def html_bytes(draw: st.DrawFn) -> bytes:
    start = draw(st.sampled_from(["<html>", "", *HTML_ODD]))  # a page may start with anything
    parts = [start, "<head><title>", draw(phrase), "</title></head><body>"]
    for _ in range(draw(st.integers(0, 20))):
        choice = draw(st.integers(0, 3))
        if choice == 0:
            parts.append(draw(st.sampled_from(HTML_ODD)))
        else:
            tag = draw(st.sampled_from(HTML_TAGS))
            close = draw(st.booleans())
            parts.append(f"<{tag}>{draw(paragraph)}" + (f"</{tag}>" if close else ""))
    parts.append(draw(st.sampled_from(["</body></html>", "", "</html"])))
    return "".join(parts).encode(draw(st.sampled_from(["utf-8", "cp1252"])), errors="replace")


@functools.cache
def _base_pdf() -> bytes:
    """A small real PDF with a text layer and metadata, made once with Typst."""
    import typst

    source = '#set document(title: "Arms \\u{1b}[2J deal", author: "Jane Doe")\n' + "\n\n".join(
        " ".join(WORDS[i : i + 20]) for i in range(0, len(WORDS), 7)
    )
    with tempfile.TemporaryDirectory(prefix="briefing-fuzz-") as tmp:
        path = Path(tmp) / "a.typ"
        path.write_text(source, encoding="utf-8")
        return bytes(typst.compile(str(path)))


@st.composite
def pdf_bytes(draw: st.DrawFn) -> bytes:
    data = bytearray(_base_pdf())
    for _ in range(draw(st.integers(0, 8))):
        if not data:
            break
        at = draw(st.integers(0, len(data) - 1))
        action = draw(st.integers(0, 3))
        if action == 0:
            data[at] = draw(st.integers(0, 255))
        elif action == 1:
            del data[at : at + draw(st.integers(1, 200))]
        elif action == 2:
            data[at:at] = draw(st.binary(min_size=1, max_size=50))
        else:
            data = data[:at]
    if draw(st.integers(0, 9)) == 0:
        return b"%PDF-1.7\n" + draw(st.binary(max_size=2000))
    return bytes(data)


# -- checks -----------------------------------------------------------------------------------


def _clean_fields(extracted: readers.Extracted) -> None:
    for name, value in vars(extracted).items():
        if isinstance(value, str):
            assert not has_controls(value), f"{name} holds a control character: {value!r}"


def _check_article(article: Article) -> None:
    assert not has_controls(article.text)
    for start, end in article.paragraphs:
        assert 0 <= start < end <= len(article.text)
    for field in (article.title, article.author, article.outlet):
        assert field is None or not has_controls(field)


# The way one file is read in an ingest: the article, or the reason it is refused. Any
# exception that escapes it reaches the user as a traceback. (Isolated readers name this
# `read_one`; before them, `_read` let a reader's own exception through.)
_read_one: Callable[[Path], Any] = getattr(parallel, "read_one", None) or parallel._read


def _ingest_one(suffix: str, data: bytes) -> None:
    """A file read as ingest reads it: an article with clean text and metadata, or a
    refusal with a reason."""
    with tempfile.TemporaryDirectory(prefix="briefing-fuzz-") as tmp:
        path = Path(tmp) / f"article{suffix}"
        path.write_bytes(data)
        result = _read_one(path)
    if isinstance(result, str):
        assert result.strip(), "a refusal without a reason"
        assert not has_controls(result)
    else:
        _check_article(result)


def check_plain(data: bytes) -> None:
    _ingest_one(".txt", data)


def check_markdown(data: bytes) -> None:
    _ingest_one(".md", data)


def check_html(data: bytes) -> None:
    _ingest_one(".html", data)


def check_pdf(data: bytes) -> None:
    _ingest_one(".pdf", data)


def check_cleaner(text: str) -> None:
    """Normalising twice changes nothing more, and the cleaner never fails."""
    once = normalize(text)
    assert not has_controls(once.replace("\t", ""))
    assert normalize(once) == once
    extracted = readers.Extracted(once)
    _clean_fields(extracted)
    article = build_article(extracted)
    if article is not None:
        _check_article(article)


def check_front_matter(text: str) -> None:
    try:
        load_values(text)
    except YamlRefused as refused:
        assert refused.problem and refused.line >= 0


def _with_file(load: Callable[[Path], Any], name: str, text: str) -> Any:
    with tempfile.TemporaryDirectory(prefix="briefing-fuzz-") as tmp:
        path = Path(tmp) / name
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        try:
            return load(path)
        except InputError as error:
            assert error.message.startswith(str(path)), error.message
            return None


def check_themes(text: str) -> None:
    themes = _with_file(load_themes, "themes.yaml", text)
    for theme in themes or []:
        matcher = ThemeMatcher(theme)
        matcher.match("The ministers' agreement, signed on Nov. 20 in the port " * 20 + "!")
        assert not has_controls(theme.label + theme.description + "".join(theme.keywords))


def check_brief(text: str) -> None:
    _with_file(load_brief, "brief.yaml", text)


def check_tags(text: str) -> None:
    _with_file(load_manual_tags, "tags.yaml", text)


def check_meta(text: str) -> None:
    fields = _with_file(load_meta, "a.meta.yaml", text)
    for value in (fields or {}).values():
        assert value is None or not has_controls(value)


def check_gold(text: str) -> None:
    _with_file(load_gold, "gold.yaml", text)


@dataclass(frozen=True)
class Target:
    name: str
    inputs: st.SearchStrategy[Any]
    check: Callable[[Any], None]
    weight: int = 1  # share of `make fuzz`'s inputs, relative to the others


TARGETS = [
    Target("text reader", text_bytes(), check_plain, 2),
    Target("markdown reader", markdown_bytes(), check_markdown, 2),
    Target("html reader", html_bytes(), check_html, 2),
    Target("pdf reader", pdf_bytes(), check_pdf, 1),
    Target("cleaner", article_text, check_cleaner, 2),
    Target("front matter", yaml_text(), check_front_matter, 2),
    Target("themes.yaml", themes_yaml, check_themes, 2),
    Target("brief.yaml", brief_yaml, check_brief, 2),
    Target("tags.yaml", yaml_text(), check_tags, 1),
    Target("NAME.meta.yaml", yaml_text(), check_meta, 1),
    Target("gold file", yaml_text(), check_gold, 1),
]
