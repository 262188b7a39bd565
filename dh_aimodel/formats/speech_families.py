"""Recognisers of the speech families (``data/families/speech.yaml``).

Each function takes a :class:`~dh_aimodel.formats.families.Candidate` and
says whether its bytes are of one family, from the 64 KiB head (and, for an
ARPA preamble longer than that, one bounded read).  What the real Debian
files look like, as found in trixie's packages:

* pocketsphinx-en-us: ``model/en-us/en-us/`` is the acoustic model
  (``mdef``, ``means``, ``variances``, ``sendump``, ``transition_matrices``,
  ``feat.params`` with lines such as ``-feat 1s_c_d_dd`` and ``-model
  ptm``, ``noisedict`` with ``<sil> SIL``), read by
  :mod:`~dh_aimodel.formats.sphinx`; ``en-us.lm.bin`` starts ``Trie Language
  Model``, a byte 3 (the order) and three little-endian uint32 n-gram counts;
  ``cmudict-en-us.dict`` has lines ``a(2) EY``.
* ``*.htsvoice`` (hts-voice-nitech-jp-atr503-m001, festvox-*-hts): text
  ``[GLOBAL]``, ``[STREAM]`` and ``[POSITION]`` sections of ``KEY:VALUE``
  lines, then ``[DATA]`` and the binary trees and PDFs; the last
  ``[POSITION]`` range ends one byte before the end of the file.
* festival voices, ``usr/share/festival/voices/LANG/VOICE/``: Scheme in
  ``festvox/*.scm`` (``proclaim_voice`` with ``(language hindi)`` ...),
  CART trees as Scheme data (``(set! hindi_NSK::zdur_tree '((name is
  pau) ...``, ``festival/trees/a.tree``); wagon's trees have numeric leaves
  (``((0.0 2.0))``, ``(((z 1) z))``), hand-written ones symbolic leaves
  (``((BB))``).  ``group/NSKlpc.group`` and
  ``festival/clunits/msu_ru_nsh.catalogue`` start with an ``EST_File
  index`` header (``NumEntries 1799``, ``DataFormat grouped``) ended by
  ``EST_Header_End``.
* festlex-cmu and festlex-poslex, ``usr/share/festival/dicts/``:
  ``cmu_lts_rules.scm`` (``Letter to sound rules derived automatically from
  CMUDICT 0.4``, ``tree model has 50952 nodes``), compiled lexicons starting
  ``MNCL`` then ``("a" dt (((ax) 0)))`` or ``("!" ((punc -7.515) ) () )``,
  and ``wsj.wp39.tri.ngrambin`` starting ``NgramBin_2 3``.
* libttspico-data: ``usr/share/pico/lang/*_ta.bin`` and ``*_sg.bin`` start
  with picoos's SVOX signature (`` (C) SVOX AG `` with 0x20 subtracted
  from each byte), a uint16 header length, the header ``NAME en-US_ta_1.1.0.0-0-2
  VERSION ... CONTENT_TYPE TEXTANA``, a uint32 resource length (the rest of
  the file) and the knowledge bases' count and names (``DT_G2P``,
  ``PDF_MGC`` ...), as ``picorsrc_loadResource`` reads them.

Nothing is evaluated: Scheme is searched as text, binary headers are
unpacked field by field and every length is checked against the file.
"""

from __future__ import annotations

import io
import re
import struct
from collections.abc import Iterable, Mapping
from dataclasses import replace
from pathlib import PurePosixPath
from typing import Final

from dh_aimodel.formats import ARPA_HEAD_CAP, Metadata, read_metadata
from dh_aimodel.formats.base import Finding, _text
from dh_aimodel.formats.families import Candidate, How, Recognised
from dh_aimodel.formats.sphinx import arpa_deep, sphinx_head

#: Longest value kept in a field: these are labels, not documents.
_FIELD_LEN: Final = 200


def _field(value: str) -> str:
    value = " ".join(value.split())
    return value if len(value) <= _FIELD_LEN else value[:_FIELD_LEN] + "…"


def _found(family: str, how: How, fields: Mapping[str, str], unit: str | None = None,
           findings: Iterable[Finding] = ()) -> Recognised:
    return Recognised(family, how, {k: _field(v) for k, v in fields.items() if v},
                      tuple(findings), unit)


def _text_like(data: bytes) -> bool:
    """Printable text (UTF-8 bytes allowed): no control bytes but tab and newlines."""
    return not data.translate(None, b"\t\n\r" + bytes(range(32, 256)))


def _complete_lines(c: Candidate) -> list[bytes]:
    """The head's lines, without the last one when the head cuts the file."""
    lines = c.head.split(b"\n")
    if len(c.head) < c.size or not c.head.endswith(b"\n"):
        lines = lines[:-1]
    return lines


# -- CMU Sphinx ------------------------------------------------------------------------

_FEAT_PARAM: Final = re.compile(rb"-([a-z][a-z0-9_]*)[ \t]+(\S.*?)[ \t]*\r?")
_NOISE_ENTRY: Final = re.compile(rb"\S+[ \t]+\+?[A-Z][A-Za-z0-9_]*\+?[ \t]*\r?")


def _prefix(c: Candidate, cap: int) -> bytes:
    """Up to ``cap`` bytes from the start of the file: the head, or more when
    the file is longer and can be read (a .deb member's stream may refuse)."""
    if c.open is None or cap <= len(c.head) or c.size <= len(c.head):
        return c.head
    try:
        with c.open() as f:
            return f.read(cap)
    except OSError:
        return c.head


def _sphinx_fields(c: Candidate, data: bytes, fmt: str) -> Metadata:
    """The Sphinx reader of ``fmt`` on ``data``, the start of the file.

    Running out of ``data`` is not the file's fault when the file is
    longer, so such "truncated" findings are dropped.
    """
    meta = read_metadata(io.BytesIO(data), fmt)
    if len(data) < c.size:
        meta = replace(meta, findings=tuple(f for f in meta.findings if f.code != "truncated"))
    return meta


def sphinx_acoustic(c: Candidate) -> Recognised | None:
    """A member of a Sphinx acoustic model: the directory is the model.

    The parameter files and ``mdef`` are confirmed by
    :func:`~dh_aimodel.formats.sphinx.sphinx_head` and read by the Sphinx
    reader; ``feat.params`` (``-key value`` lines, the front end's settings)
    and ``noisedict`` (``<sil> SIL``) are checked here, as no format reader
    covers them.
    """
    name = c.name.lower()
    unit = str(PurePosixPath(c.path).parent)
    if name == "feat.params":
        return _feat_params(c, unit)
    if name == "noisedict":
        lines = [ln for ln in _complete_lines(c) if ln.strip()]
        if lines and _text_like(c.head) and all(_NOISE_ENTRY.fullmatch(ln) for ln in lines):
            return _found("sphinx-acoustic-model", "content", {"member": "noisedict"}, unit)
        return None
    if sphinx_head(c.head, name) != "sphinx-acoustic":
        return None
    meta = _sphinx_fields(c, c.head, "sphinx-acoustic")
    return _found("sphinx-acoustic-model", "content", meta.fields, unit, meta.findings)


def _feat_params(c: Candidate, unit: str) -> Recognised | None:
    lines = [ln.strip() for ln in _complete_lines(c) if ln.strip()]
    if not lines or not _text_like(c.head):
        return None
    fields = {"member": "feat.params"}
    for line in lines[:64]:
        m = _FEAT_PARAM.fullmatch(line)
        if m is None:
            return None
        fields[f"feat.{_text(m[1])}"] = _text(m[2])
    if "feat.model" in fields:
        fields["architecture"] = f"HMM ({fields['feat.model']})"
    return _found("sphinx-acoustic-model", "content", fields, unit)


def arpa_lm(c: Candidate) -> Recognised | None:
    """An ARPA language model, its ``\\data\\`` line found within :data:`ARPA_HEAD_CAP`."""
    if not _text_like(c.head[:4096]):
        return None
    data = c.head if b"\\data\\" in c.head else _prefix(c, ARPA_HEAD_CAP)
    if sphinx_head(c.head, c.name.lower()) != "arpa-lm" and not arpa_deep(data):
        return None
    meta = _sphinx_fields(c, data, "arpa-lm")
    # the name and the word ARPA, but no \data\ line in what could be read
    how: How = "content" if "order" in meta.fields else "name"
    return _found("arpa-lm", how, meta.fields, None, meta.findings)


#: A DMP header (file name, format description) is short; this much is read for it.
_DMP_READ: Final = 1024 * 1024


def sphinx_dmp_lm(c: Candidate) -> Recognised | None:
    """A DMP language model (``Darpa Trigram LM``), read by the Sphinx reader."""
    if sphinx_head(c.head, c.name.lower()) != "sphinx-dmp-lm":
        return None
    meta = _sphinx_fields(c, _prefix(c, _DMP_READ), "sphinx-dmp-lm")
    return _found("sphinx-dmp-lm", "content", meta.fields, None, meta.findings)


_TRIE: Final = b"Trie Language Model"
#: pocketsphinx's NGRAM_MAX_ORDER.
_TRIE_MAX_ORDER: Final = 5


def sphinx_trie_lm(c: Candidate) -> Recognised | None:
    """A pocketsphinx trie language model: its order and n-gram counts.

    ``ngram_model_trie_write_bin`` writes the title, the order as one byte,
    then one uint32 count per order in the writer's byte order; every count
    is at most the file's size (an n-gram takes more than a byte).
    """
    if not c.head.startswith(_TRIE):
        return None
    pos = len(_TRIE)
    if len(c.head) < pos + 1:
        return None
    order = c.head[pos]
    raw = c.head[pos + 1:pos + 1 + 4 * order]
    if not 1 <= order <= _TRIE_MAX_ORDER or len(raw) < 4 * order:
        return None
    for endian in "<>":
        counts = struct.unpack(f"{endian}{order}I", raw)
        if 0 < counts[0] and all(n <= c.size for n in counts):
            fields = {f"ngram.{i}": str(n) for i, n in enumerate(counts, 1)}
            fields["order"] = str(order)
            return _found("sphinx-trie-lm", "content", fields)
    return None


_DICT_ENTRY: Final = re.compile(
    rb"(\S+?)(?:\(\d+\))?[ \t]+([A-Za-z][A-Za-z0-9_+]*(?:[ \t]+[A-Za-z][A-Za-z0-9_+]*)*)"
    rb"[ \t]*(?:#.*)?\r?")
#: Fewer entries than this in a whole head are not enough to tell.
_DICT_MIN_ENTRIES: Final = 10
#: A phone set is small; a word list split in two columns is not.
_DICT_MAX_PHONES: Final = 200


def sphinx_dictionary(c: Candidate) -> Recognised | None:
    """A Sphinx pronunciation dictionary: every line ``word[(n)] PHONE ...``.

    The phones of the head must come from a small set (CMUdict uses 39),
    which a list of words in two columns does not.
    """
    if not _text_like(c.head):
        return None
    lines = [ln for ln in _complete_lines(c) if ln.strip()]
    phones: set[bytes] = set()
    for line in lines:
        m = _DICT_ENTRY.fullmatch(line)
        if m is None:
            return None
        phones.update(m[2].split())
    if len(lines) < _DICT_MIN_ENTRIES or len(phones) > _DICT_MAX_PHONES:
        return None
    fields = {"phones": str(len(phones))}
    if len(c.head) == c.size:
        fields["entries"] = str(len(lines))
    return _found("sphinx-dictionary", "content", fields)


# -- HTS voices -------------------------------------------------------------------------

_HTS_DATA: Final = b"\n[DATA]\n"
_HTS_KEY: Final = re.compile(r"([A-Z_]+)(?:\[([^\]]*)\])?:(.*)")
_HTS_RANGE: Final = re.compile(r"(\d{1,12})-(\d{1,12})")
#: [GLOBAL] keys shown, and the field each goes to.
_HTS_FIELDS: Final = {
    "HTS_VOICE_VERSION": "version", "SAMPLING_FREQUENCY": "sampling-frequency",
    "FRAME_PERIOD": "frame-period", "NUM_STATES": "states", "NUM_STREAMS": "streams",
    "STREAM_TYPE": "stream-type", "FULLCONTEXT_FORMAT": "fullcontext-format",
    "FULLCONTEXT_VERSION": "fullcontext-version", "COMMENT": "description",
}


def hts_voice(c: Candidate) -> Recognised | None:
    """An HTS engine voice: the text sections before ``[DATA]``.

    The header is what ``HTS_ModelSet_load`` parses: ``[GLOBAL]`` keys,
    per-stream ``KEY[STREAM]:value`` lines and ``[POSITION]`` byte ranges
    into the data after ``[DATA]``; a range past the end of the file is a
    truncated voice.
    """
    if not c.head.startswith(b"[GLOBAL]"):
        return None
    end = c.head.find(_HTS_DATA)
    if end < 0 or not _text_like(c.head[:end]):
        return None
    keys: dict[str, str] = {}
    ranges: list[tuple[str, int, int]] = []
    section = ""
    for line in _text(c.head[:end]).splitlines():
        if line.startswith("["):
            section = line.strip()
            continue
        m = _HTS_KEY.fullmatch(line.strip())
        if m is None:
            continue
        key = m[1] if m[2] is None else f"{m[1]}.{m[2]}"
        keys.setdefault(key, m[3].strip())
        if section == "[POSITION]":
            ranges += [(key, int(a), int(b)) for a, b in _HTS_RANGE.findall(m[3])]
    if "HTS_VOICE_VERSION" not in keys:
        return None
    fields = {field: keys[key] for key, field in _HTS_FIELDS.items() if key in keys}
    streams = keys.get("STREAM_TYPE", "")
    fields["architecture"] = (f"HSMM, {keys.get('NUM_STATES', '?')} states, "
                              f"streams {streams or '?'}")
    fields |= {f"vector-length.{k.partition('.')[2]}": v for k, v in keys.items()
               if k.startswith("VECTOR_LENGTH.")}
    pdfs = sum(last - first + 1 for key, first, last in ranges
               if "_PDF" in key and first <= last)
    if pdfs:
        fields["pdf-bytes"] = str(pdfs)
    return _found("hts-voice", "content", fields, _festival_unit(c.path),
                  _hts_ranges(ranges, c.size - end - len(_HTS_DATA)))


def _hts_ranges(ranges: list[tuple[str, int, int]], data: int) -> list[Finding]:
    if not ranges:
        return [Finding("bad-header", "no [POSITION] ranges: the voice's data cannot be found")]
    bad = [key for key, first, last in ranges if first > last or last >= data]
    if bad:
        return [Finding("truncated", f"[POSITION] {bad[0]} points past the {data} bytes "
                                     "of [DATA]")]
    return []


# -- festival ------------------------------------------------------------------------------

_VOICES: Final = "usr/share/festival/voices/"
_DICTS: Final = "usr/share/festival/dicts/"


def _festival_unit(path: str) -> str | None:
    """``usr/share/festival/voices/LANG/VOICE`` for a file of a festival voice,
    ``usr/share/festival/dicts/NAME`` for one of a lexicon directory."""
    for root, depth in ((_VOICES, 2), (_DICTS, 1)):
        if path.startswith(root):
            parts = path[len(root):].split("/")
            if len(parts) > depth:
                return root + "/".join(parts[:depth])
    return None


_PROCLAIM: Final = re.compile(rb"\(proclaim_voice\s+'([^\s()']+)")
_VOICE_KEY: Final = re.compile(rb"\((language|gender|dialect|builtwith|coding)\s+([^\s()]+)\s*\)")
_DESCRIPTION: Final = re.compile(rb"\(description\s+\"([^\"]{0,400})\"")
_SYNTH: Final = re.compile(rb"'Synth_Method\s+'([A-Za-z_]+)")
_COPYRIGHT: Final = re.compile(rb"Copyright \(c\)[^\n]*", re.IGNORECASE)


def festival_voice(c: Candidate) -> Recognised | None:
    """A festival voice's definition: ``proclaim_voice``, or ``(define
    (voice_NAME)`` where NAME is the voice's directory.

    Its properties are read as text; the first of each wins.  The voice's
    language comes from ``proclaim_voice`` or else the directory above it.
    """
    unit = _festival_unit(c.path)
    if unit is None:
        return None
    voice = unit.rpartition("/")[2]
    m = _PROCLAIM.search(c.head)
    if m is None and b"(define (voice_" + voice.encode() + b")" not in c.head:
        return None
    fields = {"voice": _text(m[1]) if m else voice,
              "language": unit.split("/")[-2]}
    if m is not None:
        props = c.head[m.end():m.end() + 4096]
        for key, value in reversed(_VOICE_KEY.findall(props)):
            if value != b"COMMENT":  # festvox's template placeholder
                fields[_text(key)] = _text(value)
        d = _DESCRIPTION.search(props)
        if d is not None and d[1].strip() not in (b"", b"COMMENT"):
            fields["description"] = _text(d[1])
    s = _SYNTH.search(c.head)
    if s is not None:
        fields["synthesis"] = _text(s[1])
    author = _COPYRIGHT.search(c.head)
    if author is not None:
        fields["copyright"] = _text(author[0]).strip(" ;")
    return _found("festival-voice", "content", fields, unit)


#: A CART question node, ``((feature is value)``, as wagon and hand-written trees have.
_QUESTION: Final = re.compile(
    rb"\(\s*\(\s*[A-Za-z_][\w.:\-]*\s+(?:is|<|>|=|in|matches)\s+[^\s()]")
#: A leaf only trained trees have: a mean and deviation ``((0.0 2.0))``, or a
#: distribution ``(((z 0.25) ...``.
_NUMERIC_LEAF: Final = re.compile(
    rb"\(\(\s*-?\d[\d.eE+-]*\s+-?\d[\d.eE+-]*\s*\)\)|\(\(\(\s*[^\s()\"]+\s+-?\d[\d.eE+-]*\s*\)")
_SET_TREE: Final = re.compile(rb"\(set!\s+([^\s()']+)\s+'\s*\(\s*\(")
_AUTOTRAINED: Final = re.compile(rb";+\s*([^\n;]*autotrained[^\n;]*)", re.IGNORECASE)
_LTS_NAME: Final = re.compile(rb"\(set!\s+[^\s()']*lts[^\s()']*\s+'", re.IGNORECASE)
_LTS_SOURCE: Final = re.compile(rb"derived automatically from ([^\n;]+)", re.IGNORECASE)
_LTS_NODES: Final = re.compile(rb"tree model has (\d+) nodes")
_LTS_SCORES: Final = re.compile(rb"phones \d+ correct \d+ \(([\d.]+)\)\s*\n;*\s*"
                                rb"words \d+ correct \d+ \(([\d.]+)\)")
_MAX_MATCHES: Final = 50


def _outside_string(head: bytes, pattern: re.Pattern[bytes]) -> bool:
    """Whether ``pattern`` matches where no string or comment opened on its line:
    a tree in a ``(format ofd "((name is %s)")`` of a build script is text."""
    for n, m in enumerate(pattern.finditer(head)):
        if n == _MAX_MATCHES:
            return False
        line = head[head.rfind(b"\n", 0, m.start()) + 1:m.start()]
        if b'"' not in line and b";" not in line:
            return True
    return False


def _trained_tree(head: bytes) -> bool:
    return _outside_string(head, _QUESTION) and _outside_string(head, _NUMERIC_LEAF)


def _tree_fields(head: bytes) -> dict[str, str]:
    names = list(dict.fromkeys(_text(n) for n in _SET_TREE.findall(head)))
    fields = {"defines": ", ".join(names[:8]) + (", …" if len(names) > 8 else "")}
    auto = _AUTOTRAINED.search(head)
    if auto is not None:
        fields["training"] = _text(auto[1]).strip()
    return fields


def festival_cart_tree(c: Candidate) -> Recognised | None:
    """CART trees grown by wagon: a question node and a numeric leaf outside
    strings.  Hand-written rule trees (symbolic leaves) and letter-to-sound
    rules (:func:`festival_lts_rules`) are not of this family."""
    if not _text_like(c.head[:4096]) or not _trained_tree(c.head) or _is_lts(c.head):
        return None
    return _found("festival-cart-tree", "content", _tree_fields(c.head),
                  _festival_unit(c.path))


def _is_lts(head: bytes) -> bool:
    return _LTS_NAME.search(head) is not None


def festival_lts_rules(c: Candidate) -> Recognised | None:
    """Letter-to-sound rules: trained CART trees set as an ``*lts*`` rule set,
    with the lexicon they were derived from, their size and their scores."""
    if not _text_like(c.head[:4096]) or not _is_lts(c.head) or not _trained_tree(c.head):
        return None
    fields = _tree_fields(c.head)
    source = _LTS_SOURCE.search(c.head)
    if source is not None:
        fields["training"] = f"derived from {_text(source[1]).strip()}"
    nodes = _LTS_NODES.search(c.head)
    if nodes is not None:
        fields["parameters"] = f"{_text(nodes[1])} tree nodes"
    scores = _LTS_SCORES.search(c.head)
    if scores is not None:
        fields["accuracy"] = f"phones {_text(scores[1])}%, words {_text(scores[2])}%"
    return _found("festival-lts-rules", "content", fields, _festival_unit(c.path))


_EST_INDEX: Final = b"EST_File index\n"
_EST_END: Final = b"EST_Header_End\n"
_EST_HEADER_CAP: Final = 4096


def _est_index(head: bytes) -> dict[str, str] | None:
    """The ``key value`` lines of an EST index header, or None."""
    if not head.startswith(_EST_INDEX):
        return None
    end = head.find(_EST_END, 0, _EST_HEADER_CAP)
    if end < 0 or not _text_like(head[:end]):
        return None
    keys: dict[str, str] = {}
    for line in _text(head[len(_EST_INDEX):end]).splitlines():
        key, _, value = line.strip().partition(" ")
        keys.setdefault(key, value.strip())
    return keys if keys.get("NumEntries", "").isdigit() else None


def festival_diphone_database(c: Candidate) -> Recognised | None:
    """A diphone database: an EST index whose units are grouped in the file
    (``DataFormat grouped``, LPC tracks and residuals after the index), or the
    index of an ungrouped database in a voice's ``dic/``."""
    keys = _est_index(c.head)
    if keys is None or not (keys.get("DataFormat") == "grouped" or "/dic/" in c.path):
        return None
    fields = {"entries": keys["NumEntries"], "index": keys.get("IndexName", ""),
              "data-format": keys.get("DataFormat", ""),
              "track-format": keys.get("track_file_format", ""),
              "signal-format": keys.get("sig_file_format", "")}
    return _found("festival-diphone-database", "content", fields, _festival_unit(c.path))


def festival_unit_catalogue(c: Candidate) -> Recognised | None:
    """A clunits catalogue: an ungrouped EST index named ``*.catalogue`` or kept
    in a voice's ``clunits/`` directory."""
    keys = _est_index(c.head)
    if keys is None or keys.get("DataFormat") == "grouped" or not (
            c.name.endswith(".catalogue") or "/clunits/" in c.path):
        return None
    fields = {"entries": keys["NumEntries"], "index": keys.get("IndexName", "")}
    return _found("festival-unit-catalogue", "content", fields, _festival_unit(c.path))


_MNCL: Final = b"MNCL\n"
_LEX_ENTRY: Final = re.compile(rb'\("(?:[^"\\\n]|\\.){1,200}"\s+(?:[^\s()]+\s+)?\(')
_POS_ENTRY: Final = re.compile(rb'\("(?:[^"\\\n]|\\.){1,200}"\s+\(\([^\s()]+\s+-?\d')
_PRON_ENTRY: Final = re.compile(rb'\("(?:[^"\\\n]|\\.){1,200}"\s+[^\s()]+\s+\(\(\(')
_LEX_SAMPLE: Final = 200
_LEX_MIN_ENTRIES: Final = 20


def festival_lexicon(c: Candidate) -> Recognised | None:
    """A festival lexicon: ``MNCL`` (compiled by ``lex.compile``) or Scheme,
    with lines ``("word" pos ...)``.

    Of the head's first lines, those that open an entry must be most of
    them (a Scheme header comment may come first); the entries tell whether
    it maps words to pronunciations or to part-of-speech log probabilities.
    """
    compiled = c.head.startswith(_MNCL)
    body = c.head[len(_MNCL):] if compiled else c.head
    lines = [ln for ln in body.split(b"\n")[:_LEX_SAMPLE] if ln.strip() and
             not ln.lstrip().startswith(b";")]
    entries = [ln for ln in lines if _LEX_ENTRY.match(ln)]
    # compiled: entries from the first line; Scheme: enough of them to tell
    wanted = 1 if compiled else _LEX_MIN_ENTRIES
    if len(entries) < wanted or len(entries) * 10 < len(lines) * 9:
        return None
    if sum(1 for e in entries if _POS_ENTRY.match(e)) * 2 > len(entries):
        content = "part-of-speech probabilities"
    elif sum(1 for e in entries if _PRON_ENTRY.match(e)) * 2 > len(entries):
        content = "pronunciations"
    else:
        content = "word entries"
    fields = {"lexicon": content, "compiled": "yes" if compiled else "no"}
    return _found("festival-lexicon", "content", fields, _festival_unit(c.path))


_NGRAMBIN: Final = re.compile(rb"NgramBin_2 (\d{1,2})\n([^\n]{0,60000})\n")


def est_ngram(c: Candidate) -> Recognised | None:
    """An EST binary n-gram: ``NgramBin_2 ORDER``, then the vocabulary line."""
    m = _NGRAMBIN.match(c.head)
    if m is None or not 1 <= int(m[1]) <= 20 or not _text_like(m[2]):
        return None
    fields = {"order": _text(m[1]), "vocabulary": str(len(m[2].split()))}
    return _found("est-ngram", "content", fields)


# -- SVOX Pico ---------------------------------------------------------------------------

#: picoos's SVOX file signature, each byte less 0x20 as picoos_getSVOXHeaderString makes it.
_PICO_SIGNATURE: Final = bytes(b - 0x20 for b in b" (C) SVOX AG ")
#: PICOOS_MAX_HEADER_STRING_LEN
_PICO_HEADER_CAP: Final = 1024
_PICO_KEYS: Final = {"NAME": "description", "VERSION": "version", "DATE": "date",
                     "CONTENT_TYPE": "content-type"}
#: PICOKNOW_MAX_NUM_RESOURCE_KBS
_PICO_MAX_KBS: Final = 64


def _pico(c: Candidate, content_type: str, family: str) -> Recognised | None:
    """A Pico lingware resource of ``content_type`` (TEXTANA or SIGGEN)."""
    head = c.head
    n = len(_PICO_SIGNATURE)
    if not head.startswith(_PICO_SIGNATURE) or len(head) < n + 2:
        return None
    (hlen,) = struct.unpack_from("<H", head, n)
    text = head[n + 2:n + 2 + hlen]
    if hlen >= _PICO_HEADER_CAP or len(text) < hlen or len(head) < n + 2 + hlen + 5:
        return None
    words = _text(text[1:]).split()
    keys = {k: v for k, v in zip(words, words[1:]) if k in _PICO_KEYS}
    if keys.get("CONTENT_TYPE") != content_type:
        return None
    fields = {_PICO_KEYS[k]: v for k, v in keys.items()}
    fields["language"] = keys.get("NAME", "").partition("_")[0]
    start = n + 2 + hlen
    (length,) = struct.unpack_from("<I", head, start)
    findings = []
    if start + 4 + length != c.size:
        findings.append(Finding("truncated" if start + 4 + length > c.size else "bad-header",
                                f"the resource declares {length} bytes after its header, "
                                f"the file has {c.size - start - 4}"))
    kbs = _pico_kbs(head[start + 4:])
    if kbs:
        fields["knowledge-bases"] = ", ".join(kbs)
        fields["architecture"] = _pico_architecture(kbs)
    return _found(family, "content", fields, None, findings)


def _pico_kbs(data: bytes) -> list[str]:
    """The knowledge bases' names: a count byte, then space-separated names."""
    if not data or data[0] > _PICO_MAX_KBS:
        return []
    names = _text(data[1:1 + 32 * data[0]]).split(" ")[:data[0]]
    return [n for n in names if re.fullmatch(r"[A-Z][A-Z0-9_]{1,31}", n)]


def _pico_architecture(kbs: list[str]) -> str:
    parts = []
    for prefix, what in (("LEX_", "lexicon"), ("DT_", "decision tree"),
                         ("PDF_", "Gaussian PDF set"), ("FST_", "transducer")):
        count = sum(1 for k in kbs if k.startswith(prefix))
        if count:
            parts.append(f"{count} {what}" + ("s" if count > 1 else ""))
    return ", ".join(parts)


def pico_text_analysis(c: Candidate) -> Recognised | None:
    """SVOX Pico text-analysis lingware (``CONTENT_TYPE TEXTANA``)."""
    return _pico(c, "TEXTANA", "pico-text-analysis")


def pico_signal_generation(c: Candidate) -> Recognised | None:
    """SVOX Pico signal-generation lingware (``CONTENT_TYPE SIGGEN``)."""
    return _pico(c, "SIGGEN", "pico-signal-generation")
