"""The ``aimodel:*`` substitution variables dh_aimodel gives dpkg-gencontrol.

Custom control fields draw Lintian warnings (``unknown-field``), so what a
maintainer may want in debian/control (``Description: ... ${aimodel:Models}``)
travels as substvars in ``debian/<pkg>.substvars``.  They are written with
the optional assignment ``?=`` (dpkg >= 1.21.8) so that dpkg-gencontrol does
not warn about a variable the package does not use.

The file belongs to every helper of the build (``misc:Depends``,
``python3:Depends``...), so it is read and rewritten with python-debian's
:class:`debian.substvars.Substvars`, keeping every other line in its place.
"""

from __future__ import annotations

import io
from typing import Mapping

#: Names dh_aimodel sets, in the order they are added to a new file.
AREA = "aimodel:Area"
MODELS = "aimodel:Models"


def values(area: str, models: list[str]) -> dict[str, str]:
    """The variables for a package: its archive area and its models, sorted."""
    return {AREA: area, MODELS: ", ".join(sorted(models))}


def merge(existing: str, new: Mapping[str, str]) -> str:
    """``existing`` substvars text with ``new`` set as optional (``?=``) variables.

    Variables already there keep their position (so a second run changes
    nothing); new ones are appended in the order given.
    """
    from debian.substvars import Substvar, Substvars

    substvars = Substvars()
    substvars.read_substvars(existing.splitlines())
    for name, value in new.items():
        substvars.as_substvar[name] = Substvar(value, assignment_operator="?=")
    out = io.StringIO()
    substvars.write_substvars(out)
    return out.getvalue()
