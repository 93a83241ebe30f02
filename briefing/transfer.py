"""`briefing dump` and `briefing load`: a corpus to plain files and back.

A dump is a folder a person can read and keep: sources/ (every original, with the
.meta.yaml of its corrections), tags.yaml (every manual decision, with who and when)
and themes.yaml (the taxonomy). Loading it into an empty store gives the same corpus:
the same sources, excerpts (ids come from the text), tags and so the same memo.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from briefing.errors import InputError
from briefing.files import write_atomic
from briefing.source_meta import meta_path

if TYPE_CHECKING:
    from briefing.library import IngestSummary, Library, Progress

THEMES = "themes.yaml"
TAGS = "tags.yaml"
SOURCES = "sources"


def dump(library: Library, target: Path) -> int:
    """Write the library's corpus to `target` (a new or empty folder); how many originals."""
    from briefing.tagging import save_manual_tags

    target = Path(target).expanduser()
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise InputError(f"{target}: not an empty folder; name a new one for the dump.")
    sources = target / SOURCES
    taken: set[str] = set()
    count = 0
    originals = library.store.originals(library.workspace)  # refused before anything is written
    try:
        sources.mkdir(parents=True, exist_ok=True)
        for file, content, meta in originals:
            name = _free_name(_safe_name(file), taken)
            path = sources / name
            path.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(path, content)
            if meta is not None:
                write_atomic(meta_path(path), meta.encode("utf-8"))
            count += 1
        taxonomy = library.store.taxonomy_text(library.workspace)
        if taxonomy is not None:
            write_atomic(target / THEMES, taxonomy.encode("utf-8"))
        save_manual_tags(target / TAGS, library.manual_tags())
    except OSError as error:
        raise InputError(f"{target}: cannot write the dump ({error.strerror}).") from error
    return count


def load(library: Library, folder: Path, progress: Progress | None = None) -> IngestSummary:
    """Fill the library's empty store from a dump: taxonomy, decisions, then originals."""
    from briefing.tagging import load_manual_tags, load_themes

    folder = Path(folder).expanduser()
    if not (folder / SOURCES).is_dir():
        raise InputError(
            f"{folder}: not a dump (no {SOURCES}/ folder); make one with `briefing dump`."
        )
    held = library.store.count_sources()
    if held:
        raise InputError(
            f"{library.place.name}: the store already holds {held} sources; `briefing load` "
            "fills an empty one (to add articles, use `briefing ingest`)."
        )
    themes = folder / THEMES
    tags_file = folder / TAGS
    if themes.is_file():
        load_themes(themes)  # refused with its line before anything is changed
    tags = load_manual_tags(tags_file) if tags_file.is_file() else None
    workspace = library.workspace
    if themes.is_file():
        write_atomic(workspace.themes_path, themes.read_bytes())
        library.store.publish_taxonomy(workspace)
        library.themes = load_themes(workspace.themes_path)
        library._tagger = None  # noqa: SLF001 - the taxonomy changed under it
    if tags is not None:
        with library._locked():  # noqa: SLF001
            library.store.save_manual_tags(workspace, tags)
    return library.ingest([folder / SOURCES], progress=progress)


def _safe_name(file: str) -> str:
    """A stored file name as a path inside sources/ (never outside it)."""
    parts = [p for p in PurePosixPath(file).parts if p not in ("", ".", "..", "/")]
    return "/".join(parts) or "source"


def _free_name(name: str, taken: set[str]) -> str:
    """`name`, else name-2, name-3...: two analysts may have kept originals of one name."""
    path = PurePosixPath(name)
    number = 1
    while True:
        candidate = (
            name if number == 1 else str(path.with_name(f"{path.stem}-{number}{path.suffix}"))
        )
        if candidate.casefold() not in taken:
            taken.add(candidate.casefold())
            return candidate
        number += 1
