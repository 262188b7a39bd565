"""Which streams of a file are pickles: :func:`iter_pickles`, for the pickle scanner.

The one place that decides it, for models and for every other file that
:func:`~dh_aimodel.formats.may_hold_pickles`; the streams go to
:mod:`dh_aimodel.formats.pickle_scan`, bounded, never unpickled.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, Final, NamedTuple, cast

from dh_aimodel.formats.archive import _bounded_zip, _zip_open_errors
from dh_aimodel.formats.base import KiB, MiB
from dh_aimodel.formats.bounded import _Window
from dh_aimodel.formats.numpy import (
    _NPZ_MAX_HEADERS,
    _descr_has_object,
    _member_npy_header,
    _NpyHeader,
)
from dh_aimodel.formats.pickle_input import _Unreadable
from dh_aimodel.formats.sniff import (
    _MAYBE_PICKLE_MEMBER_NAMES,
    _NPY_MAGIC,
    _ZIP_MAGIC,
    PICKLE_NAMES,
    SNIFF_BYTES,
    _extension,
    _file_pickle,
    _is_compressed_pickle,
)

if TYPE_CHECKING:
    import zipfile

#: Bytes of one pickle stream handed out by :func:`iter_pickles` when it
#: comes out of a decompressor (a zip member, a compressed joblib file).
#: Plain pickle files are handed out whole: the scanner seeks past their
#: large arguments instead of reading them.
PICKLE_MEMBER_CAP: Final = 256 * MiB


class _ZlibRaw(io.RawIOBase):
    """Streaming zlib decompression (joblib's default compressor), output capped per call."""

    def __init__(self, base: BinaryIO) -> None:
        import zlib

        self._base = base
        self._z = zlib.decompressobj()

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        view = memoryview(buffer).cast("B")
        while True:
            if self._z.unconsumed_tail:
                out = self._z.decompress(self._z.unconsumed_tail, len(view))
            elif self._z.eof:
                return 0
            else:
                chunk = self._base.read(64 * KiB)
                if not chunk:
                    return 0
                out = self._z.decompress(chunk, len(view))
            if out:
                view[:len(out)] = out
                return len(out)


def _decompressor(head: bytes, f: BinaryIO) -> BinaryIO:
    if head[:2] == b"\x1f\x8b":
        import gzip
        return cast(BinaryIO, gzip.GzipFile(fileobj=f, mode="rb"))
    if head[:3] == b"BZh":
        import bz2
        return cast(BinaryIO, bz2.BZ2File(f))
    if head[:6] == b"\xfd7zXZ\x00":
        import lzma
        return cast(BinaryIO, lzma.LZMAFile(f))
    return cast(BinaryIO, io.BufferedReader(_ZlibRaw(f)))


class _Broken:
    """A stream that fails on first read: the scanner reports why, as a finding
    of code ``code`` (``encrypted``, ``malformed``)."""

    def __init__(self, code: str, reason: str) -> None:
        self._code = code
        self._reason = reason

    def read(self, n: int = -1) -> bytes:
        raise _Unreadable(self._code, self._reason)

    readline = read

    def seekable(self) -> bool:
        return False

    def readable(self) -> bool:
        return True

    def close(self) -> None:
        pass


class PickleStream(NamedTuple):
    """One pickle stream of a file, as :func:`iter_pickles` hands it out."""

    #: The zip member's name; ``""`` for the file itself.
    member: str
    #: A bounded, read-only binary stream positioned at the pickle's start.
    stream: BinaryIO
    #: The bytes may be plain data that only starts like a pickle (a tensor
    #: storage, a ``.dat`` member, a file of a name pickles do not have):
    #: the scanner then reports only imports known to run code.
    tentative: bool


def iter_pickles(source: Path | str | BinaryIO, name: str | None = None) -> Iterator[PickleStream]:
    """Every pickle stream of a file: the one place that decides what is a pickle.

    ``source`` is a path, or a seekable binary stream (a member of a .deb)
    whose file name, for the extension rules, is ``name``.

    * a zip (a PyTorch checkpoint, a .npz, any other zip): each member named
      like a pickle (:data:`PICKLE_NAMES`), each ``.npy`` member of Python
      objects (its data after the header), and, tentatively, each member
      named ``*.dat``/``*.data`` or starting with ``PROTO`` (as picklescan and
      modelscan read them), through the decompressor with a
      :data:`PICKLE_MEMBER_CAP` byte cap.  A member named like a pickle that
      cannot be read (encrypted, unknown compression) is handed out as a
      stream failing on first read, for the scanner to report;
    * a ``.npy`` of Python objects: the data after its header;
    * any other file that :func:`_file_pickle` takes for a pickle (any
      protocol, legacy PyTorch, joblib plain or compressed with
      gzip/bzip2/xz/zlib), as the member ``""``.

    Streams are valid only until the iteration advances (the file is closed
    afterwards).  Files that hold no pickle, or whose container cannot be
    read or is over the zip caps, yield nothing: :func:`read_metadata`
    reports why for model files.  Nothing is extracted to disk and nothing is
    unpickled.
    """
    if isinstance(source, (str, Path)):
        path = Path(source)
        with open(path, "rb", buffering=256 * KiB) as f:
            yield from _pickles_in(f, path.name)
    else:
        source.seek(0)
        yield from _pickles_in(source, name or "")


def _pickles_in(f: BinaryIO, name: str) -> Iterator[PickleStream]:
    head = f.read(SNIFF_BYTES)
    f.seek(0)
    if head[:4] == _ZIP_MAGIC:
        try:
            zf = _bounded_zip(f)
        except _zip_open_errors():
            return
        with zf:
            yield from _zip_pickles(zf)
    elif head[:6] == _NPY_MAGIC:
        hdr = _member_npy_header(f, name)
        if isinstance(hdr, _NpyHeader) and _descr_has_object(hdr.descr):
            size = f.seek(0, io.SEEK_END)
            window = _Window(f, size - hdr.data_offset, hdr.data_offset)
            yield PickleStream("", cast(BinaryIO, window), False)
    else:
        tentative = _file_pickle(head, _extension(name))
        if tentative is None:
            return
        if _is_compressed_pickle(head):
            with _decompressor(head, f) as d:
                yield PickleStream("", cast(BinaryIO, _Window(d, PICKLE_MEMBER_CAP)), tentative)
        else:
            yield PickleStream("", f, tentative)


def _zip_pickles(zf: zipfile.ZipFile) -> Iterator[PickleStream]:
    """The pickle streams among a zip's members (see :func:`iter_pickles`)."""
    import zipfile
    import zlib

    errors = (zipfile.BadZipFile, NotImplementedError, RuntimeError, ValueError, OSError,
              EOFError, zlib.error)
    npy_checked = 0
    for info in zf.infolist():
        name = info.filename
        lower = name.lower()
        is_npy = lower.endswith(".npy")
        if info.is_dir() or (is_npy and npy_checked >= _NPZ_MAX_HEADERS):
            continue
        named = lower.endswith(PICKLE_NAMES)
        if info.flag_bits & 1:  # read_metadata reports every encrypted member of a model
            if named:
                broken = _Broken("encrypted", f"{name}: encrypted member")
                yield PickleStream(name, cast(BinaryIO, broken), False)
            continue
        try:
            member = zf.open(info)
        except errors as e:
            if named:
                broken = _Broken("malformed", f"{name}: zipfile cannot open it: {e}")
                yield PickleStream(name, cast(BinaryIO, broken), False)
            continue
        with member:
            cap = min(info.file_size, PICKLE_MEMBER_CAP)
            if is_npy:
                npy_checked += 1
                try:
                    hdr = _member_npy_header(cast(BinaryIO, member), name)
                except errors:
                    continue
                if isinstance(hdr, _NpyHeader) and _descr_has_object(hdr.descr):
                    window = _Window(cast(BinaryIO, member), max(0, cap - hdr.data_offset),
                                     hdr.data_offset)
                    yield PickleStream(name, cast(BinaryIO, window), False)
                continue
            if not named and not lower.endswith(_MAYBE_PICKLE_MEMBER_NAMES):
                # Any member may be a pickle for a loader of the checkpoint's
                # own; a storage may start with these two bytes by chance.
                try:
                    first = cast("zipfile.ZipExtFile", member).peek(2)[:2]
                except errors:
                    continue
                if len(first) < 2 or first[0] != 0x80 or first[1] > 5:
                    continue
            window = _Window(cast(BinaryIO, member), cap)
            yield PickleStream(name, cast(BinaryIO, window), not named)
