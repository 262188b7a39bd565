"""OSI Open Source AI Definition 1.0: open or not-open, never an archive area.

Required: "Data Information" sufficient for a skilled person to build a
substantially equivalent system (``training.data-information: complete``),
the complete code used to train and run the system under OSI-approved
licences, and the parameters under OSI-approved (open) terms.  The training
data itself is not required, so "open" says nothing about Debian's main.
"""

from __future__ import annotations

from dh_aimodel.core.declaration import Model
from dh_aimodel.core.policies import Context, ModelVerdict, Policy, Reason
from dh_aimodel.core.policies._shared import licence_fits, osi_approved

NAME = "osaid-1.0"

#: Declared ``components`` holding code: OSAID's "Code" covers them all.
_CODE_COMPONENTS = ("data-preprocessing-code", "evaluation-code", "inference-code",
                    "model-architecture", "supporting-libraries", "training-code")


def _code(model: Model) -> list[Reason]:
    reasons = []
    if not model.training.software:
        reasons.append(Reason(f"{NAME}/code", NAME, "no training code is declared"))
    for sw in model.training.software:
        if not sw.available:
            reasons.append(Reason(f"{NAME}/code", NAME,
                                  f"training code {sw.name} is not published (available: false)"))
        if not osi_approved(sw.license):
            reasons.append(Reason(f"{NAME}/code", NAME,
                                  f"training code {sw.name} is not under an OSI-approved "
                                  f"licence ({sw.license})"))
    for key in _CODE_COMPONENTS:
        component = model.components.get(key)
        if component is not None and not osi_approved(component.license):
            reasons.append(Reason(f"{NAME}/code", NAME,
                                  f"{key} is not under an OSI-approved licence "
                                  f"({component.license or 'no licence'})"))
    return reasons


def judge(model: Model, context: Context) -> ModelVerdict:
    reasons = []
    info = model.training.effective_data_information
    if info != "complete":
        reasons.append(Reason(f"{NAME}/data-information", NAME,
                              f"training data information is {info}, not complete "
                              "(training.data-information)"))
    reasons += _code(model)
    if not model.distributable:
        reasons.append(Reason(f"{NAME}/parameters", NAME,
                              "the parameters may not be redistributed (distributable: false)"))
    elif not licence_fits(model.license, ("code", "data")):
        reasons.append(Reason(f"{NAME}/parameters", NAME,
                              f"the parameters' licence {model.license} is not an OSI-approved "
                              "or open data licence"))
    base = context.decided.get(model.base_model) if model.base_model else None
    if base is not None and base.verdict != "open":
        reasons.append(Reason(f"{NAME}/base-model", NAME,
                              f"base model {base.name} is not open: the data information and "
                              "code used to derive these parameters include the base model's"))
    verdict = "not-open" if reasons else "open"
    if not reasons:
        reasons.append(Reason(f"{NAME}/open", NAME,
                              "open: complete data information, OSI-licensed code, open "
                              "parameters (this says nothing about the Debian archive area)",
                              severity="info"))
    return ModelVerdict(name=model.name, delivery=model.delivery, verdict=verdict,
                        area=None, reasons=tuple(reasons))


POLICY = Policy(
    name=NAME,
    title="OSI Open Source AI Definition 1.0",
    url="https://opensource.org/ai/open-source-ai-definition",
    status="published definition (OSI), not a Debian policy: never implies main",
    gives_area=False,
    judge=judge,
)
