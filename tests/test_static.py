"""The static gates: ruff and mypy, configured in pyproject.toml, find nothing.

Skipped where they are not installed (Debian's own python3-* packages, in
autopkgtest), but required under ``CI=true``, where the test extra brings
them (mypy and the stubs pinned: another release finds other things).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def _tool(name: str) -> str:
    found = shutil.which(name) or shutil.which(name, path=str(Path(sys.executable).parent))
    if found is None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{name} is not installed; it is in the test extra (pip install -e .[test])")
        pytest.skip(f"{name} is not installed")
    return found


def test_ruff_finds_nothing():
    proc = subprocess.run([_tool("ruff"), "check", "--output-format", "concise", "dh_aimodel",
                           "tests", "bench"], cwd=REPO, capture_output=True, text=True,
                          check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_mypy_finds_nothing():
    # No cache: the gate reads the tree as it is, and writes nothing into it.
    proc = subprocess.run([_tool("mypy"), "--cache-dir", os.devnull], cwd=REPO,
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
