"""Which declared files ``aimodel fetch`` downloads, and where: the plan, checked first.

Split from :mod:`dh_aimodel.hub.fetch` so that the rules for a declared
``url`` (one file, not a glob; a sha256 unless ``--force``; a path that
stays inside the source tree; one url and checksum per path) read apart
from the network code.  :func:`plan` needs neither requests nor a
connection, and refuses everything unsafe before the first byte is asked for.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from dh_aimodel.core.declaration import Declaration
from dh_aimodel.core.errors import AimodelError, Pos, Problem


class FetchError(AimodelError):
    """A declared file could not be downloaded or did not verify."""


@dataclass(frozen=True, slots=True)
class Download:
    """One declared file with a url, where it goes in the source tree."""

    path: str
    dest: Path
    url: str
    sha256: str | None
    pos: Pos


def plan(declaration: Declaration, root: Path, *, force: bool = False) -> list[Download]:
    """The downloads a declaration asks for; refuses what cannot be done safely."""
    problems: list[Problem] = []
    out: dict[str, Download] = {}
    root_resolved = root.resolve()
    for model in declaration.models:
        for spec in model.files:
            if spec.url is None:
                continue
            if spec.is_glob:
                problems.append(Problem(f"model '{model.name}': {spec.path}: a url needs one "
                                        "file, but the path is a glob; accepted: one entry per "
                                        "file", spec.pos))
                continue
            if spec.sha256 is None and not force:
                problems.append(Problem(f"model '{model.name}': {spec.path}: url without "
                                        "sha256, so the download cannot be verified; add "
                                        "sha256, or use --force to download it unverified",
                                        spec.pos))
                continue
            dest = root / spec.path
            try:
                dest.resolve().relative_to(root_resolved)
            except ValueError:
                problems.append(Problem(f"model '{model.name}': {spec.path} leads out of the "
                                        "source tree (through a symbolic link); accepted: a "
                                        "path inside the tree", spec.pos))
                continue
            previous = out.get(spec.path)
            if previous is not None:
                if (previous.url, previous.sha256) != (spec.url, spec.sha256):
                    problems.append(Problem(f"{spec.path}: declared twice with different url "
                                            f"or sha256 (first at line {previous.pos.line}); "
                                            "accepted: one url and checksum per file",
                                            spec.pos))
                continue
            out[spec.path] = Download(spec.path, dest, spec.url, spec.sha256, spec.pos)
    if problems:
        raise FetchError(problems=tuple(problems))
    return sorted(out.values(), key=lambda d: d.path)
