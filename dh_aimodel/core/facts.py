"""Packaging facts: what debian/control says, as plain data for the pure core.

The adapter :mod:`dh_aimodel.packaging.control` fills these from the real file with
python-debian; tests and the core build them directly.
"""

from __future__ import annotations

from dataclasses import dataclass

#: Relation fields through which one binary package requires or recommends
#: another (Policy 2.2.1: main must not require or recommend outside main).
REQUIRING_FIELDS = ("Pre-Depends", "Depends", "Recommends")


@dataclass(frozen=True, slots=True)
class BinaryPackage:
    name: str
    #: Effective Section: the package's own field, else the source's (as dpkg does).
    section: str | None
    architecture: str = "all"
    #: (field, package name) for every alternative of Pre-Depends/Depends/Recommends.
    relations: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class PackagingFacts:
    source: str
    section: str | None
    packages: tuple[BinaryPackage, ...]

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.packages)

    def package(self, name: str) -> BinaryPackage | None:
        for p in self.packages:
            if p.name == name:
                return p
        return None
