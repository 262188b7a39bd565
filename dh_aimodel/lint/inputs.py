"""Build :class:`LintState` values from what the user points at.

* a source tree: debian/aimodel.yaml, debian/control, debian/copyright and
  every file of the tree (model files sniffed and their headers read, the
  pickles of every file that holds some scanned, sha256 computed in
  parallel);
* a .deb: its control file and data.tar, streamed (:mod:`.debfile`); the
  declaration comes from ``--source DIR`` when given, else the package's own
  usr/share/doc/<pkg>/README.aimodel (written by dh_aimodel), else only the
  files themselves are linted.  A declared file is looked up among all the
  package's members (by path, through links) and checked by its sha256,
  whatever its format: most model files (a Sphinx ``mdef``, a gnubg
  ``.weights``) have no header lint could read;
* a .changes: every .deb it lists;
* a package build directory, for dh_aimodel (:func:`build_dir_target`).
"""

from __future__ import annotations

import gzip
import io
import os
import zlib
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, BinaryIO, Callable, Iterable, Iterator, Mapping, cast

from dh_aimodel.core.errors import DeclarationError, PackagingError, Pos, Problem, UsageError
from dh_aimodel.formats import looks_like_model, may_hold_pickles, sniff_file
from dh_aimodel.formats.families import Candidate, recognise, routed
from dh_aimodel.lint.state import DeclaredFile, LintState, ScannedFile
from dh_aimodel.tree.walk import expand, source_files

if TYPE_CHECKING:
    from debian.copyright import Copyright

    from dh_aimodel.core.buildcheck import InstalledFile, Plan
    from dh_aimodel.core.declaration import Declaration
    from dh_aimodel.core.facts import PackagingFacts
    from dh_aimodel.formats import Metadata
    from dh_aimodel.formats.families import Recognised
    from dh_aimodel.formats.pickle_scan import PickleReport
    from dh_aimodel.packaging.debfile import DebContents


@dataclass(frozen=True, slots=True)
class Target:
    """One linted thing: its state and the Lintian override texts that apply."""

    state: LintState
    #: label ("pkg" or "src source") -> (override file name, text)
    overrides: dict[str, tuple[str, str]]


# -- shared ------------------------------------------------------------------

def _scanned(source: "Path | BinaryIO", name: str, head: bytes, size: int | None = None,
             opener: "Callable[[], BinaryIO] | None" = None) -> ScannedFile | None:
    """One file read for lint from its first bytes: a model, a file holding
    pickles, a file of a model family, several of these, or none (None).

    Three questions.  Is it a model (:func:`~dh_aimodel.formats.looks_like_model`,
    what dh_aimodel's undeclared-model check asks too)?  Then its header is
    read.  May it hold pickles (:func:`~dh_aimodel.formats.may_hold_pickles`)?
    Then they are scanned, model or not: a pickle runs code when loaded
    whatever the file is.  Is it of a model family
    (:mod:`dh_aimodel.formats.families`, asked only when ``opener`` is given:
    ``head`` is then up to :data:`~dh_aimodel.formats.families.RECOGNISE_BYTES`
    long)?  Then the family is kept, for the survey of undeclared packages.
    A file that is none of these, or only a file without pickles, is left
    out.  ``source`` is a path, or a .deb member whose middle may be missing
    (read errors there become findings).
    """
    from dh_aimodel.formats import SNIFF_BYTES

    base = name.rpartition("/")[2]  # not PurePosixPath: this runs for every file
    sniffed = head[:SNIFF_BYTES]
    is_model = looks_like_model(sniffed, base)
    pickled = may_hold_pickles(sniffed, base)
    routes = opener is not None and bool(routed(name, head))
    if not (is_model or pickled or routes):
        return None
    try:
        pickle = None
        if pickled:  # the scanner is imported only then: most models are no pickles
            from dh_aimodel.formats.pickle_scan import scan_file

            pickle = scan_file(source, base)
        if pickle is not None and not pickle.streams:
            pickle = None
        family = None
        if routes:
            family = recognise(Candidate(name, size or len(head), head, opener))
        if not is_model and pickle is None and family is None:
            return None
        fmt = sniff_file(source, base) if is_model or pickle is not None else None
        metadata = _metadata(source, name, fmt) if is_model else None
        if family is None and opener is not None:
            family = _by_format(fmt, metadata, pickle)
    except OSError:  # a file that cannot be opened again (removed, unreadable): its head tells
        return ScannedFile(name, True, size=size) if is_model else None
    return ScannedFile(name, is_model, fmt, metadata, pickle, size=size, family=family)


def _by_format(fmt: str | None, metadata: "Metadata | None",
               pickle: "PickleReport | None") -> "Recognised | None":
    """The family of a file that only its format names (a GGUF file is a GGUF
    model), with its header's fields; a pickle's family also needs one of
    the family's imports (a ``.pkl`` test fixture of joblib is no PyTorch
    checkpoint)."""
    from dh_aimodel.formats.families import Recognised, family_of_format

    fam = family_of_format(fmt)
    if fam is None:
        return None
    if fam.imports and pickle is not None and not any(
            module.split(".")[0] in fam.imports for module, _ in pickle.globals):
        return None
    fields = dict(metadata.fields) if metadata is not None else {}
    if metadata is not None and metadata.license:
        fields["license"] = metadata.license
    return Recognised(fam.id, "content", fields)


def _read_copyright_text(text: str, name: str) -> "Copyright | None":
    """The copyright file parsed by the one DEP-5 reader; None when it is not DEP-5."""
    from dh_aimodel.core.errors import PackagingError
    from dh_aimodel.packaging.dep5 import parse_copyright

    try:
        return parse_copyright(text, name)
    except PackagingError:
        return None


def _classify(declaration: "Declaration", facts: "PackagingFacts | None"):  # noqa: ANN202
    from dh_aimodel.core.classification import classify
    from dh_aimodel.core.policies import get

    return classify(declaration, facts, get(declaration.policy))


def _load_source(root: Path) -> tuple["Declaration | None", tuple, "PackagingFacts | None"]:
    from dh_aimodel.manifest.loader import load_text, read_text
    from dh_aimodel.packaging.control import read_control
    from dh_aimodel.packaging.sourcetree import locate

    declaration_path, control_path, _ = locate(root)
    facts = read_control(control_path, "debian/control") if control_path else None
    name = "debian/aimodel.yaml"
    try:
        return load_text(read_text(declaration_path, name), name, facts), (), facts
    except DeclarationError as exc:
        return None, exc.problems, facts


# -- source tree ---------------------------------------------------------------

def _pinned(root: Path, problems: list[Problem]) -> Mapping[str, str]:
    """The checksum lock, debian/aimodel.sums (empty when absent; a malformed
    one is a declaration problem)."""
    from dh_aimodel.manifest.sums import pinned

    try:
        return pinned(root / "debian", "debian/aimodel.sums")
    except DeclarationError as exc:
        problems.extend(exc.problems)
        return {}


def _scan_tree(root: Path, rels: "Iterable[str]") -> tuple[dict[str, ScannedFile], set[str]]:
    """The files of a tree that lint reads (:func:`_scanned`), and those
    removed since they were listed (missing then, not unchecked)."""
    from dh_aimodel.formats.families import RECOGNISE_BYTES

    scanned: dict[str, ScannedFile] = {}
    gone: set[str] = set()
    for rel in rels:
        path = root / rel
        try:
            with open(path, "rb") as fh:
                head = fh.read(RECOGNISE_BYTES)
                size = os.fstat(fh.fileno()).st_size
        except FileNotFoundError:
            gone.add(rel)
            continue
        except OSError:
            continue
        found = _scanned(path, rel, head, size, cast("Callable[[], BinaryIO]", partial(open, path, "rb")))
        if found is not None:
            scanned[rel] = found
    return scanned, gone


def source_target(root: Path) -> Target:
    from dh_aimodel.tree.hashing import sha256_files

    root = Path(root)
    declaration, loaded, facts = _load_source(root)
    problems: list[Problem] = list(loaded)
    tree_files = source_files(root)
    declared: list[DeclaredFile] = []
    pinned = _pinned(root, problems) if declaration is not None else {}
    if declaration is not None:
        for m in declaration.models:
            for spec in m.files:
                matched = expand(spec.path, tree_files, root)
                locked = () if spec.sha256 else tuple(p for p in matched if p in pinned)
                # A file the lock pins is declared with its sha256, one entry each.
                declared += [DeclaredFile(m.name, m.package, p, m.shipped, pinned[p], (p,),
                                          m.format, m.license, (p,), m.copyright, m.in_source)
                             for p in locked]
                rest = tuple(p for p in matched if p not in locked)
                if rest or not locked:
                    declared.append(DeclaredFile(m.name, m.package, spec.path, m.shipped,
                                                 spec.sha256, rest, m.format, m.license,
                                                 rest or (spec.path,), m.copyright,
                                                 m.in_source))
    scanned, gone = _scan_tree(root, tree_files)
    models = {rel for rel, f in scanned.items() if f.is_model}
    to_hash = models | {p for d in declared if d.sha256 for p in d.matched}
    digests = sha256_files([root / p for p in sorted(to_hash)])
    gone |= {p for p in to_hash if isinstance(digests.get(root / p), FileNotFoundError)}
    declared = [replace(d, matched=tuple(p for p in d.matched if p not in gone))
                for d in declared]
    files = []
    for rel in sorted((set(scanned) | to_hash) - gone):
        digest = digests.get(root / rel)
        files.append(replace(scanned.get(rel, ScannedFile(rel, False)),
                             sha256=digest if isinstance(digest, str) else None))
    from dh_aimodel.packaging.dep5 import copyright_path

    copyright = None
    if (root / "debian/copyright").is_file():
        copyright = _read_copyright_text(
            (root / "debian/copyright").read_text("utf-8", "replace"), "debian/copyright")
    # debian/<pkg>.copyright, installed instead of debian/copyright (dh_installdocs).
    own: dict[str, tuple[str, Copyright | None]] = {}
    for name in (facts.names if facts else ()):
        path = copyright_path(root, name)
        if path.name != "copyright":
            rel = path.relative_to(root).as_posix()
            own[name] = (rel, _read_copyright_text(path.read_text("utf-8", "replace"), rel))
    state = LintState(
        kind="source", source=facts.source if facts else root.resolve().name,
        declaration=declaration, declaration_problems=tuple(problems),
        classification=_classify(declaration, facts) if declaration is not None else None,
        files=tuple(files), declared=tuple(declared), knows_declared=declaration is not None,
        copyright=copyright, package_copyrights=own,
        sections={p.name: p.section for p in facts.packages} if facts else {},
    )
    overrides: dict[str, tuple[str, str]] = {}
    src_file = root / "debian/source/lintian-overrides"
    if src_file.is_file():
        from dh_aimodel.packaging.overrides import parse_overrides, unused_by_newer

        text = src_file.read_text("utf-8", "replace")
        overrides[state.label_source()] = ("debian/source/lintian-overrides", text)
        model_files = sorted({root / p for d in declared for p in d.matched})
        unused = unused_by_newer(parse_overrides(text, state.label_source(),
                                                 "debian/source/lintian-overrides"),
                                 root, model_files)
        state = replace(state, unused_overrides=tuple(unused))
    for name in (facts.names if facts else ()):
        f = root / f"debian/{name}.lintian-overrides"
        if f.is_file():
            overrides[name] = (f"debian/{name}.lintian-overrides", f.read_text("utf-8", "replace"))
    return Target(state, overrides)


# -- .deb ----------------------------------------------------------------------

def _text(contents: "DebContents", *names: str) -> str | None:
    """The first of ``names`` the package has, decompressed when it ends in .gz.

    The ``text`` limit bounds what decompression may produce: a gzip bomb
    as README.aimodel.gz is not read and is reported with the limit.
    """
    from dh_aimodel.core.limits import LimitExceeded, active, shown

    for name in names:
        if name in contents.texts:
            data = contents.texts[name]
            if name.endswith(".gz"):
                cap = active().text
                try:
                    with gzip.GzipFile(fileobj=io.BytesIO(data)) as f:
                        data = f.read(cap + 1)
                except (OSError, EOFError, zlib.error):
                    return None
                if len(data) > cap:
                    contents.exceeded.append(LimitExceeded(
                        "text", f"{name} expands beyond the text limit of "
                                f"{shown('text')}").problems[0].message)
                    return None
            return data.decode("utf-8", "replace")
    return None


def _provenance(text: str, contents: "DebContents", package: str
                ) -> tuple[list[DeclaredFile], dict[str, str]]:
    """Declared files and licences from README.aimodel (:mod:`dh_aimodel.packaging.provenance`).

    Each listed file (a model's own, or one that carries a model embedded,
    compiled or generated) is there when the package has a regular file at
    its path, through links as dpkg would install it; it then names that
    member, whose bytes are checked and which is then a declared model.
    """
    from dh_aimodel.packaging.provenance import shipped_files

    declared: list[DeclaredFile] = []
    licences: dict[str, str] = {}
    for f in shipped_files(text):
        entry = contents.resolve(f.path)
        declared.append(DeclaredFile(f.model, package, f.path, True, f.sha256,
                                     (entry.path,) if entry is not None else (), f.format,
                                     f.license))
        if f.license:
            licences[entry.path if entry is not None else f.path] = f.license
    return declared, licences


def _installed(contents: "DebContents", scanned: Mapping[str, ScannedFile]
               ) -> list["InstalledFile"]:
    """The package's files as dh_aimodel saw them in debian/<pkg>/ before it was
    packed: every regular member and every hard link (one more name of a
    regular file), not symbolic links (dh_aimodel's scan skips them)."""
    from dh_aimodel.core.buildcheck import InstalledFile

    names = [*contents.entries, *(k.path for k in contents.links.values() if k.hard)]
    out = []
    for path in sorted(names):
        entry = contents.resolve(path)
        if entry is not None:
            f = scanned.get(entry.path)
            out.append(InstalledFile(path, f is not None and f.is_model,
                                     f.format if f is not None else None))
    return out


def _with_declared(scanned: list[ScannedFile], declared: list[DeclaredFile],
                   contents: "DebContents") -> tuple[ScannedFile, ...]:
    """The scanned members, and every other declared member with its sha256.

    The checksum check compares a declared sha256 with the file's, which
    read_deb computed for every member; a file of no format lint reads joins
    the state for that alone (not a model: the undeclared-model check never
    sees it).
    """
    known = {f.path for f in scanned}
    extra = []
    for path in sorted({p for d in declared for p in d.matched} - known):
        entry = contents.resolve(path)
        if entry is not None:
            extra.append(ScannedFile(path, False, sha256=entry.sha256))
    return (*scanned, *extra)


def _declared_installed(declaration: "Declaration", package: str, p: "Plan",
                        matches: Mapping[str, tuple[str, ...]]) -> list[DeclaredFile]:
    """The package's declared file specs, each with the installed files
    :func:`dh_aimodel.core.buildcheck.plan` matched to it.

    An installed file is found by its name, as dh_aimodel finds it at build
    time, so that lint on a .deb and dh_aimodel on the build directory agree
    on which declaration covers which file.  ``matches`` maps each declared
    path to the source-tree files it names (for debian/copyright).
    """
    by_spec: dict[tuple[str, str], list[str]] = {}
    for e in p.expected:
        by_spec.setdefault((e.model, e.spec.path), []).append(e.installed)
    declared = [DeclaredFile(m.name, m.package, s.path, m.shipped, s.sha256,
                             tuple(sorted(set(by_spec.get((m.name, s.path), ())))), m.format,
                             m.license, matches.get(s.path) or (s.path,), m.copyright,
                             m.in_source)
                for m in declaration.models if m.package == package for s in m.files]
    # The installed files that carry an embedded, compiled or generated model
    # are declared by its 'installed:' (one entry per pattern; none found: missing).
    for m in declaration.models:
        if m.package != package or not m.installed:
            continue
        for pattern in m.installed:
            hits = tuple(c.installed for c in p.carriers
                         if c.model == m.name and c.pattern == pattern)
            declared.append(DeclaredFile(m.name, m.package, pattern, not hits, None, hits,
                                         m.format, m.license))
    return declared


def deb_target(deb: Path, source: Path | None = None) -> Target:
    from dh_aimodel.formats.families import RECOGNISE_BYTES
    from dh_aimodel.packaging.debfile import Member, Sparse, read_deb

    def wanted(name: str) -> bool:
        return (name.startswith("usr/share/doc/") and PurePosixPath(name).name in (
            "copyright", "README.aimodel", "README.aimodel.gz")) or \
            name.startswith("usr/share/lintian/overrides/")

    def examine(m: Member) -> ScannedFile | None:
        # Sparse is a raw binary stream (io.RawIOBase), which typing calls no BinaryIO.
        kept = m.sparse

        def reopen() -> BinaryIO:
            if kept is None:
                return io.BytesIO(m.head)
            return cast(BinaryIO, Sparse(kept.head, kept.tail, m.size))

        head = bytes(kept.head[:RECOGNISE_BYTES]) if kept is not None else m.head
        f = _scanned(reopen(), m.path, head, m.size, reopen)
        if m.embedded:  # a model compiled into or embedded in this ELF file (the first one)
            f = replace(f or ScannedFile(m.path, False, size=m.size), family=m.embedded[0])
        return None if f is None else replace(f, sha256=m.sha256)

    contents = read_deb(deb, examine, wanted)
    package = contents.control.get("Package", "unknown")
    files = contents.files
    declaration = None
    problems: tuple = ()
    classification = None
    declared: list[DeclaredFile] = []
    licences: dict[str, str] = {}
    knows = False
    src_name = contents.control.get("Source", package).split()[0]
    if source is not None:
        from dh_aimodel.core.buildcheck import plan

        declaration, problems, facts = _load_source(source)
        if declaration is not None:
            knows = True
            classification = _classify(declaration, facts)
            tree_files = source_files(source)
            matches = {s.path: expand(s.path, tree_files, source)
                       for m in declaration.models for s in m.files}
            p = plan(declaration, package, f"debian/{package}",
                     _installed(contents, {f.path: f for f in files}), matches)
            declared = _declared_installed(declaration, package, p, matches)
    else:
        readme = _text(contents, f"usr/share/doc/{package}/README.aimodel",
                       f"usr/share/doc/{package}/README.aimodel.gz")
        if readme is not None:
            knows = True
            declared, licences = _provenance(readme, contents, package)
    copyright = None
    needs_copyright = source is not None or (
        not knows and any(f.metadata is not None and f.metadata.license for f in files))
    copyright_text = _text(contents, f"usr/share/doc/{package}/copyright")
    if copyright_text and needs_copyright:  # parsing it costs more than the rest of a small .deb
        copyright = _read_copyright_text(copyright_text,
                                         f"usr/share/doc/{package}/copyright")
    overrides = {}
    text = _text(contents, f"usr/share/lintian/overrides/{package}",
                 f"usr/share/lintian/overrides/{package}.gz")
    if text is not None:
        overrides[package] = (f"usr/share/lintian/overrides/{package}", text)
    state = LintState(
        kind="binary", source=src_name, binary=package, declaration=declaration,
        declaration_problems=tuple(problems), classification=classification,
        files=_with_declared(files, declared, contents), declared=tuple(declared),
        knows_declared=knows, copyright=copyright,
        copyright_name=f"usr/share/doc/{package}/copyright",
        sections={package: contents.control.get("Section")},
        archive_problems=tuple(contents.problems), provenance_licences=licences,
        limits_exceeded=tuple(contents.exceeded),
    )
    state = _advised(state, copyright_text)
    return Target(state, overrides)


def _advised(state: LintState, copyright_text: str | None) -> LintState:
    """A package nothing declares, with the area advice for the models found
    in it (:mod:`dh_aimodel.core.advice`), the licence read from its
    copyright file (:mod:`dh_aimodel.packaging.copyright_licence`)."""
    from dh_aimodel.core.advice import FoundModel, advise
    from dh_aimodel.formats.families import families
    from dh_aimodel.lint.checks import found_units

    units = found_units(state)
    if state.knows_declared or not units:
        return state
    known = families()
    found = [FoundModel(unit, f.family.family, known[f.family.family].kind)
             for unit, f, _ in units if f.family is not None]
    licence = None
    if copyright_text is not None:
        from dh_aimodel.packaging.copyright_licence import licence_for

        licence = licence_for(copyright_text, state.copyright_name,
                              [f.path for f in state.files if f.family is not None])
    return replace(state, advice=advise(found, licence))


# -- an unpacked binary package --------------------------------------------------

def is_binary_tree(path: Path) -> bool:
    """An unpacked .deb (``dpkg-deb -R``, or ``-x``: no debian/, an installed
    file system layout) rather than a source tree."""
    if (path / "debian").is_dir():
        return False
    return (path / "DEBIAN/control").is_file() or (path / "usr").is_dir()


def _tree_package(root: Path, control: Mapping[str, str]) -> str:
    """The package an unpacked tree is: its control file says, else its one
    usr/share/doc/ directory, else the directory's name."""
    if control.get("Package"):
        return control["Package"]
    docs = sorted(p.name for p in (root / "usr/share/doc").glob("*") if p.is_dir())
    return docs[0] if len(docs) == 1 else root.resolve().name


def binary_tree_target(root: Path) -> Target:
    """An unpacked binary package, linted as its .deb would be without a
    declaration: each model found, and the advice (:func:`_advised`)."""
    from dh_aimodel.packaging.pydebian import deb822

    control: dict[str, str] = {}
    ctl = root / "DEBIAN/control"
    if ctl.is_file():
        control = dict(deb822().Deb822(ctl.read_text("utf-8", "replace")))
    package = _tree_package(root, control)
    rels = [r for r in source_files(root) if not r.startswith("DEBIAN/")]
    scanned, _ = _scan_tree(root, rels)
    copyright_file = root / f"usr/share/doc/{package}/copyright"
    text = copyright_file.read_text("utf-8", "replace") if copyright_file.is_file() else None
    state = LintState(
        kind="binary", source=control.get("Source", package).split()[0], binary=package,
        files=tuple(f for _, f in sorted(scanned.items())),
        copyright_name=f"usr/share/doc/{package}/copyright",
        sections={package: control.get("Section")},
    )
    return Target(_advised(state, text), {})


# -- package build directory ---------------------------------------------------

def build_dir_target(build_dir: Path, package: str, source: str | None,
                     heads: Mapping[str, bytes], declaration: "Declaration", p: "Plan",
                     matches: Mapping[str, tuple[str, ...]],
                     digests: Mapping[str, str]) -> Target:
    """A package build directory (debian/<pkg>/: a .deb's data tree not yet
    packed) as dh_aimodel has already seen it, for lint's checks of file contents.

    dh_aimodel walked the directory and read every file's head
    (:func:`dh_aimodel.dh.command.scan`), matched the installed files to the
    declaration (``p``, with ``matches`` from the source tree) and hashed the
    declared ones (``digests``, by installed path): all of that is reused,
    and only the files of ``heads`` (installed path -> first bytes: models,
    and files that may hold pickles) are read again, for their headers and
    pickles.  Nothing is hashed here.  The copyright file and the
    classification are left out, as dh_aimodel checks them itself; the
    override file is the one dh_lintian installed.
    """
    files = []
    for rel, head in sorted(heads.items()):
        found = _scanned(build_dir / rel, rel, head)
        if found is not None:
            files.append(replace(found, sha256=digests.get(rel)))
    state = LintState(
        kind="binary", source=source, binary=package, declaration=declaration,
        files=tuple(files), declared=tuple(_declared_installed(declaration, package, p, matches)),
        knows_declared=True, copyright_name=f"usr/share/doc/{package}/copyright",
    )
    overrides = {}
    installed = build_dir / "usr/share/lintian/overrides" / package
    if installed.is_file():
        overrides[package] = (str(installed), installed.read_text("utf-8", "replace"))
    return Target(state, overrides)


def _metadata(source, name: str, fmt: str | None):  # noqa: ANN001, ANN202
    """Header of a model file, read as its format, or as its extension says when the
    magic bytes do not match (a broken ``.safetensors`` is still reported)."""
    from dh_aimodel.formats import EXTENSIONS, _extension, read_metadata

    fmt = fmt or EXTENSIONS.get(_extension(name))  # noqa: SLF001
    return read_metadata(source, fmt) if fmt and fmt != "other" else None


def changes_debs(changes: Path) -> list[Path]:
    """The .deb files a .changes lists (Files field), beside it."""
    from dh_aimodel.packaging.pydebian import deb822

    Changes = deb822().Changes

    try:
        with open(changes, encoding="utf-8") as fh:
            para = Changes(fh)
    except (OSError, UnicodeDecodeError) as exc:
        raise PackagingError(f"cannot read: {exc}", Pos(str(changes), 1, 1)) from exc
    debs = [changes.parent / f["name"] for f in para.get("Files", [])
            if f["name"].endswith((".deb", ".udeb"))]
    missing = [str(d) for d in debs if not d.is_file()]
    if missing:
        raise PackagingError(f"listed but not found: {', '.join(missing)}",
                             Pos(str(changes), 1, 1))
    return debs


def targets(path: Path, source: Path | None = None) -> Iterator[Target]:
    path = Path(path)
    if path.is_dir():
        if source is not None:
            raise UsageError("--source is for a .deb or .changes; PATH is already a source tree")
        yield binary_tree_target(path) if is_binary_tree(path) else source_target(path)
    elif path.suffix in (".deb", ".udeb"):
        yield deb_target(path, source)
    elif path.suffix == ".changes":
        for deb in changes_debs(path):
            yield deb_target(deb, source)
    elif path.is_file() and path.name == "aimodel.yaml" and path.parent.name == "debian":
        yield source_target(path.parent.parent)
    else:
        raise UsageError(f"{path}: not a source tree, .deb or .changes; accepted: a directory "
                         "with debian/aimodel.yaml, an unpacked .deb, a .deb, or a .changes")
