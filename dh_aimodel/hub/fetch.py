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
and so does the page cache a download fills (see
:func:`dh_aimodel.hub.partfile._start_writeback`).

This module keeps the transfer itself (:class:`Fetcher`: requests, resume,
retries, verification, the rename) and the names callers use; its parts
are in :mod:`~dh_aimodel.hub.plan` (which declared files, refused when
unsafe), :mod:`~dh_aimodel.hub.partfile` (the ``.part`` file and its
digest), :mod:`~dh_aimodel.hub.responses` (reading bodies, naming
failures), :mod:`~dh_aimodel.hub.progress` (the status line) and
:mod:`dh_aimodel.tree.parallel` (the threads).
"""

from __future__ import annotations

import hashlib
import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Literal, Sequence, TextIO, TypeVar

from dh_aimodel.core.errors import AimodelError, Problem
from dh_aimodel.hub.partfile import (
    PART_SUFFIX,
    _Cancelled,
    _fsync_dir,
    _HashPipe,
    _seed,
    _start_writeback,
    _write_all,
)
from dh_aimodel.hub.plan import Download, FetchError, plan
from dh_aimodel.hub.progress import _Progress, progress_stream
from dh_aimodel.hub.responses import (
    _chunks,
    _close_quietly,
    _is_network,
    _range_start,
    _reason,
    display_url,
)
from dh_aimodel.tree import parallel

__all__ = [
    "CANCEL_GRACE", "CONNECT_TIMEOUT", "DEFAULT_BACKOFF", "DEFAULT_RETRIES", "DEFAULT_TIMEOUT",
    "MAX_BACKOFF", "PART_SUFFIX", "TIMEOUT_ENV", "Download", "FetchError", "Fetcher", "Options",
    "Outcome", "Status", "display_url", "fetch", "plan", "progress_stream", "run_parallel",
    "timeout_default",
]

DEFAULT_TIMEOUT = 60.0
CONNECT_TIMEOUT = 10.0
DEFAULT_RETRIES = 5
DEFAULT_BACKOFF = 0.5
MAX_BACKOFF = 30.0
TIMEOUT_ENV = "AIMODEL_TIMEOUT"
#: Seconds each download thread is waited for after Ctrl-C before it is left
#: to die with the process (see :func:`run_parallel`).
CANCEL_GRACE = 1.0

Status = Literal["downloaded", "present", "failed"]


class _Retryable(Exception):
    """A transient failure (5xx, broken connection, timeout): try again later."""


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


T = TypeVar("T")
R = TypeVar("R")


def run_parallel(func: Callable[[T], R], items: Sequence[T], jobs: int,
                 cancel: Callable[[], None]) -> list[R]:
    """``[func(item) for item in items]`` on ``jobs`` daemon threads, results in order.

    :func:`dh_aimodel.tree.parallel.run_parallel`, waiting a bounded time for
    each thread: on Ctrl-C the main thread calls ``cancel`` (which stops the
    workers at their next chunk and closes their responses), waits briefly
    (:data:`CANCEL_GRACE` per thread), and the exception propagates; a worker
    still stuck in the network dies with the process.  Files are only ever
    renamed into place complete and verified, so nothing is left half-written.
    """
    return parallel.run_parallel(func, items, jobs, cancel, name="fetch", grace=CANCEL_GRACE)


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
