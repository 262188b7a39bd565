"""``aimodel lint``: Lintian-style tags for packaged models.

:mod:`.inputs` turns a source tree, .deb or .changes into read-only
:class:`~.state.LintState` values; :mod:`.checks` maps a state to
diagnostics (pure functions); :mod:`dh_aimodel.packaging.overrides` applies the
package's own override files; :mod:`.report` formats.  Severity and
explanation come from the tag catalogue (:mod:`.catalog`).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Iterator

from dh_aimodel.lint.catalog import SEVERITIES, catalogue
from dh_aimodel.lint.checks import run_checks
from dh_aimodel.lint.report import Result

if TYPE_CHECKING:
    from dh_aimodel.lint.inputs import Target

_ORDER: dict[str, int] = {s: i for i, s in enumerate(SEVERITIES)}


def lint(path: Path, source: Path | None = None, pedantic: bool = False) -> list[Result]:
    """All results for PATH, overrides applied, in a stable order."""
    from dh_aimodel.lint.inputs import targets

    results = [r for target in targets(Path(path), source) for r in target_results(target)
               if pedantic or r.severity != "pedantic"]
    results.sort(key=lambda r: (r.diagnostic.package, _ORDER[r.severity], r.diagnostic))
    return results


def target_results(target: "Target") -> Iterator[Result]:
    """Every diagnostic of one target with its severity and, when one of the
    target's Lintian override files silences it, that override.

    Shared by ``aimodel lint`` and dh_aimodel's build-time checks, so that
    both read override files and pick the overriding line the same way.
    """
    from dh_aimodel.packaging.overrides import enabled, overriding, parse_overrides

    tables = {label: enabled(parse_overrides(text, label, name))
              for label, (name, text) in target.overrides.items()}
    for d in run_checks(target.state):
        o = overriding(tables.get(d.package, {}), d.tag, d.context)
        yield Result(d, catalogue()[d.tag].severity, f"{o.file}:{o.line}" if o else None)
