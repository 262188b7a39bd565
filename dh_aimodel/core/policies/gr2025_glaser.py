"""2025 GR counter-proposal of Thorsten Glaser (withdrawn with the GR, no vote held).

"The Debian project requires the same level of freedom for AI models than it
does for other works entering the archive": main needs free weights with free,
public training data and program; a model must "honour all licences of the
works used in training ... or it is not even acceptable for non-free"; the
copyright file "must include copyright notices from all training inputs".
Training data whose licence is unknown or proprietary cannot be shown to have
been honoured, so the model gets no area at all (our reading: derived).
"""

from __future__ import annotations

from dh_aimodel.core.declaration import Model
from dh_aimodel.core.licenses import judge as judge_license
from dh_aimodel.core.policies import Area, Context, ModelVerdict, Policy, Reason
from dh_aimodel.core.policies._shared import GR2025_STATUS, base_model, facts, relabel

NAME = "gr2025-glaser"

_RULES = {
    "ml-policy/undistributable": f"{NAME}/undistributable",
    "ml-policy/free-model-1": f"{NAME}/weights-not-free",
    "ml-policy/free-model-2": f"{NAME}/training-data",
    "ml-policy/free-model-2-generated": f"{NAME}/training-data",
    "ml-policy/free-model-3": f"{NAME}/training-program",
}


def _training_licences(model: Model, context: Context) -> tuple[list[Reason], list[str]]:
    """(reasons the training licences cannot be shown honoured, datasets under non-free terms)."""
    data = model.training.data
    if not data:
        return [Reason(f"{NAME}/training-licences", NAME,
                       "no training input is declared, so it cannot be shown that training "
                       "honoured their licences: not even acceptable for non-free")], []
    reasons, restricted = [], []
    for ds in data:
        verdict = judge_license(ds.license, context.local_licenses).verdict
        if verdict in ("unknown", "undistributable"):
            reasons.append(Reason(f"{NAME}/training-licences", NAME,
                                  f"training dataset {ds.name} is under licence {ds.license}: "
                                  "training cannot be shown to honour it, so the model is "
                                  "not even acceptable for non-free"))
        elif verdict == "non-free":
            restricted.append(ds.name)
    return reasons, restricted


def judge(model: Model, context: Context) -> ModelVerdict:
    f = facts(model, context)
    reasons = relabel(f.weights + f.data + f.software, NAME, _RULES)
    illegal, restricted = _training_licences(model, context)
    reasons += illegal
    cls = f.own_class
    area: Area
    if f.undistributable or illegal:
        area = "none"
    elif not f.weights_free or f.candy:
        area = "non-free"
    elif f.requirements:
        area = "contrib"
        reasons.append(Reason(f"{NAME}/retrain-needs-non-free", NAME,
                              "retraining needs software outside main ("
                              + ", ".join(f.requirements) + "): contrib"))
    else:
        area = "main"
    cls, area, more = base_model(model, context, NAME, cls, area)
    reasons += more
    if restricted and area != "none":
        reasons.append(Reason(f"{NAME}/honour-licences", NAME,
                              "training must have honoured the non-free terms of "
                              + ", ".join(restricted) + " (for instance non-commercial "
                              "clauses), or the model is not even acceptable for non-free",
                              severity="warning"))
    if model.training.data:
        reasons.append(Reason(f"{NAME}/copyright-training-inputs", NAME,
                              "debian/copyright must include the copyright notices of all "
                              "training inputs ("
                              + ", ".join(ds.name for ds in model.training.data)
                              + "), except inputs already packaged in Debian",
                              severity="warning"))
    if area == "main":
        reasons.append(Reason(f"{NAME}/main", NAME,
                              "free weights trained from free, public data with a free, "
                              "available program", severity="info"))
    return ModelVerdict(name=model.name, delivery=model.delivery, cls=cls, area=area,
                        reasons=tuple(reasons))


POLICY = Policy(
    name=NAME,
    title="2025 GR counter-proposal, Thorsten Glaser (same freedom as other works)",
    url="https://lists.debian.org/debian-vote/2025/05/msg00145.html",
    status=GR2025_STATUS,
    gives_area=True,
    judge=judge,
)
