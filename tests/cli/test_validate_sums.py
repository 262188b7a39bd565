"""``aimodel validate --update-sums`` and the checks of ``aimodel validate``, on a real tree.

The lock is checked with the real sha256sum(1) of coreutils, since being
read by it is the point of its format.
"""

from __future__ import annotations

import hashlib
import os
import resource
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from dh_aimodel.cli import main
from dh_aimodel.manifest.sums import HEADER

REPO = Path(__file__).resolve().parents[2]
LOCK = "debian/aimodel.sums"
FIX = "restore the file, or run aimodel validate --update-sums if it changed on purpose"
CONTROL = """\
Source: sphinx-model
Section: science
Priority: optional
Maintainer: Example Maintainer <maint@example.org>

Package: sphinx-model-data
Architecture: all
Description: acoustic model
 A test package.
"""
ACOUSTIC = {"model/en-us/mdef": b"mdef\n", "model/en-us/means": b"\x00\x01means",
            "model/en-us/variances": b"variances"}
SINGLE = b"single weights"


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def declaration(extra_files: str = "") -> str:
    return textwrap.dedent(f"""\
        format: 1
        models:
          - name: acoustic
            files: ["model/en-us/*"{extra_files}]
            license: MIT
            copyright: Example Maintainers
          - name: single
            files:
              - path: single.bin
                sha256: {sha(SINGLE)}
            license: MIT
            copyright: Example Maintainers
        """)


@pytest.fixture
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A source tree with a glob model of three files and a file with its own sha256."""
    root = tmp_path / "src"
    (root / "debian").mkdir(parents=True)
    (root / "debian/control").write_text(CONTROL)
    (root / "debian/aimodel.yaml").write_text(declaration())
    for path, data in ACOUSTIC.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_bytes(data)
    (root / "single.bin").write_bytes(SINGLE)
    monkeypatch.chdir(root)
    return root


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(["validate", *argv])
    out, err = capsys.readouterr()
    return status, out, err


def sha256sum_check(root: Path) -> subprocess.CompletedProcess[str]:
    if shutil.which("sha256sum") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("sha256sum (coreutils) is missing")
        pytest.skip("sha256sum (coreutils) is missing")
    return subprocess.run(["sha256sum", "--strict", "-c", LOCK], cwd=root,
                          capture_output=True, text=True, check=False)


def test_update_sums_writes_a_lock_that_sha256sum_accepts(capsys, tree):
    status, out, err = run(capsys, "--update-sums")
    assert (status, err) == (0, "")
    assert out == (f"{LOCK}: added model/en-us/mdef\n"
                   f"{LOCK}: added model/en-us/means\n"
                   f"{LOCK}: added model/en-us/variances\n"
                   f"{LOCK}: written (3 added, 0 changed, 0 removed, 0 kept, 0 unchanged)\n")
    # single.bin has its own sha256: in the declaration, so it is not repeated.
    assert (tree / LOCK).read_text() == (
        f"{HEADER}\n"
        f"{sha(ACOUSTIC['model/en-us/mdef'])}  model/en-us/mdef\n"
        f"{sha(ACOUSTIC['model/en-us/means'])}  model/en-us/means\n"
        f"{sha(ACOUSTIC['model/en-us/variances'])}  model/en-us/variances\n")
    checked = sha256sum_check(tree)
    assert (checked.returncode, checked.stderr) == (0, "")
    assert checked.stdout.count(": OK\n") == 3
    assert run(capsys) == (0, "debian/aimodel.yaml: ok (2 models, packages sphinx-model-data)\n", "")


def test_a_second_update_leaves_the_lock_alone(capsys, tree):
    run(capsys, "--update-sums")
    before = (tree / LOCK).stat()
    status, out, _ = run(capsys, "--update-sums")
    assert status == 0
    assert out == f"{LOCK}: up to date (0 added, 0 changed, 0 removed, 0 kept, 3 unchanged)\n"
    assert (tree / LOCK).stat().st_ino == before.st_ino  # not even rewritten


def test_a_flipped_byte_fails_validate_with_one_line(capsys, tree):
    run(capsys, "--update-sums")
    changed = bytearray(ACOUSTIC["model/en-us/means"])
    changed[0] ^= 0x01
    (tree / "model/en-us/means").write_bytes(changed)
    status, out, err = run(capsys)
    assert (status, out) == (1, "")
    assert err == (f"aimodel: error: {LOCK}:3:1: model/en-us/means has sha256 "
                   f"{sha(bytes(changed))}, but the lock pins "
                   f"{sha(ACOUSTIC['model/en-us/means'])}; {FIX} [aimodel-checksum-mismatch]\n")
    assert sha256sum_check(tree).returncode == 1  # coreutils agrees


def test_an_explicit_sha256_mismatch_is_caught(capsys, tree):
    (tree / "single.bin").write_bytes(b"other weights")
    status, out, err = run(capsys)
    assert (status, out) == (1, "")
    assert err == (f"aimodel: error: debian/aimodel.yaml:9:9: single.bin has sha256 "
                   f"{sha(b'other weights')}, but model single declares {sha(SINGLE)}; "
                   "restore the file, or update its sha256: in the declaration if it changed "
                   "on purpose [aimodel-checksum-mismatch]\n")


def test_a_stale_entry_warns_and_is_removed_on_update(capsys, tree):
    run(capsys, "--update-sums")
    (tree / "model/en-us/variances").unlink()
    (tree / "debian/aimodel.yaml").write_text(declaration().replace('"model/en-us/*"',
                                                                    '"model/en-us/m*"'))
    status, out, err = run(capsys)
    assert (status, err) == (0, "")
    assert out == (f"aimodel: warning: {LOCK}:4:1: model/en-us/variances is in the lock, but no "
                   "declared file of a model in the source names it; run aimodel validate "
                   "--update-sums to drop it\n"
                   "debian/aimodel.yaml: ok (2 models, packages sphinx-model-data)\n")
    status, out, _ = run(capsys, "--update-sums")
    assert status == 0
    assert out == (f"{LOCK}: removed model/en-us/variances\n"
                   f"{LOCK}: written (0 added, 0 changed, 1 removed, 0 kept, 2 unchanged)\n")
    assert "variances" not in (tree / LOCK).read_text()
    assert run(capsys) == (0, "debian/aimodel.yaml: ok (2 models, packages sphinx-model-data)\n", "")


def test_a_declared_file_not_in_the_tree_is_noted_and_its_entry_kept(capsys, tree):
    (tree / "big.gguf").write_bytes(b"fetched weights")
    (tree / "debian/aimodel.yaml").write_text(declaration(', "big.gguf"'))
    run(capsys, "--update-sums")
    (tree / "big.gguf").unlink()  # as before aimodel fetch
    status, out, _ = run(capsys, "--update-sums")
    assert status == 0
    assert out == ("aimodel: note: big.gguf (model acoustic) names no file of the source "
                   "tree; not hashed\n"
                   f"{LOCK}: kept (not in the tree) big.gguf\n"
                   f"{LOCK}: up to date (0 added, 0 changed, 0 removed, 1 kept, 3 unchanged)\n")
    assert f"{sha(b'fetched weights')}  big.gguf\n" in (tree / LOCK).read_text()
    assert run(capsys)[0] == 0  # what is absent is not checked


def test_names_sha256sum_escapes_are_locked_as_it_writes_them(capsys, tree):
    for name in ("model/en-us/back\\slash", "model/en-us/new\nline"):
        (tree / name).write_bytes(name.encode())
    assert run(capsys, "--update-sums")[0] == 0
    text = (tree / LOCK).read_text()
    assert "\\" + sha(b"model/en-us/back\\slash") + "  model/en-us/back\\\\slash\n" in text
    checked = sha256sum_check(tree)
    assert (checked.returncode, checked.stderr) == (0, "")
    assert checked.stdout.count(": OK\n") == 5


def test_a_malformed_lock_is_an_error_at_its_line(capsys, tree):
    (tree / LOCK).write_text(f"{HEADER}\n<<<<<<< HEAD\n")
    status, _, err = run(capsys)
    assert status == 1
    assert err == (f"aimodel: error: {LOCK}:2:1: not a checksum line; accepted: '<64 hex "
                   "digits>  <path relative to the source root>' as sha256sum writes it, or a "
                   "'#' comment\n")
    assert run(capsys, "--update-sums")[0] == 1  # nothing to diff against: not overwritten
    assert (tree / LOCK).read_text() == f"{HEADER}\n<<<<<<< HEAD\n"


def test_update_sums_needs_a_source_tree(capsys, tmp_path):
    (tmp_path / "aimodel.yaml").write_text(declaration())
    status, _, err = run(capsys, "--update-sums", str(tmp_path / "aimodel.yaml"))
    assert status == 2 and "--update-sums needs a source tree" in err


def _small_file_limit() -> None:
    """In the child: writes past 200 bytes fail (EFBIG); Python ignores SIGXFSZ."""
    resource.setrlimit(resource.RLIMIT_FSIZE, (200, 200))


def test_a_failed_write_keeps_the_old_lock_whole_and_leaves_no_temporary(capsys, tree):
    (tree / "debian/aimodel.yaml").write_text(declaration().replace('"model/en-us/*"',
                                                                    '"model/en-us/mdef"'))
    run(capsys, "--update-sums")
    old = (tree / LOCK).read_bytes()
    assert len(old) < 200
    (tree / "debian/aimodel.yaml").write_text(declaration())
    result = subprocess.run([sys.executable, "-m", "dh_aimodel", "validate", "--update-sums"],
                            cwd=tree, env={**os.environ, "PYTHONPATH": str(REPO)},
                            preexec_fn=_small_file_limit, capture_output=True, text=True,
                            check=False)
    assert result.returncode == 1
    assert result.stderr == (f"aimodel: error: {LOCK}: cannot write: File too large; left "
                             "unchanged; run the command again once the file system can be "
                             "written\n")
    assert (tree / LOCK).read_bytes() == old
    assert sorted(p.name for p in (tree / "debian").iterdir()) == [
        "aimodel.sums", "aimodel.yaml", "control"]


def test_lint_of_the_tree_reads_the_lock(tree: Path, capsys: pytest.CaptureFixture[str]):
    """A glob the lock pins needs no sha256 (no aimodel-checksum-not-declared), and
    a file that differs from its lock entry is a mismatch for lint as for validate."""
    def lint_tags() -> list[str]:
        main(["lint", "--pedantic", "."])
        out = capsys.readouterr().out
        return [line for line in out.splitlines() if "checksum" in line]

    assert lint_tags() == ["P: sphinx-model source: aimodel-checksum-not-declared "
                           "[model/en-us/*]"]
    assert run(capsys, "--update-sums")[0] == 0
    assert lint_tags() == []
    (tree / "model/en-us/means").write_bytes(b"changed")
    assert lint_tags() == [f"E: sphinx-model source: aimodel-checksum-mismatch "
                           f"{sha(b'changed')} [model/en-us/means]"]
