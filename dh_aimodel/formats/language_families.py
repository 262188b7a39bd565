"""Recognisers of the language families (``data/families/language.yaml``).

Japanese morphological dictionaries (MeCab: source CSVs and compiled
``sys.dic``), the n-gram language models of Japanese and Chinese input
methods (libkkc, SunPinyin, libpinyin), jieba's word-segmentation tables and
HMMs, PaddlePaddle parameter tensors (jieba's ``lac_small``) and the
n-gram profiles of language identifiers (libexttextcat, langdetect).

Each recogniser reads the candidate's head, and at most a few KiB of its
tail, and parses only fixed headers and complete text lines of that head;
nothing is executed, evaluated or unpickled (jieba's ``.p`` files are
pickles: their opcodes are matched as bytes).  The formats were read from
the files of the Debian packages (trixie) and their upstream readers; each
function quotes what it checks.  A directory that is one model (a MeCab
dictionary, a libkkc model, a jieba HMM) is its files' :attr:`unit`.

``how`` is ``content`` when the bytes confirm the layout (a header whose
sizes add up to the file's, text lines of the format's grammar), ``name``
where the format has nothing to check (libkkc's 1-gram records and Bloom
filters) or the part that would confirm it cannot be read (the tail of a
.deb member), and the recogniser returns None when the bytes contradict.
"""

from __future__ import annotations

import csv
import json
import math
import re
import struct
from collections.abc import Callable, Iterator, Mapping
from types import MappingProxyType
from typing import Final

from dh_aimodel.formats.families import Candidate, How, Recognised

#: Text lines checked of a head: enough to tell a format, cheap to reject.
CHECK_LINES: Final = 200
#: Bytes of a file's end read through :attr:`Candidate.open` (langdetect, SunPinyin).
TAIL_BYTES: Final = 4096

_UINT: Final = re.compile(r"[0-9]{1,10}\Z")
_INT: Final = re.compile(r"-?[0-9]{1,10}\Z")
_FLOAT: Final = re.compile(r"-?[0-9]{1,12}(?:\.[0-9]{1,20})?(?:[eE][-+]?[0-9]{1,3})?\Z")

Fields = dict[str, str]


# -- shared helpers -------------------------------------------------------------

def _directory(path: str) -> str | None:
    return path.rpartition("/")[0] or None


def _found(c: Candidate, family: str, how: How, fields: Fields, unit: bool = True) -> Recognised:
    """A finding; empty fields are dropped, ``unit`` makes the directory the model."""
    kept = {k: v for k, v in fields.items() if v}
    return Recognised(family, how, MappingProxyType(kept),
                      unit=_directory(c.path) if unit else None)


def _whole(c: Candidate) -> bool:
    """Whether the head is the whole file, so that counting its lines counts the file's."""
    return c.size <= len(c.head)


def _complete(c: Candidate) -> bytes:
    """The head's complete lines: all of it for a file read whole, else up to its last
    newline (a line cut by the head's end is not judged)."""
    if _whole(c):
        return c.head
    return c.head[:c.head.rfind(b"\n") + 1]


def _decoded(data: bytes, charsets: tuple[str, ...] = ("utf-8",)) -> tuple[str, str] | None:
    """The text and its charset (empty for plain ASCII, which every charset reads alike)."""
    for charset in charsets:
        try:
            text = data.decode(charset)
        except UnicodeDecodeError:
            continue
        return text, "" if data.isascii() else charset.upper()
    return None


def _lines(text: str, comment: str = "") -> list[str]:
    """The first :data:`CHECK_LINES` lines that are neither empty nor comments."""
    out = []
    for line in text.splitlines():
        line = line.strip()
        if line and not (comment and line.startswith(comment)):
            out.append(line)
            if len(out) == CHECK_LINES:
                break
    return out


def _count(c: Candidate, text: str, comment: str = "") -> str:
    """The number of entry lines, when the head holds the whole file; else unknown ("")."""
    if not _whole(c):
        return ""
    return str(sum(1 for line in text.splitlines()
                   if line.strip() and not (comment and line.lstrip().startswith(comment))))


def _tail(c: Candidate, n: int = TAIL_BYTES) -> bytes | None:
    """The last ``n`` bytes, or None when they cannot be read (a .deb member's middle)."""
    if n <= 0:
        return b""
    if _whole(c):
        return c.head[-n:]
    if c.open is None:
        return None
    try:
        with c.open() as f:
            f.seek(max(0, c.size - n))
            return f.read(n)
    except (OSError, ValueError):
        return None


def _u32(data: bytes, offset: int, order: str = "<") -> int | None:
    if offset < 0 or offset + 4 > len(data):
        return None
    return int(struct.unpack_from(f"{order}I", data, offset)[0])


# -- MeCab dictionaries -----------------------------------------------------------

#: dictionary.cpp: the header's first word is the file size XOR this.
_MECAB_MAGIC: Final = 0xEF718F77
#: magic, version, type, lexsize, lsize, rsize, dsize, tsize, fsize, reserved, charset[32].
_MECAB_HEADER: Final = 72
_MECAB_TYPES: Final = MappingProxyType({0: "system", 1: "user", 2: "unknown-word"})
#: char_property.cpp: a uint32 count, 32-byte category names, a uint32 per UCS-2 code point.
_MECAB_CHAR_POINTS: Final = 0xFFFF
_MECAB_CATEGORY: Final = re.compile(rb"[A-Z][A-Z0-9_]{0,30}\0+\Z")
_MECAB_KEYS: Final = frozenset({"cost-factor", "bos-feature", "config-charset", "eval-size",
                                "unk-eval-size"})
_CHAR_DEF_CATEGORY: Final = re.compile(r"[A-Z][A-Z0-9_]*\s+[01]\s+[01]\s+[0-9]+(\s|\Z)")
_CHAR_DEF_RANGE: Final = re.compile(r"0x[0-9A-Fa-f]{1,6}(\.\.0x[0-9A-Fa-f]{1,6})?\s+[A-Z]")
_CATEGORY_NAME: Final = re.compile(r"[A-Z][A-Z0-9_]*\Z")
_REWRITE_SECTIONS: Final = frozenset({"[unigram rewrite]", "[left rewrite]", "[right rewrite]"})


def _mecab_compiled(c: Candidate) -> Fields | None:
    """``sys.dic``, ``unk.dic`` or a user dictionary (MeCab dictionary.cpp).

    naist-jdic's ``sys.dic``: magic 0xe9554887 (= 103073776 bytes XOR
    0xef718f77), version 102, type 0, 788914 entries, 1377 left and right
    context ids, then the double array, token and feature sizes (72 + their
    sum = the file size) and ``UTF-8`` NUL-padded to 32 bytes.
    """
    head = c.head
    if len(head) < _MECAB_HEADER:
        return None
    for order in "<>":
        v = struct.unpack_from(f"{order}10I", head)
        if v[0] ^ c.size == _MECAB_MAGIC:
            break
    else:
        return None
    version, kind, lexsize, lsize, rsize, dsize, tsize, fsize = v[1:9]
    if kind not in _MECAB_TYPES or _MECAB_HEADER + dsize + tsize + fsize != c.size:
        return None
    charset = head[40:72].split(b"\0", 1)[0]
    return {"architecture": f"MeCab compiled dictionary ({_MECAB_TYPES[kind]})",
            "parameters": f"{lexsize} word costs", "version": str(version),
            "charset": charset.decode("ascii", "replace"), "entries": str(lexsize),
            "context-ids": f"{lsize} left, {rsize} right",
            "byte-order": "big-endian" if order == ">" else ""}


def _mecab_matrix_bin(c: Candidate) -> Fields | None:
    """``matrix.bin`` (connector.cpp): uint16 left and right sizes, then an int16 cost per
    pair: naist-jdic's is 1377 x 1377, 4 + 2 * 1377 * 1377 = 3792262 bytes."""
    if len(c.head) < 4:
        return None
    for order in "<>":
        left, right = struct.unpack_from(f"{order}2H", c.head)
        if left and right and 4 + 2 * left * right == c.size:
            return _mecab_matrix(left, right)
    return None


def _mecab_matrix(left: int, right: int) -> Fields:
    return {"architecture": "MeCab connection-cost matrix",
            "parameters": f"{left * right} connection costs",
            "context-ids": f"{left} left, {right} right"}


def _mecab_char_bin(c: Candidate) -> Fields | None:
    """``char.bin`` (char_property.cpp): a uint32 category count (11 in naist-jdic),
    32-byte NUL-padded names (``DEFAULT``, ``SPACE``, ``KANJI``...), then 0xffff
    uint32 character infos: 4 + 32 * 11 + 4 * 0xffff = 262496 bytes."""
    count = _u32(c.head, 0)
    if not count or 4 + 32 * count + 4 * _MECAB_CHAR_POINTS != c.size:
        return None
    names = [c.head[4 + 32 * i:36 + 32 * i] for i in range(min(count, 8))]
    if not all(_MECAB_CATEGORY.match(n) for n in names if len(n) == 32):
        return None
    return {"architecture": "MeCab character categories", "categories": str(count)}


def _mecab_matrix_def(c: Candidate, lines: list[str]) -> Fields | None:
    """``matrix.def``: ``1316 1316`` (left and right sizes), then ``left right cost``."""
    first = lines[0].split()
    if len(first) != 2 or not all(_UINT.match(x) for x in first):
        return None
    for line in lines[1:]:
        row = line.split()
        if len(row) != 3 or not (_UINT.match(row[0]) and _UINT.match(row[1])
                                 and _INT.match(row[2])):
            return None
    return _mecab_matrix(int(first[0]), int(first[1]))


def _lexicon_rows(lines: list[str]) -> list[list[str]] | None:
    """Lexicon rows: ``surface,left-id,right-id,cost,features...`` (quoted as CSV)."""
    try:
        rows = list(csv.reader(lines))
    except csv.Error:
        return None
    if not all(len(r) >= 5 and _UINT.match(r[1]) and _UINT.match(r[2]) and _INT.match(r[3])
               for r in rows):
        return None
    return rows


def _mecab_lexicon(c: Candidate, lines: list[str]) -> Fields | None:
    """A lexicon CSV (``Noun.csv``); ipadic's are EUC-JP
    (``畿内,1285,1285,5770,名詞,一般,...``)."""
    if _lexicon_rows(lines) is None:
        return None
    return {"architecture": "MeCab dictionary source (lexicon with word costs)"}


def _mecab_unk_def(c: Candidate, lines: list[str]) -> Fields | None:
    """``unk.def``: lexicon rows whose surface is a character category
    (``KANJI,1285,1285,11426,名詞,一般,...``): the costs of unknown words."""
    rows = _lexicon_rows(lines)
    if rows is None or not all(_CATEGORY_NAME.match(r[0]) for r in rows):
        return None
    return {"architecture": "MeCab unknown-word costs"}


def _mecab_char_def(c: Candidate, lines: list[str]) -> Fields | None:
    """``char.def``: categories (``DEFAULT 0 1 0``: invoke, group, length) and code-point
    ranges (``0x4E00..0x9FA5 KANJI``); ``DEFAULT`` is mandatory."""
    lines = [line.split("#", 1)[0].strip() for line in lines]
    lines = [line for line in lines if line]
    if not lines or not all(_CHAR_DEF_CATEGORY.match(x) or _CHAR_DEF_RANGE.match(x)
                            for x in lines):
        return None
    if not any(x.split()[0] == "DEFAULT" for x in lines):
        return None
    return {"architecture": "MeCab character categories (source)"}


def _mecab_dicrc(c: Candidate, lines: list[str]) -> Fields | None:
    """``dicrc``: ``key = value`` settings (ipadic: ``cost-factor = 800``,
    ``config-charset = EUC-JP``)."""
    pairs = [line.partition("=") for line in lines]
    if not all(sep for _, sep, _ in pairs):
        return None
    settings = {k.strip(): v.strip() for k, _, v in pairs}
    if not _MECAB_KEYS & settings.keys():
        return None
    return {"architecture": "MeCab dictionary settings",
            "charset": settings.get("config-charset", "")[:32],
            "cost-factor": settings.get("cost-factor", "")[:32]}


def _mecab_feature_def(c: Candidate, lines: list[str]) -> Fields | None:
    """``feature.def``: the CRF feature templates the costs were trained with
    (``UNIGRAM U1:%F[0]``, ``BIGRAM B00:%L[0]/%R[0]``)."""
    if not all(line.split(" ", 1)[0] in ("UNIGRAM", "BIGRAM") for line in lines):
        return None
    return {"architecture": "MeCab CRF feature templates",
            "training": "CRF (mecab-cost-train) feature templates"}


def _mecab_rewrite_def(c: Candidate, lines: list[str]) -> Fields | None:
    """``rewrite.def``: ``[unigram rewrite]``, ``[left rewrite]``, ``[right rewrite]``
    rules mapping features to the CRF's internal states."""
    if not any(line in _REWRITE_SECTIONS for line in lines):
        return None
    return {"architecture": "MeCab feature rewrite rules"}


def _mecab_id_def(c: Candidate, lines: list[str]) -> Fields | None:
    """``left-id.def``/``right-id.def``: ``1285 名詞,一般,*,*,*,*,*`` (context id,
    features); ``pos-id.def`` has it the other way round (``名詞,一般,*,* 38``)."""
    pos = c.name == "pos-id.def"
    for line in lines:
        if pos:
            features, _, number = line.rpartition(" ")
        else:
            number, _, features = line.partition(" ")
        if not (features and _UINT.match(number)):
            return None
    return {"architecture": "MeCab context ids"}


_MecabText = Callable[[Candidate, list[str]], "Fields | None"]
_MECAB_TEXT: Final[Mapping[str, _MecabText]] = MappingProxyType({
    "matrix.def": _mecab_matrix_def, "unk.def": _mecab_unk_def,
    "char.def": _mecab_char_def, "dicrc": _mecab_dicrc, "feature.def": _mecab_feature_def,
    "rewrite.def": _mecab_rewrite_def, "left-id.def": _mecab_id_def,
    "right-id.def": _mecab_id_def, "pos-id.def": _mecab_id_def,
})
_MECAB_BINARY: Final[Mapping[str, Callable[[Candidate], "Fields | None"]]] = MappingProxyType({
    "matrix.bin": _mecab_matrix_bin, "char.bin": _mecab_char_bin,
})
_MECAB_COMMENTS: Final = {"dicrc": ";"}


def _mecab_text(c: Candidate, check: _MecabText) -> Fields | None:
    decoded = _decoded(_complete(c), ("utf-8", "euc-jp"))
    if decoded is None:
        return None
    text, charset = decoded
    comment = _MECAB_COMMENTS.get(c.name, "#" if c.name.endswith(".def") else "")
    lines = _lines(text, comment)
    if not lines:
        return None
    fields = check(c, lines)
    if fields is None:
        return None
    fields["charset"] = fields.get("charset") or charset
    fields["entries"] = _count(c, text, comment) if c.name.endswith(".csv") else ""
    return fields


def mecab_dictionary(c: Candidate) -> Recognised | None:
    """A file of a MeCab dictionary directory (source or compiled), or None.

    The directory is the model: its costs (word costs in the lexicon, the
    connection matrix, the unknown-word costs) come from CRF training.
    Files that are not part of the dictionary format (README, AUTHORS) are
    None.
    """
    name = c.name
    if name.endswith(".dic"):
        fields = _mecab_compiled(c)
    elif name in _MECAB_BINARY:
        fields = _MECAB_BINARY[name](c)
    elif name in _MECAB_TEXT:
        fields = _mecab_text(c, _MECAB_TEXT[name])
    elif name.endswith(".csv"):
        fields = _mecab_text(c, _mecab_lexicon)
    else:
        return None
    return None if fields is None else _found(c, "mecab-dictionary", "content", fields)


# -- libkkc -------------------------------------------------------------------------

#: libkkc sorted-bigram/trigram-language-model.vala: records of uint32 ids and uint16
#: quantised costs: 1gram (cost, backoff, pad) 6 bytes, 2gram (id, pid, cost, backoff)
#: 12, 3gram (id, bigram offset, cost) 10; the 2- and 3-grams sorted for bsearch_ngram.
_KKC_RECORDS: Final = MappingProxyType({"data.1gram": (1, 6), "data.2gram": (2, 12),
                                        "data.3gram": (3, 10)})
_MARISA: Final = b"We love Marisa.\0"
_KKC_TYPE: Final = re.compile(r"(text|sorted)([23])\Z")


def _kkc_metadata(c: Candidate) -> Fields | None:
    """``metadata.json``: ``{"name": "sorted3", "description": "binary based 3-gram
    dictionary", "type": "sorted3"}``."""
    if not _whole(c):
        return None
    try:
        data = json.loads(c.head)
    except (ValueError, RecursionError):
        return None
    kind = data.get("type") if isinstance(data, dict) else None
    m = _KKC_TYPE.match(kind) if isinstance(kind, str) else None
    if m is None:
        return None
    description = data.get("description")
    return {"architecture": f"libkkc {kind} back-off n-gram model", "order": m.group(2),
            "description": description[:200] if isinstance(description, str) else ""}


def _kkc_records(c: Candidate, order: int, size: int) -> tuple[How, Fields] | None:
    """An n-gram record file: its size a multiple of the record; the 2- and 3-grams'
    8-byte keys (little-endian id and context) in byte order, as bsearch_ngram needs.
    The 1-grams, indexed by id, have no such order: they are known by name only."""
    if not c.size or c.size % size:
        return None
    fields = {"architecture": "libkkc n-gram records", "order": str(order),
              "entries": str(c.size // size)}
    keys = [c.head[i:i + 8] for i in range(0, len(c.head) - size + 1, size)]
    if order == 1 or len(keys) < 2:
        return "name", fields
    if any(a > b for a, b in zip(keys, keys[1:])):
        return None
    return "content", fields


def kkc_language_model(c: Candidate) -> Recognised | None:
    """A file of a libkkc language model directory (libkkc-data's ``models/sorted3/``).

    ``data.input`` and ``data.1gram.index`` are marisa tries (``We love
    Marisa.``), ``data.[123]gram`` the n-gram records, ``data.*.filter``
    Bloom filters over them (raw bits: by name only).
    """
    name = c.name
    how: How = "content"
    if name == "metadata.json":
        fields = _kkc_metadata(c)
    elif name in ("data.input", "data.1gram.index"):
        fields = ({"architecture": "marisa trie (vocabulary)"}
                  if c.head.startswith(_MARISA) else None)
    elif name in _KKC_RECORDS:
        found = _kkc_records(c, *_KKC_RECORDS[name])
        if found is None:
            return None
        how, fields = found
    elif c.size and name.endswith(".filter") and name[:-len(".filter")] in _KKC_RECORDS:
        how, fields = "name", {"architecture": "Bloom filter over n-gram keys"}
    else:
        return None
    return None if fields is None else _found(c, "kkc-language-model", how, fields)


# -- SunPinyin ----------------------------------------------------------------------

#: slm.h: 1 << BITS_PR quantised probabilities, 1 << BITS_BOW back-off weights (floats).
_SLM_TABLES: Final = 4 * ((1 << 16) + (1 << 14))
_SLM_NODE: Final = 12  # TNode: inner levels
_SLM_LEAF: Final = 8   # TLeaf: the last level
_SLM_MAX_ORDER: Final = 8


def _slm_fields(c: Candidate) -> Fields | None:
    """``lm_sc.t3g`` (CThreadSlm::load): uint32 N (3), uint32 use-log-probabilities (0),
    N + 1 uint32 level sizes (2, 71760, 2500001, 1000001: each with one sentinel),
    the two float tables, 12-byte nodes of levels 0..N-1, 8-byte leaves of level N;
    the sizes add up to the file's exactly (39188868 bytes)."""
    for order in "<>":
        n, log_pr = (_u32(c.head, 0, order), _u32(c.head, 4, order))
        if n is None or not 1 <= n <= _SLM_MAX_ORDER or log_pr not in (0, 1):
            continue
        if len(c.head) < 8 + 4 * (n + 1):
            return None
        sizes = [int(x) for x in struct.unpack_from(f"{order}{n + 1}I", c.head, 8)]
        expect = 8 + 4 * (n + 1) + _SLM_TABLES + _SLM_NODE * sum(sizes[:n]) + _SLM_LEAF * sizes[n]
        if expect == c.size and all(sizes):
            grams = " ".join(f"{i}={sizes[i] - 1}" for i in range(1, n + 1))
            return {"architecture": f"SunPinyin threaded back-off {n}-gram model",
                    "order": str(n), "ngrams": grams,
                    "probabilities": "log" if log_pr else "linear",
                    "byte-order": "big-endian" if order == ">" else ""}
    return None


def _pytrie_fields(c: Candidate) -> tuple[How, Fields] | None:
    """``pydict_sc.bin`` (CPinyinTrie): uint32 word count (84154), node count (79225),
    offset of the words (2937736), which are NUL-terminated UTF-32 strings to the end
    of the file.  The header must fit the size; the tail, when readable, must be
    UTF-32 ending in NUL."""
    words, nodes, offset = (_u32(c.head, i) for i in (0, 4, 8))
    if words is None or nodes is None or offset is None:
        return None
    strings = c.size - offset
    if not 12 <= offset <= c.size - 4 or strings % 4 or 2 * words > strings // 4 or not nodes:
        return None
    fields = {"architecture": "SunPinyin pinyin lexicon trie", "entries": str(words)}
    tail = _tail(c, min(TAIL_BYTES, strings))
    if tail is None or len(tail) % 4:
        return "name", fields
    points = struct.unpack(f"<{len(tail) // 4}I", tail)
    if not points or points[-1] != 0 or max(points) > 0x10FFFF:
        return None
    return "content", fields


def sunpinyin_language_model(c: Candidate) -> Recognised | None:
    """SunPinyin's trigram model (``*.t3g``) or its pinyin lexicon (``pydict_*.bin``),
    one unit (sunpinyin-data's ``data/``)."""
    if c.name.endswith(".t3g"):
        fields = _slm_fields(c)
        return None if fields is None else _found(c, "sunpinyin-language-model",
                                                  "content", fields)
    if c.name.startswith("pydict") and c.name.endswith(".bin"):
        found = _pytrie_fields(c)
        return None if found is None else _found(c, "sunpinyin-language-model", *found)
    return None


# -- libpinyin ----------------------------------------------------------------------

#: Berkeley DB metadata page: the magic at offset 12, the version at 16, the page size
#: at 20 (4096 in libpinyin-data); the file is whole pages.
_BDB_PAGES: Final = frozenset(1 << i for i in range(9, 17))
_BDB: Final = MappingProxyType({0x061561: "hash", 0x053162: "btree"})
_LIBPINYIN_ROLES: Final = MappingProxyType({
    "bigram.db": "bigram frequencies", "phrase_index.bin": "phrase index",
    "pinyin_index.bin": "pinyin index", "addon_phrase_index.bin": "add-on phrase index",
    "addon_pinyin_index.bin": "add-on pinyin index"})
#: phrase_index.cpp: the chunk's total frequency and three uint32 offsets, then '#'.
_CHUNK_INDEX: Final = 17
_CHUNK_SEPARATOR: Final = ord("#")


def _berkeley_db(c: Candidate) -> Fields | None:
    """``bigram.db`` (a hash: magic 0x061561) and the indices (btrees: 0x053162)."""
    for order in "<>":
        kind = _BDB.get(_u32(c.head, 12, order) or -1)
        page = _u32(c.head, 20, order)
        if kind is not None and page in _BDB_PAGES and c.size % page == 0:
            version = _u32(c.head, 16, order)
            return {"architecture": f"Berkeley DB {kind}", "version": str(version),
                    "role": _LIBPINYIN_ROLES.get(c.name, "")}
    return None


def _phrase_chunk(c: Candidate) -> Fields | None:
    """A phrase table (``gb_char.bin``, ``art.bin``): a MemoryChunk (uint32 length,
    uint32 checksum) holding the total frequency (gb_char: 49150738), the offsets of
    the phrase index (17), the phrase contents and the end (= the length), each
    section ended by ``#``."""
    length = _u32(c.head, 0)
    if length is None or length + 8 != c.size:
        return None
    total, first, second, end = (_u32(c.head, 8 + 4 * i) for i in range(4))
    if total is None or second is None or first != _CHUNK_INDEX or end != length:
        return None
    if not first < second <= length or c.head[8 + 16:8 + 17] != b"#":
        return None
    mark = 8 + second - 1
    if mark < len(c.head) and c.head[mark] != _CHUNK_SEPARATOR:
        return None
    return {"architecture": "libpinyin phrase frequency table",
            "entries": str((second - 1 - first) // 4), "total-frequency": str(total)}


def _table_conf(c: Candidate) -> Fields | None:
    """``table.conf``: ``binary format version:7``, ``model data version:14``,
    ``lambda parameter:0.312699`` (the interpolation weight of uni- and bigrams),
    then the tables."""
    decoded = _decoded(_complete(c))
    if decoded is None:
        return None
    settings = {}
    for line in _lines(decoded[0], "#"):
        key, _, value = line.partition(":")
        settings[key] = value
    binary, data = settings.get("binary format version"), settings.get("model data version")
    if binary is None or not _UINT.match(binary.strip()):
        return None
    return {"architecture": "libpinyin interpolated bigram model (table list)",
            "version": f"binary format {binary.strip()}, model data {(data or '?').strip()}",
            "lambda": settings.get("lambda parameter", "").strip()[:32]}


def libpinyin_language_model(c: Candidate) -> Recognised | None:
    """A file of libpinyin's data directory: ``table.conf``, the Berkeley DB bigram
    counts and indices, the phrase frequency tables; one unit."""
    fields = (_table_conf(c) if c.name == "table.conf"
              else _berkeley_db(c) or _phrase_chunk(c))
    return None if fields is None else _found(c, "libpinyin-language-model", "content", fields)


# -- jieba ---------------------------------------------------------------------------

def _word_table(c: Candidate, value: re.Pattern[str], extra: int) -> str | None:
    """Text lines ``word VALUE`` and up to ``extra`` more columns; the entry count ("" when
    unknown), or None."""
    decoded = _decoded(_complete(c))
    if decoded is None:
        return None
    lines = _lines(decoded[0])
    if not lines:
        return None
    for line in lines:
        row = line.split(" ")
        if not 2 <= len(row) <= 2 + extra or not value.match(row[1]):
            return None
    return _count(c, decoded[0])


def jieba_dictionary(c: Candidate) -> Recognised | None:
    """jieba's ``dict.txt``: ``word frequency [tag]`` lines (``AT&T 3 nz``)."""
    entries = _word_table(c, _UINT, 1)
    if entries is None:
        return None
    return _found(c, "jieba-dictionary", "content",
                  {"architecture": "word frequency dictionary", "entries": entries}, unit=False)


def jieba_idf(c: Candidate) -> Recognised | None:
    """jieba's ``analyse/idf.txt``: ``word idf`` lines (``劳动防护 13.900677652``)."""
    entries = _word_table(c, _FLOAT, 0)
    if entries is None:
        return None
    return _found(c, "jieba-idf", "content",
                  {"architecture": "inverse document frequencies", "entries": entries},
                  unit=False)


_HMM_TABLES: Final = MappingProxyType({"prob_start": "start", "prob_trans": "transition",
                                       "prob_emit": "emission", "char_state_tab": "char-state"})
#: ``P={'B': -0.26...`` or ``P={('B', 'a'): ...`` or ``P={'\\u4e00': (('B', 'm'), ...``
_HMM_PY: Final = re.compile(rb"(?:from __future__ import [\w, ]+\s+)?P\s*=\s*\{")
_HMM_STATE_PY: Final = re.compile(rb"\(?'[BEMS]'")
#: A state key in pickle opcodes: protocol 0 ``S'B'`` or ``VB\n``, protocols 2+ strings.
_HMM_STATE_PICKLE: Final = re.compile(
    rb"S'[BEMS]'\n|V[BEMS]\n|X\x01\x00\x00\x00[BEMS]|\x8c\x01[BEMS]|U\x01[BEMS]")
_PICKLE_DICT: Final = re.compile(rb"\(dp[0-9]|\x80[\x02-\x05]")


def jieba_hmm(c: Candidate) -> Recognised | None:
    """A table of jieba's HMMs: ``finalseg/`` (states B, E, M, S of a word's
    characters) or ``posseg/`` (those states times part-of-speech tags), as
    Python source (``P={'B': -0.26268660809250016, ...``) or as a pickle of the
    same dict (``(dp0\\nS'B'\\n...``); the pickle is matched, never loaded."""
    stem, _, ext = c.name.rpartition(".")
    table = _HMM_TABLES.get(stem)
    if table is None or ext not in ("py", "p"):
        return None
    head = c.head[:TAIL_BYTES]
    if ext == "py":
        m = _HMM_PY.match(head)
        ok = m is not None and _HMM_STATE_PY.search(head, m.end()) is not None
        serialised = "Python literal (not run)"
    else:
        ok = _PICKLE_DICT.match(head) is not None and _HMM_STATE_PICKLE.search(head) is not None
        serialised = "pickle (not loaded)"
    if not ok:
        return None
    segmenter = _directory(c.path) or ""
    states = "B E M S x part-of-speech" if segmenter.endswith("posseg") else "B E M S"
    return _found(c, "jieba-hmm", "content",
                  {"architecture": f"hidden Markov model ({states})", "table": table,
                   "serialisation": serialised})


# -- PaddlePaddle parameters -------------------------------------------------------

#: framework.proto VarType: element sizes of the data types.
_PADDLE_DTYPES: Final = MappingProxyType({
    0: ("bool", 1), 1: ("int16", 2), 2: ("int32", 4), 3: ("int64", 8), 4: ("float16", 2),
    5: ("float32", 4), 6: ("float64", 8), 20: ("uint8", 1), 21: ("int8", 1),
    22: ("bfloat16", 2), 23: ("complex64", 8), 24: ("complex128", 16)})
_PADDLE_MAX_LOD: Final = 8
_PADDLE_MAX_DESC: Final = 1024
_PADDLE_MAX_DIMS: Final = 16


def _varints(data: bytes) -> Iterator[tuple[int, int]]:
    """(tag, value) of a protobuf message of varint fields; stops at anything else."""
    pos, n = 0, len(data)
    while pos < n:
        values = []
        for _ in range(2):
            value, shift = 0, 0
            while pos < n and shift < 64:
                byte = data[pos]
                pos += 1
                value |= (byte & 0x7F) << shift
                shift += 7
                if not byte & 0x80:
                    break
            else:
                return
            values.append(value)
        yield values[0], values[1]


def _tensor_desc(desc: bytes) -> tuple[int, list[int]] | None:
    """TensorDesc: field 1 the data type, field 2 the dims (one varint each)."""
    dtype, dims = None, []
    for tag, value in _varints(desc):
        if tag == 0x08:
            dtype = value
        elif tag == 0x10:
            dims.append(value)
        else:
            return None
    if dtype is None or not 0 < len(dims) <= _PADDLE_MAX_DIMS:
        return None
    return dtype, dims


def paddle_parameters(c: Candidate) -> Recognised | None:
    """A PaddlePaddle parameter file (one LoDTensor, ``save_vars``' format).

    uint32 version 0, uint64 LoD level (0) and its levels, uint32 tensor
    version 0, int32 size of a TensorDesc protobuf (``08 05 10 80 01 10 80
    03``: float32, 128 x 384 in jieba's ``fc_0.w_0``), then the elements,
    which must fill the rest of the file exactly (4 + 8 + 4 + 4 + 8 + 4 *
    128 * 384 = 196636 bytes).
    """
    head = c.head
    if len(head) < 16 or head[:4] != bytes(4):
        return None
    lod = int(struct.unpack_from("<Q", head, 4)[0])
    pos = 12
    if lod > _PADDLE_MAX_LOD:
        return None
    for _ in range(lod):
        if pos + 8 > len(head):
            return None
        pos += 8 + int(struct.unpack_from("<Q", head, pos)[0])
    if pos + 8 > len(head) or _u32(head, pos) != 0:
        return None
    size = int(struct.unpack_from("<i", head, pos + 4)[0])
    if not 0 < size <= _PADDLE_MAX_DESC or pos + 8 + size > len(head):
        return None
    desc = _tensor_desc(head[pos + 8:pos + 8 + size])
    if desc is None or desc[0] not in _PADDLE_DTYPES:
        return None
    (dtype, width), dims = _PADDLE_DTYPES[desc[0]], desc[1]
    count = math.prod(dims)
    if pos + 8 + size + count * width != c.size:
        return None
    return _found(c, "paddle-parameters", "content",
                  {"architecture": f"PaddlePaddle tensor {c.name}", "parameters": str(count),
                   "dtype": dtype, "shape": "x".join(map(str, dims))})


# -- language identification -------------------------------------------------------

#: libexttextcat: ``ngram<TAB>count`` lines, or (rank order) the n-gram alone; an n-gram
#: has 1 to 5 characters, ``_`` standing for a word boundary (``_\t20326``, ``e\t6617``).
#: Only ASCII blanks separate: n-grams may hold U+00A0 or U+3000 (br.lm, ja.lm).
_TEXTCAT_LINE: Final = re.compile(r"[^ \t]{1,5}(?:[ \t]+([0-9]{1,10}))?[ \t]*\Z")
_FPDB_LINE: Final = re.compile(r"\S+\.lm\s+\S+")


def _textcat_lm(c: Candidate, text: str) -> Fields | None:
    lines = [line.rstrip("\r\n") for line in text.splitlines()[:CHECK_LINES] if line.strip()]
    if not lines:
        return None
    matches = [_TEXTCAT_LINE.match(line) for line in lines]
    if not all(matches):
        return None
    counted = {m.group(1) is not None for m in matches if m}
    if len(counted) != 1:
        return None
    return {"architecture": "n-gram fingerprint ("
                            + ("counts" if counted == {True} else "ranks") + ")",
            "language": c.name[:-len(".lm")][:32], "entries": _count(c, text)}


def textcat_fingerprint(c: Candidate) -> Recognised | None:
    """A TextCat fingerprint (``en.lm``: the 400 most frequent character n-grams of a
    language, most frequent first) or libexttextcat's ``fpdb.conf`` (``en.lm
    en--utf8``: fingerprint and language tag per line).  The language of a
    fingerprint is its file name's, which ``fpdb.conf`` maps to a tag."""
    decoded = _decoded(_complete(c))
    if decoded is None:
        return None
    if c.name.endswith(".lm"):
        fields = _textcat_lm(c, decoded[0])
    else:
        lines = _lines(decoded[0], "#")
        fields = ({"architecture": "fingerprint list", "entries": _count(c, decoded[0], "#")}
                  if lines and all(_FPDB_LINE.match(x) for x in lines) else None)
    return None if fields is None else _found(c, "textcat-fingerprint", "content", fields)


_LANGDETECT_START: Final = re.compile(rb"\s*\{\s*\"(?:freq|n_words|name)\"\s*:")
_LANGDETECT_WORDS: Final = re.compile(rb"\"n_words\"\s*:\s*\[\s*([0-9]{1,15}(?:\s*,\s*[0-9]{1,15}){0,7})\s*\]")
_LANGDETECT_NAME: Final = re.compile(rb"\"name\"\s*:\s*\"([A-Za-z0-9_-]{1,32})\"")


def langdetect_profile(c: Candidate) -> Recognised | None:
    """A langdetect profile: JSON ``{"freq": {"D": 662077, ...}, "n_words":
    [260942223, 308553243, 224934017], "name": "en"}``: the 1- to 3-gram counts of
    a language's Wikipedia text.  Only the head and a tail of :data:`TAIL_BYTES`
    are read; ``n_words`` (the n-grams counted, per order) and ``name`` are taken
    from them with bounded patterns, not by parsing the whole file."""
    if not _LANGDETECT_START.match(c.head):
        return None
    ends = c.head[:TAIL_BYTES] + b"\n" + (_tail(c) or b"")
    name = _LANGDETECT_NAME.search(ends)
    words = _LANGDETECT_WORDS.search(ends)
    how: How = "content" if name or words else "name"
    fields = {"architecture": "character n-gram frequency profile",
              "language": name.group(1).decode("ascii") if name else ""}
    if words:
        counts = [x.strip().decode("ascii") for x in words.group(1).split(b",")]
        fields["order"] = str(len(counts))
        fields["training"] = "n-grams counted: " + ", ".join(
            f"{i}={n}" for i, n in enumerate(counts, 1))
    return _found(c, "langdetect-profile", how, fields)
