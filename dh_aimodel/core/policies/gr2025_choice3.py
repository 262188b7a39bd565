"""2025 GR choice 3 (Aigars Mahinovs; withdrawn with the GR, no vote held): data information.

"Training data ... is not to be considered 'source code'"; models "are
compatible with DFSG only if they provide complete 'Training Data
Information'", and those whose reproduction "is prohibitively expensive or is
impractical" only if they "provide ways to modify the AI model ... directly".
So: main when the weights are free, the training code is free and available
and ``data-information`` is complete (and, when ``reproducible: no``, when
``fine-tuning: practical``); otherwise non-free (our reading), none when the
weights may not be redistributed.
"""

from __future__ import annotations

from dh_aimodel.core.declaration import Model
from dh_aimodel.core.policies import Area, Context, ModelVerdict, Policy, Reason
from dh_aimodel.core.policies._shared import GR2025_STATUS, base_model, facts, relabel

NAME = "gr2025-choice3"

_RULES = {
    "ml-policy/undistributable": f"{NAME}/undistributable",
    "ml-policy/free-model-1": f"{NAME}/weights-not-free",
    "ml-policy/free-model-3": f"{NAME}/training-code",
}


def judge(model: Model, context: Context) -> ModelVerdict:
    f = facts(model, context)
    training = model.training
    reasons = relabel(f.weights + f.software, NAME, _RULES)
    info = training.effective_data_information
    if info != "complete":
        reasons.append(Reason(f"{NAME}/data-information", NAME,
                              f"training data information is {info}, not complete "
                              "(training.data-information)"))
    if training.reproducible == "no" and training.fine_tuning != "practical":
        reasons.append(Reason(f"{NAME}/modifiable", NAME,
                              "reproduction is declared impractical (reproducible: no) and "
                              "no way to modify the model directly is declared "
                              f"(fine-tuning: {training.fine_tuning})"))
    area: Area
    if f.undistributable:
        area = "none"
    elif reasons:
        area = "non-free"
    else:
        area = "main"
    cls, area, more = base_model(model, context, NAME, f.own_class, area)
    reasons += more
    if area == "main":
        reasons.append(Reason(f"{NAME}/main", NAME,
                              "free weights, free and available training code, complete "
                              "training data information", severity="info"))
    return ModelVerdict(name=model.name, delivery=model.delivery, cls=cls, area=area,
                        reasons=tuple(reasons))


POLICY = Policy(
    name=NAME,
    title="2025 GR choice 3, Aigars Mahinovs (training data information)",
    url="https://lists.debian.org/debian-vote/2025/05/msg00079.html",
    status=GR2025_STATUS,
    gives_area=True,
    judge=judge,
)
