"""aimodel lint on hostile input: reported, never executed, no traceback."""

from __future__ import annotations

import struct
import zipfile
from pathlib import Path

import pytest
from lintkit import deb, file_member, link_member, model_yaml, safetensors, sha, tree
from test_lint import evil_pickle, torch_zip

from dh_aimodel.cli import main
from dh_aimodel.lint import lint


def found(path: Path, **kw) -> set[tuple[str, str]]:
    return {(r.diagnostic.tag, r.diagnostic.context) for r in lint(path, **kw)}


def one_model(tmp_path: Path, name: str, data: bytes, fmt: str = "safetensors") -> Path:
    return tree(tmp_path, {f"models/{name}": data}, model_yaml(f"models/{name}", sha(data), fmt=fmt))


def test_truncated_gguf(tmp_path):
    data = b"GGUF" + struct.pack("<IQQ", 3, 1, 5) + struct.pack("<Q", 2**40)
    assert ("aimodel-malformed-model-file", "truncated [models/m.gguf]") in \
        found(one_model(tmp_path, "m.gguf", data, "gguf"))


def test_safetensors_header_length_2_63(tmp_path):
    data = struct.pack("<Q", 2**63) + b'{"a": 1}'
    tags = {t for t, _ in found(one_model(tmp_path, "m.safetensors", data))}
    assert "aimodel-malformed-model-file" in tags


def test_deeply_nested_pickle(tmp_path):
    data = b"\x80\x02" + b"(" * 100_000 + b"." 
    tags = found(one_model(tmp_path, "m.pkl", data, "pytorch-pickle"))
    assert any(t == "aimodel-malformed-model-file" for t, _ in tags), tags


def test_pickle_calling_os_system_is_reported_not_run(tmp_path, capsys):
    marker = tmp_path / "PWNED"
    one_model(tmp_path, "m.pkl", evil_pickle(marker), "pytorch-pickle")
    assert main(["lint", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert "E: demo source: aimodel-pickle-unsafe-global os.system [models/m.pkl]" in out
    assert not marker.exists()


def test_zip_bomb_inside_pytorch_zip(tmp_path):
    data = torch_zip({"archive/data/0": b"\0" * (20 * 1024 * 1024)}, compress=zipfile.ZIP_DEFLATED)
    assert len(data) < 200_000
    assert ("aimodel-malformed-model-file", "zip-bomb [models/m.pt]") in \
        found(one_model(tmp_path, "m.pt", data, "pytorch-zip"))


def test_unsafe_global_inside_pytorch_zip_in_a_deb(tmp_path):
    marker = tmp_path / "PWNED"
    d = deb(tmp_path / "d.deb", {"usr/share/demo/m.pt": torch_zip(data_pkl=evil_pickle(marker))})
    assert ("aimodel-pickle-unsafe-global", "os.system [usr/share/demo/m.pt]") in found(d)
    assert not marker.exists()


def test_deb_path_traversal_and_links(tmp_path, capsys):
    d = deb(tmp_path / "d.deb", {"usr/share/demo/README": b"x"}, extra=[
        file_member("../../../tmp/evil", b"x"),
        file_member("/etc/cron.d/evil", b"x"),
        link_member("./usr/share/demo/up", "../../../../etc/shadow"),
        link_member("./usr/share/demo/abs", "/usr/share/common-licenses/GPL-3"),
        link_member("./usr/share/demo/hard", "../../../etc/passwd", hard=True),
    ])
    assert main(["lint", str(d)]) == 1
    out = capsys.readouterr().out
    assert "aimodel-unsafe-archive-member path climbs out with .. [../../../tmp/evil]" in out
    assert "aimodel-unsafe-archive-member absolute path [/etc/cron.d/evil]" in out
    assert ("aimodel-unsafe-archive-member symbolic link to ../../../../etc/shadow "
            "[usr/share/demo/up]") in out
    assert "hard link to ../../../etc/passwd [usr/share/demo/hard]" in out
    assert "usr/share/demo/abs" not in out
    assert not (tmp_path.parent / "evil").exists()


@pytest.mark.parametrize("data", [b"", b"\x80", b"GGUF", b"PK\x03\x04" + b"\0" * 40,
                                  struct.pack("<Q", 10) + b"{"])
def test_garbage_model_files_never_raise(tmp_path, data):
    tree(tmp_path, {"models/m.safetensors": data, "models/m.pt": data, "models/m.onnx": data},
         model_yaml("models/*", None))
    lint(tmp_path, pedantic=True)


def test_truncated_deb_is_an_error(tmp_path, capsys):
    good = deb(tmp_path / "g.deb", {"usr/share/demo/m.safetensors": safetensors()})
    bad = tmp_path / "t.deb"
    bad.write_bytes(good.read_bytes()[:200])
    assert main(["lint", str(bad)]) == 1
    assert "Traceback" not in capsys.readouterr().err

