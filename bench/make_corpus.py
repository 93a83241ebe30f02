"""A synthetic corpus for the benchmark: N article files built from the sample's paragraphs.

    python bench/make_corpus.py N OUT_DIR [--seed S] [--sources DIR]

or, from Python, `generate(n, out_dir, seed=0)`.

The body paragraphs of the sample's raw web dumps (`data/sources/*.txt`) are taken
by splitting on blank lines and dropping short or boilerplate-looking lines. We do
this here rather than through `briefing.ingest.read_article`, so that the corpus
for a given seed stays byte-for-byte the same while the ingest code changes: the
benchmark then measures the code, not a moving input.

Each article is a new mix of those paragraphs (6 to 20 of them), with sentences
reordered inside some paragraphs and a few words swapped from small synonym lists,
so that no two articles are identical; about 30% are wire copies of an earlier
article with small edits (a word changed here and there, a paragraph dropped or
added, another outlet's header), so near-duplicates are common, as in real news.
Headlines, bylines, dates and page boilerplate follow the forms the samples use.

Deterministic for a seed: one `random.Random(seed)`, no clock, sorted listings.
Article i depends only on the articles before it, so the corpus of N articles is
a prefix of the corpus of any larger N with the same seed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import hashlib
import random
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SAMPLE_SOURCES = REPO / "data" / "sources"

WIRE_SHARE = 0.30  # share of articles that are wire copies of an earlier one
VERBATIM_SHARE = 0.10  # share of a fresh article's paragraphs taken word for word
MIN_PARAGRAPHS, MAX_PARAGRAPHS = 6, 20

_BOILERPLATE = re.compile(
    r"subscri|sign up|log in|newsletter|leave a (reply|comment)|comment data|akismet|"
    r"all rights|copyright|©|privacy|cookie|read more|keep reading|continue reading|"
    r"share this|follow us|scroll to top|click here|views and opinions expressed|"
    r"can be reached|photo|creative commons|issn|\bvia\b|^by |^posted on|^home >|editor.?s? note",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(r"(?:(?<=[.!?])|(?<=[.!?][\"”’)]))\s+(?=[A-Z“\"‘(])")

# Small synonym groups: any word of a group may stand for any other (case kept).
SYNONYMS: tuple[tuple[str, ...], ...] = (
    ("agreement", "accord", "pact", "deal"),
    ("cooperation", "collaboration", "partnership"),
    ("relations", "ties"),
    ("countries", "nations", "states"),
    ("visit", "trip", "tour"),
    ("said", "stated", "noted", "remarked"),
    ("important", "significant", "major", "notable"),
    ("recent", "latest"),
    ("signed", "concluded", "inked"),
    ("strengthen", "bolster", "reinforce"),
    ("expected", "likely", "set"),
    ("region", "area", "neighbourhood"),
    ("historically", "traditionally"),
    ("however", "yet", "still"),
    ("development", "shift", "change"),
    ("officials", "diplomats", "representatives"),
    ("interests", "concerns", "stakes"),
    ("close", "tight", "near"),
    ("discussed", "debated", "considered"),
    ("large", "big", "sizeable"),
)
_SYNONYM_OF = {word: group for group in SYNONYMS for word in group}
_WORD = re.compile(r"[A-Za-z]+")

FIRST_NAMES = (
    "Sudha",
    "Muhammad",
    "Varonica",
    "Anna",
    "Ivan",
    "Ayesha",
    "Rahul",
    "Elena",
    "Tariq",
    "Sergei",
    "Priya",
    "James",
    "Farah",
    "Dmitri",
    "Nadia",
    "Omar",
    "Kavita",
    "Mark",
    "Olga",
    "Imran",
    "Leila",
    "Vikram",
    "Sarah",
    "Hassan",
)
LAST_NAMES = (
    "Ramachandran",
    "Fazil",
    "Kharakov",
    "Bhadrakumar",
    "Petrova",
    "Khan",
    "Mehta",
    "Volkova",
    "Siddiqui",
    "Ivanov",
    "Sharma",
    "Carter",
    "Qureshi",
    "Sokolov",
    "Haider",
    "Rao",
    "Novak",
    "Malik",
    "Kuznetsova",
    "Iyer",
    "Wells",
    "Baig",
    "Orlov",
    "Chaudhry",
)
OUTLETS = (
    "The Diplomat",
    "Eurasia News",
    "Mainstream",
    "World Politics Review",
    "ViewsWeek",
    "Dispatch News Desk",
    "South Asia Monitor",
    "The Regional Review",
    "Asia Times Daily",
    "Defence Weekly",
    "The Frontier Post",
    "Global Affairs Digest",
)
HEADLINE_SUBJECTS = (
    "Defence Accord",
    "Military Pact",
    "New Era",
    "Regional Alignments",
    "Arms Deal",
    "Strategic Ties",
    "Bilateral Relations",
    "Security Cooperation",
    "Energy Corridor",
    "Diplomatic Thaw",
    "Helicopter Sale",
    "Pipeline Project",
)
HEADLINE_FRAMES = (
    "{s} Signals Shift in Regional Politics",
    "{s}: What It Means for the Region",
    "Resurgence of {s} in the Regional Context",
    "{s} to a New Height",
    "A Turning Point? The {s} Explained",
    "{s} Marks Break with the Past",
    "Why the {s} Matters",
    "{s} Raises Questions in Neighbouring Capitals",
    "Inside the {s}",
    "{s} Draws Mixed Reactions",
)
SUBHEADS = (
    "Bilateral ties have long been rocky, but a recent defense deal marks a turning point.",
    "Analysts see a careful recalibration rather than a break.",
    "The agreement is modest on paper, but its symbolism is not.",
    "Old rivalries give way to new calculations.",
)
BOILERPLATE_LINES = (
    "Leave a Reply",
    "Leave a Comment",
    "Subscribe now to keep reading and get access to the full archive.",
    "Keep reading for free!",
    "Already a subscriber? Log in here .",
    "This site uses Akismet to reduce spam. Learn how your comment data is processed.",
    "Share this:",
    "Related Posts",
    "Scroll to top",
    "Continue reading",
    "© {year} - All Rights are reserved by {outlet}.",
    "Copyright © {year} {outlet}. All rights reserved.",
    "The views and opinions expressed in this article are those of the author and do not "
    "necessarily reflect the official policy or position of {outlet}.",
)
_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_ROMAN = ("XLIX", "L", "LI", "LII", "LIII", "LIV")
_FIRST_DAY = dt.date(2014, 11, 20)


def body_paragraphs(sources_dir: Path = SAMPLE_SOURCES) -> list[str]:
    """The sample's body paragraphs: long lines that do not look like page chrome, once each."""
    found: list[str] = []
    seen: set[str] = set()
    for path in sorted(sources_dir.glob("*.txt")):
        text = path.read_text(encoding="utf-8", errors="replace").replace("\r\n", "\n")
        for block in re.split(r"\n\s*\n", text):
            for line in block.split("\n"):
                paragraph = " ".join(line.split())
                if len(paragraph) < 120 or len(paragraph.split()) < 20:
                    continue
                if _BOILERPLATE.search(paragraph) or paragraph.startswith(("•", "-", "*")):
                    continue
                if paragraph not in seen:
                    seen.add(paragraph)
                    found.append(paragraph)
    if len(found) < MIN_PARAGRAPHS:
        raise ValueError(f"{sources_dir}: too few body paragraphs ({len(found)}) to build a corpus")
    return found


@dataclass
class Article:
    """One generated article: its header, body and trailing boilerplate, and what it copies."""

    number: int
    headline: str
    header: list[str]
    body: list[str]
    footer: list[str]
    wire_of: int | None = None  # the article this one is a wire copy of
    date: dt.date = _FIRST_DAY
    outlet: str = ""
    shared: list[int] = field(default_factory=list)

    def render(self) -> str:
        return "\n\n".join([self.headline, *self.header, *self.body, *self.footer]) + "\n"

    @property
    def filename(self) -> str:
        slug = "-".join(re.findall(r"[a-z0-9]+", self.headline.lower()))[:40]
        return f"{self.number:06d}_{slug}.txt"


class CorpusGenerator:
    """Makes articles one after another from one seeded random stream."""

    def __init__(self, seed: int = 0, paragraphs: list[str] | None = None) -> None:
        self.rng = random.Random(seed)
        self.pool = paragraphs if paragraphs is not None else body_paragraphs()
        self.articles: list[Article] = []
        self._bodies: set[bytes] = set()

    # -- variation ----------------------------------------------------------------

    def _swap_words(self, paragraph: str, count: int) -> str:
        matches = [m for m in _WORD.finditer(paragraph) if m.group(0).lower() in _SYNONYM_OF]
        if not matches:
            return paragraph
        chosen = sorted(self.rng.sample(matches, min(count, len(matches))), key=lambda m: m.start())
        out, at = [], 0
        for match in chosen:
            word = match.group(0)
            options = [w for w in _SYNONYM_OF[word.lower()] if w != word.lower()]
            new = self.rng.choice(options)
            if word[0].isupper():
                new = new[0].upper() + new[1:]
            out.append(paragraph[at : match.start()])
            out.append(new)
            at = match.end()
        out.append(paragraph[at:])
        return "".join(out)

    def _shuffle_sentences(self, paragraph: str) -> str:
        sentences = list(_sentences(paragraph))
        if len(sentences) < 2:
            return paragraph
        self.rng.shuffle(sentences)
        return " ".join(sentences)

    def _vary(self, paragraph: str) -> str:
        """A paragraph as another outlet might run it: maybe reordered, maybe reworded."""
        roll = self.rng.random()
        if roll < VERBATIM_SHARE:
            return paragraph  # verbatim: the same quote in several sources
        if roll < 0.45:
            paragraph = self._shuffle_sentences(paragraph)
        elif roll < 0.85:  # a paragraph rewritten with sentences from another one
            paragraph = self._blend(paragraph, self.rng.choice(self.pool))
        return self._swap_words(paragraph, self.rng.randint(1, 4))

    def _blend(self, first: str, second: str) -> str:
        a, b = _sentences(first), _sentences(second)
        keep = a[: self.rng.randint(1, max(1, len(a) - 1))]
        extra = self.rng.sample(b, self.rng.randint(1, min(2, len(b))))
        sentences = [*keep, *extra]
        if self.rng.random() < 0.5:
            self.rng.shuffle(sentences)
        return " ".join(sentences)

    # -- headers and footers ----------------------------------------------------------

    def _name(self) -> str:
        return f"{self.rng.choice(FIRST_NAMES)} {self.rng.choice(LAST_NAMES)}"

    def _date(self) -> dt.date:
        return _FIRST_DAY + dt.timedelta(days=self.rng.randint(0, 400))

    def _header(self, date: dt.date, outlet: str) -> list[str]:
        name = self._name()
        form = self.rng.randrange(6)
        if form == 0:  # The Diplomat
            lines = [f"Posted on {date.month}/{date.day}/{date.year % 100}"]
            title = self.rng.choice(("Dr. ", "", "Prof. "))
            lines.append(f"By {title}{name} | Via {outlet}")
            return lines
        if form == 1:  # Mainstream
            issue = date - dt.timedelta(days=self.rng.randint(1, 5))
            return [
                f"Mainstream, VOL {self.rng.choice(_ROMAN)}, No {self.rng.randint(1, 52)}, "
                f"{_MONTHS[issue.month - 1]} {issue.day}, {issue.year}",
                f"{_WEEKDAYS[date.weekday()]} {date.day} {_MONTHS[date.month - 1]} {date.year}, "
                f"by {name}",
            ]
        if form == 2:
            return [f"By {name}"]
        if form == 3:
            return [outlet, f"By {name}"]
        if form == 4:
            return [f"{_MONTHS[date.month - 1]} {date.day}, {date.year}", f"By {name}"]
        return []  # no byline, no date

    def _footer(self, date: dt.date, outlet: str) -> list[str]:
        lines = self.rng.sample(BOILERPLATE_LINES, self.rng.randint(0, 4))
        return [line.format(year=date.year, outlet=outlet) for line in lines]

    def _headline(self) -> str:
        frame = self.rng.choice(HEADLINE_FRAMES)
        return frame.format(s=self.rng.choice(HEADLINE_SUBJECTS))

    # -- articles -------------------------------------------------------------------

    def _fresh(self, number: int) -> Article:
        count = self.rng.randint(MIN_PARAGRAPHS, MAX_PARAGRAPHS)
        picks = self.rng.sample(range(len(self.pool)), min(count, len(self.pool)))
        while len(picks) < count:
            picks.append(self.rng.randrange(len(self.pool)))
        date, outlet = self._date(), self.rng.choice(OUTLETS)
        headline = self._headline()
        header = self._header(date, outlet)
        if self.rng.random() < 0.25:
            header.insert(0, self.rng.choice(SUBHEADS))
        if self.rng.random() < 0.15:
            header.insert(0, f"Home > Archives > {date.year} > {headline}")
        return Article(
            number=number,
            headline=headline,
            header=header,
            body=[self._vary(self.pool[i]) for i in picks],
            footer=self._footer(date, outlet),
            date=date,
            outlet=outlet,
            shared=picks,
        )

    def _wire_copy(self, number: int) -> Article:
        original = self.articles[self.rng.randrange(len(self.articles))]
        body = list(original.body)
        for _ in range(self.rng.randint(1, 2)):  # a word changed here and there
            at = self.rng.randrange(len(body))
            body[at] = self._swap_words(body[at], 1)
        roll = self.rng.random()
        if roll < 0.25 and len(body) > MIN_PARAGRAPHS:
            del body[self.rng.randrange(1, len(body))]  # the last paragraphs cut for space
        elif roll < 0.45 and len(body) < MAX_PARAGRAPHS:
            body.insert(self.rng.randint(1, len(body)), self._vary(self.rng.choice(self.pool)))
        date = original.date + dt.timedelta(days=self.rng.randint(0, 3))
        outlet = self.rng.choice(OUTLETS)
        headline = original.headline if self.rng.random() < 0.6 else self._headline()
        return Article(
            number=number,
            headline=headline,
            header=self._header(date, outlet),
            body=body,
            footer=self._footer(date, outlet),
            wire_of=original.number,
            date=date,
            outlet=outlet,
        )

    def next(self) -> Article:
        number = len(self.articles)
        wire = bool(self.articles) and self.rng.random() < WIRE_SHARE
        article = self._wire_copy(number) if wire else self._fresh(number)
        key = _body_key(article.body)
        while key in self._bodies:  # never two identical bodies: reword until it differs
            at = self.rng.randrange(len(article.body))
            article.body[at] = self._swap_words(self._shuffle_sentences(article.body[at]), 2)
            key = _body_key(article.body)
        self._bodies.add(key)
        self.articles.append(article)
        return article


@functools.lru_cache(maxsize=4096)
def _sentences(paragraph: str) -> tuple[str, ...]:
    return tuple(_SENTENCE_END.split(paragraph))


def _body_key(body: list[str]) -> bytes:
    return hashlib.blake2b("\n".join(body).encode("utf-8"), digest_size=16).digest()


def articles(n: int, seed: int = 0, paragraphs: list[str] | None = None) -> list[Article]:
    """The first `n` articles for `seed`, in memory."""
    generator = CorpusGenerator(seed, paragraphs)
    return [generator.next() for _ in range(n)]


def generate(
    n: int, out_dir: Path | str, seed: int = 0, sources_dir: Path | None = None
) -> list[Path]:
    """Write `n` articles into `out_dir` (made if missing; earlier .txt files there removed).

    Returns the written paths, sorted.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    for stale in sorted(out.glob("*.txt")):
        stale.unlink()
    pool = body_paragraphs(sources_dir) if sources_dir else None
    written = []
    for article in articles(n, seed, pool):
        path = out / article.filename
        path.write_text(article.render(), encoding="utf-8")
        written.append(path)
    return sorted(written)


def digest(out_dir: Path | str) -> str:
    """A hash of every .txt file in `out_dir` (names and bytes): equal corpora, equal digests."""
    h = hashlib.sha256()
    for path in sorted(Path(out_dir).glob("*.txt")):
        h.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("n", type=int, help="how many articles")
    parser.add_argument("out_dir", type=Path, help="where to write them (.txt files)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--sources", type=Path, default=None, help="sample articles to draw from")
    args = parser.parse_args(argv)
    if args.n < 1:
        parser.error("N must be at least 1")
    paths = generate(args.n, args.out_dir, args.seed, args.sources)
    print(f"wrote {len(paths)} articles to {args.out_dir}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
