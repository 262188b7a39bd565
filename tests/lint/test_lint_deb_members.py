"""aimodel lint of a .deb finds every declared file among all its members (issue 15).

A declared model file of a format lint does not read (a Sphinx ``noisedict``,
a binary of no known format) used to be "missing" because read_deb kept only
the members it recognised as models.  Every .deb here is built by
``dpkg-deb --build --root-owner-group`` from a real directory, as a package
build does, with the README.aimodel that dh_aimodel installs.
"""

from __future__ import annotations

import bz2
import hashlib
import lzma
import shutil
import subprocess
import textwrap
import tracemalloc
from pathlib import Path

import pytest
from conftest import require_tools
from lintkit import model_yaml, tree

from dh_aimodel.core.errors import PackagingError
from dh_aimodel.formats import SNIFF_BYTES, looks_like_model, may_hold_pickles
from dh_aimodel.lint import lint
from dh_aimodel.packaging.debfile import CHUNK, read_deb

PACKAGE = "pocketsphinx-en-us"
MODEL_DIR = "usr/share/pocketsphinx/model/en-us/en-us"

#: The acoustic model's files: a text mdef, a noise dictionary, and a binary
#: file of no format any reader knows.
MDEF = b"0.3\n3 n_base\n0 n_tri\n12 n_state_map\n3 n_tied_state\n" \
       b"9 n_tied_ci_state\n3 n_tied_tmat\n#\n# Columns definitions\n"
NOISEDICT = b"<s> SIL\n</s> SIL\n<sil> SIL\n[NOISE] +NSN+\n"
BLOB = b"\x00\x00\x00\x10sendump-like" + bytes(range(256)) * 64
MODEL_FILES = {f"{MODEL_DIR}/mdef": MDEF, f"{MODEL_DIR}/noisedict": NOISEDICT,
               f"{MODEL_DIR}/sendump": BLOB}

CONTROL = f"""\
Package: {PACKAGE}
Source: pocketsphinx
Version: 5.0.3-1
Architecture: all
Maintainer: Demo <demo@example.org>
Section: sound
Description: acoustic model
 acoustic model
"""


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def readme(files: dict[str, bytes], delivery: str = "shipped", model: str = "en-us") -> str:
    """README.aimodel as dh_aimodel writes it (templates/README.aimodel.j2)."""
    lines = "".join(f" {_sha(data)}  /{path}\n" for path, data in sorted(files.items()))
    return textwrap.dedent(f"""\
        Format-Version: 1
        Package: {PACKAGE}
        Source: pocketsphinx
        Generated-By: dh_aimodel from debian/aimodel.yaml
        Policy: ml-policy

        Model: {model}
        Delivery: {delivery}
        License: BSD-2-Clause
        Model-Format: other
        Files:
        """) + lines


def build_deb(tmp_path: Path, files: dict[str, bytes], readme_text: str | None,
              links: dict[str, str] | None = None, hard: dict[str, str] | None = None,
              name: str = "p.deb", compression: str = "xz") -> Path:
    """A real .deb of ``files`` (path -> bytes), with README.aimodel, symbolic
    ``links`` (path -> target) and ``hard`` links (path -> existing path)."""
    require_tools("dpkg-deb")
    root = tmp_path / f"{name}.d"
    shutil.rmtree(root, ignore_errors=True)
    (root / "DEBIAN").mkdir(parents=True)
    (root / "DEBIAN/control").write_text(CONTROL)
    if readme_text is not None:
        files = {**files, f"usr/share/doc/{PACKAGE}/README.aimodel": readme_text.encode()}
    for rel, data in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(data)
    for rel, target in (links or {}).items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).symlink_to(target)
    for rel, existing in (hard or {}).items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).hardlink_to(root / existing)
    out = tmp_path / name
    subprocess.run(["dpkg-deb", f"-Z{compression}", "--root-owner-group", "--build", str(root),
                    str(out)], check=True, capture_output=True)
    return out


def diagnostics(path: Path, **kw) -> list[tuple[str, str]]:
    return sorted((r.diagnostic.tag, r.diagnostic.context) for r in lint(path, **kw))


def test_the_blob_and_noisedict_are_no_format_lint_reads():
    """The premise: these files reach lint only as plain members."""
    for name, data in (("noisedict", NOISEDICT), ("sendump", BLOB)):
        assert not looks_like_model(data[:SNIFF_BYTES], name)
        assert not may_hold_pickles(data[:SNIFF_BYTES], name)


def test_declared_files_of_any_format_present_is_clean(tmp_path):
    deb = build_deb(tmp_path, MODEL_FILES, readme(MODEL_FILES))
    assert diagnostics(deb) == []


@pytest.mark.parametrize("gone", sorted(MODEL_FILES))
def test_a_removed_declared_file_is_the_one_missing(tmp_path, gone):
    kept = {p: d for p, d in MODEL_FILES.items() if p != gone}
    deb = build_deb(tmp_path, kept, readme(MODEL_FILES))
    assert diagnostics(deb) == [("aimodel-declared-file-missing", f"[{gone}]")]


@pytest.mark.parametrize("changed", sorted(MODEL_FILES))
def test_a_changed_byte_is_a_checksum_mismatch(tmp_path, changed):
    data = bytearray(MODEL_FILES[changed])
    data[len(data) // 2] ^= 0x01
    deb = build_deb(tmp_path, {**MODEL_FILES, changed: bytes(data)}, readme(MODEL_FILES))
    assert diagnostics(deb) == [("aimodel-checksum-mismatch", f"{_sha(bytes(data))} [{changed}]")]


def test_an_undeclared_member_is_no_declared_file(tmp_path):
    """A file the README does not list is not checked, whatever its bytes."""
    extra = {f"{MODEL_DIR}/feat.params": b"-lowerf 130\n-upperf 6800\n"}
    deb = build_deb(tmp_path, {**MODEL_FILES, **extra}, readme(MODEL_FILES))
    assert diagnostics(deb) == []


def test_declared_files_reached_through_links(tmp_path):
    """A declared path whose directory is a symbolic link, or which is a hard link
    (the tar member then has no data of its own), is present with its bytes."""
    moved = {p.replace("en-us/en-us", "en-us/real"): d for p, d in MODEL_FILES.items()}
    second = "usr/share/pocketsphinx/model/copy/noisedict"
    listed = {**MODEL_FILES, second: NOISEDICT}
    deb = build_deb(tmp_path, moved, readme(listed), links={MODEL_DIR: "real"},
                    hard={second: f"{MODEL_DIR.replace('en-us/en-us', 'en-us/real')}/noisedict"})
    contents = read_deb(deb, lambda m: None)
    assert [k.hard for k in contents.links.values()] == [True, False]  # dpkg-deb kept both
    assert diagnostics(deb) == []


def test_a_link_loop_is_missing_not_a_hang(tmp_path):
    deb = build_deb(tmp_path, {}, readme({"usr/share/loop/a": NOISEDICT}),
                    links={"usr/share/loop": "loop2", "usr/share/loop2": "loop"})
    assert diagnostics(deb) == [("aimodel-declared-file-missing", "[usr/share/loop/a]")]


def test_a_link_out_of_the_package_reaches_nothing(tmp_path):
    """An absolute link points into the installed system: not a file of this package."""
    deb = build_deb(tmp_path, {}, readme({f"{MODEL_DIR}/mdef": MDEF}),
                    links={f"{MODEL_DIR}/mdef": "/etc/passwd"})
    assert diagnostics(deb) == [("aimodel-declared-file-missing", f"[{MODEL_DIR}/mdef]")]


def _source_tree(root: Path, files: dict[str, bytes], declared: dict[str, bytes]) -> Path:
    """A source tree declaring ``declared`` (path -> bytes, for the sha256) for the
    package, with ``files`` in it."""
    (first, data), *rest = sorted(declared.items())
    extra = "".join(f"\n          - path: {p}\n            sha256: {_sha(d)}" for p, d in rest)
    control = textwrap.dedent(f"""\
        Source: pocketsphinx
        Section: sound
        Maintainer: Demo <demo@example.org>

        Package: {PACKAGE}
        Architecture: all
        Description: model
         model
        """)
    return tree(root, files, model_yaml(first, _sha(data), fmt="other", extra_files=extra,
                                        package=PACKAGE), section="sound", control=control)


SOURCE_FILES = {f"model/en-us/{Path(p).name}": d for p, d in MODEL_FILES.items()}


def _file_tags(found: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The diagnostics about declared files (a source tree also gets copyright ones)."""
    return [t for t in found if t[0] in ("aimodel-declared-file-missing",
                                         "aimodel-checksum-mismatch")]


def test_with_source_every_member_is_installed(tmp_path):
    """``--source DIR``: the declaration's files are matched to all members by name,
    as dh_aimodel matches them in debian/<pkg>/."""
    src = _source_tree(tmp_path / "src", SOURCE_FILES, SOURCE_FILES)
    deb = build_deb(tmp_path, MODEL_FILES, None)
    assert _file_tags(diagnostics(deb, source=src)) == []
    gone = f"{MODEL_DIR}/noisedict"
    deb = build_deb(tmp_path, {p: d for p, d in MODEL_FILES.items() if p != gone}, None,
                    name="q.deb")
    assert _file_tags(diagnostics(deb, source=src)) == [
        ("aimodel-declared-file-missing", "[model/en-us/noisedict]")]


def test_source_tree_every_file_counts(tmp_path):
    src = _source_tree(tmp_path / "src", SOURCE_FILES, SOURCE_FILES)
    assert _file_tags(diagnostics(src)) == []


@pytest.mark.parametrize("gone", sorted(SOURCE_FILES))
def test_source_tree_a_removed_file_is_missing(tmp_path, gone):
    src = _source_tree(tmp_path / "src", {p: d for p, d in SOURCE_FILES.items() if p != gone},
                       SOURCE_FILES)
    assert _file_tags(diagnostics(src)) == [("aimodel-declared-file-missing", f"[{gone}]")]


@pytest.mark.parametrize("changed", sorted(SOURCE_FILES))
def test_source_tree_a_changed_byte_is_a_mismatch(tmp_path, changed):
    data = bytearray(SOURCE_FILES[changed])
    data[0] ^= 0x01
    src = _source_tree(tmp_path / "src", {**SOURCE_FILES, changed: bytes(data)}, SOURCE_FILES)
    assert _file_tags(diagnostics(src)) == [
        ("aimodel-checksum-mismatch", f"{_sha(bytes(data))} [{changed}]")]


HOST = "usr/games/stockfish"
HOST_BYTES = b"\x7fELF" + b"\x00" * 64 + b"NNUE net inside"


@pytest.mark.parametrize("delivery", ["embedded", "compiled", "generated"])
@pytest.mark.parametrize("installed, expected", [
    ({}, [("aimodel-declared-file-missing", f"[{HOST}]")]),
    ({HOST: HOST_BYTES[:-1] + b"!"},
     [("aimodel-checksum-mismatch", f"{_sha(HOST_BYTES[:-1] + b'!')} [{HOST}]")]),
])
def test_a_carrier_listed_in_readme_is_checked_the_same_way(tmp_path, delivery, installed,
                                                            expected):
    """A file that carries a model in another form: present, with the listed sha256."""
    deb = build_deb(tmp_path, installed, readme({HOST: HOST_BYTES}, delivery, "nnue"))
    assert diagnostics(deb) == expected


# -- read_deb: every member, hashed in one pass --------------------------------

SIZES = (0, 1, SNIFF_BYTES - 1, SNIFF_BYTES, SNIFF_BYTES + 1, CHUNK - 1, CHUNK, CHUNK + 1,
         3 * CHUNK + 7)


@pytest.mark.parametrize("compression", ["xz", "gzip", "none"])
def test_every_member_has_its_size_and_sha256(tmp_path, compression):
    files = {f"usr/share/demo/f{n}": bytes((i * 31 + n) % 251 for i in range(n)) for n in SIZES}
    files["usr/share/demo/m.gguf"] = b"GGUF" + bytes(3 * CHUNK)  # a model: read further too
    deb = build_deb(tmp_path, files, readme(files), compression=compression)
    contents = read_deb(deb, lambda m: m.path, lambda p: p.endswith("README.aimodel"))
    readme_path = f"usr/share/doc/{PACKAGE}/README.aimodel"
    assert set(contents.entries) == {*files, readme_path}
    for path, data in files.items():
        assert (contents.entries[path].size, contents.entries[path].sha256) == \
            (len(data), _sha(data))
    kept = contents.texts[readme_path]  # kept whole, and hashed over the same bytes
    assert contents.entries[readme_path].sha256 == _sha(kept)
    assert contents.files == ["usr/share/demo/m.gguf"]


def test_hashing_a_large_plain_member_keeps_memory_flat(tmp_path):
    """A member that is no model streams through sha256 CHUNK by CHUNK."""
    big = bytes(range(256)) * (32 * CHUNK // 256)
    deb = build_deb(tmp_path, {"usr/share/demo/big.dat": big}, None, compression="none")
    tracemalloc.start()
    try:
        contents = read_deb(deb, lambda m: None)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert contents.entries["usr/share/demo/big.dat"].sha256 == _sha(big)
    assert peak < 8 * CHUNK  # a few CHUNK-sized buffers of tarfile and ours, not 32 of them


def _lzma_alone(data: bytes) -> bytes:
    return lzma.compress(data, format=lzma.FORMAT_ALONE)


def _data_member(deb: Path) -> tuple[bytes, int, int]:
    """The .deb's bytes, and the offset and size of its data.tar member."""
    raw = deb.read_bytes()
    header = raw.index(b"data.tar")
    return raw, header + 60, int(raw[header + 48:header + 58])


@pytest.mark.parametrize("compression", ["xz", "gzip", "none"])
@pytest.mark.parametrize("damage", ["cut", "flipped"])
def test_a_damaged_data_tar_inside_a_plain_member_is_reported(tmp_path, compression, damage):
    """Found only when the member is read: a damaged package, not a traceback."""
    plain = bytes(i * 7 % 251 for i in range(1 << 20))  # a file that is no model
    deb = build_deb(tmp_path, {"usr/share/demo/plain.dat": plain}, None,
                    compression=compression)
    raw, start, size = _data_member(deb)
    if damage == "cut":  # the ar header still says the full size
        deb.write_bytes(raw[:start + size // 2])
    else:
        middle = start + size // 2
        deb.write_bytes(raw[:middle] + bytes(b ^ 0x55 for b in raw[middle:middle + 64])
                        + raw[middle + 64:])
    if damage == "flipped" and compression == "none":  # the bytes are data: a mismatch
        assert read_deb(deb, lambda m: None).entries["usr/share/demo/plain.dat"].sha256 \
            != _sha(plain)
        return
    with pytest.raises(PackagingError, match="damaged"):
        read_deb(deb, lambda m: None)


def _recompressed(deb: Path, suffix: str, compress) -> Path:  # noqa: ANN001
    """The .deb (built -Znone) with its data.tar compressed by ``compress`` and
    named data.tar``suffix``: dpkg-deb reads bzip2 and lzma but no longer writes them."""
    raw, start, size = _data_member(deb)
    data = compress(raw[start:start + size])
    name = f"data.tar{suffix}"
    header = f"{name:<16}{0:<12}{0:<6}{0:<6}{100644:<8}{len(data):<10}`\n".encode()
    out = deb.with_name(deb.stem + suffix + ".deb")
    out.write_bytes(raw[:start - 60] + header + data + (b"\n" if len(data) % 2 else b""))
    return out


@pytest.mark.parametrize("suffix, compress", [(".bz2", bz2.compress), (".lzma", _lzma_alone)])
def test_bzip2_and_lzma_data_tar(tmp_path, suffix, compress):
    deb = build_deb(tmp_path, MODEL_FILES, readme(MODEL_FILES), compression="none")
    contents = read_deb(_recompressed(deb, suffix, compress), lambda m: None)
    assert {p: e.sha256 for p, e in contents.entries.items() if p in MODEL_FILES} == \
        {p: _sha(d) for p, d in MODEL_FILES.items()}


def test_an_unknown_data_tar_compression_is_refused(tmp_path):
    deb = build_deb(tmp_path, {"usr/share/demo/a": b"a"}, None, compression="gzip")
    raw, start, _ = _data_member(deb)
    name = raw.index(b"data.tar.gz")
    deb.write_bytes(raw[:name] + b"data.tar.zz" + raw[name + 11:])
    with pytest.raises(PackagingError, match="data.tar.zz: unknown compression"):
        read_deb(deb, lambda m: None)
