"""Every error the tool reports to a user, under one root class.

The command lines catch :class:`AimodelError` once and print one line per
problem (``prog: error: file:line:col: what is wrong; what is accepted``).
Anything else escaping is a bug and is shown with a traceback only under
``--debug``.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True, order=True)
class Pos:
    """A 1-based position in a file, for messages."""

    file: str
    line: int
    col: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}"


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong in an input: where, what, how to fix it, and its tag.

    The one type for every problem the tool reports: a declaration error has
    a position, a build-time check of dh_aimodel adds the package it is
    about, the tag of ``aimodel lint``'s catalogue that names the same
    condition (so ``aimodel lint --explain TAG`` explains a failed build) and
    the fix.  ``context`` is what ``aimodel lint`` prints after the tag
    (Lintian's "tag context"), for a rule that both report.  Tests compare the
    fields; users read :meth:`__str__`::

        <package>: <file:line:col>: <what is wrong>; <fix> [<tag>]

    A message in ``aimodel lint``'s form (``<tag> <context>``) names its tag
    already and gets no suffix.
    """

    message: str
    pos: Pos | None = None
    package: str | None = None
    tag: str | None = None
    fix: str | None = None
    context: str = ""

    def __str__(self) -> str:
        text = f"{self.pos}: {self.message}" if self.pos else self.message
        if self.package:
            text = f"{self.package}: {text}"
        if self.fix:
            text = f"{text}; {self.fix}"
        if not self.tag or self.message.startswith(self.tag):  # Lintian's "tag context" form
            return text
        return f"{text} [{self.tag}]"


class AimodelError(Exception):
    """Root of the errors caused by input or environment, not by a bug.

    Carries one or more :class:`Problem`; ``exit_status`` is what the command
    line returns (1 for bad input, 2 for bad usage).
    """

    exit_status = 1

    def __init__(self, message: str | None = None, pos: Pos | None = None,
                 *, problems: tuple[Problem, ...] = ()) -> None:
        self.problems: tuple[Problem, ...] = problems or (Problem(message or "", pos),)
        super().__init__(str(self))

    @property
    def message(self) -> str:
        return "\n".join(str(p) for p in self.problems)

    def __str__(self) -> str:
        return self.message


class DeclarationError(AimodelError):
    """debian/aimodel.yaml is malformed or breaks a rule of aimodel.yaml(5)."""


class PackagingError(AimodelError):
    """A Debian packaging file (control, copyright, ...) cannot be used."""


class BuildCheckError(AimodelError):
    """dh_aimodel found the built package inconsistent with the declaration."""


class WriteError(AimodelError):
    """An output could not be written (read-only tree, full disk, quota).

    Raised by :mod:`dh_aimodel.tree.atomic` with the file and the system's reason;
    the file it was to replace is left as it was, so the fix is to make room
    (or make the tree writable) and run the command again.
    """


class UsageError(AimodelError):
    """The command line itself is wrong (unknown option, policy or path)."""

    exit_status = 2
