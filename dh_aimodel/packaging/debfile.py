"""Read a .deb in Python: the ar archive, its control file and its data.tar.*.

The data archive is read in one forward pass (``tarfile`` stream mode over
gz/xz/bz2/uncompressed, or ``dpkg-deb --fsys-tarfile`` for zstd, which the
standard library cannot decompress).  Nothing is extracted to disk.  Of a
model file, or of a file that may hold pickles, only a bounded head and tail
are kept in memory (enough for every header :mod:`dh_aimodel.formats` reads,
and for the central directory of a PyTorch zip); the rest streams through
sha256.  Members with absolute or ``..`` names and links leading out of the
tree are reported, never followed.
"""

from __future__ import annotations

import hashlib
import io
import subprocess
import tarfile
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO, Any, BinaryIO, Callable, Generic, Iterator, TypeVar

from dh_aimodel.core.errors import AimodelError, PackagingError, Pos
from dh_aimodel.formats.bounded import _Window

#: What the caller of :func:`read_deb` makes of a member.
R = TypeVar("R")

#: Bytes kept from the start and from the end of a model member.
HEAD_KEEP = 8 * 1024 * 1024
TAIL_KEEP = 8 * 1024 * 1024
CHUNK = 1024 * 1024
#: Small text files read from the package (copyright, README.aimodel, overrides).
TEXT_CAP = 4 * 1024 * 1024
AR_MAGIC = b"!<arch>\n"


@dataclass(frozen=True, slots=True)
class ArMember:
    name: str
    offset: int
    size: int


def ar_members(f: BinaryIO, display: str) -> list[ArMember]:
    """The members of an ar archive (the .deb container), without reading their data."""
    if f.read(8) != AR_MAGIC:
        raise PackagingError("not a Debian binary package (no ar header); accepted: a .deb "
                             "built by dpkg-deb", Pos(display, 1, 1))
    members = []
    while True:
        header = f.read(60)
        if not header:
            break
        if len(header) < 60 or header[58:60] != b"`\n":
            raise PackagingError("truncated or damaged ar member header; the .deb is "
                                 "corrupt", Pos(display, 1, 1))
        name = header[:16].decode("ascii", "replace").strip().rstrip("/")
        try:
            size = int(header[48:58].decode("ascii").strip())
        except ValueError:
            raise PackagingError("bad ar member size; the .deb is corrupt",
                                 Pos(display, 1, 1)) from None
        offset = f.tell()
        members.append(ArMember(name, offset, size))
        f.seek(offset + size + (size & 1))
    return members


class Sparse(io.RawIOBase):
    """A member of known size of which only the head and the tail are held.

    :func:`dh_aimodel.formats.read_metadata` and the pickle scanner may seek
    anywhere; reading in the gap that was streamed through raises OSError,
    which they report as ``unreadable`` (not as a malformed file).  Not a
    :class:`~dh_aimodel.formats.bounded._Window`: the bytes are in memory,
    in two pieces, and the member's stream has gone by.
    """

    def __init__(self, head: bytes, tail: bytes, size: int) -> None:
        self.head, self.tail, self.size, self.pos = head, tail, size, 0
        self.tail_start = size - len(tail)

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self.pos, io.SEEK_END: self.size}[whence]
        self.pos = max(0, base + offset)
        return self.pos

    def tell(self) -> int:
        return self.pos

    def readinto(self, b: Any) -> int:  # b: a writable buffer
        n = min(len(b), self.size - self.pos)
        if n <= 0:
            return 0
        if self.pos < len(self.head):
            data = self.head[self.pos:self.pos + n]
        elif self.pos >= self.tail_start:
            data = self.tail[self.pos - self.tail_start:self.pos - self.tail_start + n]
        else:
            raise OSError("this part of the member was streamed, not kept "
                          f"(offset {self.pos} of {self.size})")
        b[:len(data)] = data
        self.pos += len(data)
        return len(data)


@dataclass(frozen=True, slots=True)
class Member:
    """A regular file of data.tar, as far as it was read."""

    path: str
    size: int
    head: bytes
    sha256: str | None = None
    #: Head and tail for the header readers and the pickle scanner.
    sparse: Sparse | None = None


@dataclass
class DebContents(Generic[R]):
    control: dict[str, str] = field(default_factory=dict)
    #: What ``examine`` made of each member that is a model or may hold pickles.
    files: list[R] = field(default_factory=list)
    problems: list[tuple[str, str]] = field(default_factory=list)
    texts: dict[str, bytes] = field(default_factory=dict)


def _normalise(name: str) -> str:
    name = name[2:] if name.startswith("./") else name
    return name.rstrip("/")


def _escapes(name: str) -> str | None:
    if name.startswith("/"):
        return "absolute path"
    depth = 0
    for part in PurePosixPath(name).parts:
        depth += -1 if part == ".." else (0 if part == "." else 1)
        if depth < 0:
            return "path climbs out with .."
    return None


def _link_escapes(member: str, target: str) -> bool:
    """A relative link target that climbs above the package root."""
    if target.startswith("/"):
        return False  # absolute links point into the installed system, as dpkg installs them
    return _escapes(str(PurePosixPath(member).parent / target)) is not None


def _open_data(deb: Path, f: BinaryIO, m: ArMember) -> tuple[tarfile.TarFile, subprocess.Popen | None]:
    if m.name.endswith(".zst"):
        proc = subprocess.Popen(["dpkg-deb", "--fsys-tarfile", str(deb)],
                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        assert proc.stdout is not None
        return tarfile.open(fileobj=proc.stdout, mode="r|"), proc
    stream = io.BufferedReader(_Window(f, m.size, m.offset), CHUNK)
    return tarfile.open(fileobj=stream, mode="r|*"), None


def _read_control(f: BinaryIO, m: ArMember, display: str) -> dict[str, str]:
    from dh_aimodel.packaging.pydebian import deb822

    Deb822 = deb822().Deb822

    if m.name.endswith(".zst"):  # the standard library has no zstd: dpkg-deb decompresses
        proc = subprocess.run(["dpkg-deb", "--ctrl-tarfile", display], capture_output=True,
                              check=False)
        if proc.returncode:
            raise PackagingError("dpkg-deb --ctrl-tarfile failed: "
                                 f"{proc.stderr.decode(errors='replace').strip()[-200:]}",
                                 Pos(display, 1, 1))
        stream: BinaryIO = io.BytesIO(proc.stdout[:TEXT_CAP * 4])
    else:
        stream = io.BufferedReader(_Window(f, m.size, m.offset))
    with tarfile.open(fileobj=stream, mode="r|*") as tar:
        for info in tar:
            if _normalise(info.name) == "control" and info.isfile() and info.size <= TEXT_CAP:
                data = tar.extractfile(info).read(TEXT_CAP)  # type: ignore[union-attr]
                return dict(Deb822(data.decode("utf-8", "replace").splitlines()))
    raise PackagingError("no control file in control.tar; the .deb is corrupt",
                         Pos(display, 1, 1))


def _stream_member(fh: BinaryIO, size: int, keep_tail: bool) -> tuple[bytes, bytes, str]:
    """(head, tail, sha256) of a member read once, in CHUNK pieces."""
    digest = hashlib.sha256()
    head = bytearray()
    tail: deque[bytes] = deque()
    tail_len = 0
    while True:
        chunk = fh.read(CHUNK)
        if not chunk:
            break
        digest.update(chunk)
        if len(head) < HEAD_KEEP:
            head += chunk[:HEAD_KEEP - len(head)]
        if keep_tail:
            tail.append(chunk)
            tail_len += len(chunk)
            while tail_len - len(tail[0]) >= TAIL_KEEP:
                tail_len -= len(tail.popleft())
    tail_bytes = b""
    if keep_tail and size > HEAD_KEEP:
        tail_bytes = b"".join(tail)
        tail.clear()
        if len(tail_bytes) > TAIL_KEEP:
            tail_bytes = memoryview(tail_bytes)[-TAIL_KEEP:]  # type: ignore[assignment]
    return head, tail_bytes, digest.hexdigest()  # type: ignore[return-value]


def read_deb(deb: Path | str, examine: Callable[[Member], R | None],
             wanted_text: Callable[[str], bool] = lambda p: False) -> DebContents[R]:
    """Control fields, archive problems and what ``examine`` makes of each member
    that is a model or may hold pickles.

    ``examine`` gets the member (head, tail, sha256) while the archive
    streams, and only what it returns is kept (None: nothing): a member's
    bytes, up to :data:`HEAD_KEEP` + :data:`TAIL_KEEP`, are alive during its
    own call only, so memory stays flat however many models a package ships.
    ``wanted_text`` says which small files to keep whole (copyright,
    README.aimodel, the Lintian override file).
    """
    from dh_aimodel.formats import SNIFF_BYTES, looks_like_model, may_hold_pickles

    deb = Path(deb)
    display = str(deb)
    out: DebContents[R] = DebContents()
    try:
        f = open(deb, "rb")
    except OSError as exc:
        raise PackagingError(f"cannot read: {exc.strerror}", Pos(display, 1, 1)) from exc
    with f:
        members = ar_members(f, display)
        ctl = next((m for m in members if m.name.startswith("control.tar")), None)
        data = next((m for m in members if m.name.startswith("data.tar")), None)
        if ctl is None or data is None:
            raise PackagingError("no control.tar.* or data.tar.* member; the .deb is corrupt",
                                 Pos(display, 1, 1))
        out.control = _read_control(f, ctl, display)
        tar, proc = _open_data(deb, f, data)
        try:
            for info in _safe_iter(tar, display):
                name = _normalise(info.name)
                if not name or name == ".":
                    continue
                bad = _escapes(name)
                if bad:
                    out.problems.append((name, bad))
                    continue
                if info.issym() and _link_escapes(name, info.linkname):
                    out.problems.append((name, f"symbolic link to {info.linkname}"))
                    continue
                if info.islnk():
                    target = _normalise(info.linkname)
                    if _escapes(target):
                        out.problems.append((name, f"hard link to {info.linkname}"))
                    continue
                if not info.isfile():
                    continue
                fh = tar.extractfile(info)
                if fh is None:
                    continue
                head = fh.read(SNIFF_BYTES)
                if wanted_text(name) and info.size <= TEXT_CAP:
                    out.texts[name] = head + fh.read(TEXT_CAP)
                base = PurePosixPath(name).name
                if not (looks_like_model(head, base) or may_hold_pickles(head, base)):
                    continue  # tarfile skips the rest of the member unread
                stream = io.BufferedReader(_Prefixed(head, fh), CHUNK)
                rest_head, tail, sha = _stream_member(stream, info.size, True)
                examined = examine(Member(name, info.size, bytes(rest_head[:SNIFF_BYTES]), sha,
                                          Sparse(rest_head, tail, info.size)))
                if examined is not None:
                    out.files.append(examined)
        finally:
            tar.close()
            if proc is not None:
                proc.stdout.close()  # type: ignore[union-attr]
                proc.wait()
    return out


def _safe_iter(tar: tarfile.TarFile, display: str) -> Iterator[tarfile.TarInfo]:
    try:
        yield from tar
    except (tarfile.TarError, EOFError, OSError, ValueError) as exc:
        raise PackagingError(f"data.tar is damaged: {exc}", Pos(display, 1, 1)) from exc


class _Prefixed(io.RawIOBase):
    """Bytes already read, then the rest of a stream."""

    def __init__(self, first: bytes, rest: IO[bytes]) -> None:
        self.first, self.rest = first, rest

    def readable(self) -> bool:
        return True

    def readinto(self, b: Any) -> int:  # b: a writable buffer
        if self.first:
            n = min(len(b), len(self.first))
            b[:n] = self.first[:n]
            self.first = self.first[n:]
            return n
        data = self.rest.read(len(b))
        b[:len(data)] = data
        return len(data)


__all__ = ["AimodelError", "DebContents", "Member", "Sparse", "read_deb", "ar_members"]
