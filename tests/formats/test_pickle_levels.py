"""Pickle verdict levels: error (attacker-chosen code, load bombs), warning
(foreign imports), nothing (checkpoint imports); and the lint checks on them.

Every stream is written opcode by opcode; nothing is pickled from a live
object that would run code, and nothing is ever unpickled.
"""

from __future__ import annotations

import io
import os
import subprocess
from pathlib import Path

import pytest

from dh_aimodel.formats.pickle_scan import DEFAULT_BUDGET, PickleReport, scan_file, scan_pickle
from dh_aimodel.lint import checks
from dh_aimodel.lint.state import LintState, ScannedFile

MARK, STOP, TUPLE, TUPLE1, TUPLE3, REDUCE = b"(", b".", b"t", b"\x85", b"\x87", b"R"
EMPTY_LIST, EMPTY_DICT, EMPTY_TUPLE, APPEND, APPENDS = b"]", b"}", b")", b"a", b"e"
DUP, POP, BUILD, NEWOBJ, SETITEMS = b"2", b"0", b"b", b"\x81", b"u"


def proto(n: int) -> bytes:
    return b"\x80" + bytes([n])


def glob(module: str, name: str) -> bytes:
    return b"c" + module.encode() + b"\n" + name.encode() + b"\n"


def text(s: str) -> bytes:
    raw = s.encode()
    return b"\x8c" + bytes([len(raw)]) + raw


def small(n: int) -> bytes:
    return b"K" + bytes([n])


def put(i: int) -> bytes:
    return b"q" + bytes([i])


def get(i: int) -> bytes:
    return b"h" + bytes([i])


def call(module: str, name: str, arg: bytes = text("id")) -> bytes:
    return proto(2) + glob(module, name) + arg + TUPLE1 + REDUCE + STOP


def scan(data: bytes, **kwargs: int) -> PickleReport:
    return scan_pickle(io.BytesIO(data), **kwargs)


def level(report: PickleReport) -> str:
    """The verdict as lint gives it: E, W or nothing."""
    malformed = {f.code for f in report.findings} & checks.MALFORMED_CODES
    if report.dangerous or report.returned_calls or report.load_bomb or malformed:
        return "E"
    return "W" if report.foreign else ""


# -- E: code an attacker chose ------------------------------------------------------------

CODE_EXEC = [("os", "system"), ("posix", "system"), ("subprocess", "Popen"),
             ("subprocess", "check_output"), ("builtins", "eval"), ("builtins", "exec"),
             ("builtins", "getattr"), ("builtins", "__import__"), ("__builtin__", "eval"),
             ("importlib", "import_module"), ("runpy", "run_path"), ("pty", "spawn"),
             ("webbrowser", "open"), ("shutil", "rmtree"), ("commands", "getoutput"),
             ("numpy.core", "_ufunc_reconstruct"), ("torch.hub", "load"), ("pickle", "loads"),
             ("operator", "attrgetter"), ("collections", "OrderedDict.__init__.__globals__")]


@pytest.mark.parametrize(("module", "name"), CODE_EXEC)
def test_code_execution_callables_are_errors(module: str, name: str) -> None:
    report = scan(call(module, name))
    assert (module, name) in report.dangerous and level(report) == "E"


def test_stack_global_on_computed_names_is_an_error() -> None:
    # STACK_GLOBAL's module is what str.lower (unknown, a call) returned at load time.
    data = (proto(4) + text("mymod") + text("lower") + b"\x93" + EMPTY_TUPLE + REDUCE
            + text("system") + b"\x93" + text("id") + TUPLE1 + REDUCE + STOP)
    report = scan(data)
    assert ("?", "system") in report.dangerous and level(report) == "E"


def test_calling_what_a_call_returned_is_an_error() -> None:
    # functools.partial is allowed; calling the partial object runs what it wraps.
    data = (proto(2) + glob("functools", "partial") + glob("mymodel", "helper") + TUPLE1 + REDUCE
            + text("x") + TUPLE1 + REDUCE + STOP)
    report = scan(data)
    assert report.returned_calls == ("functools.partial",) and level(report) == "E"
    memo = (proto(2) + glob("functools", "partial") + glob("mymodel", "helper") + TUPLE1 + REDUCE
            + put(0) + POP + get(0) + EMPTY_TUPLE + REDUCE + STOP)
    assert scan(memo).returned_calls == ("functools.partial",)


def test_malformed_streams_stay_errors() -> None:
    for data in (proto(2) + APPEND + STOP, proto(2) + get(3) + STOP, proto(2) + b"\xff",
                 proto(2) + EMPTY_LIST + put(0)):
        assert level(scan(data)) == "E", data


# -- E: load bombs -------------------------------------------------------------------------

def doubling(levels: int) -> bytes:
    """[x, x] of [x, x] of ...: each level holds the previous one twice, by memo reuse."""
    out = proto(2) + EMPTY_LIST + put(0)
    for i in range(levels):
        out += EMPTY_LIST + MARK + get(i % 250) + get(i % 250) + APPENDS + put((i + 1) % 250)
    return out + STOP


BOMBS = {
    "memo doubling": doubling(40),
    "DUP doubling": proto(2) + EMPTY_LIST + b"".join(
        [DUP + b"\x86" for _ in range(40)]) + STOP,  # TUPLE2 of the same object, twice
    "wide memo reuse": proto(2) + EMPTY_LIST + MARK + small(1) * 200 + APPENDS + put(0)
    + b"".join(EMPTY_LIST + MARK + get(i) * 200 + APPENDS + put(i + 1) for i in range(4)) + STOP,
    "bytes(10**12)": proto(2) + glob("builtins", "bytes") + b"\x8a\x06" + (10**12).to_bytes(6, "little")
    + TUPLE1 + REDUCE + STOP,
    "list(range(10**12))": proto(2) + glob("builtins", "list") + glob("builtins", "range")
    + b"\x8a\x06" + (10**12).to_bytes(6, "little") + TUPLE1 + REDUCE + TUPLE1 + REDUCE + STOP,
    "filled after referenced": proto(2) + b"".join(EMPTY_LIST + put(i) for i in range(40))
    + b"".join(get(i) + MARK + get(i + 1) + get(i + 1) + APPENDS + POP for i in range(39))
    + get(0) + STOP,
}


@pytest.mark.parametrize("name", sorted(BOMBS))
def test_load_bombs_are_errors(name: str) -> None:
    report = scan(BOMBS[name])
    assert report.load_bomb and report.expansion > DEFAULT_BUDGET, (name, report)
    assert level(report) == "E"


def test_the_budget_is_a_parameter_and_reuse_is_counted_once_per_reference() -> None:
    report = scan(doubling(10), budget=10_000)
    assert not report.load_bomb and 2**10 <= report.expansion < 2**12
    assert scan(doubling(20), budget=10_000).load_bomb


def test_cycles_and_plain_structures_are_no_bombs() -> None:
    cycle = proto(2) + EMPTY_LIST + put(0) + get(0) + APPEND + STOP  # l.append(l)
    wide = proto(2) + EMPTY_LIST + MARK + small(1) * 10_000 + APPENDS + STOP
    for data in (cycle, wide):
        report = scan(data)
        assert not report.load_bomb and level(report) == "", report


# -- W and nothing ---------------------------------------------------------------------------

@pytest.mark.parametrize(("module", "name"), [
    ("mymodel.net", "Net"), ("joblib.numpy_pickle", "NDArrayWrapper"), ("builtins", "print"),
    ("sklearn.datasets", "fetch_openml"), ("torch", "nn")])
def test_foreign_imports_are_warnings(module: str, name: str) -> None:
    report = scan(proto(2) + glob(module, name) + EMPTY_TUPLE + REDUCE + STOP)
    assert report.foreign == ((module, name),) and level(report) == "W"


@pytest.mark.parametrize(("module", "name"), [
    ("torch._utils", "_rebuild_tensor_v2"), ("torch.nn.modules.normalization", "LayerNorm"),
    ("functools", "partial"), ("collections", "OrderedDict"), ("numpy.core.multiarray", "_reconstruct"),
    ("numpy.matrixlib.defmatrix", "matrix"), ("numpy.random._pickle", "__randomstate_ctor"),
    ("joblib.numpy_pickle", "NumpyArrayWrapper"), ("sklearn.ensemble._forest", "RandomForestClassifier"),
    ("sklearn.tree._tree", "Tree"), ("scipy.sparse._csr", "csr_matrix"), ("copy_reg", "_reconstructor")])
def test_checkpoint_imports_are_nothing(module: str, name: str) -> None:
    assert level(scan(proto(2) + glob(module, name) + POP + EMPTY_LIST + STOP)) == ""


def test_timm_layer_factory_is_nothing() -> None:
    data = (proto(2) + glob("functools", "partial") + glob("torch.nn.modules.normalization", "LayerNorm")
            + TUPLE1 + REDUCE + EMPTY_DICT + BUILD + STOP)
    report = scan(data)
    assert report.unsafe == () and level(report) == ""


def joblib_record(shape: tuple[int, ...], code: str, aligned: bool = False) -> bytes:
    """What joblib writes before a raw array: a NumpyArrayWrapper and its state."""
    dtype = (glob("numpy", "dtype") + text(code) + small(0) + small(1) + TUPLE3 + REDUCE + MARK
             + small(3) + text("<") + b"NNN" + b"J\xff\xff\xff\xff" * 2 + small(0) + TUPLE + BUILD)
    dims = MARK + b"".join(small(d) for d in shape) + TUPLE
    state = (EMPTY_DICT + MARK + text("shape") + dims + text("order") + text("C")
             + text("dtype") + dtype + (text("numpy_array_alignment_bytes") + small(16) if aligned else b"")
             + SETITEMS)
    return glob("joblib.numpy_pickle", "NumpyArrayWrapper") + EMPTY_TUPLE + NEWOBJ + state + BUILD


def test_joblib_arrays_are_read_past_and_the_rest_is_walked() -> None:
    arrays = (joblib_record((2, 3), "f8") + bytes(48) + APPEND
              + joblib_record((5,), "<U2", aligned=True) + b"\x03\xff\xff\xff" + bytes(40) + APPEND)
    clean = proto(3) + EMPTY_LIST + arrays + STOP
    assert scan(clean).findings == () and level(scan(clean)) == ""
    evil = proto(3) + EMPTY_LIST + arrays + POP + glob("os", "system") + text("id") + TUPLE1 + REDUCE + STOP
    assert scan(evil).dangerous == (("os", "system"),)


def test_joblib_object_arrays_are_walked_as_the_pickle_they_are() -> None:
    inner = call("os", "system")
    data = proto(3) + EMPTY_LIST + joblib_record((1,), "O8") + inner + APPEND + STOP
    report = scan(data)
    assert report.dangerous == (("os", "system"),) and report.findings == ()


# -- lint: the own-library rule -------------------------------------------------------------

def lint(path: str, data: bytes, is_model: bool = True) -> set[tuple[str, str]]:
    f = ScannedFile(path, is_model, pickle=scan(data))
    state = LintState("binary", None, binary="python3-x", files=(f,))
    return {(d.tag, d.context) for check in (checks.pickle_weights, checks.pickle_unsafe_global,
                                              checks.pickle_foreign_global, checks.pickle_load_bomb)
            for d in check(state)}


LIB = "usr/lib/python3/dist-packages/mylib/tests/data/"


def test_a_librarys_own_pickles_in_its_own_tree_get_nothing() -> None:
    own = proto(2) + glob("mylib.core", "Thing") + EMPTY_TUPLE + REDUCE + STOP
    assert lint(LIB + "thing.pkl", own) == set()
    assert lint("usr/share/other/thing.pkl", own) == {
        ("aimodel-pickle-foreign-global", "mylib.core.Thing [usr/share/other/thing.pkl]"),
        ("aimodel-pickle-weights", "[usr/share/other/thing.pkl]")}


def test_dangerous_imports_in_a_librarys_own_tree_stay_errors() -> None:
    for module, name in (("os", "system"), ("builtins", "eval"), ("subprocess", "Popen")):
        tags = lint(LIB + "evil.pkl", call(module, name))
        assert ("aimodel-pickle-unsafe-global", f"{module}.{name} [{LIB}evil.pkl]") in tags
        assert ("aimodel-pickle-weights", f"[{LIB}evil.pkl]") in tags
    bomb = lint(LIB + "bomb.pkl", BOMBS["memo doubling"])
    assert ("aimodel-pickle-load-bomb", f"over {DEFAULT_BUDGET} elements [{LIB}bomb.pkl]") in bomb


def test_returned_calls_are_unsafe_globals_in_lint() -> None:
    data = (proto(2) + glob("functools", "partial") + glob("mylib", "f") + TUPLE1 + REDUCE
            + EMPTY_TUPLE + REDUCE + STOP)
    assert ("aimodel-pickle-unsafe-global", "call of what functools.partial returned [x.pkl]") \
        in lint("x.pkl", data)


# -- real packages ---------------------------------------------------------------------------

def archive_deb(name: str) -> Path:
    root = os.environ.get("AIMODEL_ARCHIVE_DEBS")
    if not root:
        pytest.skip("AIMODEL_ARCHIVE_DEBS is not set")
    found = sorted((Path(root) / "trixie").glob(f"{name}_*.deb"))
    if not found:
        pytest.skip(f"{name} not in {root}/trixie")
    return found[-1]


@pytest.mark.parametrize("package", ["python3-joblib", "python3-sklearn"])
def test_library_test_pickles_are_no_false_alarm(package: str, tmp_path: Path) -> None:
    """Every pickle of the package, scanned and checked: no error, no warning."""
    from dh_aimodel.formats import looks_like_model, may_hold_pickles

    deb = archive_deb(package)
    subprocess.run(["dpkg-deb", "-x", str(deb), str(tmp_path)], check=True)
    files = []
    for path in sorted(p for p in tmp_path.rglob("*") if p.is_file() and not p.is_symlink()):
        with path.open("rb") as fh:
            head = fh.read(4096)
        if may_hold_pickles(head, path.name):
            report = scan_file(path)
            if report.streams:
                files.append(ScannedFile(str(path.relative_to(tmp_path)),
                                         looks_like_model(head, path.name), pickle=report))
    state = LintState("binary", None, binary=package, files=tuple(files))
    found = [d for check in (checks.pickle_weights, checks.pickle_unsafe_global,
                             checks.pickle_foreign_global, checks.pickle_load_bomb,
                             checks.malformed_model_file) for d in check(state)]
    assert found == []
    if package == "python3-joblib":
        assert len(files) >= 15  # the test pickles were scanned, and walked to their end
        assert all(f.pickle is not None and f.pickle.findings == () for f in files)
