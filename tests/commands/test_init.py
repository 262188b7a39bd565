"""``aimodel init`` from the source tree and ``--from-hf`` from a real local Hub server.

huggingface_hub talks to tests/hubfake.py over TCP (``HF_ENDPOINT``); nothing
of huggingface_hub or requests is mocked.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import struct
import sys
from pathlib import Path

import pytest
import yaml
from conftest import needs_hub
from hubfake import FakeHub

from dh_aimodel.cli import main
from dh_aimodel.commands.init import find_todos

ROOT = Path(__file__).resolve().parents[2]
CONTROL = ROOT / "examples/free-model/debian/control"
TOKEN = "hf_TESTtokenMUSTneverLEAK0123456789"


def safetensors(license_: str | None = None) -> bytes:
    header: dict = {"w": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}}
    if license_:
        header["__metadata__"] = {"license": license_}
    raw = json.dumps(header).encode()
    return struct.pack("<Q", len(raw)) + raw + b"\0" * 8


GGUF = b"GGUF" + struct.pack("<IQQ", 3, 0, 0)
WEIGHTS = safetensors()


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@pytest.fixture
def hub(monkeypatch):
    for var in ("HF_TOKEN", "HUGGING_FACE_HUB_TOKEN", "HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE",
                "AIMODEL_TIMEOUT"):
        monkeypatch.delenv(var, raising=False)
    with FakeHub() as server:
        monkeypatch.setenv("HF_ENDPOINT", server.url)
        server.add_model(
            "acme/Tiny-LM",
            {"model.safetensors": WEIGHTS, "config.json": b'{"layers": 2}',
             "tokenizer/vocab.txt": b"a\nb\n", ".gitattributes": b"*.safetensors lfs\n",
             "README.md": b"# Tiny LM\n"},
            {"license": "apache-2.0", "datasets": ["acme/open-text", "acme/gated-chat"],
             "base_model": "acme/Base-LM", "library_name": "transformers"},
            library_name="transformers", pipeline_tag="text-generation",
            tags={"v1.0": hashlib.sha1(b"v1.0").hexdigest()})
        server.add_model("acme/Base-LM", {"model.safetensors": WEIGHTS}, {"license": "mit"})
        server.add_dataset("acme/open-text", {"license": "cc-by-4.0"})
        server.add_dataset("acme/gated-chat", {"license": "odc-by"}, gated="manual")
        yield server
    assert server.errors == []


@pytest.fixture
def tree(tmp_path) -> Path:
    root = tmp_path / "src"
    (root / "debian").mkdir(parents=True)
    shutil.copy(CONTROL, root / "debian/control")
    return root


def run(capsys, *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def declaration(tree: Path) -> tuple[str, dict]:
    text = (tree / "debian/aimodel.yaml").read_text()
    return text, yaml.safe_load(text)


def without_todos(text: str) -> str:
    """What a maintainer who accepts every conservative placeholder would leave."""
    return re.sub(r"  # TODO\(aimodel\):.*", "", text)


# -- --from-hf ----------------------------------------------------------------------


@needs_hub
def test_from_hf_normal_model(hub, tree, capsys):
    repo = hub.models["acme/Tiny-LM"]
    status, out, err = run(capsys, "init", "--from-hf", "acme/Tiny-LM", str(tree))
    assert (status, err) == (0, "")
    assert out == f"{tree}/debian/aimodel.yaml: written (2 models, 3 TODOs to settle; " \
                  "'aimodel validate' lists them)\n"
    text, data = declaration(tree)
    main_model, base = data["models"]
    assert main_model["name"] == "tiny-lm"
    assert main_model["package"] == "iris-classifier-data"
    assert main_model["files"] == [
        {"path": "models/tiny-lm/config.json", "sha256": sha(b'{"layers": 2}'),
         "url": f"hf://acme/Tiny-LM@{repo.sha}/config.json"},
        {"path": "models/tiny-lm/model.safetensors", "sha256": sha(WEIGHTS),
         "url": f"hf://acme/Tiny-LM@{repo.sha}/model.safetensors"},
        {"path": "models/tiny-lm/tokenizer/vocab.txt", "sha256": sha(b"a\nb\n"),
         "url": f"hf://acme/Tiny-LM@{repo.sha}/tokenizer/vocab.txt"},
    ]
    assert main_model["format"] == "safetensors"
    assert main_model["license"] == "Apache-2.0"
    assert main_model["upstream"] == f"{hub.url}/acme/Tiny-LM"
    assert main_model["task"] == "text-generation"
    assert main_model["base-model"] == "base-lm"
    assert main_model["x-hf-library-name"] == "transformers"
    assert main_model["components"] == {"model-card": {"url": f"{hub.url}/acme/Tiny-LM"}}
    training = main_model["training"]
    assert training["software"] == [{"name": "tiny-lm training program", "license": "unknown",
                                     "available": False}]
    assert training["reproducible"] == "unknown"
    assert base == {"name": "base-lm", "delivery": "reference", "license": "MIT",
                    "upstream": f"{hub.url}/acme/Base-LM"}
    # the file list was asked for with its LFS metadata (blobs=true) at the revision
    assert hub.seen("/api/models/acme/Tiny-LM")
    # files kept in git are hashed from the pinned commit, LFS ones are not downloaded
    assert hub.seen(f"/acme/Tiny-LM/resolve/{repo.sha}/config.json")
    assert not hub.seen(f"/cdn/{sha(WEIGHTS)}")
    assert f"at commit {repo.sha}" in text


@needs_hub
def test_from_hf_datasets_public_and_gated(hub, tree, capsys):
    assert run(capsys, "init", "--from-hf", "acme/Tiny-LM", str(tree))[0] == 0
    _, data = declaration(tree)
    assert data["models"][0]["training"]["data"] == [
        {"name": "acme/open-text", "url": f"{hub.url}/datasets/acme/open-text",
         "license": "CC-BY-4.0", "availability": "public"},
        {"name": "acme/gated-chat", "url": f"{hub.url}/datasets/acme/gated-chat",
         "license": "ODC-By-1.0", "availability": "on-request"},
    ]


@needs_hub
def test_from_hf_revision_is_pinned_to_its_commit(hub, tree, capsys):
    commit = hashlib.sha1(b"v1.0").hexdigest()
    assert run(capsys, "init", "--from-hf", "acme/Tiny-LM@v1.0", str(tree))[0] == 0
    text, data = declaration(tree)
    assert {f["url"].split("@")[1].split("/")[0] for f in data["models"][0]["files"]} == {commit}
    assert hub.seen("/api/models/acme/Tiny-LM/revision/v1.0")
    assert f"files at commit {commit} (asked for 'v1.0')" in text


@pytest.mark.parametrize("tag, expected, todo", [
    ("apache-2.0", "Apache-2.0", False),
    ("llama2", "LicenseRef-scancode-llama-2-license-2023", False),
    ("openrail", "unknown", True),
    ("other", "unknown", True),
    (None, "unknown", True),
])
@needs_hub
def test_from_hf_licence_alias(hub, tree, capsys, tag, expected, todo):
    card = {"license": tag, "license_name": "acme-licence"} if tag else {}
    hub.add_model("acme/aliased", {"model.gguf": GGUF}, card)
    assert run(capsys, "init", "--from-hf", "acme/aliased", str(tree))[0] == 0
    text, data = declaration(tree)
    assert data["models"][0]["license"] == expected
    line = next(line for line in text.splitlines() if line.startswith("    license:"))
    assert ("# TODO(aimodel):" in line) is todo
    if tag == "other":
        assert "Hub licence tag 'other' (license_name: acme-licence)" in line


@needs_hub
def test_from_hf_output_passes_validate_except_the_todos(hub, tree, capsys):
    assert run(capsys, "init", "--from-hf", "acme/Tiny-LM", str(tree))[0] == 0
    text, _ = declaration(tree)
    name = f"{tree}/debian/aimodel.yaml"
    status, out, err = run(capsys, "validate", str(tree))
    assert status == 1
    todos = find_todos(text, name)
    assert len(todos) == 3
    assert out == "".join(f"aimodel: todo: {t}\n" for t in todos)
    assert out.startswith(f"aimodel: todo: {name}:")
    assert err == ("aimodel: error: 3 TODO(aimodel) comments left (listed above); settle each "
                   "and delete its comment\n")
    (tree / "debian/aimodel.yaml").write_text(without_todos(text))
    status, out, err = run(capsys, "validate", str(tree))
    assert (status, err) == (0, "")
    assert out == f"{name}: ok (2 models, packages iris-classifier-data)\n"


@needs_hub
def test_from_hf_output_is_fetchable(hub, tree, capsys):
    assert run(capsys, "init", "--from-hf", "acme/Tiny-LM", str(tree))[0] == 0
    status, out, err = run(capsys, "fetch", str(tree))
    assert (status, err) == (0, "")
    assert (tree / "models/tiny-lm/model.safetensors").read_bytes() == WEIGHTS
    assert (tree / "models/tiny-lm/tokenizer/vocab.txt").read_bytes() == b"a\nb\n"


@needs_hub
def test_from_hf_missing_repo(hub, tree, capsys):
    status, out, err = run(capsys, "init", "--from-hf", "acme/nothing", str(tree))
    assert status == 1
    assert err == (f"aimodel: error: model: {hub.url}/acme/nothing not found (or private: set "
                   "HF_TOKEN to a token that may read it)\n")
    assert not (tree / "debian/aimodel.yaml").exists()


@needs_hub
def test_from_hf_missing_revision(hub, tree, capsys):
    status, _, err = run(capsys, "init", "--from-hf", "acme/Tiny-LM@v9", str(tree))
    assert status == 1
    assert err == (f"aimodel: error: model: revision 'v9' of {hub.url}/acme/Tiny-LM not found; "
                   "accepted: a branch, tag or commit of the repository\n")


@needs_hub
def test_from_hf_missing_dataset_is_a_todo(hub, tree, capsys):
    hub.add_model("acme/orphan", {"model.gguf": GGUF},
                  {"license": "mit", "datasets": ["acme/lost"]})
    assert run(capsys, "init", "--from-hf", "acme/orphan", str(tree))[0] == 0
    text, data = declaration(tree)
    assert data["models"][0]["training"]["data"] == [
        {"name": "acme/lost", "license": "unknown", "availability": "unavailable"}]
    assert "'acme/lost' is not a data set on the Hub" in text


@needs_hub
def test_token_is_used_but_never_shown_or_written(hub, tree, capsys, monkeypatch):
    monkeypatch.setenv("HF_TOKEN", TOKEN)
    hub.add_model("acme/private", {"model.gguf": GGUF, "config.json": b"{}"},
                  {"license": "mit"}, private=True)
    status, out, err = run(capsys, "init", "--from-hf", "acme/private", str(tree))
    assert status == 0, err
    [api] = hub.seen("/api/models/acme/private")
    assert {k.lower(): v for k, v in api.headers.items()}["authorization"] == f"Bearer {TOKEN}"
    written = (tree / "debian/aimodel.yaml").read_text()
    assert TOKEN not in out + err + written
    monkeypatch.delenv("HF_TOKEN")
    status, out, err = run(capsys, "init", "--force", "--from-hf", "acme/private", str(tree))
    assert status == 1 and "not found (or private: set HF_TOKEN" in err


def test_offline(hub, tree, capsys, monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    status, _, err = run(capsys, "init", "--from-hf", "acme/Tiny-LM", str(tree))
    assert status == 1
    assert err == ("aimodel: error: aimodel init --from-hf needs the Hugging Face Hub, but "
                   "HF_HUB_OFFLINE is set; unset it, or declare the files by hand\n")
    assert hub.requests == []


@needs_hub
def test_hub_that_never_answers(hub, tree, capsys):
    hub.fault("/api/models/acme/Tiny-LM", "hang")
    status, _, err = run(capsys, "init", "--timeout", "0.3", "--from-hf", "acme/Tiny-LM",
                         str(tree))
    assert status == 1
    assert err.startswith(f"aimodel: error: model: connection to {hub.url} timed out")


def _fake_apt_cache(tmp_path, monkeypatch, knows: bool) -> None:
    """An apt-cache first on PATH that has (or lacks) python3-huggingface-hub."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    script = bin_dir / "apt-cache"
    body = ("echo 'Package: python3-huggingface-hub'; echo 'Version: 1.23.0-1'" if knows
            else "echo 'N: Unable to locate package python3-huggingface-hub' >&2; exit 100")
    script.write_text(f"#!/bin/sh\n{body}\n")
    script.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}:{os.environ['PATH']}")


@pytest.mark.parametrize("knows, advice", [
    (True, "install the Debian package python3-huggingface-hub\n"),
    (False, "and this system has no Debian package of it (python3-huggingface-hub: in sid, "
            "not in trixie or bookworm); pip install huggingface_hub in a virtual "
            "environment (python3 -m venv --system-site-packages)\n")])
def test_huggingface_hub_missing_advice_names_what_the_release_has(tree, capsys, monkeypatch,
                                                                   tmp_path, knows, advice):
    monkeypatch.setitem(sys.modules, "huggingface_hub", None)  # import fails as when absent
    _fake_apt_cache(tmp_path, monkeypatch, knows)
    status, _, err = run(capsys, "init", "--from-hf", "acme/Tiny-LM", str(tree))
    assert status == 1
    assert err.startswith("aimodel: error: huggingface_hub is not installed")
    assert err.endswith(advice) and err.count("\n") == 1


def test_bad_repo_argument(tree, capsys):
    status, _, err = run(capsys, "init", "--from-hf", "not a repo", str(tree))
    assert status == 2
    assert "is not a Hub model; accepted: ORG/NAME or ORG/NAME@REVISION" in err


# -- from the source tree -------------------------------------------------------------


def test_init_from_tree(tree, capsys):
    weights = safetensors("mit")
    (tree / "models/lm").mkdir(parents=True)
    (tree / "models/lm/model.safetensors").write_bytes(weights)
    (tree / "models/lm/README").write_text("not a model\n")
    (tree / "extra").mkdir()
    (tree / "extra/tagger.gguf").write_bytes(GGUF)
    (tree / "debian/ignored.safetensors").write_bytes(weights)
    (tree / ".git").mkdir()
    (tree / ".git/blob.gguf").write_bytes(GGUF)
    status, out, err = run(capsys, "init", str(tree))
    assert (status, err) == (0, "")
    text, data = declaration(tree)
    assert [(m["name"], m["files"], m.get("format"), m["license"]) for m in data["models"]] == [
        ("extra", [{"path": "extra/tagger.gguf", "sha256": sha(GGUF)}], "gguf", "unknown"),
        ("lm", [{"path": "models/lm/model.safetensors", "sha256": sha(weights)}],
         "safetensors", "unknown"),
    ]
    assert "the file headers: models/lm/model.safetensors says 'mit'" in text
    status, out, err = run(capsys, "validate", str(tree))
    assert status == 1 and "aimodel: todo:" in out
    # settled: a real licence, the other placeholders accepted
    settled = without_todos(text).replace("license: unknown\n    copyright", "license: MIT\n"
                                          "    copyright")
    (tree / "debian/aimodel.yaml").write_text(settled)
    assert run(capsys, "validate", str(tree))[0] == 0


def test_init_finds_nothing(tree, capsys):
    assert run(capsys, "init", str(tree))[0] == 0
    text, data = declaration(tree)
    [model] = data["models"]
    assert model["name"] == "iris-classifier"
    assert "no file of the tree looks like a model" in text


def test_never_overwrites_without_force(tree, capsys):
    (tree / "debian/aimodel.yaml").write_text("# mine\n")
    status, _, err = run(capsys, "init", str(tree))
    assert status == 1
    assert err == (f"aimodel: error: {tree}/debian/aimodel.yaml exists; not overwritten (use "
                   "--force to replace it)\n")
    assert (tree / "debian/aimodel.yaml").read_text() == "# mine\n"
    assert run(capsys, "init", "--force", str(tree))[0] == 0
    assert (tree / "debian/aimodel.yaml").read_text().startswith("# debian/aimodel.yaml")


def test_needs_a_debian_directory(tmp_path, capsys):
    status, _, err = run(capsys, "init", str(tmp_path))
    assert status == 2 and "run aimodel init in a Debian source tree" in err


# -- the formats of game, speech and codec packages ------------------------------------

NNUE = (struct.pack("<III", 0x7AF32F20, 0x1C1020F2, 11) + b"Features=HK"
        + struct.pack("<I", 0x5F234CB8) + bytes(64))
GNUBG_WEIGHTS = b"GNU Backgammon 1.00\n250 128 5 contact 0.100000 1.000000\n  0.1234567\n"
S3 = b"s3\nversion 1.0\nchksum0 yes\nendhdr\n" + struct.pack("<I", 0x11223344) + bytes(32)
ARPA_LM = (b"Language model created by QuickLM on Wed Aug  4 14:21:56 EDT 1999\n\n"
           b"\\data\\\nngram 1=2\n\n\\1-grams:\n-0.3 <s> 0.0\n-0.3 </s> 0.0\n\n\\end\\\n")


def opus_style_weights(count: int = 12_000) -> bytes:
    values = ",".join(str((i * 37) % 256 - 128) for i in range(count))
    return (b"/* Auto generated from checkpoint plc.pth */\n#include \"nnet.h\"\n"
            b"static const opus_int8 plc_dense_weights_int8[12000] = {\n"
            + values.encode() + b"\n};\n")


def test_init_declares_game_speech_and_codec_models(tree, capsys):
    files = {
        "src/nn-1111cefa1111.nnue": NNUE,
        "gnubg.weights": GNUBG_WEIGHTS,
        "model/en-us/en-us/means": S3, "model/en-us/en-us/variances": S3,
        "model/en-us/en-us/transition_matrices": S3,
        "model/en-us/en-us/mdef": b"0.3\n42 n_base\n137053 n_tri\n",
        "model/en-us/en-us/feat.params": b"-lowerf 130\n-upperf 6800\n",
        "model/en-us/en-us/noisedict": b"<s> SIL\n</s> SIL\n",
        "model/en-us/en-us/README": b"A generic US English acoustic model.\n",
        "lm/turtle.lm": ARPA_LM,
        "dnn/plc_data.c": opus_style_weights(),
        "dnn/nnet.c": b"static const int small[4] = {1, -2, 3, 4};\n" * 2000,
        "doc/gnubg.txt": b"GNU Backgammon is a program for playing backgammon.\n",
    }
    for rel, data in files.items():
        (tree / rel).parent.mkdir(parents=True, exist_ok=True)
        (tree / rel).write_bytes(data)
    status, out, err = run(capsys, "init", str(tree))
    assert (status, err) == (0, "")
    text, data = declaration(tree)
    by_name = {m["name"]: m for m in data["models"]}
    assert {n: (m.get("format"), [f["path"] for f in m["files"]])
            for n, m in by_name.items()} == {
        "src": ("nnue", ["src/nn-1111cefa1111.nnue"]),
        "iris-classifier": ("gnubg-weights", ["gnubg.weights"]),
        "en-us": ("sphinx-acoustic", [f"model/en-us/en-us/{n}" for n in (
            "feat.params", "mdef", "means", "noisedict", "transition_matrices",
            "variances")]),
        "lm": ("arpa-lm", ["lm/turtle.lm"]),
        "plc_data": ("c-array", ["dnn/plc_data.c"]),
    }
    assert by_name["en-us"]["files"][0] == {"path": "model/en-us/en-us/feat.params",
                                            "sha256": sha(files["model/en-us/en-us/feat.params"])}
    assert "feat.params  # part of the sphinx-acoustic model in model/en-us/en-us/" in text
    compiled = by_name["plc_data"]
    assert (compiled["delivery"], compiled["installed"]) == ("compiled", ["usr/lib/*/lib*.so.*"])
    assert "plc_data.c  # 12000 values in 1 array: plc_dense_weights_int8\n" in text
    assert ("TODO(aimodel): the weights are compiled into a file of binary package "
            "iris-classifier-data: write the path") in text
    assert all("delivery" not in m for n, m in by_name.items() if n != "plc_data")
    # settled: licences and the installed path; the other placeholders accepted
    settled = without_todos(text).replace("license: unknown\n", "license: MIT\n")
    (tree / "debian/aimodel.yaml").write_text(settled)
    status, out, err = run(capsys, "validate", str(tree))
    assert (status, err) == (0, ""), out
