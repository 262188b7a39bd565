"""The installed layout: what a wheel built from this tree really contains.

The other tests import the working tree, so they cannot notice what setup.py
leaves out of an installation; a release once shipped without
``dh_aimodel.lint``.  This test builds a wheel from a copy of the tree,
installs it into a directory of its own and, from there alone, imports every
module of the source tree, finds every data file and template, and runs the
console scripts.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from conftest import REPO

#: What a build never needs and would only slow the copy (or leak old builds into it).
IGNORE = shutil.ignore_patterns(".git", ".venv", "__pycache__", "*.egg-info", "build", "dist",
                                ".pytest_cache", ".mypy_cache", ".ruff_cache", ".hypothesis",
                                "results.json")

#: Run inside the installed copy: where dh_aimodel comes from, what is there.
PROBE = textwrap.dedent("""\
    import importlib, json, pkgutil, sys
    from importlib import resources

    import dh_aimodel

    def files(node, prefix=""):
        for child in node.iterdir():
            if child.name == "__pycache__":
                continue
            if child.is_dir():
                yield from files(child, f"{prefix}{child.name}/")
            elif not child.name.endswith(".py"):
                yield prefix + child.name

    walked = sorted(m.name for m in pkgutil.walk_packages(dh_aimodel.__path__, "dh_aimodel."))
    broken = {}
    for name in sys.argv[1:]:
        try:
            importlib.import_module(name)
        except Exception as exc:
            broken[name] = f"{type(exc).__name__}: {exc}"
    print(json.dumps({"file": dh_aimodel.__file__, "walked": walked, "broken": broken,
                      "data": sorted(files(resources.files("dh_aimodel")))}))
    """)


def _source_modules() -> list[str]:
    """Every module of the source tree, named as Python imports it."""
    out = []
    for path in (REPO / "dh_aimodel").rglob("*.py"):
        parts = path.relative_to(REPO).with_suffix("").parts
        out.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return sorted(out)


def _source_data() -> list[str]:
    """Package data as installed: dh_aimodel/data as it is, templates/ as dh_aimodel/templates."""
    data = [p.relative_to(REPO / "dh_aimodel").as_posix()
            for p in (REPO / "dh_aimodel/data").rglob("*") if p.is_file()]
    templates = [f"templates/{p.name}" for p in (REPO / "templates").glob("*.j2")]
    return sorted(data + templates)


def _difference(expected: list[str], installed: list[str]) -> dict[str, list[str]]:
    """What is missing from the installation and what it has that the tree has not."""
    out = {"missing": sorted(set(expected) - set(installed)),
           "not in the tree": sorted(set(installed) - set(expected))}
    return {k: v for k, v in out.items() if v}


def _can_build_offline() -> bool:
    """Whether this Python's setuptools builds a wheel without fetching anything.

    setuptools has bdist_wheel itself from 70.1 on; older ones need the
    wheel package (pyenv's 3.11 has setuptools 65 and no wheel).
    """
    probe = ("try:\n    import setuptools.command.bdist_wheel\n"
             "except ImportError:\n    import wheel.bdist_wheel\n")
    return subprocess.run([sys.executable, "-c", probe], capture_output=True).returncode == 0


def _pip(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pip", "--disable-pip-version-check", *args],
                          cwd=cwd, capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """A wheel of a copy of the tree, installed alone into a --target directory."""
    if _pip("--version", cwd=REPO).returncode != 0:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true: pip is not available for {sys.executable}")
        pytest.skip(f"pip is not available for {sys.executable}")
    work = tmp_path_factory.mktemp("layout")
    tree = work / "src"
    shutil.copytree(REPO, tree, ignore=IGNORE, symlinks=True)
    # Offline when this Python can build wheels; otherwise pip fetches the build
    # backend from the package index, as run-tests' own "pip install ." does.
    isolation = ["--no-build-isolation"] if _can_build_offline() else []
    built = _pip("wheel", "--no-deps", *isolation, "-w", str(work / "wheels"), ".", cwd=tree)
    assert built.returncode == 0, built.stdout[-3000:] + built.stderr[-3000:]
    (wheel,) = (work / "wheels").glob("dh_aimodel-*.whl")
    target = work / "target"
    done = _pip("install", "--no-deps", "--no-index", "--target", str(target), str(wheel),
                cwd=work)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return target


def _run(target: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    """A command with the installed copy first on sys.path and not the working tree."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "DH_"))}
    env["PYTHONPATH"] = str(target)
    return subprocess.run(argv, cwd=target.parent, env=env, capture_output=True, text=True,
                          timeout=120)


def test_every_module_and_data_file_is_installed(installed):
    expected = _source_modules()
    importable = [m for m in expected if not m.endswith(".__main__")]  # runs the CLI
    proc = _run(installed, sys.executable, "-c", PROBE, *importable)
    assert proc.returncode == 0, proc.stderr
    found = json.loads(proc.stdout)
    assert Path(found["file"]).is_relative_to(installed)
    assert _difference([m for m in expected if m != "dh_aimodel"], found["walked"]) == {}
    assert found["broken"] == {}
    assert _difference(_source_data(), found["data"]) == {}


@pytest.mark.parametrize("argv, says", [
    (["aimodel", "--help"], "usage: aimodel"),
    (["aimodel", "--version"], "aimodel "),
    (["dh_aimodel", "--help"], "Usage: dh_aimodel"),  # a debhelper command: no --version
    (["-m", "dh_aimodel", "--version"], "aimodel "),
])
def test_console_scripts_run(installed, argv, says):
    command = [sys.executable, *argv] if argv[0] == "-m" else [str(installed / "bin" / argv[0]),
                                                               *argv[1:]]
    proc = _run(installed, *command)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith(says), proc.stdout
