"""Download the declared files that have a ``url`` into the source tree: ``aimodel fetch``.

Every file goes the same way, whatever its scheme (``hf://`` URLs only get
their https address and Hub headers from :mod:`dh_aimodel.hub.huggingface`, built with
huggingface_hub's ``hf_hub_url``; the bytes are then fetched here with
requests rather than by ``hf_hub_download``, whose cache layout, etag-based
checks and Xet fast path would bypass the declared sha256 and the
``.part`` convention):

* the bytes go to ``<path>.part`` next to the final file; an interrupted or
  broken transfer leaves the partial file, and the next attempt (a retry, or
  the next run of the command) resumes it with an HTTP ``Range`` request;
* the sha256 is computed while the bytes arrive (in a second thread, so the
  digest overlaps the network and disk I/O) and the partial file is renamed
  to its final name only when it matches the declaration: a wrong checksum
  keeps nothing, neither under the final name nor as ``.part``;
* the partial file is fsync'ed before that rename; its disk writes are
  started as it grows, so the fsync does not wait for the whole file;
* 5xx answers, 408/429, refused or broken connections and timeouts are
  retried with exponential backoff, a bounded number of times; other HTTP
  errors fail at once with the status and a hint;
* a file already present with the declared checksum is not downloaded
  again; one whose content differs is kept and reported, unless ``--force``;
* a declared ``url`` without ``sha256`` is refused unless ``--force``:
  unverified bytes must not end up in a source package silently.

Memory stays flat (a few chunks in flight per file) whatever the file size,
and so does the page cache a download fills (see :func:`_start_writeback`).
"""

from __future__ import annotations

import errno
import hashlib
import os
import queue
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Callable, Literal, Sequence, TextIO, TypeVar
from urllib.parse import urlsplit, urlunsplit

from dh_aimodel.core.declaration import Declaration
from dh_aimodel.core.errors import AimodelError, Pos, Problem

#: Bytes read from the socket and written per step.
CHUNK = 1024 * 1024
#: Chunks queued between the download thread and its hashing thread.
QUEUE_CHUNKS = 8
#: Bytes written to a ``.part`` file between two requests to the kernel to
#: start writing them to disk (see :func:`_start_writeback`).  On the
#: benchmark machine 4, 8 and 16 MiB were equally fast and 32 MiB slower; the
#: final fsync waits for about one step (3 ms at 8 MiB, 12 ms at 32 MiB).
WRITEBACK_STEP = 8 * 1024 * 1024
DEFAULT_TIMEOUT = 60.0
CONNECT_TIMEOUT = 10.0
DEFAULT_RETRIES = 5
DEFAULT_BACKOFF = 0.5
MAX_BACKOFF = 30.0
PART_SUFFIX = ".part"
TIMEOUT_ENV = "AIMODEL_TIMEOUT"

Status = Literal["downloaded", "present", "failed"]


class FetchError(AimodelError):
    """A declared file could not be downloaded or did not verify."""


class _Retryable(Exception):
    """A transient failure (5xx, broken connection, timeout): try again later."""


class _Cancelled(Exception):
    """Raised in a worker when the command is interrupted (Ctrl-C)."""


@dataclass(frozen=True, slots=True)
class Download:
    """One declared file with a url, where it goes in the source tree."""

    path: str
    dest: Path
    url: str
    sha256: str | None
    pos: Pos


@dataclass(frozen=True, slots=True)
class Options:
    jobs: int = 4
    force: bool = False
    timeout: float = DEFAULT_TIMEOUT
    retries: int = DEFAULT_RETRIES
    backoff: float = DEFAULT_BACKOFF
    progress: bool = False


@dataclass(frozen=True, slots=True)
class Outcome:
    download: Download
    status: Status
    message: str
    size: int = 0


def timeout_default() -> float:
    """``AIMODEL_TIMEOUT`` (seconds) or :data:`DEFAULT_TIMEOUT`."""
    value = os.environ.get(TIMEOUT_ENV)
    if not value:
        return DEFAULT_TIMEOUT
    try:
        timeout = float(value)
    except ValueError:
        timeout = -1.0
    if timeout <= 0:
        raise FetchError(f"{TIMEOUT_ENV}='{value}' is not a number of seconds; accepted: a "
                         "positive number such as 30 or 0.5")
    return timeout


def display_url(url: str) -> str:
    """A URL for messages: without user:password@ and without a query string."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        return url
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    return urlunsplit((parts.scheme, host, parts.path, "", ""))


# -- planning -------------------------------------------------------------------


def plan(declaration: Declaration, root: Path, *, force: bool = False) -> list[Download]:
    """The downloads a declaration asks for; refuses what cannot be done safely."""
    problems: list[Problem] = []
    out: dict[str, Download] = {}
    root_resolved = root.resolve()
    for model in declaration.models:
        for spec in model.files:
            if spec.url is None:
                continue
            if spec.is_glob:
                problems.append(Problem(f"model '{model.name}': {spec.path}: a url needs one "
                                        "file, but the path is a glob; accepted: one entry per "
                                        "file", spec.pos))
                continue
            if spec.sha256 is None and not force:
                problems.append(Problem(f"model '{model.name}': {spec.path}: url without "
                                        "sha256, so the download cannot be verified; add "
                                        "sha256, or use --force to download it unverified",
                                        spec.pos))
                continue
            dest = root / spec.path
            try:
                dest.resolve().relative_to(root_resolved)
            except ValueError:
                problems.append(Problem(f"model '{model.name}': {spec.path} leads out of the "
                                        "source tree (through a symbolic link); accepted: a "
                                        "path inside the tree", spec.pos))
                continue
            previous = out.get(spec.path)
            if previous is not None:
                if (previous.url, previous.sha256) != (spec.url, spec.sha256):
                    problems.append(Problem(f"{spec.path}: declared twice with different url "
                                            f"or sha256 (first at line {previous.pos.line}); "
                                            "accepted: one url and checksum per file",
                                            spec.pos))
                continue
            out[spec.path] = Download(spec.path, dest, spec.url, spec.sha256, spec.pos)
    if problems:
        raise FetchError(problems=tuple(problems))
    return sorted(out.values(), key=lambda d: d.path)


# -- hashing beside the transfer ------------------------------------------------


class _HashPipe:
    """SHA-256 of a byte stream, digested in its own thread.

    hashlib releases the GIL on large updates, as do socket reads and file
    writes, so the digest runs while the next chunk arrives.  The queue is
    bounded: memory is at most :data:`QUEUE_CHUNKS` chunks.
    """

    def __init__(self) -> None:
        self._hash = hashlib.sha256()
        self._queue: queue.Queue[bytes | None] = queue.Queue(QUEUE_CHUNKS)
        self._thread = threading.Thread(target=self._run, name="fetch-sha256", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while True:
            chunk = self._queue.get()
            if chunk is None:
                return
            self._hash.update(chunk)

    def update(self, chunk: bytes) -> None:
        self._queue.put(chunk)

    def hexdigest(self) -> str:
        self.close()
        return self._hash.hexdigest()

    def close(self) -> None:
        if self._thread.is_alive():
            self._queue.put(None)
            self._thread.join()


def _seed(pipe: _HashPipe, path: Path, stop: threading.Event) -> None:
    """Feed the bytes already in a partial file to the digest before resuming."""
    with open(path, "rb") as fh:
        while chunk := fh.read(CHUNK):
            if stop.is_set():
                raise _Cancelled
            pipe.update(chunk)


# -- progress -------------------------------------------------------------------


class _Progress:
    """One status line on a terminal; nothing at all otherwise."""

    def __init__(self, stream: TextIO | None, files: int) -> None:
        self.stream = stream
        self.files = files
        self.done = 0
        self.received = 0
        self.started = time.monotonic()
        self._last = 0.0
        self._lock = threading.Lock()

    def add(self, n: int) -> None:
        if self.stream is None:
            return
        with self._lock:
            self.received += n
            now = time.monotonic()
            if now - self._last >= 0.1:
                self._last = now
                self._draw(now)

    def finished(self) -> None:
        if self.stream is None:
            return
        with self._lock:
            self.done += 1
            self._draw(time.monotonic())

    def _draw(self, now: float) -> None:
        assert self.stream is not None
        rate = self.received / max(now - self.started, 1e-6) / 2**20
        self.stream.write(f"\raimodel fetch: {self.done}/{self.files} files, "
                          f"{self.received / 2**20:.1f} MiB, {rate:.1f} MiB/s\x1b[K")
        self.stream.flush()

    def close(self) -> None:
        if self.stream is not None:
            self.stream.write("\n")
            self.stream.flush()


# -- the downloader -------------------------------------------------------------


class Fetcher:
    """Runs downloads in parallel threads, each with its own requests session."""

    def __init__(self, options: Options) -> None:
        import http.client

        import requests
        import urllib3

        self.requests = requests
        # http.client.HTTPException: what _chunks' fallback read raises
        # (IncompleteRead) where urllib3 1.x has no read1.
        self._network_errors = (requests.exceptions.RequestException,
                                urllib3.exceptions.HTTPError, http.client.HTTPException,
                                OSError)
        self.options = options
        self.stop = threading.Event()
        self._local = threading.local()
        self._active: set[Any] = set()
        self._lock = threading.Lock()
        self._progress = _Progress(None, 0)

    # sessions and cancellation

    def _session(self) -> Any:
        session = getattr(self._local, "session", None)
        if session is None:
            session = self._local.session = self.requests.Session()
        return session

    def _track(self, response: Any, active: bool) -> None:
        with self._lock:
            (self._active.add if active else self._active.discard)(response)

    def cancel(self) -> None:
        """Stop every worker: pending files are skipped, running transfers closed.

        Each close runs in a daemon thread of its own: closing a response
        waits for the lock of its socket's reader, which a worker blocked on
        a stalled server holds until the read timeout, so Ctrl-C would hang
        for that long in the caller.
        """
        self.stop.set()
        with self._lock:
            responses = list(self._active)
        for response in responses:
            threading.Thread(target=_close_quietly, args=(response,), name="fetch-close",
                             daemon=True).start()

    # one HTTP exchange

    def _timeouts(self) -> tuple[float, float]:
        t = self.options.timeout
        return (min(t, CONNECT_TIMEOUT), t)

    def _get(self, url: str, headers: dict[str, str]) -> Any:
        exc_ = self.requests.exceptions
        where = display_url(url)
        connect, read = self._timeouts()
        try:
            return self._session().get(url, headers=headers, stream=True,
                                       timeout=(connect, read), allow_redirects=True)
        except exc_.ConnectTimeout as exc:
            raise _Retryable(f"could not connect to {where} within {connect:g} s") from exc
        except exc_.ReadTimeout as exc:
            raise _Retryable(f"no answer from {where} within {read:g} s (--timeout, "
                             f"{TIMEOUT_ENV})") from exc
        except exc_.TooManyRedirects as exc:
            raise FetchError(f"{where}: too many redirects") from exc
        except (exc_.ConnectionError, exc_.ChunkedEncodingError) as exc:
            raise _Retryable(f"connection to {where} failed ({_reason(exc)})") from exc
        except exc_.InvalidURL as exc:
            raise FetchError(f"{where}: invalid URL") from exc

    def _check_status(self, response: Any, url: str, hub: bool) -> None:
        status = response.status_code
        if status < 400:
            return
        where = display_url(url)
        if status >= 500 or status in (408, 429):
            raise _Retryable(f"{where}: HTTP {status} {response.reason or ''}".rstrip())
        hint = ""
        if status in (401, 403):
            hint = ("; the file is private or gated: accept its terms on the Hub and set "
                    "HF_TOKEN" if hub else "; access denied")
        elif status == 404:
            hint = "; check the url (and for hf:// the revision and path)"
        raise FetchError(f"{where}: HTTP {status} {response.reason or ''}".rstrip() + hint)

    def _transfer(self, d: Download, url: str, headers: dict[str, str], part: Path,
                  hub: bool) -> tuple[str, int]:
        """One attempt: (sha256, size) of the complete ``part`` file, or raise."""
        offset = part.stat().st_size if part.exists() else 0
        request_headers = {**headers, "Accept-Encoding": "identity"}
        if offset:
            request_headers["Range"] = f"bytes={offset}-"
        response = self._get(url, request_headers)
        self._track(response, True)
        pipe = _HashPipe()
        try:
            if response.status_code == 416 and offset:
                # The partial file already holds everything the server has:
                # verify it as it is (a wrong one is discarded by the caller).
                _seed(pipe, part, self.stop)
                return pipe.hexdigest(), offset
            self._check_status(response, url, hub)
            if response.status_code == 206:
                start = _range_start(response.headers.get("Content-Range", ""))
                if start != offset:
                    part.unlink(missing_ok=True)
                    raise _Retryable(f"{display_url(url)}: the server resumed at byte "
                                     f"{start}, not {offset}; starting over")
                _seed(pipe, part, self.stop)
                mode = "ab"
            elif response.status_code == 200:
                offset, mode = 0, "wb"
            else:
                raise FetchError(f"{display_url(url)}: unexpected HTTP "
                                 f"{response.status_code} {response.reason or ''}".rstrip())
            length = response.headers.get("Content-Length")
            expected = offset + int(length) if length and length.isdigit() else None
            size = offset
            try:
                # Unbuffered: a chunk counted as received is already in the
                # kernel, whatever Python's buffer size (8 KiB until 3.13,
                # 128 KiB in 3.14), so Ctrl-C or SIGKILL keeps it in PATH.part.
                with open(part, mode, buffering=0) as fh:
                    written_back = offset
                    for chunk in _chunks(response):
                        if self.stop.is_set():
                            raise _Cancelled
                        _write_all(fh, chunk)
                        pipe.update(chunk)
                        size += len(chunk)
                        written_back = _start_writeback(fh.fileno(), written_back, size)
                        self._progress.add(len(chunk))
                    fh.flush()
                    os.fsync(fh.fileno())
            except self._network_errors as exc:
                if self.stop.is_set():
                    raise _Cancelled from exc
                if isinstance(exc, OSError) and not _is_network(exc):
                    raise FetchError(f"{d.path}: cannot write {part}: {exc.strerror or exc}") \
                        from exc
                of = f" of {expected}" if expected is not None else ""
                raise _Retryable(f"{display_url(url)}: connection broken after {size}{of} "
                                 f"bytes ({_reason(exc)})") from exc
            if expected is not None and size != expected:
                raise _Retryable(f"{display_url(url)}: connection closed after {size} of "
                                 f"{expected} bytes")
            return pipe.hexdigest(), size
        finally:
            pipe.close()
            self._track(response, False)
            response.close()

    def _retrying(self, what: str, attempt: Callable[[], Any]) -> Any:
        """Run ``attempt`` until it succeeds, retrying :class:`_Retryable` with backoff."""
        failures = 0
        while True:
            if self.stop.is_set():
                raise _Cancelled
            try:
                return attempt()
            except _Retryable as exc:
                failures += 1
                if failures > self.options.retries:
                    tries = "1 attempt" if failures == 1 else f"{failures} attempts"
                    raise FetchError(f"{what}: {exc}; gave up after {tries}") from exc
                delay = min(self.options.backoff * 2 ** (failures - 1), MAX_BACKOFF)
                if self.stop.wait(delay):
                    raise _Cancelled from exc

    # resolving

    def _resolve(self, url: str) -> tuple[str, dict[str, str], bool]:
        """(https url, headers, is a Hub url) for a declared url."""
        if url.startswith("hf://"):
            from dh_aimodel.hub import huggingface as hub

            hub.check_online(f"hf:// url {url}")
            ref = hub.parse_hf_url(url)
            return hub.resolve_url(ref), hub.auth_headers(), True
        return url, {"User-Agent": "dh-aimodel (aimodel fetch)"}, False

    # one declared file

    def download(self, d: Download) -> Outcome:
        try:
            return self._download(d)
        except AimodelError as exc:
            message = exc.problems[0].message
            if not message.startswith(d.path + ":"):
                message = f"{d.path}: {message}"
            return Outcome(d, "failed", message)
        except OSError as exc:  # read-only tree, full disk: this file fails, not the run
            return Outcome(d, "failed", f"{d.path}: {exc.filename or d.dest}: "
                                        f"{exc.strerror or exc}")
        finally:
            self._progress.finished()

    def _download(self, d: Download) -> Outcome:
        if self.stop.is_set():
            raise _Cancelled
        dest = d.dest
        if dest.is_symlink() or (dest.exists() and not dest.is_file()):
            raise FetchError(f"{d.path}: exists and is not a regular file; remove it first")
        if dest.exists() and d.sha256 is not None:
            from dh_aimodel.tree.hashing import sha256_file

            found = sha256_file(dest)
            if found == d.sha256:
                return Outcome(d, "present", "present, sha256 ok", dest.stat().st_size)
            if not self.options.force:
                raise FetchError(f"{d.path}: exists but its sha256 is {found}, not the "
                                 f"declared {d.sha256}; kept as it is (--force replaces it)")
        url, headers, is_hub = self._resolve(d.url)
        dest.parent.mkdir(parents=True, exist_ok=True)
        part = dest.with_name(dest.name + PART_SUFFIX)
        restarted = False
        while True:
            resumed = part.exists() and part.stat().st_size > 0
            digest, size = self._retrying(
                d.path, lambda: self._transfer(d, url, headers, part, is_hub))
            if d.sha256 is None or digest == d.sha256:
                break
            part.unlink(missing_ok=True)
            if resumed and not restarted:
                # The partial file may come from another version of the file:
                # start once from scratch before calling it a mismatch.
                restarted = True
                continue
            raise FetchError(f"{d.path}: sha256 mismatch: downloaded {digest}, declared "
                             f"{d.sha256}; nothing kept (is the url or the checksum "
                             "out of date?)")
        os.replace(part, dest)
        _fsync_dir(dest.parent)
        verified = "sha256 ok" if d.sha256 else "NOT verified (no sha256, --force)"
        return Outcome(d, "downloaded", f"downloaded, {size} bytes, {verified}", size)

    def run(self, downloads: list[Download], progress: TextIO | None = None) -> list[Outcome]:
        """Download everything, ``options.jobs`` files at a time; outcomes in input order."""
        self._progress = _Progress(progress, len(downloads))
        try:
            return run_parallel(self.download, downloads, self.options.jobs, self.cancel)
        finally:
            self._progress.close()

    # hashing a remote file (aimodel init --from-hf, for files kept in git)

    def remote_sha256(self, url: str, headers: dict[str, str]) -> str:
        """sha256 of a remote file, streamed (nothing written), with retries."""

        def attempt() -> str:
            response = self._get(url, {**headers, "Accept-Encoding": "identity"})
            try:
                self._check_status(response, url, True)
                digest = hashlib.sha256()
                try:
                    for chunk in _chunks(response):
                        digest.update(chunk)
                except self._network_errors as exc:
                    raise _Retryable(f"{display_url(url)}: connection broken "
                                     f"({_reason(exc)})") from exc
                return digest.hexdigest()
            finally:
                response.close()

        return self._retrying(display_url(url), attempt)


def _close_quietly(response: Any) -> None:
    try:
        response.close()
    except Exception:  # noqa: BLE001 - closing a socket from another thread
        pass


def _chunks(response: Any) -> Any:
    """The body as it arrives: each read returns what one socket read gave.

    ``read1`` rather than requests' ``iter_content``: that one waits for a
    whole chunk and, when the connection breaks, drops the bytes it already
    had, so they could not be kept for resuming.  urllib3 1.x (Debian 12)
    has no ``read1`` and its ``read(n)`` waits for ``n`` bytes, so a stalled
    mirror would leave nothing on disk: there the ``http.client`` response
    beneath it is read, which is safe because the body is asked for
    unencoded (``Accept-Encoding: identity``) and its length is checked by
    the caller.
    """
    raw = response.raw
    read = (getattr(raw, "read1", None) or getattr(getattr(raw, "_fp", None), "read1", None)
            or raw.read)
    while chunk := read(CHUNK):
        yield chunk


def _write_all(fh: IO[bytes], data: bytes) -> None:
    """Write all of ``data`` to an unbuffered file (a raw write may take only part)."""
    view = memoryview(data)
    while view:
        written = fh.write(view)
        if not written:
            raise OSError(errno.EIO, "short write")
        view = view[written:]


def _start_writeback(fd: int, start: int, end: int) -> int:
    """Start writing bytes ``start:end`` of ``fd`` to disk once they make a step.

    Returns where the next step starts.  The ``.part`` file is fsync'ed
    before its rename (durability first), but left alone the kernel only
    writes dirty pages back after half a minute or under memory pressure,
    so for a large file the whole disk write would wait for that fsync,
    after the transfer: 0.4 s per GiB on the benchmark machine, over a
    quarter of the download.  Started every :data:`WRITEBACK_STEP`, the disk
    write overlaps the transfer and the final fsync waits for about one step.

    Linux starts the writeback of a range's dirty pages on
    ``POSIX_FADV_DONTNEED`` (without waiting for it) and drops its clean
    pages; dirty pages and pages still being written stay, so no byte can
    be lost.  The range also covers the step before, written back by now:
    dropping it keeps the file's page cache at a few steps instead of the
    file's size, so a large model does not push everything else out of the
    cache, and new bytes reuse recently freed pages (on the benchmark VM,
    copying into never-used pages cost 5 times as much CPU).  Elsewhere,
    or where the advice fails, only the final fsync is slower.
    """
    if end - start < WRITEBACK_STEP:
        return start
    behind = max(0, start - WRITEBACK_STEP)
    try:
        os.posix_fadvise(fd, behind, end - behind, os.POSIX_FADV_DONTNEED)
    except (AttributeError, OSError):  # no posix_fadvise (macOS), or advice refused
        pass
    return end


def _range_start(content_range: str) -> int | None:
    """The first byte of ``Content-Range: bytes START-END/TOTAL``."""
    unit, _, rest = content_range.strip().partition(" ")
    if unit != "bytes":
        return None
    start, _, _ = rest.partition("-")
    return int(start) if start.isdigit() else None


def _reason(exc: BaseException) -> str:
    """A short reason for a network error, without URLs or headers."""
    text = type(exc).__name__
    inner = exc.__context__ or exc.__cause__
    seen = 0
    while inner is not None and seen < 4:
        name = type(inner).__name__
        if name in ("ProtocolError", "IncompleteRead", "ConnectionResetError",
                    "ConnectionRefusedError", "RemoteDisconnected", "NewConnectionError"):
            text = name
        inner = inner.__context__ or inner.__cause__
        seen += 1
    return text


def _is_network(exc: OSError) -> bool:
    return isinstance(exc, (ConnectionError, TimeoutError)) or type(exc).__module__.startswith(
        ("urllib3", "requests", "http"))


def _fsync_dir(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:  # pragma: no cover
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover
        pass
    finally:
        os.close(fd)


T = TypeVar("T")
R = TypeVar("R")


def run_parallel(func: Callable[[T], R], items: Sequence[T], jobs: int,
                 cancel: Callable[[], None]) -> list[R]:
    """``[func(item) for item in items]`` on ``jobs`` daemon threads, results in order.

    Daemon threads rather than a ThreadPoolExecutor, whose workers the
    interpreter joins at exit: on Ctrl-C a worker still waiting for a silent
    server would hold the exit up to the read timeout.  Here the main thread
    calls ``cancel`` (which stops the workers at their next chunk and closes
    their responses), waits briefly, and the exception propagates; a worker
    still stuck in the network dies with the process.  Files are only ever
    renamed into place complete and verified, so nothing is left half-written.
    """
    if not items:
        return []
    results: list[Any] = [None] * len(items)
    errors: list[BaseException] = []
    pending: queue.SimpleQueue[int] = queue.SimpleQueue()
    for index in range(len(items)):
        pending.put(index)
    done = threading.Event()
    left = [len(items)]
    lock = threading.Lock()

    def worker() -> None:
        while True:
            try:
                index = pending.get_nowait()
            except queue.Empty:
                return
            try:
                results[index] = func(items[index])
            except BaseException as exc:  # noqa: BLE001 - handed to the main thread
                errors.append(exc)
                done.set()
                return
            with lock:
                left[0] -= 1
                if left[0] == 0:
                    done.set()

    threads = [threading.Thread(target=worker, name=f"fetch-{i}", daemon=True)
               for i in range(max(1, min(jobs, len(items))))]
    for thread in threads:
        thread.start()
    try:
        while not done.wait(0.1):
            pass
        if errors:
            raise errors[0]
    except BaseException:
        cancel()
        for thread in threads:
            thread.join(1.0)
        raise
    for thread in threads:
        thread.join()
    return results


def fetch(downloads: list[Download], options: Options, *,
          report: Callable[[Outcome], None] | None = None,
          progress: TextIO | None = None) -> list[Outcome]:
    """Download ``downloads``; raise :class:`FetchError` listing every failure."""
    fetcher = Fetcher(options)
    outcomes = fetcher.run(downloads, progress)
    for outcome in outcomes:
        if report is not None and outcome.status != "failed":
            report(outcome)
    failures = [Problem(o.message, o.download.pos) for o in outcomes if o.status == "failed"]
    if failures:
        raise FetchError(problems=tuple(failures))
    return outcomes


def progress_stream() -> TextIO | None:
    """stdout when it is a terminal (and not under CI); None means no progress bar."""
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        return None
    return sys.stdout if sys.stdout.isatty() else None
