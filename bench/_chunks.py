"""``python3 -m bench._chunks [--quick]``: choose ``DEFAULT_CHUNK`` by measurement.

Not a pass/fail benchmark (hence the leading underscore, which keeps
:func:`bench.discover` from importing it): it prints the throughput of
``sha256_file`` (one thread) and ``sha256_files`` (all cores) for a range
of chunk sizes, on the same cached data as the sha256 benchmarks.  Re-run
it on new hardware before changing ``dh_aimodel.tree.hashing.DEFAULT_CHUNK``, and
record the table in bench/README.md.
"""

from __future__ import annotations

import argparse
import functools
import tempfile
from collections.abc import Sequence
from pathlib import Path

from bench import Context, GiB, MiB, best_of, warm

SIZES_KIB = (64, 128, 256, 512, 1024, 2048, 4096, 8192)


def main(argv: Sequence[str] | None = None) -> int:
    """Print one row per chunk size: MiB/s for one file and for many."""
    from dh_aimodel.tree.hashing import default_jobs, sha256_file, sha256_files

    parser = argparse.ArgumentParser(prog="python3 -m bench._chunks")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--tmpdir", type=Path)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="dh-aimodel-chunks-", dir=args.tmpdir) as tmp:
        ctx = Context(Path(tmp), quick=args.quick)
        size = ctx.size(2 * GiB, 256 * MiB)
        big = ctx.data_file("large.bin", size)
        jobs = default_jobs()
        parts = [ctx.data_file(f"part-{i}.bin", size // 8) for i in range(8)]
        for path in (big, *parts):
            warm(path)
        sha256_files([big, *parts])  # one untimed pass: caches, CPU frequency
        print(f"{'chunk':>9}  {'1 file MiB/s':>13}  {f'8 files, {jobs} jobs MiB/s':>24}")
        for kib in SIZES_KIB:
            chunk = kib * 1024
            one, _ = best_of(args.runs, functools.partial(sha256_file, big, chunk))
            many, _ = best_of(args.runs, functools.partial(sha256_files, parts, chunk=chunk))
            print(
                f"{kib:>5} KiB  {size / MiB / one:>13.0f}  {size / MiB / many:>24.0f}", flush=True
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
