"""What a pickle scan returns: :class:`PickleReport`.

Made by the walk of one stream (:mod:`dh_aimodel.formats.pickle_walk`) and
merged over the streams of a file by
:func:`dh_aimodel.formats.pickle_scan.merge_reports`.
"""

from __future__ import annotations

from dataclasses import dataclass

from dh_aimodel.formats import Finding


@dataclass(frozen=True, slots=True)
class PickleReport:
    """What a pickle stream imports and calls, and what is wrong with it.

    ``globals``: every (module, name) imported, sorted.  ``unsafe``: those
    not on the allow-list (plus unresolvable imports, as ``"?"``), the ones a
    maintainer must look at; ``dangerous`` is the subset known to run code.
    ``calls``: imported callables the stream invokes (REDUCE, NEWOBJ, INST,
    OBJ).  ``protocol``: the first PROTO seen, None for protocol 0/1.
    ``streams``: how many streams were walked (0: the file holds no pickle).
    ``expansion``: the modelled size of what loading builds (elements
    created, each memo or DUP reuse counted again, as a walk of the result
    meets them; at most ``budget + 1``); ``returned_calls``: the imports
    whose result the stream calls again (``?``: not an import).

    The levels of a verdict: ``dangerous``, ``returned_calls`` and a
    ``load_bomb`` are errors (loading runs code an attacker chose, or
    exhausts memory or time); ``foreign`` imports a warning (loading runs
    that library's own code); the rest nothing.
    """

    globals: tuple[tuple[str, str], ...] = ()
    unsafe: tuple[tuple[str, str], ...] = ()
    findings: tuple[Finding, ...] = ()
    dangerous: tuple[tuple[str, str], ...] = ()
    calls: tuple[tuple[str, str], ...] = ()
    protocol: int | None = None
    opcodes: int = 0
    streams: int = 0
    expansion: int = 0
    budget: int = 0
    returned_calls: tuple[str, ...] = ()

    @property
    def foreign(self) -> tuple[tuple[str, str], ...]:
        """Imports outside the allow-list that are not known to run code an attacker chose."""
        dangerous = set(self.dangerous)
        return tuple(k for k in self.unsafe if k not in dangerous)

    @property
    def load_bomb(self) -> bool:
        """Whether loading would build more than the budget allows."""
        return self.expansion > self.budget > 0

    @property
    def is_safe(self) -> bool:
        """Nothing outside the allow-list and nothing left unchecked."""
        return not self.unsafe and not self.findings
