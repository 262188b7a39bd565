"""``aimodel validate [PATH]``: is the declaration well-formed and complete?"""

from __future__ import annotations

import argparse

from ..errors import DeclarationError
from ..sourcetree import load
from ..validation import licence_problems


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("validate", help="check debian/aimodel.yaml against aimodel.yaml(5)",
                       description="Check a declaration: its shape, every field rule, the "
                                   "package names against debian/control and every licence "
                                   "id against the knowledge base. All problems are listed.")
    p.add_argument("path", nargs="?", default=".", metavar="PATH",
                   help="source tree or declaration file (default: .)")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    tree = load(args.path)
    errors, warnings = licence_problems(tree.declaration)
    for w in warnings:
        print(f"aimodel: warning: {w}")
    if errors:
        raise DeclarationError(problems=tuple(errors))
    d = tree.declaration
    packages = sorted({m.package for m in d.models if m.package})
    print(f"{d.path}: ok ({len(d.models)} model{'s' if len(d.models) != 1 else ''}"
          f"{', packages ' + ', '.join(packages) if packages else ''})")
    return 0
