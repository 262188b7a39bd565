"""``dh_aimodel``: the debhelper command that checks and documents packaged models.

It runs in the dh sequence just before dh_installdeb (see debhelper/aimodel.pm
and dh_aimodel(1)): the package build directories hold what the .deb will
(compressed, stripped: a file that embeds a model has its final bytes),
${shlibs:Depends} is in the substvars, the copyright file and dh_lintian's
override file are in place, and dh_gencontrol and dh_md5sums are still to
come.
For every package it acts on, it

1. finds each declared model file in debian/<pkg>/ and verifies its sha256,
   and refuses model files that nobody declared;
2. classifies the models (:mod:`dh_aimodel.core.classification`) and compares the
   recommended Section with debian/control's;
3. checks that debian/copyright covers every model file with the declared
   licence and, outside main, says why (:mod:`dh_aimodel.packaging.dep5`);
4. runs ``aimodel lint``'s checks of file contents (:data:`LINT_TAGS`: unsafe
   pickles, malformed headers, embedded licences and formats) on the model
   files and pickles of debian/<pkg>/, honouring dh_lintian's override file;
5. installs the provenance document usr/share/doc/<pkg>/README.aimodel,
   Lintian overrides for tags Lintian really emits (none today) and the
   ``aimodel:*`` substvars.

Every problem of every package is collected first and reported together, one
line each (``dh_aimodel: error: <pkg>: ...; <fix> [<tag>]``), before anything is
written; the run then exits 1.  A lint tag of severity warning is printed as
``dh_aimodel: warning:`` and does not fail the build.  It writes only below
the package build directories and to debian/<pkg>.substvars, atomically,
and the same input gives the same bytes.  Without debian/aimodel.yaml it
returns at once, which is also what the ``# PROMISE`` line of bin/dh_aimodel
tells dh.
"""

from __future__ import annotations

import os
import sys
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Mapping, Sequence

from dh_aimodel import DECLARATION
from dh_aimodel.core.errors import AimodelError, BuildCheckError, PackagingError, Pos, Problem
from dh_aimodel.core.limits import configure
from dh_aimodel.dh.options import PROG, DhOptions, HelpRequested, parse, usage

if TYPE_CHECKING:
    from dh_aimodel.core.buildcheck import InstalledFile, Plan, VerifiedFile
    from dh_aimodel.core.classification import Classification, PackageVerdict
    from dh_aimodel.core.declaration import Declaration, Model


#: The ``aimodel lint`` tags dh_aimodel reports: those about what the files
#: contain.  The other tags repeat dh_aimodel's own checks (declared files,
#: sha256, undeclared models, Section, areas, debian/copyright), which say
#: how to fix the build, or are about the declaration, not the files: each
#: problem gets one message.
LINT_TAGS = frozenset({
    "aimodel-pickle-unsafe-global", "aimodel-malformed-model-file",
    "aimodel-embedded-licence-mismatch", "aimodel-format-mismatch", "aimodel-pickle-weights",
    "aimodel-pickle-foreign-global", "aimodel-pickle-load-bomb",
})


class Output:
    """Messages as debhelper prints them: verbose lines are tab-indented."""

    def __init__(self, options: DhOptions) -> None:
        self.options = options

    def verbose(self, message: str) -> None:
        if self.options.verbose:
            print(f"\t{PROG}: {message}", flush=True)

    def warning(self, message: str) -> None:
        print(f"{PROG}: warning: {message}", file=sys.stderr, flush=True)


def main(argv: Sequence[str] | None = None) -> int:
    """Run dh_aimodel; 0 on success, 1 when a check fails, 2 for a bad command line."""
    try:
        options = parse(sys.argv[1:] if argv is None else list(argv), os.environ)
    except HelpRequested:
        print(usage(), end="")
        return 0
    except AimodelError as exc:
        return _report(exc)
    out = Output(options)
    for warning in options.warnings:
        out.warning(warning)
    for ignored in options.ignored:
        out.verbose(f"ignoring -O{ignored} (not a dh_aimodel option)")
    if not os.path.isfile(DECLARATION):
        out.verbose(f"no {DECLARATION}: nothing to do")
        return 0
    try:
        configure()  # AIMODEL_LIMITS, the one way to reach dh_aimodel inside a build
        run(options, out)
    except AimodelError as exc:
        return _report(exc)
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return 130
    return 0


def _report(exc: AimodelError) -> int:
    """One line per problem; a tag in it is explained by ``aimodel lint --explain TAG``."""
    for problem in exc.problems:
        print(f"{PROG}: error: {problem}", file=sys.stderr)
    return exc.exit_status


# -- package selection --------------------------------------------------------

def list_packages(options: DhOptions) -> list[str]:
    """The packages debhelper would act on, from ``dh_listpackages`` itself.

    It applies -a/-i/-p/-N/-O, DH_OPTIONS, DH_INTERNAL_OPTIONS, Architecture
    and Build-Profiles exactly as every other dh_* command does, in 0.06 s.
    """
    import subprocess

    argv = ["dh_listpackages", *options.listpackages_args]
    try:
        proc = subprocess.run(argv, capture_output=True, text=True, check=False)
    except FileNotFoundError as exc:
        raise PackagingError("dh_listpackages not found; dh_aimodel runs inside a debhelper "
                             "build (install debhelper)") from exc
    if proc.returncode != 0:
        lines = proc.stderr.strip().splitlines()
        errors = [line.split(": error: ", 1)[1] for line in lines if ": error: " in line]
        why = (errors or lines or [f"exit status {proc.returncode}"])[0]
        raise PackagingError(f"{why} (from {' '.join(argv)})")
    packages = [line.strip() for line in proc.stdout.splitlines() if line.strip()]
    if options.remaining_packages:
        packages = [p for p in packages if PROG not in _log(p)]
    return packages


def _logfile(package: str) -> Path:
    return Path("debian") / f"{package}.debhelper.log"


def _log(package: str) -> list[str]:
    """Commands debhelper logged for a package (``--remaining-packages``)."""
    try:
        return _logfile(package).read_text(encoding="utf-8").split()
    except OSError:
        return []


def _write_log(packages: Iterable[str]) -> None:
    """Log the run as Dh_Lib does, so --remaining-packages works in override targets.

    An append, as Dh_Lib's: the log is shared with every other dh_* command.
    """
    from dh_aimodel.tree.atomic import write_error

    for package in packages:
        try:
            with open(_logfile(package), "a", encoding="utf-8") as fh:
                fh.write(f"{PROG}\n")
        except OSError as exc:
            raise write_error(str(_logfile(package)), exc) from exc


# -- the run --------------------------------------------------------------------

class _PackageRun:
    """What was found for one package; filled step by step by :func:`run`.

    A plain class, not a dataclass: this module is imported on every no-op
    run, and building a dataclass costs more than everything else here.
    """

    def __init__(self, name: str, build_dir: Path, verdict: "PackageVerdict",
                 models: tuple["Model", ...]) -> None:
        self.name = name
        self.build_dir = build_dir
        self.verdict = verdict
        self.models = models
        self.plan: "Plan | None" = None
        self.verified: list["VerifiedFile"] = []
        #: Installed path -> first bytes, of the files lint reads (see :func:`scan`).
        self.heads: dict[str, bytes] = {}


def run(options: DhOptions, out: Output) -> None:
    """Check every selected package, then (when all is well) install the outputs."""
    from dh_aimodel.core.classification import classify
    from dh_aimodel.core.policies import get
    from dh_aimodel.core.validation import licence_problems
    from dh_aimodel.packaging.sourcetree import load

    packages = list_packages(options)
    if not packages:
        out.verbose("no package to act on")
        return
    tree = load(".")
    declaration = tree.declaration
    errors, warnings = licence_problems(declaration)
    for w in warnings:
        out.warning(str(w))
    policy = get(declaration.policy)
    if not policy.gives_area:
        raise BuildCheckError(f"policy {policy.name} judges openness, not archive areas; "
                              "set a policy that gives an area (such as ml-policy) in "
                              "debian/aimodel.yaml", Pos(declaration.path, 1, 1))
    classification = classify(declaration, tree.facts, policy)
    problems: list[Problem] = list(errors)
    runs = _runs(options, packages, declaration, classification)
    from dh_aimodel.core.buildcheck import source_section_problem

    checked = [r.verdict for r in runs if r.models or r.verdict.reasons]
    problems += source_section_problem(classification.source, checked)
    problems += _check(runs, declaration, classification, out)
    if problems:
        raise BuildCheckError(problems=tuple(problems))
    for r in runs:
        if r.models:
            _install(r, declaration, classification, options, out)
    if os.environ.get("DH_INTERNAL_OVERRIDE") and not options.no_act:
        _write_log(r.name for r in runs)


def _runs(options: DhOptions, packages: list[str], declaration: "Declaration",
          classification: "Classification") -> list[_PackageRun]:
    verdicts = {v.package: v for v in classification.packages if v.package is not None}
    runs = []
    for name in packages:
        verdict = verdicts.get(name)
        if verdict is None:  # not in debian/control: dh_listpackages would have refused
            continue
        build_dir = Path(options.tmpdir) if options.tmpdir else Path("debian") / name
        models = tuple(m for m in declaration.models if m.package == name)
        runs.append(_PackageRun(name, build_dir, verdict, models))
    return runs


def _check(runs: list[_PackageRun], declaration: "Declaration",
           classification: "Classification", out: Output) -> list[Problem]:
    """Every problem of every package, in package order, nothing written."""
    from dh_aimodel.core import buildcheck
    from dh_aimodel.manifest import sums
    from dh_aimodel.packaging.provenance import README
    from dh_aimodel.tree.hashing import sha256_files

    problems: dict[str, list[Problem]] = {r.name: [] for r in runs}
    matches = source_matches(declaration, {r.name for r in runs})
    pinned = sums.pinned(Path("debian"))
    for r in runs:
        if r.models or r.verdict.reasons:
            problems[r.name] += buildcheck.section_problems(r.verdict)
        doc_dir = r.build_dir / "usr/share/doc" / r.name
        if r.models and doc_dir.is_symlink():
            problems[r.name].append(Problem(
                f"{doc_dir} is a symbolic link (dh_installdocs --link-doc), so dh_aimodel "
                f"cannot install {README} there", None, r.name, None,
                "do not use --link-doc for a package that has models"))
        out.verbose(f"{r.name}: scan {r.build_dir}/")
        r.plan = buildcheck.plan(declaration, r.name, str(r.build_dir),
                                 scan(r.build_dir, r.heads), matches, pinned)
        problems[r.name] += r.plan.problems
    label = f"source {classification.source.name}" if classification.source else "source"
    kept, problems[label] = buildcheck.source_only_checks(declaration, label, matches, pinned)

    wanted: dict[Path, None] = {}
    for r in runs:
        assert r.plan is not None
        for kind, path in r.plan.paths_to_hash():
            wanted[r.build_dir / path if kind == "installed" else Path(path)] = None
    wanted.update((Path(c.path), None) for c in kept)
    digests = sha256_files(wanted)
    problems[label] += buildcheck.source_check_problems(
        kept, {c.path: digests[Path(c.path)] for c in kept}, label)
    for r in runs:
        assert r.plan is not None
        installed = {path: digests[r.build_dir / path] for kind, path
                     in r.plan.paths_to_hash() if kind == "installed"}
        sources = {path: digests[Path(path)] for kind, path
                   in r.plan.paths_to_hash() if kind == "source"}
        r.verified, found = buildcheck.verify(r.plan, installed, sources)
        problems[r.name] += found
        if r.plan.carriers:
            from dh_aimodel.tree.contains import contains

            hosts = {(h, s): contains(r.build_dir / h, Path(s)) for h, s in r.plan.embeddings()}
            problems[r.name] += buildcheck.embedding_problems(r.plan, hosts)
        for v in r.verified:
            out.verbose(f"{r.name}: {r.build_dir}/{v.path}: model {v.model}, sha256 "
                        f"{v.sha256} (as {v.source})")
    copyrights: dict[Path, Any] = {}
    source = classification.source.name if classification.source else None
    for r in runs:
        problems[r.name] += _copyright(r, declaration, matches, copyrights)
        problems[r.name] += _lint(r, source, declaration, matches, out)
    kept_files = buildcheck.model_files_for_copyright(declaration, None, matches)
    if kept_files:  # the source package distributes them: debian/copyright covers them
        problems[label] += _coverage(None, label, kept_files, copyrights)[0]
    return [p for r in runs for p in problems[r.name]] + problems[label]


def _lint(r: _PackageRun, source: str | None, declaration: "Declaration",
          matches: Mapping[str, tuple[str, ...]], out: Output) -> list[Problem]:
    """``aimodel lint``'s :data:`LINT_TAGS` on the package build directory.

    The same checks as on the .deb to be, so that a package that builds is
    one that lint accepts: errors are returned as problems, warnings printed,
    and tags the installed Lintian override file silences are only shown
    with --verbose.  Nothing is imported when no file may be a model or hold
    a pickle, which is the common case of a package without models.
    """
    if not r.heads:
        return []
    from dh_aimodel.lint import target_results
    from dh_aimodel.lint.inputs import build_dir_target

    assert r.plan is not None
    digests = {v.path: v.sha256 for v in r.verified}
    target = build_dir_target(r.build_dir, r.name, source, r.heads, declaration, r.plan,
                              matches, digests)
    problems: list[Problem] = []
    for result in target_results(target):
        d = result.diagnostic
        if d.tag not in LINT_TAGS:
            continue
        hint = f"{d.tag} {d.context}".rstrip()
        if result.override is not None:
            out.verbose(f"{r.name}: {hint}: overridden ({result.override})")
            continue
        problem = Problem(f"{hint} (in {r.build_dir}/)", None, r.name, d.tag,
                          f"fix the file, or override the tag in "
                          f"debian/{r.name}.lintian-overrides", d.context)
        if result.severity == "error":
            problems.append(problem)
        else:
            out.warning(str(problem))
    return problems


def scan(build_dir: Path, heads: dict[str, bytes] | None = None) -> list["InstalledFile"]:
    """Every regular file below a package build directory, sniffed from its head.

    Only :data:`~dh_aimodel.formats.SNIFF_BYTES` bytes of each file are read;
    symbolic links and DEBIAN/ (control data, not payload) are skipped.
    ``heads``, when given, receives the head of every file that lint reads
    further (a model, or a file that may hold pickles), so that
    :func:`_lint` does not open every file again to choose them.

    It runs on every file of every package (tens of thousands with a library
    or its documentation), so the loop stays on strings and raw file
    descriptors: :func:`os.scandir` entries say which names are regular files
    without a ``stat`` on the file systems that report the type in the
    directory (all of Linux's usual ones), then one ``open``, ``read`` and
    ``close`` per file and no :class:`~pathlib.Path` objects, which cost more
    than the system calls (bench/bench_scan.py).  The order is os.walk's: a
    directory's files by name, then its subdirectories, by name.
    """
    from dh_aimodel.core.buildcheck import InstalledFile
    from dh_aimodel.formats import SNIFF_BYTES, looks_like_model, may_hold_pickles, sniff

    found = []
    pending = [(os.fspath(build_dir), "")]  # (directory, its path below the root with "/")
    while pending:
        directory, prefix = pending.pop()
        try:
            with os.scandir(directory) as listing:
                entries = sorted(listing, key=lambda e: e.name)
        except OSError:  # gone or unreadable since its parent was listed
            continue
        subdirs = []
        for entry in entries:
            try:
                if entry.is_dir(follow_symlinks=False):
                    if prefix or entry.name != "DEBIAN":
                        subdirs.append((entry.path, f"{prefix}{entry.name}/"))
                    continue
                if not entry.is_file(follow_symlinks=False):
                    continue
            except OSError:  # is_dir()/is_file() needed a stat, and the file is gone
                continue
            head = _head(entry.path, SNIFF_BYTES)
            if head is None:
                continue
            # looks_like_model is "sniff recognises it, or a model-only
            # extension": sniff once more only for the few that are models.
            is_model = looks_like_model(head, entry.name)
            found.append(InstalledFile(prefix + entry.name, is_model,
                                       sniff(head, entry.name) if is_model else None))
            if heads is not None and (is_model or may_hold_pickles(head, entry.name)):
                heads[prefix + entry.name] = head
        pending.extend(reversed(subdirs))
    return found


def _head(path: str, size: int) -> bytes | None:
    """The first ``size`` bytes of a file; None when it is gone since it was
    listed, b"" when unreadable (judged by its name, and hashing reports the
    error)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except FileNotFoundError:
        return None
    except OSError:
        return b""
    try:
        head = os.read(fd, size)
        while 0 < len(head) < size:  # a short read before the end (network file systems)
            more = os.read(fd, size - len(head))
            if not more:
                break
            head += more
        return head
    except OSError:
        return b""
    finally:
        os.close(fd)


def source_matches(declaration: "Declaration", packages: set[str]) -> dict[str, tuple[str, ...]]:
    """Each declared path of the models the packages carry, and of those kept in the
    source only, → the source files it names.

    The source tree is the current directory, listed by the one walker
    (:mod:`dh_aimodel.tree.walk`) that ``aimodel lint`` and ``init`` use too.
    """
    from dh_aimodel.tree.walk import matches

    return matches((s.path for m in declaration.models
                    if m.package in packages and m.in_package or m.delivery == "source-only"
                    for s in m.files), Path("."))


def _copyright(r: _PackageRun, declaration: "Declaration",
               matches: Mapping[str, tuple[str, ...]], cache: dict[Path, Any]) -> list[Problem]:
    """debian/copyright (or debian/<pkg>.copyright, as dh_installdocs picks it) checks."""
    from dh_aimodel.core import buildcheck
    from dh_aimodel.packaging import dep5

    files = buildcheck.model_files_for_copyright(declaration, r.name, matches)
    outside_main = r.verdict.area in ("contrib", "non-free")
    if not files and not outside_main:
        return []
    found, copyright, display = _coverage(r.name, r.name, files, cache)
    if outside_main and copyright is not None:
        disclaimer = dep5.disclaimer_problem(copyright, r.verdict.area or "",
                                             buildcheck.explain(r.verdict), display)
        if disclaimer:
            found.append(replace(disclaimer, package=r.name))
    return found


def _coverage(package: str | None, label: str, files: list[tuple["Model", str]],
              cache: dict[Path, Any]) -> tuple[list[Problem], Any, str]:
    """Whether the copyright file that dh_installdocs picks for ``package``
    covers ``files``: the problems (reported under ``label``), the parsed
    file (None when it cannot be read) and its name."""
    from dh_aimodel.packaging import dep5

    path = dep5.copyright_path(Path("."), package)
    if path not in cache:  # one parse per file, however many packages it covers
        try:
            cache[path] = dep5.read_copyright(path, path.as_posix())
        except AimodelError as exc:
            cache[path] = exc
    copyright = cache[path]
    display = path.as_posix()
    if isinstance(copyright, AimodelError):
        return [replace(p, package=label) for p in copyright.problems], None, display
    wanted = [dep5.ModelFile(p, m.name, m.license, m.copyright) for m, p in files]
    return ([replace(p, package=label)
             for p in dep5.coverage_problems(copyright, wanted, display)], copyright, display)


# -- outputs ----------------------------------------------------------------------

def _install(r: _PackageRun, declaration: "Declaration", classification: "Classification",
             options: DhOptions, out: Output) -> None:
    """README.aimodel, Lintian overrides and substvars for one package."""
    from dh_aimodel.packaging import substvars
    from dh_aimodel.packaging.provenance import README, check_provenance, provenance_context
    from dh_aimodel.packaging.render import render

    context = provenance_context(r.name, classification, declaration, r.verified)
    text = render(f"{README}.j2", **context)
    check_provenance(text, context)
    doc_dir = r.build_dir / "usr/share/doc" / r.name  # not a symlink: checked before
    write(doc_dir / README, text.encode("utf-8"), options, out)

    lines = override_lines(load_overrides(options.lintian_version)["binary"], r.name,
                           [v.path for v in r.verified])
    if lines:
        target = r.build_dir / "usr/share/lintian/overrides" / r.name
        existing = _read_output(target)
        merged = merge_overrides(existing, lines)
        if merged != existing:
            write(target, merged.encode("utf-8"), options, out)

    area = r.verdict.area or "none"
    path = Path("debian") / f"{r.name}.substvars"
    existing = _read_output(path)
    new = substvars.merge(existing, substvars.values(area, [m.name for m in r.models]))
    if new != existing:
        write(path, new.encode("utf-8"), options, out)


def _read_output(path: Path) -> str:
    """An output file dh_aimodel merges into (another helper may have written
    it), or "" when there is none yet."""
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return ""
    except (OSError, UnicodeDecodeError) as exc:
        raise PackagingError(f"{path}: cannot read: {getattr(exc, 'strerror', None) or exc}; "
                             "dh_aimodel merges its lines into this file, so it must be a "
                             "readable UTF-8 file") from exc


def write(path: Path, data: bytes, options: DhOptions, out: Output) -> None:
    """Write one output atomically (:mod:`dh_aimodel.tree.atomic`), mode 0644.

    A reader (or a crash) never sees half a file, and a second identical run
    leaves identical bytes.  A read-only tree or a full disk is a one-line
    :class:`~dh_aimodel.core.errors.WriteError` naming the file, which is left as
    it was.  Under --no-act only the verbose line is printed.
    """
    from dh_aimodel.tree.atomic import make_dirs, write_atomic

    out.verbose(f"write {path}" + (" (--no-act: not written)" if options.no_act else ""))
    if options.no_act:
        return
    make_dirs(path.parent, mode=0o755)
    write_atomic(path, data, mode=0o644)


# -- Lintian overrides ------------------------------------------------------------

def load_overrides(lintian: str | None = None) -> dict[str, Any]:
    """data/lintian-overrides.yaml: the tags that Lintian emits for model files.

    For the Lintian that will check the package: ``--lintian-version``, else
    the installed one (the build's).
    """
    from dh_aimodel.packaging.overrides import entries, target_lintian

    version, _ = target_lintian(lintian)
    return {"binary": list(entries("binary", version)),
            "source": list(entries("source", version))}


def override_lines(entries: Iterable[Mapping[str, str]], package: str,
                   paths: Iterable[str]) -> list[tuple[str, str]]:
    """(justification, override) pairs for every entry and model file, sorted.

    An entry is ``{tag, context, comment}``; ``{path}`` in its context is the
    installed path of a model file.  Lintian 2.116's syntax:
    ``<package>: <tag> <context>``, with only ``*`` and ``?`` as wildcards.
    """
    out: dict[str, str] = {}
    for entry in entries:
        for path in sorted(set(paths)):
            context = entry.get("context", "").format(path=path).strip()
            line = f"{package}: {entry['tag']}" + (f" {context}" if context else "")
            out.setdefault(line, f"# {entry.get('comment', '').strip()}".rstrip())
    return [(comment, line) for line, comment in sorted(out.items())]


def merge_overrides(existing: str, lines: Iterable[tuple[str, str]]) -> str:
    """Append overrides to what dh_lintian installed, never duplicating one.

    dh_lintian overwrites the file, so dh_aimodel runs after it and appends;
    an override the file already has, read as Lintian reads it
    (:func:`dh_aimodel.packaging.overrides.covered`), is not added again, nor is its
    justification, so a second run changes nothing.
    """
    from dh_aimodel.packaging.overrides import covered

    text = existing if not existing or existing.endswith("\n") else existing + "\n"
    for comment, line in lines:
        if covered(text, line):
            continue
        if comment and comment != "#":
            text += comment + "\n"
        text += line + "\n"
    return text
