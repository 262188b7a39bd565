"""Stockfish NNUE nets (``nn-<12 hex>.nnue``): the header and its sniff.

A net starts with three little-endian uint32 (the file version, a hash of
the architecture, the length of the description) and the description, an
architecture string or a line naming the trainer (Stockfish's
``nnue/nnue_common.h`` and ``network.cpp``, ``read_header``).  The version
has stayed in one family: 0x7AF32F16 (Stockfish 12) and 0x7AF32F20
(Stockfish 13 up to 17 and nnue-pytorch).  Those two are recognised under
any name; another version of the same family (its top three bytes) only
under the ``.nnue`` name, so that four random bytes do not make a chess net.
"""

from __future__ import annotations

import struct
from typing import Final

from dh_aimodel.formats.base import KiB, _Acc, _text
from dh_aimodel.formats.bounded import _Bad, _In

#: The versions Stockfish has written.
NNUE_VERSIONS: Final = frozenset({0x7AF32F16, 0x7AF32F20})
_FAMILY_MASK: Final = 0xFFFFFF00
_FAMILY: Final = 0x7AF32F00

#: Longest description accepted; Stockfish's are under 200 bytes.
NNUE_MAX_DESCRIPTION: Final = 64 * KiB

#: After the description, nnue-pytorch's compressed nets name their coding.
_LEB128_MAGIC: Final = b"COMPRESSED_LEB128"

_HEADER: Final = struct.Struct("<III")


def _printable(data: bytes) -> bool:
    return all(32 <= b < 127 or b in (9, 10, 13) for b in data)


def nnue_head(head: bytes, ext: str) -> bool:
    """Whether the first bytes are an NNUE header: a known version (any version
    of the family under ``.nnue``), a plausible description length and a
    description that starts as text."""
    if len(head) < _HEADER.size:
        return False
    version, _hash, length = _HEADER.unpack_from(head)
    if version not in NNUE_VERSIONS and not (
            ext == ".nnue" and version & _FAMILY_MASK == _FAMILY):
        return False
    if not 0 < length <= NNUE_MAX_DESCRIPTION:
        return False
    shown = head[_HEADER.size:_HEADER.size + length]
    return bool(shown) and _printable(shown)


def _read_nnue(src: _In, acc: _Acc) -> None:
    version, hash_, length = _HEADER.unpack(src.read(_HEADER.size, "NNUE header"))
    if version & _FAMILY_MASK != _FAMILY:
        raise _Bad("bad-header", f"NNUE version {version:#010x} is not a Stockfish net "
                                 "version; accepted: 0x7af32fXX")
    acc.field("version", f"{version:#010x}")
    acc.field("hash", f"{hash_:#010x}")
    acc.field("size", str(src.size))
    if version not in NNUE_VERSIONS:
        acc.finding("bad-header", f"NNUE version {version:#010x} is none Stockfish wrote "
                                  "(0x7af32f16, 0x7af32f20)")
    if length > NNUE_MAX_DESCRIPTION:
        raise _Bad("header-too-large", f"NNUE description declares {length} bytes, over "
                                       f"the {NNUE_MAX_DESCRIPTION} byte cap")
    acc.field("description", _text(src.read(length, "NNUE description")))
    if src.remaining() < 4:
        raise _Bad("truncated", "NNUE net ends after its description: no weights")
    # the feature transformer's hash, then the compression magic if any
    after = src.f.read(min(src.remaining(), 4 + len(_LEB128_MAGIC)))
    acc.field("compression", "leb128" if after[4:] == _LEB128_MAGIC else "none")
