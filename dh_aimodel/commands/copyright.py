"""``aimodel copyright``: write the models' stanzas into debian/copyright (DEP-5).

Two halves:

* :func:`plan` (pure but for expanding ``[...]`` globs in the tree) turns a
  declaration and the ML-Policy verdicts into a :class:`CopyrightPlan`: one
  Files stanza per shipped model, the licences those stanzas need, and the
  header's ``Disclaimer`` when the source is outside main;
* :func:`apply` merges a plan into the text of a debian/copyright, read and
  written with python-debian's :mod:`debian.copyright` (never by regex).
  python-debian dumps untouched paragraphs byte for byte, and fields are only
  assigned when their value changes, so everything the tool does not manage
  (comments, order, spacing of other stanzas) survives, and a second run is
  a no-op.

A stanza is *managed* when its ``Files`` patterns equal (as a set) the
patterns generated from one model's declared paths; that is how a rerun finds
and updates it in place.  Standalone ``License:`` paragraphs are only ever
added, for licences no paragraph defines yet: the text is a reference to
/usr/share/common-licenses for licences Debian ships there, otherwise the
ScanCode LicenseDB text (``licensedcode-data``), see data/license-texts.yaml.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Mapping

from dh_aimodel.core.datafiles import load_yaml
from dh_aimodel.core.errors import PackagingError, Pos

if TYPE_CHECKING:
    from debian.copyright import Copyright

    from dh_aimodel.core.declaration import Declaration, LicenseVerdict, Model
    from dh_aimodel.core.facts import PackagingFacts
    from dh_aimodel.core.policies import ModelVerdict, Reason

__all__ = [
    "COPYRIGHT", "CopyrightPlan", "ML_POLICY", "Stanza", "apply", "dep5_patterns",
    "license_ids", "license_text", "plan", "update_file",
]

COPYRIGHT = Path("debian/copyright")
FORMAT_URI = "https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/"
#: Word that marks a Disclaimer as explaining the area under the ML-Policy.
ML_POLICY = "ML-Policy"
#: Width of generated Comment/Disclaimer text (without the leading space).
WIDTH = 72


@dataclass(frozen=True, slots=True)
class Stanza:
    """One managed Files stanza: what `aimodel copyright` writes for a model."""

    model: str
    files: tuple[str, ...]
    copyright: str
    license: str
    comment: str


@dataclass(frozen=True, slots=True)
class CopyrightPlan:
    source: str
    upstream: str | None
    stanzas: tuple[Stanza, ...]
    #: Licence ids (``A`` or ``A WITH B``) that need a standalone paragraph, sorted.
    licenses: tuple[str, ...]
    #: Source area under the ML-Policy; the Disclaimer text when it is not main.
    area: str | None
    disclaimer: str | None


# --------------------------------------------------------------------------
# patterns and licences

def dep5_patterns(model: "Model", root: Path | None = None) -> tuple[str, ...]:
    """The DEP-5 Files patterns for a model's declared paths, in declaration order.

    DEP-5 knows only ``*`` (which matches ``/``) and ``?``: ``**`` becomes
    ``*``, a ``[...]`` class is expanded against the source tree (each match
    listed), and a space, which would split the pattern, becomes ``?``.
    """
    out: list[str] = []
    for spec in model.files:
        path = spec.path
        if "[" in path and root is not None:
            from dh_aimodel.tree.walk import expand, source_files

            candidates = list(expand(path, source_files(root), root)) or [path]
        else:
            candidates = [path]
        for c in candidates:
            while "**" in c:
                c = c.replace("**/", "*").replace("**", "*")
            c = c.replace(" ", "?").replace("\t", "?")
            if c not in out:
                out.append(c)
    return tuple(out)


def license_ids(expression: str) -> tuple[str, ...]:
    """The licences an SPDX expression names (``A WITH B`` kept whole), in order."""
    from license_expression import Licensing

    licensing = Licensing()
    try:
        parsed = licensing.parse(expression, simple=True, strict=False)
    except Exception as exc:  # license-expression raises many types for bad input
        raise PackagingError(f"cannot parse the licence expression '{expression}': {exc}; "
                             "accepted: an SPDX expression (aimodel validate explains)") from exc
    if parsed is None:
        return ()
    return tuple(dict.fromkeys(str(s) for s in licensing.license_symbols(parsed, decompose=False)))


@dataclass(frozen=True, slots=True)
class _TextTable:
    common: Mapping[str, tuple[str, str]]   # lower-case SPDX id -> (file, title)
    texts: Mapping[str, str]                # lower-case SPDX id -> licence text


@functools.cache
def _text_table() -> _TextTable:
    raw = load_yaml("license-texts.yaml")
    common = {k.lower(): (v["file"], v["title"]) for k, v in raw["common-licenses"].items()}
    return _TextTable(common, {k.lower(): v for k, v in raw.get("texts", {}).items()})


def _key(license_id: str) -> str:
    """How two spellings of one licence compare: ``GPL-3+`` and ``gpl-3.0-or-later`` alike."""
    from dh_aimodel.core.licenses import from_dep5

    return " ".join(from_dep5(license_id, versions=True).split()).lower()


@functools.cache
def _scancode_keys() -> Mapping[str, str]:
    """lower-case SPDX id (and LicenseRef-scancode-*) -> ScanCode LicenseDB key."""
    from license_expression import get_license_index

    keys: dict[str, str] = {}
    for entry in get_license_index():
        key = entry["license_key"]
        keys.setdefault(f"licenseref-scancode-{key}".lower(), key)
        for spdx in [entry.get("spdx_license_key")] + list(entry.get("other_spdx_license_keys") or []):
            if spdx:
                keys.setdefault(spdx.lower(), key)
    return keys


def _scancode_text(license_id: str) -> str | None:
    """The licence text from the ScanCode LicenseDB (``licensedcode-data``), or None."""
    key = _scancode_keys().get(license_id.lower())
    if key is None and license_id.lower().startswith("licenseref-scancode-"):
        key = license_id[len("LicenseRef-scancode-"):].lower()
    if key is None:
        return None
    try:
        entry = resources.files("licensedcode").joinpath(f"data/licenses/{key}.LICENSE")
        raw = entry.read_text(encoding="utf-8")
    except (ModuleNotFoundError, TypeError, OSError):
        return None
    if raw.startswith("---"):
        end = raw.find("\n---", 3)
        raw = raw[end + 4:] if end >= 0 else raw
    return raw


def _licensedcode_installed() -> bool:
    """Whether the ScanCode LicenseDB texts are there (pip only: Debian does not package them)."""
    try:
        import licensedcode  # noqa: F401
    except ImportError:
        return False
    return True


def _common_reference(license_id: str) -> str | None:
    key = _key(license_id)
    found = _text_table().common.get(key)
    if found is None:
        return None
    file, title = found
    later = " or (at your option) any later version" if key.endswith("-or-later") else ""
    return (f"Licensed under the {title}{later}.\n\n"
            f"On Debian systems, the complete text of the {title} can be found "
            f"in \"/usr/share/common-licenses/{file}\".")


def _clean(text: str) -> str:
    """Licence text as DEP-5 wants it: no tabs, no trailing blanks, one blank line max."""
    lines = [line.expandtabs(8).rstrip() for line in text.replace("\r\n", "\n").split("\n")]
    out: list[str] = []
    for line in lines:
        if not line and (not out or not out[-1]):
            continue
        out.append(line)
    while out and not out[-1]:
        out.pop()
    return "\n".join(out)


def license_text(license_id: str, *, root: Path | None = None,
                 local: Mapping[str, "LicenseVerdict"] | None = None) -> str:
    """The body of the standalone ``License:`` paragraph for one licence id.

    ``A WITH B`` gets both texts.  Raises :class:`PackagingError` when no
    source has the text (then the maintainer adds the paragraph by hand).
    """
    cut = license_id.lower().find(" with ")
    if cut >= 0:
        head, exc = license_id[:cut], license_id[cut + len(" with "):]
        return license_text(head.strip(), root=root, local=local) + "\n\n" + \
            license_text(exc.strip(), root=root, local=local)
    reference = _common_reference(license_id)
    if reference is not None:
        return reference
    for key, verdict in (local or {}).items():
        if key.lower() == license_id.lower() and verdict.text:
            path = Path(verdict.text)
            if root is not None and not path.is_absolute():
                path = root / path
            try:
                return _clean(path.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError) as exc:
                raise PackagingError(f"cannot read the text of {license_id} from {path}: {exc}; "
                                     "accepted: a readable UTF-8 file named by licenses: "
                                     f"{license_id}: text: in debian/aimodel.yaml",
                                     verdict.pos) from exc
    text = _text_table().texts.get(_key(license_id)) or _scancode_text(license_id)
    if text is not None:
        return _clean(text)
    if not _licensedcode_installed():
        source = ("no licence text source is installed: licensedcode-data is not installed "
                  "(Debian has no package of it: pip install licensedcode-data in a virtual "
                  "environment)")
    else:
        source = "the ScanCode LicenseDB (licensedcode-data) has no text of it either"
    raise PackagingError(
        f"no text known for the licence {license_id}: it is not in /usr/share/common-licenses "
        f"and {source}; add a \"License: {license_id}\" paragraph with its text to "
        f"debian/copyright yourself, or for a LicenseRef id name a file under licenses: "
        f"{license_id}: text: in debian/aimodel.yaml")


# --------------------------------------------------------------------------
# the plan

def plan(declaration: "Declaration", facts: "PackagingFacts | None",
         root: Path | None = None, source_name: str | None = None) -> CopyrightPlan:
    """What debian/copyright should say about the declared models (ML-Policy verdicts)."""
    from dh_aimodel.core.classification import classify, judge_models
    from dh_aimodel.core.policies import AREAS, get, worst_area
    from dh_aimodel.packaging.render import render

    policy = get("ml-policy")
    verdicts = judge_models(declaration, policy)
    result = classify(declaration, facts, policy)

    stanzas: list[Stanza] = []
    needed: list[str] = []
    for model in declaration.models:
        if not model.in_source:
            continue
        files = dep5_patterns(model, root)
        if not files:
            continue
        verdict = verdicts[model.name]
        comment = render(
            "copyright-comment.j2", kind="files", width=WIDTH, model=model,
            verdict=verdict, data=model.training.data, software=model.training.software,
            reasons=[r for r in verdict.reasons])
        stanzas.append(Stanza(model.name, files, "\n".join(model.copyright) or "unknown",
                              model.license.strip(), comment.strip("\n")))
        needed.extend(license_ids(model.license))

    package_areas = [p.area for p in result.packages if p.package is not None and p.area]
    if result.source is not None and result.source.area is not None:
        area: str | None = result.source.area
    elif package_areas:
        area = worst_area(package_areas)
    else:
        area = None
    disclaimer = None
    if area is not None and area != "main":
        why: list[tuple[str | None, ModelVerdict | None, Reason]] = []
        for p in result.packages:
            if p.package is None or p.area is None or p.area == "main":
                continue
            for r in p.reasons:
                why.append((p.package, None, r))
            for mv in p.models:
                if mv.cls not in (None, "free"):
                    why.extend((p.package, mv, r) for r in mv.reasons if r.severity == "error")
        for r in (result.source.reasons if result.source is not None else ()):
            why.append((None, None, r))
        disclaimer = render("copyright-comment.j2", kind="disclaimer", width=WIDTH,
                            area=area, why=why, areas=AREAS).strip("\n")

    name = source_name or (facts.source if facts is not None else None) or \
        (root.resolve().name if root is not None else "unknown")
    upstream = next((m.upstream for m in declaration.models if m.upstream), None)
    return CopyrightPlan(name, upstream, tuple(stanzas),
                         tuple(sorted(dict.fromkeys(needed), key=str.lower)), area, disclaimer)


# --------------------------------------------------------------------------
# merging into the file

def _parse(text: str, display: str) -> "Copyright":
    from dh_aimodel.packaging.dep5 import parse_copyright

    return parse_copyright(text, display, "aimodel copyright only edits DEP-5 files (convert "
                                          f"it first: Format: {FORMAT_URI})")


def _set_if_changed(paragraph, attribute: str, raw: str) -> None:
    if getattr(paragraph, attribute) != raw:
        setattr(paragraph, attribute, raw)


def _formatted(text: str) -> str:
    from dh_aimodel.packaging.pydebian import copyright

    return copyright().format_multiline(text)


def _defined_licenses(copyright: "Copyright") -> set[str]:
    """The licences the file already gives a text for, as :func:`_key` spells them:
    a maintainer's ``License: GPL-3+`` paragraph defines GPL-3.0-or-later too."""
    names = {_key(p.license.synopsis)
             for p in copyright.all_license_paragraphs() if p.license is not None}
    names.update(_key(p.license.synopsis) for p in copyright.all_files_paragraphs()
                 if p.license is not None and p.license.text.strip())
    return names


def apply(existing: str | None, the_plan: CopyrightPlan, *,
          text_for: Callable[[str], str] = license_text,
          display: str = "debian/copyright") -> str:
    """The new debian/copyright text: ``existing`` (None: a new file) with the plan merged in."""
    from dh_aimodel.packaging.pydebian import copyright

    module = copyright()
    FilesParagraph, License, LicenseParagraph = (
        module.FilesParagraph, module.License, module.LicenseParagraph)

    from dh_aimodel.packaging.dep5 import licences_agree
    from dh_aimodel.packaging.render import render

    if existing is None:
        existing = render("copyright-header.j2", format_uri=FORMAT_URI,
                          source=the_plan.source, upstream=the_plan.upstream)
    parsed = _parse(existing, display)

    paragraphs = list(parsed.all_files_paragraphs())
    for stanza in the_plan.stanzas:
        wanted = set(stanza.files)
        current = next((p for p in reversed(paragraphs) if set(p.files) == wanted), None)
        if current is None:
            new = FilesParagraph.create(files=list(stanza.files),
                                        copyright=_formatted(stanza.copyright),
                                        license=License(stanza.license))
            new.comment = _formatted(stanza.comment)
            parsed.add_files_paragraph(new)
            paragraphs.append(new)
            continue
        _set_if_changed(current, "copyright", _formatted(stanza.copyright))
        if current.license is None or not licences_agree(current.license.synopsis,
                                                         stanza.license):
            current.license = License(stanza.license)  # the maintainer's name stays if it agrees
        _set_if_changed(current, "comment", _formatted(stanza.comment))

    defined = _defined_licenses(parsed)
    for license_id in the_plan.licenses:
        if _key(license_id) in defined:
            continue
        parsed.add_license_paragraph(
            LicenseParagraph.create(License(license_id, text_for(license_id))))
        defined.add(_key(license_id))

    if the_plan.disclaimer is not None:
        header = parsed.header
        current_text = header.disclaimer or ""
        if ML_POLICY.casefold() not in current_text.casefold():
            ours = _formatted(the_plan.disclaimer)
            header.disclaimer = f"{current_text}\n .\n {ours}" if current_text.strip() else ours
    return parsed.dump()


def update_file(root: Path, the_plan: CopyrightPlan, *,
                local: Mapping[str, "LicenseVerdict"] | None = None) -> tuple[str | None, str]:
    """(old text or None, new text) for ``root/debian/copyright``; writes nothing."""
    path = root / COPYRIGHT
    try:
        old: str | None = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        old = None
    except (OSError, UnicodeDecodeError) as exc:
        raise PackagingError(f"cannot read {path}: {exc}; accepted: a readable UTF-8 "
                             "DEP-5 file", Pos(str(COPYRIGHT), 1, 1)) from exc
    new = apply(old, the_plan, display=str(COPYRIGHT),
                text_for=lambda lid: license_text(lid, root=root, local=local))
    return old, new
