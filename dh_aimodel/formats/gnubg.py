"""GNU Backgammon neural nets: ``gnubg.weights`` (text) and ``gnubg.wd`` (binary).

Both come from gnubg's ``lib/neuralnet.c`` and ``makeweights.c``.  The text
file starts with the line ``GNU Backgammon <version>`` and then, for each
net, the line ``<inputs> <hidden> <outputs> <word> <beta hidden> <beta
output>`` followed by the weights, one number a line.  The binary file,
which ``makeweights`` writes at build time in the byte order of the build
machine, starts with two floats, the magic 472.3782 and the version, then
for each net four int32 (inputs, hidden, outputs, times trained) and two
floats before the weights.
"""

from __future__ import annotations

import re
import struct
from typing import Final

from dh_aimodel.formats.base import _Acc, _text
from dh_aimodel.formats.bounded import _Bad, _In

#: WEIGHTS_MAGIC_BINARY, as the float32 gnubg writes in either byte order.
_MAGIC_LE: Final = struct.pack("<f", 472.3782)
_MAGIC_BE: Final = struct.pack(">f", 472.3782)

#: The text head: the version line and the first three numbers of the first net.
_TEXT_HEAD: Final = re.compile(
    rb"GNU Backgammon (?P<version>\d{1,3}\.\d{1,3})[ \t]*\r?\n"
    rb"(?P<inputs>\d{1,7})[ \t]+(?P<hidden>\d{1,7})[ \t]+(?P<outputs>\d{1,7})(?:[ \t]|\Z)")
#: The first lines fit in this many bytes; gnubg reads the version with %15s.
_TEXT_HEAD_CAP: Final = 256
_NET: Final = struct.Struct("4i2f")


def gnubg_head(head: bytes) -> bool:
    """Whether the first bytes are a gnubg net, text or binary.

    The text form needs the version line *and* the first net's sizes, so a
    README that starts "GNU Backgammon is ..." is not one; the binary form
    needs the magic float and a version between 0 and 100.
    """
    if head[:4] in (_MAGIC_LE, _MAGIC_BE):
        if len(head) < 8:
            return True
        order = "<" if head[:4] == _MAGIC_LE else ">"
        (version,) = struct.unpack_from(f"{order}f", head, 4)
        return 0.0 <= version < 100.0
    return _TEXT_HEAD.match(head) is not None


def _read_gnubg(src: _In, acc: _Acc) -> None:
    head = src.read(min(src.size, _TEXT_HEAD_CAP), "gnubg weights head")
    if head[:4] in (_MAGIC_LE, _MAGIC_BE):
        order = "<" if head[:4] == _MAGIC_LE else ">"
        acc.field("encoding", "binary, " + ("little" if order == "<" else "big") + "-endian")
        if len(head) < 8 + _NET.size:
            raise _Bad("truncated", f"gnubg binary weights end after {len(head)} bytes, "
                                    "before the first net's sizes")
        (version,) = struct.unpack_from(f"{order}f", head, 4)
        acc.field("version", f"{version:.2f}")
        inputs, hidden, outputs, _trained, beta_h, beta_o = struct.unpack_from(
            f"{order}{_NET.format}", head, 8)
        if min(inputs, hidden, outputs) < 1 or not (beta_h > 0 and beta_o > 0):
            raise _Bad("bad-header", f"gnubg net sizes {inputs}x{hidden}x{outputs} or betas "
                                     "out of range; accepted: positive sizes and betas")
        _sizes(acc, inputs, hidden, outputs)
        weights = 4 * (inputs * hidden + hidden * outputs + hidden + outputs)
        if 8 + _NET.size + weights > src.size:
            acc.finding("truncated", f"the first gnubg net declares {weights} bytes of "
                                     f"weights, but the file has {src.size} bytes")
        return
    m = _TEXT_HEAD.match(head)
    if m is None:
        raise _Bad("bad-header", "not a gnubg weights file; accepted: a first line "
                                 "'GNU Backgammon <version>' and a net size line")
    acc.field("encoding", "text")
    acc.field("version", _text(m["version"]))
    _sizes(acc, int(m["inputs"]), int(m["hidden"]), int(m["outputs"]))


def _sizes(acc: _Acc, inputs: int, hidden: int, outputs: int) -> None:
    """The first net's shape (a file holds several nets: contact, race, crashed, ...)."""
    acc.field("inputs", str(inputs))
    acc.field("hidden", str(hidden))
    acc.field("outputs", str(outputs))
