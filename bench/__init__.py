"""Benchmark harness of dh-aimodel: a tiny registry and the helpers it needs.

Performance goals are part of the project (for instance "hashing a 2 GiB
model runs at ≥ 0.9× the speed of ``openssl dgst``"), so each one is a
benchmark that measures our figure against a baseline measured *in the same
run on the same machine*, and says PASS or FAIL against its target.
Absolute numbers differ between machines; the ratio to a well-known tool
does not (much), which is what makes the targets checkable anywhere.

Adding a benchmark (for instance the planned no-op ``dh_aimodel`` start-up,
classifying 1,000 models, ``aimodel lint`` vs ``lintian``, scanning 10,000
files, ``aimodel fetch`` vs ``curl``) is: create ``bench/<topic>.py`` with ::

    from bench import Context, Measurement, benchmark, ratio_at_least

    @benchmark("lint-vs-lintian", target=ratio_at_least(1.0, "lintian"))
    def lint_vs_lintian(ctx: Context) -> Measurement:
        ...
        return Measurement(ours=..., baseline=..., unit="s",
                           baseline_label="lintian", ratio=... )

Every module of this package whose name does not start with ``_`` is
imported by :func:`discover` (``python3 -m bench`` calls it), so no list has
to be edited.  Nothing here runs at import time.
"""

from __future__ import annotations

import importlib
import os
import pkgutil
import shutil
import subprocess
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = [
    "REGISTRY",
    "BenchError",
    "Benchmark",
    "Context",
    "GiB",
    "Measurement",
    "MiB",
    "Result",
    "Target",
    "at_most",
    "benchmark",
    "best_of",
    "best_of_pair",
    "discover",
    "extra_at_most",
    "need_tool",
    "ratio_at_least",
    "repo_root",
    "run_tool",
    "warm",
]

MiB = 1024 * 1024
GiB = 1024 * MiB


class BenchError(Exception):
    """A benchmark could not run (missing tool, no disk space, wrong digest).

    Reported as ERROR on the benchmark's line and counted as a failure; the
    other benchmarks still run.
    """


@dataclass(frozen=True, slots=True)
class Measurement:
    """What a benchmark function measured.

    ``ours`` and ``baseline`` are in ``unit``; ``ratio`` is computed by the
    benchmark because its meaning depends on the figure (for times it is
    ``baseline / ours``, i.e. > 1 means we are faster).  ``details`` holds
    anything worth keeping in results.json (samples, sizes, throughput).
    """

    ours: float
    baseline: float
    unit: str
    baseline_label: str
    ratio: float
    details: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Target:
    """A goal: its text for humans and the check that decides PASS/FAIL."""

    text: str
    check: Callable[[Measurement], bool]


def ratio_at_least(minimum: float, baseline: str) -> Target:
    """Target for "our ratio to ``baseline`` is at least ``minimum``"."""
    return Target(f"≥ {minimum:g}× {baseline}", lambda m: m.ratio >= minimum)


def extra_at_most(limit: float, unit: str) -> Target:
    """Target for "ours exceeds the baseline by at most ``limit``"."""
    return Target(f"extra ≤ {limit:g} {unit}", lambda m: m.ours - m.baseline <= limit)


def at_most(limit: float, unit: str) -> Target:
    """Target for an absolute ceiling on our figure (e.g. start-up time)."""
    return Target(f"≤ {limit:g} {unit}", lambda m: m.ours <= limit)


@dataclass(frozen=True, slots=True)
class Result:
    """One benchmark's outcome, as printed and as stored in results.json."""

    name: str
    target: str
    measurement: Measurement | None
    passed: bool
    error: str | None = None

    def line(self) -> str:
        """Return the one-line summary printed by ``python3 -m bench``."""
        m = self.measurement
        if m is None:
            return f"{self.name:<15} ERROR  {self.error}   target {self.target}   FAIL"
        return (
            f"{self.name:<15} ours {_fmt(m.ours, m.unit):>10}   "
            f"{m.baseline_label} {_fmt(m.baseline, m.unit):>10}   "
            f"ratio {m.ratio:5.2f}   target {self.target:<18} "
            f"{'PASS' if self.passed else 'FAIL'}"
        )

    def to_json(self) -> dict[str, Any]:
        """Return a JSON-serialisable dict for results.json."""
        m = self.measurement
        return {
            "name": self.name,
            "target": self.target,
            "passed": self.passed,
            "error": self.error,
            "ours": None if m is None else m.ours,
            "baseline": None if m is None else m.baseline,
            "baseline_label": None if m is None else m.baseline_label,
            "unit": None if m is None else m.unit,
            "ratio": None if m is None else m.ratio,
            "details": {} if m is None else dict(m.details),
        }


def _fmt(value: float, unit: str) -> str:
    """Format a figure with a precision that suits its unit."""
    if unit == "s":
        return f"{value:.3f} s"
    return f"{value:.1f} {unit}"


@dataclass(frozen=True, slots=True)
class Benchmark:
    """A registered benchmark: its name, target and function."""

    name: str
    target: Target
    func: Callable[[Context], Measurement]
    doc: str

    def run(self, ctx: Context) -> Result:
        """Run the benchmark and judge it; a :class:`BenchError` becomes ERROR."""
        try:
            m = self.func(ctx)
        except BenchError as exc:
            return Result(self.name, self.target.text, None, False, str(exc))
        return Result(self.name, self.target.text, m, self.target.check(m))


#: All benchmarks, by name, in registration order.
REGISTRY: dict[str, Benchmark] = {}


def benchmark(
    name: str, *, target: Target
) -> Callable[[Callable[[Context], Measurement]], Callable[[Context], Measurement]]:
    """Register the decorated function as benchmark ``name`` with ``target``.

    The function is returned unchanged so that it can still be called
    directly (e.g. from a test or an interactive session).
    """

    def register(
        func: Callable[[Context], Measurement],
    ) -> Callable[[Context], Measurement]:
        if name in REGISTRY and REGISTRY[name].func is not func:
            raise ValueError(f"benchmark {name!r} registered twice")
        doc = (func.__doc__ or "").strip().splitlines()
        REGISTRY[name] = Benchmark(name, target, func, doc[0] if doc else "")
        return func

    return register


def discover() -> dict[str, Benchmark]:
    """Import every public module of this package so that they register.

    Modules are imported in name order, which is therefore the order
    benchmarks run in unless names are given on the command line.
    """
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name):
        if not info.name.startswith("_"):
            importlib.import_module(f"{__name__}.{info.name}")
    return REGISTRY


def repo_root() -> Path:
    """Return the source tree the benchmarks measure (parent of bench/)."""
    return Path(__file__).resolve().parent.parent


def python_env(workdir: Path, **extra: str) -> dict[str, str]:
    """Environment for running this working tree's Python code as installed code runs.

    The working tree goes first on ``sys.path``.  Installed, dh-aimodel's
    modules (and its dependencies') are byte-compiled; a caller's
    ``PYTHONDONTWRITEBYTECODE`` would make every timed run compile every
    module from source and measure the compiler instead, so it is dropped and
    byte-code is cached under ``workdir`` (the first run fills the cache).
    debhelper's ``DH_*`` variables are dropped too: they change what
    dh_aimodel does.
    """
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("DH_") and k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPATH"] = str(repo_root())
    env["PYTHONPYCACHEPREFIX"] = str(workdir / "pycache")
    env.update(extra)
    return env


def best_of(n: int, func: Callable[[], object]) -> tuple[float, list[float]]:
    """Call ``func`` ``n`` times; return the fastest wall time and all samples.

    The minimum, not the mean, because noise (other processes, frequency
    scaling) only ever makes a run slower.
    """
    samples: list[float] = []
    for _ in range(n):
        start = time.perf_counter()
        func()
        samples.append(time.perf_counter() - start)
    return min(samples), samples


def best_of_pair(
    n: int, ours: Callable[[], object], theirs: Callable[[], object]
) -> tuple[tuple[float, list[float]], tuple[float, list[float]]]:
    """Time ``ours`` and ``theirs`` ``n`` times each, interleaved; best of each.

    Interleaving (theirs, ours, ours, theirs, ...) exposes both sides to
    the same background load: timing all of one side, then all of the
    other, turns a burst of unrelated activity (a test suite, another
    build) into a false ratio.  Returns ``((best, samples) of ours,
    (best, samples) of theirs)``.
    """
    samples: dict[bool, list[float]] = {True: [], False: []}
    for i in range(n):
        for is_ours in (False, True) if i % 2 == 0 else (True, False):
            start = time.perf_counter()
            (ours if is_ours else theirs)()
            samples[is_ours].append(time.perf_counter() - start)
    return (min(samples[True]), samples[True]), (min(samples[False]), samples[False])


def need_tool(name: str, package: str) -> str:
    """Return the path of executable ``name`` or fail naming its package."""
    path = shutil.which(name)
    if path is None:
        raise BenchError(f"{name} not found (apt install {package})")
    return path


def run_tool(argv: list[str]) -> str:
    """Run a baseline tool, returning its stdout; failure is a BenchError."""
    proc = subprocess.run(argv, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise BenchError(f"{' '.join(argv)} exited {proc.returncode}: {proc.stderr.strip()}")
    return proc.stdout


class Context:
    """Shared state of one ``python3 -m bench`` run.

    ``workdir`` is a temporary directory on disk (not a sparse file, not
    tmpfs unless TMPDIR says so), removed by the caller after the run.  Data
    files are created once and shared between benchmarks (the 2 GiB file is
    used by both ``sha256-2g`` and ``sha256-rss``).
    """

    #: Size of the random block repeated to fill data files: writing real
    #: bytes is what matters (a sparse file would be hashed from the zero
    #: page and never touch the page cache), not their entropy.
    BLOCK = 64 * MiB

    def __init__(self, workdir: Path, *, quick: bool = False, runs: int = 3) -> None:
        self.workdir = workdir
        self.quick = quick
        #: Timed runs per side (``--runs``); more help on a busy machine.
        self.runs = runs
        self._files: dict[tuple[str, int], Path] = {}
        self._block: bytes | None = None

    def size(self, full: int, quick: int) -> int:
        """Return ``quick`` bytes under ``--quick``, else ``full``."""
        return quick if self.quick else full

    def data_file(self, name: str, size: int) -> Path:
        """Return a file of ``size`` real pseudo-random bytes, made once.

        The data is flushed to disk (fsync) before timing starts, so that
        write-back of dirty pages does not run during a measurement, and
        stays in the page cache so that timed runs measure hashing, not the
        disk.
        """
        key = (name, size)
        if key in self._files:
            return self._files[key]
        free = shutil.disk_usage(self.workdir).free
        if free < size + 256 * MiB:
            raise BenchError(
                f"not enough space in {self.workdir} for a {size // MiB} MiB file "
                f"({free // MiB} MiB free); set TMPDIR or use --tmpdir"
            )
        if self._block is None:
            self._block = os.urandom(self.BLOCK)
        path = self.workdir / name
        block = memoryview(self._block)
        with open(path, "wb") as f:
            left = size
            while left:
                left -= f.write(block[: min(left, len(block))])
            f.flush()
            os.fsync(f.fileno())
        self._files[key] = path
        return path

    def remove(self, path: Path) -> None:
        """Delete a data file early, when later benchmarks do not need it."""
        for key, p in list(self._files.items()):
            if p == path:
                del self._files[key]
        path.unlink(missing_ok=True)


def warm(path: Path) -> None:
    """Read ``path`` once so every timed run reads it from the page cache."""
    buf = memoryview(bytearray(MiB))
    with open(path, "rb", buffering=0) as f:
        while f.readinto(buf):
            pass
