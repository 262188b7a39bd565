"""``aimodel``: the maintainer's command line.

One module per subcommand (``add_parser``, ``run``), found by listing this
package, so adding a subcommand is adding a module; this module only builds
the parser and turns :class:`~dh_aimodel.core.errors.AimodelError` into one line per
problem and an exit status (1: bad input, 2: bad usage).
"""

from __future__ import annotations

import argparse
import importlib
import os
import pkgutil
import sys
from typing import Sequence

from dh_aimodel import __version__
from dh_aimodel.core.errors import AimodelError
from dh_aimodel.core.limits import configure

PROG = "aimodel"


def subcommands() -> list[str]:
    """The subcommand modules of this package (every module but the helpers)."""
    return sorted(m.name for m in pkgutil.iter_modules(__path__)
                  if not m.name.startswith("_") and m.name != "common")


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The whole parser, or with ``only`` the parser of that one subcommand.

    Every subcommand module is imported to add its parser; a run that names
    its subcommand needs only that one, and ``aimodel lint`` start-up time is
    measured against Lintian (bench/bench_lint.py).  ``aimodel --help`` and
    usage errors without a known subcommand still see them all.
    """
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Declare, classify and check trained AI/ML models in Debian packages "
                    "(debian/aimodel.yaml; see aimodel(1) and aimodel.yaml(5)).")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--debug", action="store_true",
                        help="show a traceback for errors (for bug reports)")
    parser.add_argument("--limit", action="append", metavar="NAME=N", default=[],
                        help="raise a resource limit (aimodel(1), RESOURCE LIMITS); also "
                             "AIMODEL_LIMITS=NAME=N,...")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in [only] if only else subcommands():
        importlib.import_module(f"{__name__}.{name}").add_parser(sub)
    return parser


def report_error(prog: str, exc: AimodelError) -> int:
    for problem in exc.problems:
        print(f"{prog}: error: {problem}", file=sys.stderr)
    return exc.exit_status


def chosen_subcommand(argv: Sequence[str]) -> str | None:
    """The subcommand ``argv`` names, if any: the first argument that is not an
    option, nor the value of a global ``--limit``."""
    values = {i + 1 for i, a in enumerate(argv) if a == "--limit"}
    first = next((a for i, a in enumerate(argv) if not a.startswith("-") and i not in values),
                 None)
    return first if first in subcommands() else None


def main(argv: Sequence[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = build_parser(chosen_subcommand(argv))
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse: --help, --version, usage errors
        return int(exc.code or 0)
    try:
        configure(args.limit)
        return int(args.run(args))
    except AimodelError as exc:
        if args.debug:
            raise
        return report_error(PROG, exc)
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (``aimodel lint --list-tags | head``): nothing
        # is wrong with the input.  Point stdout at /dev/null so that the
        # interpreter's final flush does not fail again, and exit as a
        # command killed by SIGPIPE would (128 + 13).
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
    except OSError as exc:
        # Every file operation that users can provoke reports its own one-line
        # error; this is the safety net for one that does not (a traceback
        # helps nobody but a developer, who has --debug).
        if args.debug:
            raise
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"{PROG}: error: {where}{exc.strerror or exc}", file=sys.stderr)
        return 1
