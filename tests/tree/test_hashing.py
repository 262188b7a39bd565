"""Tests of dh_aimodel.tree.hashing: digests, parallel results, errors, Ctrl-C.

Correctness only: throughput and memory targets are checked by
``python3 -m bench`` (bench/), never here, because timings in unit tests
fail on loaded CI machines for reasons that have nothing to do with the code.
"""

from __future__ import annotations

import errno
import hashlib
import os
import random
import signal
import subprocess
import sys
import textwrap
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dh_aimodel.tree import hashing
from dh_aimodel.tree.hashing import DEFAULT_CHUNK, default_jobs, sha256_file, sha256_files

REPO = Path(__file__).resolve().parents[2]


def write(path: Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` and return the path."""
    path.write_bytes(data)
    return path


def expected(data: bytes) -> str:
    """The reference digest, straight from hashlib."""
    return hashlib.sha256(data).hexdigest()


def sha256_threads() -> list[threading.Thread]:
    """Pool threads of sha256_files still alive (there should be none)."""
    return [t for t in threading.enumerate() if t.name.startswith("sha256")]


# --- sha256_file ---------------------------------------------------------


def test_empty_file(tmp_path: Path) -> None:
    path = write(tmp_path / "empty", b"")
    assert sha256_file(path) == expected(b"")
    assert sha256_file(path) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"


@pytest.mark.parametrize("chunk", [1, 7, 4096, DEFAULT_CHUNK])
@pytest.mark.parametrize("delta", [-1, 0, 1])
@pytest.mark.parametrize("chunks", [0, 1, 3])
def test_sizes_around_chunk_boundaries(tmp_path: Path, chunk: int, chunks: int, delta: int) -> None:
    """Short final reads and exact multiples of the chunk are both hashed."""
    size = max(0, chunks * chunk + delta)
    if chunk == 1 and size > 4:
        pytest.skip("covered by larger chunks; one syscall per byte is slow")
    data = random.Random(size * 31 + chunk).randbytes(size)
    assert sha256_file(write(tmp_path / "f", data), chunk) == expected(data)


def test_odd_sized_file_default_chunk(tmp_path: Path) -> None:
    data = random.Random(1).randbytes(3 * DEFAULT_CHUNK + 12345)
    assert sha256_file(write(tmp_path / "odd", data)) == expected(data)


def test_symlink_is_followed(tmp_path: Path) -> None:
    target = write(tmp_path / "weights.bin", b"model")
    link = tmp_path / "link.bin"
    link.symlink_to(target.name)
    assert sha256_file(link) == expected(b"model")


@pytest.mark.parametrize("chunk", [0, -1])
def test_chunk_must_be_positive(tmp_path: Path, chunk: int) -> None:
    with pytest.raises(ValueError, match="chunk must be a positive number of bytes"):
        sha256_file(write(tmp_path / "f", b"x"), chunk)


def test_missing_file_raises_with_filename(tmp_path: Path) -> None:
    path = tmp_path / "missing.bin"
    with pytest.raises(FileNotFoundError) as info:
        sha256_file(path)
    assert info.value.filename == str(path)


def test_directory_raises(tmp_path: Path) -> None:
    with pytest.raises(IsADirectoryError) as info:
        sha256_file(tmp_path)
    assert info.value.filename == str(tmp_path)


def test_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    """A FIFO with no writer would block open(2) forever: it is refused."""
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    with pytest.raises(OSError) as info:
        sha256_file(fifo)
    assert info.value.errno == errno.EINVAL
    assert info.value.strerror == "not a regular file"
    assert info.value.filename == str(fifo)


def test_character_device_is_refused() -> None:
    """/dev/zero never ends: hashing it must fail, not spin."""
    with pytest.raises(OSError) as info:
        sha256_file(Path("/dev/zero"))
    assert info.value.errno == errno.EINVAL


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A directory shared by the examples of a hypothesis test."""
    return tmp_path_factory.mktemp("hypothesis")


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.binary(max_size=20_000), chunk=st.integers(min_value=1, max_value=9_000))
def test_random_content_and_chunk(scratch: Path, data: bytes, chunk: int) -> None:
    path = write(scratch / "random.bin", data)
    assert sha256_file(path, chunk) == expected(data)


# --- sha256_files --------------------------------------------------------


@pytest.fixture
def files(tmp_path: Path) -> dict[Path, bytes]:
    """Twenty files of varied sizes, in an order that is not by size."""
    rng = random.Random(42)
    sizes = [0, 1, 4095, 4096, 4097, DEFAULT_CHUNK + 1, 2 * DEFAULT_CHUNK] + [
        rng.randrange(0, 300_000) for _ in range(13)
    ]
    rng.shuffle(sizes)
    contents = {tmp_path / f"f{i:02}.bin": rng.randbytes(n) for i, n in enumerate(sizes)}
    for path, data in contents.items():
        write(path, data)
    return contents


@pytest.mark.parametrize("jobs", [None, 1, 2, 4, 64])
def test_parallel_equals_sequential(files: dict[Path, bytes], jobs: int | None) -> None:
    paths = list(files)
    result = sha256_files(paths, jobs=jobs)
    assert result == {p: sha256_file(p) for p in paths}
    assert result == {p: expected(data) for p, data in files.items()}


def test_result_order_is_input_order(files: dict[Path, bytes]) -> None:
    """Keys follow the input, not completion order or size order."""
    paths = list(files)
    random.Random(7).shuffle(paths)
    assert list(sha256_files(paths, jobs=4)) == paths
    assert list(sha256_files(reversed(paths), jobs=4)) == paths[::-1]


def test_duplicates_are_hashed_once(files: dict[Path, bytes]) -> None:
    a, b = list(files)[:2]
    result = sha256_files([a, b, a, b, a], jobs=2)
    assert list(result) == [a, b]
    assert result[a] == expected(files[a])


def test_accepts_any_iterable_and_empty_input(files: dict[Path, bytes]) -> None:
    assert sha256_files(iter([])) == {}
    assert sha256_files(p for p in files) == {p: expected(d) for p, d in files.items()}


@pytest.mark.parametrize("jobs", [0, -3])
def test_jobs_must_be_positive(jobs: int) -> None:
    with pytest.raises(ValueError, match="jobs must be at least 1"):
        sha256_files([], jobs=jobs)


def test_default_jobs_is_usable_cpus() -> None:
    assert default_jobs() == len(os.sched_getaffinity(0))


@pytest.mark.parametrize("jobs", [1, 3])
def test_errors_are_values(tmp_path: Path, files: dict[Path, bytes], jobs: int) -> None:
    """Missing, removed, directory and FIFO: each one reported, none raised,
    and the good files are still hashed."""
    missing = tmp_path / "never-existed.bin"
    removed = write(tmp_path / "removed.bin", b"gone")
    removed.unlink()
    directory = tmp_path / "dir.bin"
    directory.mkdir()
    fifo = tmp_path / "fifo.bin"
    os.mkfifo(fifo)
    good = list(files)
    paths = [missing, good[0], removed, directory, *good[1:], fifo]

    result = sha256_files(paths, jobs=jobs)

    assert list(result) == paths
    assert isinstance(result[missing], FileNotFoundError)
    assert isinstance(result[removed], FileNotFoundError)
    assert isinstance(result[directory], IsADirectoryError)
    fifo_error = result[fifo]
    assert isinstance(fifo_error, OSError) and fifo_error.errno == errno.EINVAL
    for path in (missing, removed, directory, fifo):
        error = result[path]
        assert isinstance(error, OSError) and error.filename == str(path)
    assert {p: result[p] for p in good} == {p: expected(files[p]) for p in good}


def test_no_threads_left_behind(files: dict[Path, bytes]) -> None:
    sha256_files(list(files), jobs=4)
    assert sha256_threads() == []


# --- Ctrl-C --------------------------------------------------------------


def test_keyboard_interrupt_cancels_pending_work(
    files: dict[Path, bytes], monkeypatch: pytest.MonkeyPatch
) -> None:
    """SIGINT while waiting: running files stop, pending ones never start.

    The first worker to start a file sends SIGINT to the main thread (as
    Ctrl-C would) and then waits until sha256_files has set its stop event,
    so the interrupt always lands mid-run; no timing is involved.
    """
    real: Callable[..., str] = hashing._hash_path
    started: list[Path] = []
    saw_stop: list[bool] = []
    lock = threading.Lock()

    def hash_path(path: Path, buf: memoryview, stop: threading.Event | None = None) -> str:
        assert stop is not None
        with lock:
            started.append(path)
            first = len(started) == 1
        if first:
            signal.pthread_kill(threading.main_thread().ident or 0, signal.SIGINT)
        saw_stop.append(stop.wait(timeout=30))
        return real(path, buf, stop)

    monkeypatch.setattr(hashing, "_hash_path", hash_path)
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        with pytest.raises(KeyboardInterrupt):
            sha256_files(list(files), jobs=2)
    finally:
        signal.signal(signal.SIGINT, previous)

    assert 1 <= len(started) <= 2  # only the files already running
    assert all(saw_stop)
    assert sha256_threads() == []


CHILD = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from dh_aimodel.tree.hashing import sha256_files

    paths = [Path(p) for p in sys.argv[1:]]
    sha256_files(paths, jobs=2, chunk=4096)
    print("ready", flush=True)
    while True:
        sha256_files(paths, jobs=2, chunk=4096)
    """
)


def test_ctrl_c_ends_a_real_process(tmp_path: Path) -> None:
    """End to end: a process hashing in a loop dies of SIGINT, promptly.

    The timeout only detects a hang (the bug this guards against is a
    process that never exits), it is not a performance assertion.
    """
    paths = [write(tmp_path / f"p{i}.bin", os.urandom(4 << 20)) for i in range(4)]
    proc = subprocess.Popen(
        [sys.executable, "-c", CHILD, *map(str, paths)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=dict(os.environ, PYTHONPATH=str(REPO)),
    )
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline() == "ready\n"
        proc.send_signal(signal.SIGINT)
        _, stderr = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == -signal.SIGINT
    assert "KeyboardInterrupt" in stderr
