"""Lintian's very-long-line-length-in-source-file test, repeated on the declared model files.

Whether the tag fires depends on the bytes, and an override for a tag that
does not fire is itself reported (``unused-override``;
``mismatched-override`` when the tag fired elsewhere), so this module
repeats Lintian's own test (Check/Files/Contents/LineLength.pm) on each
declared file before an override is written:

* files whose name ends in an extension Lintian lists as binary or
  compressed (``/usr/share/lintian/data/files/*-file-extensions``) or in
  xml, sgml, svg, json, jsonl are skipped, as are files ``file`` calls image,
  bitmap or JSON; since Lintian 2.124 also every file ``file`` does not call
  text (the entry's ``file-type``);
* a line is the bytes up to and including a newline; its length is counted
  in characters when the line is valid UTF-8, else in bytes; the tag fires
  when the longest line is over 512.

:func:`_hints` turns the outcome into the contexts Lintian would print.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping

LONG_LINE_TAG = "very-long-line-length-in-source-file"
VERY_LONG = 512
LINTIAN_DATA = Path("/usr/share/lintian/data/files")
_CHUNK = 1 << 20


@functools.cache
def _skipped_extensions() -> tuple[str, ...]:
    """Extensions LineLength.pm skips: Lintian's data files plus xml/sgml/svg/json(l)."""
    found: list[str] = []
    for name in ("binary-file-extensions", "compressed-file-extensions"):
        try:
            text = (LINTIAN_DATA / name).read_text(encoding="utf-8")
        except OSError:
            continue
        for line in text.splitlines():
            line = line.strip()
            if line and not line.startswith("#"):
                found.extend(line.split())
    return tuple(found) + ("xml", "sgml", "svg", "json", "jsonl")


def lintian_skips(path: Path, text_types: str = "") -> bool:
    """Whether Lintian's line-length check ignores this file (extension or file(1) type).

    ``text_types``: what file(1) must say of a file for the check to read it
    (the entry's ``file-type``: ``(ASCII|Unicode) text`` since Lintian 2.124).
    """
    import shutil
    import subprocess

    alternatives = "|".join(re.escape(e) for e in _skipped_extensions())
    if re.search(rf"\.(?:{alternatives})\s*$", path.name, re.IGNORECASE):
        return True
    if path.parts and path.parts[0] == "LICENSES" and path.name.endswith(".txt"):
        return True
    file_cmd = shutil.which("file")
    if file_cmd is None:
        return bool(text_types)  # cannot tell text: Lintian would not read it
    try:
        # As Lintian runs it (Lintian::Index::FileTypes): --raw, no padding.
        kind = subprocess.run([file_cmd, "-b", "--raw", "--", str(path)], capture_output=True,
                              text=True, check=False, timeout=60).stdout
    except (OSError, subprocess.SubprocessError):
        return False
    if text_types and re.search(text_types, kind) is None:
        return True
    return re.search(r"image|bitmap|JSON", kind) is not None


def longest_line(path: Path, chunk_size: int = _CHUNK) -> tuple[int, int] | None:
    """(length, 1-based line number) of the longest line as Lintian counts it, if over 512.

    Streams the file in 1 MiB chunks; only lines over 512 bytes are decoded
    (a line of at most 512 bytes cannot be over 512 characters).
    """
    import codecs

    best: tuple[int, int] | None = None
    number = 1
    nbytes = 0          # bytes of the current line so far
    nchars = 0          # characters so far, if still valid UTF-8
    decoder = None      # incremental decoder once the line spans chunks
    pending = b""       # start of the current line while it is short
    valid = True

    def finish(length: int) -> None:
        nonlocal best
        if length > VERY_LONG and (best is None or length > best[0]):
            best = (length, number)

    with open(path, "rb") as fh:
        while chunk := fh.read(chunk_size):
            pieces = chunk.split(b"\n")
            for i, piece in enumerate(pieces):
                last = i == len(pieces) - 1
                segment = piece if last else piece + b"\n"
                if decoder is None and nbytes + len(segment) <= VERY_LONG and not last:
                    # common case: a short complete line
                    nbytes = 0
                    pending = b""
                    number += 1
                    continue
                if decoder is None and last:
                    pending += segment
                    nbytes += len(segment)
                    if nbytes > 4 * VERY_LONG:  # too long to keep: switch to counting
                        decoder = codecs.getincrementaldecoder("utf-8")()
                        valid, nchars = _feed(decoder, pending, True, 0)
                        pending = b""
                    continue
                if decoder is None:
                    line = pending + segment
                    try:
                        length = len(line.decode("utf-8"))
                    except UnicodeDecodeError:
                        length = len(line)
                    finish(length)
                else:
                    nbytes += len(segment)
                    if valid:
                        valid, nchars = _feed(decoder, segment, valid, nchars)
                    if not last:
                        if valid:
                            valid, nchars = _feed(decoder, b"", valid, nchars, final=True)
                        finish(nchars if valid else nbytes)
                if not last:
                    nbytes, nchars, decoder, pending, valid = 0, 0, None, b"", True
                    number += 1
    if decoder is not None:
        if valid:
            valid, nchars = _feed(decoder, b"", valid, nchars, final=True)
        finish(nchars if valid else nbytes)
    elif pending:
        try:
            finish(len(pending.decode("utf-8")))
        except UnicodeDecodeError:
            finish(len(pending))
    return best


def _feed(decoder: Any, data: bytes, valid: bool, nchars: int,
          final: bool = False) -> tuple[bool, int]:
    try:
        return True, nchars + len(decoder.decode(data, final))
    except UnicodeDecodeError:
        return False, nchars


def _hints(entry: Mapping[str, Any], root: Path, files: list[Path],
           longest: Callable[[Path], tuple[int, int] | None] = longest_line) -> Iterable[str]:
    """The contexts Lintian would print for the entry's tag on these source files.

    ``longest``: :func:`longest_line`, or a cached one when several Lintian
    versions are asked about the same files (each read once).
    """
    from dh_aimodel.core.errors import PackagingError

    if entry["tag"] != LONG_LINE_TAG:  # no detector: trust the data file
        for f in files:
            yield f.relative_to(root).as_posix()
        return
    for f in files:
        if lintian_skips(f, str(entry.get("file-type") or "")):
            continue
        try:
            found = longest(f)
        except OSError as exc:  # removed or made unreadable since it was listed
            raise PackagingError(f"{f.relative_to(root).as_posix()}: cannot read: "
                                 f"{exc.strerror or exc}; every declared file must be "
                                 "readable to tell which Lintian tags it causes") from exc
        if found is not None:
            yield f"{found[0]} > {VERY_LONG} [{f.relative_to(root).as_posix()}:{found[1]}]"
