"""Archive-area advice for a package that ships models nobody declared.

An archive reviewer points ``aimodel lint`` or ``aimodel survey`` at a .deb
that has no debian/aimodel.yaml behind it.  What the tool knows is what the
files are (their families, :mod:`dh_aimodel.formats.families`) and what
the package's copyright file says of them; training data and training
program are unknown.  The advice states the most favourable area those
known facts allow under each policy, the area that follows if the unknown
facts turn out against the package, and what a declaration would have to
show to reach main.  It is advice, never an error: every fact it rests on
is one the tool only read or suspects.

The areas are never computed here: :func:`advise` writes the two readings
down as hypothetical declarations and has the real policies and
:mod:`dh_aimodel.core.classification` judge them, so the advice cannot
disagree with what a declaration of those facts would get.  *Most
favourable* means every unknown fact declared as satisfied; a licence the
knowledge base has no verdict for (``other``, a ``LicenseRef``) is such an
unknown fact, a licence it judges non-free is not.  Tables (statistical
tables, not trained weights) are judged as data: only their licence counts.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal

from dh_aimodel.core.classification import classify, judge_models
from dh_aimodel.core.declaration import (
    Dataset,
    Declaration,
    FileSpec,
    LicenseVerdict,
    Model,
    Software,
    Training,
)
from dh_aimodel.core.errors import Pos
from dh_aimodel.core.licenses import UNKNOWN_WORD, LicenseSyntaxError, Verdict
from dh_aimodel.core.licenses import judge as judge_license
from dh_aimodel.core.policies import Area, Policy, get, names, worst_area


@dataclass(frozen=True, slots=True)
class Advice:
    """The advice for one binary package."""

    #: Most favourable area the known facts allow under the ML-Policy
    #: ("main", "contrib", "non-free", "none").
    area: str
    #: The same for each policy that gives an area, by policy name.
    policies: Mapping[str, str]
    #: Area under the ML-Policy when every unknown fact is against the package.
    worst: str
    #: The licence the package's copyright file gives for the model files
    #: (an SPDX-style expression), None when it does not say.
    licence: str | None
    #: What is unknown: "weights licence" ("licence" when the package has only
    #: tables) unless the copyright file gives one the knowledge base judges,
    #: and, when there is a model, "training data" and "training program".
    unknown: tuple[str, ...]
    #: What a declaration would have to show to reach main, one phrase each;
    #: when even the most favourable area is not main, why main is out of reach.
    needs: tuple[str, ...]


FoundKind = Literal["model", "table"]


@dataclass(frozen=True, slots=True)
class FoundModel:
    """A model or table found in the package (a family of
    :mod:`dh_aimodel.formats.families`; core cannot import formats, so the
    caller passes the family's kind along)."""

    #: Package-relative path of the file, or of the directory a model spans.
    path: str
    #: The family's id (``tesseract-lstm``).
    family: str
    #: ``model`` (trained weights) or ``table`` (statistical tables, judged as data).
    kind: FoundKind


#: The licence of a fact the most favourable reading takes as satisfied: a
#: LicenseRef that the hypothetical declaration itself calls free.
ASSUMED_FREE = "LicenseRef-aimodel-assumed-free"
_POS = Pos("(advice)", 1, 1)
_ASSUMED = MappingProxyType({ASSUMED_FREE: LicenseVerdict(
    ASSUMED_FREE, "free", _POS, "a fact the advice takes as satisfied")})

#: Training facts as the most favourable reading has them: public, free data
#: and a free, available program that needs nothing outside main.
_SATISFIED = Training(
    data=(Dataset("training data", ASSUMED_FREE, "public", _POS),),
    software=(Software("training program", ASSUMED_FREE, True, _POS),))
#: ... and as the worst reading has them: nothing declared.
_MISSING = Training()

ML_POLICY = "ml-policy"


def advise(found: Sequence[FoundModel], licence: str | None) -> Advice:
    """The area advice for a package that ships ``found`` and no declaration.

    ``licence`` is what its copyright file gives for those files
    (:func:`dh_aimodel.packaging.copyright_licence.licence_for`), None when
    it does not say.  Two hypothetical declarations are judged by the real
    policies and :func:`dh_aimodel.core.classification.classify`, so the
    advice is what a declaration would get: the most favourable one declares
    every unknown fact as satisfied (public, free training data; a free,
    available training program; a free licence when the knowledge base
    cannot judge the one given), the worst one declares no training data or
    program and the licence as given (``unknown`` when none is).  A table is
    data: both readings give it satisfied training facts, so only its
    licence decides.
    """
    units = list({f.path: f for f in found}.values())
    verdict = _verdict(licence)
    judged = verdict in ("free", "non-free", "undistributable")
    best_licence = licence if judged and licence is not None else ASSUMED_FREE
    worst_licence = licence if licence is not None and verdict is not None else UNKNOWN_WORD
    best = _declaration(units, best_licence, _SATISFIED)
    worst = _declaration(units, worst_licence, _MISSING)
    policies = {name: _area(best, get(name)) for name in names() if get(name).gives_area}
    area = policies[ML_POLICY]
    models = any(f.kind == "model" for f in units)
    unknown = (("weights licence" if models else "licence",) if not judged else ()) + (
        ("training data", "training program") if models else ())
    return Advice(area=area, policies=MappingProxyType(policies),
                  worst=_area(worst, get(ML_POLICY)), licence=licence, unknown=unknown,
                  needs=_needs(worst, licence, verdict, area, models))


def _verdict(licence: str | None) -> Verdict | None:
    """The knowledge base's verdict, None when there is no licence expression."""
    if licence is None:
        return None
    try:
        return judge_license(licence).verdict
    except LicenseSyntaxError:
        return None


def _declaration(units: Sequence[FoundModel], licence: str, training: Training) -> Declaration:
    """One shipped model per unit; a table keeps satisfied training facts."""
    models = tuple(
        Model(name=f.path, pos=_POS, license=licence, license_pos=_POS,
              files=(FileSpec(f.path, _POS),),
              training=training if f.kind == "model" else _SATISFIED)
        for f in units)
    return Declaration(path="(advice)", format=1, models=models, licenses=_ASSUMED)


def _area(declaration: Declaration, policy: Policy) -> Area:
    """The package's area under ``policy`` (main when it ships nothing)."""
    areas = [p.area for p in classify(declaration, None, policy).packages
             if p.area is not None]
    return worst_area(areas)


def _needs(worst: Declaration, licence: str | None, verdict: Verdict | None, area: Area,
           models: bool) -> tuple[str, ...]:
    """What a declaration must show for main: one phrase per ML-Policy rule
    that fails in the worst reading, so nothing the known facts settle.

    When the licence alone keeps the package out of main even in the most
    favourable reading, that is all there is to say: no declaration helps.
    """
    failing = {r.rule for v in judge_models(worst, get(ML_POLICY)).values()
               for r in v.reasons if r.severity == "error"}
    label = "weights licence" if models else "licence"
    if area != "main":
        why = "; ".join(judge_license(str(licence)).reasons)
        if "ml-policy/undistributable" in failing:
            return (f"{label}: one that allows redistribution (the copyright file says "
                    f"{licence}, which does not)",
                    f"no archive area can take the package: {why}")
        return (f"{label}: DFSG-free (the copyright file says {licence}, which is not)",
                f"main is out of reach, {area} at best: {why}")
    out = []
    if "ml-policy/free-model-1" in failing:
        out.append(f"{label}: DFSG-free ({_licence_said(licence, verdict)})")
    if "ml-policy/free-model-2" in failing:
        out.append("training data: publicly available under a DFSG-free licence")
    if "ml-policy/free-model-3" in failing:
        out.append("training program: free software, available, and able to retrain "
                   "with software in main (else contrib)")
    return tuple(out)


def _licence_said(licence: str | None, verdict: Verdict | None) -> str:
    """What the copyright file says of a licence the advice cannot judge."""
    if licence is None:
        return "the copyright file does not say"
    if verdict is None:
        return f"the copyright file says {licence}, which is no licence expression"
    return (f"the copyright file says {licence}, which the licence knowledge base "
            "has no verdict for")
