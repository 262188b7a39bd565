"""Lintian overrides: read as Lintian reads them, written for the tags model files cause.

The writing half is ``aimodel overrides`` (:func:`plan`, :func:`merge`).
Which tags Lintian emits for model files, per package type, is data
(``data/lintian-overrides.yaml``), keyed by the Lintian versions each entry
holds for: overrides are written for one Lintian (:func:`target_lintian`:
the installed one unless told; :mod:`~dh_aimodel.packaging.lintian_version`),
and :func:`unused_by_newer` (:mod:`~dh_aimodel.packaging.unused_overrides`)
finds the overrides a newer one no longer uses.  Today that is one tag, for
the *source* package only: ``very-long-line-length-in-source-file``, whose
test :mod:`~dh_aimodel.packaging.line_length` repeats on each declared file
before writing an override.  Override files are read and matched as Lintian
does in :mod:`~dh_aimodel.packaging.override_syntax`.

Callers import all of it from here.  It imports nothing heavy at module
level, since ``aimodel lint`` loads it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable

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
    from dh_aimodel.packaging.sourcetree import SourceTree

__all__ = [
    "LONG_LINE_TAG", "OverrideFile", "Override", "Unused", "choose", "covered",
    "enabled", "entries", "holds", "installed_lintian", "lintian_skips", "load_data",
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
    (:func:`target_lintian`; ``lintian`` is ``--lintian-version``).
    """
    from dh_aimodel.core.classification import judge_models
    from dh_aimodel.core.errors import PackagingError, UsageError
    from dh_aimodel.core.policies import get
    from dh_aimodel.packaging.render import render

    if tree.root is None:
        raise UsageError("aimodel overrides needs a source tree (a directory with "
                         "debian/aimodel.yaml and debian/control), not a lone declaration")
    if tree.facts is None:
        raise PackagingError("aimodel overrides needs debian/control (for the source "
                             "package's name); accepted: a source tree with debian/control")
    from dh_aimodel.tree.walk import expand, source_files

    root = tree.root
    tree_files = source_files(root)
    version, version_text = target_lintian(lintian)
    source_entries, binary_entries = entries("source", version), entries("binary", version)
    verdicts = judge_models(tree.declaration, get("ml-policy"))
    source_overrides: list[Override] = []
    binary: dict[str, list[Override]] = {}
    for model in tree.declaration.models:
        verdict = verdicts[model.name]
        for spec, pattern in zip(model.files, _patterns_per_spec(model, root)):
            files = [root / p for p in expand(spec.path, tree_files, root)]
            for entry in source_entries:
                hints = tuple(_hints(entry, root, files))
                if not hints:
                    continue
                paths = [f.relative_to(root).as_posix() for f in files]
                comment = render("lintian-overrides.j2", kind="comment", model=model,
                                 verdict=verdict, paths=paths, entry=entry,
                                 lintian_version=version_text).rstrip("\n")
                source_overrides.append(Override(
                    entry["tag"], entry["context"].format(path=pattern), comment, hints,
                    model.name))
            if model.shipped and model.package and files:
                for entry in binary_entries:
                    # No tag is known to fire for model files in a .deb (see the data
                    # file); kept generic for when Lintian starts to.
                    comment = render("lintian-overrides.j2", kind="comment", model=model,
                                     verdict=verdict, paths=[f.name for f in files],
                                     entry=entry, lintian_version=version_text
                                     ).rstrip("\n")
                    context = entry["context"].format(path=f"*/{files[0].name}" if len(files) == 1
                                                      else "*")
                    binary.setdefault(model.package, []).append(Override(
                        entry["tag"], context, comment, (), model.name))
    out = [OverrideFile(Path("debian/source/lintian-overrides"),
                        f"{tree.facts.source} source", tree.facts.source,
                        tuple(source_overrides))]
    for package in sorted(binary):
        out.append(OverrideFile(Path(f"debian/{package}.lintian-overrides"), package, package,
                                tuple(binary[package])))
    return out


def _patterns_per_spec(model: Any, root: Path) -> list[str]:
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
