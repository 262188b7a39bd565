"""``aimodel fetch`` against a real HTTP server on 127.0.0.1 (tests/hubfake.py).

Nothing is mocked: requests and huggingface_hub talk to the server over
TCP; faults (5xx, cut connections, hangs, redirects, servers that ignore
Range) are injected by the server itself.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import needs_hub
from hubfake import FakeHub

from dh_aimodel.cli import main

ROOT = Path(__file__).resolve().parents[2]
CONTROL = ROOT / "examples/free-model/debian/control"
DATA = bytes(range(256)) * 400  # 102400 bytes
TOKEN = "hf_TESTtokenMUSTneverLEAK0123456789"


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@pytest.fixture
def hub(monkeypatch):
    for var in ("HF_TOKEN", "HUGGING_FACE_HUB_TOKEN", "HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE",
                "AIMODEL_TIMEOUT", "CI"):
        monkeypatch.delenv(var, raising=False)
    with FakeHub() as server:
        monkeypatch.setenv("HF_ENDPOINT", server.url)
        yield server
    assert server.errors == []


def make_tree(tmp_path: Path, files: list[dict[str, str]]) -> Path:
    """A source tree declaring one downloaded model with ``files``."""
    tree = tmp_path / "src"
    (tree / "debian").mkdir(parents=True)
    shutil.copy(CONTROL, tree / "debian/control")
    entries = "".join("      - " + "\n        ".join(f"{k}: {v}" for k, v in f.items()) + "\n"
                      for f in files)
    (tree / "debian/aimodel.yaml").write_text(
        "format: 1\nmodels:\n  - name: m\n    delivery: downloaded\n    files:\n"
        + entries + "    license: MIT\n    copyright: 2024 Someone\n")
    return tree


def run(capsys, *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def test_make_tree_is_a_valid_declaration(tmp_path, capsys):
    tree = make_tree(tmp_path, [{"path": "a.bin", "url": "https://example.org/a",
                                 "sha256": sha(b"")}])
    assert run(capsys, "validate", str(tree))[0] == 0


def test_download_then_present(hub, tmp_path, capsys):
    url = hub.add_file("a.bin", DATA)
    tree = make_tree(tmp_path, [{"path": "models/a.bin", "url": url, "sha256": sha(DATA)}])
    status, out, err = run(capsys, "fetch", str(tree))
    assert (status, err) == (0, "")
    assert out == f"models/a.bin: downloaded, {len(DATA)} bytes, sha256 ok\n"
    assert (tree / "models/a.bin").read_bytes() == DATA
    assert not (tree / "models/a.bin.part").exists()
    status, out, _ = run(capsys, "fetch", str(tree))
    assert (status, out) == (0, "models/a.bin: present, sha256 ok\n")
    assert len(hub.seen("/files/a.bin")) == 1


@needs_hub
def test_hf_url_redirect_and_token_never_shown(hub, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("HF_TOKEN", TOKEN)
    repo = hub.add_model("acme/tiny", {"model.safetensors": DATA, "config.json": b"{}"})
    tree = make_tree(tmp_path, [
        {"path": "m/model.safetensors", "url": f"hf://acme/tiny@{repo.sha}/model.safetensors",
         "sha256": sha(DATA)},
        {"path": "m/config.json", "url": f"hf://acme/tiny@{repo.sha}/config.json",
         "sha256": sha(b"{}")},
    ])
    status, out, err = run(capsys, "fetch", "--jobs", "2", str(tree))
    assert (status, err) == (0, "")
    assert (tree / "m/model.safetensors").read_bytes() == DATA
    assert (tree / "m/config.json").read_bytes() == b"{}"
    # the LFS file went through the Hub's redirect to the CDN route
    [resolve] = hub.seen(f"/acme/tiny/resolve/{repo.sha}/model.safetensors")
    assert {k.lower(): v for k, v in resolve.headers.items()}["authorization"] == f"Bearer {TOKEN}"
    assert len(hub.seen(f"/cdn/{sha(DATA)}")) == 1
    assert TOKEN not in out + err


def test_plain_redirect_is_followed(hub, tmp_path, capsys):
    url = hub.add_file("r.bin", DATA)
    hub.fault("/files/r.bin", "redirect")
    tree = make_tree(tmp_path, [{"path": "r.bin", "url": url, "sha256": sha(DATA)}])
    assert run(capsys, "fetch", str(tree))[0] == 0
    assert len(hub.seen("/files/r.bin")) == 2
    assert (tree / "r.bin").read_bytes() == DATA


def test_500_then_success_is_retried(hub, tmp_path, capsys):
    url = hub.add_file("a.bin", DATA)
    hub.fault("/files/a.bin", "500", "503")
    tree = make_tree(tmp_path, [{"path": "a.bin", "url": url, "sha256": sha(DATA)}])
    status, out, err = run(capsys, "fetch", str(tree))
    assert (status, err) == (0, "")
    assert len(hub.seen("/files/a.bin")) == 3
    assert (tree / "a.bin").read_bytes() == DATA


def test_5xx_gives_up_after_the_retries(hub, tmp_path, capsys):
    url = hub.add_file("a.bin", DATA)
    hub.fault("/files/a.bin", "500", "500")
    tree = make_tree(tmp_path, [{"path": "a.bin", "url": url, "sha256": sha(DATA)}])
    status, out, err = run(capsys, "fetch", "--retries", "1", str(tree))
    assert status == 1
    assert err == (f"aimodel: error: {tree}/debian/aimodel.yaml:6:9: a.bin: {hub.url}/files/a.bin: "
                   "HTTP 500 Internal Server Error; gave up after 2 attempts\n")
    assert not (tree / "a.bin").exists()


def test_cut_connection_is_resumed_with_range(hub, tmp_path, capsys):
    url = hub.add_file("a.bin", DATA)
    hub.fault("/files/a.bin", ("cut", 30000))
    tree = make_tree(tmp_path, [{"path": "a.bin", "url": url, "sha256": sha(DATA)}])
    status, out, err = run(capsys, "fetch", str(tree))
    assert (status, err) == (0, "")
    first, second = hub.seen("/files/a.bin")
    assert "Range" not in first.headers
    assert second.headers["Range"] == "bytes=30000-"
    assert (tree / "a.bin").read_bytes() == DATA


def test_partial_file_is_kept_and_resumed_by_the_next_run(hub, tmp_path, capsys):
    url = hub.add_file("a.bin", DATA)
    hub.fault("/files/a.bin", ("cut", 4096))
    tree = make_tree(tmp_path, [{"path": "a.bin", "url": url, "sha256": sha(DATA)}])
    status, _, err = run(capsys, "fetch", "--retries", "0", str(tree))
    # urllib3 2 sees the cut (IncompleteRead); under urllib3 1.x (Debian 12) the
    # length check after the read does.
    assert status == 1 and re.search(r"connection (broken|closed) after 4096 of 102400 bytes"
                                     r"( \(IncompleteRead\))?;", err)
    assert not (tree / "a.bin").exists()
    assert (tree / "a.bin.part").read_bytes() == DATA[:4096]
    assert run(capsys, "fetch", str(tree))[0] == 0
    assert hub.seen("/files/a.bin")[-1].headers["Range"] == "bytes=4096-"
    assert (tree / "a.bin").read_bytes() == DATA
    assert not (tree / "a.bin.part").exists()


def test_server_ignoring_range_restarts_from_zero(hub, tmp_path, capsys):
    url = hub.add_file("a.bin", DATA)
    tree = make_tree(tmp_path, [{"path": "a.bin", "url": url, "sha256": sha(DATA)}])
    (tree / "a.bin.part").write_bytes(DATA[:5000])
    hub.fault("/files/a.bin", "ignore-range")
    assert run(capsys, "fetch", str(tree))[0] == 0
    assert (tree / "a.bin").read_bytes() == DATA


def test_stale_partial_file_is_discarded_once(hub, tmp_path, capsys):
    url = hub.add_file("a.bin", DATA)
    tree = make_tree(tmp_path, [{"path": "a.bin", "url": url, "sha256": sha(DATA)}])
    (tree / "a.bin.part").write_bytes(b"x" * 5000)  # from another version of the file
    assert run(capsys, "fetch", str(tree))[0] == 0
    assert (tree / "a.bin").read_bytes() == DATA


@pytest.mark.parametrize("fadvise", ["present", "missing"])
def test_writeback_is_started_step_by_step_from_the_resume_point(hub, tmp_path, capsys,
                                                                 monkeypatch, fadvise):
    """Disk writes start every step from where each attempt begins, and change no byte.

    Each request covers at least one new step and the step before it (whose
    pages are dropped once written).  Without posix_fadvise (macOS) the
    download is the same, only its final fsync slower.
    """
    from dh_aimodel.hub import partfile

    step, resumed_at = 8192, 30001
    monkeypatch.setattr(partfile, "WRITEBACK_STEP", step)
    ranges: list[tuple[int, int]] = []
    if fadvise == "missing":
        monkeypatch.delattr(os, "posix_fadvise")
    else:
        real = os.posix_fadvise

        def record(fd: int, offset: int, length: int, advice: int) -> None:
            if advice == os.POSIX_FADV_DONTNEED:
                ranges.append((offset, offset + length))
            real(fd, offset, length, advice)

        monkeypatch.setattr(os, "posix_fadvise", record)
    url = hub.add_file("a.bin", DATA)
    hub.fault("/files/a.bin", ("cut", resumed_at))
    tree = make_tree(tmp_path, [{"path": "a.bin", "url": url, "sha256": sha(DATA)}])
    assert run(capsys, "fetch", str(tree))[0] == 0
    assert hub.seen("/files/a.bin")[-1].headers["Range"] == f"bytes={resumed_at}-"
    assert (tree / "a.bin").read_bytes() == DATA
    if fadvise == "present":
        first = [r for r in ranges if r[1] <= resumed_at]
        second = [r for r in ranges if r[1] > resumed_at]
        assert first and second and ranges == first + second
        for mark, attempt in ((0, first), (resumed_at, second)):
            for start, end in attempt:
                assert start == max(0, mark - step)
                assert end - mark >= step
                mark = end
        assert second[-1][1] > len(DATA) - step


def test_wrong_checksum_keeps_nothing(hub, tmp_path, capsys):
    url = hub.add_file("a.bin", DATA)
    declared = sha(b"something else")
    tree = make_tree(tmp_path, [{"path": "a.bin", "url": url, "sha256": declared}])
    status, out, err = run(capsys, "fetch", str(tree))
    assert status == 1
    assert err == (f"aimodel: error: {tree}/debian/aimodel.yaml:6:9: a.bin: sha256 mismatch: "
                   f"downloaded {sha(DATA)}, declared {declared}; nothing kept (is the url or "
                   "the checksum out of date?)\n")
    assert sorted(p.name for p in tree.iterdir()) == ["debian"]


def test_server_that_never_answers_times_out(hub, tmp_path, capsys):
    url = hub.add_file("a.bin", DATA)
    hub.fault("/files/a.bin", "hang")
    tree = make_tree(tmp_path, [{"path": "a.bin", "url": url, "sha256": sha(DATA)}])
    start = time.monotonic()
    status, out, err = run(capsys, "fetch", "--timeout", "0.3", "--retries", "0", str(tree))
    assert time.monotonic() - start < 5
    assert status == 1
    assert err.endswith(f"a.bin: no answer from {hub.url}/files/a.bin within 0.3 s "
                        "(--timeout, AIMODEL_TIMEOUT); gave up after 1 attempt\n")
    assert not (tree / "a.bin").exists()


def test_timeout_from_environment(hub, tmp_path, capsys, monkeypatch):
    url = hub.add_file("a.bin", DATA)
    hub.fault("/files/a.bin", "hang")
    monkeypatch.setenv("AIMODEL_TIMEOUT", "0.2")
    tree = make_tree(tmp_path, [{"path": "a.bin", "url": url, "sha256": sha(DATA)}])
    status, _, err = run(capsys, "fetch", "--retries", "0", str(tree))
    assert status == 1 and "within 0.2 s" in err


def test_not_found_is_not_retried(hub, tmp_path, capsys):
    tree = make_tree(tmp_path, [{"path": "a.bin", "url": f"{hub.url}/files/nope",
                                 "sha256": sha(DATA)}])
    status, _, err = run(capsys, "fetch", str(tree))
    assert status == 1
    assert err.endswith(f"a.bin: {hub.url}/files/nope: HTTP 404 Not Found; check the url (and "
                        "for hf:// the revision and path)\n")
    assert len(hub.seen("/files/nope")) == 1


def test_existing_different_file_needs_force(hub, tmp_path, capsys):
    url = hub.add_file("a.bin", DATA)
    tree = make_tree(tmp_path, [{"path": "a.bin", "url": url, "sha256": sha(DATA)}])
    (tree / "a.bin").write_bytes(b"local edit")
    status, _, err = run(capsys, "fetch", str(tree))
    assert status == 1
    assert err.endswith(f"a.bin: exists but its sha256 is {sha(b'local edit')}, not the "
                        f"declared {sha(DATA)}; kept as it is (--force replaces it)\n")
    assert (tree / "a.bin").read_bytes() == b"local edit"
    assert run(capsys, "fetch", "--force", str(tree))[0] == 0
    assert (tree / "a.bin").read_bytes() == DATA


def test_url_without_sha256_needs_force(hub, tmp_path, capsys):
    url = hub.add_file("a.bin", DATA)
    tree = make_tree(tmp_path, [{"path": "a.bin", "url": url}])
    status, _, err = run(capsys, "fetch", str(tree))
    assert status == 1
    assert err == (f"aimodel: error: {tree}/debian/aimodel.yaml:6:9: model 'm': a.bin: url "
                   "without sha256, so the download cannot be verified; add sha256, or use "
                   "--force to download it unverified\n")
    assert hub.seen("/files/a.bin") == []
    status, out, _ = run(capsys, "fetch", "--force", str(tree))
    assert status == 0 and "NOT verified" in out


def test_hf_url_offline(hub, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    tree = make_tree(tmp_path, [{"path": "a.bin", "url": "hf://acme/tiny@main/a.bin",
                                 "sha256": sha(DATA)}])
    status, _, err = run(capsys, "fetch", str(tree))
    assert status == 1 and "HF_HUB_OFFLINE is set" in err
    assert hub.requests == []


def test_parallel_downloads_report_every_failure(hub, tmp_path, capsys):
    files = []
    for i in range(6):
        url = hub.add_file(f"f{i}", DATA[i:])
        files.append({"path": f"d/f{i}", "url": url, "sha256": sha(DATA[i:] if i != 3 else b"")})
    tree = make_tree(tmp_path, files)
    status, out, err = run(capsys, "fetch", "-j", "4", str(tree))
    assert status == 1
    assert err.count("aimodel: error:") == 1 and "d/f3: sha256 mismatch" in err
    assert sorted(p.name for p in (tree / "d").iterdir()) == ["f0", "f1", "f2", "f4", "f5"]


def test_ctrl_c_exits_130_without_a_final_file(hub, tmp_path):
    url = hub.add_file("a.bin", DATA)
    hub.fault("/files/a.bin", "hang")
    tree = make_tree(tmp_path, [{"path": "a.bin", "url": url, "sha256": sha(DATA)}])
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-m", "dh_aimodel", "fetch", str(tree)],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 10
    while not hub.seen("/files/a.bin") and time.monotonic() < deadline:
        time.sleep(0.02)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=10)
    assert proc.returncode == 130, err
    assert err == "aimodel: interrupted\n"
    assert not (tree / "a.bin").exists()
