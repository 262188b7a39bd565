"""Policies: readings of the DFSG (and of openness) for trained models.

A policy is a :class:`Policy` value: who wrote the rule, its status, and a
pure function from one model (plus what was decided for its base model) to a
:class:`ModelVerdict` with reasons.  Policies are listed in ``_MODULES`` and
imported only when asked for, so adding one is one module plus its tests.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Callable, Literal, Mapping

from dh_aimodel.core.declaration import LicenseVerdict, Model
from dh_aimodel.core.errors import UsageError

ModelClass = Literal["free", "toxic-candy", "non-free", "undistributable"]
Area = Literal["main", "contrib", "non-free", "none"]
Basis = str  # "ml-policy", "derived" or the name of another policy

#: Best to worst; a package's area is the worst of its models'.
AREAS: tuple[Area, ...] = ("main", "contrib", "non-free", "none")
CLASSES: tuple[ModelClass, ...] = ("free", "toxic-candy", "non-free", "undistributable")

_MODULES: dict[str, str] = {
    "ml-policy": "dh_aimodel.core.policies.ml_policy",
    "gr2025-a": "dh_aimodel.core.policies.gr2025_a",
    "gr2025-glaser": "dh_aimodel.core.policies.gr2025_glaser",
    "gr2025-choice2": "dh_aimodel.core.policies.gr2025_choice2",
    "gr2025-choice3": "dh_aimodel.core.policies.gr2025_choice3",
    "osaid-1.0": "dh_aimodel.core.policies.osaid",
    "mof": "dh_aimodel.core.policies.mof",
}


@dataclass(frozen=True, slots=True)
class Reason:
    rule: str
    basis: Basis
    text: str
    #: "warning" reasons (such as ml-policy/reproducible) never change the area.
    severity: Literal["error", "warning", "info"] = "error"


@dataclass(frozen=True, slots=True)
class ModelVerdict:
    name: str
    delivery: str
    reasons: tuple[Reason, ...]
    cls: ModelClass | None = None
    area: Area | None = None
    #: For policies judging openness (osaid-1.0, mof): their verdict word.
    verdict: str | None = None


@dataclass(frozen=True, slots=True)
class Context:
    """What a policy may consult besides the model itself."""

    #: The declaration's own verdicts for LicenseRef ids.
    local_licenses: Mapping[str, LicenseVerdict]
    #: Verdicts already given to other models of the file (bases come first).
    decided: Mapping[str, ModelVerdict]


@dataclass(frozen=True, slots=True)
class Policy:
    name: str
    title: str
    url: str
    #: e.g. "unofficial team policy", "withdrawn proposal".
    status: str
    #: True when the policy maps models to archive areas (else: openness verdicts).
    gives_area: bool
    judge: Callable[[Model, Context], ModelVerdict]


def names() -> tuple[str, ...]:
    """The names of the shipped policies, in a stable order."""
    return tuple(_MODULES)


def get(name: str) -> Policy:
    """The policy called ``name``; a usage error lists the shipped names."""
    try:
        module = _MODULES[name]
    except KeyError:
        raise UsageError(f"unknown policy '{name}'; accepted: {', '.join(names())}") from None
    return importlib.import_module(module).POLICY


def worst_area(areas: "list[Area] | tuple[Area, ...]") -> Area:
    return max(areas, key=AREAS.index, default="main")


def worst_class(classes: "list[ModelClass] | tuple[ModelClass, ...]") -> ModelClass:
    return max(classes, key=CLASSES.index, default="free")
