"""``aimodel overrides [PATH]``: Lintian overrides for the tags model files cause."""

from __future__ import annotations

import argparse
import sys


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "overrides", help="print or write Lintian overrides for model files",
        description="Compute the Lintian overrides that the declared model files need: only "
                    "for tags the Lintian that will check the package really emits for them "
                    "(the installed Lintian, or --lintian-version): "
                    "very-long-line-length-in-source-file in the source package, for files "
                    "the source package holds with a line over 512 characters (from Lintian "
                    "2.124 only files file(1) calls text), and spelling-error-in-binary on a "
                    "built program that embeds a model whose bytes hold misspelt words; each "
                    "after a '#' line saying which model, which class and why. Without --write, print what would be "
                    "added; with --write, append it to debian/source/lintian-overrides "
                    "(and debian/<package>.lintian-overrides), keeping the maintainer's "
                    "lines and never duplicating an override.")
    p.add_argument("path", nargs="?", default=".", metavar="PATH",
                   help="source tree or its debian/aimodel.yaml (default: .)")
    p.add_argument("--lintian-version", metavar="V",
                   help="write what Lintian V needs (e.g. 2.143.0, sid's), not the installed "
                        "Lintian")
    p.add_argument("--write", action="store_true",
                   help="merge the overrides into the override files (atomically)")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from dh_aimodel.core.errors import PackagingError
    from dh_aimodel.packaging.overrides import check_requested, merge, plan
    from dh_aimodel.packaging.sourcetree import load
    from dh_aimodel.tree.atomic import make_dirs, write_atomic

    if args.lintian_version is not None:
        check_requested(args.lintian_version)
    tree = load(args.path)
    targets = plan(tree, args.lintian_version)
    assert tree.root is not None  # plan() refuses a lone declaration
    changed = False
    for target in targets:
        path = tree.root / target.path
        try:
            old = path.read_text(encoding="utf-8") if path.exists() else None
        except (OSError, UnicodeDecodeError) as exc:
            raise PackagingError(f"cannot read {target.path}: {exc}") from exc
        new, added = merge(old, target)
        if not added:
            continue
        changed = True
        if args.write:
            make_dirs(path.parent, name=str(target.path.parent))
            write_atomic(path, new, name=str(target.path))
            print(f"aimodel: added {len(added)} override(s) to {target.path}", file=sys.stderr)
        else:
            print(f"# {target.path}")
            sys.stdout.write(new[len(old or ""):].lstrip("\n") if old else new)
    if not changed:
        print("aimodel: no override needed: the override files already cover every Lintian "
              "tag the model files cause", file=sys.stderr)
    return 0
