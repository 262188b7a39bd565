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
