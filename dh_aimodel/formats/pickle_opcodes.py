"""The pickle opcode table the scanner walks with, and the values it simulates.

Built once from :mod:`pickletools`' descriptions of every opcode: its
argument, what it pops and pushes, and which opcodes need more than that
generic stack simulation (memo, imports, calls).  The stack of the walk in
:mod:`dh_aimodel.formats.pickle_walk` holds only the kinds of values below:
kept strings, small ints, simulated imports, and :class:`_Node` for what
the load would build (containers and results of calls), which carries the
modelled size of the structure for the load-bomb budget.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Final, Iterable

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
#: Opcodes that build a container (a :class:`_Node`) from their operands.
_CONTAINERS: Final = frozenset({
    "EMPTY_LIST", "EMPTY_DICT", "EMPTY_SET", "EMPTY_TUPLE", "LIST", "DICT", "TUPLE", "TUPLE1",
    "TUPLE2", "TUPLE3", "FROZENSET"})
#: Opcodes that push an int the walk keeps (sizes for the budget, joblib's shapes).
_INTS: Final = frozenset({"INT", "BININT", "BININT1", "BININT2", "LONG", "LONG1"})


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


class _Node:
    """Something the load builds: a container, or what a call returns.

    ``own`` counts the elements the load creates in it, sub-structures
    that exist only here included; a structure reachable twice (memoised or
    duplicated: ``shared``) is counted through ``refs`` instead, once per
    reference, so that :func:`expansion` multiplies memo reuse as a walk of
    the result would.  ``items``/``entries`` keep the first operands of
    small tuples and dicts (call arguments, joblib's array records),
    ``callee`` what a call result came from, ``lazy`` the length of a
    ``range`` (which costs nothing until something iterates it).
    """

    __slots__ = ("own", "refs", "shared", "items", "entries", "callee", "lazy", "itemsize")

    #: Operands kept per tuple or dict.
    KEEP: Final = 64

    def __init__(self, own: int = 0, callee: object = None) -> None:
        self.own = own
        self.refs: dict[_Node, int] | None = None
        self.shared = False
        self.items: list[object] | None = None
        self.entries: dict[str, object] | None = None
        self.callee = callee
        self.lazy = 0
        #: Bytes per element, for a numpy.dtype call result.
        self.itemsize: int | None = None

    def add(self, values: Iterable[object]) -> None:
        """Put ``values`` (popped off the stack) into this structure."""
        for value in values:
            self.own += 1
            if type(value) is not _Node or value is self:
                continue
            if value.shared:
                refs = self.refs if self.refs is not None else {}
                refs[value] = refs.get(value, 0) + 1
                self.refs = refs
                continue
            self.own += value.own
            if value.refs:  # merge the smaller into the larger: n log n over a walk
                if self.refs is None or len(self.refs) < len(value.refs):
                    self.refs, value.refs = value.refs, self.refs
                for child, count in (value.refs or {}).items():
                    self.refs[child] = self.refs.get(child, 0) + count

    def __repr__(self) -> str:
        return f"<node {self.own}>"


def expansion(roots: Iterable[_Node], cap: int) -> int:
    """The largest modelled size of ``roots``, memo reuse multiplied, at most ``cap + 1``.

    Each node is evaluated once (iteratively: structures nest deeper than
    Python recurses); a cycle counts its back edge once, as a walk that
    remembers what it has seen would.
    """
    sizes: dict[_Node, int] = {}
    best = 0
    for root in roots:
        stack: list[tuple[_Node, bool]] = [(root, False)]
        while stack:
            node, done = stack.pop()
            if node in sizes and not done:
                continue
            if not done:
                sizes[node] = node.own  # provisional: a cycle back here adds no more
                stack.append((node, True))
                stack.extend((child, False) for child in node.refs or () if child not in sizes)
                continue
            total = node.own + sum(count * sizes.get(child, 0)
                                   for child, count in (node.refs or {}).items())
            sizes[node] = min(total, cap + 1)
        best = max(best, sizes[root])
    return best


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


# -- is a file's head a pickle? ----------------------------------------------------------

#: A module or attribute path, as GLOBAL and INST name them.
_DOTTED: Final = re.compile(rb"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*")
#: Opcodes that show a head is a pickle once reached: imports, calls, the end.
_DECISIVE: Final = frozenset({_GLOBAL, _STACK_GLOBAL, _INST, _OBJ, _REDUCE, _STOP})


def pickle_head(head: bytes) -> bool:
    """Whether ``head`` (a file's first bytes) parses as the start of a pickle.

    For pickles of protocol 0 and 1, which have no magic number: their
    opcodes are printable and text files start with the same bytes, so a
    name cannot be the only sign (``x.bin`` may hold one).  The head must
    parse opcode by opcode, the stack and memo simulated as far as their
    sizes (nothing is popped that was not pushed, nothing read from the memo
    that was not stored, imports name dotted identifiers, no two imports
    back to back as no pickler writes them, ``PROTO`` 2-5 first or not at
    all), and reach an import, a call or ``STOP`` before the head ends.  Text fails within a few bytes: most
    letters are opcodes whose argument or operands a sentence does not
    have.  Bounded by ``len(head)``; never raises.
    """
    table = _opcodes()
    if not head or table[head[0]] is None:
        return False
    pos, depth, marks, memo = 0, 0, [0], 0
    decisive = False
    previous = -1
    while pos < len(head):
        op = table[head[pos]]
        if op is None:
            return False
        pos += 1
        arg = _head_argument(op, head, pos)
        if arg is None:  # the argument runs past the head: judge what was seen
            return decisive
        value, pos = arg
        if value is False:
            return False
        if op.kind in (_GLOBAL, _INST) and previous in (_GLOBAL, _INST):
            return False
        if op.kind == _PROTO and not (pos == 2 and isinstance(value, int) and 2 <= value <= 5):
            return False  # picklers write PROTO 2-5, first
        previous = op.kind
        decisive = decisive or op.kind in _DECISIVE
        if op.kind == _MARK:
            marks.append(depth)
            continue
        if op.kind in (_GET, _PUT, _MEMOIZE):
            index = value if isinstance(value, int) else memo
            if op.kind == _GET and index >= memo:
                return False
            if op.kind != _GET and depth <= marks[-1]:
                return False
            memo = max(memo, index + 1)
            depth += op.kind == _GET
        elif op.kind == _DUP:
            if depth <= marks[-1]:
                return False
            depth += 1
        elif op.to_mark:
            if len(marks) == 1:
                return False
            top = marks.pop()
            if top - marks[-1] < op.pops:
                return False
            depth = top - op.pops + len(op.pushes)
        elif op.kind == _POP and depth == marks[-1] and len(marks) > 1:
            depth = marks.pop()  # POP of a MARK
        else:
            if depth - marks[-1] < op.pops:
                return False
            depth += len(op.pushes) - op.pops
        if op.kind == _STOP:
            return depth == 0 and len(marks) == 1
    return decisive


def _head_argument(op: _Op, head: bytes, pos: int) -> tuple[object, int] | None:
    """``op``'s argument at ``pos`` of ``head`` and the position after it; None
    when it runs past the head, ``False`` as the value when it is invalid."""
    n = op.arg
    if n is None:
        return None, pos
    if n >= 0:
        if pos + n > len(head):
            return None
        return int.from_bytes(head[pos:pos + n], "little"), pos + n
    if n == _UP_TO_NEWLINE:
        end = head.find(b"\n", pos)
        if end < 0:
            return None
        line = head[pos:end]
        if op.kind in (_GLOBAL, _INST):
            second = head.find(b"\n", end + 1)
            if second < 0:
                return None
            name = head[end + 1:second]
            named = _DOTTED.fullmatch(line) and _DOTTED.fullmatch(name)
            return (None if named else False), second + 1
        if op.kind in (_GET, _PUT) or op.name in ("INT", "LONG"):
            digits = line[:-1] if op.name == "LONG" and line.endswith(b"L") else line
            if not digits.lstrip(b"-").isdigit():
                return False, end + 1
            return (int(digits) if op.kind in (_GET, _PUT) else None), end + 1
        if op.name == "STRING" and not (len(line) >= 2 and line[:1] in (b"'", b'"')
                                        and line[-1:] == line[:1]):
            return False, end + 1
        return None, end + 1
    width = {_LEN1: 1, _LEN4: 4, _LEN4U: 4, _LEN8U: 8}[n]
    if pos + width > len(head):
        return None
    length = int.from_bytes(head[pos:pos + width], "little", signed=n == _LEN4)
    if length < 0:
        return False, pos
    if pos + width + length > len(head):
        return None
    return None, pos + width + length
