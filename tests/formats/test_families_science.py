"""The science families (data/families/science.yaml, formats/science_families.py).

Three parts: small files of each family built here from what the real
files look like (always run), with truncated, garbage and empty twins; the
real packages of tools/archive-packages.list that ship them (skipped when
AIMODEL_ARCHIVE_DEBS is unset), walked member by member as aimodel lint
does; and the packages that ship no model, none of whose files may be
taken for a model of these families.
"""

from __future__ import annotations

import bz2
import functools
import gzip
import io
import lzma
import pickle
import random
import sys
import types
import zipfile
import zlib
from collections.abc import Callable, Iterator

import pytest
from conftest import archive_deb, recognised_members, routed_candidates, routed_members
from hypothesis import given, settings
from hypothesis import strategies as st

from dh_aimodel.formats import science_families as sf
from dh_aimodel.formats.families import (
    RECOGNISE_BYTES,
    Candidate,
    Recognised,
    families,
    recognise,
    routed,
)

SCIENCE = ("onnx-model", "scikit-learn-pickle", "fann-network", "sextractor-nnw",
           "disulfinder-predictor", "augustus-species", "pangolearn-decision-tree")


def cand(path: str, data: bytes, opener: bool = True) -> Candidate:
    return Candidate(path, len(data), data[:RECOGNISE_BYTES],
                     (lambda: io.BytesIO(data)) if opener else None)


def found(path: str, data: bytes) -> Recognised | None:
    return recognise(cand(path, data))


# -- builders ------------------------------------------------------------------------

def varint(n: int) -> bytes:
    out = bytearray()
    while True:
        out.append(n & 0x7F | (0x80 if n > 0x7F else 0))
        n >>= 7
        if not n:
            return bytes(out)


def pb(number: int, value: int | bytes) -> bytes:
    if isinstance(value, int):
        return varint(number << 3) + varint(value)
    return varint(number << 3 | 2) + varint(len(value)) + value


def onnx(initializers: int = 2, name: bytes = b"tiny_mlp", pad: int = 0) -> bytes:
    tensor = pb(1, 4) + pb(8, b"w") + pb(9, bytes(16 + pad))       # dims, name, raw_data
    graph = (pb(1, pb(4, b"Gemm")) + pb(1, pb(4, b"Relu")) + pb(2, name)
             + b"".join(pb(5, tensor) for _ in range(initializers)))
    return (pb(1, 8) + pb(2, b"pytorch") + pb(3, b"2.1.0") + pb(5, 3) + pb(7, graph)
            + pb(8, pb(1, b"") + pb(2, 17)) + pb(14, pb(1, b"license") + pb(2, b"MIT")))


FANN = (b"FANN_FLO_2.1\nnum_layers=3\nlearning_rate=0.010000\nconnection_rate=1.000000\n"
        b"network_type=0\nlearning_momentum=0.300000\ntraining_algorithm=2\n"
        b"layer_sizes=4 3 3 \nscale_included=0\n"
        b"neurons (num_inputs, activation_function, activation_steepness)="
        b"(0, 0, 0.000e+00) (0, 0, 0.000e+00) (0, 0, 0.000e+00) (0, 0, 0.000e+00) "
        b"(4, 3, 5.000e-01) (4, 3, 5.000e-01) (0, 3, 5.000e-01) "
        b"(3, 5, 5.000e-01) (3, 5, 5.000e-01) (0, 5, 5.000e-01) \n"
        b"connections (connected_to_neuron, weight)="
        + b" ".join(b"(%d, 0.125)" % (i % 4) for i in range(14)) + b"\n")


def nnw(sizes: tuple[int, ...] = (2, 2, 1), extra: int = 0) -> bytes:
    count = sum((a + 1) * b for a, b in zip(sizes, sizes[1:])) + 2 * (sizes[0] + sizes[-1])
    numbers = " ".join(f"{i / 7:.5e}" for i in range(count + extra))
    return (b"NNW\n# Neural Network Weights for a test classifier\n# inputs:\t2\n\n "
            + " ".join(map(str, (len(sizes), *sizes))).encode() + b"\n\n"
            + numbers.encode() + b"\n")


KERNEL = (b"1 3 1 1 1 0.38746388 3\n"
          + b"-1.3e-05 2:1 21:0.82 22:0.26\n0.5 1:0.1 7:0.3\n-0.25 3:1 9:0.5\n")
BRNN = (b"NoInputs 2\nNoCodes 2\nUseHiddenLayer 1\nNoHiddens 1\nNoOutputs 2\n"
        b"CodeHiddenWeights -0.27 0.16\nThresholdHiddenWeights 0.15\n"
        b"HiddenOutputWeights 0.31 -0.28\nThresholdOutputWeights 0.22 -0.22\n")
AUTOMA = (b"NoAutomata 1\nBeginAutomata\nNoOutputs 2\nNoStates 2\nStartStates 0\n"
          b"EndStates 0 1\nBegin\nT 0 1 1 1.\nT 1 0 0 1.\nEnd\nEndAutomata\n")
NET = b"0 1 1\n102 2\n1 1\n2 1 \n\n-1.6e-05 -3.1e-04 \n2.6e-04 5.8e-04 \n-1.06493\n"

AUGUSTUS_CFG = (b"#\n# parameters for human version\n# \n# date : 1.1.2010\n#\n\n"
                b"/augustus/verbosity 3     # 0-3\n/Constant/trans_init_window 22\n"
                b"/IGenicModel/infile        human_igenic_probs.pbl\n"
                b"/ExonModel/infile            human_exon_probs.pbl\n")
AUGUSTUS_EXON = (b"#exon model parameters\n# begin of content independent part\n\n"
                 b"# Length distributions\n[LENGTH]\n# maximal individually stored length "
                 b"probability =\n3000\n# total number of exons of above types\n"
                 b"       177           1606          15243           1604\n"
                 b"# 1000 P(len=k), k=0,1,..., 3000\n0\t0\t1.78\t0.0395\t0.751\n")
AUGUSTUS_IGENIC = (b"[1]\n# (a,c,g,t)= (0.29, 0.21, 0.21, 0.29)\n#\n"
                   b"# Probabilities file for the intergenic region model\n#\n\n# k =\n4\n\n"
                   b"# The P_l's\n[P_ls]\n# l=\n0\n")
AUGUSTUS_TRANS = (b"#\n# Transition probabilities and initial probabilities for the overall "
                  b"HMM \n#\n# number of states\n71\n#\n")

RULES_HEADER = b"['lineage', '273_-', '273_A', '273_C', '274_G']\n"
RULES = RULES_HEADER + b"\n".join(
    b"AY.%d\t1047!='G',2469%s'G'" % (i, b"==" if i % 2 else b"!=") for i in range(200)) + b"\n"


def rules_zip(member: str = "home/run/2022-07-09_pangoLEARN/decision_tree_rules.txt",
              data: bytes = RULES) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(member, data)
    return out.getvalue()


@pytest.fixture()
def sklearn_class(monkeypatch: pytest.MonkeyPatch) -> type:
    """A class pickled as sklearn.tree._classes.DecisionTreeClassifier, without
    scikit-learn (which the test environment may lack)."""
    for name in ("sklearn", "sklearn.tree", "sklearn.tree._classes"):
        monkeypatch.setitem(sys.modules, name, types.ModuleType(name))

    class DecisionTreeClassifier:
        def __init__(self) -> None:
            self.max_depth = 3
            self.tree_ = [0.5] * 64
            self._sklearn_version = "1.4.2"

    DecisionTreeClassifier.__module__ = "sklearn.tree._classes"
    DecisionTreeClassifier.__qualname__ = "DecisionTreeClassifier"
    sys.modules["sklearn.tree._classes"].DecisionTreeClassifier = (  # type: ignore[attr-defined]
        DecisionTreeClassifier)
    return DecisionTreeClassifier


# -- synthetic files: recognised with their fields ------------------------------------

SAMPLES: list[tuple[str, bytes, str]] = [
    ("usr/share/x/tiny.onnx", onnx(), "onnx-model"),
    ("usr/share/reprof/a.model", FANN, "fann-network"),
    ("usr/share/source-extractor/default.nnw", nnw(), "sextractor-nnw"),
    ("usr/share/disulfinder/Models/kernel.model", KERNEL, "disulfinder-predictor"),
    ("usr/share/disulfinder/Models/brnn.model", BRNN, "disulfinder-predictor"),
    ("usr/share/disulfinder/Models/automa.model", AUTOMA, "disulfinder-predictor"),
    ("usr/share/disulfinder/Models/conn/data/3/net", NET, "disulfinder-predictor"),
    ("usr/share/augustus/config/species/human/human_parameters.cfg", AUGUSTUS_CFG,
     "augustus-species"),
    ("usr/share/augustus/config/species/human/human_exon_probs.pbl", AUGUSTUS_EXON,
     "augustus-species"),
    ("usr/share/augustus/config/species/human/human_igenic_probs.pbl.HMM", AUGUSTUS_IGENIC,
     "augustus-species"),
    ("usr/share/augustus/config/species/human/human_trans_shadow_partial_utr.pbl",
     AUGUSTUS_TRANS, "augustus-species"),
    ("usr/share/pangolearn/data/decision_tree_rules.zip", rules_zip(),
     "pangolearn-decision-tree"),
    ("usr/share/pangolearn/data/decision_tree_rules.txt", RULES, "pangolearn-decision-tree"),
]


@pytest.mark.parametrize(("path", "data", "family"), SAMPLES, ids=[s[0] for s in SAMPLES])
def test_each_sample_is_recognised_by_content(path: str, data: bytes, family: str) -> None:
    r = found(path, data)
    assert r is not None and (r.family, r.how) == (family, "content")
    assert families()[family].kind == "model"


def test_every_science_family_is_in_the_data_with_its_recogniser() -> None:
    known = families()
    for fid in SCIENCE:
        assert known[fid].recogniser.startswith("science_families.")
        assert callable(getattr(sf, known[fid].recogniser.partition(".")[2]))


def test_onnx_fields_come_from_the_model_proto_and_the_graph() -> None:
    r = found("usr/share/x/tiny.onnx", onnx())
    assert r is not None
    assert dict(r.fields) == {"ir_version": "8", "producer": "pytorch 2.1.0", "opset": "=17",
                              "version": "3", "license": "MIT", "graph": "tiny_mlp",
                              "nodes": "2", "initializers": "2"}


def test_an_onnx_graph_without_initializers_says_it_holds_no_weights() -> None:
    r = found("usr/share/x/op.onnx", onnx(initializers=0))
    assert r is not None and r.fields["initializers"] == "0"
    assert "no weights" in r.fields["training"]


def test_an_onnx_model_larger_than_the_head_is_read_through_the_stream() -> None:
    data = onnx(pad=2 * RECOGNISE_BYTES)
    r = found("usr/share/x/big.onnx", data)
    assert r is not None and r.how == "content"
    assert r.fields["opset"] == "=17" and "graph" not in r.fields   # after the graph
    head_only = sf.onnx_model(cand("usr/share/x/big.onnx", data, opener=False))
    assert head_only is not None and head_only.how == "name"


def test_tensor_protos_and_other_bytes_named_onnx_are_not_models() -> None:
    tensor = pb(1, 3) + pb(2, 1) + pb(8, b"x") + pb(9, bytes(12))   # a TensorProto
    assert routed("usr/share/libonnx-testdata/data/node/t/input_0.pb", tensor) == ()
    assert found("usr/share/x/broken.onnx", b"\x00\x01garbage") is None
    assert found("usr/share/x/text.onnx", b"#!/bin/sh\nexit 0\n") is None


def test_fann_fields() -> None:
    r = found("usr/share/reprof/a.model", FANN)
    assert r is not None
    assert dict(r.fields) == {"version": "FANN 2.1 (floating-point)",
                              "architecture": "feed-forward network, layers 3-2-2",
                              "parameters": "14", "activation": "sigmoid,sigmoid_symmetric",
                              "training": "rprop, learning rate 0.010000"}


def test_fann_weights_are_computed_when_the_neurons_line_is_past_the_head() -> None:
    data = FANN.replace(b"neurons (", b"#neurons (")
    r = sf.fann_network(cand("a.net", data))
    assert r is not None and r.fields["parameters"] == str(4 * 2 + 3 * 2)


def test_sextractor_fields_and_a_wrong_count_of_weights() -> None:
    r = found("usr/share/source-extractor/default.nnw", nnw((9, 10, 1)))
    assert r is not None
    assert r.fields["architecture"] == "multilayer perceptron 9-10-1"
    assert r.fields["parameters"] == str(10 * 10 + 11)
    assert r.fields["description"] == "Neural Network Weights for a test classifier"
    assert r.fields["training"] == "inputs: 2"
    assert found("usr/share/source-extractor/default.nnw", nnw(extra=1)) is None
    assert found("x/default.conv", b"CONV NORM\n1 2 1\n2 4 2\n1 2 1\n") is None


def test_disulfinder_components_share_the_models_directory() -> None:
    results = {path: found(path, data) for path, data, fam in SAMPLES
               if fam == "disulfinder-predictor"}
    assert {r.unit for r in results.values() if r} == {"usr/share/disulfinder/Models"}
    kernel = results["usr/share/disulfinder/Models/kernel.model"]
    assert kernel is not None and dict(kernel.fields) == {
        "architecture": "support vector machine, polynomial kernel of degree 3",
        "support_vectors": "3"}
    brnn = results["usr/share/disulfinder/Models/brnn.model"]
    assert brnn is not None and brnn.fields["parameters"] == "7"
    net = results["usr/share/disulfinder/Models/conn/data/3/net"]
    assert net is not None and (net.fields["bonds"], net.fields["parameters"]) == ("3", "5")
    assert routed("usr/share/disulfinder/Models/conn/data/graphs/1A02_HUMAN.2", b"id x") == ()


def test_augustus_species_directory_is_the_unit() -> None:
    unit = "usr/share/augustus/config/species/human"
    results = [found(p, d) for p, d, fam in SAMPLES if fam == "augustus-species"]
    assert all(r is not None and r.unit == unit and r.fields["species"] == "human"
               for r in results)
    cfg, exon, igenic, trans = results
    assert cfg is not None and (cfg.fields["date"], cfg.fields["description"]) == (
        "1.1.2010", "parameters for human version")
    assert cfg.fields["parameter_files"] == "human_igenic_probs.pbl human_exon_probs.pbl"
    assert exon is not None and exon.fields["submodel"] == "exon"
    assert "15243 internal" in exon.fields["training"]
    assert igenic is not None and igenic.fields["markov_order"] == "4"
    assert trans is not None and trans.fields["states"] == "71"
    for other in ("human_metapars.cfg", "human_weightmatrix.txt", "README.TXT"):
        assert routed(f"{unit}/{other}", b"# text\n") == ()


def test_pangolearn_rules_zip_and_text() -> None:
    r = found("usr/share/pangolearn/data/decision_tree_rules.zip", rules_zip())
    assert r is not None and r.fields["features"] == "4"
    other = rules_zip(member="decision_tree_rules.csv")
    assert found("usr/share/pangolearn/data/decision_tree_rules.zip", other) is None
    assert found("usr/share/pangolearn/data/decision_tree_rules.zip",
                 rules_zip(data=b"lineage,precision\nA,0.5\n")) is None


# -- scikit-learn pickles ------------------------------------------------------------

COMPRESSORS: list[tuple[str, Callable[[bytes], bytes]]] = [
    ("zlib", zlib.compress), ("gzip", gzip.compress), ("bzip2", bz2.compress),
    ("xz", lzma.compress), ("lzma", lambda d: lzma.compress(d, format=lzma.FORMAT_ALONE)),
]


@pytest.mark.parametrize("protocol", range(6))
def test_an_estimator_pickle_of_any_protocol(sklearn_class: type, protocol: int) -> None:
    data = pickle.dumps(sklearn_class(), protocol=protocol)
    r = found("usr/share/app/model.pkl", data)
    assert r is not None and (r.family, r.how) == ("scikit-learn-pickle", "content")
    assert r.fields["architecture"] == "sklearn.tree._classes.DecisionTreeClassifier"
    assert r.fields["sklearn_version"] == "1.4.2"


@pytest.mark.parametrize(("name", "compress"), COMPRESSORS, ids=[c[0] for c in COMPRESSORS])
def test_an_estimator_compressed_as_joblib_writes_it(sklearn_class: type, name: str,
                                                     compress: Callable[[bytes], bytes]) -> None:
    r = found("usr/share/app/model.joblib", compress(pickle.dumps(sklearn_class(), 4)))
    assert r is not None and r.how == "content" and r.fields["compression"] == name


def test_joblib_0_9_zf_framing(sklearn_class: type) -> None:
    data = pickle.dumps(sklearn_class(), 2)
    framed = b"ZF" + hex(len(data)).encode().ljust(19) + zlib.compress(data)
    r = found("usr/share/app/model.pkl.z", framed)
    assert r is not None and r.fields["architecture"].endswith("DecisionTreeClassifier")


def test_the_version_of_a_big_pickle_is_read_from_its_tail(sklearn_class: type) -> None:
    model = sklearn_class()
    model.tree_ = bytes(3 * RECOGNISE_BYTES)
    data = pickle.dumps(model, 4)
    assert len(data) > RECOGNISE_BYTES and b"1.4.2" not in data[:RECOGNISE_BYTES]
    r = found("usr/share/app/model.pkl", data)
    assert r is not None and r.fields["sklearn_version"] == "1.4.2"


def test_what_is_not_an_estimator_at_the_top_is_not_recognised(sklearn_class: type) -> None:
    for obj in ([sklearn_class()], {"model": sklearn_class()}, [1.0, 2.0], "text"):
        assert found("usr/share/app/model.pkl", pickle.dumps(obj, 4)) is None, obj
    bunch = types.ModuleType("sklearn.utils._bunch")

    class Bunch(dict):
        pass

    Bunch.__module__, Bunch.__qualname__ = "sklearn.utils._bunch", "Bunch"
    bunch.Bunch = Bunch  # type: ignore[attr-defined]
    sys.modules["sklearn.utils"] = types.ModuleType("sklearn.utils")
    sys.modules["sklearn.utils._bunch"] = bunch
    try:
        assert found("usr/share/app/data.pkl", pickle.dumps(Bunch(a=1), 4)) is None
    finally:
        del sys.modules["sklearn.utils._bunch"], sys.modules["sklearn.utils"]


def test_estimators_among_test_fixtures_are_passed_over(sklearn_class: type) -> None:
    data = pickle.dumps(sklearn_class(), 4)
    for path in ("usr/lib/python3/dist-packages/joblib/test/data/x.pkl",
                 "usr/lib/python3/dist-packages/pkg/tests/model.pkl"):
        assert found(path, data) is None
    assert found("usr/lib/python3/dist-packages/pkg/models/model.pkl", data) is not None


def test_lz4_is_recognised_by_name_only() -> None:
    r = found("usr/share/app/model.joblib", b"\x04\x22\x4d\x18" + bytes(40))
    assert r is not None and (r.how, r.fields["compression"]) == ("name", "lz4")


# -- hostile bytes ---------------------------------------------------------------------

RECOGNISERS = [sf.onnx_model, sf.sklearn_pickle, sf.fann_network, sf.sextractor_nnw,
               sf.disulfinder_model, sf.augustus_species, sf.pangolearn_rules]


def _variants(data: bytes, seed: int) -> Iterator[bytes]:
    rng = random.Random(seed)
    yield b""
    for n in sorted({1, 2, 3, 5, 8, len(data) // 3, len(data) // 2, len(data) - 1}):
        yield data[:max(0, n)]
    for _ in range(20):
        flipped = bytearray(data)
        for _ in range(rng.randint(1, 8)):
            flipped[rng.randrange(len(flipped))] = rng.randrange(256)
        yield bytes(flipped)
    yield bytes(rng.randrange(256) for _ in range(len(data)))
    yield data[: len(data) // 2] * 3


@pytest.mark.parametrize(("path", "data", "family"), SAMPLES, ids=[s[0] for s in SAMPLES])
def test_damaged_samples_never_raise(path: str, data: bytes, family: str) -> None:
    for i, variant in enumerate(_variants(data, len(path))):
        for whole in (True, False):
            c = cand(path, variant) if whole else Candidate(path, len(variant) + 10**9,
                                                            variant[:RECOGNISE_BYTES])
            for recognise_one in RECOGNISERS:
                recognise_one(c)
        r = found(path, variant)
        if i <= 5:  # empty and the first eight bytes at most
            assert r is None or r.how != "content", (i, variant[:20])


@pytest.mark.parametrize(("name", "compress"), COMPRESSORS, ids=[c[0] for c in COMPRESSORS])
def test_damaged_compressed_pickles_never_raise(sklearn_class: type, name: str,
                                                compress: Callable[[bytes], bytes]) -> None:
    data = compress(pickle.dumps(sklearn_class(), 4))
    for variant in _variants(data, 7):
        sf.sklearn_pickle(cand("usr/share/app/model.pkl.gz", variant))
    assert found("usr/share/app/model.pkl.gz", data[:5]) is None


class HeadAndTail(io.BytesIO):
    """A .deb member as dh_aimodel.packaging.debfile keeps it: reading its
    middle raises OSError."""

    def read(self, n: int | None = -1) -> bytes:
        pos, size = self.tell(), len(self.getbuffer())
        end = size if n is None or n < 0 else min(size, pos + n)
        if pos < size - RECOGNISE_BYTES and end > RECOGNISE_BYTES:
            raise OSError("this part of the member was streamed, not kept")
        return super().read(n)


def test_a_deb_members_unreadable_middle_is_no_error(sklearn_class: type) -> None:
    model = sklearn_class()
    model.tree_ = bytes(3 * RECOGNISE_BYTES)
    data = pickle.dumps(model, 4)
    results = {}
    for path, payload in (("m.pkl", data), ("big.onnx", onnx(pad=3 * RECOGNISE_BYTES))):
        r = recognise(Candidate(path, len(payload), payload[:RECOGNISE_BYTES],
                                functools.partial(HeadAndTail, payload)))
        assert r is not None and r.how == "content", path
        results[path] = r
    assert results["big.onnx"].fields["opset"] == "=17"
    assert results["m.pkl"].fields["sklearn_version"] == "1.4.2"


def test_an_opener_that_fails_leaves_the_head(sklearn_class: type) -> None:
    def broken() -> io.BytesIO:
        raise OSError("gone")

    payload = onnx(pad=2 * RECOGNISE_BYTES)
    r = recognise(Candidate("big.onnx", len(payload), payload[:RECOGNISE_BYTES], broken))
    assert r is not None and r.how == "name"
    data = pickle.dumps(sklearn_class(), 4)
    r = recognise(Candidate("m.pkl", len(data) + RECOGNISE_BYTES, data, broken))
    assert r is not None and r.how == "content"


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=600), st.sampled_from([s[0] for s in SAMPLES]))
def test_random_bytes_are_never_content(data: bytes, path: str) -> None:
    for recognise_one in RECOGNISERS:
        r = recognise_one(cand(path, data))
        assert r is None or r.how != "content"


# -- real packages ----------------------------------------------------------------------

#: Package -> the science families it must yield models of.  python3-onnxruntime
#: ships no .onnx/.ort file and profphd-net no weights (the module's docstring).
EXPECTED: dict[str, set[str]] = {
    "libonnx-testdata": {"onnx-model"},
    "source-extractor": {"sextractor-nnw"},
    "librg-reprof-bundle-perl": {"fann-network"},
    "disulfinder-data": {"disulfinder-predictor"},
    "augustus-data": {"augustus-species"},
    "python3-pangolearn": {"pangolearn-decision-tree"},
    "python3-onnxruntime": set(),
    "profphd-net": set(),
}
NEGATIVE = ("fonts-dejavu-core", "sound-theme-freedesktop", "desktop-base", "firmware-realtek",
            "hunspell-en-us", "proj-data", "geoip-database", "libcommons-lang3-java",
            "python3-joblib", "python3-sklearn")


@pytest.mark.parametrize("package", sorted(EXPECTED))
def test_real_packages_yield_their_models(package: str) -> None:
    mine = [(path, r) for path, r in recognised_members(archive_deb(package)).items()
            if r.family in SCIENCE]
    assert {r.family for _, r in mine if r.how == "content"} == EXPECTED[package]
    assert not [path for path, r in mine if path.endswith(".pb")]
    by_path = dict(mine)
    if package == "librg-reprof-bundle-perl":
        assert by_path["usr/share/reprof/a.model"].fields["parameters"] == "32640"
        assert len(mine) == 14
    elif package == "source-extractor":
        assert by_path["usr/share/source-extractor/default.nnw"].fields["parameters"] == "121"
        assert not [p for p in by_path if p.endswith(".conv")]
    elif package == "disulfinder-data":
        kernel = by_path["usr/share/disulfinder/Models/kernel.model"]
        assert kernel.fields["support_vectors"] == "3263"
        assert {r.unit for _, r in mine} == {"usr/share/disulfinder/Models"}
    elif package == "augustus-data":
        human = by_path["usr/share/augustus/config/species/human/human_parameters.cfg"]
        assert human.fields["date"] == "1.1.2010"
        assert len({r.unit for _, r in mine}) > 100
        assert all(r.how == "content" for _, r in mine)
    elif package == "python3-pangolearn":
        rules = by_path["usr/share/python3-pangolearn/data/decision_tree_rules.zip"]
        assert int(rules.fields["features"]) > 10_000
    elif package == "libonnx-testdata":
        assert len(mine) > 1000 and all(r.family == "onnx-model" for _, r in mine)


@pytest.mark.parametrize("package", NEGATIVE)
def test_packages_without_models_have_none_of_these(package: str) -> None:
    for path, r in routed_members(archive_deb(package)).items():
        assert r is None or r.family not in SCIENCE or families()[r.family].kind != "model", \
            (path, r)


def test_joblibs_test_pickles_fail_the_content_rule_alone() -> None:
    """Out of their test directory, joblib's fixtures are still no estimators."""
    checked = 0
    for c, _ in routed_candidates(archive_deb("python3-joblib")):
        moved = Candidate(c.path.replace("/test/", "/models/"), c.size, c.head, c.open)
        if "science_families.sklearn_pickle" in routed(moved.path, moved.head):
            assert sf.sklearn_pickle(moved) is None, c.path
            checked += 1
    assert checked >= 20
