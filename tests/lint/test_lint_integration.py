"""aimodel lint on the examples built for real with dpkg-buildpackage (slow)."""

from __future__ import annotations

import pytest

from dh_aimodel.lint import lint

EXPECTED = {  # example -> tags on its .deb linted with --source (the shipped examples are clean)
    "free-model": set(),
    "toxic-candy": {"aimodel-training-data-unavailable"},
    "non-free-licence": set(),
    "runtime-download": {"aimodel-training-data-unavailable"},
}


@pytest.mark.integration
@pytest.mark.parametrize("example", sorted(EXPECTED))
def test_example_debs(built_examples, example):
    built = built_examples[example]
    assert built.returncode == 0, built.output[-3000:]
    src = built.tree
    [changes] = src.parent.glob("*.changes")
    assert {r.diagnostic.tag for r in lint(changes, source=src)} == EXPECTED[example]
    assert {r.diagnostic.tag for r in lint(changes)} <= EXPECTED[example]
    assert {r.diagnostic.tag for r in lint(src)} == EXPECTED[example]
