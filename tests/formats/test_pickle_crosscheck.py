"""Cross-check of ``aimodel lint``'s pickle scanner with picklescan and modelscan.

The issue's acceptance criterion: on a set of malicious and benign pickles,
``aimodel lint`` flags at least every file that an independent scanner
flags, and no benign file.  The corpus is made here, in Python, on every run
(never a checked-in blob, never unpickled): state dicts of every protocol,
PyTorch zip and legacy checkpoints, joblib-style and NumPy files, and ways to
run code that the scanners' authors and the pickle literature describe.

Each file is scanned by picklescan and modelscan, and linted by
``aimodel lint`` twice: inside a .deb and inside a source tree, the two
ways a maintainer meets a model.  The test prints every disagreement;
doc/pickle-crosscheck.md (linked from the README) lists the same,
with its reason, so that a run with newer scanners shows the drift.
"""

from __future__ import annotations

import bz2
import collections
import copy
import datetime
import decimal
import gzip
import io
import logging
import lzma
import os
import pickle
import shutil
import struct
import sys
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import pytest
from lintkit import deb, model_yaml, tree, zip_bytes

from dh_aimodel.formats.pickle_scan import PickleReport, scan_file, scan_pickle
from dh_aimodel.lint import lint

Kind = Literal["benign", "questionable", "malicious"]


@dataclass(frozen=True, slots=True)
class Case:
    """One corpus file.

    ``kind``: ``benign`` must not be flagged by anyone; ``malicious`` runs
    code (or reads files, or reaches the network) when unpickled and must be
    reported by us as an unsafe global; ``questionable`` does no harm when
    loaded but imports code outside our allow-list (a model class) or is
    written as no pickler writes, and we flag it by design.  ``group`` is
    the row of the report's result table.
    """

    name: str
    kind: Kind
    group: str
    data: bytes


# -- opcode helpers: hand-written streams for what pickle.dumps never writes -------

def proto(n: int) -> bytes:
    return b"\x80" + bytes([n])


def glob(module: str, name: str) -> bytes:
    """GLOBAL: protocol 0-3's import, two text lines."""
    return b"c" + f"{module}\n{name}\n".encode()


def text(s: str) -> bytes:
    """SHORT_BINUNICODE."""
    raw = s.encode()
    return b"\x8c" + bytes([len(raw)]) + raw


def small(n: int) -> bytes:
    """BININT1 or BININT."""
    return b"K" + bytes([n]) if n < 256 else b"J" + struct.pack("<i", n)


def sq(s: str) -> bytes:
    """Protocol 0 STRING."""
    return f"S'{s}'\n".encode()


MARK, TUPLE, TUPLE1, EMPTY_TUPLE, REDUCE, STOP = b"(", b"t", b"\x85", b")", b"R", b"."
SETITEMS, BINPERSID, NEWFALSE, MEMOIZE, POP = b"u", b"Q", b"\x89", b"\x94", b"0"


class Reduce:
    """Pickles as ``func(*args)``; its pickles are only ever scanned here."""

    def __init__(self, func: Callable[..., object], *args: object) -> None:
        self.func, self.args = func, args

    def __reduce__(self) -> tuple[object, tuple[object, ...]]:
        return self.func, self.args


class ReduceEx:
    """Like :class:`Reduce` through ``__reduce_ex__``, which pickle prefers."""

    def __init__(self, func: Callable[..., object], *args: object) -> None:
        self.func, self.args = func, args

    def __reduce_ex__(self, protocol: object) -> tuple[object, tuple[object, ...]]:
        return self.func, self.args


# -- containers ------------------------------------------------------------------------

def torch_tensor(name: str, key: str, numel: int, dtype: str = "FloatStorage") -> bytes:
    """One state-dict entry as torch.save writes it (protocol 2, persistent storage id)."""
    return (text(name) + glob("torch._utils", "_rebuild_tensor_v2") + MARK
            + MARK + text("storage") + glob("torch", dtype) + text(key) + text("cpu")
            + small(numel) + TUPLE + BINPERSID
            + small(0) + small(numel) + TUPLE1 + small(1) + TUPLE1 + NEWFALSE
            + glob("collections", "OrderedDict") + EMPTY_TUPLE + REDUCE + TUPLE + REDUCE)


def torch_state_dict(tensors: int = 2) -> bytes:
    """data.pkl of a state dict: OrderedDict of _rebuild_tensor_v2 calls."""
    return (proto(2) + glob("collections", "OrderedDict") + EMPTY_TUPLE + REDUCE + MARK
            + b"".join(torch_tensor(f"layer{i}.weight", str(i), 4) for i in range(tensors))
            + SETITEMS + STOP)


def torch_zip(data_pkl: bytes | None = None, extra: dict[str, bytes] | None = None,
              tensors: int = 2) -> bytes:
    """A torch.save zip: archive/data.pkl, the storages, version and byteorder."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as zf:
        zf.writestr("archive/data.pkl", data_pkl or torch_state_dict(tensors))
        zf.writestr("archive/byteorder", b"little")
        for i in range(tensors):
            zf.writestr(f"archive/data/{i}", struct.pack("<4f", 0.5, -1.0, 2.0, 3.25))
        zf.writestr("archive/version", b"3\n")
        zf.writestr("archive/.data/serialization_id", b"1234567890")
        for name, data in (extra or {}).items():
            zf.writestr(name, data)
    return buf.getvalue()


#: torch.serialization's MAGIC_NUMBER, first pickle of a legacy checkpoint.
TORCH_MAGIC = 0x1950A86A20F9469CFC6C


def legacy_torch(obj: bytes, numel: int = 4) -> bytes:
    """A pre-1.6 torch.save file: five pickles back to back, then raw storages
    (each its element count as int64, then its bytes)."""
    sys_info = {"protocol_version": 1001, "little_endian": True,
                "type_sizes": {"short": 2, "int": 4, "long": 4}}
    return (pickle.dumps(TORCH_MAGIC, 2) + pickle.dumps(1001, 2) + pickle.dumps(sys_info, 2)
            + obj + pickle.dumps(["0", "1"], 2)
            + b"".join(struct.pack("<q", numel) + bytes(4 * numel) for _ in "01"))


def npy(array: object) -> bytes:
    import numpy as np

    buf = io.BytesIO()
    np.save(buf, array, allow_pickle=True)
    return buf.getvalue()


def npz(**arrays: object) -> bytes:
    import numpy as np

    buf = io.BytesIO()
    np.savez(buf, **arrays)
    return buf.getvalue()


def objects(*items: object) -> object:
    import numpy as np

    out = np.empty(len(items), dtype=object)
    out[:] = list(items)
    return out


# -- the corpus ------------------------------------------------------------------------

def corpus() -> list[Case]:
    """The cross-check files, benign first.

    Names carry extensions that lint, picklescan and modelscan all read, so
    that a disagreement is about content; :data:`NOT_MODELS` are read by lint
    as pickles, not as models.
    """
    import builtins
    import code
    import codeop
    import ctypes
    import importlib
    import pty
    import runpy
    import socket
    import subprocess
    import webbrowser

    import numpy as np

    system = os.system  # pickles as posix.system on Linux, nt.system on Windows
    weights = collections.OrderedDict(
        (f"layer{i}", {"w": [0.5 * i, -1.0, 2e-3], "b": (1, 2), "name": f"l{i}",
                       "raw": b"\x00\x01\xff", "frozen": i % 2 == 0, "none": None})
        for i in range(3))
    cases: list[Case] = []

    def add(name: str, kind: Kind, group: str, data: bytes) -> None:
        cases.append(Case(name, kind, group, data))

    # benign ------------------------------------------------------------------------
    for p in range(6):
        add(f"state_dict_p{p}.pkl", "benign", "state dict, protocol 0-5", pickle.dumps(weights, p))
    add("nested_containers.pkl", "benign", "nested containers, sets, OrderedDict, stdlib values",
        pickle.dumps({"a": [[[{1, 2}], frozenset({3})], ("x", {"y": collections.OrderedDict(z=[])})],
                      "c": collections.Counter("hello"), "bytes": bytearray(b"ab")}, 4))
    add("stdlib_values_p2.pkl", "benign", "nested containers, sets, OrderedDict, stdlib values",
        pickle.dumps([datetime.datetime(2024, 1, 2, 3, 4, 5), datetime.timedelta(days=1),
                      decimal.Decimal("1.5"), complex(1, 2), range(3), slice(1, 2), b"bin"], 2))
    for p in (2, 4, 5):
        add(f"numpy_arrays_p{p}.pkl", "benign", "NumPy arrays, scalars, dtypes",
            pickle.dumps({"a": np.arange(6, dtype=np.float32).reshape(2, 3), "s": np.float64(1.5),
                          "d": np.dtype("i4"), "rec": np.zeros(2, dtype=[("x", "i4"), ("y", "f8")])},
                         p))
    add("torch_state_dict.pt", "benign", "PyTorch zip checkpoint", torch_zip())
    add("torch_state_dict_deflated.pth", "benign", "PyTorch zip checkpoint",
        _recompress(torch_zip(tensors=3)))
    add("torch_dtypes.pt", "benign", "PyTorch zip checkpoint", torch_zip(
        proto(2) + MARK + text("dtype") + glob("torch", "bfloat16") + text("size")
        + glob("torch", "Size") + MARK + small(2) + small(3) + TUPLE + TUPLE1 + REDUCE
        + b"d" + STOP))
    add("legacy_torch.bin", "benign", "PyTorch legacy (magic number) checkpoint",
        legacy_torch(torch_state_dict()))
    add("legacy_torch.pt", "benign", "PyTorch legacy (magic number) checkpoint",
        legacy_torch(torch_state_dict(3)))
    # 128 elements: the storage starts with the bytes of PROTO 0, b"\x80\x00".
    add("legacy_torch_128.pth", "benign", "PyTorch legacy (magic number) checkpoint",
        legacy_torch(torch_state_dict(), numel=128))
    # uint8 storages that happen to start like a pickle, as any storage may.
    add("torch_storage_like_pickle.pt", "benign", "PyTorch zip checkpoint", torch_zip(extra={
        "archive/data/7": b"\x80\x02" + bytes(range(256)),
        "archive/data/8": b"\x80\x01c" + b"\x11" * 3000 + b"\n\x82\x01\x93"}))
    plain = pickle.dumps({"coef": [[0.1, 0.2]], "intercept": [0.3], "classes": ["a", "b"]}, 4)
    add("joblib_plain.joblib", "benign", "joblib-style, plain or gzip/bz2/xz/zlib", plain)
    add("joblib_gzip.joblib", "benign", "joblib-style, plain or gzip/bz2/xz/zlib", gzip.compress(plain))
    add("joblib_bz2.pkl", "benign", "joblib-style, plain or gzip/bz2/xz/zlib", bz2.compress(plain))
    add("joblib_xz.joblib", "benign", "joblib-style, plain or gzip/bz2/xz/zlib", lzma.compress(plain))
    add("joblib_zlib.joblib", "benign", "joblib-style, plain or gzip/bz2/xz/zlib", zlib.compress(plain, 3))
    add("objects.npy", "benign", "NumPy object array (.npy, .npz)",
        npy(objects({"a": 1}, "text", None, [1.5, 2])))
    add("objects.npz", "benign", "NumPy object array (.npy, .npz)",
        npz(a=objects(1, "x"), b=np.arange(3)))

    # questionable: harmless in intent, outside the allow-list or obfuscated ----------------
    add("foreign_class.pkl", "questionable", "model class outside the allow-list",
        proto(2) + glob("copy_reg", "_reconstructor") + MARK
        + glob("mymodel.linear", "LogisticRegression") + glob("__builtin__", "object")
        + b"N" + TUPLE + REDUCE + b"}" + text("C") + b"G" + struct.pack(">d", 1.0) + b"s"
        + b"b" + STOP)
    # joblib's record of an array written raw after it (joblib.numpy_pickle.NumpyArrayWrapper)
    dtype = (glob("numpy", "dtype") + text("f4") + small(0) + small(1) + b"\x87" + REDUCE
             + MARK + small(3) + text("<") + b"NNN" + b"J\xff\xff\xff\xff" * 2 + small(0)
             + TUPLE + b"b")
    add("joblib_array_wrapper.joblib", "benign", "joblib-style, plain or gzip/bz2/xz/zlib",
        proto(4) + text("joblib.numpy_pickle") + text("NumpyArrayWrapper") + b"\x93" + EMPTY_TUPLE
        + b"\x81" + b"}" + MARK + text("shape") + small(4) + TUPLE1 + text("dtype") + dtype
        + b"u" + b"b" + struct.pack("<4f", 1, 2, 3, 4) + STOP)
    add("stack_global_shuffled.pkl", "questionable", "obfuscated STACK_GLOBAL",
        proto(4) + text("collections") + text("decoy") + POP + text("OrderedDict") + b"\x93"
        + EMPTY_TUPLE + REDUCE + STOP)

    # malicious: every protocol, every import opcode ------------------------------------
    for p in range(6):
        add(f"os_system_p{p}.pkl", "malicious", "os/posix.system, any protocol",
            pickle.dumps(Reduce(system, "touch /tmp/pwned"), p))
    add("os_system_global.pkl", "malicious", "os/posix.system, any protocol",
        glob("os", "system") + MARK + sq("id") + TUPLE + REDUCE + STOP)
    for i, (func, args, name) in enumerate((
            (subprocess.Popen, (["id"],), "subprocess_popen"),
            (subprocess.check_output, (["id"],), "subprocess_check_output"),
            (subprocess.run, ("id",), "subprocess_run"),
            (builtins.eval, ("1+1",), "builtins_eval"),
            (builtins.exec, ("x=1",), "builtins_exec"),
            (builtins.compile, ("1", "f", "eval"), "builtins_compile"),
            (builtins.open, ("/etc/passwd",), "io_open"),
            (builtins.getattr, ("x", "upper"), "builtins_getattr"),
            (builtins.__import__, ("os",), "builtins_import"),
            (socket.create_connection, (("localhost", 1),), "socket_connect"),
            (shutil.rmtree, ("/nonexistent",), "shutil_rmtree"),
            (importlib.import_module, ("os",), "importlib_import"),
            (runpy.run_path, ("/nonexistent.py",), "runpy_run_path"),
            (webbrowser.open, ("http://localhost/",), "webbrowser_open"),
            (pty.spawn, ("id",), "pty_spawn"),
            (code.interact, (), "code_interact"),
            (codeop.compile_command, ("1",), "codeop_compile"),
            (ctypes.CDLL, ("libc.so.6",), "ctypes_cdll"),
            (pickle.loads, (pickle.dumps(Reduce(system, "id"), 2),), "pickle_in_pickle"))):
        add(f"{name}.pkl", "malicious", "stdlib ways to run code, files, network",
            pickle.dumps(Reduce(func, *args), (2, 4, 3, 5)[i % 4]))
    add("builtins_open.pkl", "malicious", "stdlib ways to run code, files, network",
        proto(2) + glob("builtins", "open") + text("/etc/passwd") + TUPLE1 + REDUCE + STOP)
    add("reduce_ex.pkl", "malicious", "stdlib ways to run code, files, network",
        pickle.dumps(ReduceEx(builtins.exec, "import os"), 4))
    add("py2_builtin_eval.pkl", "malicious", "stdlib ways to run code, files, network",
        glob("__builtin__", "eval") + MARK + sq("1") + TUPLE + REDUCE + STOP)
    add("torch_load.pkl", "malicious", "stdlib ways to run code, files, network",
        proto(2) + glob("torch", "load") + text("/tmp/other.pt") + TUPLE1 + REDUCE + STOP)
    add("dunder_walk.pkl", "malicious", "attribute walks and evasions",
        proto(4) + text("collections") + text("OrderedDict.__init__.__globals__") + b"\x93" + STOP)
    add("stack_global_memo.pkl", "malicious", "attribute walks and evasions",
        proto(4) + text("os") + MEMOIZE + POP + text("decoy") + MEMOIZE + POP + text("system")
        + MEMOIZE + POP + b"h\x00" + b"h\x02" + b"\x93" + text("id") + TUPLE1 + REDUCE + STOP)
    add("stack_global_long_binget.pkl", "malicious", "attribute walks and evasions",
        proto(4) + b"]" + MEMOIZE + MARK + text("numpy") + MEMOIZE + text("subprocess") + MEMOIZE
        + text("getoutput") + MEMOIZE + b"e" + b"j\x02\x00\x00\x00" + b"j\x03\x00\x00\x00"
        + b"\x93" + text("id") + TUPLE1 + REDUCE + b"a" + STOP)
    add("stack_global_binstring.pkl", "malicious", "attribute walks and evasions",
        proto(4) + b"U\x08builtins" + b"U\x04exec" + b"\x93" + text("1") + TUPLE1 + REDUCE + STOP)
    add("inst_opcode.pkl", "malicious", "INST, OBJ, EXT1/2/4 opcodes",
        MARK + sq("id") + b"ios\nsystem\n" + STOP)
    add("obj_opcode.pkl", "malicious", "INST, OBJ, EXT1/2/4 opcodes",
        proto(2) + MARK + glob("subprocess", "Popen") + text("id") + b"o" + STOP)
    for op, arg in ((b"\x82", b"\x01"), (b"\x83", b"\x01\x02"), (b"\x84", b"\x01\x02\x03\x04")):
        add(f"ext{len(arg)}_opcode.pkl", "malicious", "INST, OBJ, EXT1/2/4 opcodes",
            proto(2) + op + arg + text("id") + TUPLE1 + REDUCE + STOP)
    deep: object = Reduce(system, "id")
    for _ in range(300):
        deep = [deep]
    add("deep_nesting.pkl", "malicious", "nested, deep, hidden, truncated",
        pickle.dumps({"model": deep}, 4))
    evil2 = pickle.dumps(Reduce(system, "id"), 2)
    evil4 = pickle.dumps(Reduce(subprocess.getoutput, "id"), 4)
    add("after_benign_p2.pkl", "malicious", "nested, deep, hidden, truncated",
        pickle.dumps(weights, 2) + evil4)
    add("after_benign_p0.pkl", "malicious", "nested, deep, hidden, truncated",
        pickle.dumps(weights, 2) + pickle.dumps(Reduce(system, "id"), 0))
    add("truncated.pkl", "malicious", "nested, deep, hidden, truncated", evil2[:-6])
    add("legacy_torch_evil.bin", "malicious", "nested, deep, hidden, truncated",
        legacy_torch(evil2))
    # The magic number computed by eval() instead of written (picklescan's "magic bypass").
    legacy = legacy_torch(torch_state_dict())
    add("legacy_magic_bypass.bin", "malicious", "nested, deep, hidden, truncated",
        pickle.dumps(Reduce(builtins.eval, str(TORCH_MAGIC)), 2)
        + legacy[len(pickle.dumps(TORCH_MAGIC, 2)):])
    add("after_benign_partial.pkl", "malicious", "nested, deep, hidden, truncated",
        pickle.dumps(weights, 4) + glob("functools", "partial") + MARK + glob("builtins", "print")
        + TUPLE + REDUCE + MARK + text("x") + TUPLE + REDUCE + STOP)
    add("stack_global_shuffled_evil.pkl", "malicious", "attribute walks and evasions",
        proto(4) + text("os") + text("decoy") + POP + text("system") + b"\x93"
        + text("id") + TUPLE1 + REDUCE + STOP)
    add("torch_data_pkl_evil.pt", "malicious", "inside a PyTorch zip", torch_zip(evil2))
    add("torch_extra_pkl_evil.pt", "malicious", "inside a PyTorch zip",
        torch_zip(extra={"archive/constants.pkl": evil4}))
    add("torch_storage_evil.pt", "malicious", "inside a PyTorch zip",
        torch_zip(extra={"archive/data/9": evil2}))
    add("torch_pickle_member_evil.pth", "malicious", "inside a PyTorch zip",
        torch_zip(extra={"archive/extra/state.pickle": evil4}))
    add("torch_joblib_member_evil.pt", "malicious", "inside a PyTorch zip",
        torch_zip(extra={"archive/extra/model.joblib": evil4}))
    add("torch_dat_member_evil.pt", "malicious", "inside a PyTorch zip",
        torch_zip(extra={"archive/extra/blob.dat": evil4}))
    add("joblib_gzip_evil.joblib", "malicious", "inside compressed joblib", gzip.compress(evil4))
    add("joblib_bz2_evil.pkl", "malicious", "inside compressed joblib", bz2.compress(evil2))
    add("joblib_xz_evil.joblib", "malicious", "inside compressed joblib", lzma.compress(evil4))
    add("joblib_zlib_evil.joblib", "malicious", "inside compressed joblib", zlib.compress(evil2, 3))
    add("objects_evil.npy", "malicious", "inside a NumPy object array",
        npy(objects(1, Reduce(system, "id"))))
    add("objects_evil.npz", "malicious", "inside a NumPy object array",
        npz(w=np.arange(3), o=objects(Reduce(system, "id"))))

    # pickles where lint once looked only for models: files that are no model, and a
    # member of a model zip that is neither *.pkl nor *.npy -------------------------------
    odd = "pickles in non-model files or odd zip members"
    add("pickle_member_evil.npz", "malicious", odd,
        zip_bytes({"w.npy": npy(np.arange(3)), "extra.pickle": evil4}))
    add("checkpoint_evil.zip", "malicious", odd, torch_zip(evil2))
    add("pickle_evil.dat", "malicious", odd, evil2)
    add("pickle_evil.dill", "malicious", odd, evil4)
    return cases


#: Files of the corpus that are pickles but no model (formats.looks_like_model):
#: scanned all the same, never reported as models.
NOT_MODELS = frozenset({"checkpoint_evil.zip", "pickle_evil.dat", "pickle_evil.dill"})


def _recompress(data: bytes) -> bytes:
    """The same zip with deflated members, as some converters rewrite checkpoints."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, src.read(info))
    return out.getvalue()


# -- the three scanners ------------------------------------------------------------------

Verdicts = dict[str, frozenset[str]]


def _require(module: str) -> None:
    """Skip without the scanner (a developer's box); fail under CI=true, where
    ``run-tests`` installs the test extra and a skip would hide the check."""
    try:
        __import__(module)
    except ImportError:
        message = f"{module} not installed (pip install '.[test]')"
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true: {message}")
        pytest.skip(message)


def _modelscan_installable() -> bool:
    """modelscan 0.8.8 declares Python < 3.13; setup.cfg's test extra follows."""
    return sys.version_info < (3, 13)


def picklescan_flags(root: Path, cases: list[Case]) -> set[str]:
    """Files with at least one issue (a dangerous global) by picklescan."""
    from picklescan.scanner import scan_file_path

    return {c.name for c in cases if scan_file_path(str(root / c.name)).issues_count}


def modelscan_flags(root: Path) -> set[str]:
    """Files (or their zip members) with at least one modelscan issue."""
    from modelscan.modelscan import ModelScan
    from modelscan.settings import DEFAULT_SETTINGS

    report = ModelScan(settings=copy.deepcopy(DEFAULT_SETTINGS)).scan(root)
    return {Path(issue["source"].split(":", 1)[0]).name for issue in report["issues"]}


#: The lint tags that say "do not load this".
UNSAFE_TAGS = frozenset({"aimodel-pickle-unsafe-global", "aimodel-malformed-model-file",
                         "aimodel-pickle-load-bomb", "aimodel-pickle-foreign-global"})


def lint_tags(path: Path, prefix: str) -> Verdicts:
    """For each file under ``prefix``, every lint tag about it."""
    out: dict[str, set[str]] = collections.defaultdict(set)
    for result in lint(path):
        tag, context = result.diagnostic.tag, result.diagnostic.context
        where = context.rpartition("[")[2].rstrip("]")  # "os.system [path]" or "[path]"
        if where.startswith(prefix):
            out[where[len(prefix):]].add(tag)
    return {name: frozenset(tags) for name, tags in out.items()}


def _unsafe(tags: Verdicts) -> Verdicts:
    return {name: t & UNSAFE_TAGS for name, t in tags.items() if t & UNSAFE_TAGS}


@dataclass(frozen=True, slots=True)
class Results:
    cases: list[Case]
    picklescan: set[str]
    modelscan: set[str] | None  # None: not installable on this Python
    deb_tags: Verdicts
    tree_tags: Verdicts
    versions: dict[str, str]

    @property
    def deb(self) -> Verdicts:
        """Our "do not load" tags per file of the .deb."""
        return _unsafe(self.deb_tags)

    @property
    def tree(self) -> Verdicts:
        """Our "do not load" tags per file of the source tree."""
        return _unsafe(self.tree_tags)

    def ours(self, name: str) -> str:
        """Our verdict on one file in words: ``unsafe``, ``foreign`` (a warning:
        an import that runs only its library's code), ``malformed`` or ``clean``."""
        tags = self.deb.get(name, frozenset())
        if "aimodel-pickle-unsafe-global" in tags:
            return "unsafe"
        if tags == {"aimodel-pickle-foreign-global"}:
            return "foreign"
        return "malformed" if tags else "clean"

    @property
    def theirs(self) -> set[str]:
        """Files flagged by picklescan or modelscan."""
        return self.picklescan | (self.modelscan or set())


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> Results:
    """The corpus written out, scanned by picklescan and modelscan, and linted."""
    from importlib.metadata import version

    _require("picklescan")
    _require("numpy")
    with_modelscan = _modelscan_installable()
    if with_modelscan:
        _require("modelscan")
    cases = corpus()
    base = tmp_path_factory.mktemp("crosscheck")
    files = base / "files"
    files.mkdir()
    for c in cases:
        (files / c.name).write_bytes(c.data)
    quiet = [logging.getLogger(n) for n in ("picklescan", "modelscan")]
    levels = [q.level for q in quiet]
    for q in quiet:
        q.setLevel(logging.CRITICAL)  # both log every finding as a warning
    try:
        theirs_p = picklescan_flags(files, cases)
        theirs_m = modelscan_flags(files) if with_modelscan else None
    finally:
        for q, level in zip(quiet, levels):
            q.setLevel(level)
    d = deb(base / "corpus.deb", {f"usr/share/p/{c.name}": c.data for c in cases})
    src = tree(base / "src", {f"models/{c.name}": c.data for c in cases},
               model_yaml("models/*", None, fmt="other"))
    return Results(cases, theirs_p, theirs_m, lint_tags(d, "usr/share/p/"), lint_tags(src, "models/"),
                   {n: version(n) if n == "picklescan" or with_modelscan else "-"
                    for n in ("picklescan", "modelscan")})


# -- the checks ---------------------------------------------------------------------------

def test_corpus_is_varied_and_made_here() -> None:
    _require("numpy")
    cases = corpus()
    names = [c.name for c in cases]
    assert len(names) == len(set(names)) and len(cases) >= 40
    kinds = collections.Counter(c.kind for c in cases)
    assert kinds["benign"] >= 15 and kinds["malicious"] >= 40, kinds
    assert {c.data[:2] for c in cases} >= {b"PK", b"\x93N", b"\x1f\x8b", b"BZ", b"\xfd7", b"x^",
                                          b"\x80\x02", b"cc", b"(S"}
    assert NOT_MODELS <= set(names)


def test_the_independent_scanners_really_scan(results: Results) -> None:
    """Guards the cross-check against an API change that makes them see nothing."""
    for theirs in (results.picklescan, results.modelscan or set(results.picklescan)):
        assert {"os_system_p0.pkl", "os_system_p4.pkl", "builtins_eval.pkl",
                "torch_data_pkl_evil.pt", "stack_global_memo.pkl"} <= theirs, theirs


def test_we_flag_everything_they_flag(results: Results) -> None:
    for verdicts in (results.deb, results.tree):
        missed = {n for n in results.theirs if n not in verdicts}
        assert not missed, f"flagged by picklescan/modelscan, not by aimodel lint: {sorted(missed)}"


def test_every_malicious_file_is_an_unsafe_global(results: Results) -> None:
    for verdicts in (results.deb, results.tree):
        missed = [c.name for c in results.cases if c.kind == "malicious"
                  and "aimodel-pickle-unsafe-global" not in verdicts.get(c.name, ())]
        assert not missed, missed


def test_pickles_that_are_no_model_are_not_called_models(results: Results) -> None:
    """Scanning every pickle does not widen what is a model: the pickles that are
    no model get no ``aimodel-pickle-weights`` (a tag for models), the pickled
    models next to them do."""
    for tags in (results.deb_tags, results.tree_tags):
        weights = {name for name, t in tags.items() if "aimodel-pickle-weights" in t}
        assert not NOT_MODELS & weights
        assert {"legacy_torch.bin", "pickle_member_evil.npz", "torch_state_dict.pt"} <= weights


def test_questionable_files_are_flagged(results: Results) -> None:
    for verdicts in (results.deb, results.tree):
        missed = [c.name for c in results.cases if c.kind == "questionable" and c.name not in verdicts]
        assert not missed, missed


def test_no_benign_file_is_flagged(results: Results) -> None:
    for verdicts in (results.deb, results.tree):
        flagged = {c.name: sorted(verdicts[c.name]) for c in results.cases
                   if c.kind == "benign" and c.name in verdicts}
        assert not flagged, flagged
    benign = {c.name for c in results.cases if c.kind == "benign"}
    assert not benign & results.theirs, "a benign file is not benign"


def test_deb_and_source_tree_agree(results: Results) -> None:
    assert results.deb == results.tree


Row = tuple[str, str, str]


def disagreements(results: Results) -> dict[str, Row]:
    """File -> (picklescan, modelscan, aimodel lint) where they do not all agree."""
    rows = {}
    for c in results.cases:
        p, m = c.name in results.picklescan, c.name in (results.modelscan or ())
        ours = results.ours(c.name)
        if not p == m == (ours != "clean"):
            rows[c.name] = ("flags" if p else "passes", "flags" if m else "passes", ours)
    return rows


def _readme_section() -> str:
    """doc/pickle-crosscheck.md, the report (the README links to it)."""
    return (Path(__file__).resolve().parents[2] / "doc/pickle-crosscheck.md").read_text(
        encoding="utf-8")


def _table_rows(text: str) -> list[list[str]]:
    """The body rows of the Markdown tables in ``text``, cells without backticks."""
    return [[c.strip().replace("`", "") for c in line.strip().strip("|").split("|")]
            for line in text.splitlines()
            if line.startswith("| ") and not line.startswith(("| file |", "| file class |"))]


def summary(results: Results) -> dict[tuple[str, str], tuple[int, int, int, int]]:
    """(file class, kind) -> files, flagged by picklescan, by modelscan, by aimodel lint."""
    out: dict[tuple[str, str], list[int]] = {}
    for c in results.cases:
        row = out.setdefault((c.group, c.kind), [0, 0, 0, 0])
        row[0] += 1
        row[1] += c.name in results.picklescan
        row[2] += c.name in (results.modelscan or ())
        row[3] += results.ours(c.name) != "clean"
    return {k: (v[0], v[1], v[2], v[3]) for k, v in out.items()}


def readme_disagreements() -> dict[str, Row]:
    """The report's disagreement table: file -> (picklescan, modelscan, aimodel lint)."""
    table = _readme_section().partition("## Disagreements")[2]
    return {cells[0]: (cells[1], cells[2], cells[3]) for cells in _table_rows(table)
            if len(cells) == 5}


def readme_summary() -> dict[tuple[str, str], tuple[int, int, int, int]]:
    """The report's result table: (file class, kind) -> the four counts."""
    table = _readme_section().partition("## Disagreements")[0]
    return {(cells[0], cells[1]): tuple(int(c.split()[0]) for c in cells[2:6])  # type: ignore[misc]
            for cells in _table_rows(table) if len(cells) == 6}


def test_disagreements_match_the_readme(results: Results) -> None:
    """Prints the disagreements (``pytest -s`` shows them) and checks that
    doc/pickle-crosscheck.md lists the same, with the same verdicts.

    A newer picklescan or modelscan (the test extra is not pinned) may agree
    or disagree on other files: then this fails, and the report's table,
    with a reason for each line, is to be brought up to date.
    """
    if results.modelscan is None:
        pytest.skip("modelscan does not install on Python >= 3.13; the report's table needs both")
    found = disagreements(results)
    kinds = {c.name: c.kind for c in results.cases}
    print(f"\npicklescan {results.versions['picklescan']}, modelscan "
          f"{results.versions['modelscan']}, {len(results.cases)} files, "
          f"{len(found)} disagreements (file, kind: picklescan / modelscan / aimodel lint):")
    for name, row in found.items():
        print(f"  {name}, {kinds[name]}: {' / '.join(row)}")
    assert readme_disagreements() == found
    assert readme_summary() == summary(results)


# -- what the cross-check made the scanner do ----------------------------------------------
# (unit tests of dh_aimodel.formats.pickle_scan for the gaps the corpus found)

def _scan(data: bytes) -> PickleReport:
    return scan_pickle(io.BytesIO(data))


def test_every_pickle_of_a_stream_is_walked() -> None:
    """picklescan reads pickle after pickle; a loader calling pickle.load in a
    loop runs them all.  A trailing pickle without PROTO may be plain data:
    only imports known to run code are reported from it."""
    first = pickle.dumps({"w": [1.0]}, 2)
    assert _scan(first + pickle.dumps(Reduce(os.system, "id"), 0)).dangerous == (
        (os.system.__module__, "system"),)
    assert _scan(first + pickle.dumps([1], 2) + pickle.dumps(Reduce(os.getcwd), 3)).dangerous
    quiet = _scan(first + glob("mymodel.svm", "SVC") + EMPTY_TUPLE + REDUCE + STOP)
    assert quiet.is_safe, quiet
    for junk in (b"\n", b"(junk", b"cnot a\nmodule", b"\x80\x01\x00", b"\x80\x09"):
        assert _scan(first + junk).is_safe, junk


def test_legacy_torch_storages_are_data_and_its_pickles_pickles() -> None:
    """After the five pickles of a legacy torch.save file come the storages;
    one of 128 elements starts with the bytes of PROTO 0."""
    assert _scan(legacy_torch(torch_state_dict(), numel=128)).is_safe
    report = _scan(legacy_torch(torch_state_dict()) + pickle.dumps(Reduce(os.system, "id"), 2))
    assert report.is_safe and not report.dangerous
    magic = pickle.dumps(TORCH_MAGIC, 0)
    evil = pickle.dumps(Reduce(shutil.rmtree, "/x"), 0)
    report = _scan(magic + pickle.dumps(1001, 0) + pickle.dumps({}, 0) + evil
                   + pickle.dumps(["0"], 0) + struct.pack("<q", 128) + bytes(512))
    assert report.dangerous == (("shutil", "rmtree"),) and report.findings == ()


def test_stack_global_on_names_pushed_elsewhere_is_suspicious() -> None:
    """picklescan reads STACK_GLOBAL's names from the opcodes just before it;
    a stream that pushes them elsewhere is written to mislead such scanners."""
    shuffled = (proto(4) + text("collections") + text("x") + POP + text("OrderedDict") + b"\x93"
                + EMPTY_TUPLE + REDUCE + STOP)
    report = _scan(shuffled)
    assert [f.code for f in report.findings] == ["suspicious"] and report.unsafe == ()
    framed = (proto(4) + text("collections") + MEMOIZE + b"\x95" + struct.pack("<Q", 20)
              + text("OrderedDict") + MEMOIZE + b"\x93" + EMPTY_TUPLE + REDUCE + STOP)
    assert _scan(framed).is_safe
    memo_heavy = pickle.dumps([collections.OrderedDict(a=i) for i in range(3)] * 2, 5)
    assert b"h" in memo_heavy and _scan(memo_heavy).is_safe


def test_zip_members_other_loaders_read_as_pickles(tmp_path: Path) -> None:
    evil = pickle.dumps(Reduce(os.system, "id"), 2)
    unknown = proto(2) + glob("mymodel.svm", "SVC") + EMPTY_TUPLE + REDUCE + STOP
    path = tmp_path / "m.pt"
    path.write_bytes(torch_zip(extra={"archive/x.pickle": unknown, "archive/y.dill": evil,
                                      "archive/z.dat": evil, "archive/data/5": evil}))
    report = scan_file(path)
    assert report.unsafe == tuple(sorted([(os.system.__module__, "system"), ("mymodel.svm", "SVC")]))
    assert report.findings == ()
    path.write_bytes(torch_zip(extra={
        "archive/notes.dat": b"cconfig\nvalue\n", "archive/data/5": b"\x80\x02c" + b"a" * 5000,
        "archive/broken.pickle": unknown[:-3]}))
    report = scan_file(path)
    assert report.unsafe == (("mymodel.svm", "SVC"),)
    assert [(f.code, f.message.split(":")[0]) for f in report.findings] == [
        ("truncated", "archive/broken.pickle")]


def test_zip_directory_caps_apply_to_the_other_members(tmp_path: Path, monkeypatch) -> None:
    from dh_aimodel import formats

    path = tmp_path / "m.pt"
    path.write_bytes(torch_zip(extra={"archive/y.pickle": pickle.dumps(Reduce(os.system, "id"), 2)}))
    assert scan_file(path).dangerous
    monkeypatch.setattr(formats, "ZIP_MAX_MEMBERS", 3)
    assert not scan_file(path).dangerous
