"""The GGUF reader: the key/value header of a llama.cpp model, within a work budget."""

from __future__ import annotations

import json
import struct
from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

from dh_aimodel.formats.base import FIELD_CAP, _Acc, _text
from dh_aimodel.formats.bounded import _Bad, _In

#: GGUF work limits: key/value pairs in a header and array elements visited
#: (each tokenizer vocabulary entry is one element).
GGUF_MAX_KV: Final = 1_000_000
GGUF_MAX_ELEMENTS: Final = 16_000_000
#: GGUF arrays of at most this many scalars or strings are kept as JSON text.
GGUF_SMALL_ARRAY: Final = 64


_GGUF_STRING: Final = 8
_GGUF_ARRAY: Final = 9
_GGUF_SCALARS: Final[Mapping[int, str]] = MappingProxyType({
    0: "B", 1: "b", 2: "H", 3: "h", 4: "I", 5: "i", 6: "f", 7: "?", 10: "Q", 11: "q", 12: "d",
})
_GGUF_MAX_DEPTH: Final = 4


class _Gguf:
    """One GGUF header walk: byte order, integer widths and the work budget."""

    __slots__ = ("src", "order", "count", "budget")

    def __init__(self, src: _In, order: str, version: int) -> None:
        self.src = src
        self.order = order
        self.count = struct.Struct(order + ("I" if version == 1 else "Q"))
        self.budget = GGUF_MAX_ELEMENTS

    def uint(self, what: str) -> int:
        value = self.src.unpack(self.count, what)[0]
        assert isinstance(value, int)
        return value

    def string(self, what: str, keep: int) -> str | None:
        """Read a GGUF string; keep up to ``keep`` bytes of it (0: skip it)."""
        length = self.uint(f"{what} length")
        self.src.need(length, what, cap=1 << 62)
        if keep == 0:
            self.src.skip(length, what)
            return None
        data = self.src.read(min(length, keep), what)
        if length > keep:
            self.src.skip(length - keep, what)
        return _text(data)

    def spend(self, n: int, what: str) -> None:
        self.budget -= n
        if self.budget < 0:
            raise _Bad("header-too-large", f"{what}: GGUF header has more than "
                       f"{GGUF_MAX_ELEMENTS} values, not read further")

    def value(self, vtype: int, what: str, depth: int, keep: bool) -> object:
        """Read one value; return it (str, number, list) when ``keep``, else None."""
        self.spend(1, what)
        if vtype in _GGUF_SCALARS:
            fmt = struct.Struct(self.order + _GGUF_SCALARS[vtype])
            if keep:
                return self.src.unpack(fmt, what)[0]
            self.src.skip(fmt.size, what)
            return None
        if vtype == _GGUF_STRING:
            return self.string(what, FIELD_CAP if keep else 0)
        if vtype == _GGUF_ARRAY:
            if depth >= _GGUF_MAX_DEPTH:
                raise _Bad("bad-header", f"{what}: arrays nested deeper than {_GGUF_MAX_DEPTH}")
            etype = self.src.unpack(struct.Struct(self.order + "I"), f"{what} element type")[0]
            assert isinstance(etype, int)
            n = self.uint(f"{what} element count")
            return self.array(etype, n, what, depth + 1, keep)
        raise _Bad("bad-header", f"{what}: unknown GGUF value type {vtype}")

    def array(self, etype: int, n: int, what: str, depth: int, keep: bool) -> object:
        if etype in _GGUF_SCALARS:
            size = struct.calcsize(self.order + _GGUF_SCALARS[etype])
            self.src.need(n * size, what, cap=1 << 62)
            if keep and n <= GGUF_SMALL_ARRAY:
                fmt = struct.Struct(f"{self.order}{n}{_GGUF_SCALARS[etype]}")
                return list(self.src.unpack(fmt, what))
            self.src.skip(n * size, what)
            return None
        if etype not in (_GGUF_STRING, _GGUF_ARRAY):
            raise _Bad("bad-header", f"{what}: unknown GGUF array element type {etype}")
        # Each string or array element takes at least one length word.
        self.src.need(n * self.count.size, what, cap=1 << 62)
        small = keep and n <= GGUF_SMALL_ARRAY and etype == _GGUF_STRING
        items = [self.value(etype, what, depth, small) for _ in range(n)]
        return items if small else None


def _gguf_render(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, list):
        return json.dumps([_gguf_render(v) if isinstance(v, (bool, float)) else v for v in value],
                          ensure_ascii=False)
    return str(value)


def _read_gguf(src: _In, acc: _Acc) -> None:
    if src.read(4, "GGUF magic") != b"GGUF":
        raise _Bad("bad-header", "no GGUF magic")
    raw = src.read(4, "GGUF version")
    version, order = struct.unpack("<I", raw)[0], "<"
    if version not in (1, 2, 3):
        version, order = struct.unpack(">I", raw)[0], ">"
        if version not in (2, 3):
            raise _Bad("bad-header", f"unsupported GGUF version {struct.unpack('<I', raw)[0]}")
    g = _Gguf(src, order, version)
    n_tensors = g.uint("tensor count")
    n_kv = g.uint("key/value count")
    if n_kv > GGUF_MAX_KV:
        raise _Bad("header-too-large", f"GGUF declares {n_kv} key/value pairs, over {GGUF_MAX_KV}")
    # A pair is at least a key length word, a type word and one value byte.
    src.need(n_kv * (g.count.size + 5), "GGUF key/value pairs", cap=1 << 62)
    type_word = struct.Struct(order + "I")
    for i in range(n_kv):
        key = g.string(f"key #{i}", 65535)
        assert key is not None
        vtype = src.unpack(type_word, f"type of {key[:80]!r}")[0]
        assert isinstance(vtype, int)
        value = g.value(vtype, f"value of {key[:80]!r}", 0, keep=True)
        if key in acc.fields:
            acc.finding("bad-header", f"duplicate GGUF key {key[:80]!r}")
        if value is not None:
            acc.field(key, _gguf_render(value))
    # The tensor infos follow, each at least a name length, a dimension count,
    # a type and an offset: a count they cannot fit is a truncated file.
    src.need(n_tensors * (g.count.size + 16), f"GGUF infos of {n_tensors} tensors",
             cap=1 << 62)
    lic = acc.fields.get("general.license")
    if lic:
        acc.license = lic
