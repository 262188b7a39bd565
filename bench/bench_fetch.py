"""fetch-1g: ``aimodel fetch`` of one large file vs ``curl -o`` from the same server.

Both download the same 1 GiB file (256 MiB with --quick) from the same
local HTTP server (tests/hubfake.py on 127.0.0.1, sending with
``sendfile``), in the same run, interleaved (:func:`bench.best_of_pair`).
Each side is timed by itself from the request to the last byte on disk, so
that neither side's process start-up counts: ours inside a child process
(the server's threads must not share our GIL) around ``Fetcher.run``, curl
by its own ``%{time_total}``.  Deleting the downloaded file is outside both
timings (up to 0.2 s per GiB, depending on whether the data already
reached the disk).

Ours does work that curl does not: the sha256 of every byte (in a second
thread, overlapped with the transfer), the fsync of the ``.part`` file
before its rename, the rename and the fsync of the directory.  curl leaves
its bytes in the page cache for the kernel to write back later;
``curl -o`` followed by an fsync of the file takes about 1.7× as long on
the benchmark machine.  The fsync stays inside our timing because durability
before the rename is a design rule, not an option.

"Memory flat": the child resets its peak RSS (``/proc/self/clear_refs``)
just before the download and reads it (``VmHWM``) just after; growing by
more than :data:`RSS_LIMIT` over the RSS before the download makes the
benchmark an ERROR, whatever the speed.  ``ru_maxrss`` before and after
would not do: it is the peak since the process began, and Linux counts in
it the RSS of the parent when it forked (88 MiB: this process holds the
64 MiB block data files are made of), so the child's first 60 MiB of
growth would not show.
"""

from __future__ import annotations

import json
import os
import resource
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
    best_of_pair,
    need_tool,
    ratio_at_least,
    repo_root,
    run_tool,
    warm,
)

#: Peak RSS growth allowed during one download: a few chunks in flight, far
#: below the file size even with --quick, so a body held in memory shows.
RSS_LIMIT = 64 * MiB

_CHILD = r"""
import json, sys, time
from pathlib import Path
from dh_aimodel.core.errors import Pos
from dh_aimodel.hub.fetch import Download, Fetcher, Options

def status_kib(field):
    with open("/proc/self/status", encoding="ascii") as f:
        return next(int(line.split()[1]) for line in f if line.startswith(field + ":"))

url, dest, digest = sys.argv[1:4]
fetcher = Fetcher(Options(jobs=1))
with open("/proc/self/clear_refs", "w", encoding="ascii") as f:
    f.write("5")  # peak RSS := current RSS
before = status_kib("VmRSS")
start, cpu = time.perf_counter(), time.process_time()
[outcome] = fetcher.run([Download("big.bin", Path(dest), url, digest, Pos("bench", 1, 1))])
elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
peak = status_kib("VmHWM")
print(json.dumps({"status": outcome.status, "message": outcome.message, "seconds": elapsed,
                  "cpu": cpu, "rss_before": before * 1024, "rss_peak": peak * 1024}))
"""


def _children_cpu() -> float:
    """CPU seconds (user + system) of the children waited for so far."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _check_size(path: Path, size: int, who: str) -> None:
    """A fast wrong answer is no answer: the whole file must have arrived."""
    got = path.stat().st_size
    if got != size:
        raise BenchError(f"{who} wrote {got} bytes, not {size}")


@benchmark("fetch-1g", target=ratio_at_least(0.8, "curl"))
def fetch_1g(ctx: Context) -> Measurement:
    """Download one 1 GiB file over loopback (256 MiB with --quick), verified."""
    curl = need_tool("curl", "curl")
    sys.path.insert(0, str(repo_root() / "tests"))
    try:
        from hubfake import FakeHub
    finally:
        sys.path.pop(0)
    from dh_aimodel.tree.hashing import sha256_file

    size = ctx.size(GiB, 256 * MiB)
    source = ctx.data_file("fetch-source.bin", size)
    digest = sha256_file(source)
    warm(source)
    dest = ctx.workdir / "fetch-dest.bin"
    env = {**os.environ, "PYTHONPATH": str(repo_root())}
    children: list[dict] = []
    curl_totals: list[float] = []
    curl_cpu: list[float] = []

    with FakeHub() as server:
        url = server.add_file("big.bin", source)

        def theirs() -> None:
            try:
                cpu = _children_cpu()
                out = run_tool([curl, "-s", "-S", "-f", "-o", str(dest), "-w", "%{time_total}",
                                url])
                curl_cpu.append(_children_cpu() - cpu)
                _check_size(dest, size, "curl")
                curl_totals.append(float(out))
            finally:
                dest.unlink(missing_ok=True)

        def ours() -> None:
            try:
                proc = subprocess.run([sys.executable, "-c", _CHILD, url, str(dest), digest],
                                      env=env, capture_output=True, text=True, check=False)
                if proc.returncode != 0:
                    raise BenchError(f"fetch child exited {proc.returncode}: "
                                     f"{proc.stderr.strip()[-500:]}")
                result = json.loads(proc.stdout)
                if result["status"] != "downloaded":
                    raise BenchError(f"fetch failed: {result['message']}")
                _check_size(dest, size, "aimodel fetch")
                children.append(result)
            finally:
                dest.unlink(missing_ok=True)

        # Wall times of the calls (start-up, deletion) are not the figures.
        best_of_pair(ctx.runs, ours, theirs)
    s_ours = [c["seconds"] for c in children]
    t_ours, t_theirs = min(s_ours), min(curl_totals)
    growth = max(c["rss_peak"] - c["rss_before"] for c in children)
    if growth > RSS_LIMIT:
        raise BenchError(f"peak RSS grew by {growth / MiB:.0f} MiB during the download "
                         f"(limit {RSS_LIMIT / MiB:.0f} MiB): memory is not flat")
    return Measurement(
        ours=size / MiB / t_ours, baseline=size / MiB / t_theirs, unit="MiB/s",
        baseline_label="curl", ratio=t_theirs / t_ours,
        details={"bytes": size, "ours_samples": s_ours, "curl_samples": curl_totals,
                 "ours_cpu_s": min(c["cpu"] for c in children), "curl_cpu_s": min(curl_cpu),
                 "ours_rss_growth_MiB": growth / MiB,
                 "ours_peak_rss_MiB": max(c["rss_peak"] for c in children) / MiB})
