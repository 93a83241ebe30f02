"""Where an embedded store's truth lives: the workspace's own plain files.

The SQLite store is a cache of one workspace: its taxonomy is themes.yaml, its decisions
tags.yaml, its originals sources/. These are the "truth" methods of the store interface
(`briefing.stores.CorpusStore`) as that store answers them; the team store answers the
same calls from its database. The Library calls them without knowing which it has.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from briefing.errors import InputError

if TYPE_CHECKING:
    from briefing.model import Source
    from briefing.tagging.manual import ManualTags
    from briefing.workspace import Workspace


class WorkspaceFiles:
    """The truth methods of a store whose truth is the workspace's files."""

    def sources(self) -> list[Source]:  # provided by the store
        raise NotImplementedError

    def keep_digest(self, source_id: str, sha256: str) -> None:  # provided by the store
        raise NotImplementedError

    def kept_digests(self) -> Iterator[tuple[str, str, str | None]]:  # provided by the store
        raise NotImplementedError

    def writer_lock(
        self, on_wait: Callable[[], None] | None = None
    ) -> contextlib.nullcontext[None]:
        """Nothing beyond the workspace's own lock file (`briefing.locking`)."""
        return contextlib.nullcontext()

    def sync_taxonomy(self, workspace: Workspace) -> None:
        """themes.yaml is the taxonomy: nothing to bring in."""

    def publish_taxonomy(self, workspace: Workspace) -> None:
        """themes.yaml is read where it is: nothing to publish."""

    def take_taxonomy(self, workspace: Workspace) -> tuple[Path | None, str, str] | None:
        """No team's taxonomy to take: themes.yaml is the only one."""
        return None

    def taxonomy_text(self, workspace: Workspace) -> str | None:
        try:
            return workspace.themes_path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return None

    def manual_tags(self, workspace: Workspace) -> ManualTags:
        from briefing.tagging import load_manual_tags

        return load_manual_tags(workspace.tags_path)

    def save_manual_tags(self, workspace: Workspace, tags: ManualTags) -> None:
        from briefing.tagging import save_manual_tags

        save_manual_tags(workspace.tags_path, tags)

    def decisions_stamp(self, workspace: Workspace) -> str:
        """tags.yaml's time and size: whether it changed since it was read."""
        path = workspace.tags_path
        stat = path.stat() if path.is_file() else None
        return f"{stat.st_mtime_ns}:{stat.st_size}" if stat else "none"

    def keep_original(self, source_id: str, original: Path, file: str) -> None:
        """The original is kept in sources/ by the ingest itself, and the digest of the
        bytes it was read from here (`keep_digest`: a rebuild or a dump says when the file
        changed since, `changed_originals`)."""

    def keep_meta(self, source_id: str, meta_file: Path) -> None:
        """The .meta.yaml beside the original is where the corrections live already."""

    def originals(self, workspace: Workspace) -> Iterator[tuple[str, bytes, str | None]]:
        """Every source's original as (file name, bytes, .meta.yaml text or None).

        Refused, when called, if an original in sources/ changed since its ingest: its
        bytes are no longer those the corpus was read from.
        """
        changed = [
            str(workspace.sources_dir / file)
            for file, sha256, _ in self.kept_digests()
            if _digest_or_none(workspace.sources_dir / file) != sha256
        ]
        if changed:
            shown = "; ".join(changed[:10]) + (
                f" and {len(changed) - 10} more" if len(changed) > 10 else ""
            )
            raise InputError(
                f"{shown}: changed or removed since it was ingested: the corpus was read "
                "from other bytes. Put the originals back, or run `briefing rebuild` to read "
                "the corpus again from the files as they are (quotes of the old text then no "
                "longer match)."
            )
        return self._read_originals(workspace)

    def _read_originals(self, workspace: Workspace) -> Iterator[tuple[str, bytes, str | None]]:
        from briefing.source_meta import meta_path

        for source in self.sources():
            path = workspace.sources_dir / source.file
            beside = meta_path(path)
            meta = beside.read_text(encoding="utf-8") if beside.is_file() else None
            yield source.file, path.read_bytes(), meta


CHANGED = "changed since it was ingested"


# In .briefing/, beside the database: each kept original's SHA-256 as `sha256sum` writes
# it, by its path in sources/ (there, `sha256sum -c ../.briefing/originals.sha256` checks
# them by hand), for a rebuild that has no previous database to compare with.
DIGESTS = "originals.sha256"
_DIGEST_LINE = re.compile(r"([0-9a-f]{64})  (.+)")


def record_digests(path: Path, rows: Iterable[tuple[str, str]]) -> None:
    """Add (file, SHA-256) rows to the list of digests at `path`: an append, not an
    atomic rewrite (an ingest adds a batch at a time). A line cut short by a crash is
    skipped when read, and its original then not checked; an unwritable folder is no error."""
    lines = "".join(f"{sha256}  {file}\n" for file, sha256 in rows if _listable(file))
    if lines:
        with contextlib.suppress(OSError), open(path, "a", encoding="utf-8") as out:
            out.write(lines)


def write_digests(path: Path, rows: Iterable[tuple[str, str]]) -> None:
    """Replace the list of digests at `path` (after a rebuild read every original)."""
    from briefing.files import write_atomic

    text = "".join(f"{sha256}  {file}\n" for file, sha256 in rows if _listable(file))
    with contextlib.suppress(OSError):
        write_atomic(path, text)


def recorded_digests(path: Path) -> list[tuple[str, str, str | None]]:
    """(file, SHA-256, None) of the list at `path` by file, a file's last line winning."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return []
    found = {}
    for line in text.splitlines():
        if match := _DIGEST_LINE.fullmatch(line):
            found[match.group(2)] = match.group(1)
    return [(file, found[file], None) for file in sorted(found)]


def _listable(file: str) -> bool:
    return "\n" not in file and "\\" not in file  # sha256sum escapes those; none is written


def file_digest(path: Path) -> str:
    """The SHA-256 of a file's bytes, in hex."""
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def _digest_or_none(path: Path) -> str | None:
    try:
        return file_digest(path)
    except FileNotFoundError:
        return None


def changed_originals(
    before: Iterator[tuple[str, str, str | None]],
    after: Iterator[tuple[str, str, str | None]],
    sources: Path,
) -> list[tuple[str, str]]:
    """(path, what) of each original in sources/ that differs from the one ingested: its
    digest then (`before`) against the one a rebuild read now (`after`), both by file.

    A file that is there unchanged but gave no source now (refused, a duplicate) is the
    rebuild's own report, not a change.
    """
    now = iter(after)
    current = next(now, None)
    changed = []
    for file, sha256, title in before:
        while current is not None and current[0] < file:  # both streams are in file order
            current = next(now, None)
        path = sources / file
        name = repr(title) if title else "its source"
        if current is not None and current[0] == file:
            if current[1] != sha256:
                changed.append((str(path), f"{CHANGED}: {READ_AGAIN}"))
        elif not path.is_file():
            changed.append(
                (str(path), f"removed since it was ingested: {name} is no longer in the corpus")
            )
        elif file_digest(path) != sha256:
            changed.append((str(path), f"{CHANGED}: {name} is no longer in the corpus"))
    return changed


READ_AGAIN = (
    "its excerpts were read again from it as it is now (quotes of the old text no longer match)"
)
