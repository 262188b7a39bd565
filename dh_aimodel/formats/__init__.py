"""Model file formats: recognise them from their first bytes, read their headers safely.

This is an adapter between model files and the pure core: bytes in, plain
frozen data out.  It has two jobs.

* :func:`sniff` names a file's format from its first :data:`SNIFF_BYTES`
  bytes and its name.  dh_aimodel runs it on every file of every package it
  acts on (tens of thousands of files), looking for model files nobody
  declared, so it looks at that prefix only and opens nothing else.
* :func:`read_metadata` reads the header of one model file (licence,
  producer, the format's own key/value metadata) for reports and the
  copyright check.
* :func:`iter_pickles` is the one place that decides which streams of a
  file are pickles, and hands them to :mod:`dh_aimodel.formats.pickle_scan`; it
  runs on models and on every other file that :func:`may_hold_pickles`, for
  a pickle runs code when loaded whether or not the file is a model.

Model files come from upstream and are treated as hostile.  Every length and
offset they declare is compared with the bytes really left in the file and
with a fixed cap *before* anything is read; a declared size that does not fit
becomes a :class:`Finding` instead of an allocation.  Malformed input never
raises: the readers return what they could read plus findings.  Nothing from
a model file is executed, evaluated or unpickled (no ``eval``, no
``pickle.loads``, no ``numpy.load``); the one literal parser used,
:func:`ast.literal_eval` on a NumPy header of at most :data:`NPY_HEADER_CAP`
bytes, builds constants only.
"""

from __future__ import annotations

import ast
import io
import json
import math
import re
import struct
from collections.abc import Callable, Iterator, Mapping
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, BinaryIO, Final, NamedTuple, cast

from dh_aimodel.core.declaration import MODEL_FORMATS

if TYPE_CHECKING:
    import zipfile

KiB: Final = 1024
MiB: Final = 1024 * KiB
GiB: Final = 1024 * MiB

#: The format vocabulary, shared with aimodel.yaml(5) (``files[].format``).
FORMATS: Final = MODEL_FORMATS

#: How many leading bytes :func:`sniff` needs.  Every magic number and
#: plausibility check below fits in this prefix.
SNIFF_BYTES: Final = 64

#: Largest header or metadata block read into memory (safetensors JSON, zip
#: central directory, one ONNX metadata entry, a TFLite metadata buffer).
HEADER_CAP: Final = 16 * MiB

#: Longest single metadata value kept in :attr:`Metadata.fields`; longer
#: values (chat templates, doc strings) are cut, the rest is skipped unread.
FIELD_CAP: Final = 64 * KiB

#: Largest header length the safetensors library itself accepts; used by the
#: sniffer for plausibility only (reading still stops at :data:`HEADER_CAP`).
SAFETENSORS_MAX_HEADER: Final = 100_000_000

#: NumPy refuses .npy headers over 10000 bytes unless told otherwise; we allow
#: more for large structured dtypes but keep :func:`ast.literal_eval` small.
NPY_HEADER_CAP: Final = 64 * KiB

#: A zip whose members expand more than this many times over their
#: compressed size (once at least :data:`ZIP_RATIO_FLOOR` bytes expand) or
#: by more than :data:`ZIP_MAX_EXPANSION` bytes in total is a zip bomb.  The
#: expansion (uncompressed minus compressed) is used rather than the raw
#: uncompressed total because PyTorch stores its multi-GiB tensors unpacked.
ZIP_MAX_RATIO: Final = 100
ZIP_RATIO_FLOOR: Final = 1 * MiB
ZIP_MAX_EXPANSION: Final = 16 * GiB
#: More members than this and the central directory is not even parsed.
ZIP_MAX_MEMBERS: Final = 100_000

#: Bytes of one pickle stream handed out by :func:`iter_pickles` when it
#: comes out of a decompressor (a zip member, a compressed joblib file).
#: Plain pickle files are handed out whole: the scanner seeks past their
#: large arguments instead of reading them.
PICKLE_MEMBER_CAP: Final = 256 * MiB

#: GGUF work limits: key/value pairs in a header and array elements visited
#: (each tokenizer vocabulary entry is one element).
GGUF_MAX_KV: Final = 1_000_000
GGUF_MAX_ELEMENTS: Final = 16_000_000
#: GGUF arrays of at most this many scalars or strings are kept as JSON text.
GGUF_SMALL_ARRAY: Final = 64

#: Findings kept per file; the rest are counted in one last finding.
MAX_FINDINGS: Final = 50

#: What each :attr:`Finding.code` means.  The readers here and
#: :mod:`dh_aimodel.formats.pickle_scan` emit only these codes, so lint tags and
#: reports can map them one to one.
FINDING_CODES: Final[Mapping[str, str]] = MappingProxyType({
    "truncated": "a declared length or offset points past the end of the data",
    "header-too-large": "a declared header or metadata size is over the reader's cap",
    "bad-header": "the header does not follow the format's specification",
    "zip-bomb": "archive members expand far beyond their stored size, or overlap",
    "path-traversal": "an archive member name is absolute or climbs out with '..'",
    "encrypted": "an archive member is encrypted and cannot be checked",
    "object-dtype": "a NumPy array holds pickled Python objects",
    "unreadable": "reading the file failed",
    "too-many-findings": "further findings were dropped",
    # pickle_scan
    "not-a-pickle": "no pickle stream was found where one was expected",
    "malformed": "the opcode stream is invalid; unpickling would stop here",
    "unknown-opcode": "a byte that is not a pickle opcode",
    "incomplete": "the scan stopped at a limit; the rest is unchecked",
    "unresolved-global": "an imported name is computed at load time and cannot be checked",
    "too-deep": "the pickle nests deeper than any pickler produces",
    "suspicious": "a construct ordinary picklers never write",
})


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem in a model file, for lint and reports.

    Findings are values, not exceptions: a damaged or hostile file must not
    stop the scan of the other files of a package.
    """

    code: str
    message: str

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"


_NO_FIELDS: Mapping[str, str] = MappingProxyType({})


@dataclass(frozen=True, slots=True)
class Metadata:
    """What the header of one model file says, as plain strings.

    ``fields`` holds the metadata the file itself declares, under the
    format's own key names (safetensors ``__metadata__`` keys, GGUF keys such
    as ``general.name``, ONNX ``ModelProto`` field names and
    ``metadata_props`` keys, ...).  ``license`` is the licence the file
    claims, if any: it is the upstream's word, to be compared with the
    declaration, never trusted on its own.  ``pickles`` names the pickle
    streams that the header shows (zip members named like a pickle, ``.npy``
    members of objects, ``""`` for the file itself): :func:`iter_pickles`
    yields these and, tentatively, the members that only their bytes show.
    """

    format: str
    license: str | None = None
    fields: Mapping[str, str] = field(default_factory=lambda: _NO_FIELDS)
    findings: tuple[Finding, ...] = ()
    pickles: tuple[str, ...] = ()


# --------------------------------------------------------------------------
# Sniffing
# --------------------------------------------------------------------------

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

_PICKLE_EXTENSIONS: Final = frozenset({".bin", ".pt", ".pth", ".ckpt", ".pkl", ".pickle", ".joblib"})
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
    ".pth": "pytorch-zip", ".ckpt": "pytorch-zip", ".keras": "keras-hdf5",
    **{ext: "other" for ext in sorted(_OTHER_MODEL_EXTENSIONS)},
})


def _extension(name: str) -> str:
    """The lower-cased extension of ``name``, keeping ``.pth.tar`` style pairs."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1].lower()
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
    unpickler reads (0, 1).  Under any other name only PROTO 2-5 and a valid
    opcode do, as protocol 0/1 pickles start with a printable byte that
    begins text files too.  The walk is sure under a name pickles have (a
    pickle name or a checkpoint name such as ``.bin``); under another name the
    bytes may be data that starts so by chance, and the walk is tentative.
    """
    if ext in PICKLE_NAMES and head and (
            head[0] in PICKLE_OPCODES or _is_compressed_pickle(head)):
        return False
    if _starts_like_pickle(head):
        return ext not in _PICKLE_EXTENSIONS
    return None


def may_hold_pickles(head: bytes, name: str) -> bool:
    """Whether a file may hold a pickle stream, from its first bytes and name.

    Cheap enough for every file of a package, and wider than
    :func:`looks_like_model`: a zip (other than a code or document archive,
    :data:`_NOT_PICKLE_ZIPS`), a NumPy array, or a file that
    :func:`_file_pickle` takes for a pickle.  Used to choose the files whose
    pickles are scanned for security; it says nothing about being a model.
    :func:`iter_pickles` then decides which of their streams are pickles.

    >>> may_hold_pickles(b"\\x80\\x04\\x95", "cache.dat"), looks_like_model(b"\\x80\\x04\\x95", "cache.dat")
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
    return struct.unpack_from("<I", head, 4)[0] in (1, 2, 3) or struct.unpack_from(">I", head, 4)[0] in (2, 3)


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


def sniff_file(source: Path | str | BinaryIO, name: str | None = None) -> str | None:
    """:func:`sniff` on a file, looking into zips whose name does not tell.

    ``source`` is a path, or a seekable stream (a member of a .deb) whose
    file name is ``name``.  A zip holding ``*/data.pkl`` is a PyTorch
    checkpoint whatever its name, one holding only ``.npy`` members is a
    NumPy archive, one with Keras' ``config.json`` and ``model.weights.h5`` a
    Keras model.  Only the central directory is read, within the same bounds
    as :func:`read_metadata`.  The format says what a file is, not whether it
    is a model (:func:`looks_like_model`, which reads the name and head only).
    """
    if name is None:
        name = Path(cast(str, source)).name
    with _opened(source) as (f, _size):
        head = f.read(SNIFF_BYTES)
        found = sniff(head, name)
        if found is not None or head[:4] != _ZIP_MAGIC:
            return found
        names = _zip_names(f)
    if any(n == "data.pkl" or n.endswith("/data.pkl") for n in names):
        return "pytorch-zip"
    if names and all(n.endswith(".npy") for n in names):
        return "numpy"
    if "config.json" in names and "model.weights.h5" in names:
        return "keras-hdf5"
    return None


# --------------------------------------------------------------------------
# Bounded input
# --------------------------------------------------------------------------


class _Bad(Exception):
    """A problem that ends the reading of one file; becomes a Finding."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class _In:
    """A seekable binary stream and its size: every read is checked first.

    Reads never trust a length from the file: :meth:`read` refuses anything
    past the end of the data or over the cap, so a hostile length costs a
    comparison, not an allocation.
    """

    __slots__ = ("f", "size")

    def __init__(self, f: BinaryIO, size: int) -> None:
        self.f = f
        self.size = size

    def tell(self) -> int:
        return self.f.tell()

    def remaining(self) -> int:
        return max(0, self.size - self.f.tell())

    def seek(self, pos: int) -> None:
        if pos < 0 or pos > self.size:
            raise _Bad("truncated", f"offset {pos} is outside the file ({self.size} bytes)")
        self.f.seek(pos)

    def need(self, n: int, what: str, cap: int = HEADER_CAP) -> None:
        left = self.remaining()
        if n > left:
            raise _Bad("truncated", f"{what} declares {n} bytes but only {left} remain")
        if n > cap:
            raise _Bad("header-too-large", f"{what} declares {n} bytes, over the {cap} byte cap")

    def read(self, n: int, what: str, cap: int = HEADER_CAP) -> bytes:
        self.need(n, what, cap)
        data = self.f.read(n)
        if len(data) != n:
            raise _Bad("truncated", f"{what}: expected {n} bytes, got {len(data)}")
        return data

    def skip(self, n: int, what: str) -> None:
        left = self.remaining()
        if n > left:
            raise _Bad("truncated", f"{what} declares {n} bytes but only {left} remain")
        self.f.seek(n, io.SEEK_CUR)

    def unpack(self, fmt: struct.Struct, what: str) -> tuple[int | float | bool | bytes, ...]:
        return fmt.unpack(self.read(fmt.size, what))

    def read_at(self, pos: int, n: int, what: str, cap: int = HEADER_CAP) -> bytes:
        if pos < 0 or pos > self.size:
            raise _Bad("truncated", f"{what} at offset {pos} is outside the file ({self.size} bytes)")
        self.f.seek(pos)
        return self.read(n, what, cap)


class _Acc:
    """What a reader has found so far; turned into :class:`Metadata` at the end."""

    __slots__ = ("fmt", "license", "fields", "findings", "dropped", "pickles")

    def __init__(self, fmt: str) -> None:
        self.fmt = fmt
        self.license: str | None = None
        self.fields: dict[str, str] = {}
        self.findings: list[Finding] = []
        self.dropped = 0
        self.pickles: list[str] = []

    def finding(self, code: str, message: str) -> None:
        assert code in FINDING_CODES, code
        if len(self.findings) < MAX_FINDINGS:
            self.findings.append(Finding(code, message))
        else:
            self.dropped += 1

    def field(self, key: str, value: str) -> None:
        self.fields[key] = _cut(value)

    def result(self) -> Metadata:
        findings = list(self.findings)
        if self.dropped:
            findings.append(Finding("too-many-findings", f"{self.dropped} more findings not shown"))
        if self.license is None:
            self.license = _license_from(self.fields)
        return Metadata(self.fmt, self.license,
                        MappingProxyType(dict(sorted(self.fields.items()))),
                        tuple(findings), tuple(self.pickles))


def _cut(value: str) -> str:
    return value if len(value) <= FIELD_CAP else value[:FIELD_CAP] + "…"


def _license_from(fields: Mapping[str, str]) -> str | None:
    for key, value in fields.items():
        if key.lower() == "license" and value.strip():
            return value.strip()
    return None


def _text(data: bytes) -> str:
    return data.decode("utf-8", "replace")


@contextmanager
def _opened(source: Path | str | BinaryIO) -> Iterator[tuple[BinaryIO, int]]:
    """A seekable stream positioned at 0 and its size.

    Paths are opened (and closed); streams are used as given, from their
    start.  A stream that cannot seek is copied up to :data:`HEADER_CAP`
    bytes: enough for every header format, not for a zip, whose directory
    is at its end (pass a path or a seekable stream for those).
    """
    with ExitStack() as stack:
        if isinstance(source, (str, Path)):
            f = stack.enter_context(open(source, "rb", buffering=256 * KiB))
        else:
            f = source
            if not f.seekable():
                f = io.BytesIO(f.read(HEADER_CAP))
        size = f.seek(0, io.SEEK_END)
        f.seek(0)
        yield f, size


# --------------------------------------------------------------------------
# read_metadata
# --------------------------------------------------------------------------


def read_metadata(source: Path | str | BinaryIO, fmt: str) -> Metadata:
    """Read the header of a model file of format ``fmt`` (see :data:`FORMATS`).

    Never raises for what is in the file: malformed, truncated or hostile
    content comes back as :attr:`Metadata.findings` next to whatever could be
    read before the problem.  Raises ``ValueError`` for an unknown ``fmt``
    (a caller's bug) and ``OSError`` when a path cannot be opened.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown model format {fmt!r}; known: {', '.join(FORMATS)}")
    import zipfile
    import zlib

    acc = _Acc(fmt)
    with _opened(source) as (f, size):
        src = _In(f, size)
        try:
            _READERS[fmt](src, acc)
        except _Bad as e:
            acc.finding(e.code, e.message)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError,
                NotImplementedError) as e:
            acc.finding("bad-header", f"archive: {e}")
        except RecursionError:
            acc.finding("bad-header", "header nests too deeply to parse")
        except (struct.error, ValueError, OverflowError) as e:
            acc.finding("bad-header", str(e)[:200])
        except OSError as e:
            acc.finding("unreadable", str(e)[:200])
    return acc.result()


# safetensors -------------------------------------------------------------

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
    raw = src.read(length, "safetensors header")
    if not raw.startswith(b"{"):
        raise _Bad("bad-header", "safetensors header does not start with '{'")
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


# GGUF --------------------------------------------------------------------

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
    g.uint("tensor count")
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
    lic = acc.fields.get("general.license")
    if lic:
        acc.license = lic


# ONNX --------------------------------------------------------------------

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
            raise _Bad("header-too-large", f"more than {_ONNX_MAX_FIELDS} top-level ModelProto fields")
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


# TFLite (flatbuffers) ------------------------------------------------------


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
        if buf_pos is None or buffers_pos is None or name not in ("min_runtime_version", "TFLITE_METADATA"):
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
    if length > HEADER_CAP:
        raise _Bad("header-too-large", f"metadata buffer of {length} bytes")
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


# Keras / HDF5 ------------------------------------------------------------


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


# NumPy ---------------------------------------------------------------------


def _descr_has_object(descr: object) -> bool:
    if isinstance(descr, str):
        return descr.lstrip("<>|=").startswith("O")
    if isinstance(descr, list):
        return any(isinstance(f, tuple) and len(f) >= 2 and _descr_has_object(f[1]) for f in descr)
    return False


def _descr_itemsize(descr: object) -> int | None:
    if isinstance(descr, str):
        m = re.fullmatch(r"[<>|=]?([biufcmMSV])(\d+)(?:\[\w+\])?", descr)
        if m:
            return int(m.group(2))
        m = re.fullmatch(r"[<>|=]?U(\d+)", descr)
        if m:
            return 4 * int(m.group(1))
    return None


@dataclass(frozen=True, slots=True)
class _NpyHeader:
    descr: object
    fortran_order: bool
    shape: tuple[int, ...]
    data_offset: int


def _npy_header(read: Callable[[int, str], bytes], what: str) -> _NpyHeader:
    """Parse a .npy header through ``read(n, what)`` (bounded by the caller)."""
    if read(6, f"{what} magic") != _NPY_MAGIC:
        raise _Bad("bad-header", f"{what}: no NumPy magic")
    major, minor = read(2, f"{what} version")
    if (major, minor) == (1, 0):
        (length,) = struct.unpack("<H", read(2, f"{what} header length"))
        start = 10
    elif (major, minor) in ((2, 0), (3, 0)):
        (length,) = struct.unpack("<I", read(4, f"{what} header length"))
        start = 12
    else:
        raise _Bad("bad-header", f"{what}: unsupported .npy version {major}.{minor}")
    if length > NPY_HEADER_CAP:
        raise _Bad("header-too-large", f"{what}: header of {length} bytes, over {NPY_HEADER_CAP}")
    text = read(length, f"{what} header").decode("utf-8" if major == 3 else "latin-1", "replace")
    try:
        header = ast.literal_eval(text)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        raise _Bad("bad-header", f"{what}: header is not a Python literal") from None
    if not isinstance(header, dict) or set(header) != {"descr", "fortran_order", "shape"}:
        raise _Bad("bad-header", f"{what}: header keys are not descr, fortran_order, shape")
    shape, order = header["shape"], header["fortran_order"]
    if not (isinstance(shape, tuple) and all(type(d) is int and d >= 0 for d in shape)):
        raise _Bad("bad-header", f"{what}: shape is not a tuple of non-negative integers")
    if not isinstance(order, bool):
        raise _Bad("bad-header", f"{what}: fortran_order is not a boolean")
    return _NpyHeader(header["descr"], order, shape, start + length)


def _read_numpy(src: _In, acc: _Acc) -> None:
    head = src.read(min(src.size, 6), "NumPy magic")
    src.seek(0)
    if head[:4] in (_ZIP_MAGIC, _EMPTY_ZIP_MAGIC):
        _read_npz(src, acc)
        return
    hdr = _npy_header(lambda n, what: src.read(n, what, NPY_HEADER_CAP), ".npy")
    acc.field("descr", str(hdr.descr))
    acc.field("shape", str(hdr.shape))
    acc.field("fortran_order", str(hdr.fortran_order))
    if _descr_has_object(hdr.descr):
        acc.finding("object-dtype", "array of Python objects: its data is a pickle")
        acc.pickles.append("")
        return
    itemsize = _descr_itemsize(hdr.descr)
    if itemsize is not None:
        need = math.prod(hdr.shape) * itemsize
        if need > src.remaining():
            acc.finding("truncated", f"array needs {need} data bytes, file has {src.remaining()}")


_NPZ_MAX_HEADERS: Final = 10_000


def _read_npz(src: _In, acc: _Acc) -> None:
    with _zip_open(src, acc) as zf:
        for info in zf.infolist()[:_NPZ_MAX_HEADERS]:
            if not info.filename.endswith(".npy") or info.flag_bits & 1:
                continue
            with zf.open(info) as member:
                hdr = _member_npy_header(cast(BinaryIO, member), info.filename)
            if isinstance(hdr, Finding):
                acc.finding(hdr.code, hdr.message)
            elif _descr_has_object(hdr.descr):
                acc.finding("object-dtype", f"{info.filename}: array of Python objects: its data is a pickle")
                acc.pickles.append(info.filename)


def _member_npy_header(stream: BinaryIO, what: str) -> _NpyHeader | Finding:
    def read(n: int, part: str) -> bytes:
        data = stream.read(n)
        if len(data) != n:
            raise _Bad("truncated", f"{part}: expected {n} bytes, got {len(data)}")
        return data

    try:
        return _npy_header(read, what)
    except _Bad as e:
        return Finding(e.code, e.message)


# Tesseract traineddata -----------------------------------------------------

_TESSDATA_COMPONENTS: Final = (
    "config", "unicharset", "unicharambigs", "inttemp", "pffmtable", "normproto",
    "punc-dawg", "word-dawg", "number-dawg", "freq-dawg", "fixed-length-dawgs",
    "cube-unicharset", "cube-word-dawg", "shapetable", "bigram-dawg", "unambig-dawg",
    "params-model", "lstm", "lstm-punc-dawg", "lstm-word-dawg", "lstm-number-dawg",
    "lstm-unicharset", "lstm-recoder", "version",
)  # TessdataType in tesseract's src/ccutil/tessdatamanager.h
_TESSDATA_MAX_ENTRIES: Final = 1000  # kMaxNumTessdataEntries, same header


def _read_tessdata(src: _In, acc: _Acc) -> None:
    raw = src.read(4, "traineddata entry count")
    if raw in (_ZIP_MAGIC, _EMPTY_ZIP_MAGIC):  # tesseract 5 also reads zipped components
        src.seek(0)
        with _zip_open(src, acc) as zf:
            acc.field("components", ",".join(sorted(i.filename for i in zf.infolist())[:100]))
        return
    # tesseract detects byte order the same way: a count over the maximum is swapped.
    order = "<"
    (n,) = struct.unpack("<i", raw)
    if not 0 < n <= _TESSDATA_MAX_ENTRIES:
        order = ">"
        (n,) = struct.unpack(">i", raw)
        if not 0 < n <= _TESSDATA_MAX_ENTRIES:
            raise _Bad("bad-header", "traineddata entry count out of range: not a tesseract file")
    offsets = struct.unpack(f"{order}{n}q", src.read(8 * n, "traineddata offset table"))
    table_end = 4 + 8 * n
    present: list[str] = []
    for i, off in enumerate(offsets):
        if off == -1:
            continue
        if off < table_end or off > src.size:
            raise _Bad("truncated", f"traineddata component {i} at offset {off} is outside the file")
        following = [o for o in offsets[i + 1:] if o != -1]
        end = following[0] if following else src.size
        if end < off:
            raise _Bad("bad-header", f"traineddata component {i} ends before it starts")
        name = _TESSDATA_COMPONENTS[i] if i < len(_TESSDATA_COMPONENTS) else str(i)
        present.append(name)
        if name == "version":
            acc.field("version", _text(src.read_at(off, min(end - off, 4 * KiB), "version")))
    acc.field("components", ",".join(present))


# PyTorch -------------------------------------------------------------------


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


def _read_other(src: _In, acc: _Acc) -> None:
    """No reader: "other" covers formats without a common header."""


_READERS: Final[Mapping[str, Callable[[_In, _Acc], None]]] = MappingProxyType({
    "safetensors": _read_safetensors,
    "gguf": _read_gguf,
    "onnx": _read_onnx,
    "pytorch-pickle": _read_pytorch_pickle,
    "pytorch-zip": _read_pytorch_zip,
    "keras-hdf5": _read_keras,
    "tflite": _read_tflite,
    "numpy": _read_numpy,
    "tessdata": _read_tessdata,
    "other": _read_other,
})


# --------------------------------------------------------------------------
# Zip archives
# --------------------------------------------------------------------------

_EOCD: Final = struct.Struct("<4s4H2LH")
_ZIP64_LOCATOR: Final = struct.Struct("<4sLQL")
_ZIP64_EOCD: Final = struct.Struct("<4sQ2H2L4Q")


def _zip_directory_size(f: BinaryIO, size: int) -> tuple[int, int]:
    """(member count, central directory bytes) from the end records, unparsed.

    Read before :mod:`zipfile` is let loose: it loads the whole central
    directory and one object per member, so both are capped first.
    """
    tail_len = min(size, _EOCD.size + 65535)
    f.seek(size - tail_len)
    tail = f.read(tail_len)
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or at + _EOCD.size > len(tail):
        raise _Bad("bad-header", "zip: no end of central directory record")
    _, _, _, _, count, cd_size, _, _ = _EOCD.unpack_from(tail, at)
    if (count == 0xFFFF or cd_size == 0xFFFFFFFF) and at >= _ZIP64_LOCATOR.size:
        sig, _, eocd64, _ = _ZIP64_LOCATOR.unpack_from(tail, at - _ZIP64_LOCATOR.size)
        if sig == b"PK\x06\x07" and 0 <= eocd64 <= size - _ZIP64_EOCD.size:
            f.seek(eocd64)
            rec = f.read(_ZIP64_EOCD.size)
            if len(rec) == _ZIP64_EOCD.size and rec[:4] == b"PK\x06\x06":
                fields = _ZIP64_EOCD.unpack(rec)
                count, cd_size = fields[7], fields[8]
    return count, cd_size


def _bounded_zip(f: BinaryIO) -> zipfile.ZipFile:
    """A :class:`zipfile.ZipFile` on ``f``, once its end records show that the
    central directory is within :data:`ZIP_MAX_MEMBERS` and :data:`HEADER_CAP`.

    Raises :class:`_Bad` for a directory over the caps and whatever
    :mod:`zipfile` raises for a damaged archive (:func:`_zip_open_errors`).
    """
    import zipfile

    count, cd_size = _zip_directory_size(f, f.seek(0, io.SEEK_END))
    if count > ZIP_MAX_MEMBERS:
        raise _Bad("header-too-large", f"zip declares {count} members, over {ZIP_MAX_MEMBERS}")
    if cd_size > HEADER_CAP:
        raise _Bad("header-too-large", f"zip central directory of {cd_size} bytes, over {HEADER_CAP}")
    f.seek(0)
    return zipfile.ZipFile(f)


def _zip_open_errors() -> tuple[type[BaseException], ...]:
    """What opening a hostile zip with :func:`_bounded_zip` may raise."""
    import zipfile

    return (_Bad, zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError,
            NotImplementedError, struct.error)


def _zip_names(f: BinaryIO) -> list[str]:
    """Member names of a zip, or [] if it is not a sane zip (for the sniffer)."""
    try:
        with _bounded_zip(f) as zf:
            return zf.namelist()
    except _zip_open_errors():
        return []


def _is_traversal(name: str) -> bool:
    norm = name.replace("\\", "/")
    return (norm.startswith("/") or re.match(r"[A-Za-z]:", norm) is not None
            or ".." in norm.split("/"))


@contextmanager
def _zip_open(src: _In, acc: _Acc) -> Iterator[zipfile.ZipFile]:
    """Open a zip read-only after checking its directory; report what is wrong.

    Members are listed, never extracted.  Reported: member names that would
    escape an extraction directory, archives expanding beyond
    :data:`ZIP_MAX_RATIO` / :data:`ZIP_MAX_EXPANSION`, members overlapping
    each other (the trick of non-recursive zip bombs), duplicate names and
    encrypted members.  Members with a pickle's name (:data:`PICKLE_NAMES`)
    are added to ``acc.pickles``.
    """
    zf = _bounded_zip(src.f)
    try:
        _check_zip(zf, src.size, acc)
        yield zf
    finally:
        zf.close()


def _check_zip(zf: zipfile.ZipFile, archive_size: int, acc: _Acc) -> None:
    infos = zf.infolist()
    names: set[str] = set()
    total = stored = 0
    for info in infos:
        name = info.filename
        if _is_traversal(name):
            acc.finding("path-traversal", f"zip member {name[:200]!r} escapes the extraction directory")
        if name in names:
            acc.finding("bad-header", f"zip member {name[:200]!r} appears twice")
        names.add(name)
        if info.flag_bits & 1:
            acc.finding("encrypted", f"zip member {name[:200]!r} is encrypted")
        if info.compress_size > archive_size:
            acc.finding("truncated", f"zip member {name[:200]!r} declares {info.compress_size} "
                        f"stored bytes, more than the archive's {archive_size}")
        total += info.file_size
        stored += info.compress_size
        if name.lower().endswith(PICKLE_NAMES):
            acc.pickles.append(name)
    if total - stored > ZIP_MAX_EXPANSION:
        acc.finding("zip-bomb", f"members expand by {total - stored} bytes, over {ZIP_MAX_EXPANSION}")
    elif total >= ZIP_RATIO_FLOOR and total > ZIP_MAX_RATIO * max(stored, 1):
        acc.finding("zip-bomb", f"{stored} stored bytes expand to {total} "
                    f"(over {ZIP_MAX_RATIO} times)")
    ordered = sorted(infos, key=lambda i: i.header_offset)
    for a, b in zip(ordered, ordered[1:]):
        # A local header is at least 30 bytes: anything less is shared data.
        if a.header_offset + 30 + a.compress_size > b.header_offset:
            acc.finding("zip-bomb", f"zip members {a.filename[:100]!r} and {b.filename[:100]!r} overlap")
            break


def _zip_member_bytes(zf: zipfile.ZipFile, name: str, cap: int) -> bytes | None:
    """A small member's content, or None if absent, encrypted or over ``cap``."""
    try:
        info = zf.getinfo(name)
    except KeyError:
        return None
    if info.file_size > cap or info.flag_bits & 1:
        return None
    with zf.open(info) as member:
        return member.read(cap)


# --------------------------------------------------------------------------
# Pickle streams for pickle_scan
# --------------------------------------------------------------------------


class _Window:
    """A read-only view of at most ``length`` bytes of ``base``.

    Hands a pickle stream to the scanner with a byte cap: the scanner may
    read and seek freely but never beyond the window, and seeks are lazy
    (no work on the base stream until the next read), so skipping a large
    argument of a pickle inside a zip member costs nothing until needed.
    """

    def __init__(self, base: BinaryIO, length: int, start: int = 0) -> None:
        """View ``length`` bytes of ``base`` from offset ``start``; a base that
        cannot seek must already be at ``start``."""
        self._base = base
        self._length = length
        self._start = start
        self._pos = 0
        # Where the base really is; a mismatch costs one seek on the next read.
        self._base_pos = base.tell() if base.seekable() else start

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return self._base.seekable()

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        if not self.seekable():
            raise io.UnsupportedOperation("seek")
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._pos, io.SEEK_END: self._length}[whence]
        if base + offset < 0:
            raise ValueError("negative seek position")
        self._pos = base + offset
        return self._pos

    def _sync(self, n: int) -> int:
        if n < 0 or n > self._length - self._pos:
            n = max(0, self._length - self._pos)
        if n and self._base_pos != self._start + self._pos:
            self._base.seek(self._start + self._pos)
            self._base_pos = self._start + self._pos
        return n

    def read(self, n: int = -1) -> bytes:
        n = self._sync(n)
        data = self._base.read(n) if n else b""
        self._pos += len(data)
        self._base_pos += len(data)
        return data

    def readline(self, limit: int = -1) -> bytes:
        n = self._sync(limit)
        data = self._base.readline(n) if n else b""
        self._pos += len(data)
        self._base_pos += len(data)
        return data

    def close(self) -> None:
        """The base stream belongs to whoever opened it."""

    @property
    def closed(self) -> bool:
        return False


class _ZlibRaw(io.RawIOBase):
    """Streaming zlib decompression (joblib's default compressor), output capped per call."""

    def __init__(self, base: BinaryIO) -> None:
        import zlib

        self._base = base
        self._z = zlib.decompressobj()

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        view = memoryview(buffer).cast("B")
        while True:
            if self._z.unconsumed_tail:
                out = self._z.decompress(self._z.unconsumed_tail, len(view))
            elif self._z.eof:
                return 0
            else:
                chunk = self._base.read(64 * KiB)
                if not chunk:
                    return 0
                out = self._z.decompress(chunk, len(view))
            if out:
                view[:len(out)] = out
                return len(out)


def _decompressor(head: bytes, f: BinaryIO) -> BinaryIO:
    if head[:2] == b"\x1f\x8b":
        import gzip
        return cast(BinaryIO, gzip.GzipFile(fileobj=f, mode="rb"))
    if head[:3] == b"BZh":
        import bz2
        return cast(BinaryIO, bz2.BZ2File(f))
    if head[:6] == b"\xfd7zXZ\x00":
        import lzma
        return cast(BinaryIO, lzma.LZMAFile(f))
    return cast(BinaryIO, io.BufferedReader(_ZlibRaw(f)))


class _Broken:
    """A stream that fails on first read: the scanner reports why, as a finding."""

    def __init__(self, reason: str) -> None:
        self._reason = reason

    def read(self, n: int = -1) -> bytes:
        raise OSError(self._reason)

    readline = read

    def seekable(self) -> bool:
        return False

    def readable(self) -> bool:
        return True

    def close(self) -> None:
        pass


class PickleStream(NamedTuple):
    """One pickle stream of a file, as :func:`iter_pickles` hands it out."""

    #: The zip member's name; ``""`` for the file itself.
    member: str
    #: A bounded, read-only binary stream positioned at the pickle's start.
    stream: BinaryIO
    #: The bytes may be plain data that only starts like a pickle (a tensor
    #: storage, a ``.dat`` member, a file of a name pickles do not have):
    #: the scanner then reports only imports known to run code.
    tentative: bool


def iter_pickles(source: Path | str | BinaryIO, name: str | None = None) -> Iterator[PickleStream]:
    """Every pickle stream of a file: the one place that decides what is a pickle.

    ``source`` is a path, or a seekable binary stream (a member of a .deb)
    whose file name, for the extension rules, is ``name``.

    * a zip (a PyTorch checkpoint, a .npz, any other zip): each member named
      like a pickle (:data:`PICKLE_NAMES`), each ``.npy`` member of Python
      objects (its data after the header), and, tentatively, each member
      named ``*.dat``/``*.data`` or starting with ``PROTO`` (as picklescan and
      modelscan read them), through the decompressor with a
      :data:`PICKLE_MEMBER_CAP` byte cap.  A member named like a pickle that
      cannot be read (encrypted, unknown compression) is handed out as a
      stream failing on first read, for the scanner to report;
    * a ``.npy`` of Python objects: the data after its header;
    * any other file that :func:`_file_pickle` takes for a pickle (any
      protocol, legacy PyTorch, joblib plain or compressed with
      gzip/bzip2/xz/zlib), as the member ``""``.

    Streams are valid only until the iteration advances (the file is closed
    afterwards).  Files that hold no pickle, or whose container cannot be
    read or is over the zip caps, yield nothing: :func:`read_metadata`
    reports why for model files.  Nothing is extracted to disk and nothing is
    unpickled.
    """
    if isinstance(source, (str, Path)):
        path = Path(source)
        with open(path, "rb", buffering=256 * KiB) as f:
            yield from _pickles_in(f, path.name)
    else:
        source.seek(0)
        yield from _pickles_in(source, name or "")


def _pickles_in(f: BinaryIO, name: str) -> Iterator[PickleStream]:
    head = f.read(SNIFF_BYTES)
    f.seek(0)
    if head[:4] == _ZIP_MAGIC:
        try:
            zf = _bounded_zip(f)
        except _zip_open_errors():
            return
        with zf:
            yield from _zip_pickles(zf)
    elif head[:6] == _NPY_MAGIC:
        hdr = _member_npy_header(f, name)
        if isinstance(hdr, _NpyHeader) and _descr_has_object(hdr.descr):
            size = f.seek(0, io.SEEK_END)
            yield PickleStream("", cast(BinaryIO, _Window(f, size - hdr.data_offset, hdr.data_offset)),
                               False)
    else:
        tentative = _file_pickle(head, _extension(name))
        if tentative is None:
            return
        if _is_compressed_pickle(head):
            with _decompressor(head, f) as d:
                yield PickleStream("", cast(BinaryIO, _Window(d, PICKLE_MEMBER_CAP)), tentative)
        else:
            yield PickleStream("", f, tentative)


def _zip_pickles(zf: zipfile.ZipFile) -> Iterator[PickleStream]:
    """The pickle streams among a zip's members (see :func:`iter_pickles`)."""
    import zipfile
    import zlib

    errors = (zipfile.BadZipFile, NotImplementedError, RuntimeError, ValueError, OSError,
              EOFError, zlib.error)
    npy_checked = 0
    for info in zf.infolist():
        name = info.filename
        lower = name.lower()
        is_npy = lower.endswith(".npy")
        if info.is_dir() or (is_npy and npy_checked >= _NPZ_MAX_HEADERS):
            continue
        named = lower.endswith(PICKLE_NAMES)
        if info.flag_bits & 1:  # read_metadata reports every encrypted member of a model
            if named:
                yield PickleStream(name, cast(BinaryIO, _Broken(f"{name}: encrypted member")), False)
            continue
        try:
            member = zf.open(info)
        except errors as e:
            if named:
                yield PickleStream(name, cast(BinaryIO, _Broken(f"{name}: {e}")), False)
            continue
        with member:
            cap = min(info.file_size, PICKLE_MEMBER_CAP)
            if is_npy:
                npy_checked += 1
                try:
                    hdr = _member_npy_header(cast(BinaryIO, member), name)
                except errors:
                    continue
                if isinstance(hdr, _NpyHeader) and _descr_has_object(hdr.descr):
                    yield PickleStream(name, cast(BinaryIO, _Window(
                        cast(BinaryIO, member), max(0, cap - hdr.data_offset), hdr.data_offset)), False)
                continue
            if not named and not lower.endswith(_MAYBE_PICKLE_MEMBER_NAMES):
                # Any member may be a pickle for a loader of the checkpoint's
                # own; a storage may start with these two bytes by chance.
                try:
                    first = cast("zipfile.ZipExtFile", member).peek(2)[:2]
                except errors:
                    continue
                if len(first) < 2 or first[0] != 0x80 or first[1] > 5:
                    continue
            yield PickleStream(name, cast(BinaryIO, _Window(cast(BinaryIO, member), cap)), not named)
