"""The ``PATH.part`` file a download grows: written, hashed alongside, flushed to disk.

Split from :mod:`dh_aimodel.hub.fetch`, whose transfer loop opens the file
unbuffered and calls these for every chunk.  How the bytes reach the disk
is what the ``.part`` convention promises (see that module's docstring):
every chunk written whole before it counts as received, the sha256
digested in its own thread, the bytes of a resumed file digested first,
writeback started step by step so that memory and page cache stay flat,
and the directory fsync'ed after the rename.
"""

from __future__ import annotations

import errno
import hashlib
import os
import queue
import threading
from pathlib import Path
from typing import IO

from dh_aimodel.hub.responses import CHUNK

#: Chunks queued between the download thread and its hashing thread.
QUEUE_CHUNKS = 8
#: Bytes written to a ``.part`` file between two requests to the kernel to
#: start writing them to disk (see :func:`_start_writeback`).  On the
#: benchmark machine 4, 8 and 16 MiB were equally fast and 32 MiB slower; the
#: final fsync waits for about one step (3 ms at 8 MiB, 12 ms at 32 MiB).
WRITEBACK_STEP = 8 * 1024 * 1024
PART_SUFFIX = ".part"


class _Cancelled(Exception):
    """Raised in a worker when the command is interrupted (Ctrl-C)."""


class _HashPipe:
    """SHA-256 of a byte stream, digested in its own thread.

    hashlib releases the GIL on large updates, as do socket reads and file
    writes, so the digest runs while the next chunk arrives.  The queue is
    bounded: memory is at most :data:`QUEUE_CHUNKS` chunks.
    """

    def __init__(self) -> None:
        self._hash = hashlib.sha256()
        self._queue: queue.Queue[bytes | None] = queue.Queue(QUEUE_CHUNKS)
        self._thread = threading.Thread(target=self._run, name="fetch-sha256", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while True:
            chunk = self._queue.get()
            if chunk is None:
                return
            self._hash.update(chunk)

    def update(self, chunk: bytes) -> None:
        self._queue.put(chunk)

    def hexdigest(self) -> str:
        self.close()
        return self._hash.hexdigest()

    def close(self) -> None:
        if self._thread.is_alive():
            self._queue.put(None)
            self._thread.join()


def _seed(pipe: _HashPipe, path: Path, stop: threading.Event) -> None:
    """Feed the bytes already in a partial file to the digest before resuming."""
    with open(path, "rb") as fh:
        while chunk := fh.read(CHUNK):
            if stop.is_set():
                raise _Cancelled
            pipe.update(chunk)


def _write_all(fh: IO[bytes], data: bytes) -> None:
    """Write all of ``data`` to an unbuffered file (a raw write may take only part)."""
    view = memoryview(data)
    while view:
        written = fh.write(view)
        if not written:
            raise OSError(errno.EIO, "short write")
        view = view[written:]


def _start_writeback(fd: int, start: int, end: int) -> int:
    """Start writing bytes ``start:end`` of ``fd`` to disk once they make a step.

    Returns where the next step starts.  The ``.part`` file is fsync'ed
    before its rename (durability first), but left alone the kernel only
    writes dirty pages back after half a minute or under memory pressure,
    so for a large file the whole disk write would wait for that fsync,
    after the transfer: 0.4 s per GiB on the benchmark machine, over a
    quarter of the download.  Started every :data:`WRITEBACK_STEP`, the disk
    write overlaps the transfer and the final fsync waits for about one step.

    Linux starts the writeback of a range's dirty pages on
    ``POSIX_FADV_DONTNEED`` (without waiting for it) and drops its clean
    pages; dirty pages and pages still being written stay, so no byte can
    be lost.  The range also covers the step before, written back by now:
    dropping it keeps the file's page cache at a few steps instead of the
    file's size, so a large model does not push everything else out of the
    cache, and new bytes reuse recently freed pages (on the benchmark VM,
    copying into never-used pages cost 5 times as much CPU).  Elsewhere,
    or where the advice fails, only the final fsync is slower.
    """
    if end - start < WRITEBACK_STEP:
        return start
    behind = max(0, start - WRITEBACK_STEP)
    try:
        os.posix_fadvise(fd, behind, end - behind, os.POSIX_FADV_DONTNEED)
    except (AttributeError, OSError):  # no posix_fadvise (macOS), or advice refused
        pass
    return end


def _fsync_dir(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:  # pragma: no cover
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover
        pass
    finally:
        os.close(fd)
