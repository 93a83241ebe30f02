"""Loading and validating themes.yaml.

The taxonomy is written by hand, so every mistake is reported with the file, the
line and what to change, instead of surfacing later as a puzzling tag.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from briefing.model import Theme
from briefing.tagging.phrases import compile_pattern
from briefing.yamlcheck import Checker

ALLOWED_KEYS = ("id", "label", "description", "keywords", "patterns", "exclude", "threshold")
ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def _theme(check: Checker, node: yaml.Node) -> Theme:
    keys = check.mapping(node, "this theme", ALLOWED_KEYS)
    theme_id = check.text(keys.get("id"), "id").strip()
    label = check.text(keys.get("label"), "label").strip()
    for key, value in (("id", theme_id), ("label", label)):
        if not value:
            check.fail(node, f"this theme has no '{key}'; add one")
    if not ID_RE.match(theme_id):
        check.fail(
            keys["id"],
            f"id '{theme_id}' must be lower-case letters, digits and single hyphens, "
            "e.g. arms-sales",
        )
    patterns_node = keys.get("patterns")
    patterns = check.texts(patterns_node, "patterns")
    for item, pattern in zip(check.sequence(patterns_node, "patterns"), patterns, strict=True):
        try:
            compile_pattern(pattern)
        except ValueError as exc:
            check.fail(
                item,
                f"pattern {pattern!r} of theme '{theme_id}' is not a valid regular expression "
                f"({exc}); fix it or quote it with single quotes (patterns use RE2 syntax: "
                "no look-around or back-references)",
            )
    theme = Theme(
        id=theme_id,
        label=label,
        description=check.text(keys.get("description"), "description").strip(),
        keywords=tuple(check.texts(keys.get("keywords"), "keywords")),
        patterns=tuple(patterns),
        exclude=tuple(check.texts(keys.get("exclude"), "exclude")),
        threshold=check.number(keys.get("threshold"), "threshold", 0.0, 1.0),
    )
    if not (theme.keywords or theme.patterns or theme.description):
        check.fail(
            node,
            f"theme '{theme_id}' has no keywords, patterns or description, so nothing can "
            "match it; add keywords",
        )
    return theme


def load_themes(path: Path) -> list[Theme]:
    """Read and validate a themes file: a YAML mapping whose `themes:` key lists themes."""
    check = Checker(Path(path), title="invalid themes file")
    root = check.load("no such file; create it or name another themes file")
    if root is None:
        check.fail(None, "the file is empty; it needs a 'themes:' list")
    if not isinstance(root, yaml.MappingNode):
        check.fail(root, "the file must be a mapping with a 'themes:' list at the top")
    themes_node = check.mapping(root, "the themes file", ("themes",)).get("themes")
    if themes_node is None:
        check.fail(root, "no 'themes:' key; put the list of themes under 'themes:'")
    items = check.sequence(themes_node, "themes")
    if not items:
        check.fail(themes_node, "'themes' must be a non-empty list of themes ('- id: ...')")
    themes: list[Theme] = []
    first_line: dict[str, int] = {}
    for item in items:
        theme = _theme(check, item)
        if theme.id in first_line:
            check.fail(
                item,
                f"duplicate id '{theme.id}' (first on line {first_line[theme.id]}); "
                "give each theme its own id",
            )
        first_line[theme.id] = item.start_mark.line + 1
        themes.append(theme)
    return themes
