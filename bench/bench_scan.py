"""scan-10k: looking for undeclared models in a package of 10,000 files.

dh_aimodel reads the first bytes of every file of every package it acts on
(:func:`dh_aimodel.dh.command.scan`, :func:`dh_aimodel.formats.looks_like_model`),
because an undeclared model is how non-free weights slip into main.  Most
packages with a model also ship a library, documentation and test data, so
the scan is measured against the crudest way of touching every file's
head: ``find DIR -type f | xargs head -c 16 >/dev/null`` (the issue's
baseline: one directory walk, one open and read per file, nothing judged).

The tree is a package build directory as dh_install leaves it: a Python
library (modules, byte-code, package data), documentation and test data in
nested directories, 10,000 regular files (1,000 with --quick) of 200 B to
8 KiB, plus a few model files of several formats (real magic numbers) and
decoys that must not count (a zip archive, a gzip file, random ``.bin``
data, JSON named like model configs).  The page cache is warm for both
sides; both must see every file, and ours must find exactly the planted
models.

Ours is ``scan`` called in this process, as dh_aimodel calls it: the
interpreter's start and imports are paid once per run whatever the number
of files, and ``dh-noop`` measures them.  The baseline is the whole
pipeline, its process starts included.  (The details give a fresh process
running the scan too.)

Target: at least 0.5× the speed of find+head.  Not 1×, because CPython
alone cannot get there: ``os.walk`` plus one ``lstat``, ``open``, ``read``
and ``close`` per file, judging nothing, already takes as long as find and
head running side by side on two cores (55 ms against 40 ms for 10,000 files
on the reference machine); sniffing every head then adds its share.  Half
find+head's speed is still some 100,000 files a second, a small part of
what dh_md5sums then spends reading every byte of the same files; the
previous scan (``pathlib`` objects, two ``stat`` calls and two sniffs per
file) ran at 0.2×.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import random
import struct
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING

from bench import (
    BenchError,
    Context,
    Measurement,
    benchmark,
    best_of,
    best_of_pair,
    need_tool,
    python_env,
    ratio_at_least,
    run_tool,
)

if TYPE_CHECKING:
    from dh_aimodel.core.buildcheck import InstalledFile

#: Our speed at least this fraction of find+head's (see the module docstring).
SCAN_TARGET = 0.5

#: Model files planted in the tree: path below the build directory → format.
MODELS: dict[str, str] = {
    "usr/share/bench-lib/models/tagger.gguf": "gguf",
    "usr/share/bench-lib/models/encoder.safetensors": "safetensors",
    "usr/share/bench-lib/models/ranker.onnx": "onnx",
    "usr/lib/python3/dist-packages/bench_lib/data/lite.tflite": "tflite",
    "usr/share/bench-lib/models/weights.bin": "pytorch-zip",
}


def _model_bytes(fmt: str) -> bytes:
    """A small file that starts as a real model of ``fmt`` does."""
    if fmt == "gguf":
        return b"GGUF" + struct.pack("<IQQ", 3, 0, 0) + os.urandom(4000)
    if fmt == "safetensors":
        header = json.dumps({"w": {"dtype": "F32", "shape": [1000],
                                   "data_offsets": [0, 4000]}}).encode()
        return struct.pack("<Q", len(header)) + header + os.urandom(4000)
    if fmt == "onnx":
        return b"\x08\x07\x12\x0bbench-model" + os.urandom(2000)
    if fmt == "tflite":
        return b"\x1c\x00\x00\x00TFL3" + os.urandom(2000)
    buf = io.BytesIO()  # a PyTorch zip checkpoint under a neutral name
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("archive/data.pkl", b"\x80\x02}q\x00.")
        zf.writestr("archive/data/0", os.urandom(2000))
    return buf.getvalue()


#: (directory pattern, extension) of the ordinary files, used in turn.
_KINDS: tuple[tuple[str, str], ...] = (
    ("usr/lib/python3/dist-packages/bench_lib/sub{a}/mod{b}", ".py"),
    ("usr/lib/python3/dist-packages/bench_lib/sub{a}/mod{b}/__pycache__", ".cpython-311.pyc"),
    ("usr/share/doc/bench-lib/html/chapter{a}/section{b}", ".html"),
    ("usr/share/bench-lib/data/set{a}/part{b}", ".json"),
    ("usr/share/bench-lib/tests/case{a}/input{b}", ".txt"),
    ("usr/share/bench-lib/icons/size{a}/theme{b}", ".png"),
)


def _ordinary(i: int, ext: str) -> bytes:
    """Plausible content for ordinary file ``i``: text, byte-code or an image."""
    size = 200 + (i * 7919) % 8000
    if ext == ".png":
        return b"\x89PNG\r\n\x1a\n" + os.urandom(size)
    if ext.endswith(".pyc"):
        return b"\xa7\r\r\n" + b"\x00" * 12 + os.urandom(size)
    line = f"line {i}: ordinary package content, not a model\n".encode()
    return (line * (size // len(line) + 1))[:size]


def make_tree(root: Path, n: int) -> int:
    """Write a build directory of ``n`` regular files (models and decoys included).

    Returns the number of files written; the planted models are :data:`MODELS`.
    """
    files: dict[str, bytes] = {path: _model_bytes(fmt) for path, fmt in MODELS.items()}
    files["usr/share/bench-lib/models/config.json"] = b'{"architectures": ["Bench"]}\n'
    files["usr/share/bench-lib/models/tokenizer.json"] = b'{"model": {"type": "BPE"}}\n'
    files["usr/share/bench-lib/data/samples.zip"] = _zip_of_text()
    files["usr/share/bench-lib/data/samples.txt.gz"] = gzip.compress(b"sample\n" * 500)
    # Fixed bytes: random ones would look like a pickle once in some 60,000 runs.
    files["usr/share/bench-lib/data/random.bin"] = random.Random(1).randbytes(4096)
    i = 0
    while len(files) < n:
        pattern, ext = _KINDS[i % len(_KINDS)]
        directory = pattern.format(a=(i // 60) % 12, b=(i // 6) % 10)
        files.setdefault(f"{directory}/file{i:05d}{ext}", _ordinary(i, ext))
        i += 1
    for rel, data in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return len(files)


def _zip_of_text() -> bytes:
    """A zip archive of text: a zip whose name does not say model is no model."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("samples/a.txt", "text\n" * 100)
    return buf.getvalue()


def _find_head(tree: Path) -> None:
    """The baseline: every file's head read by ``head``, names listed by ``find``."""
    run_tool(["sh", "-c", 'find "$1" -type f -print0 | xargs -0 head -c 16 >/dev/null', "sh",
              str(tree)])


#: The same scan in a fresh process, for the details: what a run of
#: dh_aimodel pays once for the interpreter and imports comes on top.
_SCAN_PROCESS = ("import sys\nfrom pathlib import Path\nfrom dh_aimodel.dh.command import scan\n"
                 "scan(Path(sys.argv[1]))\n")


@benchmark("scan-10k", target=ratio_at_least(SCAN_TARGET, "find+head"))
def scan_10k(ctx: Context) -> Measurement:
    """dh_aimodel's undeclared-model scan of 10,000 files vs ``find | xargs head -c 16``."""
    from dh_aimodel.dh.command import scan

    for tool, package in (("find", "findutils"), ("xargs", "findutils"), ("head", "coreutils")):
        need_tool(tool, package)
    n = ctx.size(10_000, 1_000)
    tree = ctx.workdir / "scan" / "debian" / "bench-lib"
    make_tree(tree, n)
    count = int(run_tool(["sh", "-c", 'find "$1" -type f | wc -l', "sh", str(tree)]))
    found: list[InstalledFile] = []

    def ours() -> None:
        found[:] = scan(tree)

    ours()  # warm the page cache (both sides read the same heads) and the imports
    (t_ours, s_ours), (t_theirs, s_theirs) = best_of_pair(ctx.runs, ours,
                                                          lambda: _find_head(tree))
    models = {f.path: f.format for f in found if f.is_model}
    if not len(found) == count == n:
        raise BenchError(f"scan saw {len(found)} files, find {count}; {n} were written")
    if models != MODELS:
        raise BenchError(f"scan found models {models}, planted {MODELS}")
    argv = [sys.executable, "-c", _SCAN_PROCESS, str(tree)]
    t_process, _ = best_of(ctx.runs, lambda: subprocess.run(
        argv, env=python_env(ctx.workdir / "scan"), check=True))
    return Measurement(
        ours=t_ours, baseline=t_theirs, unit="s", baseline_label="find+head",
        ratio=t_theirs / t_ours,
        details={"files": n, "models": len(MODELS), "ours_samples": s_ours,
                 "find_head_samples": s_theirs,
                 "ours_files_per_s": n / t_ours, "find_head_files_per_s": n / t_theirs,
                 "fresh_process_s": t_process})
