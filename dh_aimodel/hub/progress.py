"""What ``aimodel fetch`` shows while it runs: one status line, on a terminal only.

Split from :mod:`dh_aimodel.hub.fetch`: the line is drawn by every download
thread (under a lock; the byte count at most ten times a second), and whether there is one
at all depends on stdout and CI, not on the downloads.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from typing import TextIO


class _Progress:
    """One status line on a terminal; nothing at all otherwise."""

    def __init__(self, stream: TextIO | None, files: int) -> None:
        self.stream = stream
        self.files = files
        self.done = 0
        self.received = 0
        self.started = time.monotonic()
        self._last = 0.0
        self._lock = threading.Lock()

    def add(self, n: int) -> None:
        if self.stream is None:
            return
        with self._lock:
            self.received += n
            now = time.monotonic()
            if now - self._last >= 0.1:
                self._last = now
                self._draw(now)

    def finished(self) -> None:
        if self.stream is None:
            return
        with self._lock:
            self.done += 1
            self._draw(time.monotonic())

    def _draw(self, now: float) -> None:
        assert self.stream is not None
        rate = self.received / max(now - self.started, 1e-6) / 2**20
        self.stream.write(f"\raimodel fetch: {self.done}/{self.files} files, "
                          f"{self.received / 2**20:.1f} MiB, {rate:.1f} MiB/s\x1b[K")
        self.stream.flush()

    def close(self) -> None:
        if self.stream is not None:
            self.stream.write("\n")
            self.stream.flush()


def progress_stream() -> TextIO | None:
    """stdout when it is a terminal (and not under CI); None means no progress bar."""
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        return None
    return sys.stdout if sys.stdout.isatty() else None
