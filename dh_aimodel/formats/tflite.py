"""The TFLite reader: the flatbuffer ``Model`` table and its TFLite Support metadata."""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

from dh_aimodel.formats.base import FIELD_CAP, _Acc, _text, header_cap, over_cap
from dh_aimodel.formats.bounded import _Bad, _In


class _Flat:
    """Random access to a flatbuffer held in a file region or in memory.

    Every offset is checked against the buffer's bounds; a flatbuffer is a web
    of relative offsets and a hostile one can point anywhere.
    """

    __slots__ = ("read_at", "size")

    def __init__(self, read_at: Callable[[int, int], bytes], size: int) -> None:
        self.read_at = read_at
        self.size = size

    def u32(self, pos: int) -> int:
        return int.from_bytes(self._get(pos, 4), "little")

    def _get(self, pos: int, n: int) -> bytes:
        if pos < 0 or pos + n > self.size:
            raise _Bad("truncated", f"flatbuffer offset {pos} is outside its {self.size} bytes")
        return self.read_at(pos, n)

    def root(self) -> int:
        return self.u32(0)

    def field(self, table: int, index: int) -> int | None:
        """Absolute position of field ``index`` of the table at ``table``."""
        vtable = table - int.from_bytes(self._get(table, 4), "little", signed=True)
        vt_size = int.from_bytes(self._get(vtable, 2), "little")
        if 4 + 2 * index + 2 > vt_size:
            return None
        off = int.from_bytes(self._get(vtable + 4 + 2 * index, 2), "little")
        return table + off if off else None

    def indirect(self, pos: int) -> int:
        return pos + self.u32(pos)

    def string(self, pos: int, cap: int = FIELD_CAP) -> str:
        start = self.indirect(pos)
        length = self.u32(start)
        return _text(self._get(start + 4, min(length, cap)))

    def vector(self, pos: int) -> tuple[int, int]:
        """(position of the first element, element count) of the vector at ``pos``."""
        start = self.indirect(pos)
        return start + 4, self.u32(start)


_TFLITE_MAX_METADATA: Final = 1000


def _read_tflite(src: _In, acc: _Acc) -> None:
    def read_at(pos: int, n: int) -> bytes:
        return src.read_at(pos, n, "TFLite flatbuffer")

    fb = _Flat(read_at, src.size)
    if src.size < 8 or read_at(4, 4) != b"TFL3":
        raise _Bad("bad-header", "no TFL3 file identifier")
    model = fb.root()
    if (pos := fb.field(model, 0)) is not None:
        acc.field("version", str(fb.u32(pos)))
    if (pos := fb.field(model, 3)) is not None:
        acc.field("description", fb.string(pos))
    meta_pos, buffers_pos = fb.field(model, 6), fb.field(model, 4)
    if meta_pos is None:
        return
    first, count = fb.vector(meta_pos)
    if count > _TFLITE_MAX_METADATA:
        raise _Bad("header-too-large", f"{count} metadata entries, over {_TFLITE_MAX_METADATA}")
    names: list[str] = []
    for i in range(count):
        entry = fb.indirect(first + 4 * i)
        name_pos, buf_pos = fb.field(entry, 0), fb.field(entry, 1)
        name = fb.string(name_pos, 256) if name_pos is not None else ""
        names.append(name)
        if (buf_pos is None or buffers_pos is None
                or name not in ("min_runtime_version", "TFLITE_METADATA")):
            continue
        data = _tflite_buffer(fb, buffers_pos, fb.u32(buf_pos))
        if data is None:
            continue
        if name == "min_runtime_version":
            acc.field(name, _text(data.rstrip(b"\0")))
        else:
            _tflite_model_metadata(data, acc)
    acc.field("metadata", ",".join(names))


def _tflite_buffer(fb: _Flat, buffers_pos: int, index: int) -> bytes | None:
    first, count = fb.vector(buffers_pos)
    if index >= count:
        raise _Bad("bad-header", f"metadata names buffer {index} of {count}")
    buf = fb.indirect(first + 4 * index)
    data_pos = fb.field(buf, 0)
    if data_pos is None:  # stored after the flatbuffer (models over 2 GiB): not read
        return None
    start, length = fb.vector(data_pos)
    if length > header_cap():
        raise _Bad("header-too-large", over_cap("metadata buffer", length))
    return fb._get(start, length)


def _tflite_model_metadata(data: bytes, acc: _Acc) -> None:
    """The TFLite Support ``ModelMetadata`` table: name, version, author, license."""
    fb = _Flat(lambda pos, n: data[pos:pos + n], len(data))
    if len(data) < 8 or data[4:8] != b"M001":
        acc.finding("bad-header", "TFLITE_METADATA buffer is not a ModelMetadata flatbuffer")
        return
    table = fb.root()
    for index, key in ((0, "metadata.name"), (2, "metadata.version"),
                       (4, "metadata.author"), (5, "metadata.license")):
        if (pos := fb.field(table, index)) is not None:
            acc.field(key, fb.string(pos))
    lic = acc.fields.get("metadata.license")
    if lic:
        acc.license = lic
