"""Lintian versions: which one will check the package, and the data entries that hold for it.

``data/lintian-overrides.yaml`` keys its entries by the Lintian versions
they hold for (dpkg-style relations, :func:`holds`); :func:`target_lintian`
picks the Lintian overrides are written for: ``--lintian-version``
(checked by :func:`check_requested`), else the installed one, else the
newest the data was checked against.
"""

from __future__ import annotations

import functools
import re
import subprocess
from typing import Any, Mapping

#: A Lintian version as numbers: "2.116.3+deb12u1" -> (2, 116, 3).
Version = tuple[int, ...]

DATA = "lintian-overrides.yaml"
#: The data's entry lists: tags of shipped model files in a .deb, of the
#: source package, and of the programs that embed a model.
KINDS = ("binary", "source", "embedded")


@functools.cache
def load_data() -> Mapping[str, Any]:
    """data/lintian-overrides.yaml (shared with dh_aimodel): tags per package type.

    ``checked`` lists (version, text, release) of the Lintian releases the
    data was checked against, oldest first.
    """
    from dh_aimodel.core.datafiles import load_yaml

    raw = load_yaml(DATA)
    checked = sorted(((parse_version(str(c["lintian"])), str(c["lintian"]), str(c["release"]))
                      for c in raw.get("checked") or ()))
    return {"checked": tuple(checked),
            **{kind: tuple(raw.get(kind) or ()) for kind in KINDS}}


def parse_version(text: str) -> Version:
    """A Lintian version's numbers, trailing zeros dropped: ``2.122.0`` -> (2, 122).

    Raises ValueError for text that does not start with a version.
    """
    found = re.match(r"\s*v?(\d+(?:\.\d+)*)", text)
    if found is None:
        raise ValueError(f"not a Lintian version: {text!r}; accepted: a version such as "
                         "2.116.3 or 2.143.0")
    numbers = [int(n) for n in found.group(1).split(".")]
    while len(numbers) > 1 and numbers[-1] == 0:
        numbers.pop()
    return tuple(numbers)


_RELATION = re.compile(r"(<<|<=|>=|>>|=)\s*(\S+)")
_COMPARE = {"<<": lambda a, b: a < b, "<=": lambda a, b: a <= b, "=": lambda a, b: a == b,
            ">=": lambda a, b: a >= b, ">>": lambda a, b: a > b}


def holds(relations: str, version: Version) -> bool:
    """Whether ``version`` satisfies dpkg-style relations such as ``>= 2.117, << 2.124``."""
    for part in filter(None, (p.strip() for p in relations.split(","))):
        found = _RELATION.fullmatch(part)
        if found is None:
            raise AssertionError(f"dh_aimodel/data/{DATA}: bad Lintian relation {part!r}")
        if not _COMPARE[found.group(1)](version, parse_version(found.group(2))):
            return False
    return True


def entries(kind: str, lintian: Version) -> tuple[Mapping[str, Any], ...]:
    """The data's entries of one kind (:data:`KINDS`) that hold for ``lintian``."""
    return tuple(e for e in load_data()[kind] if holds(str(e.get("lintian", "")), lintian))


@functools.cache
def _installed_lintian_text() -> str | None:
    """The installed Lintian's version (``2.116.3+deb12u1``), or None without Lintian.

    Asked of dpkg first (10 ms); ``lintian --version`` starts Perl and all
    of Lintian (0.4 s, on every dh_aimodel run) and is only the fallback
    for a Lintian that no package installed.
    """
    # dpkg keeps the version of a removed package whose configuration is left
    # ("rc"): only "installed" counts.
    asks = ((["dpkg-query", "-W", "-f=${db:Status-Status} ${Version}", "lintian"],
             r"^installed (\d+(?:\.\d+)+\S*)"),
            (["lintian", "--version"], r"(\d+(?:\.\d+)+\S*)"))
    for argv, pattern in asks:
        try:
            proc = subprocess.run(argv, capture_output=True, text=True, check=False,
                                  timeout=60)
        except (OSError, subprocess.SubprocessError):
            continue
        found = re.search(pattern, proc.stdout) if proc.returncode == 0 else None
        if found:
            return found.group(1)
    return None


def installed_lintian() -> Version | None:
    """The installed Lintian's version (``Lintian v2.116.3`` -> (2, 116, 3)), or None."""
    text = _installed_lintian_text()
    return parse_version(text) if text else None


def check_requested(requested: str) -> str:
    """A ``--lintian-version`` value, checked: a UsageError names the option otherwise.

    One check for ``aimodel overrides`` and ``dh_aimodel``.
    """
    from dh_aimodel.core.errors import UsageError

    try:
        parse_version(requested)
    except ValueError as exc:
        raise UsageError(f"--lintian-version: {exc}") from exc
    return requested


def target_lintian(requested: str | None = None) -> tuple[Version, str]:
    """(version, as written) of the Lintian that will check the package.

    ``requested`` (``--lintian-version``) if given, else the installed one,
    else the newest the data was checked against.
    """
    if requested:
        return parse_version(requested), requested.strip()
    text = _installed_lintian_text()
    if text:
        return parse_version(text), text
    _, newest, _ = load_data()["checked"][-1]
    return parse_version(newest), newest
