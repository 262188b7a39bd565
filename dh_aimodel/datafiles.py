"""The package's own data tables (licences, tags, policy rules), loaded once.

One loader for every ``dh_aimodel/data/*.yaml`` so they are all read the same
way: lazily, cached, and with libyaml's C loader when it is available (the
pure-Python loader takes a quarter of a second on the licence table).
"""

from __future__ import annotations

import functools
from importlib import resources
from typing import Any


@functools.cache
def load_yaml(name: str) -> Any:
    """The parsed content of ``dh_aimodel/data/<name>``."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    text = resources.files("dh_aimodel").joinpath("data", name).read_text(encoding="utf-8")
    return yaml.load(text, Loader=loader)  # noqa: S506 (a safe loader)
