"""The layers of dh_aimodel/ and the one direction imports may go (doc/architecture.md).

A module may import its own layer and the layers below it, never one above:
the core stays pure (testable without files or network), and a newcomer can
trust that changing, say, a Lintian adapter cannot change a verdict.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "dh_aimodel"

#: Each layer and the layers it may import (besides itself).
ALLOWED: dict[str, set[str]] = {
    "core": set(),
    "manifest": {"core"},
    "tree": {"core"},
    "formats": {"core"},
    "packaging": {"core", "tree", "formats", "manifest"},
    "hub": {"core", "tree", "manifest"},
    "lint": {"core", "tree", "formats", "manifest", "packaging"},
    "commands": {"core", "tree", "formats", "manifest", "packaging", "hub"},
    "dh": {"core", "tree", "formats", "manifest", "packaging", "lint"},
    "survey": {"core", "tree", "formats", "manifest", "packaging", "hub", "lint"},
    "cli": {"core", "tree", "formats", "manifest", "packaging", "hub", "lint", "commands",
            "survey"},
}
#: Top-level modules of the package itself (version, ``python3 -m``).
TOP = {"__init__", "__main__"}
#: What every layer may take from the package's __init__: constants, no code.
TOP_NAMES = {"__version__", "DECLARATION"}


def _layer(path: Path) -> str:
    rel = path.relative_to(PACKAGE)
    return rel.parts[0] if len(rel.parts) > 1 else rel.stem


def _imports(source: str) -> list[tuple[int, str]]:
    """(line, imported dh_aimodel layer) for every import in ``source``, lazy ones included."""
    found = []
    for node in ast.walk(ast.parse(source)):
        names: list[str] = []
        if isinstance(node, ast.ImportFrom):
            if node.level:
                found.append((node.lineno, "relative import"))
            names = [node.module or ""]
            if node.module == "dh_aimodel":
                names = [f"dh_aimodel.{alias.name}" for alias in node.names]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        for name in names:
            parts = name.split(".")
            if parts[0] == "dh_aimodel" and len(parts) > 1:
                found.append((node.lineno, parts[1]))
    return found


def test_every_module_is_in_a_known_layer():
    layers = {_layer(p) for p in PACKAGE.rglob("*.py")}
    assert layers - TOP <= set(ALLOWED), layers - TOP - set(ALLOWED)


def _violations(layer: str, source: str) -> list[str]:
    allowed = ALLOWED.get(layer, set(ALLOWED)) | {layer} | TOP_NAMES
    return [f"{line}: {layer} imports {target}" for line, target in _imports(source)
            if target not in allowed]


@pytest.mark.parametrize("path", sorted(PACKAGE.rglob("*.py")), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_go_down_the_layers(path):
    wrong = _violations(_layer(path), path.read_text(encoding="utf-8"))
    assert not wrong, "\n".join(f"{path.relative_to(PACKAGE.parent)}:{w}" for w in wrong)


@pytest.mark.parametrize(("layer", "source", "expected"), [
    ("core", "from dh_aimodel.packaging import dep5\n", ["1: core imports packaging"]),
    ("core", "def f():\n    import dh_aimodel.lint.checks\n", ["2: core imports lint"]),
    ("core", "from dh_aimodel import formats\n", ["1: core imports formats"]),
    ("formats", "from . import sniff\n", ["1: formats imports relative import"]),
    ("core", "from dh_aimodel.core import licenses\n", []),
    ("cli", "from dh_aimodel.lint import checks\nfrom dh_aimodel import __version__\n", []),
])
def test_the_checker_sees_upward_imports(layer, source, expected):
    assert _violations(layer, source) == expected
