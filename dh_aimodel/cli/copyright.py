"""``aimodel copyright [PATH]``: add or update the models' stanzas in debian/copyright."""

from __future__ import annotations

import argparse
import difflib
import sys


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "copyright", help="add or update the models' DEP-5 stanzas in debian/copyright",
        description="Add or update, in debian/copyright (DEP-5), one Files stanza per shipped "
                    "model (its declared paths, copyright holders, licence, and a Comment "
                    "with its ML-Policy class, training data and software), the standalone "
                    "License paragraphs still missing, and, outside main, a header "
                    "Disclaimer saying why. Everything else in the file is kept byte for "
                    "byte; a second run changes nothing.")
    p.add_argument("path", nargs="?", default=".", metavar="PATH",
                   help="source tree or its debian/aimodel.yaml (default: .)")
    mode = p.add_mutually_exclusive_group()
    mode.add_argument("--check", action="store_true",
                      help="write nothing; exit 1 and print a unified diff when the file "
                           "is out of date, 0 when it is current")
    mode.add_argument("--stdout", action="store_true",
                      help="print the resulting file instead of writing it")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from dh_aimodel.commands.copyright import COPYRIGHT, plan, update_file
    from dh_aimodel.core.errors import UsageError
    from dh_aimodel.packaging.sourcetree import load
    from dh_aimodel.tree.atomic import write_atomic

    tree = load(args.path)
    if tree.root is None:
        raise UsageError(f"{args.path}: aimodel copyright needs a source tree (or its "
                         "debian/aimodel.yaml), to find debian/copyright")
    the_plan = plan(tree.declaration, tree.facts, tree.root)
    old, new = update_file(tree.root, the_plan, local=tree.declaration.licenses)
    if args.stdout:
        sys.stdout.write(new)
        return 0
    if args.check:
        if old == new:
            return 0
        sys.stdout.writelines(difflib.unified_diff(
            (old or "").splitlines(True), new.splitlines(True),
            f"a/{COPYRIGHT}" if old is not None else "/dev/null", f"b/{COPYRIGHT}"))
        return 1
    if old != new:
        write_atomic(tree.root / COPYRIGHT, new, name=str(COPYRIGHT))
        print(f"aimodel: {'updated' if old is not None else 'created'} {COPYRIGHT}",
              file=sys.stderr)
    return 0
