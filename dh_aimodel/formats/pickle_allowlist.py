"""Whether a pickle's import is safe: the allow-list, the deny-list, :func:`classify_global`.

The pickle scanner (:mod:`dh_aimodel.formats.pickle_scan`) resolves each
import a pickle makes to a (module, name); this module judges it by
matching names only (nothing a pickle names is imported) against two data
files, each entry with its reason: ``data/pickle-allowed.yaml`` (what the
checkpoints of PyTorch, NumPy, joblib and scikit-learn need) and
``data/pickle-dangerous.yaml`` (ways to run code an attacker chose).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Literal

from dh_aimodel.core.datafiles import load_yaml

#: ``safe``: on the allow-list (no tag); ``dangerous``: runs code an
#: attacker chose (an error); ``unknown``: anything else, a foreign import
#: whose loading runs that library's own code (a warning).
Verdict = Literal["safe", "unknown", "dangerous"]


@dataclass(frozen=True, slots=True)
class _Lists:
    safe_names: frozenset[tuple[str, str]]
    #: (module, whole package?, compiled name pattern)
    safe_patterns: tuple[tuple[str, bool, re.Pattern[str]], ...]
    #: Dotted prefixes: a module (or module.name path) starting with one is dangerous.
    dangerous_prefixes: frozenset[str]
    dangerous_names: frozenset[tuple[str, str]]


def _as_list(value: object) -> list[str]:
    return [value] if isinstance(value, str) else list(value)  # type: ignore[call-overload]


@cache
def _lists() -> _Lists:
    """The two data files, compiled once."""
    safe_names: set[tuple[str, str]] = set()
    patterns: list[tuple[str, bool, re.Pattern[str]]] = []
    for entry in load_yaml("pickle-allowed.yaml")["allowed"]:
        package = "package" in entry
        module = entry["package" if package else "module"]
        if "pattern" in entry:
            patterns.append((module, package, re.compile(entry["pattern"])))
        else:
            safe_names.update((module, n) for n in entry["names"])
    prefixes: set[str] = set()
    names: set[tuple[str, str]] = set()
    for entry in load_yaml("pickle-dangerous.yaml")["dangerous"]:
        if "package" in entry:
            prefixes.update(_as_list(entry["package"]))
        else:
            names.update((entry["module"], n) for n in entry["names"])
    return _Lists(frozenset(safe_names), tuple(patterns), frozenset(prefixes), frozenset(names))


def _compat(module: str, name: str) -> tuple[str, str]:
    """The (module, name) Python 3 really imports for a protocol 0-2 pickle.

    The unpickler maps Python 2 names (``__builtin__``, ``copy_reg``,
    ``commands``) through these tables; the checks use the mapped name.
    """
    import _compat_pickle

    if (module, name) in _compat_pickle.NAME_MAPPING:
        mapped: tuple[str, str] = _compat_pickle.NAME_MAPPING[(module, name)]
        return mapped
    return _compat_pickle.IMPORT_MAPPING.get(module, module), name


def classify_global(module: str, name: str) -> Verdict:
    """Whether importing ``name`` from ``module`` in a pickle is safe.

    ``safe``: on the allow-list of what checkpoints need.  ``dangerous``:
    on the deny-list, or a dunder in the name (``__globals__``,
    ``__subclasses__``: attribute walks).  ``unknown``: anything else, e.g.
    a model class of the upstream project; not proven harmful, but loading
    it runs that project's code.  Dangerous wins over safe, and over the
    Python 2 name's verdict.

    >>> classify_global("torch._utils", "_rebuild_tensor_v2")
    'safe'
    >>> classify_global("posix", "system")
    'dangerous'
    >>> classify_global("mymodel.net", "Net")
    'unknown'
    """
    verdicts = {_verdict(module, name), _verdict(*_compat(module, name))}
    if "dangerous" in verdicts:
        return "dangerous"
    return "safe" if "safe" in verdicts else "unknown"


def _verdict(module: str, name: str) -> Verdict:
    if module in ("__builtin__", "__builtins__"):
        module = "builtins"
    lists = _lists()
    parts = name.split(".")
    if any(p.startswith("__") and p.endswith("__") and len(p) > 4 for p in parts):
        return "dangerous"
    if (module, parts[0]) in lists.dangerous_names:
        return "dangerous"
    path = f"{module}.{name}".split(".")
    if any(".".join(path[:i]) in lists.dangerous_prefixes for i in range(1, len(path) + 1)):
        return "dangerous"
    if (module, name) in lists.safe_names:
        return "safe"
    for owner, package, pattern in lists.safe_patterns:
        inside = module == owner or (package and module.startswith(owner + "."))
        if inside and pattern.fullmatch(name):
            return "safe"
    return "unknown"
