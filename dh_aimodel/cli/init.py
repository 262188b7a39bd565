"""``aimodel init [--from-hf ORG/NAME[@REV]] [PATH]``: write a declaration skeleton."""

from __future__ import annotations

import argparse


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "init", help="write a commented debian/aimodel.yaml skeleton",
        description="Write debian/aimodel.yaml for the binary packages of debian/control: "
                    "from the model files found in the source tree (by their magic bytes, "
                    "with sha256 and format), or with --from-hf from a Hugging Face model "
                    "(card metadata, files pinned to a commit, data sets). What the source "
                    "cannot tell is marked '# TODO(aimodel): ...'; aimodel validate fails "
                    "until every TODO is settled.")
    p.add_argument("path", nargs="?", default=".", metavar="PATH",
                   help="source tree (default: .); the file written is PATH/debian/aimodel.yaml")
    p.add_argument("--from-hf", metavar="ORG/NAME[@REVISION]",
                   help="fill the declaration from this Hugging Face model; REVISION (branch, "
                        "tag or commit, default main) is resolved to its commit")
    p.add_argument("--force", action="store_true",
                   help="replace an existing debian/aimodel.yaml")
    p.add_argument("-j", "--jobs", type=int, default=4, metavar="N",
                   help="files hashed or fetched at the same time (default: 4)")
    p.add_argument("--timeout", type=float, default=None, metavar="SECONDS",
                   help="network timeout for --from-hf (default: $AIMODEL_TIMEOUT or 60)")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from dh_aimodel import DECLARATION
    from dh_aimodel.commands.init import (
        find_todos,
        from_tree,
        hub_skeleton,
        render_skeleton,
        scan_tree,
    )
    from dh_aimodel.core.errors import AimodelError, UsageError
    from dh_aimodel.hub.fetch import timeout_default
    from dh_aimodel.packaging.control import read_control
    from dh_aimodel.packaging.sourcetree import CONTROL, display_name
    from dh_aimodel.tree.atomic import write_atomic

    root = Path(args.path)
    if not root.is_dir():
        raise UsageError(f"{args.path}: not a directory; accepted: a Debian source tree")
    if not (root / "debian").is_dir():
        raise UsageError(f"{display_name(root / 'debian')}: no such directory; run aimodel "
                         "init in a Debian source tree (dh_make creates debian/)")
    if args.jobs < 1:
        raise UsageError(f"--jobs {args.jobs}: accepted: at least 1")
    if args.timeout is not None and args.timeout <= 0:
        raise UsageError(f"--timeout {args.timeout:g}: accepted: a positive number of seconds")
    target = root / DECLARATION
    name = display_name(target)
    if target.exists() and not args.force:
        raise AimodelError(f"{name} exists; not overwritten (use --force to replace it)")
    control = root / CONTROL
    facts = read_control(control, display_name(control)) if control.is_file() else None
    if args.from_hf:
        timeout = args.timeout if args.timeout is not None else timeout_default()
        skeleton = hub_skeleton(args.from_hf, facts, timeout=timeout, jobs=args.jobs)
    else:
        fallback = facts.source if facts else root.resolve().name
        skeleton = from_tree(scan_tree(root, args.jobs), facts, fallback)
    text = render_skeleton(skeleton, name, facts)
    write_atomic(target, text, name=name)
    todos = find_todos(text, name)
    models = len(skeleton.models)
    print(f"{name}: written ({models} model{'s' if models != 1 else ''}, {len(todos)} "
          f"TODO{'s' if len(todos) != 1 else ''} to settle; 'aimodel validate' lists them)")
    return 0
