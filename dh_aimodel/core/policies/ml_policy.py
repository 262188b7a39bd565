"""The Debian ML-Policy decision procedure (classification.md, normative).

Every rule has a stable id and a basis: ``ml-policy`` where the ML-Policy's
own text says it, ``derived`` where it follows from the DFSG / Debian Policy
2.2 by our reading.  All failing rules are reported, so a maintainer can fix
them in one go.
"""

from __future__ import annotations

from dh_aimodel.core.declaration import Model
from dh_aimodel.core.licenses import LicenseJudgement
from dh_aimodel.core.licenses import judge as judge_license
from dh_aimodel.core.policies import (
    Area,
    Context,
    ModelClass,
    ModelVerdict,
    Policy,
    Reason,
    worst_class,
)

NAME = "ml-policy"
ML = "ml-policy"
DERIVED = "derived"

_CLASS_AREA: dict[ModelClass, Area] = {
    "free": "main", "toxic-candy": "non-free", "non-free": "non-free",
    "undistributable": "none",
}


def _licence_is_free(expression: str, context: Context) -> tuple[bool, str]:
    """(free?, why not) for a data or software licence."""
    judgement = judge_license(expression, context.local_licenses)
    return judgement.verdict == "free", "; ".join(judgement.reasons)


def _weights(model: Model, context: Context) -> list[tuple[ModelClass, Reason]]:
    failures: list[tuple[ModelClass, Reason]] = []
    judgement = judge_license(model.license, context.local_licenses)
    if not model.distributable:
        failures.append(("undistributable", Reason(
            "ml-policy/undistributable", DERIVED,
            "the declaration says the weights may not be redistributed (distributable: false)")))
    elif judgement.verdict == "undistributable":
        failures.append(("undistributable", Reason(
            "ml-policy/undistributable", DERIVED, _weights_licence(model, judgement))))
    if judgement.verdict != "free":
        failures.append(("non-free", Reason(
            "ml-policy/free-model-1", ML, _weights_licence(model, judgement))))
    return failures


def _weights_licence(model: Model, judgement: LicenseJudgement) -> str:
    """Why the weights licence fails, as one sentence.

    The knowledge base's reasons already name the licence (or the part of an
    expression) they are about, e.g. ``CC-BY-NC-4.0 is not DFSG-free:
    non-commercial use only (DFSG 6)``; only an unknown licence needs the
    declared expression and the verdict spelled out.
    """
    why = "; ".join(judgement.reasons)
    if judgement.verdict == "unknown":
        return f"weights licence {model.license} is not known to be DFSG-free: {why}"
    return f"weights licence {why}"


def _data(model: Model, context: Context) -> list[Reason]:
    training = model.training
    reasons = []
    if not training.data:
        reasons.append(Reason("ml-policy/free-model-2", ML, "no training dataset is declared"))
    for ds in training.data:
        if ds.availability not in ("public", "generated"):
            reasons.append(Reason("ml-policy/free-model-2", ML,
                                  f"training dataset {ds.name} is not publicly available "
                                  f"(availability: {ds.availability})"))
        free, why = _licence_is_free(ds.license, context)
        if not free:
            reasons.append(Reason("ml-policy/free-model-2", ML,
                                  f"training dataset {ds.name} is not under a DFSG-free "
                                  f"licence: {why}"))
    generated = [ds for ds in training.data if ds.availability == "generated"]
    has_free_generator = any(sw.available and _licence_is_free(sw.license, context)[0]
                             for sw in training.software)
    if generated and not has_free_generator:
        for ds in generated:
            reasons.append(Reason("ml-policy/free-model-2-generated", ML,
                                  f"training dataset {ds.name} is generated, but no free and "
                                  "available software that could generate it is listed "
                                  "under training.software"))
    return reasons


def _software(model: Model, context: Context) -> list[Reason]:
    software = model.training.software
    reasons = []
    if not software:
        reasons.append(Reason("ml-policy/free-model-3", ML, "no training software is declared"))
    for sw in software:
        if not sw.available:
            reasons.append(Reason("ml-policy/free-model-3", ML,
                                  f"the complete training program {sw.name} is not "
                                  "published (available: false)"))
            continue  # the licence of a program nobody has adds nothing to that
        free, why = _licence_is_free(sw.license, context)
        if not free:
            reasons.append(Reason("ml-policy/free-model-3", ML,
                                  f"training software {sw.name} is not under a DFSG-free "
                                  f"licence: {why}"))
    return reasons


def judge(model: Model, context: Context) -> ModelVerdict:
    """Classify one model; its base model (if any) must already be in ``context.decided``."""
    failures = _weights(model, context)
    candy = _data(model, context) + _software(model, context)
    failures += [("toxic-candy", r) for r in candy]
    cls = worst_class([c for c, _ in failures])
    reasons = [r for _, r in failures]
    base = context.decided.get(model.base_model) if model.base_model else None
    base_contrib = False
    if base is not None and base.cls is not None:
        if base.cls != cls and worst_class([base.cls, cls]) == base.cls:
            reasons.append(Reason(
                "ml-policy/base-model", DERIVED,
                f"base model {base.name} is {base.cls}: fine-tuned weights contain the base "
                "weights, so the base model's training data and program are part of their "
                "source"))
            cls = base.cls
        base_contrib = cls == "free" and base.area == "contrib"
    area = _CLASS_AREA[cls]
    if cls == "free":
        requirements = sorted({req for sw in model.training.software
                               for req in sw.non_free_requirements})
        if requirements:
            area = "contrib"
            reasons.append(Reason("ml-policy/retrain-needs-non-free", DERIVED,
                                  "retraining in reasonable time needs software outside main ("
                                  + ", ".join(requirements) + "); Policy 2.2.2 puts such "
                                  "packages in contrib"))
        if base_contrib:
            area = "contrib"
            reasons.append(Reason("ml-policy/base-model", DERIVED,
                                  f"base model {model.base_model} needs software outside main "
                                  "to retrain, and so does this model"))
        if not reasons:
            reasons.append(Reason("ml-policy/free-model", ML,
                                  f"weights licence {model.license} is DFSG-free, every "
                                  "training dataset is public and DFSG-free, and the complete "
                                  "training program is free and available", severity="info"))
    if model.training.reproducible == "no":
        reasons.append(Reason("ml-policy/reproducible", ML,
                              "training is declared not reproducible; a Free Model should be "
                              "reproducible (numerically, or to similar performance)",
                              severity="warning"))
    return ModelVerdict(name=model.name, delivery=model.delivery, cls=cls, area=area,
                        reasons=tuple(reasons))


POLICY = Policy(
    name=NAME,
    title="Debian ML-Policy (Free / ToxicCandy / Non-free models)",
    url="https://salsa.debian.org/deeplearning-team/ml-policy",
    status="unofficial Debian Deep Learning Team policy",
    gives_area=True,
    judge=judge,
)
