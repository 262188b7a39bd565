"""Weights written as numeric arrays in C or C++ source (opus 1.5 ``dnn/*_data.c``).

Such a model is compiled into a library or program, so it shows up only in
the source tree, and only by reading the whole file: no 64-byte head tells
it from other code.  :func:`c_array_summary` therefore runs for ``aimodel
init`` (and for :func:`dh_aimodel.formats.read_metadata` of a file declared
``format: c-array``), never in the installed-file scan.

A file counts when all of these hold:

* its name ends in a C or C++ extension (:data:`C_EXTENSIONS`) and it has at
  least :data:`MIN_BYTES` bytes;
* brace initialisers (``= { ... }`` and the braces nested in them) hold at
  least :data:`MIN_VALUES` numeric literals;
* those values are at least :data:`DOMINANCE` of the file's tokens (commas,
  braces and minus signs of the initialisers aside): the file is data, not
  code with a table;
* at least :data:`WEIGHT_SHARE` of the values are negative or fractional:
  trained weights are, while Unicode tables, fonts and firmware blobs, also
  large brace-initialised arrays, are tables of unsigned integers.

:func:`c_array_summary` first checks that the first :data:`MIN_BYTES` bytes
have at least as many digits as letters, so that ordinary code costs one
read.  The text is then read line by line, each line at most :data:`LINE_CAP` bytes and
the file at most :data:`READ_CAP` bytes; comments and string literals are
skipped.  Nothing is compiled or evaluated.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Final

from dh_aimodel.formats.base import KiB, MiB, _Acc
from dh_aimodel.formats.bounded import _Bad, _In

C_EXTENSIONS: Final = frozenset({".c", ".h", ".cc", ".cpp", ".cxx", ".hpp", ".hh", ".hxx"})
MIN_BYTES: Final = 32 * KiB
MIN_VALUES: Final = 10_000
DOMINANCE: Final = 0.5
WEIGHT_SHARE: Final = 0.05
READ_CAP: Final = 64 * MiB
LINE_CAP: Final = 1 * MiB
#: A file whose first :data:`GIVE_UP_AFTER` bytes are code rather than values
#: is not read further (a 9 MiB amalgamated sqlite3.c costs one MiB).
GIVE_UP_AFTER: Final = 1 * MiB
#: Array names kept for the summary.
MAX_NAMES: Final = 8

# Comments and string or character literals, found in that order of priority.
_SPECIAL: Final = re.compile(rb'/\*|//|"(?:[^"\\\n]|\\.)*"?|\'(?:[^\'\\\n]|\\.)*\'?')
_TOKEN: Final = re.compile(
    rb"(?P<num>(?:0[xX][0-9a-fA-F]+|(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?)[uUlLfF]*)"
    rb"|(?P<id>[A-Za-z_]\w*)|(?P<p>\S)")
_DIGITS: Final = b"0123456789"
_LETTERS: Final = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
# Punctuation that is free inside an initialiser: it separates values.
_FREE: Final = frozenset({b",", b"{", b"}", b"-", b"+"})


@dataclass(frozen=True, slots=True)
class Summary:
    """What makes a source file a model: its arrays' names and how many values they hold.

    ``arrays`` names the first :data:`MAX_NAMES` of ``array_count`` brace
    initialised arrays; ``truncated`` says reading stopped at
    :data:`READ_CAP`, so ``values`` is a lower bound.
    """

    arrays: tuple[str, ...]
    array_count: int
    values: int
    truncated: bool = False


class _Scanner:
    """Counts the numeric literals of brace initialisers, one line at a time."""

    __slots__ = ("in_comment", "stack", "prev", "last_ident", "bracket_name", "eq_name",
                 "names", "arrays", "values", "weighty", "other")

    def __init__(self) -> None:
        self.in_comment = False
        #: One entry per open brace: whether it is (part of) an initialiser.
        self.stack: list[bool] = []
        self.prev = b""
        self.last_ident = ""
        self.bracket_name: str | None = None
        self.eq_name = ""
        self.names: list[str] = []
        self.arrays = 0
        self.values = 0
        self.weighty = 0
        self.other = 0

    def _code(self, line: bytes) -> bytes:
        """``line`` without comments; a string literal becomes one ``""`` token."""
        parts: list[bytes] = []
        pos = 0
        while True:
            if self.in_comment:
                end = line.find(b"*/", pos)
                if end < 0:
                    return b" ".join(parts)
                pos, self.in_comment = end + 2, False
            m = _SPECIAL.search(line, pos)
            if m is None:
                parts.append(line[pos:])
                return b" ".join(parts)
            parts.append(line[pos:m.start()])
            pos = m.end()
            if m.group() == b"/*":
                self.in_comment = True
            elif m.group() == b"//":
                return b" ".join(parts)
            else:
                parts.append(b'""')

    def line(self, line: bytes) -> None:
        if line.lstrip().startswith(b"#") and not self.in_comment:
            self.other += 1  # a preprocessor line: code, whatever numbers it has
            return
        for m in _TOKEN.finditer(self._code(line)):
            tok = m.group()
            in_init = bool(self.stack) and self.stack[-1]
            if m.lastgroup == "num":
                if in_init:
                    self.values += 1
                    if self.prev == b"-" or (tok[:2].lower() != b"0x" and (
                            b"." in tok or b"e" in tok.lower())):
                        self.weighty += 1
                else:
                    self.other += 1
            elif m.lastgroup == "id":
                self.other += 1
                self.last_ident = tok.decode("ascii")
            else:
                self._punct(tok, in_init)
            self.prev = tok

    def _punct(self, tok: bytes, in_init: bool) -> None:
        if tok == b"{":
            opens = self.prev == b"=" or (in_init and self.prev in (b"{", b","))
            if opens and not self.stack:
                self.arrays += 1
                if len(self.names) < MAX_NAMES and self.eq_name:
                    self.names.append(self.eq_name)
            self.stack.append(opens)
        elif tok == b"}":
            if self.stack:
                self.stack.pop()
        elif tok == b"[":
            if self.bracket_name is None:
                self.bracket_name = self.last_ident
        elif tok == b";":
            self.bracket_name = None
        elif tok == b"=":
            self.eq_name = self.bracket_name or self.last_ident
        if not (in_init and tok in _FREE):
            self.other += 1

    def hopeless(self) -> bool:
        return self.other > 4 * self.values

    def qualifies(self) -> bool:
        return (self.values >= MIN_VALUES
                and self.values >= DOMINANCE * (self.values + self.other)
                and self.weighty >= WEIGHT_SHARE * self.values)


def _scan(f: BinaryIO, cap: int) -> tuple[_Scanner, bool]:
    """Scan at most ``cap`` bytes of ``f``; also whether the cap cut the file."""
    scanner = _Scanner()
    read = 0
    checked = False
    while read < cap:
        line = f.readline(min(LINE_CAP, cap - read))
        if not line:
            return scanner, False
        read += len(line)
        scanner.line(line)
        if not checked and read >= GIVE_UP_AFTER:
            checked = True
            if scanner.hopeless():
                return scanner, False
    return scanner, bool(f.read(1))


def _mostly_digits(sample: bytes) -> bool:
    """Whether a sample has at least as many digits as letters: a cheap first
    look, so that ordinary code is not tokenised (weights written as
    ``-4.6e-01f`` or ``-12`` are mostly digits, code mostly letters)."""
    digits = len(sample) - len(sample.translate(None, _DIGITS))
    letters = len(sample) - len(sample.translate(None, _LETTERS))
    return digits >= letters


def _summary(scanner: _Scanner, truncated: bool) -> Summary:
    return Summary(tuple(scanner.names), scanner.arrays, scanner.values, truncated)


def c_array_summary(path: Path | str) -> Summary | None:
    """The summary of a C/C++ source file that holds weights as arrays, else None.

    Raises ``OSError`` when the file cannot be read, like ``open``.
    """
    path = Path(path)
    if path.suffix.lower() not in C_EXTENSIONS or path.stat().st_size < MIN_BYTES:
        return None
    with open(path, "rb") as f:
        if not _mostly_digits(f.read(MIN_BYTES)):
            return None
        f.seek(0)
        scanner, truncated = _scan(f, READ_CAP)
    return _summary(scanner, truncated) if scanner.qualifies() else None


def _read_c_array(src: _In, acc: _Acc) -> None:
    scanner, truncated = _scan(src.f, READ_CAP)
    summary = _summary(scanner, truncated)
    acc.field("arrays", ",".join(summary.arrays))
    acc.field("array-count", str(summary.array_count))
    acc.field("values", str(summary.values))
    if truncated:
        acc.finding("incomplete", f"only the first {READ_CAP} bytes were read")
    if not scanner.qualifies():
        raise _Bad("bad-header", f"{summary.values} numeric values in brace initialisers, "
                                 f"against {scanner.other} other tokens; accepted: at least "
                                 f"{MIN_VALUES} values making most of the file, some "
                                 "negative or fractional")
