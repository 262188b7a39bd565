"""``aimodel lint [PATH|FILE.deb|FILE.changes]``: Lintian-style tags for packaged models."""

from __future__ import annotations

import argparse
from pathlib import Path


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("lint", help="lintian-style tags on a source tree, .deb or .changes",
                       description="Check a source tree (debian/aimodel.yaml, the files, "
                                   "debian/control and debian/copyright), a built .deb or "
                                   "every .deb of a .changes, and print one line per finding "
                                   "(E: pkg: tag [path]). Honours the package's own Lintian "
                                   "override files. Exit status 1 when an error remains.")
    p.add_argument("path", nargs="?", default=".", metavar="PATH",
                   help="source tree, .deb or .changes (default: .)")
    p.add_argument("--source", metavar="DIR", type=Path,
                   help="source tree whose declaration applies to the .deb/.changes")
    p.add_argument("--format", choices=("text", "json"), default="text",
                   help="Lintian's line format (default) or JSON")
    p.add_argument("--pedantic", action="store_true", help="also show pedantic tags (P:)")
    p.add_argument("--show-overrides", action="store_true",
                   help="also show overridden tags (O:)")
    p.add_argument("--explain", metavar="TAG", help="print the description of TAG and exit")
    p.add_argument("--list-tags", action="store_true", help="list every tag and exit")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from dh_aimodel.lint import catalog, lint, report

    if args.list_tags:
        for info in catalog.catalogue().values():
            print(f"{info.code}: {info.name} ({info.check})")
        return 0
    if args.explain:
        print(catalog.explain(catalog.get(args.explain)))
        return 0
    results = lint(Path(args.path), args.source, pedantic=args.pedantic)
    if args.format == "json":
        print(report.as_json(results), end="")
    else:
        print(report.text(results, args.show_overrides), end="")
    return 1 if any(r.severity == "error" and not r.override for r in results) else 0
