"""aimodel lint on the examples built for real with dpkg-buildpackage (slow)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from dh_aimodel.lint import lint

ROOT = Path(__file__).resolve().parents[2]
EXPECTED = {  # example -> tags on its .deb linted with --source (the shipped examples are clean)
    "free-model": set(),
    "toxic-candy": {"aimodel-training-data-unavailable"},
    "non-free-licence": set(),
    "runtime-download": {"aimodel-training-data-unavailable"},
}


def _perl_lib(tmp: Path) -> Path:
    seq = tmp / "perl/Debian/Debhelper/Sequence"
    seq.mkdir(parents=True)
    (seq / "aimodel.pm").symlink_to(ROOT / "debhelper/aimodel.pm")
    return tmp / "perl"


@pytest.mark.integration
@pytest.mark.parametrize("example", sorted(EXPECTED))
def test_example_debs(tmp_path, example):
    if shutil.which("dpkg-buildpackage") is None and os.environ.get("CI") != "true":
        pytest.skip("dpkg-buildpackage missing")
    src = tmp_path / example
    shutil.copytree(ROOT / "examples" / example, src)
    env = {**os.environ, "PATH": f"{ROOT / 'bin'}:{os.environ['PATH']}",
           "PERL5LIB": str(_perl_lib(tmp_path)), "PYTHONPATH": str(ROOT)}
    subprocess.run(["dpkg-buildpackage", "-us", "-uc", "-b", "-d"], cwd=src, env=env, check=True,
                   capture_output=True)
    [changes] = tmp_path.glob("*.changes")
    assert {r.diagnostic.tag for r in lint(changes, source=src)} == EXPECTED[example]
    assert {r.diagnostic.tag for r in lint(changes)} <= EXPECTED[example]
    assert {r.diagnostic.tag for r in lint(src)} == EXPECTED[example]
