"""Delivery kinds, recorded judgements and software without a licence, unit by unit.

The loader's rules for ``installed:``, ``reviewed:`` and an unpublished
program's licence; what dh_aimodel checks for an embedded, compiled,
generated or source-only model; and how a source-only model decides the
source package's area (rule ``area/source-only-model``).  The real builds of
each kind are in tests/dh/test_dh_delivery.py.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from dh_aimodel.core import buildcheck
from dh_aimodel.core.buildcheck import InstalledFile
from dh_aimodel.core.classification import classify
from dh_aimodel.core.errors import AimodelError, Problem
from dh_aimodel.core.facts import BinaryPackage, PackagingFacts
from dh_aimodel.core.policies import get
from dh_aimodel.manifest.loader import load_text
from dh_aimodel.tree.contains import contains

SHA_A = "a" * 64
SHA_B = "b" * 64
FACTS = PackagingFacts("src", "games", (BinaryPackage("engine", "games"),
                                        BinaryPackage("engine-data", "games")))
FREE = ("  training:\n    data: [{name: games, license: MIT, availability: generated}]\n"
        "    software: [{name: trainer, license: MIT, available: true}]\n")
TOXIC = ("  training:\n    data: [{name: LDC, license: proprietary, availability: on-request}]\n"
         "    software: [{name: trainer, license: MIT, available: true}]\n")


def load(models: str, facts: PackagingFacts = FACTS):
    return load_text("format: 1\nmodels:\n" + models, facts=facts)


def problems(models: str) -> list[str]:
    with pytest.raises(AimodelError) as exc:
        load(models)
    return [str(p) for p in exc.value.problems]


def model(name: str = "net", delivery: str = "embedded", extra: str = "",
          files: str = "[src/net.nnue]", training: str = FREE,
          package: str | None = "engine") -> str:
    return (f"- name: {name}\n" + (f"  package: {package}\n" if package else "")
            + f"  delivery: {delivery}\n  files: {files}\n  license: MIT\n  copyright: me\n"
            + extra + training)


# -- the declaration ----------------------------------------------------------

@pytest.mark.parametrize("delivery", ["embedded", "compiled", "generated"])
def test_a_carried_model_needs_installed(delivery):
    assert problems(model(delivery=delivery)) == [
        f"debian/aimodel.yaml:3:3: models[0] (net): missing key 'installed', needed for "
        f"delivery: {delivery}; accepted: the paths or globs below the package root of the "
        "installed files that carry the model"]
    decl = load(model(delivery=delivery, extra="  installed: [/usr/games/engine]\n"))
    assert decl.models[0].installed == ("usr/games/engine",)


@pytest.mark.parametrize("delivery", ["shipped", "source-only", "downloaded"])
def test_installed_belongs_to_carried_models_only(delivery):
    found = problems(model(delivery=delivery, extra="  installed: [usr/games/engine]\n"))
    assert found == [
        f"debian/aimodel.yaml:9:14: models[0] (net).installed: only a model that is embedded, "
        f"compiled or generated names installed files, but delivery is {delivery}; accepted: "
        "delivery: embedded, compiled or generated, or no 'installed'"]


def test_installed_path_may_not_leave_the_package():
    assert problems(model(extra="  installed: [usr/../../etc/passwd]\n")) == [
        "debian/aimodel.yaml:9:15: models[0] (net).installed[0]: 'usr/../../etc/passwd' is "
        "not a file of the package; accepted: a path or glob below the package root, such as "
        "usr/games/stockfish"]


def test_source_only_needs_no_package_even_with_several_binaries():
    decl = load(model(delivery="source-only", package=None))
    assert decl.models[0].package is None
    assert decl.models[0].in_source and not decl.models[0].in_package


def test_unpublished_software_may_leave_its_licence_out():
    training = "  training:\n    software: [{name: trainer, available: false}]\n"
    decl = load(model(delivery="source-only", training=training))
    assert decl.models[0].training.software[0].license == "unknown"
    published = "  training:\n    software: [{name: trainer, available: true}]\n"
    assert problems(model(delivery="source-only", training=published)) == [
        "debian/aimodel.yaml:10:16: models[0] (net).training.software[0]: missing required "
        "key 'license'; accepted: the SPDX expression of the program's licence (only a "
        "program that is not available, available: false, may leave it out)"]


REVIEWED = ("  reviewed:\n"
            "    - fact: {fact}\n      by: {by}\n      date: '{date}'\n"
            "      why: read in the paper, section 4\n")


def test_a_recorded_judgement_is_shown_in_the_reasons_of_every_policy():
    text = model(delivery="source-only", extra=REVIEWED.format(
        fact="games", by="Jane Doe <jane@debian.org>", date="2026-12-01"))
    decl = load(text)
    (judgement,) = decl.models[0].reviewed
    assert (judgement.fact, judgement.by, judgement.date) == ("games", "Jane Doe <jane@debian.org>",
                                                              "2026-12-01")
    for policy in ("ml-policy", "osaid-1.0"):
        verdicts = [v for p in classify(decl, FACTS, get(policy)).packages for v in p.models]
        reviewed = [r for r in verdicts[0].reasons if r.rule == "reviewed"]
        assert [(r.severity, r.basis, r.text) for r in reviewed] == [
            ("info", "maintainer", "games: reviewed by Jane Doe <jane@debian.org> on "
                                   "2026-12-01: read in the paper, section 4")]


@pytest.mark.parametrize("fact, by, date, message", [
    ("licence", "Jane Doe <jane@debian.org>", "2026-12-01",
     "10:13: models[0] (net).reviewed[0].fact: 'licence' is not a fact of this model; "
     "accepted: license, copyright, training.data, training.software, distributable, games, "
     "trainer"),
    ("license", "Jane", "2026-12-01",
     "11:11: models[0] (net).reviewed[0].by: 'Jane' names nobody to ask; accepted: a name "
     "and an e-mail address, 'Jane Doe <jane@debian.org>'"),
    ("license", "Jane Doe <jane@debian.org>", "1 Dec 2026",
     "12:13: models[0] (net).reviewed[0].date: '1 Dec 2026' is not a date; accepted: "
     "YYYY-MM-DD"),
])
def test_a_judgement_names_a_fact_a_person_and_a_date(fact, by, date, message):
    found = problems(model(delivery="source-only",
                           extra=REVIEWED.format(fact=fact, by=by, date=date)))
    assert found == [f"debian/aimodel.yaml:{message}"]


# -- what dh_aimodel checks ---------------------------------------------------------

def plan(decl, installed, matches, pinned=None):
    return buildcheck.plan(decl, "engine", "debian/engine",
                           [InstalledFile(p, False, fmt) for p, fmt in installed], matches,
                           pinned or {})


def test_embedded_model_is_found_in_its_host_or_reported():
    decl = load(model(extra="  installed: [usr/games/engine]\n"))
    p = plan(decl, [("usr/games/engine", None)], {"src/net.nnue": ("src/net.nnue",)})
    assert p.problems == ()
    assert p.embeddings() == (("usr/games/engine", "src/net.nnue"),)
    assert buildcheck.embedding_problems(p, {("usr/games/engine", "src/net.nnue"): True}) == []
    (missing,) = buildcheck.embedding_problems(p, {})
    assert missing.tag == "aimodel-checksum-mismatch"
    assert missing.message == ("src/net.nnue (model net, delivery: embedded) is not found byte "
                               "for byte in debian/engine/usr/games/engine")
    assert "declare delivery: generated" in missing.fix


def test_compiled_model_checks_its_source_and_its_carrier():
    decl = load(model(delivery="compiled", files="[dnn/*_data.c]",
                      extra="  installed: ['usr/lib/*/libengine.so.*']\n"))
    p = plan(decl, [], {})
    assert [(x.tag, x.message) for x in p.problems] == [
        ("aimodel-declared-file-missing", "dnn/*_data.c (model net, delivery: compiled) is "
                                          "not in the source tree"),
        ("aimodel-declared-file-missing", "usr/lib/*/libengine.so.* (model net, delivery: "
                                          "compiled) is not installed in debian/engine/")]
    p = plan(decl, [("usr/lib/x86_64-linux-gnu/libengine.so.0.1", None)],
             {"dnn/*_data.c": ("dnn/a_data.c", "dnn/b_data.c")})
    assert p.problems == () and p.embeddings() == ()
    assert [c.installed for c in p.carriers] == ["usr/lib/x86_64-linux-gnu/libengine.so.0.1"]


def test_generated_model_is_checked_by_format():
    decl = load(model(delivery="generated", files="[nets/eval.weights]",
                      extra="  format: gnubg-weights\n  installed: [usr/share/engine/eval.wd]\n"))
    matches = {"nets/eval.weights": ("nets/eval.weights",)}
    assert plan(decl, [("usr/share/engine/eval.wd", "gnubg-weights")], matches).problems == ()
    (wrong,) = plan(decl, [("usr/share/engine/eval.wd", "onnx")], matches).problems
    assert wrong.message == ("debian/engine/usr/share/engine/eval.wd (generated from model "
                             "net) is onnx, but the declaration says format: gnubg-weights")


def test_pinned_source_files_are_verified():
    decl = load(model(delivery="source-only", files="[tests/*.bin]"))
    matches = {"tests/*.bin": ("tests/a.bin", "tests/b.bin")}
    checks, found = buildcheck.source_only_checks(decl, "source src", matches,
                                                  {"tests/a.bin": SHA_A})
    assert found == []
    assert buildcheck.source_check_problems(checks, {"tests/a.bin": SHA_A}, "source src") == []
    (bad,) = buildcheck.source_check_problems(checks, {"tests/a.bin": SHA_B}, "source src")
    assert bad == Problem(f"tests/a.bin has sha256 {SHA_B}, but model net is pinned in "
                          f"debian/aimodel.sums to {SHA_A}", None, "source src",
                          "aimodel-checksum-mismatch", "restore the declared file, or run "
                          "aimodel validate --update-sums if the model was changed on purpose")


def test_a_shipped_glob_is_verified_against_the_lock():
    decl = load(model(delivery="shipped", files="[model/*]"))
    p = plan(decl, [("usr/share/engine/mdef", None)], {"model/*": ("model/mdef",)},
             {"model/mdef": SHA_A})
    assert ("source", "model/mdef") in p.paths_to_hash()
    _, found = buildcheck.verify(p, {"usr/share/engine/mdef": SHA_B}, {"model/mdef": SHA_B})
    assert [x.message for x in found] == [
        f"model/mdef has sha256 {SHA_B}, but model net is pinned in debian/aimodel.sums to "
        f"{SHA_A}"]


def test_contains_finds_bytes_and_never_an_empty_needle(tmp_path: Path):
    host, needle, empty = tmp_path / "host", tmp_path / "needle", tmp_path / "empty"
    host.write_bytes(b"\x7fELF" + b"\0" * 5000 + b"NET-BYTES" + b"\0" * 10)
    needle.write_bytes(b"NET-BYTES")
    empty.write_bytes(b"")
    assert contains(host, needle) is True
    assert contains(needle, host) is False  # the host is larger than the needle
    assert contains(host, empty) is False
    assert isinstance(contains(tmp_path / "gone", needle), OSError)


# -- the source package's area ---------------------------------------------------------

def areas(models: str):
    c = classify(load(models), FACTS, get("ml-policy"))
    return c, {p.package: p for p in c.packages}


def test_a_free_source_only_model_changes_nothing():
    c, packages = areas(model(delivery="source-only", package=None))
    assert c.source is not None and c.source.area == "main"
    assert [r.rule for r in c.source.reasons] == []
    assert packages[None].area == "main"  # shown apart, with its own area


def test_a_toxic_source_only_model_puts_the_source_out_of_main_and_advises_repacking():
    text = model(delivery="source-only", package=None, training=TOXIC, name="test-model")
    c, packages = areas(text)
    assert c.source is not None and c.source.area == "non-free"
    (reason,) = [r for r in c.source.reasons if r.rule == "area/source-only-model"]
    assert reason.text == (
        "keeps test-model in the source, installed by no binary package (test-model is "
        "toxic-candy (area non-free)): the archive distributes the source, so it is in "
        "non-free; to bring it back to main, repack the upstream tarball without them "
        "(Files-Excluded: in debian/copyright, uscan --repack, a +dfsg or +ds version suffix)")
    assert c.source.section_recommended == "non-free/games"
    # the binaries follow the source (archive-liberty-mismatch), with no second advice
    assert packages["engine"].area == "non-free"
    assert [r.rule for r in packages["engine"].reasons] == ["area/source-area"]
    assert "area/source-spans-areas" not in [r.rule for r in c.source.reasons]
    (problem,) = buildcheck.source_section_problem(c.source)
    assert problem.message.startswith(
        "Section is games in the source paragraph of debian/control, but the source belongs "
        "in non-free/games (keeps test-model in the source")


def test_an_undistributable_source_only_model_leaves_no_area():
    text = model(delivery="source-only", package=None, extra="  distributable: false\n")
    c, _ = areas(text)
    assert c.source is not None and c.source.area == "none"
    (reason,) = [r for r in c.source.reasons if r.rule == "area/source-only-model"]
    assert "no archive area may carry it; to bring it back to main, repack" in reason.text


def test_carried_models_decide_their_package_area():
    text = model(training=TOXIC, extra="  installed: [usr/games/engine]\n")
    _, packages = areas(text)
    assert packages["engine"].area == "non-free"
    assert [r.rule for r in packages["engine"].reasons] == ["area/shipped-model"]


def test_the_classify_text_names_source_only_models():
    from dh_aimodel.packaging.render import render

    c, _ = areas(model(delivery="source-only", package=None, name="test-model"))
    text = render("classify.txt.j2", policy=c.policy, source=c.source, packages=c.packages)
    assert "models kept in the source only: main" in text
    assert "model test-model: free -> main (source-only)" in textwrap.dedent(text)


def test_an_unpublished_program_fails_once_whatever_its_licence():
    for software in ("{name: trainer, available: false}",
                     "{name: trainer, license: proprietary, available: false}"):
        training = (f"  training:\n    data: [{{name: d, license: MIT, availability: public}}]\n"
                    f"    software: [{software}]\n")
        c, _ = areas(model(delivery="source-only", package=None, training=training))
        (verdict,) = [v for p in c.packages for v in p.models]
        assert [r.text for r in verdict.reasons] == [
            "the complete training program trainer is not published (available: false)"]


def test_the_repack_advice_names_the_models_kept_in_the_source_too():
    """opus: compiled toxic models make libopus non-free, and two toxic models stay in
    the source only; a repack that leaves those in keeps the source in non-free."""
    text = (model(name="plc", delivery="compiled", training=TOXIC,
                  extra="  installed: [usr/lib/libopus.so.0]\n")
            + model(name="dred", delivery="source-only", package=None, training=TOXIC,
                    files="[dnn/dred_data.c]"))
    c, packages = areas(text)
    assert packages["engine"].area == "non-free"
    assert packages["engine-data"].area == "non-free"  # follows the source
    assert c.source is not None
    (spans,) = [r for r in c.source.reasons if r.rule == "area/source-spans-areas"]
    assert "repack this source without dred, plc (Files-Excluded:" in spans.text
