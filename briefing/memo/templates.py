"""Where the memo templates are: the workspace's own copy first, then the bundled one.

Apart from render.py (the Jinja sandbox), so that finding a template, or learning that
the bundled one is in use, does not import Jinja.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from briefing.errors import BriefingError

# Every format the memo exports to, as (name, file suffix, description): the CLI's
# --format and the TUI's export dialog offer exactly these.
FORMATS: tuple[tuple[str, str, str], ...] = (
    ("md", ".md", "Markdown"),
    ("pdf", ".pdf", "PDF"),
    ("docx", ".docx", "Word"),
)


def bundled_templates_dir() -> Path:
    """The templates shipped with briefing (the wheel's briefing.templates, or the checkout's)."""
    from briefing.locations import templates_dir

    return templates_dir()


def search_path(template_dirs: Sequence[Path] = ()) -> list[Path]:
    """The folders a template is looked up in, most specific first."""
    dirs = [Path(d) for d in template_dirs]
    bundled = bundled_templates_dir()
    return dirs if bundled in dirs else [*dirs, bundled]


def find_template(name: str, template_dirs: Sequence[Path] = ()) -> Path:
    """The first `name` found along the search path."""
    for folder in search_path(template_dirs):
        candidate = folder / name
        if candidate.is_file():
            return candidate
    raise BriefingError(
        f"template {name} not found in {', '.join(map(str, search_path(template_dirs)))}; "
        "reinstall briefing or copy the template into the workspace's templates/ folder",
        title="template",
    )


def is_bundled(path: Path) -> bool:
    """Whether `path` is the template shipped with briefing (not a workspace's copy)."""
    return path.parent == bundled_templates_dir()
