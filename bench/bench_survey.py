"""aimodel survey: the 54 real archive .debs against decompressing them with dpkg-deb."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from bench import (
    BenchError,
    Context,
    Measurement,
    Target,
    benchmark,
    best_of_pair,
    need_tool,
    python_env,
    repo_root,
    warm,
)

#: Our time at most this multiple of the baseline's (issue 16).
RATIO_LIMIT = 1.3
#: Packages surveyed under --quick (the smallest, by name order).
QUICK = 10


def _archive_debs(quick: bool) -> list[Path]:
    """The .debs of tools/archive-packages.list, as tools/fetch-archive-debs
    downloaded them into $AIMODEL_ARCHIVE_DEBS/SUITE/."""
    root = os.environ.get("AIMODEL_ARCHIVE_DEBS")
    if not root:
        raise BenchError("AIMODEL_ARCHIVE_DEBS is not set (tools/fetch-archive-debs DIR, "
                         "then AIMODEL_ARCHIVE_DEBS=DIR)")
    listed = [line.split()[:2] for line in
              (repo_root() / "tools/archive-packages.list").read_text().splitlines()
              if line.strip() and not line.startswith("#")]
    debs, missing = [], []
    for suite, package in listed:
        found = sorted((Path(root) / suite).glob(f"{package}_*.deb"))
        debs += found
        missing += [] if found else [f"{suite}/{package}"]
    if missing:
        raise BenchError(f"not in {root}: {', '.join(missing[:5])} (tools/fetch-archive-debs)")
    return sorted(debs)[:QUICK] if quick else sorted(debs)


def _run(argv: list[str], env: dict[str, str] | None = None) -> None:
    proc = subprocess.run(argv, env=env, capture_output=True, check=False)
    if proc.returncode:
        raise BenchError(f"{' '.join(argv[:4])} ... exited {proc.returncode}: "
                         f"{proc.stderr[-300:]!r}")


@benchmark("survey-vs-dpkg-deb",
           target=Target(f"≤ {RATIO_LIMIT:g}× dpkg-deb time",
                         lambda m: m.ours <= RATIO_LIMIT * m.baseline))
def survey_vs_dpkg_deb(ctx: Context) -> Measurement:
    """``aimodel survey`` over the archive .debs vs ``dpkg-deb --fsys-tarfile X >/dev/null``.

    Ours is one fresh process with an empty database each time, on every
    core (what a user runs); the baseline decompresses the same files one
    after the other, which is all any survey must at least do.  The files
    are read once before timing, so both read them from the page cache;
    interleaved, best of ``--runs`` each.
    """
    need_tool("dpkg-deb", "dpkg")
    debs = _archive_debs(ctx.quick)
    for deb in debs:
        warm(deb)
    db = ctx.workdir / "survey.db"
    env = python_env(ctx.workdir)
    argv = [sys.executable, "-m", "dh_aimodel", "survey", "--quiet", "--db", str(db),
            *map(str, debs)]

    def ours() -> None:
        for leftover in ctx.workdir.glob("survey.db*"):
            leftover.unlink()
        _run(argv, env)

    baseline = ["sh", "-c", 'for f; do dpkg-deb --fsys-tarfile "$f" >/dev/null || exit 1; done',
                "sh", *map(str, debs)]
    (a, s_ours), (b, s_theirs) = best_of_pair(ctx.runs, ours, lambda: _run(baseline))
    return Measurement(ours=a, baseline=b, unit="s", baseline_label="dpkg-deb",
                       ratio=b / a,
                       details={"debs": len(debs), "bytes": sum(d.stat().st_size for d in debs),
                                "jobs": len(os.sched_getaffinity(0)),
                                "ours_samples": s_ours, "baseline_samples": s_theirs})
