"""Find and load a source tree's declaration and debian/control.

``aimodel CMD [PATH]``: a directory is a source tree (its debian/aimodel.yaml
and debian/control are read); a file is a declaration, and when it sits at
``<dir>/debian/aimodel.yaml`` the tool reads ``<dir>/debian/control`` too.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from dh_aimodel import DECLARATION
from dh_aimodel.core.declaration import Declaration
from dh_aimodel.core.errors import UsageError
from dh_aimodel.core.facts import PackagingFacts

CONTROL = Path("debian/control")


@dataclass(frozen=True, slots=True)
class SourceTree:
    """A loaded declaration with what is known around it."""

    root: Path | None
    declaration: Declaration
    facts: PackagingFacts | None


def locate(path: str | Path) -> tuple[Path, Path | None, Path | None]:
    """(declaration file, debian/control or None, source root or None) for PATH."""
    p = Path(path)
    if p.is_dir():
        declaration = p / DECLARATION
        if not declaration.is_file():
            raise UsageError(f"{p}: no {DECLARATION} here; accepted: a source tree with "
                             f"{DECLARATION}, or the path of a declaration file "
                             "(aimodel init writes one)")
        control = p / CONTROL
        return declaration, control if control.is_file() else None, p
    if not p.is_file():
        raise UsageError(f"{p}: no such file or directory; accepted: a source tree or a "
                         "declaration file")
    if p.parent.name == "debian":
        control = p.parent / "control"
        return p, control if control.is_file() else None, p.parent.parent
    return p, None, None


def display_name(path: Path) -> str:
    """Paths in messages as the user would type them (relative to the cwd if below it)."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def load(path: str | Path = ".") -> SourceTree:
    from dh_aimodel.manifest.loader import load_text, read_text
    from dh_aimodel.packaging.control import read_control

    declaration_path, control_path, root = locate(path)
    facts = read_control(control_path, display_name(control_path)) if control_path else None
    name = display_name(declaration_path)
    return SourceTree(root, load_text(read_text(declaration_path, name), name, facts), facts)
