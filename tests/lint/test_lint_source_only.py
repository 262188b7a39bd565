"""A model kept in the source only must be covered by debian/copyright, and
``aimodel lint``, ``aimodel copyright --check`` and dh_aimodel say so alike."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from dh_aimodel.cli import main

CONTROL = """\
Source: kept
Section: games
Priority: optional
Maintainer: Jane Doe <jane@debian.org>

Package: kept
Architecture: all
Description: a package whose test model stays in the source
 A test package.
"""
DECLARATION = """\
format: 1
models:
  - name: test-model
    delivery: source-only
    files: [tests/model.bin]
    license: MIT
    copyright: Jane Doe
    training:
      data: [{name: d, license: MIT, availability: public}]
      software: [{name: t, license: MIT, available: true}]
"""
HEADER = "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n\n"
STAR = "Files: *\nCopyright: 2026 Jane Doe\nLicense: MIT\n"
OTHER = "Files: *\nCopyright: 2026 Someone Else\nLicense: GPL-2+\n"
TEXTS = "\nLicense: MIT\n text\n\nLicense: GPL-2+\n text\n"


@pytest.fixture
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "debian").mkdir()
    (tmp_path / "tests").mkdir()
    (tmp_path / "debian/control").write_text(CONTROL)
    (tmp_path / "debian/aimodel.yaml").write_text(DECLARATION)
    (tmp_path / "tests/model.bin").write_bytes(b"weights")
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.mark.parametrize("stanzas, expected", [
    (STAR, []),
    (OTHER, ["E: kept source: aimodel-copyright-holder-missing Jane Doe [tests/model.bin]",
             "E: kept source: aimodel-copyright-licence-mismatch GPL-2+ != MIT "
             "[tests/model.bin]"]),
])
def test_lint_and_check_agree_on_a_source_only_model(tree: Path, capsys, stanzas, expected):
    (tree / "debian/copyright").write_text(HEADER + stanzas + TEXTS)
    main(["lint", "."])
    lines = [line for line in capsys.readouterr().out.splitlines() if "copyright" in line]
    assert lines == expected
    status = main(["copyright", "--check"])
    err = capsys.readouterr().err
    assert ("aimodel-copyright" in err) == bool(expected), textwrap.shorten(err, 300)
    assert status == (1 if expected else 0)
