"""The pickle opcode table the scanner walks with, and the values it simulates.

Built once from :mod:`pickletools`' descriptions of every opcode: its
argument, what it pops and pushes, and which opcodes need more than that
generic stack simulation (memo, imports, calls).  The stack of the walk in
:mod:`dh_aimodel.formats.pickle_walk` holds only the kinds of values below,
kept strings and simulated imports.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Final

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
