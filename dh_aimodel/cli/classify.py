"""``aimodel classify [PATH]``: each package's archive area, with the reasons."""

from __future__ import annotations

import argparse
import json

from ..classification import classify
from ..policies import get
from ..render import render
from ..report import classification_json
from ..sourcetree import load


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("classify", help="classify models and packages (main/contrib/non-free)",
                       description="Classify every model of the declaration under a policy "
                                   "(default: the declaration's, else ml-policy) and derive "
                                   "each binary package's archive area and recommended "
                                   "Section, with the rule behind every decision.")
    p.add_argument("path", nargs="?", default=".", metavar="PATH",
                   help="source tree or declaration file (default: .)")
    p.add_argument("--format", choices=("text", "json"), default="text",
                   help="text for a terminal (default), json for other tools")
    p.add_argument("--policy", metavar="NAME", help="policy to apply (default: ml-policy)")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    tree = load(args.path)
    policy = get(args.policy or tree.declaration.policy)
    result = classify(tree.declaration, tree.facts, policy)
    if args.format == "json":
        print(json.dumps(classification_json(result), indent=2))
    else:
        print(render("classify.txt.j2", policy=result.policy, source=result.source,
                     packages=result.packages), end="")
    return 0
