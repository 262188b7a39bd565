"""Sniffing: a file's format from its first :data:`SNIFF_BYTES` bytes and its name.

Run on every file of every package, so it looks at that prefix only and
opens nothing: :func:`sniff`, :func:`looks_like_model` and
:func:`may_hold_pickles`.  :func:`dh_aimodel.formats.sniff_file` is the
variant that also looks into zips whose name does not tell, and further
into ARPA language models whose preamble is longer than the prefix.  The
heads of the formats that have a module of their own (NNUE, gnubg, Sphinx)
are recognised by that module (``nnue_head``, ``gnubg_head``,
``sphinx_head``), next to its reader.
"""

from __future__ import annotations

import struct
from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

from dh_aimodel.formats.gnubg import gnubg_head
from dh_aimodel.formats.nnue import nnue_head
from dh_aimodel.formats.pickle_opcodes import pickle_head
from dh_aimodel.formats.sphinx import sphinx_head

#: How many leading bytes :func:`sniff` needs.  Every magic number and
#: plausibility check below fits in this prefix.
SNIFF_BYTES: Final = 64

#: Largest header length the safetensors library itself accepts; used by the
#: sniffer for plausibility only (reading still stops at :data:`HEADER_CAP`).
SAFETENSORS_MAX_HEADER: Final = 100_000_000

_HDF5_MAGIC: Final = b"\x89HDF\r\n\x1a\n"
_ZIP_MAGIC: Final = b"PK\x03\x04"
_EMPTY_ZIP_MAGIC: Final = b"PK\x05\x06"
_NPY_MAGIC: Final = b"\x93NUMPY"

#: Every pickle opcode byte (checked against :mod:`pickletools` in the tests);
#: a pickle's first byte after PROTO must be one of them.
PICKLE_OPCODES: Final = frozenset(
    b"(.012BCFGIJKLMNPQRSTUVX]abcdeghijlopqrstu})"
    b"\x80\x81\x82\x83\x84\x85\x86\x87\x88\x89\x8a\x8b\x8c\x8d\x8e\x8f"
    b"\x90\x91\x92\x93\x94\x95\x96\x97\x98"
)

_PICKLE_EXTENSIONS: Final = frozenset({
    ".bin", ".pt", ".pth", ".ckpt", ".pkl", ".pickle", ".joblib",
})
#: Extensions that only ever mean "pickle" and that a model has: there,
#: protocol 0/1 text pickles and compressed joblib files are models too.
_PICKLE_ONLY_EXTENSIONS: Final = frozenset({".pkl", ".pickle", ".joblib"})
#: Names that only ever mean "pickle", for :func:`iter_pickles`: a file or a
#: zip member so named is walked as a pickle, whatever its first bytes.
#: ``.dill`` (dill's sessions and closures) is a pickle but not a model name.
PICKLE_NAMES: Final = (".pkl", ".pickle", ".joblib", ".dill")
#: Generic data names that loaders and other scanners (picklescan,
#: modelscan) also read as pickles inside a zip: walked tentatively there.
_MAYBE_PICKLE_MEMBER_NAMES: Final = (".dat", ".data")
#: Zips that are code or documents, opened by their own tools and never by a
#: pickle loader (a wheel or a jar runs code anyway): not looked into for
#: pickles, which spares linting a Java package reading the directory of
#: every jar.
_NOT_PICKLE_ZIPS: Final = frozenset({
    ".jar", ".war", ".ear", ".aar", ".apk", ".whl", ".egg", ".xpi", ".oxt", ".nupkg",
    ".docx", ".xlsx", ".pptx", ".odt", ".ods", ".odp", ".odg", ".epub",
})
_ZIP_EXTENSIONS: Final[Mapping[str, str]] = MappingProxyType({
    ".pt": "pytorch-zip", ".pth": "pytorch-zip", ".bin": "pytorch-zip",
    ".ckpt": "pytorch-zip", ".pth.tar": "pytorch-zip", ".pt.tar": "pytorch-zip",
    ".npz": "numpy", ".keras": "keras-hdf5", ".traineddata": "tessdata",
})
_HDF5_EXTENSIONS: Final = frozenset({".h5", ".hdf5", ".keras"})
#: First bytes of a serialised ONNX ModelProto: the tags of its fields 1..8
#: and 14 (protobuf writers emit fields in number order, ir_version first).
_ONNX_FIRST_TAGS: Final = frozenset({0x08, 0x12, 0x1A, 0x22, 0x28, 0x32, 0x3A, 0x42, 0x72})
#: Legacy llama.cpp (ggml, ggmf, ggjt), ONNX Runtime and fastText magics.
_OTHER_MAGICS: Final = (b"lmgg", b"fmgg", b"tjgg")
_FASTTEXT_MAGIC: Final = b"\xba\x16\x4f\x2f"
#: Extensions no other kind of file uses: a model whatever the bytes say.
_OTHER_MODEL_EXTENSIONS: Final = frozenset({
    ".caffemodel", ".mlmodel", ".pdmodel", ".pdiparams", ".ort",
})

#: The format each unambiguous model extension announces.  A file with one
#: of these names is a model candidate even when its bytes do not match
#: (:func:`looks_like_model`); the scan can report the mismatch.
EXTENSIONS: Final[Mapping[str, str]] = MappingProxyType({
    ".safetensors": "safetensors", ".gguf": "gguf", ".onnx": "onnx",
    ".tflite": "tflite", ".traineddata": "tessdata", ".pt": "pytorch-zip",
    ".pth": "pytorch-zip", ".ckpt": "pytorch-zip", ".keras": "keras-hdf5", ".nnue": "nnue",
    **{ext: "other" for ext in sorted(_OTHER_MODEL_EXTENSIONS)},
})


def _base_name(name: str) -> str:
    """The lower-cased last component of ``name`` (``/`` or ``\\`` separated)."""
    return name.replace("\\", "/").rsplit("/", 1)[-1].lower()


def _extension(name: str) -> str:
    """The lower-cased extension of ``name``, keeping ``.pth.tar`` style pairs."""
    base = _base_name(name)
    for double in (".pth.tar", ".pt.tar"):
        if base.endswith(double) and len(base) > len(double):
            return double
    dot = base.rfind(".")
    return base[dot:] if dot > 0 else ""


def _is_compressed_pickle(head: bytes) -> bool:
    """gzip, bzip2, xz or zlib framing, as joblib writes compressed pickles."""
    if head[:2] == b"\x1f\x8b" or head[:3] == b"BZh" or head[:6] == b"\xfd7zXZ\x00":
        return True
    return (len(head) >= 2 and head[0] == 0x78 and head[1] in (0x01, 0x5E, 0x9C, 0xDA)
            and (head[0] << 8 | head[1]) % 31 == 0)


def _starts_like_pickle(head: bytes) -> bool:
    """PROTO 2-5 and a valid opcode: how every pickle of protocol 2 or later
    starts, and only about one random byte string in 16,000."""
    return len(head) >= 3 and head[0] == 0x80 and 2 <= head[1] <= 5 and head[2] in PICKLE_OPCODES


def _looks_pickled(head: bytes, ext: str) -> bool:
    """Whether a file is a pickle *model* (see :func:`_file_pickle` for any pickle)."""
    if _starts_like_pickle(head):
        return ext in _PICKLE_EXTENSIONS
    if ext in _PICKLE_ONLY_EXTENSIONS and head:
        return (head[0] in PICKLE_OPCODES and head[0] != 0x80) or _is_compressed_pickle(head)
    return False


def _file_pickle(head: bytes, ext: str) -> bool | None:
    """Whether a whole file (not a zip, not a .npy) is a pickle: None if not,
    else whether its walk is *tentative*.

    Under a pickle name (:data:`PICKLE_NAMES`) any first opcode and joblib's
    compressed framing count, even a PROTO that no pickler writes but the
    unpickler reads (0, 1).  Under any other name PROTO 2-5 and a valid
    opcode do, and a head that parses as a pickle
    (:func:`~dh_aimodel.formats.pickle_opcodes.pickle_head`: protocol 0/1
    pickles start with a printable byte that begins text files too, so the
    first byte alone does not tell).  The walk is sure under a name pickles
    have (a pickle name or a checkpoint name such as ``.bin``); under another
    name the bytes may be data that starts so by chance, and the walk is
    tentative.
    """
    if ext in PICKLE_NAMES and head and (
            head[0] in PICKLE_OPCODES or _is_compressed_pickle(head)):
        return False
    if _starts_like_pickle(head) or pickle_head(head):
        return ext not in _PICKLE_EXTENSIONS
    return None


def may_hold_pickles(head: bytes, name: str) -> bool:
    """Whether a file may hold a pickle stream, from its first bytes and name.

    Cheap enough for every file of a package, and wider than
    :func:`looks_like_model`: a zip (other than a code or document archive,
    :data:`_NOT_PICKLE_ZIPS`), a NumPy array, or a file that
    :func:`_file_pickle` takes for a pickle, by name or by content (a
    protocol 0 pickle named ``x.bin`` too).  Used to choose the files whose
    pickles are scanned for security; it says nothing about being a model.
    :func:`iter_pickles` then decides which of their streams are pickles.

    >>> head = b"\\x80\\x04\\x95"
    >>> may_hold_pickles(head, "cache.dat"), looks_like_model(head, "cache.dat")
    (True, False)
    """
    ext = _extension(name)
    if head[:4] == _ZIP_MAGIC:
        return ext not in _NOT_PICKLE_ZIPS
    return head[:6] == _NPY_MAGIC or _file_pickle(head, ext) is not None


def _is_safetensors(head: bytes) -> bool:
    if len(head) < 10 or head[8:9] != b"{":
        return False
    (length,) = struct.unpack_from("<Q", head)
    return 2 <= length <= SAFETENSORS_MAX_HEADER and head[9] in b'"} \t\r\n'


def _gguf_version_ok(head: bytes) -> bool:
    if len(head) < 8:
        return True
    return (struct.unpack_from("<I", head, 4)[0] in (1, 2, 3)
            or struct.unpack_from(">I", head, 4)[0] in (2, 3))


def _onnx_plausible(head: bytes) -> bool:
    if not head or head[0] not in _ONNX_FIRST_TAGS:
        return False
    if head[0] == 0x08:  # ir_version: a small varint
        return len(head) < 2 or 1 <= head[1] <= 0x7F
    return True


def sniff(head: bytes, name: str) -> str | None:
    """The format of a file from its first bytes and its name, or None if not a model.

    ``head`` should be the first :data:`SNIFF_BYTES` bytes (fewer for short
    files).  Strong magic numbers win over names; formats without magic
    (ONNX, tessdata) or whose container is generic (zip, HDF5, pickle) also
    need a matching extension, so that an HDF5 data set or a zipped document
    is not taken for a model.  :func:`sniff_file` looks inside zips whose
    name says nothing.

    >>> sniff(b"GGUF\\x03\\x00\\x00\\x00", "model.bin")
    'gguf'
    >>> sniff(b"#!/bin/sh\\n", "model.bin") is None
    True
    """
    ext = _extension(name)
    if head[:4] == b"GGUF" and _gguf_version_ok(head):
        return "gguf"
    if head[4:8] == b"TFL3":
        return "tflite"
    if head[:8] == _HDF5_MAGIC:
        return "keras-hdf5" if ext in _HDF5_EXTENSIONS else None
    if head[:6] == _NPY_MAGIC:
        return "numpy"
    if head[:4] in (_ZIP_MAGIC, _EMPTY_ZIP_MAGIC):
        return _ZIP_EXTENSIONS.get(ext)
    if ext == ".traineddata":
        return "tessdata"
    if _is_safetensors(head):
        return "safetensors"
    if ext == ".onnx" and _onnx_plausible(head):
        return "onnx"
    if _looks_pickled(head, ext):
        return "pytorch-pickle"
    if nnue_head(head, ext):
        return "nnue"
    if gnubg_head(head):
        return "gnubg-weights"
    family = sphinx_head(head, _base_name(name))
    if family is not None:
        return family
    if head[:4] in _OTHER_MAGICS or head[4:8] == b"ORTM" or head[:4] == _FASTTEXT_MAGIC:
        return "other"
    if ext in _OTHER_MODEL_EXTENSIONS:
        return "other"
    return None


def looks_like_model(head: bytes, name: str) -> bool:
    """Whether a file should be treated as a model by the undeclared-model check.

    True when :func:`sniff` recognises it, and also when its name carries an
    extension that only models use (:data:`EXTENSIONS`) even though the bytes
    do not match: a broken ``model.safetensors`` is still a model somebody
    must declare.
    """
    return sniff(head, name) is not None or _extension(name) in EXTENSIONS
