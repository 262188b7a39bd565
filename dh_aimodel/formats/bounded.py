"""Bounded reading: every read of a hostile file is checked before it is made.

:class:`_In` compares each length a file declares with the bytes really left
and with a cap, and raises :class:`_Bad` (which the readers turn into a
:class:`~dh_aimodel.formats.Finding`) instead of allocating;
:class:`_Window` hands a byte range of a stream out with a byte cap (to the
pickle scanner, and to :mod:`dh_aimodel.packaging.debfile` for the members
of a .deb); :func:`_opened` turns a path or a stream into a seekable stream
and its size.
"""

from __future__ import annotations

import io
import struct
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any, BinaryIO

from dh_aimodel.formats.base import KiB, header_cap, over_cap


class _Bad(Exception):
    """A problem that ends the reading of one file; becomes a Finding."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class _In:
    """A seekable binary stream and its size: every read is checked first.

    Reads never trust a length from the file: :meth:`read` refuses anything
    past the end of the data or over the cap (``cap``, or :func:`header_cap`
    when None), so a hostile length costs a comparison, not an allocation.
    """

    __slots__ = ("f", "size")

    def __init__(self, f: BinaryIO, size: int) -> None:
        self.f = f
        self.size = size

    def tell(self) -> int:
        return self.f.tell()

    def remaining(self) -> int:
        return max(0, self.size - self.f.tell())

    def seek(self, pos: int) -> None:
        if pos < 0 or pos > self.size:
            raise _Bad("truncated", f"offset {pos} is outside the file ({self.size} bytes)")
        self.f.seek(pos)

    def need(self, n: int, what: str, cap: int | None = None) -> None:
        left = self.remaining()
        if n > left:
            raise _Bad("truncated", f"{what} declares {n} bytes but only {left} remain")
        if cap is None and n > header_cap():
            raise _Bad("header-too-large", over_cap(what, n))
        if cap is not None and n > cap:
            raise _Bad("header-too-large", f"{what} declares {n} bytes, over the {cap} byte cap")

    def read(self, n: int, what: str, cap: int | None = None) -> bytes:
        self.need(n, what, cap)
        data = self.f.read(n)
        if len(data) != n:
            raise _Bad("truncated", f"{what}: expected {n} bytes, got {len(data)}")
        return data

    def skip(self, n: int, what: str) -> None:
        left = self.remaining()
        if n > left:
            raise _Bad("truncated", f"{what} declares {n} bytes but only {left} remain")
        self.f.seek(n, io.SEEK_CUR)

    def unpack(self, fmt: struct.Struct, what: str) -> tuple[int | float | bool | bytes, ...]:
        return fmt.unpack(self.read(fmt.size, what))

    def read_at(self, pos: int, n: int, what: str, cap: int | None = None) -> bytes:
        if pos < 0 or pos > self.size:
            raise _Bad("truncated",
                       f"{what} at offset {pos} is outside the file ({self.size} bytes)")
        self.f.seek(pos)
        return self.read(n, what, cap)


@contextmanager
def _opened(source: Path | str | BinaryIO) -> Iterator[tuple[BinaryIO, int]]:
    """A seekable stream positioned at 0 and its size.

    Paths are opened (and closed); streams are used as given, from their
    start.  A stream that cannot seek is copied up to :func:`header_cap`
    bytes: enough for every header format, not for a zip, whose directory
    is at its end (pass a path or a seekable stream for those).
    """
    with ExitStack() as stack:
        if isinstance(source, (str, Path)):
            f = stack.enter_context(open(source, "rb", buffering=256 * KiB))
        else:
            f = source
            if not f.seekable():
                f = io.BytesIO(f.read(header_cap()))
        size = f.seek(0, io.SEEK_END)
        f.seek(0)
        yield f, size


class _Window(io.RawIOBase):
    """A read-only view of at most ``length`` bytes of ``base`` from ``start``.

    The one bounded window of the package, for two callers:

    * the pickle scanner gets a pickle stream with a byte cap
      (:func:`~dh_aimodel.formats.iter_pickles`): it may read and seek freely
      but never beyond the window, and seeks are lazy (no work on the base
      stream until the next read), so skipping a large argument of a pickle
      inside a zip member costs nothing until needed;
    * :mod:`dh_aimodel.packaging.debfile` reads an ar member of a .deb
      (control.tar, data.tar) through :class:`io.BufferedReader`, which calls
      :meth:`readinto`: the member's length is what its ar header declares,
      and a hostile one ends the stream at the end of the .deb at the latest.

    Every read is clamped to the bytes left in the window before the base is
    asked, so a hostile length costs a comparison, not an allocation.  The
    window reads from the base position it last left (one seek when that is
    not where the window is); while it is in use, nothing else may move the
    base (both callers read one window at a time).  It is not a file: no
    :meth:`fileno` (so no size is guessed from the whole base file), and
    closing it leaves the base open.
    """

    def __init__(self, base: BinaryIO, length: int, start: int = 0) -> None:
        """View ``length`` bytes of ``base`` from offset ``start``; a base that
        cannot seek must already be at ``start``."""
        super().__init__()
        self._base = base
        self._length = length
        self._start = start
        self._pos = 0
        # Where the base really is; a mismatch costs one seek on the next read.
        self._base_pos = base.tell() if base.seekable() else start

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return self._base.seekable()

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        if not self.seekable():
            raise io.UnsupportedOperation("seek")
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._pos, io.SEEK_END: self._length}[whence]
        if base + offset < 0:
            raise ValueError("negative seek position")
        self._pos = base + offset
        return self._pos

    def _sync(self, n: int | None) -> int:
        """``n`` clamped to the bytes left (all of them for None or < 0), the base
        moved to the window's position if some are to be read."""
        if n is None or n < 0 or n > self._length - self._pos:
            n = max(0, self._length - self._pos)
        if n and self._base_pos != self._start + self._pos:
            self._base.seek(self._start + self._pos)
            self._base_pos = self._start + self._pos
        return n

    def read(self, n: int | None = -1) -> bytes:
        n = self._sync(n)
        data = self._base.read(n) if n else b""
        self._pos += len(data)
        self._base_pos += len(data)
        return data

    def readinto(self, b: Any) -> int:  # b: a writable buffer
        data = self.read(len(b))
        b[:len(data)] = data
        return len(data)

    def readline(self, limit: int | None = -1) -> bytes:
        n = self._sync(limit)
        data = self._base.readline(n) if n else b""
        self._pos += len(data)
        self._base_pos += len(data)
        return data

    def close(self) -> None:
        """The base stream belongs to whoever opened it."""

    @property
    def closed(self) -> bool:
        return False
