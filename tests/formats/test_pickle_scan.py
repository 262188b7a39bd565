"""The pickle scanner: imports and calls found without unpickling anything.

Malicious streams are written by hand (or by pickle.dumps of an object whose
__reduce__ names os.system) and only ever scanned; each would create a
file if it ran, and the tests check that the file never appears.
"""

from __future__ import annotations

import collections
import gzip
import io
import os
import pickle
import struct
import time
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lintkit import zip_bytes

from dh_aimodel.formats import FINDING_CODES
from dh_aimodel.formats.pickle_scan import (
    DEFAULT_LIMIT,
    DEPTH_WARN,
    STRING_CAP,
    PickleReport,
    classify_global,
    scan_file,
    scan_pickle,
)


def scan(data: bytes, **kwargs: int) -> PickleReport:
    return scan_pickle(io.BytesIO(data), **kwargs)


def codes(report: PickleReport) -> list[str]:
    return [f.code for f in report.findings]


def short_unicode(text: str) -> bytes:
    raw = text.encode()
    return b"\x8c" + bytes([len(raw)]) + raw


class Payload:
    """Pickles as a call of os.system; never unpickled in these tests."""

    def __init__(self, command: str) -> None:
        self.command = command

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return os.system, (self.command,)


@pytest.fixture()
def marker(tmp_path: Path) -> Path:
    """A file any payload here would create if it were ever run."""
    path = tmp_path / "pwned"
    yield path
    assert not path.exists(), "a scanned pickle was executed"


# -- harmless pickles ---------------------------------------------------------------


@pytest.mark.parametrize("protocol", range(pickle.HIGHEST_PROTOCOL + 1))
def test_plain_data_is_safe_in_every_protocol(protocol: int) -> None:
    data = {"w": [1.5, -2, 10**30, None, True], "t": (b"\x00\xff", "é"), "s": {1, 2},
            "o": collections.OrderedDict(a=1), "nested": [[[]]]}
    report = scan(pickle.dumps(data, protocol=protocol))
    assert report.findings == ()
    assert report.unsafe == () and report.dangerous == ()
    assert ("collections", "OrderedDict") in report.globals
    assert report.is_safe
    assert report.protocol == (protocol if protocol >= 2 else None)


def test_numpy_arrays_are_allowed() -> None:
    report = scan(pickle.dumps(np.arange(4, dtype=np.float32), protocol=2))
    assert report.is_safe, report
    assert any(name == "_reconstruct" for _, name in report.globals)
    assert ("numpy", "dtype") in report.globals


def test_torch_style_state_dict_is_safe() -> None:
    data = (b"\x80\x02ccollections\nOrderedDict\nq\x00)Rq\x01X\x06\x00\x00\x00weightq\x02"
            b"ctorch._utils\n_rebuild_tensor_v2\nq\x03((X\x07\x00\x00\x00storageq\x04"
            b"ctorch\nFloatStorage\nq\x05X\x01\x00\x00\x000q\x06X\x03\x00\x00\x00cpuq\x07K\x04tq\x08"
            b"QK\x00K\x04\x85q\tK\x01\x85q\n\x89h\x01)Rq\x0btq\x0cRq\rs.")
    report = scan(data)
    assert report.findings == () and report.unsafe == ()
    assert report.calls == (("collections", "OrderedDict"), ("torch._utils", "_rebuild_tensor_v2"))
    assert ("torch", "FloatStorage") in report.globals


# -- malicious pickles ------------------------------------------------------------


def test_os_system_protocol_0(marker: Path) -> None:
    data = f"cos\nsystem\n(S'touch {marker}'\ntR.".encode()
    report = scan(data)
    assert report.unsafe == (("os", "system"),)
    assert report.dangerous == (("os", "system"),)
    assert report.calls == (("os", "system"),)
    assert not report.is_safe


@pytest.mark.parametrize("protocol", range(pickle.HIGHEST_PROTOCOL + 1))
def test_reduce_to_os_system_in_every_protocol(protocol: int, marker: Path) -> None:
    report = scan(pickle.dumps(Payload(f"touch {marker}"), protocol=protocol))
    system = (os.system.__module__, "system")  # posix on Linux
    assert report.dangerous == (system,)
    assert report.calls == (system,)


def test_stack_global_resolved_through_the_memo(marker: Path) -> None:
    # "builtins" and "exec" memoized first, fetched back with BINGET for STACK_GLOBAL
    data = (b"\x80\x04" + short_unicode("builtins") + b"\x94" + short_unicode("exec") + b"\x94"
            + b"0" + b"0"                                   # POP both from the stack
            + b"h\x00h\x01\x93" + short_unicode(f"open('{marker}','w')") + b"\x85R.")
    report = scan(data)
    assert report.dangerous == (("builtins", "exec"),)
    assert report.calls == (("builtins", "exec"),)


def test_stack_global_with_put_and_long_binget() -> None:
    data = (b"\x80\x04" + short_unicode("subprocess") + b"r\x05\x00\x00\x00"
            + short_unicode("Popen") + b"j\x05\x00\x00\x00" + b"\x86" + b"0"
            + b"j\x05\x00\x00\x00" + short_unicode("check_output") + b"\x93N\x85R.")
    # the tuple is popped; STACK_GLOBAL takes memo[5] = "subprocess" and "check_output"
    report = scan(data)
    assert report.dangerous == (("subprocess", "check_output"),)


@pytest.mark.parametrize(("data", "expected"), [
    (b"(S'ls'\nios\nsystem\n.", ("os", "system")),                         # INST
    (b"(cposix\nsystem\nS'ls'\no.", ("posix", "system")),                 # OBJ
    (b"\x80\x02csubprocess\nPopen\n)\x81.", ("subprocess", "Popen")),     # NEWOBJ
    (b"c__builtin__\neval\n(S'1'\ntR.", ("__builtin__", "eval")),         # Python 2 name
    (b"ccommands\ngetoutput\n(S'ls'\ntR.", ("commands", "getoutput")),    # maps to subprocess
    (b"\x80\x04" + short_unicode("torch") + short_unicode("_utils.__globals__") + b"\x93.",
     ("torch", "_utils.__globals__")),                                  # attribute walk
    (b"coperator\nattrgetter\n(S'x'\ntR.", ("operator", "attrgetter")),
])
def test_other_ways_to_call_dangerous_code(data: bytes, expected: tuple[str, str]) -> None:
    report = scan(data)
    assert expected in report.dangerous, report


def test_unknown_classes_are_unsafe_but_not_dangerous() -> None:
    report = scan(b"\x80\x02cmymodel.tree\nDecisionTreeClassifier\n)\x81}b.")
    assert report.unsafe == (("mymodel.tree", "DecisionTreeClassifier"),)
    assert report.dangerous == ()


def test_stack_global_on_a_computed_name_is_unresolved() -> None:
    # module name comes out of a call (str.lower of "OS") -- cannot be known statically
    data = (b"\x80\x04" + short_unicode("builtins") + short_unicode("str") + b"\x93"
            + short_unicode("OS") + b"\x85R" + short_unicode("system") + b"\x93N\x85R.")
    report = scan(data)
    assert ("?", "system") in report.unsafe
    assert "unresolved-global" in codes(report)


def test_stack_global_on_an_over_long_string_is_unresolved() -> None:
    long_name = "a" * (STRING_CAP + 1)
    data = (b"\x80\x04X" + struct.pack("<I", len(long_name)) + long_name.encode()
            + short_unicode("system") + b"\x93.")
    report = scan(data)
    assert ("?", "system") in report.unsafe and "unresolved-global" in codes(report)


def test_extension_registry_imports_are_unresolved() -> None:
    report = scan(b"\x80\x02\x82\x07.")
    assert report.unsafe == (("<extension registry>", "7"),)


def test_build_on_an_imported_module_is_suspicious() -> None:
    report = scan(b"\x80\x02ctorch\n_utils\n}b.")
    assert "suspicious" in codes(report)
    assert ("torch", "_utils") in report.unsafe


def test_second_pickle_of_a_legacy_torch_file_is_scanned(marker: Path) -> None:
    data = pickle.dumps(0x1950A86A20F9469CFC6C, protocol=2) + pickle.dumps(
        Payload(f"touch {marker}"), protocol=2)
    report = scan(data)
    assert report.dangerous == ((os.system.__module__, "system"),)


# -- malformed and hostile streams ----------------------------------------------------


def test_every_truncation_is_a_finding() -> None:
    data = pickle.dumps({"a": [1, 2, (3, "x")], "b": collections.OrderedDict()}, protocol=4)
    for cut in range(len(data)):
        report = scan(data[:cut])
        assert codes(report) and set(codes(report)) <= {"truncated", "malformed"}, cut


def test_deep_nesting_is_reported_not_recursed() -> None:
    data = b"\x80\x02" + b"(]" * 100_000 + b"N."
    started = time.monotonic()
    report = scan(data)
    assert time.monotonic() - started < 5
    assert codes(report) == ["too-deep"]
    assert f"deeper than {DEPTH_WARN}" in report.findings[0].message


@pytest.mark.parametrize(("data", "code"), [
    (b"", "truncated"),
    (b"\x80\x02\xff.", "unknown-opcode"),
    (b"\x80\x02.", "malformed"),                         # STOP with an empty stack
    (b"\x80\x02e.", "malformed"),                        # APPENDS without a MARK
    (b"\x80\x02h\x07.", "malformed"),                    # memo entry never stored
    (b"\x80\x09N.", "malformed"),                        # protocol 9
    (b"\x80\x02K\x01K\x02\x93.", "malformed"),          # STACK_GLOBAL on integers
    (b"\x80\x04\x8e" + struct.pack("<Q", 2**62) + b"abc.", "truncated"),   # BINBYTES8 2**62
    (b"\x80\x04\x8d" + struct.pack("<Q", 2**64 - 1) + b".", "truncated"),   # BINUNICODE8
    (b"\x80\x02T" + struct.pack("<i", -5) + b".", "malformed"),            # negative BINSTRING
    (b"S'unterminated\n.", "malformed"),
    (b"ga\n.", "malformed"),                                                # GET of "a"
    (b"cos\nsys", "truncated"),
    (b"(((((((((((((((", "truncated"),
])
def test_broken_streams(data: bytes, code: str) -> None:
    assert code in codes(scan(data))


def test_big_arguments_are_skipped_not_read() -> None:
    class CountingReads(io.BytesIO):
        read_bytes = 0

        def read(self, n: int | None = -1) -> bytes:
            data = super().read(n)
            CountingReads.read_bytes += len(data)
            return data

    blob = bytes(32 * 1024 * 1024)
    report = scan_pickle(CountingReads(pickle.dumps(blob, protocol=4)))
    assert report.findings == ()
    assert CountingReads.read_bytes < 1024


def test_joblib_inline_arrays_of_unknown_size_end_the_walk_as_incomplete() -> None:
    """A record without shape and dtype: the raw bytes after it cannot be skipped
    (test_pickle_levels.py walks past the arrays of real records)."""
    data = (b"\x80\x04cjoblib.numpy_pickle\nNumpyArrayWrapper\n)\x81}b"
            + b"\x00\x10" + bytes(16) + b".")
    report = scan(data)
    assert codes(report) == ["incomplete"]
    assert "joblib" in report.findings[0].message
    assert report.unsafe == ()  # on the allow-list: joblib checkpoints need it


def test_opcode_limit() -> None:
    report = scan(pickle.dumps(list(range(1000)), protocol=0), limit=100)
    assert codes(report) == ["incomplete"]
    assert DEFAULT_LIMIT > 100


def test_over_long_protocol_0_lines() -> None:
    report = scan(b"c" + b"m" * 100_000 + b"\nsystem\n.")
    assert ("?", "?") in report.unsafe and "unresolved-global" in codes(report)
    report = scan(b"S'" + b"x" * 100_000 + b"'\n.")
    assert report.findings == ()


# -- files -------------------------------------------------------------------------


def test_scan_file_zip_bytes(tmp_path: Path, marker: Path) -> None:
    good = pickle.dumps(collections.OrderedDict(w=[1.0]), protocol=2)
    path = tmp_path / "model.pt"
    path.write_bytes(zip_bytes({"archive/data.pkl": good, "archive/version": b"3"}))
    assert scan_file(path).is_safe
    path.write_bytes(zip_bytes({"archive/data.pkl": good,
                                "archive/constants.pkl": pickle.dumps(Payload(f"touch {marker}"), 2)}))
    report = scan_file(path)
    assert report.dangerous == ((os.system.__module__, "system"),)
    path.write_bytes(zip_bytes({"archive/data.pkl": good[:-5]}))
    report = scan_file(path)
    assert [(f.code, f.message.split(":")[0]) for f in report.findings] == [("truncated", "archive/data.pkl")]


def test_scan_file_plain_joblib_and_npy(tmp_path: Path, marker: Path) -> None:
    evil = pickle.dumps(Payload(f"touch {marker}"), protocol=4)
    (tmp_path / "model.joblib").write_bytes(gzip.compress(evil))
    (tmp_path / "model.pkl").write_bytes(pickle.dumps(Payload(f"touch {marker}"), protocol=0))
    assert scan_file(tmp_path / "model.joblib").dangerous
    assert scan_file(tmp_path / "model.pkl").dangerous
    buf = io.BytesIO()
    np.save(buf, np.array([{"a": 1}], dtype=object), allow_pickle=True)
    (tmp_path / "objects.npy").write_bytes(buf.getvalue())
    report = scan_file(tmp_path / "objects.npy")
    assert report.findings == () and report.unsafe == (), report


def test_scan_file_without_pickles(tmp_path: Path) -> None:
    path = tmp_path / "model.safetensors"
    path.write_bytes(struct.pack("<Q", 2) + b"{}")
    report = scan_file(path)
    assert codes(report) == ["not-a-pickle"] and report.streams == 0


def test_scan_file_walks_a_pickle_known_by_its_bytes_only_tentatively(tmp_path: Path,
                                                                      marker: Path) -> None:
    """formats.iter_pickles marks a pickle under a name pickles do not have as
    tentative: its bytes may be data, so only imports known to run code count."""
    unknown = b"\x80\x02cmymodel.svm\nSVC\n)R."
    for name, data in (("a.dat", unknown), ("a.dill", unknown), ("t.dat", unknown[:-3]),
                       ("t.dill", unknown[:-3]), ("evil.dat", pickle.dumps(Payload(f"touch {marker}"), 2))):
        (tmp_path / name).write_bytes(data)
    assert scan_file(tmp_path / "a.dat").is_safe
    report = scan_file(tmp_path / "a.dill")
    assert report.unsafe == (("mymodel.svm", "SVC"),) and report.streams == 1
    assert scan_file(tmp_path / "t.dat").findings == ()
    assert codes(scan_file(tmp_path / "t.dill")) == ["truncated"]
    assert scan_file(tmp_path / "evil.dat").dangerous == ((os.system.__module__, "system"),)
    assert not marker.exists()


def test_merged_reports_count_their_streams(tmp_path: Path) -> None:
    good = pickle.dumps(collections.OrderedDict(w=[1.0]), protocol=2)
    path = tmp_path / "model.pt"
    path.write_bytes(zip_bytes({"archive/data.pkl": good, "archive/extra.pickle": good,
                                "archive/data/0": b"\x80\x02" + bytes(8), "archive/version": b"3"}))
    report = scan_file(path)
    assert report.streams == 3 and report.is_safe


# -- classification -----------------------------------------------------------------


SAFE = [
    ("torch._utils", "_rebuild_tensor_v2"), ("torch", "BFloat16Storage"), ("torch", "float16"),
    ("torch.cuda", "HalfStorage"), ("numpy.core.multiarray", "_reconstruct"),
    ("numpy._core.multiarray", "_reconstruct"), ("copy_reg", "_reconstructor"),
    ("__builtin__", "set"), ("_codecs", "encode"), ("collections", "OrderedDict"),
]
DANGEROUS = [
    ("os.path", "join"), ("nt", "system"), ("builtins", "getattr"), ("builtins", "__import__"),
    ("__builtin__", "exec"), ("runpy", "run_path"), ("torch", "load"),
    ("numpy.testing._private.utils", "runstring"), ("collections", "OrderedDict.__init__"),
    ("webbrowser", "open"), ("timeit", "timeit"), ("torch", "Storage.__globals__"),
    ("dill._dill", "_create_function"), ("builtins", "eval"), ("cPickle", "loads"),
]
UNKNOWN = [
    ("torch", "nn"), ("torch", "evilStorage"), ("numpy", "load_library"), ("__main__", "Net"),
    ("torch", "FloatStorage.x"), ("collections", "defaultdict"),
]


@pytest.mark.parametrize(("module", "name", "verdict"), [
    *((m, n, "safe") for m, n in SAFE), *((m, n, "dangerous") for m, n in DANGEROUS),
    *((m, n, "unknown") for m, n in UNKNOWN)])
def test_classify_global(module: str, name: str, verdict: str) -> None:
    assert classify_global(module, name) == verdict


# -- never raise: property tests ---------------------------------------------------------

SEEDS = [pickle.dumps(v, protocol=p) for p in range(6) for v in (
    {"a": [1, 2.5, "s", b"b", None]}, collections.OrderedDict(x=(1, 2)), {frozenset({1})})]
SEEDS.append(pickle.dumps(Payload("true"), protocol=2))


def check(report: PickleReport) -> None:
    assert isinstance(report, PickleReport)
    assert all(f.code in FINDING_CODES for f in report.findings)
    assert set(report.dangerous) <= set(report.unsafe)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=400))
def test_random_bytes(data: bytes) -> None:
    check(scan(data))
    check(scan(b"\x80\x04" + data))


OPCODE_BYTES = sorted({b for b in b"(.012BCFGIJKLMNPQRSTUVX]abcdeghijlopqrstu})"}
                      | set(range(0x80, 0x99)))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(OPCODE_BYTES), st.binary(max_size=6)), max_size=60))
def test_random_opcode_sequences(ops: list[tuple[int, bytes]]) -> None:
    check(scan(b"\x80\x04" + b"".join(bytes([op]) + arg for op, arg in ops) + b"."))


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(SEEDS), st.lists(st.tuples(st.integers(0, 10_000), st.integers(0, 255)),
                                        min_size=1, max_size=5))
def test_mutated_pickles(seed: bytes, flips: list[tuple[int, int]]) -> None:
    data = bytearray(seed)
    for pos, value in flips:
        data[pos % len(data)] = value
    check(scan(bytes(data)))


# -- soundness against the real unpickler ---------------------------------------------
# The oracle is CPython's own unpickler with find_class replaced by a recorder that
# returns an inert stand-in: nothing is imported or run, and every import the real
# loader would perform is seen.  Each must be among the scanner's globals, or the
# scanner must have flagged an import it could not resolve.


class _Inert:
    def __init__(self, *args: object, **kwargs: object) -> None:
        pass

    def __call__(self, *args: object, **kwargs: object) -> _Inert:
        return _Inert()

    def __setstate__(self, state: object) -> None:
        pass

    def append(self, item: object) -> None:
        pass

    def extend(self, items: object) -> None:
        pass


class _Recorder(pickle.Unpickler):
    def __init__(self, data: bytes) -> None:
        super().__init__(io.BytesIO(data))
        self.imports: list[tuple[str, str]] = []

    def find_class(self, module: str, name: str) -> type[_Inert]:
        self.imports.append((module, name))
        return _Inert


_NAMES = ["os", "system", "builtins", "eval", "torch", "x"]
_PIECE = st.one_of(
    st.sampled_from(_NAMES).map(short_unicode),
    st.sampled_from(_NAMES).map(lambda n: b"V" + n.encode() + b"\n"),
    st.sampled_from(_NAMES).map(lambda n: b"U" + bytes([len(n)]) + n.encode()),
    st.tuples(st.sampled_from(_NAMES), st.sampled_from(_NAMES)).map(
        lambda mn: b"c" + mn[0].encode() + b"\n" + mn[1].encode() + b"\n"),
    st.integers(0, 3).map(lambda i: b"h" + bytes([i])),
    st.integers(0, 3).map(lambda i: b"q" + bytes([i])),
    st.integers(0, 3).map(lambda i: b"g" + str(i).encode() + b"\n"),
    st.integers(0, 3).map(lambda i: b"p" + str(i).encode() + b"\n"),
    st.sampled_from([b"\x94", b"\x93", b"(", b"0", b"1", b"2", b"N\x85R", b"t", b"\x85", b"\x86",
                     b"]", b"e", b"a", b"}", b"s", b"u", b"\x8f", b"\x90", b"\x91", b"b", b")",
                     b"\x81", b"o", b"\x80\x02", b"l", b"d"]),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_PIECE, min_size=1, max_size=14))
def test_every_import_the_unpickler_makes_is_reported(pieces: list[bytes]) -> None:
    data = b"\x80\x04" + b"".join(pieces) + b"."
    report = scan(data)
    recorder = _Recorder(data)
    try:
        recorder.load()
    except Exception:  # noqa: BLE001 - most random streams are invalid; imports before count
        pass
    unresolved = any("?" in pair for pair in report.unsafe)
    for imported in recorder.imports:
        assert imported in report.globals or unresolved, (imported, data, report)
