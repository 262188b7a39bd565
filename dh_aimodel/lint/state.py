"""What the checks read: plain frozen data built by :mod:`.inputs` from a source
tree or a .deb.  Checks never touch the file system; tests build states from
literals or from real trees."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, Mapping

from dh_aimodel.core.errors import Problem

if TYPE_CHECKING:
    from debian.copyright import Copyright

    from dh_aimodel.core.advice import Advice
    from dh_aimodel.core.classification import Classification
    from dh_aimodel.core.declaration import Declaration
    from dh_aimodel.formats import Metadata
    from dh_aimodel.formats.families import Recognised
    from dh_aimodel.formats.pickle_scan import PickleReport
    from dh_aimodel.packaging.overrides import Unused


@dataclass(frozen=True, slots=True)
class ScannedFile:
    """One regular file of the tree or package, as far as it was read."""

    #: Source-relative (``models/x.gguf``) or installed (``usr/share/x/x.gguf``) path.
    path: str
    is_model: bool
    #: Sniffed from the magic bytes (:func:`dh_aimodel.formats.sniff`).
    format: str | None = None
    metadata: "Metadata | None" = None
    pickle: "PickleReport | None" = None
    sha256: str | None = None
    size: int | None = None
    #: Its model family, from its content or name (:mod:`dh_aimodel.formats.families`).
    family: "Recognised | None" = None


@dataclass(frozen=True, slots=True)
class DeclaredFile:
    """A declared file spec and the scanned files it names."""

    model: str
    package: str | None
    spec: str
    shipped: bool
    sha256: str | None
    #: Paths of :class:`ScannedFile` this spec names (empty: missing).
    matched: tuple[str, ...]
    format: str | None = None
    license: str | None = None
    #: Source-tree paths, as debian/copyright must cover them (empty when unknown).
    source_paths: tuple[str, ...] = ()
    #: The model's declared copyright holders.
    holders: tuple[str, ...] = ()
    #: Its files are in the source package (any delivery but downloaded and
    #: reference), so debian/copyright must cover them.
    in_source: bool = False


@dataclass(frozen=True, slots=True)
class LintState:
    kind: Literal["source", "binary"]
    #: Source package name (``None`` for a .deb without a known source).
    source: str | None
    #: The binary package of a .deb.
    binary: str | None = None
    declaration: "Declaration | None" = None
    declaration_problems: tuple[Problem, ...] = ()
    classification: "Classification | None" = None
    files: tuple[ScannedFile, ...] = ()
    declared: tuple[DeclaredFile, ...] = ()
    #: Whether undeclared model files can be judged (a declaration or README.aimodel).
    knows_declared: bool = False
    copyright: "Copyright | None" = None
    copyright_name: str = "debian/copyright"
    #: A source tree's debian/<pkg>.copyright files: package -> (name, parsed).
    package_copyrights: Mapping[str, tuple[str, "Copyright | None"]] = None  # type: ignore[assignment]
    #: Binary package -> Section as the package itself says (control file).
    sections: Mapping[str, str | None] = None  # type: ignore[assignment]
    #: (member name, what is wrong) for unsafe archive members of a .deb.
    archive_problems: tuple[tuple[str, str], ...] = ()
    #: The resource limit that stopped reading a .deb (:mod:`dh_aimodel.core.limits`).
    limits_exceeded: tuple[str, ...] = ()
    #: Licence per installed path from README.aimodel (a .deb without --source).
    provenance_licences: Mapping[str, str] = None  # type: ignore[assignment]
    #: Source overrides the newest Lintian checked no longer uses (a source tree).
    unused_overrides: tuple["Unused", ...] = ()
    #: Area advice for a .deb or tree that ships models without a declaration.
    advice: "Advice | None" = None

    def copyright_of(self, package: str | None) -> tuple["Copyright | None", str]:
        """(parsed, name) of the copyright file that covers a package's files.

        Its own debian/<pkg>.copyright if it has one (as dh_installdocs
        installs it), else the package's or source's debian/copyright.
        """
        own = (self.package_copyrights or {}).get(package or "")
        return (own[1], own[0]) if own is not None else (self.copyright, self.copyright_name)

    def label_source(self) -> str:
        if self.kind == "binary":
            return self.binary or "unknown"
        return f"{self.source or 'unknown'} source"

    def label_package(self, package: str | None) -> str:
        """Diagnostics about one binary package carry its name."""
        if self.kind == "binary":
            return self.binary or "unknown"
        return package or self.label_source()

    def in_scope(self, package: str | None) -> bool:
        """A .deb lints its own package only; a source tree all of them."""
        return self.kind == "source" or package == self.binary
