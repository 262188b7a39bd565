"""The Tesseract ``.traineddata`` reader: its component table, or its zipped components."""

from __future__ import annotations

import struct
from typing import Final

from dh_aimodel.formats.archive import _zip_open
from dh_aimodel.formats.base import KiB, _Acc, _text
from dh_aimodel.formats.bounded import _Bad, _In
from dh_aimodel.formats.sniff import _EMPTY_ZIP_MAGIC, _ZIP_MAGIC

_TESSDATA_COMPONENTS: Final = (
    "config", "unicharset", "unicharambigs", "inttemp", "pffmtable", "normproto",
    "punc-dawg", "word-dawg", "number-dawg", "freq-dawg", "fixed-length-dawgs",
    "cube-unicharset", "cube-word-dawg", "shapetable", "bigram-dawg", "unambig-dawg",
    "params-model", "lstm", "lstm-punc-dawg", "lstm-word-dawg", "lstm-number-dawg",
    "lstm-unicharset", "lstm-recoder", "version",
)  # TessdataType in tesseract's src/ccutil/tessdatamanager.h
_TESSDATA_MAX_ENTRIES: Final = 1000  # kMaxNumTessdataEntries, same header


def _read_tessdata(src: _In, acc: _Acc) -> None:
    raw = src.read(4, "traineddata entry count")
    if raw in (_ZIP_MAGIC, _EMPTY_ZIP_MAGIC):  # tesseract 5 also reads zipped components
        src.seek(0)
        with _zip_open(src, acc) as zf:
            acc.field("components", ",".join(sorted(i.filename for i in zf.infolist())[:100]))
        return
    # tesseract detects byte order the same way: a count over the maximum is swapped.
    order = "<"
    (n,) = struct.unpack("<i", raw)
    if not 0 < n <= _TESSDATA_MAX_ENTRIES:
        order = ">"
        (n,) = struct.unpack(">i", raw)
        if not 0 < n <= _TESSDATA_MAX_ENTRIES:
            raise _Bad("bad-header", "traineddata entry count out of range: not a tesseract file")
    offsets = struct.unpack(f"{order}{n}q", src.read(8 * n, "traineddata offset table"))
    table_end = 4 + 8 * n
    present: list[str] = []
    for i, off in enumerate(offsets):
        if off == -1:
            continue
        if off < table_end or off > src.size:
            raise _Bad("truncated",
                       f"traineddata component {i} at offset {off} is outside the file")
        following = [o for o in offsets[i + 1:] if o != -1]
        end = following[0] if following else src.size
        if end < off:
            raise _Bad("bad-header", f"traineddata component {i} ends before it starts")
        name = _TESSDATA_COMPONENTS[i] if i < len(_TESSDATA_COMPONENTS) else str(i)
        present.append(name)
        if name == "version":
            acc.field("version", _text(src.read_at(off, min(end - off, 4 * KiB), "version")))
    acc.field("components", ",".join(present))
