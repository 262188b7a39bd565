"""2025 GR choice 2 (Sam Hartman; withdrawn, no vote held): a preferred form of modification.

Acceptable forms: the original training data; "a base model ... along with
training data for any fine tuning"; or "a model along with necessary tools to
perform incremental fine tuning ... if doing additional incremental training
is actually the approach that the upstream project uses".  So a ToxicCandy
model is main when ``training.fine-tuning: practical``, and a fine-tuned
model is main when its base model is main under this policy and its own
fine-tuning data and program are public and free.
"""

from __future__ import annotations

from dh_aimodel.core.declaration import Model
from dh_aimodel.core.policies import Area, Context, ModelVerdict, Policy, Reason
from dh_aimodel.core.policies._shared import GR2025_STATUS, base_model, facts, relabel

NAME = "gr2025-choice2"

_RULES = {
    "ml-policy/undistributable": f"{NAME}/undistributable",
    "ml-policy/free-model-1": f"{NAME}/weights-not-free",
    "ml-policy/free-model-2": f"{NAME}/training-data",
    "ml-policy/free-model-2-generated": f"{NAME}/training-data",
    "ml-policy/free-model-3": f"{NAME}/training-program",
}


def judge(model: Model, context: Context) -> ModelVerdict:
    f = facts(model, context)
    reasons = relabel(f.weights, NAME, _RULES)
    practical = model.training.fine_tuning == "practical"
    base = context.decided.get(model.base_model) if model.base_model else None
    fine_tuned_ok = (base is not None and base.area == "main" and f.weights_free
                     and not f.candy)
    area: Area
    if f.undistributable:
        area = "none"
    elif not f.weights_free:
        area = "non-free"
    elif not f.candy:
        area = "main"
    elif practical:
        area = "main"
        reasons += relabel(f.data + f.software, NAME, _RULES, severity="info")
        reasons.append(Reason(f"{NAME}/fine-tuning-practical", NAME,
                              "upstream modifies this model by incremental fine-tuning "
                              "(fine-tuning: practical): the model with the tools to "
                              "fine-tune it is a preferred form of modification",
                              severity="info"))
    else:
        area = "non-free"
        reasons += relabel(f.data + f.software, NAME, _RULES)
        reasons.append(Reason(f"{NAME}/no-preferred-form", NAME,
                              "no preferred form of modification: the training data or program "
                              "is missing and fine-tuning is not upstream's practice "
                              f"(fine-tuning: {model.training.fine_tuning})"))
    cls = f.own_class
    if fine_tuned_ok:
        assert base is not None
        reasons.append(Reason(f"{NAME}/fine-tuned", NAME,
                              f"base model {base.name} is main under {NAME} and this model's "
                              "fine-tuning data and program are public and free",
                              severity="info"))
    else:
        cls, area, more = base_model(model, context, NAME, cls, area)
        reasons += more
    if area == "main" and not fine_tuned_ok and not (f.candy and practical):
        reasons.append(Reason(f"{NAME}/main", NAME,
                              "free weights with their original training data and program",
                              severity="info"))
    return ModelVerdict(name=model.name, delivery=model.delivery, cls=cls, area=area,
                        reasons=tuple(reasons))


POLICY = Policy(
    name=NAME,
    title="2025 GR choice 2, Sam Hartman (preferred form of modification)",
    url="https://lists.debian.org/debian-vote/2025/05/msg00050.html",
    status=GR2025_STATUS,
    gives_area=True,
    judge=judge,
)
