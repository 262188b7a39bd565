"""The safetensors reader: its JSON header, ``__metadata__`` and tensor table.

The header's length is checked against the file and the ``model-header``
limit before it is read, and its JSON against :data:`SAFETENSORS_MAX_ITEMS`
before it is parsed: the parse, not the read, is what a hostile header makes
expensive (``[{},{},...]`` turns every three bytes into a dict of 64), and
the C parser stops nesting at the interpreter's recursion limit.
"""

from __future__ import annotations

import json
import math
import struct
from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

from dh_aimodel.formats.base import _Acc
from dh_aimodel.formats.bounded import _Bad, _In

#: Separators (``,`` and ``:``) a header may hold: a tensor entry has about ten,
#: so this is some 50,000 tensors, over any real file's (sharded checkpoints
#: keep a few thousand per file), and the parse stays within tens of MiB.
SAFETENSORS_MAX_ITEMS: Final = 500_000

_ST_DTYPE_SIZES: Final[Mapping[str, int]] = MappingProxyType({
    "BOOL": 1, "U8": 1, "I8": 1, "F8_E5M2": 1, "F8_E4M3": 1, "F8_E8M0": 1,
    "I16": 2, "U16": 2, "F16": 2, "BF16": 2, "I32": 4, "U32": 4, "F32": 4,
    "I64": 8, "U64": 8, "F64": 8, "C64": 8,
})


def _no_duplicates(pairs: list[tuple[str, object]]) -> dict[str, object]:
    """JSON object hook: duplicate keys make parsers disagree on what a file holds."""
    out: dict[str, object] = {}
    for key, value in pairs:
        if key in out:
            raise _Bad("bad-header", f"duplicate key {key[:80]!r} in JSON header")
        out[key] = value
    return out


def _read_safetensors(src: _In, acc: _Acc) -> None:
    (length,) = src.unpack(struct.Struct("<Q"), "safetensors length prefix")
    assert isinstance(length, int)
    src.need(length, "safetensors header")
    if src.read(min(length, 1), "safetensors header") != b"{":
        raise _Bad("bad-header", "safetensors header does not start with '{'")
    src.seek(src.tell() - 1)
    raw = src.read(length, "safetensors header")
    items = raw.count(b",") + raw.count(b":")
    if items > SAFETENSORS_MAX_ITEMS:
        raise _Bad("header-too-large", f"safetensors header has {items} JSON items, over "
                                       f"{SAFETENSORS_MAX_ITEMS}; not parsed")
    try:
        header = json.loads(raw, object_pairs_hook=_no_duplicates)
    except UnicodeDecodeError:
        raise _Bad("bad-header", "safetensors header is not UTF-8") from None
    except json.JSONDecodeError as e:
        raise _Bad("bad-header", f"safetensors header is not JSON: {e}") from None
    if not isinstance(header, dict):
        raise _Bad("bad-header", "safetensors header is not a JSON object")
    meta = header.pop("__metadata__", None)
    if meta is not None:
        if not isinstance(meta, dict):
            acc.finding("bad-header", "__metadata__ is not an object")
        else:
            for key, value in meta.items():
                if isinstance(value, str):
                    acc.field(key, value)
                else:
                    acc.finding("bad-header", f"__metadata__[{key[:80]!r}] is not a string")
    data_len = src.size - 8 - length
    bad: list[str] = []
    for name, info in header.items():
        problem = _safetensors_tensor_problem(info, data_len)
        if problem:
            bad.append(f"{name[:80]!r}: {problem}")
    if bad:
        code = "truncated" if any("past the end" in b for b in bad) else "bad-header"
        more = f" (and {len(bad) - 1} more)" if len(bad) > 1 else ""
        acc.finding(code, f"tensor {bad[0]}{more}")


def _safetensors_tensor_problem(info: object, data_len: int) -> str | None:
    if not isinstance(info, dict):
        return "entry is not an object"
    dtype, shape, offsets = info.get("dtype"), info.get("shape"), info.get("data_offsets")
    if not isinstance(dtype, str):
        return "dtype is not a string"
    if not (isinstance(shape, list) and len(shape) <= 64
            and all(type(d) is int and 0 <= d < 1 << 64 for d in shape)):
        return "shape is not a list of at most 64 integers in 0..2**64"
    if not (isinstance(offsets, list) and len(offsets) == 2
            and all(type(o) is int for o in offsets) and 0 <= offsets[0] <= offsets[1]):
        return "data_offsets is not [begin, end]"
    if offsets[1] > data_len:
        return f"data ends at {offsets[1]}, past the end of the {data_len} data bytes"
    size = _ST_DTYPE_SIZES.get(dtype)
    if size is not None and math.prod(shape) * size != offsets[1] - offsets[0]:
        return f"{offsets[1] - offsets[0]} bytes do not hold {dtype}{shape}"
    return None
