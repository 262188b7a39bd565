"""``aimodel validate [PATH]``: is the declaration well-formed and complete?"""

from __future__ import annotations

import argparse

from dh_aimodel.core.errors import DeclarationError, Problem


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("validate", help="check debian/aimodel.yaml against aimodel.yaml(5)",
                       description="Check a declaration: its shape, every field rule, the "
                                   "package names against debian/control and every licence "
                                   "id against the knowledge base. All problems are listed. "
                                   "'# TODO(aimodel): ...' comments left by aimodel init are "
                                   "listed too, and fail the check until they are resolved.")
    p.add_argument("path", nargs="?", default=".", metavar="PATH",
                   help="source tree or declaration file (default: .)")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from dh_aimodel.core.validation import licence_problems
    from dh_aimodel.packaging.sourcetree import load

    tree = load(args.path)
    errors, warnings = licence_problems(tree.declaration)
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
