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
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from bench import (GiB, MiB, BenchError, Context, Measurement, benchmark, best_of,
                   extra_at_most, need_tool, repo_root, run_tool, warm)

RUNS = 5

#: Extra seconds over ``python3 -c pass`` allowed for a no-op run.
NOOP_LIMIT = 0.05

#: Extra seconds over ``sha256sum`` allowed for checking a package.
CHECK_LIMIT = 0.6


def _env(cwd: Path) -> dict[str, str]:
    """The working tree first on sys.path, with byte-code cached outside it.

    As installed, dh-aimodel's modules are byte-compiled; compiling them on
    every run (PYTHONDONTWRITEBYTECODE) would be measured instead of them.
    The first run of :func:`best_of` fills the cache.
    """
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("DH_") and k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPATH"] = str(repo_root())
    env["PYTHONPYCACHEPREFIX"] = str(cwd.parent / "pycache")
    return env


def _dh_aimodel(cwd: Path) -> None:
    proc = subprocess.run([sys.executable, str(repo_root() / "bin" / "dh_aimodel")], cwd=cwd,
                          env=_env(cwd), capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise BenchError(f"dh_aimodel exited {proc.returncode}: {proc.stderr.strip()[-500:]}")


@benchmark("dh-noop", target=extra_at_most(NOOP_LIMIT, "s"))
def dh_noop(ctx: Context) -> Measurement:
    """dh_aimodel without debian/aimodel.yaml vs ``python3 -c pass``."""
    tree = ctx.workdir / "noop"
    (tree / "debian").mkdir(parents=True, exist_ok=True)
    t_base, s_base = best_of(RUNS, lambda: subprocess.run([sys.executable, "-c", "pass"],
                                                          env=_env(tree), check=True))
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


def _stage(ctx: Context, model: Path, digest: str) -> Path:
    """A source tree whose package build directory holds the model, as dh_install left it."""
    tree = ctx.workdir / "check"
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
    tree = _stage(ctx, model, digest)
    t_base, s_base = best_of(RUNS, lambda: run_tool([sha256sum, str(model)]))
    t_ours, s_ours = best_of(RUNS, lambda: _dh_aimodel(tree))
    return Measurement(ours=t_ours, baseline=t_base, unit="s", baseline_label="sha256sum",
                       ratio=t_base / t_ours,
                       details={"bytes": size, "dh_aimodel_samples": s_ours,
                                "sha256sum_samples": s_base,
                                "dh_aimodel_MiB_per_s": size / MiB / t_ours})
