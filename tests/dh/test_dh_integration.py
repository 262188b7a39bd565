"""The examples built for real: dpkg-buildpackage running dh with the in-tree
addon and dh_aimodel, then dpkg-deb and lintian on the results.

Each example is built once per session (conftest ``built_examples``) and each
.deb is given to lintian once; broken variants are built in parallel.  About
a minute on two cores.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import tarfile
from pathlib import Path

import pytest
from conftest import EXAMPLE_NAMES, Build, build_all, copy_example, lintian_tags, require_tools

pytestmark = pytest.mark.integration

#: example → (binary package, archive area, recommended Section, models).
EXPECTED = {
    "free-model": ("iris-classifier-data", "main", "science", "iris-classifier"),
    "toxic-candy": ("tiny-lm-data", "non-free", "non-free/science", "tiny-lm"),
    "non-free-licence": ("tiny-sentiment-data", "non-free", "non-free/science",
                         "tiny-sentiment"),
    "runtime-download": ("tiny-tagger", "contrib", "contrib/utils", "tiny-tagger"),
}

#: Tags Lintian could give opaque weight files, or our overrides if they were wrong.
BLOB_TAGS = {
    "arch-independent-package-contains-binary-or-object",
    "source-contains-prebuilt-binary",
    "source-is-missing",
    "very-long-line-length-in-source-file",
    "binary-in-etc",
    "unused-override",
    "mismatched-override",
    "malformed-override",
    "alien-tag",
    "unknown-field",
}


def deb_field(deb: Path, field: str) -> str:
    return subprocess.run(["dpkg-deb", "--field", str(deb), field], capture_output=True,
                          text=True, check=True).stdout.strip()


def deb_files(deb: Path) -> dict[str, bytes]:
    """Regular files of a .deb's data, by path, read with dpkg-deb --fsys-tarfile."""
    data = subprocess.run(["dpkg-deb", "--fsys-tarfile", str(deb)], capture_output=True,
                          check=True).stdout
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        return {m.name.removeprefix("./"): tar.extractfile(m).read()  # type: ignore[union-attr]
                for m in tar.getmembers() if m.isfile()}


def built(builds: dict[str, Build], name: str) -> Build:
    b = builds[name]
    assert b.returncode == 0, b.output[-3000:]
    return b


# -- the examples ---------------------------------------------------------------------

@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_example_builds_with_provenance_and_recommended_section(name, built_examples):
    package, area, section, model = EXPECTED[name]
    b = built(built_examples, name)
    assert b.errors() == []
    assert "   dh_aimodel" in b.output.splitlines()  # dh ran it, before dh_installdeb
    deb = b.debs[package]
    assert deb_field(deb, "Section") == section
    contents = subprocess.run(["dpkg-deb", "--contents", str(deb)], capture_output=True,
                              text=True, check=True).stdout
    readme = f"usr/share/doc/{package}/README.aimodel"
    assert f"./{readme}\n" in contents or f"./{readme}.gz\n" in contents
    files = deb_files(deb)
    import gzip

    text = (files[readme] if readme in files else gzip.decompress(files[readme + ".gz"])).decode()
    from debian.deb822 import Deb822

    stanzas = list(Deb822.iter_paragraphs(text.splitlines(keepends=True), use_apt_pkg=False))
    assert stanzas[0]["Package"] == package
    assert (stanzas[0]["Area"], stanzas[0]["Section"]) == (area, section)
    assert [s["Model"] for s in stanzas[1:]] == [model]
    control = subprocess.run(["dpkg-deb", "--field", str(deb)], capture_output=True,
                             text=True, check=True).stdout
    names = [line.split(":")[0].lower() for line in control.splitlines()
             if line and not line.startswith(" ")]
    assert not [n for n in names if "ai" in n.replace("maintainer", "")]  # no custom fields
    substvars = (b.tree / "debian" / f"{package}.substvars").read_text()
    assert f"aimodel:Area?={area}\n" in substvars
    assert f"aimodel:Models?={model}\n" in substvars


def test_shipped_model_files_are_listed_with_their_sha256(built_examples):
    b = built(built_examples, "toxic-candy")
    files = deb_files(b.debs["tiny-lm-data"])
    readme = files["usr/share/doc/tiny-lm-data/README.aimodel"].decode()
    import hashlib

    digest = hashlib.sha256(files["usr/share/tiny-lm/tiny-lm.gguf"]).hexdigest()
    assert f"\n {digest}  usr/share/tiny-lm/tiny-lm.gguf\n" in readme


@pytest.fixture(scope="session")
def lintian_results(built_examples) -> dict[str, list[tuple[str, str, str]]]:
    require_tools("lintian")
    results = {}
    for name in EXAMPLE_NAMES:
        b = built_examples[name]
        if b.returncode == 0:
            deb = b.debs[EXPECTED[name][0]]
            results[name] = lintian_tags(deb)
    return results


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_lintian_has_nothing_to_say_about_model_files(name, built_examples, lintian_results):
    built(built_examples, name)
    tags = lintian_results[name]
    assert [t for t in tags if t[1] in BLOB_TAGS] == []


# -- broken variants ------------------------------------------------------------------

def _section(tree: Path) -> None:
    control = tree / "debian/control"
    control.write_text(control.read_text().replace("Section: non-free/science",
                                                   "Section: science"))


def _undeclared(tree: Path) -> None:
    (tree / "models/extra.gguf").write_bytes(b"GGUF\x03\x00\x00\x00" + bytes(56))
    install = tree / "debian/iris-classifier-data.install"
    install.write_text(install.read_text() + "models/extra.gguf usr/share/iris-classifier/\n")


def _checksum(tree: Path) -> None:
    model = tree / "models/iris-classifier.safetensors"
    data = bytearray(model.read_bytes())
    data[-1] ^= 0x01
    model.write_bytes(bytes(data))


def _no_copyright_stanza(tree: Path) -> None:
    path = tree / "debian/copyright"
    text = path.read_text()
    start = text.index("Files: models/tiny-lm.gguf")
    path.write_text(text[:start] + text[text.index("\n\n", start) + 2:])


#: variant → (example, change, the one error line, as a prefix, and a fix it must give).
VARIANTS = {
    "section": ("toxic-candy", _section,
                "dh_aimodel: error: tiny-lm-data: Section is science in debian/control, but "
                "the package belongs in non-free/science (tiny-lm is toxic-candy: ",
                "; set Section: non-free/science [aimodel-section-mismatch]"),
    "undeclared-model": ("free-model", _undeclared,
                         "dh_aimodel: error: iris-classifier-data: debian/iris-classifier-data/"
                         "usr/share/iris-classifier/extra.gguf is a model file (gguf) that "
                         "debian/aimodel.yaml does not declare for iris-classifier-data; ",
                         "declare it in the files of a model with 'package: "
                         "iris-classifier-data' and 'delivery: shipped', or do not install it "
                         "[aimodel-undeclared-model-file]"),
    "checksum": ("free-model", _checksum,
                 "dh_aimodel: error: iris-classifier-data: debian/aimodel.yaml:",
                 ": debian/iris-classifier-data/usr/share/iris-classifier/iris-classifier."
                 "safetensors has sha256 "),
    "copyright": ("toxic-candy", _no_copyright_stanza,
                  "dh_aimodel: error: tiny-lm-data: debian/copyright: models/tiny-lm.gguf "
                  "(model tiny-lm) is covered by the stanza \"Files: *\", whose Copyright "
                  "does not name 2026 Tiny LM Project; ",
                  "add a stanza \"Files: models/tiny-lm.gguf\" with \"Copyright: 2026 Tiny LM "
                  "Project\" and \"License: Apache-2.0\""),
}


@pytest.fixture(scope="session")
def broken_builds(tmp_path_factory, dh_env, built_examples) -> dict[str, Build]:
    root = tmp_path_factory.mktemp("broken")
    trees = {}
    for variant, (example, change, _, _) in VARIANTS.items():
        tree = copy_example(example, root / variant)
        change(tree)
        trees[variant] = tree
    return dict(zip(trees, build_all(trees.values(), dh_env)))


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_broken_variant_fails_with_one_clear_message(variant, broken_builds):
    _, _, prefix, fix = VARIANTS[variant]
    b = broken_builds[variant]
    assert b.returncode != 0
    assert len(b.errors()) == 1, b.errors()
    assert b.errors()[0].startswith(prefix)
    assert fix in b.errors()[0]
    assert not b.debs


# -- reproducibility ----------------------------------------------------------------------

def test_two_builds_are_identical(tmp_path, dh_env, built_examples):
    """Same source, another directory, same SOURCE_DATE_EPOCH: the same bytes."""
    env = dict(dh_env, SOURCE_DATE_EPOCH="1768478400")
    trees = [copy_example("toxic-candy", tmp_path / d) for d in ("one", "second-place")]
    first, second = build_all(trees, env)
    assert first.returncode == 0 and second.returncode == 0, second.output[-2000:]
    for relative in ("debian/tiny-lm-data/usr/share/doc/tiny-lm-data/README.aimodel",
                     "debian/tiny-lm-data.substvars"):
        assert (first.tree / relative).read_bytes() == (second.tree / relative).read_bytes()
    data = [subprocess.run(["dpkg-deb", "--fsys-tarfile", str(b.debs["tiny-lm-data"])],
                           capture_output=True, check=True).stdout for b in (first, second)]
    assert data[0] == data[1]


# -- the addon, as dh sees it ---------------------------------------------------------------

def test_dh_skips_dh_aimodel_without_a_declaration(tmp_path, dh_env, built_examples):
    """The PROMISE line of bin/dh_aimodel lets dh leave it out entirely."""
    tree = copy_example("toxic-candy", tmp_path)
    (tree / "debian/aimodel.yaml").unlink()
    (b,) = build_all([tree], dh_env)
    assert b.returncode == 0, b.output[-2000:]
    assert "   dh_aimodel" not in b.output.splitlines()
    assert "usr/share/doc/tiny-lm-data/README.aimodel" not in deb_files(b.debs["tiny-lm-data"])


def test_addon_runs_on_the_final_tree_before_dh_installdeb(tmp_path, dh_env):
    require_tools("dh")
    tree = copy_example("toxic-candy", tmp_path)
    (tree / "debian/tiny-lm-data.lintian-overrides").write_text("tiny-lm-data: some-tag\n")
    listing = subprocess.run(["dh", "binary", "--no-act"], cwd=tree, env=dh_env,
                             capture_output=True, text=True, check=True).stdout.split()
    assert listing[listing.index("dh_aimodel") + 1] == "dh_installdeb"
    assert listing.index("dh_lintian") < listing.index("dh_compress") < listing.index(
        "dh_aimodel")


def test_verbose_build_shows_what_dh_aimodel_does(tmp_path, dh_env, built_examples):
    env = dict(dh_env, DH_VERBOSE="1")
    tree = copy_example("free-model", tmp_path)
    (b,) = build_all([tree], env)
    assert b.returncode == 0
    assert ("\tdh_aimodel: write debian/iris-classifier-data/usr/share/doc/"
            "iris-classifier-data/README.aimodel") in b.output.splitlines()


def test_missing_tools_fail_under_ci(monkeypatch):
    """The skip helper refuses to skip when CI=true."""
    monkeypatch.setenv("CI", "true")
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(pytest.fail.Exception):
        require_tools("dpkg-buildpackage")
    monkeypatch.delenv("CI")
    with pytest.raises(pytest.skip.Exception):
        require_tools("dpkg-buildpackage")


def test_built_dh_aimodel_package_installs_the_addon_and_commands(tmp_path, built_examples):
    """dh-aimodel's own debian/ builds (in a copy) into the package it promises."""
    require_tools("dpkg-buildpackage")
    from conftest import REPO, require_build_deps

    tree = tmp_path / "dh-aimodel"
    ignore = shutil.ignore_patterns(".git", "__pycache__", "*.egg-info", ".pytest_cache",
                                    ".mypy_cache", ".hypothesis", "build", "results.json")
    shutil.copytree(REPO, tree, ignore=ignore, symlinks=True)
    for page in ("aimodel.1", "aimodel.yaml.5"):  # written by others; may not exist yet
        if not (tree / "man" / page).exists():
            (tree / "man" / page).write_text(f'.TH X 1\n.SH NAME\n{page} \\- placeholder\n')
    require_build_deps(tree)  # debhelper, dh-python, python3-all, python3-setuptools
    env = {k: v for k, v in os.environ.items() if not k.startswith("DH_")}
    # Debian's python3 first, as on a buildd: pybuild runs "python3.X" from
    # PATH, and a developer's pyenv or venv one lacks Debian's build modules.
    env["PATH"] = os.pathsep.join(["/usr/bin", "/bin", env.get("PATH", "")])
    proc = subprocess.run(["dpkg-buildpackage", "-us", "-uc", "-b"], cwd=tree, env=env,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    assert proc.returncode == 0, proc.stdout[-3000:]
    (deb,) = tmp_path.glob("dh-aimodel_*_all.deb")
    assert "dh-sequence-aimodel" in deb_field(deb, "Provides")
    files = deb_files(deb)
    assert files["usr/share/perl5/Debian/Debhelper/Sequence/aimodel.pm"] == (
        REPO / "debhelper/aimodel.pm").read_bytes()
    wrapper = files["usr/bin/dh_aimodel"].decode()
    assert wrapper.startswith("#! /usr/bin/python3") or wrapper.startswith("#!/usr/bin/python3")
    assert "# PROMISE: DH NOOP WITHOUT pkgfile(aimodel.yaml) cli-options()" in wrapper
    assert "usr/bin/aimodel" in files
    assert any(p.endswith("dh_aimodel/templates/README.aimodel.j2") for p in files)
    assert any(p.endswith("dh_aimodel/data/lintian-overrides.yaml") for p in files)
    assert "usr/share/man/man1/dh_aimodel.1.gz" in files
    # Built through pybuild-plugin-pyproject: a wheel's dist-info, no legacy egg-info.
    assert any(".dist-info/" in p for p in files)
    assert not any(".egg-info" in p for p in files)
    require_tools("lintian")
    tags = lintian_tags(deb)
    assert [t for t in tags if t[0] in ("E", "W")] == []
