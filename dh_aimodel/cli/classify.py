"""``aimodel classify [PATH]``: each package's archive area, with the reasons."""

from __future__ import annotations

import argparse
import json

from dh_aimodel.core.policies import get, names


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
    which = p.add_mutually_exclusive_group()
    which.add_argument("--policy", metavar="NAME",
                       help="policy to apply (default: the declaration's, else ml-policy); "
                            "one of: " + ", ".join(names()))
    which.add_argument("--all-policies", action="store_true",
                       help="apply every shipped policy and print models x policies side "
                            "by side (areas for area policies, verdicts for openness ones)")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from dh_aimodel.core.classification import classify
    from dh_aimodel.core.classify_json import (
        all_policies_json,
        all_policies_table,
        classification_json,
    )
    from dh_aimodel.packaging.render import render
    from dh_aimodel.packaging.sourcetree import load

    tree = load(args.path)
    if args.all_policies:
        results = [classify(tree.declaration, tree.facts, get(name)) for name in names()]
        if args.format == "json":
            print(json.dumps(all_policies_json(results), indent=2, sort_keys=True))
        else:
            print(render("classify-table.txt.j2", **all_policies_table(results)), end="")
        return 0
    policy = get(args.policy or tree.declaration.policy)
    result = classify(tree.declaration, tree.facts, policy)
    if args.format == "json":
        print(json.dumps(classification_json(result), indent=2))
    else:
        print(render("classify.txt.j2", policy=result.policy, source=result.source,
                     packages=result.packages), end="")
    return 0
