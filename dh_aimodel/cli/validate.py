"""``aimodel validate [PATH]``: is the declaration well-formed and complete?"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Iterable

from dh_aimodel.core.errors import AimodelError, DeclarationError, Problem, UsageError

if TYPE_CHECKING:
    from dh_aimodel.core.declaration import Declaration
    from dh_aimodel.packaging.sourcetree import SourceTree


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("validate", help="check debian/aimodel.yaml against aimodel.yaml(5)",
                       description="Check a declaration: its shape, every field rule, the "
                                   "package names against debian/control and every licence "
                                   "id against the knowledge base. All problems are listed. "
                                   "'# TODO(aimodel): ...' comments left by aimodel init are "
                                   "listed too, and fail the check until they are resolved.")
    p.add_argument("path", nargs="?", default=".", metavar="PATH",
                   help="source tree or declaration file (default: .)")
    p.add_argument("--update-sums", action="store_true",
                   help="hash the declared files of the source tree that have no sha256: "
                        "and write debian/aimodel.sums (sha256sum -c format); without it, "
                        "validate checks the files against the sha256: values and that lock")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from dh_aimodel.core.validation import licence_problems
    from dh_aimodel.packaging.sourcetree import load

    tree = load(args.path)
    if args.update_sums:
        return _update_sums(tree, args.path)
    errors, warnings = licence_problems(tree.declaration)
    if tree.root is not None:
        sum_errors, sum_warnings = _checksum_problems(tree.root, tree.declaration, args.path)
        errors += sum_errors
        warnings += sum_warnings
    for w in warnings:
        print(f"aimodel: warning: {w}")
    todos = _todos(args.path)
    for todo in todos:
        print(f"aimodel: todo: {todo}")
    if errors:
        raise DeclarationError(problems=tuple(errors))
    d = tree.declaration
    if todos:
        raise DeclarationError(f"{len(todos)} TODO(aimodel) comment"
                               f"{'s' if len(todos) != 1 else ''} left (listed above); settle "
                               "each and delete its comment")
    packages = sorted({m.package for m in d.models if m.package})
    print(f"{d.path}: ok ({len(d.models)} model{'s' if len(d.models) != 1 else ''}"
          f"{', packages ' + ', '.join(packages) if packages else ''})")
    return 0


def _todos(path: str) -> list[Problem]:
    """The ``# TODO(aimodel):`` comments of the declaration (aimodel init writes them).

    A declaration with TODOs loads (their values are conservative placeholders)
    but is not reviewed yet, so validate lists them and exits 1.
    """
    from dh_aimodel.commands.init import find_todos
    from dh_aimodel.packaging.sourcetree import display_name, locate

    declaration, _, _ = locate(path)
    return find_todos(declaration.read_text(encoding="utf-8"), display_name(declaration))


def _lock(path: str) -> tuple[Path, str]:
    """The checksum lock beside the declaration, and its name in messages."""
    from dh_aimodel.manifest.sums import SUMS
    from dh_aimodel.packaging.sourcetree import display_name, locate

    declaration, _, _ = locate(path)
    lock = declaration.parent / SUMS
    return lock, display_name(lock)


def _matches(declaration: Declaration, root: Path) -> dict[str, tuple[str, ...]]:
    """Each declared path of the models in the source → the files of the tree it names."""
    from dh_aimodel.tree.walk import matches

    return matches((s.path for m in declaration.models if m.in_source for s in m.files), root)


def _hash(root: Path, paths: Iterable[str]) -> dict[str, str | OSError]:
    """path → sha256 (or the read error) of source files, hashed in parallel."""
    from dh_aimodel.tree.hashing import sha256_files

    wanted = sorted(set(paths))
    digests = sha256_files([root / p for p in wanted])
    return {p: digests[root / p] for p in wanted}


def _checksum_problems(root: Path, declaration: Declaration,
                       path: str) -> tuple[list[Problem], list[Problem]]:
    """The files of the tree against their sha256: values and debian/aimodel.sums."""
    from dh_aimodel.manifest import sums

    lock_path, name = _lock(path)
    try:
        lock = sums.read_sums(lock_path, name)
    except DeclarationError as exc:
        return list(exc.problems), []
    matches = _matches(declaration, root)
    present = {p for files in matches.values() for p in files}
    pinned = {p for m in declaration.models if m.in_source for s in m.files
              if s.sha256 is not None for p in matches[s.path]}
    digests = _hash(root, pinned | {p for p in lock
                                    if p in present and sums.lockable(declaration, p)})
    return sums.check(declaration, lock, matches, digests)


def _shown(path: str) -> str:
    """A path as the terminal can print it (a name that is not UTF-8 keeps its bytes
    in the lock, escaped here)."""
    return path.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def _update_sums(tree: SourceTree, path: str) -> int:
    """``--update-sums``: hash what the lock pins and write it, if it changed."""
    from dh_aimodel.manifest import sums
    from dh_aimodel.tree.atomic import write_atomic

    if tree.root is None:
        raise UsageError(f"{path}: --update-sums needs a source tree (the declaration at "
                         "debian/aimodel.yaml in it); accepted: a source tree, or its "
                         "debian/aimodel.yaml")
    d = tree.declaration
    lock_path, name = _lock(path)
    old = sums.read_sums(lock_path, name)
    matches = _matches(d, tree.root)
    for m in d.models:
        for s in m.files:
            if m.in_source and s.sha256 is None and not matches[s.path]:
                print(f"aimodel: note: {s.path} (model {m.name}) names no file of the source "
                      "tree; not hashed")
    digests = _hash(tree.root, sums.lock_paths(d, matches))
    unreadable = [Problem(f"cannot read {p}: {e.strerror or e}", None,
                          fix=f"make it readable; {name} was not written")
                  for p, e in digests.items() if isinstance(e, OSError)]
    if unreadable:
        raise AimodelError(problems=tuple(unreadable))
    new = sums.update(old, {p: dg for p, dg in digests.items() if isinstance(dg, str)}, d)
    for what, paths in (("added", new.added), ("changed", new.changed),
                        ("removed", new.removed), ("kept (not in the tree)", new.kept)):
        for p in paths:
            print(f"{name}: {what} {_shown(p)}")
    counts = (f"{len(new.added)} added, {len(new.changed)} changed, {len(new.removed)} "
              f"removed, {len(new.kept)} kept, {new.unchanged} unchanged")
    text = sums.render_sums(new.entries)
    data = text.encode("utf-8", "surrogateescape")
    if not new.entries and not lock_path.exists():
        print(f"{name}: not written: no declared file of the source tree to pin (each has "
              "its sha256: in the declaration, or is absent)")
    elif lock_path.is_file() and lock_path.read_bytes() == data:
        print(f"{name}: up to date ({counts})")
    else:
        write_atomic(lock_path, data, name=name)
        print(f"{name}: written ({counts})")
    return 0
