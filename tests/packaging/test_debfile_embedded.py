"""read_deb scans every ELF member for embedded models while it hashes it.

A .deb is built here with dpkg-deb: an executable that embeds an NNUE net
(incbin's layout, the net across several 1 MiB read chunks), a plain
executable, and a text file.  Only the first is examined, with its hits in
Member.embedded, although it is no model candidate; every member is still
hashed right.  The real stockfish .deb is read the same way when
AIMODEL_ARCHIVE_DEBS is set.
"""

from __future__ import annotations

import hashlib
import os
import random
import shutil
import struct
import subprocess
from pathlib import Path

import pytest

from dh_aimodel.packaging.debfile import CHUNK, Member, read_deb


def _elf(body: bytes) -> bytes:
    """An ELF64 LE executable header with no segments nor sections, then ``body``."""
    header = b"\x7fELF\x02\x01\x01" + bytes(9) + struct.pack(
        "<HHIQQQIHHHHHH", 2, 62, 1, 0, 0, 0, 0, 64, 56, 0, 64, 0, 0)
    return header + body


def _fakefish(net_size: int) -> bytes:
    """An executable holding one NNUE net whose header straddles the first
    chunk border, followed by incbin's end byte, padding and size record."""
    description = b"Network trained with the https://github.com/official-stockfish/nnue-pytorch trainer."
    at = CHUNK - 6
    lead = bytes(at - 64)
    net = struct.pack("<III", 0x7AF32F20, 0x1C1020F2, len(description)) + description
    net += random.Random(3).randbytes(net_size - len(net))
    end = at + len(net)
    return _elf(lead + net + b"\x01" + bytes((-(end + 1)) % 16) + struct.pack("<I", len(net)))


@pytest.fixture
def deb(tmp_path: Path) -> tuple[Path, dict[str, bytes]]:
    if shutil.which("dpkg-deb") is None:
        pytest.skip("dpkg-deb is not installed")
    files = {
        "usr/games/fakefish": _fakefish(2 * CHUNK + 12345),
        "usr/bin/plain": _elf(os.urandom(3 * CHUNK)),
        "usr/share/doc/demo/README": b"not a model\n",
    }
    root = tmp_path / "pkg"
    for path, data in files.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_bytes(data)
    (root / "DEBIAN").mkdir()
    (root / "DEBIAN/control").write_text(
        "Package: demo\nVersion: 1\nArchitecture: amd64\nMaintainer: A <a@example.org>\n"
        "Description: demo\n demo\n")
    out = tmp_path / "demo.deb"
    subprocess.run(["dpkg-deb", "-Zgzip", "--root-owner-group", "-b", str(root), str(out)],
                   check=True, capture_output=True)
    return out, files


def test_an_elf_member_with_a_net_is_examined_with_its_hits(deb) -> None:
    path, files = deb
    seen: list[Member] = []
    contents = read_deb(path, lambda m: seen.append(m) or m.path)
    assert contents.files == ["usr/games/fakefish"]
    (member,) = seen
    assert member.sparse is None and member.head == files["usr/games/fakefish"][:64]
    assert member.sha256 == hashlib.sha256(files["usr/games/fakefish"]).hexdigest()
    (net,) = member.embedded
    assert net.family == "stockfish-nnue" and net.embedded and net.how == "content"
    assert net.fields["size"] == str(2 * CHUNK + 12345)
    assert net.fields["offset"] == str(CHUNK - 6)
    for name, data in files.items():
        assert contents.entries[name].sha256 == hashlib.sha256(data).hexdigest()


def test_members_without_hits_keep_their_old_examination(deb) -> None:
    path, _ = deb
    contents = read_deb(path, lambda m: (m.path, m.embedded))
    assert [p for p, _ in contents.files] == ["usr/games/fakefish"]
    assert "usr/bin/plain" in contents.entries


def test_lint_of_the_deb_runs(deb) -> None:
    from dh_aimodel.lint.inputs import deb_target

    path, _ = deb
    target = deb_target(path)
    assert target.state.binary == "demo"


def test_the_real_stockfish_deb(tmp_path: Path) -> None:
    root = os.environ.get("AIMODEL_ARCHIVE_DEBS")
    if not root:
        pytest.skip("AIMODEL_ARCHIVE_DEBS is not set")
    debs = sorted(Path(root).glob("*/stockfish_*.deb"))
    if not debs:
        pytest.skip(f"no stockfish .deb in {root}")
    for d in debs:
        contents = read_deb(d, lambda m: (m.path, m.embedded))
        ((path, hits),) = contents.files
        assert path == "usr/games/stockfish"
        assert {h.family for h in hits} == {"stockfish-nnue"}
        assert all(int(h.fields["size"]) > 1_000_000 for h in hits)
