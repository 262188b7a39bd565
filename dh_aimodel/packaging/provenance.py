"""README.aimodel, the provenance document: written by dh_aimodel, read back by lint.

One deb822 file per binary package (usr/share/doc/<pkg>/README.aimodel): a
header paragraph for the package (policy, area, why) and one paragraph per
model with its licence, training facts, verdict and the sha256 of each
installed file.  Writing and reading live here together so that the format
has one owner: :func:`provenance_context` feeds templates/README.aimodel.j2,
:func:`check_provenance` parses the result back before it is installed, and
:func:`shipped_files` is what ``aimodel lint`` reads from a .deb.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Iterable, Iterator, Mapping

from dh_aimodel.core.declaration import IN_PACKAGE

if TYPE_CHECKING:
    from dh_aimodel.core.buildcheck import VerifiedFile
    from dh_aimodel.core.classification import Classification
    from dh_aimodel.core.declaration import Declaration, Model
    from dh_aimodel.core.policies import ModelVerdict, Policy, Reason

README = "README.aimodel"


def _reason_line(r: "Reason") -> str:
    prefix = f"{r.severity}: " if r.severity != "error" else ""
    return f"{prefix}{r.rule} ({r.basis}): {r.text}"


def _split(text: str | None, width: int = 76) -> list[str]:
    """A free text as deb822 continuation lines ("." for an empty line)."""
    import textwrap

    if not text:
        return []
    out: list[str] = []
    for paragraph in text.strip().split("\n\n"):
        if out:
            out.append(".")
        out += textwrap.wrap(" ".join(paragraph.split()), width, break_long_words=False,
                             break_on_hyphens=False) or ["."]
    return out


def _one_line(text: str | None) -> str:
    return " ".join((text or "").split())


def _model_context(model: "Model", verdict: "ModelVerdict | None", role: str,
                   files: list[str]) -> dict[str, Any]:
    t = model.training
    data = [_one_line(f"{d.name}; availability: {d.availability}; licence: {d.license}"
                      + (f"; {d.url}" if d.url else "")) for d in t.data]
    software = [_one_line(f"{s.name}; available: {'yes' if s.available else 'no'}; "
                          f"licence: {s.license}" + (f"; {s.url}" if s.url else "")
                          + (f"; needs to retrain: {', '.join(s.non_free_requirements)}"
                             if s.non_free_requirements else "")) for s in t.software]
    return {
        "name": model.name,
        "delivery": role,
        "cls": verdict.cls if verdict else None,
        "area": verdict.area if verdict else None,
        "reasons": [_one_line(_reason_line(r)) for r in verdict.reasons] if verdict else [],
        "license": _one_line(model.license),
        "copyright": [_one_line(c) for c in model.copyright],
        "upstream": _one_line(model.upstream),
        "format": _one_line(model.format),
        "task": _one_line(model.task),
        "base_model": _one_line(model.base_model),
        "data": data,
        "software": software,
        "reproducible": t.reproducible,
        "data_information": t.effective_data_information,
        "fine_tuning": t.fine_tuning,
        "cost": _one_line(t.cost),
        "files": files,
        "notes": _split(model.notes),
    }


def provenance_context(package: str, classification: "Classification",
                       declaration: "Declaration",
                       verified: Iterable["VerifiedFile"]) -> dict[str, Any]:
    """Sorted plain data for templates/README.aimodel.j2 (no time, no host)."""
    from dh_aimodel import __version__
    from dh_aimodel.core.classification import judge_models

    verdict = next(v for v in classification.packages if v.package == package)
    verdicts = {v.name: v for p in classification.packages for v in p.models}
    if any(m.name not in verdicts for m in declaration.models):
        verdicts = {**judge_models(declaration, classification.policy), **verdicts}
    by_name = {m.name: m for m in declaration.models}
    files: dict[str, list[str]] = {}
    for v in sorted(verified, key=lambda v: v.path):
        files.setdefault(v.model, []).append(f"{v.sha256}  {v.path}")
    models = []
    bases: list[str] = []
    for m in sorted((m for m in declaration.models if m.package == package),
                    key=lambda m: m.name):
        if m.delivery == "downloaded":
            listed = [f"{s.sha256 or '(no sha256 declared)'}  {_one_line(s.path)}"
                      + (f"  <{_one_line(s.url)}>" if s.url else "") for s in m.files]
        else:
            listed = files.get(m.name, [])
        role = {"downloaded": "downloaded at run time"}.get(m.delivery, m.delivery)
        models.append(_model_context(m, verdicts.get(m.name), role, listed))
        base = m.base_model
        while base is not None and base in by_name and base not in bases:
            bases.append(base)
            base = by_name[base].base_model
    shipped_here = {m["name"] for m in models}
    for name in sorted(b for b in bases if b not in shipped_here):
        models.append(_model_context(by_name[name], verdicts.get(name),
                                     "base model (not in this package)", []))
    policy: "Policy" = classification.policy
    return {
        "package": package,
        "source": classification.source.name if classification.source else "",
        "version": __version__,
        "policy": {"name": policy.name, "title": policy.title, "status": policy.status,
                   "url": policy.url},
        "area": verdict.area,
        "section": verdict.section_recommended,
        "why": [_one_line(r.text) for r in verdict.reasons],
        "models": models,
    }


def check_provenance(text: str, context: Mapping[str, Any]) -> None:
    """Parse the rendered document back: one stanza per model, in order.

    A template or data slip (an empty continuation line, a stray newline)
    would otherwise ship a document no tool can read.
    """
    from dh_aimodel.packaging.pydebian import deb822

    stanzas = list(deb822().Deb822.iter_paragraphs(text.splitlines(keepends=True), use_apt_pkg=False))
    names = [s.get("Model") for s in stanzas[1:]]
    expected = [m["name"] for m in context["models"]]
    if not stanzas or stanzas[0].get("Package") != context["package"] or names != expected:
        raise AssertionError(f"{README} for {context['package']} does not parse back: "
                             f"models {names} instead of {expected}")


@dataclass(frozen=True, slots=True)
class ShippedFile:
    """One installed model file as README.aimodel lists it."""

    model: str
    path: str
    sha256: str
    format: str | None
    license: str | None


def shipped_files(text: str) -> Iterator[ShippedFile]:
    """The installed files of every model a README.aimodel lists (``Files`` in
    sha256sum form): a shipped model's own files, and the files that carry an
    embedded, compiled or generated one.

    Lines that are not ``<64 hex> <path>`` are skipped: the document may come
    from any .deb, and a reader of hostile input reports what it can use.
    """
    from dh_aimodel.packaging.pydebian import deb822

    for para in deb822().Deb822.iter_paragraphs(text.splitlines(), use_apt_pkg=False):
        if "Model" not in para or para.get("Delivery") not in IN_PACKAGE:
            continue
        licence = " ".join(para.get("License", "").split()) or None
        for line in para.get("Files", "").splitlines():
            parts = line.split()
            if len(parts) < 2 or len(parts[0]) != 64:
                continue
            yield ShippedFile(para["Model"], parts[1].lstrip("/"), parts[0],
                              para.get("Model-Format"), licence)
