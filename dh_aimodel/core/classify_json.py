"""The JSON shape of ``aimodel classify --format json`` (aimodel-yaml.md, normative).

Only plain dicts and lists in a fixed key order, so the output is stable.
"""

from __future__ import annotations

from typing import Any

from dh_aimodel.core.classification import Classification, PackageVerdict
from dh_aimodel.core.policies import ModelVerdict, Policy, Reason


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
    out: dict[str, Any] = {"format": 1, "policy": c.policy.name,
                           "policy_info": policy_json(c.policy)}
    if c.source is not None:
        s = c.source
        out["source"] = {"name": s.name, "area": s.area,
                         "section_recommended": s.section_recommended,
                         "section_declared": s.section_declared,
                         "reasons": [_reason(r) for r in s.reasons]}
    out["packages"] = [_package(p, c.policy.gives_area) for p in c.packages]
    return out


def policy_json(policy: Policy) -> dict[str, Any]:
    """Who wrote a policy and its status: every verdict names its source."""
    return {"name": policy.name, "title": policy.title, "url": policy.url,
            "status": policy.status, "gives_area": policy.gives_area}


def _verdict(v: ModelVerdict, gives_area: bool) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if gives_area:
        out["class"] = v.cls
    else:
        out["verdict"] = v.verdict
    out["area"] = v.area
    out["reasons"] = [_reason(r) for r in v.reasons]
    return out


def all_policies_json(results: "list[Classification] | tuple[Classification, ...]") -> dict[str, Any]:
    """``classify --all-policies --format json``: models x policies, side by side.

    Models and packages are sorted by name, policies keep the registry's
    order; the caller dumps with ``sort_keys`` so every object is sorted too.
    """
    models: dict[str, dict[str, Any]] = {}
    packages: dict[str, dict[str, Any]] = {}
    source: dict[str, Any] | None = None
    for c in results:
        name = c.policy.name
        for p in c.packages:
            if p.package is not None:
                entry = packages.setdefault(p.package, {"package": p.package, "areas": {}})
                entry["areas"][name] = p.area
            for m in p.models:
                entry = models.setdefault(m.name, {"name": m.name, "package": p.package,
                                                   "delivery": m.delivery, "verdicts": {}})
                entry["verdicts"][name] = _verdict(m, c.policy.gives_area)
        if c.source is not None:
            source = source or {"name": c.source.name, "areas": {}}
            source["areas"][name] = c.source.area
    out: dict[str, Any] = {
        "format": 1,
        "policies": [policy_json(c.policy) for c in results],
        "models": [models[k] for k in sorted(models)],
        "packages": [packages[k] for k in sorted(packages)],
    }
    if source is not None:
        out["source"] = source
    return out


def all_policies_table(results: "list[Classification] | tuple[Classification, ...]") -> dict[str, Any]:
    """What ``templates/classify-table.txt.j2`` prints: padded rows, sorted.

    Cells are the area for area policies and the verdict for openness
    policies; package and source rows give area policies' package areas.
    """
    data = all_policies_json(results)
    names = [p["name"] for p in data["policies"]]
    header = ["model"] + names
    rows: list[list[str]] = []
    for m in data["models"]:
        cells = [m["name"]]
        for p in data["policies"]:
            v = m["verdicts"].get(p["name"])
            if v is None:
                cells.append("-")
            elif p["gives_area"]:
                cells.append(v["area"] or "-")
            else:
                cells.append(v["verdict"] or "-")
        rows.append(cells)
    for p in data["packages"]:
        rows.append([f"package {p['package']}"]
                    + [p["areas"].get(n) or "-" for n in names])
    if "source" in data:
        rows.append([f"source {data['source']['name']}"]
                    + [data["source"]["areas"].get(n) or "-" for n in names])
    widths = [max(len(r[i]) for r in [header] + rows) for i in range(len(header))]

    def line(cells: list[str]) -> str:
        return "  ".join(c.ljust(w) for c, w in zip(cells, widths)).rstrip()

    details = []
    for m in data["models"]:
        for p in data["policies"]:
            v = m["verdicts"].get(p["name"])
            if v is None:
                continue
            shown = [r for r in v["reasons"] if r.get("severity") != "info"]
            if shown:
                details.append({"model": m["name"], "policy": p["name"], "reasons": shown})
    return {"header": line(header), "rule": line(["-" * w for w in widths]),
            "rows": [line(r) for r in rows], "policies": data["policies"],
            "details": details}
