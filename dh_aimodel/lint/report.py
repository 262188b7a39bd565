"""Formatters of lint results: Lintian's line format and JSON.  No logic here."""

from __future__ import annotations

import json
from dataclasses import dataclass

from dh_aimodel.lint.catalog import catalogue
from dh_aimodel.lint.checks import Diagnostic


@dataclass(frozen=True, slots=True)
class Result:
    diagnostic: Diagnostic
    severity: str
    #: "file:line" of the override that silenced it, if any.
    override: str | None = None


def line(r: Result) -> str:
    d = r.diagnostic
    code = "O" if r.override else catalogue()[d.tag].code
    return f"{code}: {d.package}: {d.tag}" + (f" {d.context}" if d.context else "")


def text(results: list[Result], show_overrides: bool = False) -> str:
    return "".join(line(r) + "\n" for r in results if show_overrides or not r.override)


def as_json(results: list[Result]) -> str:
    return json.dumps([{
        "package": r.diagnostic.package, "tag": r.diagnostic.tag, "severity": r.severity,
        "check": catalogue()[r.diagnostic.tag].check, "context": r.diagnostic.context,
        "overridden": r.override,
    } for r in results], indent=2) + "\n"
