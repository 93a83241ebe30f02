"""Writing a user's files so that a crash never leaves half a file.

A write respects what the path is: through a symlink it replaces the link's target
(the link stays a link), and a folder, a device, a pipe or a read-only file is refused
with a message instead of being replaced by a regular file.
"""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

from briefing.errors import BriefingError


class WriteRefused(BriefingError):
    """A file cannot be written where the user asked; the message says why."""


def write_atomic(path: Path, data: str | bytes) -> None:
    """Write `data` to `path` through a temporary file in the same folder and a rename.

    The rename is atomic on POSIX and Windows, so readers see the old file or the
    new one, never a mix; fsync makes the new content survive a power cut. On any
    failure the old file is left as it was.
    """
    shown = Path(path)
    path = _target(shown)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as error:
        raise WriteRefused(f"{shown}: cannot write it ({error.strerror or error})") from error
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        # mkstemp makes the file private (0600); give it the mode a plain write would.
        os.chmod(tmp, _mode_of(path))
        os.replace(tmp, path)
    except BaseException as error:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(error, OSError):
            raise WriteRefused(
                f"{shown}: cannot write it ({error.strerror or error}); the old file is kept"
            ) from error
        raise


def _target(path: Path) -> Path:
    """The file a write to `path` should replace: a symlink's target; refused when that
    is not a regular file a person may write."""
    real = Path(os.path.realpath(path))  # every link followed; a dangling one names its target
    try:
        info = real.stat()
    except FileNotFoundError:
        return real
    except OSError as error:
        raise WriteRefused(f"{path}: cannot write it ({error.strerror or error})") from error
    if stat.S_ISDIR(info.st_mode):
        raise WriteRefused(f"{path}: is a folder; name a file to write, like {path}/memo.md")
    if not stat.S_ISREG(info.st_mode):
        raise WriteRefused(
            f"{path}: is not a regular file (a device, a pipe or a socket); name a file to write"
        )
    # Root may write anything, so the mode bits decide: a file nobody may write is kept.
    if not info.st_mode & 0o222 or not os.access(real, os.W_OK):
        raise WriteRefused(
            f"{path}: is read-only; make it writable (chmod u+w) or name another file"
        )
    return real


def _mode_of(path: Path) -> int:
    """The existing file's permissions, or the default for a new file under the umask."""
    try:
        return path.stat().st_mode & 0o7777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask
