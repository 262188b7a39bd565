"""One DEP-5 reader, which picks the copyright file as dh_installdocs does.

``aimodel lint`` once read only debian/copyright: with examples/free-model's
copyright moved to debian/<package>.copyright, the build and the .deb lint
passed while ``aimodel lint .`` failed with aimodel-copyright-missing-stanza.
"""

from __future__ import annotations

import re
from pathlib import Path

from dh_aimodel.dh import command as dh
from dh_aimodel.lint import lint

PACKAGE = "iris-classifier-data"


def move_copyright(tree: Path) -> None:
    (tree / "debian/copyright").rename(tree / f"debian/{PACKAGE}.copyright")


def test_lint_reads_the_packages_own_copyright_file(example_tree):
    tree = example_tree("free-model")
    assert [r.diagnostic.tag for r in lint(tree)] == []
    move_copyright(tree)
    assert [r.diagnostic.tag for r in lint(tree)] == []


def test_dh_aimodel_and_lint_agree_on_the_moved_copyright(staged_example, capsys):
    tree = staged_example("free-model")
    move_copyright(tree)
    assert dh.main([]) == 0, capsys.readouterr().err
    assert [r.diagnostic.tag for r in lint(tree)] == []


def test_the_packages_copyright_file_is_the_one_checked(example_tree):
    """A wrong stanza in the package's own file is reported: that file is installed."""
    tree = example_tree("free-model")
    text = (tree / "debian/copyright").read_text()
    move_copyright(tree)
    paragraphs = text.split("\n\n")
    wrong = [re.sub(r"(?m)^License: .*$", "License: GPL-3+", p) if "Files: models/" in p else p
             for p in paragraphs]
    (tree / f"debian/{PACKAGE}.copyright").write_text("\n\n".join(wrong))
    (tree / "debian/copyright").write_text(text)  # right, but not the one installed
    found = {(r.diagnostic.tag, r.diagnostic.context) for r in lint(tree)}
    assert ("aimodel-copyright-licence-mismatch",
            "GPL-3+ != MIT [models/iris-classifier.safetensors]") in found
