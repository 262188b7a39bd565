"""Reliability: what every command does when the machine misbehaves.

A read-only tree, a full disk, a file removed while the tree is scanned,
Ctrl-C while hashing or downloading, a process killed while it writes.  Each
command must then print one line ``aimodel: error: <file>: <what>; <fix>``
(``dh_aimodel: error: ...``) and exit 1, or ``...: interrupted`` and exit
130, never a traceback, and leave every file either as it was or completely
written: no half-written file and no temporary file (but fetch's resumable
``PATH.part``, see :mod:`dh_aimodel.hub.fetch`).  Commands that only read
(validate, classify, lint, overrides without --write, copyright --check and
--stdout, dh_aimodel --no-act) work on a read-only tree as on any other.

How each fault is made, for real wherever the machine allows it:

* read-only tree: every write bit of the tree is cleared and, since modes do
  not stop root, a root test runs the command without CAP_DAC_OVERRIDE and
  CAP_DAC_READ_SEARCH (``setpriv``), so the kernel refuses every write
  (EACCES);
* full disk: a real tmpfs of 1 MiB, filled up (and, remounted read-only, a
  real EROFS) where the tests may mount; everywhere, an ``OSError(ENOSPC)``
  injected at the file-writing boundary: ``os.write`` into the temporary
  file of :func:`dh_aimodel.tree.atomic.write_atomic`, and the ``open`` of
  fetch's ``.part`` writer;
* a file removed mid-scan: ``os.scandir`` (the listing) or ``sha256_files``
  (the hashing) wrapped so that the file is gone right after it was listed;
* Ctrl-C: a real SIGINT to a real process, sent once /proc shows it hashing
  a (sparse, 16 GiB) model file, or holding a partly downloaded ``.part``
  while the server stalls (tests/hubfake.py's ``("stall", n)`` fault);
* atomic writes: a real SIGKILL to a process paused in the middle of writing
  debian/copyright, before or after the rename, and to one rewriting a
  large file in a loop at an arbitrary moment.

Covered elsewhere and not repeated here: sha256_files stopping its threads
on KeyboardInterrupt, and a hashing process ending promptly on SIGINT
(tests/tree/test_hashing.py: test_keyboard_interrupt_cancels_pending_work,
test_ctrl_c_ends_a_real_process); ``aimodel fetch`` interrupted before the
first byte arrives (tests/hub/test_fetch.py:
test_ctrl_c_exits_130_without_a_final_file); a ``.part`` left by a broken
transfer resumed by the next run and a wrong checksum keeping nothing
(test_partial_file_is_kept_and_resumed_by_the_next_run,
test_wrong_checksum_keeps_nothing).
"""

from __future__ import annotations

import errno
import hashlib
import io
import os
import re
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from conftest import copy_example, require_tools, stage
from hubfake import FakeHub

from dh_aimodel.cli import main as aimodel_main
from dh_aimodel.core.errors import WriteError
from dh_aimodel.dh import command as dh
from dh_aimodel.hub import fetch
from dh_aimodel.tree import atomic, hashing

REPO = Path(__file__).resolve().parent.parent
DH_AIMODEL = REPO / "bin/dh_aimodel"

#: The tree every test starts from: examples/toxic-candy, staged as a build
#: leaves it just before dh_aimodel runs (dh_install, dh_installdocs).
PACKAGE = "tiny-lm-data"
MODEL = "models/tiny-lm.gguf"
INSTALLED = f"debian/{PACKAGE}/usr/share/tiny-lm/tiny-lm.gguf"
DOC_DIR = f"debian/{PACKAGE}/usr/share/doc/{PACKAGE}"
README = f"{DOC_DIR}/README.aimodel"
SUBSTVARS = f"debian/{PACKAGE}.substvars"
OVERRIDES = f"debian/{PACKAGE}/usr/share/lintian/overrides/{PACKAGE}"

DATA = bytes(range(256)) * 1024  # 256 KiB served by the fake Hub
EACCES = os.strerror(errno.EACCES)
ENOSPC = os.strerror(errno.ENOSPC)
EROFS = os.strerror(errno.EROFS)
ENOENT = os.strerror(errno.ENOENT)

#: Variables of the caller's environment that would change what the commands do.
_UNWANTED = ("DH_VERBOSE", "DH_QUIET", "DH_NO_ACT", "DH_OPTIONS", "DH_INTERNAL_OPTIONS",
             "DH_INTERNAL_OVERRIDE", "HF_TOKEN", "HUGGING_FACE_HUB_TOKEN", "HF_HUB_OFFLINE",
             "AIMODEL_TIMEOUT")


# -- trees, commands, outcomes ------------------------------------------------------


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in _UNWANTED}
    env.update(PYTHONPATH=str(REPO), PYTHONDONTWRITEBYTECODE="1", **extra)
    return env


AIMODEL = [sys.executable, "-m", "dh_aimodel"]


def aimodel(*args: str) -> list[str]:
    return [*AIMODEL, *args]


def dh_aimodel(*args: str) -> list[str]:
    return [sys.executable, str(DH_AIMODEL), *args]


def prog(argv: list[str]) -> str:
    """The program name a command line's messages start with."""
    return "dh_aimodel" if argv[1] == str(DH_AIMODEL) else "aimodel"


def make_tree(where: Path) -> Path:
    """examples/toxic-candy as dh_aimodel finds it, with work for every writer.

    The model's stanza in debian/copyright has a hand-written Comment
    instead of the one ``aimodel copyright`` writes, so that ``copyright``
    has something to write (and ``overrides --write``, for bookworm's
    Lintian, debian/source/lintian-overrides); the package's doc
    directory holds the copyright file, as dh_installdocs leaves it.
    """
    tree = copy_example("toxic-candy", where)
    copyright = tree / "debian/copyright"
    text, found = re.subn(r"(?m)^(Files: models/tiny-lm\.gguf\n(?:\S.*\n)*?)Comment:.*\n(?: .*\n)*",
                          r"\1Comment: written by hand\n", copyright.read_text())
    assert found == 1
    copyright.write_text(text)
    stage(tree)
    (tree / DOC_DIR).mkdir(parents=True)
    shutil.copy(tree / "debian/copyright", tree / DOC_DIR / "copyright")
    return tree


@pytest.fixture
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for variable in _UNWANTED:
        monkeypatch.delenv(variable, raising=False)
    return make_tree(tmp_path)


def snapshot(root: Path) -> dict[str, bytes]:
    """Every regular file below ``root`` with its content."""
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file() and not p.is_symlink()}


def temporaries(root: Path) -> list[str]:
    """Temporary files of :mod:`dh_aimodel.tree.atomic` (``.NAME.XXXXXXXX.tmp``) left below root."""
    return [p.relative_to(root).as_posix() for p in sorted(root.rglob(".*.tmp"))]


def one_error(stderr: str, prog: str, *parts: str) -> str:
    """The single ``prog: error:`` line of ``stderr``, checked to contain ``parts`` in order."""
    assert "Traceback" not in stderr, stderr
    lines = stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"{prog}: error: "), stderr
    assert re.search(".*".join(map(re.escape, parts)), lines[0]), (parts, lines[0])
    return lines[0]


def run(argv: list[str], cwd: Path, prefix: list[str] | None = None,
        **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*(prefix or []), *argv], cwd=cwd, env=_env(**env), text=True,
                          capture_output=True, timeout=120, check=False)


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@pytest.fixture
def hub() -> Iterator[FakeHub]:
    with FakeHub() as server:
        yield server
    assert server.errors == []


def make_fetch_tree(where: Path, url: str) -> Path:
    """A source tree declaring one downloaded file, models/a.bin (models/ not there yet)."""
    tree = where / "fetchable"
    (tree / "debian").mkdir(parents=True)
    shutil.copy(REPO / "examples/free-model/debian/control", tree / "debian/control")
    (tree / "debian/aimodel.yaml").write_text(
        "format: 1\nmodels:\n  - name: m\n    delivery: downloaded\n    files:\n"
        f"      - path: models/a.bin\n        url: {url}\n        sha256: {sha(DATA)}\n"
        "    license: MIT\n    copyright: 2024 Someone\n")
    return tree


# -- read-only trees -------------------------------------------------------------------


@pytest.fixture(scope="session")
def reader(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """The command prefix under which a tree without write bits cannot be written.

    Modes stop any user but root; root is stopped by running without
    CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH (so that a file without read
    bits is unreadable too), dropped from the bounding and inheritable
    sets so that the exec'd program cannot regain them: any root with
    CAP_SETPCAP may do that, in a container too.  Without CAP_SETPCAP
    setpriv silently keeps them, so the prefix is tried on a real
    read-only directory first.
    """
    if os.geteuid() != 0:
        prefix = []
    elif shutil.which("setpriv"):
        prefix = ["setpriv", "--inh-caps=-dac_override,-dac_read_search",
                  "--bounding-set=-dac_override,-dac_read_search", "--"]
    else:
        pytest.skip("root without setpriv (util-linux): modes do not stop root, so no tree "
                    "can be made read-only")
    probe = tmp_path_factory.mktemp("read-only-probe")
    with read_only(probe):
        written = subprocess.run([*prefix, "touch", str(probe / "written")],
                                 capture_output=True, check=False).returncode == 0
    if written:
        pytest.skip("a directory without write bits can still be written here (root without "
                    "CAP_SETPCAP cannot drop CAP_DAC_OVERRIDE), so no tree can be made "
                    "read-only")
    return prefix


@contextmanager
def read_only(root: Path) -> Iterator[None]:
    """Clear every write bit below ``root`` (root included); restore them afterwards."""
    paths = [root, *root.rglob("*")]
    modes = {p: p.lstat().st_mode for p in paths if not p.is_symlink()}
    for p, mode in modes.items():
        p.chmod(mode & ~0o222)
    try:
        yield
    finally:
        for p, mode in modes.items():
            p.chmod(mode)


#: Commands that only read: (argv, cwd is the tree).
READERS = {
    "validate": aimodel("validate", "."),
    "classify": aimodel("classify", "."),
    "classify --all-policies": aimodel("classify", "--all-policies", "--format", "json", "."),
    "lint": aimodel("lint", "--pedantic", "."),
    "overrides": aimodel("overrides", "."),
    "copyright --check": aimodel("copyright", "--check", "."),
    "copyright --stdout": aimodel("copyright", "--stdout", "."),
    "dh_aimodel --no-act": dh_aimodel("--no-act", "-v"),
}

#: Commands that write: (argv, the file they write, its name in the message).
WRITERS = {
    "init": (aimodel("init", "--force", "."), "debian/aimodel.yaml"),
    "copyright": (aimodel("copyright", "."), "debian/copyright"),
    "overrides --write": (aimodel("overrides", "--lintian-version", "2.116.3", "--write", "."),
                          "debian/source/lintian-overrides"),
    "dh_aimodel": (dh_aimodel(), README),
}


@pytest.mark.parametrize("name", READERS)
def test_reading_commands_work_on_a_read_only_tree(name: str, tree: Path,
                                                   reader: list[str]) -> None:
    require_tools("dh_listpackages")
    argv = READERS[name]
    writable = run(argv, tree)
    assert "Traceback" not in writable.stderr
    before = snapshot(tree)
    with read_only(tree):
        locked = run(argv, tree, reader)
    assert (locked.returncode, locked.stdout, locked.stderr) == \
        (writable.returncode, writable.stdout, writable.stderr)
    assert snapshot(tree) == before


@pytest.mark.parametrize("name", WRITERS)
def test_writing_commands_fail_cleanly_on_a_read_only_tree(name: str, tree: Path,
                                                           reader: list[str]) -> None:
    require_tools("dh_listpackages")
    argv, target = WRITERS[name]
    before = snapshot(tree)
    with read_only(tree):
        proc = run(argv, tree, reader)
    assert proc.returncode == 1
    assert one_error(proc.stderr, prog(argv)) == (
        f"{prog(argv)}: error: {target}: cannot write: {EACCES}; left unchanged; make the "
        "tree writable and run the command again")
    assert snapshot(tree) == before and temporaries(tree) == []
    # The same command on the same tree, writable: it did have something to write.
    proc = run(argv, tree)
    assert proc.returncode == 0, proc.stderr
    assert snapshot(tree)[target] != before.get(target)


def test_dh_aimodel_cannot_create_the_doc_directory(tree: Path, reader: list[str]) -> None:
    """Without dh_installdocs' directory, the failing write is its creation."""
    require_tools("dh_listpackages")
    shutil.rmtree(tree / DOC_DIR)
    before = snapshot(tree)
    with read_only(tree):
        proc = run(dh_aimodel(), tree, reader)
    assert proc.returncode == 1
    assert one_error(proc.stderr, "dh_aimodel") == (
        f"dh_aimodel: error: {DOC_DIR}: cannot create the directory: {EACCES}; make the "
        "tree writable and run the command again")
    assert snapshot(tree) == before


def test_dh_aimodel_log_in_a_read_only_debian_directory(tree: Path,
                                                        reader: list[str]) -> None:
    """In an override target dh_aimodel appends to debian/<pkg>.debhelper.log."""
    require_tools("dh_listpackages")
    assert run(dh_aimodel(), tree).returncode == 0
    before = snapshot(tree)
    debian = tree / "debian"
    mode = debian.stat().st_mode
    debian.chmod(mode & ~0o222)
    try:
        proc = run(dh_aimodel(), tree, reader, DH_INTERNAL_OVERRIDE="1")
    finally:
        debian.chmod(mode)
    assert proc.returncode == 1
    assert one_error(proc.stderr, "dh_aimodel") == (
        f"dh_aimodel: error: debian/{PACKAGE}.debhelper.log: cannot write: {EACCES}; left "
        "unchanged; make the tree writable and run the command again")
    assert snapshot(tree) == before


def test_dh_aimodel_unreadable_substvars(tree: Path, reader: list[str]) -> None:
    """debian/<pkg>.substvars belongs to every helper: dh_aimodel merges into it."""
    require_tools("dh_listpackages")
    (tree / SUBSTVARS).write_text("misc:Depends=\n")
    (tree / SUBSTVARS).chmod(0)
    proc = run(dh_aimodel(), tree, reader)
    assert proc.returncode == 1
    assert one_error(proc.stderr, "dh_aimodel") == (
        f"dh_aimodel: error: {SUBSTVARS}: cannot read: {EACCES}; dh_aimodel merges its lines "
        "into this file, so it must be a readable UTF-8 file")


def test_fetch_fails_cleanly_on_a_read_only_tree(tmp_path: Path, hub: FakeHub,
                                                 reader: list[str]) -> None:
    tree = make_fetch_tree(tmp_path, hub.add_file("a.bin", DATA))
    before = snapshot(tree)
    with read_only(tree):
        proc = run(aimodel("fetch", "."), tree, reader)
    assert proc.returncode == 1
    one_error(proc.stderr, "aimodel", "models/a.bin", EACCES)
    assert snapshot(tree) == before and not (tree / "models").exists()
    proc = run(aimodel("fetch", "."), tree)
    assert proc.returncode == 0, proc.stderr
    assert (tree / "models/a.bin").read_bytes() == DATA


# -- full disks and read-only file systems, for real --------------------------------------


@pytest.fixture
def small_fs(tmp_path: Path) -> Iterator[Path]:
    """A real tmpfs of 1 MiB, unmounted afterwards.

    Mounting needs CAP_SYS_ADMIN (root outside a container); elsewhere the
    test is skipped, and the injected ENOSPC tests below still run.
    """
    mount = tmp_path / "fs"
    mount.mkdir()
    proc = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m,mode=0755", "tmpfs",
                           str(mount)], capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here ({proc.stderr.strip()}); the full disk is "
                    "injected at the write boundary instead (test_*_injected)")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "--lazy", str(mount)], check=False)


def fill(directory: Path) -> None:
    """Use up every free block of the file system ``directory`` is on."""
    block = b"\xa5" * 4096
    with open(directory / "filler", "wb", buffering=0) as fh, \
            pytest.raises(OSError) as raised:
        while True:
            fh.write(block)
    assert raised.value.errno == errno.ENOSPC


@pytest.mark.parametrize("fault", ["full", "read-only"])
def test_writers_on_a_real_full_or_read_only_file_system(fault: str, small_fs: Path,
                                                         hub: FakeHub) -> None:
    require_tools("dh_listpackages")
    tree = make_tree(small_fs)
    fetchable = make_fetch_tree(small_fs, hub.add_file("a.bin", DATA))
    if fault == "full":
        fill(small_fs)
    else:
        subprocess.run(["mount", "-o", "remount,ro", str(small_fs)], check=True)
    why = ENOSPC if fault == "full" else EROFS
    fix = "free some space" if fault == "full" else "make the tree writable"
    before = snapshot(small_fs)
    for name, (argv, target) in WRITERS.items():
        proc = run(argv, tree)
        assert proc.returncode == 1, (name, proc.stderr)
        assert one_error(proc.stderr, prog(argv)) == (
            f"{prog(argv)}: error: {target}: cannot write: {why}; left unchanged; {fix} and "
            "run the command again")
    proc = run(aimodel("fetch", "."), fetchable)
    assert proc.returncode == 1
    one_error(proc.stderr, "aimodel", "models/a.bin", why)
    after = snapshot(small_fs)
    part = after.pop("fetchable/models/a.bin.part", b"")
    assert DATA.startswith(part)  # fetch keeps what it got, to resume (documented)
    assert after == before and temporaries(small_fs) == []


# -- full disks, injected -------------------------------------------------------------------


def fail_writes_to(monkeypatch: pytest.MonkeyPatch, target: Path, room: int = 10) -> None:
    """Writes into the temporary file that will replace ``target`` run out of space.

    The first ``os.write`` stores up to ``room`` bytes (a short write, as a
    nearly full disk gives), every later one fails with ENOSPC.  Other
    files are written normally.
    """
    real = os.write
    directory, prefix = target.resolve().parent, f".{target.name}."
    left = [room]

    def write(fd: int, data: bytes) -> int:
        path = Path(os.readlink(f"/proc/self/fd/{fd}"))
        if path.parent != directory or not path.name.startswith(prefix):
            return real(fd, data)
        if left[0] <= 0:
            raise OSError(errno.ENOSPC, ENOSPC)
        done = real(fd, bytes(data[:left[0]]))
        left[0] -= done
        return done

    monkeypatch.setattr(os, "write", write)


@pytest.mark.parametrize("name", ["init", "copyright", "overrides --write"])
def test_aimodel_writers_on_a_full_disk_injected(name: str, tree: Path, capsys,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    argv, target = WRITERS[name]
    monkeypatch.chdir(tree)
    before = snapshot(tree)
    fail_writes_to(monkeypatch, tree / target)
    assert aimodel_main(argv[len(AIMODEL):]) == 1
    assert one_error(capsys.readouterr().err, "aimodel") == (
        f"aimodel: error: {target}: cannot write: {ENOSPC}; left unchanged; free some space "
        "and run the command again")
    assert snapshot(tree) == before and temporaries(tree) == []


@pytest.mark.parametrize("target", [README, OVERRIDES, SUBSTVARS])
def test_dh_aimodel_outputs_on_a_full_disk_injected(target: str, tree: Path, capsys,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """Each output of dh_aimodel: its previous content survives a failed write.

    No Lintian tag is known to fire for model files in a .deb, so the data
    that says which binary overrides to write gets one entry here.
    """
    require_tools("dh_listpackages")
    monkeypatch.chdir(tree)
    monkeypatch.setattr(dh, "load_overrides", lambda *_: {"binary": [
        {"tag": "test-tag", "context": "[{path}]", "comment": "a test"}], "source": []})
    previous = {README: "an older README.aimodel\n",
                OVERRIDES: f"{PACKAGE}: written-by-dh-lintian\n",
                SUBSTVARS: "misc:Depends=\n"}
    for path, text in previous.items():
        (tree / path).parent.mkdir(parents=True, exist_ok=True)
        (tree / path).write_text(text)
    fail_writes_to(monkeypatch, tree / target)
    assert dh.main([]) == 1
    assert one_error(capsys.readouterr().err, "dh_aimodel") == (
        f"dh_aimodel: error: {target}: cannot write: {ENOSPC}; left unchanged; free some "
        "space and run the command again")
    assert (tree / target).read_text() == previous[target]
    assert temporaries(tree) == []


def test_fetch_on_a_full_disk_injected_keeps_a_resumable_part(
        tmp_path: Path, hub: FakeHub, capsys, monkeypatch: pytest.MonkeyPatch) -> None:
    """ENOSPC in the .part writer: the bytes written are kept and the next run resumes."""
    tree = make_fetch_tree(tmp_path, hub.add_file("a.bin", DATA))
    room = 70_000
    real_open = open

    class FullFile(io.FileIO):
        """A file on a disk with ``room`` bytes left: writes what fits, then ENOSPC."""

        def write(self, data: bytes) -> int:  # type: ignore[override]
            nonlocal room
            fits = min(len(data), room)
            written = super().write(bytes(data[:fits])) if fits else 0
            room -= written or 0
            if fits < len(data):
                raise OSError(errno.ENOSPC, ENOSPC, self.name)
            return len(data)

    def full_open(path: Path, mode: str = "r", *args: object, **kwargs: object) -> object:
        if str(path).endswith(fetch.PART_SUFFIX) and mode in ("wb", "ab"):
            return FullFile(path, mode)
        return real_open(path, mode, *args, **kwargs)

    with monkeypatch.context() as patch:
        patch.setattr(fetch, "open", full_open, raising=False)
        assert aimodel_main(["fetch", str(tree)]) == 1
    one_error(capsys.readouterr().err, "aimodel", "models/a.bin", "cannot write", ENOSPC)
    assert not (tree / "models/a.bin").exists()
    assert (tree / "models/a.bin.part").read_bytes() == DATA[:70_000]
    assert aimodel_main(["fetch", str(tree)]) == 0
    assert (tree / "models/a.bin").read_bytes() == DATA
    assert not (tree / "models/a.bin.part").exists()
    assert hub.seen("/files/a.bin")[-1].headers.get("Range") == "bytes=70000-"


# -- files removed while the tree is scanned ------------------------------------------------


def remove_when_listed(monkeypatch: pytest.MonkeyPatch, victim: Path) -> None:
    """``victim`` disappears right after its directory was listed.

    ``os.scandir`` is the listing under every scan (``os.walk`` calls it
    too): the file is removed when its entry is handed out, before the
    caller opens or stats it.
    """
    real = os.scandir

    class Listing:
        def __init__(self, path: object = ".") -> None:
            self._it = real(path)  # type: ignore[call-overload]

        def __enter__(self) -> "Listing":
            return self

        def __exit__(self, *exc: object) -> None:
            self._it.close()

        def close(self) -> None:
            self._it.close()

        def __iter__(self) -> "Listing":
            return self

        def __next__(self) -> os.DirEntry:
            entry = next(self._it)
            if entry.name == victim.name and victim.exists() \
                    and Path(entry.path).resolve() == victim.resolve():
                victim.unlink()
            return entry

    monkeypatch.setattr(os, "scandir", Listing)


def remove_before_hashing(monkeypatch: pytest.MonkeyPatch, victim: Path) -> None:
    """``victim`` disappears after the tree was scanned, when hashing starts."""
    real = hashing.sha256_files

    def sha256_files(paths: object, *args: object, **kwargs: object) -> object:
        paths = list(paths)  # type: ignore[call-overload]
        victim.unlink()
        return real(paths, *args, **kwargs)

    monkeypatch.setattr(hashing, "sha256_files", sha256_files)


REMOVERS: dict[str, Callable[[pytest.MonkeyPatch, Path], None]] = {
    "when listed": remove_when_listed, "before hashing": remove_before_hashing}


@pytest.mark.parametrize("when", REMOVERS)
def test_dh_aimodel_installed_model_removed_during_the_check(
        when: str, tree: Path, capsys, monkeypatch: pytest.MonkeyPatch) -> None:
    require_tools("dh_listpackages")
    monkeypatch.chdir(tree)
    before = snapshot(tree)
    REMOVERS[when](monkeypatch, tree / INSTALLED)
    assert dh.main([]) == 1
    err = capsys.readouterr().err
    if when == "when listed":  # not found by the scan: not installed
        one_error(err, "dh_aimodel", f"{PACKAGE}: debian/aimodel.yaml:",
                  f"{MODEL} (model tiny-lm) is declared but not installed in debian/{PACKAGE}/",
                  "[aimodel-declared-file-missing]")
    else:  # found by the scan, gone when hashed
        one_error(err, "dh_aimodel", f"{PACKAGE}: cannot read {INSTALLED}: {ENOENT}; ")
    del before[INSTALLED]
    assert snapshot(tree) == before  # nothing written: no README.aimodel, no substvars


@pytest.mark.parametrize("when", REMOVERS)
def test_lint_model_removed_during_the_scan(when: str, tree: Path, capsys,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    REMOVERS[when](monkeypatch, tree / MODEL)
    assert aimodel_main(["lint", str(tree)]) == 1
    out, err = capsys.readouterr()
    assert err == ""
    assert "E: tiny-lm source: aimodel-declared-file-missing [models/tiny-lm.gguf]" \
        in out.splitlines()


def test_init_model_removed_before_hashing(tree: Path, capsys,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tree)
    before = snapshot(tree)
    remove_before_hashing(monkeypatch, tree / MODEL)
    assert aimodel_main(["init", "--force", "."]) == 1
    assert one_error(capsys.readouterr().err, "aimodel") == (
        f"aimodel: error: {MODEL}: cannot read: {ENOENT}; it was found as a model a moment "
        "before (is something changing the tree?); nothing was written")
    del before[MODEL]
    assert snapshot(tree) == before


def test_init_model_removed_when_listed_is_not_there(tree: Path, capsys,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """Gone before it was read, the file is simply not part of the tree."""
    monkeypatch.chdir(tree)
    remove_when_listed(monkeypatch, tree / MODEL)
    assert aimodel_main(["init", "--force", "."]) == 0
    assert capsys.readouterr().err == ""
    assert "tiny-lm.gguf" not in (tree / "debian/aimodel.yaml").read_text()


def test_overrides_model_unreadable(tree: Path, reader: list[str]) -> None:
    """Which Lintian tags a model causes is read from it: an unreadable one is named."""
    (tree / MODEL).chmod(0)
    # Bookworm's Lintian reads every file; from 2.124 an unreadable one is not text.
    proc = run(aimodel("overrides", "--lintian-version", "2.116.3", "."), tree, reader)
    assert proc.returncode == 1
    assert one_error(proc.stderr, "aimodel") == (
        f"aimodel: error: {MODEL}: cannot read: {EACCES}; every declared file must be "
        "readable to tell which Lintian tags it causes")


# -- Ctrl-C ------------------------------------------------------------------------------


def make_huge(path: Path, size: int = 16 << 30) -> None:
    """Keep the file's head (its format header) and make it ``size`` bytes, sparse."""
    with open(path, "r+b") as fh:
        fh.truncate(size)


def snapshot_heads(root: Path) -> dict[str, bytes]:
    """:func:`snapshot` that reads only the first MiB of each file (sparse giants)."""
    out = {}
    for p in sorted(root.rglob("*")):
        if p.is_file() and not p.is_symlink():
            with open(p, "rb") as fh:
                out[p.relative_to(root).as_posix()] = fh.read(1 << 20)
    return out


def wait_reading(proc: subprocess.Popen[str], path: Path, beyond: int) -> None:
    """Until /proc shows ``proc`` with ``path`` open and read past byte ``beyond``."""
    target = str(path.resolve())
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert proc.poll() is None, proc.communicate()
        fds = Path(f"/proc/{proc.pid}/fd")
        for fd in list(fds.iterdir()) if fds.exists() else []:
            try:
                if os.readlink(fd) != target:
                    continue
                info = Path(f"/proc/{proc.pid}/fdinfo/{fd.name}").read_text()
            except OSError:  # closed meanwhile
                continue
            if int(re.search(r"^pos:\s*(\d+)", info, re.MULTILINE)[1]) > beyond:  # type: ignore[index]
                return
        time.sleep(0.01)
    raise AssertionError(f"{path} was never read past byte {beyond}")


@contextmanager
def running(argv: list[str], cwd: Path | None = None,
            **pipes: int) -> Iterator[subprocess.Popen[str]]:
    """A process of ours that is killed, if it still runs, however the test ends."""
    proc = subprocess.Popen(argv, cwd=cwd, env=_env(), text=True, **pipes)
    try:
        yield proc
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def interrupt(argv: list[str], cwd: Path,
              until: Callable[[subprocess.Popen[str]], None]) -> subprocess.CompletedProcess[str]:
    """Run ``argv``, send SIGINT once ``until(process)`` returns, and wait for it."""
    with running(argv, cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as proc:
        until(proc)
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=30)
    return subprocess.CompletedProcess(argv, proc.returncode, out, err)


def test_ctrl_c_while_dh_aimodel_hashes(tree: Path) -> None:
    require_tools("dh_listpackages")
    make_huge(tree / INSTALLED)
    before = snapshot_heads(tree)
    proc = interrupt(dh_aimodel(), tree, lambda p: wait_reading(p, tree / INSTALLED, 4 << 20))
    assert (proc.returncode, proc.stderr) == (130, "dh_aimodel: interrupted\n")
    assert snapshot_heads(tree) == before and temporaries(tree) == []


def test_ctrl_c_while_init_hashes(tree: Path) -> None:
    make_huge(tree / MODEL)
    before = snapshot_heads(tree)
    proc = interrupt(aimodel("init", "--force", "."), tree,
                     lambda p: wait_reading(p, tree / MODEL, 4 << 20))
    assert (proc.returncode, proc.stderr) == (130, "aimodel: interrupted\n")
    assert snapshot_heads(tree) == before and temporaries(tree) == []


def test_ctrl_c_mid_download_keeps_a_resumable_part(tmp_path: Path, hub: FakeHub) -> None:
    """SIGINT while bytes are arriving: 130, no final file, the .part resumes next time.

    The server stalls mid-body, as a slow mirror does: closing the response
    from the interrupted main thread used to wait for the worker's blocked
    read, so Ctrl-C hung until the read timeout (60 s by default).  Every
    byte received before the stall is on disk when Ctrl-C comes, whatever
    Python's file buffer size (Python 3.14's 128 KiB buffer held all 100,000
    and left an empty .part).
    """
    url = hub.add_file("a.bin", DATA)
    hub.fault("/files/a.bin", ("stall", 100_000))
    tree = make_fetch_tree(tmp_path, url)
    part = tree / "models/a.bin.part"
    def part_started(_: subprocess.Popen[str]) -> None:
        deadline = time.monotonic() + 30
        while not (part.exists() and part.stat().st_size == 100_000) and time.monotonic() < deadline:
            time.sleep(0.01)

    proc = interrupt(aimodel("fetch", "."), tree, part_started)
    assert (proc.returncode, proc.stderr) == (130, "aimodel: interrupted\n")
    assert not (tree / "models/a.bin").exists()
    kept = part.read_bytes()
    assert len(kept) == 100_000 and DATA.startswith(kept)
    done = run(aimodel("fetch", "."), tree)
    assert done.returncode == 0, done.stderr
    assert (tree / "models/a.bin").read_bytes() == DATA and not part.exists()
    assert hub.seen("/files/a.bin")[-1].headers.get("Range") == f"bytes={len(kept)}-"


# -- atomic writes ------------------------------------------------------------------------

#: A command run with a pause at one point of write_atomic, announced on stderr.
PAUSED = textwrap.dedent("""\
    import os, sys, time

    point, name = sys.argv[1], sys.argv[2]
    real_write, real_replace = os.write, os.replace

    def pause():
        real_write(2, b"paused\\n")
        time.sleep(60)

    def write(fd, data):
        path = os.readlink(f"/proc/self/fd/{fd}")
        if point == "mid-write" and os.path.basename(path).startswith(f".{name}."):
            real_write(fd, bytes(data[:len(data) // 2]))
            pause()
        return real_write(fd, data)

    def replace(src, dst):
        if os.path.basename(dst) == name and point == "before-rename":
            pause()
        real_replace(src, dst)
        if os.path.basename(dst) == name and point == "after-rename":
            pause()

    os.write, os.replace = write, replace
    from dh_aimodel.cli import main
    sys.exit(main(sys.argv[3:]))
    """)


@pytest.mark.parametrize("point,survivor", [("mid-write", "old"), ("before-rename", "old"),
                                            ("after-rename", "new")])
def test_sigkill_during_a_write_leaves_old_or_new_never_partial(point: str, survivor: str,
                                                               tree: Path) -> None:
    path = tree / "debian/copyright"
    old = path.read_bytes()
    new = run(aimodel("copyright", "--stdout", "."), tree).stdout.encode()
    assert new != old
    with running([sys.executable, "-c", PAUSED, point, "copyright", "copyright", "."], tree,
                 stderr=subprocess.PIPE) as proc:
        assert proc.stderr is not None and proc.stderr.readline() == "paused\n"
        if point == "mid-write":  # the kill really lands in the middle of the write
            [tmp] = temporaries(tree)
            assert (tree / tmp).read_bytes() == new[:len(new) // 2]
        proc.kill()
        proc.wait()
    assert proc.returncode == -signal.SIGKILL
    assert path.read_bytes() == {"old": old, "new": new}[survivor]
    # A rerun is not disturbed by what the killed run left (a stray .tmp at most).
    assert run(aimodel("copyright", "."), tree).returncode == 0
    assert path.read_bytes() == new


#: Rewrites one large file forever, alternating two contents.
REWRITER = textwrap.dedent("""\
    import sys
    from dh_aimodel.tree.atomic import write_atomic

    contents = [bytes([0xa0 + i]) * (8 << 20) for i in range(2)]
    write_atomic(sys.argv[1], contents[0])
    print("ready", flush=True)
    i = 1
    while True:
        write_atomic(sys.argv[1], contents[i % 2])
        i += 1
    """)


def test_sigkill_at_any_moment_of_a_large_write(tmp_path: Path) -> None:
    """No injection: wherever the kill lands, the file is one content or the other."""
    target = tmp_path / "big.bin"
    with running([sys.executable, "-c", REWRITER, str(target)], stdout=subprocess.PIPE) as proc:
        assert proc.stdout is not None and proc.stdout.readline() == "ready\n"
        time.sleep(0.3)
        proc.kill()
        proc.wait()
    data = target.read_bytes()
    assert data in (b"\xa0" * (8 << 20), b"\xa1" * (8 << 20))


@pytest.fixture
def old_file(tmp_path: Path) -> Path:
    path = tmp_path / "out.txt"
    path.write_text("old\n")
    path.chmod(0o640)
    return path


def test_failure_between_write_and_rename(old_file: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    def replace(src: str, dst: str) -> None:
        raise OSError(errno.EIO, os.strerror(errno.EIO), src)

    monkeypatch.setattr(os, "replace", replace)
    with pytest.raises(WriteError) as raised:
        atomic.write_atomic(old_file, "new\n", name="debian/out.txt")
    assert str(raised.value) == (
        f"debian/out.txt: cannot write: {os.strerror(errno.EIO)}; left unchanged; run the "
        "command again once the file system can be written")
    assert old_file.read_text() == "old\n" and temporaries(old_file.parent) == []


def test_ctrl_c_between_write_and_rename(old_file: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    def replace(src: str, dst: str) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", replace)
    with pytest.raises(KeyboardInterrupt):
        atomic.write_atomic(old_file, "new\n")
    assert old_file.read_text() == "old\n" and temporaries(old_file.parent) == []


def test_short_writes_are_completed(old_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """os.write may store less than asked; the rest must follow, not be lost."""
    real = os.write
    monkeypatch.setattr(os, "write", lambda fd, data: real(fd, bytes(data[:7])))
    atomic.write_atomic(old_file, "a longer new content\n" * 10)
    monkeypatch.undo()
    assert old_file.read_text() == "a longer new content\n" * 10
    assert old_file.stat().st_mode & 0o777 == 0o640
