"""The JSON shape of ``aimodel classify --format json`` (aimodel-yaml.md, normative).

Only plain dicts and lists in a fixed key order, so the output is stable.
"""

from __future__ import annotations

from typing import Any

from .classification import Classification, PackageVerdict
from .policies import ModelVerdict, Reason


def _reason(r: Reason) -> dict[str, Any]:
    out: dict[str, Any] = {"rule": r.rule, "basis": r.basis, "text": r.text}
    if r.severity != "error":
        out["severity"] = r.severity
    return out


def _model(v: ModelVerdict, gives_area: bool) -> dict[str, Any]:
    out: dict[str, Any] = {"name": v.name}
    if gives_area:
        out["class"] = v.cls
    else:
        out["verdict"] = v.verdict
    out["area"] = v.area
    out["delivery"] = v.delivery
    out["reasons"] = [_reason(r) for r in v.reasons]
    return out


def _package(p: PackageVerdict, gives_area: bool) -> dict[str, Any]:
    return {
        "package": p.package,
        "area": p.area,
        "section_recommended": p.section_recommended,
        "section_declared": p.section_declared,
        "models": [_model(m, gives_area) for m in p.models],
        "reasons": [_reason(r) for r in p.reasons],
    }


def classification_json(c: Classification) -> dict[str, Any]:
    out: dict[str, Any] = {"format": 1, "policy": c.policy.name}
    if c.source is not None:
        s = c.source
        out["source"] = {"name": s.name, "area": s.area,
                         "section_recommended": s.section_recommended,
                         "section_declared": s.section_declared,
                         "reasons": [_reason(r) for r in s.reasons]}
    out["packages"] = [_package(p, c.policy.gives_area) for p in c.packages]
    return out
