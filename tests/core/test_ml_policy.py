"""ml-policy: every rule id of classification.md fires, and does not fire, where it should."""

from __future__ import annotations

import pytest

from dh_aimodel.core.classification import classify, recommended_section
from dh_aimodel.core.facts import BinaryPackage, PackagingFacts
from dh_aimodel.core.policies import get
from dh_aimodel.manifest.loader import load_text

FREE_TRAINING = """\
    training:
      data:
        - {name: iris, license: CC-BY-4.0, availability: public}
      software:
        - {name: train.py, license: MIT, available: true}
"""


def model(name: str = "m", license: str = "MIT", training: str = FREE_TRAINING,
          extra: str = "") -> str:
    return (f"  - name: {name}\n    files: [{name}.bin]\n    license: {license}\n"
            f"    copyright: me\n{extra}{training}")


def decl(*models: str, tail: str = "") -> str:
    return "format: 1\nmodels:\n" + "".join(models) + tail


def verdicts(text: str, facts: PackagingFacts | None = None):
    c = classify(load_text(text, facts=facts), facts, get("ml-policy"))
    return {m.name: m for p in c.packages for m in p.models}, c


def rules(v) -> list[str]:
    return [r.rule for r in v.reasons]


def test_free_model_fires_alone_when_everything_passes():
    v, _ = verdicts(decl(model()))
    assert (v["m"].cls, v["m"].area) == ("free", "main")
    assert rules(v["m"]) == ["ml-policy/free-model"]
    assert v["m"].reasons[0].basis == "ml-policy"


def test_free_model_does_not_fire_for_toxic_candy():
    v, _ = verdicts(decl(model(training="")))
    assert "ml-policy/free-model" not in rules(v["m"])


@pytest.mark.parametrize("license, cls, expected", [
    ("CC-BY-NC-4.0", "non-free", ["ml-policy/free-model-1"]),
    ("proprietary", "undistributable", ["ml-policy/undistributable", "ml-policy/free-model-1"]),
    ("MIT OR CC-BY-NC-4.0", "free", ["ml-policy/free-model"]),
    ("MIT AND CC-BY-NC-4.0", "non-free", ["ml-policy/free-model-1"]),
])
def test_weights_licence(license, cls, expected):
    v, _ = verdicts(decl(model(license=license)))
    assert v["m"].cls == cls
    assert rules(v["m"]) == expected


def test_unknown_weights_licence_is_not_free():
    v, _ = verdicts(decl(model(license="LicenseRef-Mystery")))
    assert v["m"].cls == "non-free"
    assert "not in the licence knowledge base" in v["m"].reasons[0].text


@pytest.mark.parametrize("license, text", [
    ("CC-BY-NC-4.0",
     "weights licence CC-BY-NC-4.0 is not DFSG-free: non-commercial use only (DFSG 6)"),
    ("MIT AND CC-BY-NC-4.0",
     "weights licence CC-BY-NC-4.0 is not DFSG-free: non-commercial use only (DFSG 6)"),
    ("LicenseRef-Mystery", "weights licence LicenseRef-Mystery is not known to be DFSG-free: "
                           "LicenseRef-Mystery is not in the licence knowledge base"),
])
def test_weights_licence_reason_names_the_licence_once(license, text):
    v, _ = verdicts(decl(model(license=license)))
    assert [r.text for r in v["m"].reasons] == [text]


def test_licenseref_verdict_from_the_declaration():
    tail = "licenses:\n  LicenseRef-Ours: {dfsg: free, reason: reviewed}\n"
    v, _ = verdicts(decl(model(license="LicenseRef-Ours"), tail=tail))
    assert v["m"].cls == "free"


def test_undistributable_flag():
    v, c = verdicts(decl(model(extra="    distributable: false\n")))
    assert (v["m"].cls, v["m"].area) == ("undistributable", "none")
    assert rules(v["m"]) == ["ml-policy/undistributable"]
    assert v["m"].reasons[0].basis == "derived"
    assert c.packages[0].area == "none"


@pytest.mark.parametrize("training, texts", [
    ("", ["no training dataset is declared", "no training software is declared"]),
    (FREE_TRAINING.replace("public", "unavailable"),
     ["training dataset iris is not publicly available (availability: unavailable)"]),
    (FREE_TRAINING.replace("public", "on-request"),
     ["training dataset iris is not publicly available (availability: on-request)"]),
    (FREE_TRAINING.replace("CC-BY-4.0", "CC-BY-NC-4.0"),
     ["training dataset iris is not under a DFSG-free licence"]),
    (FREE_TRAINING.replace("CC-BY-4.0", "unknown"),
     ["training dataset iris is not under a DFSG-free licence"]),
])
def test_free_model_2(training, texts):
    v, _ = verdicts(decl(model(training=training)))
    assert v["m"].cls == "toxic-candy" and v["m"].area == "non-free"
    found = [r for r in v["m"].reasons if r.rule == "ml-policy/free-model-2"]
    assert len(found) == 1
    for text in texts:
        assert any(r.text.startswith(text) for r in v["m"].reasons), text


def test_free_model_2_does_not_fire_with_public_free_data():
    v, _ = verdicts(decl(model()))
    assert "ml-policy/free-model-2" not in rules(v["m"])


GENERATED = """\
    training:
      data:
        - {name: self-play, license: CC0-1.0, availability: generated}
      software:
        - {name: selfplay, license: GPL-3.0-or-later, available: %s}
"""


def test_free_model_2_generated():
    v, _ = verdicts(decl(model(training=GENERATED % "false")))
    assert "ml-policy/free-model-2-generated" in rules(v["m"])
    assert v["m"].cls == "toxic-candy"
    v, _ = verdicts(decl(model(training=GENERATED % "true")))
    assert "ml-policy/free-model-2-generated" not in rules(v["m"])
    assert v["m"].cls == "free"


@pytest.mark.parametrize("software, text", [
    ("{name: t, license: MIT, available: false}",
     "the complete training program t is not published"),
    ("{name: t, license: proprietary, available: true}",
     "training software t is not under a DFSG-free licence"),
])
def test_free_model_3(software, text):
    training = FREE_TRAINING.replace("{name: train.py, license: MIT, available: true}", software)
    v, _ = verdicts(decl(model(training=training)))
    assert v["m"].cls == "toxic-candy"
    assert [r.rule for r in v["m"].reasons] == ["ml-policy/free-model-3"]
    assert v["m"].reasons[0].text.startswith(text)


def test_all_failing_rules_are_reported():
    training = FREE_TRAINING.replace("public", "unavailable").replace("true", "false")
    v, _ = verdicts(decl(model(license="CC-BY-NC-4.0", training=training)))
    assert rules(v["m"]) == ["ml-policy/free-model-1", "ml-policy/free-model-2",
                             "ml-policy/free-model-3"]
    assert v["m"].cls == "non-free"


def test_base_model_takes_worse_class():
    base = "  - {name: base, license: Apache-2.0, delivery: reference}\n"
    v, c = verdicts(decl(base, model(extra="    base-model: base\n")))
    assert v["base"].cls == "toxic-candy"
    assert v["m"].cls == "toxic-candy"
    assert "ml-policy/base-model" in rules(v["m"])
    # reference entries are shown but never count for a package
    assert [p.package for p in c.packages] == [None, None]


def test_base_model_does_not_fire_when_base_is_free():
    base = model(name="base")
    v, _ = verdicts(decl(base, model(extra="    base-model: base\n")))
    assert v["m"].cls == "free" and "ml-policy/base-model" not in rules(v["m"])


def test_retrain_needs_non_free():
    training = FREE_TRAINING.replace("available: true}",
                                     "available: true, non-free-requirements: [CUDA]}")
    v, _ = verdicts(decl(model(training=training)))
    assert (v["m"].cls, v["m"].area) == ("free", "contrib")
    assert rules(v["m"]) == ["ml-policy/retrain-needs-non-free"]
    v, _ = verdicts(decl(model()))
    assert "ml-policy/retrain-needs-non-free" not in rules(v["m"])


def test_retrain_needs_non_free_does_not_apply_to_toxic_candy():
    training = "    training:\n      software:\n        - {name: t, license: MIT, " \
               "available: true, non-free-requirements: [CUDA]}\n"
    v, _ = verdicts(decl(model(training=training)))
    assert v["m"].area == "non-free"
    assert "ml-policy/retrain-needs-non-free" not in rules(v["m"])


def test_reproducible_no_is_a_warning_only():
    v, _ = verdicts(decl(model(training=FREE_TRAINING + "      reproducible: no\n")))
    assert (v["m"].cls, v["m"].area) == ("free", "main")
    warning = [r for r in v["m"].reasons if r.rule == "ml-policy/reproducible"]
    assert warning and warning[0].severity == "warning"
    v, _ = verdicts(decl(model(training=FREE_TRAINING + "      reproducible: yes\n")))
    assert "ml-policy/reproducible" not in rules(v["m"])


# -- package area (classification.md "Package area") -------------------------

def facts(*packages: BinaryPackage, section: str = "science") -> PackagingFacts:
    return PackagingFacts("src", section, packages)


def test_package_area_is_worst_shipped_model():
    f = facts(BinaryPackage("data", "science"))
    _, c = verdicts(decl(model("a"), model("b", training="")), f)
    p = c.packages[0]
    assert p.area == "non-free"
    assert p.section_recommended == "non-free/science" and p.section_mismatch
    assert [r.rule for r in p.reasons] == ["area/shipped-model"]
    assert c.source.area == "non-free" and c.source.section_recommended == "non-free/science"


def test_downloaded_model_makes_contrib_whatever_its_class():
    f = facts(BinaryPackage("tagger", "contrib/utils"))
    _, c = verdicts(decl(model(training="", extra="    delivery: downloaded\n")), f)
    p = c.packages[0]
    assert p.area == "contrib"
    assert p.models[0].cls == "toxic-candy"  # still reported
    assert [r.rule for r in p.reasons] == ["area/runtime-download"]
    assert p.section_recommended == "contrib/utils" and not p.section_mismatch


def test_relation_to_package_outside_main_makes_contrib():
    f = facts(BinaryPackage("prog", "science", relations=(("Recommends", "data"),)),
              BinaryPackage("other", "science", relations=(("Depends", "prog"),)),
              BinaryPackage("data", "non-free/science"))
    _, c = verdicts(decl(model(training="", extra="    package: data\n")), f)
    areas = {p.package: p.area for p in c.packages}
    # Rule 3 makes prog and other contrib; rule 4 then moves them into their
    # non-free source's area, since Lintian allows contrib binaries of a main
    # source only (archive-liberty-mismatch).
    assert areas == {"prog": "non-free", "other": "non-free", "data": "non-free"}
    prog = c.packages[0]
    assert [r.rule for r in prog.reasons] == ["area/relation-outside-main", "area/source-area"]
    assert prog.section_recommended == "non-free/science"
    assert c.source.area == "non-free"
    (spans,) = c.source.reasons
    assert spans.rule == "area/source-spans-areas"
    assert spans.text.startswith("other, prog would be in contrib on their own but follow "
                                 "the source into non-free because of data; ")
    assert "build data from a separate source package in non-free" in spans.text
    assert "repack this source without m (Files-Excluded:" in spans.text


def test_relation_to_a_contrib_package_of_a_main_source_makes_contrib():
    """Rule 3 alone: a main source may build contrib binaries, so nothing moves."""
    f = facts(BinaryPackage("prog", "science", relations=(("Depends", "dl"),)),
              BinaryPackage("dl", "contrib/science"))
    _, c = verdicts(decl(model(extra="    package: dl\n    delivery: downloaded\n")), f)
    assert {p.package: p.area for p in c.packages} == {"prog": "contrib", "dl": "contrib"}
    assert c.source.area == "contrib" and c.source.reasons == ()


def test_main_binary_of_a_non_free_source_follows_it():
    f = facts(BinaryPackage("prog", "science"), BinaryPackage("data", "non-free/science"))
    _, c = verdicts(decl(model(training="", extra="    package: data\n")), f)
    prog = next(p for p in c.packages if p.package == "prog")
    assert prog.area == "non-free" and [r.rule for r in prog.reasons] == ["area/source-area"]
    assert prog.section_mismatch  # Section: science, recommended non-free/science


def test_a_binary_in_its_sources_area_does_not_move():
    f = facts(BinaryPackage("data", "non-free/science"))
    _, c = verdicts(decl(model(training="", extra="    package: data\n")), f)
    assert [r.rule for r in c.packages[0].reasons] == ["area/shipped-model"]
    assert c.source.reasons == ()


def test_main_and_contrib_binaries_do_not_span_areas():
    f = facts(BinaryPackage("prog", "science"), BinaryPackage("dl", "contrib/science"))
    _, c = verdicts(decl(model(extra="    package: prog\n"),
                         model("n", extra="    package: dl\n    delivery: downloaded\n")), f)
    assert {p.package: p.area for p in c.packages} == {"prog": "main", "dl": "contrib"}
    assert c.source.reasons == ()


def test_relation_to_main_package_changes_nothing():
    f = facts(BinaryPackage("prog", "science", relations=(("Depends", "data"),)),
              BinaryPackage("data", "science"))
    _, c = verdicts(decl(model(extra="    package: data\n")), f)
    assert [p.area for p in c.packages] == ["main", "main"]


@pytest.mark.parametrize("area, declared, expected", [
    ("main", "science", "science"),
    ("main", "non-free/science", "science"),
    ("contrib", "python", "contrib/python"),
    ("non-free", "contrib/science", "non-free/science"),
    ("none", "science", None),
    ("main", None, None),
])
def test_recommended_section(area, declared, expected):
    assert recommended_section(area, declared) == expected


def test_an_undistributable_package_is_not_named_as_following_the_source():
    """It is in no area at all: the advice names only the packages that really move."""
    f = facts(BinaryPackage("prog", "science"), BinaryPackage("data", "non-free/science"),
              BinaryPackage("secret", "non-free/science"))
    _, c = verdicts(decl(model(training="", extra="    package: data\n"),
                         model("s", extra="    package: secret\n    distributable: false\n")), f)
    assert {p.package: p.area for p in c.packages} == {
        "prog": "non-free", "data": "non-free", "secret": "none"}
    (spans,) = c.source.reasons
    assert spans.text.startswith("prog would be in main on their own but follow the source "
                                 "into non-free because of data; ")
