"""The one source-tree walker: aimodel lint, dh_aimodel and init name the same files.

They once had three walkers: on this tree the glob models/* named 2 files
for ``aimodel lint`` and 4 for ``dh_aimodel`` (a symlink, a __pycache__
file, a nested checkout's .git).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from dh_aimodel.dh import command as dh
from dh_aimodel.lint.inputs import source_target
from dh_aimodel.manifest.loader import load_text
from dh_aimodel.tree.walk import expand, source_files

GGUF = b"GGUF\x03\x00\x00\x00" + b"\x00" * 24

DECLARATION = """\
format: 1
models:
  - name: m
    package: m-data
    files: ["models/*"]
    license: MIT
    copyright: 2026 Demo Lab
    delivery: shipped
    training:
      data: []
      software: []
"""


def make_tree(root: Path) -> Path:
    (root / "debian").mkdir(parents=True)
    (root / "debian/aimodel.yaml").write_text(DECLARATION)
    (root / "debian/control").write_text(
        "Source: m\nSection: science\nMaintainer: A <a@example.org>\n\n"
        "Package: m-data\nArchitecture: all\nDescription: m\n m\n")
    models = root / "models"
    (models / "__pycache__").mkdir(parents=True)
    (models / "sub/.git/objects").mkdir(parents=True)
    (models / "a.gguf").write_bytes(GGUF)
    (models / "sub/b.gguf").write_bytes(GGUF)
    (models / "link.gguf").symlink_to("a.gguf")
    (models / "__pycache__/c.gguf").write_bytes(GGUF)
    (models / "sub/.git/objects/d.gguf").write_bytes(GGUF)
    (models / "e.gguf.part").write_bytes(GGUF)
    (root / "debian/m-data/usr/share/m").mkdir(parents=True)  # a build directory
    (root / "debian/m-data/usr/share/m/a.gguf").write_bytes(GGUF)
    return root


EXPECTED = ("models/a.gguf", "models/sub/b.gguf")


def test_the_walker_leaves_out_links_caches_checkouts_partials_and_debian(tmp_path):
    root = make_tree(tmp_path / "src")
    assert tuple(f for f in source_files(root) if f.startswith("models/")) == EXPECTED
    assert not any(f.startswith("debian/") for f in source_files(root))
    assert expand("models/*", source_files(root), root) == EXPECTED


@pytest.mark.parametrize("reader", ["lint", "dh_aimodel", "init"])
def test_lint_dh_and_init_name_the_same_files(tmp_path, monkeypatch, reader):
    root = make_tree(tmp_path / "src")
    if reader == "lint":
        (declared,) = source_target(root).state.declared
        found = declared.matched
    elif reader == "dh_aimodel":
        monkeypatch.chdir(root)
        declaration = load_text((root / "debian/aimodel.yaml").read_text())
        found = dh.source_matches(declaration, {"m-data"})["models/*"]
    else:
        from dh_aimodel.commands.init import scan_tree

        found = tuple(sorted(f.path for f in scan_tree(root)))
    assert tuple(found) == EXPECTED
