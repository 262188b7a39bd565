"""``aimodel lint``: Lintian-style tags for packaged models.

:mod:`.inputs` turns a source tree, .deb or .changes into read-only
:class:`~.state.LintState` values; :mod:`.checks` maps a state to
diagnostics (pure functions); :mod:`dh_aimodel.overrides` applies the
package's own override files; :mod:`.report` formats.  Severity and
explanation come from the tag catalogue (:mod:`.catalog`).
"""

from __future__ import annotations

from pathlib import Path

from .catalog import SEVERITIES, catalogue
from .checks import run_checks
from .report import Result

_ORDER = {s: i for i, s in enumerate(SEVERITIES)}


def lint(path: Path, source: Path | None = None, pedantic: bool = False) -> list[Result]:
    """All results for PATH, overrides applied, in a stable order."""
    from ..overrides import enabled, overriding, parse_overrides
    from .inputs import targets

    results: list[Result] = []
    for target in targets(Path(path), source):
        tables = {label: enabled(parse_overrides(text, label, name))
                  for label, (name, text) in target.overrides.items()}
        for d in run_checks(target.state):
            info = catalogue()[d.tag]
            if info.severity == "pedantic" and not pedantic:
                continue
            o = overriding(tables.get(d.package, {}), d.tag, d.context)
            results.append(Result(d, info.severity, f"{o.file}:{o.line}" if o else None))
    results.sort(key=lambda r: (r.diagnostic.package, _ORDER[r.severity], r.diagnostic))
    return results
