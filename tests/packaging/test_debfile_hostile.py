"""The .deb reader on packages written to break it (issue 17).

Every case ends as a PackagingError of one line (a .deb dpkg-deb would
refuse), an ``exceeded`` entry (a resource limit reached: the finding
aimodel-input-limit-exceeded) or an archive problem, never as a traceback,
a hang or gigabytes of memory.  Bombs are small on disk: a header that
claims a size, or compressed zeros.
"""

from __future__ import annotations

import gzip
import lzma
import shutil
import subprocess
import tarfile
from pathlib import Path

import pytest
from lintkit import ar_archive, control_tar, data_tar, deb, file_member, link_member

from dh_aimodel.cli import main
from dh_aimodel.core import limits
from dh_aimodel.core.errors import PackagingError
from dh_aimodel.core.limits import LimitExceeded
from dh_aimodel.lint import lint
from dh_aimodel.packaging.debfile import Member, read_control, read_deb

#: A protocol 0 pickle calling os.system behind a list of numbers: its head
#: is not taken for a pickle under a name that is not a pickle's, so only the
#: link's name gets it read.
EVIL = b"(lp0\n" + b"I1\na" * 16 + b"cos\nsystem\n(S'echo pwned'\ntRa."
BENIGN = data_tar({"usr/share/doc/demo-data/README": b"hi\n"})


@pytest.fixture(autouse=True)
def _defaults():
    yield
    limits.configure([], {})


def paths(contents) -> list[str]:
    return sorted(contents.entries)


def write(tmp_path: Path, members: list[tuple[str, bytes]], **kw) -> Path:
    path = tmp_path / "x.deb"
    path.write_bytes(ar_archive(members, **kw))
    return path


def standard(data: bytes = BENIGN, name: str = "data.tar.xz") -> list[tuple[str, bytes]]:
    return [("debian-binary", b"2.0\n"), ("control.tar.gz", control_tar()), (name, data)]


def refused(path: Path) -> str:
    with pytest.raises(PackagingError) as exc:
        read_deb(path, lambda m: None)
    assert len(exc.value.problems) == 1
    return str(exc.value)


# -- the ar archive ---------------------------------------------------------

@pytest.mark.parametrize(("size", "message"), [
    ("-1000", "ar member 'debian-binary' has a bad size ('-1000'); the .deb is corrupt"),
    ("0x10", "ar member 'debian-binary' has a bad size ('0x10')"),
    ("99999999", "ar member 'debian-binary' runs past the end of the file (99999999 bytes"),
])
def test_a_bad_ar_size_is_a_damaged_package(tmp_path, size, message):
    path = write(tmp_path, standard(), size_field={"debian-binary": size})
    assert message in refused(path)


def test_a_package_cut_inside_an_ar_header_is_damaged(tmp_path):
    path = write(tmp_path, standard())
    path.write_bytes(path.read_bytes()[:8 + 60 + 4 + 30])
    assert "truncated or damaged ar member header" in refused(path)


@pytest.mark.parametrize(("members", "message"), [
    (lambda: [("control.tar.gz", control_tar()), ("data.tar.xz", BENIGN)],
     "the first ar member is 'control.tar.gz', not debian-binary"),
    (lambda: [("debian-binary", b"3.0\n"), ("control.tar.gz", control_tar()),
              ("data.tar.xz", BENIGN)], "debian-binary is not format 2.x"),
    (lambda: [("debian-binary", b"2.0\n"), ("data.tar.xz", BENIGN),
              ("control.tar.gz", control_tar())], "ar member 'data.tar.xz' comes before control.tar"),
    (lambda: [("debian-binary", b"2.0\n"), ("control.tar.gz", control_tar()),
              ("evil", b"x"), ("data.tar.xz", BENIGN)], "ar member 'evil' comes before data.tar"),
    (lambda: [("debian-binary", b"2.0\n"), ("control.tar.bz2", b"x"), ("data.tar.xz", BENIGN)],
     "control.tar.bz2: unknown compression; accepted: control.tar, control.tar.gz"),
    (lambda: [("debian-binary", b"2.0\n"), ("control.tar.gz", control_tar())],
     "no data.tar.* member"),
])
def test_an_order_dpkg_deb_refuses_is_refused(tmp_path, members, message):
    path = write(tmp_path, members())
    assert message in refused(path)
    assert subprocess.run(["dpkg-deb", "-c", str(path)], capture_output=True).returncode != 0


def test_signature_members_between_are_ignored_as_dpkg_deb_does(tmp_path):
    members = standard()
    members[1:1] = [("_gpgbuilder", b"signature")]
    contents = read_deb(write(tmp_path, members), lambda m: None)
    assert (paths(contents), contents.problems) == (["usr/share/doc/demo-data/README"], [])


@pytest.mark.parametrize("second", ["data.tar.xz", "data.tar.gz"])
def test_a_second_data_member_is_an_unsafe_member_and_the_first_is_read(tmp_path, second):
    evil = data_tar({"usr/lib/m.pkl": b"\x80\x02" + EVIL}, compression=second[-2:])
    path = write(tmp_path, [*standard(), (second, evil)])
    contents = read_deb(path, lambda m: None)
    assert paths(contents) == ["usr/share/doc/demo-data/README"]  # what dpkg installs
    assert contents.problems == [(second, "an ar member after data.tar.xz, which dpkg-deb "
                                  "ignores and other extractors may take instead")]
    tags = {r.diagnostic.tag for r in lint(path)}
    assert "aimodel-unsafe-archive-member" in tags


def test_more_ar_members_than_the_limit_are_refused(tmp_path):
    path = write(tmp_path, [*standard(), *((f"_x{i}", b"") for i in range(70))])
    with pytest.raises(LimitExceeded, match="more than 64 ar members, the ar-members limit"):
        read_deb(path, lambda m: None)


# -- decompression budgets --------------------------------------------------

def claiming(size: int, before: dict[str, bytes] | None = None) -> bytes:
    """data.tar.xz whose last member's header claims ``size`` bytes (and has 1 KiB)."""
    raw = b""
    for name, data in (before or {}).items():
        info = file_member(name, data)[0]
        info.size = len(data)
        raw += info.tobuf() + data + bytes(-len(data) % 512)
    info = tarfile.TarInfo("./usr/share/demo/big")
    info.size = size
    return lzma.compress(raw + info.tobuf() + bytes(1024))


def test_a_member_claiming_more_than_the_budget_stops_the_reading(tmp_path, capsys):
    path = write(tmp_path, standard(claiming(8 << 30, {"./usr/share/demo/a": b"read before"})))
    contents = read_deb(path, lambda m: None)
    assert paths(contents) == ["usr/share/demo/a"]
    assert contents.exceeded == [
        "usr/share/demo/big claims 8.0 GiB: data.tar.xz expands beyond 512.0 MiB, the "
        "deb-expansion limit (200 times the .deb's "
        f"{path.stat().st_size} bytes, at least the deb-floor of 512 MiB); raise it with "
        "--limit deb-expansion=N or AIMODEL_LIMITS=deb-expansion=N"]
    assert main(["lint", str(path)]) == 1
    assert capsys.readouterr().out.splitlines() == [
        f"E: demo-data: aimodel-input-limit-exceeded {contents.exceeded[0]}"]


def test_below_the_budget_the_same_member_is_read(tmp_path):
    path = write(tmp_path, standard(lzma.compress(data_tar({"usr/share/demo/big": bytes(4096)},
                                                           compression=""))))
    contents = read_deb(path, lambda m: None)
    assert (paths(contents), contents.exceeded) == (["usr/share/demo/big"], [])


def test_compressed_zeros_beyond_the_budget_stop_while_streaming(tmp_path):
    limits.configure(["deb-floor=4M", "deb-expansion=1"], {})
    zeros = {f"usr/share/demo/z{i}": bytes(1 << 20) for i in range(8)}  # 8 MiB of zeros
    path = write(tmp_path, standard(gzip.compress(data_tar(zeros, compression="")),
                                    "data.tar.gz"))
    contents = read_deb(path, lambda m: None)
    assert contents.exceeded and "data.tar.gz expands beyond 4.0 MiB" in contents.exceeded[0]
    assert 0 < len(contents.entries) < 4  # the reader reads ahead at most a megabyte


@pytest.mark.parametrize("kind", [tarfile.XHDTYPE, tarfile.GNUTYPE_LONGNAME])
def test_a_header_record_beyond_tar_header_is_not_read_into_memory(tmp_path, kind):
    info = tarfile.TarInfo("././@LongLink")
    info.type, info.size = kind, 2 << 30
    path = write(tmp_path, standard(lzma.compress(info.tobuf(format=tarfile.USTAR_FORMAT)
                                                  + b"1" * 4096)))
    contents = read_deb(path, lambda m: None)
    assert contents.exceeded[0].startswith("a tar header record of 2.0 GiB before")
    assert "beyond the tar-header limit of 1 MiB" in contents.exceeded[0]


def test_a_sparse_member_is_an_unsafe_member_and_not_expanded(tmp_path):
    info = tarfile.TarInfo("./usr/share/demo/holes")
    info.type = tarfile.GNUTYPE_SPARSE
    raw = info.tobuf(format=tarfile.GNU_FORMAT) + bytes(1024)
    contents = read_deb(write(tmp_path, standard(lzma.compress(raw))), lambda m: None)
    assert contents.problems == [("usr/share/demo/holes", "a sparse member, which dpkg does "
                                  "not install as the file it stands for")]
    assert contents.entries == {}


@pytest.mark.skipif(shutil.which("zstd") is None, reason="zstd is not installed")
def test_a_zstd_control_bomb_is_refused_in_one_line(tmp_path):
    info = tarfile.TarInfo("./junk")
    info.size = 32 << 20
    tar = info.tobuf() + bytes(32 << 20)
    bomb = subprocess.run(["zstd", "-q", "-c"], input=tar, capture_output=True,
                          check=True).stdout
    assert len(bomb) < 16 << 10
    limits.configure(["control=1M"], {})
    path = write(tmp_path, [("debian-binary", b"2.0\n"), ("control.tar.zst", bomb),
                            ("data.tar.xz", BENIGN)])
    with pytest.raises(LimitExceeded, match="control.tar.zst expands beyond the control "
                                            "limit of 1 MiB; raise it with --limit control=N"):
        read_control(path)


def test_zstd_members_of_a_real_package_are_read(tmp_path):
    root = tmp_path / "p"
    (root / "DEBIAN").mkdir(parents=True)
    (root / "DEBIAN/control").write_text("Package: p\nVersion: 1\nArchitecture: all\n"
                                         "Maintainer: a <a@example.org>\nDescription: d\n")
    (root / "usr/share/p").mkdir(parents=True)
    (root / "usr/share/p/a").write_text("hi\n")
    path = tmp_path / "p.deb"
    subprocess.run(["dpkg-deb", "-Zzstd", "--root-owner-group", "-b", str(root), str(path)],
                   check=True, capture_output=True)
    contents = read_deb(path, lambda m: None)
    assert (contents.control["Package"], paths(contents)) == ("p", ["usr/share/p/a"])


# -- links ------------------------------------------------------------------

@pytest.mark.parametrize("hard", [False, True])
def test_a_pickle_behind_a_link_with_a_pickle_name_is_examined_under_that_name(tmp_path, hard):
    target = "usr/share/demo/blob"
    link = link_member("./usr/share/demo/model.pkl", f"./{target}" if hard else "blob", hard)
    path = deb(tmp_path / "l.deb", {target: EVIL}, extra=[link])
    seen: list[str] = []

    def examine(m: Member) -> str:
        seen.append(m.path)
        return m.path

    read_deb(path, examine)
    assert seen == ["usr/share/demo/model.pkl"]
    found = {(r.diagnostic.tag, r.diagnostic.context) for r in lint(path)}
    assert ("aimodel-pickle-unsafe-global", "os.system [usr/share/demo/model.pkl]") in found


def test_a_link_without_a_model_name_reads_the_package_once(tmp_path):
    path = deb(tmp_path / "l.deb", {"usr/share/demo/blob": EVIL},
               extra=[link_member("./usr/share/demo/notes.txt", "blob")])
    seen: list[str] = []
    read_deb(path, lambda m: seen.append(m.path))
    assert seen == []
