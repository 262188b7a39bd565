"""Recognisers of the vision and game families (``data/families/vision.yaml``).

Each takes a :class:`~dh_aimodel.formats.families.Candidate` and returns a
:class:`~dh_aimodel.formats.families.Recognised` or None; none raises on
hostile bytes, and each reads its head first and the rest of the file only
through bounded reads.  The structures were learned from the files Debian
ships (trixie) and from the writers' sources, quoted in each docstring.
"""

from __future__ import annotations

import io
import math
import re
import struct
from typing import Final

from dh_aimodel.formats import read_metadata
from dh_aimodel.formats.base import KiB, Metadata, MiB
from dh_aimodel.formats.families import Candidate, Recognised
from dh_aimodel.formats.gnubg import gnubg_head
from dh_aimodel.formats.tessdata import _TESSDATA_COMPONENTS, _TESSDATA_MAX_ENTRIES

#: Longest value kept in a field: reports show one line per field.
_FIELD_CHARS: Final = 200


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _FIELD_CHARS else text[:_FIELD_CHARS - 1] + "…"


def _read(c: Candidate, fmt: str) -> Metadata:
    """An existing format reader (:func:`read_metadata`) run on the whole file,
    or on the head alone when the file cannot be opened or seeked (then the
    reader sees a truncated file and says so in its findings)."""
    if c.open is not None and c.size > len(c.head):
        try:
            with c.open() as f:
                return read_metadata(f, fmt)
        except OSError:
            pass
    return read_metadata(io.BytesIO(c.head), fmt)


def _bad_header(meta: Metadata) -> bool:
    return any(f.code == "bad-header" for f in meta.findings)


# -- Tesseract -----------------------------------------------------------------

#: Components of tesseract 3's classifier (tessdatamanager.h): trained prototypes.
_LEGACY_CLASSIFIER: Final = ("inttemp", "pffmtable", "normproto", "shapetable")
#: Index of the lstm component in the offset table (TESSDATA_LSTM).
_LSTM_INDEX: Final = _TESSDATA_COMPONENTS.index("lstm")
_I32: Final = struct.Struct("<i")
#: Network::Serialize: int8 NT_NONE, the type name, int8 training, int8
#: needs_backprop, int32 network_flags, ni, no, num_weights, then the name.
_NET_NUMBERS: Final = struct.Struct("<bbiiii")
_NET_TYPE_CAP: Final = 64


def tesseract(c: Candidate) -> Recognised | None:
    """A .traineddata file: ``tesseract-lstm`` or ``tesseract-legacy``.

    The component table is read by :mod:`dh_aimodel.formats.tessdata`.  In
    Debian's trixie files (tesseract-ocr-eng 4.1.0) the table is 24 int64
    offsets after the count 0x18, the lstm component follows it at 0xc4, and
    the version component at the end says ``4.00.00alpha:eng:synth20170629``
    (language, training set) and, for deu, the VGSL net spec
    ``[1,36,0,1Ct3,3,16Mp3,3Lfys64...O1c1]``.  The lstm component starts
    with Network::Serialize of the top Series: ``00 06000000 "Series" 00 00
    c0000000 24000000 6f000000 0fe30500``, i.e. 36 inputs, 111 outputs and
    385,807 weights.  osd.traineddata has only unicharset, inttemp,
    pffmtable and normproto: the legacy classifier.  A file with both
    reports the LSTM net and lists the legacy components in its fields.
    """
    meta = _read(c, "tessdata")
    if _bad_header(meta):
        return None
    components = meta.fields.get("components")
    if components is None:  # the components could not be read: the head's table tells
        lstm = _lstm_offset(c.head) is not None
        return Recognised("tesseract-lstm" if lstm else "tesseract-legacy", "name",
                          findings=meta.findings)
    present = [_component(n) for n in components.split(",")]
    legacy = [n for n in present if n in _LEGACY_CLASSIFIER]
    fields = _tesseract_version(meta.fields.get("version", ""))
    if "lstm" in present:
        fields.update(_lstm_header(c))
        if legacy:
            fields["legacy-components"] = ",".join(legacy)
        family = "tesseract-lstm"
    elif legacy:
        family = "tesseract-legacy"
    else:  # dictionaries and character sets only: no recogniser
        return None
    fields["components"] = _short(",".join(present))
    return Recognised(family, "content", fields, meta.findings)


def _component(name: str) -> str:
    """A component name; a zipped traineddata's members are ``eng.lstm``."""
    return name.rpartition(".")[2] if "." in name else name


def _tesseract_version(version: str) -> dict[str, str]:
    """``4.00.00alpha:eng:synth20170629[:spec]``: version, language, training, spec."""
    if not version:
        return {}
    parts = version.split(":")
    out = {"version": _short(version)}
    if len(parts) >= 3:
        out["language"] = _short(parts[1])
        out["training"] = _short(parts[2])
    spec = re.search(r"\[[^\]]{1,500}\]", version)
    if spec:
        out["architecture"] = spec.group(0)
    return out


def _lstm_offset(head: bytes) -> int | None:
    """Where the lstm component starts, from a little-endian offset table in the head."""
    count = _I32.unpack_from(head)[0] if len(head) >= 4 else 0
    if not _LSTM_INDEX < count <= _TESSDATA_MAX_ENTRIES or len(head) < 4 + 8 * count:
        return None
    (offset,) = struct.unpack_from("<q", head, 4 + 8 * _LSTM_INDEX)
    return offset if offset >= 4 + 8 * count else None


def _lstm_header(c: Candidate) -> dict[str, str]:
    """The top network's sizes, when the lstm component starts within the head."""
    head = c.head
    offset = _lstm_offset(head)
    if offset is None or offset + 5 > len(head) or head[offset] != 0:
        return {}
    (n,) = struct.unpack_from("<I", head, offset + 1)
    start = offset + 5
    if not 0 < n <= _NET_TYPE_CAP or start + n + _NET_NUMBERS.size > len(head):
        return {}
    kind = head[start:start + n]
    if not kind.isalpha():
        return {}
    _training, _backprop, _flags, ni, no, weights = _NET_NUMBERS.unpack_from(head, start + n)
    if min(ni, no, weights) < 0:
        return {}
    return {"network": kind.decode("ascii"), "inputs": str(ni), "outputs": str(no),
            "parameters": str(weights)}


# -- Cuneiform -----------------------------------------------------------------

#: cube*.dat: "980127 Printed Digits with ~ 128", then NULs.
_CUBE_HEAD: Final = re.compile(rb"(?P<date>\d{6}) (?P<text>[ -~]{1,80}?)\x00")
#: rec1*/rec2*.dat (evn.c): a uint32 index size, then that many bytes of
#: uint32 offsets (0 = no entry) into the event lists that follow.
_EVN_INDEX_CAP: Final = 64 * KiB
#: How many float32 of a pln_*.dat head are checked to be finite and small.
_PLN_FLOATS: Final = 256


def cuneiform_classifier(c: Candidate) -> Recognised | None:
    """Cuneiform's classifier files in usr/share/cuneiform (cuneiform-common).

    What the released source (cuneiform-linux 1.1.0) reads: rec1*/rec2*.dat
    are the evn recogniser's event tables (``evn.c``, ``alphabet.cpp``):
    in trixie each starts with the index size 0x2800 and 2560 uint32
    offsets, non-decreasing, into the file; rec3*.dat the r35 3x5 raster
    classifier (``r35.c``); rec4*.dat the leo mask classifier
    (``MSKInit``); cube*.dat start with a date and a description
    (``980127 Printed Digits with ~ 128``); pln_*.dat are a uint32 count
    and float32 coefficients.  rec3, rec4 have no header to check: they are
    recognised by name.  All are one model, the directory.
    """
    unit = c.path.rpartition("/")[0] or None
    name = c.name.lower()
    if name.startswith("cube"):
        return _cuneiform_cube(c, unit)
    if name.startswith(("rec1", "rec2")):
        return _cuneiform_evn(c, unit)
    if name.startswith("pln_"):
        return _cuneiform_pln(c, unit)
    if c.size == 0:
        return None
    return Recognised("cuneiform-classifier", "name", unit=unit)


def _cuneiform_cube(c: Candidate, unit: str | None) -> Recognised | None:
    m = _CUBE_HEAD.match(c.head)
    if m is None:
        return None
    return Recognised("cuneiform-classifier", "content",
                      {"version": m["date"].decode("ascii"),
                       "description": _short(m["text"].decode("ascii"))}, unit=unit)


def _cuneiform_evn(c: Candidate, unit: str | None) -> Recognised | None:
    head = c.head
    if len(head) < 4:
        return None
    (n,) = struct.unpack_from("<I", head)
    if not 4 <= n <= min(_EVN_INDEX_CAP, len(head), c.size) or n % 4:
        return None
    offsets = [o for o in struct.unpack_from(f"<{n // 4}I", head) if o]
    if not offsets or offsets[0] != n or any(b < a for a, b in zip(offsets, offsets[1:])):
        return None
    if offsets[-1] > c.size:
        return None
    return Recognised("cuneiform-classifier", "content",
                      {"index-entries": str(len(offsets)), "index-bytes": str(n)}, unit=unit)


def _cuneiform_pln(c: Candidate, unit: str | None) -> Recognised | None:
    head = c.head
    count = min(_PLN_FLOATS, (len(head) - 4) // 4)
    if count < 1:
        return None
    (n,) = struct.unpack_from("<I", head)
    values = struct.unpack_from(f"<{count}f", head, 4)
    if not 0 < n <= 1 << 20 or not all(math.isfinite(v) and abs(v) < 1e6 for v in values):
        return None
    return Recognised("cuneiform-classifier", "content",
                      {"count": str(n), "encoding": "float32"}, unit=unit)


#: speldict.h: char sign[8] "CTCDict", then fixed-width text fields.
_CTC_DICT: Final = re.compile(
    rb"CTCDict\x00(?P<cpu>[ -~]{0,7})\x00*(?P<lang>[A-Z]{3})\x00+(?P<ver>[0-9.]{1,7})\x00")


def cuneiform_dictionary(c: Candidate) -> Recognised | None:
    """rec7*.dat, Cuneiform's spelling dictionaries (rling's ``speldict.h``,
    ``STAT_DICT_SIGN "CTCDict"``); trixie's rec7.dat starts ``CTCDict\\0
    Intel\\0\\0\\0 ENG\\0... 01.01\\0``: byte order, language, version."""
    m = _CTC_DICT.match(c.head)
    if m is None:
        return None
    return Recognised("cuneiform-dictionary", "content",
                      {"language": m["lang"].decode("ascii"),
                       "version": m["ver"].decode("ascii"),
                       "byte-order": _short(m["cpu"].decode("ascii"))})


# -- OpenCV --------------------------------------------------------------------

#: Where the root node of an OpenCV FileStorage XML starts.
_STORAGE: Final = b"<opencv_storage>"
_NEW_CASCADE: Final = re.compile(rb"<cascade(?:\s[^>]{0,200})?>")
_OLD_CASCADE: Final = re.compile(rb"<(?P<name>[\w.-]{1,200})\s+type_id=\"opencv-haar-classifier\"")
_TAG: Final = {key: re.compile(rb"<" + key.encode() + rb">\s*([^<]{1,80}?)\s*</")
               for key in ("stageType", "featureType", "height", "width", "stageNum",
                           "boostType", "maxWeakCount", "maxDepth", "size")}
_COMMENT: Final = re.compile(rb"<!--(.{0,16384}?)-->", re.S)
#: Bytes read of an old-style cascade to count its stages (the largest in
#: Debian, haarcascade_frontalface_alt_tree.xml, is 2.7 MB).
_COUNT_CAP: Final = 64 * MiB
_STAGE_MARK: Final = b"<stage_threshold>"


def opencv_cascade(c: Candidate) -> Recognised | None:
    """An OpenCV cascade classifier XML (opencv-data, gnome-mousetrap).

    The new form (``opencv_traincascade``) is ``<opencv_storage><cascade
    type_id="opencv-cascade-classifier"><stageType>BOOST</stageType>
    <featureType>HAAR</featureType><height>20</height><width>20</width>
    ...<stageNum>24</stageNum>``, all in the head.  The old form
    (``haartraining``, haarcascade_mcs_nose.xml, the Russian licence
    plate) is ``<Nariz_15stages type_id="opencv-haar-classifier"><size>25
    15</size><stages>`` and declares no stage count: the stages are counted
    by their ``<stage_threshold>``.  The XML comment before the storage
    carries the description, the author and the licence ("Stump-based
    20x20 frontal eye detector. Created by Shameem Hameed ... Intel License
    Agreement").
    """
    head = c.head
    at = head.find(_STORAGE)
    if at < 0:
        return None
    body = head[at:]
    new = _NEW_CASCADE.search(body[:4 * KiB])
    old = None if new else _OLD_CASCADE.search(body[:4 * KiB])
    if new is None and old is None:
        return None
    fields = _xml_comment_fields(head[:at] or body)
    if new is not None:
        fields["architecture"] = "cascade"
        fields.update(_tags(body, ("stageType", "featureType", "height", "width",
                                   "stageNum", "boostType", "maxWeakCount", "maxDepth")))
        if "stageNum" in fields:
            fields["stages"] = fields.pop("stageNum")
    else:
        assert old is not None
        fields["architecture"] = "haar cascade (haartraining)"
        fields["featureType"] = "HAAR"
        fields["name"] = _short(old["name"].decode("ascii"))
        size = _tags(body, ("size",)).get("size", "").split()
        if len(size) == 2:
            fields["width"], fields["height"] = size
        stages = _count_stages(c)
        if stages is not None:
            fields["stages"] = str(stages)
    return Recognised("opencv-cascade", "content", fields)


def _tags(body: bytes, keys: tuple[str, ...]) -> dict[str, str]:
    """The first value of each simple element ``<key>value</key>`` in the head."""
    out = {}
    for key in keys:
        m = _TAG[key].search(body)
        if m is not None:
            out[key] = _short(m.group(1).decode("utf-8", "replace"))
    return out


def _count_stages(c: Candidate) -> int | None:
    """Stages of an old-style cascade, counted over the whole file in chunks;
    None when the file cannot be read to its end."""
    if c.size <= len(c.head):
        return c.head.count(_STAGE_MARK)
    if c.open is None or c.size > _COUNT_CAP:
        return None
    count, tail, keep = 0, b"", len(_STAGE_MARK) - 1
    try:
        with c.open() as f:
            while chunk := f.read(MiB):
                data = tail + chunk
                count += data.count(_STAGE_MARK)
                tail = data[-keep:]
    except OSError:
        return None
    return count


#: Lines of a leading comment that name an author or contributor.
_AUTHOR: Final = re.compile(
    r"(?:Created|Contributed|Computed|Trained|Developed|Made|Written) by\s+([^\n(]{2,120})"
    r"|Copyright \([cC]\)\s*([^\n(]{2,120})")
_LICENSE: Final = re.compile(r"^[\s|*/!-]*((?:[\w-]+ ){0,4}Licen[cs]e(?: Agreement)?)\s*$",
                             re.M)
_SAMPLES: Final = re.compile(r"[^\n.]{0,120}\bsamples\b[^\n.]{0,80}")


def _xml_comment_fields(text: bytes) -> dict[str, str]:
    """Description, author, licence and training hints of the first XML comment."""
    m = _COMMENT.search(text)
    if m is None:
        return {}
    comment = m.group(1).decode("utf-8", "replace")
    out = {}
    paragraph: list[str] = []
    for line in comment.splitlines():
        line = line.strip(" \t|*-")
        if not line and paragraph:
            break
        if line.startswith("////"):
            break
        if line:
            paragraph.append(line)
    if paragraph:
        out["description"] = _short(" ".join(paragraph))
    author = _AUTHOR.search(comment)
    if author:
        out["author"] = _short((author.group(1) or author.group(2)).rstrip(". "))
    licence = _LICENSE.search(comment)
    if licence:
        out["license"] = _short(licence.group(1))
    elif "Redistribution and use in source and binary forms" in comment:
        out["license"] = "BSD-style (redistribution and use in source and binary forms)"
    samples = _SAMPLES.search(comment)
    if samples:
        out["training"] = _short(samples.group(0))
    return out


_ML_NODE: Final = re.compile(rb"^opencv_ml_(\w{1,40}):|<opencv_ml_(\w{1,40})>", re.M)
_ML_KEYS: Final = ("format", "svmType", "type", "var_count", "sv_total", "class_count",
                   "ntrees", "layer_sizes", "training_method")
_YAML_SCALAR: Final = re.compile(rb"^[ ]{0,12}(\w{1,40}):[ \t]*([^\n{\[]{1,80})$", re.M)
_XML_SCALAR: Final = re.compile(rb"<(\w{1,40})>\s*([^<]{1,80}?)\s*</\1>")


def opencv_ml(c: Candidate) -> Recognised | None:
    """A cv::ml model saved by FileStorage, YAML or XML: ``%YAML:1.0 ---
    opencv_ml_svm: format: 3 svmType: EPS_SVR kernel: type: RBF ...
    var_count: 36 sv_total: 774`` (opencv-data's brisque_model_live.yml)."""
    m = _ML_NODE.search(c.head[:4 * KiB])
    if m is None:
        return None
    kind = (m.group(1) or m.group(2)).decode("ascii")
    scalar = _XML_SCALAR if m.group(2) else _YAML_SCALAR
    fields = {"architecture": kind}
    for found in scalar.finditer(c.head, m.end()):
        key = found.group(1).decode("ascii")
        if key in _ML_KEYS and key not in fields:
            fields[key] = _short(found.group(2).decode("utf-8", "replace"))
    if "type" in fields:
        fields["kernel"] = fields.pop("type")
    return Recognised("opencv-ml-model", "content", fields)


# -- dlib ----------------------------------------------------------------------

class _Short(Exception):
    """The dlib stream ended in the head, or an integer is malformed."""


def _dlib_int(data: bytes, pos: int) -> tuple[int, int]:
    """One integer in dlib's serialize.h format: a control byte (high bit:
    negative; low 4 bits: byte count) and the little-endian magnitude."""
    if pos >= len(data):
        raise _Short
    control = data[pos]
    size = control & 0x0F
    if control & 0x70 or size > 8 or pos + 1 + size > len(data):
        raise _Short
    value = int.from_bytes(data[pos + 1:pos + 1 + size], "little")
    return (-value if control & 0x80 else value), pos + 1 + size


def _dlib_float(data: bytes, pos: int) -> tuple[float, int]:
    """float_details: the mantissa, then the exponent, both dlib integers."""
    mantissa, pos = _dlib_int(data, pos)
    exponent, pos = _dlib_int(data, pos)
    if not -1100 < exponent < 1100:
        raise _Short
    return math.ldexp(mantissa, exponent), pos


_LOSS: Final = re.compile(rb"loss_[a-z0-9_]{1,40}")
_INPUT: Final = re.compile(rb"input_[a-z0-9_]{1,40}")
#: Layer names as dlib strings: control byte 1, the length, the name (layers.h).
_LAYER: Final = re.compile(rb"\x01[\x03-\x10]((?:con|fc|bn_con|bn_fc|affine|relu|max_pool|"
                           rb"avg_pool|add_prev|l2normalize)_\d?)", re.S)
_LOSS_MEANING: Final = {
    "loss_mmod_": "MMOD CNN object detector",
    "loss_metric_": "metric-learning embedding net (e.g. ResNet face recognition)",
    "loss_metric_2": "metric-learning embedding net (e.g. ResNet face recognition)",
    "loss_multiclass_log_": "classifier",
}
#: The largest shape the predictor's initial shape may have (landmarks * 2).
_MAX_SHAPE: Final = 100_000


def dlib_model(c: Candidate) -> Recognised | None:
    """A dlib serialised model (``dlib::serialize``, libdlib-data).

    A shape predictor (shape_predictor.h) is ``int version 1``, the initial
    shape as a column matrix written with negated dimensions, then the
    forests: trixie's shape_predictor_68_face_landmarks.dat starts ``01 01
    81 88 81 01`` (version 1, -136 rows, -1 column: 68 landmarks), 136
    floats (mantissa and exponent: ``03 4d38f1 81 1d``), then 15 cascades
    of 500 trees.  A dnn network (dnn/core.h ``add_loss_layer``) is ``int
    version 1`` then its loss layer's name as a string, ``loss_mmod_``,
    ``loss_metric_``; its input layer is written last (``input_rgb_image``).
    """
    head = c.head
    try:
        version, pos = _dlib_int(head, 0)
        if version not in (1, 2):
            return None
        if pos < len(head) and head[pos] & 0x80:
            return _shape_predictor(c, version, pos)
        length, pos = _dlib_int(head, pos)
    except _Short:
        return None
    name = head[pos:pos + length]
    if not 0 < length <= 64 or _LOSS.fullmatch(name) is None:
        return None
    loss = name.decode("ascii")
    fields = {"loss": loss, "version": str(version)}
    if loss in _LOSS_MEANING:
        fields["architecture"] = _LOSS_MEANING[loss]
    tail = _tail(c)
    found = _INPUT.findall(tail)
    if found:
        fields["input"] = found[-1].decode("ascii")
    layers = sorted({t.decode("ascii") for t in _LAYER.findall(head + tail)})
    if layers:
        fields["layers"] = _short(",".join(layers))
    return Recognised("dlib-dnn", "content", fields)


def _shape_predictor(c: Candidate, version: int, pos: int) -> Recognised | None:
    """The initial shape must parse; the forests' sizes are read when in the head."""
    head = c.head
    try:
        rows, pos = _dlib_int(head, pos)
        cols, pos = _dlib_int(head, pos)
        if cols != -1 or not -_MAX_SHAPE <= rows < 0 or rows % 2:
            return None
        for _ in range(-rows):
            value, pos = _dlib_float(head, pos)
    except _Short:
        return None
    fields = {"version": str(version), "landmarks": str(-rows // 2),
              "architecture": "ensemble of regression trees"}
    try:
        cascades, pos = _dlib_int(head, pos)
        trees, pos = _dlib_int(head, pos)
        splits, pos = _dlib_int(head, pos)
    except _Short:
        return Recognised("dlib-shape-predictor", "content", fields)
    if cascades > 0 and trees > 0:
        fields["cascade-depth"] = str(cascades)
        fields["trees-per-cascade"] = str(trees)
    if splits > 0:
        fields["tree-depth"] = str((splits + 1).bit_length() - 1)
    return Recognised("dlib-shape-predictor", "content", fields)


def _tail(c: Candidate, n: int = 4 * KiB) -> bytes:
    """The last ``n`` bytes, or b"" when they cannot be read."""
    if c.size <= len(c.head):
        return c.head[-n:]
    if c.open is None:
        return b""
    try:
        with c.open() as f:
            f.seek(max(0, c.size - n))
            return f.read(n)
    except OSError:
        return b""


# -- libsvm --------------------------------------------------------------------

_SVM_HEADER_KEYS: Final = ("svm_type", "kernel_type", "degree", "gamma", "coef0", "nr_class",
                           "total_sv", "license")
_SVM_TYPES: Final = frozenset({"c_svc", "nu_svc", "one_class", "epsilon_svr", "nu_svr"})
_SV_INDEX: Final = re.compile(rb"\s(\d{1,9}):")
#: The line that ends the header; celeste.model has CRLF and LF line ends.
_SV_LINE: Final = re.compile(rb"\nSV\r?\n")


def libsvm_model(c: Candidate) -> Recognised | None:
    """A libsvm model (svm.cpp ``svm_save_model``): ``svm_type c_svc``,
    ``kernel_type rbf``, ``gamma``, ``nr_class 2``, ``total_sv 13561``,
    ``rho``, ``label``, ``nr_sv`` lines, then ``SV`` and one support vector
    a line, ``coef index:value ...``.  hugin's celeste.model adds a
    ``license Copyright_2008_Tim_Nugent_under_the_GNU_General_Public_License...``
    line; the feature count is the largest index of the vectors in the head.
    """
    head = c.head
    sv = _SV_LINE.search(head)
    if not head.startswith(b"svm_type ") or sv is None:
        return None
    end = sv.start()
    fields: dict[str, str] = {}
    for line in head[:end].decode("utf-8", "replace").splitlines():
        key, _, value = line.partition(" ")
        if key in _SVM_HEADER_KEYS and key not in fields:
            fields[key] = _short(value.replace("_", " ") if key == "license" else value)
    if fields.get("svm_type") not in _SVM_TYPES or "kernel_type" not in fields:
        return None
    indices = [int(i) for i in _SV_INDEX.findall(head, end)]
    if indices:
        fields["features"] = str(max(indices))
    fields["architecture"] = f"SVM ({fields['svm_type']}, {fields['kernel_type']} kernel)"
    return Recognised("libsvm-model", "content", fields)


# -- GNU Backgammon ------------------------------------------------------------

def gnubg_net(c: Candidate) -> Recognised | None:
    """gnubg.weights or gnubg.wd, read by :mod:`dh_aimodel.formats.gnubg`."""
    if not gnubg_head(c.head):
        return None
    meta = _read(c, "gnubg-weights")
    if _bad_header(meta):
        return None
    fields = dict(meta.fields)
    fields["architecture"] = "multilayer perceptron ({}-{}-{})".format(
        fields.get("inputs", "?"), fields.get("hidden", "?"), fields.get("outputs", "?"))
    return Recognised("gnubg-neural-net", "content", fields, meta.findings)


#: bearoffdb.c: "gnubg-OS-06-15-1-1-0xxxx...\n" (one-sided: points, chequers,
#: gammons, compressed, normal distribution) or "gnubg-TS-PP-CC-C..." (two-sided).
_BEAROFF: Final = re.compile(
    rb"gnubg-(?P<kind>OS|TS)-(?P<points>\d{2})-(?P<chequers>\d{2})-(?P<flags>[0-9-]{1,20}?)x*\n")


def gnubg_bearoff(c: Candidate) -> Recognised | None:
    """gnubg_os0.bd (gnubg-data, trixie): ``gnubg-OS-06-15-1-1-0xxxx...\\n``,
    a one-sided bearoff database for 6 points and 15 chequers."""
    m = _BEAROFF.match(c.head[:64])
    if m is None:
        return None
    fields = {"sides": "one-sided" if m["kind"] == b"OS" else "two-sided",
              "points": str(int(m["points"])), "chequers": str(int(m["chequers"])),
              "flags": m["flags"].decode("ascii")}
    return Recognised("gnubg-bearoff-database", "content", fields)

