"""CMU Sphinx models: acoustic model members, and the n-gram language models it reads.

An acoustic model is a *directory* (pocketsphinx-en-us's
``model/en-us/en-us/``); :mod:`dh_aimodel.formats.model_dirs` groups its
files into one model.  Here each member file is recognised from its head:

* the parameter files ``means``, ``variances``, ``mixture_weights``,
  ``transition_matrices`` (sphinxbase ``bio.c``): ``s3`` on the first line,
  ``name value`` header lines, ``endhdr``, then the int32 0x11223344 in the
  writer's byte order;
* ``mdef``, the model definition: text starting ``0.3`` (with ``n_base`` in
  its first lines), or binary starting ``BMDF`` (pocketsphinx ``bin_mdef.c``);
* ``sendump``, the quantised mixture weights: an int32 length and the
  string ``BEGIN FILE FORMAT DESCRIPTION``.

Language models, one file each: ARPA text (free text, then a ``\\data\\``
line and ``ngram N=count`` lines) and the binary DMP dump
(``ngram_model_dmp.c``: an int32 length, ``Darpa Trigram LM``, the source
file name, a version, format description strings, the n-gram counts).
Pocketsphinx 5's trie format (``Trie Language Model``) has no format name
of its own and is sniffed as ``other``.
"""

from __future__ import annotations

import re
import struct
from typing import Final

from dh_aimodel.formats.base import KiB, _Acc, _text
from dh_aimodel.formats.bounded import _Bad, _In

_S3_MAGIC: Final = b"s3\n"
_S3_END: Final = b"endhdr"
_BYTE_ORDER_MAGIC: Final = 0x11223344
#: A bio.c header is a few short lines; sphinxtrain pads it to align the data.
_S3_HEADER_CAP: Final = 64 * KiB
_S3_MAX_KEYS: Final = 32  # BIO_HDRARG_MAX

_BMDF: Final = (b"BMDF", b"FDMB")
_FORMAT_DESCRIPTION: Final = b"BEGIN FILE FORMAT DESCRIPTION"
_TEXT_MDEF: Final = b"0.3\n"
#: sendump's first string, with its terminating NUL, and its int32 length.
_SENDUMP_TITLE: Final = _FORMAT_DESCRIPTION + b"\0"
_SENDUMP_LENGTHS: Final = (struct.pack("<i", len(_SENDUMP_TITLE)),
                           struct.pack(">i", len(_SENDUMP_TITLE)))

_DARPA: Final = b"Darpa Trigram LM\0"
_TRIE: Final = b"Trie Language Model"
#: DMP strings (file name, format description lines) are short; a few are allowed.
_DMP_STRING_CAP: Final = 64 * KiB
_DMP_MAX_STRINGS: Final = 1000

#: ARPA text up to ``\\data\\`` and its count lines is read up to this many bytes.
ARPA_HEAD_CAP: Final = 1024 * KiB
_ARPA_DATA: Final = re.compile(rb"(?:\A|\n)[ \t]*\\data\\[ \t]*\r?\n")
_ARPA_COUNT: Final = re.compile(rb"[ \t]*ngram[ \t]+(\d{1,2})[ \t]*=[ \t]*(\d{1,12})[ \t]*\r?$")


def _text_like(data: bytes) -> bool:
    return all(32 <= b < 127 or b in (9, 10, 13) for b in data)


def _s3_head(head: bytes) -> bool:
    """``s3``, then printable header lines (up to ``endhdr`` or the end of the head)."""
    if not head.startswith(_S3_MAGIC):
        return False
    body = head[len(_S3_MAGIC):]
    end = body.find(_S3_END)
    text = body if end < 0 else body[:end]
    first = text.split(b"\n", 1)[0]
    return _text_like(text) and (end >= 0 or b" " in first)


def sphinx_head(head: bytes, name: str) -> str | None:
    """The Sphinx format of a file from its first bytes (``name`` is its base name,
    lower-cased), or None: ``sphinx-acoustic`` for a member of an acoustic
    model, ``sphinx-dmp-lm``, ``arpa-lm``, ``other`` for a trie LM."""
    if _s3_head(head):
        return "sphinx-acoustic"
    if head[:4] in _BMDF and head[12:12 + len(_FORMAT_DESCRIPTION)] == _FORMAT_DESCRIPTION:
        return "sphinx-acoustic"
    if head[4:4 + len(_SENDUMP_TITLE)] == _SENDUMP_TITLE and head[:4] in _SENDUMP_LENGTHS:
        return "sphinx-acoustic"
    if head.startswith(_TEXT_MDEF) and _text_like(head) and (
            b"n_base" in head or name == "mdef" or name.endswith(".mdef")):
        return "sphinx-acoustic"
    if head[4:4 + len(_DARPA)] == _DARPA and head[:4] in (struct.pack("<i", len(_DARPA)),
                                                          struct.pack(">i", len(_DARPA))):
        return "sphinx-dmp-lm"
    if head.startswith(_TRIE):
        return "other"
    m = _ARPA_DATA.search(head)
    if m is not None and _text_like(head[:m.end()]):
        rest = head[m.end():].lstrip(b" \t")
        if b"ngram"[:len(rest)] == rest[:5]:
            return "arpa-lm"
    # a preamble longer than the head: only the name and a word of it tell
    if name.endswith((".arpa", ".lm")) and b"ARPA" in head and _text_like(head):
        return "arpa-lm"
    return None


def arpa_deep(head: bytes) -> bool:
    """Whether ``head`` (up to :data:`ARPA_HEAD_CAP` bytes) is ARPA text with its
    ``\\data\\`` line after a comment longer than the sniffed prefix."""
    m = _ARPA_DATA.search(head)
    return m is not None and _text_like(head[:m.start()]) and \
        _ARPA_COUNT.match(head[m.end():].split(b"\n", 1)[0]) is not None


# -- readers ---------------------------------------------------------------------------


def _read_sphinx_acoustic(src: _In, acc: _Acc) -> None:
    head = src.read(min(src.size, 64), "Sphinx model head")
    if head.startswith(_S3_MAGIC):
        _read_s3(src, acc)
    elif head[:4] in _BMDF:
        acc.field("member", "mdef (binary)")
        order = "<" if head[:4] == b"BMDF" else ">"
        if len(head) >= 8:
            acc.field("mdef.version", str(struct.unpack_from(f"{order}i", head, 4)[0]))
    elif head[4:4 + len(_SENDUMP_TITLE)] == _SENDUMP_TITLE:
        acc.field("member", "sendump")
    elif head.startswith(_TEXT_MDEF):
        acc.field("member", "mdef (text)")
        acc.field("mdef.version", "0.3")
    else:
        raise _Bad("bad-header", "not a Sphinx acoustic model file; accepted: an s3 "
                                 "parameter file, an mdef (text 0.3 or BMDF) or a sendump")


def _read_s3(src: _In, acc: _Acc) -> None:
    """The ``name value`` lines of a bio.c header, and the byte order after ``endhdr``."""
    src.seek(0)
    text = src.read(min(src.size, _S3_HEADER_CAP), "s3 header")
    end = re.search(rb"(?:\A|\n)[ \t]*endhdr\n", text)
    if end is None:
        raise _Bad("truncated" if src.size <= _S3_HEADER_CAP else "header-too-large",
                   f"s3 header has no 'endhdr' line in its first {len(text)} bytes")
    acc.field("member", "s3 parameters")
    lines = text[len(_S3_MAGIC):end.start()].split(b"\n")
    for line in lines[:_S3_MAX_KEYS]:
        key, _, value = _text(line).strip().partition(" ")
        if key:
            acc.field(f"s3.{key}", value.strip())
    if len(lines) > _S3_MAX_KEYS:
        acc.finding("bad-header", f"s3 header has {len(lines)} lines; sphinxbase reads "
                                  f"at most {_S3_MAX_KEYS}")
    magic = text[end.end():end.end() + 4]
    if len(magic) < 4:
        raise _Bad("truncated", "s3 file ends before its byte-order mark")
    if struct.unpack("<I", magic)[0] == _BYTE_ORDER_MAGIC:
        acc.field("byte-order", "little-endian")
    elif struct.unpack(">I", magic)[0] == _BYTE_ORDER_MAGIC:
        acc.field("byte-order", "big-endian")
    else:
        acc.finding("bad-header", f"s3 byte-order mark is {magic.hex()}, not 11223344")


def _read_dmp(src: _In, acc: _Acc) -> None:
    raw = src.read(4, "DMP header length")
    order = "<"
    if struct.unpack("<i", raw)[0] != len(_DARPA):
        order = ">"
        if struct.unpack(">i", raw)[0] != len(_DARPA):
            raise _Bad("bad-header", "not a DMP language model; accepted: a first string "
                                     "'Darpa Trigram LM'")
    if src.read(len(_DARPA), "DMP header") != _DARPA:
        raise _Bad("bad-header", "DMP header string is not 'Darpa Trigram LM'")
    int32 = struct.Struct(f"{order}i")

    def number(what: str) -> int:
        return int(src.unpack(int32, what)[0])

    def string(what: str) -> bytes:
        n = number(f"{what} length")
        if n < 0:
            raise _Bad("bad-header", f"{what} length {n} is negative")
        return src.read(n, what, _DMP_STRING_CAP)

    acc.field("source", _text(string("DMP source file name")).rstrip("\0"))
    version = number("DMP version")
    if version <= 0:
        acc.field("dmp.version", str(-version))
        number("DMP timestamp")
        for _ in range(_DMP_MAX_STRINGS):
            if not string("DMP format description"):
                break
        else:
            raise _Bad("bad-header", f"DMP format description has over {_DMP_MAX_STRINGS} "
                                     "lines")
        unigrams = number("DMP unigram count")
    else:
        unigrams = version  # the oldest dumps start with the count
    counts = (unigrams, number("DMP bigram count"), number("DMP trigram count"))
    for order_, count in enumerate(counts, 1):
        if count < 0:
            raise _Bad("bad-header", f"DMP {order_}-gram count {count} is negative")
        acc.field(f"ngram.{order_}", str(count))


def _read_arpa(src: _In, acc: _Acc) -> None:
    head = src.read(min(src.size, ARPA_HEAD_CAP), "ARPA text")
    m = _ARPA_DATA.search(head)
    if m is None:
        code = "header-too-large" if src.size > ARPA_HEAD_CAP else "bad-header"
        raise _Bad(code, f"no '\\data\\' line in the first {len(head)} bytes; accepted: "
                         "an ARPA language model")
    counts: list[tuple[str, str]] = []
    for line in head[m.end():].split(b"\n"):
        if not line.strip():
            if counts:
                break
            continue
        c = _ARPA_COUNT.match(line)
        if c is None:
            break
        counts.append((_text(c[1]), _text(c[2])))
    if not counts:
        raise _Bad("bad-header", "the '\\data\\' line is not followed by 'ngram N=count' "
                                 "lines")
    for order_, count in counts:
        acc.field(f"ngram.{order_}", count)
    acc.field("order", max((o for o, _ in counts), key=int))
