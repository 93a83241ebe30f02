"""A real PostgreSQL server for the tests, started in a temporary folder.

initdb refuses to run as root (CI runs as root), so the server then runs as the
unprivileged `postgres` user (Debian's package makes it), else as `nobody`. It listens
on a unix socket in its own folder only: no port is taken, no other server is touched.
Without PostgreSQL installed the tests that need it skip with one line; on CI they fail
instead, since CI installs it (.ci/run) and must run them.
"""

from __future__ import annotations

import glob
import itertools
import os
import pwd
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

_counter = itertools.count(1)


def find_tool(name: str) -> Path | None:
    """A PostgreSQL program: on PATH, else in Debian's versioned folder (newest first)."""
    found = shutil.which(name)
    if found:
        return Path(found)
    folders = sorted(
        glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(Path(p).parent.name), reverse=True
    )
    for folder in folders:
        candidate = Path(folder) / name
        if candidate.is_file():
            return candidate
    return None


def require_postgres() -> tuple[Path, Path]:
    """initdb and pg_ctl, or the test skips (fails on CI) with the reason."""
    initdb, pg_ctl = find_tool("initdb"), find_tool("pg_ctl")
    if initdb is None or pg_ctl is None:
        reason = "PostgreSQL is not installed (no initdb/pg_ctl); the team-store tests need it"
        if os.environ.get("CI"):
            pytest.fail(f"{reason}: .ci/run installs the postgresql package", pytrace=False)
        pytest.skip(reason)
    return initdb, pg_ctl


class Server:
    """One PostgreSQL cluster in a folder of its own, run by an unprivileged user."""

    def __init__(self, folder: Path | None = None, settings: dict[str, str] | None = None) -> None:
        """A new cluster in a temporary folder; or, given `folder`, the cluster kept there
        (made the first time), which `stop` keeps (the bench measures it again later).
        `settings`: more server settings (the bench's shared_buffers)."""
        self.initdb, self.pg_ctl = require_postgres()
        self.kept = folder is not None
        self.settings = settings or {}
        # Not under pytest's tmp_path: its folders are private to root, and the server's
        # user must reach its own folder.
        if folder is None:
            self.folder = Path(tempfile.mkdtemp(prefix="briefing-pg-"))
        else:
            self.folder = folder.resolve()
            self.folder.mkdir(parents=True, exist_ok=True)
        self.data = self.folder / "data"
        self.user = _server_user()
        if self.user is not None:
            os.chown(self.folder, self.user.pw_uid, self.user.pw_gid)
        if not (self.data / "PG_VERSION").is_file():
            self._run(
                [str(self.initdb), "-D", str(self.data), "-U", "briefing", "--auth=trust"]
                + ["-E", "UTF8", "--no-locale", "--no-sync"]
            )
        if not (self.kept and self.running()):  # a kept cluster may be up already
            self.start()

    def running(self) -> bool:
        command = [str(self.pg_ctl), "-D", str(self.data), "status"]
        if self.user is not None:
            command = ["runuser", "-u", self.user.pw_name, "--", *command]
        return subprocess.run(command, capture_output=True, cwd=self.folder).returncode == 0

    def _run(self, command: list[str]) -> None:
        if self.user is not None:
            command = ["runuser", "-u", self.user.pw_name, "--", *command]
        done = subprocess.run(command, capture_output=True, text=True, cwd=self.folder)
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(command)}: {done.stderr or done.stdout}")

    def start(self) -> None:
        options = (
            f"-c listen_addresses='' -c unix_socket_directories={self.folder} "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        ) + "".join(f" -c {key}={value}" for key, value in self.settings.items())
        log = self.folder / "server.log"
        self._run(
            [str(self.pg_ctl), "-D", str(self.data), "-o", options, "-l", str(log), "-w", "start"]
        )

    def kill(self) -> None:
        """Stop the server at once, as a crash or a pulled cable would."""
        self._run([str(self.pg_ctl), "-D", str(self.data), "-m", "immediate", "-w", "stop"])

    def stop(self) -> None:
        subprocess.run(
            (["runuser", "-u", self.user.pw_name, "--"] if self.user else [])
            + [str(self.pg_ctl), "-D", str(self.data), "-m", "fast" if self.kept else "immediate"]
            + ["-w", "stop"],
            capture_output=True,
            cwd=self.folder,
        )
        if not self.kept:
            shutil.rmtree(self.folder, ignore_errors=True)

    def cpu_seconds(self) -> float:
        """CPU time the server has used so far: the postmaster, the backends it has reaped
        (their time is added to its children's) and the backends still running."""
        tick = os.sysconf("SC_CLK_TCK")
        main = int((self.data / "postmaster.pid").read_text().split()[0])
        total = 0.0
        for stat in glob.glob("/proc/[0-9]*/stat"):
            try:
                fields = Path(stat).read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue  # a backend that ended meanwhile: its time is now the postmaster's
            pid, parent = int(Path(stat).parent.name), int(fields[1])
            if pid == main:
                total += sum(int(f) for f in fields[11:15]) / tick  # utime stime cutime cstime
            elif parent == main:
                total += sum(int(f) for f in fields[11:13]) / tick
        return total

    def url(self, database: str) -> str:
        return f"postgresql://briefing@/{database}?host={self.folder}"

    def drop_database(self, name: str) -> None:
        import psycopg

        with psycopg.connect(self.url("postgres"), autocommit=True) as db:
            db.execute(f'DROP DATABASE IF EXISTS "{name}"')  # type: ignore[arg-type]

    def new_database(self, name: str | None = None) -> str:
        """A fresh, empty database (named, or a name of its own); its address."""
        import psycopg

        name = name or f"test_{os.getpid()}_{next(_counter)}"
        with psycopg.connect(self.url("postgres"), autocommit=True) as db:
            db.execute(f'CREATE DATABASE "{name}"')  # type: ignore[arg-type]
        return self.url(name)


def _server_user() -> pwd.struct_passwd | None:
    """Who runs the server: None (this user) unless this is root, which initdb refuses."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        try:
            return pwd.getpwnam(name)
        except KeyError:
            continue
    raise RuntimeError("running as root with no `postgres` or `nobody` user to run PostgreSQL")
