"""The package's own Lintian override files, matched as Lintian 2.116 matches them.

Line format ``[[<package>][ <archlist>][ <type>]: ]<tag>[ <context>]``; ``#``
lines are comments.  The context is a glob anchored to the whole context of
the diagnostic: only ``*`` (anything, ``/``, spaces and ``[`` included) and
``?`` are wildcards, brackets are literal.  A bare tag overrides every
occurrence.  An architecture list is applied only when made of negations
(``[!amd64]``): Lintian silently ignores positive lists on architecture-
independent checks, and aimodel lint knows no build architecture.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from .checks import Diagnostic

_LINE = re.compile(
    r"^(?:(?P<pkg>[a-z0-9][a-z0-9+.-]*)?\s*(?:\[(?P<arch>[^\]]*)\])?\s*"
    r"(?P<type>source|binary|udeb)?\s*:\s+)?(?P<tag>[A-Za-z0-9][A-Za-z0-9+._-]*)"
    r"(?:\s+(?P<context>.*?))?\s*$")


@dataclass(frozen=True, slots=True)
class Override:
    tag: str
    context: str | None
    package: str | None
    type: str | None
    archs: tuple[str, ...]
    file: str
    line: int

    def applies(self) -> bool:
        return not self.archs or all(a.startswith("!") for a in self.archs)


def parse(text: str, file: str) -> tuple[list[Override], list[tuple[int, str]]]:
    """(overrides, [(line number, what is malformed)])."""
    out: list[Override] = []
    bad: list[tuple[int, str]] = []
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        m = _LINE.match(line)
        if m is None:
            bad.append((number, "Expected a colon"))
            continue
        archs = tuple((m["arch"] or "").split())
        out.append(Override(m["tag"], m["context"] or None, m["pkg"], m["type"], archs,
                            file, number))
    return out, bad


@lru_cache(maxsize=512)
def _glob(pattern: str) -> re.Pattern[str]:
    parts = (".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.compile("".join(parts), re.S)


def matches(o: Override, d: Diagnostic) -> bool:
    if o.tag != d.tag or not o.applies():
        return False
    name, _, kind = d.package.partition(" ")
    if o.package is not None and o.package != name:
        return False
    if o.type is not None and o.type != (kind or "binary"):
        return False
    return o.context is None or _glob(o.context).fullmatch(d.context) is not None


def overridden(d: Diagnostic, overrides: list[Override]) -> Override | None:
    return next((o for o in overrides if matches(o, d)), None)
