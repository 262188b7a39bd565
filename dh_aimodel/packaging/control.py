"""Read debian/control with python-debian into :class:`PackagingFacts`.

Never parsed by hand: deb822 handles folding, comments and field case, and
``PkgRelation`` the relation syntax (alternatives, versions, arch lists).
"""

from __future__ import annotations

import logging
import re
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, Mapping

from dh_aimodel.core.errors import PackagingError, Pos
from dh_aimodel.core.facts import REQUIRING_FIELDS, BinaryPackage, PackagingFacts


@contextmanager
def _quiet_substvars() -> Iterator[None]:
    """python-debian warns about ``${misc:Depends}`` it cannot parse; that is expected."""
    logger = logging.getLogger("debian.deb822")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


_SUBSTVAR = re.compile(r"\$\{([^}]*)\}")
_PARENTHESES = re.compile(r"\([^)]*\)")


def _substvars(path: Path) -> dict[str, str]:
    """debian/<pkg>.substvars as far as the build has written it (python-debian)."""
    from debian.substvars import Substvars

    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return {}
    substvars = Substvars()
    substvars.read_substvars(text.splitlines())
    return {name: substvars[name] for name in substvars}


def relation_text(value: str, substvars: Mapping[str, str]) -> str:
    """A relation field with its substvars handled as dpkg-gencontrol would, for reading.

    A variable the build already knows (``${python3:Depends}``, and
    ``${shlibs:Depends}`` once dh_shlibdeps ran) is expanded, as dpkg does,
    repeatedly; one in a version constraint (``(= ${binary:Version})``) only
    gives the version, which does not decide an area, so it becomes ``0`` and
    the relation parses; any other is not known yet and is dropped.
    """
    for _ in range(8):  # dpkg-gencontrol's expansion is recursive, bounded
        expanded = _SUBSTVAR.sub(lambda m: substvars.get(m.group(1), m.group(0)), value)
        if expanded == value:
            break
        value = expanded
    value = _PARENTHESES.sub(lambda m: _SUBSTVAR.sub("0", m.group(0)), value)
    return _SUBSTVAR.sub("", value)


def read_control(path: Path, display: str | None = None) -> PackagingFacts:
    """Parse the source and binary paragraphs of a debian/control file."""
    from dh_aimodel.packaging.pydebian import deb822

    module = deb822()
    Deb822, PkgRelation = module.Deb822, module.PkgRelation
    name = display or str(path)
    try:
        with open(path, encoding="utf-8") as fh:
            paragraphs = list(Deb822.iter_paragraphs(fh, use_apt_pkg=False))
    except (OSError, UnicodeDecodeError) as exc:
        raise PackagingError(f"cannot read debian/control: {exc}; a readable UTF-8 "
                             "deb822 file is needed", Pos(name, 1, 1)) from exc
    if not paragraphs or "Source" not in paragraphs[0]:
        raise PackagingError("the first paragraph has no Source field; debian/control must "
                             "start with the source paragraph", Pos(name, 1, 1))
    source = paragraphs[0]
    source_section = source.get("Section") or None
    packages = []
    for para in paragraphs[1:]:
        if "Package" not in para:
            continue
        relations: list[tuple[str, str]] = []
        known = _substvars(path.parent / f"{para['Package']}.substvars")
        for field in REQUIRING_FIELDS:
            text = relation_text(para.get(field, ""), known)
            if not text.strip(" ,\n\t"):
                continue
            with _quiet_substvars():
                parsed = PkgRelation.parse_relations(text)
            relations.extend((field, alt["name"]) for alternatives in parsed
                             for alt in alternatives if alt["name"]
                             and not alt["name"].startswith("${"))
        packages.append(BinaryPackage(
            name=para["Package"],
            section=para.get("Section") or source_section,
            architecture=para.get("Architecture", "any"),
            relations=tuple(relations),
        ))
    if not packages:
        raise PackagingError("no binary package paragraph; debian/control needs at least one "
                             "Package paragraph", Pos(name, 1, 1))
    return PackagingFacts(source=source["Source"], section=source_section,
                          packages=tuple(packages))
