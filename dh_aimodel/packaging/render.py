"""jinja2 rendering of every generated text, from templates/ (installed as
``dh_aimodel/templates``).  Templates only loop over data the caller sorted;
no timestamps, so output is reproducible.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from dh_aimodel.core.datafiles import template_dir


@lru_cache(maxsize=1)
def _environment() -> Any:
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(template_dir())),
        trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined, autoescape=False)
    env.filters["roff"] = roff
    return env


def roff(text: str) -> str:
    """Text as roff prints it literally: backslashes and hyphens escaped, a
    leading control character defused."""
    out = str(text).replace("\\", "\\e").replace("-", "\\-")
    return "\\&" + out if out[:1] in (".", "'") else out


def render(name: str, **context: Any) -> str:
    return _environment().get_template(name).render(**context)
