"""Finding, creating and describing a workspace: a folder of plain files.

The files a person wrote are the truth (themes.yaml, brief.yaml, tags.yaml,
sources/ with their .meta.yaml); `.briefing/corpus.db` is a cache rebuilt from them.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from briefing import locations
from briefing.errors import WorkspaceError

THEMES_FILE = "themes.yaml"
ENV_VAR = "BRIEFING_WORKSPACE"

# What `briefing init` writes when no --themes is given: one example theme to rewrite,
# with the format explained, rather than another subject's themes to delete by hand.
STARTER_THEMES = """\
# The themes of this workspace: each one becomes a section of the memo, in this order.
#
# Each theme has:
#   id           lower-case letters, digits and hyphens (used on the command line)
#   label        the section heading in the memo
#   description  a sentence or two on what the theme is about (used for semantic scoring)
#   keywords     phrases; matched case-insensitively on word boundaries, with plurals,
#                possessives and -ed/-ing forms, and with hyphen or space between words
#   patterns     (optional) regular expressions, for what keywords cannot say
#   exclude      (optional) phrases that do not count as evidence for the theme
#   threshold    (optional) a score between 0 and 1 above which the theme is given
#
# Rewrite the example below for your subject and add as many themes as you need; then
# run `briefing ingest PATH...` (and `briefing tag` after changing this file).
themes:
  - id: example-theme
    label: Example theme
    description: >-
      What this theme covers, in a sentence or two, as you would explain it to a colleague.
    keywords:
      - first key phrase
      - second key phrase
"""


@dataclass(frozen=True)
class Workspace:
    """The paths of one workspace; creating it on disk is `init_workspace`'s job."""

    root: Path

    @property
    def themes_path(self) -> Path:
        return self.root / THEMES_FILE

    @property
    def brief_path(self) -> Path:
        return self.root / "brief.yaml"

    @property
    def tags_path(self) -> Path:
        return self.root / "tags.yaml"

    @property
    def sources_dir(self) -> Path:
        return self.root / "sources"

    @property
    def exports_dir(self) -> Path:
        return self.root / "exports"

    @property
    def templates_dir(self) -> Path:
        """Templates the user copied here take precedence over the bundled ones."""
        return self.root / "templates"

    @property
    def db_path(self) -> Path:
        return self.root / ".briefing" / "corpus.db"

    def template_dirs(self) -> list[Path]:
        """Where to look for memo templates, the user's first."""
        return [self.templates_dir, locations.templates_dir()]


def is_workspace(path: Path) -> bool:
    return (path / THEMES_FILE).is_file()


def init_workspace(
    root: Path, themes_file: Path | None = None, *, starter: bool = False
) -> Workspace:
    """Create a workspace at `root` with `themes_file`, else the sample's themes, or with
    `starter` the commented one-theme STARTER_THEMES (what `briefing init` gives).

    Refuses a folder that already is a workspace, so nothing a user wrote is replaced.
    """
    root = Path(root).expanduser()
    if is_workspace(root):
        raise WorkspaceError(f"{root} is already a workspace (it has a {THEMES_FILE}).")
    if root.exists() and not root.is_dir():
        raise WorkspaceError(f"{root} exists and is not a folder.")
    source = Path(themes_file) if themes_file else locations.sample_dir() / THEMES_FILE
    if not source.is_file():
        raise WorkspaceError(f"{source}: no such themes file.")
    # Validate before anything is written, so a broken file leaves no half workspace.
    from briefing.tagging import load_themes

    load_themes(source)
    try:
        root.mkdir(parents=True, exist_ok=True)
        workspace = Workspace(root.resolve())
        workspace.sources_dir.mkdir(exist_ok=True)
        workspace.exports_dir.mkdir(exist_ok=True)
        if themes_file is None and starter:
            workspace.themes_path.write_text(STARTER_THEMES, encoding="utf-8")
        else:
            shutil.copyfile(source, workspace.themes_path)
    except OSError as error:
        raise WorkspaceError(f"{root}: cannot create the workspace ({error.strerror}).") from error
    return workspace


def ensure_user_sample() -> Workspace:
    """The user's writable copy of the bundled sample, copied on first use."""
    target = locations.user_sample_dir()
    if not is_workspace(target):
        source = locations.sample_dir()
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            staging = target.with_name(target.name + ".partial")
            shutil.rmtree(staging, ignore_errors=True)
            shutil.copytree(source, staging, ignore=shutil.ignore_patterns("__*", ".briefing"))
            (staging / "exports").mkdir(exist_ok=True)
            shutil.rmtree(target, ignore_errors=True)
            staging.rename(target)
        except OSError as error:
            raise WorkspaceError(
                f"{target}: cannot copy the sample workspace here ({error.strerror})."
            ) from error
    return Workspace(target.resolve())


def find_workspace(explicit: Path | None = None, cwd: Path | None = None) -> Workspace:
    """The workspace named by -w, else $BRIEFING_WORKSPACE, the current folder, the sample."""
    named = explicit or (Path(os.environ[ENV_VAR]) if os.environ.get(ENV_VAR) else None)
    if named is not None:
        named = named.expanduser()
        if not named.is_dir():
            raise WorkspaceError(
                f"{named}: no such folder. Create a workspace with `briefing init {named}`."
            )
        if not is_workspace(named):
            raise WorkspaceError(
                f"{named} is not a workspace (no {THEMES_FILE}). "
                f"Create one with `briefing init {named}`."
            )
        return Workspace(named.resolve())
    here = cwd or Path.cwd()
    if is_workspace(here):
        return Workspace(here.resolve())
    return ensure_user_sample()
