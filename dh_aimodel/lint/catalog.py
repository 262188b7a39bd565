"""The tag catalogue: one deb822 ``.tag`` file per tag, as Lintian keeps its own.

Read lazily from ``dh_aimodel/data/tags/`` with python-debian (field case is
ignored, as deb822 does).  Severity and explanation of a diagnostic come
from here only; checks name the tag and the context.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Literal, Mapping

from dh_aimodel.core.datafiles import data_path

Severity = Literal["error", "warning", "info", "pedantic"]
SEVERITIES: tuple[Severity, ...] = ("error", "warning", "info", "pedantic")
#: The one-letter code Lintian prints for each severity.
CODES: Mapping[str, str] = {"error": "E", "warning": "W", "info": "I", "pedantic": "P"}

TAG_DIR = data_path("tags")


@dataclass(frozen=True, slots=True)
class TagInfo:
    name: str
    severity: Severity
    check: str
    explanation: str
    see_also: tuple[str, ...] = ()

    @property
    def code(self) -> str:
        return CODES[self.severity]


def _paragraph_text(value: str) -> str:
    """Explanation as text: continuation lines unindented, ``.`` lines empty."""
    lines = value.split("\n")
    out = [lines[0].strip()]
    for line in lines[1:]:
        line = line[1:] if line.startswith(" ") else line
        out.append("" if line.strip() == "." else line)
    return "\n".join(out).strip()


@cache
def catalogue() -> Mapping[str, TagInfo]:
    """Every tag, by name; a malformed tag file is a bug of the package (AssertionError)."""
    from dh_aimodel.packaging.pydebian import deb822

    Deb822 = deb822().Deb822

    tags: dict[str, TagInfo] = {}
    for path in sorted(TAG_DIR.glob("*.tag")):
        with open(path, encoding="utf-8") as fh:
            para = Deb822(fh)
        name = para.get("Tag", "")
        severity = para.get("Severity", "")
        if name != path.stem or severity not in SEVERITIES or not para.get("Check") \
                or not para.get("Explanation"):
            raise AssertionError(f"{path}: malformed tag description (Tag, Severity, Check "
                                 "and Explanation are required; Tag must equal the file name)")
        see = tuple(s.strip() for s in para.get("See-Also", "").split(",") if s.strip())
        tags[name] = TagInfo(name, severity, para["Check"].strip(),
                             _paragraph_text(para["Explanation"]), see)
    return tags


def get(tag: str) -> TagInfo:
    """The catalogue entry of ``tag``; unknown tags are a usage error listing how to find them."""
    from dh_aimodel.core.errors import UsageError

    try:
        return catalogue()[tag]
    except KeyError:
        raise UsageError(f"unknown tag '{tag}'; aimodel lint --list-tags lists them") from None


def plain_text(markup: str) -> str:
    """Tag-file markup as text, as Lintian's ``markdown_to_plain`` (Output/EWI.pm) makes it.

    Tag files write literals as ``<code>x</code>`` and ``<`` ``>`` as
    ``&lt;`` ``&gt;``, as Lintian's own do.  In Lintian's order: ``<i>``
    and ``<em>`` become angle brackets, a Markdown link ``[text](url)``
    its text, every other HTML tag is dropped but the URL shorthand
    ``<https://...>`` keeps its URL, and entities are decoded last (so an
    ``&lt;x&gt;`` survives as ``<x>``).
    """
    import html

    text = re.sub(r"<i>|<em>", "&lt;", markup)
    text = re.sub(r"</i>|</em>", "&gt;", text)
    text = re.sub(r"\[([^\]]+)\]\([^)]+\)", r"\1", text)
    text = re.sub(r"<(?![a-z]+://)[^>]+>", "", text)
    text = re.sub(r"<([a-z]+://[^>]+)>", r"\1", text)
    return html.unescape(text)


def explain(info: TagInfo) -> str:
    """The entry as ``lintian-explain-tags`` shows one: plain text, no markup."""
    lines = [f"N:   {info.name}", "N:"]
    lines += [f"N:   {line}" if line else "N:"
              for line in plain_text(info.explanation).split("\n")]
    lines.append("N:")
    if info.see_also:
        lines.append(f"N:   Refer to {plain_text(', '.join(info.see_also))} for details.")
        lines.append("N:")
    lines.append(f"N:   Visibility: {info.severity}")
    lines.append("N:")
    lines.append(f"N:   Check: {info.check}")
    return "\n".join(lines)
