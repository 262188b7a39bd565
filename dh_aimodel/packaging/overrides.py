"""Lintian overrides: read as Lintian reads them, written for the tags model files cause.

The writing half is ``aimodel overrides`` (:func:`plan`, :func:`merge`).
Which tags Lintian emits for model files, per package type, is data
(``data/lintian-overrides.yaml``), keyed by the Lintian versions each entry
holds for: overrides are written for one Lintian (:func:`target_lintian`:
the installed one unless told; :mod:`~dh_aimodel.packaging.lintian_version`),
and :func:`unused_by_newer` (:mod:`~dh_aimodel.packaging.unused_overrides`)
finds the overrides a newer one no longer uses.  Today that is two tags,
each written only after repeating Lintian's own test: in the *source*
package ``very-long-line-length-in-source-file``
(:mod:`~dh_aimodel.packaging.line_length`, on the declared files the source
package holds: :mod:`~dh_aimodel.packaging.source_package`), and in a
binary package ``spelling-error-in-binary`` on a program that embeds a
model (:func:`embedded_overrides`, :mod:`~dh_aimodel.packaging.binary_spelling`).
Override files are read and matched as Lintian does in
:mod:`~dh_aimodel.packaging.override_syntax`.

Callers import all of it from here.  It imports nothing heavy at module
level, since ``aimodel lint`` loads it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Iterable

from dh_aimodel.packaging.line_length import LONG_LINE_TAG, _hints, lintian_skips, longest_line
from dh_aimodel.packaging.lintian_version import (
    check_requested,
    entries,
    holds,
    installed_lintian,
    load_data,
    parse_version,
    target_lintian,
)
from dh_aimodel.packaging.override_syntax import (
    Declared,
    _covers,
    choose,
    covered,
    enabled,
    match_glob,
    overriding,
    parse_overrides,
)
from dh_aimodel.packaging.unused_overrides import Unused, unused_by_newer

if TYPE_CHECKING:
    from dh_aimodel.core.declaration import Declaration, Model
    from dh_aimodel.packaging.sourcetree import SourceTree

__all__ = [
    "LONG_LINE_TAG", "OverrideFile", "Override", "Unused", "choose", "covered",
    "embedded_overrides", "enabled", "entries", "holds", "installed_lintian", "lintian_skips", "load_data",
    "longest_line", "match_glob", "merge", "overriding", "parse_overrides", "parse_version",
    "plan", "select", "check_requested", "target_lintian", "unused_by_newer",
]


@dataclass(frozen=True, slots=True)
class Override:
    """An override the tool wants, with the hints (contexts) it is meant to silence."""

    tag: str
    context: str
    comment: str
    hints: tuple[str, ...]
    model: str


@dataclass(frozen=True, slots=True)
class OverrideFile:
    """One override file: where, which prefix its lines take, what to add."""

    path: Path            # relative to the source root
    prefix: str           # "<src> source" or "<pkg>"
    package: str
    overrides: tuple[Override, ...]


def select(declared: Iterable[Declared], wanted: Iterable[Override]) -> list[Override]:
    """The wanted overrides Lintian would use next to the declared ones.

    A wanted override is dropped when the file already covers it
    (:func:`_covers`); otherwise it is kept when, among the file's patterns
    and all wanted ones, it is the pattern Lintian chooses (:func:`choose`)
    for at least one of the hints it is meant for.
    """
    wanted = list(wanted)
    table = enabled(declared)
    kept: list[Override] = []
    for o in wanted:
        if _covers(table, o.tag, o.context):
            continue
        candidates = set(table.get(o.tag, {})) | {w.context for w in wanted if w.tag == o.tag}
        if any(choose(candidates, hint) == o.context for hint in o.hints):
            kept.append(o)
    return list(dict.fromkeys(kept))


def plan(tree: "SourceTree", lintian: str | None = None) -> list[OverrideFile]:
    """The override files and the overrides each should contain (before merging).

    Only what the Lintian that will check the package emits
    (:func:`target_lintian`; ``lintian`` is ``--lintian-version``), and only
    on files that package will hold: the source overrides name files of the
    source package (:func:`~dh_aimodel.packaging.source_package.source_package_files`,
    never a build product), the binary ones the programs that embed a model
    once they are built in ``debian/<package>/`` (:func:`embedded_overrides`).
    """
    from dh_aimodel.core.classification import judge_models
    from dh_aimodel.core.errors import PackagingError, UsageError
    from dh_aimodel.core.policies import get
    from dh_aimodel.packaging.render import render
    from dh_aimodel.packaging.source_package import source_package_files

    if tree.root is None:
        raise UsageError("aimodel overrides needs a source tree (a directory with "
                         "debian/aimodel.yaml and debian/control), not a lone declaration")
    if tree.facts is None:
        raise PackagingError("aimodel overrides needs debian/control (for the source "
                             "package's name); accepted: a source tree with debian/control")
    from dh_aimodel.tree.walk import expand

    root = tree.root
    in_source = source_package_files(root)
    held = set(in_source)
    version, version_text = target_lintian(lintian)
    verdicts = judge_models(tree.declaration, get("ml-policy"))
    source_overrides: list[Override] = []
    for model in tree.declaration.models:
        if not model.in_source:
            continue  # downloaded or referenced: no file of it is in the source package
        for spec, pattern in zip(model.files, _patterns_per_spec(model, root)):
            files = [root / p for p in expand(spec.path, in_source, root) if p in held]
            for entry in entries("source", version):
                hints = tuple(_hints(entry, root, files))
                if not hints:
                    continue
                paths = [f.relative_to(root).as_posix() for f in files]
                comment = render("lintian-overrides.j2", kind="comment", model=model,
                                 verdict=verdicts[model.name], paths=paths, entry=entry,
                                 lintian_version=version_text).rstrip("\n")
                source_overrides.append(Override(
                    entry["tag"], entry["context"].format(path=pattern), comment, hints,
                    model.name))
    out = [OverrideFile(Path("debian/source/lintian-overrides"),
                        f"{tree.facts.source} source", tree.facts.source,
                        tuple(source_overrides))]
    names = [tree.facts.source, *(p.name for p in tree.facts.packages)]
    for package in sorted({m.package for m in tree.declaration.models
                           if m.delivery == "embedded" and m.package}):
        build_dir = root / "debian" / package
        if not build_dir.is_dir():
            continue  # not built: which files are ELF programs is not known yet
        found = embedded_overrides(tree.declaration, package, build_dir, root, names,
                                   lintian)
        if found:
            out.append(OverrideFile(Path(f"debian/{package}.lintian-overrides"), package,
                                    package, found))
    return out


def embedded_overrides(declaration: "Declaration", package: str, build_dir: Path, root: Path,
                       package_names: Iterable[str], lintian: str | None = None
                       ) -> tuple[Override, ...]:
    """The overrides of ``package`` for the programs that embed a model (``delivery: embedded``).

    Lintian spell-checks ``strings --all`` of every ELF file, and an
    embedded model's bytes hold words it calls misspelt (Stockfish's net:
    39 ``spelling-error-in-binary``).  For each host the model's
    ``installed`` list names in ``build_dir`` (``debian/<package>/``) that is
    ELF, an override of the tag on that host is written when the model's own
    files hold a misspelling Lintian reports
    (:mod:`~dh_aimodel.packaging.binary_spelling`); its context wildcards
    the words, which the bytes decide, and names the host in the form of the
    target Lintian (the data's ``embedded`` entries).  ``package_names``:
    the source's and binaries' names, which Lintian accepts as words.
    Called by ``aimodel overrides`` and dh_aimodel alike.
    """
    from dh_aimodel.core.classification import judge_models
    from dh_aimodel.core.policies import get
    from dh_aimodel.packaging import binary_spelling
    from dh_aimodel.packaging.render import render
    from dh_aimodel.packaging.source_package import source_package_files
    from dh_aimodel.tree.walk import expand, source_files

    models = [m for m in declaration.models
              if m.delivery == "embedded" and m.package == package and m.installed]
    if not models:
        return ()
    version, version_text = target_lintian(lintian)
    accepted = binary_spelling.exceptions(package_names)
    in_source = source_package_files(root)
    held = set(in_source)
    installed = source_files(build_dir)
    verdicts = judge_models(declaration, get("ml-policy"))
    out: list[Override] = []
    for model in models:
        words = [pair for spec in model.files for p in expand(spec.path, in_source, root)
                 if p in held
                 for text in [binary_spelling.strings(root / p)] if text
                 for pair in binary_spelling.misspellings(text, accepted)]
        if not words:
            continue
        hosts = sorted({p for spec in model.installed
                        for p in expand(spec.lstrip("/"), installed, build_dir)
                        if not p.startswith("usr/lib/debug/")
                        and binary_spelling.is_elf(build_dir / p)})
        for host in hosts:
            hints = tuple(f"{w} {c} [{host}]" for w, c in dict.fromkeys(words))
            for entry in entries("embedded", version):
                comment = render("lintian-overrides.j2", kind="comment", model=model,
                                 verdict=verdicts[model.name], paths=[host], entry=entry,
                                 lintian_version=version_text).rstrip("\n")
                out.append(Override(entry["tag"], entry["context"].format(path=host),
                                    comment, hints, model.name))
    return tuple(dict.fromkeys(out))


def _patterns_per_spec(model: "Model", root: Path) -> list[str]:
    """One Lintian pattern per declared path (``**`` → ``*``; classes → ``?``)."""
    out = []
    for spec in model.files:
        p = spec.path
        while "**" in p:
            p = p.replace("**/", "*").replace("**", "*")
        p = re.sub(r"\[[^\]]*\]", "?", p)
        out.append(p)
    return out


def merge(existing: str | None, target: OverrideFile) -> tuple[str, list[Override]]:
    """(new file text, overrides added): the maintainer's lines kept, ours appended."""
    from dh_aimodel.packaging.render import render

    added = select(parse_overrides(existing or "", target.prefix, target.path.as_posix()),
                   target.overrides)
    text = existing or ""
    if added:
        block = render("lintian-overrides.j2", kind="block", prefix=target.prefix,
                       overrides=added)
        if text and not text.endswith("\n"):
            text += "\n"
        text += block
    return text, added
