"""``python3 -m bench [NAME ...] [--quick]``: run benchmarks, print, record.

Prints one line per benchmark (our figure, the baseline's, the ratio, the
target, PASS/FAIL) and writes ``bench/results.json`` with the machine it ran
on, so that figures copied into bench/README.md can be traced.  Exit status:
0 if every benchmark passed, 1 if one failed, 2 for a usage error.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import ssl
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bench import Context, Result, discover


def cpu_model() -> str:
    """Return the CPU model from /proc/cpuinfo (x86 ``model name``, else
    the fields ARM and others use), or the platform's guess."""
    try:
        text = Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return platform.processor() or "unknown"
    fields: dict[str, str] = {}
    for line in text.splitlines():
        key, sep, value = line.partition(":")
        if sep:
            fields.setdefault(key.strip().lower(), value.strip())
    for key in ("model name", "hardware", "cpu model", "cpu"):
        if fields.get(key):
            return fields[key]
    return platform.processor() or "unknown"


def openssl_version() -> str | None:
    """Return ``openssl version`` (the baseline tool), if installed."""
    try:
        out = subprocess.run(["openssl", "version"], capture_output=True, text=True, check=False)
    except OSError:
        return None
    return out.stdout.strip() or None


def machine() -> dict[str, Any]:
    """Describe the machine: figures mean nothing without it."""
    from dh_aimodel.tree.hashing import default_jobs

    return {
        "machine": platform.machine(),
        "cpu_model": cpu_model(),
        "cores": os.cpu_count(),
        "usable_cores": default_jobs(),
        "kernel": platform.release(),
        "python": platform.python_version(),
        "python_openssl": ssl.OPENSSL_VERSION,
        "openssl": openssl_version(),
    }


def write_json(path: Path, data: dict[str, Any]) -> None:
    """Write ``data`` atomically (temp file + rename), as everything here does."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        os.fchmod(fd, 0o644)  # mkstemp's 0600 would hide results from other users
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(data, f, indent=2, sort_keys=True, ensure_ascii=False)
            f.write("\n")
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


def main(argv: Sequence[str] | None = None) -> int:
    """Run the selected benchmarks; return the exit status."""
    registry = discover()
    parser = argparse.ArgumentParser(
        prog="python3 -m bench", description="Run dh-aimodel's benchmarks."
    )
    parser.add_argument("names", nargs="*", metavar="NAME", help="benchmarks to run (default: all)")
    parser.add_argument("--quick", action="store_true", help="small sizes: finishes in seconds")
    parser.add_argument(
        "--runs", type=int, default=3, help="timed runs per side, best counts (default: 3)"
    )
    parser.add_argument("--list", action="store_true", help="list benchmarks and targets")
    parser.add_argument(
        "--tmpdir",
        type=Path,
        help="directory for data files (default: $TMPDIR or /tmp); must be on disk",
    )
    parser.add_argument(
        "--output",
        type=Path,
        default=Path(__file__).resolve().parent / "results.json",
        help="results file (default: bench/results.json)",
    )
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")

    if args.list:
        for bench in registry.values():
            print(f"{bench.name:<15} target {bench.target.text:<18} {bench.doc}")
        return 0
    unknown = [n for n in args.names if n not in registry]
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(unknown)}; known: {', '.join(registry)}")
    selected = [registry[n] for n in dict.fromkeys(args.names)] or list(registry.values())

    results: list[Result] = []
    with tempfile.TemporaryDirectory(prefix="dh-aimodel-bench-", dir=args.tmpdir) as tmp:
        ctx = Context(Path(tmp), quick=args.quick, runs=args.runs)
        for bench in selected:
            result = bench.run(ctx)
            print(result.line(), flush=True)
            results.append(result)

    write_json(
        args.output,
        {
            "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
            "quick": args.quick,
            "runs": args.runs,
            "machine": machine(),
            "results": [r.to_json() for r in results],
        },
    )
    return 0 if all(r.passed for r in results) else 1


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.exit(130)
