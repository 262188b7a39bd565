"""The files the source package will hold, as opposed to the build tree's.

A source override names a file of the *source package* (the .dsc Lintian
unpacks), so one written for a file that only the build tree has is
reported by Lintian as ``mismatched-override`` (the tag fired on other
files) or ``unused-override``.  ``aimodel overrides`` is often run in a tree
that has been built: build products (``obj-x86_64-linux-gnu/``, ``build/``,
a copy of a model made by the upstream build) match a declared glob as
well as the model files do.  Which files the source package holds is read
from what decides it:

* ``3.0 (quilt)`` with its orig tarball(s) beside the tree
  (``../<source>_<upstream>.orig.tar.*`` and ``.orig-<component>.tar.*``):
  the upstream files are the tarballs' members (files that patches add
  are not counted; no override is written for them);
* otherwise a tree under git: the files git tracks or would track
  (``git ls-files --cached --others --exclude-standard``; read only);
* otherwise the tree less debhelper's own build directories
  (``obj-*`` and ``.pybuild`` at the top, which ``dh_auto_clean`` removes).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tarfile
from pathlib import Path

from dh_aimodel.tree.walk import source_files

#: Directories at the top of the tree that debhelper's build systems create.
DEBHELPER_BUILD_DIRS = re.compile(r"(obj-[^/]+|\.pybuild)/")


def source_package_files(root: Path) -> list[str]:
    """The files of the tree (:func:`~dh_aimodel.tree.walk.source_files`) the source package holds."""
    tree = source_files(root)
    for kept in (_orig_members(root), _git_files(root)):
        if kept is not None:
            return [p for p in tree if p in kept]
    return [p for p in tree if not DEBHELPER_BUILD_DIRS.match(p)]


def _orig_members(root: Path) -> set[str] | None:
    """The files of the orig tarballs of a 3.0 (quilt) source, or None without them."""
    try:
        source_format = (root / "debian/source/format").read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError):
        return None
    if source_format != "3.0 (quilt)":
        return None
    name_version = _source_and_upstream(root)
    if name_version is None:
        return None
    stem = "_".join(name_version) + ".orig"
    tarballs = sorted(p for p in root.parent.glob(f"{glob_escape(stem)}*.tar.*")
                      if re.fullmatch(rf"{re.escape(stem)}(-[A-Za-z0-9][-A-Za-z0-9]*)?"
                                      r"\.tar\.\w+", p.name))
    if not tarballs:
        return None
    members: set[str] = set()
    for tarball in tarballs:
        component = tarball.name[len(stem):].partition(".tar.")[0].removeprefix("-")
        try:
            with tarfile.open(tarball) as tar:
                names = [m.name for m in tar.getmembers() if m.isfile()]
        except (OSError, tarfile.TarError, EOFError):
            return None  # unreadable: cannot tell, so do not restrict
        for name in names:
            # dpkg-source drops the tarball's top directory when it has one
            parts = Path(name.removeprefix("./")).parts
            inner = Path(*parts[1:]).as_posix() if len(parts) > 1 else parts[0] if parts else ""
            members.add(f"{component}/{inner}" if component else inner)
    return members


def glob_escape(text: str) -> str:
    """``text`` as a literal in :meth:`Path.glob` (``[`` ``*`` ``?`` in brackets)."""
    return re.sub(r"([*?\[])", r"[\1]", text)


def _source_and_upstream(root: Path) -> tuple[str, str] | None:
    """(source name, upstream version without epoch) from debian/changelog's first entry."""
    from debian.changelog import Changelog, ChangelogParseError

    try:
        text = (root / "debian/changelog").read_text(encoding="utf-8")
        entry = Changelog(text, max_blocks=1, strict=True)
        upstream = entry.upstream_version
    except (OSError, UnicodeDecodeError, ValueError, ChangelogParseError):
        return None  # unreadable: cannot tell
    return (entry.package, upstream) if entry.package and upstream else None


def _git_files(root: Path) -> set[str] | None:
    """The files git tracks or would track below ``root``, or None outside a git tree."""
    git = shutil.which("git")
    if git is None:
        return None
    try:
        proc = subprocess.run([git, "-C", str(root), "ls-files", "-z", "--cached", "--others",
                               "--exclude-standard", "--", "."], capture_output=True,
                              check=False, timeout=120)
    except (OSError, subprocess.SubprocessError):
        return None
    if proc.returncode != 0:
        return None
    return {p for p in proc.stdout.decode("utf-8", "surrogateescape").split("\0") if p}
