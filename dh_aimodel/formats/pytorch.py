"""The PyTorch readers: zip checkpoints (``version``, ``byteorder``) and legacy pickles.

The pickles themselves are walked by :mod:`dh_aimodel.formats.pickle_scan`,
never loaded.
"""

from __future__ import annotations

from dh_aimodel.formats.archive import _zip_member_bytes, _zip_open
from dh_aimodel.formats.base import _Acc, _text
from dh_aimodel.formats.bounded import _In


def _read_pytorch_zip(src: _In, acc: _Acc) -> None:
    with _zip_open(src, acc) as zf:
        for info in zf.infolist():
            base = info.filename.rsplit("/", 1)[-1]
            if base in ("version", "byteorder") and info.file_size <= 64:
                data = _zip_member_bytes(zf, info.filename, 64)
                if data is not None:
                    acc.field(base, _text(data).strip())


def _read_pytorch_pickle(src: _In, acc: _Acc) -> None:
    head = src.read(min(src.size, 2), "pickle header")
    if len(head) == 2 and head[0] == 0x80:
        acc.field("protocol", str(head[1]))
    acc.pickles.append("")
