"""2025 GR proposal A (Mo Zhou; withdrawn, no vote held): toxic candy is not main.

The proposal reads like ml-policy for main: "AI models released under open
source license without original training data or program ... can not be
included in the 'main' section".  It says nothing of contrib or non-free
("This proposal does not specify whether the 'non-free' section ... can
include those files"), so a model that is not main is reported with area
non-free (the ML-Policy reading) and a note that the proposal is silent.
"""

from __future__ import annotations

from dh_aimodel.core.declaration import Model
from dh_aimodel.core.policies import Area, Context, ModelVerdict, Policy, Reason
from dh_aimodel.core.policies._shared import GR2025_STATUS, base_model, facts, relabel

NAME = "gr2025-a"

_RULES = {
    "ml-policy/undistributable": f"{NAME}/undistributable",
    "ml-policy/free-model-1": f"{NAME}/weights-not-free",
    "ml-policy/free-model-2": f"{NAME}/training-data",
    "ml-policy/free-model-2-generated": f"{NAME}/training-data",
    "ml-policy/free-model-3": f"{NAME}/training-program",
}


def judge(model: Model, context: Context) -> ModelVerdict:
    f = facts(model, context)
    reasons = relabel(f.weights + f.data + f.software, NAME, _RULES)
    cls = f.own_class
    areas: dict[str, Area] = {"free": "main", "toxic-candy": "non-free", "non-free": "non-free",
                              "undistributable": "none"}
    area = areas[cls]
    cls, area, more = base_model(model, context, NAME, cls, area)
    reasons += more
    if cls == "toxic-candy" and area == "non-free":
        reasons.append(Reason(f"{NAME}/not-main", NAME,
                              "not main: a model under a free licence without its original "
                              "training data or program is not DFSG-compliant under "
                              "proposal A"))
    if area == "non-free":
        reasons.append(Reason(f"{NAME}/non-free-unspecified", NAME,
                              "proposal A does not say whether non-free may take this model; "
                              "area non-free is the ML-Policy reading", severity="info"))
    if area == "main":
        if f.requirements:
            reasons.append(Reason(f"{NAME}/retrain-needs-non-free", NAME,
                                  "retraining needs software outside main ("
                                  + ", ".join(f.requirements) + "); proposal A is silent on "
                                  "this (ml-policy would say contrib)", severity="warning"))
        reasons.append(Reason(f"{NAME}/main", NAME,
                              "free weights with their original training data and program",
                              severity="info"))
    return ModelVerdict(name=model.name, delivery=model.delivery, cls=cls, area=area,
                        reasons=tuple(reasons))


POLICY = Policy(
    name=NAME,
    title="2025 GR proposal A, Mo Zhou (toxic candy is not main)",
    url="https://lists.debian.org/debian-vote/2025/04/msg00101.html",
    status=GR2025_STATUS,
    gives_area=True,
    judge=judge,
)
