"""LF AI & Data Model Openness Framework, as its Model Openness Tool evaluates it.

Class k (III "Open Model", II "Open Tooling", I "Open Science") is met when
every required component of classes k..3 is included under a licence valid
for its content type (``data/mof-components.yaml``, ``data/osi-licenses.yaml``).
The components come from the declaration: the weights (``license``) are the
final parameters, ``training.data`` the datasets, ``training.software`` the
training code unless ``components.training-code`` is given, everything else
from ``components``.  A verdict, never an archive area: MOF accepts licences
(C-UDA-1.0) that the DFSG rejects.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from dh_aimodel.core.datafiles import load_yaml
from dh_aimodel.core.declaration import Model
from dh_aimodel.core.policies import Context, ModelVerdict, Policy, Reason
from dh_aimodel.core.policies._shared import ContentType, licence_fits

NAME = "mof"
_ROMAN = {1: "I", 2: "II", 3: "III"}


@dataclass(frozen=True, slots=True)
class Component:
    key: str
    name: str
    cls: int
    required: bool
    content: tuple[ContentType, ...]
    satisfied_by: tuple[str, ...] = ()


@functools.cache
def components() -> tuple[Component, ...]:
    """The MOT component table (data file, loaded once)."""
    raw = load_yaml("mof-components.yaml")
    return tuple(Component(c["key"], c["name"], int(c["class"]), bool(c["required"]),
                           tuple(c["content"]), tuple(c.get("satisfied-by", ())))
                 for c in raw["components"])


@functools.cache
def class_names() -> dict[int, str]:
    raw = load_yaml("mof-components.yaml")
    return {int(k): str(v) for k, v in raw["classes"].items()}


def _problem(model: Model, c: Component) -> str | None:
    """Why component ``c`` is not included with a valid licence (None: it is)."""
    if c.key == "model-parameters":
        if not model.distributable:
            return "the weights may not be redistributed (distributable: false)"
        if not licence_fits(model.license, c.content):
            return f"weights licence {model.license} is not valid for {'/'.join(c.content)}"
        return None
    if c.key == "datasets":
        if not model.training.data:
            return "no training dataset is declared"
        for ds in model.training.data:
            if ds.availability not in ("public", "generated"):
                return f"training dataset {ds.name} is not public (availability: {ds.availability})"
            if not licence_fits(ds.license, c.content):
                return f"training dataset {ds.name}: licence {ds.license} is not valid for " \
                       f"{'/'.join(c.content)}"
        return None
    declared = model.components.get(c.key)
    if declared is None and c.key == "training-code":
        software = model.training.software
        if not software:
            return "not declared (components.training-code or training.software)"
        for sw in software:
            if not sw.available:
                return f"training program {sw.name} is not published (available: false)"
            if not licence_fits(sw.license, c.content):
                return f"training program {sw.name}: licence {sw.license} is not valid for " \
                       f"{'/'.join(c.content)}"
        return None
    if declared is None:
        return f"not declared (components.{c.key})"
    if declared.license is None:
        return f"components.{c.key} is declared without a licence"
    if not licence_fits(declared.license, c.content):
        return f"components.{c.key}: licence {declared.license} is not valid for " \
               f"{'/'.join(c.content)}"
    return None


def judge(model: Model, context: Context) -> ModelVerdict:
    table = {c.key: c for c in components()}
    failing: dict[int, list[Reason]] = {1: [], 2: [], 3: []}
    for c in components():
        if not c.required:
            continue
        why = _problem(model, c)
        if why is None:
            continue
        if any(_problem(model, table[alt]) is None for alt in c.satisfied_by):
            continue
        failing[c.cls].append(Reason(
            f"{NAME}/class-{c.cls}/{c.key}", NAME,
            f"Class {_ROMAN[c.cls]} needs {c.name}: {why}"))
    if failing[3]:
        verdict = "none"
    elif failing[2]:
        verdict = "class-3"
    elif failing[1]:
        verdict = "class-2"
    else:
        verdict = "class-1"
    reasons = failing[3] + failing[2] + failing[1]
    met = class_names()[int(verdict[-1])] if verdict != "none" else "no class"
    reasons.append(Reason(f"{NAME}/result", NAME,
                          f"meets {met} (this says nothing about the Debian archive area)",
                          severity="info"))
    return ModelVerdict(name=model.name, delivery=model.delivery, verdict=verdict,
                        area=None, reasons=tuple(reasons))


POLICY = Policy(
    name=NAME,
    title="LF AI & Data Model Openness Framework (Model Openness Tool rules)",
    url="https://github.com/lfai/model_openness_tool",
    status="published framework (LF AI & Data), not a Debian policy: never implies main",
    gives_area=False,
    judge=judge,
)
