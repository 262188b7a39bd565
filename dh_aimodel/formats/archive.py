"""Zip archives: opened only once their directory is within the caps, listed, never extracted.

Shared by the zip-based readers (PyTorch, NumPy ``.npz``, Keras 3,
tessdata), by :func:`dh_aimodel.formats.sniff_file` and by
:func:`dh_aimodel.formats.iter_pickles`.
"""

from __future__ import annotations

import io
import re
import struct
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, BinaryIO, Final

from dh_aimodel.formats.base import GiB, MiB, _Acc, header_cap, over_cap
from dh_aimodel.formats.bounded import _Bad, _In
from dh_aimodel.formats.sniff import PICKLE_NAMES

if TYPE_CHECKING:
    import zipfile

#: A zip whose members expand more than this many times over their
#: compressed size (once at least :data:`ZIP_RATIO_FLOOR` bytes expand) or
#: by more than :data:`ZIP_MAX_EXPANSION` bytes in total is a zip bomb.  The
#: expansion (uncompressed minus compressed) is used rather than the raw
#: uncompressed total because PyTorch stores its multi-GiB tensors unpacked.
ZIP_MAX_RATIO: Final = 100
ZIP_RATIO_FLOOR: Final = 1 * MiB
ZIP_MAX_EXPANSION: Final = 16 * GiB
#: More members than this and the central directory is not even parsed.
ZIP_MAX_MEMBERS: Final = 100_000


_EOCD: Final = struct.Struct("<4s4H2LH")
_ZIP64_LOCATOR: Final = struct.Struct("<4sLQL")
_ZIP64_EOCD: Final = struct.Struct("<4sQ2H2L4Q")


def _zip_directory_size(f: BinaryIO, size: int) -> tuple[int, int]:
    """(member count, central directory bytes) from the end records, unparsed.

    Read before :mod:`zipfile` is let loose: it loads the whole central
    directory and one object per member, so both are capped first.
    """
    tail_len = min(size, _EOCD.size + 65535)
    f.seek(size - tail_len)
    tail = f.read(tail_len)
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or at + _EOCD.size > len(tail):
        raise _Bad("bad-header", "zip: no end of central directory record")
    _, _, _, _, count, cd_size, _, _ = _EOCD.unpack_from(tail, at)
    if (count == 0xFFFF or cd_size == 0xFFFFFFFF) and at >= _ZIP64_LOCATOR.size:
        sig, _, eocd64, _ = _ZIP64_LOCATOR.unpack_from(tail, at - _ZIP64_LOCATOR.size)
        if sig == b"PK\x06\x07" and 0 <= eocd64 <= size - _ZIP64_EOCD.size:
            f.seek(eocd64)
            rec = f.read(_ZIP64_EOCD.size)
            if len(rec) == _ZIP64_EOCD.size and rec[:4] == b"PK\x06\x06":
                fields = _ZIP64_EOCD.unpack(rec)
                count, cd_size = fields[7], fields[8]
    return count, cd_size


def _bounded_zip(f: BinaryIO) -> zipfile.ZipFile:
    """A :class:`zipfile.ZipFile` on ``f``, once its end records show that the
    central directory is within :data:`ZIP_MAX_MEMBERS` and :func:`header_cap`.

    Raises :class:`_Bad` for a directory over the caps and whatever
    :mod:`zipfile` raises for a damaged archive (:func:`_zip_open_errors`).
    """
    import zipfile

    # The member cap is looked up on the package at each call: dh_aimodel.formats
    # re-exports it, and a value set there (as the tests do) must hold here.
    from dh_aimodel import formats

    max_members = formats.ZIP_MAX_MEMBERS
    count, cd_size = _zip_directory_size(f, f.seek(0, io.SEEK_END))
    if count > max_members:
        raise _Bad("header-too-large", f"zip declares {count} members, over {max_members}")
    if cd_size > header_cap():
        raise _Bad("header-too-large", over_cap("zip central directory", cd_size))
    f.seek(0)
    return zipfile.ZipFile(f)


def _zip_open_errors() -> tuple[type[BaseException], ...]:
    """What opening a hostile zip with :func:`_bounded_zip` may raise."""
    import zipfile

    return (_Bad, zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError,
            NotImplementedError, struct.error)


def _zip_names(f: BinaryIO) -> list[str]:
    """Member names of a zip, or [] if it is not a sane zip (for the sniffer)."""
    try:
        with _bounded_zip(f) as zf:
            return zf.namelist()
    except _zip_open_errors():
        return []


def _is_traversal(name: str) -> bool:
    norm = name.replace("\\", "/")
    return (norm.startswith("/") or re.match(r"[A-Za-z]:", norm) is not None
            or ".." in norm.split("/"))


@contextmanager
def _zip_open(src: _In, acc: _Acc) -> Iterator[zipfile.ZipFile]:
    """Open a zip read-only after checking its directory; report what is wrong.

    Members are listed, never extracted.  Reported: member names that would
    escape an extraction directory, archives expanding beyond
    :data:`ZIP_MAX_RATIO` / :data:`ZIP_MAX_EXPANSION`, members overlapping
    each other (the trick of non-recursive zip bombs), duplicate names and
    encrypted members.  Members with a pickle's name (:data:`PICKLE_NAMES`)
    are added to ``acc.pickles``.
    """
    zf = _bounded_zip(src.f)
    try:
        _check_zip(zf, src.size, acc)
        yield zf
    finally:
        zf.close()


def _check_zip(zf: zipfile.ZipFile, archive_size: int, acc: _Acc) -> None:
    infos = zf.infolist()
    names: set[str] = set()
    total = stored = 0
    for info in infos:
        name = info.filename
        if _is_traversal(name):
            acc.finding("path-traversal",
                        f"zip member {name[:200]!r} escapes the extraction directory")
        if name in names:
            acc.finding("bad-header", f"zip member {name[:200]!r} appears twice")
        names.add(name)
        if info.flag_bits & 1:
            acc.finding("encrypted", f"zip member {name[:200]!r} is encrypted")
        if info.compress_size > archive_size:
            acc.finding("truncated", f"zip member {name[:200]!r} declares {info.compress_size} "
                        f"stored bytes, more than the archive's {archive_size}")
        total += info.file_size
        stored += info.compress_size
        if name.lower().endswith(PICKLE_NAMES):
            acc.pickles.append(name)
    if total - stored > ZIP_MAX_EXPANSION:
        acc.finding("zip-bomb",
                    f"members expand by {total - stored} bytes, over {ZIP_MAX_EXPANSION}")
    elif total >= ZIP_RATIO_FLOOR and total > ZIP_MAX_RATIO * max(stored, 1):
        acc.finding("zip-bomb", f"{stored} stored bytes expand to {total} "
                    f"(over {ZIP_MAX_RATIO} times)")
    ordered = sorted(infos, key=lambda i: i.header_offset)
    for a, b in zip(ordered, ordered[1:]):
        # A local header is at least 30 bytes: anything less is shared data.
        if a.header_offset + 30 + a.compress_size > b.header_offset:
            acc.finding("zip-bomb",
                        f"zip members {a.filename[:100]!r} and {b.filename[:100]!r} overlap")
            break


def _zip_member_bytes(zf: zipfile.ZipFile, name: str, cap: int) -> bytes | None:
    """A small member's content, or None if absent, encrypted or over ``cap``."""
    try:
        info = zf.getinfo(name)
    except KeyError:
        return None
    if info.file_size > cap or info.flag_bits & 1:
        return None
    with zf.open(info) as member:
        return member.read(cap)
