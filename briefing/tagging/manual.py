"""The user's manual tag decisions (tags.yaml), which always win over the tagger.

The file is plain YAML so it can be read, diffed and edited by hand:

    excerpt-id:
      added: [theme-id, ...]
      removed: [theme-id, ...]
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path

import yaml

from briefing.files import write_atomic
from briefing.model import ThemeScore
from briefing.yamlcheck import Checker

_KEYS = ("added", "removed")
_ID_SHAPE = re.compile(r"[0-9A-Za-z][0-9A-Za-z_-]{0,63}")
_HEADER = (
    "# Manual tag decisions: excerpt id -> themes added or removed by hand.\n"
    "# They always win over the tagger. Written by briefing; safe to edit.\n"
)


@dataclass
class ManualTags:
    """Themes the user added to or removed from excerpts, by excerpt id."""

    added: dict[str, set[str]] = field(default_factory=dict)
    removed: dict[str, set[str]] = field(default_factory=dict)

    def add(self, excerpt_id: str, theme_id: str) -> None:
        """Give the theme to the excerpt, whatever the tagger says."""
        self._discard(self.removed, excerpt_id, theme_id)
        self.added.setdefault(excerpt_id, set()).add(theme_id)

    def remove(self, excerpt_id: str, theme_id: str) -> None:
        """Take the theme from the excerpt, whatever the tagger says."""
        self._discard(self.added, excerpt_id, theme_id)
        self.removed.setdefault(excerpt_id, set()).add(theme_id)

    def clear(self, excerpt_id: str, theme_id: str | None = None) -> None:
        """Forget the decision on one theme (or on all themes) of the excerpt."""
        for table in (self.added, self.removed):
            if theme_id is None:
                table.pop(excerpt_id, None)
            else:
                self._discard(table, excerpt_id, theme_id)

    def decision(self, excerpt_id: str, theme_id: str) -> str | None:
        """'added', 'removed' or None."""
        if theme_id in self.added.get(excerpt_id, ()):
            return "added"
        if theme_id in self.removed.get(excerpt_id, ()):
            return "removed"
        return None

    def apply(self, excerpt_id: str, scores: list[ThemeScore]) -> list[ThemeScore]:
        """The scores with the user's decisions applied: `tagged` follows the decision."""
        out = []
        for s in scores:
            decision = self.decision(excerpt_id, s.theme_id)
            if decision is None:
                out.append(s)
            else:
                explanation = replace(s.explanation, manual=decision)
                out.append(replace(s, tagged=decision == "added", explanation=explanation))
        return out

    @staticmethod
    def _discard(table: dict[str, set[str]], excerpt_id: str, theme_id: str) -> None:
        themes = table.get(excerpt_id)
        if themes is not None:
            themes.discard(theme_id)
            if not themes:
                del table[excerpt_id]


def load_manual_tags(path: Path) -> ManualTags:
    """Read tags.yaml; a missing or empty file means no decisions."""
    path = Path(path)
    if not path.exists():
        return ManualTags()
    check = Checker(path, title="invalid tags file")
    root = check.load()
    tags = ManualTags()
    if root is None:
        return tags
    if not isinstance(root, yaml.MappingNode):
        check.fail(root, "tags.yaml must map excerpt ids to {added: [...], removed: [...]}")
    for key_node, value_node in root.value:
        excerpt_id = check.text(key_node, "an excerpt id", required=True)
        if not _ID_SHAPE.fullmatch(excerpt_id):  # a slip, or a path like ../../x
            check.fail(
                key_node,
                f"{excerpt_id[:40]!r} is not an excerpt id (letters, digits and hyphens, as "
                "`briefing excerpts` lists them); fix or remove it",
            )
        decisions = check.mapping(value_node, f"excerpt '{excerpt_id}'", _KEYS)
        for key, themes_node in decisions.items():
            for theme_id in check.texts(themes_node, key):
                (tags.add if key == "added" else tags.remove)(excerpt_id, theme_id)
    return tags


def save_manual_tags(path: Path, tags: ManualTags) -> None:
    """Write tags.yaml atomically, sorted, so that it diffs cleanly."""
    path = Path(path)
    data: dict[str, dict[str, list[str]]] = {}
    for excerpt_id in sorted(set(tags.added) | set(tags.removed)):
        entry = {}
        for key, table in (("added", tags.added), ("removed", tags.removed)):
            if table.get(excerpt_id):
                entry[key] = sorted(table[excerpt_id])
        if entry:
            data[excerpt_id] = entry
    text = yaml.safe_dump(data, sort_keys=True, allow_unicode=True, default_flow_style=None)
    if not data:
        text = "{}\n"
    write_atomic(path, _HEADER + text)
