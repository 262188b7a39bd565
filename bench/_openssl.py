"""The baseline of the sha256 benchmarks: ``openssl dgst -sha256``.

OpenSSL's own command is the reference because hashlib uses the same
library: the comparison shows what our Python loop (reads, buffer handling,
threads) costs over the C tool's, on the same CPU extensions.
"""

from __future__ import annotations

from pathlib import Path

from bench import BenchError, need_tool, run_tool


def openssl() -> str:
    """Return the path of ``openssl`` or fail naming its Debian package."""
    return need_tool("openssl", "openssl")


def openssl_sha256(path: Path) -> str:
    """Return the hex digest ``openssl dgst -sha256 -r`` prints for ``path``.

    ``-r`` gives the coreutils format (``<hex> *<file>``), which does not
    change between OpenSSL versions the way ``SHA2-256(file)=`` did.
    """
    out = run_tool([openssl(), "dgst", "-sha256", "-r", str(path)])
    digest = out.split(maxsplit=1)[0] if out else ""
    if len(digest) != 64:
        raise BenchError(f"unexpected openssl output: {out!r}")
    return digest


def same_digest(path: Path, ours: str, theirs: str) -> None:
    """Fail the benchmark if our digest differs from OpenSSL's: a fast wrong
    answer is no answer."""
    if ours != theirs:
        raise BenchError(f"{path.name}: sha256 mismatch: ours {ours}, openssl {theirs}")
