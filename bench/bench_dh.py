"""dh-noop and dh-check: what ``dh_aimodel`` costs a package build.

* ``dh-noop``: dh_aimodel in a source tree without debian/aimodel.yaml must
  cost next to nothing over starting the Python interpreter (design.md:
  heavy imports are lazy).  dh normally skips it through the PROMISE line,
  but not when the maintainer calls it from an override target.
* ``dh-check``: the whole build-time check of a package shipping one large
  declared model (1 GiB, 64 MiB with --quick): option parsing,
  dh_listpackages, scanning the build directory, hashing, classification,
  copyright check and writing the outputs, against ``sha256sum`` of the same
  file, i.e. against the least any checksum verification would cost.
* ``dh-rss-2g``: peak memory of the same check on a package with a 2 GiB
  declared model (256 MiB with --quick), against an idle interpreter.
  Whatever the size of the model, dh_aimodel must stream it: its peak RSS
  may exceed ``python3 -c pass`` by its imports and hashing buffers only,
  never by the model.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

from bench import (
    BenchError,
    Context,
    GiB,
    Measurement,
    MiB,
    benchmark,
    best_of,
    extra_at_most,
    need_tool,
    python_env,
    repo_root,
    run_tool,
    warm,
)

RUNS = 5

#: Extra seconds over ``python3 -c pass`` allowed for a no-op run.
NOOP_LIMIT = 0.05

#: Extra seconds over ``sha256sum`` allowed for checking a package.
CHECK_LIMIT = 0.6


def _dh_aimodel(cwd: Path) -> None:
    proc = subprocess.run([sys.executable, str(repo_root() / "bin" / "dh_aimodel")], cwd=cwd,
                          env=python_env(cwd.parent), capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise BenchError(f"dh_aimodel exited {proc.returncode}: {proc.stderr.strip()[-500:]}")


@benchmark("dh-noop", target=extra_at_most(NOOP_LIMIT, "s"))
def dh_noop(ctx: Context) -> Measurement:
    """dh_aimodel without debian/aimodel.yaml vs ``python3 -c pass``."""
    tree = ctx.workdir / "noop"
    (tree / "debian").mkdir(parents=True, exist_ok=True)
    t_base, s_base = best_of(RUNS, lambda: subprocess.run([sys.executable, "-c", "pass"],
                                                          env=python_env(tree.parent), check=True))
    t_ours, s_ours = best_of(RUNS, lambda: _dh_aimodel(tree))
    return Measurement(ours=t_ours, baseline=t_base, unit="s", baseline_label="python3",
                       ratio=t_base / t_ours,
                       details={"ours_samples": s_ours, "python3_samples": s_base})


_CONTROL = """\
Source: bench
Section: science
Maintainer: Bench <bench@example.org>
Standards-Version: 4.6.2

Package: bench-data
Architecture: all
Description: benchmark
 benchmark
"""

_COPYRIGHT = """\
Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/

Files: *
Copyright: 2026 Bench Lab
License: MIT
 Permission is hereby granted.
"""


def _stage(ctx: Context, model: Path, digest: str, name: str) -> Path:
    """A source tree whose package build directory holds the model, as dh_install left it."""
    tree = ctx.workdir / name
    shutil.rmtree(tree, ignore_errors=True)
    (tree / "debian/source").mkdir(parents=True)
    (tree / "debian/control").write_text(_CONTROL, encoding="utf-8")
    (tree / "debian/copyright").write_text(_COPYRIGHT, encoding="utf-8")
    (tree / "debian/source/format").write_text("3.0 (native)\n", encoding="utf-8")
    (tree / "debian/aimodel.yaml").write_text(
        "format: 1\nmodels:\n  - name: big\n    files:\n      - path: models/big.gguf\n"
        f"        sha256: {digest}\n    license: MIT\n    copyright: 2026 Bench Lab\n"
        "    training:\n      data: [{name: d, license: MIT, availability: public}]\n"
        "      software: [{name: s, license: MIT, available: true}]\n", encoding="utf-8")
    installed = tree / "debian/bench-data/usr/share/bench"
    installed.mkdir(parents=True)
    os.link(model, installed / "big.gguf")  # same page-cache pages as the baseline reads
    # Random bytes under a model's name: dh_aimodel's lint checks would call
    # it malformed; the override (as dh_lintian installs it) is applied as
    # in a real package.
    overrides = tree / "debian/bench-data/usr/share/lintian/overrides/bench-data"
    overrides.parent.mkdir(parents=True)
    overrides.write_text("bench-data: aimodel-malformed-model-file\n", encoding="utf-8")
    return tree


@benchmark("dh-check", target=extra_at_most(CHECK_LIMIT, "s"))
def dh_check(ctx: Context) -> Measurement:
    """Check a package with one large declared model vs ``sha256sum`` of it."""
    need_tool("dh_listpackages", "debhelper")
    sha256sum = need_tool("sha256sum", "coreutils")
    size = ctx.size(1 * GiB, 64 * MiB)
    model = ctx.data_file("model.gguf", size)
    warm(model)
    digest = run_tool([sha256sum, str(model)]).split()[0]
    tree = _stage(ctx, model, digest, "check")
    t_base, s_base = best_of(RUNS, lambda: run_tool([sha256sum, str(model)]))
    t_ours, s_ours = best_of(RUNS, lambda: _dh_aimodel(tree))
    return Measurement(ours=t_ours, baseline=t_base, unit="s", baseline_label="sha256sum",
                       ratio=t_base / t_ours,
                       details={"bytes": size, "dh_aimodel_samples": s_ours,
                                "sha256sum_samples": s_base,
                                "dh_aimodel_MiB_per_s": size / MiB / t_ours})


#: Extra peak RSS allowed over ``python3 -c pass`` for a whole dh_aimodel run.
RSS_LIMIT_MIB = 64

#: dh_aimodel's own entry point (bin/dh_aimodel calls the same ``main``), run
#: in the staged source tree; the run must succeed for the figure to count.
_DH_MAIN = """
import sys
from dh_aimodel.dh.command import main
if main([]) != 0:
    sys.exit("dh_aimodel failed")
"""

#: Appended to the measured code: print the process's peak RSS in KiB.
_REPORT_HWM = """
with open("/proc/self/status", encoding="ascii") as _f:
    print(next(l for l in _f if l.startswith("VmHWM:")).split()[1])
"""


def _peak_rss_mib(code: str, cwd: Path) -> float:
    """Run ``python3 -c code`` in ``cwd`` against this tree; its peak RSS in MiB.

    The child reads its own ``VmHWM`` at the end, as in bench/sha256_rss.py
    (``ru_maxrss`` would carry over the RSS this process had before the
    fork, which holds a 64 MiB block of random data).
    """
    proc = subprocess.run([sys.executable, "-c", code + _REPORT_HWM], cwd=cwd,
                          env=python_env(cwd.parent), capture_output=True, text=True, check=False)
    last = proc.stdout.strip().rsplit("\n", 1)[-1]
    if proc.returncode != 0 or not last.isdigit():
        raise BenchError(f"python3 -c {code!r} exited {proc.returncode}: "
                         f"{proc.stderr.strip()[-500:]}")
    return int(last) / 1024


@benchmark("dh-rss-2g", target=extra_at_most(RSS_LIMIT_MIB, "MiB"))
def dh_rss_2g(ctx: Context) -> Measurement:
    """Peak RSS of dh_aimodel checking a package with a 2 GiB model vs ``python3 -c pass``.

    The whole run (listing packages, scanning, hashing with its threads,
    classifying, checking debian/copyright, writing README.aimodel), its
    high-water RSS read by the process itself at the end; the baseline is an
    idle interpreter measured the same way.  A regression that reads a model
    whole shows up as the model's size.
    """
    need_tool("dh_listpackages", "debhelper")
    size = ctx.size(2 * GiB, 256 * MiB)
    model = ctx.data_file("large.bin", size)
    digest = _sha256(model)
    tree = _stage(ctx, model, digest, "rss")
    base = _peak_rss_mib("pass", tree)
    ours = _peak_rss_mib(_DH_MAIN, tree)
    readme = tree / "debian/bench-data/usr/share/doc/bench-data/README.aimodel"
    if digest not in readme.read_text(encoding="utf-8"):
        raise BenchError(f"{readme} does not list the model's sha256 {digest}")
    return Measurement(ours=ours, baseline=base, unit="MiB", baseline_label="python3",
                       ratio=ours / base,
                       details={"model_bytes": size, "extra_MiB": ours - base})


def _sha256(path: Path) -> str:
    """The model's digest for the declaration, from hashlib (not the code measured)."""
    with open(path, "rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()
