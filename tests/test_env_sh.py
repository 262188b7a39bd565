"""tools/env.sh, which run-tests and run-example source: it must mend what it half made."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import REPO

DEBIAN_PYTHON = Path("/usr/bin/python3")

#: A PEP 517 backend that writes a wheel of nothing by hand.
BACKEND = """\
import base64, hashlib, zipfile

FILES = {
    "probe-0.dist-info/METADATA": "Metadata-Version: 2.1\\nName: probe\\nVersion: 0\\n",
    "probe-0.dist-info/WHEEL": "Wheel-Version: 1.0\\nGenerator: test\\nRoot-Is-Purelib: true\\n"
                               "Tag: py3-none-any\\n",
}


def _digest(text):
    raw = hashlib.sha256(text.encode()).digest()
    return "sha256=" + base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    name = "probe-0-py3-none-any.whl"
    record = "".join(f"{p},{_digest(t)},{len(t)}\\n" for p, t in FILES.items())
    with zipfile.ZipFile(f"{wheel_directory}/{name}", "w") as whl:
        for path, text in FILES.items():
            whl.writestr(path, text)
        whl.writestr("probe-0.dist-info/RECORD", record + "probe-0.dist-info/RECORD,,\\n")
    return name
"""


def _externally_managed() -> bool:
    probe = subprocess.run([str(DEBIAN_PYTHON), "-c",
                            "import sysconfig; print(sysconfig.get_path('stdlib'))"],
                           capture_output=True, text=True, check=False)
    return probe.returncode == 0 and (Path(probe.stdout.strip()) / "EXTERNALLY-MANAGED").exists()


@pytest.mark.skipif(not DEBIAN_PYTHON.exists() or not _externally_managed(),
                    reason="needs Debian's externally managed /usr/bin/python3")
def test_a_venv_left_without_pip_is_made_again(tmp_path: Path) -> None:
    """As when python3-venv was missing at first: bin/python there, no pip."""
    if subprocess.run([str(DEBIAN_PYTHON), "-m", "venv", str(tmp_path / "probe")],
                      capture_output=True, check=False).returncode != 0:
        pytest.skip("python3-venv is not installed (no ensurepip: venvs get no pip)")
    project = tmp_path / "project"
    (project / "tools").mkdir(parents=True)
    shutil.copy(REPO / "tools/env.sh", project / "tools/env.sh")
    # An in-tree PEP 517 backend: installable offline, without setuptools
    # (Python 3.12+ venvs have none).
    (project / "pyproject.toml").write_text(
        '[build-system]\nrequires = []\nbuild-backend = "backend"\nbackend-path = ["."]\n'
        '[project]\nname = "probe"\nversion = "0"\n')
    (project / "backend.py").write_text(BACKEND)
    subprocess.run([str(DEBIAN_PYTHON), "-m", "venv", "--without-pip", ".venv"], cwd=project,
                   check=True)
    broken = subprocess.run([str(project / ".venv/bin/python"), "-m", "pip", "--version"],
                            capture_output=True, check=False)
    assert broken.returncode != 0  # the state tools/env.sh used to die in
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path),
           "AIMODEL_PIP_EXTRA": "--no-build-isolation --no-index"}
    proc = subprocess.run(["bash", "-c", '. tools/env.sh && "$PY" -m pip --version'],
                          cwd=project, env=env, capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    assert "tools/env.sh: .venv has no working pip; making it again" in proc.stderr
    assert proc.stdout.startswith("pip ")
