"""Atomic file replacement: readers see the old file or the new one, never half.

A temporary file is written in the target's own directory (so ``os.replace``
is a rename within one file system), fsynced, given the mode of the file it
replaces (or 0666 less the umask for a new file), then renamed over the
target; the directory is fsynced so the rename survives a crash.

On any error (a read-only tree, a full disk, Ctrl-C) the temporary file is
removed and the target is untouched; an :class:`OSError` becomes a
:class:`~dh_aimodel.core.errors.WriteError` naming the file, which the command
lines print as one line.  A process killed outright (SIGKILL, power loss)
between creating and renaming the temporary file cannot clean up: it may
leave a hidden ``.NAME.XXXXXXXX.tmp`` beside the file, which is still whole
(old or new content).
"""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from pathlib import Path

from dh_aimodel.core.errors import WriteError

__all__ = ["make_dirs", "write_atomic", "write_error"]


def _current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_error(name: str, exc: OSError, *, directory: bool = False) -> WriteError:
    """The one-line report of a failed write: which file, why, and what to do.

    A file is said to be unchanged, which holds where this is raised: a
    failed :func:`write_atomic`, or a failed open for appending.
    """
    why = exc.strerror or str(exc)
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        fix = "free some space and run the command again"
    elif exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        fix = "make the tree writable and run the command again"
    else:
        fix = "run the command again once the file system can be written"
    what = "cannot create the directory" if directory else "cannot write"
    kept = "" if directory else "; left unchanged"
    return WriteError(f"{name}: {what}: {why}{kept}; {fix}")


def make_dirs(directory: str | os.PathLike[str], *, mode: int = 0o777,
              name: str | None = None) -> None:
    """``mkdir -p`` whose failure is a :class:`WriteError` naming the directory.

    An existing directory is fine even on a read-only file system, so a
    read-only tree fails on the write that needs it, not before.
    """
    try:
        Path(directory).mkdir(mode=mode, parents=True, exist_ok=True)
    except OSError as exc:
        raise write_error(name or str(directory), exc, directory=True) from exc


def _write_all(fd: int, payload: bytes) -> None:
    """Write every byte: ``os.write`` may write less than asked (a signal, a
    nearly full disk), and only the next call then reports the error."""
    view = memoryview(payload)
    while view:
        view = view[os.write(fd, view):]


def write_atomic(path: str | os.PathLike[str], data: str | bytes, *,
                 mode: int | None = None, encoding: str = "utf-8",
                 name: str | None = None) -> None:
    """Replace ``path`` with ``data`` atomically.

    ``mode``: permission bits for the result; default: those of the file
    being replaced, or ``0o666 & ~umask`` for a new one (what ``open`` gives).
    ``name``: the file as messages show it (default: ``path`` as given).
    Parent directories must exist (creating them is the caller's decision,
    see :func:`make_dirs`).  Raises :class:`WriteError` when the file cannot
    be written; it is then unchanged and no temporary file is left.
    """
    target = Path(path)
    shown = name or str(target)
    payload = data.encode(encoding) if isinstance(data, str) else data
    directory = target.parent if str(target.parent) else Path(".")
    try:
        if mode is None:
            try:
                mode = stat.S_IMODE(os.stat(target).st_mode)
            except FileNotFoundError:
                mode = 0o666 & ~_current_umask()
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=f".{target.name}.", suffix=".tmp")
    except OSError as exc:
        raise write_error(shown, exc) from exc
    try:
        try:
            _write_all(fd, payload)
            os.fsync(fd)
            os.fchmod(fd, mode)
        finally:
            os.close(fd)
        os.replace(tmp, target)
    except BaseException as exc:
        try:
            os.unlink(tmp)
        except OSError:  # the error being raised is the one to report
            pass
        if isinstance(exc, OSError):
            raise write_error(shown, exc) from exc
        raise
    _fsync_dir(directory)


def _fsync_dir(directory: Path) -> None:
    """Make the rename durable; best effort, the file itself is already whole."""
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
