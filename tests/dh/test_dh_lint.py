"""dh_aimodel runs ``aimodel lint``'s checks of file contents on debian/<pkg>/.

Each case is a small source tree (tests/lintkit.py) whose package build
directory is filled by hand, as dh_install would have filled it, then
dh_aimodel runs in it as dh runs it (cwd the source tree, real
dh_listpackages).
"""

from __future__ import annotations

import pickle
import subprocess
import sys
from collections import OrderedDict
from pathlib import Path

import pytest
from conftest import require_tools
from lintkit import model_yaml, safetensors, sha, tree

from dh_aimodel.dh import command as dh

PACKAGE = "demo-data"
BUILD = Path("debian") / PACKAGE
OVERRIDES = BUILD / "usr/share/lintian/overrides" / PACKAGE


@pytest.fixture(autouse=True)
def _tools() -> None:
    require_tools("dh_listpackages")


def evil_pickle(marker: Path) -> bytes:
    """A protocol 2 pickle calling os.system (never loaded by the tests).

    Protocol 2 so that it is taken for a pickle under any name: a cache file
    of a library package, not a model.
    """
    return b"\x80\x02" + f"cos\nsystem\n(S'touch {marker}'\ntR.".encode()


def package(root: Path, models: str, installed: dict[str, bytes],
            source_files: dict[str, bytes] | None = None) -> Path:
    """A source tree with ``models`` declared and ``installed`` in debian/demo-data/, as cwd."""
    tree(root, source_files or {}, models)
    for rel, data in installed.items():
        (root / BUILD / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / BUILD / rel).write_bytes(data)
    return root


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, list[str]]:
    status = dh.main(list(argv))
    return status, capsys.readouterr().err.splitlines()


def clean_model() -> tuple[str, dict[str, bytes], dict[str, bytes]]:
    data = safetensors({"license": "mit"})
    return (model_yaml(digest=sha(data)), {"models/m.safetensors": data},
            {"usr/share/demo/m.safetensors": data})


def test_pickle_calling_os_system_fails_the_build_with_one_line(tmp_path, monkeypatch, capsys):
    models, sources, installed = clean_model()
    marker = tmp_path / "PWNED"
    monkeypatch.chdir(package(tmp_path / "src", models,
                              {**installed, "usr/lib/python3/dist-packages/demo/cache.dat":
                               evil_pickle(marker)}, sources))
    status, err = run(capsys)
    assert status == 1
    assert err == [
        "dh_aimodel: error: demo-data: aimodel-pickle-unsafe-global os.system "
        "[usr/lib/python3/dist-packages/demo/cache.dat] (in debian/demo-data/); fix the file, "
        "or override the tag in debian/demo-data.lintian-overrides"]
    assert not marker.exists()
    assert not (BUILD / "usr/share/doc" / PACKAGE / "README.aimodel").exists()


def test_the_installed_override_file_silences_it(tmp_path, monkeypatch, capsys):
    models, sources, installed = clean_model()
    evil = "usr/lib/python3/dist-packages/demo/cache.dat"
    monkeypatch.chdir(package(tmp_path / "src", models,
                              {**installed, evil: evil_pickle(tmp_path / "PWNED")}, sources))
    OVERRIDES.parent.mkdir(parents=True)
    OVERRIDES.write_text(f"# a test fixture, never loaded\n"
                         f"{PACKAGE}: aimodel-pickle-unsafe-global os.system [{evil}]\n")
    assert run(capsys) == (0, [])
    assert (BUILD / "usr/share/doc" / PACKAGE / "README.aimodel").is_file()
    out = capsys.readouterr()
    assert dh.main(["-v"]) == 0
    out = capsys.readouterr().out
    assert (f"\tdh_aimodel: {PACKAGE}: aimodel-pickle-unsafe-global os.system [{evil}]: "
            f"overridden (debian/demo-data/usr/share/lintian/overrides/{PACKAGE}:2)\n") in out


def test_override_of_another_context_does_not_silence_it(tmp_path, monkeypatch, capsys):
    models, sources, installed = clean_model()
    monkeypatch.chdir(package(tmp_path / "src", models, {
        **installed, "usr/share/demo/cache.dat": evil_pickle(tmp_path / "PWNED")}, sources))
    OVERRIDES.parent.mkdir(parents=True)
    OVERRIDES.write_text(f"{PACKAGE}: aimodel-pickle-unsafe-global os.system [other.pkl]\n")
    status, err = run(capsys)
    assert status == 1 and len(err) == 1 and "aimodel-pickle-unsafe-global" in err[0]


def test_declared_pickled_model_is_a_warning_and_builds(tmp_path, monkeypatch, capsys):
    data = pickle.dumps(OrderedDict(w=[1.0, 2.0]), 2)
    monkeypatch.chdir(package(tmp_path / "src",
                              model_yaml("models/m.pt", sha(data), fmt="pytorch-pickle"),
                              {"usr/share/demo/m.pt": data}, {"models/m.pt": data}))
    assert run(capsys) == (0, [
        "dh_aimodel: warning: demo-data: aimodel-pickle-weights [usr/share/demo/m.pt] "
        "(in debian/demo-data/); fix the file, or override the tag in "
        "debian/demo-data.lintian-overrides"])
    assert (BUILD / "usr/share/doc" / PACKAGE / "README.aimodel").is_file()


def test_malformed_safetensors_header_is_reported(tmp_path, monkeypatch, capsys):
    data = safetensors(header_len=1 << 20)  # the header claims more bytes than the file has
    monkeypatch.chdir(package(tmp_path / "src", model_yaml(digest=sha(data)),
                              {"usr/share/demo/m.safetensors": data},
                              {"models/m.safetensors": data}))
    status, err = run(capsys)
    assert status == 1
    assert len(err) == 1
    assert err[0].startswith("dh_aimodel: error: demo-data: aimodel-malformed-model-file ")
    assert "[usr/share/demo/m.safetensors] (in debian/demo-data/)" in err[0]


@pytest.mark.parametrize("metadata, fmt, expected", [
    ({"license": "apache-2.0"}, "safetensors",
     "aimodel-embedded-licence-mismatch apache-2.0 != MIT [usr/share/demo/m.safetensors]"),
    ({"license": "mit"}, "gguf",
     "aimodel-format-mismatch safetensors != gguf [usr/share/demo/m.safetensors]"),
])
def test_file_content_warnings(metadata, fmt, expected, tmp_path, monkeypatch, capsys):
    data = safetensors(metadata)
    monkeypatch.chdir(package(tmp_path / "src", model_yaml(digest=sha(data), fmt=fmt),
                              {"usr/share/demo/m.safetensors": data},
                              {"models/m.safetensors": data}))
    status, err = run(capsys)
    assert status == 0
    assert err == [f"dh_aimodel: warning: demo-data: {expected} (in debian/demo-data/); fix the "
                   "file, or override the tag in debian/demo-data.lintian-overrides"]


def test_undeclared_model_is_reported_once_by_dh_aimodels_own_check(tmp_path, monkeypatch,
                                                                     capsys):
    models, sources, installed = clean_model()
    monkeypatch.chdir(package(tmp_path / "src", models,
                              {**installed, "usr/share/demo/extra.safetensors": safetensors()},
                              sources))
    status, err = run(capsys)
    assert status == 1
    assert len(err) == 1 and err[0].count("aimodel-undeclared-model-file") == 1
    assert err[0].startswith("dh_aimodel: error: demo-data: debian/demo-data/usr/share/demo/"
                             "extra.safetensors is a model file")


def test_a_clean_package_says_nothing(tmp_path, monkeypatch, capsys):
    models, sources, installed = clean_model()
    monkeypatch.chdir(package(tmp_path / "src", models, installed, sources))
    assert run(capsys) == (0, [])


def test_package_without_models_or_pickles_does_not_import_the_scanners(tmp_path):
    """The common case (a library package next to a model package) stays cheap."""
    models, sources, installed = clean_model()
    root = package(tmp_path / "src", models, installed, sources)
    control = root / "debian/control"
    control.write_text(control.read_text()
                       + "\nPackage: demo-lib\nArchitecture: all\nDescription: lib\n lib\n")
    for rel, data in {"usr/share/doc/demo-lib/README": b"text\n",
                      "usr/lib/python3/dist-packages/demo/__init__.py": b"pass\n"}.items():
        (root / "debian/demo-lib" / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / "debian/demo-lib" / rel).write_bytes(data)
    code = ("import sys\nfrom dh_aimodel.dh import command as dh\nstatus = dh.main(['-pdemo-lib'])\n"
            "assert status == 0, status\n"
            "assert not {'dh_aimodel.formats.pickle_scan', 'dh_aimodel.lint.inputs'} & set(sys.modules), "
            "sorted(m for m in sys.modules if m.startswith('dh_aimodel'))\n")
    proc = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True,
                          text=True, env={"PYTHONPATH": str(Path(dh.__file__).parents[2]),
                                          "PATH": "/usr/bin:/bin"}, check=False)
    assert proc.returncode == 0, proc.stderr


def test_declared_files_are_hashed_once(tmp_path, monkeypatch, capsys):
    """The lint state reuses dh_aimodel's digests: one hashing pass per run."""
    from dh_aimodel.tree import hashing

    data = pickle.dumps(OrderedDict(w=[1.0]), 2)
    monkeypatch.chdir(package(tmp_path / "src",
                              model_yaml("models/m.pt", sha(data), fmt="pytorch-pickle"),
                              {"usr/share/demo/m.pt": data}, {"models/m.pt": data}))
    calls: list[list[Path]] = []
    real = hashing.sha256_files

    def counting(paths, *args, **kwargs):  # noqa: ANN001, ANN202
        calls.append(list(paths))
        return real(calls[-1], *args, **kwargs)

    monkeypatch.setattr(hashing, "sha256_files", counting)
    status, err = run(capsys)
    assert status == 0 and len(err) == 1 and "aimodel-pickle-weights" in err[0]
    assert calls == [[BUILD / "usr/share/demo/m.pt"]]
