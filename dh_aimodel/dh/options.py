"""Debhelper option parsing for ``dh_aimodel``, as Dh_Getopt does it.

dh_aimodel must behave like every ``dh_*`` command (debhelper(7), "Shared
debhelper options"), because ``dh`` calls it the same way it calls them:

* options come from three places, read in Dh_Getopt's order:
  ``DH_INTERNAL_OPTIONS`` (what ``dh`` passes through override targets,
  separated by 0x1e; unknown options silently ignored), ``DH_OPTIONS``
  (whitespace separated; unknown options draw a warning) and the command
  line (unknown options are fatal: "unknown option or error during option
  parsing; aborting");
* ``dh`` forwards every option the user gave it as ``-O<opt>``; an ``-O``
  option that is ours takes effect, any other is ignored;
* ``DH_VERBOSE``, ``DH_QUIET`` (or ``DEB_BUILD_OPTIONS=terse``) and
  ``DH_NO_ACT`` switch verbose, quiet and no-act mode.

Which packages to act on is not decided here: :attr:`DhOptions.listpackages_args`
is what ``dh_listpackages`` must be given, and it applies ``-a``/``-i``/``-p``/
``-N``, Architecture, Build-Profiles, ``DH_OPTIONS`` and ``DH_INTERNAL_OPTIONS``
exactly as every other debhelper command would.  Pure: the environment is a
parameter, nothing is printed.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from typing import Mapping, NoReturn, Sequence

from dh_aimodel.core.errors import UsageError

PROG = "dh_aimodel"

#: Dh_Getopt's message for a bad command line, kept word for word.
UNKNOWN_OPTION = "unknown option or error during option parsing; aborting"

#: DH_INTERNAL_OPTIONS separator (ASCII record separator), as dh writes it.
INTERNAL_SEPARATOR = "\x1e"


class HelpRequested(Exception):
    """``-h``/``--help`` on the command line: the caller prints :func:`usage`."""


@dataclass(frozen=True, slots=True)
class DhOptions:
    """The parsed options, merged from every source."""

    verbose: bool = False
    no_act: bool = False
    quiet: bool = False
    #: Package-selection arguments of the command line, in order, normalised
    #: (``-a``, ``-i``, ``-pNAME``, ``-NNAME``, ``--mainpackage=NAME``) plus
    #: every ``-O`` option verbatim: dh_listpackages decides what they mean.
    listpackages_args: tuple[str, ...] = ()
    #: ``-P``/``--tmpdir``: the package build directory instead of debian/<pkg>.
    tmpdir: str | None = None
    remaining_packages: bool = False
    #: ``-O`` options that are not dh_aimodel's, ignored as debhelper does.
    ignored: tuple[str, ...] = ()
    #: ``--lintian-version``: the Lintian to write overrides for (default: installed).
    lintian_version: str | None = None
    #: Things to warn about (unknown options in DH_OPTIONS).
    warnings: tuple[str, ...] = ()


class _Parser(argparse.ArgumentParser):
    """argparse that raises instead of printing usage and exiting."""

    def error(self, message: str) -> NoReturn:
        raise _ParseFailed(message)


class _ParseFailed(Exception):
    pass


class _Selection(argparse.Action):
    """Keeps package-selection options in command-line order, normalised."""

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace,
                 values: object, option_string: str | None = None) -> None:
        selection = list(getattr(namespace, "selection", None) or [])
        flag = self.const
        selection.append(f"{flag}{values}" if isinstance(values, str) else flag)
        namespace.selection = selection


def _parser() -> _Parser:
    """The shared debhelper options (debhelper(7)); nothing else is accepted.

    Abbreviated long options are refused, as debhelper does from compat 13.
    """
    p = _Parser(prog=PROG, add_help=False, allow_abbrev=False)
    p.add_argument("-h", "--help", action="store_true")
    p.add_argument("-v", "--verbose", action="store_true")
    p.add_argument("--no-act", action="store_true")
    p.add_argument("-a", "--arch", action=_Selection, nargs=0, const="-a", dest="selection")
    p.add_argument("-i", "--indep", action=_Selection, nargs=0, const="-i", dest="selection")
    p.add_argument("-p", "--package", action=_Selection, const="-p", dest="selection")
    p.add_argument("-N", "--no-package", action=_Selection, const="-N", dest="selection")
    p.add_argument("--mainpackage", action=_Selection, const="--mainpackage=",
                   dest="selection")
    p.add_argument("--remaining-packages", action="store_true")
    p.add_argument("-P", "--tmpdir")
    p.add_argument("--lintian-version")
    p.add_argument("-O", action="append", default=[], dest="O")
    p.add_argument("rest", nargs="*")
    return p


def _join_detached_O(args: Sequence[str]) -> list[str]:
    """``-O --foo`` → ``-O--foo``: Getopt::Long takes the next word as the value,
    argparse would take ``--foo`` for an option of its own."""
    out: list[str] = []
    it = iter(args)
    for arg in it:
        if arg == "-O":
            out.append("-O" + next(it, ""))
        else:
            out.append(arg)
    return out


def _parse_one(parser: _Parser, args: Sequence[str]) -> tuple[argparse.Namespace | None, str]:
    """Parse one source; (namespace, "") or (None, why it failed)."""
    try:
        ns, unknown = parser.parse_known_args(_join_detached_O(args))
    except _ParseFailed as exc:
        return None, str(exc)
    if unknown:
        return None, f"unknown option {unknown[0]!r}"
    if ns.rest:
        return None, (f"unexpected argument {ns.rest[0]!r}; dh_aimodel takes no file "
                      "arguments")
    return ns, ""


class _State:
    """Options merged so far, source after source."""

    def __init__(self) -> None:
        self.verbose = False
        self.no_act = False
        self.tmpdir: str | None = None
        self.lintian_version: str | None = None
        self.remaining = False

    def apply(self, ns: argparse.Namespace) -> None:
        """Add one parsed source (``--help`` counts on the command line only)."""
        self.verbose |= ns.verbose
        self.no_act |= ns.no_act
        self.remaining |= ns.remaining_packages
        if ns.tmpdir is not None:
            self.tmpdir = ns.tmpdir
        if ns.lintian_version is not None:
            self.lintian_version = ns.lintian_version


def _apply_source(parser: _Parser, state: _State, args: Sequence[str],
                  ignored: list[str]) -> tuple[argparse.Namespace | None, str]:
    """Parse one source and apply it, then its ``-O`` options that are ours."""
    ns, why = _parse_one(parser, args)
    if ns is None:
        # Getopt::Long skips what it does not know and keeps the rest; do the
        # same word by word for the environment sources (argv is fatal anyway).
        for arg in args:
            one, _ = _parse_one(parser, [arg])
            if one is not None:
                _apply_with_O(parser, state, one, ignored)
        return None, why
    _apply_with_O(parser, state, ns, ignored)
    return ns, ""


def _apply_with_O(parser: _Parser, state: _State, ns: argparse.Namespace,
                  ignored: list[str]) -> None:
    """Apply a parsed source, then each of its ``-O`` options that is ours."""
    state.apply(ns)
    for value in ns.O:
        sub, _ = _parse_one(parser, [value])
        if sub is None or sub.O or sub.help:
            ignored.append(value)
            continue
        state.apply(sub)


def parse(argv: Sequence[str], environ: Mapping[str, str]) -> DhOptions:
    """Merge DH_INTERNAL_OPTIONS, DH_OPTIONS, ``argv`` and the DH_* variables.

    Raises :class:`UsageError` for a bad command line and
    :class:`HelpRequested` for ``--help``.
    """
    parser = _parser()
    state = _State()
    ignored: list[str] = []
    warnings: list[str] = []

    internal = environ.get("DH_INTERNAL_OPTIONS", "")
    if internal:
        _apply_source(parser, state, [a for a in internal.split(INTERNAL_SEPARATOR) if a],
                      ignored)
    dh_options = environ.get("DH_OPTIONS", "")
    if dh_options.strip():
        ns, _ = _apply_source(parser, state, dh_options.split(), ignored)
        if ns is None:
            warnings.append("ignored unknown options in DH_OPTIONS")

    ns, why = _apply_source(parser, state, list(argv), ignored)
    if ns is None:
        raise UsageError(f"{UNKNOWN_OPTION} ({why})")
    if ns.help:
        raise HelpRequested()

    if environ.get("DH_VERBOSE", ""):
        state.verbose = True
        quiet = False
    else:
        quiet = bool(environ.get("DH_QUIET", "")) or "terse" in environ.get(
            "DEB_BUILD_OPTIONS", "").split()
    if environ.get("DH_NO_ACT", ""):
        state.no_act = True

    if state.lintian_version is not None:
        from dh_aimodel.packaging.overrides import check_requested

        check_requested(state.lintian_version)
    selection = tuple(ns.selection or ()) + tuple(f"-O{v}" for v in ns.O)
    return DhOptions(verbose=state.verbose, no_act=state.no_act, quiet=quiet,
                     listpackages_args=selection, tmpdir=state.tmpdir,
                     remaining_packages=state.remaining, lintian_version=state.lintian_version,
                     ignored=tuple(ignored),
                     warnings=tuple(warnings))


def usage() -> str:
    """The ``--help`` text: the synopsis and the options of dh_aimodel(1)."""
    return (
        "Usage: dh_aimodel [debhelper options]\n"
        "\n"
        "Check the models a package ships against debian/aimodel.yaml (declared,\n"
        "checksums, archive area and Section, debian/copyright), run aimodel lint's\n"
        "checks of file contents (unsafe pickles, malformed headers) on the package\n"
        "build directory, and install the provenance document, Lintian overrides\n"
        "and substvars.\n"
        "\n"
        "debhelper options:\n"
        "  -v, --verbose            show the files acted on\n"
        "  --no-act                 check, but write nothing\n"
        "  -a, --arch               act on architecture-dependent packages\n"
        "  -i, --indep              act on architecture-independent packages\n"
        "  -pPKG, --package=PKG     act on PKG\n"
        "  -NPKG, --no-package=PKG  do not act on PKG\n"
        "  --remaining-packages     skip packages dh_aimodel already acted on\n"
        "  -PDIR, --tmpdir=DIR      package build directory instead of debian/PKG\n"
        "  --mainpackage=PKG        the package debian/foo files belong to\n"
        "  -O=OPTION                as dh passes options: used when ours, else ignored\n"
        "\n"
        "dh_aimodel options:\n"
        "  --lintian-version=V      write the Lintian overrides Lintian V needs\n"
        "                           (default: the installed Lintian's)\n"
        "\n"
        "See dh_aimodel(1), aimodel.yaml(5) and debhelper(7).\n"
    )
