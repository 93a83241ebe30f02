"""FTS5's query language as the team store runs it: matched, and ranked by bm25.

The embedded store hands a query to FTS5; the team store must find and order the same
excerpts. A query is parsed here by FTS5's grammar (NOT binds tighter than AND, AND than
OR; words side by side are ANDed and bind tighter than NOT: `a NOT b c` is a NOT (b c)),
into phrases numbered left to right as FTS5 numbers them. Then:

- `tsquery` writes it as a PostgreSQL tsquery for the GIN index. Where a tsquery cannot
  say it (a NEAR group with too many placements, `^` at the start of the text, a NOT of
  either), it matches more, never fewer: a superset.
- `Row` decides, from the positions of the query's terms in one excerpt, whether FTS5
  matches it, and how many instances of each phrase FTS5 counts there (NEAR groups
  trimmed to the instances that take part, as FTS5's fts5ExprNearIsMatch does).
- `bm25` is FTS5's bm25() on those counts: its IDF with its floor, k1 = 1.2, b = 0.75,
  the excerpt's length in tokens and the corpus's average, in FTS5's order of
  operations, so that equal excerpts tie and the order of hits is the same.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from briefing.searchterms import quoted

# Past this many ways of placing a NEAR group's phrases, its tsquery is all of its
# phrases anywhere in the excerpt (a tsquery of thousands of branches is slow to test on
# each excerpt the index finds); the positions then decide (`Row`), so the group is
# still matched exactly.
NEAR_WAYS = 200
NEAR_DEFAULT = 10
_K1 = 1.2
_B = 0.75


@dataclass(frozen=True)
class Phrase:
    terms: tuple[str, ...]  # FTS5's terms (stems), in order
    prefixes: tuple[bool, ...]  # per term: a prefix (word*)
    first: bool  # ^: the phrase must start the text
    index: int  # FTS5's number for the phrase: left to right in the query


@dataclass(frozen=True)
class Near:
    """Phrases within `distance` tokens of each other; a lone phrase is a Near of one."""

    phrases: tuple[Phrase, ...]
    distance: int


@dataclass(frozen=True)
class Op:
    kind: str  # AND, OR, NOT (left and not right)
    left: Node
    right: Node


@dataclass(frozen=True)
class Never:
    """What matches nothing (a column filter that leaves no column)."""


Node = Near | Op | Never


class Unsupported(ValueError):
    """A query FTS5 accepts that this parser does not read (the stores then match words)."""


_LEXEME = re.compile(r'\s+|"(?:[^"]|"")*"|[A-Za-z0-9_\x1a\x80-\U0010ffff]+|.', re.DOTALL)
_COLUMN = "text"


def parse(query: str, terms: Callable[[str], list[str]]) -> tuple[Node | None, list[Phrase]]:
    """The query's tree (None: no term, nothing matches) and its phrases in FTS5's order.
    `terms` tokenizes a word or a quoted string as FTS5 does (searchterms). Raises
    Unsupported on what it cannot read."""
    return _Parser(query, terms).parse()


class _Parser:
    def __init__(self, query: str, terms: Callable[[str], list[str]]) -> None:
        self.tokens = [t for t in _LEXEME.findall(query) if not t.isspace()]
        self.at = 0
        self.terms = terms
        self.phrases: list[Phrase] = []

    def parse(self) -> tuple[Node | None, list[Phrase]]:
        node = self.expr()
        if self.at != len(self.tokens):
            raise Unsupported(self.peek())
        return node, self.phrases

    def peek(self, ahead: int = 0) -> str:
        at = self.at + ahead
        return self.tokens[at] if at < len(self.tokens) else ""

    def take(self, wanted: str | None = None) -> str:
        token = self.peek()
        if not token or (wanted is not None and token != wanted):
            raise Unsupported(f"expected {wanted or 'more'} at {token!r}")
        self.at += 1
        return token

    def expr(self) -> Node | None:
        return self.binary("OR", lambda: self.binary("AND", lambda: self.binary("NOT", self.unit)))

    def binary(self, kind: str, operand: Callable[[], Node | None]) -> Node | None:
        left = operand()
        while self.peek() == kind:
            self.take()
            left = _join(kind, left, operand())
        return left

    def unit(self) -> Node | None:
        """( expr ), a column filter on one, or phrases and NEAR groups side by side
        (ANDed), each maybe behind a column filter."""
        if self.peek() == "(":
            self.take()
            node = self.expr()
            self.take(")")
            return node
        if self._column_ahead() and self.peek(self._colset_length() + 1) == "(":
            keep = self.colset()
            self.take(":")
            self.take("(")
            node = self.expr()
            self.take(")")
            return node if keep or node is None else Never()
        if not (self._column_ahead() or self._phrase_ahead()):
            raise Unsupported(f"unexpected {self.peek()!r}")
        node = None
        while self._column_ahead() or self._phrase_ahead():
            keep = True
            if self._column_ahead():
                keep = self.colset()
                self.take(":")
            near = self.nearset()
            node = _join("AND", node, near if keep else Never())
        return node

    def _phrase_ahead(self) -> bool:
        token = self.peek()
        if token in ("AND", "OR", "NOT"):
            return False
        return token == "^" or token.startswith('"') or _is_word(token)

    def _column_ahead(self) -> bool:
        return self.peek(self._colset_length()) == ":"

    def _colset_length(self) -> int:
        """How many tokens a column filter here would take before its colon."""
        ahead = 1 if self.peek() == "-" else 0
        if self.peek(ahead) == "{":
            while self.peek(ahead) not in ("}", ""):
                ahead += 1
        return ahead + 1

    def colset(self) -> bool:
        """Whether the filter keeps the one column (FTS5 refuses a column it lacks)."""
        exclude = self.peek() == "-"
        if exclude:
            self.take()
        if self.peek() == "{":
            self.take()
            while self.peek() != "}":
                self.take()
            self.take("}")
        else:
            self.take()
        return not exclude

    def nearset(self) -> Node | None:
        if self.peek() == "NEAR" and self.peek(1) == "(":
            self.take()
            self.take("(")
            phrases = []
            while self.peek() not in (")", ","):
                phrase = self.phrase(caret=False)
                if phrase is not None:
                    phrases.append(phrase)
            distance = NEAR_DEFAULT
            if self.peek() == ",":
                self.take()
                number = self.take()
                if not number.isdigit():
                    raise Unsupported(f"NEAR distance {number!r}")
                distance = int(number)
            self.take(")")
            return Near(tuple(phrases), distance) if phrases else None
        phrase = self.phrase(caret=True)
        return Near((phrase,), NEAR_DEFAULT) if phrase is not None else None

    def phrase(self, caret: bool) -> Phrase | None:
        """A word or a quoted string, joined to more by +, the last maybe with *; None
        when FTS5's tokenizer finds no term in it (FTS5 drops such a phrase)."""
        first = caret and self.peek() == "^"
        if first:
            self.take()
        words: list[str] = []
        prefixes: list[bool] = []
        while True:
            token = self.take()
            if token.startswith('"'):
                found = self.terms(token[1:-1].replace('""', '"'))
            elif _is_word(token):
                found = self.terms(token)
            else:
                raise Unsupported(f"unexpected {token!r}")
            words += found
            prefixes += [False] * len(found)
            if self.peek() == "*":
                self.take()
                if prefixes:  # the last term of this string is a prefix
                    prefixes[-1] = True
            if self.peek() != "+":
                break
            self.take()
        if not words:
            return None
        phrase = Phrase(tuple(words), tuple(prefixes), first, len(self.phrases))
        self.phrases.append(phrase)
        return phrase


def _is_word(token: str) -> bool:
    return bool(token) and (token[0].isalnum() or token[0] in "_\x1a" or token[0] >= "\x80")


def _join(kind: str, left: Node | None, right: Node | None) -> Node | None:
    """Two operands, an empty side dropped as FTS5 drops an empty phrase; what matches
    nothing simplified away."""
    if left is None or right is None:
        if kind == "NOT" and left is None:
            return None
        return left if right is None else right
    if kind == "AND" and (isinstance(left, Never) or isinstance(right, Never)):
        return Never()
    if kind == "OR" and isinstance(left, Never):
        return right
    if kind in ("OR", "NOT") and isinstance(right, Never):
        return left
    if kind == "NOT" and isinstance(left, Never):
        return Never()
    return Op(kind, left, right)


# -- the tsquery -----------------------------------------------------------------------


def tsquery(node: Node) -> tuple[str | None, bool]:
    """The node as tsquery text (None: matches nothing), and whether it is exact (else
    it matches a superset, which the positions then narrow: `Row.matches`)."""
    if isinstance(node, Never):
        return None, True
    if isinstance(node, Near):
        return _near(node)
    left, left_exact = tsquery(node.left)
    right, right_exact = tsquery(node.right)
    if node.kind == "AND":
        if left is None or right is None:
            return None, True
        return f"({left} & {right})", left_exact and right_exact
    if node.kind == "OR":
        if left is None or right is None:
            return (left or right), left_exact and right_exact
        return f"({left} | {right})", left_exact and right_exact
    if left is None or right is None:
        return left, left_exact
    if not right_exact:  # NOT of a superset would drop true matches: left alone, then sift
        return left, False
    return f"({left} & !{right})", left_exact


def phrase_tsquery(phrase: Phrase) -> str:
    pairs = zip(phrase.terms, phrase.prefixes, strict=True)
    lexemes = [quoted(term) + (":*" if prefix else "") for term, prefix in pairs]
    return lexemes[0] if len(lexemes) == 1 else "(" + " <-> ".join(lexemes) + ")"


def _near(near: Near) -> tuple[str | None, bool]:
    exact = not any(p.first for p in near.phrases)  # ^ is for the positions to decide
    items = [(phrase_tsquery(p), len(p.terms)) for p in near.phrases]
    if len(items) == 1:
        return items[0][0], exact
    if _may_overlap(near.phrases):  # FTS5 lets them share a token; a placement does not
        return "(" + " & ".join(p for p, _ in items) + ")", False
    ways: list[str] = []
    for order in dict.fromkeys(itertools.permutations(items)):
        ways.extend(_placements(list(order), near.distance, NEAR_WAYS + 1 - len(ways)))
        if len(ways) > NEAR_WAYS:
            return "(" + " & ".join(p for p, _ in items) + ")", False
    if not ways:  # no placement fits (three words within 0 of each other)
        return None, True
    return "(" + " | ".join(dict.fromkeys(ways)) + ")", exact


def _may_overlap(phrases: Sequence[Phrase]) -> bool:
    """Whether one token could be an instance of two of the phrases' terms (the same
    word twice, or a prefix and a word it begins): FTS5's NEAR then counts the phrases
    at overlapping places, which a chain of placements never finds."""

    def same(a: tuple[str, bool], b: tuple[str, bool]) -> bool:
        return a[0] == b[0] or (a[1] and b[0].startswith(a[0])) or (b[1] and a[0].startswith(b[0]))

    terms = [list(zip(p.terms, p.prefixes, strict=True)) for p in phrases]
    return any(
        same(a, b) for one, other in itertools.combinations(terms, 2) for a in one for b in other
    )


def _placements(order: list[tuple[str, int]], distance: int, budget: int) -> list[str]:
    """The tsquery chains of phrases in this order, each starting after the previous one
    ends, with at most `distance` words between any phrase's end and the last one's start
    (FTS5's NEAR)."""
    found: list[str] = []

    def extend(chain: str, starts: list[int], index: int) -> None:
        if len(found) >= budget:
            return
        if index == len(order):
            last = starts[-1]
            pairs = zip(starts[:-1], order[:-1], strict=True)
            if all(last - start - width <= distance for start, (_, width) in pairs):
                found.append(chain)
            return
        previous_end = starts[-1] + order[index - 1][1] - 1
        for gap in range(1, distance + 2):
            start = previous_end + gap
            if start - starts[0] - order[0][1] > distance:
                break
            extend(f"({chain} <{gap}> {order[index][0]})", [*starts, start], index + 1)

    extend(order[0][0], [0], 1)
    return found


# -- one excerpt: match and instance counts ------------------------------------------


def needs_positions(node: Node) -> bool:
    """Whether matching the query needs where its terms are, not only how often they are
    (a phrase of several terms, a prefix, ^, a NEAR group): else `Row` may be given any
    sequence of the right length per term."""
    if isinstance(node, Never):
        return False
    if isinstance(node, Near):
        phrase = node.phrases[0]
        return len(node.phrases) > 1 or len(phrase.terms) > 1 or phrase.prefixes[0] or phrase.first
    return needs_positions(node.left) or needs_positions(node.right)


class Row:
    """An excerpt as FTS5 sees it for this query: the offsets (from 0, ascending) of the
    query's terms in it (a prefix's: of every term it begins)."""

    def __init__(self, offsets: Mapping[str, Sequence[int]]) -> None:
        self.offsets = offsets

    def _term(self, term: str, prefix: bool) -> set[int]:
        if not prefix:
            return set(self.offsets.get(term, ()))
        found: set[int] = set()
        for lexeme, offsets in self.offsets.items():
            if lexeme.startswith(term):
                found.update(offsets)
        return found

    def instances(self, phrase: Phrase) -> Sequence[int]:
        """Where the phrase starts in the excerpt, in order."""
        if len(phrase.terms) == 1 and not phrase.prefixes[0] and not phrase.first:
            return self.offsets.get(phrase.terms[0], ())  # (sorted, as a tsvector keeps them)
        starts = self._term(phrase.terms[0], phrase.prefixes[0])
        for i, term in enumerate(phrase.terms[1:], 1):
            following = self._term(term, phrase.prefixes[i])
            starts = {s for s in starts if s + i in following}
        if phrase.first:
            starts &= {0}
        return sorted(starts)

    def counts(self, node: Node) -> dict[int, int] | None:
        """Phrase number -> instances FTS5 counts, if the node matches; else None."""
        if isinstance(node, Never):
            return None
        if isinstance(node, Near):
            lists: Sequence[Sequence[int]] = [self.instances(p) for p in node.phrases]
            if not all(lists):
                return None
            if len(lists) > 1:
                lists = near_trimmed(lists, [len(p.terms) for p in node.phrases], node.distance)
                if not lists[0]:
                    return None
            found: dict[int, int] = {}
            for phrase, instances in zip(node.phrases, lists, strict=True):
                found[phrase.index] = found.get(phrase.index, 0) + len(instances)
            return found
        left = self.counts(node.left)
        right = self.counts(node.right)
        if node.kind == "AND":
            return None if left is None or right is None else {**left, **right}
        if node.kind == "OR":
            if left is None and right is None:
                return None
            return {**(left or {}), **(right or {})}
        return left if right is None else None


_EOF = 1 << 62


def near_trimmed(
    lists: Sequence[Sequence[int]], widths: list[int], distance: int
) -> list[list[int]]:
    """Each phrase's instances that take part in a NEAR match, found as FTS5 finds them
    (fts5ExprNearIsMatch): empty lists when there is none."""
    count = len(lists)
    # Each phrase's reader: its current instance and the next one (EOF past the end).
    at = [0] * count
    out: list[list[int]] = [[] for _ in range(count)]

    def pos(i: int) -> int:
        return lists[i][at[i]] if at[i] < len(lists[i]) else _EOF

    def lookahead(i: int) -> int:
        return lists[i][at[i] + 1] if at[i] + 1 < len(lists[i]) else _EOF

    while True:
        high = pos(0)
        matched = False
        while not matched:
            matched = True
            for i in range(count):
                low = high - widths[i] - distance
                if pos(i) < low or pos(i) > high:
                    matched = False
                    while pos(i) < low:
                        at[i] += 1
                        if pos(i) == _EOF:
                            return out
                    high = max(high, pos(i))
        for i in range(count):
            if not out[i] or out[i][-1] != pos(i):
                out[i].append(pos(i))
        advance, lowest = 0, lookahead(0)
        for i in range(count):
            if lookahead(i) < lowest:
                advance, lowest = i, lookahead(i)
        at[advance] += 1
        if pos(advance) == _EOF:
            return out


# -- bm25 --------------------------------------------------------------------------------


def idf(rows: int, hits: int) -> float:
    """FTS5's IDF of a phrase found in `hits` of `rows` excerpts (never below 1e-6)."""
    value = math.log((rows - hits + 0.5) / (hits + 0.5))
    return value if value > 0.0 else 1e-6


def bm25(idfs: Sequence[float], counts: Mapping[int, int], tokens: int, average: float) -> float:
    """FTS5's bm25() of one excerpt: negative, the lower the better (as FTS5's rank)."""
    score = 0.0
    for i, weight in enumerate(idfs):
        freq = float(counts.get(i, 0))
        score += weight * ((freq * (_K1 + 1.0)) / (freq + _K1 * (1 - _B + _B * tokens / average)))
    return -1.0 * score


# -- words alone, ranked by the server ------------------------------------------------


def counted_conditions(node: Node) -> dict[int, str]:
    """For a query of words alone (no phrase of several terms, prefix, ^ or NEAR group):
    per phrase, the SQL condition under which FTS5 counts its instances in a matching
    excerpt, over columns c0, c1, ... (each phrase's count there): as `Row.counts`."""

    def matched(node: Node) -> str:
        if isinstance(node, Never):
            return "false"
        if isinstance(node, Near):
            return f"c{node.phrases[0].index} > 0"
        left, right = matched(node.left), matched(node.right)
        if node.kind == "AND":
            return f"({left} AND {right})"
        if node.kind == "OR":
            return f"({left} OR {right})"
        return f"({left} AND NOT {right})"

    found: dict[int, str] = {}

    def walk(node: Node, conditions: list[str]) -> None:
        if isinstance(node, Never):
            return
        if isinstance(node, Near):
            index = node.phrases[0].index
            found[index] = " AND ".join([*conditions, f"c{index} > 0"])
        elif node.kind == "AND":
            walk(node.left, [*conditions, matched(node)])
            walk(node.right, [*conditions, matched(node)])
        elif node.kind == "OR":
            walk(node.left, [*conditions, matched(node.left)])
            walk(node.right, [*conditions, matched(node.right)])
        else:  # NOT: the right side's phrases are never counted
            walk(node.left, [*conditions, matched(node)])

    walk(node, [])
    return found


def bm25_sql(
    node: Node, phrases: Sequence[Phrase], idfs: Sequence[float], average: float, tokens: str
) -> tuple[str, dict[str, object]]:
    """`bm25` as an SQL expression over columns c0, c1, ... and the excerpt's length in
    tokens (the column `tokens`), in FTS5's order of operations (the same doubles: ranks
    equal to the last bit), and its parameters."""
    conditions = counted_conditions(node)
    params: dict[str, object] = {
        "k1p": _K1 + 1.0,
        "k1": _K1,
        "omb": 1 - _B,
        "b": _B,
        "avg": average,
    }
    score = "0.0::float8"
    for phrase in phrases:
        i = phrase.index
        params[f"idf{i}"] = idfs[i]
        freq = f"(CASE WHEN {conditions.get(i, 'false')} THEN c{i} ELSE 0 END)::float8"
        score = (
            f"({score} + %(idf{i})s::float8 * (({freq} * %(k1p)s::float8) / ({freq} + "
            f"%(k1)s::float8 * (%(omb)s::float8 + %(b)s::float8 * {tokens}::float8 "
            f"/ %(avg)s::float8))))"
        )
    return f"(-1.0::float8 * {score})", params


def estimate(node: Node, hits: Sequence[int], rows: int) -> float:
    """About how many excerpts match, from each phrase's count (`hits`, by phrase number):
    at most the rarest side of an AND, at most both sides of an OR."""
    if isinstance(node, Never):
        return 0.0
    if isinstance(node, Near):
        return float(min(hits[p.index] for p in node.phrases))
    left = estimate(node.left, hits, rows)
    if node.kind == "NOT":
        return left
    right = estimate(node.right, hits, rows)
    return min(left, right) if node.kind == "AND" else min(float(rows), left + right)
