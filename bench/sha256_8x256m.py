"""sha256-8x256m: many files, ``sha256_files`` (threads) vs openssl in turn."""

from __future__ import annotations

from bench import Context, Measurement, MiB, benchmark, best_of_pair, ratio_at_least, warm
from bench._openssl import openssl_sha256, same_digest

FILES = 8


@benchmark("sha256-8x256m", target=ratio_at_least(1.0, "openssl"))
def sha256_8x256m(ctx: Context) -> Measurement:
    """Hash 8 files of 256 MiB (32 MiB with --quick) from the page cache.

    The baseline is what a maintainer's script does, ``openssl dgst`` on
    each file in turn; ours must be at least as fast on any machine and
    approach N× on N cores, because hashlib releases the GIL.
    """
    from dh_aimodel.tree.hashing import default_jobs, sha256_files

    size = ctx.size(256 * MiB, 32 * MiB)
    paths = [ctx.data_file(f"part-{i}.bin", size) for i in range(FILES)]
    for path in paths:
        warm(path)
    theirs_digests: dict[str, str] = {}
    ours_digests: dict[str, str | OSError] = {}

    def theirs() -> None:
        for path in paths:
            theirs_digests[str(path)] = openssl_sha256(path)

    def ours() -> None:
        ours_digests.update({str(p): d for p, d in sha256_files(paths).items()})

    (t_ours, s_ours), (t_theirs, s_theirs) = best_of_pair(ctx.runs, ours, theirs)
    for path in paths:
        digest = ours_digests[str(path)]
        if isinstance(digest, OSError):
            raise digest
        same_digest(path, digest, theirs_digests[str(path)])
    for path in paths:
        ctx.remove(path)
    total = FILES * size
    return Measurement(
        ours=t_ours,
        baseline=t_theirs,
        unit="s",
        baseline_label="openssl",
        ratio=t_theirs / t_ours,
        details={
            "files": FILES,
            "bytes_each": size,
            "jobs": default_jobs(),
            "ours_MiB_per_s": total / MiB / t_ours,
            "openssl_MiB_per_s": total / MiB / t_theirs,
            "ours_samples": s_ours,
            "openssl_samples": s_theirs,
        },
    )
