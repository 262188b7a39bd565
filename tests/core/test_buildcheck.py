"""dh_aimodel's checks of a package build directory, and what it installs there.

The pure checks (:mod:`dh_aimodel.core.buildcheck`) get plain data; the last part
runs ``dh_aimodel`` in-process on example trees whose files were installed as
dh_install would, for the cases between unit and full build.
"""

from __future__ import annotations

import shutil
import textwrap

import pytest
from conftest import require_tools

from dh_aimodel.core import buildcheck
from dh_aimodel.core.buildcheck import InstalledFile
from dh_aimodel.core.classification import classify
from dh_aimodel.core.errors import Pos, Problem
from dh_aimodel.core.facts import BinaryPackage, PackagingFacts
from dh_aimodel.core.policies import get
from dh_aimodel.dh import command as dh
from dh_aimodel.manifest.loader import load_text
from dh_aimodel.packaging import provenance, substvars

SHA_A = "a" * 64
SHA_B = "b" * 64
FREE = """\
    training:
      data: [{name: iris, license: CC-BY-4.0, availability: public}]
      software: [{name: train.py, license: MIT, available: true}]
"""
FACTS = PackagingFacts("src", "science", (BinaryPackage("pkg", "science"),
                                          BinaryPackage("other", "science")))


def declaration(models: str, facts: PackagingFacts = FACTS):
    return load_text("format: 1\nmodels:\n" + textwrap.indent(textwrap.dedent(models), "  "),
                     facts=facts)


def model(name: str = "m", files: str = "[models/m.gguf]", package: str = "pkg",
          extra: str = "", training: str = FREE) -> str:
    return (f"- name: {name}\n  package: {package}\n  files: {files}\n  license: MIT\n"
            f"  copyright: me\n{textwrap.indent(extra, '  ')}"
            f"{textwrap.indent(textwrap.dedent(training), '  ')}")


def files(*paths: str, model_files: tuple[str, ...] = ()) -> list[InstalledFile]:
    return [InstalledFile(p, p in model_files or p.endswith(".gguf"),
                          "gguf" if p.endswith(".gguf") else None) for p in paths]


AT_5_13 = Pos("debian/aimodel.yaml", 5, 13)
INSTALL = "install it (debian/pkg.install)"


def plan(decl, installed, matches=None, package="pkg"):
    return buildcheck.plan(decl, package, f"debian/{package}", installed, matches or {})


# -- matching installed files to declarations -------------------------------------------

def test_declared_file_found_by_name_and_verified_against_the_source_file():
    decl = declaration(model())
    p = plan(decl, files("usr/share/pkg/m.gguf", "usr/share/doc/pkg/copyright"),
             {"models/m.gguf": ("models/m.gguf",)})
    assert p.problems == ()
    assert p.paths_to_hash() == (("installed", "usr/share/pkg/m.gguf"),
                                 ("source", "models/m.gguf"))
    verified, problems = buildcheck.verify(p, {"usr/share/pkg/m.gguf": SHA_A},
                                           {"models/m.gguf": SHA_A})
    assert problems == []
    assert verified == [buildcheck.VerifiedFile("m", "usr/share/pkg/m.gguf", SHA_A,
                                                "models/m.gguf")]


def test_declared_sha256_wins_over_the_source_file():
    decl = declaration(model(files=f"[{{path: models/m.gguf, sha256: {SHA_A}}}]"))
    p = plan(decl, files("usr/share/pkg/m.gguf"), {"models/m.gguf": ("models/m.gguf",)})
    assert p.paths_to_hash() == (("installed", "usr/share/pkg/m.gguf"),)
    verified, problems = buildcheck.verify(p, {"usr/share/pkg/m.gguf": SHA_B}, {})
    assert verified == []
    assert problems == [Problem(
        f"debian/pkg/usr/share/pkg/m.gguf has sha256 {SHA_B}, but models/m.gguf (model m) is "
        f"declared with {SHA_A}", AT_5_13, "pkg", "aimodel-checksum-mismatch",
        "install the declared file, or update its sha256 if the model was changed on purpose")]
    assert str(problems[0]) == (
        f"pkg: debian/aimodel.yaml:5:13: debian/pkg/usr/share/pkg/m.gguf has sha256 {SHA_B}, "
        f"but models/m.gguf (model m) is declared with {SHA_A}; install the declared file, or "
        "update its sha256 if the model was changed on purpose [aimodel-checksum-mismatch]")


def test_content_differs_from_the_source_file():
    decl = declaration(model())
    p = plan(decl, files("usr/share/pkg/m.gguf"), {"models/m.gguf": ("models/m.gguf",)})
    _, problems = buildcheck.verify(p, {"usr/share/pkg/m.gguf": SHA_B},
                                    {"models/m.gguf": SHA_A})
    assert problems == [Problem(
        f"debian/pkg/usr/share/pkg/m.gguf has sha256 {SHA_B}, which differs from the "
        f"declared source file models/m.gguf (sha256 {SHA_A}, model m)", AT_5_13, "pkg",
        "aimodel-checksum-mismatch",
        "install the declared file unchanged, or declare the installed one")]


def test_no_source_file_and_no_sha256():
    decl = declaration(model())
    p = plan(decl, files("usr/share/pkg/m.gguf"), {"models/m.gguf": ()})
    _, problems = buildcheck.verify(p, {"usr/share/pkg/m.gguf": SHA_B}, {})
    assert problems == [Problem(
        "debian/pkg/usr/share/pkg/m.gguf is declared by models/m.gguf (model m), but "
        "no file of that name is in the source tree to compare it with", AT_5_13, "pkg",
        "aimodel-checksum-not-declared", "add its sha256 there")]


def test_unreadable_installed_file():
    decl = declaration(model())
    p = plan(decl, files("usr/share/pkg/m.gguf"), {"models/m.gguf": ("models/m.gguf",)})
    error = PermissionError(13, "Permission denied", "x")
    _, problems = buildcheck.verify(p, {"usr/share/pkg/m.gguf": error},
                                    {"models/m.gguf": SHA_A})
    assert [str(p) for p in problems] == [
        "pkg: cannot read debian/pkg/usr/share/pkg/m.gguf: Permission denied; dh_aimodel must "
        "read every model file it checks"]


def test_declared_but_not_installed():
    decl = declaration(model())
    p = plan(decl, files("usr/share/doc/pkg/copyright"), {"models/m.gguf": ("models/m.gguf",)})
    assert p.problems == (Problem(
        "models/m.gguf (model m) is declared but not installed in debian/pkg/", AT_5_13, "pkg",
        "aimodel-declared-file-missing",
        f"{INSTALL}, set 'package:' to the package that ships it, or declare how the build "
        "carries it (delivery: embedded, compiled or generated with 'installed:', or "
        "source-only when no package installs it)"),)


def test_undeclared_model_file_is_an_error():
    decl = declaration(model())
    p = plan(decl, files("usr/share/pkg/m.gguf", "usr/share/pkg/extra.gguf",
                         "usr/share/pkg/readme.txt"), {"models/m.gguf": ("models/m.gguf",)})
    assert p.problems == (Problem(
        "debian/pkg/usr/share/pkg/extra.gguf is a model file (gguf) that debian/aimodel.yaml "
        "does not declare for pkg", None, "pkg", "aimodel-undeclared-model-file",
        "declare it in the files of a model with 'package: pkg' and 'delivery: shipped', or "
        "do not install it"),)


def test_model_file_of_unknown_format_by_extension_only():
    decl = declaration(model())
    p = plan(decl, [InstalledFile("usr/share/pkg/m.gguf", True, "gguf"),
                    InstalledFile("usr/share/pkg/w.safetensors", True, None)],
             {"models/m.gguf": ("models/m.gguf",)})
    assert [p.message for p in p.problems] == [
        "debian/pkg/usr/share/pkg/w.safetensors is a model file that debian/aimodel.yaml "
        "does not declare for pkg"]


def test_undeclared_hint_names_the_other_package():
    decl = declaration(model() + model("n", "[models/n.gguf]", package="other"))
    p = plan(decl, files("usr/share/pkg/m.gguf", "usr/share/pkg/n.gguf"),
             {"models/m.gguf": ("models/m.gguf",)})
    assert len(p.problems) == 1
    assert p.problems[0].message.endswith("(model n declares it, for package other)")


def test_undeclared_hint_names_a_downloaded_model():
    decl = declaration(model() + model("n", "[n.gguf]", extra="delivery: downloaded\n"))
    p = plan(decl, files("usr/share/pkg/m.gguf", "usr/share/pkg/n.gguf"),
             {"models/m.gguf": ("models/m.gguf",)})
    assert len(p.problems) == 1
    assert p.problems[0].message.endswith("(model n declares it with delivery: downloaded)")


def test_downloaded_models_need_not_be_installed():
    decl = declaration(model("n", "[n.gguf]", extra="delivery: downloaded\n"))
    assert plan(decl, files("usr/bin/tool")).problems == ()


def test_glob_on_the_name():
    decl = declaration(model(files="['models/*.gguf']"))
    sources = ("models/a.gguf", "models/b.gguf")
    p = plan(decl, files("usr/share/pkg/a.gguf", "usr/share/pkg/b.gguf"),
             {"models/*.gguf": sources})
    assert p.problems == ()
    verified, problems = buildcheck.verify(
        p, {"usr/share/pkg/a.gguf": SHA_A, "usr/share/pkg/b.gguf": SHA_B},
        {"models/a.gguf": SHA_A, "models/b.gguf": SHA_B})
    assert problems == []
    assert [(v.path, v.source) for v in verified] == [
        ("usr/share/pkg/a.gguf", "models/a.gguf"), ("usr/share/pkg/b.gguf", "models/b.gguf")]


def test_a_glob_is_scoped_to_the_models_own_files():
    """``model/en-us/*`` once claimed changelog.Debian.gz and copyright of the package."""
    decl = declaration(model(files="['model/en-us/*']"))
    sources = ("model/en-us/mdef", "model/en-us/means")
    installed = files("usr/share/pocketsphinx/model/en-us/mdef",
                      "usr/share/pocketsphinx/model/en-us/means",
                      "usr/share/doc/pkg/changelog.Debian.gz", "usr/share/doc/pkg/copyright",
                      "usr/share/doc/pkg/mdef", "usr/bin/pocketsphinx")
    p = plan(decl, installed, {"model/en-us/*": sources})
    assert p.problems == ()
    assert [e.installed for e in p.expected] == ["usr/share/pocketsphinx/model/en-us/mdef",
                                                 "usr/share/pocketsphinx/model/en-us/means"]


def test_glob_with_a_file_not_installed():
    decl = declaration(model(files="['models/*.gguf']"))
    p = plan(decl, files("usr/share/pkg/a.gguf"),
             {"models/*.gguf": ("models/a.gguf", "models/b.gguf")})
    assert p.problems == (Problem(
        "models/b.gguf (model m, matched by models/*.gguf) is not installed in debian/pkg/",
        AT_5_13, "pkg", "aimodel-declared-file-missing", f"{INSTALL}, or narrow the glob"),)


def test_glob_matching_nothing():
    decl = declaration(model(files="['models/*.gguf']"))
    assert plan(decl, files("usr/share/doc/pkg/copyright"), {"models/*.gguf": ()}).problems == (
        Problem("models/*.gguf (model m) matches no file in the source tree nor in debian/pkg/",
                AT_5_13, "pkg", "aimodel-declared-file-missing",
                "correct the path, or remove it from the declaration"),)


def test_same_file_name_in_two_models_is_resolved_by_content():
    decl = declaration(model("a", "[a/config.json]") + model("b", "[b/config.json]"))
    installed = files("usr/share/pkg/a/config.json", "usr/share/pkg/b/config.json")
    p = plan(decl, installed, {"a/config.json": ("a/config.json",),
                               "b/config.json": ("b/config.json",)})
    assert p.problems == ()
    verified, problems = buildcheck.verify(
        p, {"usr/share/pkg/a/config.json": SHA_A, "usr/share/pkg/b/config.json": SHA_B},
        {"a/config.json": SHA_A, "b/config.json": SHA_B})
    assert problems == []
    assert [(v.model, v.path) for v in verified] == [
        ("a", "usr/share/pkg/a/config.json"), ("b", "usr/share/pkg/b/config.json")]


def test_same_file_name_installed_once_for_two_models():
    decl = declaration(model("a", "[a/config.json]") + model("b", "[b/config.json]"))
    p = plan(decl, files("usr/share/pkg/config.json"),
             {"a/config.json": ("a/config.json",), "b/config.json": ("b/config.json",)})
    verified, problems = buildcheck.verify(p, {"usr/share/pkg/config.json": SHA_A},
                                           {"a/config.json": SHA_A, "b/config.json": SHA_B})
    assert [v.model for v in verified] == ["a"]
    assert problems == [Problem(
        "b/config.json (model b) is declared but not installed in debian/pkg/ (the installed "
        "files of that name belong to other models)", Pos("debian/aimodel.yaml", 13, 13), "pkg",
        "aimodel-declared-file-missing", INSTALL)]


def test_a_failed_build_names_a_tag_that_aimodel_lint_explains(capsys):
    """Each tag a build-time problem carries is in lint's catalogue: --explain works."""
    from dh_aimodel.cli import main

    decl = declaration(model(extra="distributable: false\n"))
    by_package, _ = verdicts(decl)
    problems = [*plan(decl, files("usr/share/pkg/x.gguf"), {"models/m.gguf": ()}).problems,
                *buildcheck.section_problems(by_package["pkg"])]
    tags = {p.tag for p in problems}
    assert tags == {"aimodel-declared-file-missing", "aimodel-undeclared-model-file",
                    "aimodel-model-not-redistributable"}
    for tag in sorted(tags):
        assert main(["lint", "--explain", tag]) == 0
        assert f"N:   {tag}" in capsys.readouterr().out


def test_copyright_paths_are_source_paths_with_globs_expanded():
    decl = declaration(model(files="['models/*.gguf', models/x.json]"))
    got = buildcheck.model_files_for_copyright(
        decl, "pkg", {"models/*.gguf": ("models/b.gguf", "models/a.gguf"), "models/x.json": ()})
    assert [(m.name, path) for m, path in got] == [
        ("m", "models/a.gguf"), ("m", "models/b.gguf"), ("m", "models/x.json")]


# -- Section against the classification ------------------------------------------------

def verdicts(decl, facts=FACTS):
    c = classify(decl, facts, get("ml-policy"))
    return {p.package: p for p in c.packages}, c


def test_section_mismatch_names_package_area_reasons_and_fix():
    by_package, _ = verdicts(declaration(model(training="")))
    assert buildcheck.section_problems(by_package["pkg"]) == [Problem(
        "Section is science in debian/control, but the package belongs in non-free/science "
        "(m is toxic-candy: no training dataset is declared; no training software is "
        "declared)", None, "pkg", "aimodel-section-mismatch", "set Section: non-free/science")]


def test_section_as_recommended():
    facts = PackagingFacts("src", "non-free/science",
                           (BinaryPackage("pkg", "non-free/science"),))
    by_package, c = verdicts(declaration(model(training=""), facts), facts)
    assert buildcheck.section_problems(by_package["pkg"]) == []
    assert buildcheck.source_section_problem(c.source, by_package.values()) == []


def test_free_model_in_non_free_section_is_a_mismatch_too():
    facts = PackagingFacts("src", "non-free/science",
                           (BinaryPackage("pkg", "non-free/science"),))
    by_package, _ = verdicts(declaration(model(), facts), facts)
    assert buildcheck.section_problems(by_package["pkg"])[0].fix == "set Section: science"


def test_runtime_download_is_contrib():
    facts = PackagingFacts("src", "utils", (BinaryPackage("pkg", "utils"),))
    by_package, _ = verdicts(declaration(model(files="[m.gguf]",
                                               extra="delivery: downloaded\n"), facts), facts)
    problem = buildcheck.section_problems(by_package["pkg"])[0]
    assert problem.message.startswith("Section is utils in debian/control, but the package "
                                      "belongs in contrib/utils (downloads model m at run time")


def test_undistributable_model_cannot_ship():
    by_package, _ = verdicts(declaration(model(extra="distributable: false\n")))
    assert buildcheck.section_problems(by_package["pkg"]) == [Problem(
        "ships m, which may not be redistributed at all (m is undistributable: the "
        "declaration says the weights may not be redistributed (distributable: false)); no "
        "archive area can carry it", None, "pkg", "aimodel-model-not-redistributable",
        "do not ship it, or correct the licence or 'distributable' in debian/aimodel.yaml")]


def test_source_section_reported_once_when_the_binary_inherits_it():
    facts = PackagingFacts("src", "science", (BinaryPackage("pkg", "science"),))
    by_package, c = verdicts(declaration(model(training=""), facts), facts)
    assert buildcheck.source_section_problem(c.source, by_package.values()) == []
    assert [str(p) for p in buildcheck.source_section_problem(c.source)] == [
        "source src: Section is science in the source paragraph of debian/control, but the "
        "source belongs in non-free/science (the area of its binary packages); set Section: "
        "non-free/science there "
        "[aimodel-section-mismatch]"]


# -- Lintian overrides, substvars ------------------------------------------------------

TEST_MAPPING = [{"tag": "some-blob-tag", "context": "[{path}]",
                 "comment": "Model weights are data."}]


def test_override_lines_from_a_mapping():
    assert dh.override_lines(TEST_MAPPING, "pkg", ["usr/share/pkg/b.gguf",
                                                   "usr/share/pkg/a.gguf"]) == [
        ("# Model weights are data.", "pkg: some-blob-tag [usr/share/pkg/a.gguf]"),
        ("# Model weights are data.", "pkg: some-blob-tag [usr/share/pkg/b.gguf]")]


def test_overrides_are_appended_to_dh_lintians_file_and_never_duplicated():
    existing = "# from the maintainer\npkg: other-tag\n"
    lines = dh.override_lines(TEST_MAPPING, "pkg", ["usr/share/pkg/a.gguf"])
    merged = dh.merge_overrides(existing, lines)
    assert merged == ("# from the maintainer\npkg: other-tag\n# Model weights are data.\n"
                      "pkg: some-blob-tag [usr/share/pkg/a.gguf]\n")
    assert dh.merge_overrides(merged, lines) == merged


def test_override_already_written_by_the_maintainer_is_not_repeated():
    existing = "pkg:  some-blob-tag   [usr/share/pkg/a.gguf]"
    lines = dh.override_lines(TEST_MAPPING, "pkg", ["usr/share/pkg/a.gguf"])
    assert dh.merge_overrides(existing, lines) == existing + "\n"


def test_overrides_into_an_empty_file():
    lines = dh.override_lines(TEST_MAPPING, "pkg", ["a.gguf"])
    assert dh.merge_overrides("", lines) == "# Model weights are data.\npkg: some-blob-tag [a.gguf]\n"


@pytest.mark.parametrize("lintian", ["2.116.3+deb12u1", "2.122.0", "2.143.0"])
def test_shipped_data_has_no_binary_overrides_for_any_lintian_checked(lintian):
    data = dh.load_overrides(lintian)
    assert data["binary"] == []
    assert [e["tag"] for e in data["source"]] == ["very-long-line-length-in-source-file"]


def test_shipped_data_records_the_lintian_releases_it_was_checked_against():
    from dh_aimodel.packaging.overrides import load_data

    assert [release for _, _, release in load_data()["checked"]] == ["bookworm", "trixie", "sid"]


def test_substvars_are_optional_and_keep_other_lines():
    existing = "misc:Depends=\nmisc:Pre-Depends=\n"
    merged = substvars.merge(existing, substvars.values("non-free", ["b", "a"]))
    assert merged == ("misc:Depends=\nmisc:Pre-Depends=\naimodel:Area?=non-free\n"
                      "aimodel:Models?=a, b\n")
    assert substvars.merge(merged, substvars.values("non-free", ["a", "b"])) == merged


# -- dh_aimodel on staged example trees ----------------------------------------------------

@pytest.fixture
def listpackages() -> None:
    require_tools("dh_listpackages")


EXAMPLE_RESULTS = {
    "free-model": ("iris-classifier-data", "main", "iris-classifier"),
    "toxic-candy": ("tiny-lm-data", "non-free", "tiny-lm"),
    "non-free-licence": ("tiny-sentiment-data", "non-free", "tiny-sentiment"),
    "runtime-download": ("tiny-tagger", "contrib", "tiny-tagger"),
}


@pytest.mark.parametrize("name", sorted(EXAMPLE_RESULTS))
def test_examples_pass_and_get_their_outputs(name, staged_example, listpackages, capsys):
    package, area, model_name = EXAMPLE_RESULTS[name]
    tree = staged_example(name)
    assert dh.main([]) == 0, capsys.readouterr().err
    readme = tree / f"debian/{package}/usr/share/doc/{package}/README.aimodel"
    from debian.deb822 import Deb822

    stanzas = list(Deb822.iter_paragraphs(readme.open(encoding="utf-8"), use_apt_pkg=False))
    assert stanzas[0]["Package"] == package and stanzas[0]["Area"] == area
    assert stanzas[1]["Model"] == model_name
    assert oct(readme.stat().st_mode & 0o777) == "0o644"
    assert f"aimodel:Area?={area}\n" in (tree / f"debian/{package}.substvars").read_text()


def test_second_run_changes_nothing(staged_example, listpackages):
    tree = staged_example("free-model")
    assert dh.main([]) == 0
    first = {p: p.read_bytes() for p in tree.rglob("*") if p.is_file()}
    assert dh.main([]) == 0
    assert {p: p.read_bytes() for p in tree.rglob("*") if p.is_file()} == first


def test_provenance_lists_files_with_their_sha256(staged_example, listpackages):
    tree = staged_example("free-model")
    assert dh.main([]) == 0
    text = (tree / "debian/iris-classifier-data/usr/share/doc/iris-classifier-data/"
            "README.aimodel").read_text()
    assert ("Files:\n 51cc680a1ab14233f2344baba2f4e677a17513b55ee2780fd084a3b55daa67e1  "
            "usr/share/iris-classifier/iris-classifier.safetensors\n") in text
    assert "Class: free\n" in text and "Training-Data:\n Iris; availability: public" in text


def test_all_problems_of_a_run_are_reported_together(staged_example, listpackages, capsys):
    tree = staged_example("toxic-candy")
    control = tree / "debian/control"
    control.write_text(control.read_text().replace("Section: non-free/science",
                                                   "Section: science"))
    build_dir = tree / "debian/tiny-lm-data/usr/share/tiny-lm"
    (build_dir / "tiny-lm.gguf").write_bytes(b"GGUF\x03" + bytes(60))
    shutil.copy(build_dir / "tiny-lm.gguf", build_dir / "extra.gguf")
    before = {p: p.read_bytes() for p in tree.rglob("*") if p.is_file()}
    assert dh.main([]) == 1
    errors = capsys.readouterr().err.splitlines()
    assert [e.rsplit(" [", 1)[1] for e in errors] == [
        "aimodel-section-mismatch]", "aimodel-undeclared-model-file]",
        "aimodel-checksum-mismatch]"]
    assert "debian/tiny-lm-data/usr/share/tiny-lm/extra.gguf is a model file" in errors[1]
    assert all(e.startswith("dh_aimodel: error: tiny-lm-data: ") for e in errors)
    assert {p: p.read_bytes() for p in tree.rglob("*") if p.is_file()} == before


def test_missing_disclaimer_outside_main(staged_example, listpackages, capsys):
    tree = staged_example("toxic-candy")
    path = tree / "debian/copyright"
    text = path.read_text()
    start = text.index("Disclaimer:")
    end = text.index("Comment:")
    path.write_text(text[:start] + text[end:])
    assert dh.main([]) == 1
    err = capsys.readouterr().err
    assert err.startswith("dh_aimodel: error: tiny-lm-data: debian/copyright does not say why "
                          "the package is in non-free and not in main; add a header field "
                          "\"Disclaimer:\"")


def test_undistributable_is_refused(staged_example, listpackages, capsys):
    tree = staged_example("free-model")
    decl = tree / "debian/aimodel.yaml"
    decl.write_text(decl.read_text().replace("    license: MIT\n    copyright:",
                                             "    license: MIT\n    distributable: false\n"
                                             "    copyright:"))
    assert dh.main([]) == 1
    assert "may not be redistributed at all" in capsys.readouterr().err


def test_declaration_errors_point_at_the_line(staged_example, listpackages, capsys):
    tree = staged_example("free-model")
    decl = tree / "debian/aimodel.yaml"
    decl.write_text(decl.read_text().replace("    task:", "    tusk:"))
    assert dh.main([]) == 1
    assert capsys.readouterr().err.startswith(
        "dh_aimodel: error: debian/aimodel.yaml:13:5: models[0]: unknown key 'tusk'; did you "
        "mean 'task'?")


def test_tmpdir_option_uses_that_build_directory(staged_example, listpackages):
    tree = staged_example("toxic-candy")
    (tree / "debian/tiny-lm-data").rename(tree / "debian/elsewhere")
    assert dh.main(["-Pdebian/elsewhere"]) == 0
    assert (tree / "debian/elsewhere/usr/share/doc/tiny-lm-data/README.aimodel").is_file()


def test_link_doc_is_refused(staged_example, listpackages, capsys):
    tree = staged_example("toxic-candy")
    doc = tree / "debian/tiny-lm-data/usr/share/doc"
    doc.mkdir(parents=True)
    (doc / "tiny-lm-data").symlink_to("other-package")
    assert dh.main([]) == 1
    assert "--link-doc" in capsys.readouterr().err


def test_existing_overrides_file_is_kept(staged_example, listpackages):
    tree = staged_example("toxic-candy")
    overrides = tree / "debian/tiny-lm-data/usr/share/lintian/overrides/tiny-lm-data"
    overrides.parent.mkdir(parents=True)
    overrides.write_text("tiny-lm-data: some-tag\n")
    assert dh.main([]) == 0
    assert overrides.read_text() == "tiny-lm-data: some-tag\n"  # nothing to add today


def test_glob_expansion_skips_package_build_directories(staged_example, listpackages):
    tree = staged_example("toxic-candy")
    decl = tree / "debian/aimodel.yaml"
    text = decl.read_text()
    start = text.index("      - path: models/tiny-lm.gguf")
    end = text.index("    format: gguf")
    decl.write_text(text[:start] + "      - '**/*.gguf'\n" + text[end:])
    from dh_aimodel.manifest.loader import load_text as load

    matches = dh.source_matches(load(decl.read_text()), {"tiny-lm-data"})
    assert matches == {"**/*.gguf": ("models/tiny-lm.gguf",)}
    assert dh.main([]) == 0


def test_overrides_from_the_data_are_appended_after_dh_lintian(staged_example, listpackages,
                                                               monkeypatch):
    """The install path, with a test mapping standing in for the (empty) binary data."""
    tree = staged_example("toxic-candy")
    overrides = tree / "debian/tiny-lm-data/usr/share/lintian/overrides/tiny-lm-data"
    overrides.parent.mkdir(parents=True)
    overrides.write_text("# from debian/tiny-lm-data.lintian-overrides\ntiny-lm-data: x-tag\n")
    monkeypatch.setattr(dh, "load_overrides", lambda *_: {"binary": TEST_MAPPING, "source": []})
    assert dh.main([]) == 0
    expected = ("# from debian/tiny-lm-data.lintian-overrides\ntiny-lm-data: x-tag\n"
                "# Model weights are data.\n"
                "tiny-lm-data: some-blob-tag [usr/share/tiny-lm/tiny-lm.gguf]\n")
    assert overrides.read_text() == expected
    assert dh.main([]) == 0
    assert overrides.read_text() == expected
    assert oct(overrides.stat().st_mode & 0o777) == "0o644"


def test_free_text_becomes_deb822_continuation_lines():
    assert provenance._split("First paragraph, with examples/make-models.py in it.\n\nSecond.",
                     width=30) == ["First paragraph, with", "examples/make-models.py in it.",
                                   ".", "Second."]
    assert provenance._split(None) == []


def test_downloaded_model_lists_what_the_downloader_fetches(staged_example, listpackages):
    tree = staged_example("runtime-download")
    assert dh.main([]) == 0
    text = (tree / "debian/tiny-tagger/usr/share/doc/tiny-tagger/README.aimodel").read_text()
    assert ("Delivery: downloaded at run time\n" in text and
            "\nFiles:\n 201ade36210131843ea4de7cdd640808bf827c813eaf302b20c4d4fc7ae12b24  "
            "tiny-tagger.safetensors  <https://models.example.org/tiny-tagger/1.0/"
            "tiny-tagger.safetensors>\n" in text)
