"""Trained nets and tables compiled into executables and libraries (ELF).

A package nobody declared may carry a model inside a program: Stockfish
embeds its NNUE nets with incbin (``/usr/games/stockfish``, 47 MB in
bookworm, 79 MB with two nets in trixie), libopus compiles its analysis MLP
(``src/mlp_data.c``) and, from 1.5, the DNN weights of ``dnn/*_data.c``,
WebRTC its RNN VAD (``_ZN7rnnoise18kInputDenseWeightsE`` in .dynsym),
flite its voices (``register_cmu_us_slt``), CLD2 its n-gram tables
(``_ZN4CLD29kQuad_objE``), mozc its data set (``\\xefMOZC\\r\\n`` inside
``mozc_server``).  The evidence is data (``data/families/embedded.yaml``,
key ``embedded``); this module finds it in one forward pass over the file,
as a .deb streams it: :class:`EmbeddedScanner` is fed the file's bytes in
order and never holds more than a bounded prefix (the dynamic-symbol
region, at most :data:`ARM_CAP`), the section headers and a window after
each NNUE header.

The cost is what matters: the scanner runs on every ELF member of every
package.  Python's ``re`` tries every alternative of a pattern at every
candidate position (about 100 MB/s for the whole rule set), ``bytes.find``
runs at 1-2.5 GB/s per pattern; so the file is searched in two tiers.  The
rules are *armed* by names in the dynamic-symbol region (the first,
read-only segment, where the linker puts .dynsym and .dynstr: a few KB to
2 MB) or by path globs, searched once with one expression; only an armed
rule's byte patterns are then looked for in the rest of the file, with
``bytes.find``.  A rule that nothing arms (Stockfish's NNUE version, four
bytes) is looked for everywhere, so such rules are kept to one or two
short patterns.  At the end, the symbols a rule requires are checked
against what the file *defines* (.dynsym, through the section headers
captured as they streamed by): a program that imports ``register_cmu_us_slt``
does not contain the voice.
"""

from __future__ import annotations

import fnmatch
import io
import mmap
import re
import struct
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Final

from dh_aimodel.formats.base import KiB, MiB
from dh_aimodel.formats.families import Candidate, Recognised
from dh_aimodel.formats.nnue import NNUE_MAX_DESCRIPTION, nnue_head

ELF_MAGIC: Final = b"\x7fELF"
#: Largest dynamic-symbol region searched for arming names and kept for .dynsym.
ARM_CAP: Final = 4 * MiB
#: Bytes read first to find the program headers (they follow the ELF header).
_HEAD: Final = 64 * KiB
#: Longest identifier taken after a ``read`` prefix.
READ_MAX: Final = 64
#: Bytes kept from an NNUE header on: the header, the longest description
#: nnue.py accepts, and what its reader looks at after it.
NNUE_WINDOW: Final = 12 + NNUE_MAX_DESCRIPTION + 64
#: Largest section header table kept (65,535 headers of 64 bytes would be 4 MiB).
SHDR_CAP: Final = 1 * MiB
#: incbin aligns the size record that follows each included file to this.
_INCBIN_ALIGN: Final = 16
CHUNK: Final = 1 * MiB
#: A piece of the file as fed: a .deb member's read buffer is a memoryview.
Piece = bytes | bytearray | memoryview
_IDENT: Final = re.compile(rb"[A-Za-z0-9_.+~-]+")
_FEATURES: Final = re.compile(r"Features=([^,\s]+)")


def _literal(value: str) -> bytes:
    """A pattern of the data: ``hex:`` and hex digits, else UTF-8 text."""
    return bytes.fromhex(value[4:]) if value.startswith("hex:") else value.encode("utf-8")


@dataclass(frozen=True, slots=True)
class _Rule:
    """One entry of ``embedded:`` (see the opening comment of embedded.yaml)."""

    family: str
    arm_files: tuple[str, ...] = ()
    arm_names: tuple[bytes, ...] = ()
    symbols_all: tuple[bytes, ...] = ()
    symbols_any: tuple[bytes, ...] = ()
    bytes_all: tuple[bytes, ...] = ()
    bytes_any: tuple[bytes, ...] = ()
    read: tuple[tuple[str, bytes], ...] = ()
    parts: tuple[tuple[str, bytes], ...] = ()
    weights: tuple[bytes, ...] = ()
    width: int = 1
    reader: str | None = None
    fields: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))

    @property
    def patterns(self) -> tuple[bytes, ...]:
        """The byte strings searched for in the file once the rule is armed."""
        return (*self.bytes_all, *self.bytes_any, *(p for _, p in self.read),
                *(p for _, p in self.parts))

    @property
    def always(self) -> bool:
        return not (self.arm_files or self.arm_names)


def _pair(entry: Mapping, key: str) -> tuple[tuple[bytes, ...], tuple[bytes, ...]]:
    sub = entry.get(key) or {}
    return (tuple(_literal(v) for v in sub.get("all") or ()),
            tuple(_literal(v) for v in sub.get("any") or ()))


def _rule(fid: str, entry: Mapping) -> _Rule:
    sym_all, sym_any = _pair(entry, "symbols")
    byte_all, byte_any = _pair(entry, "bytes")
    arm = entry.get("arm") or {}
    weights = entry.get("weights") or {}
    reader = entry.get("reader")
    if reader not in (None, "nnue"):
        raise AssertionError(f"data/families/embedded.yaml: {fid}: unknown reader {reader!r}")
    return _Rule(
        family=fid, arm_files=tuple(arm.get("files") or ()),
        arm_names=tuple(dict.fromkeys((*(_literal(v) for v in arm.get("symbols") or ()),
                                       *sym_all, *sym_any))),
        symbols_all=sym_all, symbols_any=sym_any, bytes_all=byte_all, bytes_any=byte_any,
        read=tuple((k, _literal(v)) for k, v in (entry.get("read") or {}).items()),
        parts=tuple((k, _literal(v)) for k, v in (entry.get("parts") or {}).items()),
        weights=tuple(_literal(v) for v in weights.get("symbols") or ()),
        width=int(weights.get("width", 1)), reader=reader,
        fields=MappingProxyType({k: str(v) for k, v in (entry.get("fields") or {}).items()}))


@dataclass(frozen=True, slots=True)
class _Rules:
    rules: tuple[_Rule, ...]
    #: Every arming name in one expression, searched once in the symbol region.
    arming: re.Pattern[bytes] | None
    #: Bytes carried from one piece to the next: a pattern and its ``read`` tail.
    carry: int


@cache
def _rules() -> _Rules:
    """The ``embedded:`` rules of data/families/embedded.yaml (read once per process)."""
    from dh_aimodel.core.datafiles import load_yaml

    rules = tuple(_rule(fid, entry)
                  for fid, entry in (load_yaml("families/embedded.yaml").get("embedded")
                                     or {}).items())
    names = sorted({n for r in rules for n in r.arm_names}, key=lambda n: (-len(n), n))
    arming = re.compile(b"|".join(re.escape(n) for n in names)) if names else None
    longest = max((len(p) for r in rules for p in r.patterns), default=1)
    return _Rules(rules, arming, longest + READ_MAX)


# -- ELF structure ---------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class _Elf:
    """What the scan needs of an ELF header: byte order, width, where the section
    headers are, and where the dynamic-symbol region ends."""

    order: str
    wide: bool
    shoff: int
    shentsize: int
    shnum: int
    arm_end: int


def _elf(head: bytes, size: int) -> _Elf | None:
    """The ELF header of ``head`` (None: not ELF, or a header that does not hold).

    The dynamic-symbol region is the first PT_LOAD segment when it is not
    executable (GNU ld's ``-z separate-code``, the default on x86-64 and
    arm64), else the first :data:`ARM_CAP` bytes.
    """
    if len(head) < 52 or head[:4] != ELF_MAGIC or head[4] not in (1, 2) or head[5] not in (1, 2):
        return None
    wide, order = head[4] == 2, "<" if head[5] == 1 else ">"
    try:
        if wide:
            phoff, shoff = struct.unpack_from(order + "QQ", head, 32)
            phentsize, phnum, shentsize, shnum = struct.unpack_from(order + "4H", head, 54)
        else:
            phoff, shoff = struct.unpack_from(order + "II", head, 28)
            phentsize, phnum, shentsize, shnum = struct.unpack_from(order + "4H", head, 42)
    except struct.error:
        return None
    arm_end = min(size, ARM_CAP)
    for i in range(phnum):
        at = phoff + i * phentsize
        if at + (56 if wide else 32) > len(head):
            break
        if wide:
            p_type, p_flags, p_offset, _, _, p_filesz = struct.unpack_from(order + "IIQQQQ", head, at)
        else:
            p_type, p_offset, _, _, p_filesz, _, p_flags = struct.unpack_from(order + "7I", head, at)
        if p_type == 1:  # PT_LOAD: the first one decides
            if p_offset == 0 and not p_flags & 1:
                arm_end = min(arm_end, max(p_filesz, 1))
            break
    return _Elf(order, wide, shoff, shentsize, shnum, arm_end)


def _dynamic_symbols(elf: _Elf, prefix: bytes,
                     shdrs: bytes) -> tuple[bytes, dict[int, int]] | None:
    """The dynamic string table and, for each symbol the file defines, its name's
    offset there and its size; None when .dynsym is not in the kept prefix."""
    o = elf.order
    entry = 64 if elf.wide else 40
    if elf.shentsize < entry:
        return None
    sections = []
    for at in range(0, len(shdrs) - entry + 1, elf.shentsize):
        if elf.wide:
            _, sh_type, _, _, off, size, link = struct.unpack_from(o + "IIQQQQI", shdrs, at)
        else:
            _, sh_type, _, _, off, size, link = struct.unpack_from(o + "7I", shdrs, at)
        sections.append((sh_type, off, size, link))
    for sh_type, off, size, link in sections:
        if sh_type != 11 or link >= len(sections):  # SHT_DYNSYM and its string table
            continue
        _, str_off, str_size, _ = sections[link]
        if off + size > len(prefix) or str_off + str_size > len(prefix):
            return None
        sym = struct.Struct(o + ("IBBHQQ" if elf.wide else "IIIBBH"))
        defined: dict[int, int] = {}
        for fields in sym.iter_unpack(prefix[off:off + size - size % sym.size]):
            if elf.wide:
                name, _, _, shndx, _, st_size = fields
            else:
                name, _, st_size, _, _, shndx = fields
            if shndx:  # SHN_UNDEF: imported
                defined[name] = st_size
        return bytes(prefix[str_off:str_off + str_size]), defined
    return None


# -- the scan --------------------------------------------------------------------

@dataclass(slots=True)
class _Capture:
    """Bytes of the file from ``start`` on, up to ``length``, taken as they stream by."""

    start: int
    length: int
    buf: bytearray = field(default_factory=bytearray)

    def take(self, data: Piece, at: int) -> None:
        lo = max(self.start + len(self.buf), at)
        hi = min(self.start + self.length, at + len(data))
        if lo < hi:
            self.buf += data[lo - at:hi - at]


@dataclass(slots=True)
class _Net:
    """An NNUE header found in the file, its window and, once found, its size."""

    window: _Capture
    size: int | None = None


class EmbeddedScanner:
    """The embedded models of one file, fed its bytes in order.

    ``feed`` takes pieces of any size (a .deb member's CHUNK reads, slices of
    a mapped file); ``result`` ends the scan.  Anything not ELF costs one
    comparison per piece.  Hostile bytes only make evidence absent: every
    offset read from the file is checked against what was kept.
    """

    def __init__(self, path: str, size: int) -> None:
        self.path, self.size = path, size
        self.rules = _rules()
        self.dead = False
        self.elf: _Elf | None = None
        self.prefix = bytearray()
        self.decided = False
        self.pos = 0  # bytes of the file seen
        self.armed: tuple[_Rule, ...] = ()
        self.active: set[bytes] = set()  # patterns still looked for (first occurrence)
        self.every: frozenset[bytes] = frozenset()  # patterns each occurrence of which counts (NNUE)
        self.anchor = b""  # their common suffix, searched for them
        self.found: dict[bytes, bytes] = {}  # pattern -> what follows its first occurrence
        self.nets: list[_Net] = []
        self.shdrs: _Capture | None = None
        self.carry = b""

    # feeding

    def feed(self, data: Piece) -> None:
        """The next bytes of the file (copied where kept: the caller may reuse
        its buffer)."""
        if self.dead or not data:
            return
        if self.decided:
            self._consume(data)
            return
        self.prefix += data
        self.pos += len(data)
        if self.elf is None and len(self.prefix) >= min(self.size, _HEAD):
            self.elf = _elf(bytes(self.prefix[:_HEAD]), self.size)
            if self.elf is None:
                self.dead, self.prefix = True, bytearray()
                return
        if self.elf is not None and len(self.prefix) >= self.elf.arm_end:
            self._decide()

    def _decide(self) -> None:
        """Arm the rules from the symbol region, then search the prefix kept so far."""
        assert self.elf is not None
        region = bytes(self.prefix[:self.elf.arm_end])
        names = set(self.rules.arming.findall(region)) if self.rules.arming else set()
        self.armed = tuple(r for r in self.rules.rules if r.always or names & set(r.arm_names)
                           or any(fnmatch.fnmatchcase(self.path, g) for g in r.arm_files))
        every = {p for r in self.armed if r.reader for p in r.bytes_any}
        self.anchor = _common_suffix(every)
        self.every = frozenset(every)
        self.active = {p for r in self.armed for p in r.patterns} - every
        e = self.elf
        table = e.shentsize * e.shnum
        if 0 < table <= SHDR_CAP and e.shoff + table <= self.size:
            self.shdrs = _Capture(e.shoff, table)
        self.decided = True
        seen, self.pos = bytes(self.prefix), 0
        self.prefix = bytearray(region)  # .dynsym and .dynstr: read at the end
        self._consume(seen)

    def _consume(self, data: Piece) -> None:
        at = self.pos
        self.pos += len(data)
        if self.shdrs is not None:
            self.shdrs.take(data, at)
        for net in self.nets:
            net.window.take(data, at)
        if not (self.active or self.every or any(n.size is None for n in self.nets)):
            return
        window = self.carry + data
        self._search(window, at - len(self.carry), final=False)
        self.carry = window[-self.rules.carry:]

    def _search(self, window: bytes, start: int, final: bool) -> None:
        """Look for the patterns that start in ``window`` before its last
        :attr:`_Rules.carry` bytes (those are searched with the next piece),
        or anywhere in it at the end of the file."""
        limit = len(window) if final else len(window) - self.rules.carry
        if limit <= 0:
            return
        for pat in tuple(self.active):
            i = window.find(pat, 0, limit + len(pat) - 1)
            if i >= 0:
                self.active.discard(pat)
                self.found[pat] = window[i + len(pat):i + len(pat) + READ_MAX]
        # one search for the suffix the NNUE versions share, then each version
        anchor = self.anchor
        i = window.find(anchor, 0, limit + len(anchor) - 1) if anchor else -1
        while i >= 0:
            for pat in self.every:
                at = i + len(anchor) - len(pat)
                if at >= 0 and window.startswith(pat, at):
                    self._net(window, start, at)
            i = window.find(anchor, i + 1, limit + len(anchor) - 1)
        for net in self.nets:
            if net.size is None:
                net.size = _incbin_size(window, start, net.window.start, self.elf)

    def _net(self, window: bytes, start: int, i: int) -> None:
        at = start + i
        if any(n.window.start == at for n in self.nets):
            return
        if nnue_head(window[i:i + 12 + 256], ".nnue"):
            net = _Net(_Capture(at, NNUE_WINDOW))
            net.window.take(window, start)
            self.nets.append(net)

    # the end

    def result(self) -> tuple[Recognised, ...]:
        """What the file holds, in the order of the rules; () for no ELF file."""
        if self.dead:
            return ()
        if not self.decided:
            if self.elf is None:
                self.elf = _elf(bytes(self.prefix[:_HEAD]), self.size)
                if self.elf is None:
                    return ()
            self._decide()
        self._search(self.carry, self.pos - len(self.carry), final=True)
        self.carry = b""
        self.dead = True  # a second call would search again
        symbols = self._defined()
        out: list[Recognised] = []
        for rule in self.armed:
            out += _judge(rule, self.found, symbols, self.nets)
        return tuple(out)

    def _defined(self) -> "_Symbols":
        """The names this file defines, or the symbol region's text when .dynsym
        cannot be read (no section headers, or beyond what was kept)."""
        assert self.elf is not None
        table = None
        if self.shdrs is not None and len(self.shdrs.buf) == self.shdrs.length:
            table = _dynamic_symbols(self.elf, bytes(self.prefix), bytes(self.shdrs.buf))
        if table is None:
            return _Symbols(bytes(self.prefix), None)
        return _Symbols(*table)


@dataclass(frozen=True, slots=True)
class _Symbols:
    """The dynamic string table and the defined symbols (name offset -> size);
    ``defined`` None: only the text is known, and a name in it counts."""

    names: bytes
    defined: dict[int, int] | None

    def matching(self, part: bytes) -> list[tuple[bytes, int]]:
        """(name, size) of each defined symbol whose name contains ``part``."""
        out = []
        i = self.names.find(part)
        while i >= 0:
            start = self.names.rfind(b"\0", 0, i) + 1
            end = self.names.find(b"\0", i)
            end = len(self.names) if end < 0 else end
            if self.defined is None:
                out.append((self.names[start:end], 0))
            elif start in self.defined:
                out.append((self.names[start:end], self.defined[start]))
            i = self.names.find(part, end)
        return out


def _judge(rule: _Rule, found: Mapping[bytes, bytes], symbols: _Symbols,
           nets: list[_Net]) -> list[Recognised]:
    """The hits of one armed rule: none unless all it requires is there."""
    if not all(symbols.matching(s) for s in rule.symbols_all):
        return []
    if rule.symbols_any and not any(symbols.matching(s) for s in rule.symbols_any):
        return []
    if not all(p in found for p in rule.bytes_all):
        return []
    if rule.reader == "nnue":
        return [r for r in (_read_net(rule.family, n) for n in nets) if r is not None]
    if rule.bytes_any and not any(p in found for p in rule.bytes_any):
        return []
    fields = dict(rule.fields)
    for key, prefix in rule.read:
        m = _IDENT.match(found.get(prefix, b""))
        if m:
            fields[key] = m.group().decode("ascii")
    parts = [label for label, p in rule.parts if p in found]
    if parts:
        fields["components"] = ", ".join(parts)
    if rule.weights and symbols.defined is not None:
        total = sum(size for w in rule.weights for _, size in symbols.matching(w))
        if total:
            fields["parameters"] = str(total // rule.width)
    return [Recognised(rule.family, "content", MappingProxyType(fields), embedded=True)]


def _read_net(family: str, net: _Net) -> Recognised | None:
    """An embedded NNUE net, read by :mod:`dh_aimodel.formats.nnue` from the
    window kept after its header (its ``size`` would be the window's: the
    net's own is incbin's size record, when that was found)."""
    from dh_aimodel.formats import read_metadata

    md = read_metadata(io.BytesIO(bytes(net.window.buf)), "nnue")
    if "version" not in md.fields:
        return None
    fields = {k: v for k, v in md.fields.items() if k != "size"}
    fields["offset"] = str(net.window.start)
    if net.size is not None:
        fields["size"] = str(net.size)
    description = fields.get("description", "")
    features = _FEATURES.search(description)
    fields["architecture"] = (f"NNUE, {features.group(1)}" if features else
                              f"NNUE, architecture hash {fields.get('hash', '?')}")
    if "trained" in description or "trainer" in description:
        fields["training"] = description
    findings = tuple(f for f in md.findings if f.code != "truncated")
    return Recognised(family, "content", MappingProxyType(dict(sorted(fields.items()))),
                      findings=findings, embedded=True)


def _common_suffix(patterns: set[bytes]) -> bytes:
    """The longest suffix shared by ``patterns`` (the NNUE versions differ in their
    first byte only): found once per piece instead of once per pattern."""
    if not patterns:
        return b""
    first = min(patterns, key=len)
    n = len(first)
    while n and not all(p.endswith(first[len(first) - n:]) for p in patterns):
        n -= 1
    return first[len(first) - n:]


def _incbin_size(window: bytes, start: int, net: int, elf: _Elf | None) -> int | None:
    """The size incbin recorded after the net that starts at file offset ``net``,
    if its record is in ``window`` (which starts at file offset ``start``).

    incbin.h writes the data, one byte ``1`` (the ``…End`` label), zeros up
    to the next 16-byte boundary, and there the ``…Size`` label: a uint32,
    ``end - data`` (seen in stockfish 15.1 and 17: ``01 00 | 6e 7e 76 04``
    after the 74,874,478-byte big net).  A record is thus a 16-aligned
    uint32 whose value is its own offset less the net's start less 1 to
    16: the two high bytes of the value are known at each aligned offset,
    so each candidate value is found with one ``find`` over the high bytes
    of the aligned words of a stretch of the window, and checked whole.
    """
    first = (-start) % _INCBIN_ALIGN
    words = (len(window) - first - 4) // _INCBIN_ALIGN + 1
    if words <= 0 or start + len(window) <= net + 16:
        return None
    order = elf.order if elf is not None else "<"
    view = memoryview(window)[first:]
    # the high half of each aligned word, its two bytes side by side (in file order)
    high = 2 if order == "<" else 0
    halves = bytearray(2 * words)
    halves[0::2] = view[high::_INCBIN_ALIGN].tobytes()[:words]
    halves[1::2] = view[high + 1::_INCBIN_ALIGN].tobytes()[:words]
    base = start + first  # file offset of word 0

    def word_of(offset: int) -> int:
        return (offset - base + _INCBIN_ALIGN - 1) // _INCBIN_ALIGN

    lo_value = max(0, base - net - _INCBIN_ALIGN)
    hi_value = base + (words - 1) * _INCBIN_ALIGN - net - 1
    for h in range(lo_value >> 16, (hi_value >> 16) + 1):
        # words whose value may have h as its high half: net + (h << 16) + 1 <= P
        lo = max(0, word_of(net + (h << 16) + 1))
        hi = min(words, word_of(net + ((h + 1) << 16) + _INCBIN_ALIGN))
        want = h.to_bytes(2, "little" if order == "<" else "big")
        i = halves.find(want, 2 * lo, 2 * hi)
        while i >= 0:
            if not i & 1:
                size = _record(window, first + i // 2 * _INCBIN_ALIGN, start, net, order)
                if size is not None:
                    return size
            i = halves.find(want, i + 1, 2 * hi)
    return None


def _record(window: bytes, at: int, start: int, net: int, order: str) -> int | None:
    """The value of the uint32 at ``window[at]`` if it is incbin's size record of
    the net at file offset ``net``: ``1`` at net + value, zeros up to ``at``."""
    (value,) = struct.unpack_from(order + "I", window, at)
    end = net + value - start  # the end byte, in the window
    if not 1 <= at - end <= _INCBIN_ALIGN or end < 0 or value < 16:
        return None
    if window[end] != 1 or window[end + 1:at].strip(b"\0"):
        return None
    return value


# -- entry points ----------------------------------------------------------------

def scan_path(path: Path | str, name: str | None = None) -> tuple[Recognised, ...]:
    """The embedded models of a file on disk (an extracted package tree).

    The file is mapped, not read, as :mod:`dh_aimodel.tree.contains` does;
    ``name`` is its package-relative path for the rules' globs (default: the
    path without its leading ``/``).  An unreadable file holds nothing.
    """
    name = name if name is not None else str(path).lstrip("/")
    try:
        with open(path, "rb") as fh:
            if fh.read(4) != ELF_MAGIC:
                return ()
            with mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as view:
                scanner = EmbeddedScanner(name, len(view))
                for at in range(0, len(view), CHUNK):
                    scanner.feed(view[at:at + CHUNK])
                return scanner.result()
    except (OSError, ValueError):
        return ()


def recognise(c: Candidate) -> Recognised | None:
    """The first embedded model of an ELF candidate (the families' recogniser).

    The whole file is scanned through ``c.open()``; a .deb member whose
    middle was not kept cannot be (``OSError``): None, as
    :func:`dh_aimodel.packaging.debfile.read_deb` scans each ELF member
    itself while it streams and hands every hit out (``Member.embedded``).
    """
    if c.head[:4] != ELF_MAGIC or c.open is None:
        return None
    scanner = EmbeddedScanner(c.path, c.size)
    try:
        with c.open() as fh:
            while piece := fh.read(CHUNK):
                scanner.feed(piece)
    except OSError:
        return None
    found = scanner.result()
    return found[0] if found else None


__all__ = ["ELF_MAGIC", "EmbeddedScanner", "recognise", "scan_path"]
