"""A source's metadata corrections: `NAME.meta.yaml` beside the original file.

The user's word wins over what ingest read from the text, field by field.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import yaml

from briefing.errors import InputError
from briefing.files import write_atomic

FIELDS = ("title", "author", "outlet", "date")


def meta_path(original: Path) -> Path:
    """`sources/001.txt` -> `sources/001.meta.yaml`."""
    return original.with_name(original.stem + ".meta.yaml")


def is_meta_file(path: Path) -> bool:
    return path.name.endswith(".meta.yaml")


def load_meta(path: Path) -> dict[str, str | None]:
    """The corrected fields (only those the file names); an empty dict when there is no file."""
    if not path.is_file():
        return {}
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f":{mark.line + 1}" if mark is not None else ""
        raise InputError(
            f"{path}{where}: not valid YAML ({getattr(error, 'problem', error)})."
        ) from error
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(f"{path}: cannot read it ({error}).") from error
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise InputError(f"{path}: expected a mapping of {', '.join(FIELDS)}.")
    unknown = sorted(set(map(str, data)) - set(FIELDS))
    if unknown:
        raise InputError(
            f"{path}: unknown field {', '.join(unknown)}; the fields are {', '.join(FIELDS)}."
        )
    fields: dict[str, str | None] = {}
    for key, value in data.items():
        if isinstance(value, dt.date):
            value = value.isoformat()
        if value is not None and not isinstance(value, str | int | float):
            raise InputError(f"{path}: {key} should be text, not {type(value).__name__}.")
        text = None if value is None else str(value).strip() or None
        if key == "date" and text is not None:
            try:
                text = dt.date.fromisoformat(text).isoformat()
            except ValueError as error:
                raise InputError(f"{path}: date {text!r} should be YYYY-MM-DD.") from error
        fields[str(key)] = text
    return fields


def save_meta(path: Path, fields: dict[str, str | None]) -> None:
    """Write the corrected fields, in a stable order."""
    ordered = {key: fields[key] for key in FIELDS if key in fields}
    write_atomic(path, yaml.safe_dump(ordered, allow_unicode=True, sort_keys=False))
