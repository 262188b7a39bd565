"""``aimodel survey --packages INDEX --mirror PATH|URL``: a local mirror, and a real
HTTP server on 127.0.0.1 serving the pool, downloads verified by the index's SHA256."""

from __future__ import annotations

import functools
import http.server
import json
import lzma
import threading
from pathlib import Path

import pytest
from surveykit import model_debs, packages_index, sha256

from dh_aimodel.cli import main


def survey(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    rc = main(["survey", *args])
    out, err = capsys.readouterr()
    return rc, out, err


@pytest.fixture
def mirror(tmp_path: Path) -> tuple[Path, dict[str, Path]]:
    """A mirror root with the three test packages under pool/main/d/."""
    debs = model_debs(tmp_path / "mirror/pool/main/d")
    return tmp_path / "mirror", debs


class _Counting(http.server.SimpleHTTPRequestHandler):
    requests: list[str]

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base's name
        type(self).requests.append(self.path)


@pytest.fixture
def server(mirror):
    """An HTTP server on 127.0.0.1 serving the mirror; yields (base URL, requests seen)."""
    handler = type("Handler", (_Counting,), {"requests": []})
    httpd = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(handler, directory=str(mirror[0])))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", handler.requests
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join()


def _json(path: Path) -> dict:
    return json.loads(path.read_text())


def test_a_local_mirror_and_an_xz_index(tmp_path, capsys, mirror):
    root, debs = mirror
    index = tmp_path / "Packages.xz"
    index.write_bytes(lzma.compress(packages_index(list(debs.values()), root).encode()))
    rc, _, err = survey(capsys, "--db", str(tmp_path / "s.db"), "--packages", str(index),
                        "--mirror", str(root), "--json", str(tmp_path / "s.json"))
    assert rc == 0, err
    got = {r["package"]: r for r in _json(tmp_path / "s.json")["packages"]}
    assert sorted(got) == sorted(debs)
    assert got["demo-weights"]["sha256"] == sha256(debs["demo-weights"])


def test_a_local_mirror_file_that_differs_from_the_index_is_refused(tmp_path, capsys, mirror):
    root, debs = mirror
    index = tmp_path / "Packages"
    index.write_text(packages_index(list(debs.values()), root, {"demo-gguf": "ab" * 32}))
    rc, out, _ = survey(capsys, "--db", str(tmp_path / "s.db"), "--packages", str(index),
                        "--mirror", str(root))
    assert rc == 1
    assert (f"{debs['demo-gguf']}:1:1: sha256 mismatch: the file has {sha256(debs['demo-gguf'])}"
            f", the Packages index says {'ab' * 32}; not surveyed") in out
    assert "2 packages, 1 with models, 1 failed" in out


def test_a_mirror_url_downloads_verified_debs_once(tmp_path, capsys, mirror, server):
    root, debs = mirror
    url, requests = server
    index = tmp_path / "Packages"
    index.write_text(packages_index(list(debs.values()), root))
    cache = tmp_path / "cache"
    args = ("--db", str(tmp_path / "s.db"), "--packages", str(index), "--mirror", url + "/",
            "--cache", str(cache), "--json", str(tmp_path / "s.json"))
    rc, _, err = survey(capsys, *args)
    assert rc == 0, err
    assert sorted(requests) == sorted(f"/pool/main/d/{d.name}" for d in debs.values())
    cached = cache / "pool/main/d" / debs["demo-weights"].name
    assert cached.read_bytes() == debs["demo-weights"].read_bytes()
    got = {r["package"]: r for r in _json(tmp_path / "s.json")["packages"]}
    assert got["demo-weights"]["path"] == str(cached)
    assert [m["format"] for m in got["demo-weights"]["models"]] == ["safetensors"]
    # Resumed by the index's sha256: nothing downloaded, nothing read, even without the cache.
    for path in cache.rglob("*.deb"):
        path.unlink()
    rc, _, err = survey(capsys, *args)
    assert rc == 0, err
    assert "3 packages: 3 already surveyed, 0 surveyed now, 0 failed" in err
    assert len(requests) == 3


def test_a_download_with_the_wrong_sha256_is_refused(tmp_path, capsys, mirror, server):
    root, debs = mirror
    url, _ = server
    index = tmp_path / "Packages"
    index.write_text(packages_index(list(debs.values()), root, {"demo-plain": "cd" * 32}))
    cache = tmp_path / "cache"
    rc, out, err = survey(capsys, "--db", str(tmp_path / "s.db"), "--packages", str(index),
                          "--mirror", url, "--cache", str(cache),
                          "--json", str(tmp_path / "s.json"))
    assert rc == 1
    failed = _json(tmp_path / "s.json")["failed"]
    assert [f["sha256"] for f in failed] == ["cd" * 32]
    assert "sha256 mismatch" in failed[0]["message"]
    assert not list(cache.rglob(debs["demo-plain"].name + "*"))  # nothing kept, not even .part
    assert sorted(r["package"] for r in _json(tmp_path / "s.json")["packages"]) == [
        "demo-gguf", "demo-weights"]


@pytest.mark.parametrize("filename", ["../../etc/passwd.deb", "/abs/x.deb", "pool/x.tar"])
def test_an_index_whose_filename_leaves_the_mirror_is_refused(tmp_path, capsys, filename):
    index = tmp_path / "Packages"
    index.write_text(f"Package: evil\nVersion: 1\nFilename: {filename}\nSize: 10\n"
                     f"SHA256: {'0' * 64}\n")
    rc, _, err = survey(capsys, "--db", str(tmp_path / "s.db"), "--packages", str(index),
                        "--mirror", str(tmp_path))
    assert rc == 1
    assert f"stanza 1 (Package: evil): Filename '{filename}' is not a .deb inside the mirror" \
        in err
    assert not (tmp_path / "s.db").exists()


def test_an_index_stanza_without_sha256_is_refused(tmp_path, capsys):
    index = tmp_path / "Packages"
    index.write_text("Package: a\nFilename: pool/a.deb\nSize: 10\n")
    rc, _, err = survey(capsys, "--db", str(tmp_path / "s.db"), "--packages", str(index),
                        "--mirror", str(tmp_path))
    assert rc == 1
    assert "stanza 1 (Package: a): no valid SHA256 and Size; the .deb cannot be verified" in err
