"""The package's own data (licence tables, tags, templates): the one place that finds it.

``dh_aimodel/data/`` travels inside the package; ``templates/`` sits at the top
of the source tree (where maintainers look for it, as in reuse-tool) and is
installed as ``dh_aimodel/templates``.  Every ``data/*.yaml`` is read the same
way: lazily, cached, and with libyaml's C loader when it is available (the
pure-Python loader takes a quarter of a second on the licence table).
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

_PACKAGE = Path(__file__).resolve().parent.parent


def data_path(*parts: str) -> Path:
    """``dh_aimodel/data/<parts>``."""
    return _PACKAGE.joinpath("data", *parts)


def template_dir() -> Path:
    """The installed ``dh_aimodel/templates``, or the source tree's ``templates/``."""
    installed = _PACKAGE / "templates"
    return installed if installed.is_dir() else _PACKAGE.parent / "templates"


@functools.cache
def load_yaml(name: str) -> Any:
    """The parsed content of ``dh_aimodel/data/<name>``."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    text = data_path(name).read_text(encoding="utf-8")
    return yaml.load(text, Loader=loader)  # noqa: S506 (a safe loader)
