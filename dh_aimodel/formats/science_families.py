"""Recognisers of the science families (``data/families/science.yaml``).

Each reads a :class:`~dh_aimodel.formats.families.Candidate`'s head (the
first 64 KiB), and the tail of a big pickle, never more, and never runs,
evaluates or unpickles anything.  What was found in Debian's packages
(trixie), which the checks follow:

* ONNX (libonnx-testdata): ``*.onnx`` ModelProtos, read by
  :mod:`dh_aimodel.formats.onnx`.  The package's ``*.pb`` files are
  TensorProto test inputs and outputs, not models, and are not routed here;
  its ``light/`` models had their float initializers replaced by
  ``ConstantOfShape`` nodes (its README), which the ``initializers`` field
  shows.  python3-onnxruntime ships no ``.onnx`` or ``.ort`` file at all.
* scikit-learn pickles: python3-pangolearn ships none (its copyright has
  ``Files-Excluded: */*.joblib``); python3-joblib's ``test/data/*.pkl*``
  are lists of NumPy arrays, and python3-sklearn ships no pickle.
* FANN (librg-reprof-bundle-perl): ``usr/share/reprof/*.model`` start
  ``FANN_FLO_2.1`` and are ``key=value`` lines, e.g.
  ``layer_sizes=241 131 11`` and a ``neurons (...)=`` line whose
  ``num_inputs`` sum to the 32640 weights of the ``connections`` line.
* SExtractor (source-extractor): ``default.nnw`` is ``NNW``, ``#`` comments,
  `` 3 10 10  1`` (three layers of 10, 10 and 1 neurons), then the input
  offsets and scales, each layer's weights and biases, the output offsets
  and scales.  The ``*.conv`` files are convolution masks, not models.
* disulfinder (disulfinder-data): ``Models/kernel.model`` starts
  ``1 3 1 1 1 0.38746388 3263`` and has 3263 more lines ``alpha idx:value
  ...``: SVM-light's model header without its comments (kernel type 1 =
  polynomial, degree 3, gamma, coef_lin, coef_const, threshold b, then the
  number of support vectors: the order inferred from SVM-light's
  ``write_model``).  ``brnn.model`` is ``NoInputs 7`` ... ``*Weights``
  lines, ``automa.model`` a hand-written automaton (``NoAutomata 1``, every
  transition 1.), ``conn/data/N/net`` four lines of layer sizes (``0 1 1``,
  ``102 2``, ...) and the weights of the recursive network for chains of N
  bonds.  The chains in ``conn/data/graphs`` and the ``train``/``test``
  lists are the training data, not routed here.
* AUGUSTUS (augustus-data): ``config/species/SPECIES/`` is one model:
  ``SPECIES_parameters.cfg`` (``# date : 1.1.2010``, ``/ExonModel/infile
  human_exon_probs.pbl``, ``/Constant/...``) and the ``*_probs.pbl``
  parameter files (``#exon model parameters``, ``#intron model
  parameters``, ``# UTR model parameters`` or ``[1]`` then ``# Probabilities
  file for the intergenic region model``, then ``[SECTION]`` blocks).  The
  metaparameter ranges, the weight matrix (set by hand, its comment says)
  and the READMEs are not routed.
* pangoLEARN (python3-pangolearn): ``data/decision_tree_rules.zip`` holds
  one deflated ``decision_tree_rules.txt``: a line listing the one-hot
  features (``['lineage', '273_-', '273_A', ...]``), then one
  ``LINEAGE<TAB>1047!='G',2469!='G',...`` line per leaf, as its
  ``training/getDecisionTreeRules.py`` prints them.
* profphd-net holds no weights: one Fortran program per network
  architecture (its man page) that reads the junctions (weights) of
  another package at run time; its ``.rodata`` is 70 KiB of strings.
"""

from __future__ import annotations

import io
import itertools
import re
import struct
from collections.abc import Iterator, Mapping
from typing import Final, Protocol

from dh_aimodel.formats import read_metadata
from dh_aimodel.formats.base import KiB
from dh_aimodel.formats.bounded import _Bad
from dh_aimodel.formats.families import Candidate, Recognised
from dh_aimodel.formats.onnx import _pb_fields

#: Decompressed bytes looked at in a compressed head (a joblib file, a zip member).
INFLATE_CAP: Final = 512 * KiB
#: Bytes of a big pickle's end searched for ``_sklearn_version``.
PICKLE_TAIL: Final = 4 * KiB
#: Opcodes walked looking for the top-level class.
_FIRST_OPS: Final = 64


def _lines(data: bytes, complete: bool = False) -> list[str]:
    """The text lines of ``data``; the last one is dropped if the data ends
    inside it, unless the data is ``complete`` (the whole file)."""
    text = data.decode("latin-1")
    lines = text.split("\n")
    if text.endswith("\n") or not complete:
        lines.pop()
    return [line.rstrip("\r") for line in lines]


def _floats(words: list[str]) -> bool:
    try:
        for w in words:
            float(w)
    except ValueError:
        return False
    return True


def _ints(line: str) -> list[int] | None:
    """The integers of a line of integers, or None."""
    words = line.split()
    if not words or not all(w.isdigit() for w in words):
        return None
    return [int(w) for w in words]


def _whole(c: Candidate) -> bool:
    """Whether the head is the whole file."""
    return c.size <= len(c.head)


def _number_count(lines: list[str]) -> int:
    return sum(len(line.split()) for line in lines)


# -- ONNX ----------------------------------------------------------------------

def _graph_fields(head: bytes) -> dict[str, str]:
    """Name, node and initializer counts of the GraphProto (ModelProto field 7),
    when the whole graph is in the head: ``{}`` otherwise."""
    out: dict[str, str] = {}
    try:
        for number, value in _pb_fields(head, "ModelProto"):
            if number == 7 and isinstance(value, bytes):
                nodes = initializers = 0
                for n, v in _pb_fields(value, "GraphProto"):
                    nodes += n == 1
                    initializers += n == 5
                    if n == 2 and isinstance(v, bytes):
                        out["graph"] = v[:200].decode("utf-8", "replace")
                out["nodes"] = str(nodes)
                out["initializers"] = str(initializers)
                if not initializers:
                    out["training"] = "no initializers: the graph holds no weights"
                return out
    except _Bad:
        pass
    return {}


def onnx_model(c: Candidate) -> Recognised | None:
    """An ONNX ModelProto: content when :mod:`~dh_aimodel.formats.onnx` reads an
    ``ir_version``, finds nothing malformed, and the graph (in the head) or
    the ``opset_import`` (after the graph: read through :attr:`Candidate.open`,
    whose middle may be unreadable, which is no contradiction) is there;
    by name when only the leading fields could be read; None when the
    bytes are no ModelProto."""
    meta = None
    if not _whole(c) and c.open is not None:
        try:
            with c.open() as f:
                meta = read_metadata(f, "onnx")
        except OSError:
            meta = None
    if meta is None:
        meta = read_metadata(io.BytesIO(c.head), "onnx")
    codes = {f.code for f in meta.findings}
    m = meta.fields
    if "bad-header" in codes or "ir_version" not in m:
        return None
    graph = _graph_fields(c.head)
    if not (graph or m.get("opset_import")):  # no model without them
        return (Recognised("onnx-model", "name", {"ir_version": m["ir_version"]})
                if m.get("producer_name") else None)
    fields = {"ir_version": m["ir_version"]}
    producer = " ".join(m[k] for k in ("producer_name", "producer_version") if m.get(k))
    if producer:
        fields["producer"] = producer
    if m.get("opset_import"):
        fields["opset"] = m["opset_import"]
    if m.get("doc_string"):
        fields["description"] = m["doc_string"][:200]
    if m.get("model_version", "0") != "0":
        fields["version"] = m["model_version"]
    if meta.license:
        fields["license"] = meta.license
    fields.update(graph)
    return Recognised("onnx-model", "content", fields)


# -- scikit-learn pickles --------------------------------------------------------

#: Directories of test fixtures: pickles there test a serialiser (joblib's
#: compatibility tests), they are not models a package ships.
_TEST_DIR: Final = re.compile(r"(^|/)(tests?|testdata|testing)/")
#: scikit-learn modules whose classes are not estimators (a dataset Bunch, ...).
_NOT_ESTIMATORS: Final = frozenset({"utils", "datasets", "externals", "exceptions", "tests"})
#: Imports a protocol 0/1 pickle makes before it names the class of an object.
_RECONSTRUCTORS: Final = frozenset({
    ("copy_reg", "_reconstructor"), ("copyreg", "_reconstructor"),
    ("copyreg", "__newobj__"), ("__builtin__", "object"), ("builtins", "object"),
})
_STRING_OPS: Final = frozenset({
    "SHORT_BINUNICODE", "BINUNICODE", "BINUNICODE8", "UNICODE",
    "SHORT_BINSTRING", "BINSTRING", "STRING",
})
_MEMO_OPS: Final = frozenset({"MEMOIZE", "PUT", "BINPUT", "LONG_BINPUT", "FRAME"})


class _Decompressor(Protocol):
    def decompress(self, data: bytes, max_length: int, /) -> bytes: ...


def _decompressor(kind: str) -> _Decompressor:
    import bz2
    import lzma
    import zlib

    if kind == "gzip":
        return zlib.decompressobj(31)
    if kind == "bzip2":
        return bz2.BZ2Decompressor()
    if kind == "xz":
        return lzma.LZMADecompressor(lzma.FORMAT_XZ)
    if kind == "lzma":
        return lzma.LZMADecompressor(lzma.FORMAT_ALONE)
    return zlib.decompressobj()


#: joblib's compressed framings: leading bytes, bytes before the stream, compressor.
#: joblib 0.9 wrote ``ZF``, the length in hex padded to 19 bytes, then zlib.
_FRAMINGS: Final = (
    (b"\x1f\x8b", 0, "gzip"), (b"BZh", 0, "bzip2"), (b"\xfd7zXZ\x00", 0, "xz"),
    (b"\x5d\x00\x00", 0, "lzma"), (b"ZF0x", 21, "zlib"), (b"\x78", 0, "zlib"),
)


def _inflate(head: bytes) -> tuple[bytes, str] | None:
    """A pickle's head out of joblib's compressed framing (:data:`_FRAMINGS`),
    at most :data:`INFLATE_CAP` bytes of it, and the compressor; None if the
    bytes are in none of these framings or do not decompress."""
    import lzma
    import zlib

    for magic, skip, kind in _FRAMINGS:
        if head.startswith(magic):
            try:
                out = _decompressor(kind).decompress(head[skip:], INFLATE_CAP)
            except (zlib.error, OSError, EOFError, lzma.LZMAError, ValueError):
                return None
            return (out, kind) if out else None
    return None


def _ops(data: bytes) -> Iterator[tuple[str, object]]:
    """pickletools' opcodes of in-memory bytes (so no argument is larger than
    ``data``), ending quietly where the bytes stop being a pickle."""
    import pickletools

    try:
        for op, arg, _pos in pickletools.genops(io.BytesIO(data)):
            yield op.name, arg
    except (ValueError, EOFError, struct.error, OverflowError, IndexError, KeyError):
        return


def _top_class(data: bytes) -> tuple[tuple[str, str] | None, int | None]:
    """The class of a pickle's top-level object, and its protocol.

    Protocol 2+ writes the class first (``GLOBAL``, or two strings and
    ``STACK_GLOBAL``) and then ``NEWOBJ``/``REDUCE``; protocol 0/1 first
    imports ``copy_reg._reconstructor``, then, after a ``MARK``, the class.
    A container (a list of arrays, a dict) starts with another opcode: its
    class is None.
    """
    protocol = None
    strings: list[str] = []
    reconstructing = False
    for name, arg in itertools.islice(_ops(data), _FIRST_OPS):
        if name == "PROTO" and isinstance(arg, int):
            protocol = arg
        elif name in _MEMO_OPS or (name == "MARK" and reconstructing):
            continue
        elif name in _STRING_OPS and isinstance(arg, str):
            strings.append(arg)
        elif name == "STACK_GLOBAL" and len(strings) >= 2:
            found = (strings[-2], strings[-1])
            if found not in _RECONSTRUCTORS:
                return found, protocol
            reconstructing, strings = True, []
        elif name in ("GLOBAL", "INST") and isinstance(arg, str) and " " in arg:
            module, _, cls = arg.partition(" ")
            if (module, cls) not in _RECONSTRUCTORS:
                return (module, cls), protocol
            reconstructing = True
        else:
            break
    return None, protocol


def _is_estimator(module: str, cls: str) -> bool:
    parts = module.split(".")
    return (parts[0] == "sklearn" and len(parts) > 1 and parts[1] not in _NOT_ESTIMATORS
            and cls[:1].isupper())


_VERSION_KEY: Final = b"_sklearn_version"


def _sklearn_version(data: bytes) -> str | None:
    """The string after ``_sklearn_version`` (the key BaseEstimator.__getstate__
    adds last to the state), if both are in ``data``."""
    at = data.rfind(_VERSION_KEY)
    if at < 0:
        return None
    at += len(_VERSION_KEY)
    at += data[at:at + 1] == b"\n"  # the end of a protocol 0 string
    for name, arg in _ops(data[at:at + 200]):
        if name in _MEMO_OPS:
            continue
        if name in _STRING_OPS and isinstance(arg, str) and len(arg) < 40:
            return arg
        return None
    return None


def _tail(c: Candidate) -> bytes:
    """The last :data:`PICKLE_TAIL` bytes of a file larger than its head."""
    if c.open is None or _whole(c):
        return b""
    try:
        with c.open() as f:
            f.seek(max(0, c.size - PICKLE_TAIL))
            return f.read(PICKLE_TAIL)
    except OSError:
        return b""


def sklearn_pickle(c: Candidate) -> Recognised | None:
    """A pickle (plain, or compressed as joblib writes them) whose top-level
    object is a scikit-learn estimator.

    The rule: the first class the opcodes import, before any other object
    is built (:func:`_top_class`), must be a class of a ``sklearn.*`` module
    other than ``sklearn.utils``/``datasets``/``externals`` (a dataset
    ``Bunch`` is no estimator); NumPy arrays, lists and dicts at the top,
    such as joblib's own test pickles, are not.  Pickles under a ``test/``,
    ``tests/`` or ``testdata/`` directory are fixtures of a serialiser's
    tests and are passed over whatever they hold.  An lz4 file (no reader in
    the standard library) is recognised by name only.  The estimator's class
    is the ``architecture``; the scikit-learn version that wrote it comes
    from ``_sklearn_version``, in the head or, uncompressed, the tail.
    """
    if _TEST_DIR.search(c.path):
        return None
    head = c.head
    if head.startswith(b"\x04\x22\x4d\x18"):
        return Recognised("scikit-learn-pickle", "name", {"compression": "lz4"})
    compression = None
    if head[:1] != b"\x80":
        inflated = _inflate(head)
        if inflated is not None:
            head, compression = inflated
    found, protocol = _top_class(head)
    if found is None or not _is_estimator(*found):
        return None
    fields = {"architecture": ".".join(found)}
    version = _sklearn_version(head) or (None if compression else _sklearn_version(_tail(c)))
    if version:
        fields["sklearn_version"] = version
    if protocol is not None:
        fields["protocol"] = str(protocol)
    if compression:
        fields["compression"] = compression
    return Recognised("scikit-learn-pickle", "content", fields)


# -- FANN ------------------------------------------------------------------------

_FANN_FIRST: Final = re.compile(r"FANN_(FLO|FIX)_(\d+\.\d+)$")
#: fann_activationfunc_enum of fann_data.h, in order.
_FANN_ACTIVATIONS: Final = (
    "linear", "threshold", "threshold_symmetric", "sigmoid", "sigmoid_stepwise",
    "sigmoid_symmetric", "sigmoid_symmetric_stepwise", "gaussian", "gaussian_symmetric",
    "gaussian_stepwise", "elliot", "elliot_symmetric", "linear_piece",
    "linear_piece_symmetric", "sin_symmetric", "cos_symmetric", "sin", "cos",
    "linear_piece_rect", "linear_piece_rect_leaky",
)
#: fann_train_enum.
_FANN_TRAINING: Final = ("incremental", "batch", "rprop", "quickprop", "sarprop")
_FANN_NEURON: Final = re.compile(r"\((\d+), (\d+), [-+0-9.eE]+\)")


def _fann_keys(lines: list[str]) -> dict[str, str]:
    out = {}
    for line in lines[1:]:
        key, sep, value = line.partition("=")
        if sep:
            out[key.partition(" ")[0]] = value
    return out


def _fann_neurons(line: str) -> tuple[int, str] | None:
    """The weights (the neurons' inputs summed) and the activation functions
    of the neurons that have inputs, from a complete ``neurons`` line."""
    total, names = 0, []
    for inputs, act in _FANN_NEURON.findall(line):
        total += int(inputs)
        if int(inputs):
            i = int(act)
            name = _FANN_ACTIVATIONS[i] if i < len(_FANN_ACTIVATIONS) else act
            if name not in names:
                names.append(name)
    return (total, ",".join(names)) if total else None


def fann_network(c: Candidate) -> Recognised | None:
    """A fann_save() file: the ``FANN_FLO_2.1`` line, then ``key=value``
    lines with ``num_layers`` and as many ``layer_sizes`` (each counting its
    bias neuron).  The weights are the sum of the neurons' ``num_inputs``
    when that line is in the head, else computed for a fully connected
    layered net."""
    lines = _lines(c.head, _whole(c))
    first = _FANN_FIRST.match(lines[0]) if lines else None
    if first is None:
        return None
    keys = _fann_keys(lines)
    sizes = _ints(keys.get("layer_sizes", ""))
    if sizes is None or keys.get("num_layers") != str(len(sizes)) or min(sizes) < 1:
        return None
    kind = "fixed-point" if first.group(1) == "FIX" else "floating-point"
    fields = {"version": f"FANN {first.group(2)} ({kind})",
              "architecture": "feed-forward network, layers "
                              + "-".join(str(s - 1) for s in sizes)}
    neurons = next((line for line in lines if line.startswith("neurons ")), None)
    counted = _fann_neurons(neurons) if neurons is not None else None
    if counted is not None:
        fields["parameters"], fields["activation"] = str(counted[0]), counted[1]
    elif keys.get("network_type") == "0" and keys.get("connection_rate", "").startswith("1.0"):
        fields["parameters"] = str(sum(a * (b - 1) for a, b in zip(sizes, sizes[1:])))
    algorithm = keys.get("training_algorithm", "")
    if algorithm.isdigit() and int(algorithm) < len(_FANN_TRAINING):
        fields["training"] = (f"{_FANN_TRAINING[int(algorithm)]}, learning rate "
                              f"{keys.get('learning_rate', '?')}")
    return Recognised("fann-network", "content", fields)


# -- SExtractor --------------------------------------------------------------------

def sextractor_nnw(c: Candidate) -> Recognised | None:
    """SExtractor's ``NNW`` file: comments, a line ``layers n1 n2 ...``, then
    the numbers.  The parameters are each layer's weights and biases; the
    whole file must hold exactly those, plus the input and output offsets
    and scales, when it is all in the head."""
    lines = _lines(c.head, _whole(c))
    if not lines or lines[0].strip() != "NNW":
        return None
    comments = [line.lstrip("# ").strip() for line in lines[1:] if line.startswith("#")]
    body = [line for line in lines[1:] if line.strip() and not line.startswith("#")]
    layout = _ints(body[0]) if body else None
    if layout is None or len(layout) < 3 or layout[0] != len(layout) - 1 \
            or not all(0 < n <= 100_000 for n in layout[1:]):
        return None
    sizes = layout[1:]
    parameters = sum((a + 1) * b for a, b in zip(sizes, sizes[1:]))
    if _whole(c) and (_number_count(body[1:]) != parameters + 2 * (sizes[0] + sizes[-1])
                      or not _floats(" ".join(body[1:]).split())):
        return None
    fields = {"architecture": "multilayer perceptron " + "-".join(map(str, sizes)),
              "parameters": str(parameters)}
    if comments:
        fields["description"] = comments[0][:200]
    if len(comments) > 1:
        fields["training"] = " ".join("; ".join(comments[1:]).split())[:300]
    return Recognised("sextractor-nnw", "content", fields)


# -- disulfinder ---------------------------------------------------------------------

_SVM_KERNELS: Final = ("linear", "polynomial", "radial basis function", "sigmoid")


def _disulfinder_unit(path: str) -> str:
    at = path.rfind("/Models/")
    return path[:at + len("/Models")] if at >= 0 else path.rpartition("/")[0]


def _svm(lines: list[str]) -> dict[str, str] | None:
    """kernel.model: ``kernel degree gamma s r b count``, then ``alpha i:v ...``."""
    words = lines[0].split() if lines else []
    if len(words) != 7 or not _floats(words) or _ints(words[-1]) is None or len(lines) < 2:
        return None
    sv = lines[1].split()
    if not sv or not _floats(sv[:1]) or not all(re.fullmatch(r"\d+:[-+0-9.eE]+", w)
                                                 for w in sv[1:50]):
        return None
    kernel = _ints(words[0])
    name = _SVM_KERNELS[kernel[0]] if kernel and kernel[0] < len(_SVM_KERNELS) else words[0]
    arch = f"support vector machine, {name} kernel"
    if name == "polynomial":
        arch += f" of degree {words[1]}"
    return {"architecture": arch, "support_vectors": words[-1]}


def _keyed(lines: list[str]) -> dict[str, str]:
    """``Name value...`` lines by name."""
    out = {}
    for line in lines:
        key, _, value = line.partition(" ")
        out[key] = value.strip()
    return out


def _brnn(lines: list[str], whole: bool) -> dict[str, str] | None:
    """brnn.model: ``Name value`` lines, ``NoInputs`` first, ``*Weights`` rows."""
    keys = _keyed(lines)
    if not lines or not lines[0].startswith("NoInputs ") or not any(
            k.endswith("Weights") for k in keys):
        return None
    arch = (f"bidirectional recurrent network, {keys.get('NoInputs', '?')} inputs, "
            f"{keys.get('NoHiddens', '?')} hidden, {keys.get('NoOutputs', '?')} outputs")
    out = {"architecture": arch}
    if whole:
        out["parameters"] = str(sum(len(v.split()) for k, v in keys.items()
                                    if k.endswith("Weights")))
    return out


def _automaton(lines: list[str]) -> dict[str, str] | None:
    keys = _keyed(lines)
    if not lines or not lines[0].startswith("NoAutomata ") or "BeginAutomata" not in keys:
        return None
    return {"architecture": f"finite-state automaton, {keys.get('NoStates', '?')} "
                            "states (its transitions are set, not trained)"}


def _recursive_net(lines: list[str], whole: bool, bonds: str) -> dict[str, str] | None:
    """conn/data/N/net: four lines of layer sizes, a blank line, the weights."""
    if len(lines) < 6 or any(_ints(line) is None for line in lines[:4]) or lines[4].strip():
        return None
    dims = _ints(lines[1]) or [0]
    out = {"architecture": f"recursive neural network, {dims[0]} inputs per residue",
           "bonds": bonds,
           "training": "chains listed in the train file beside it"}
    if whole:
        out["parameters"] = str(_number_count(lines[5:]))
    return out


def disulfinder_model(c: Candidate) -> Recognised | None:
    """One of disulfinder's trained components; the ``Models`` directory is
    the unit (the program loads them together)."""
    lines = _lines(c.head, _whole(c))
    name = c.name
    if name == "net":
        fields = _recursive_net(lines, _whole(c), c.path.split("/")[-2])
    else:
        fields = _svm(lines) or _brnn(lines, _whole(c)) or _automaton(lines)
    if fields is None:
        return None
    return Recognised("disulfinder-predictor", "content", fields,
                      unit=_disulfinder_unit(c.path))


# -- AUGUSTUS -------------------------------------------------------------------------

_PBL_KINDS: Final = (
    ("#exon model parameters", "exon"), ("#intron model parameters", "intron"),
    ("# UTR model parameters", "UTR"),
    ("# Probabilities file for the intergenic region model", "intergenic"),
    ("# Transition probabilities and initial probabilities", "state transitions"),
)
_SECTION: Final = re.compile(r"\[[A-Za-z_0-9]+\]$")


def _after(lines: list[str], label: str) -> str | None:
    """The line after the comment line ``label`` (``# number of states`` ...)."""
    for i, line in enumerate(lines[:-1]):
        if line.strip() == label:
            return lines[i + 1].strip()
    return None


def _augustus_pbl(lines: list[str]) -> dict[str, str] | None:
    top = [line.strip().lower() for line in lines[:8]]
    kind = next((k for text, k in _PBL_KINDS if any(t.startswith(text.lower()) for t in top)),
                None)
    if kind is None:
        return None
    fields = {"submodel": kind}
    if kind == "state transitions":
        states = _ints(_after(lines, "# number of states") or "")
        if states is None:
            return None
        fields["states"] = str(states[0])
        return fields
    if not any(_SECTION.match(line) for line in lines):
        return None
    order = _ints(_after(lines, "# k =") or "")
    if order:
        fields["markov_order"] = str(order[0])
    exons = _ints(_after(lines, "# total number of exons of above types") or "")
    if exons and len(exons) == 4:
        fields["training"] = ("exons counted in training: {} single, {} initial, "
                              "{} internal, {} terminal".format(*exons))
    return fields


def _augustus_cfg(lines: list[str]) -> dict[str, str] | None:
    infiles = [line.split()[1] for line in lines
               if line.startswith("/") and line.split()[0].endswith("Model/infile")
               and len(line.split()) > 1]
    if not infiles and not any(line.startswith("/Constant/") for line in lines):
        return None
    fields = {"architecture": "generalised hidden Markov model (AUGUSTUS)"}
    comments = [line.lstrip("#").strip() for line in lines[:12] if line.startswith("#")]
    text = [t for t in comments if t and not t.startswith("date")]
    if text:
        fields["description"] = text[0][:200]
    date = next((t.partition(":")[2].strip() for t in comments if t.startswith("date")), "")
    if date:
        fields["date"] = date
    if infiles:
        fields["parameter_files"] = " ".join(infiles)[:300]
    return fields


def augustus_species(c: Candidate) -> Recognised | None:
    """A file of an AUGUSTUS species directory, the unit: its
    ``*_parameters.cfg`` (``/XModel/infile`` or ``/Constant/`` lines) or one
    of its parameter files (a known first comment and ``[SECTION]`` lines)."""
    lines = _lines(c.head, _whole(c))
    if "_parameters.cfg" in c.name:
        fields = _augustus_cfg(lines)
    else:
        fields = _augustus_pbl(lines)
    if fields is None:
        return None
    unit = c.path.rpartition("/")[0]
    fields["species"] = unit.rpartition("/")[2]
    return Recognised("augustus-species", "content", fields, unit=unit)


# -- pangoLEARN --------------------------------------------------------------------------

_ZIP_LOCAL: Final = struct.Struct("<4sHHHHHIIIHH")
_RULE: Final = re.compile(r"[^\t]+\t\d+(==|!=)'[-ACGTN]'")
_RULES_NAME: Final = "decision_tree_rules.txt"


def _zip_first_member(head: bytes) -> tuple[str, bytes] | None:
    """The name and the first inflated bytes of a zip's first member, from
    its local header (stored or deflated, not encrypted)."""
    import zlib

    if len(head) < _ZIP_LOCAL.size:
        return None
    sig, _v, flags, method, _t, _d, _crc, _cs, _us, nlen, xlen = _ZIP_LOCAL.unpack_from(head)
    start = _ZIP_LOCAL.size + nlen + xlen
    if sig != b"PK\x03\x04" or flags & 1 or method not in (0, 8) or start > len(head):
        return None
    name = head[_ZIP_LOCAL.size:_ZIP_LOCAL.size + nlen].decode("utf-8", "replace")
    if method == 0:
        return name, head[start:start + INFLATE_CAP]
    try:
        return name, zlib.decompressobj(-15).decompress(head[start:], INFLATE_CAP)
    except zlib.error:
        return None


def _rules(text: bytes, complete: bool) -> Mapping[str, str] | None:
    lines = _lines(text, complete)
    header = next((line for line in lines if line.startswith("['lineage', ")), None)
    if header is None and not any(_RULE.match(line) for line in lines[:20]):
        return None
    fields = {"architecture": "decision tree (scikit-learn DecisionTreeClassifier), "
                              "one rule per leaf"}
    if header is not None and header.endswith("]"):
        fields["features"] = str(header.count(",'") + header.count(", '"))
    return fields


def pangolearn_rules(c: Candidate) -> Recognised | None:
    """pangoLEARN's exported decision tree, as text or as the zip of it."""
    if c.head.startswith(b"PK\x03\x04"):
        member = _zip_first_member(c.head)
        if member is None or not member[0].endswith(_RULES_NAME):
            return None
        fields = _rules(member[1], False)
    else:
        fields = _rules(c.head, _whole(c))
    if fields is None:
        return None
    return Recognised("pangolearn-decision-tree", "content", fields)
