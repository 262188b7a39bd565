"""Find what a pickle would import and call, without unpickling it.

Unpickling runs code: a pickle names callables (``GLOBAL``/``STACK_GLOBAL``)
and calls them (``REDUCE``, ``NEWOBJ``, ``INST``, ``OBJ``), so a ".bin" of
weights can run ``os.system`` in the maintainer's shell or in the buildd.
This module reads the opcode stream only, with the stdlib opcode tables of
:mod:`pickletools`, and simulates just enough of the unpickler's stack and
memo to know which module and name each import resolves to, including the
protocol 4 ``STACK_GLOBAL`` whose operands are earlier string pushes or memo
entries.  Every import is then checked against a small allow-list of what
PyTorch and NumPy checkpoints need; anything else is *unsafe*, and
well-known ways to run code are *dangerous*.

Why not :func:`pickletools.genops`: it reads each argument into memory, so a
``BINBYTES8`` declaring 2**62 bytes is an allocation of that size, and the
tensor data of a legacy checkpoint would all be read.  The walk below reads
at most :data:`STRING_CAP` bytes of an argument and seeks past the rest.

Which streams of a file are pickles is decided in one place,
:func:`dh_aimodel.formats.iter_pickles`.  Every pickle of a stream is walked,
not only the first: a loader that calls ``pickle.load`` in a loop runs them
all (legacy ``torch.save`` files hold five).  Bytes after the first pickle
that do not start with ``PROTO``, and the streams that ``iter_pickles`` marks
tentative (zip members and files that only may be pickles), are walked
*tentatively*: they may be plain data, so a walk that fails there says
nothing, and only imports known to run code (and imports computed at load
time) are reported from them.

Bounded in every dimension: opcodes walked (``limit``), bytes of strings
kept, memo entries, distinct globals.  A limit reached, a malformed or
truncated stream, an unknown opcode or a deeply nested structure becomes a
:class:`~dh_aimodel.formats.Finding`; no exception escapes for what is in
the stream.  Nothing here executes, imports or unpickles anything.
"""

from __future__ import annotations

import codecs
import io
import itertools
import os
import re
import stat
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import BinaryIO, Final, Literal, cast

from dh_aimodel.formats import FINDING_CODES, Finding, iter_pickles

#: Opcodes walked per stream by default (a PyTorch state dict needs a few
#: dozen per tensor; a scikit-learn model some per Python object).
DEFAULT_LIMIT: Final = 2_000_000
#: Longest string argument kept to resolve STACK_GLOBAL; module and
#: attribute paths are far shorter, longer strings are skipped unread.
STRING_CAP: Final = 1024
#: Bytes of strings held on the simulated stack and memo at once.
TRACKED_BYTES: Final = 16 * 1024 * 1024
#: Memo entries tracked (the real unpickler needs them all to number MEMOIZE).
MEMO_CAP: Final = 500_000
#: Distinct globals recorded.
MAX_GLOBALS: Final = 10_000
#: Stack depth (items and marks) reported as ``too-deep``.  Python's pickler
#: recurses per nesting level and stops near 1000; a stack this deep comes
#: from a hand-made stream, meant to exhaust whatever processes the result.
DEPTH_WARN: Final = 50_000
#: Pickles of a legacy ``torch.save`` file (magic number, protocol, system
#: info, the object, storage keys); raw storage bytes follow, walked only
#: tentatively.  Other streams are walked pickle after pickle to their end.
TORCH_LEGACY_PICKLES: Final = 5
#: torch.serialization.MAGIC_NUMBER, the whole first pickle of a legacy file.
_TORCH_MAGIC: Final = 0x1950A86A20F9469CFC6C
#: Finding codes a tentative walk keeps: the others only say the bytes were
#: not a pickle after all.
_TENTATIVE_CODES: Final = frozenset({"unresolved-global", "incomplete"})

Verdict = Literal["safe", "unknown", "dangerous"]

# -- the allow-list and the deny-list ---------------------------------------
# Sources: torch/_weights_only_unpickler.py (_get_allowed_globals) for what
# torch.load(weights_only=True) accepts; numpy's own array/dtype reduce
# functions; the builtin types pickle protocol 2 needs for sets and bytes.

_SAFE: Final = frozenset({
    ("collections", "OrderedDict"), ("collections", "Counter"),
    ("torch", "Size"), ("torch", "Tensor"), ("torch", "device"),
    ("torch.nn.parameter", "Parameter"), ("torch.serialization", "_get_layout"),
    ("torch._tensor", "_rebuild_from_type_v2"),
    ("torch.storage", "TypedStorage"), ("torch.storage", "UntypedStorage"),
    ("torch", "per_tensor_affine"), ("torch", "per_tensor_symmetric"),
    ("torch", "per_channel_affine"), ("torch", "per_channel_symmetric"),
    ("torch", "per_channel_affine_float_qparams"),
    *(("torch._utils", f) for f in (
        "_rebuild_tensor", "_rebuild_tensor_v2", "_rebuild_tensor_v3", "_rebuild_parameter",
        "_rebuild_parameter_with_state", "_rebuild_qtensor", "_rebuild_sparse_tensor",
        "_rebuild_meta_tensor_no_storage", "_rebuild_wrapper_subclass",
        "_rebuild_device_tensor_from_numpy", "_rebuild_device_tensor_from_cpu_tensor",
        "_rebuild_nested_tensor")),
    *((m, n) for m in ("numpy.core.multiarray", "numpy._core.multiarray")
      for n in ("_reconstruct", "scalar")),
    ("numpy.core.numeric", "_frombuffer"), ("numpy._core.numeric", "_frombuffer"),
    ("numpy", "dtype"), ("numpy", "ndarray"),
    ("_codecs", "encode"), ("copyreg", "_reconstructor"),
    *(("builtins", n) for n in (
        "set", "frozenset", "slice", "complex", "bytearray", "bytes", "range",
        "int", "float", "bool", "str", "tuple", "list", "dict")),
    *(("datetime", n) for n in ("datetime", "date", "time", "timedelta", "timezone")),
    ("decimal", "Decimal"), ("argparse", "Namespace"),
})
#: torch dtypes (torch.float32 ...), legacy tensor and storage classes.
_SAFE_TORCH_NAME: Final = re.compile(
    r"(u?int\d+|float\d*(_e\d+m\d+\w*)?|bfloat16|complex\d*|c?half|cfloat|cdouble|chalf|"
    r"double|short|long|int|bool|q(u)?int\d+(x\d+)?|bits\w+|[A-Z][A-Za-z0-9]*(Storage|Tensor))")

#: Modules whose every name runs code, touches files, processes or the
#: network, or reaches other objects' attributes (prefix match: "os" covers
#: "os.path").  Mapped through _compat_pickle first, so "commands" and
#: "__builtin__" land here too.
_DANGEROUS_MODULES: Final = frozenset({
    "os", "posix", "nt", "subprocess", "_posixsubprocess", "socket", "_socket", "shutil",
    "importlib", "imp", "sys", "runpy", "pty", "webbrowser", "pickle", "_pickle", "marshal",
    "types", "ctypes", "_ctypes", "code", "codeop", "codecs", "popen2", "platform",
    "multiprocessing", "_multiprocessing", "threading", "_thread", "asyncio", "signal",
    "tempfile", "io", "_io", "pathlib", "glob", "pip", "setuptools", "distutils", "ensurepip",
    "venv", "zipimport", "pkgutil", "site", "bdb", "pdb", "timeit", "cProfile", "profile",
    "trace", "doctest", "http", "urllib", "urllib2", "requests", "ftplib", "smtplib",
    "telnetlib", "xmlrpc", "ssl", "select", "selectors", "mmap", "fcntl", "resource",
    "atexit", "gc", "inspect", "linecache", "operator", "_operator", "dill", "cloudpickle",
    "joblib.load", "torch.hub", "torch.utils.cpp_extension", "numpy.f2py", "numpy.distutils",
    "numpy.ctypeslib", "numpy.testing", "builtins.__import__",
    # The rest of picklescan 1.0.5's and modelscan 0.8.8's deny-lists (whole
    # modules where they list names: importing from them is never needed for
    # weights), so that what they call dangerous is dangerous here too; it
    # matters where only dangerous imports are reported (tentative walks).
    "aiohttp", "pydoc", "test", "uuid", "imaplib", "idlelib", "lib2to3", "_osx_support",
    "_aix_support", "_pyrepl", "torch._dynamo", "torch._inductor", "torch.fx.experimental",
    "torch.jit.unsupported_tensor_ops", "torch.utils._config_module", "torch.utils.bottleneck",
    "torch.utils.collect_env", "torch.utils.data.datapipes.utils.decoder",
})
_DANGEROUS_NAMES: Final = frozenset({
    *(("builtins", n) for n in (
        "eval", "exec", "compile", "open", "__import__", "getattr", "setattr", "delattr",
        "globals", "locals", "vars", "input", "breakpoint", "exit", "quit", "help",
        "memoryview", "type", "super", "classmethod", "staticmethod", "property", "apply")),
    ("functools", "partial"), ("logging", "FileHandler"),
    ("torch", "load"), ("torch.serialization", "load"), ("numpy", "load"),
    ("numpy.lib.npyio", "load"), ("torch.jit", "load"), ("torch", "_C"),
})


def _compat(module: str, name: str) -> tuple[str, str]:
    """The (module, name) Python 3 really imports for a protocol 0-2 pickle.

    The unpickler maps Python 2 names (``__builtin__``, ``copy_reg``,
    ``commands``) through these tables; the checks use the mapped name.
    """
    import _compat_pickle

    if (module, name) in _compat_pickle.NAME_MAPPING:
        mapped: tuple[str, str] = _compat_pickle.NAME_MAPPING[(module, name)]
        return mapped
    return _compat_pickle.IMPORT_MAPPING.get(module, module), name


def classify_global(module: str, name: str) -> Verdict:
    """Whether importing ``name`` from ``module`` in a pickle is safe.

    ``safe``: on the allow-list of what weight files need.  ``dangerous``:
    a known way to run commands or code, reach files or the network, or
    walk attributes (a dunder in the name, ``getattr``, ``operator``).
    ``unknown``: anything else, e.g. a model class of the upstream project;
    not proven harmful, but loading it runs that project's code.

    >>> classify_global("torch._utils", "_rebuild_tensor_v2")
    'safe'
    >>> classify_global("posix", "system")
    'dangerous'
    >>> classify_global("sklearn.tree", "DecisionTreeClassifier")
    'unknown'
    """
    verdicts = {_verdict(module, name), _verdict(*_compat(module, name))}
    if "dangerous" in verdicts:
        return "dangerous"
    return "safe" if "safe" in verdicts else "unknown"


def _verdict(module: str, name: str) -> Verdict:
    if module == "__builtin__" or module == "__builtins__":
        module = "builtins"
    parts = name.split(".")
    if any(p.startswith("__") and p.endswith("__") and len(p) > 4 for p in parts):
        return "dangerous"  # __globals__, __subclasses__, __class__ ...: attribute walks
    if (module, parts[0]) in _DANGEROUS_NAMES or (module, name) in _DANGEROUS_NAMES:
        return "dangerous"
    path = f"{module}.{name}"
    dotted = module.split(".")
    for i in range(1, len(dotted) + 1):
        if ".".join(dotted[:i]) in _DANGEROUS_MODULES:
            return "dangerous"
    for i in range(len(dotted) + 1, len(dotted) + len(parts) + 1):
        if ".".join(path.split(".")[:i]) in _DANGEROUS_MODULES:
            return "dangerous"
    if (module, name) in _SAFE:
        return "safe"
    if module in ("torch", "torch.cuda") and _SAFE_TORCH_NAME.fullmatch(name):
        return "safe"
    return "unknown"


# -- report -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PickleReport:
    """What a pickle stream imports and calls, and what is wrong with it.

    ``globals``: every (module, name) imported, sorted.  ``unsafe``: those
    not on the allow-list (plus unresolvable imports, as ``"?"``), the ones a
    maintainer must look at; ``dangerous`` is the subset known to run code.
    ``calls``: imported callables the stream invokes (REDUCE, NEWOBJ, INST,
    OBJ).  ``protocol``: the first PROTO seen, None for protocol 0/1.
    ``streams``: how many streams were walked (0: the file holds no pickle).
    """

    globals: tuple[tuple[str, str], ...] = ()
    unsafe: tuple[tuple[str, str], ...] = ()
    findings: tuple[Finding, ...] = ()
    dangerous: tuple[tuple[str, str], ...] = ()
    calls: tuple[tuple[str, str], ...] = ()
    protocol: int | None = None
    opcodes: int = 0
    streams: int = 0

    @property
    def is_safe(self) -> bool:
        """Nothing outside the allow-list and nothing left unchecked."""
        return not self.unsafe and not self.findings


# -- opcode table ------------------------------------------------------------

# Argument kinds, from pickletools.ArgumentDescriptor.n
_UP_TO_NEWLINE: Final = -1
_LEN1: Final = -2
_LEN4: Final = -3  # signed
_LEN4U: Final = -4
_LEN8U: Final = -5

# Opcode behaviours that need more than the generic pop/push simulation.
(_GENERIC, _MARK, _POP, _DUP, _PUT, _MEMOIZE, _GET, _GLOBAL, _STACK_GLOBAL, _INST, _OBJ,
 _REDUCE, _NEWOBJ, _NEWOBJ_EX, _BUILD, _EXT, _PROTO, _STOP, _STRING, _MUTATE) = range(20)

_SPECIAL: Final[Mapping[str, int]] = {
    "MARK": _MARK, "POP": _POP, "DUP": _DUP, "PUT": _PUT, "BINPUT": _PUT, "LONG_BINPUT": _PUT,
    "MEMOIZE": _MEMOIZE, "GET": _GET, "BINGET": _GET, "LONG_BINGET": _GET,
    "GLOBAL": _GLOBAL, "STACK_GLOBAL": _STACK_GLOBAL, "INST": _INST, "OBJ": _OBJ,
    "REDUCE": _REDUCE, "NEWOBJ": _NEWOBJ, "NEWOBJ_EX": _NEWOBJ_EX, "BUILD": _BUILD,
    "EXT1": _EXT, "EXT2": _EXT, "EXT4": _EXT, "PROTO": _PROTO, "STOP": _STOP,
    "STRING": _STRING, "BINSTRING": _STRING, "SHORT_BINSTRING": _STRING,
    "UNICODE": _STRING, "SHORT_BINUNICODE": _STRING, "BINUNICODE": _STRING,
    "BINUNICODE8": _STRING,
    # These add to the object below their operands and leave it in place,
    # whatever it is: pickletools' "list"/"dict" result is only the usual case.
    "APPEND": _MUTATE, "APPENDS": _MUTATE, "SETITEM": _MUTATE, "SETITEMS": _MUTATE,
    "ADDITEMS": _MUTATE,
}


class _Value:
    """A simulated stack value whose content does not matter, only its kind."""

    __slots__ = ("kind",)

    def __init__(self, kind: str) -> None:
        self.kind = kind

    def __repr__(self) -> str:
        return f"<{self.kind}>"


_ANY: Final = _Value("any")        # anything, str included (results of calls, ...)
_NOT_STR: Final = _Value("not-str")  # ints, bytes, containers: never a module name
_BIG_STR: Final = _Value("str")      # a str not kept (too long, budget spent)
_OTHER_STR: Final = _Value("str")    # a str that cannot name a module (spaces, punctuation)


@dataclass(frozen=True, slots=True)
class _Global:
    """A simulated imported object; ``None`` parts could not be resolved."""

    module: str | None
    name: str | None


@dataclass(frozen=True, slots=True)
class _Op:
    name: str
    arg: int | None          # argument size or kind (pickletools n), None: no argument
    kind: int                # _GENERIC or a special behaviour
    to_mark: bool            # pops everything down to the topmost MARK
    pops: int                # items popped (below the mark when to_mark)
    pushes: tuple[_Value, ...]


@cache
def _opcodes() -> tuple[_Op | None, ...]:
    """The 256-entry opcode table, built from pickletools' descriptions."""
    import pickletools

    table: list[_Op | None] = [None] * 256
    mark = pickletools.markobject
    for info in pickletools.opcodes:
        before, after = info.stack_before, info.stack_after
        to_mark = mark in before
        pops = before.index(mark) if to_mark else len(before)
        pushes = tuple(_ANY if s is pickletools.anyobject else _NOT_STR for s in after if s is not mark)
        table[ord(info.code)] = _Op(info.name, None if info.arg is None else info.arg.n,
                                    _SPECIAL.get(info.name, _GENERIC), to_mark, pops, pushes)
    return tuple(table)


# -- input --------------------------------------------------------------------


class _Stop(Exception):
    """Ends the walk of a stream; becomes a Finding."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class _Input:
    """Reads from the scanned stream; I/O and decompression errors become _Stop."""

    __slots__ = ("stream", "pos", "size", "seekable", "head")

    #: Bytes kept from the start of the stream (see :attr:`head`).
    HEAD: Final = 64

    def __init__(self, stream: BinaryIO) -> None:
        self.stream = stream
        self.pos = 0
        #: The first bytes read, to tell a legacy torch file by its first pickle.
        self.head = bytearray()
        self.size = _known_size(stream)
        try:
            self.seekable = bool(stream.seekable())
        except Exception:  # noqa: BLE001 - any stream object may be handed in
            self.seekable = False

    def read(self, n: int) -> bytes:
        try:
            data = self.stream.read(n)
        except Exception as e:  # noqa: BLE001 - decompressors raise many types
            raise _Stop("unreadable", f"reading failed at byte {self.pos}: {e}") from None
        if self.pos < self.HEAD:
            self.head += data[:self.HEAD - self.pos]
        self.pos += len(data)
        return data

    def exact(self, n: int, what: str) -> bytes:
        data = self.read(n)
        if len(data) != n:
            raise _Stop("truncated", f"stream ends inside {what} at byte {self.pos}")
        return data

    def readline(self, what: str) -> bytes | None:
        """One line without its newline; None if longer than STRING_CAP (skipped)."""
        try:
            line = self.stream.readline(STRING_CAP + 1)
            if self.pos < self.HEAD:
                self.head += line[:self.HEAD - self.pos]
            self.pos += len(line)
            if len(line) > STRING_CAP and not line.endswith(b"\n"):
                while True:  # drop the rest of an over-long line
                    rest = self.stream.readline(64 * 1024)
                    self.pos += len(rest)
                    if not rest or rest.endswith(b"\n"):
                        if not rest:
                            raise _Stop("truncated", f"stream ends inside {what} at byte {self.pos}")
                        return None
        except Exception as e:  # noqa: BLE001
            raise _Stop("unreadable", f"reading failed at byte {self.pos}: {e}") from None
        if not line.endswith(b"\n"):
            raise _Stop("truncated", f"stream ends inside {what} at byte {self.pos}")
        return line[:-1]

    def skip(self, n: int, what: str) -> None:
        target = self.pos + n
        if (self.size is not None and target > self.size) or n > 1 << 62:
            raise _Stop("truncated", f"{what} at byte {self.pos} declares {n} bytes, "
                        f"past the end of the stream")
        if target <= self.HEAD:  # read, into head: the legacy torch magic is a skipped LONG1
            self.exact(n, what)
            return
        if self.seekable:
            try:
                self.stream.seek(n, io.SEEK_CUR)
                self.pos = target
                return
            except Exception:  # noqa: BLE001 - fall back to reading
                self.seekable = False
        while n > 0:
            chunk = self.read(min(n, 1024 * 1024))
            if not chunk:
                raise _Stop("truncated", f"stream ends inside {what} at byte {self.pos}")
            n -= len(chunk)


def _known_size(stream: BinaryIO) -> int | None:
    """Bytes left in the stream when that is cheap to know (files, buffers)."""
    try:
        if isinstance(stream, io.BytesIO):
            return len(stream.getbuffer()) - stream.tell()
        st = os.fstat(stream.fileno())
        if stat.S_ISREG(st.st_mode):
            return st.st_size - stream.tell()
    except Exception:  # noqa: BLE001 - no fileno, not seekable, closed ...
        pass
    return None


# -- the walk -------------------------------------------------------------------

_NAME: Final = re.compile(r"[^\W\d]\w*(\.[^\W\d]\w*)*")


class _Scanner:
    """Simulates the unpickler's stack, marks and memo over one stream."""

    def __init__(self, stream: BinaryIO, limit: int, tentative: bool = False) -> None:
        self.inp = _Input(stream)
        self.limit = limit
        #: Walking bytes that may not be a pickle at all (see the module doc).
        self.tentative = tentative
        self.ops = 0
        self.protocol: int | None = None
        self.globals: dict[tuple[str, str], None] = {}
        self.calls: dict[tuple[str, str], None] = {}
        self.unresolved: dict[tuple[str, str], None] = {}
        self.findings: list[Finding] = []
        self.codes: set[str] = set()
        self.live = 0
        self.stack: list[object] = []
        self.marks: list[int] = []

    # findings -----------------------------------------------------------------

    def finding(self, code: str, message: str, *, once: bool = False) -> None:
        assert code in FINDING_CODES, code
        if self.tentative and code not in _TENTATIVE_CODES:
            return
        if once and code in self.codes:
            return
        self.codes.add(code)
        if len(self.findings) < 20:
            self.findings.append(Finding(code, message))

    def record(self, module: str, name: str) -> _Global:
        if self.tentative and classify_global(module, name) != "dangerous":
            # Data that happens to parse names no known way to run code: not an import.
            return _Global(None, None)
        key = (module, name)
        if key not in self.globals:
            if len(self.globals) >= MAX_GLOBALS:
                self.unresolved[("?", "?")] = None
                self.finding("incomplete", f"more than {MAX_GLOBALS} distinct globals", once=True)
                return _Global(module, name)
            self.globals[key] = None
        return _Global(module, name)

    def unresolvable(self, module: str | None, name: str | None, why: str,
                     computed: bool = False) -> _Global:
        """An import that cannot be checked; ``computed``: its names are results
        of calls, the one case a tentative walk reports (random bytes rarely
        compute; they often hold over-long lines or EXT opcodes)."""
        if self.tentative and not computed:
            return _Global(None, None)
        key = (module or "?", name or "?") if len(self.unresolved) < MAX_GLOBALS else ("?", "?")
        self.unresolved[key] = None
        self.finding("unresolved-global", f"{why} at byte {self.inp.pos}")
        return _Global(module, name)

    # string budget ---------------------------------------------------------

    def keep(self, text: str) -> str | _Value:
        """Track a string that could name a module or attribute, within budget."""
        if len(text) > STRING_CAP or not _NAME.fullmatch(text):
            return _BIG_STR if len(text) > STRING_CAP else _OTHER_STR
        if self.live + len(text) > TRACKED_BYTES:
            self.finding("incomplete", "string budget spent; later imports may be unresolved",
                         once=True)
            return _BIG_STR
        self.live += len(text)
        return text

    def forget(self, items: Iterable[object]) -> None:
        for item in items:
            if type(item) is str:
                self.live -= len(item)

    # arguments ---------------------------------------------------------------

    def argument(self, op: _Op) -> object:
        """Read ``op``'s argument; return what the simulation needs of it."""
        n = op.arg
        inp = self.inp
        if n is None:
            return None
        if n >= 0:
            data = inp.exact(n, op.name)
            return int.from_bytes(data, "little", signed=op.name == "EXT4") if n <= 4 else None
        if n == _UP_TO_NEWLINE:
            line = inp.readline(op.name)
            if op.kind in (_GLOBAL, _INST):
                return line, inp.readline(op.name)
            return line
        width = {_LEN1: 1, _LEN4: 4, _LEN4U: 4, _LEN8U: 8}[n]
        length = int.from_bytes(inp.exact(width, op.name), "little", signed=n == _LEN4)
        if length < 0:
            raise _Stop("malformed", f"{op.name} at byte {inp.pos} has negative length {length}")
        if op.kind == _STRING and length <= STRING_CAP:
            return inp.exact(length, op.name)
        inp.skip(length, op.name)
        return _BIG_STR if op.kind == _STRING else None

    def string_value(self, op: _Op, arg: object) -> str | _Value:
        if arg is _BIG_STR or arg is None:
            return _BIG_STR
        assert isinstance(arg, bytes)
        try:
            if op.name == "STRING":
                if len(arg) < 2 or arg[0] != arg[-1] or arg[:1] not in (b"'", b'"'):
                    raise _Stop("malformed", f"STRING argument is not quoted at byte {self.inp.pos}")
                text = codecs.escape_decode(arg[1:-1])[0].decode("latin-1")
            elif op.name == "UNICODE":
                text = arg.decode("raw-unicode-escape")
            elif op.name in ("BINSTRING", "SHORT_BINSTRING"):
                text = arg.decode("latin-1")  # whatever encoding= the loader picks
            else:
                text = arg.decode("utf-8", "surrogatepass")
        except (UnicodeDecodeError, ValueError):
            raise _Stop("malformed", f"{op.name} argument does not decode at byte {self.inp.pos}") from None
        return self.keep(text)

    # main loop ---------------------------------------------------------------

    def run(self) -> None:
        started_tentative = self.tentative
        try:
            self.one_pickle(first=True)
            legacy_torch = self.is_torch_magic()
            for count in itertools.count(1):
                byte = self.inp.read(1)
                if not byte:
                    return
                # Pickles 2-5 of a legacy torch.save file are pickles; raw storages follow.
                torch_pickle = legacy_torch and count < TORCH_LEGACY_PICKLES
                if byte[0] == 0x80:  # PROTO: pickles back to back (legacy torch.save, dump loops)
                    arg = self.inp.read(1)
                    if not arg or arg[0] > 5:
                        return
                    # Picklers write PROTO 2-5 only: PROTO 0/1 is more likely data.
                    self.tentative = started_tentative or not (
                        torch_pickle or (not legacy_torch and arg[0] >= 2))
                    if self.protocol is None and not self.tentative:
                        self.protocol = arg[0]
                    self.one_pickle(first=False)
                elif _opcodes()[byte[0]] is not None:
                    # A protocol 0/1 pickle, or data that starts like one.
                    self.tentative = started_tentative or not torch_pickle
                    self.one_pickle(first=False, preread=byte)
                else:
                    return
        except _Stop as stop:
            if stop.code in ("malformed", "unknown-opcode", "truncated") and any(
                    module.startswith("joblib.") and name == "NumpyArrayWrapper"
                    for module, name in self.globals):
                # joblib writes array bytes raw into the stream after each wrapper,
                # where the walk cannot follow without building the wrapper's state.
                self.finding("incomplete", "joblib stores NumPy arrays raw inside the pickle "
                             f"stream; the walk stops at the first one ({stop.message})")
            else:
                self.finding(stop.code, stop.message)

    def pop(self, count: int, op: _Op, at: int) -> list[object]:
        """Pop ``count`` items above the topmost mark, as the unpickler does."""
        stack = self.stack
        if len(stack) - (self.marks[-1] if self.marks else 0) < count:
            raise _Stop("malformed", f"{op.name} at byte {at} pops an empty stack")
        if not count:
            return []
        items = stack[-count:]
        del stack[-count:]
        self.forget(items)
        return items

    def pop_mark(self, op: _Op, at: int) -> list[object]:
        """Pop everything above the topmost mark, and the mark."""
        if not self.marks:
            raise _Stop("malformed", f"{op.name} at byte {at} without a MARK")
        mark = self.marks.pop()
        items = self.stack[mark:]
        del self.stack[mark:]
        self.forget(items)
        return items

    def is_torch_magic(self) -> bool:
        """Whether the pickle just walked was a legacy torch file's magic number alone."""
        first = bytes(self.inp.head[:self.inp.pos])
        return self.inp.pos <= _Input.HEAD and (
            b"\x8a\x0a" + _TORCH_MAGIC.to_bytes(10, "little") in first
            or str(_TORCH_MAGIC).encode() in first)

    def one_pickle(self, first: bool, preread: bytes = b"") -> None:
        """Walk one pickle to its STOP; ``preread``: its first opcode, already read."""
        table = _opcodes()
        inp = self.inp
        stack: list[object] = []
        marks: list[int] = []
        self.stack, self.marks = stack, marks
        memo: dict[int, object] = {}
        warned_depth = False
        start_ops = self.ops
        # How many of the latest value-pushing opcodes (up to 2) pushed a
        # string or read the memo: picklers push STACK_GLOBAL's module and name
        # right before it; anything else between them is written by hand,
        # to mislead scanners that read the opcodes before STACK_GLOBAL.
        names_pushed = 0
        while True:
            if self.ops >= self.limit:
                raise _Stop("incomplete", f"stopped after {self.limit} opcodes at byte {inp.pos}; "
                            "the rest is not checked")
            at = inp.pos - len(preread)
            byte, preread = (preread, b"") if preread else (inp.read(1), b"")
            if not byte:
                what = "empty stream" if first and self.ops == start_ops else "stream ends before STOP"
                raise _Stop("truncated", f"{what} (byte {at})")
            op = table[byte[0]]
            if op is None:
                raise _Stop("unknown-opcode", f"byte 0x{byte[0]:02x} at {at} is not a pickle opcode")
            self.ops += 1
            arg = self.argument(op)
            kind = op.kind
            if kind in (_STRING, _GET):
                names_pushed = min(names_pushed + 1, 2)
            elif kind == _STACK_GLOBAL and names_pushed < 2:
                self.finding("suspicious", f"STACK_GLOBAL at byte {at} on names not pushed right "
                             "before it, as no pickler writes", once=True)
            if kind not in (_STRING, _GET, _PUT, _MEMOIZE) and op.name != "FRAME":
                names_pushed = 0
            if kind == _GENERIC:
                if op.to_mark:
                    self.pop_mark(op, at)
                if op.pops:
                    self.pop(op.pops, op, at)
                stack.extend(op.pushes)
            elif kind == _STRING:
                stack.append(self.string_value(op, arg))
            elif kind == _MUTATE:
                if op.to_mark:
                    self.pop_mark(op, at)
                else:
                    self.pop(op.pops - 1, op, at)
                if len(stack) <= (marks[-1] if marks else 0):
                    raise _Stop("malformed", f"{op.name} at byte {at} with nothing to add to")
            elif kind == _MARK:
                marks.append(len(stack))
            elif kind == _POP:
                if len(stack) > (marks[-1] if marks else 0):
                    self.pop(1, op, at)
                else:
                    self.pop_mark(op, at)
            elif kind == _DUP:
                top = self.pop(1, op, at)[0]
                stack.extend((top, top))
                if type(top) is str:
                    self.live += 2 * len(top)
            elif kind in (_PUT, _MEMOIZE):
                if len(stack) <= (marks[-1] if marks else 0):
                    raise _Stop("malformed", f"{op.name} at byte {at} with an empty stack")
                if kind == _MEMOIZE:
                    key = len(memo)
                else:
                    key = arg if isinstance(arg, int) else _decimal(arg, op.name, at)
                if key not in memo and len(memo) >= MEMO_CAP:
                    raise _Stop("incomplete", f"more than {MEMO_CAP} memo entries; "
                                "the rest is not checked")
                self.forget([memo.get(key)])
                value = stack[-1]
                if type(value) is str:
                    self.live += len(value)
                memo[key] = value
            elif kind == _GET:
                key = arg if isinstance(arg, int) else _decimal(arg, op.name, at)
                if key not in memo:
                    raise _Stop("malformed", f"{op.name} at byte {at} reads memo {key}, never stored")
                value = memo[key]
                if type(value) is str:
                    self.live += len(value)
                stack.append(value)
            elif kind == _GLOBAL:
                stack.append(self.global_from_lines(arg, at))
            elif kind == _INST:
                callee = self.global_from_lines(arg, at)
                self.pop_mark(op, at)
                self.call(callee)
                stack.append(_ANY)
            elif kind == _STACK_GLOBAL:
                module, name = self.pop(2, op, at)
                stack.append(self.stack_global(module, name, at))
            elif kind == _OBJ:
                items = self.pop_mark(op, at)
                if not items:
                    raise _Stop("malformed", f"OBJ at byte {at} without a class")
                self.call(items[0])
                stack.append(_ANY)
            elif kind in (_REDUCE, _NEWOBJ, _NEWOBJ_EX):
                items = self.pop(3 if kind == _NEWOBJ_EX else 2, op, at)
                self.call(items[0])
                stack.append(_ANY)
            elif kind == _BUILD:
                self.pop(1, op, at)
                if len(stack) <= (marks[-1] if marks else 0):
                    raise _Stop("malformed", f"BUILD at byte {at} with nothing to build")
                if isinstance(stack[-1], _Global):
                    self.finding("suspicious", f"BUILD at byte {at} sets attributes of an imported "
                                 "object itself (monkey-patching a module or class)")
            elif kind == _EXT:
                stack.append(self.unresolvable("<extension registry>", str(arg),
                                               f"{op.name} imports through copyreg's extension registry"))
            elif kind == _PROTO:
                assert isinstance(arg, int)
                if arg > 5:
                    raise _Stop("malformed", f"unsupported pickle protocol {arg} at byte {at}")
                if self.protocol is None:
                    self.protocol = arg
            elif kind == _STOP:
                self.pop(1, op, at)
                return
            if not warned_depth and len(stack) + len(marks) > DEPTH_WARN:
                warned_depth = True
                self.finding("too-deep", f"stack deeper than {DEPTH_WARN} at byte {at}", once=True)

    def global_from_lines(self, arg: object, at: int) -> _Global:
        assert isinstance(arg, tuple)
        raw_module, raw_name = arg
        if raw_module is None or raw_name is None:
            return self.unresolvable(None, None, "over-long GLOBAL name")
        try:
            module, name = raw_module.decode("utf-8"), raw_name.decode("utf-8")
        except UnicodeDecodeError:
            raise _Stop("malformed", f"GLOBAL at byte {at} names are not UTF-8") from None
        return self.record(module, name)

    def stack_global(self, module: object, name: object, at: int) -> _Global:
        if module is _NOT_STR or name is _NOT_STR:
            raise _Stop("malformed", f"STACK_GLOBAL at byte {at} on values that are not strings")
        if type(module) is str and type(name) is str:
            return self.record(module, name)
        return self.unresolvable(module if type(module) is str else None,
                                 name if type(name) is str else None,
                                 "STACK_GLOBAL on strings computed at load time or too long",
                                 computed=module is _ANY or name is _ANY)

    def call(self, callee: object) -> None:
        if isinstance(callee, _Global) and callee.module is not None and callee.name is not None:
            self.calls[(callee.module, callee.name)] = None

    def report(self) -> PickleReport:
        unsafe: dict[tuple[str, str], None] = {}
        dangerous: list[tuple[str, str]] = []
        for key in self.globals:
            verdict = classify_global(*key)
            if verdict != "safe":
                unsafe[key] = None
            if verdict == "dangerous":
                dangerous.append(key)
        for key in self.unresolved:
            unsafe[key] = None
            if key[0] != "?" and key[1] == "?" and classify_global(key[0], "") == "dangerous":
                dangerous.append(key)
        return PickleReport(
            globals=tuple(sorted(self.globals)), unsafe=tuple(sorted(unsafe)),
            findings=tuple(self.findings), dangerous=tuple(sorted(set(dangerous))),
            calls=tuple(sorted(self.calls)), protocol=self.protocol, opcodes=self.ops, streams=1)


def _decimal(arg: object, opname: str, at: int) -> int:
    """The index of protocol 0 PUT/GET: a decimal line."""
    if not isinstance(arg, bytes):
        raise _Stop("malformed", f"{opname} at byte {at}: over-long memo index")
    try:
        value = int(arg)
    except ValueError:
        raise _Stop("malformed", f"{opname} at byte {at}: {arg[:40]!r} is not a number") from None
    if value < 0:
        raise _Stop("malformed", f"{opname} at byte {at}: negative memo index")
    return value


# -- public entry points --------------------------------------------------------


def scan_pickle(stream: BinaryIO, limit: int = DEFAULT_LIMIT, *,
                tentative: bool = False) -> PickleReport:
    """Walk the pickle stream(s) in ``stream`` and report imports and calls.

    Reads from the stream's current position; walks at most ``limit``
    opcodes.  Never unpickles and never raises for what the stream holds:
    problems are :attr:`PickleReport.findings`.  ``tentative``: the bytes
    may be plain data that only starts like a pickle; then only imports
    known to run code and unresolvable imports are reported, no findings
    about the stream's shape.
    """
    scanner = _Scanner(stream, limit, tentative)
    scanner.run()
    return scanner.report()


def scan_file(source: Path | str | BinaryIO, name: str | None = None,
              limit: int = DEFAULT_LIMIT) -> PickleReport:
    """:func:`scan_pickle` on every pickle stream of a file, merged.

    ``source`` is a path or a seekable stream named ``name``.  The streams,
    and which of them are walked tentatively, are those of
    :func:`dh_aimodel.formats.iter_pickles`: plain pickles of any protocol
    (PyTorch legacy, joblib, also compressed), the pickle members of a zip
    (PyTorch checkpoints, .npz, any zip) and NumPy object arrays.  Findings
    from a member carry the member's name.  A file without any pickle gives
    a ``not-a-pickle`` finding and ``streams == 0``.
    """
    reports = [(p.member, scan_pickle(p.stream, limit, tentative=p.tentative))
               for p in iter_pickles(source, name)]
    if not reports:
        label = name if name is not None else Path(cast(str, source)).name
        return PickleReport(findings=(Finding("not-a-pickle", f"{label}: no pickle stream found"),))
    return merge_reports(reports)


def merge_reports(reports: Iterable[tuple[str, PickleReport]]) -> PickleReport:
    """One report for several streams of a file; findings name their stream."""
    globals_: set[tuple[str, str]] = set()
    unsafe: set[tuple[str, str]] = set()
    dangerous: set[tuple[str, str]] = set()
    calls: set[tuple[str, str]] = set()
    findings: list[Finding] = []
    protocol: int | None = None
    opcodes = streams = 0
    for name, report in reports:
        globals_.update(report.globals)
        unsafe.update(report.unsafe)
        dangerous.update(report.dangerous)
        calls.update(report.calls)
        findings.extend(Finding(f.code, f"{name}: {f.message}" if name else f.message)
                        for f in report.findings)
        protocol = protocol if protocol is not None else report.protocol
        opcodes += report.opcodes
        streams += report.streams
    return PickleReport(tuple(sorted(globals_)), tuple(sorted(unsafe)), tuple(findings),
                        tuple(sorted(dangerous)), tuple(sorted(calls)), protocol, opcodes, streams)
