"""Loading and validating themes.yaml.

The taxonomy is written by hand, so every mistake is reported with the file, the
line and what to change, instead of surfacing later as a puzzling tag.
"""

from __future__ import annotations

import difflib
import re
from pathlib import Path
from typing import Any

import yaml

from briefing.errors import InputError
from briefing.model import Theme

ALLOWED_KEYS = ("id", "label", "description", "keywords", "patterns", "exclude", "threshold")
ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

_STR = "tag:yaml.org,2002:str"
_SEQ = "tag:yaml.org,2002:seq"
_MAP = "tag:yaml.org,2002:map"
_FLOAT = "tag:yaml.org,2002:float"
_INT = "tag:yaml.org,2002:int"
_NULL = "tag:yaml.org,2002:null"


def _line(node: yaml.Node) -> int:
    return int(node.start_mark.line) + 1


def _fail(path: Path, node: yaml.Node | None, message: str, line: int | None = None) -> InputError:
    where = line if line is not None else (_line(node) if node is not None else 1)
    return InputError(f"{path}:{where}: {message}", title="invalid themes file")


def compose_yaml(path: Path, what: str) -> yaml.Node | None:
    """Parse `path` into a node tree (with line numbers), or raise InputError."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"{path}: no such file; create it or name another {what}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot read it ({exc}); save it as UTF-8 text") from None
    try:
        return yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = int(mark.line) + 1 if mark is not None else 1
        problem = getattr(exc, "problem", None) or str(exc)
        raise InputError(
            f"{path}:{line}: not valid YAML ({problem}); check the indentation and quoting "
            "on or just above this line"
        ) from None


def _string(path: Path, node: yaml.Node, key: str) -> str:
    if not isinstance(node, yaml.ScalarNode) or node.tag not in (_STR, _INT, _FLOAT):
        raise _fail(path, node, f"'{key}' must be a text, not {_kind(node)}")
    return str(node.value).strip()


def _strings(path: Path, node: yaml.Node, key: str) -> tuple[str, ...]:
    if isinstance(node, yaml.ScalarNode) and node.tag == _NULL:
        return ()
    if not isinstance(node, yaml.SequenceNode):
        raise _fail(path, node, f"'{key}' must be a list of texts, e.g. {key}: [one, two]")
    out: list[str] = []
    for item in node.value:
        value = _string(path, item, f"an item of '{key}'")
        if not value:
            raise _fail(path, item, f"an item of '{key}' is empty; remove it")
        out.append(value)
    return tuple(out)


def _kind(node: yaml.Node) -> str:
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    if node.tag == _NULL:
        return "empty"
    return "a number" if node.tag in (_INT, _FLOAT) else "a scalar"


def _theme(path: Path, node: yaml.Node) -> Theme:
    if not isinstance(node, yaml.MappingNode):
        raise _fail(
            path, node, f"each theme must be a mapping with id and label, not {_kind(node)}"
        )
    fields: dict[str, Any] = {}
    seen: dict[str, yaml.Node] = {}
    for key_node, value_node in node.value:
        key = str(key_node.value)
        if key not in ALLOWED_KEYS:
            close = difflib.get_close_matches(key, ALLOWED_KEYS, n=1)
            hint = f"did you mean '{close[0]}'? " if close else ""
            raise _fail(
                path,
                key_node,
                f"unknown key '{key}'; {hint}allowed keys: {', '.join(ALLOWED_KEYS)}",
            )
        if key in seen:
            raise _fail(path, key_node, f"'{key}' is given twice in this theme; keep one")
        seen[key] = value_node
        if key in ("id", "label", "description"):
            fields[key] = _string(path, value_node, key)
        elif key in ("keywords", "patterns", "exclude"):
            fields[key] = _strings(path, value_node, key)
        else:
            fields[key] = _threshold(path, value_node)
    for key in ("id", "label"):
        if not fields.get(key):
            raise _fail(path, node, f"this theme has no '{key}'; add one")
    theme_id = fields["id"]
    if not ID_RE.match(theme_id):
        raise _fail(
            path,
            seen["id"],
            f"id '{theme_id}' must be lower-case letters, digits and single hyphens, "
            "e.g. arms-sales",
        )
    for i, pattern in enumerate(fields.get("patterns", ())):
        try:
            re.compile(pattern)
        except re.error as exc:
            raise _fail(
                path,
                seen["patterns"].value[i],
                f"pattern {pattern!r} of theme '{theme_id}' is not a valid regular expression "
                f"({exc}); fix it or quote it with single quotes",
            ) from None
    if not (fields.get("keywords") or fields.get("patterns") or fields.get("description")):
        raise _fail(
            path,
            node,
            f"theme '{theme_id}' has no keywords, patterns or description, so nothing can "
            "match it; add keywords",
        )
    return Theme(**fields)


def _threshold(path: Path, node: yaml.Node) -> float | None:
    if isinstance(node, yaml.ScalarNode) and node.tag == _NULL:
        return None
    if not isinstance(node, yaml.ScalarNode) or node.tag not in (_INT, _FLOAT):
        raise _fail(path, node, "'threshold' must be a number between 0 and 1, e.g. 0.4")
    value = float(yaml.safe_load(node.value))
    if not 0.0 <= value <= 1.0:
        raise _fail(path, node, f"'threshold' is {value}; it must be between 0 and 1")
    return value


def load_themes(path: Path) -> list[Theme]:
    """Read and validate a themes file: a YAML mapping whose `themes:` key lists themes."""
    path = Path(path)
    root = compose_yaml(path, "themes file")
    if root is None:
        raise _fail(path, None, "the file is empty; it needs a 'themes:' list", line=1)
    if not isinstance(root, yaml.MappingNode):
        raise _fail(path, root, "the file must be a mapping with a 'themes:' list at the top")
    themes_node: yaml.Node | None = None
    for key_node, value_node in root.value:
        if key_node.value != "themes":
            close = difflib.get_close_matches(str(key_node.value), ["themes"], n=1)
            hint = "did you mean 'themes'? " if close else ""
            raise _fail(
                path,
                key_node,
                f"unknown top-level key '{key_node.value}'; {hint}only 'themes' is allowed",
            )
        themes_node = value_node
    if themes_node is None:
        raise _fail(path, root, "no 'themes:' key; put the list of themes under 'themes:'")
    if not isinstance(themes_node, yaml.SequenceNode) or not themes_node.value:
        raise _fail(path, themes_node, "'themes' must be a non-empty list of themes ('- id: ...')")
    themes: list[Theme] = []
    first_line: dict[str, int] = {}
    for item in themes_node.value:
        theme = _theme(path, item)
        if theme.id in first_line:
            raise _fail(
                path,
                item,
                f"duplicate id '{theme.id}' (first on line {first_line[theme.id]}); "
                "give each theme its own id",
            )
        first_line[theme.id] = _line(item)
        themes.append(theme)
    return themes
