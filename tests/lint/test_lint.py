"""aimodel lint: every tag fires on a small input made for it, and not on clean ones."""

from __future__ import annotations

import io
import lzma
import pickle
import tarfile
import textwrap
import zipfile
from collections import OrderedDict
from pathlib import Path

import pytest
from conftest import write_files
from lintkit import (
    COPYRIGHT,
    DISCLAIMER,
    clean_tree,
    deb,
    file_member,
    gguf,
    link_member,
    model_yaml,
    safetensors,
    sha,
    tree,
)

from dh_aimodel.cli import main
from dh_aimodel.lint import lint
from dh_aimodel.lint.catalog import catalogue

CONTROL2 = """\
Source: demo
Section: {src}
Maintainer: Demo <demo@example.org>

Package: demo-data
Architecture: all
Description: demo
 demo

Package: demo-extra
Section: {extra}
Architecture: all
Description: demo
 demo
"""


def tags(path: Path, **kw) -> set[tuple[str, str]]:
    return {(r.diagnostic.tag, r.diagnostic.context) for r in lint(path, **kw)}


def tag_names(path: Path, **kw) -> set[str]:
    return {t for t, _ in tags(path, **kw)}


def evil_pickle(marker: Path) -> bytes:
    """A protocol 0 pickle calling os.system (never loaded by the tests)."""
    return f"cos\nsystem\n(S'touch {marker}'\ntR.".encode()


def torch_zip(extra: dict[str, bytes] | None = None, data_pkl: bytes | None = None,
              compress: int = zipfile.ZIP_STORED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compress) as zf:
        zf.writestr("archive/data.pkl", data_pkl or pickle.dumps(OrderedDict(w=[1.0]), 2))
        for k, v in (extra or {}).items():
            zf.writestr(k, v)
    return buf.getvalue()


# -- one case per tag: (tag, builder returning (path, lint kwargs), context part) ------

def _decl_invalid(p: Path):
    tree(p, {}, declaration="format: 2\nmodels: []\n")
    return p, {}


def _missing(p: Path):
    clean_tree(p)
    y = (p / "debian/aimodel.yaml").read_text()
    (p / "debian/aimodel.yaml").write_text(y.replace("models/m.safetensors", "models/gone.safetensors"))
    return p, {}


def _undeclared(p: Path):
    clean_tree(p)
    (p / "models/extra.gguf").write_bytes(gguf())
    return p, {}


def _sha_mismatch(p: Path):
    data = safetensors({"license": "mit"})
    tree(p, {"models/m.safetensors": data}, model_yaml(digest="ab" * 32))
    return p, {}


def _sha_missing(p: Path):
    tree(p, {"models/m.safetensors": safetensors()}, model_yaml())
    return p, {"pedantic": True}


def _licence_unknown(p: Path):
    data = safetensors()
    tree(p, {"models/m.safetensors": data}, model_yaml(digest=sha(data), licence="LicenseRef-mystery"))
    return p, {}


def _non_free_in_main(p: Path):
    data = safetensors()
    tree(p, {"models/m.safetensors": data}, model_yaml(digest=sha(data), licence="CC-BY-NC-4.0"),
         copyright=COPYRIGHT.format(header="", licence="CC-BY-NC-4.0"))
    return p, {}


def _toxic_in_main(p: Path):
    data = safetensors()
    tree(p, {"models/m.safetensors": data}, model_yaml(digest=sha(data), availability="unavailable"))
    return p, {}


def _runtime_download(p: Path):
    tree(p, {}, model_yaml(delivery="downloaded"), section="utils")
    return p, {}


def _no_stanza(p: Path):
    data = safetensors()
    tree(p, {"models/m.safetensors": data}, model_yaml(digest=sha(data)),
         copyright="Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n\n"
                   "Files: debian/*\nCopyright: 2026 Demo\nLicense: MIT\n")
    return p, {}


def _licence_disagrees(p: Path):
    data = safetensors()
    tree(p, {"models/m.safetensors": data}, model_yaml(digest=sha(data)),
         copyright=COPYRIGHT.format(header="", licence="GPL-2+"))
    return p, {}


def _holder_missing(p: Path):
    data = safetensors()
    tree(p, {"models/m.safetensors": data}, model_yaml(digest=sha(data)),
         copyright=COPYRIGHT.format(header="", licence="MIT").replace("2026 Demo Lab", "Other"))
    return p, {}


def _no_disclaimer(p: Path):
    data = safetensors()
    tree(p, {"models/m.safetensors": data},
         model_yaml(digest=sha(data), availability="unavailable"), section="non-free/science",
         copyright=COPYRIGHT.format(header="", licence="MIT"))
    return p, {}


def _embedded(p: Path):
    data = safetensors({"license": "apache-2.0"})
    tree(p, {"models/m.safetensors": data}, model_yaml(digest=sha(data)))
    return p, {}


def _format(p: Path):
    data = safetensors()
    tree(p, {"models/m.safetensors": data}, model_yaml(digest=sha(data), fmt="gguf"))
    return p, {}


def _pickle_weights(p: Path):
    data = pickle.dumps(OrderedDict(w=[1.0, 2.0]), 2)
    tree(p, {"models/m.pt": data}, model_yaml("models/m.pt", sha(data), fmt="pytorch-pickle"))
    return p, {}


def _unsafe_global(p: Path):
    data = evil_pickle(p / "PWNED")
    tree(p, {"models/m.pkl": data}, model_yaml("models/m.pkl", sha(data), fmt="pytorch-pickle"))
    return p, {}


def _foreign_global(p: Path):
    data = b"\x80\x02cmymodel.net\nNet\n)R."  # a model class: runs that project's code
    tree(p, {"models/m.pkl": data}, model_yaml("models/m.pkl", sha(data), fmt="pytorch-pickle"))
    return p, {}


def _load_bomb(p: Path):
    """A list holding the previous one twice, 40 times over, by memo reuse."""
    data = b"\x80\x02]q\x00" + b"".join(
        b"](h" + bytes([i]) + b"h" + bytes([i]) + b"eq" + bytes([i + 1]) for i in range(40)) + b"."
    tree(p, {"models/m.pkl": data}, model_yaml("models/m.pkl", sha(data), fmt="pytorch-pickle"))
    return p, {}


def _spans(p: Path):
    a, b = safetensors(), safetensors({"x": "y"})
    tree(p, {"models/a.safetensors": a, "models/b.safetensors": b},
         model_yaml("models/a.safetensors", sha(a), name="a")
         + model_yaml("models/b.safetensors", sha(b), name="b", package="demo-extra",
                      licence="CC-BY-NC-4.0"),
         control=CONTROL2.format(src="non-free/science", extra="non-free/science"),
         copyright=COPYRIGHT.format(header=DISCLAIMER, licence="MIT")
         .replace("Files: models/*", "Files: models/a.safetensors")
         + "\nFiles: models/b.safetensors\nCopyright: 2026 Demo Lab\nLicense: CC-BY-NC-4.0\n")
    return p, {}


def _not_redistributable(p: Path):
    data = safetensors()
    tree(p, {"models/m.safetensors": data},
         model_yaml(digest=sha(data)).replace("delivery:", "distributable: false\n  delivery:"),
         section="non-free/science", copyright=COPYRIGHT.format(header=DISCLAIMER, licence="MIT"))
    return p, {}


def _malformed(p: Path):
    data = safetensors()[:-4]  # tensor data cut short
    tree(p, {"models/m.safetensors": data}, model_yaml(digest=sha(data)))
    return p, {}


def _archive_member(p: Path):
    return deb(p / "x.deb", {"usr/share/doc/demo-data/README": b"hi\n"},
               extra=[file_member("../../etc/evil", b"x"),
                      link_member("./usr/share/demo/link", "../../../../etc/shadow")]), {}


def _expansion_bomb(p: Path):
    """A .deb of 400 bytes whose data.tar has a member that claims 8 GiB."""
    info = tarfile.TarInfo("./usr/share/demo/big")
    info.size = 8 << 30
    return deb(p / "b.deb", {}, raw_data=lzma.compress(info.tobuf() + bytes(1024))), {}


def _undeclared_deb(p: Path):
    """A .deb nothing declares, in main, whose copyright file gives its model
    a licence that is not DFSG-free."""
    cp = ("Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n\n"
          "Files: *\nCopyright: 2026 Demo\nLicense: CC-BY-NC-4.0\n")
    return deb(p / "u.deb", {"usr/share/demo/m.gguf": gguf(),
                             "usr/share/doc/demo-data/copyright": cp.encode()},
               section="science"), {}


def _table_tree(p: Path):
    """An unpacked package (dpkg-deb -x) holding an ARPA language model."""
    write_files(p, {"usr/share/demo/lm.arpa": b"\\data\\\nngram 1=2\n\n\\1-grams:\n"
                    b"-1.0 <s>\n-1.0 </s>\n\n\\end\\\n",
                    "usr/share/doc/demo-data/copyright": b"x"})
    return p, {}


LONG_LINES = "demo source: very-long-line-length-in-source-file * [models/*:*]\n"


def _override_for_binary_weights(p: Path, data: bytes = b"\x00\x01" * 400):
    """Binary weights with a 'line' of 800 bytes: only Lintian << 2.124 tags them."""
    tree(p, {"models/m.bin": data, "debian/source/lintian-overrides": LONG_LINES.encode()},
         model_yaml("models/m.bin", sha(data), fmt="other"))
    return p, {"pedantic": True}


CASES = {
    "aimodel-declaration-invalid": (_decl_invalid, "[debian/aimodel.yaml:1:9]"),
    "aimodel-declared-file-missing": (_missing, "[models/gone.safetensors]"),
    "aimodel-undeclared-model-file": (_undeclared, "[models/extra.gguf]"),
    "aimodel-checksum-mismatch": (_sha_mismatch, "[models/m.safetensors]"),
    "aimodel-checksum-not-declared": (_sha_missing, "[models/m.safetensors]"),
    "aimodel-weights-licence-unknown": (_licence_unknown, "m: LicenseRef-mystery"),
    "aimodel-non-free-model-in-main": (_non_free_in_main, "m"),
    "aimodel-toxic-candy-model-in-main": (_toxic_in_main, "m"),
    "aimodel-model-not-redistributable": (_not_redistributable, "m"),
    "aimodel-section-mismatch": (_non_free_in_main, "science -> non-free/science"),
    "aimodel-runtime-download-in-main": (_runtime_download, "m"),
    "aimodel-copyright-missing-stanza": (_no_stanza, "[models/m.safetensors]"),
    "aimodel-copyright-licence-mismatch": (_licence_disagrees, "GPL-2+ != MIT [models/m.safetensors]"),
    "aimodel-copyright-holder-missing": (_holder_missing, "2026 Demo Lab [models/m.safetensors]"),
    "aimodel-missing-ml-policy-disclaimer": (_no_disclaimer, "non-free [debian/copyright]"),
    "aimodel-embedded-licence-mismatch": (_embedded, "apache-2.0 != MIT [models/m.safetensors]"),
    "aimodel-format-mismatch": (_format, "safetensors != gguf [models/m.safetensors]"),
    "aimodel-pickle-weights": (_pickle_weights, "[models/m.pt]"),
    "aimodel-pickle-unsafe-global": (_unsafe_global, "os.system [models/m.pkl]"),
    "aimodel-pickle-foreign-global": (_foreign_global, "mymodel.net.Net [models/m.pkl]"),
    "aimodel-pickle-load-bomb": (_load_bomb, "over 100000000 elements [models/m.pkl]"),
    "aimodel-training-data-unavailable": (_toxic_in_main, "m: Demo data"),
    "aimodel-source-spans-areas": (_spans, "main non-free"),
    "aimodel-malformed-model-file": (_malformed, "truncated [models/m.safetensors]"),
    "aimodel-unsafe-archive-member": (_archive_member, "path climbs out with .. [../../etc/evil]"),
    "aimodel-input-limit-exceeded": (_expansion_bomb, "usr/share/demo/big claims 8.0 GiB"),
    "aimodel-model-found": (_undeclared_deb, "gguf-model, 24 bytes [usr/share/demo/m.gguf]"),
    "aimodel-statistical-table-found": (_table_tree, "arpa-lm"),
    "aimodel-area-advice": (_undeclared_deb, "ml-policy: non-free at best"),
    "aimodel-section-above-advice": (_undeclared_deb, "science but non-free at best"),
    "aimodel-override-unused-by-newer-lintian": (
        _override_for_binary_weights,
        "very-long-line-length-in-source-file * [models/*:*] "
        "[debian/source/lintian-overrides:1] (Lintian 2.143.0, sid)"),
}


@pytest.mark.parametrize("data", [b"weights as text, " * 50 + b"\n",  # newest Lintian too
                                  b"short\nlines\n"])                  # no Lintian tags it
def test_override_still_used_or_never_used_is_not_unused_by_newer(tmp_path, data):
    path, kw = _override_for_binary_weights(tmp_path, data)
    assert "aimodel-override-unused-by-newer-lintian" not in tag_names(path, **kw)


@pytest.mark.parametrize("tag", sorted(CASES))
def test_tag_fires(tmp_path, tag):
    build, context = CASES[tag]
    path, kw = build(tmp_path)
    found = tags(path, **kw)
    assert any(t == tag and context in c for t, c in found), found


def test_every_catalogue_entry_has_a_case_and_vice_versa():
    assert set(CASES) == set(catalogue())


@pytest.mark.parametrize("tag", sorted(catalogue()))
def test_explain_every_tag(capsys, tag):
    assert main(["lint", "--explain", tag]) == 0
    out = capsys.readouterr().out
    assert f"N:   {tag}" in out and "Visibility:" in out


def test_explain_unknown_tag_is_usage_error(capsys):
    assert main(["lint", "--explain", "no-such-tag"]) == 2
    assert "unknown tag" in capsys.readouterr().err


def test_list_tags(capsys):
    assert main(["lint", "--list-tags"]) == 0
    out = capsys.readouterr().out
    assert len(out.splitlines()) == len(catalogue())
    assert "E: aimodel-pickle-unsafe-global (aimodel/pickle)" in out


def test_clean_tree_has_no_tag_even_pedantic(tmp_path):
    assert tags(clean_tree(tmp_path), pedantic=True) == set()


def test_clean_pickle_free_non_free_package_with_disclaimer(tmp_path):
    data = safetensors()
    tree(tmp_path, {"models/m.safetensors": data},
         model_yaml(digest=sha(data), licence="CC-BY-NC-4.0"), section="non-free/science",
         copyright=COPYRIGHT.format(header=DISCLAIMER, licence="CC-BY-NC-4.0"))
    assert tags(tmp_path) == set()


def test_downloaded_model_in_contrib_is_clean(tmp_path):
    tree(tmp_path, {}, model_yaml(delivery="downloaded"), section="contrib/utils")
    assert "aimodel-runtime-download-in-main" not in tag_names(tmp_path)


def test_embedded_hf_alias_agrees(tmp_path):
    data = safetensors({"license": "Apache-2.0"})
    tree(tmp_path, {"models/m.safetensors": data}, model_yaml(digest=sha(data), licence="Apache-2.0"),
         copyright=COPYRIGHT.format(header="", licence="Apache-2.0"))
    assert tags(tmp_path) == set()


def test_exit_status_and_line_format(tmp_path, capsys):
    _sha_mismatch(tmp_path)
    assert main(["lint", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert out.startswith("E: demo source: aimodel-checksum-mismatch ")
    assert out.rstrip().endswith("[models/m.safetensors]")
    assert main(["lint", str(clean_tree(tmp_path / "c"))]) == 0


def test_json_format(tmp_path, capsys):
    import json

    _pickle_weights(tmp_path)
    assert main(["lint", "--format", "json", str(tmp_path)]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out == [{"package": "demo source", "tag": "aimodel-pickle-weights",
                    "severity": "warning", "check": "aimodel/pickle",
                    "context": "[models/m.pt]", "overridden": None}]


# -- Lintian overrides -------------------------------------------------------------

@pytest.mark.parametrize("line,silenced", [
    # The override syntax and Lintian's matching are tested in test_overrides.py;
    # here only that lint reads debian/source/lintian-overrides for "demo source".
    ("aimodel-checksum-mismatch", True),
    ("demo source: aimodel-checksum-mismatch * [models/*]", True),
    ("aimodel-checksum-mismatch [models/*]", False),  # context starts with the digest
])
def test_source_overrides(tmp_path, capsys, line, silenced):
    _sha_mismatch(tmp_path)
    (tmp_path / "debian/source/lintian-overrides").write_text(f"# justification\n{line}\n")
    status = main(["lint", str(tmp_path)])
    out = capsys.readouterr().out
    assert status == (0 if silenced else 1), out
    assert main(["lint", "--show-overrides", str(tmp_path)]) == status
    assert ("O: demo source: aimodel-checksum-mismatch" in capsys.readouterr().out) == silenced


def test_binary_override_file_in_source_tree(tmp_path):
    _non_free_in_main(tmp_path)
    (tmp_path / "debian/demo-data.lintian-overrides").write_text(
        "demo-data: aimodel-section-mismatch science -> non-free/science\n"
        "aimodel-non-free-model-in-main m\n"
        "aimodel-missing-ml-policy-disclaimer non-free [debian/*]\n")
    left = {(r.diagnostic.package, r.diagnostic.tag) for r in lint(tmp_path) if not r.override}
    assert left == {("demo source", "aimodel-section-mismatch")}


# -- .deb ---------------------------------------------------------------------------

def test_deb_with_readme_aimodel(tmp_path):
    good = safetensors({"license": "mit"})
    readme = ("Format-Version: 1\nPackage: demo-data\n\nModel: m\nDelivery: shipped\n"
              f"License: MIT\nFiles:\n {sha(good)}  usr/share/demo/m.safetensors\n"
              f" {'0' * 64}  usr/share/demo/bad.safetensors\n")
    d = deb(tmp_path / "d.deb", {
        "usr/share/demo/m.safetensors": good,
        "usr/share/demo/bad.safetensors": safetensors({"license": "gpl-3.0"}),
        "usr/share/demo/other.gguf": gguf(),
        "usr/share/doc/demo-data/README.aimodel": readme.encode(),
    })
    assert tags(d) == {
        ("aimodel-checksum-mismatch", f"{sha(safetensors({'license': 'gpl-3.0'}))} "
                                      "[usr/share/demo/bad.safetensors]"),
        ("aimodel-embedded-licence-mismatch", "gpl-3.0 != MIT [usr/share/demo/bad.safetensors]"),
        ("aimodel-undeclared-model-file", "[usr/share/demo/other.gguf]"),
    }


def test_deb_without_declaration_uses_copyright(tmp_path):
    cp = COPYRIGHT.format(header="", licence="MIT").replace("models/*", "models/m.safetensors")
    d = deb(tmp_path / "d.deb", {
        "usr/share/demo/m.safetensors": safetensors({"license": "cc-by-nc-4.0"}),
        "usr/share/demo/other.gguf": gguf(),
        "usr/share/doc/demo-data/copyright": cp.encode(),
    })
    found = tags(d)
    assert ("aimodel-embedded-licence-mismatch",
            "cc-by-nc-4.0 != MIT [usr/share/demo/m.safetensors]") in found
    # Nothing declares it: the survey's findings, and no error for what is only read.
    assert {t for t, _ in found} == {"aimodel-embedded-licence-mismatch", "aimodel-model-found",
                                     "aimodel-area-advice"}


@pytest.mark.parametrize("compression", ["xz", "gz", ""])
def test_deb_with_source_tree(tmp_path, compression):
    src = clean_tree(tmp_path / "src")
    data = (src / "models/m.safetensors").read_bytes()
    cp = (src / "debian/copyright").read_bytes()
    ok = deb(tmp_path / "ok.deb", {"usr/share/demo/m.safetensors": data,
                                   "usr/share/doc/demo-data/copyright": cp},
             compression=compression)
    assert tags(ok, source=src, pedantic=True) == set()
    bad = deb(tmp_path / "bad.deb", {"usr/share/demo/m.safetensors": data + b"x",
                                     "usr/share/demo/n.pt": torch_zip(),
                                     "usr/share/doc/demo-data/copyright": cp},
              section="non-free/science", compression=compression)
    assert tag_names(bad, source=src) == {
        "aimodel-checksum-mismatch", "aimodel-undeclared-model-file", "aimodel-pickle-weights",
        "aimodel-section-mismatch"}


def test_deb_binary_overrides(tmp_path):
    d = deb(tmp_path / "d.deb", {
        "usr/share/demo/n.pt": torch_zip(),
        "usr/share/lintian/overrides/demo-data": b"demo-data: aimodel-pickle-weights [usr/share/demo/*.pt]\n",
    })
    [r] = lint(d)
    assert r.diagnostic.tag == "aimodel-pickle-weights" and r.override


def test_changes_lints_every_deb(tmp_path, capsys):
    a = deb(tmp_path / "a.deb", {"usr/share/a/n.pt": torch_zip()}, package="a")
    b = deb(tmp_path / "b.deb", {"usr/share/b/x.pkl": evil_pickle(tmp_path / "PWNED")}, package="b")
    files = "".join(f" {sha(p.read_bytes())[:32]} {p.stat().st_size} misc optional {p.name}\n"
                    for p in (a, b))
    (tmp_path / "x.changes").write_text(
        "Format: 1.8\nSource: demo\nBinary: a b\nVersion: 1.0\nFiles:\n" + files)
    assert main(["lint", str(tmp_path / "x.changes")]) == 1
    out = capsys.readouterr().out
    assert "W: a: aimodel-pickle-weights [usr/share/a/n.pt]" in out
    assert "E: b: aimodel-pickle-unsafe-global os.system [usr/share/b/x.pkl]" in out
    assert not (tmp_path / "PWNED").exists()


def test_not_a_deb_is_an_error_not_a_traceback(tmp_path, capsys):
    (tmp_path / "x.deb").write_bytes(b"garbage")
    assert main(["lint", str(tmp_path / "x.deb")]) == 1
    assert "not a Debian binary package" in capsys.readouterr().err


def test_zstd_deb_through_dpkg_deb(tmp_path):
    import shutil
    import subprocess

    if shutil.which("dpkg-deb") is None:
        pytest.skip("dpkg-deb missing")
    pkg = tmp_path / "pkg"
    (pkg / "DEBIAN").mkdir(parents=True)
    (pkg / "DEBIAN/control").write_text(
        "Package: z\nVersion: 1.0\nArchitecture: all\nMaintainer: Z <z@example.org>\n"
        "Section: science\nDescription: z\n z\n")
    (pkg / "usr/share/z").mkdir(parents=True)
    (pkg / "usr/share/z/m.pt").write_bytes(torch_zip())
    proc = subprocess.run(["dpkg-deb", "-Zzstd", "--root-owner-group", "--build", str(pkg),
                           str(tmp_path / "z.deb")], capture_output=True)
    if proc.returncode:
        pytest.skip("dpkg-deb cannot write zstd here")
    assert tags(tmp_path / "z.deb") == {("aimodel-pickle-weights", "[usr/share/z/m.pt]")}


def _object_npy(payload: bytes) -> bytes:
    """A .npy of Python objects: its data is a pickle (here a hostile one)."""
    header = b"{'descr': '|O', 'fortran_order': False, 'shape': (1,), }"
    header += b" " * (63 - (10 + len(header)) % 64) + b"\n"
    return b"\x93NUMPY\x01\x00" + len(header).to_bytes(2, "little") + header + payload


@pytest.mark.parametrize("name, data", [
    ("m.pt", torch_zip(data_pkl=evil_pickle(Path("/nonexistent/PWNED")))),
    ("m.npy", _object_npy(evil_pickle(Path("/nonexistent/PWNED")))),
    ("m.pkl", evil_pickle(Path("/nonexistent/PWNED"))),
])
def test_deb_members_are_scanned_like_tree_files(tmp_path, name, data):
    """One pickle reader (formats.iter_pickles) for a file on disk and a .deb member."""
    tree(tmp_path / "src", {f"models/{name}": data})
    d = deb(tmp_path / "d.deb", {f"usr/share/demo/{name}": data})
    unsafe = {(t, c.split(" [")[0]) for t, c in tags(tmp_path / "src")
              if t == "aimodel-pickle-unsafe-global"}
    assert unsafe == {("aimodel-pickle-unsafe-global", "os.system")}
    assert {(t, c.split(" [")[0]) for t, c in tags(d)
            if t == "aimodel-pickle-unsafe-global"} == unsafe


# -- pickles in files that are no model ------------------------------------------------

def _non_model_pickles(marker: Path) -> dict[str, bytes]:
    """Pickles a Python package may ship beside its model: a cache, a dill
    session, a checkpoint under a neutral name, a ``.pkl`` led by a PROTO 1
    that no pickler writes (so no model) but the unpickler reads; and data
    that is no pickle."""
    evil = b"\x80\x02" + evil_pickle(marker)  # PROTO 2, then protocol 0 opcodes
    return {"cache.dat": evil, "session.dill": evil, "checkpoint.zip": torch_zip(data_pkl=evil),
            "proto1.pkl": b"\x80\x01" + evil_pickle(marker),
            "clean.dat": pickle.dumps({"a": [1.0]}, 4), "notes.dat": b"(1, 2)\n",
            "unknown.dat": b"\x80\x02cmymodel.svm\nSVC\n)R.",
            "unknown.dill": b"\x80\x02cmymodel.svm\nSVC\n)R."}


def _non_model_tags(prefix: str) -> set[tuple[str, str]]:
    """What lint says of them: unsafe globals, and nothing that makes them models.

    ``unknown.dat`` is a pickle by its first bytes only: walked tentatively, so
    an import that is merely unknown is not reported from it (a known way to
    run code is, as from cache.dat).
    """
    return {("aimodel-pickle-unsafe-global", f"os.system [{prefix}cache.dat]"),
            ("aimodel-pickle-unsafe-global", f"os.system [{prefix}session.dill]"),
            ("aimodel-pickle-unsafe-global", f"os.system [{prefix}checkpoint.zip]"),
            ("aimodel-pickle-unsafe-global", f"os.system [{prefix}proto1.pkl]"),
            ("aimodel-pickle-foreign-global", f"mymodel.svm.SVC [{prefix}unknown.dill]")}


def test_a_pickle_that_is_no_model_is_scanned_but_not_declared(tmp_path):
    from dh_aimodel.lint.inputs import source_target

    pickles = _non_model_pickles(tmp_path / "PWNED")
    src = clean_tree(tmp_path / "src")
    for name, data in pickles.items():
        (src / "lib/demo" / name).parent.mkdir(parents=True, exist_ok=True)
        (src / "lib/demo" / name).write_bytes(data)
    assert tags(src, pedantic=True) == _non_model_tags("lib/demo/")
    files = {f.path: f for f in source_target(src).state.files}
    assert {p for p, f in files.items() if f.is_model} == {"models/m.safetensors"}
    assert files["lib/demo/checkpoint.zip"].format == "pytorch-zip"
    assert "lib/demo/notes.dat" not in files  # no pickle: not read further than its head
    assert not (tmp_path / "PWNED").exists()


def test_a_deb_agrees_on_pickles_that_are_no_model(tmp_path):
    from dh_aimodel.lint.inputs import deb_target

    good = safetensors({"license": "mit"})
    readme = ("Format-Version: 1\nPackage: demo-data\n\nModel: m\nDelivery: shipped\n"
              f"License: MIT\nFiles:\n {sha(good)}  usr/share/demo/m.safetensors\n")
    prefix = "usr/lib/python3/dist-packages/demo/"
    d = deb(tmp_path / "d.deb", {
        "usr/share/demo/m.safetensors": good,
        "usr/share/doc/demo-data/README.aimodel": readme.encode(),
        **{prefix + name: data for name, data in _non_model_pickles(tmp_path / "PWNED").items()}})
    assert tags(d, pedantic=True) == _non_model_tags(prefix)  # no aimodel-undeclared-model-file
    files = {f.path: f for f in deb_target(d).state.files}
    assert {p for p, f in files.items() if f.is_model} == {"usr/share/demo/m.safetensors"}
    assert files[prefix + "checkpoint.zip"].format == "pytorch-zip"


def test_dh_aimodel_build_check_does_not_call_them_models(tmp_path):
    """dh_aimodel's undeclared-model check goes by formats.looks_like_model, as
    lint's does: scanning every pickle for lint must not widen it."""
    from dh_aimodel.core.buildcheck import plan
    from dh_aimodel.dh.command import scan
    from dh_aimodel.manifest.loader import load_text

    build = tmp_path / "debian/demo-data"
    good = safetensors({"license": "mit"})
    for rel, data in {"usr/share/demo/m.safetensors": good, **{
            f"usr/lib/python3/dist-packages/demo/{n}": d
            for n, d in _non_model_pickles(tmp_path / "PWNED").items()}}.items():
        (build / rel).parent.mkdir(parents=True, exist_ok=True)
        (build / rel).write_bytes(data)
    installed = scan(build)
    assert len(installed) == 9
    assert [f.path for f in installed if f.is_model] == ["usr/share/demo/m.safetensors"]
    declaration = load_text("format: 1\nmodels:\n" + textwrap.indent(model_yaml(digest=sha(good)), "  "))
    assert plan(declaration, "demo-data", "debian/demo-data", installed,
                {"models/m.safetensors": ()}).problems == ()


def test_deb_members_are_examined_while_streaming_and_not_kept(tmp_path):
    """Memory stays flat with many models: each member's head and tail are
    alive only while it is examined, not until the whole .deb is read."""
    import gc
    import weakref

    from dh_aimodel.packaging.debfile import read_deb

    d = deb(tmp_path / "d.deb", {f"usr/share/demo/m{i}.gguf": gguf() for i in range(3)})
    alive: list[weakref.ref] = []
    seen_alive: list[int] = []

    def examine(member):
        gc.collect()
        seen_alive.append(sum(r() is not None for r in alive))
        alive.append(weakref.ref(member.sparse))
        return member.path

    contents = read_deb(d, examine)
    assert contents.files == [f"usr/share/demo/m{i}.gguf" for i in range(3)]
    assert seen_alive == [0, 0, 0]
