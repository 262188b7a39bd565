"""sha256-rss: peak memory of hashing a large file stays flat."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from bench import BenchError, Context, GiB, Measurement, MiB, benchmark, extra_at_most, repo_root

#: Extra peak RSS allowed over a bare ``import dh_aimodel.tree.hashing``.
LIMIT_MIB = 64


#: Appended to the measured code: print the process's peak RSS in KiB.
_REPORT_HWM = """
import sys as _sys
with open("/proc/self/status", encoding="ascii") as _f:
    _sys.stdout.write(next(l for l in _f if l.startswith("VmHWM:")).split()[1])
"""


def peak_rss_mib(code: str) -> float:
    """Run ``python3 -c code`` against this tree; return its peak RSS in MiB.

    The child reads its own ``VmHWM`` (high-water RSS of its address space)
    at the end.  ``ru_maxrss`` (from ``wait4``, ``RUSAGE_CHILDREN`` or
    ``/usr/bin/time``) would not do: Linux carries the pre-``exec`` RSS of
    the forked parent into it, and this parent holds the 64 MiB random block
    used to write data files, which would then hide the figure we want.
    """
    env = dict(os.environ, PYTHONPATH=str(repo_root()))
    proc = subprocess.run(
        [sys.executable, "-c", code + _REPORT_HWM],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0 or not proc.stdout.strip().isdigit():
        raise BenchError(
            f"python3 -c {code!r} exited {proc.returncode}: {proc.stderr.strip()[-500:]}"
        )
    return int(proc.stdout) / 1024


@benchmark("sha256-rss", target=extra_at_most(LIMIT_MIB, "MiB"))
def sha256_rss(ctx: Context) -> Measurement:
    """Peak RSS of ``sha256_file`` on the 2 GiB file vs importing the module.

    Streaming through one fixed buffer must keep memory flat: a regression
    that reads a whole file (``path.read_bytes()``) would show the file's
    size here.
    """
    size = ctx.size(2 * GiB, 256 * MiB)
    path: Path = ctx.data_file("large.bin", size)
    base = peak_rss_mib("import dh_aimodel.tree.hashing")
    hashing = peak_rss_mib(
        "from pathlib import Path\n"
        "from dh_aimodel.tree.hashing import sha256_file\n"
        f"sha256_file(Path({str(path)!r}))\n"
    )
    return Measurement(
        ours=hashing,
        baseline=base,
        unit="MiB",
        baseline_label="import",
        ratio=hashing / base,
        details={"bytes": size, "extra_MiB": hashing - base},
    )
