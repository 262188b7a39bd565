"""``aimodel fetch [PATH]``: download the declared files that have a url, verified."""

from __future__ import annotations

import argparse

from dh_aimodel.core.errors import UsageError


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "fetch", help="download declared files that have a url (resumable, sha256-verified)",
        description="Download every file of debian/aimodel.yaml that has a url (http, https "
                    "or hf://ORG/NAME@REV/path) to its declared path in the source tree. "
                    "Partial downloads are kept as PATH.part and resumed; a file is renamed "
                    "into place only when its sha256 matches. A file already present with "
                    "the declared sha256 is skipped.")
    p.add_argument("path", nargs="?", default=".", metavar="PATH",
                   help="source tree or declaration file (default: .)")
    p.add_argument("-j", "--jobs", type=int, default=4, metavar="N",
                   help="files downloaded at the same time (default: 4)")
    p.add_argument("--force", action="store_true",
                   help="replace present files whose sha256 differs, and download urls "
                        "that have no sha256 (unverified)")
    p.add_argument("--timeout", type=float, default=None, metavar="SECONDS",
                   help="connect/read timeout (default: $AIMODEL_TIMEOUT or 60)")
    p.add_argument("--retries", type=int, default=None, metavar="N",
                   help="retries of a file after 5xx answers, broken connections and "
                        "timeouts, with exponential backoff (default: 5)")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from dh_aimodel.hub import fetch
    from dh_aimodel.packaging.sourcetree import load

    if args.jobs < 1:
        raise UsageError(f"--jobs {args.jobs}: accepted: a number of files, at least 1")
    if args.timeout is not None and args.timeout <= 0:
        raise UsageError(f"--timeout {args.timeout:g}: accepted: a positive number of seconds")
    if args.retries is not None and args.retries < 0:
        raise UsageError(f"--retries {args.retries}: accepted: 0 or more")
    tree = load(args.path)
    if tree.root is None:
        raise UsageError(f"{args.path}: not in a source tree (PATH/debian/aimodel.yaml); "
                         "fetch needs to know where the files go")
    downloads = fetch.plan(tree.declaration, tree.root, force=args.force)
    if not downloads:
        print(f"{tree.declaration.path}: no file has a url; nothing to fetch")
        return 0
    options = fetch.Options(
        jobs=args.jobs, force=args.force,
        timeout=args.timeout if args.timeout is not None else fetch.timeout_default(),
        retries=args.retries if args.retries is not None else fetch.DEFAULT_RETRIES)
    fetch.fetch(downloads, options,
                report=lambda o: print(f"{o.download.path}: {o.message}", flush=True),
                progress=fetch.progress_stream())
    return 0
