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

The code is split by job, and everything callers use is imported from here:
:mod:`~dh_aimodel.formats.sniff` names formats,
:mod:`~dh_aimodel.formats.bounded` holds the checked reads,
:mod:`~dh_aimodel.formats.base` the findings, the metadata and the caps the
readers share, :mod:`~dh_aimodel.formats.archive` opens zips, one module per
format holds its reader (``safetensors``, ``gguf``, ``onnx``, ``tflite``,
``keras``, ``numpy``, ``tessdata``, ``pytorch``, ``nnue``, ``gnubg``,
``sphinx`` for the Sphinx acoustic models and the ARPA and DMP language
models, ``c_arrays`` for weights written as C arrays) and
:mod:`~dh_aimodel.formats.pickle_streams` finds pickles.
:mod:`~dh_aimodel.formats.model_dirs` groups the files of models that are a
directory (Sphinx acoustic models).  This module keeps the entry points that
tie them together: the readers' registry, :func:`read_metadata` and
:func:`sniff_file`.
"""

from __future__ import annotations

import struct
from collections.abc import Callable, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import BinaryIO, Final, cast

from dh_aimodel.formats.archive import (
    ZIP_MAX_EXPANSION,
    ZIP_MAX_MEMBERS,
    ZIP_MAX_RATIO,
    ZIP_RATIO_FLOOR,
    _zip_names,
)
from dh_aimodel.formats.base import (
    FIELD_CAP,
    FINDING_CODES,
    FORMATS,
    MAX_FINDINGS,
    Finding,
    GiB,
    KiB,
    Metadata,
    MiB,
    _Acc,
    header_cap,
)
from dh_aimodel.formats.bounded import _Bad, _In, _opened
from dh_aimodel.formats.c_arrays import _read_c_array
from dh_aimodel.formats.gguf import GGUF_MAX_ELEMENTS, GGUF_MAX_KV, GGUF_SMALL_ARRAY, _read_gguf
from dh_aimodel.formats.gnubg import _read_gnubg
from dh_aimodel.formats.keras import _read_keras
from dh_aimodel.formats.nnue import _read_nnue
from dh_aimodel.formats.numpy import NPY_HEADER_CAP, _read_numpy
from dh_aimodel.formats.onnx import _read_onnx
from dh_aimodel.formats.pickle_streams import PICKLE_MEMBER_CAP, PickleStream, iter_pickles
from dh_aimodel.formats.pytorch import _read_pytorch_pickle, _read_pytorch_zip
from dh_aimodel.formats.safetensors import _read_safetensors
from dh_aimodel.formats.sniff import (
    _ZIP_MAGIC,
    EXTENSIONS,
    PICKLE_NAMES,
    PICKLE_OPCODES,
    SAFETENSORS_MAX_HEADER,
    SNIFF_BYTES,
    looks_like_model,
    may_hold_pickles,
    sniff,
)

# dh_aimodel.lint.inputs reads file names as the sniffer does.
from dh_aimodel.formats.sniff import _extension as _extension
from dh_aimodel.formats.sphinx import (
    ARPA_HEAD_CAP,
    _read_arpa,
    _read_dmp,
    _read_sphinx_acoustic,
    arpa_deep,
)
from dh_aimodel.formats.tessdata import _read_tessdata
from dh_aimodel.formats.tflite import _read_tflite

__all__ = [
    "ARPA_HEAD_CAP",
    "ARPA_NAMES",
    "EXTENSIONS",
    "FIELD_CAP",
    "FINDING_CODES",
    "FORMATS",
    "GGUF_MAX_ELEMENTS",
    "GGUF_MAX_KV",
    "GGUF_SMALL_ARRAY",
    "MAX_FINDINGS",
    "NPY_HEADER_CAP",
    "PICKLE_MEMBER_CAP",
    "PICKLE_NAMES",
    "PICKLE_OPCODES",
    "SAFETENSORS_MAX_HEADER",
    "SNIFF_BYTES",
    "ZIP_MAX_EXPANSION",
    "ZIP_MAX_MEMBERS",
    "ZIP_MAX_RATIO",
    "ZIP_RATIO_FLOOR",
    "Finding",
    "GiB",
    "KiB",
    "Metadata",
    "MiB",
    "PickleStream",
    "header_cap",
    "iter_pickles",
    "looks_like_model",
    "may_hold_pickles",
    "read_metadata",
    "sniff",
    "sniff_file",
]


def sniff_file(source: Path | str | BinaryIO, name: str | None = None) -> str | None:
    """:func:`sniff` on a file, looking into zips whose name does not tell.

    ``source`` is a path, or a seekable stream (a member of a .deb) whose
    file name is ``name``.  A zip holding ``*/data.pkl`` is a PyTorch
    checkpoint whatever its name, one holding only ``.npy`` members is a
    NumPy archive, one with Keras' ``config.json`` and ``model.weights.h5`` a
    Keras model.  Only the central directory is read, within the same bounds
    as :func:`read_metadata`.  A text file named like a language model
    (:data:`ARPA_NAMES`) is read up to :data:`ARPA_HEAD_CAP` bytes for its
    ``\\data\\`` line.  The format says what a file is, not whether it is a
    model (:func:`looks_like_model`, which reads the name and head only).
    """
    if name is None:
        name = Path(cast(str, source)).name
    with _opened(source) as (f, _size):
        head = f.read(SNIFF_BYTES)
        found = sniff(head, name)
        if found is not None:
            return found
        if _extension(name) in ARPA_NAMES:
            return "arpa-lm" if arpa_deep(head + f.read(ARPA_HEAD_CAP - len(head))) else None
        if head[:4] != _ZIP_MAGIC:
            return None
        names = _zip_names(f)
    if any(n == "data.pkl" or n.endswith("/data.pkl") for n in names):
        return "pytorch-zip"
    if names and all(n.endswith(".npy") for n in names):
        return "numpy"
    if "config.json" in names and "model.weights.h5" in names:
        return "keras-hdf5"
    return None


#: Extensions of ARPA language models, whose preamble may be longer than a sniffed head.
ARPA_NAMES: Final = frozenset({".arpa", ".lm"})


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
    "nnue": _read_nnue,
    "gnubg-weights": _read_gnubg,
    "sphinx-acoustic": _read_sphinx_acoustic,
    "arpa-lm": _read_arpa,
    "sphinx-dmp-lm": _read_dmp,
    "c-array": _read_c_array,
    "other": _read_other,
})
