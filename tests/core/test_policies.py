"""The other policies (gr2025-*, osaid-1.0, mof): policy-rulebook.md 5, rows 1-11.

Each row of the decision table is one declaration; each policy's column is
asserted.  Where the table says "?" or is ambiguous, the test asserts what
the policy implements and a comment says so.  At the end, every rule id the
policies introduce is made to fire once and to stay quiet once.
"""

from __future__ import annotations

import pytest

from dh_aimodel.core.classification import classify
from dh_aimodel.core.facts import BinaryPackage, PackagingFacts
from dh_aimodel.core.licenses import is_known
from dh_aimodel.core.policies import get, names
from dh_aimodel.core.policies._shared import licence_fits, list_ids, osi_approved
from dh_aimodel.core.policies.mof import components
from dh_aimodel.manifest.loader import load_text

OTHERS = ("gr2025-a", "gr2025-glaser", "gr2025-choice2", "gr2025-choice3", "osaid-1.0", "mof")

DATA_OPEN = "        - {name: iris, license: CC-BY-4.0, availability: public}\n"
DATA_RESTRICTED = "        - {name: nc, license: CC-BY-NC-4.0, availability: public}\n"
DATA_PRIVATE = "        - {name: crawl, license: unknown, availability: unavailable}\n"
SW_FREE = "        - {name: train.py, license: MIT, available: true}\n"
SW_CUDA = "        - {name: train.py, license: MIT, available: true, non-free-requirements: [CUDA]}\n"

#: Every MOF component, each under a licence valid for its content type.
ALL_COMPONENTS = "".join(
    f"      {key}: {{url: https://x/{key}, license: {lic}}}\n" for key, lic in [
        ("model-architecture", "MIT"), ("evaluation-results", "CC-BY-4.0"),
        ("model-card", "CC-BY-4.0"), ("data-card", "CC-BY-4.0"),
        ("technical-report", "CC-BY-4.0"), ("inference-code", "MIT"),
        ("evaluation-code", "MIT"), ("evaluation-data", "CC-BY-4.0"),
        ("data-preprocessing-code", "MIT"), ("intermediate-parameters", "CC-BY-4.0"),
        ("research-paper", "CC-BY-4.0")])


def model(name: str = "m", license: str = "MIT", data: str | None = DATA_OPEN,
          software: str | None = SW_FREE, extra: str = "", training_extra: str = "",
          components: str = ALL_COMPONENTS) -> str:
    text = (f"  - name: {name}\n    files: [{name}.bin]\n    license: {license}\n"
            f"    copyright: me\n{extra}    training:\n")
    text += "      data:\n" + data if data is not None else "      data: []\n"
    text += "      software:\n" + software if software is not None else "      software: []\n"
    text += training_extra
    if components:
        text += "    components:\n" + components
    return text


def decl(*models: str, tail: str = "") -> str:
    return "format: 1\nmodels:\n" + "".join(models) + tail


def judged(policy: str, text: str, facts: PackagingFacts | None = None):
    c = classify(load_text(text, facts=facts), facts, get(policy))
    return {m.name: m for p in c.packages for m in p.models}, c


def cell(policy: str, text: str) -> str | None:
    """What --all-policies shows: the area, or the verdict for openness policies."""
    v, _ = judged(policy, text)
    return v["m"].area if get(policy).gives_area else v["m"].verdict


def rules(v) -> list[str]:
    return [r.rule for r in v.reasons]


# -- the rows of policy-rulebook.md 5 ------------------------------------------

ROWS = {
    "1 W=nonredist": decl(model(license="proprietary")),
    "2 W=nonfree-redist": decl(model(license="CC-BY-NC-4.0")),
    "3 free": decl(model()),
    "4 H=y": decl(model(software=SW_CUDA)),
    "5 R=n": decl(model(training_extra="      reproducible: no\n")),
    "6 D=restricted": decl(model(data=DATA_RESTRICTED)),
    "7 D=private": decl(model(data=DATA_PRIVATE)),
    "8 S=absent": decl(model(software=None)),
}

EXPECTED = {  # row -> cells for gr2025-a, glaser, choice2, choice3, osaid-1.0, mof
    # Row 1: "same" / "not even non-free" / fails III (parameter licence).
    "1 W=nonredist": ("none", "none", "none", "none", "not-open", "none"),
    # Row 2: GR A "non-free? (unspecified)": we show non-free with a note
    # (gr2025-a/non-free-unspecified). Glaser: non-free, training legal here.
    "2 W=nonfree-redist": ("non-free", "non-free", "non-free", "non-free", "not-open", "none"),
    # Row 3: MOF "up to Class I if docs/eval present": every component is.
    "3 free": ("main", "main", "main", "main", "open", "class-1"),
    # Row 4: GR A "main? (text silent)": main, with a warning
    # (gr2025-a/retrain-needs-non-free).  Glaser contrib, choices main.
    "4 H=y": ("main", "contrib", "main", "main", "open", "class-1"),
    # Row 5: Glaser "main if source packaged": main (we cannot see the
    # packaging of the source).  Choice 3 "main if modifiable": with
    # fine-tuning unknown the model is not shown modifiable -> non-free; see
    # test_row5_choice3_modifiable for the main case.
    "5 R=n": ("main", "main", "main", "non-free", "open", "class-1"),
    # Row 6: Glaser "non-free only if training honoured licences": non-free
    # plus the gr2025-glaser/honour-licences warning.  Choice 2 "main
    # possible": only with fine-tuning: practical (test below); choice 3 main
    # (data information complete by default: the data is public).
    "6 D=restricted": ("non-free", "non-free", "non-free", "main", "open", "class-2"),
    # Row 7: Glaser "non-free if lawful": licence unknown -> not shown lawful
    # -> none (a known licence gives non-free, test below).  Choices 2/3 and
    # OSAID: main/open only with fine-tuning practical / complete data info.
    "7 D=private": ("non-free", "none", "non-free", "non-free", "not-open", "class-2"),
    # Row 8: "not main" everywhere but choice 2 with fine-tuning practical.
    "8 S=absent": ("non-free", "non-free", "non-free", "non-free", "not-open", "class-3"),
}


@pytest.mark.parametrize("row", sorted(ROWS))
@pytest.mark.parametrize("policy", OTHERS)
def test_decision_table(policy, row):
    assert cell(policy, ROWS[row]) == EXPECTED[row][OTHERS.index(policy)]


@pytest.mark.parametrize("policy", ("osaid-1.0", "mof"))
@pytest.mark.parametrize("row", sorted(ROWS))
def test_openness_policies_never_give_an_area(policy, row):
    v, c = judged(policy, ROWS[row])
    assert v["m"].area is None and v["m"].cls is None
    assert all(p.area is None for p in c.packages)


def test_row4_gr2025_a_warns_that_the_text_is_silent():
    v, _ = judged("gr2025-a", ROWS["4 H=y"])
    [warning] = [r for r in v["m"].reasons if r.rule == "gr2025-a/retrain-needs-non-free"]
    assert warning.severity == "warning" and "silent" in warning.text


def test_row5_choice3_modifiable():
    text = decl(model(training_extra="      reproducible: no\n      fine-tuning: practical\n"))
    assert cell("gr2025-choice3", text) == "main"


@pytest.mark.parametrize("row", ["6 D=restricted", "7 D=private", "8 S=absent"])
def test_rows_6_to_8_choice2_main_when_fine_tuning_is_practical(row):
    text = ROWS[row].replace("    components:", "      fine-tuning: practical\n    components:")
    assert cell("gr2025-choice2", text) == "main"


def test_row7_choice3_and_osaid_with_complete_data_information():
    text = ROWS["7 D=private"].replace(
        "    components:", "      data-information: complete\n    components:")
    assert cell("gr2025-choice3", text) == "main"
    assert cell("osaid-1.0", text) == "open"


def test_row7_glaser_private_data_under_a_known_licence_is_non_free():
    text = decl(model(data="        - {name: crawl, license: CC-BY-4.0, "
                           "availability: unavailable}\n"))
    assert cell("gr2025-glaser", text) == "non-free"


def facts(*packages: BinaryPackage) -> PackagingFacts:
    return PackagingFacts("src", "science", packages)


AREA_POLICIES = ("gr2025-a", "gr2025-glaser", "gr2025-choice2", "gr2025-choice3")


@pytest.mark.parametrize("policy", AREA_POLICIES)
def test_row9_runtime_download_is_contrib(policy):
    f = facts(BinaryPackage("tagger", "contrib/utils"))
    _, c = judged(policy, decl(model(extra="    delivery: downloaded\n")), f)
    assert c.packages[0].area == "contrib"


@pytest.mark.parametrize("policy", AREA_POLICIES)
def test_row10_user_supplied_model_leaves_the_program_in_main(policy):
    f = facts(BinaryPackage("prog", "science"))
    _, c = judged(policy, decl(model(data=DATA_PRIVATE, extra="    delivery: reference\n")), f)
    assert {p.package: p.area for p in c.packages} == {"prog": "main", None: None}


@pytest.mark.parametrize("policy", AREA_POLICIES)
def test_row11_program_recommending_a_model_outside_main_is_contrib(policy):
    f = facts(BinaryPackage("prog", "science", relations=(("Recommends", "data"),)),
              BinaryPackage("data", "non-free/science"))
    _, c = judged(policy, decl(model(data=DATA_PRIVATE, extra="    package: data\n")), f)
    areas = {p.package: p.area for p in c.packages}
    prog = next(p for p in c.packages if p.package == "prog")
    assert prog.reasons[0].rule == "area/relation-outside-main"  # contrib by rule 3
    if areas["data"] == "non-free":  # rule 4: a non-free source has no contrib binary
        assert prog.area == "non-free" and prog.reasons[1].rule == "area/source-area"
    else:  # an undistributable model is in no area; the rest stays as rule 3 says
        assert areas["data"] == "none" and prog.area == "contrib" and len(prog.reasons) == 1


@pytest.mark.parametrize("policy", ("osaid-1.0", "mof"))
def test_rows_9_to_11_do_not_apply_to_openness_policies(policy):
    f = facts(BinaryPackage("prog", "science", relations=(("Recommends", "data"),)),
              BinaryPackage("data", "non-free/science"))
    _, c = judged(policy, decl(model(data=DATA_PRIVATE, extra="    package: data\n")), f)
    assert [p.area for p in c.packages] == [None, None] and c.source.area is None


# -- what every policy says about itself ---------------------------------------

@pytest.mark.parametrize("name", OTHERS)
def test_policies_name_their_source_and_status(name):
    policy = get(name)
    assert policy.name == name and policy.url.startswith("https://")
    if name.startswith("gr2025-"):
        assert policy.gives_area and policy.status.startswith("withdrawn proposal")
    else:
        assert not policy.gives_area and "not a Debian policy" in policy.status


def test_registry_lists_every_policy():
    assert names() == ("ml-policy",) + OTHERS


@pytest.mark.parametrize("name", OTHERS)
@pytest.mark.parametrize("row", sorted(ROWS))
def test_reasons_carry_the_policy_as_basis_and_rule_prefix(name, row):
    v, _ = judged(name, ROWS[row])
    assert v["m"].reasons
    for r in v["m"].reasons:
        assert r.basis == name and r.rule.startswith(name + "/")


# -- base models -----------------------------------------------------------------

BASE_CANDY = model("base", data=DATA_PRIVATE, extra="    delivery: reference\n")
BASE_FREE = model("base", extra="    delivery: reference\n")
TUNED = model(extra="    base-model: base\n")


@pytest.mark.parametrize("policy, area", [
    ("gr2025-a", "non-free"), ("gr2025-glaser", "none"), ("gr2025-choice2", "non-free"),
    ("gr2025-choice3", "non-free")])
def test_a_model_is_no_better_than_its_base(policy, area):
    v, _ = judged(policy, decl(BASE_CANDY, TUNED))
    assert v["m"].area == area and f"{policy}/base-model" in rules(v["m"])
    v, _ = judged(policy, decl(BASE_FREE, TUNED))
    assert v["m"].area == "main" and f"{policy}/base-model" not in rules(v["m"])


def test_choice2_fine_tuned_model_of_a_main_base():
    base = BASE_CANDY.replace("    components:", "      fine-tuning: practical\n    components:")
    v, _ = judged("gr2025-choice2", decl(base, TUNED))
    assert v["base"].area == "main"  # toxic candy, but fine-tuning is upstream's practice
    assert v["m"].area == "main" and "gr2025-choice2/fine-tuned" in rules(v["m"])
    # its own fine-tuning data must be public and free
    tuned = model(data=DATA_PRIVATE, extra="    base-model: base\n")
    v, _ = judged("gr2025-choice2", decl(base, tuned))
    assert v["m"].area == "non-free" and "gr2025-choice2/fine-tuned" not in rules(v["m"])


def test_osaid_base_model():
    v, _ = judged("osaid-1.0", decl(BASE_CANDY, TUNED))
    assert v["m"].verdict == "not-open" and rules(v["m"]) == ["osaid-1.0/base-model"]
    v, _ = judged("osaid-1.0", decl(BASE_FREE, TUNED))
    assert v["m"].verdict == "open"


# -- every rule id fires, and does not -----------------------------------------

CANDY_PRACTICAL = decl(model(data=DATA_PRIVATE, training_extra="      fine-tuning: practical\n"))

#: rule id -> (policy, declaration where it fires, declaration where it does not)
RULE_CASES = {
    "gr2025-a/undistributable": ("gr2025-a", ROWS["1 W=nonredist"], ROWS["2 W=nonfree-redist"]),
    "gr2025-a/weights-not-free": ("gr2025-a", ROWS["2 W=nonfree-redist"], ROWS["3 free"]),
    "gr2025-a/training-data": ("gr2025-a", ROWS["7 D=private"], ROWS["8 S=absent"]),
    "gr2025-a/training-program": ("gr2025-a", ROWS["8 S=absent"], ROWS["7 D=private"]),
    "gr2025-a/base-model": ("gr2025-a", decl(BASE_CANDY, TUNED), decl(BASE_FREE, TUNED)),
    "gr2025-a/not-main": ("gr2025-a", ROWS["7 D=private"], ROWS["2 W=nonfree-redist"]),
    "gr2025-a/non-free-unspecified": ("gr2025-a", ROWS["2 W=nonfree-redist"], ROWS["1 W=nonredist"]),
    "gr2025-a/retrain-needs-non-free": ("gr2025-a", ROWS["4 H=y"], ROWS["3 free"]),
    "gr2025-a/main": ("gr2025-a", ROWS["3 free"], ROWS["6 D=restricted"]),
    "gr2025-glaser/undistributable": ("gr2025-glaser", ROWS["1 W=nonredist"], ROWS["3 free"]),
    "gr2025-glaser/weights-not-free": ("gr2025-glaser", ROWS["2 W=nonfree-redist"], ROWS["3 free"]),
    "gr2025-glaser/training-data": ("gr2025-glaser", ROWS["6 D=restricted"], ROWS["8 S=absent"]),
    "gr2025-glaser/training-program": ("gr2025-glaser", ROWS["8 S=absent"], ROWS["6 D=restricted"]),
    "gr2025-glaser/training-licences": ("gr2025-glaser", ROWS["7 D=private"], ROWS["6 D=restricted"]),
    "gr2025-glaser/honour-licences": ("gr2025-glaser", ROWS["6 D=restricted"], ROWS["3 free"]),
    "gr2025-glaser/copyright-training-inputs": ("gr2025-glaser", ROWS["3 free"],
                                                decl(model(data=None))),
    "gr2025-glaser/retrain-needs-non-free": ("gr2025-glaser", ROWS["4 H=y"], ROWS["3 free"]),
    "gr2025-glaser/base-model": ("gr2025-glaser", decl(BASE_CANDY, TUNED), decl(BASE_FREE, TUNED)),
    "gr2025-glaser/main": ("gr2025-glaser", ROWS["3 free"], ROWS["4 H=y"]),
    "gr2025-choice2/undistributable": ("gr2025-choice2", ROWS["1 W=nonredist"], ROWS["3 free"]),
    "gr2025-choice2/weights-not-free": ("gr2025-choice2", ROWS["2 W=nonfree-redist"], ROWS["3 free"]),
    "gr2025-choice2/training-data": ("gr2025-choice2", ROWS["7 D=private"], ROWS["8 S=absent"]),
    "gr2025-choice2/training-program": ("gr2025-choice2", ROWS["8 S=absent"], ROWS["7 D=private"]),
    "gr2025-choice2/fine-tuning-practical": ("gr2025-choice2", CANDY_PRACTICAL, ROWS["7 D=private"]),
    "gr2025-choice2/no-preferred-form": ("gr2025-choice2", ROWS["7 D=private"], CANDY_PRACTICAL),
    "gr2025-choice2/fine-tuned": ("gr2025-choice2", decl(BASE_FREE, TUNED), decl(BASE_CANDY, TUNED)),
    "gr2025-choice2/base-model": ("gr2025-choice2", decl(BASE_CANDY, TUNED), decl(BASE_FREE, TUNED)),
    "gr2025-choice2/main": ("gr2025-choice2", ROWS["3 free"], CANDY_PRACTICAL),
    "gr2025-choice3/undistributable": ("gr2025-choice3", ROWS["1 W=nonredist"], ROWS["3 free"]),
    "gr2025-choice3/weights-not-free": ("gr2025-choice3", ROWS["2 W=nonfree-redist"], ROWS["3 free"]),
    "gr2025-choice3/training-code": ("gr2025-choice3", ROWS["8 S=absent"], ROWS["7 D=private"]),
    "gr2025-choice3/data-information": ("gr2025-choice3", ROWS["7 D=private"], ROWS["6 D=restricted"]),
    "gr2025-choice3/modifiable": ("gr2025-choice3", ROWS["5 R=n"], ROWS["3 free"]),
    "gr2025-choice3/base-model": ("gr2025-choice3", decl(BASE_CANDY, TUNED), decl(BASE_FREE, TUNED)),
    "gr2025-choice3/main": ("gr2025-choice3", ROWS["6 D=restricted"], ROWS["7 D=private"]),
    "osaid-1.0/data-information": ("osaid-1.0", ROWS["7 D=private"], ROWS["6 D=restricted"]),
    "osaid-1.0/code": ("osaid-1.0", ROWS["8 S=absent"], ROWS["3 free"]),
    "osaid-1.0/parameters": ("osaid-1.0", ROWS["2 W=nonfree-redist"], ROWS["3 free"]),
    "osaid-1.0/base-model": ("osaid-1.0", decl(BASE_CANDY, TUNED), decl(BASE_FREE, TUNED)),
    "osaid-1.0/open": ("osaid-1.0", ROWS["3 free"], ROWS["1 W=nonredist"]),
    "mof/result": ("mof", ROWS["3 free"], None),  # always given: the class met
}


def _mof_cases() -> dict[str, tuple[str, str, str]]:
    """Each required MOF component: removing it fails its class; the full model passes."""
    cases = {}
    for c in components():
        if not c.required:
            continue
        rule = f"mof/class-{c.cls}/{c.key}"
        if c.key == "model-parameters":
            fires = ROWS["2 W=nonfree-redist"]
        elif c.key == "datasets":
            fires = ROWS["7 D=private"]
        elif c.key == "training-code":
            fires = ROWS["8 S=absent"]
        else:
            line = next(line for line in ALL_COMPONENTS.splitlines(keepends=True)
                        if line.strip().startswith(c.key + ":"))
            fires = decl(model(components=ALL_COMPONENTS.replace(line, "")))
            if c.satisfied_by:  # only missing when the alternatives are missing too
                for alt in c.satisfied_by:
                    fires = "".join(line for line in fires.splitlines(keepends=True)
                                    if not line.strip().startswith(alt + ":"))
        cases[rule] = ("mof", fires, ROWS["3 free"])
    return cases


ALL_CASES = {**RULE_CASES, **_mof_cases()}


@pytest.mark.parametrize("rule", sorted(ALL_CASES))
def test_rule_fires_and_does_not(rule):
    policy, fires, quiet = ALL_CASES[rule]
    v, _ = judged(policy, fires)
    assert rule in rules(v["m"])
    if quiet is not None:
        v, _ = judged(policy, quiet)
        assert rule not in rules(v["m"])


def test_every_rule_id_is_covered():
    """Rules seen anywhere in this file's declarations all have a fire/quiet case."""
    seen = set()
    texts = list(ROWS.values()) + [t for _, f, q in ALL_CASES.values() for t in (f, q) if t]
    for policy in OTHERS:
        for text in texts:
            v, _ = judged(policy, text)
            seen |= {r.rule for m in v.values() for r in m.reasons}
    assert seen <= set(ALL_CASES)


def test_mof_satisfied_by_alternatives():
    without_report = ALL_COMPONENTS.replace(
        "      technical-report: {url: https://x/technical-report, license: CC-BY-4.0}\n", "")
    v, _ = judged("mof", decl(model(components=without_report)))
    assert v["m"].verdict == "class-1"  # the research paper stands in for it


def test_mof_component_without_licence_or_with_a_wrong_one():
    no_licence = ALL_COMPONENTS.replace("model-card, license: CC-BY-4.0}", "model-card}")
    v, _ = judged("mof", decl(model(components=no_licence)))
    assert v["m"].verdict == "none"
    assert "components.model-card is declared without a licence" in v["m"].reasons[0].text
    code_as_doc = ALL_COMPONENTS.replace("inference-code, license: MIT}",
                                         "inference-code, license: CC-BY-4.0}")
    v, _ = judged("mof", decl(model(components=code_as_doc)))
    assert v["m"].verdict == "class-3"
    assert rules(v["m"])[0] == "mof/class-2/inference-code"


# -- licence lists ------------------------------------------------------------

@pytest.mark.parametrize("which", ["osi-approved", "open-data", "open-document"])
def test_licence_lists_only_name_known_ids(which):
    assert all(is_known(i) for i in list_ids(which)), which


@pytest.mark.parametrize("expression, osi", [
    ("MIT", True), ("GPL-2.0+", True), ("GPL-2.0-or-later WITH Classpath-exception-2.0", True),
    ("MIT OR CC-BY-NC-4.0", True), ("MIT AND CC-BY-NC-4.0", False), ("CC0-1.0", False),
    ("unknown", False), ("proprietary", False), (None, False), ("MIT AND", False),
])
def test_osi_approved(expression, osi):
    assert osi_approved(expression) is osi


def test_data_licences_fit_parameters():
    assert licence_fits("CDLA-Permissive-2.0", ("data",))
    assert not licence_fits("CDLA-Permissive-2.0", ("code",))
