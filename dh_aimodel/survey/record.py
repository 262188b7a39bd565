"""One .deb read into a JSON-able record: its control fields, the models it
ships (their family, what their files say), the area advice and every lint
diagnostic.

The data archive is streamed once, by :func:`dh_aimodel.lint.inputs.deb_target`,
which the lint checks then read: the survey sees what ``aimodel lint X.deb``
sees.  Besides, the .deb's own sha256 (the key of the survey database) is
taken when no verified download gave it already, and its control fields
(Version, Installed-Size, which the lint state does not keep) are read from
control.tar, a few kilobytes.  Records are plain dicts so that they cross
the process pool, go into SQLite as JSON and come out unchanged.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from dh_aimodel.core.errors import PackagingError, Pos

if TYPE_CHECKING:
    from dh_aimodel.core.advice import Advice
    from dh_aimodel.lint.report import Result
    from dh_aimodel.lint.state import LintState, ScannedFile
    from dh_aimodel.survey.inputs import Item

#: The area of a package that ships no model, and of one whose models got no advice.
NO_MODELS = "no models"
NO_ADVICE = "no advice"


def _sha256(item: "Item") -> str:
    """The .deb's sha256: the index's when the download verified it, else read
    (and checked against the index's, for a local mirror)."""
    from dh_aimodel.tree.hashing import sha256_file

    if item.verified and item.sha256:
        return item.sha256
    try:
        digest = sha256_file(item.path)
    except OSError as exc:
        raise PackagingError(f"cannot read: {exc.strerror or exc}", Pos(str(item.path), 1, 1)) \
            from exc
    if item.sha256 is not None and digest != item.sha256:
        raise PackagingError(f"sha256 mismatch: the file has {digest}, the Packages index "
                             f"says {item.sha256}; not surveyed", Pos(str(item.path), 1, 1))
    return digest


def read_record(item: "Item") -> dict[str, Any]:
    """The record of one .deb; raises :class:`~dh_aimodel.core.errors.AimodelError`
    for a .deb that cannot be read (damaged, wrong checksum)."""
    from dh_aimodel.lint import target_results
    from dh_aimodel.lint.inputs import deb_target
    from dh_aimodel.packaging.debfile import read_control

    sha256 = _sha256(item)
    control = read_control(item.path)
    target = deb_target(item.path)
    return build_record(str(item.path), sha256, item.size, control, target.state,
                        target_results(target))


def _int(value: str | None) -> int | None:
    return int(value) if value and value.strip().isdigit() else None


def _model(f: "ScannedFile") -> dict[str, Any]:
    from dh_aimodel.formats.families import families

    fam = f.family
    meta = families().get(fam.family) if fam is not None else None
    return {
        "path": f.path, "format": f.format, "size": f.size,
        "family": fam.family if fam is not None else None,
        "title": meta.title if meta is not None else None,
        "kind": meta.kind if meta is not None else None,
        "domain": meta.domain if meta is not None else None,
        "how": fam.how if fam is not None else None,
        "fields": dict(sorted(fam.fields.items())) if fam is not None else {},
        "unit": fam.unit if fam is not None else None,
        "embedded": fam.embedded if fam is not None else False,
        "findings": [str(x) for x in fam.findings] if fam is not None else [],
    }


def _advice(a: "Advice") -> dict[str, Any]:
    return {"area": a.area, "policies": dict(sorted(a.policies.items())), "worst": a.worst,
            "licence": a.licence, "unknown": list(a.unknown), "needs": list(a.needs)}


def build_record(path: str, sha256: str, size: int | None, control: Mapping[str, str],
                 state: "LintState", results: Iterable["Result"]) -> dict[str, Any]:
    """The record of a .deb from what was read of it; pure, so tests build it
    from literal states.  A file is a model when lint's sniffing says so or
    a family recognised it (many model files have no header to sniff)."""
    models = [_model(f) for f in state.files if f.is_model or f.family is not None]
    advice = state.advice
    if advice is not None:
        area = advice.area
    else:
        area = NO_ADVICE if models else NO_MODELS
    package = control.get("Package") or state.binary or "unknown"
    return {
        "package": package,
        "version": control.get("Version"),
        "architecture": control.get("Architecture"),
        "section": control.get("Section"),
        "source": state.source or package,
        "installed_size": _int(control.get("Installed-Size")),
        "sha256": sha256,
        "size": size,
        "path": path,
        "area": area,
        "advice": _advice(advice) if advice is not None else None,
        "models": models,
        "diagnostics": [{"severity": r.severity, "tag": r.diagnostic.tag,
                         "context": r.diagnostic.context, "overridden": r.override}
                        for r in results],
    }
