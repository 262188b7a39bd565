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


#: Our speed at least this fraction of the C pipeline's (see :func:`lint_deb_10k`).
DEB_10K_TARGET = 0.5


def _declare(pkg: Path, data: Path) -> None:
    """README.aimodel declaring ``data`` (a model of no format lint reads) with its
    sha256, as dh_aimodel writes it: lint then knows which models are declared."""
    import hashlib

    with open(data, "rb") as fh:
        digest = hashlib.file_digest(fh, "sha256").hexdigest()
    doc = pkg / "usr/share/doc/bench-lib"
    doc.mkdir(parents=True, exist_ok=True)
    (doc / "README.aimodel").write_text(
        "Format-Version: 1\nPackage: bench-lib\nSource: bench-lib\n\n"
        "Model: corpus\nDelivery: shipped\nLicense: MIT\nModel-Format: other\n"
        f"Files:\n {digest}  /{data.relative_to(pkg).as_posix()}\n")


@benchmark("lint-deb-10k", target=ratio_at_least(DEB_10K_TARGET, "dpkg-deb|sha256sum"))
def lint_deb_10k(ctx: Context) -> Measurement:
    """``aimodel lint`` on a .deb of 10,000 files and 128 MiB of data vs hashing its data.tar.

    The package is scan-10k's build directory (a library, documentation,
    test data, five models and decoys) plus one 128 MiB data file that is
    no model (16 MiB with --quick), packed by ``dpkg-deb -Zgzip``: the
    shape of pocketsphinx or gnubg, whose models are many files no header
    reader knows.  lint reads every member once, hashing each (a declared
    file of any format is checked by its sha256) and reading models
    further.  The baseline is the same bytes in C: ``dpkg-deb
    --fsys-tarfile X.deb | sha256sum`` (decompress, then one sha256 of the
    whole tar).  Both are fresh processes; ours must report exactly the
    five planted models (no README.aimodel declares them).
    """
    from bench.bench_scan import MODELS, make_tree

    need_tool("dpkg-deb", "dpkg")
    need_tool("sha256sum", "coreutils")
    n = ctx.size(10_000, 1_000)
    root = ctx.workdir / "lint-10k"
    shutil.rmtree(root, ignore_errors=True)
    pkg = root / "bench-lib"
    make_tree(pkg, n)
    data = pkg / "usr/share/bench-lib/data/corpus.dat"
    shutil.copyfile(ctx.data_file("lint-corpus.bin", ctx.size(128 * MiB, 16 * MiB)), data)
    _declare(pkg, data)
    (pkg / "DEBIAN").mkdir()
    (pkg / "DEBIAN/control").write_text(
        "Package: bench-lib\nVersion: 1.0\nArchitecture: all\nMaintainer: B <b@example.org>\n"
        "Section: science\nDescription: bench\n bench\n")
    deb = root / "bench-lib.deb"
    subprocess.run(["dpkg-deb", "-Zgzip", "--root-owner-group", "--build", str(pkg), str(deb)],
                   check=True, capture_output=True)
    shutil.rmtree(pkg)
    env = python_env(ctx.workdir)
    argv = [sys.executable, "-m", "dh_aimodel", "lint", str(deb)]
    found = subprocess.run(argv, env=env, capture_output=True, text=True, check=False).stdout
    undeclared = {line.rsplit("[", 1)[1].rstrip("]") for line in found.splitlines()
                  if "aimodel-undeclared-model-file" in line}
    if undeclared != set(MODELS) or "aimodel-declared-file-missing" in found:
        raise BenchError(f"lint reported models {sorted(undeclared)}, planted {sorted(MODELS)}; "
                         f"all it said: {found[-500:]}")
    baseline = ["sh", "-c", 'dpkg-deb --fsys-tarfile "$1" | sha256sum >/dev/null', "sh", str(deb)]
    (ours, s_ours), (theirs, s_theirs) = best_of_pair(
        ctx.runs, lambda: _run(argv, env), lambda: _run(baseline, env))
    size = deb.stat().st_size
    ctx.remove(deb)
    return Measurement(ours=ours, baseline=theirs, unit="s", baseline_label="dpkg-deb|sha256sum",
                       ratio=theirs / ours,
                       details={"files": n + 1, "deb_bytes": size, "ours_samples": s_ours,
                                "baseline_samples": s_theirs})
