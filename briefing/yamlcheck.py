"""Checking a YAML file a person wrote, node by node, so every error names its line.

themes.yaml, tags.yaml, brief.yaml and NAME.meta.yaml are all written by hand. PyYAML's
composed nodes keep their position; reading them instead of plain Python values lets a
message say `brief.yaml:12: ...` and what to write instead, the same way for every file.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

import yaml

from briefing.errors import InputError

_NULL = "tag:yaml.org,2002:null"
_STR = "tag:yaml.org,2002:str"
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_BOOL = "tag:yaml.org,2002:bool"
_TIMESTAMP = "tag:yaml.org,2002:timestamp"


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
            return yaml.compose(source, Loader=yaml.SafeLoader)
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark
            line = f":{mark.line + 1}" if mark is not None else ""
            raise InputError(
                f"{self.path}{line}: not valid YAML ({exc.problem}); "
                "check the indentation and quote text that holds a colon",
                self.title,
            ) from exc
        except yaml.YAMLError as exc:
            raise InputError(f"{self.path}: not valid YAML ({exc})", self.title) from exc

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
        value = str(node.value)
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
        value = int(node.value.replace("_", ""), 0)
        if not low <= value <= high:
            self.fail(node, f"{what} is {value}; use a number from {low} to {high}")
        return value

    def number(self, node: yaml.Node | None, what: str, low: float, high: float) -> float | None:
        """A whole or decimal number, e.g. a threshold of 0.4."""
        if node is None or _is_null(node):
            return None
        if not isinstance(node, yaml.ScalarNode) or node.tag not in (_INT, _FLOAT):
            self.fail(node, f"{what} must be a number between {low:g} and {high:g}")
        value = float(yaml.safe_load(node.value))
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


def _is_null(node: yaml.Node) -> bool:
    return isinstance(node, yaml.ScalarNode) and node.tag == _NULL
