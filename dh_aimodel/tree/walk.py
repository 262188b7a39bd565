"""The one walker of a source tree, and the one expander of declared paths.

``dh_aimodel`` (which source files a declared glob names), ``aimodel lint``
(the files of a source tree), ``aimodel init`` (where to look for models)
and ``aimodel overrides``/``copyright`` all list files here, so that one
glob names the same files for all of them.  Left out:

* version-control and patch state anywhere in the tree (``.git``, ``.hg``,
  ``.svn``, ``.bzr``, ``.pc``, a nested checkout's ``.git`` too) and
  ``__pycache__``: never part of what a model is;
* ``debian/`` at the top: it holds the package build directories, whose
  installed copies would match a glob a second time;
* symbolic links: a link is not a file of its own (the file it points to is
  listed where it is, or is outside the tree);
* ``*.part``: unfinished downloads of ``aimodel fetch``.

A declared path without wildcards names that file if it is a regular file
(a link to one included, since the maintainer named it).  A glob is matched
with :func:`fnmatch.fnmatchcase` against the relative path: ``*`` also
crosses ``/``, as in debian/copyright.
"""

from __future__ import annotations

import os
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Iterable, Sequence

__all__ = ["SKIP_ANYWHERE", "SKIP_AT_TOP", "expand", "is_glob", "source_files"]

SKIP_ANYWHERE = frozenset({".git", ".hg", ".svn", ".bzr", ".pc", "__pycache__"})
SKIP_AT_TOP = frozenset({"debian"})


def source_files(root: Path) -> list[str]:
    """Every file of the source tree at ``root`` that a declaration can name, sorted."""
    root = Path(root)
    out: list[str] = []
    for top, dirs, files in os.walk(root):
        here = Path(top)
        dirs[:] = sorted(d for d in dirs if d not in SKIP_ANYWHERE
                         and not (here == root and d in SKIP_AT_TOP))
        for name in sorted(files):
            path = here / name
            if name.endswith(".part") or path.is_symlink() or not path.is_file():
                continue
            out.append(path.relative_to(root).as_posix())
    return out


def is_glob(spec: str) -> bool:
    """Whether a declared path has wildcards (``*``, ``?``, ``[...]``)."""
    return any(c in spec for c in "*?[")


def expand(spec: str, files: Sequence[str], root: Path) -> tuple[str, ...]:
    """The files of ``files`` (from :func:`source_files`) that a declared path names."""
    if not is_glob(spec):
        return (spec,) if (Path(root) / spec).is_file() else ()
    return tuple(p for p in files if fnmatchcase(p, spec))


def matches(specs: Iterable[str], root: Path) -> dict[str, tuple[str, ...]]:
    """Each declared path or glob → the files of the tree below ``root`` it names.

    The tree is listed once, and only when some spec is a glob; used by
    dh_aimodel and ``aimodel validate`` alike.
    """
    wanted = sorted(set(specs))
    files = source_files(root) if any(is_glob(p) for p in wanted) else []
    return {p: expand(p, files, root) for p in wanted}
