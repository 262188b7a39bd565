"""Checks of a loaded declaration that need the licence knowledge base.

The loader checks the shape and the syntax; this says whether every licence
id is known (unknown ids are an error so the maintainer adds a verdict, for
LicenseRef ids in the top-level ``licenses:``) and warns about deprecated ids.
"""

from __future__ import annotations

from typing import Iterator

from dh_aimodel.core.declaration import Declaration
from dh_aimodel.core.errors import Pos, Problem
from dh_aimodel.core.licenses import WORDS, judge


def _licences(declaration: Declaration) -> Iterator[tuple[str, str, Pos, bool]]:
    """(where, expression, position, is not the weights' licence) for every licence field.

    Words (``unknown``, ``proprietary``) are allowed except for the weights.
    """
    for m in declaration.models:
        yield f"model '{m.name}': license", m.license, m.license_pos, False
        for ds in m.training.data:
            yield f"model '{m.name}': dataset {ds.name}", ds.license, ds.pos, True
        for sw in m.training.software:
            yield f"model '{m.name}': software {sw.name}", sw.license, sw.pos, True
        for key, component in sorted(m.components.items()):
            if component.license is not None:
                yield f"model '{m.name}': component {key}", component.license, m.pos, True


def licence_problems(declaration: Declaration) -> tuple[list[Problem], list[Problem]]:
    """(errors, warnings) about licence ids of the declaration."""
    errors: list[Problem] = []
    warnings: list[Problem] = []
    for where, expression, pos, words_ok in _licences(declaration):
        # The weights' licence has a tag of its own in aimodel lint's catalogue.
        tag = "aimodel-declaration-invalid" if words_ok else "aimodel-weights-licence-unknown"
        if expression in WORDS:
            if not words_ok and expression == "unknown":
                errors.append(Problem(f"{where}: the weights licence is 'unknown'", pos,
                                      tag=tag, fix="accepted: the SPDX expression of the "
                                      "weights' licence"))
            continue
        judgement = judge(expression, declaration.licenses)
        for license_id in judgement.unknown_ids:
            fix = ("add a verdict for it under the top-level 'licenses:' mapping"
                   if license_id.startswith("LicenseRef-")
                   else "use an SPDX id of the knowledge base (aimodel.yaml(5), LICENCES), "
                        "or a LicenseRef- id with a verdict under 'licenses:'")
            errors.append(Problem(f"{where}: licence '{license_id}' is not in the licence "
                                  "knowledge base", pos, tag=tag, fix=fix))
        for written, current in judgement.deprecated:
            warnings.append(Problem(f"{where}: '{written}' is a deprecated SPDX id; use "
                                    f"'{current}'", pos))
    return errors, warnings
