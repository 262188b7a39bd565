"""What dh_aimodel checks in a package build directory, as pure functions.

The adapter (:mod:`dh_aimodel.dh.command`) walks ``debian/<pkg>/``, sniffs heads and
hashes files; everything it found reaches this module as plain data, and
this module says what is wrong, one :class:`~dh_aimodel.core.errors.Problem`
per problem, each naming the package, the lint tag and the fix.  Keeping the
I/O out makes every case testable with a few literals, and keeps the rules in
one place.

Declared paths are relative to the *source* tree (``models/x.gguf``) while
the installed path is whatever debian/<pkg>.install made of it
(``usr/share/<pkg>/x.gguf``), so an installed file is matched to a
declaration by its file name (or by a glob on the name), and its content is
then verified: against the declared sha256 when there is one, else against
the file of the same name in the source tree.
"""

from __future__ import annotations

from dataclasses import dataclass
from fnmatch import fnmatchcase
from pathlib import PurePosixPath
from types import MappingProxyType
from typing import Iterable, Mapping

from dh_aimodel.core.classification import PackageVerdict, SourceVerdict
from dh_aimodel.core.declaration import IN_PACKAGE, Declaration, FileSpec, Model
from dh_aimodel.core.errors import Pos, Problem

#: The tags of ``aimodel lint``'s catalogue that name the conditions found here.
MISSING = "aimodel-declared-file-missing"
UNDECLARED = "aimodel-undeclared-model-file"
MISMATCH = "aimodel-checksum-mismatch"
NOT_DECLARED = "aimodel-checksum-not-declared"
SECTION = "aimodel-section-mismatch"
NOT_REDISTRIBUTABLE = "aimodel-model-not-redistributable"


@dataclass(frozen=True, slots=True)
class InstalledFile:
    """A regular file below the package build directory."""

    #: Relative to the build directory, POSIX form (``usr/share/foo/x.gguf``).
    path: str
    #: :func:`dh_aimodel.formats.looks_like_model` said yes.
    is_model: bool
    #: The sniffed format, for messages.
    format: str | None = None

    @property
    def name(self) -> str:
        return PurePosixPath(self.path).name


@dataclass(frozen=True, slots=True)
class Expected:
    """One installed file that a declared file spec covers, and how to verify it."""

    model: str
    spec: FileSpec
    installed: str
    #: The declared sha256, when there is one.
    sha256: str | None
    #: Otherwise: source-tree files whose content is acceptable (same name).
    sources: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Carrier:
    """An installed file that carries a model in another form than its own files.

    ``delivery: embedded`` (the model's bytes sit inside it: ``embeds`` are
    the source files that must occur in it byte for byte), ``compiled``
    (weights turned into code, built into it) or ``generated`` (converted
    from the declared source weights at build time).
    """

    model: str
    delivery: str
    installed: str
    embeds: tuple[str, ...] = ()
    #: The ``installed:`` entry that named it.
    pattern: str = ""


@dataclass(frozen=True, slots=True)
class SourceCheck:
    """A source-tree file of a model that is not installed as itself, and the
    sha256 pinned for it (by ``sha256:`` or by the lock, debian/aimodel.sums)."""

    model: str
    path: str
    sha256: str
    pos: Pos | None


@dataclass(frozen=True, slots=True)
class Plan:
    """What to hash and verify for one package, and what is already wrong."""

    package: str
    build_dir: str
    expected: tuple[Expected, ...]
    problems: tuple[Problem, ...]
    carriers: tuple[Carrier, ...] = ()
    source_checks: tuple[SourceCheck, ...] = ()

    def paths_to_hash(self) -> tuple[tuple[str, str], ...]:
        """(kind, path) pairs: ``installed`` paths below the build dir, ``source`` paths."""
        out: dict[tuple[str, str], None] = {}
        for e in self.expected:
            out[("installed", e.installed)] = None
            if e.sha256 is None:
                for s in e.sources:
                    out[("source", s)] = None
        for c in self.carriers:
            out[("installed", c.installed)] = None
        for sc in self.source_checks:
            out[("source", sc.path)] = None
        return tuple(out)

    def embeddings(self) -> tuple[tuple[str, str], ...]:
        """(installed host, source file) pairs whose bytes must be found in the host."""
        return tuple(dict.fromkeys((c.installed, s) for c in self.carriers for s in c.embeds))


@dataclass(frozen=True, slots=True)
class VerifiedFile:
    """An installed model file whose content matched its declaration."""

    model: str
    path: str
    sha256: str
    source: str


def _name_pattern(spec: FileSpec) -> str:
    return PurePosixPath(spec.path).name


def shipped_models(declaration: Declaration, package: str) -> tuple[Model, ...]:
    """The models this package ships (``delivery: shipped``, ``package`` is it)."""
    return tuple(m for m in declaration.models if m.package == package and m.shipped)


def plan(declaration: Declaration, package: str, build_dir: str,
         installed: Iterable[InstalledFile],
         source_matches: Mapping[str, tuple[str, ...]],
         pinned: Mapping[str, str] = MappingProxyType({})) -> Plan:
    """Match installed files to declared ones; report what cannot match at all.

    ``source_matches`` maps each declared path (or glob) to the source-tree
    files it names that exist (a glob expanded, a plain path itself or
    nothing).  Problems found here: declared files that are not installed,
    globs that name no file, model files that nobody declared.
    """
    files = sorted(installed, key=lambda f: f.path)
    expected: list[Expected] = []
    problems: list[Problem] = []
    covered: set[str] = set()
    checks: list[SourceCheck] = []
    for model in shipped_models(declaration, package):
        for spec in model.files:
            sources = source_matches.get(spec.path, ())
            candidates = _candidates(spec, files, sources)
            covered.update(f.path for f in candidates)
            if spec.is_glob:
                problems += _glob_gaps(package, build_dir, model, spec, candidates, sources)
            elif not candidates:
                problems.append(Problem(
                    f"{spec.path} (model {model.name}) is declared but not installed in "
                    f"{build_dir}/", spec.pos, package, MISSING,
                    f"install it (debian/{package}.install), set 'package:' to the "
                    f"package that ships it, or {_OTHER_FORMS}"))
            for f in candidates:
                same_name = tuple(s for s in sources if PurePosixPath(s).name == f.name)
                expected.append(Expected(model.name, spec, f.path, spec.sha256, same_name))
            if spec.sha256 is None:  # the lock pins the source files a glob names
                checks += [SourceCheck(model.name, s, pinned[s], None)
                           for s in sources if s in pinned]
    carriers: list[Carrier] = []
    for model in carried_models(declaration, package):
        kept, pins = source_side(model, package, source_matches, pinned, problems)
        found = _carriers(model, kept, package, build_dir, files, problems)
        covered.update(c.installed for c in found)
        carriers += found
        checks += pins
    problems += _undeclared(declaration, package, build_dir, files, covered)
    return Plan(package, build_dir, tuple(expected), tuple(problems), tuple(carriers),
                tuple(checks))


def source_only_checks(declaration: Declaration, label: str,
                       source_matches: Mapping[str, tuple[str, ...]],
                       pinned: Mapping[str, str]) -> tuple[list[SourceCheck], list[Problem]]:
    """The models kept in the source only: their files must be there, as pinned.

    They decide the source package's area, so a build checks them like the
    others, reported under ``label`` (``source NAME``).
    """
    checks: list[SourceCheck] = []
    problems: list[Problem] = []
    for model in declaration.models:
        if model.delivery == "source-only":
            checks += source_side(model, label, source_matches, pinned, problems)[1]
    return checks, problems


def carried_models(declaration: Declaration, package: str) -> tuple[Model, ...]:
    """The models this package carries in another form (embedded, compiled, generated)."""
    return tuple(m for m in declaration.models
                 if m.package == package and m.in_package and not m.shipped)


_CARRIER_FIX = {
    "embedded": "install the file that embeds the model, or correct 'installed:'",
    "compiled": "install the file built from the model's source, or correct 'installed:'",
    "generated": "install the files the build generates from the model, or correct "
                 "'installed:'",
}


def source_side(model: Model, label: str, source_matches: Mapping[str, tuple[str, ...]],
                pinned: Mapping[str, str], problems: list[Problem]
                ) -> tuple[list[str], list[SourceCheck]]:
    """The source-tree files of a model that is not installed as itself, and
    the checks of their pinned sha256 (``sha256:``, else the lock's).

    Every declared file must be in the source tree: embedded, compiled and
    generated models are built from it, and a source-only model is what the
    source package distributes.  ``label`` names who reports it (a package,
    or ``source NAME``).
    """
    sources: list[str] = []
    checks: list[SourceCheck] = []
    for spec in model.files:
        matched = source_matches.get(spec.path, ())
        if not matched:
            problems.append(Problem(
                f"{spec.path} (model {model.name}, delivery: {model.delivery}) is not in "
                "the source tree", spec.pos, label, MISSING,
                "add it to the source package, or correct the path"))
        sources += matched
        for path in matched:
            digest = spec.sha256 or pinned.get(path)
            if digest is not None:
                checks.append(SourceCheck(model.name, path, digest,
                                          spec.pos if spec.sha256 else None))
    return sources, checks


def _carriers(model: Model, sources: list[str], package: str, build_dir: str,
              files: list[InstalledFile], problems: list[Problem]) -> list[Carrier]:
    """The installed files that carry an embedded, compiled or generated model."""
    carriers: list[Carrier] = []
    for pattern in model.installed:
        hits = [f for f in files if fnmatchcase(f.path, pattern.lstrip("/"))]
        if not hits:
            problems.append(Problem(
                f"{pattern} (model {model.name}, delivery: {model.delivery}) is not installed "
                f"in {build_dir}/", model.pos, package, MISSING, _CARRIER_FIX[model.delivery]))
        for f in hits:
            if (model.delivery == "generated" and model.format and f.format
                    and f.format != model.format):
                problems.append(Problem(
                    f"{build_dir}/{f.path} (generated from model {model.name}) is "
                    f"{f.format}, but the declaration says format: {model.format}", model.pos,
                    package, "aimodel-format-mismatch",
                    "correct 'format:', or check what the build generates"))
            embeds = tuple(sources) if model.delivery == "embedded" else ()
            carriers.append(Carrier(model.name, model.delivery, f.path, embeds, pattern))
    return carriers


def embedding_problems(p: Plan, found: Mapping[tuple[str, str], bool | OSError]) -> list[Problem]:
    """An embedded model's source file must occur, byte for byte, in one of its hosts.

    ``found`` maps each :meth:`Plan.embeddings` pair to whether the source
    file's bytes were found in the installed host (or the error reading them).
    """
    problems: list[Problem] = []
    by_source: dict[tuple[str, str], list[str]] = {}
    for c in p.carriers:
        for s in c.embeds:
            by_source.setdefault((c.model, s), []).append(c.installed)
    for (model, source), hosts in sorted(by_source.items()):
        results = [found.get((h, source), False) for h in hosts]
        if any(r is True for r in results):
            continue
        errors = [f"{h}: {_strerror(r)}" for h, r in zip(hosts, results) if isinstance(r, OSError)]
        if errors:
            problems.append(Problem(f"cannot read {', '.join(errors)} to find {source} in it",
                                    None, p.package, None,
                                    "dh_aimodel must read the files that embed a model"))
            continue
        problems.append(Problem(
            f"{source} (model {model}, delivery: embedded) is not found byte for byte in "
            f"{', '.join(f'{p.build_dir}/{h}' for h in hosts)}", None, p.package, MISMATCH,
            "embed the declared file unchanged (the build may compress or convert it: then "
            "declare delivery: generated), or correct 'installed:'"))
    return problems


#: The fix when a shipped model's file is not installed as itself: the build
#: may carry it in another form, which the declaration must then say.
_OTHER_FORMS = ("declare how the build carries it (delivery: embedded, compiled or generated "
                "with 'installed:', or source-only when no package installs it)")


#: Where dh_installdocs and dh_installchangelogs put a package's documents.
_DOC = "usr/share/doc/"


def _candidates(spec: FileSpec, files: list[InstalledFile],
                sources: tuple[str, ...]) -> list[InstalledFile]:
    """The installed files a spec may stand for, matched by name.

    A glob is scoped to the model's own files: when it names files of the
    source tree, only installed files of those names count, so
    ``model/en-us/*`` does not claim the package's ``changelog.Debian.gz`` or
    ``copyright``; the package's documentation directory never holds a
    model's files (dh_installdocs puts them there, and README.aimodel too).
    """
    pattern = _name_pattern(spec)
    if not spec.is_glob:
        return [f for f in files if fnmatchcase(f.name, pattern)]
    names = {PurePosixPath(s).name for s in sources}
    return [f for f in files if fnmatchcase(f.name, pattern) and not f.path.startswith(_DOC)
            and (not names or f.name in names)]


def _glob_gaps(package: str, build_dir: str, model: Model, spec: FileSpec,
               candidates: list[InstalledFile], sources: tuple[str, ...]) -> list[Problem]:
    """A glob must name something, and every source file it names must be installed."""
    if not sources and not candidates:
        return [Problem(f"{spec.path} (model {model.name}) matches no file in the source "
                        f"tree nor in {build_dir}/", spec.pos, package, MISSING,
                        "correct the path, or remove it from the declaration")]
    installed_names = {f.name for f in candidates}
    return [Problem(f"{s} (model {model.name}, matched by {spec.path}) is not installed in "
                    f"{build_dir}/", spec.pos, package, MISSING,
                    f"install it (debian/{package}.install), or narrow the glob")
            for s in sources if PurePosixPath(s).name not in installed_names]


def _undeclared(declaration: Declaration, package: str, build_dir: str,
                files: list[InstalledFile], covered: set[str]) -> list[Problem]:
    """Model files that no shipped model of this package declares.

    An undeclared model is how non-free weights slip into main, so every
    one is an error, with a hint when another entry of the declaration
    names it (wrong package, or ``delivery`` other than shipped).
    """
    problems: list[Problem] = []
    for f in files:
        if not f.is_model or f.path in covered:
            continue
        hint = ""
        for m in declaration.models:
            if any(fnmatchcase(f.name, _name_pattern(s)) for s in m.files):
                if m.package != package:
                    hint = f" (model {m.name} declares it, for package {m.package})"
                elif not m.shipped:
                    hint = f" (model {m.name} declares it with delivery: {m.delivery})"
                break
        kind = f"a model file ({f.format})" if f.format else "a model file"
        problems.append(Problem(
            f"{build_dir}/{f.path} is {kind} that {declaration.path} does not declare for "
            f"{package}{hint}", None, package, UNDECLARED,
            f"declare it in the files of a model with 'package: {package}' and "
            "'delivery: shipped', or do not install it"))
    return problems


def verify(p: Plan, installed_digests: Mapping[str, str | OSError],
           source_digests: Mapping[str, str | OSError]
           ) -> tuple[list[VerifiedFile], list[Problem]]:
    """Compare every expected file's sha256; (verified files, problems).

    Matching by name can be ambiguous (two models each shipping a
    ``config.json``), so an installed file is accepted when *any* spec that
    names it accepts its content, and reported against the first one
    otherwise.  A plain declared path all of whose namesakes belong to other
    specs is not installed.
    """
    by_file: dict[str, list[Expected]] = {}
    for e in p.expected:
        by_file.setdefault(e.installed, []).append(e)
    verified: list[VerifiedFile] = []
    problems: list[Problem] = []
    accepted_by: dict[tuple[str, str], list[str]] = {}
    for installed, entries in by_file.items():
        got = installed_digests.get(installed)
        if not isinstance(got, str):
            problems.append(Problem(f"cannot read {p.build_dir}/{installed}: "
                                    f"{_strerror(got)}", None, p.package, None,
                                    "dh_aimodel must read every model file it checks"))
            continue
        where = f"{p.build_dir}/{installed}"
        outcomes = [(e, _accepts(e, got, source_digests, p.package, where)) for e in entries]
        good = [(e, source) for e, (source, _) in outcomes if isinstance(source, str)]
        for e, _ in good:
            accepted_by.setdefault((e.model, e.spec.path), []).append(installed)
        if good:
            e, source = good[0]
            verified.append(VerifiedFile(e.model, installed, got, source))
            continue
        problem = outcomes[0][1][1]
        assert problem is not None
        problems.append(problem)
    accepted = {v.path for v in verified}
    by_spec: dict[tuple[str, str], list[Expected]] = {}
    for e in p.expected:
        if not e.spec.is_glob:
            by_spec.setdefault((e.model, e.spec.path), []).append(e)
    for key, entries in by_spec.items():
        if key not in accepted_by and all(e.installed in accepted for e in entries):
            e = entries[0]
            problems.append(Problem(
                f"{e.spec.path} (model {e.model}) is declared but not installed in "
                f"{p.build_dir}/ (the installed files of that name belong to other models)",
                e.spec.pos, p.package, MISSING, f"install it (debian/{p.package}.install)"))
    verified += _carrier_files(p, installed_digests, problems)
    problems += source_check_problems(p.source_checks, source_digests, p.package)
    return verified, problems


def source_check_problems(checks: Iterable[SourceCheck],
                          digests: Mapping[str, str | OSError], label: str) -> list[Problem]:
    """Source-tree files whose sha256 is not the one pinned for them."""
    problems = []
    for sc in checks:
        got = digests.get(sc.path)
        where = "declares" if sc.pos is not None else "is pinned in debian/aimodel.sums to"
        if isinstance(got, str) and got != sc.sha256:
            problems.append(Problem(f"{sc.path} has sha256 {got}, but model {sc.model} {where} "
                                    f"{sc.sha256}", sc.pos, label, MISMATCH,
                                    "restore the declared file, or run aimodel validate "
                                    "--update-sums if the model was changed on purpose"))
        elif not isinstance(got, str):
            problems.append(Problem(f"cannot read {sc.path}: {_strerror(got)}", None, label,
                                    None, "dh_aimodel must read the declared files"))
    return problems


def _carrier_files(p: Plan, installed_digests: Mapping[str, str | OSError],
                   problems: list[Problem]) -> list[VerifiedFile]:
    """The installed files that carry embedded, compiled and generated models, with
    their sha256 for README.aimodel (what lint of the .deb checks)."""
    out = []
    for c in p.carriers:
        got = installed_digests.get(c.installed)
        if isinstance(got, str):
            out.append(VerifiedFile(c.model, c.installed, got, ", ".join(c.embeds) or c.delivery))
        else:
            problems.append(Problem(f"cannot read {p.build_dir}/{c.installed}: {_strerror(got)}",
                                    None, p.package, None,
                                    "dh_aimodel must read every model file it checks"))
    return out


def _accepts(e: Expected, got: str, source_digests: Mapping[str, str | OSError],
             package: str, where: str) -> tuple[str, None] | tuple[None, Problem]:
    """(the source path whose content it has, None) or (None, what is wrong and the fix)."""
    if e.sha256 is not None:
        if got == e.sha256:
            return e.spec.path, None
        return None, Problem(f"{where} has sha256 {got}, but {e.spec.path} (model {e.model}) "
                             f"is declared with {e.sha256}", e.spec.pos, package, MISMATCH,
                             "install the declared file, or update its sha256 if the model "
                             "was changed on purpose")
    sources = {s: source_digests.get(s) for s in e.sources}
    match = next((s for s, d in sources.items() if d == got), None)
    if match is not None:
        return match, None
    if not sources:
        return None, Problem(f"{where} is declared by {e.spec.path} (model {e.model}), but no "
                             "file of that name is in the source tree to compare it with",
                             e.spec.pos, package, NOT_DECLARED, "add its sha256 there")
    unreadable = [f"{s}: {_strerror(d)}" for s, d in sources.items() if not isinstance(d, str)]
    if unreadable:
        return None, Problem(f"cannot read {', '.join(unreadable)} to verify {where}", None,
                             package, None, "dh_aimodel must read the declared files")
    first = sorted(sources)[0]
    return None, Problem(f"{where} has sha256 {got}, which differs from the declared source "
                         f"file {first} (sha256 {sources[first]}, model {e.model})", e.spec.pos,
                         package, MISMATCH,
                         "install the declared file unchanged, or declare the installed one")


def _strerror(value: object) -> str:
    if isinstance(value, OSError):
        return value.strerror or str(value)
    return "not hashed"


# -- classification against debian/control -----------------------------------

def explain(verdict: PackageVerdict) -> str:
    """Why a package lands in its area, in one parenthesis-sized text."""
    parts = [r.text for r in verdict.reasons if r.rule != "area/shipped-model"]
    for m in verdict.models:
        if m.delivery not in IN_PACKAGE:
            continue
        texts = [r.text for r in m.reasons if r.severity != "warning"]
        parts.append(f"{m.name} is {m.cls}: " + "; ".join(texts) if texts
                     else f"{m.name} is {m.cls}")
    return "; ".join(parts) or "no model"


def section_problems(verdict: PackageVerdict) -> list[Problem]:
    """Section mismatch, or a model that no archive area may carry."""
    package = verdict.package
    if verdict.area == "none":
        bad = [m.name for m in verdict.models if m.delivery in IN_PACKAGE and m.area == "none"]
        return [Problem(f"ships {', '.join(bad)}, which may not be redistributed at all "
                        f"({explain(verdict)}); no archive area can carry it", None, package,
                        NOT_REDISTRIBUTABLE, "do not ship it, or correct the licence or "
                        "'distributable' in debian/aimodel.yaml")]
    if not verdict.section_mismatch:
        return []
    return [Problem(f"Section is {verdict.section_declared} in debian/control, but the "
                    f"package belongs in {verdict.section_recommended} ({explain(verdict)})", None,
                    package, SECTION, f"set Section: {verdict.section_recommended}")]


def source_section_problem(source: SourceVerdict | None,
                           packages: Iterable[PackageVerdict] = ()) -> list[Problem]:
    """The source paragraph must sit in the area of its worst binary (archive-liberty-mismatch).

    Not reported when a binary package that inherits the source's Section
    already reports the same mismatch: one fix, one message.
    """
    if source is None or not source.section_mismatch:
        return []
    for p in packages:
        if (p.section_mismatch and p.section_declared == source.section_declared
                and p.section_recommended == source.section_recommended):
            return []
    why = "; ".join(r.text for r in source.reasons if r.rule == "area/source-only-model")
    return [Problem(f"Section is {source.section_declared} in the source paragraph of "
                    f"debian/control, but the source belongs in {source.section_recommended} "
                    f"({why or 'the area of its binary packages'})", None,
                    f"source {source.name}", SECTION,
                    f"set Section: {source.section_recommended} there")]


def model_files_for_copyright(declaration: Declaration, package: str | None,
                              source_matches: Mapping[str, tuple[str, ...]]
                              ) -> list[tuple[Model, str]]:
    """(model, source path) of every file of a model the package carries (for
    ``package`` None: of the models kept in the source only), as debian/copyright
    must cover them.

    A glob that matched nothing is checked as written, so that its pattern
    still has to be covered.
    """
    out: dict[tuple[str, str], tuple[Model, str]] = {}
    models = ((*shipped_models(declaration, package), *carried_models(declaration, package))
              if package is not None
              else tuple(m for m in declaration.models if m.delivery == "source-only"))
    for model in models:
        for spec in model.files:
            for path in source_matches.get(spec.path) or (spec.path,):
                out.setdefault((path, model.name), (model, path))
    return [out[k] for k in sorted(out)]
