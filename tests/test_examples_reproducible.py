"""The examples' model files are reproducible and their checksums hold.

examples/make-models.py regenerates every model file of examples/ with fixed
seeds and platform-independent arithmetic; regenerating into a temporary
directory must give byte-identical files (for the free model this is the
ML-Policy "reproducible" claim of its declaration), and every sha256 declared
in examples/*/debian/aimodel.yaml must match the file it names.
"""

import hashlib
import os
import re
import subprocess
import sys
import urllib.parse
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
MAKE_MODELS = EXAMPLES / "make-models.py"
EXAMPLE_DIRS = ["free-model", "toxic-candy", "non-free-licence", "runtime-download"]
# Where the runtime-download example's URL is mirrored (not a source package).
DOWNLOADS = EXAMPLES / "downloads"

GENERATED = [
    "free-model/models/iris-classifier.safetensors",
    "toxic-candy/models/tiny-lm.gguf",
    "non-free-licence/models/sentiment.onnx",
    "downloads/tiny-tagger/1.0/tiny-tagger.safetensors",
]


def _sha256(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _run_make_models(*args):
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
    return subprocess.run([sys.executable, str(MAKE_MODELS), *args],
                          capture_output=True, text=True, env=env, timeout=300)


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    out = tmp_path_factory.mktemp("make-models")
    proc = _run_make_models("--output-root", str(out))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "" and proc.stderr == "", "make-models.py must be silent without -v"
    return out


def test_generates_exactly_the_expected_files(generated):
    files = sorted(p.relative_to(generated).as_posix()
                   for p in generated.rglob("*") if p.is_file())
    assert files == sorted(GENERATED)


@pytest.mark.parametrize("rel", GENERATED)
def test_regenerated_file_is_byte_identical_to_committed(generated, rel):
    committed = EXAMPLES / rel
    assert committed.is_file(), f"{rel} is not committed; run examples/make-models.py"
    new = (generated / rel).read_bytes()
    assert new == committed.read_bytes(), (
        f"{rel}: regenerated sha256 {hashlib.sha256(new).hexdigest()} != "
        f"committed {_sha256(committed)}")


@pytest.mark.parametrize("rel", GENERATED)
def test_model_files_are_small(rel):
    assert (EXAMPLES / rel).stat().st_size < 64 * 1024


def _declared_files():
    """(example, model name, delivery, path, sha256, url) of every files entry."""
    out = []
    for example in EXAMPLE_DIRS:
        decl = yaml.safe_load((EXAMPLES / example / "debian" / "aimodel.yaml").read_text())
        assert decl["format"] == 1
        for model in decl["models"]:
            for entry in model["files"]:
                if isinstance(entry, str):
                    entry = {"path": entry}
                out.append((example, model["name"], model.get("delivery", "shipped"),
                            entry["path"], entry.get("sha256"), entry.get("url")))
    return out


DECLARED = _declared_files()


def test_every_example_declares_files():
    assert {d[0] for d in DECLARED} == set(EXAMPLE_DIRS)


@pytest.mark.parametrize(
    "example,name,delivery,path,sha256,url", DECLARED,
    ids=[f"{d[0]}:{d[3]}" for d in DECLARED])
def test_declared_sha256_matches_file(example, name, delivery, path, sha256, url):
    assert isinstance(sha256, str) and re.fullmatch(r"[0-9a-f]{64}", sha256), \
        f"{example}: model {name}: {path}: sha256 missing or malformed"
    if delivery == "downloaded":
        # Not in the source package: compare with the local mirror of its url.
        assert url, f"{example}: downloaded model {name} needs a url"
        on_disk = DOWNLOADS / urllib.parse.urlsplit(url).path.lstrip("/")
    else:
        on_disk = EXAMPLES / example / path
    assert on_disk.is_file(), f"{example}: {on_disk} does not exist"
    assert _sha256(on_disk) == sha256, f"{example}: {path}: sha256 mismatch"


def test_downloader_checks_the_declared_checksum():
    (sha256,) = [d[4] for d in DECLARED if d[0] == "runtime-download"]
    script = (EXAMPLES / "runtime-download" / "tiny-tagger").read_text()
    assert f'MODEL_SHA256 = "{sha256}"' in script


@pytest.mark.parametrize("example", EXAMPLE_DIRS)
def test_no_build_products_in_examples(example):
    debian = EXAMPLES / example / "debian"
    leftovers = [p.name for p in debian.iterdir()
                 if p.name in (".debhelper", "files", "debhelper-build-stamp")
                 or p.name.endswith((".substvars", ".debhelper.log"))
                 or (p.is_dir() and p.name not in ("source",))]
    assert leftovers == []
