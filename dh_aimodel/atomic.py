"""Atomic file replacement: readers see the old file or the new one, never half.

A temporary file is written in the target's own directory (so ``os.replace``
is a rename within one file system), flushed and fsynced, given the mode of
the file it replaces (or 0644 less the umask for a new file), then renamed
over the target; the directory is fsynced so the rename survives a crash.
On any error the temporary file is removed and the target is untouched.
"""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

__all__ = ["write_atomic"]


def _current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_atomic(path: str | os.PathLike[str], data: str | bytes, *,
                 mode: int | None = None, encoding: str = "utf-8") -> None:
    """Replace ``path`` with ``data`` atomically.

    ``mode``: permission bits for the result; default: those of the file
    being replaced, or ``0o666 & ~umask`` for a new one (what ``open`` gives).
    Parent directories must exist (creating them is the caller's decision).
    """
    target = Path(path)
    payload = data.encode(encoding) if isinstance(data, str) else data
    if mode is None:
        try:
            mode = stat.S_IMODE(os.stat(target).st_mode)
        except FileNotFoundError:
            mode = 0o666 & ~_current_umask()
    directory = target.parent if str(target.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(payload)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    try:
        dir_fd = os.open(directory, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:  # pragma: no cover - platforms without directory fds
        return
    try:
        os.fsync(dir_fd)
    except OSError:  # pragma: no cover - some file systems refuse
        pass
    finally:
        os.close(dir_fd)
