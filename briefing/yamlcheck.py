"""Checking a YAML file a person wrote, node by node, so every error names its line.

themes.yaml, tags.yaml, brief.yaml and NAME.meta.yaml are all written by hand. PyYAML's
composed nodes keep their position; reading them instead of plain Python values lets a
message say `brief.yaml:12: ...` and what to write instead, the same way for every file.

The same files may also be hostile (a downloaded taxonomy, an article's front matter), so
composing is bounded: aliases may not expand a document past a budget (an alias bomb is
refused in milliseconds), nesting has a depth limit (no RecursionError), a lone UTF-16
surrogate is refused (it would fail later, on the first write), and numbers must be
plain decimals (YAML 1.1 reads `010` as octal and `1:30` as base 60, and Python refuses
to parse a 5,000-digit integer).
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

import yaml

from briefing.controls import strip_controls
from briefing.errors import InputError

_NULL = "tag:yaml.org,2002:null"
_STR = "tag:yaml.org,2002:str"
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_BOOL = "tag:yaml.org,2002:bool"
_TIMESTAMP = "tag:yaml.org,2002:timestamp"

MAX_DEPTH = 100  # lists and mappings inside each other; a person's file needs a handful
MAX_EXPANDED = 2_000_000  # nodes plus characters once every alias is written out
MAX_BYTES = 64 * 1024 * 1024  # a tags.yaml of a very large corpus stays far below
_SURROGATE = re.compile(r"[\ud800-\udfff]")
_PLAIN_INT = re.compile(r"[-+]?(?:0|[1-9][0-9]{0,17})")
_PLAIN_NUMBER = re.compile(
    r"[-+]?(?:(?:0|[1-9][0-9]{0,17})(?:\.[0-9]{0,18})?|\.[0-9]{1,18})(?:[eE][-+]?[0-9]{1,3})?"
)


class YamlRefused(Exception):
    """A YAML text that is invalid or over a limit; `line` is 1-based (0: the whole text).

    `syntax` is True when the text is not YAML at all (rather than YAML over a limit, or
    holding a value its tag cannot hold).
    """

    def __init__(self, line: int, problem: str, syntax: bool = False) -> None:
        super().__init__(problem)
        self.line = line
        self.problem = problem
        self.syntax = syntax


class _BoundedLoader(yaml.SafeLoader):
    """SafeLoader whose composer counts what the document would cost once expanded.

    Each node adds its own weight (one, plus a scalar's length) to a running total, and
    each alias adds the whole weight of the node it repeats: the total is the size of the
    document written out, known before anything is built from it.
    """

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0
        self._expanded = 0
        self._weights: dict[int, int] = {}

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            target = self.anchors.get(event.anchor)
            if target is not None:
                weight = self._weights.get(id(target))
                if weight is None:
                    raise _over(event, f"the alias *{event.anchor} repeats the item it is in")
                self._spend(event, weight)
            return super().compose_node(parent, index)
        event = self.peek_event()
        self._depth += 1
        if self._depth > MAX_DEPTH:
            raise _over(event, f"items are nested more than {MAX_DEPTH} levels deep")
        try:
            node = super().compose_node(parent, index)
        finally:
            self._depth -= 1
        if node is None:
            return None
        if isinstance(node, yaml.ScalarNode):
            if _SURROGATE.search(node.value):
                raise _over(
                    node,
                    "the text holds a lone UTF-16 surrogate (like \\ud800), which is not a "
                    "character; remove it",
                )
            own = 1 + len(node.value)
            weight = own
        else:
            own = 1
            children: list[yaml.Node] = (
                [n for pair in node.value for n in pair]
                if isinstance(node, yaml.MappingNode)
                else list(node.value)
            )
            weight = own + sum(self._weights.get(id(child), 0) for child in children)
        self._spend(event, own)
        self._weights[id(node)] = weight
        return node

    def _spend(self, at: object, weight: int) -> None:
        self._expanded += weight
        if self._expanded > MAX_EXPANDED:
            raise _over(
                at,
                "its aliases (*name) would expand it past "
                f"{MAX_EXPANDED:,} items and characters; write the values out",
            )


def _over(at: object, problem: str) -> YamlRefused:
    mark = getattr(at, "start_mark", None)
    return YamlRefused(mark.line + 1 if mark is not None else 0, problem)


def compose(text: str) -> yaml.Node | None:
    """The root node of a YAML text, or None when it holds no document; bounded (see above)."""
    if len(text) > MAX_BYTES:
        raise YamlRefused(0, f"it is over {MAX_BYTES // (1024 * 1024)} MB; split it")
    try:
        loader = _BoundedLoader(text)  # the reader checks every character here
    except yaml.reader.ReaderError as exc:
        line = text[: exc.position].count("\n") + 1
        raise YamlRefused(
            line,
            f"it holds a control character (#x{exc.character:04x}) that YAML does not allow; "
            "remove it",
        ) from exc
    try:
        return loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 0
        raise YamlRefused(line, f"not valid YAML ({exc.problem})", syntax=True) from exc
    except yaml.YAMLError as exc:
        raise YamlRefused(0, f"not valid YAML ({exc})", syntax=True) from exc
    except RecursionError as exc:  # a guard: the depth limit should come first
        raise YamlRefused(0, "items are nested too deeply") from exc
    finally:
        loader.dispose()


def load_values(text: str) -> object:
    """A YAML text as plain Python values (safe tags only), within the limits of `compose`.

    A value its tag cannot hold (`!!timestamp 2014-13-45`, a 5,000-digit `!!int`) is
    refused with its line, never raised later as a ValueError.
    """
    node = compose(text)
    if node is None:
        return None
    constructor = yaml.SafeLoader("")
    try:
        return constructor.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise YamlRefused(mark.line + 1 if mark else 0, str(exc.problem)) from exc
    except (ValueError, OverflowError, TypeError, yaml.YAMLError) as exc:
        raise YamlRefused(_line_of(node, exc), f"a value its tag cannot hold ({exc})") from exc
    finally:
        constructor.dispose()


def _line_of(root: yaml.Node, exc: BaseException) -> int:
    """The line of the first scalar that fails to construct on its own (0 if none does)."""
    constructor = yaml.SafeLoader("")
    stack = [root]
    seen: set[int] = set()
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, yaml.ScalarNode):
            try:
                constructor.construct_object(node)
            except Exception:
                return int(node.start_mark.line) + 1
        elif isinstance(node, yaml.MappingNode):
            stack.extend(n for pair in reversed(node.value) for n in reversed(pair))
        else:
            stack.extend(reversed(node.value))
    return 0


class Checker:
    """Reads typed values out of composed YAML nodes, failing with path and line.

    `title` is the heading the TUI shows over an error, e.g. "invalid themes file".
    """

    def __init__(self, path: str | Path, title: str = "briefing") -> None:
        self.path = path
        self.title = title

    def load(self, missing: str = "no such file") -> yaml.Node | None:
        """The file's root node, None when it holds no document; `missing` is said if absent."""
        try:
            source = Path(self.path).read_text(encoding="utf-8")
        except FileNotFoundError as exc:
            raise InputError(f"{self.path}: {missing}", self.title) from exc
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(
                f"{self.path}: cannot read it ({exc}); save it as UTF-8 text", self.title
            ) from exc
        try:
            return compose(source)
        except YamlRefused as exc:
            line = f":{exc.line}" if exc.line else ""
            hint = "; check the indentation and quote text that holds a colon" if exc.syntax else ""
            raise InputError(f"{self.path}{line}: {exc.problem}{hint}", self.title) from exc

    def fail(self, node: yaml.Node | None, message: str) -> NoReturn:
        """Raise the error at the node's line; no node means the file as a whole."""
        line = f":{node.start_mark.line + 1}" if node is not None else ""
        raise InputError(f"{self.path}{line}: {message}", self.title)

    @staticmethod
    def suggest(word: str, choices: Sequence[str]) -> str:
        close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
        return f" (did you mean {close[0]!r}?)" if close else ""

    def mapping(self, node: yaml.Node, what: str, keys: Sequence[str]) -> dict[str, yaml.Node]:
        """The mapping's values by key, in file order; an unknown or repeated key is an error."""
        if not isinstance(node, yaml.MappingNode):
            self.fail(node, f"{what} must be a mapping of `key: value` lines")
        found: dict[str, yaml.Node] = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            if not isinstance(key, str) or key not in keys:
                *rest, last = (repr(k) for k in keys)
                allowed = f"{', '.join(rest)} or {last}" if rest else last
                self.fail(
                    key_node,
                    f"unknown key {key!r} in {what}{self.suggest(str(key), keys)}; "
                    f"allowed keys: {allowed}",
                )
            if key in found:
                self.fail(key_node, f"key {key!r} appears twice in {what}; keep one")
            found[key] = value_node
        return found

    def sequence(self, node: yaml.Node | None, what: str) -> list[yaml.Node]:
        if node is None or _is_null(node):
            return []
        if not isinstance(node, yaml.SequenceNode):
            self.fail(node, f"{what} must be a list, one `- ` item per line")
        return list(node.value)

    def text(
        self,
        node: yaml.Node | None,
        what: str,
        *,
        required: bool = False,
        at: yaml.Node | None = None,
    ) -> str:
        """A string; numbers and dates written bare are taken as the text they show."""
        if node is None or _is_null(node):
            if required:
                where = at if at is not None else node
                if where is None:
                    self.fail(None, f"{what} is missing; add `{what}: ...`")
                self.fail(where, f"{what} is missing; add it")
            return ""
        if not isinstance(node, yaml.ScalarNode):
            self.fail(node, f"{what} must be text, not a list or mapping")
        if node.tag == _BOOL:
            self.fail(node, f"{what} must be text; put quotes around {node.value!r}")
        # A label or title is shown in the terminal: "\e[2J" in double quotes is YAML for ESC.
        value = strip_controls(str(node.value))
        if required and not value.strip():
            self.fail(node, f"{what} is empty; write it")
        return value

    def texts(self, node: yaml.Node | None, what: str) -> list[str]:
        """A list of texts, each stripped; an empty item is a slip, so it is an error."""
        out: list[str] = []
        for item in self.sequence(node, what):
            value = self.text(item, f"an item of {what}").strip()
            if not value:
                self.fail(item, f"an item of {what} is empty; remove it")
            out.append(value)
        return out

    def integer(self, node: yaml.Node | None, what: str, low: int, high: int) -> int | None:
        if node is None or _is_null(node):
            return None
        if not isinstance(node, yaml.ScalarNode) or node.tag != _INT:
            self.fail(node, f"{what} must be a whole number from {low} to {high}")
        if not _PLAIN_INT.fullmatch(node.value):
            problem = _number_problem(node.value)
            self.fail(node, f"{what} {problem}; use a number from {low} to {high}")
        value = int(node.value)
        if not low <= value <= high:
            self.fail(node, f"{what} is {value}; use a number from {low} to {high}")
        return value

    def number(self, node: yaml.Node | None, what: str, low: float, high: float) -> float | None:
        """A whole or decimal number, e.g. a threshold of 0.4."""
        if node is None or _is_null(node):
            return None
        if not isinstance(node, yaml.ScalarNode) or node.tag not in (_INT, _FLOAT):
            self.fail(node, f"{what} must be a number between {low:g} and {high:g}")
        if not _PLAIN_NUMBER.fullmatch(node.value):
            self.fail(
                node,
                f"{what} {_number_problem(node.value)}; use a number between {low:g} and {high:g}",
            )
        value = float(node.value)
        if not low <= value <= high:
            self.fail(node, f"{what} is {value}; use a number between {low:g} and {high:g}")
        return value

    def boolean(self, node: yaml.Node | None, what: str, *, default: bool) -> bool:
        if node is None or _is_null(node):
            return default
        if not isinstance(node, yaml.ScalarNode) or node.tag != _BOOL:
            self.fail(node, f"{what} must be true or false")
        return bool(node.value.lower() in ("true", "yes", "on"))

    def date(self, node: yaml.Node | None, what: str) -> str | None:
        """An ISO date yyyy-mm-dd, returned as that text."""
        if node is None or _is_null(node):
            return None
        if not isinstance(node, yaml.ScalarNode) or node.tag not in (_STR, _TIMESTAMP):
            self.fail(node, f"{what} must be a date written yyyy-mm-dd")
        value = str(node.value).strip()
        try:
            parsed = dt.date.fromisoformat(value)
        except ValueError:
            self.fail(node, f"{what} {value!r} is not a date; write it as yyyy-mm-dd")
        if len(value) != 10:
            self.fail(node, f"{what} {value!r} is not a plain date; write it as yyyy-mm-dd")
        return parsed.isoformat()


def _number_problem(value: str) -> str:
    """Why a number YAML accepted is not one briefing takes, said so a person can fix it."""
    digits = sum(c.isdigit() for c in value)
    if digits > 18:
        return f"has {digits} digits"
    if ":" in value:
        return f"{value!r} is read by YAML as a time in base 60; write plain digits"
    if value.lstrip("+-").startswith("0") and value.lstrip("+-")[1:2].isdigit():
        return f"{value!r} has a leading zero, which YAML reads as octal; remove it"
    return f"{value!r} is not written in plain digits (like 10 or 0.4)"


def _is_null(node: yaml.Node) -> bool:
    return isinstance(node, yaml.ScalarNode) and node.tag == _NULL
