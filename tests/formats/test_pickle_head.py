"""Pickles told by content (protocol 0/1 heads), and the verdict rules the peers'
test suites brought: each rule fires in one test and stays quiet in another.

Streams are written by pickle.dumps of objects whose __reduce__ names a
payload, or opcode by opcode; nothing is ever unpickled.
"""

from __future__ import annotations

import io
import os
import pickle
import pickletools
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lintkit import zip_bytes

from dh_aimodel.core import limits
from dh_aimodel.formats import SNIFF_BYTES, iter_pickles, may_hold_pickles
from dh_aimodel.formats.pickle_opcodes import pickle_head
from dh_aimodel.formats.pickle_scan import PickleReport, scan_file, scan_pickle
from dh_aimodel.lint import checks


class Payload:
    """Pickles as a call of os.system; never unpickled here."""

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return os.system, ("id",)


def level(report: PickleReport) -> str:
    """The verdict as lint gives it: E, W or nothing."""
    malformed = {f.code for f in report.findings} & checks.MALFORMED_CODES
    if report.dangerous or report.returned_calls or report.load_bomb or malformed:
        return "E"
    return "W" if report.foreign else ""


# -- pickle_head: protocol 0/1 pickles by content -------------------------------------------

PICKLES = [Payload(), {"w": [1.5, -2, None], "s": "x"}, [1, 2, 3] * 40, 12345, "text",
           (int, str), b"\x00\xff"]


@pytest.mark.parametrize("protocol", [0, 1, 2, 3, 4, 5])
@pytest.mark.parametrize("index", range(len(PICKLES)))
def test_pickles_of_every_protocol_parse_as_pickles(protocol: int, index: int) -> None:
    data = pickle.dumps(PICKLES[index], protocol=protocol)
    head = data[:SNIFF_BYTES]
    if isinstance(PICKLES[index], list):
        # No import, no call, no STOP in the first 64 bytes: data only, as
        # far as the head shows; not taken for a pickle by its content.
        assert not pickle_head(head)
    else:
        assert pickle_head(head), data[:40]
    assert may_hold_pickles(head, "x.bin") == (protocol >= 2 or not isinstance(PICKLES[index], list))


def test_a_protocol_0_pickle_named_bin_is_scanned(tmp_path: Path) -> None:
    path = tmp_path / "x.bin"
    path.write_bytes(pickle.dumps(Payload(), protocol=0))
    assert may_hold_pickles(path.read_bytes()[:SNIFF_BYTES], "x.bin")
    (stream,) = iter_pickles(path)
    assert not stream.tentative  # .bin is a checkpoint name: a sure walk
    assert scan_file(path).dangerous == (("posix", "system"),)
    other = tmp_path / "x.cache"  # any other name: tentative, dangerous imports still reported
    other.write_bytes(path.read_bytes())
    assert may_hold_pickles(other.read_bytes()[:SNIFF_BYTES], "x.cache")
    assert scan_file(other).dangerous == (("posix", "system"),)


@pytest.mark.parametrize("text", [
    b"hello world\n", b"cabbage\ncabin\ncable\ncactus\n", b"(c) 2024 Someone\n",
    b"config\nfoo\nbar\n", b"NNN", b"Index\n", b"S'unterminated\n", b"I12a\n.", b"]a",
    b"cos\nsystem\ncos\nsystem\n", b"g0\n", b"p0\n", b"(t", b"}}}}", b"Traceback (most recent",
    b"#!/bin/sh\n", b"\x7fELF\x02\x01\x01", b"\x89PNG\r\n\x1a\n", b"", b"2", b"0.",
    b"\x80\x01}.", b"N\x80\x02.",  # PROTO 0/1, or not first: no pickler writes them
])
def test_text_and_binaries_are_not_pickles(text: bytes) -> None:
    assert not pickle_head(text[:SNIFF_BYTES])
    assert not may_hold_pickles(text[:SNIFF_BYTES], "notes.txt")


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.characters(min_codepoint=9, max_codepoint=0x2FF,
                                      blacklist_categories=("Cs",)), max_size=200))
def test_random_text_is_not_a_pickle_unless_it_is_one(text: str) -> None:
    head = text.encode()[:SNIFF_BYTES]
    if pickle_head(head):
        # Taken for a pickle only when pickletools, parsing on its own, reads
        # the head's opcodes up to an import, a call or STOP too.
        seen = []
        try:
            seen.extend(op.name for op, _, _ in pickletools.genops(head))
        except ValueError:
            pass
        assert set(seen) & {"GLOBAL", "STACK_GLOBAL", "INST", "OBJ", "REDUCE", "STOP"}, head


def _repo_files() -> list[Path]:
    root = Path(__file__).resolve().parents[2]
    if shutil.which("git") is None:  # a buildd or a chroot: no git, and no checkout either
        pytest.skip("git is not installed")
    top = subprocess.run(["git", "rev-parse", "--show-toplevel"], cwd=root, capture_output=True,
                         text=True, check=False)
    # A package build runs the tests from a copy (.pybuild/...) that may lie
    # inside a checkout without being one: its files are not listed there.
    if top.returncode or Path(top.stdout.strip()).resolve() != root:
        pytest.skip("not the top of a git checkout")
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=root, capture_output=True, check=True)
    return [root / n for n in listed.stdout.decode().split("\0") if n and (root / n).is_file()]


def test_none_of_the_repositorys_own_files_is_taken_for_a_pickle() -> None:
    files = _repo_files()
    assert len(files) > 100
    taken = [str(p) for p in files if pickle_head(p.read_bytes()[:SNIFF_BYTES])]
    assert taken == []


# -- verdict rules from the peers' suites --------------------------------------------------

def call(module: str, name: str) -> bytes:
    return b"\x80\x02c" + f"{module}\n{name}\n".encode() + b")R."


@pytest.mark.parametrize(("module", "name", "neighbour"), [
    ("ast", "parse", ("ast", "Module")),                       # fickling: ML allow-list test
    ("poplib", "POP3", ("popular", "POP3")),                   # fickling: SSRF test
    ("nntplib", "NNTP", ("nntplibx", "NNTP")),
    ("fickling.hook", "remove_hook", ("ficklingx", "f")),      # fickling: scanner deactivation
    ("picklescan", "some_func", ("picklescanner", "f")),
    ("modelscan", "some_func", ("modelscans", "f")),
    ("torch.jit", "dangerous", ("torch.nn.modules.normalization", "LayerNorm")),
    ("torch", "compile", ("torch", "Size")),
    ("torch.distributed.elastic.rendezvous.api", "basichandlers", ("torch", "float32")),
    ("torch.storage", "_load_from_bytes", ("torch.storage", "TypedStorage")),
])
def test_new_dangerous_imports_are_errors_and_their_neighbours_are_not(
        module: str, name: str, neighbour: tuple[str, str]) -> None:
    assert level(scan_pickle(io.BytesIO(call(module, name)))) == "E"
    assert level(scan_pickle(io.BytesIO(call(*neighbour)))) in ("", "W")


def test_foreign_library_classes_stay_warnings() -> None:
    # Loading them runs only the library's code: W, not E.
    wrapper = b"\x80\x02cjoblib.numpy_pickle\nNDArrayWrapper\n)R."
    assert level(scan_pickle(io.BytesIO(wrapper))) == "W"
    timm = (b"\x80\x02cfunctools\npartial\nctorch.nn.modules.normalization\nLayerNorm\n\x85R}b.")
    assert level(scan_pickle(io.BytesIO(timm))) == ""


def _zip(members: dict[str, bytes], flag: int = 0, rename: bytes | None = None,
         corrupt: tuple[bytes, bytes] | None = None) -> bytes:
    data = bytearray(zip_bytes(members, zipfile.ZIP_STORED))
    if flag:  # local and central headers both
        for signature, at in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
            i = data.find(signature)
            data[i + at] |= flag
    if rename:
        i = data.find(rename)
        data[i:i + len(rename)] = rename[::-1]
    if corrupt:
        i = data.find(corrupt[0])
        assert i >= 0
        data[i:i + len(corrupt[0])] = corrupt[1]
    return bytes(data)


@pytest.mark.parametrize(("damage", "code"), [
    ({"flag": 0x1}, "encrypted"), ({"flag": 0x20}, "malformed"), ({"flag": 0x40}, "malformed"),
    ({"rename": b"data.pkl"}, "malformed"), ({"corrupt": (b"\x8c\x02id", b"\x8c\x02ls")}, "malformed"),
])
def test_a_pickle_member_zipfile_will_not_read_is_an_error(tmp_path: Path, damage: dict[str, object],
                                                           code: str) -> None:
    payload = pickle.dumps(Payload(), protocol=4)
    path = tmp_path / "m.zip"
    path.write_bytes(_zip({"data.pkl": payload}, **damage))  # type: ignore[arg-type]
    report = scan_file(path)
    assert code in {f.code for f in report.findings} and level(report) == "E", report
    path.write_bytes(_zip({"data.pkl": pickle.dumps([1, 2])}))
    assert level(scan_file(path)) == ""
    with zipfile.ZipFile(path) as zf:
        assert zf.testzip() is None


def test_the_load_bomb_budget_is_the_active_limit() -> None:
    doubling = b"\x80\x02]q\x00" + b"".join(
        b"](h" + bytes([i]) + b"h" + bytes([i]) + b"eq" + bytes([i + 1]) for i in range(12)) + b"."
    assert not scan_pickle(io.BytesIO(doubling)).load_bomb
    try:
        limits.configure(["pickle-elements=1000"], environ={})
        report = scan_pickle(io.BytesIO(doubling))
        assert report.load_bomb and report.budget == 1000
    finally:
        limits.configure([], environ={})
    assert scan_pickle(io.BytesIO(doubling)).budget == limits.Limits().pickle_elements
