"""What a run imports: ``aimodel lint X.deb`` is timed against Lintian
(bench/bench_lint.py), so start-up cost is behaviour worth pinning.

Each case runs a fresh interpreter (imports are process-wide state) and
looks at ``sys.modules`` afterwards.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from dh_aimodel.cli import chosen_subcommand, subcommands

REPO = Path(__file__).resolve().parent.parent


def _modules_after(code: str) -> set[str]:
    """Module names loaded by a fresh interpreter that ran ``code``."""
    script = f"{code}\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))"
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          check=True, env=dict(os.environ, PYTHONPATH=str(REPO)))
    return set(json.loads(proc.stdout.splitlines()[-1]))


@pytest.mark.parametrize(("argv", "expected"), [
    (["lint", "x.deb"], "lint"),
    (["--debug", "lint"], "lint"),
    (["classify", "--policy", "osaid-1.0"], "classify"),
    (["--help"], None),
    ([], None),
    (["lnt"], None),
    (["x.deb", "lint"], None),
])
def test_chosen_subcommand(argv: list[str], expected: str | None) -> None:
    assert chosen_subcommand(argv) == expected


def test_a_named_subcommand_imports_only_its_module() -> None:
    loaded = _modules_after(
        "from dh_aimodel.cli import main\n"
        "import contextlib, io\n"
        "with contextlib.redirect_stdout(io.StringIO()): main(['lint', '--list-tags'])")
    cli_modules = {m.rsplit(".", 1)[1] for m in loaded if m.startswith("dh_aimodel.cli.")}
    assert cli_modules == {"lint"}


def test_help_without_a_subcommand_lists_them_all(capsys: pytest.CaptureFixture[str]) -> None:
    from dh_aimodel.cli import main

    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    assert all(name in out for name in subcommands())


def _deb822_needs_a_detector() -> bool:
    """Whether this python-debian imports its detector unconditionally (0.1.49, Debian 12)."""
    probe = ("import sys\nsys.modules['chardet'] = sys.modules['charset_normalizer'] = None\n"
             "import debian.deb822")
    return subprocess.run([sys.executable, "-c", probe], capture_output=True,
                          check=False).returncode != 0


@pytest.mark.skipif(_deb822_needs_a_detector(),
                    reason="this python-debian (Debian 12's 0.1.49) imports chardet "
                           "unconditionally; nothing to hide")
def test_deb822_is_imported_without_a_charset_detector() -> None:
    loaded = _modules_after("from dh_aimodel.packaging.pydebian import copyright; copyright()")
    assert {"debian.deb822", "debian.copyright"} <= loaded
    assert "charset_normalizer" not in loaded and "chardet" not in loaded


def test_the_detector_stays_importable_afterwards() -> None:
    # requests imports charset_normalizer: hiding it must not outlive the import
    loaded = _modules_after("from dh_aimodel.packaging.pydebian import deb822; deb822()\n"
                            "import charset_normalizer, requests")
    assert {"charset_normalizer", "requests", "debian.deb822"} <= loaded


def test_an_earlier_import_is_reused() -> None:
    loaded = _modules_after("import charset_normalizer, debian.deb822, sys\n"
                            "from dh_aimodel.packaging.pydebian import deb822\n"
                            "assert deb822() is sys.modules['debian.deb822']")
    assert "charset_normalizer" in loaded


@pytest.mark.integration
def test_lint_of_a_deb_loads_no_detector_and_no_unneeded_module(built_examples) -> None:
    deb = built_examples["toxic-candy"].debs["tiny-lm-data"]
    loaded = _modules_after(
        "from dh_aimodel.cli import main\n"
        f"main(['lint', {str(deb)!r}])")
    assert "charset_normalizer" not in loaded
    # build-time and source-tree code stays out of a .deb lint
    assert not loaded & {"dh_aimodel.core.buildcheck", "dh_aimodel.manifest.loader",
                         "requests", "jinja2", "dh_aimodel.cli.classify"}


def test_python_debian_is_imported_through_pydebian_only() -> None:
    """One first import is enough to load the detector; so every import goes
    through :mod:`dh_aimodel.packaging.pydebian` (type-checking imports excepted)."""
    import ast

    offenders = []
    for path in sorted((REPO / "dh_aimodel").rglob("*.py")):
        if path.name == "pydebian.py":
            continue
        tree = ast.parse(path.read_text("utf-8"))
        guarded = {id(n) for node in ast.walk(tree) if isinstance(node, ast.If)
                   and "TYPE_CHECKING" in ast.unparse(node.test) for n in ast.walk(node)}
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and id(node) not in guarded \
                    and node.module in ("debian.deb822", "debian.copyright"):
                offenders.append(f"{path.relative_to(REPO)}:{node.lineno}")
    assert offenders == []
