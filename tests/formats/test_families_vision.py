"""The vision and game families (data/families/vision.yaml, formats/vision_families.py).

Synthetic files are built here from the writers' formats (tesseract's
tessdatamanager and Network::Serialize, OpenCV's FileStorage, dlib's
serialize.h, libsvm's svm_save_model, gnubg's bearoffdb.c, Cuneiform's
evn/speldict tables); the real ones are taken at test time from the Debian
packages in $AIMODEL_ARCHIVE_DEBS.
"""

from __future__ import annotations

import io
import random
import struct
import subprocess
from collections.abc import Callable

import pytest
from conftest import archive_deb, recognised_members

from dh_aimodel.formats import families, vision_families
from dh_aimodel.formats.families import RECOGNISE_BYTES, Candidate, Recognised

# -- builders -----------------------------------------------------------------


def candidate(path: str, data: bytes, openable: bool = True) -> Candidate:
    return Candidate(path, len(data), data[:RECOGNISE_BYTES],
                     (lambda: io.BytesIO(data)) if openable else None)


def lstm_component(ni: int = 36, no: int = 111, weights: int = 385807) -> bytes:
    """Network::Serialize of the top Series, as eng.traineddata starts its lstm."""
    return (b"\x00" + struct.pack("<I", 6) + b"Series" + b"\x00\x00"
            + struct.pack("<iiii", 0xC0, ni, no, weights)
            + struct.pack("<I", 6) + b"Series" + bytes(64))


def traineddata(components: dict[int, bytes]) -> bytes:
    """24 int64 offsets (-1: absent) after the count, then the components in order."""
    offsets, body, at = [], b"", 4 + 8 * 24
    for i in range(24):
        if i in components:
            offsets.append(at + len(body))
            body += components[i]
        else:
            offsets.append(-1)
    return struct.pack("<i24q", 24, *offsets) + body


LSTM, VERSION, INTTEMP, PFFM, NORMPROTO, UNICHARSET = 17, 23, 3, 4, 5, 1
ENG = traineddata({LSTM: lstm_component(), 21: b"recoder", VERSION: b"4.00.00alpha:eng:synth20170629"})
DEU = traineddata({LSTM: lstm_component(no=115),
                   VERSION: b"4.00.00alpha:deu:synth20170629:[1,36,0,1Ct3,3,16Mp3,3Lfx96O1c1]"})
OSD = traineddata({UNICHARSET: b"1767\nNULL 0 Common 0\n", INTTEMP: b"t" * 32,
                   PFFM: b"p" * 16, NORMPROTO: b"n" * 16})
BOTH = traineddata({INTTEMP: b"t" * 32, PFFM: b"p" * 16, LSTM: lstm_component(),
                    VERSION: b"4.00.00alpha:Latin:synth20170629"})
DAWGS = traineddata({6: b"dawg" * 8, 7: b"word" * 8})

CASCADE = b"""<?xml version="1.0"?>
<!--
    Stump-based 20x20 frontal eye detector.
    Created by Shameem Hameed (http://umich.edu/~shameem)

//////////////////////////////////////////////////////////
                        Intel License Agreement
 Redistribution and use in source and binary forms, with or without modification,
-->
<opencv_storage>
<cascade type_id="opencv-cascade-classifier"><stageType>BOOST</stageType>
  <featureType>HAAR</featureType>
  <height>20</height>
  <width>20</width>
  <stageParams>
    <maxWeakCount>93</maxWeakCount></stageParams>
  <stageNum>24</stageNum>
  <stages>
    <_>
      <maxWeakCount>6</maxWeakCount>
      <stageThreshold>-1.4562760591506958e+00</stageThreshold>
"""


def old_cascade(stages: int = 3) -> bytes:
    """haartraining's form: no stage count, one <stage_threshold> per stage."""
    stage = b"    <_>\n      <trees>\n      </trees>\n      <stage_threshold>-0.5</stage_threshold>\n"
    return (b'<?xml version="1.0"?>\n<!--\n  25x15 Nose detector computed with 7000 positive '
            b"samples\n\n| Copyright (c) 2006, Modesto Castrillon-Santana (IUSIANI, Spain).\n"
            b"-->\n<opencv_storage>\n<Nariz_15stages type_id=\"opencv-haar-classifier\">\n"
            b"  <size>\n    25 15</size>\n  <stages>\n" + stage * stages
            + b"  </stages></Nariz_15stages>\n</opencv_storage>\n")


ML_SVM = (b"%YAML:1.0\n---\nopencv_ml_svm:\n   format: 3\n   svmType: EPS_SVR\n   kernel:\n"
          b"      type: RBF\n      gamma: 5.0e-02\n   C: 1024.\n   var_count: 36\n"
          b"   sv_total: 774\n   support_vectors:\n      - [ -5.97e-01, -1.39e-01 ]\n")


def dlib_int(value: int) -> bytes:
    """serialize.h: control byte (0x80 negative | byte count), magnitude little-endian."""
    magnitude = abs(value)
    raw = magnitude.to_bytes(max(1, (magnitude.bit_length() + 7) // 8), "little")
    return bytes([len(raw) | (0x80 if value < 0 else 0)]) + raw


def dlib_str(text: bytes) -> bytes:
    return dlib_int(len(text)) + text


def shape_predictor(landmarks: int = 68, cascades: int = 15, trees: int = 500,
                    splits: int = 15) -> bytes:
    shape = b"".join(dlib_int(0xF1384D + i) + dlib_int(-29) for i in range(2 * landmarks))
    return (dlib_int(1) + dlib_int(-2 * landmarks) + dlib_int(-1) + shape
            + dlib_int(cascades) + dlib_int(trees) + dlib_int(splits) + bytes(200))


def dlib_dnn(loss: bytes = b"loss_mmod_") -> bytes:
    return (dlib_int(1) + dlib_str(loss) + bytes(40) + dlib_str(b"con_6") + bytes(300)
            + dlib_str(b"relu_2") + bytes(100) + dlib_str(b"input_rgb_image_pyramid") + bytes(8))


LIBSVM = (b"svm_type c_svc\r\nkernel_type rbf\ngamma 1e-05\nnr_class 2\ntotal_sv 3\n"
          b"rho 0.823739\nlabel 1 -1\nnr_sv 1 2\nlicense Copyright_2008_Tim_Nugent_under_the"
          b"_GNU_General_Public_License_version_2_or_later\nSV\r\n"
          b"8.4 1:226.2 38:39.25\n-1 2:1.5 54:7.4\n-0.5 3:1 4:2\n")

GNUBG_TEXT = (b"GNU Backgammon 1.00\n250 128 5 contact 0.100000 1.000000\n"
              + b"  0.1234567\n" * 20)
GNUBG_BINARY = (struct.pack("<ff", 472.3782, 1.0) + struct.pack("<4i2f", 4, 3, 2, 0, 0.1, 1.0)
                + bytes(4 * (4 * 3 + 3 * 2 + 3 + 2)))
BEAROFF = b"gnubg-OS-06-15-1-1-0" + b"x" * 19 + b"\n" + bytes(200)


def evn_table(entries: int = 5) -> bytes:
    """rec1*.dat: 0x2800 uint32 of index, the first (the index size) being the
    offset of the first list, 0 for no entry."""
    n = 0x2800
    offsets = [0] * (n // 4)
    for i in range(entries):
        offsets[i * 3] = n + 7 * i
    return struct.pack(f"<{n // 4}I", *offsets) + bytes(7 * entries + 16)


CUBE = b"980127 Printed Digits with ~ 128" + bytes(400)
PLN = struct.pack("<I", 10) + struct.pack("<64f", *(0.001 * i for i in range(64)))
CTC_DICT = (b"CTCDict\x00Intel\x00\x00\x00ENG\x00\x00\x00\x00\x0001.01\x00\x00\x00"
            b"0367160\x00" + bytes(100))

#: path, bytes, family, how, expected fields (a subset).
CASES: list[tuple[str, bytes, str, str, dict[str, str]]] = [
    ("usr/share/tesseract-ocr/5/tessdata/eng.traineddata", ENG, "tesseract-lstm", "content",
     {"language": "eng", "training": "synth20170629", "parameters": "385807",
      "inputs": "36", "outputs": "111", "network": "Series"}),
    ("usr/share/tesseract-ocr/5/tessdata/deu.traineddata", DEU, "tesseract-lstm", "content",
     {"architecture": "[1,36,0,1Ct3,3,16Mp3,3Lfx96O1c1]", "outputs": "115"}),
    ("usr/share/tesseract-ocr/5/tessdata/osd.traineddata", OSD, "tesseract-legacy", "content",
     {"components": "unicharset,inttemp,pffmtable,normproto"}),
    ("usr/share/tessdata/Latin.traineddata", BOTH, "tesseract-lstm", "content",
     {"legacy-components": "inttemp,pffmtable", "language": "Latin"}),
    ("usr/share/opencv4/haarcascades/haarcascade_eye.xml", CASCADE, "opencv-cascade",
     "content", {"stages": "24", "featureType": "HAAR", "width": "20", "height": "20",
                 "stageType": "BOOST", "author": "Shameem Hameed",
                 "license": "Intel License Agreement",
                 "description": "Stump-based 20x20 frontal eye detector. Created by Shameem "
                                "Hameed (http://umich.edu/~shameem)"}),
    ("usr/lib/python3/dist-packages/mousetrap/haars/haarcascade_mcs_nose.xml", old_cascade(),
     "opencv-cascade", "content",
     {"stages": "3", "width": "25", "height": "15", "name": "Nariz_15stages",
      "author": "2006, Modesto Castrillon-Santana",
      "training": "25x15 Nose detector computed with 7000 positive samples"}),
    ("usr/share/opencv4/quality/brisque_model_live.yml", ML_SVM, "opencv-ml-model", "content",
     {"architecture": "svm", "svmType": "EPS_SVR", "kernel": "RBF", "var_count": "36",
      "sv_total": "774"}),
    ("usr/share/dlib/shape_predictor_68_face_landmarks.dat", shape_predictor(),
     "dlib-shape-predictor", "content",
     {"landmarks": "68", "cascade-depth": "15", "trees-per-cascade": "500", "tree-depth": "4"}),
    ("usr/share/dlib/mmod_human_face_detector.dat", dlib_dnn(), "dlib-dnn", "content",
     {"loss": "loss_mmod_", "input": "input_rgb_image_pyramid", "layers": "con_6,relu_2",
      "architecture": "MMOD CNN object detector"}),
    ("usr/share/dlib/dlib_face_recognition_resnet_model_v1.dat", dlib_dnn(b"loss_metric_"),
     "dlib-dnn", "content", {"loss": "loss_metric_"}),
    ("usr/share/hugin/data/celeste.model", LIBSVM, "libsvm-model", "content",
     {"svm_type": "c_svc", "kernel_type": "rbf", "nr_class": "2", "total_sv": "3",
      "features": "54", "license": "Copyright 2008 Tim Nugent under the GNU General Public "
                                   "License version 2 or later"}),
    ("usr/share/gnubg/gnubg.weights", GNUBG_TEXT, "gnubg-neural-net", "content",
     {"version": "1.00", "inputs": "250", "hidden": "128", "outputs": "5", "encoding": "text"}),
    ("usr/lib/gnubg/gnubg.wd", GNUBG_BINARY, "gnubg-neural-net", "content",
     {"inputs": "4", "hidden": "3", "outputs": "2", "encoding": "binary, little-endian"}),
    ("usr/share/gnubg/gnubg_os0.bd", BEAROFF, "gnubg-bearoff-database", "content",
     {"sides": "one-sided", "points": "6", "chequers": "15"}),
    ("usr/share/cuneiform/rec1.dat", evn_table(), "cuneiform-classifier", "content",
     {"index-entries": "5", "index-bytes": "10240"}),
    ("usr/share/cuneiform/cube16pd.dat", CUBE, "cuneiform-classifier", "content",
     {"version": "980127", "description": "Printed Digits with ~ 128"}),
    ("usr/share/cuneiform/pln_hpd.dat", PLN, "cuneiform-classifier", "content",
     {"count": "10"}),
    ("usr/share/cuneiform/rec4cour.dat", bytes(64) + b"C", "cuneiform-classifier", "name", {}),
    ("usr/share/cuneiform/rec7.dat", CTC_DICT, "cuneiform-dictionary", "content",
     {"language": "ENG", "version": "01.01", "byte-order": "Intel"}),
]


@pytest.mark.parametrize(("path", "data", "family", "how", "fields"), CASES,
                         ids=[c[2] + ":" + c[0].rpartition("/")[2] for c in CASES])
def test_synthetic_files_are_recognised(path: str, data: bytes, family: str, how: str,
                                        fields: dict[str, str]) -> None:
    found = families.recognise(candidate(path, data))
    assert found is not None
    assert (found.family, found.how) == (family, how)
    assert {k: found.fields.get(k) for k in fields} == fields
    assert families.families()[family].recogniser.startswith("vision_families.")


def test_cuneiform_files_are_one_unit() -> None:
    found = families.recognise(candidate("usr/share/cuneiform/rec3.dat", bytes(100)))
    assert found is not None and found.unit == "usr/share/cuneiform"


def test_traineddata_of_dictionaries_only_is_no_model() -> None:
    assert families.recognise(candidate("x/eng.traineddata", DAWGS)) is None


def test_traineddata_head_only_falls_back_to_its_name() -> None:
    """A .deb member whose middle cannot be read: the head's table still tells LSTM."""
    data = traineddata({LSTM: lstm_component() + bytes(RECOGNISE_BYTES), VERSION: b"4.1"})
    found = families.recognise(candidate("x/eng.traineddata", data, openable=False))
    assert found is not None and (found.family, found.how) == ("tesseract-lstm", "name")


def test_opencv_storage_without_a_cascade_is_not_one() -> None:
    calib = b'<?xml version="1.0"?>\n<opencv_storage>\n<camera_matrix type_id="opencv-matrix">'
    assert families.recognise(candidate("usr/share/opencv4/calib.xml", calib)) is None
    assert families.recognise(candidate("usr/share/opencv4/quality/brisque_range_live.yml",
                                        b"%YAML:1.0\n---\nrange: !!opencv-matrix\n")) is None


def test_readme_of_gnubg_is_no_net() -> None:
    found = families.recognise(candidate("usr/share/gnubg/gnubg.weights",
                                         b"GNU Backgammon is a program\n"))
    assert found is None


# -- hostile variants ---------------------------------------------------------

RECOGNISERS: dict[str, Callable[[Candidate], Recognised | None]] = {
    "tesseract": vision_families.tesseract,
    "cuneiform_classifier": vision_families.cuneiform_classifier,
    "cuneiform_dictionary": vision_families.cuneiform_dictionary,
    "opencv_cascade": vision_families.opencv_cascade,
    "opencv_ml": vision_families.opencv_ml,
    "dlib_model": vision_families.dlib_model,
    "libsvm_model": vision_families.libsvm_model,
    "gnubg_net": vision_families.gnubg_net,
    "gnubg_bearoff": vision_families.gnubg_bearoff,
}


def variants(data: bytes) -> list[bytes]:
    """Empty, truncated at many lengths, and bit-flipped copies of ``data``."""
    rng = random.Random(len(data))
    cuts = sorted({0, 1, 2, 3, 4, 5, 8, 16, 64, 200, 1000, len(data) // 2, len(data) - 1})
    out = [data[:n] for n in cuts if n < len(data)]
    for _ in range(20):
        b = bytearray(data[:4096])
        for _ in range(8):
            b[rng.randrange(len(b))] = rng.randrange(256)
        out.append(bytes(b))
    return out


@pytest.mark.parametrize(("path", "data"), [(c[0], c[1]) for c in CASES],
                         ids=[c[2] + ":" + c[0].rpartition("/")[2] for c in CASES])
def test_hostile_variants_never_raise(path: str, data: bytes) -> None:
    for variant in variants(data):
        for openable in (True, False):
            c = candidate(path, variant, openable)
            for recogniser in RECOGNISERS.values():
                recogniser(c)
            families.recognise(c)


@pytest.mark.parametrize("name", sorted(RECOGNISERS))
def test_garbage_and_empty_are_not_content(name: str) -> None:
    rng = random.Random(name)
    paths = ["usr/share/cuneiform/rec1.dat", "usr/share/cuneiform/cube16pd.dat",
             "usr/share/cuneiform/pln_x.dat", "x/eng.traineddata", "usr/share/dlib/x.dat",
             "usr/share/opencv4/haarcascades/x.xml", "usr/share/gnubg/gnubg.wd"]
    for size in (0, 1, 7, 300, 5000):
        data = rng.randbytes(size)
        for path in paths:
            found = RECOGNISERS[name](candidate(path, data))
            assert found is None or found.how == "name", (path, size, found)


def test_truncated_headers_are_not_content() -> None:
    """Cut inside the part each recogniser must see, no file is confirmed."""
    for path, data, cut in [
            ("x/eng.traineddata", ENG, 100), ("usr/share/dlib/sp.dat", shape_predictor(), 20),
            ("usr/share/dlib/m.dat", dlib_dnn(), 6), ("x/celeste.model", LIBSVM, 60),
            ("usr/share/gnubg/gnubg_os0.bd", BEAROFF, 12), ("x/h.xml", CASCADE, 300),
            ("usr/share/cuneiform/rec1.dat", evn_table(), 4000),
            ("usr/share/cuneiform/rec7.dat", CTC_DICT, 10)]:
        found = families.recognise(candidate(path, data[:cut]))
        assert found is None or found.how == "name", (path, found)


# -- the real packages ----------------------------------------------------------

#: package (trixie) -> the families its files must include.
REAL: dict[str, set[str]] = {
    "tesseract-ocr-eng": {"tesseract-lstm"},
    "tesseract-ocr-deu": {"tesseract-lstm"},
    "tesseract-ocr-osd": {"tesseract-legacy"},
    "tesseract-ocr-script-latn": {"tesseract-lstm"},
    "cuneiform-common": {"cuneiform-classifier", "cuneiform-dictionary"},
    "opencv-data": {"opencv-cascade", "opencv-ml-model"},
    "libdlib-data": {"dlib-shape-predictor"},
    "gnome-mousetrap": {"opencv-cascade"},
    "hugin-data": {"libsvm-model"},
    # trixie's gnubg-data ships no gnubg.weights/gnubg.wd: its one table is the bearoff db
    "gnubg-data": {"gnubg-bearoff-database"},
}
NEGATIVE = ["fonts-dejavu-core", "sound-theme-freedesktop", "desktop-base", "firmware-realtek",
            "hunspell-en-us", "proj-data", "geoip-database", "libcommons-lang3-java",
            "python3-joblib", "python3-sklearn"]


@pytest.mark.parametrize("package", sorted(REAL))
def test_real_packages_yield_their_families(package: str) -> None:
    found = recognised_members(archive_deb(package))
    assert REAL[package] <= {r.family for r in found.values()}
    assert all(r.how == "content" for p, r in found.items()
               if not p.startswith("usr/share/cuneiform/rec")), found


@pytest.mark.parametrize("suite", ["bookworm", "trixie"])
def test_stockfish_ships_no_standalone_net(suite: str) -> None:
    """The net is only compiled into the executable (the embedded families' job)."""
    deb = archive_deb("stockfish", suite)
    listing = subprocess.run(["dpkg-deb", "-c", str(deb)], check=True,
                             capture_output=True, text=True).stdout
    assert ".nnue" not in listing


@pytest.mark.parametrize("package", NEGATIVE)
def test_negative_packages_have_no_vision_model(package: str) -> None:
    mine = {fid for fid, fam in families.families().items()
            if fam.recogniser.startswith("vision_families.") and fam.kind == "model"}
    found = recognised_members(archive_deb(package))
    assert not {p: r.family for p, r in found.items() if r.family in mine}


class _MiddleUnreadable(io.BytesIO):
    """A .deb member: reading past the head and before the tail raises OSError."""

    def read(self, n: int | None = -1) -> bytes:
        if RECOGNISE_BYTES < self.tell() + 1 < len(self.getbuffer()) - 4096:
            raise OSError("middle of a .deb member")
        return super().read(n)


def test_unreadable_middle_of_a_member_is_no_error() -> None:
    big = traineddata({LSTM: lstm_component() + bytes(2 * RECOGNISE_BYTES),
                       VERSION: b"4.00.00alpha:eng:synth20170629"})
    cascade = old_cascade(40000)
    for path, data in (("x/eng.traineddata", big), ("x/haarcascade_nose.xml", cascade)):
        c = Candidate(path, len(data), data[:RECOGNISE_BYTES],
                      lambda d=data: _MiddleUnreadable(d))
        found = families.recognise(c)
        assert found is not None and found.family in ("tesseract-lstm", "opencv-cascade")
        assert "stages" not in found.fields
    assert found.how == "content" and found.fields["width"] == "25"
