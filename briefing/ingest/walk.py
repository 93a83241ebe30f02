"""The files to ingest under a folder, as people save folders.

A folder of articles also holds what is not an article: a browser's "Save Page
As" writes `page.html` beside `page_files/` (scripts, styles, images, fonts and
`.htm` ad frames, all belonging to the page); downloads leave images and
archives about. Those are skipped and counted, not refused. Special entries
(pipes, devices, sockets, broken links, link loops) are skipped and named with
the reason, since reading one could hang or mean nothing.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

# Kinds of file that come with web pages and downloads and are never articles.
ASSET_SUFFIXES = {
    ".js", ".mjs", ".css", ".map", ".json", ".xml", ".rss", ".atom", ".svg", ".png", ".jpg",
    ".jpeg", ".gif", ".webp", ".avif", ".bmp", ".ico", ".tif", ".tiff", ".heic", ".woff",
    ".woff2", ".ttf", ".otf", ".eot", ".mp3", ".mp4", ".m4a", ".webm", ".ogg", ".wav",
    ".mov", ".avi", ".swf", ".wasm", ".zip", ".gz", ".tgz", ".bz2", ".xz", ".7z", ".rar",
    ".exe", ".dmg", ".iso", ".bin", ".dat", ".db", ".sqlite", ".ds_store", ".lnk", ".url",
    ".torrent", ".part", ".crdownload", ".tmp", ".bak", ".log", ".csv", ".tsv", ".ics",
    ".vcf", ".php", ".asp", ".aspx", ".jsp", ".py", ".sh",
}  # fmt: skip
_PAGE_SUFFIXES = (".html", ".htm", ".xhtml", ".shtml", ".mhtml")
_SAVED_PAGE_FOLDER = ("_files", "-Dateien", "_fichiers", "_archivos", "_arquivos", "_file")


@dataclass
class Found:
    """What a walk found: files to read, and what it skipped."""

    files: list[Path] = field(default_factory=list)
    special: list[tuple[str, str]] = field(default_factory=list)  # (path, why skipped)
    assets: list[str] = field(default_factory=list)  # files that are not articles
    unsupported: list[Path] = field(default_factory=list)  # documents of a kind not read


def walk(folder: Path, supported: set[str], skip: set[str] | None = None) -> Found:
    """Every file under `folder` in a stable order, sorted into what to read and what not.

    Hidden entries are left alone; `skip` holds suffixes of our own files (none read).
    Links to folders are followed once; a link back into a folder being walked is a loop.
    """
    found = Found()
    _walk(Path(folder), supported, found, set(), skip or set())
    return found


def _walk(
    folder: Path, supported: set[str], found: Found, seen: set[tuple[int, int]], skip: set[str]
) -> None:
    try:
        info = os.stat(folder)
        key = (info.st_dev, info.st_ino)
        if key in seen:
            found.special.append((str(folder), "a link loop (a link back to a folder above it)"))
            return
        seen.add(key)
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError as error:
        found.special.append((str(folder), f"cannot be read ({error.strerror or error})"))
        return
    names = {entry.name for entry in entries}
    for entry in entries:
        path = Path(entry.path)
        if entry.name.startswith("."):
            continue
        kind = _kind(path)
        if kind == "folder":
            if _belongs_to_page(entry.name, names):
                found.assets.extend(str(p) for p in _all_files(path))
            else:
                _walk(path, supported, found, seen, skip)
        elif kind == "file":
            if any(entry.name.endswith(suffix) for suffix in skip):
                continue
            suffix = path.suffix.lower()
            if suffix in supported:
                found.files.append(path)
            elif suffix in ASSET_SUFFIXES or entry.name.lower() in {"thumbs.db", "desktop.ini"}:
                found.assets.append(str(path))
            else:
                found.unsupported.append(path)
        else:
            found.special.append((str(path), kind))


def _kind(path: Path) -> str:
    """'file', 'folder', or why the entry is special."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return "a broken link (its target does not exist)"
    except OSError as error:
        if error.errno == 40:  # ELOOP
            return "a link loop"
        return f"cannot be read ({error.strerror or error})"
    if stat.S_ISREG(mode):
        return "file"
    if stat.S_ISDIR(mode):
        return "folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO), not a file"
    if stat.S_ISSOCK(mode):
        return "a socket, not a file"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device, not a file"
    return "not a regular file"


def _belongs_to_page(name: str, names: set[str]) -> bool:
    """A browser's `NAME_files` folder saved beside `NAME.html`."""
    for marker in _SAVED_PAGE_FOLDER:
        if name.endswith(marker):
            stem = name[: -len(marker)]
            return any(f"{stem}{suffix}" in names for suffix in _PAGE_SUFFIXES)
    return False


def _all_files(folder: Path) -> list[Path]:
    files: list[Path] = []
    for root, dirs, names in os.walk(folder):
        dirs.sort()
        files.extend(Path(root) / name for name in sorted(names))
    return files
