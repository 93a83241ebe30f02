"""Shared fixtures: every test runs away from the user's real folders."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from briefing.workspace import Workspace, init_workspace
from tests.paths import SAMPLE_SOURCES

if TYPE_CHECKING:
    from briefing.library import Library
    from tests.postgres import Server


@pytest.fixture(autouse=True)
def _isolated(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    """No test reads or writes the user's data directory or inherits a workspace."""
    monkeypatch.setenv("BRIEFING_DATA_DIR", str(tmp_path_factory.mktemp("user-data")))
    monkeypatch.delenv("BRIEFING_WORKSPACE", raising=False)
    monkeypatch.delenv("BRIEFING_STORE", raising=False)


@pytest.fixture(scope="session")
def pg_server() -> Iterator[Server]:
    """A real PostgreSQL server for the session (skips where PostgreSQL is not installed)."""
    from tests.postgres import Server

    server = Server()
    yield server
    server.stop()


@pytest.fixture
def pg_url(pg_server: Server) -> str:
    """The address of a new, empty database on the session's server."""
    return pg_server.new_database()


@pytest.fixture
def workspace(tmp_path: Path) -> Workspace:
    """An empty workspace with the sample's themes."""
    return init_workspace(tmp_path / "ws")


@pytest.fixture(scope="session")
def _sample_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample ingested once per test session; tests get copies of it."""
    from briefing.library import Library

    root = tmp_path_factory.mktemp("sample-template") / "ws"
    workspace = init_workspace(root)
    library = Library.open(workspace)
    summary = library.ingest([SAMPLE_SOURCES])
    assert len(summary.added) == 5, summary
    library.close()
    return root


@pytest.fixture
def sample_workspace(_sample_template: Path, tmp_path: Path) -> Workspace:
    """A workspace holding the five sample articles, ingested and tagged."""
    target = tmp_path / "sample"
    shutil.copytree(_sample_template, target)
    return Workspace(target)


@pytest.fixture
def sample_library(sample_workspace: Workspace) -> Iterator[Library]:
    from briefing.library import Library

    library = Library.open(sample_workspace)
    yield library
    library.close()


@pytest.fixture
def inbox(tmp_path: Path) -> Path:
    """An empty folder outside any workspace: the user's own files, to ingest from."""
    folder = tmp_path / "inbox"
    folder.mkdir()
    return folder
