"""A real HTTP server on 127.0.0.1 that answers like the Hugging Face Hub.

It serves the routes huggingface_hub 2.x calls (read from its source:
``hf_api.HfApi.model_info``/``dataset_info`` and ``file_download``):

* ``GET /api/models/{org}/{name}[/revision/{rev}][?blobs=true]``: ``id``,
  ``sha``, ``cardData``, ``siblings`` (with ``size``, ``blobId`` and, for LFS
  files, ``lfs: {size, sha256, pointerSize}`` when ``blobs`` is asked),
  ``gated``, ``private``, ``library_name``, ``pipeline_tag``;
* ``GET /api/datasets/{org}/{name}[/revision/{rev}]`` likewise;
* ``HEAD|GET /[datasets/]{org}/{name}/resolve/{rev}/{path}``: files kept in
  git are answered directly with ``ETag`` (the git blob id) and
  ``X-Repo-Commit``; LFS files redirect (302) to ``/cdn/{sha256}`` with
  ``X-Linked-Etag``, ``X-Linked-Size`` and ``X-Repo-Commit``, as the Hub
  redirects to its CDN;
* errors the way ``hf_raise_for_status`` reads them: a missing repo is
  ``401`` with ``X-Error-Code: RepoNotFound``, a missing revision ``404``
  with ``RevisionNotFound``, a missing file ``404`` with ``EntryNotFound``;
* plain files under ``/files/{name}`` (bytes or a file on disk, sent with
  ``sendfile``), honouring ``Range``.

Faults are queued per URL path and used up one per request: ``"500"``,
``"503"``, ``("cut", n)`` (announce the whole length, send ``n`` bytes, close
the connection), ``("stall", n)`` (announce the whole length, send ``n``
bytes, then send nothing more until the server stops), ``"hang"`` (accept
and never answer, until the server stops), ``"ignore-range"`` (answer 200 with everything), ``"redirect"`` (one
extra 302 hop to the same path).  Every request is recorded (method, path,
headers) for the tests to inspect.
"""

from __future__ import annotations

import hashlib
import json
import os
import socket
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

LFS_EXTENSIONS = (".safetensors", ".bin", ".gguf", ".onnx", ".pt", ".pth", ".h5", ".tflite")


def git_blob_id(data: bytes) -> str:
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


@dataclass
class Repo:
    repo_id: str
    sha: str
    files: dict[str, bytes]
    card: dict[str, Any]
    branches: dict[str, str]
    lfs: set[str]
    gated: Any = False
    private: bool = False
    library_name: str | None = None
    pipeline_tag: str | None = None


@dataclass
class Record:
    method: str
    path: str
    headers: dict[str, str]


@dataclass
class FakeHub:
    """Start with ``with FakeHub() as hub:``; ``hub.url`` is the endpoint."""

    models: dict[str, Repo] = field(default_factory=dict)
    datasets: dict[str, Repo] = field(default_factory=dict)
    blobs: dict[str, bytes | Path] = field(default_factory=dict)
    faults: dict[str, list[Any]] = field(default_factory=dict)
    requests: list[Record] = field(default_factory=list)
    #: Exceptions of request handlers other than clients going away.
    errors: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- content ------------------------------------------------------------

    @staticmethod
    def _sha(repo_id: str, salt: str = "") -> str:
        return hashlib.sha1(f"{repo_id}{salt}".encode()).hexdigest()

    def add_model(self, repo_id: str, files: dict[str, bytes], card: dict[str, Any] | None = None,
                  *, gated: Any = False, private: bool = False, library_name: str | None = None,
                  pipeline_tag: str | None = None, tags: dict[str, str] | None = None,
                  lfs: set[str] | None = None) -> Repo:
        sha = self._sha(repo_id)
        repo = Repo(repo_id, sha, dict(files), dict(card or {}),
                    {"main": sha, **(tags or {})},
                    lfs if lfs is not None else {p for p in files if p.endswith(LFS_EXTENSIONS)},
                    gated, private, library_name, pipeline_tag)
        self.models[repo_id] = repo
        for path in repo.lfs:
            self.blobs[hashlib.sha256(files[path]).hexdigest()] = files[path]
        return repo

    def add_dataset(self, repo_id: str, card: dict[str, Any] | None = None, *,
                    gated: Any = False, private: bool = False) -> Repo:
        sha = self._sha(repo_id)
        repo = Repo(repo_id, sha, {}, dict(card or {}), {"main": sha}, set(), gated, private)
        self.datasets[repo_id] = repo
        return repo

    def add_file(self, name: str, data: bytes | Path) -> str:
        """Serve ``data`` at ``/files/{name}``; returns its URL."""
        self.blobs["files/" + name] = data
        return f"{self.url}/files/{name}"

    def fault(self, path: str, *faults: Any) -> None:
        with self._lock:
            self.faults.setdefault(path, []).extend(faults)

    def _next_fault(self, path: str) -> Any:
        with self._lock:
            queued = self.faults.get(path)
            return queued.pop(0) if queued else None

    def seen(self, path: str) -> list[Record]:
        with self._lock:
            return [r for r in self.requests if r.path == path]

    # -- server -------------------------------------------------------------

    @property
    def url(self) -> str:
        assert self._server is not None, "start the server first"
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> "FakeHub":
        hub = self

        class Handler(_Handler):
            fake = hub

        self._server = _Server(("127.0.0.1", 0), Handler)
        self._server.errors = self.errors
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(5)

    def __enter__(self) -> "FakeHub":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


class _Server(ThreadingHTTPServer):
    errors: list[str]

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Clients closing their end (timeouts, Ctrl-C, cut tests) are expected."""
        import sys
        import traceback

        exc = sys.exc_info()[1]
        if isinstance(exc, (ConnectionError, TimeoutError)):
            return
        self.errors.append("".join(traceback.format_exc()))


def _siblings(repo: Repo, blobs: bool) -> list[dict[str, Any]]:
    out = []
    for path, data in sorted(repo.files.items()):
        entry: dict[str, Any] = {"rfilename": path}
        if blobs:
            entry["size"] = len(data)
            entry["blobId"] = git_blob_id(data)
            if path in repo.lfs:
                entry["lfs"] = {"size": len(data), "sha256": hashlib.sha256(data).hexdigest(),
                                "pointerSize": 134}
        out.append(entry)
    return out


class _Handler(BaseHTTPRequestHandler):
    fake: FakeHub
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - quiet tests
        pass

    # -- helpers ------------------------------------------------------------

    def _json(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def _error(self, status: int, code: str, message: str) -> None:
        self._json(status, {"error": message},
                   {"X-Error-Code": code, "X-Error-Message": message})

    def _redirect(self, location: str, headers: dict[str, str] | None = None) -> None:
        self.send_response(302)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()

    def _send_bytes(self, data: bytes | Path, headers: dict[str, str], fault: Any) -> None:
        size = data.stat().st_size if isinstance(data, Path) else len(data)
        start, end, status = 0, size - 1, 200
        wanted = self.headers.get("Range")
        if wanted and fault != "ignore-range" and wanted.startswith("bytes="):
            first, _, last = wanted[6:].partition("-")
            start = int(first or 0)
            end = int(last) if last else size - 1
            if start >= size:
                self.send_response(416)
                self.send_header("Content-Range", f"bytes */{size}")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            status = 206
        length = end - start + 1
        self.send_response(status)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(length))
        self.send_header("Accept-Ranges", "bytes")
        if status == 206:
            self.send_header("Content-Range", f"bytes {start}-{end}/{size}")
        for k, v in headers.items():
            self.send_header(k, v)
        self.end_headers()
        if self.command == "HEAD":
            return
        count = length
        if isinstance(fault, tuple) and fault[0] in ("cut", "stall"):
            count = min(int(fault[1]), length)
        if isinstance(data, Path):
            with open(data, "rb") as fh:
                self.wfile.flush()
                self.connection.sendfile(fh, start, count)
        else:
            self.wfile.write(data[start:start + count])
        if count < length:
            self.wfile.flush()
            if fault[0] == "stall":
                self.fake._stopping.wait(60)
                self.close_connection = True
                return
            self.connection.shutdown(socket.SHUT_RDWR)
            self.close_connection = True

    # -- routes -------------------------------------------------------------

    def do_HEAD(self) -> None:  # noqa: N802
        self.do_GET()

    def do_GET(self) -> None:  # noqa: N802
        fake = self.fake
        split = urlsplit(self.path)
        path = unquote(split.path)
        with fake._lock:
            fake.requests.append(Record(self.command, path, dict(self.headers.items())))
        fault = fake._next_fault(path)
        if fault == "hang":
            fake._stopping.wait(60)
            self.close_connection = True
            return
        if fault in ("500", "503"):
            self._json(int(fault), {"error": "injected"})
            return
        if fault == "redirect":
            self._redirect(split.path + (f"?{split.query}" if split.query else ""))
            return
        query = parse_qs(split.query)
        parts = path.strip("/").split("/")
        if parts[0] == "api" and len(parts) >= 4 and parts[1] in ("models", "datasets"):
            self._api(parts[1], "/".join(parts[2:4]), parts[4:], query)
        elif parts[0] == "cdn" and len(parts) == 2 and parts[1] in fake.blobs:
            self._send_bytes(fake.blobs[parts[1]], {"ETag": f'"{parts[1]}"'}, fault)
        elif parts[0] == "files" and "files/" + "/".join(parts[1:]) in fake.blobs:
            self._send_bytes(fake.blobs["files/" + "/".join(parts[1:])], {}, fault)
        elif len(parts) >= 5 and parts[2] == "resolve":
            self._resolve(fake.models, "/".join(parts[:2]), parts[3], "/".join(parts[4:]), fault)
        elif len(parts) >= 6 and parts[0] == "datasets" and parts[3] == "resolve":
            self._resolve(fake.datasets, "/".join(parts[1:3]), parts[4], "/".join(parts[5:]),
                          fault)
        else:
            self._error(404, "EntryNotFound", f"no route for {path}")

    def _repo_rev(self, repos: dict[str, Repo], repo_id: str, rev: str | None,
                  kind: str) -> tuple[Repo, str] | None:
        repo = repos.get(repo_id)
        if repo is None or (repo.private and not self.headers.get("Authorization")):
            self._error(401, "RepoNotFound", f"{kind} {repo_id} not found")
            return None
        rev = rev or "main"
        sha = repo.branches.get(rev, rev if rev in repo.branches.values() else None)
        if sha is None:
            self._error(404, "RevisionNotFound", f"Invalid rev id: {rev}")
            return None
        return repo, sha

    def _api(self, kind: str, repo_id: str, rest: list[str], query: dict[str, list[str]]) -> None:
        repos = self.fake.models if kind == "models" else self.fake.datasets
        rev = rest[1] if len(rest) >= 2 and rest[0] == "revision" else None
        found = self._repo_rev(repos, repo_id, rev, kind[:-1])
        if found is None:
            return
        repo, sha = found
        blobs = query.get("blobs", ["false"])[0].lower() == "true"
        body: dict[str, Any] = {
            "id": repo.repo_id, "_id": sha[:24], "author": repo.repo_id.split("/")[0],
            "sha": sha, "private": repo.private, "gated": repo.gated, "disabled": False,
            "downloads": 0, "likes": 0, "tags": [], "cardData": repo.card,
            "siblings": _siblings(repo, blobs),
            "lastModified": "2024-01-01T00:00:00.000Z", "createdAt": "2024-01-01T00:00:00.000Z",
        }
        if kind == "models":
            body["library_name"] = repo.library_name
            body["pipeline_tag"] = repo.pipeline_tag
        self._json(200, body)

    def _resolve(self, repos: dict[str, Repo], repo_id: str, rev: str, path: str,
                 fault: Any) -> None:
        found = self._repo_rev(repos, repo_id, rev, "repo")
        if found is None:
            return
        repo, sha = found
        if path not in repo.files:
            self._error(404, "EntryNotFound", f"{path} does not exist at {rev}")
            return
        data = repo.files[path]
        if path in repo.lfs:
            digest = hashlib.sha256(data).hexdigest()
            self._redirect(f"/cdn/{digest}", {
                "X-Repo-Commit": sha, "X-Linked-Etag": f'"{digest}"',
                "X-Linked-Size": str(len(data)), "ETag": f'"{git_blob_id(data)}"'})
            return
        self._send_bytes(data, {"X-Repo-Commit": sha, "ETag": f'"{git_blob_id(data)}"'}, fault)


def served_file(directory: Path, name: str, size: int, block: bytes | None = None) -> Path:
    """A file of ``size`` bytes for the benchmark, made of a repeated random block."""
    path = directory / name
    block = block or os.urandom(1 << 20)
    with open(path, "wb") as fh:
        left = size
        while left:
            left -= fh.write(block[:min(left, len(block))])
    return path
