"""The walk of one pickle stream: the simulated unpickler and its caps.

:class:`_Scanner` reads the opcodes of every pickle of a stream, simulates
just enough of the unpickler's stack, marks and memo to resolve each import,
records imports and calls, and turns what is wrong with the stream into
findings; :meth:`_Scanner.report` judges the imports into a
:class:`~dh_aimodel.formats.pickle_report.PickleReport`.  Why it is done this
way, and which walks are tentative: :mod:`dh_aimodel.formats.pickle_scan`.

What loading would build is modelled too (:class:`_Node`): its size, memo
reuse multiplied, for the load-bomb budget; which calls call what an
earlier call returned; and the records joblib writes before each raw
array, so that the walk reads past the array as ``joblib.load`` does.
"""

from __future__ import annotations

import codecs
import itertools
import math
import re
from collections.abc import Iterable
from typing import BinaryIO, Final

from dh_aimodel.formats import FINDING_CODES, Finding
from dh_aimodel.formats.pickle_allowlist import classify_global
from dh_aimodel.formats.pickle_input import STRING_CAP, _decimal, _Input, _Stop
from dh_aimodel.formats.pickle_opcodes import (
    _ANY,
    _BIG_STR,
    _BUILD,
    _CONTAINERS,
    _DUP,
    _EXT,
    _GENERIC,
    _GET,
    _GLOBAL,
    _INST,
    _INTS,
    _LEN1,
    _LEN4,
    _LEN4U,
    _LEN8U,
    _MARK,
    _MEMOIZE,
    _MUTATE,
    _NEWOBJ,
    _NEWOBJ_EX,
    _NOT_STR,
    _OBJ,
    _OTHER_STR,
    _POP,
    _PROTO,
    _PUT,
    _REDUCE,
    _STACK_GLOBAL,
    _STOP,
    _STRING,
    _UP_TO_NEWLINE,
    _Global,
    _Node,
    _Op,
    _opcodes,
    _Value,
    expansion,
)
from dh_aimodel.formats.pickle_report import PickleReport

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
#: Builtin constructors that allocate as many elements as an int argument
#: says (``bytes(10**12)``), and those that expand a ``range`` argument.
_ALLOCATE_INT: Final = frozenset({"bytes", "bytearray"})
_EXPAND_RANGE: Final = frozenset({"bytes", "bytearray", "list", "tuple", "set", "frozenset", "dict"})
#: A dtype's type code and size in its constructor argument ("f8", "<U5").
_DTYPE: Final = re.compile(r"[<>|=]?([a-zA-Z])(\d*)")


# -- the walk -------------------------------------------------------------------

_NAME: Final = re.compile(r"[^\W\d]\w*(\.[^\W\d]\w*)*")


class _Scanner:
    """Simulates the unpickler's stack, marks and memo over one stream."""

    def __init__(self, stream: BinaryIO, limit: int, tentative: bool = False,
                 budget: int = 1 << 62) -> None:
        self.inp = _Input(stream)
        self.limit = limit
        #: Modelled elements beyond which the load is a bomb (see pickle_scan).
        self.budget = budget
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
        #: What each pickle returned, and every structure reachable twice.
        self.roots: list[_Node] = []
        self.shared: list[_Node] = []
        self.expansion = 0
        #: Calls of what an earlier call returned: what that earlier call called.
        self.returned_calls: dict[str, None] = {}

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
            # Data that happens to parse names no known way to run code: not
            # reported as an import, but named if what it returns is called.
            return _Global(module, name)
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
        """Track a string that could name a module or attribute (or a dtype, for
        joblib's arrays), within budget."""
        if len(text) > STRING_CAP or not (_NAME.fullmatch(text) or _DTYPE.fullmatch(text)):
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
            return int.from_bytes(data, "little", signed=op.name in ("EXT4", "BININT")) \
                if n <= 4 else None
        if n == _UP_TO_NEWLINE:
            line = inp.readline(op.name)
            if op.kind in (_GLOBAL, _INST):
                return line, inp.readline(op.name)
            return line
        width = {_LEN1: 1, _LEN4: 4, _LEN4U: 4, _LEN8U: 8}[n]
        length = int.from_bytes(inp.exact(width, op.name), "little", signed=n == _LEN4)
        if length < 0:
            raise _Stop("malformed", f"{op.name} at byte {inp.pos} has negative length {length}")
        if (op.kind == _STRING or op.name == "LONG1") and length <= STRING_CAP:
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
        try:
            self.walk()
        finally:
            if not self.tentative or self.roots:
                live = [v for v in self.stack if type(v) is _Node]
                self.expansion = expansion([*self.roots, *self.shared, *live], self.budget)

    def walk(self) -> None:
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
                self.generic(op, arg, at)
            elif kind == _STRING:
                stack.append(self.string_value(op, arg))
            elif kind == _MUTATE:
                items = self.pop_mark(op, at) if op.to_mark else self.pop(op.pops - 1, op, at)
                if len(stack) <= (marks[-1] if marks else 0):
                    raise _Stop("malformed", f"{op.name} at byte {at} with nothing to add to")
                self.mutate(stack[-1], op, items)
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
                self.share(top)
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
                self.share(value)
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
                args = _Node()
                args.add(self.pop_mark(op, at))
                stack.append(self.call(callee, args))
            elif kind == _STACK_GLOBAL:
                module, name = self.pop(2, op, at)
                stack.append(self.stack_global(module, name, at))
            elif kind == _OBJ:
                items = self.pop_mark(op, at)
                if not items:
                    raise _Stop("malformed", f"OBJ at byte {at} without a class")
                args = _Node()
                args.add(items[1:])
                stack.append(self.call(items[0], args))
            elif kind in (_REDUCE, _NEWOBJ, _NEWOBJ_EX):
                items = self.pop(3 if kind == _NEWOBJ_EX else 2, op, at)
                stack.append(self.call(items[0], *items[1:]))
            elif kind == _BUILD:
                state = self.pop(1, op, at)[0]
                if len(stack) <= (marks[-1] if marks else 0):
                    raise _Stop("malformed", f"BUILD at byte {at} with nothing to build")
                target = stack[-1]
                if isinstance(target, _Global):
                    self.finding("suspicious", f"BUILD at byte {at} sets attributes of an imported "
                                 "object itself (monkey-patching a module or class)")
                elif type(target) is _Node:
                    self.build(target, state, at)
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
                result = self.pop(1, op, at)[0]
                if type(result) is _Node and not self.tentative:
                    self.roots.append(result)
                return
            if not warned_depth and len(stack) + len(marks) > DEPTH_WARN:
                warned_depth = True
                self.finding("too-deep", f"stack deeper than {DEPTH_WARN} at byte {at}", once=True)

    # values: containers, calls, ints -----------------------------------------

    def generic(self, op: _Op, arg: object, at: int) -> None:
        """An opcode the generic pop/push simulation covers, containers and ints kept."""
        items = self.pop_mark(op, at) if op.to_mark else []
        if op.pops:
            items += self.pop(op.pops, op, at)
        if op.name in _CONTAINERS:
            node = _Node()
            node.add(items)
            if op.name.startswith("TUPLE") or op.name == "EMPTY_TUPLE":
                node.items = items[:_Node.KEEP]
            elif op.name == "DICT":
                node.entries = _entries(items)
            self.stack.append(node)
        elif op.name in _INTS:
            self.stack.append(_int_value(op.name, arg))
        else:
            self.stack.extend(op.pushes)

    def share(self, value: object) -> None:
        """``value`` is now reachable twice (memo, DUP): counted per reference."""
        if type(value) is _Node and not value.shared:
            value.shared = True
            if not self.tentative:
                self.shared.append(value)

    def mutate(self, target: object, op: _Op, items: list[object]) -> None:
        """APPEND(S), SETITEM(S), ADDITEMS: ``items`` go into ``target``."""
        if type(target) is not _Node:
            return
        target.add(items)
        if op.name.startswith("SETITEM"):
            if target.entries is None:
                target.entries = {}
            if len(target.entries) < _Node.KEEP:
                target.entries.update(_entries(items))

    def call(self, callee: object, args: object = None, kwargs: object = None) -> _Node:
        """A REDUCE, NEWOBJ(_EX), INST or OBJ: the result, sized as the call would build it."""
        if type(callee) is _Node and callee.callee is not None:
            inner = _dotted(callee.callee)
            if not self.tentative or inner != "?":  # data rarely imports, then calls twice
                self.returned_calls[inner] = None
        if isinstance(callee, _Global) and callee.module is not None and callee.name is not None:
            self.calls[(callee.module, callee.name)] = None
        first = args.items[0] if type(args) is _Node and args.items else None
        if _is(callee, "copyreg", "_reconstructor") and isinstance(first, _Global):
            callee = first  # protocol 0/1: _reconstructor(cls, base, state) builds a cls
        result = _Node(callee=callee if callee is not None else _ANY)
        result.add(v for v in (args, kwargs) if v is not None)
        if isinstance(callee, _Global) and callee.module in ("builtins", "__builtin__"):
            self.allocate(result, callee.name, args)
        elif _is(callee, "numpy", "dtype") and isinstance(first, str):
            result.itemsize = _itemsize(first)
        return result

    def allocate(self, result: _Node, name: str | None, args: object) -> None:
        """What a builtin constructor allocates: ``bytes(n)``, ``list(range(n))``."""
        items = args.items if type(args) is _Node and args.items else []
        ints = [v for v in items if type(v) is int]
        if name in _ALLOCATE_INT and ints and len(ints) == len(items):
            result.own += max(ints[0], 0)
        elif name in _EXPAND_RANGE and items and type(items[0]) is _Node:
            result.own += items[0].lazy
        elif name in ("range", "xrange") and ints and len(ints) == len(items) <= 3:
            start, stop, step = (0, ints[0], 1) if len(ints) == 1 else (*ints[:2], 1)
            step = ints[2] if len(ints) == 3 else step
            result.lazy = len(range(start, stop, step)) if step else 0

    def build(self, target: _Node, state: object, at: int) -> None:
        """BUILD: ``state`` goes into ``target``; a dtype's size, a joblib array read past."""
        target.add([state])
        items = state.items if type(state) is _Node and state.items else []
        if target.itemsize is not None and len(items) > 5 and type(items[5]) is int \
                and items[5] > 0:
            target.itemsize = items[5]  # elsize: structured and string dtypes
        callee = target.callee
        if isinstance(callee, _Global) and callee.name == "NumpyArrayWrapper" \
                and (callee.module or "").endswith("numpy_pickle") and not self.tentative:
            self.joblib_array(state, at)

    def joblib_array(self, state: object, at: int) -> None:
        """Read past the array joblib writes raw after a NumpyArrayWrapper's BUILD.

        Its size is the product of the record's ``shape`` times the dtype's
        item size, after one padding-length byte and that much padding when
        the record has ``numpy_array_alignment_bytes`` (joblib 1.2 on); an
        object array is a whole pickle of its own, walked as one.
        """
        entries = state.entries if type(state) is _Node and state.entries else {}
        shape, dtype = entries.get("shape"), entries.get("dtype")
        items = shape.items if type(shape) is _Node and shape.items is not None else [None]
        dims = [d for d in items if type(d) is int and d >= 0]
        itemsize = dtype.itemsize if type(dtype) is _Node else None
        if len(dims) != len(items) or itemsize is None:
            raise _Stop("incomplete", f"joblib array at byte {at} of unknown shape or dtype; "
                        "the rest of the stream is not checked")
        if itemsize == 0:  # object array: pickled in place
            outer = self.stack, self.marks
            self.one_pickle(first=False)
            self.stack, self.marks = outer
            return
        if type(entries.get("numpy_array_alignment_bytes")) is int:
            padding = self.inp.exact(1, "joblib array padding")[0]
            self.inp.skip(padding, "joblib array padding")
        self.inp.skip(math.prod(dims) * itemsize, "joblib array")

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
        if _not_str(module) or _not_str(name):
            raise _Stop("malformed", f"STACK_GLOBAL at byte {at} on values that are not strings")
        if type(module) is str and type(name) is str:
            return self.record(module, name)
        return self.unresolvable(module if type(module) is str else None,
                                 name if type(name) is str else None,
                                 "STACK_GLOBAL on strings computed at load time or too long",
                                 computed=_computed(module) or _computed(name))

    def report(self) -> PickleReport:
        """The imports judged: every import that cannot be checked (computed
        at load time, too long, through the extension registry) is dangerous."""
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
            dangerous.append(key)
        return PickleReport(
            globals=tuple(sorted(self.globals)), unsafe=tuple(sorted(unsafe)),
            findings=tuple(self.findings), dangerous=tuple(sorted(set(dangerous))),
            calls=tuple(sorted(self.calls)), protocol=self.protocol, opcodes=self.ops, streams=1,
            expansion=self.expansion, budget=self.budget,
            returned_calls=tuple(sorted(self.returned_calls)))


# -- what the simulated values say ------------------------------------------------


def _not_str(value: object) -> bool:
    """Whether ``value`` can never be a module or attribute name."""
    return value is _NOT_STR or type(value) is int or (type(value) is _Node and value.callee is None)


def _computed(value: object) -> bool:
    """Whether ``value`` is computed at load time (what a call returned)."""
    return value is _ANY or (type(value) is _Node and value.callee is not None)


def _is(value: object, module: str, name: str) -> bool:
    """Whether ``value`` is the import of ``module.name`` (or its Python 2 name)."""
    return isinstance(value, _Global) and value.name == name and value.module in (
        module, {"copyreg": "copy_reg", "builtins": "__builtin__"}.get(module))


def _dotted(value: object) -> str:
    """The import a call result came from, for the report (``?``: not an import)."""
    if isinstance(value, _Global) and value.module is not None and value.name is not None:
        return f"{value.module}.{value.name}"
    return "?"


def _entries(items: list[object]) -> dict[str, object]:
    """The string-keyed pairs of a SETITEMS or DICT operand list, as far as kept."""
    return {k: v for k, v in zip(items[::2], items[1::2])
            if type(k) is str}  # items are bounded by the walk's own caps


def _int_value(name: str, arg: object) -> int | _Value:
    """The int an INT, BININT*, LONG or LONG1 pushes, when it is small enough to keep."""
    if isinstance(arg, int):
        return arg
    if not isinstance(arg, bytes) or len(arg) > 32:
        return _NOT_STR
    if name == "LONG1":
        return int.from_bytes(arg, "little", signed=True)
    try:
        return int(arg.rstrip(b"L"))
    except ValueError:  # the unpickler fails here too; the walk goes on
        return _NOT_STR


def _itemsize(code: str) -> int | None:
    """Bytes per element of a dtype from numpy.dtype's argument: 0 for objects."""
    match = _DTYPE.fullmatch(code)
    if match is None:
        return None
    kind, size = match.group(1), match.group(2)
    if kind == "O":
        return 0
    if not size:
        return {"b": 1, "B": 1, "?": 1, "h": 2, "H": 2, "i": 4, "I": 4, "l": 8, "L": 8, "q": 8,
                "Q": 8, "e": 2, "f": 4, "d": 8, "g": 16, "F": 8, "D": 16}.get(kind)
    return int(size) * (4 if kind == "U" else 1)
