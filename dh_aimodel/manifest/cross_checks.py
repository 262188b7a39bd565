"""The rules of debian/aimodel.yaml that span models: unique names, base-model references.

Run once every model has been read, on the models that were read without
error, adding their problems to the reader's.
"""

from __future__ import annotations

from dh_aimodel.core import declaration as d
from dh_aimodel.core.errors import Problem
from dh_aimodel.manifest.reader import _accepted, _Reader


def cross_checks(r: _Reader, models: tuple[d.Model, ...]) -> None:
    """Rules that span entries: unique names, base-model references and cycles."""
    by_name: dict[str, d.Model] = {}
    for m in models:
        if m.name in by_name:
            r.problems.append(Problem(f"models: duplicate name '{m.name}' (first at line "
                                      f"{by_name[m.name].pos.line}); accepted: a name used "
                                      "once", m.pos))
        else:
            by_name[m.name] = m
    for m in models:
        if m.base_model is None:
            continue
        if m.base_model not in by_name:
            r.problems.append(Problem(
                f"model '{m.name}': base-model '{m.base_model}' is not a model of this "
                f"file; accepted: {_accepted(sorted(by_name)) or 'the name of another entry'}",
                m.pos))
            continue
        seen = [m.name]
        current: d.Model | None = by_name[m.base_model]
        while current is not None:
            if current.name in seen:
                if current.name == m.name:
                    chain = " -> ".join(seen + [current.name])
                    r.problems.append(Problem(f"model '{m.name}': base-model cycle {chain}; "
                                              "accepted: a chain ending at a model without "
                                              "base-model", m.pos))
                break
            seen.append(current.name)
            current = by_name.get(current.base_model) if current.base_model else None
