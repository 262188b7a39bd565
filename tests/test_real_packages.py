"""Real Debian source packages adopted with dh-aimodel (issue 15).

tools/build-real fetches an archive source package, adopts it with the
recipe of tools/real-packages/SOURCE/ and builds it for real in a trixie
chroot; the full build runs only when AIMODEL_REAL_PACKAGES=1 is set and
root and the mirror are there (minutes and hundreds of MiB: the lead's CI
decides).  The recipes themselves are checked on every run: a declaration
that no longer validates would make the real build fail much later.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parent.parent
BUILD_REAL = ROOT / "tools" / "build-real"
RECIPES = ROOT / "tools" / "real-packages"
SOURCES = ("gnubg", "opus", "pocketsphinx", "stockfish")


def _aimodel(*args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, "-m", "dh_aimodel", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("source", SOURCES)
def test_recipe_is_complete_and_its_declaration_validates(source: str) -> None:
    recipe = RECIPES / source
    version = (recipe / "version").read_text().strip()
    assert version and "-" in version, "an archive version with its Debian revision"
    assert os.access(recipe / "adopt", os.X_OK)
    done = _aimodel("validate", str(recipe / "aimodel.yaml"))
    assert done.returncode == 0, done.stdout + done.stderr


def test_build_real_refuses_a_source_without_recipe() -> None:
    done = subprocess.run([str(BUILD_REAL), "no-such-source"], capture_output=True,
                          text=True, timeout=30)
    assert done.returncode == 2
    assert "no recipe for no-such-source" in done.stderr


def _mirror_reachable() -> bool:
    mirror = urlsplit(os.environ.get("DEBIAN_MIRROR", "http://deb.debian.org/debian"))
    try:
        with socket.create_connection((mirror.hostname or "", mirror.port or 80), timeout=5):
            return True
    except OSError:
        return False


def _why_not_real() -> str | None:
    """The reason the real build cannot run here, or None when it can."""
    if os.environ.get("AIMODEL_REAL_PACKAGES") != "1":
        return "set AIMODEL_REAL_PACKAGES=1 to build a real package (needs root and the network)"
    if os.geteuid() != 0:
        return "tools/build-real needs root (debootstrap, chroot, mounts)"
    missing = [t for t in ("debootstrap", "apt-get", "dpkg-source", "curl") if not shutil.which(t)]
    if missing:
        return f"tools/build-real needs {', '.join(missing)}"
    if not _mirror_reachable():
        return "the Debian mirror is not reachable"
    return None


@pytest.mark.skipif(_why_not_real() is not None, reason=_why_not_real() or "")
def test_stockfish_builds_and_passes_aimodel_lint_and_lintian() -> None:
    # stockfish: one binary, a quick build, two embedded nets.
    done = subprocess.run([str(BUILD_REAL), "--suite", "trixie", "stockfish"],
                          capture_output=True, text=True, timeout=3600)
    summary = [line for line in done.stdout.splitlines()
               if line.startswith("build-real trixie stockfish ")]
    assert summary, done.stdout + done.stderr
    assert ": PASS (" in summary[0], done.stdout
    assert "lintian 0 E" in summary[0] and "0 unused, 0 mismatched" in summary[0]
    assert done.returncode == 0
