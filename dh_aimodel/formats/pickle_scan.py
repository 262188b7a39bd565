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
tensor data of a legacy checkpoint would all be read.  The walk
(:mod:`dh_aimodel.formats.pickle_walk`) reads at most :data:`STRING_CAP`
bytes of an argument and seeks past the rest.

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

The parts: the allow-list and the deny-list in
:mod:`~dh_aimodel.formats.pickle_allowlist`, the opcode table in
:mod:`~dh_aimodel.formats.pickle_opcodes`, the bounded reads in
:mod:`~dh_aimodel.formats.pickle_input`, the walk of one stream in
:mod:`~dh_aimodel.formats.pickle_walk` and its result in
:mod:`~dh_aimodel.formats.pickle_report`; here, the entry points.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import BinaryIO, Final, cast

from dh_aimodel.core import limits
from dh_aimodel.core.limits import Limits
from dh_aimodel.formats import Finding, iter_pickles
from dh_aimodel.formats.pickle_allowlist import classify_global as classify_global
from dh_aimodel.formats.pickle_input import STRING_CAP as STRING_CAP
from dh_aimodel.formats.pickle_report import PickleReport
from dh_aimodel.formats.pickle_walk import DEPTH_WARN as DEPTH_WARN
from dh_aimodel.formats.pickle_walk import _Scanner

#: Opcodes walked per stream by default (a PyTorch state dict needs a few
#: dozen per tensor; a scikit-learn model some per Python object).
DEFAULT_LIMIT: Final = 2_000_000
#: Modelled elements a load may build (:attr:`PickleReport.expansion`)
#: before it is a load bomb, by default: every element a container gets,
#: every byte ``bytes(n)`` allocates, every structure counted again at each
#: memo or DUP reuse.  The number is the ``pickle-elements`` limit of
#: :mod:`dh_aimodel.core.limits` (a scan uses the one in force, raised with
#: ``--limit pickle-elements=N``).  Without reuse a stream builds at most
#: about one element per opcode, so it is 50 times what the opcode limit
#: lets a stream write; doubling a list 27 times by memo reuse reaches it,
#: while real checkpoints (measured: PyTorch, joblib and scikit-learn ones)
#: stay orders of magnitude below.
DEFAULT_BUDGET: Final = Limits().pickle_elements


# -- public entry points --------------------------------------------------------


def scan_pickle(stream: BinaryIO, limit: int = DEFAULT_LIMIT, *,
                tentative: bool = False, budget: int | None = None) -> PickleReport:
    """Walk the pickle stream(s) in ``stream`` and report imports and calls.

    Reads from the stream's current position; walks at most ``limit``
    opcodes.  Never unpickles and never raises for what the stream holds:
    problems are :attr:`PickleReport.findings`.  ``tentative``: the bytes
    may be plain data that only starts like a pickle; then only imports
    known to run code and unresolvable imports are reported, no findings
    about the stream's shape and no load bomb.  ``budget``: see
    :data:`DEFAULT_BUDGET`; by default the ``pickle-elements`` limit in force.
    """
    if budget is None:
        budget = limits.active().pickle_elements
    scanner = _Scanner(stream, limit, tentative, budget)
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
    returned: set[str] = set()
    protocol: int | None = None
    opcodes = streams = expansion = budget = 0
    for name, report in reports:
        globals_.update(report.globals)
        unsafe.update(report.unsafe)
        dangerous.update(report.dangerous)
        calls.update(report.calls)
        returned.update(report.returned_calls)
        expansion, budget = max(expansion, report.expansion), max(budget, report.budget)
        findings.extend(Finding(f.code, f"{name}: {f.message}" if name else f.message)
                        for f in report.findings)
        protocol = protocol if protocol is not None else report.protocol
        opcodes += report.opcodes
        streams += report.streams
    return PickleReport(tuple(sorted(globals_)), tuple(sorted(unsafe)), tuple(findings),
                        tuple(sorted(dangerous)), tuple(sorted(calls)), protocol, opcodes, streams,
                        expansion, budget, tuple(sorted(returned)))