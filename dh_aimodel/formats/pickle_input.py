"""Bounded reading of a scanned pickle stream, for the pickle walk.

Reads what an opcode's argument needs, at most :data:`STRING_CAP` bytes of
a string, and seeks (or reads) past the rest, so that a length field of
2**62 allocates nothing.  Read and decompression errors, a stream that
ends early and an argument that does not parse become :class:`_Stop`,
which ends the walk of the stream with a finding.
"""

from __future__ import annotations

import io
import os
import stat
from typing import BinaryIO, Final

#: Longest string argument kept to resolve STACK_GLOBAL; module and
#: attribute paths are far shorter, longer strings are skipped unread.
STRING_CAP: Final = 1024


class _Stop(Exception):
    """Ends the walk of a stream; becomes a Finding."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class _Unreadable(OSError):
    """A stream that cannot be read, and the finding code that says why.

    Raised by the streams :func:`~dh_aimodel.formats.iter_pickles` hands out
    for a zip member it cannot open (``encrypted``, or ``malformed`` for a
    member whose headers zipfile refuses): the pickle is there, unchecked.
    """

    def __init__(self, code: str, reason: str) -> None:
        super().__init__(reason)
        self.code = code


def _read_error(e: Exception, pos: int) -> _Stop:
    """The finding for a failed read: a damaged zip member (a CRC that does not
    match, a header that lies) is ``malformed``, like a damaged stream."""
    import zipfile

    if isinstance(e, _Unreadable):
        return _Stop(e.code, f"{e} (byte {pos})")
    code = "malformed" if isinstance(e, zipfile.BadZipFile) else "unreadable"
    return _Stop(code, f"reading failed at byte {pos}: {e}")


class _Input:
    """Reads from the scanned stream; I/O and decompression errors become _Stop."""

    __slots__ = ("stream", "pos", "size", "seekable", "head")

    #: Bytes kept from the start of the stream (see :attr:`head`).
    HEAD: Final = 64

    def __init__(self, stream: BinaryIO) -> None:
        self.stream = stream
        self.pos = 0
        #: The first bytes read, to tell a legacy torch file by its first pickle.
        self.head = bytearray()
        self.size = _known_size(stream)
        try:
            self.seekable = bool(stream.seekable())
        except Exception:  # noqa: BLE001 - any stream object may be handed in
            self.seekable = False

    def read(self, n: int) -> bytes:
        try:
            data = self.stream.read(n)
        except Exception as e:  # noqa: BLE001 - decompressors raise many types
            raise _read_error(e, self.pos) from None
        if self.pos < self.HEAD:
            self.head += data[:self.HEAD - self.pos]
        self.pos += len(data)
        return data

    def exact(self, n: int, what: str) -> bytes:
        data = self.read(n)
        if len(data) != n:
            raise _Stop("truncated", f"stream ends inside {what} at byte {self.pos}")
        return data

    def readline(self, what: str) -> bytes | None:
        """One line without its newline; None if longer than STRING_CAP (skipped)."""
        try:
            line = self.stream.readline(STRING_CAP + 1)
            if self.pos < self.HEAD:
                self.head += line[:self.HEAD - self.pos]
            self.pos += len(line)
            if len(line) > STRING_CAP and not line.endswith(b"\n"):
                while True:  # drop the rest of an over-long line
                    rest = self.stream.readline(64 * 1024)
                    self.pos += len(rest)
                    if not rest or rest.endswith(b"\n"):
                        if not rest:
                            raise _Stop("truncated", f"stream ends inside {what} at byte {self.pos}")
                        return None
        except Exception as e:  # noqa: BLE001
            raise _read_error(e, self.pos) from None
        if not line.endswith(b"\n"):
            raise _Stop("truncated", f"stream ends inside {what} at byte {self.pos}")
        return line[:-1]

    def skip(self, n: int, what: str) -> None:
        target = self.pos + n
        if (self.size is not None and target > self.size) or n > 1 << 62:
            raise _Stop("truncated", f"{what} at byte {self.pos} declares {n} bytes, "
                        f"past the end of the stream")
        if target <= self.HEAD:  # read, into head: the legacy torch magic is a skipped LONG1
            self.exact(n, what)
            return
        if self.seekable:
            try:
                self.stream.seek(n, io.SEEK_CUR)
                self.pos = target
                return
            except Exception:  # noqa: BLE001 - fall back to reading
                self.seekable = False
        while n > 0:
            chunk = self.read(min(n, 1024 * 1024))
            if not chunk:
                raise _Stop("truncated", f"stream ends inside {what} at byte {self.pos}")
            n -= len(chunk)


def _known_size(stream: BinaryIO) -> int | None:
    """Bytes left in the stream when that is cheap to know (files, buffers)."""
    try:
        if isinstance(stream, io.BytesIO):
            return len(stream.getbuffer()) - stream.tell()
        st = os.fstat(stream.fileno())
        if stat.S_ISREG(st.st_mode):
            return st.st_size - stream.tell()
    except Exception:  # noqa: BLE001 - no fileno, not seekable, closed ...
        pass
    return None


def _decimal(arg: object, opname: str, at: int) -> int:
    """The index of protocol 0 PUT/GET: a decimal line."""
    if not isinstance(arg, bytes):
        raise _Stop("malformed", f"{opname} at byte {at}: over-long memo index")
    try:
        value = int(arg)
    except ValueError:
        raise _Stop("malformed", f"{opname} at byte {at}: {arg[:40]!r} is not a number") from None
    if value < 0:
        raise _Stop("malformed", f"{opname} at byte {at}: negative memo index")
    return value
