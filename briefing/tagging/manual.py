"""The user's manual tag decisions (tags.yaml), which always win over the tagger.

The file is plain YAML so it can be read, diffed and edited by hand:

    excerpt-id:
      added: [theme-id, ...]
      removed: [theme-id, ...]
      text: the excerpt's text, to find it again when its id changes
      decided:
        theme-id: {by: analyst, at: '2026-11-27T16:40:12+00:00'}

An excerpt's id is derived from its source's cleaned text, so a better cleaner can
change it; the text finds the excerpt again (`Library` does it on opening). `text` and
`decided` are optional: files written before them still load.
"""

from __future__ import annotations

import datetime as dt
import getpass
import re
from dataclasses import dataclass, field, replace
from pathlib import Path

import yaml

from briefing.files import write_atomic
from briefing.model import ThemeScore
from briefing.yamlcheck import Checker

_KEYS = ("added", "removed", "text", "decided")
_STAMP_KEYS = ("by", "at")
_ID_SHAPE = re.compile(r"[0-9A-Za-z][0-9A-Za-z_-]{0,63}")
_HEADER = (
    "# Manual tag decisions: excerpt id -> themes added or removed by hand, the excerpt's\n"
    "# text (to find it again if its id changes), who decided and when.\n"
    "# They always win over the tagger. Written by briefing; safe to edit.\n"
)


@dataclass(frozen=True)
class Stamp:
    """Who made a decision and when."""

    by: str = ""
    at: str = ""  # ISO 8601, with the UTC offset

    @classmethod
    def now(cls) -> Stamp:
        """The current OS user, now."""
        try:
            user = getpass.getuser()
        except (OSError, KeyError):  # no login name in the environment or the user database
            user = ""
        return cls(user, dt.datetime.now().astimezone().isoformat(timespec="seconds"))


@dataclass
class ManualTags:
    """Themes the user added to or removed from excerpts, by excerpt id."""

    added: dict[str, set[str]] = field(default_factory=dict)
    removed: dict[str, set[str]] = field(default_factory=dict)
    texts: dict[str, str] = field(default_factory=dict)  # excerpt id -> its text
    stamps: dict[str, dict[str, Stamp]] = field(default_factory=dict)  # id -> theme -> stamp

    def add(
        self, excerpt_id: str, theme_id: str, text: str | None = None, stamp: Stamp | None = None
    ) -> None:
        """Give the theme to the excerpt, whatever the tagger says."""
        self._discard(self.removed, excerpt_id, theme_id)
        self.added.setdefault(excerpt_id, set()).add(theme_id)
        self._note(excerpt_id, theme_id, text, stamp)

    def remove(
        self, excerpt_id: str, theme_id: str, text: str | None = None, stamp: Stamp | None = None
    ) -> None:
        """Take the theme from the excerpt, whatever the tagger says."""
        self._discard(self.added, excerpt_id, theme_id)
        self.removed.setdefault(excerpt_id, set()).add(theme_id)
        self._note(excerpt_id, theme_id, text, stamp)

    def clear(self, excerpt_id: str, theme_id: str | None = None) -> None:
        """Forget the decision on one theme (or on all themes) of the excerpt."""
        for table in (self.added, self.removed):
            if theme_id is None:
                table.pop(excerpt_id, None)
            else:
                self._discard(table, excerpt_id, theme_id)
        stamps = self.stamps.get(excerpt_id, {})
        for theme in [theme_id] if theme_id is not None else list(stamps):
            stamps.pop(theme, None)
        if not stamps:
            self.stamps.pop(excerpt_id, None)
        if excerpt_id not in self.excerpt_ids():
            self.texts.pop(excerpt_id, None)

    def excerpt_ids(self) -> set[str]:
        """Every excerpt with a decision."""
        return set(self.added) | set(self.removed)

    def themes_of(self, excerpt_id: str) -> list[str]:
        """The themes decided on an excerpt, added then removed."""
        return sorted(self.added.get(excerpt_id, ())) + sorted(self.removed.get(excerpt_id, ()))

    def move(self, old_id: str, new_id: str, text: str) -> None:
        """Carry an excerpt's decisions to its new id (found again by `text`); a decision
        already made on the new id stands."""
        for table in (self.added, self.removed):
            for theme_id in table.pop(old_id, set()):
                if self.decision(new_id, theme_id) is None:
                    table.setdefault(new_id, set()).add(theme_id)
                    stamp = self.stamps.get(old_id, {}).get(theme_id)
                    if stamp is not None:
                        self.stamps.setdefault(new_id, {})[theme_id] = stamp
        self.stamps.pop(old_id, None)
        self.texts.pop(old_id, None)
        self.texts[new_id] = text

    def _note(self, excerpt_id: str, theme_id: str, text: str | None, stamp: Stamp | None) -> None:
        if text:
            self.texts[excerpt_id] = text
        if stamp is not None:
            self.stamps.setdefault(excerpt_id, {})[theme_id] = stamp

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
        where = f"excerpt '{excerpt_id}'"
        entry = check.mapping(value_node, where, _KEYS)
        text = " ".join(check.text(entry.get("text"), f"{where}: text").split()) or None
        stamps = _stamps(check, entry.get("decided"), where)
        for key in ("added", "removed"):
            for theme_id in check.texts(entry.get(key), key):
                decide = tags.add if key == "added" else tags.remove
                decide(excerpt_id, theme_id, text, stamps.get(theme_id))
    return tags


def _stamps(check: Checker, node: yaml.Node | None, where: str) -> dict[str, Stamp]:
    if node is None:
        return {}
    if not isinstance(node, yaml.MappingNode):
        check.fail(node, f"{where}: decided must map theme ids to {{by: ..., at: ...}}")
    stamps: dict[str, Stamp] = {}
    for theme_node, stamp_node in node.value:
        theme_id = check.text(theme_node, f"{where}: a theme id", required=True)
        fields = check.mapping(stamp_node, f"{where}: decided {theme_id}", _STAMP_KEYS)
        stamps[theme_id] = Stamp(
            check.text(fields.get("by"), "by").strip(), check.text(fields.get("at"), "at").strip()
        )
    return stamps


def save_manual_tags(path: Path, tags: ManualTags) -> None:
    """Write tags.yaml atomically, sorted, so that it diffs cleanly."""
    path = Path(path)
    data: dict[str, dict[str, object]] = {}
    for excerpt_id in sorted(tags.excerpt_ids()):
        entry: dict[str, object] = {}
        for key, table in (("added", tags.added), ("removed", tags.removed)):
            if table.get(excerpt_id):
                entry[key] = sorted(table[excerpt_id])
        if not entry:
            continue
        if tags.texts.get(excerpt_id):
            entry["text"] = tags.texts[excerpt_id]
        decided = {
            theme_id: {"by": stamp.by, "at": stamp.at}
            for theme_id, stamp in sorted(tags.stamps.get(excerpt_id, {}).items())
            if tags.decision(excerpt_id, theme_id) is not None
        }
        if decided:
            entry["decided"] = decided
        data[excerpt_id] = entry
    text = yaml.safe_dump(
        data, sort_keys=False, allow_unicode=True, default_flow_style=None, width=10_000
    )
    if not data:
        text = "{}\n"
    write_atomic(path, _HEADER + text)
