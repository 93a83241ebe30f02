"""The brief: what the analyst decided about the memo, kept in brief.yaml.

The TUI edits a `Brief` in place and saves it; the CLI loads it and exports. Excerpt ids
are stored with the excerpt's text, so a pin survives a re-ingest that changed its id.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

from briefing.errors import InputError
from briefing.files import write_atomic
from briefing.memo.citations import DATE_STYLES, MONTHS
from briefing.model import Excerpt, Theme
from briefing.yamlcheck import Checker

DEFAULT_MAX_EXCERPTS = 4
MAX_EXCERPTS_LIMIT = 50


@dataclass
class ExcerptRef:
    """An excerpt named in the brief: its id, and its text to find it again by."""

    id: str
    text: str = ""

    @classmethod
    def of(cls, excerpt: Excerpt) -> ExcerptRef:
        return cls(excerpt.id, excerpt.text)


@dataclass
class BriefTheme:
    """One theme of the memo: the analyst's comment and excerpt decisions."""

    id: str
    comment: str = ""
    pinned: list[ExcerptRef] = field(default_factory=list)
    excluded: list[ExcerptRef] = field(default_factory=list)
    max_excerpts: int = DEFAULT_MAX_EXCERPTS
    include: bool = True  # False keeps the comment and pins of a theme toggled out

    def is_pinned(self, excerpt_id: str) -> bool:
        return any(ref.id == excerpt_id for ref in self.pinned)

    def is_excluded(self, excerpt_id: str) -> bool:
        return any(ref.id == excerpt_id for ref in self.excluded)

    def pin(self, excerpt: Excerpt) -> None:
        """Pin at the end of the pinned list; a pinned excerpt is never excluded."""
        self.include_excerpt(excerpt.id)
        if not self.is_pinned(excerpt.id):
            self.pinned.append(ExcerptRef.of(excerpt))

    def unpin(self, excerpt_id: str) -> None:
        self.pinned = [ref for ref in self.pinned if ref.id != excerpt_id]

    def exclude(self, excerpt: Excerpt) -> None:
        """Exclude from the memo; excluding a pinned excerpt unpins it."""
        self.unpin(excerpt.id)
        if not self.is_excluded(excerpt.id):
            self.excluded.append(ExcerptRef.of(excerpt))

    def include_excerpt(self, excerpt_id: str) -> None:
        self.excluded = [ref for ref in self.excluded if ref.id != excerpt_id]

    def move_pinned(self, excerpt_id: str, delta: int) -> None:
        """Move a pinned excerpt `delta` places (negative: earlier), clamped to the list."""
        _move(self.pinned, [r.id for r in self.pinned], excerpt_id, delta)


@dataclass
class Brief:
    """The memo being assembled: its details, summary, and themes in memo order."""

    title: str
    to: str = ""
    sender: str = ""  # "from" in brief.yaml
    date: str | None = None  # ISO yyyy-mm-dd
    marking: str = ""  # a handling marking, e.g. "CONFIDENTIAL"
    date_style: str = "us"  # us | day-month | iso: the memo's dates, its own and its sources'
    summary: str = ""  # empty: the memo drafts one from the sources
    themes: list[BriefTheme] = field(default_factory=list)

    def theme(self, theme_id: str) -> BriefTheme | None:
        return next((t for t in self.themes if t.id == theme_id), None)

    def chosen(self) -> list[BriefTheme]:
        """The themes the memo will carry, in order."""
        return [t for t in self.themes if t.include]

    def ensure_theme(self, theme_id: str) -> BriefTheme:
        """The brief's entry for a theme, added (not included) when missing."""
        found = self.theme(theme_id)
        if found is None:
            found = BriefTheme(theme_id, include=False)
            self.themes.append(found)
        return found

    def toggle_theme(self, theme_id: str) -> bool:
        """Put a theme in or out of the memo; returns whether it is now in."""
        entry = self.theme(theme_id)
        if entry is None:
            self.themes.append(BriefTheme(theme_id))
            return True
        entry.include = not entry.include
        if not entry.include and _is_blank(entry):
            self.themes.remove(entry)
        return entry.include

    def move_theme(self, theme_id: str, delta: int) -> None:
        """Move a theme `delta` places among the chosen ones (negative: earlier)."""
        chosen = self.chosen()
        ids = [t.id for t in chosen]
        if theme_id not in ids:
            return
        _move(chosen, ids, theme_id, delta)
        rest = [t for t in self.themes if not t.include]
        self.themes = chosen + rest

    def restricted_to(self, theme_ids: Sequence[str]) -> Brief:
        """A copy carrying only these themes, in this order, each with its settings."""
        entries = [replace(self.theme(i) or BriefTheme(i), include=True) for i in theme_ids]
        return replace(self, themes=entries)

    def set_details(
        self,
        *,
        title: str | None = None,
        to: str | None = None,
        sender: str | None = None,
        date: str | None = None,
        marking: str | None = None,
    ) -> None:
        """Change the header fields given; a date must be ISO yyyy-mm-dd or empty."""
        if date is not None:
            iso = parse_date(date, self.date_style) if date.strip() else None
            if date.strip() and iso is None:
                raise InputError(
                    f"date {date!r} is not a date: write it as yyyy-mm-dd or e.g. 5 Dec 2014"
                )
            self.date = iso
        self.title = self.title if title is None else title
        self.to = self.to if to is None else to
        self.sender = self.sender if sender is None else sender
        self.marking = self.marking if marking is None else marking


def default_brief(
    themes: Sequence[Theme],
    theme_ids: Sequence[str] | None = None,
    *,
    title: str = "Briefing",
    date: str | None = None,
) -> Brief:
    """A brief over the given themes (all, in taxonomy order, when none are named)."""
    known = {t.id: t for t in themes}
    ids = list(theme_ids) if theme_ids else list(known)
    for theme_id in ids:
        if theme_id not in known:
            hint = Checker.suggest(theme_id, list(known))
            raise InputError(f"unknown theme {theme_id!r}{hint}; themes: {', '.join(known)}")
    return Brief(title=title, date=date, themes=[BriefTheme(i) for i in dict.fromkeys(ids)])


# -- reading -------------------------------------------------------------------------

_TOP_KEYS = ("title", "to", "from", "date", "date_style", "marking", "summary", "themes")
_THEME_KEYS = ("id", "include", "comment", "max_excerpts", "pinned", "excluded")
_REF_KEYS = ("id", "text")


def load_brief(path: Path) -> Brief:
    """Read and check brief.yaml; a mistake raises InputError with its line and a fix."""
    check = Checker(Path(path))
    root = check.load("no such brief; save one from the TUI first")
    if root is None:
        check.fail(None, "the brief is empty; it needs at least a title")
    top = check.mapping(root, "the brief", _TOP_KEYS)
    title = check.text(top.get("title"), "title", required=True)
    style_node = top.get("date_style")
    style = check.text(style_node, "date_style").strip() or "us"
    if style not in DATE_STYLES:
        check.fail(style_node, f"date_style {style!r} is not one of {', '.join(DATE_STYLES)}")
    date = _read_date(check, top.get("date"), style)
    themes: list[BriefTheme] = []
    seen: set[str] = set()
    for node in check.sequence(top.get("themes"), "themes"):
        theme = _read_theme(check, node)
        if theme.id in seen:
            check.fail(node, f"theme {theme.id!r} is listed twice; keep one entry")
        seen.add(theme.id)
        themes.append(theme)
    return Brief(
        title=title,
        to=check.text(top.get("to"), "to"),
        sender=check.text(top.get("from"), "from"),
        date=date,
        marking=check.text(top.get("marking"), "marking"),
        summary=check.text(top.get("summary"), "summary"),
        themes=themes,
        date_style=style,
    )


def _read_date(check: Checker, node: yaml.Node | None, style: str) -> str | None:
    """The brief's date in any common form: 2014-12-05, 5 Dec 2014, December 5, 2014."""
    if node is None or (isinstance(node, yaml.ScalarNode) and node.tag.endswith(":null")):
        return None
    if not isinstance(node, yaml.ScalarNode):
        check.fail(node, "date must be a date, e.g. 2014-12-05 or 5 Dec 2014")
    value = str(node.value).strip()
    iso = parse_date(value, style)
    if value and iso is None:
        check.fail(node, f"date {value!r} is not a date; write e.g. 2014-12-05 or 5 Dec 2014")
    return iso


def _read_theme(check: Checker, node: yaml.Node) -> BriefTheme:
    keys = check.mapping(node, "a theme entry", _THEME_KEYS)
    theme_id = check.text(keys.get("id"), "theme id", required=True, at=node)
    where = f"theme {theme_id!r}"
    max_node = keys.get("max_excerpts")
    maximum = check.integer(max_node, f"{where}: max_excerpts", 1, MAX_EXCERPTS_LIMIT)
    return BriefTheme(
        id=theme_id,
        include=check.boolean(keys.get("include"), f"{where}: include", default=True),
        comment=check.text(keys.get("comment"), f"{where}: comment"),
        max_excerpts=DEFAULT_MAX_EXCERPTS if maximum is None else maximum,
        pinned=_read_refs(check, keys.get("pinned"), f"{where}: pinned"),
        excluded=_read_refs(check, keys.get("excluded"), f"{where}: excluded"),
    )


def _read_refs(check: Checker, node: yaml.Node | None, what: str) -> list[ExcerptRef]:
    refs: list[ExcerptRef] = []
    for item in check.sequence(node, what):
        if isinstance(item, yaml.ScalarNode):  # a bare id, as a person might write it
            refs.append(ExcerptRef(check.text(item, f"{what} id", required=True)))
            continue
        keys = check.mapping(item, f"an entry of {what}", _REF_KEYS)
        excerpt_id = check.text(keys.get("id"), f"{what} id", required=True, at=item)
        refs.append(ExcerptRef(excerpt_id, check.text(keys.get("text"), f"{what} text")))
    return refs


# -- writing -------------------------------------------------------------------------


def brief_to_yaml(brief: Brief) -> str:
    """The brief as YAML: fixed key order, long text as blocks, so diffs stay readable."""
    data: dict[str, Any] = {"title": brief.title}
    for key, value in (("to", brief.to), ("from", brief.sender)):
        if value:
            data[key] = value
    if brief.date:
        data["date"] = dt.date.fromisoformat(brief.date)  # written bare: 2014-12-05
    if brief.date_style != "us":
        data["date_style"] = brief.date_style
    if brief.marking:
        data["marking"] = brief.marking
    if brief.summary:
        data["summary"] = brief.summary
    data["themes"] = [_theme_data(t) for t in brief.themes]
    header = "# The memo being assembled; the TUI writes it, `briefing export --brief` reads it.\n"
    return header + yaml.dump(
        data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=88, indent=2
    )


def save_brief(path: Path, brief: Brief) -> None:
    """Write brief.yaml atomically: a crash leaves the old file or the new, never half."""
    write_atomic(Path(path), brief_to_yaml(brief))


def _theme_data(theme: BriefTheme) -> dict[str, Any]:
    data: dict[str, Any] = {"id": theme.id}
    if not theme.include:
        data["include"] = False
    if theme.comment:
        data["comment"] = theme.comment
    data["max_excerpts"] = theme.max_excerpts
    if theme.pinned:
        data["pinned"] = [{"id": r.id, "text": r.text} for r in theme.pinned]
    if theme.excluded:
        data["excluded"] = [{"id": r.id, "text": r.text} for r in theme.excluded]
    return data


class _Dumper(yaml.SafeDumper):
    """Writes multi-line text as literal blocks and indents lists, as a person would."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _represent_str)


# -- helpers -------------------------------------------------------------------------


def _is_blank(theme: BriefTheme) -> bool:
    return not (theme.comment or theme.pinned or theme.excluded)


def _move(items: list[Any], ids: list[str], item_id: str, delta: int) -> None:
    if item_id not in ids:
        return
    old = ids.index(item_id)
    new = max(0, min(len(items) - 1, old + delta))
    items.insert(new, items.pop(old))


_MONTHS = {m[:3].lower(): i for i, m in enumerate(MONTHS, start=1)}
_MONTH = r"([A-Za-z]{3,9})\.?"
_DAY = r"(\d{1,2})(?:st|nd|rd|th)?"
_DATE_FORMS = (
    (re.compile(rf"{_DAY}\s+{_MONTH},?\s+(\d{{4}})"), ("d", "m", "y")),  # 5 Dec 2014
    (re.compile(rf"{_MONTH}\s+{_DAY},?\s+(\d{{4}})"), ("m", "d", "y")),  # December 5, 2014
    (re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})"), ("y", "n", "d")),  # 2014-12-05
    (re.compile(r"(\d{4})/(\d{1,2})/(\d{1,2})"), ("y", "n", "d")),  # 2014/12/05
)
_NUMERIC = re.compile(r"(\d{1,2})[/.](\d{1,2})[/.](\d{4})")  # 12/5/2014 or 5.12.2014


def parse_date(text: str, style: str = "us") -> str | None:
    """A whole date field as yyyy-mm-dd, or None; 5/12/2014 is read as the style writes it."""
    value = text.strip()
    parts: dict[str, str] = {}
    for pattern, order in _DATE_FORMS:
        match = pattern.fullmatch(value)
        if match:
            parts = dict(zip(order, match.groups(), strict=True))
            break
    numeric = _NUMERIC.fullmatch(value)
    if not parts and numeric:
        first, second, year = numeric.groups()
        month, day = (first, second) if style == "us" else (second, first)
        parts = {"n": month, "d": day, "y": year}
    if not parts:
        return None
    month = int(parts["n"]) if "n" in parts else _MONTHS.get(parts["m"][:3].lower())
    try:
        return dt.date(int(parts["y"]), month or 0, int(parts["d"])).isoformat()
    except ValueError:
        return None
