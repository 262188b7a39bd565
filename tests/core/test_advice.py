"""The area advice for a package nobody declared (core/advice.py).

The advice must be what a declaration of the same facts gets: the last
tests write those declarations as debian/aimodel.yaml text and classify
them with every policy that gives an area.
"""

from __future__ import annotations

import pytest

from dh_aimodel.core.advice import FoundModel, advise
from dh_aimodel.core.classification import classify
from dh_aimodel.core.policies import get, names
from dh_aimodel.manifest.loader import load_text

AREA_POLICIES = tuple(n for n in names() if get(n).gives_area)
DATA = "training data: publicly available under a DFSG-free licence"
PROGRAM = ("training program: free software, available, and able to retrain with software "
           "in main (else contrib)")

NET = FoundModel("usr/share/tessdata/eng.traineddata", "tesseract-lstm", "model")
VOICE = FoundModel("usr/share/pico/lang", "svox-pico", "model")
TABLE = FoundModel("usr/share/mecab/dic/ipadic", "mecab-dictionary", "table")


def test_a_free_licence_allows_main_once_training_data_and_program_are_declared() -> None:
    advice = advise([NET, VOICE], "Apache-2.0")
    assert (advice.area, advice.worst, advice.licence) == ("main", "non-free", "Apache-2.0")
    assert advice.unknown == ("training data", "training program")
    assert advice.needs == (DATA, PROGRAM)


def test_a_non_free_licence_keeps_even_the_best_reading_out_of_main() -> None:
    advice = advise([NET], "CC-BY-NC-4.0")
    assert (advice.area, advice.worst) == ("non-free", "non-free")
    assert set(advice.policies.values()) == {"non-free"}
    assert advice.needs == (
        "weights licence: DFSG-free (the copyright file says CC-BY-NC-4.0, which is not)",
        "main is out of reach, non-free at best: CC-BY-NC-4.0 is not DFSG-free: "
        "non-commercial use only (DFSG 6)")
    assert advice.unknown == ("training data", "training program")


def test_a_licence_forbidding_redistribution_gives_no_area() -> None:
    advice = advise([NET], "proprietary")
    assert (advice.area, advice.worst) == ("none", "none")
    assert set(advice.policies.values()) == {"none"}
    assert advice.needs[1].startswith("no archive area can take the package: ")


def test_one_non_free_file_among_free_ones_decides() -> None:
    advice = advise([NET, VOICE], "Apache-2.0 AND CC-BY-NC-4.0")
    assert advice.area == "non-free"
    assert advise([NET, VOICE], "MIT OR CC-BY-NC-4.0").area == "main"


def test_no_licence_is_an_unknown_fact_taken_as_satisfied_at_best() -> None:
    advice = advise([NET], None)
    assert (advice.area, advice.worst, advice.licence) == ("main", "non-free", None)
    assert advice.unknown == ("weights licence", "training data", "training program")
    assert advice.needs == ("weights licence: DFSG-free (the copyright file does not say)",
                            DATA, PROGRAM)


@pytest.mark.parametrize(("licence", "said"), [
    ("BSD-3-Clause-with-ICOT-term",
     "the copyright file says BSD-3-Clause-with-ICOT-term, which the licence knowledge base "
     "has no verdict for"),
    ("other", "the copyright file says other, which the licence knowledge base has no "
              "verdict for"),
    ("Apache 2.0", "the copyright file says Apache 2.0, which is no licence expression"),
])
def test_a_licence_the_knowledge_base_cannot_judge_is_unknown(licence: str, said: str) -> None:
    advice = advise([NET], licence)
    assert (advice.area, advice.worst, advice.licence) == ("main", "non-free", licence)
    assert advice.unknown[0] == "weights licence"
    assert advice.needs[0] == f"weights licence: DFSG-free ({said})"


def test_tables_are_judged_by_their_licence_alone() -> None:
    free = advise([TABLE], "BSD-3-Clause")
    assert (free.area, free.worst, free.unknown, free.needs) == ("main", "main", (), ())
    non_free = advise([TABLE], "CC-BY-NC-4.0")
    assert (non_free.area, non_free.worst) == ("non-free", "non-free")
    assert non_free.needs[0] == ("licence: DFSG-free (the copyright file says CC-BY-NC-4.0, "
                                 "which is not)")
    unknown = advise([TABLE], None)
    assert (unknown.area, unknown.worst, unknown.unknown) == ("main", "non-free", ("licence",))
    assert unknown.needs == ("licence: DFSG-free (the copyright file does not say)",)


def test_models_and_tables_together() -> None:
    advice = advise([TABLE, NET], "GPL-3.0-or-later")
    assert (advice.area, advice.worst) == ("main", "non-free")
    assert advice.unknown == ("training data", "training program")
    assert advice.needs == (DATA, PROGRAM)
    assert advise([TABLE, NET], "CC-BY-NC-4.0").needs[0].startswith("weights licence: ")


def test_the_same_path_found_twice_is_one_model() -> None:
    assert advise([NET, NET], "MIT") == advise([NET], "MIT")


def test_nothing_found_needs_nothing() -> None:
    advice = advise([], None)
    assert (advice.area, advice.worst, advice.needs) == ("main", "main", ())


def test_every_policy_that_gives_an_area_is_advised_and_no_other() -> None:
    assert set(AREA_POLICIES) >= {"ml-policy", "gr2025-a", "gr2025-glaser", "gr2025-choice2",
                                  "gr2025-choice3"}
    for licence in ("Apache-2.0", None, "CC-BY-NC-4.0", "proprietary"):
        advice = advise([NET, TABLE], licence)
        assert tuple(advice.policies) == AREA_POLICIES
        assert advice.policies["ml-policy"] == advice.area


# -- the advice is what a declaration of those facts gets ------------------------------

def _declared(licence: str, training: str) -> str:
    return ("format: 1\nmodels:\n  - name: net\n    files: [eng.traineddata]\n"
            f"    license: {licence}\n    copyright: Google\n    training:\n{training}")


SATISFIED = ("      data:\n        - {name: corpus, license: CC-BY-4.0, availability: public}\n"
             "      software:\n        - {name: tesstrain, license: Apache-2.0, "
             "available: true}\n")
NOTHING = "      data: []\n      software: []\n"


def _area(text: str, policy: str) -> str | None:
    packages = classify(load_text(text), None, get(policy)).packages
    return packages[0].area


@pytest.mark.parametrize("licence", ["Apache-2.0", "CC-BY-NC-4.0", "proprietary"])
@pytest.mark.parametrize("policy", AREA_POLICIES)
def test_the_best_reading_is_what_declaring_the_needs_gets(licence: str, policy: str) -> None:
    assert advise([NET], licence).policies[policy] == _area(_declared(licence, SATISFIED),
                                                            policy)


@pytest.mark.parametrize("licence", ["Apache-2.0", "CC-BY-NC-4.0", "proprietary", "unknown"])
def test_the_worst_reading_is_what_declaring_nothing_gets(licence: str) -> None:
    given = None if licence == "unknown" else licence
    assert advise([NET], given).worst == _area(_declared(licence, NOTHING), "ml-policy")

