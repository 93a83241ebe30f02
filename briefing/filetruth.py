"""Where an embedded store's truth lives: the workspace's own plain files.

The SQLite store is a cache of one workspace: its taxonomy is themes.yaml, its decisions
tags.yaml, its originals sources/. These are the "truth" methods of the store interface
(`briefing.stores.CorpusStore`) as that store answers them; the team store answers the
same calls from its database. The Library calls them without knowing which it has.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from briefing.model import Source
    from briefing.tagging.manual import ManualTags
    from briefing.workspace import Workspace


class WorkspaceFiles:
    """The truth methods of a store whose truth is the workspace's files."""

    def sources(self) -> list[Source]:  # provided by the store
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
        """The original is kept in sources/ by the ingest itself."""

    def keep_meta(self, source_id: str, meta_file: Path) -> None:
        """The .meta.yaml beside the original is where the corrections live already."""

    def originals(self, workspace: Workspace) -> Iterator[tuple[str, bytes, str | None]]:
        """Every source's original as (file name, bytes, .meta.yaml text or None)."""
        from briefing.source_meta import meta_path

        for source in self.sources():
            path = workspace.sources_dir / source.file
            beside = meta_path(path)
            meta = beside.read_text(encoding="utf-8") if beside.is_file() else None
            yield source.file, path.read_bytes(), meta
