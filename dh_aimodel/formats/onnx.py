"""The ONNX reader: the top-level fields of a ``ModelProto``, by a minimal protobuf decoder.

The graph and other large fields are skipped unread; only the producer
strings, versions, ``opset_import`` and ``metadata_props`` are kept.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from types import MappingProxyType
from typing import Final

from dh_aimodel.formats.base import FIELD_CAP, HEADER_CAP, _Acc, _text
from dh_aimodel.formats.bounded import _Bad, _In

_ONNX_STRINGS: Final[Mapping[int, str]] = MappingProxyType({
    2: "producer_name", 3: "producer_version", 4: "domain", 6: "doc_string",
})
_ONNX_MAX_FIELDS: Final = 100_000


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
            elif number in (8, 14) and length > HEADER_CAP:
                acc.finding("header-too-large", f"{what} of {length} bytes skipped")
                src.skip(length, what)
            elif number == 8:  # OperatorSetIdProto: domain=1, version=2
                sub = dict(_pb_fields(src.read(length, what), "opset_import"))
                domain, version = sub.get(1, b""), sub.get(2, "?")
                opsets.append(f"{_text(domain) if isinstance(domain, bytes) else ''}={version!s}")
            elif number == 14:  # StringStringEntryProto: key=1, value=2
                sub = dict(_pb_fields(src.read(length, what), "metadata_props"))
                k, v = sub.get(1), sub.get(2, b"")
                if isinstance(k, bytes) and isinstance(v, bytes):
                    acc.field(_text(k), _text(v))
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
