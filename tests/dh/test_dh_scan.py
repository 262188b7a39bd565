"""dh_aimodel's scan of a package build directory: which files, in which order, as what.

:func:`dh_aimodel.dh.command.scan` was rewritten for speed (bench/bench_scan.py);
these pin what it must keep doing: every regular file in ``os.walk`` order
with sorted names, symbolic links, FIFOs and the top-level DEBIAN/ left out,
each file judged from its first bytes and its name.
"""

from __future__ import annotations

import contextlib
import os
import struct
from pathlib import Path

import pytest

from dh_aimodel.core.buildcheck import InstalledFile
from dh_aimodel.dh.command import scan

GGUF = b"GGUF" + struct.pack("<I", 3) + b"\0" * 40


@pytest.fixture()
def build_dir(tmp_path: Path) -> Path:
    """debian/pkg/ with models, ordinary files, links, a FIFO and two DEBIAN/ directories."""
    root = tmp_path / "debian/pkg"
    files = {
        "DEBIAN/control": b"Package: pkg\n",
        "usr/share/pkg/DEBIAN/model.gguf": GGUF,  # only the top-level DEBIAN/ is control data
        "usr/share/pkg/b/weights.bin": GGUF,  # magic wins over a neutral name
        "usr/share/pkg/a.txt": b"hello\n",
        "usr/share/pkg/broken.safetensors": b"x",  # a model by its name alone
        "usr/share/pkg/empty": b"",
        "usr/share/doc/pkg/README": b"docs\n" * 100,
        "usr/share/pkg/B.onnx": b"\x08\x07" + b"\0" * 100,
    }
    for rel, data in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(data)
    os.symlink("b/weights.bin", root / "usr/share/pkg/link.gguf")
    os.symlink("b", root / "usr/share/pkg/linkdir")
    os.symlink("nowhere", root / "usr/share/pkg/dangling.gguf")
    os.mkfifo(root / "usr/share/pkg/fifo.gguf")
    return root


def test_every_regular_file_in_walk_order_judged_by_head_and_name(build_dir: Path):
    assert scan(build_dir) == [
        InstalledFile("usr/share/doc/pkg/README", False, None),
        InstalledFile("usr/share/pkg/B.onnx", True, "onnx"),
        InstalledFile("usr/share/pkg/a.txt", False, None),
        InstalledFile("usr/share/pkg/broken.safetensors", True, None),
        InstalledFile("usr/share/pkg/empty", False, None),
        InstalledFile("usr/share/pkg/DEBIAN/model.gguf", True, "gguf"),
        InstalledFile("usr/share/pkg/b/weights.bin", True, "gguf"),
    ]


def test_relative_build_dir_and_trailing_slash(build_dir: Path, monkeypatch: pytest.MonkeyPatch):
    expected = scan(build_dir)
    monkeypatch.chdir(build_dir.parent.parent)
    assert scan(Path("debian/pkg")) == expected
    assert scan(Path("debian/pkg/")) == expected
    monkeypatch.chdir(build_dir)
    assert scan(Path(".")) == expected


def test_a_file_gone_after_listing_is_left_out(build_dir: Path, monkeypatch: pytest.MonkeyPatch):
    real = os.scandir

    def scandir(path: str):
        entries = list(real(path))
        for entry in entries:
            if entry.name == "a.txt":
                os.unlink(entry.path)
        return contextlib.nullcontext(entries)

    monkeypatch.setattr(os, "scandir", scandir)
    assert "usr/share/pkg/a.txt" not in [f.path for f in scan(build_dir)]


def test_missing_build_dir_has_no_files(tmp_path: Path):
    assert scan(tmp_path / "debian/none") == []
