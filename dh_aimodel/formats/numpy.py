"""The NumPy reader: ``.npy`` headers, parsed as literals only, and ``.npz`` archives of them.

:func:`_npy_header` and :func:`_descr_has_object` also tell
:func:`dh_aimodel.formats.iter_pickles` which arrays hold pickled objects.
"""

from __future__ import annotations

import ast
import math
import re
import struct
from collections.abc import Callable
from dataclasses import dataclass
from typing import BinaryIO, Final, cast

from dh_aimodel.formats.archive import _zip_open
from dh_aimodel.formats.base import Finding, KiB, _Acc
from dh_aimodel.formats.bounded import _Bad, _In
from dh_aimodel.formats.sniff import _EMPTY_ZIP_MAGIC, _NPY_MAGIC, _ZIP_MAGIC

#: NumPy refuses .npy headers over 10000 bytes unless told otherwise; we allow
#: more for large structured dtypes but keep :func:`ast.literal_eval` small.
NPY_HEADER_CAP: Final = 64 * KiB


def _descr_has_object(descr: object) -> bool:
    if isinstance(descr, str):
        return descr.lstrip("<>|=").startswith("O")
    if isinstance(descr, list):
        return any(isinstance(f, tuple) and len(f) >= 2 and _descr_has_object(f[1]) for f in descr)
    return False


def _descr_itemsize(descr: object) -> int | None:
    if isinstance(descr, str):
        m = re.fullmatch(r"[<>|=]?([biufcmMSV])(\d+)(?:\[\w+\])?", descr)
        if m:
            return int(m.group(2))
        m = re.fullmatch(r"[<>|=]?U(\d+)", descr)
        if m:
            return 4 * int(m.group(1))
    return None


@dataclass(frozen=True, slots=True)
class _NpyHeader:
    descr: object
    fortran_order: bool
    shape: tuple[int, ...]
    data_offset: int


def _npy_header(read: Callable[[int, str], bytes], what: str) -> _NpyHeader:
    """Parse a .npy header through ``read(n, what)`` (bounded by the caller)."""
    if read(6, f"{what} magic") != _NPY_MAGIC:
        raise _Bad("bad-header", f"{what}: no NumPy magic")
    major, minor = read(2, f"{what} version")
    if (major, minor) == (1, 0):
        (length,) = struct.unpack("<H", read(2, f"{what} header length"))
        start = 10
    elif (major, minor) in ((2, 0), (3, 0)):
        (length,) = struct.unpack("<I", read(4, f"{what} header length"))
        start = 12
    else:
        raise _Bad("bad-header", f"{what}: unsupported .npy version {major}.{minor}")
    if length > NPY_HEADER_CAP:
        raise _Bad("header-too-large", f"{what}: header of {length} bytes, over {NPY_HEADER_CAP}")
    text = read(length, f"{what} header").decode("utf-8" if major == 3 else "latin-1", "replace")
    try:
        header = ast.literal_eval(text)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        raise _Bad("bad-header", f"{what}: header is not a Python literal") from None
    if not isinstance(header, dict) or set(header) != {"descr", "fortran_order", "shape"}:
        raise _Bad("bad-header", f"{what}: header keys are not descr, fortran_order, shape")
    shape, order = header["shape"], header["fortran_order"]
    if not (isinstance(shape, tuple) and all(type(d) is int and d >= 0 for d in shape)):
        raise _Bad("bad-header", f"{what}: shape is not a tuple of non-negative integers")
    if not isinstance(order, bool):
        raise _Bad("bad-header", f"{what}: fortran_order is not a boolean")
    return _NpyHeader(header["descr"], order, shape, start + length)


def _read_numpy(src: _In, acc: _Acc) -> None:
    head = src.read(min(src.size, 6), "NumPy magic")
    src.seek(0)
    if head[:4] in (_ZIP_MAGIC, _EMPTY_ZIP_MAGIC):
        _read_npz(src, acc)
        return
    hdr = _npy_header(lambda n, what: src.read(n, what, NPY_HEADER_CAP), ".npy")
    acc.field("descr", str(hdr.descr))
    acc.field("shape", str(hdr.shape))
    acc.field("fortran_order", str(hdr.fortran_order))
    if _descr_has_object(hdr.descr):
        acc.finding("object-dtype", "array of Python objects: its data is a pickle")
        acc.pickles.append("")
        return
    itemsize = _descr_itemsize(hdr.descr)
    if itemsize is not None:
        need = math.prod(hdr.shape) * itemsize
        if need > src.remaining():
            acc.finding("truncated", f"array needs {need} data bytes, file has {src.remaining()}")


_NPZ_MAX_HEADERS: Final = 10_000


def _read_npz(src: _In, acc: _Acc) -> None:
    with _zip_open(src, acc) as zf:
        for info in zf.infolist()[:_NPZ_MAX_HEADERS]:
            if not info.filename.endswith(".npy") or info.flag_bits & 1:
                continue
            with zf.open(info) as member:
                hdr = _member_npy_header(cast(BinaryIO, member), info.filename)
            if isinstance(hdr, Finding):
                acc.finding(hdr.code, hdr.message)
            elif _descr_has_object(hdr.descr):
                acc.finding("object-dtype",
                            f"{info.filename}: array of Python objects: its data is a pickle")
                acc.pickles.append(info.filename)


def _member_npy_header(stream: BinaryIO, what: str) -> _NpyHeader | Finding:
    def read(n: int, part: str) -> bytes:
        data = stream.read(n)
        if len(data) != n:
            raise _Bad("truncated", f"{part}: expected {n} bytes, got {len(data)}")
        return data

    try:
        return _npy_header(read, what)
    except _Bad as e:
        return Finding(e.code, e.message)
