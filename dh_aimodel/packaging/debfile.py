"""Read a .deb in Python: the ar archive, its control file and its data.tar.*.

The data archive is read in one forward pass (``tarfile`` stream mode over
the standard library's gz/xz/lzma/bz2 readers or the uncompressed tar, or
over ``dpkg-deb --fsys-tarfile`` for zstd, which the standard library cannot
decompress).  Nothing is extracted to disk.  Every
regular member is hashed as it streams by and recorded with its size, and
every link with its target, so that a declared file of any format (a Sphinx
``mdef``, a gnubg ``.weights``, an executable that embeds a model) is found
by its path and content.  Of a model file, or of a file that may hold
pickles, a bounded head and tail are kept in memory besides (enough for
every header :mod:`dh_aimodel.formats` reads, and for the central directory
of a PyTorch zip).  Members with absolute or ``..`` names and links leading
out of the tree are reported, never followed.
"""

from __future__ import annotations

import bz2
import gzip
import hashlib
import io
import lzma
import subprocess
import tarfile
import zlib
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO, Any, BinaryIO, Callable, Generic, Iterator, TypeVar, cast

from dh_aimodel.core.errors import AimodelError, PackagingError, Pos
from dh_aimodel.core.limits import LimitExceeded, active, human_size, shown
from dh_aimodel.formats.bounded import _Window
from dh_aimodel.formats.embedded_families import ELF_MAGIC, EmbeddedScanner
from dh_aimodel.formats.families import Recognised

#: What the caller of :func:`read_deb` makes of a member.
R = TypeVar("R")

#: Bytes kept from the start and from the end of a model member.
HEAD_KEEP = 8 * 1024 * 1024
TAIL_KEEP = 8 * 1024 * 1024
CHUNK = 1024 * 1024
AR_MAGIC = b"!<arch>\n"


@dataclass(frozen=True, slots=True)
class ArMember:
    name: str
    offset: int
    size: int


def ar_members(f: BinaryIO, display: str) -> list[ArMember]:
    """The members of an ar archive (the .deb container), without reading their data.

    Each size is checked before it is used: a negative or non-decimal size,
    or one running past the end of the file, is a damaged .deb (a negative
    one used to seek backwards for ever), and more than the ``ar-members``
    limit of them is refused.
    """
    if f.read(8) != AR_MAGIC:
        raise PackagingError("not a Debian binary package (no ar header); accepted: a .deb "
                             "built by dpkg-deb", Pos(display, 1, 1))
    end = f.seek(0, io.SEEK_END)
    f.seek(8)
    members: list[ArMember] = []
    while True:
        header = f.read(60)
        if not header:
            break
        if len(header) < 60 or header[58:60] != b"`\n":
            raise PackagingError("truncated or damaged ar member header; the .deb is "
                                 "corrupt", Pos(display, 1, 1))
        name = header[:16].decode("ascii", "replace").strip().rstrip("/")
        field = header[48:58].strip()
        if not field.isdigit():
            raise PackagingError(f"ar member '{name}' has a bad size "
                                 f"({field.decode('ascii', 'replace')!r}); the .deb is "
                                 "corrupt", Pos(display, 1, 1))
        size = int(field)
        offset = f.tell()
        if offset + size > end:
            raise PackagingError(f"ar member '{name}' runs past the end of the file "
                                 f"({size} bytes from offset {offset} of {end}); the .deb "
                                 "is truncated", Pos(display, 1, 1))
        if len(members) == active().ar_members:
            raise LimitExceeded("ar-members", f"more than {len(members)} ar members, the "
                                "ar-members limit",
                                Pos(display, 1, 1))
        members.append(ArMember(name, offset, size))
        f.seek(offset + size + (size & 1))
    return members


#: The compressions dpkg-deb accepts for each member (its extract.c).
CONTROL_SUFFIXES = ("", ".gz", ".xz", ".zst")
DATA_SUFFIXES = ("", ".gz", ".xz", ".lzma", ".bz2", ".zst")


@dataclass(frozen=True, slots=True)
class DebLayout:
    """The members of a .deb that dpkg-deb reads, and the ones it ignores."""

    control: ArMember
    data: ArMember
    #: Members after data.tar.* (dpkg-deb ignores them; ``ar x`` extracts them).
    trailing: tuple[ArMember, ...]


def deb_layout(f: BinaryIO, display: str) -> DebLayout:
    """The members as dpkg-deb reads them, refusing what it refuses.

    debian-binary (``2.x``) first; then control.tar.* and data.tar.* in this
    order, with members named ``_…`` (signatures) ignored anywhere between;
    anything else before data.tar is a damaged package, as dpkg-deb says
    ("premature member").  Members after data.tar are returned: dpkg-deb
    installs the first data.tar and ignores them, but other extractors take
    the last one of a name, so a second data.tar is how a package shows
    one payload to a scanner and installs another.
    """
    members = ar_members(f, display)
    pos = Pos(display, 1, 1)
    accepted = "accepted: debian-binary, control.tar.*, data.tar.* in this order, as dpkg-deb reads them"
    if not members or members[0].name != "debian-binary":
        first = members[0].name if members else "nothing"
        raise PackagingError(f"the first ar member is {first!r}, not debian-binary; {accepted}",
                             pos)
    f.seek(members[0].offset)
    if not f.read(min(members[0].size, 16)).startswith(b"2."):
        raise PackagingError(f"debian-binary is not format 2.x; {accepted}", pos)
    wanted = [("control.tar", CONTROL_SUFFIXES), ("data.tar", DATA_SUFFIXES)]
    found: list[ArMember] = []
    rest = [m for m in members[1:] if not m.name.startswith("_")]
    for m in rest[:2]:
        prefix, suffixes = wanted[len(found)]
        if not m.name.startswith(prefix):
            raise PackagingError(f"ar member {m.name!r} comes before {prefix}; {accepted}", pos)
        if m.name[len(prefix):] not in suffixes:
            raise PackagingError(f"{m.name}: unknown compression; accepted: "
                                 f"{', '.join(prefix + x for x in suffixes)}", pos)
        found.append(m)
    if len(found) < 2:
        raise PackagingError(f"no {wanted[len(found)][0]}.* member; the .deb is corrupt", pos)
    return DebLayout(found[0], found[1], tuple(rest[2:]))


def read_control(deb: Path | str) -> dict[str, str]:
    """The control fields of a .deb, from control.tar only (data.tar is not touched)."""
    display = str(deb)
    try:
        f = open(deb, "rb")
    except OSError as exc:
        raise PackagingError(f"cannot read: {exc.strerror}", Pos(display, 1, 1)) from exc
    with f:
        return _read_control(Path(deb), f, deb_layout(f, display).control, display)


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
    #: The models compiled or embedded into this member, an ELF file
    #: (:mod:`dh_aimodel.formats.embedded_families`, scanned as it streamed).
    embedded: tuple[Recognised, ...] = ()


@dataclass(frozen=True, slots=True)
class Entry:
    """A regular member of data.tar: what says a file is there, and with which bytes."""

    path: str
    size: int
    sha256: str


@dataclass(frozen=True, slots=True)
class Link:
    """A symbolic or hard link of data.tar, as the archive has it."""

    path: str
    #: A symbolic link's target as written (relative to its directory, or
    #: absolute: from the package root once installed); a hard link's is the
    #: archive path of the member it shares its data with.
    target: str
    hard: bool


#: Links followed at most while resolving one path (Linux's own limit).
MAX_LINKS = 40


@dataclass
class DebContents(Generic[R]):
    control: dict[str, str] = field(default_factory=dict)
    #: What ``examine`` made of each member that is a model or may hold pickles.
    files: list[R] = field(default_factory=list)
    problems: list[tuple[str, str]] = field(default_factory=list)
    texts: dict[str, bytes] = field(default_factory=dict)
    #: Every regular member, by path (links are in :attr:`links`).
    entries: dict[str, Entry] = field(default_factory=dict)
    #: Every symbolic and hard link that stays inside the package, by path.
    links: dict[str, Link] = field(default_factory=dict)
    #: The limit that stopped the reading, if one did (:mod:`dh_aimodel.core.limits`):
    #: what was read before it is here, the rest of the package is not.
    exceeded: list[str] = field(default_factory=list)

    def resolve(self, path: str) -> Entry | None:
        """The regular member that ``path`` names once installed, through links.

        Symbolic links (also on a directory of the path) and hard links are
        followed as the installed system would follow them, an absolute
        target from the package root; None when no regular member is there,
        the path leaves the package, or links loop.
        """
        found = self.entries.get(path)
        if found is not None or not self.links:
            return found
        pending = [p for p in path.split("/") if p not in ("", ".")]
        done: list[str] = []
        hops = 0
        while pending:
            part = pending.pop(0)
            if part == "..":
                if not done:
                    return None
                done.pop()
                continue
            link = self.links.get("/".join((*done, part)))
            if link is None:
                done.append(part)
                continue
            hops += 1
            if hops > MAX_LINKS:
                return None
            if link.hard or link.target.startswith("/"):
                done = []
            pending[:0] = [p for p in link.target.split("/") if p not in ("", ".")]
        return self.entries.get("/".join(done))


def _normalise(name: str) -> str:
    name = name[2:] if name.startswith("./") else name
    return name.rstrip("/")


def _escapes(name: str) -> str | None:
    if name.startswith("/"):
        return "absolute path"
    if ".." not in name:  # nearly every member: no walk (this runs for each of them)
        return None
    depth = 0
    for part in name.split("/"):
        depth += -1 if part == ".." else (0 if part in ("", ".") else 1)
        if depth < 0:
            return "path climbs out with .."
    return None


def _link_escapes(member: str, target: str) -> bool:
    """A relative link target that climbs above the package root."""
    if target.startswith("/"):
        return False  # absolute links point into the installed system, as dpkg installs them
    return _escapes(str(PurePosixPath(member).parent / target)) is not None


#: Decompressors of the tar members by their name's suffix (what dpkg-deb goes by too).
_DECOMPRESSORS: dict[str, Callable[[io.BufferedReader], IO[bytes]]] = {
    ".gz": lambda raw: cast(IO[bytes], gzip.GzipFile(fileobj=raw, mode="rb")),  # no IO to typeshed
    ".xz": lzma.LZMAFile,
    ".lzma": lzma.LZMAFile,
    ".bz2": bz2.BZ2File,
    "": lambda raw: raw,
}


class _Budgeted(io.RawIOBase):
    """A decompressed stream that stops at ``budget`` bytes (an expansion bomb)."""

    def __init__(self, raw: IO[bytes], budget: int, limit: str, what: str,
                 display: str) -> None:
        self.raw, self.budget, self.limit, self.what, self.display = (
            raw, budget, limit, what, display)
        self.count = 0

    def readable(self) -> bool:
        return True

    def readinto(self, b: Any) -> int:  # b: a writable buffer
        n = self.raw.readinto(b) or 0  # type: ignore[attr-defined]
        self.count += n
        if self.count > self.budget:
            raise LimitExceeded(self.limit, self.what, Pos(self.display, 1, 1))
        return n

    def left(self) -> int:
        return self.budget - self.count


class _BoundedInfo(tarfile.TarInfo):
    """tarfile's member header, refusing a pax or GNU long-name record larger
    than the ``tar-header`` limit before tarfile reads it whole into memory."""

    _RECORDS = (tarfile.XHDTYPE, tarfile.XGLTYPE, tarfile.SOLARIS_XHDTYPE,
                tarfile.GNUTYPE_LONGNAME, tarfile.GNUTYPE_LONGLINK)

    def _proc_member(self, tarfile: tarfile.TarFile) -> tarfile.TarInfo:
        if self.type in self._RECORDS and self.size > active().tar_header:
            raise LimitExceeded("tar-header", f"a tar header record of {human_size(self.size)} "
                                f"before {self.name!r}, beyond the tar-header limit of "
                                f"{shown('tar-header')}")
        return super()._proc_member(tarfile)  # type: ignore[misc]


class _TarStream:
    """One tar member of the .deb, decompressed by us (or dpkg-deb for zstd)
    under a byte budget, read forward once."""

    def __init__(self, deb: Path, f: BinaryIO, m: ArMember, display: str, budget: int,
                 limit: str, what: str) -> None:
        self.proc: subprocess.Popen | None = None
        suffix = m.name.partition(".tar")[2]
        if suffix == ".zst":  # the standard library cannot decompress zstd
            option = "--ctrl-tarfile" if m.name.startswith("control") else "--fsys-tarfile"
            self.proc = subprocess.Popen(["dpkg-deb", option, str(deb)], stdout=subprocess.PIPE,
                                         stderr=subprocess.DEVNULL)
            assert self.proc.stdout is not None
            raw: IO[bytes] = self.proc.stdout
        else:
            raw = _DECOMPRESSORS[suffix](io.BufferedReader(_Window(f, m.size, m.offset), CHUNK))
        self.budget = _Budgeted(raw, budget, limit, what, display)
        self.display, self.member = display, m.name
        try:
            self.tar = tarfile.open(fileobj=io.BufferedReader(self.budget, CHUNK), mode="r|",
                                    tarinfo=_BoundedInfo)
        except _DAMAGED as exc:
            self.close()
            raise _damaged(display, exc, m.name) from exc
        except LimitExceeded:
            self.close()
            raise

    def __iter__(self) -> Iterator[tarfile.TarInfo]:
        """The members in archive order, each forgotten once passed (tarfile
        keeps a list of every member it read, a million for a package of a
        million files)."""
        while True:
            try:
                info = self.tar.next()
            except _DAMAGED as exc:
                raise _damaged(self.display, exc, self.member) from exc
            if info is None:
                return
            self.tar.members.clear()  # type: ignore[attr-defined]
            yield info

    def close(self) -> None:
        if self.proc is not None:
            self.proc.kill()
            self.proc.stdout.close()  # type: ignore[union-attr]
            self.proc.wait()


def _read_control(deb: Path, f: BinaryIO, m: ArMember, display: str) -> dict[str, str]:
    from dh_aimodel.packaging.pydebian import deb822

    Deb822 = deb822().Deb822
    stream = _TarStream(deb, f, m, display, active().control, "control",
                        f"{m.name} expands beyond the control limit of {shown('control')}")
    try:
        for info in stream:
            if _normalise(info.name) == "control" and info.isfile() and info.size <= active().text:
                data = stream.tar.extractfile(info).read()  # type: ignore[union-attr]
                return dict(Deb822(data.decode("utf-8", "replace").splitlines()))
    finally:
        stream.close()
    raise PackagingError("no control file in control.tar; the .deb is corrupt",
                         Pos(display, 1, 1))


def _digest(first: bytes, rest: io.RawIOBase, size: int,
            scanner: EmbeddedScanner | None = None) -> str:
    """sha256 of a member of ``size`` bytes: those already read, then the rest
    read into one buffer of at most CHUNK bytes (sized to what is left, as
    most members are small and a zeroed megabyte each would cost more than
    their hashing).  An ELF member's bytes go to ``scanner`` too."""
    digest = hashlib.sha256(first)
    if scanner is not None:
        scanner.feed(first)
    left = size - len(first)
    if left > 0:
        buf = bytearray(min(CHUNK, left))
        view = memoryview(buf)
        while n := rest.readinto(buf):
            digest.update(view[:n])
            if scanner is not None:
                scanner.feed(view[:n])
    return digest.hexdigest()


def _stream_member(fh: BinaryIO, size: int, keep_tail: bool,
                   scanner: EmbeddedScanner | None = None) -> tuple[bytes, bytes, str]:
    """(head, tail, sha256) of a member read once, in CHUNK pieces (each also
    fed to ``scanner`` for an ELF member)."""
    digest = hashlib.sha256()
    head = bytearray()
    tail: deque[bytes] = deque()
    tail_len = 0
    while True:
        chunk = fh.read(CHUNK)
        if not chunk:
            break
        digest.update(chunk)
        if scanner is not None:
            scanner.feed(chunk)
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
    """Control fields, archive problems, every member's path, size and sha256,
    every link, and what ``examine`` makes of each member that is a model,
    may hold pickles, or is an ELF file with a model compiled in.

    ``examine`` gets the member (head, tail, sha256) while the archive
    streams, and only what it returns is kept (None: nothing): a member's
    bytes, up to :data:`HEAD_KEEP` + :data:`TAIL_KEEP`, are alive during its
    own call only, so memory stays flat however many models a package ships.
    Any other member is hashed :data:`CHUNK` by :data:`CHUNK` and forgotten.
    Every ELF member (executable, library) is also scanned for embedded
    models while it is hashed (:class:`EmbeddedScanner`); one with hits is
    examined with them in :attr:`Member.embedded`, and, when it is no model
    candidate, with its first :data:`~dh_aimodel.formats.SNIFF_BYTES` bytes
    as ``head`` and no ``sparse``.
    ``wanted_text`` says which small files to keep whole (copyright,
    README.aimodel, the Lintian override file).
    """
    deb = Path(deb)
    display = str(deb)
    out: DebContents[R] = DebContents()
    try:
        f = open(deb, "rb")
    except OSError as exc:
        raise PackagingError(f"cannot read: {exc.strerror}", Pos(display, 1, 1)) from exc
    with f:
        layout = deb_layout(f, display)
        out.control = _read_control(deb, f, layout.control, display)
        for m in layout.trailing:
            out.problems.append((m.name, f"an ar member after {layout.data.name}, which "
                                 "dpkg-deb ignores and other extractors may take instead"))
        limits = active()
        size = f.seek(0, io.SEEK_END)
        budget = max(limits.deb_floor, limits.deb_expansion * size)
        what = (f"{layout.data.name} expands beyond {human_size(budget)}, the deb-expansion "
                f"limit ({limits.deb_expansion} times the .deb's {human_size(size)}, at "
                f"least the deb-floor of {shown('deb-floor')})")

        def data() -> _TarStream:
            return _TarStream(deb, f, layout.data, display, budget, "deb-expansion", what)

        examined: set[str] = set()
        try:
            _read_data(data(), out, examine, wanted_text, examined)
            pending = _behind_links(out, examined)
            if pending:
                _read_data(data(), out, examine, wanted_text, examined, pending)
        except LimitExceeded as exc:
            out.exceeded.append(exc.problems[0].message)
    return out


def _behind_links(out: DebContents[R], examined: set[str]) -> dict[str, str]:
    """Members not examined that a link with a model's or pickle's name leads to:
    target path -> the link's path, which they are examined as."""
    from dh_aimodel.formats import PICKLE_NAMES, looks_like_model

    pending: dict[str, str] = {}
    for link in out.links.values():
        base = link.path.rpartition("/")[2]
        if not (looks_like_model(b"", base) or base.lower().endswith(PICKLE_NAMES)):
            continue
        entry = out.resolve(link.path)
        if entry is not None and entry.path not in examined:
            pending.setdefault(entry.path, link.path)
    return pending


def _read_data(stream: _TarStream, out: DebContents[R], examine: Callable[[Member], R | None],
               wanted_text: Callable[[str], bool], examined: set[str],
               only: dict[str, str] | None = None) -> None:
    """One forward pass over data.tar into ``out``; with ``only``, a second
    one that examines just those members, each under the name of the link
    that leads to it (a pickle saved as ``blob`` and installed as
    ``model.pkl`` through a link is read as the ``model.pkl`` it is loaded as).
    """
    from dh_aimodel.formats import SNIFF_BYTES, looks_like_model, may_hold_pickles
    from dh_aimodel.formats.families import RECOGNISE_BYTES, routed

    display = stream.display
    try:
        for info in stream:
            name = _normalise(info.name)
            if not name or name == ".":
                continue
            if only is not None:
                if name in only and info.isfile():
                    _examine_whole(stream, info, only[name], out, examine)
                continue
            bad = _escapes(name)
            if bad:
                out.problems.append((name, bad))
                continue
            out.entries.pop(name, None)  # a later member of the same name replaces it
            out.links.pop(name, None)
            if info.issym():
                if _link_escapes(name, info.linkname):
                    out.problems.append((name, f"symbolic link to {info.linkname}"))
                else:
                    out.links[name] = Link(name, info.linkname, False)
                continue
            if info.islnk():
                target = _normalise(info.linkname)
                if _escapes(target):
                    out.problems.append((name, f"hard link to {info.linkname}"))
                else:
                    out.links[name] = Link(name, target, True)
                continue
            if not info.isfile():
                continue
            if info.sparse is not None:
                out.problems.append((name, "a sparse member, which dpkg does not install "
                                     "as the file it stands for"))
                continue
            if info.size > stream.budget.left():
                raise LimitExceeded("deb-expansion", f"{name} claims "
                                    f"{human_size(info.size)}: {stream.budget.what}",
                                    Pos(display, 1, 1))
            member = stream.tar.extractfile(info)
            if member is None:
                continue
            fh = _Guarded(cast(io.BufferedReader, member), display)  # tarfile's ExFileObject
            # Most members are small: one read takes the whole of them.
            first = fh.read(min(info.size, CHUNK)) or b""
            head = first[:SNIFF_BYTES]
            if wanted_text(name) and info.size <= active().text:
                first = out.texts[name] = first + (fh.read() or b"")
            base = name.rpartition("/")[2]  # not PurePosixPath: this runs for every member
            scanner = EmbeddedScanner(name, info.size) if first[:4] == ELF_MAGIC else None
            if not (looks_like_model(head, base) or may_hold_pickles(head, base)
                    or (scanner is None and routed(name, first[:RECOGNISE_BYTES]))):
                sha = _digest(first, fh, info.size, scanner)
                out.entries[name] = Entry(name, info.size, sha)
                embedded = scanner.result() if scanner is not None else ()
                if embedded:
                    examined.add(name)
                    _keep(out, examine(Member(name, info.size, head, sha, embedded=embedded)))
                continue
            rest_head, tail, sha = _stream_member(
                io.BufferedReader(_Prefixed(first, fh), CHUNK), info.size, True, scanner)
            out.entries[name] = Entry(name, info.size, sha)
            examined.add(name)
            _keep(out, examine(Member(name, info.size, bytes(rest_head[:SNIFF_BYTES]), sha,
                                      Sparse(rest_head, tail, info.size),
                                      scanner.result() if scanner is not None else ())))
    finally:
        stream.close()


def _examine_whole(stream: _TarStream, info: tarfile.TarInfo, as_path: str,
                   out: DebContents[R], examine: Callable[[Member], R | None]) -> None:
    from dh_aimodel.formats import SNIFF_BYTES

    member = stream.tar.extractfile(info)
    if member is None:
        return
    fh = io.BufferedReader(_Guarded(cast(io.BufferedReader, member), stream.display), CHUNK)
    head, tail, sha = _stream_member(fh, info.size, True)
    _keep(out, examine(Member(as_path, info.size, bytes(head[:SNIFF_BYTES]), sha,
                              Sparse(head, tail, info.size))))


def _keep(out: DebContents[R], examined: R | None) -> None:
    if examined is not None:
        out.files.append(examined)


#: What tarfile and the decompressors raise on a truncated or corrupt data.tar,
#: between members or inside one.
_DAMAGED = (tarfile.TarError, EOFError, OSError, ValueError, zlib.error, lzma.LZMAError)


def _damaged(display: str, exc: BaseException, member: str = "data.tar") -> PackagingError:
    return PackagingError(f"{member} is damaged: {exc}", Pos(display, 1, 1))


class _Guarded(io.RawIOBase):
    """A member's data, whose read errors (a truncated or corrupt data.tar, found
    only when the member is read) are reported as a damaged package."""

    def __init__(self, member: io.BufferedReader, display: str) -> None:
        self.member, self.display = member, display

    def readable(self) -> bool:
        return True

    def readinto(self, b: Any) -> int:  # b: a writable buffer
        try:
            return self.member.readinto(b)
        except _DAMAGED as exc:
            raise _damaged(self.display, exc) from exc


class _Prefixed(io.RawIOBase):
    """Bytes already read, then the rest of a stream."""

    def __init__(self, first: bytes, rest: io.RawIOBase) -> None:
        self.first, self.rest = first, rest

    def readable(self) -> bool:
        return True

    def readinto(self, b: Any) -> int:  # b: a writable buffer
        if self.first:
            n = min(len(b), len(self.first))
            b[:n] = self.first[:n]
            self.first = self.first[n:]
            return n
        return self.rest.readinto(b) or 0


__all__ = ["AimodelError", "DebContents", "DebLayout", "Entry", "Link", "Member", "Sparse",
           "ar_members", "deb_layout", "read_control", "read_deb"]
