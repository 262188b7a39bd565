"""HTTP responses of ``aimodel fetch``: reading a body as it arrives, naming what failed.

Split from :mod:`dh_aimodel.hub.fetch`: these helpers know the objects and
errors of requests, urllib3 and http.client, and nothing of files, retries
or declarations.  The messages built from them never show credentials
(``user:password@``, or a signed query string).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit, urlunsplit

#: Bytes read from the socket and written per step.
CHUNK = 1024 * 1024


def display_url(url: str) -> str:
    """A URL for messages: without user:password@ and without a query string."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        return url
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    return urlunsplit((parts.scheme, host, parts.path, "", ""))


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
