"""The model formats of real Debian source packages that are not ML-framework files.

Stockfish's NNUE nets, GNU Backgammon's weights, CMU Sphinx acoustic models
and language models (pocketsphinx) and weights written as C arrays (opus
1.5).  Every input is built here, small, from the formats' own
specifications (Stockfish's nnue_common.h, gnubg's neuralnet.c, sphinxbase's
bio.c and ngram_model_dmp.c); each has a negative twin that must not be taken
for a model.
"""

from __future__ import annotations

import io
import random
import struct
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dh_aimodel.formats import (
    ARPA_HEAD_CAP,
    FINDING_CODES,
    SNIFF_BYTES,
    Metadata,
    c_arrays,
    looks_like_model,
    read_metadata,
    sniff,
    sniff_file,
)
from dh_aimodel.formats.c_arrays import Summary, c_array_summary
from dh_aimodel.formats.model_dirs import ModelDir, model_directories

# -- builders -----------------------------------------------------------------

SF_DESCRIPTION = b"Features=HalfKAv2_hm(Friend)[45056->1024x2]->[16->32->1]"


def nnue(version: int = 0x7AF32F20, description: bytes = SF_DESCRIPTION,
         compressed: bool = True, length: int | None = None) -> bytes:
    body = struct.pack("<I", 0x5F234CB8) + (b"COMPRESSED_LEB128" if compressed else b"")
    return (struct.pack("<III", version, 0x1C1020F2,
                        len(description) if length is None else length)
            + description + body + bytes(256))


GNUBG_TEXT = (b"GNU Backgammon 1.00\n250 128 5 contact 0.100000 1.000000\n"
              + b"  0.1234567\n" * 20)


def gnubg_binary(order: str = "<", inputs: int = 4, hidden: int = 3, outputs: int = 2,
                 weights: bool = True) -> bytes:
    head = struct.pack(f"{order}ff", 472.3782, 1.0) + struct.pack(
        f"{order}4i2f", inputs, hidden, outputs, 0, 0.1, 1.0)
    count = inputs * hidden + hidden * outputs + hidden + outputs
    return head + (bytes(4 * count) if weights else b"")


def s3(order: str = "<", header: bytes = b"version 1.0\nchksum0 yes\n") -> bytes:
    return (b"s3\n" + header + b"      endhdr\n" + struct.pack(f"{order}I", 0x11223344)
            + struct.pack(f"{order}5i", 42, 3, 128, 13, 13) + bytes(64))


def sized(text: bytes, order: str = "<") -> bytes:
    return struct.pack(f"{order}i", len(text)) + text


BMDF = b"BMDF" + struct.pack("<ii", 1, 1052) + b"BEGIN FILE FORMAT DESCRIPTION\n" + bytes(40)
SENDUMP = sized(b"BEGIN FILE FORMAT DESCRIPTION\0") + sized(b"(int32) <length(string)>\0")
TEXT_MDEF = b"0.3\n42 n_base\n137053 n_tri\n548372 n_state_map\n5126 n_tied_state\n"


def dmp(order: str = "<", counts: tuple[int, int, int] = (5, 4, 3),
        descriptions: int = 1) -> bytes:
    data = sized(b"Darpa Trigram LM\0", order) + sized(b"turtle.lm\0", order)
    data += struct.pack(f"{order}ii", -1, 0)
    data += b"".join(sized(b"format description line\0", order) for _ in range(descriptions))
    return data + struct.pack(f"{order}i", 0) + struct.pack(f"{order}3i", *counts) + bytes(32)


ARPA = b"\n\\data\\\nngram 1=91\nngram 2=212\nngram 3=177\n\n\\1-grams:\n-0.9129 </s> -0.3010\n"
LONG_PREAMBLE = (b"Language model created by QuickLM on Wed Aug  4 14:21:56 EDT 1999\n"
                 b"Carnegie Mellon University (c) 1996\n\n")


def weights_c(count: int = 12_000, arrays: int = 3, kind: str = "int8",
              seed: int = 1) -> bytes:
    """An opus-1.5-style dnn/*_data.c: int8 or float weights in brace initialisers."""
    rng = random.Random(seed)
    out = ["/* Auto generated from checkpoint fargan.pth */", "#include \"nnet.h\"",
           "#ifndef USE_WEIGHTS_FILE"]
    per = count // arrays
    for a in range(arrays):
        ctype = "opus_int8" if kind == "int8" else "float"
        out.append(f"#define WEIGHTS_layer{a}_DEFINED")
        out.append(f"static const {ctype} fargan_layer{a}_weights[{per}] = {{")
        if kind == "int8":
            values = [str(rng.randint(-128, 127)) for _ in range(per)]
        elif kind == "float":
            values = [f"{rng.uniform(-1, 1):.8e}f" for _ in range(per)]
        else:  # unsigned table entries, as a Unicode or font table has
            values = [f"0x{rng.randint(0, 255):02x}" for _ in range(per)]
        out += ["    " + ",".join(values[i:i + 16]) + "," for i in range(0, per, 16)]
        out.append("};")
    out.append("#endif")
    return ("\n".join(out) + "\n").encode()


ORDINARY_C = (b"#include <stdio.h>\nstatic const int table[8] = {1, 2, 3, 4, 5, 6, 7, 8};\n"
              + b"int f(int x) {\n    if (x > 3) return table[x & 7] * 2;\n    return -x;\n}\n"
              * 600)


def meta(data: bytes, fmt: str) -> Metadata:
    return read_metadata(io.BytesIO(data), fmt)


# -- sniff: positives and negatives -----------------------------------------------

POSITIVES = [
    (nnue(), "nn-1111cefa1111.nnue", "nnue"),
    (nnue(), "eval.bin", "nnue"),                                   # the bytes tell
    (nnue(0x7AF32F16), "nn-82215d0fd0df.nnue", "nnue"),             # Stockfish 12
    (nnue(0x7AF32F21), "nn-future000000.nnue", "nnue"),             # the family, by name
    (GNUBG_TEXT, "gnubg.weights", "gnubg-weights"),
    (gnubg_binary(), "gnubg.wd", "gnubg-weights"),
    (gnubg_binary(">"), "gnubg.wd", "gnubg-weights"),               # built on s390x
    (s3(), "means", "sphinx-acoustic"),
    (s3(">"), "variances", "sphinx-acoustic"),
    (BMDF, "mdef", "sphinx-acoustic"),
    (b"FDMB" + BMDF[4:], "mdef", "sphinx-acoustic"),
    (SENDUMP, "sendump", "sphinx-acoustic"),
    (TEXT_MDEF, "mdef", "sphinx-acoustic"),
    (b"0.3\n# Generated by sphinxtrain, a long comment line\n", "en.mdef", "sphinx-acoustic"),
    (dmp(), "turtle.lm.DMP", "sphinx-dmp-lm"),
    (dmp(">"), "x", "sphinx-dmp-lm"),
    (ARPA, "turtle.lm", "arpa-lm"),
    (b"\\data\\\nngram 1=3\n", "lm.txt", "arpa-lm"),
    (b"This is an ARPA-format language model file, generated by CMU Sphinx\n\\data\\\n",
     "en-us.lm", "arpa-lm"),
    (b"Trie Language Model\x03+\x00\x00\x00", "en-us.lm.bin", "other"),
]

NEGATIVES = [
    (nnue(0x7AF32F21), "eval.bin"),                      # unknown version, no .nnue name
    (nnue(0x12345678), "nn-000000000000.nnue"),          # not the family
    (nnue(length=0), "nn-000000000000.nnue"),            # no description
    (nnue(length=2**31), "nn-000000000000.nnue"),        # implausible description
    (nnue(description=b"\x00\x01\x02\x03binary"), "x.nnue"),
    (b"GNU Backgammon is a program for playing and analysing backgammon.\n", "README"),
    (b"GNU Backgammon 1.00\nThe weights are in the next file.\n", "gnubg.weights"),
    (struct.pack("<ff", 472.3782, 1e9) + bytes(24), "gnubg.wd"),   # no such version
    (b"s3\n\x00\x01\x02\x03binary data", "means"),
    (b"s3\n", "means"),
    (b"0.3\n0.4\n0.5\n", "values.txt"),                   # numbers, not an mdef
    (sized(b"Darpa Trigram LM\0")[:4] + b"Something else!!\0", "x.dmp"),
    (b"See the \\data\\ directory for ngram files\n", "README.lm"),
    (b"$TTL 86400\n@ IN SOA ns1.example.org. hostmaster.example.org. (\n", "1.168.192.in-addr.arpa"),
    (ORDINARY_C[:SNIFF_BYTES], "table.c"),
    (weights_c()[:SNIFF_BYTES], "fargan_data.c"),        # C arrays are no 64-byte sniff
]


@pytest.mark.parametrize(("data", "name", "fmt"), POSITIVES)
def test_sniff_recognises(data: bytes, name: str, fmt: str) -> None:
    assert sniff(data[:SNIFF_BYTES], name) == fmt
    assert looks_like_model(data[:SNIFF_BYTES], name)


@pytest.mark.parametrize(("data", "name"), NEGATIVES)
def test_sniff_refuses(data: bytes, name: str) -> None:
    assert sniff(data[:SNIFF_BYTES], name) is None


def test_nnue_name_alone_is_a_model_to_declare_but_not_a_format() -> None:
    assert sniff(b"garbage" * 8, "nn-37f18f62d772.nnue") is None
    assert looks_like_model(b"garbage" * 8, "nn-37f18f62d772.nnue")
    assert not looks_like_model(b"garbage" * 8, "gnubg.weights")


def test_sniff_file_reads_an_arpa_preamble_longer_than_the_head(tmp_path: Path) -> None:
    data = LONG_PREAMBLE + ARPA
    assert sniff(data[:SNIFF_BYTES], "turtle.lm") is None
    for name, expected in (("turtle.lm", "arpa-lm"), ("turtle.arpa", "arpa-lm"),
                           ("turtle.txt", None)):
        (tmp_path / name).write_bytes(data)
        assert sniff_file(tmp_path / name) == expected
    zone = tmp_path / "0.in-addr.arpa"
    zone.write_bytes(b"$ORIGIN 0.in-addr.arpa.\n" * 100)
    assert sniff_file(zone) is None
    far = tmp_path / "far.lm"
    far.write_bytes(b"#" * ARPA_HEAD_CAP + ARPA)    # the data line past the cap
    assert sniff_file(far) is None


# -- read_metadata -----------------------------------------------------------------


def test_nnue_metadata() -> None:
    m = meta(nnue(), "nnue")
    assert m.findings == ()
    assert dict(m.fields) == {"version": "0x7af32f20", "hash": "0x1c1020f2",
                              "description": SF_DESCRIPTION.decode(), "compression": "leb128",
                              "size": str(len(nnue()))}
    assert meta(nnue(compressed=False), "nnue").fields["compression"] == "none"
    odd = meta(nnue(0x7AF32F21), "nnue")
    assert [f.code for f in odd.findings] == ["bad-header"]
    assert "0x7af32f21 is none Stockfish wrote" in odd.findings[0].message


@pytest.mark.parametrize(("data", "code", "text"), [
    (nnue(length=2**31)[:200], "header-too-large", "declares 2147483648 bytes, over"),
    (nnue()[:30], "truncated", "NNUE description declares"),
    (nnue()[:12 + len(SF_DESCRIPTION)], "truncated", "ends after its description"),
    (nnue(0x01020304), "bad-header", "not a Stockfish net version"),
    (b"\x20\x2f", "truncated", "NNUE header"),
])
def test_nnue_problems(data: bytes, code: str, text: str) -> None:
    [finding] = meta(data, "nnue").findings
    assert finding.code == code and text in finding.message


def test_gnubg_metadata_text_and_both_binary_orders() -> None:
    assert dict(meta(GNUBG_TEXT, "gnubg-weights").fields) == {
        "encoding": "text", "version": "1.00", "inputs": "250", "hidden": "128",
        "outputs": "5"}
    for order, word in (("<", "little"), (">", "big")):
        m = meta(gnubg_binary(order), "gnubg-weights")
        assert m.findings == ()
        assert dict(m.fields) == {"encoding": f"binary, {word}-endian", "version": "1.00",
                                  "inputs": "4", "hidden": "3", "outputs": "2"}


@pytest.mark.parametrize(("data", "code", "text"), [
    (gnubg_binary(weights=False), "truncated", "declares 92 bytes of weights"),
    (gnubg_binary(inputs=2**31 - 1, hidden=2**31 - 1, weights=False), "truncated",
     f"declares {4 * ((2**31 - 1) ** 2 + 3 * (2**31 - 1) + 2)} bytes of weights"),
    (gnubg_binary(hidden=0), "bad-header", "sizes 4x0x2"),
    (gnubg_binary()[:12], "truncated", "before the first net's sizes"),
    (b"GNU Backgammon is a program\n", "bad-header", "not a gnubg weights file"),
])
def test_gnubg_problems(data: bytes, code: str, text: str) -> None:
    [finding] = meta(data, "gnubg-weights").findings
    assert finding.code == code and text in finding.message


def test_sphinx_members_metadata() -> None:
    assert dict(meta(s3(">"), "sphinx-acoustic").fields) == {
        "member": "s3 parameters", "s3.version": "1.0", "s3.chksum0": "yes",
        "byte-order": "big-endian"}
    assert dict(meta(BMDF, "sphinx-acoustic").fields) == {"member": "mdef (binary)",
                                                          "mdef.version": "1"}
    assert dict(meta(SENDUMP, "sphinx-acoustic").fields) == {"member": "sendump"}
    assert dict(meta(TEXT_MDEF, "sphinx-acoustic").fields) == {"member": "mdef (text)",
                                                               "mdef.version": "0.3"}


@pytest.mark.parametrize(("data", "code", "text"), [
    (b"s3\nversion 1.0\n" + bytes(100), "truncated", "no 'endhdr' line"),
    (b"s3\nversion 1.0\nendhdr\n\x01\x02", "truncated", "before its byte-order mark"),
    (b"s3\nversion 1.0\nendhdr\nABCD", "bad-header", "byte-order mark is 41424344"),
    (b"s3\n" + b"k v\n" * 40 + b"endhdr\n" + struct.pack("<I", 0x11223344), "bad-header",
     "at most 32"),
    (b"RIFF\x00\x00", "bad-header", "not a Sphinx acoustic model file"),
])
def test_sphinx_acoustic_problems(data: bytes, code: str, text: str) -> None:
    m = meta(data, "sphinx-acoustic")
    assert [f.code for f in m.findings] == [code]
    assert text in m.findings[0].message


def test_dmp_metadata_both_orders() -> None:
    for order in "<>":
        m = meta(dmp(order, descriptions=3), "sphinx-dmp-lm")
        assert m.findings == ()
        assert dict(m.fields) == {"source": "turtle.lm", "dmp.version": "1",
                                  "ngram.1": "5", "ngram.2": "4", "ngram.3": "3"}


def test_dmp_of_the_oldest_kind_starts_with_the_unigram_count() -> None:
    data = sized(b"Darpa Trigram LM\0") + sized(b"a.lm\0") + struct.pack("<3i", 7, 6, 0)
    assert dict(meta(data, "sphinx-dmp-lm").fields) == {
        "source": "a.lm", "ngram.1": "7", "ngram.2": "6", "ngram.3": "0"}


@pytest.mark.parametrize(("data", "code", "text"), [
    (sized(b"Darpa Trigram LM\0") + struct.pack("<i", 2**31 - 1) + bytes(8), "truncated",
     "DMP source file name declares 2147483647 bytes"),
    (sized(b"Darpa Trigram LM\0") + struct.pack("<i", -5), "bad-header", "is negative"),
    (dmp(counts=(5, -1, 0)), "bad-header", "2-gram count -1 is negative"),
    (dmp(descriptions=1001), "bad-header", "over 1000 lines"),
    (dmp()[:40], "truncated", ""),
    (sized(b"Darpa Bigram LM!\0"), "bad-header", "is not 'Darpa Trigram LM'"),
    (b"\x00\x00\x00\x07garbage", "bad-header", "not a DMP language model"),
])
def test_dmp_problems(data: bytes, code: str, text: str) -> None:
    [finding] = meta(data, "sphinx-dmp-lm").findings
    assert finding.code == code and text in finding.message


def test_arpa_metadata_after_a_preamble() -> None:
    m = meta(LONG_PREAMBLE + ARPA, "arpa-lm")
    assert m.findings == ()
    assert dict(m.fields) == {"ngram.1": "91", "ngram.2": "212", "ngram.3": "177",
                              "order": "3"}


@pytest.mark.parametrize(("data", "code", "text"), [
    (b"just text\n", "bad-header", "no '\\data\\' line"),
    (b"\\data\\\n\\1-grams:\n", "bad-header", "not followed by 'ngram N=count'"),
    (b"#" * (ARPA_HEAD_CAP + 1) + ARPA, "header-too-large", "no '\\data\\' line"),
])
def test_arpa_problems(data: bytes, code: str, text: str) -> None:
    [finding] = meta(data, "arpa-lm").findings
    assert finding.code == code and text in finding.message


# -- model directories ----------------------------------------------------------------

EN_US = ["model/en-us/en-us/" + n for n in (
    "README", "feat.params", "mdef", "means", "noisedict", "sendump", "transition_matrices",
    "variances")]


def test_model_directories_group_the_members_of_each_sphinx_model() -> None:
    other = ["hmm/mdef", "hmm/means", "hmm/variances", "hmm/transition_matrices",
             "hmm/mixture_weights", "hmm/sub/means"]
    assert model_directories([*EN_US, *other, "model/en-us/en-us.lm.bin"]) == [
        ModelDir("hmm", "sphinx-acoustic", ("hmm/mdef", "hmm/means", "hmm/mixture_weights",
                                            "hmm/transition_matrices", "hmm/variances")),
        ModelDir("model/en-us/en-us", "sphinx-acoustic",
                 tuple(sorted(p for p in EN_US if not p.endswith("README")))),
    ]


def test_model_directories_need_every_required_member() -> None:
    assert model_directories([p for p in EN_US if not p.endswith("/means")]) == []
    assert model_directories(["mdef", "means", "variances", "transition_matrices"]) == [
        ModelDir(".", "sphinx-acoustic", ("mdef", "means", "transition_matrices",
                                          "variances"))]


# -- C arrays ----------------------------------------------------------------------------


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("kind", ["int8", "float"])
def test_c_array_summary_of_weights(tmp_path: Path, kind: str) -> None:
    path = write(tmp_path, "fargan_data.c", weights_c(kind=kind))
    assert c_array_summary(path) == Summary(
        ("fargan_layer0_weights", "fargan_layer1_weights", "fargan_layer2_weights"), 3, 12_000)


def test_c_array_summary_keeps_the_first_names(tmp_path: Path) -> None:
    summary = c_array_summary(write(tmp_path, "w.h", weights_c(count=12_000, arrays=10)))
    assert summary is not None
    assert summary.array_count == 10 and len(summary.arrays) == c_arrays.MAX_NAMES
    assert summary.values == 12_000


@pytest.mark.parametrize(("name", "data"), [
    ("table.c", ORDINARY_C),                                  # code with a small table
    ("unicode_tables.h", weights_c(kind="unsigned")),         # unsigned data, not weights
    ("fargan_data.txt", weights_c()),                         # not a C name
    ("small_data.c", weights_c(count=3000, arrays=1)),        # too few values
    ("code.c", b"int a = 1;\n" * 8000 + weights_c(count=12_000)[200:]),  # code first
    ("commented.c", b"".join(b"// " + line for line in weights_c().splitlines(True))),
    ("strings.c", b'const char *s[] = {\n' + b'"-1, -2, -3, -4, -5, -6, -7, -8",\n' * 4000
     + b"};\n"),
], ids=lambda v: v if isinstance(v, str) else "")
def test_c_array_summary_refuses(tmp_path: Path, name: str, data: bytes) -> None:
    assert c_array_summary(write(tmp_path, name, data)) is None


def test_c_array_summary_reads_at_most_the_cap(tmp_path: Path, monkeypatch) -> None:
    path = write(tmp_path, "fargan_data.c", weights_c(count=40_000, arrays=1))
    monkeypatch.setattr(c_arrays, "READ_CAP", 100 * 1024)
    summary = c_array_summary(path)
    assert summary is not None and summary.truncated
    assert c_arrays.MIN_VALUES <= summary.values < 40_000


def test_c_array_metadata() -> None:
    m = meta(weights_c(count=12_000, arrays=2), "c-array")
    assert m.findings == ()
    assert dict(m.fields) == {"arrays": "fargan_layer0_weights,fargan_layer1_weights",
                              "array-count": "2", "values": "12000"}
    [finding] = meta(ORDINARY_C, "c-array").findings
    assert finding.code == "bad-header"
    assert finding.message.startswith("8 numeric values in brace initialisers, against ")


# -- hostile input -------------------------------------------------------------------------

SAMPLES = {
    "nnue": nnue(), "gnubg-weights": gnubg_binary(), "sphinx-acoustic": s3(),
    "sphinx-dmp-lm": dmp(), "arpa-lm": ARPA, "c-array": weights_c(count=300, arrays=1),
}


@st.composite
def mutated(draw: st.DrawFn) -> tuple[bytes, str]:
    fmt = draw(st.sampled_from(sorted(SAMPLES)))
    data = bytearray(SAMPLES[draw(st.sampled_from(sorted(SAMPLES)))]
                     if draw(st.booleans()) else SAMPLES[fmt])
    for _ in range(draw(st.integers(1, 6))):
        if not data:
            break
        pos = draw(st.integers(0, len(data) - 1))
        action = draw(st.sampled_from(["flip", "cut", "big"]))
        if action == "flip":
            data[pos] = draw(st.integers(0, 255))
        elif action == "cut":
            del data[pos:]
        else:
            data[pos:pos + 4] = struct.pack("<I", draw(st.sampled_from([2**31, 2**32 - 1])))
    return bytes(data), fmt


@settings(max_examples=300, deadline=None)
@given(mutated())
def test_readers_and_sniff_on_mutated_files(case: tuple[bytes, str]) -> None:
    data, fmt = case
    m = meta(data, fmt)
    assert m.format == fmt
    assert all(f.code in FINDING_CODES for f in m.findings)
    assert sniff(data[:SNIFF_BYTES], "nn-000000000000.nnue") in (
        None, *SAMPLES, "other", "tflite", "numpy", "gguf", "safetensors")
