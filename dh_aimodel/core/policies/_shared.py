"""What several policies judge alike, in one place.

The area policies (gr2025-*) read the same facts as ml-policy (is the
weights licence free, are the training data and program public and free):
:func:`facts` takes them from :mod:`ml_policy`'s own checks, and
:func:`relabel` gives each reason the calling policy's rule id and basis, so
no policy copies ml-policy's logic.  The openness policies (osaid-1.0, mof)
share the licence lists of ``data/osi-licenses.yaml``.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Literal, Mapping

from dh_aimodel.core.datafiles import load_yaml
from dh_aimodel.core.declaration import Model
from dh_aimodel.core.licenses import LicenseSyntaxError, parser
from dh_aimodel.core.licenses import judge as judge_license
from dh_aimodel.core.policies import (
    Area,
    Context,
    ModelClass,
    Reason,
    ml_policy,
    worst_area,
    worst_class,
)

#: ml-policy's rule ids, by what they are about.
WEIGHTS_UNDISTRIBUTABLE = "ml-policy/undistributable"


@dataclass(frozen=True, slots=True)
class Facts:
    """ml-policy's findings for one model, before any policy maps them to an area."""

    weights: tuple[Reason, ...]
    data: tuple[Reason, ...]
    software: tuple[Reason, ...]
    #: ML-Policy class of the model itself (base model not considered).
    own_class: ModelClass
    #: Non-free software needed to retrain in reasonable time.
    requirements: tuple[str, ...]

    @property
    def undistributable(self) -> bool:
        return any(r.rule == WEIGHTS_UNDISTRIBUTABLE for r in self.weights)

    @property
    def weights_free(self) -> bool:
        return not self.weights

    @property
    def candy(self) -> bool:
        """Training data or program fail ML-Policy's Free Model conditions 2 or 3."""
        return bool(self.data or self.software)


def facts(model: Model, context: Context) -> Facts:
    weights = ml_policy._weights(model, context)
    data = tuple(ml_policy._data(model, context))
    software = tuple(ml_policy._software(model, context))
    classes = [c for c, _ in weights] + (["toxic-candy"] if data or software else [])
    requirements = tuple(sorted({req for sw in model.training.software
                                 for req in sw.non_free_requirements}))
    return Facts(tuple(r for _, r in weights), data, software, worst_class(classes),
                 requirements)


def relabel(reasons: tuple[Reason, ...] | list[Reason], policy: str,
            rules: Mapping[str, str],
            severity: Literal["error", "warning", "info"] | None = None) -> list[Reason]:
    """ml-policy's reasons under ``policy``'s rule ids (``rules``: ml-policy id -> own id)."""
    return [Reason(rules[r.rule], policy, r.text, severity or r.severity) for r in reasons]


def base_model(model: Model, context: Context, policy: str, cls: ModelClass,
               area: Area) -> tuple[ModelClass, Area, list[Reason]]:
    """A fine-tuned model is no better than its base model under the same policy.

    Fine-tuned weights contain the base weights, so the base model's training
    data and program are part of their source (as ml-policy/base-model).
    """
    base = context.decided.get(model.base_model) if model.base_model else None
    if base is None or base.area is None or base.cls is None:
        return cls, area, []
    new_cls = worst_class([cls, base.cls])
    new_area = worst_area([area, base.area])
    if new_area == area:
        return new_cls, area, []
    return new_cls, new_area, [Reason(
        f"{policy}/base-model", policy,
        f"base model {base.name} is {base.area} under {policy}: fine-tuned weights contain "
        "the base weights, so this model can be no better")]


#: Status of every option of the 2025 General Resolution.
GR2025_STATUS = "withdrawn proposal (2025 GR withdrawn, no vote held; not a Debian policy)"


# -- openness policies: licence lists ------------------------------------------

ContentType = Literal["code", "data", "document"]


@functools.cache
def _lists() -> dict[str, frozenset[str]]:
    raw = load_yaml("osi-licenses.yaml")
    return {key: frozenset(str(i).lower() for i in raw[key])
            for key in ("osi-approved", "open-data", "open-document")}


_LIST_OF: dict[ContentType, str] = {
    "code": "osi-approved", "data": "open-data", "document": "open-document"}


@functools.lru_cache(maxsize=4096)
def licence_ids_ok(expression: str | None, accepted: frozenset[str]) -> bool:
    """``A OR B``: either side in ``accepted``; ``A AND B``: both; ``A WITH e``: A.

    ``unknown``, ``proprietary``, unparsable expressions and ``None`` (no
    licence) are never accepted.
    """
    if expression is None:
        return False
    try:
        canonical = judge_license(expression).canonical
    except LicenseSyntaxError:
        return False
    from license_expression import LicenseSymbol, LicenseWithExceptionSymbol

    licensing = parser()
    tree = licensing.parse(canonical, simple=True, strict=False)

    def ok(node: object) -> bool:
        if isinstance(node, LicenseWithExceptionSymbol):
            return ok(node.license_symbol)
        if isinstance(node, LicenseSymbol):
            return str(node.key).lower() in accepted
        args = getattr(node, "args", ())
        if isinstance(node, licensing.AND):
            return all(ok(a) for a in args)
        return any(ok(a) for a in args)

    return ok(tree)


def licence_fits(expression: str | None, content: tuple[ContentType, ...] | list[ContentType]) -> bool:
    """Is the licence valid for a component whose content types are ``content``?"""
    lists = _lists()
    accepted = frozenset().union(*(lists[_LIST_OF[c]] for c in content))
    return licence_ids_ok(expression, accepted)


def osi_approved(expression: str | None) -> bool:
    return licence_fits(expression, ("code",))


def list_ids(name: str) -> frozenset[str]:
    """One list of ``osi-licenses.yaml`` (lower-case ids), for tests."""
    return _lists()[name]
