"""A source's metadata corrections: `NAME.meta.yaml` beside the original file.

The user's word wins over what ingest read from the text, field by field.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import yaml

from briefing.controls import strip_controls
from briefing.files import write_atomic
from briefing.yamlcheck import Checker

FIELDS = ("title", "author", "outlet", "date", "url", "accessed", "type")
TYPES = ("article", "blog post", "report", "web page", "e-mail", "document")


def meta_path(original: Path) -> Path:
    """`sources/001.txt` -> `sources/001.meta.yaml`."""
    return original.with_name(original.stem + ".meta.yaml")


def is_meta_file(path: Path) -> bool:
    return path.name.endswith(".meta.yaml")


def load_meta(path: Path) -> dict[str, str | None]:
    """The corrected fields (only those the file names); an empty dict when there is no file."""
    if not path.is_file():
        return {}
    check = Checker(path)
    root = check.load()
    if root is None:
        return {}
    fields: dict[str, str | None] = {}
    for key, node in check.mapping(root, "the metadata", FIELDS).items():
        # A correction is shown in the terminal like any metadata: no escape sequences.
        text = strip_controls(check.text(node, key)).strip() or None
        if key in ("date", "accessed") and text is not None:
            try:
                text = dt.date.fromisoformat(text).isoformat()
            except ValueError:
                check.fail(node, f"{key} {text!r} should be YYYY-MM-DD.")
        if key == "type" and text is not None and text not in TYPES:
            check.fail(node, f"type {text!r} is not one of: {', '.join(TYPES)}.")
        fields[key] = text
    return fields


def save_meta(path: Path, fields: dict[str, str | None]) -> None:
    """Write the corrected fields, in a stable order."""
    ordered = {key: fields[key] for key in FIELDS if key in fields}
    write_atomic(path, yaml.safe_dump(ordered, allow_unicode=True, sort_keys=False))
