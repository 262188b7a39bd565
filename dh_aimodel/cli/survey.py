"""``aimodel survey [INPUT...]``: the models many .debs ship, for an archive reviewer."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from dh_aimodel.survey.inputs import Item

DEFAULT_DB = "aimodel-survey.db"


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "survey", help="survey many .debs (files, trees, a Packages index) for models",
        description="Read every .deb named, found below a directory, or listed by a Packages "
                    "index, once each and on every core, and report the models each ships, "
                    "their families, the area advice and the lint findings. Results are kept "
                    "in an SQLite database (--db): an interrupted survey resumes, and "
                    "--shard K/N splits one over machines whose databases --merge joins. "
                    "Exit status 1 when a package could not be surveyed.")
    p.add_argument("inputs", nargs="*", metavar="INPUT", type=Path,
                   help=".deb files and directories holding them (with --merge: shard "
                        "databases)")
    p.add_argument("--packages", metavar="INDEX", type=Path, action="append", default=[],
                   help="a Packages index (plain, .gz or .xz) whose .debs to survey; "
                        "needs --mirror; may be repeated")
    p.add_argument("--mirror", metavar="PATH|URL",
                   help="the archive root the index's Filename fields are relative to")
    p.add_argument("--cache", metavar="DIR", type=Path,
                   help="where .debs from a mirror URL are downloaded (default: the "
                        "database's name with .debs instead of .db)")
    p.add_argument("--db", metavar="FILE", type=Path, default=Path(DEFAULT_DB),
                   help=f"the results database (default: {DEFAULT_DB})")
    p.add_argument("-j", "--jobs", metavar="N", type=int,
                   help="packages read at once (default: one per CPU)")
    p.add_argument("--shard", metavar="K/N",
                   help="survey only the K-th of N parts of the inputs")
    p.add_argument("--merge", action="store_true",
                   help="join the shard databases INPUT... into --db, then report")
    p.add_argument("--json", metavar="FILE", type=Path, help="write the records as JSON")
    p.add_argument("--csv", metavar="FILE", type=Path, help="write one CSV row per package")
    p.add_argument("--html", metavar="FILE", type=Path,
                   help="write a self-contained HTML report")
    p.add_argument("-q", "--quiet", action="store_true",
                   help="print neither the table nor the summary line")
    p.set_defaults(run=run)


def _items(args: argparse.Namespace) -> list["Item"]:
    from dh_aimodel.core.errors import UsageError
    from dh_aimodel.survey import inputs

    if args.packages and not args.mirror:
        raise UsageError("--packages needs --mirror PATH|URL, the archive root its Filename "
                         "fields are relative to")
    if args.mirror and not args.packages:
        raise UsageError("--mirror is for --packages INDEX")
    if not args.inputs and not args.packages:
        raise UsageError("nothing to survey; accepted: .deb files, directories holding "
                         "them, or --packages INDEX --mirror PATH|URL")
    cache = args.cache or args.db.with_suffix(".debs")
    items = inputs.local_items(args.inputs)
    for index in args.packages:
        items += inputs.index_items(index, args.mirror, cache)
    if args.shard:
        k, n = inputs.parse_shard(args.shard)
        items = [i for i in items if inputs.in_shard(i, k, n)]
    return items


def run(args: argparse.Namespace) -> int:
    from dh_aimodel.core.errors import UsageError
    from dh_aimodel.hub.progress import progress_stream
    from dh_aimodel.survey import report
    from dh_aimodel.survey.run import survey
    from dh_aimodel.survey.store import Store
    from dh_aimodel.tree.hashing import default_jobs

    if args.jobs is not None and args.jobs < 1:
        raise UsageError(f"--jobs {args.jobs}: accepted: a number of at least 1")
    if args.merge and (args.shard or args.packages):
        raise UsageError("--merge joins databases; --shard and --packages are for a survey")
    if args.merge and not args.inputs:
        raise UsageError("--merge needs the shard databases to join")
    items = [] if args.merge else _items(args)
    with Store(args.db) as store:
        if args.merge:
            for shard in args.inputs:
                store.merge(shard)
            records, failed = store.records(), store.errors()
        else:
            summary = survey(items, store, args.jobs or default_jobs(), progress_stream())
            records, failed = store.records(summary.done), store.errors(summary.failed)
            if not args.quiet:
                print(f"aimodel survey: {len(items)} packages: {summary.skipped} already "
                      f"surveyed, {summary.surveyed} surveyed now, {len(summary.failed)} "
                      "failed", file=sys.stderr)
    report.write_outputs(records, failed, json_file=args.json, csv_file=args.csv,
                         html_file=args.html)
    if not args.quiet:
        print(report.table(records, failed), end="")
    return 1 if failed else 0
