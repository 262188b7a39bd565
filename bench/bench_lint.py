"""aimodel lint: speed against lintian on the example .debs, and flat memory on a 1 GiB model."""

from __future__ import annotations

import json
import os
import shutil
import struct
import subprocess
import sys
from pathlib import Path

from bench import (
    BenchError,
    Context,
    GiB,
    Measurement,
    MiB,
    at_most,
    benchmark,
    best_of_pair,
    need_tool,
    python_env,
    ratio_at_least,
    repo_root,
)

EXAMPLES = ("free-model", "toxic-candy", "non-free-licence", "runtime-download")
RSS_LIMIT_MIB = 64


def _build_examples(workdir: Path) -> list[Path]:
    need_tool("dpkg-buildpackage", "dpkg-dev")
    out = workdir / "lint-examples"
    debs = sorted(out.glob("*.deb"))
    if len(debs) == len(EXAMPLES):
        return debs
    shutil.rmtree(out, ignore_errors=True)
    perl = out / "perl/Debian/Debhelper/Sequence"
    perl.mkdir(parents=True)
    (perl / "aimodel.pm").symlink_to(repo_root() / "debhelper/aimodel.pm")
    env = python_env(workdir, PERL5LIB=str(out / "perl"),
                     PATH=f"{repo_root() / 'bin'}:{os.environ['PATH']}")
    for name in EXAMPLES:
        shutil.copytree(repo_root() / "examples" / name, out / name)
        proc = subprocess.run(["dpkg-buildpackage", "-us", "-uc", "-b", "-d"], cwd=out / name,
                              env=env, capture_output=True, text=True, check=False)
        if proc.returncode:
            raise BenchError(f"building {name} failed: {proc.stderr[-300:]}")
    return sorted(out.glob("*.deb"))


def _run(argv: list[str], env: dict[str, str]) -> None:
    proc = subprocess.run(argv, env=env, capture_output=True, check=False)
    if proc.returncode not in (0, 1):
        raise BenchError(f"{' '.join(argv)} exited {proc.returncode}: {proc.stderr[-300:]!r}")


@benchmark("lint-vs-lintian", target=ratio_at_least(10, "lintian"))
def lint_vs_lintian(ctx: Context) -> Measurement:
    """``aimodel lint X.deb`` against ``lintian X.deb``, summed over the example .debs.

    Both run as fresh processes (start-up included, byte-code cached as when
    installed), interleaved, best of ``--runs`` each, on the same files in
    the same run.
    """
    lintian = need_tool("lintian", "lintian")
    debs = _build_examples(ctx.workdir)
    env = python_env(ctx.workdir)
    ours = theirs = 0.0
    per = {}
    for deb in debs:
        (a, _), (b, _) = best_of_pair(
            ctx.runs,
            lambda deb=deb: _run([sys.executable, "-m", "dh_aimodel", "lint", str(deb)], env),
            lambda deb=deb: _run([lintian, str(deb)], env))
        ours, theirs = ours + a, theirs + b
        per[deb.name] = {"aimodel lint": round(a, 3), "lintian": round(b, 3)}
    return Measurement(ours=ours, baseline=theirs, unit="s", baseline_label="lintian",
                       ratio=theirs / ours, details=per)


_HWM = """
import sys
from dh_aimodel.lint import lint
results = lint(sys.argv[1])
with open("/proc/self/status", encoding="ascii") as f:
    sys.stdout.write(next(l for l in f if l.startswith("VmHWM:")).split()[1])
"""


@benchmark("lint-1gib-rss", target=at_most(RSS_LIMIT_MIB, "MiB"))
def lint_big_deb_rss(ctx: Context) -> Measurement:
    """Peak RSS of ``aimodel lint`` on a .deb holding a 1 GiB safetensors model.

    The data.tar is uncompressed (``dpkg-deb -Znone``) so that building the
    package does not dominate the run; the reader streams it all the same
    (head and tail kept, the rest only hashed).
    """
    size = ctx.size(1 * GiB, 128 * MiB)
    need_tool("dpkg-deb", "dpkg")
    random = ctx.data_file("lint-random.bin", size)
    root = ctx.workdir / "lint-big"
    shutil.rmtree(root, ignore_errors=True)
    target = root / "pkg/usr/share/big/model.safetensors"
    target.parent.mkdir(parents=True)
    (root / "pkg/DEBIAN").mkdir()
    (root / "pkg/DEBIAN/control").write_text(
        "Package: big-model\nVersion: 1.0\nArchitecture: all\nMaintainer: B <b@example.org>\n"
        "Section: science\nDescription: big\n big\n")
    header = json.dumps({"w": {"dtype": "U8", "shape": [size], "data_offsets": [0, size]}}).encode()
    with open(target, "wb") as out, open(random, "rb") as src:
        out.write(struct.pack("<Q", len(header)) + header)
        shutil.copyfileobj(src, out, 16 * MiB)
    deb = root / "big.deb"
    subprocess.run(["dpkg-deb", "-Znone", "--root-owner-group", "--build", str(root / "pkg"),
                    str(deb)], check=True, capture_output=True)
    ctx.remove(target)
    proc = subprocess.run([sys.executable, "-c", _HWM, str(deb)], env=python_env(ctx.workdir),
                          capture_output=True, text=True, check=False)
    if proc.returncode or not proc.stdout.strip().isdigit():
        raise BenchError(f"lint failed: {proc.stderr[-300:]}")
    peak = int(proc.stdout) / 1024
    ctx.remove(deb)
    return Measurement(ours=peak, baseline=float(RSS_LIMIT_MIB), unit="MiB",
                       baseline_label="limit", ratio=RSS_LIMIT_MIB / peak,
                       details={"model_bytes": size})
