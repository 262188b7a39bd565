"""The Keras reader: an HDF5 superblock, or the ``metadata.json`` of a Keras 3 zip."""

from __future__ import annotations

import json

from dh_aimodel.formats.archive import _zip_member_bytes, _zip_open
from dh_aimodel.formats.base import FIELD_CAP, _Acc
from dh_aimodel.formats.bounded import _Bad, _In
from dh_aimodel.formats.sniff import _EMPTY_ZIP_MAGIC, _HDF5_MAGIC, _ZIP_MAGIC


def _read_keras(src: _In, acc: _Acc) -> None:
    head = src.read(min(src.size, 16), "HDF5 superblock")
    if head[:4] in (_ZIP_MAGIC, _EMPTY_ZIP_MAGIC):  # Keras 3 ".keras": a zip
        with _zip_open(src, acc) as zf:
            data = _zip_member_bytes(zf, "metadata.json", FIELD_CAP)
            if data is not None:
                try:
                    meta = json.loads(data)
                except (ValueError, RecursionError):
                    acc.finding("bad-header", "metadata.json is not JSON")
                    return
                if isinstance(meta, dict):
                    for key, value in meta.items():
                        if isinstance(value, (str, int, float)):
                            acc.field(str(key), str(value))
        return
    if head[:8] != _HDF5_MAGIC:
        raise _Bad("bad-header", "no HDF5 signature at offset 0")
    if len(head) > 8:
        acc.field("superblock_version", str(head[8]))
