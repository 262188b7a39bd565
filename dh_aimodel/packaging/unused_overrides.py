"""The source overrides a newer Lintian no longer uses, found for ``aimodel lint``.

Each Lintian release the data was checked against is asked which contexts
its tags would have on the declared model files; an override used by an
older release and by none of the newest's is reported.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from dh_aimodel.packaging.line_length import _hints, longest_line
from dh_aimodel.packaging.lintian_version import Version, entries, load_data
from dh_aimodel.packaging.override_syntax import Declared, match_glob


@dataclass(frozen=True, slots=True)
class Unused:
    """An override that an older Lintian uses and the newest checked one does not."""

    override: Declared
    #: (version text, release) of the newest Lintian checked, which no longer uses it.
    lintian: tuple[str, str]


def unused_by_newer(declared: Iterable[Declared], root: Path, files: Iterable[Path]
                    ) -> list[Unused]:
    """The source overrides that the newest Lintian checked would report as unused.

    For each Lintian of the data's ``checked`` list, the contexts its tags
    would have on ``files`` (the declared model files) are computed; an
    override that matches one of them for an older Lintian but none for the
    newest is reported.  Overrides of tags the data does not know are not
    judged.
    """
    files = list(files)
    checked = load_data()["checked"]
    tags = {e["tag"] for e in load_data()["source"]}
    longest = functools.cache(longest_line)  # the versions share the files' bytes
    by_entry: dict[int, set[str]] = {}       # versions share entries, too
    hints: dict[Version, dict[str, set[str]]] = {}
    for version, _, _ in checked:
        per_tag = hints.setdefault(version, {})
        for entry in entries("source", version):
            if id(entry) not in by_entry:
                by_entry[id(entry)] = set(_hints(entry, root, files, longest))
            per_tag.setdefault(entry["tag"], set()).update(by_entry[id(entry)])

    def used(d: Declared, version: Version) -> bool:
        found = hints[version].get(d.tag, set())
        return any(d.pattern == "" or match_glob(d.pattern, h, version) for h in found)

    newest, newest_text, newest_release = checked[-1]
    return [Unused(d, (newest_text, newest_release)) for d in declared
            if d.tag in tags and not used(d, newest)
            and any(used(d, v) for v, _, _ in checked[:-1])]
