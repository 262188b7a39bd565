"""fetch-1g: ``aimodel fetch`` of one large file vs ``curl -o`` from the same server.

Both download the same 1 GiB file (256 MiB with --quick) from the same
local HTTP server (tests/hubfake.py on 127.0.0.1, sending with
``sendfile``), in the same run.  Ours includes what curl does not do: the
sha256 of every byte (overlapped with the transfer in a second thread),
the fsync of the ``.part`` file and the rename.  Ours runs in its own
process (the server's threads must not share our GIL); its time is taken
inside that process around the download only, so interpreter start-up is
not counted, while curl's few milliseconds of start-up are.

"Memory flat": the child reports its peak RSS before and after the
download; more than :data:`RSS_LIMIT` of growth makes the benchmark an
ERROR, whatever the speed.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

from bench import (GiB, MiB, BenchError, Context, Measurement, benchmark, best_of,
                   need_tool, ratio_at_least, repo_root, run_tool, warm)

RUNS = 3
#: Peak RSS growth allowed during one download (a few chunks in flight).
RSS_LIMIT = 64 * MiB

_CHILD = r"""
import json, resource, sys, time
from pathlib import Path
from dh_aimodel.errors import Pos
from dh_aimodel.fetch import Download, Fetcher, Options
url, dest, digest = sys.argv[1:4]
fetcher = Fetcher(Options(jobs=1))
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
start = time.perf_counter()
[outcome] = fetcher.run([Download("big.bin", Path(dest), url, digest, Pos("bench", 1, 1))])
elapsed = time.perf_counter() - start
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
print(json.dumps({"status": outcome.status, "message": outcome.message, "seconds": elapsed,
                  "rss_before": before, "rss_after": after}))
"""


@benchmark("fetch-1g", target=ratio_at_least(0.8, "curl"))
def fetch_1g(ctx: Context) -> Measurement:
    """Download one 1 GiB file over loopback (256 MiB with --quick), verified."""
    curl = need_tool("curl", "curl")
    sys.path.insert(0, str(repo_root() / "tests"))
    try:
        from hubfake import FakeHub
    finally:
        sys.path.pop(0)
    from dh_aimodel.hashing import sha256_file

    size = ctx.size(GiB, 256 * MiB)
    source = ctx.data_file("fetch-source.bin", size)
    digest = sha256_file(source)
    warm(source)
    dest = ctx.workdir / "fetch-dest.bin"
    env = {**os.environ, "PYTHONPATH": str(repo_root())}
    children: list[dict] = []

    with FakeHub() as server:
        url = server.add_file("big.bin", source)

        def theirs() -> None:
            run_tool([curl, "-s", "-S", "-f", "-o", str(dest), url])
            dest.unlink()

        def ours() -> None:
            proc = subprocess.run([sys.executable, "-c", _CHILD, url, str(dest), digest],
                                  env=env, capture_output=True, text=True, check=False)
            if proc.returncode != 0:
                raise BenchError(f"fetch child exited {proc.returncode}: "
                                 f"{proc.stderr.strip()[-500:]}")
            result = json.loads(proc.stdout)
            if result["status"] != "downloaded":
                raise BenchError(f"fetch failed: {result['message']}")
            children.append(result)
            dest.unlink()

        t_theirs, s_theirs = best_of(RUNS, theirs)
        best_of(RUNS, ours)
    s_ours = [c["seconds"] for c in children]
    t_ours = min(s_ours)
    growth = max(c["rss_after"] - c["rss_before"] for c in children)
    if growth > RSS_LIMIT:
        raise BenchError(f"peak RSS grew by {growth / MiB:.0f} MiB during the download "
                         f"(limit {RSS_LIMIT / MiB:.0f} MiB): memory is not flat")
    return Measurement(
        ours=size / MiB / t_ours, baseline=size / MiB / t_theirs, unit="MiB/s",
        baseline_label="curl", ratio=t_theirs / t_ours,
        details={"bytes": size, "ours_samples": s_ours, "curl_samples": s_theirs,
                 "ours_rss_growth_MiB": growth / MiB,
                 "ours_peak_rss_MiB": max(c["rss_after"] for c in children) / MiB})
