"""The ONNX reader: the top-level fields of a ``ModelProto``, by a minimal protobuf decoder.

The graph and other large fields are skipped unread; only the producer
strings, versions, ``opset_import`` and ``metadata_props`` are kept.  Nothing
is decoded recursively: the entries read are flat messages of two fields, and
one with more than :data:`_ONNX_MAX_ENTRY_FIELDS` is malformed, so a hostile
entry of a million tiny fields costs a few comparisons.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from types import MappingProxyType
from typing import Final

from dh_aimodel.formats.base import FIELD_CAP, _Acc, _text, header_cap, over_cap
from dh_aimodel.formats.bounded import _Bad, _In

_ONNX_STRINGS: Final[Mapping[int, str]] = MappingProxyType({
    2: "producer_name", 3: "producer_version", 4: "domain", 6: "doc_string",
})
_ONNX_MAX_FIELDS: Final = 100_000
#: Fields of one ``opset_import`` or ``metadata_props`` entry (both have two;
#: a writer may repeat or add a few).
_ONNX_MAX_ENTRY_FIELDS: Final = 64
#: Bytes of a string decoded for a field: enough for FIELD_CAP characters of
#: UTF-8 and the mark of the cut, whatever the rest of a huge value holds.
_KEEP: Final = 4 * FIELD_CAP + 4


def _varint(read1: Callable[[], int], what: str) -> int:
    """A protobuf base-128 varint; more than 10 bytes is malformed."""
    value = 0
    for shift in range(0, 70, 7):
        byte = read1()
        value |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return value
    raise _Bad("bad-header", f"{what}: varint longer than 10 bytes")


def _pb_fields(data: bytes, what: str) -> Iterator[tuple[int, int | bytes]]:
    """Fields of an in-memory protobuf message: (number, int or bytes)."""
    pos = 0

    def read1() -> int:
        nonlocal pos
        if pos >= len(data):
            raise _Bad("truncated", f"{what} ends inside a field")
        pos += 1
        return data[pos - 1]

    while pos < len(data):
        key = _varint(read1, what)
        number, wire = key >> 3, key & 7
        if wire == 0:
            yield number, _varint(read1, what)
        elif wire in (1, 5):
            width = 8 if wire == 1 else 4
            if pos + width > len(data):
                raise _Bad("truncated", f"{what} ends inside a field")
            yield number, int.from_bytes(data[pos:pos + width], "little")
            pos += width
        elif wire == 2:
            length = _varint(read1, what)
            if pos + length > len(data):
                raise _Bad("truncated", f"{what}: field {number} runs past its message")
            yield number, data[pos:pos + length]
            pos += length
        else:
            raise _Bad("bad-header", f"{what}: unsupported protobuf wire type {wire}")


def _entry(data: bytes, what: str) -> dict[int, int | bytes]:
    """Fields 1 and 2 of a flat entry message (the last of each, as protobuf
    merges them), after at most :data:`_ONNX_MAX_ENTRY_FIELDS` fields."""
    kept: dict[int, int | bytes] = {}
    for count, (number, value) in enumerate(_pb_fields(data, what), 1):
        if count > _ONNX_MAX_ENTRY_FIELDS:
            raise _Bad("bad-header", f"{what} entry has over {_ONNX_MAX_ENTRY_FIELDS} fields")
        if number in (1, 2):
            kept[number] = value
    return kept


def _read_onnx(src: _In, acc: _Acc) -> None:
    def read1() -> int:
        return src.read(1, "ONNX field")[0]

    opsets: list[str] = []
    seen_ir = False
    for count in range(_ONNX_MAX_FIELDS + 1):
        if src.remaining() == 0:
            break
        if count == _ONNX_MAX_FIELDS:
            raise _Bad("header-too-large",
                       f"more than {_ONNX_MAX_FIELDS} top-level ModelProto fields")
        key = _varint(read1, "ModelProto field key")
        number, wire = key >> 3, key & 7
        if number == 0:
            raise _Bad("bad-header", "protobuf field number 0: not an ONNX ModelProto")
        if wire == 0:
            value = _varint(read1, f"ModelProto field {number}")
            if number == 1:
                acc.field("ir_version", str(value))
                seen_ir = True
            elif number == 5:
                acc.field("model_version", str(value))
        elif wire in (1, 5):
            src.skip(8 if wire == 1 else 4, f"ModelProto field {number}")
        elif wire == 2:
            length = _varint(read1, f"ModelProto field {number} length")
            what = f"ModelProto field {number}"
            src.need(length, what, cap=1 << 62)
            if number in _ONNX_STRINGS:
                data = src.read(min(length, FIELD_CAP), what)
                src.skip(length - len(data), what)
                acc.field(_ONNX_STRINGS[number], _text(data))
            elif number in (8, 14) and length > header_cap():
                acc.finding("header-too-large", over_cap(what, length) + "; skipped")
                src.skip(length, what)
            elif number == 8:  # OperatorSetIdProto: domain=1, version=2
                sub = _entry(src.read(length, what), "opset_import")
                domain, version = sub.get(1, b""), sub.get(2, "?")
                opsets.append(f"{_text(domain[:_KEEP]) if isinstance(domain, bytes) else ''}"
                              f"={version!s}")
            elif number == 14:  # StringStringEntryProto: key=1, value=2
                sub = _entry(src.read(length, what), "metadata_props")
                k, v = sub.get(1), sub.get(2, b"")
                if isinstance(k, bytes) and isinstance(v, bytes):
                    acc.field(_text(k[:_KEEP]), _text(v[:_KEEP]))
                else:
                    acc.finding("bad-header", "metadata_props entry without a string key")
            else:  # graph (7), training_info, functions ...: possibly GiBs
                src.skip(length, what)
        else:
            raise _Bad("bad-header", f"unsupported protobuf wire type {wire} in ModelProto")
    if opsets:
        acc.field("opset_import", ",".join(opsets))
    if not seen_ir:
        acc.finding("bad-header", "no ir_version: not an ONNX ModelProto")
