"""What ``aimodel survey`` reads: .deb files, directory trees of them, or a
Packages index with the mirror its ``Filename`` fields are relative to.

Every input becomes an :class:`Item`.  An item from a Packages index carries
the index's SHA256: a .deb of a local mirror is checked against it as it is
read, and one a mirror URL serves is downloaded by the verified, resumable
downloader of ``aimodel fetch`` (:class:`dh_aimodel.hub.fetch.Fetcher`) into
a cache directory, so a wrong or truncated download is never surveyed and an
interrupted one resumes.  The index is hostile input like any other:
a ``Filename`` that is absolute or climbs out with ``..`` is refused.
"""

from __future__ import annotations

import gzip
import hashlib
import lzma
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath
from typing import TextIO

from dh_aimodel.core.errors import PackagingError, Pos, Problem, UsageError

#: What a directory tree is searched for.
DEB_SUFFIXES = (".deb", ".udeb")
#: Downloads at a time from a mirror URL (a mirror is a shared server).
DOWNLOAD_JOBS = 4


@dataclass(frozen=True, slots=True)
class Item:
    """One .deb to survey."""

    #: Where it is, or for a mirror URL where it goes once downloaded.
    path: Path
    #: The name shards are split by: the file name, the same on every machine.
    name: str
    #: Its size in bytes (from the file system or the index; None when unknown).
    size: int | None
    #: The sha256 the Packages index gives; None for a .deb named directly.
    sha256: str | None = None
    #: Where a mirror URL serves it (None: it is a local file).
    url: str | None = None
    #: The file's modification time, for knowing a surveyed file again without reading it.
    mtime_ns: int | None = None
    #: Its bytes were already checked against :attr:`sha256` (a verified download).
    verified: bool = False


def _local(path: Path) -> Item:
    try:
        st = path.stat()
    except OSError:  # reading it reports the error, with the other failures
        return Item(path, path.name, None)
    return Item(path, path.name, st.st_size, mtime_ns=st.st_mtime_ns)


def local_items(paths: Sequence[Path]) -> list[Item]:
    """The .debs named, and every .deb and .udeb below the directories named
    (sorted, regular files only: a FIFO named ``x.deb`` would block a reader)."""
    items = []
    for given in paths:
        path = Path(os.path.abspath(given))
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.suffix in DEB_SUFFIXES and p.is_file())
            items += [_local(p) for p in found]
        elif path.is_file():
            items.append(_local(path))
        else:
            raise UsageError(f"{given}: no such .deb or directory; accepted: .deb files, "
                             "directories holding them, or --packages INDEX --mirror PATH|URL")
    return items


def _open_index(index: Path) -> TextIO:
    """The index as text, decompressed by its suffix as apt names them."""
    try:
        if index.suffix == ".xz":
            return lzma.open(index, "rt", encoding="utf-8", errors="replace")
        if index.suffix == ".gz":
            return gzip.open(index, "rt", encoding="utf-8", errors="replace")
        return open(index, encoding="utf-8", errors="replace")
    except OSError as exc:
        raise PackagingError(f"cannot read: {exc.strerror or exc}", Pos(str(index), 1, 1)) \
            from exc


def _stanzas(index: Path) -> Iterator[dict[str, str]]:
    from dh_aimodel.packaging.pydebian import deb822

    with _open_index(index) as fh:
        try:
            for para in deb822().Packages.iter_paragraphs(fh, use_apt_pkg=False):
                yield dict(para)
        except (OSError, EOFError, lzma.LZMAError) as exc:  # a damaged .xz or .gz
            raise PackagingError(f"cannot read: {exc}", Pos(str(index), 1, 1)) from exc


def is_url(mirror: str) -> bool:
    return mirror.startswith(("http://", "https://"))


def _pool_path(filename: str) -> PurePosixPath | None:
    """``Filename`` as a path inside the mirror, or None when it would leave it."""
    path = PurePosixPath(filename)
    if path.is_absolute() or ".." in path.parts or not path.name.endswith(DEB_SUFFIXES):
        return None
    return path


def index_items(index: Path, mirror: str, cache: Path) -> list[Item]:
    """One item per stanza of a Packages index (plain, .gz or .xz).

    ``mirror`` is the archive root, a local directory or an http(s) URL; a
    downloaded .deb goes to ``cache`` under its ``Filename``.  Every stanza
    needs a ``Filename`` inside the mirror, a ``SHA256`` and a ``Size``;
    the stanzas that lack one are reported together.
    """
    items: list[Item] = []
    problems: list[Problem] = []
    for n, stanza in enumerate(_stanzas(index), 1):
        what = f"{index}: stanza {n} (Package: {stanza.get('Package', '?')})"
        pool = _pool_path(stanza.get("Filename", ""))
        sha256 = stanza.get("SHA256", "").strip().lower()
        size = stanza.get("Size", "").strip()
        if pool is None:
            problems.append(Problem(f"{what}: Filename {stanza.get('Filename')!r} is not a "
                                    ".deb inside the mirror; accepted: a relative path such as "
                                    "pool/main/t/tesseract/x.deb"))
        elif len(sha256) != 64 or not all(c in "0123456789abcdef" for c in sha256) \
                or not size.isdigit():
            problems.append(Problem(f"{what}: no valid SHA256 and Size; the .deb cannot be "
                                    "verified"))
        elif is_url(mirror):
            items.append(Item(cache / pool, pool.name, int(size), sha256,
                              f"{mirror.rstrip('/')}/{pool}"))
        else:
            items.append(Item(Path(mirror) / pool, pool.name, int(size), sha256))
    if problems:
        raise PackagingError(problems=tuple(problems))
    return items


def parse_shard(text: str) -> tuple[int, int]:
    """``K/N`` (1 <= K <= N) as (K, N)."""
    k, sep, n = text.partition("/")
    if sep and k.isdigit() and n.isdigit() and 1 <= int(k) <= int(n):
        return int(k), int(n)
    raise UsageError(f"--shard {text}: accepted: K/N with 1 <= K <= N, such as 1/4")


def in_shard(item: Item, k: int, n: int) -> bool:
    """Whether shard K of N surveys ``item``: by a hash of its file name, so
    every machine of a job matrix splits the same inputs the same way,
    whatever directory they sit in there."""
    digest = hashlib.sha256(item.name.encode("utf-8", "surrogateescape")).digest()
    return int.from_bytes(digest[:8], "big") % n == k - 1


def download(items: Sequence[Item], progress: TextIO | None) -> tuple[list[Item], list[tuple[Item, str]]]:
    """Download the items a mirror URL serves; (verified items, (item, why) failures).

    A .deb already in the cache with the index's sha256 is not fetched
    again; a partial one resumes.  Ctrl-C stops the transfers and propagates.
    """
    from dh_aimodel.hub.fetch import Download, Fetcher, Options, timeout_default

    if not items:
        return [], []
    downloads = [Download(i.name, i.path, i.url or "", i.sha256, Pos(i.name, 1, 1))
                 for i in items]
    fetcher = Fetcher(Options(jobs=DOWNLOAD_JOBS, timeout=timeout_default()))
    ok: list[Item] = []
    failed: list[tuple[Item, str]] = []
    for item, outcome in zip(items, fetcher.run(downloads, progress)):
        if outcome.status == "failed":
            failed.append((item, outcome.message))
        else:
            ok.append(replace(item, verified=True))
    return ok, failed
