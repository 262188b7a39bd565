"""The lint rules: one pure function per rule, from a :class:`LintState` to diagnostics.

A rule names its tag and the context (Lintian's "hint", ending with
``[path]`` where there is one); severity and explanation come from the tag
catalogue.  Each rule delegates its judgement to the module that owns it
(:mod:`dh_aimodel.packaging.dep5` for copyright, :mod:`dh_aimodel.core.classification`
for areas, :mod:`dh_aimodel.core.licenses` for licences, the readers'
findings for file formats) so that dh_aimodel and lint never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from fnmatch import fnmatchcase
from pathlib import PurePosixPath
from typing import Callable, Iterable, Iterator, Mapping

from dh_aimodel.core.declaration import IN_PACKAGE
from dh_aimodel.lint.state import LintState, ScannedFile

#: Finding codes of the readers that make a file malformed (the others say
#: a limit of ours was reached, or are reported by another tag).
MALFORMED_CODES = frozenset({
    "truncated", "header-too-large", "bad-header", "zip-bomb", "path-traversal", "encrypted",
    "malformed", "unknown-opcode", "incomplete", "too-deep", "suspicious",
})
PICKLE_FORMATS = frozenset({"pytorch-pickle", "pytorch-zip"})


@dataclass(frozen=True, slots=True, order=True)
class Diagnostic:
    package: str
    tag: str
    context: str = ""


Check = Callable[[LintState], Iterable[Diagnostic]]


def _in_main(section: str | None) -> bool:
    return section is not None and "/" not in section


def declaration_invalid(s: LintState) -> Iterator[Diagnostic]:
    for p in s.declaration_problems:
        where = f"{p.pos.file}:{p.pos.line}:{p.pos.col}" if p.pos else "debian/aimodel.yaml"
        yield Diagnostic(s.label_source(), "aimodel-declaration-invalid", f"[{where}]")


def declared_file_missing(s: LintState) -> Iterator[Diagnostic]:
    for d in s.declared:
        if d.shipped and not d.matched and s.in_scope(d.package):
            yield Diagnostic(s.label_source(), "aimodel-declared-file-missing", f"[{d.spec}]")


def undeclared_model_file(s: LintState) -> Iterator[Diagnostic]:
    if not s.knows_declared:
        return
    covered = {p for d in s.declared for p in d.matched}
    for f in s.files:
        if f.is_model and f.path not in covered:
            yield Diagnostic(s.label_source(), "aimodel-undeclared-model-file", f"[{f.path}]")


def checksum_mismatch(s: LintState) -> Iterator[Diagnostic]:
    wanted: dict[str, set[str]] = {}
    for d in s.declared:
        if d.sha256:
            for p in d.matched:
                wanted.setdefault(p, set()).add(d.sha256.lower())
    by_path = {f.path: f for f in s.files}
    for path, shas in sorted(wanted.items()):
        got = by_path[path].sha256 if path in by_path else None
        if got is not None and got not in shas:
            yield Diagnostic(s.label_source(), "aimodel-checksum-mismatch", f"{got} [{path}]")


def checksum_not_declared(s: LintState) -> Iterator[Diagnostic]:
    for d in s.declared:
        if d.shipped and not d.sha256 and s.in_scope(d.package):
            yield Diagnostic(s.label_source(), "aimodel-checksum-not-declared", f"[{d.spec}]")


def weights_licence_unknown(s: LintState) -> Iterator[Diagnostic]:
    from dh_aimodel.core.licenses import LicenseSyntaxError, judge

    if s.declaration is None:
        return
    for m in s.declaration.models:
        if not s.in_scope(m.package) and m.delivery != "reference":
            continue
        label = s.label_package(m.package)
        if m.license.strip() == "unknown":
            yield Diagnostic(label, "aimodel-weights-licence-unknown", f"{m.name}: unknown")
            continue
        try:
            unknown = judge(m.license, s.declaration.licenses).unknown_ids
        except LicenseSyntaxError:
            unknown = (m.license,)
        for license_id in unknown:
            yield Diagnostic(label, "aimodel-weights-licence-unknown", f"{m.name}: {license_id}")


def _packages(s: LintState):  # -> Iterator[PackageVerdict]
    if s.classification is None:
        return
    for p in s.classification.packages:
        if p.package is not None and s.in_scope(p.package):
            yield p


def _section(s: LintState, package: str) -> str | None:
    return (s.sections or {}).get(package)


def model_not_free_in_main(s: LintState) -> Iterator[Diagnostic]:
    for p in _packages(s):
        if not _in_main(_section(s, p.package)):
            continue
        for m in p.models:
            if m.delivery not in IN_PACKAGE:
                continue
            if m.cls in ("non-free", "undistributable"):
                yield Diagnostic(s.label_package(p.package), "aimodel-non-free-model-in-main",
                                 m.name)
            elif m.cls == "toxic-candy":
                yield Diagnostic(s.label_package(p.package), "aimodel-toxic-candy-model-in-main",
                                 m.name)


def model_not_redistributable(s: LintState) -> Iterator[Diagnostic]:
    for p in _packages(s):
        for m in p.models:
            if m.delivery in IN_PACKAGE and m.area == "none":
                yield Diagnostic(s.label_package(p.package), "aimodel-model-not-redistributable",
                                 m.name)


def section_mismatch(s: LintState) -> Iterator[Diagnostic]:
    for p in _packages(s):
        declared = _section(s, p.package)
        if p.section_recommended is not None and declared != p.section_recommended:
            yield Diagnostic(s.label_package(p.package), "aimodel-section-mismatch",
                             f"{declared} -> {p.section_recommended}")
    src = s.classification.source if s.classification is not None else None
    if s.kind == "source" and src is not None and src.section_mismatch:
        yield Diagnostic(s.label_source(), "aimodel-section-mismatch",
                         f"{src.section_declared} -> {src.section_recommended}")


def runtime_download_in_main(s: LintState) -> Iterator[Diagnostic]:
    for p in _packages(s):
        if _in_main(_section(s, p.package)):
            for m in p.models:
                if m.delivery == "downloaded":
                    yield Diagnostic(s.label_package(p.package),
                                     "aimodel-runtime-download-in-main", m.name)


def copyright_coverage(s: LintState) -> Iterator[Diagnostic]:
    """:func:`dh_aimodel.packaging.dep5.coverage_problems`, the rule dh_aimodel applies."""
    from dh_aimodel.packaging.dep5 import ModelFile, coverage_problems

    wanted: dict[str, dict[str, ModelFile]] = {}
    for d in s.declared:
        if not (d.shipped or d.in_source) or not s.in_scope(d.package) or d.license is None:
            continue
        per_package = wanted.setdefault(d.package or "", {})
        for path in d.source_paths:
            per_package.setdefault(path, ModelFile(path, d.model, d.license, d.holders))
    for package, files in wanted.items():
        copyright, _ = s.copyright_of(package or None)
        if copyright is None:
            for path in files:
                yield Diagnostic(s.label_source(), "aimodel-copyright-missing-stanza", f"[{path}]")
            continue
        for p in coverage_problems(copyright, files.values()):
            assert p.tag is not None
            yield Diagnostic(s.label_source(), p.tag, p.context)


def ml_policy_disclaimer(s: LintState) -> Iterator[Diagnostic]:
    from dh_aimodel.packaging.dep5 import disclaimer_problem

    for p in _packages(s):
        copyright, name = s.copyright_of(p.package)
        if copyright is None or p.area is None:
            continue
        if disclaimer_problem(copyright, p.area, "") is not None:
            yield Diagnostic(s.label_package(p.package), "aimodel-missing-ml-policy-disclaimer",
                             f"{p.area} [{name}]")


def _copyright_licence_by_name(s: LintState, path: str) -> str | None:
    """In a .deb the copyright file names source paths: match the last stanza by file name."""
    if s.copyright is None:
        return None
    name = PurePosixPath(path).name
    found = None
    for stanza in s.copyright.all_files_paragraphs():
        for pattern in stanza.files:
            if pattern != "*" and (fnmatchcase(path, pattern)
                                   or fnmatchcase(name, PurePosixPath(pattern).name)):
                found = stanza
    if found is None or found.license is None:
        return None
    return found.license.synopsis


def embedded_licence_mismatch(s: LintState) -> Iterator[Diagnostic]:
    from dh_aimodel.core.licenses import hf_alias
    from dh_aimodel.packaging.dep5 import licences_agree

    declared: dict[str, str] = {}
    for d in s.declared:
        if d.license is not None:
            for p in d.matched:
                declared.setdefault(p, d.license)
    for f in s.files:
        embedded = f.metadata.license if f.metadata is not None else None
        if not embedded:
            continue
        expected = declared.get(f.path) or (s.provenance_licences or {}).get(f.path)
        if expected is None and s.kind == "binary" and not s.knows_declared:
            expected = _copyright_licence_by_name(s, f.path)
        if expected is None:
            continue
        if " ".join(embedded.split()).casefold() == " ".join(expected.split()).casefold():
            continue  # the common case, without loading the licence tables
        alias = hf_alias(embedded)
        if alias == "unknown":
            continue
        candidates = {c for c in (embedded, alias) if c is not None}
        if not any(licences_agree(c, expected) or licences_agree(expected, c)
                   for c in candidates):
            yield Diagnostic(s.label_source(), "aimodel-embedded-licence-mismatch",
                             f"{embedded} != {expected} [{f.path}]")


def format_mismatch(s: LintState) -> Iterator[Diagnostic]:
    by_path = {f.path: f for f in s.files}
    for d in s.declared:
        if d.format is None or d.format == "other":
            continue
        for p in d.matched:
            f = by_path.get(p)
            if f is not None and f.format is not None and f.format != d.format:
                yield Diagnostic(s.label_source(), "aimodel-format-mismatch",
                                 f"{f.format} != {d.format} [{p}]")


def _is_pickled(f: ScannedFile) -> bool:
    return f.format in PICKLE_FORMATS or bool(f.metadata is not None and f.metadata.pickles) \
        or bool(f.pickle is not None and f.pickle.globals)


def pickle_weights(s: LintState) -> Iterator[Diagnostic]:
    declared = {p for d in s.declared for p in d.matched}
    for f in s.files:
        if f.is_model and _is_pickled(f) and (f.path in declared or not _library_data(f)):
            yield Diagnostic(s.label_source(), "aimodel-pickle-weights", f"[{f.path}]")


def pickle_unsafe_global(s: LintState) -> Iterator[Diagnostic]:
    """Errors: loading runs code an attacker chose (a dangerous or unresolvable
    import, a call of what an earlier call returned)."""
    for f in s.files:
        if f.pickle is None:
            continue
        for module, name in f.pickle.dangerous:
            yield Diagnostic(s.label_source(), "aimodel-pickle-unsafe-global",
                             f"{module}.{name} [{f.path}]")
        for finding in f.pickle.findings:
            if finding.code == "unresolved-global":
                yield Diagnostic(s.label_source(), "aimodel-pickle-unsafe-global",
                                 f"? [{f.path}]")
        for callee in f.pickle.returned_calls:
            yield Diagnostic(s.label_source(), "aimodel-pickle-unsafe-global",
                             f"call of what {callee} returned [{f.path}]")


def pickle_foreign_global(s: LintState) -> Iterator[Diagnostic]:
    """Warnings: imports outside the allow-list whose loading runs only that
    library's own code, except the library's own classes in its own tree."""
    for f in s.files:
        for module, name in _foreign(f):
            yield Diagnostic(s.label_source(), "aimodel-pickle-foreign-global",
                             f"{module}.{name} [{f.path}]")


def pickle_load_bomb(s: LintState) -> Iterator[Diagnostic]:
    for f in s.files:
        if f.pickle is not None and f.pickle.load_bomb:
            yield Diagnostic(s.label_source(), "aimodel-pickle-load-bomb",
                             f"over {f.pickle.budget} elements [{f.path}]")


def _foreign(f: ScannedFile) -> list[tuple[str, str]]:
    """The foreign imports of a file's pickles that are not its own library's.

    A pickle imports its own library when the import's top-level module
    names a directory the pickle lies under (joblib's test pickles in
    ``.../dist-packages/joblib/test/data/`` import ``joblib.numpy_pickle``):
    loading runs the code of the package that ships it, which a pickle
    cannot make worse.  Dangerous imports stay errors wherever they are.
    """
    if f.pickle is None:
        return []
    own = set(PurePosixPath(f.path).parent.parts)
    return [(m, n) for m, n in f.pickle.foreign if m.partition(".")[0] not in own]


def _library_data(f: ScannedFile) -> bool:
    """A pickle inside a Python module's tree (``dist-packages/<module>/``) that
    imports nothing dangerous and nothing foreign to it: the library's data
    (test fixtures, caches), which its own code loads, not a model."""
    parts = PurePosixPath(f.path).parts
    in_library = any(a in ("dist-packages", "site-packages") and i + 2 < len(parts)
                     for i, a in enumerate(parts))
    pickle = f.pickle
    return in_library and (pickle is None or not (
        pickle.dangerous or pickle.returned_calls or pickle.load_bomb or _foreign(f)))


def training_data_unavailable(s: LintState) -> Iterator[Diagnostic]:
    if s.declaration is None:
        return
    for m in s.declaration.models:
        if not s.in_scope(m.package):
            continue
        for ds in m.training.data:
            if ds.availability == "unavailable":
                yield Diagnostic(s.label_package(m.package), "aimodel-training-data-unavailable",
                                 f"{m.name}: {ds.name}")


def source_spans_areas(s: LintState) -> Iterator[Diagnostic]:
    classification = s.classification
    if s.kind != "source" or classification is None or classification.source is None:
        return
    if any(r.rule == "area/source-spans-areas" for r in classification.source.reasons):
        from dh_aimodel.core.policies import AREAS

        areas = sorted({p.own_area or p.area for p in classification.packages
                        if p.package is not None and p.area is not None}, key=AREAS.index)
        yield Diagnostic(s.label_source(), "aimodel-source-spans-areas", " ".join(areas))


def malformed_model_file(s: LintState) -> Iterator[Diagnostic]:
    for f in s.files:
        findings = list(f.metadata.findings if f.metadata is not None else ())
        findings += list(f.pickle.findings if f.pickle is not None else ())
        for code in sorted({x.code for x in findings if x.code in MALFORMED_CODES}):
            yield Diagnostic(s.label_source(), "aimodel-malformed-model-file", f"{code} [{f.path}]")


def unsafe_archive_member(s: LintState) -> Iterator[Diagnostic]:
    for name, what in s.archive_problems:
        yield Diagnostic(s.label_source(), "aimodel-unsafe-archive-member", f"{what} [{name}]")


def input_limit_exceeded(s: LintState) -> Iterator[Diagnostic]:
    for what in s.limits_exceeded:
        yield Diagnostic(s.label_source(), "aimodel-input-limit-exceeded", what)


def override_unused_by_newer_lintian(s: LintState) -> Iterator[Diagnostic]:
    for u in s.unused_overrides:
        o = u.override
        pattern = f" {o.pattern}" if o.pattern else ""
        yield Diagnostic(s.label_source(), "aimodel-override-unused-by-newer-lintian",
                         f"{o.tag}{pattern} [{o.file}:{o.line}] (Lintian {u.lintian[0]}, "
                         f"{u.lintian[1]})")


#: Fields of a found model shown in its context, at most, each cut to FIELD_WIDTH.
SHOWN_FIELDS = 4
FIELD_WIDTH = 60
#: The fields worth a reviewer's first look, in this order; then the others.
_FIRST_FIELDS = ("architecture", "parameters", "version", "license", "author", "language",
                 "description", "training")


def found_units(s: LintState) -> list[tuple[str, ScannedFile, int]]:
    """The models and tables of an undeclared package: (path or directory, first
    file, total size), one per model unit (a voice directory is one model)."""
    units: dict[str, list[ScannedFile]] = {}
    for f in s.files:
        if f.family is not None:
            units.setdefault(f.family.unit or f.path, []).append(f)
    return [(unit, files[0], sum(f.size or 0 for f in files))
            for unit, files in sorted(units.items())]


def _shown(fields: Mapping[str, str]) -> str:
    keys = [k for k in _FIRST_FIELDS if fields.get(k)]
    keys += sorted(k for k in fields if k not in keys and fields[k])
    out = []
    for key in keys[:SHOWN_FIELDS]:
        value = " ".join(fields[key].split())
        if len(value) > FIELD_WIDTH:
            value = value[:FIELD_WIDTH - 1] + "…"
        out.append(f"{key}={value}")
    return "; ".join(out)


def model_found(s: LintState) -> Iterator[Diagnostic]:
    """Each model or table of a package nothing declares, for a reviewer."""
    from dh_aimodel.formats.base import human_size
    from dh_aimodel.formats.families import families

    if s.knows_declared:
        return
    known = families()
    for unit, f, size in found_units(s):
        assert f.family is not None
        fam = known[f.family.family]
        tag = "aimodel-model-found" if fam.kind == "model" else "aimodel-statistical-table-found"
        facts = [fam.id, human_size(size)]
        if f.family.embedded:
            facts.append("embedded")
        if f.family.how == "name":
            facts.append("by name")
        shown = _shown(f.family.fields)
        context = ", ".join(facts) + (f"; {shown}" if shown else "")
        yield Diagnostic(s.label_source(), tag, f"{context} [{unit}]")


def area_advice(s: LintState) -> Iterator[Diagnostic]:
    """The area the found models allow, for a package nothing declares."""
    a = s.advice
    if s.knows_declared or a is None:
        return
    parts = [f"ml-policy: {a.area} at best" + (f", {a.worst} as is" if a.worst != a.area else "")]
    parts.append(f"licence: {a.licence or 'not stated'}")
    if a.unknown:
        parts.append(f"unknown: {', '.join(a.unknown)}")
    yield Diagnostic(s.label_source(), "aimodel-area-advice", "; ".join(parts))


def section_above_advice(s: LintState) -> Iterator[Diagnostic]:
    """A Section more favourable than the known facts allow at best."""
    from dh_aimodel.core.policies import AREAS

    a = s.advice
    if s.knows_declared or a is None or a.area not in AREAS:
        return
    section = _section(s, s.binary or "")
    if section is None:
        return
    area = section.split("/")[0] if "/" in section else "main"
    if area in AREAS and AREAS.index(area) < AREAS.index(a.area):
        yield Diagnostic(s.label_source(), "aimodel-section-above-advice",
                         f"{section} but {a.area} at best ({a.licence or 'licence not stated'})")


CHECKS: tuple[Check, ...] = (
    declaration_invalid, declared_file_missing, undeclared_model_file, checksum_mismatch,
    checksum_not_declared, weights_licence_unknown, model_not_free_in_main,
    model_not_redistributable, section_mismatch, runtime_download_in_main, copyright_coverage,
    ml_policy_disclaimer,
    embedded_licence_mismatch, format_mismatch, pickle_weights, pickle_unsafe_global,
    pickle_foreign_global, pickle_load_bomb,
    training_data_unavailable, source_spans_areas, malformed_model_file, unsafe_archive_member,
    input_limit_exceeded,
    override_unused_by_newer_lintian, model_found, area_advice, section_above_advice,
)


def run_checks(state: LintState) -> list[Diagnostic]:
    """Every rule on one state, duplicates removed, sorted."""
    return sorted({d for check in CHECKS for d in check(state)})
