"""From a declaration and debian/control facts to per-package verdicts.

Pure: the policy judges models; this module applies classification.md
"Package area" (worst shipped model, run-time downloaders, relations inside
the source, the source's own area) and recommends a Section.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from graphlib import TopologicalSorter
from typing import Sequence

from dh_aimodel.core.declaration import Declaration, Model
from dh_aimodel.core.facts import PackagingFacts
from dh_aimodel.core.policies import AREAS, Area, Context, ModelVerdict, Policy, Reason, worst_area

DERIVED = "derived"


@dataclass(frozen=True, slots=True)
class PackageVerdict:
    package: str | None
    area: Area | None
    section_declared: str | None
    section_recommended: str | None
    models: tuple[ModelVerdict, ...]
    reasons: tuple[Reason, ...] = ()
    #: The area its own models and relations give it, when the source's area
    #: moved it further (rule 4, ``area/source-area``).
    own_area: Area | None = None

    @property
    def section_mismatch(self) -> bool:
        return section_mismatch(self.section_recommended, self.section_declared)


@dataclass(frozen=True, slots=True)
class SourceVerdict:
    name: str
    area: Area | None
    section_declared: str | None
    section_recommended: str | None
    reasons: tuple[Reason, ...] = ()

    @property
    def section_mismatch(self) -> bool:
        return section_mismatch(self.section_recommended, self.section_declared)


@dataclass(frozen=True, slots=True)
class Classification:
    policy: Policy
    packages: tuple[PackageVerdict, ...]
    source: SourceVerdict | None = None


def section_mismatch(recommended: str | None, declared: str | None) -> bool:
    """debian/control disagrees with a recommendation (none: nothing to disagree with)."""
    return recommended is not None and declared != recommended


def recommended_section(area: Area | None, declared: str | None) -> str | None:
    """Area prefix + the declared section's name (``non-free/science``; main: no prefix)."""
    if area is None or declared is None or area == "none":
        return None
    name = declared.rsplit("/", 1)[-1]
    return name if area == "main" else f"{area}/{name}"


def judge_models(declaration: Declaration, policy: Policy) -> dict[str, ModelVerdict]:
    """Every model's verdict, base models first so derived models can consult them."""
    by_name = {m.name: m for m in declaration.models}
    order = TopologicalSorter({m.name: [m.base_model] if m.base_model in by_name else []
                               for m in declaration.models}).static_order()
    decided: dict[str, ModelVerdict] = {}
    for name in order:
        decided[name] = policy.judge(by_name[name],
                                     Context(declaration.licenses, decided))
    return {name: _with_judgements(by_name[name], v) for name, v in decided.items()}


def _with_judgements(model: Model, verdict: ModelVerdict) -> ModelVerdict:
    """The maintainer's recorded judgements, shown after the rules they concern.

    A judgement changes no verdict (the declared fact does); an info reason
    ``reviewed`` says who vouched for the fact, when and why, under every policy.
    """
    if not model.reviewed:
        return verdict
    notes = tuple(Reason("reviewed", "maintainer", f"{j.fact}: reviewed by {j.by} on {j.date}: "
                                                   f"{j.why}", "info")
                  for j in model.reviewed)
    return replace(verdict, reasons=verdict.reasons + notes)


def _package_area(models: list[tuple[Model, ModelVerdict]]) -> tuple[Area, list[Reason]]:
    """Rules 1 and 2: worst shipped model; a run-time downloader makes contrib."""
    area: Area = "main"
    reasons = []
    for model, verdict in models:
        if model.in_package and verdict.area is not None:
            if AREAS.index(verdict.area) > AREAS.index("main"):
                reasons.append(Reason("area/shipped-model", DERIVED,
                                      f"ships model {model.name}, which is {verdict.cls} "
                                      f"(area {verdict.area})"))
            area = worst_area([area, verdict.area])
        elif model.delivery == "downloaded":
            reasons.append(Reason("area/runtime-download", DERIVED,
                                  f"downloads model {model.name} at run time and needs it to "
                                  "function (Policy 2.2.2: contrib)"))
            area = worst_area([area, "contrib"])
    return area, reasons


def classify(declaration: Declaration, facts: PackagingFacts | None,
             policy: Policy) -> Classification:
    verdicts = judge_models(declaration, policy)
    grouped: dict[str | None, list[tuple[Model, ModelVerdict]]] = {}
    if facts is not None:
        for p in facts.packages:
            grouped[p.name] = []
    for m in declaration.models:
        if _apart(m):
            continue
        grouped.setdefault(m.package, []).append((m, verdicts[m.name]))
    reference = [verdicts[m.name] for m in declaration.models
                 if m.delivery == "reference" and m.package is None]
    in_source = [verdicts[m.name] for m in declaration.models if m.delivery == "source-only"]

    if not policy.gives_area:
        packages = tuple(
            PackageVerdict(name, None, _declared(facts, name), None,
                           tuple(v for _, v in models))
            for name, models in grouped.items())
        apart = _reference_only(reference) + _source_only(in_source, None)
        return Classification(policy, packages + apart, _source(facts, None))

    areas: dict[str | None, Area] = {}
    reasons: dict[str | None, list[Reason]] = {}
    for name, models in grouped.items():
        areas[name], reasons[name] = _package_area(models)
    _relations(facts, areas, reasons)
    packages = tuple(
        PackageVerdict(name, areas[name], _declared(facts, name),
                       recommended_section(areas[name], _declared(facts, name)),
                       tuple(v for _, v in models), tuple(reasons[name]))
        for name, models in grouped.items())
    source = _source(facts, [p.area for p in packages if p.package is not None])
    if source is not None:
        source = _with_source_only(source, in_source)
        packages, source = _follow_source(source, list(packages), in_source)
    return Classification(policy, packages + _reference_only(reference)
                          + _source_only(in_source, source), source)


def _apart(model: Model) -> bool:
    """Models that decide no binary package's area: bases not packaged, and
    models kept in the source only (they decide the source's)."""
    return (model.delivery == "reference" and model.package is None
            or model.delivery == "source-only")


def _reference_only(verdicts: list[ModelVerdict]) -> tuple[PackageVerdict, ...]:
    """Models used only as bases belong to no package; they are shown apart."""
    if not verdicts:
        return ()
    return (PackageVerdict(None, None, None, None, tuple(verdicts)),)


def _source_only(verdicts: list[ModelVerdict], source: SourceVerdict | None
                 ) -> tuple[PackageVerdict, ...]:
    """Models in the source package only are shown apart, with their worst area
    (the area they give the source)."""
    if not verdicts:
        return ()
    areas = [v.area for v in verdicts if v.area is not None]
    return (PackageVerdict(None, worst_area(areas) if areas else None,
                           source.section_declared if source else None, None, tuple(verdicts)),)


def _with_source_only(source: SourceVerdict, verdicts: list[ModelVerdict]) -> SourceVerdict:
    """A model kept in the source decides the source's area, as the archive
    distributes the source (aimodel.yaml(5), DELIVERY: source-only).

    When such models are what keeps the source out of the area its binaries
    would give it, the advice is the Debian way back: repack without them.
    """
    worse = [v for v in verdicts if v.area is not None and v.area != "main"]
    if not worse:
        return source
    known: list[Area] = [a for a in (source.area, *(v.area for v in worse))
                         if a is not None and a != "none"]
    area: Area = source_area(known) if known else "none"
    if "none" in {v.area for v in worse}:
        area = "none"
    names = ", ".join(sorted(v.name for v in worse))
    what = "; ".join(f"{v.name} is {v.cls} (area {v.area})" for v in sorted(worse,
                                                                           key=lambda v: v.name))
    where = "no archive area may carry it" if area == "none" else f"so it is in {area}"
    text = (f"keeps {names} in the source, installed by no binary package ({what}): the "
            f"archive distributes the source, {where}")
    if area != source.area and source.area is not None:
        text += (f"; to bring it back to {source.area}, repack the upstream tarball without "
                 f"them (Files-Excluded: in debian/copyright, uscan --repack, a +dfsg or +ds "
                 f"version suffix)")
    reason = Reason("area/source-only-model", DERIVED, text)
    return SourceVerdict(source.name, area, source.section_declared,
                         recommended_section(area, source.section_declared),
                         source.reasons + (reason,))


def _declared(facts: PackagingFacts | None, name: str | None) -> str | None:
    package = facts.package(name) if facts is not None and name is not None else None
    return package.section if package is not None else None


def _relations(facts: PackagingFacts | None, areas: dict[str | None, Area],
               reasons: dict[str | None, list[Reason]]) -> None:
    """Rule 3: requiring or recommending a package of this source outside main → contrib.

    Iterated to a fixed point, since a package made contrib this way makes its own
    dependants contrib too.
    """
    if facts is None:
        return
    changed = True
    while changed:
        changed = False
        for package in facts.packages:
            for field, target in package.relations:
                target_area = areas.get(target)
                if (target_area is None or target_area == "main"
                        or AREAS.index(areas[package.name]) >= AREAS.index("contrib")):
                    continue
                areas[package.name] = "contrib"
                reasons[package.name].append(Reason(
                    "area/relation-outside-main", DERIVED,
                    f"{field} {target}, which is in {target_area} (Policy 2.2.1: packages in "
                    "main must not require or recommend a package outside main)"))
                changed = True


def _source(facts: PackagingFacts | None,
            areas: Sequence[Area | None] | None) -> SourceVerdict | None:
    """Rule 4: the source's area, and the advice when its binaries span areas.

    Lintian's archive-liberty-mismatch is the rule: every binary is in the
    source's area, except contrib binaries of a main source.
    """
    if facts is None:
        return None
    if areas is None:
        return SourceVerdict(facts.source, None, facts.section, None)
    known: list[Area] = [a for a in areas if a is not None and a != "none"]  # in no area
    area: Area | None = source_area(known) if known else (
        "none" if "none" in areas else None)
    return SourceVerdict(facts.source, area, facts.section,
                         recommended_section(area, facts.section))


def source_area(areas: list[Area]) -> Area:
    """The worst of the binaries' areas, but main for a mix of main and contrib
    binaries (a main source may build contrib ones; a contrib source no main)."""
    return "main" if set(areas) == {"main", "contrib"} else worst_area(areas)


def _follow_source(source: SourceVerdict, packages: list[PackageVerdict],
                   kept: Sequence[ModelVerdict] = ()
                   ) -> tuple[tuple[PackageVerdict, ...], SourceVerdict]:
    """A binary below the source's area moves up to it (archive-liberty-mismatch).

    The advice then says what would let those binaries stay where their own
    models put them: build the packages that need the worse area from a
    source package of their own, or repack the source without those models.
    """
    if source.area in (None, "main", "none"):
        return tuple(packages), source
    out = []
    moved: list[PackageVerdict] = []  # as they were before moving
    for p in packages:
        if p.package is None or p.area == source.area or p.area == "none":
            out.append(p)
            continue
        moved.append(p)
        reason = Reason("area/source-area", DERIVED,
                        f"on its own it would be {p.area}, but it is built from source "
                        f"{source.name}, which is in {source.area}; a binary package sits in "
                        "its source's area (Lintian archive-liberty-mismatch)")
        out.append(PackageVerdict(p.package, source.area, p.section_declared,
                                  recommended_section(source.area, p.section_declared),
                                  p.models, p.reasons + (reason,), p.area))
    worse = [p for p in packages if p.package is not None and p.area == source.area]
    if not moved or not worse:  # no binary: a model kept in the source only, advised apart
        return tuple(out), source
    names = ", ".join(sorted(str(p.package) for p in worse))
    # a repack must drop the models kept in the source only as well
    models = sorted({v.name for p in worse for v in p.models if v.area == source.area}
                    | {v.name for v in kept if v.area == source.area})
    was = " and ".join(sorted({str(p.area) for p in moved}, key=AREAS.index))
    spans = Reason(
        "area/source-spans-areas", DERIVED,
        f"{', '.join(sorted(str(p.package) for p in moved))} would be in {was} on their own "
        f"but follow the source into {source.area} because of {names}; to keep them out of "
        f"{source.area}, build {names} from a separate source package in {source.area}, or "
        f"repack this source without {', '.join(models)} (Files-Excluded: in "
        "debian/copyright, version suffix +dfsg) and drop what needs it")
    return tuple(out), SourceVerdict(source.name, source.area, source.section_declared,
                                     source.section_recommended, source.reasons + (spans,))
