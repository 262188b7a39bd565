"""sha256-2g: one large model file, ``sha256_file`` vs ``openssl dgst``."""

from __future__ import annotations

from bench import Context, GiB, Measurement, MiB, benchmark, best_of_pair, ratio_at_least, warm
from bench._openssl import openssl_sha256, same_digest


@benchmark("sha256-2g", target=ratio_at_least(0.9, "openssl"))
def sha256_2g(ctx: Context) -> Measurement:
    """Hash one 2 GiB file (256 MiB with --quick) from the page cache.

    Both sides read the same cached file, after one warm-up read, so the
    figure compares CPU work per byte: the floor is 0.9× openssl's speed.
    Runs alternate between the two sides (``--runs`` each, best counts).
    The openssl time includes its process start (a few ms), as a user
    running it would see.
    """
    from dh_aimodel.tree.hashing import DEFAULT_CHUNK, sha256_file

    size = ctx.size(2 * GiB, 256 * MiB)
    path = ctx.data_file("large.bin", size)
    warm(path)
    digests: dict[str, str] = {}

    def theirs() -> None:
        digests["openssl"] = openssl_sha256(path)

    def ours() -> None:
        digests["ours"] = sha256_file(path)

    (t_ours, s_ours), (t_theirs, s_theirs) = best_of_pair(ctx.runs, ours, theirs)
    same_digest(path, digests["ours"], digests["openssl"])
    return Measurement(
        ours=t_ours,
        baseline=t_theirs,
        unit="s",
        baseline_label="openssl",
        ratio=t_theirs / t_ours,
        details={
            "bytes": size,
            "chunk": DEFAULT_CHUNK,
            "ours_MiB_per_s": size / MiB / t_ours,
            "openssl_MiB_per_s": size / MiB / t_theirs,
            "ours_samples": s_ours,
            "openssl_samples": s_theirs,
        },
    )
