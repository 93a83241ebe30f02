"""A source's metadata corrections: `NAME.meta.yaml` beside the original file.

The user's word wins over what ingest read from the text, field by field. Authors
may be written as a list (`authors:`) or as one line (`author: A and B`); either way
the source gets both the list and its display string.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import yaml

from briefing.controls import strip_controls
from briefing.files import write_atomic
from briefing.yamlcheck import Checker

FIELDS = ("title", "author", "authors", "outlet", "date", "url", "accessed", "type")
TYPES = ("article", "blog post", "report", "web page", "e-mail", "document")

Fields = dict[str, str | list[str] | None]

_URL = re.compile(r"^[a-z][a-z0-9+.-]*://\S+$", re.IGNORECASE)


def meta_path(original: Path) -> Path:
    """`sources/001.txt` -> `sources/001.meta.yaml`."""
    return original.with_name(original.stem + ".meta.yaml")


def is_meta_file(path: Path) -> bool:
    return path.name.endswith(".meta.yaml")


def load_meta(path: Path) -> Fields:
    """The corrected fields (only those the file names, `author` and `authors` together);
    an empty dict when there is no file."""
    if not path.is_file():
        return {}
    # Here, not at the top: importing the ingest package costs every command 60 ms.
    from briefing.ingest.authors import display, split_names

    check = Checker(path)
    root = check.load()
    if root is None:
        return {}
    fields: Fields = {}
    for key, node in check.mapping(root, "the metadata", FIELDS).items():
        if key == "authors":
            if isinstance(node, yaml.ScalarNode):
                names = split_names(strip_controls(check.text(node, key)))
            else:
                names = [strip_controls(name) for name in check.texts(node, key)]
            fields["authors"] = list(dict.fromkeys(name for name in names if name.strip()))
            continue
        # A correction is shown in the terminal like any metadata: no escape sequences.
        text = " ".join(strip_controls(check.text(node, key)).split()) or None
        if key in ("date", "accessed") and text is not None:
            try:
                text = dt.date.fromisoformat(text).isoformat()
            except ValueError:
                check.fail(node, f"{key} {text!r} should be YYYY-MM-DD.")
        if key == "type" and text is not None and text not in TYPES:
            check.fail(node, f"type {text!r} is not one of: {', '.join(TYPES)}.")
        if key == "url" and text is not None and not _URL.match(text):
            check.fail(node, f"url {text!r} is not a web address; write it as https://...")
        fields[key] = text
    if "authors" in fields and "author" not in fields:
        fields["author"] = display(fields["authors"] or [])
    elif "author" in fields and "authors" not in fields:
        author = fields["author"]
        fields["authors"] = split_names(author) if isinstance(author, str) else []
    return fields


def save_meta(path: Path, fields: Fields) -> None:
    """Write the corrected fields, in a stable order; lists as YAML lists. The authors go
    in once: as `author` for one name, as an `authors` list for several."""
    from briefing.ingest.authors import display

    fields = dict(fields)
    authors = fields.get("authors")
    if isinstance(authors, list) and fields.get("author") == display(authors):
        fields.pop("authors" if len(authors) <= 1 else "author")
    ordered = {key: fields[key] for key in FIELDS if key in fields}
    write_atomic(path, yaml.safe_dump(ordered, allow_unicode=True, sort_keys=False))
