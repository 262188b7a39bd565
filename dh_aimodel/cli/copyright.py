"""``aimodel copyright [PATH]``: add or update the models' stanzas in debian/copyright."""

from __future__ import annotations

import argparse
import difflib
import sys


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "copyright", help="add or update the models' DEP-5 stanzas in debian/copyright",
        description="Add or update, in debian/copyright (DEP-5), one Files stanza per "
                    "model in the source (its declared paths, copyright holders, licence, "
                    "and a Comment that marks it as generated, with its ML-Policy class, "
                    "training data and software) unless a stanza of the maintainer already "
                    "covers it; remove the generated stanzas of models no longer declared; "
                    "add the standalone License paragraphs still missing; and, outside main, "
                    "regenerate the header Disclaimer saying why. Everything else in the "
                    "file is kept byte for byte; a second run changes nothing. Afterwards "
                    "it prints what dh_aimodel and aimodel lint would still report.")
    p.add_argument("path", nargs="?", default=".", metavar="PATH",
                   help="source tree or its debian/aimodel.yaml (default: .)")
    mode = p.add_mutually_exclusive_group()
    mode.add_argument("--check", action="store_true",
                      help="write nothing; print a unified diff when the file is out of "
                           "date and, on standard error, what dh_aimodel and aimodel lint "
                           "report of it now; exit 1 when there is either, 0 otherwise")
    mode.add_argument("--stdout", action="store_true",
                      help="print the resulting file instead of writing it")
    p.add_argument("--convert", action="store_true",
                   help="a debian/copyright that is not machine-readable (DEP-5) becomes "
                        "one: its text is kept verbatim in the header's Comment, for you to "
                        "turn into Files stanzas")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from dh_aimodel.commands.copyright import COPYRIGHT, copyright_problems, plan, update_file
    from dh_aimodel.core.errors import UsageError
    from dh_aimodel.packaging.dep5 import is_machine_readable
    from dh_aimodel.packaging.sourcetree import load
    from dh_aimodel.tree.atomic import write_atomic

    tree = load(args.path)
    if tree.root is None:
        raise UsageError(f"{args.path}: aimodel copyright needs a source tree (or its "
                         "debian/aimodel.yaml), to find debian/copyright")
    the_plan = plan(tree.declaration, tree.facts, tree.root)
    old, new = update_file(tree.root, the_plan, local=tree.declaration.licenses,
                           convert=args.convert)
    if args.check:
        if old != new:
            sys.stdout.writelines(difflib.unified_diff(
                (old or "").splitlines(True), new.splitlines(True),
                f"a/{COPYRIGHT}" if old is not None else "/dev/null", f"b/{COPYRIGHT}"))
        found = copyright_problems(tree.root, tree.declaration, tree.facts, old)
    else:
        if args.stdout:
            sys.stdout.write(new)
        elif old != new:
            write_atomic(tree.root / COPYRIGHT, new, name=str(COPYRIGHT))
            print(f"aimodel: {'updated' if old is not None else 'created'} {COPYRIGHT}",
                  file=sys.stderr)
        if old is not None and old != new and not is_machine_readable(old):
            _review(len(the_plan.stanzas))
        found = copyright_problems(tree.root, tree.declaration, tree.facts, new)
    for problem in found:
        print(f"aimodel: {problem}", file=sys.stderr)
    return 1 if found or (args.check and old != new) else 0


def _review(models: int) -> None:
    """What a maintainer must look at after ``--convert``: it cannot write stanzas for prose."""
    for line in (
            "converted debian/copyright to the machine-readable format (DEP-5); review it:",
            "  the former text is kept verbatim in the header's Comment: turn what it says "
            "into Files stanzas (\"Files: *\" first; Lintian reports "
            "file-without-copyright-information until then) and remove it from the Comment",
            f"  check the {models} model stanza(s) and the Upstream-Name and Source fields "
            "written from debian/aimodel.yaml, debian/upstream/metadata and debian/control"):
        print(f"aimodel: {line}", file=sys.stderr)
