"""Streaming SHA-256 of model files, one at a time or many in parallel.

Model weights run from kilobytes to hundreds of gigabytes, and a package can
ship thousands of files, so hashing has three constraints (design.md,
"Hashing streams in fixed-size chunks ... and runs files in parallel"):

* memory stays flat whatever the file size: every file is read into one
  preallocated buffer with ``os.readv`` (``readinto`` on the bare descriptor,
  without a file object), so no chunk is ever allocated or copied twice;
* the digest itself runs at the speed of ``openssl dgst -sha256``: hashlib is
  backed by OpenSSL, which uses the CPU's SHA extensions, and the remaining
  Python overhead is one read and one ``update`` per chunk, amortised
  over a chunk large enough to make it vanish (see ``DEFAULT_CHUNK``);
* many files use every core: hashlib releases the GIL while it digests more
  than 2 KiB and the kernel copy in the read runs without it too, so plain
  threads scale (processes would add pickling and start-up cost for nothing).

Errors of individual files in :func:`sha256_files` are returned as values so
that a caller (``dh_aimodel``, ``aimodel lint``) can report every missing or
unreadable file of a package at once instead of stopping at the first one.

Measured figures and the benchmark harness are in ``bench/`` (``python3 -m
bench``); ``bench/README.md`` records how ``DEFAULT_CHUNK`` was chosen.
"""

from __future__ import annotations

import errno
import hashlib
import os
import stat
import threading
from collections.abc import Iterable
from pathlib import Path

from dh_aimodel.tree.parallel import run_parallel

__all__ = ["DEFAULT_CHUNK", "default_jobs", "sha256_file", "sha256_files"]

#: Bytes read and hashed per step, chosen by measurement (``python3 -m
#: bench._chunks``, table in bench/README.md): throughput is flat from
#: 128 KiB to 8 MiB within noise and drops below that, where the per-chunk
#: Python overhead (~1 µs against ~180 µs of SHA-256 per 256 KiB) starts to
#: show.  256 KiB is the plateau's low end with a 2× margin: it keeps
#: ``jobs * chunk`` small on many-core machines and the buffer the kernel
#: copy writes in L2 when SHA-256 reads it back, on CPUs with small L2 too.
DEFAULT_CHUNK = 256 * 1024


class _Cancelled(Exception):
    """Raised inside a worker thread when :func:`sha256_files` is interrupted.

    Never escapes this module: it only unwinds a worker that is in the middle
    of a large file, so that Ctrl-C does not wait for that file to finish.
    """


def default_jobs() -> int:
    """Return the number of CPUs this process may run on.

    ``os.sched_getaffinity`` rather than ``os.cpu_count()``, because a build
    restricted by ``taskset``, cgroups cpusets or a container sees fewer CPUs
    than the machine has, and more threads than CPUs only add contention.
    """
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # pragma: no cover - non-Linux
        return os.cpu_count() or 1


def _open_regular(path: Path) -> int:
    """Open ``path`` for reading and return the descriptor of a regular file.

    Hashing a FIFO would block in ``open`` until a writer appears and hashing
    ``/dev/zero`` would never end, so anything but a regular file (after
    following symlinks) is refused with an :class:`OSError` naming the path.
    ``O_NONBLOCK`` makes the ``open`` of a FIFO return at once so that it can
    be refused.
    """
    fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC | os.O_NONBLOCK)
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(path))
        if not stat.S_ISREG(mode):
            raise OSError(errno.EINVAL, "not a regular file", str(path))
        # Back to blocking: Linux ignores O_NONBLOCK on regular files, but a
        # FUSE or network file system could answer EAGAIN to a read.
        os.set_blocking(fd, True)
        # Readahead hint: on Linux it doubles the readahead window, which
        # matters when the file is not yet in the page cache.
        try:
            os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_SEQUENTIAL)
        except (AttributeError, OSError):  # pragma: no cover - e.g. some FUSE fs
            pass
    except BaseException:
        os.close(fd)
        raise
    return fd


def _hash_path(path: Path, buf: memoryview, stop: threading.Event | None = None) -> str:
    """Hash one file through ``buf`` and return its hex digest.

    ``buf`` is reused for every chunk (and, in :func:`sha256_files`, for
    every file of a worker thread), so the loop allocates nothing but the
    small slice object of a short final read.  ``stop`` is polled once per
    chunk so that an interrupted :func:`sha256_files` does not have to wait
    for a many-gigabyte file to be finished.
    """
    digest = hashlib.sha256()
    update = digest.update
    fd = _open_regular(path)
    try:
        readinto = os.readv
        bufs = [buf]
        size = len(buf)
        while True:
            n = readinto(fd, bufs)
            if n == size:
                update(buf)
            elif n:
                update(buf[:n])
            else:
                break
            if stop is not None and stop.is_set():
                raise _Cancelled
    finally:
        os.close(fd)
    return digest.hexdigest()


def _check_chunk(chunk: int) -> None:
    """Refuse chunk sizes that would loop forever (0) or make no sense."""
    if chunk <= 0:
        raise ValueError(f"chunk must be a positive number of bytes, not {chunk}")


def sha256_file(path: Path, chunk: int = DEFAULT_CHUNK) -> str:
    """Return the SHA-256 hex digest of the regular file at ``path``.

    The file is streamed in ``chunk``-byte steps through one preallocated
    buffer, so memory use is ``chunk`` bytes whatever the file size.
    Raises :class:`OSError` (with the path in ``filename``) if the file cannot
    be opened or read, or is not a regular file.
    """
    _check_chunk(chunk)
    return _hash_path(Path(path), memoryview(bytearray(chunk)))


class _Worker:
    """Per-thread state of :func:`sha256_files`: one reusable read buffer.

    Each pool thread allocates its buffer once, on its first file, so that a
    package of ten thousand small files does not allocate (and zero-fill)
    ten thousand buffers.
    """

    def __init__(self, chunk: int, stop: threading.Event) -> None:
        self._chunk = chunk
        self._stop = stop
        self._local = threading.local()

    def __call__(self, path: Path) -> str | OSError:
        """Hash ``path``, returning the digest or the :class:`OSError`."""
        if self._stop.is_set():
            raise _Cancelled
        buf: memoryview | None = getattr(self._local, "buf", None)
        if buf is None:
            buf = self._local.buf = memoryview(bytearray(self._chunk))
        try:
            return _hash_path(path, buf, self._stop)
        except OSError as exc:
            return exc


def _largest_first(paths: Iterable[Path]) -> list[Path]:
    """Order ``paths`` by decreasing size for scheduling.

    Starting the biggest files first keeps one multi-gigabyte file from being
    picked up last and running alone on one core while the others idle
    (longest-processing-time-first scheduling).  A path that cannot be
    stat'ed sorts last; its error is reported when it is opened.
    """

    def size(path: Path) -> int:
        try:
            return os.stat(path).st_size
        except OSError:
            return -1

    sized = [(size(p), i, p) for i, p in enumerate(paths)]
    sized.sort(key=lambda t: (-t[0], t[1]))
    return [p for _, _, p in sized]


def sha256_files(
    paths: Iterable[Path],
    jobs: int | None = None,
    *,
    chunk: int = DEFAULT_CHUNK,
) -> dict[Path, str | OSError]:
    """Hash many files in parallel; return ``{path: hex digest or OSError}``.

    The result has one key per distinct path, in the order the paths first
    appear in ``paths`` (duplicates are hashed once), whatever order the
    threads finish in, so output built from it is reproducible.  A file that
    is missing, unreadable or not a regular file maps to its
    :class:`OSError` instead of raising, so that every problem of a package
    can be reported in one run.

    ``jobs`` threads (default :func:`default_jobs`, never more than there are
    files) each stream through their own ``chunk``-byte buffer, so peak
    memory is ``jobs * chunk`` bytes.

    On :class:`KeyboardInterrupt` (or any other exception in the caller's
    thread) pending files are cancelled, running ones stop at their next
    chunk, the threads are joined and the exception propagates: Ctrl-C never
    hangs on a large file, and no hashing thread outlives the call (the
    threads are those of :func:`dh_aimodel.tree.parallel.run_parallel`,
    waited for without a time limit).
    """
    _check_chunk(chunk)
    if jobs is not None and jobs < 1:
        raise ValueError(f"jobs must be at least 1, not {jobs}")
    unique = list(dict.fromkeys(Path(p) for p in paths))
    if not unique:
        return {}
    workers = min(jobs or default_jobs(), len(unique))
    stop = threading.Event()
    work = _Worker(chunk, stop)
    if workers == 1:
        # No pool for one file or jobs=1: nothing to overlap, and the main
        # thread then sees KeyboardInterrupt directly between chunks.
        return {p: work(p) for p in unique}

    # Largest first for scheduling, then back to the input order.
    order = _largest_first(unique)
    digests = dict(zip(order, run_parallel(work, order, workers, stop.set, name="sha256")))
    return {p: digests[p] for p in unique}
