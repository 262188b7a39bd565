"""debian/copyright (DEP-5) as dh_aimodel needs it: who covers a model file.

Read with python-debian's :mod:`debian.copyright` (never parsed by hand),
whose ``find_files_paragraph`` applies the DEP-5 rule "the last stanza that
matches a particular file applies to it".  Checked here:

* every shipped model file has a Files stanza whose License agrees with the
  declared licence and whose Copyright names the declared holders (a
  catch-all ``Files: *`` for the upstream code must not silently stand in
  for weights that have other authors);
* outside main, the header says why the package is not in main (Debian
  Policy 12.5; Lintian's ``missing-explanation-for-contrib-or-non-free-package``
  accepts ``Disclaimer`` or ``Comment``) and names the ML-Policy, since that
  is the reading that put the model there.

DEP-5 licence short names are not SPDX ids (``Expat``, ``GPL-2+``), so
both sides are normalised before they are compared as expressions.
"""

from __future__ import annotations

import io
import logging
import re
import warnings
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Sequence

from dh_aimodel.core.errors import PackagingError, Pos, Problem

if TYPE_CHECKING:
    from debian.copyright import Copyright, FilesParagraph

    from dh_aimodel.core.declaration import Model

#: Word that a Disclaimer/Comment must contain outside main.
ML_POLICY = "ML-Policy"

#: DEP-5 short names (copyright-format 1.0, "License short name") whose SPDX
#: id is spelled differently.  GNU licences are handled by :data:`_GNU`.
_YEARS = re.compile(r"^(?:\(c\)|©|copyright)?\s*[\d\s,\-–/]*(?:\(c\)|©)?\s*", re.I)


@dataclass(frozen=True, slots=True)
class ModelFile:
    """A shipped model file to check: its source-tree path and what was declared."""

    path: str
    model: str
    license: str
    copyright: tuple[str, ...] = ()


def model_files(model: "Model", root: Path, tree_files: Sequence[str]) -> tuple[ModelFile, ...]:
    """The files of a model that a source tree's copyright file must cover.

    Each declared path expanded in the tree (``tree_files``, from
    :func:`dh_aimodel.tree.walk.source_files`), or the path itself when it
    matches nothing yet (the stanza must cover it once it is there): what
    ``aimodel lint`` checks of a source tree and ``aimodel copyright`` writes for.
    """
    from dh_aimodel.tree.walk import expand

    paths = dict.fromkeys(p for spec in model.files
                          for p in (expand(spec.path, tree_files, root) or (spec.path,)))
    return tuple(ModelFile(p, model.name, model.license, model.copyright) for p in paths)


#: Why dh-aimodel reads debian/copyright, for the error lines.
CHECK_PURPOSE = "dh-aimodel needs the DEP-5 format to check that every model file is covered"


def copyright_path(root: Path, package: str | None) -> Path:
    """The copyright file of a binary package, picked as dh_installdocs picks it.

    ``debian/<package>.copyright`` when it exists, else ``debian/copyright``.
    """
    if package:
        own = Path(root) / "debian" / f"{package}.copyright"
        if own.is_file():
            return own
    return Path(root) / "debian/copyright"


def parse_copyright(text: str, display: str, purpose: str = CHECK_PURPOSE) -> "Copyright":
    """Parse a machine-readable copyright file; anything else is a PackagingError.

    The one DEP-5 parser of dh-aimodel.  Parsed leniently (``strict=False``):
    Lintian already reports DEP-5 syntax slips; dh-aimodel only needs the
    stanzas.  ``purpose`` ends the error line: what the caller needs it for.
    """
    from dh_aimodel.packaging.pydebian import copyright

    module = copyright()
    Copyright, Error, NotMachineReadableError = (
        module.Copyright, module.Error, module.NotMachineReadableError)
    # python-debian logs what it fixes ("Fixing Format URL") on stderr, and a
    # lenient parse is asked for: Lintian reports those slips, not us.
    logger = logging.getLogger("debian.copyright")
    was_disabled, logger.disabled = logger.disabled, True
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return Copyright(io.StringIO(text), strict=False)
    except NotMachineReadableError as exc:
        raise PackagingError(f"not a machine-readable (DEP-5) copyright file: {exc}; "
                             f"{purpose}", Pos(display, 1, 1)) from exc
    except (Error, ValueError) as exc:
        raise PackagingError(f"cannot parse the copyright file: {exc}; accepted: a "
                             "machine-readable (DEP-5) file", Pos(display, 1, 1)) from exc
    finally:
        logger.disabled = was_disabled


def is_machine_readable(text: str) -> bool:
    """Whether python-debian reads ``text`` as a DEP-5 file at all (it raises
    NotMachineReadableError for free text, which ``aimodel copyright --convert``
    converts); a DEP-5 file with a syntax error is still machine-readable."""
    from dh_aimodel.packaging.pydebian import copyright

    module = copyright()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            module.Copyright(io.StringIO(text), strict=False)
    except module.NotMachineReadableError:
        return False
    except (module.Error, ValueError):
        return True
    return True


def read_copyright(path: Path, display: str | None = None) -> "Copyright":
    """:func:`parse_copyright` of a file; a missing or unreadable one is a PackagingError."""
    name = display or str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise PackagingError(f"{name} does not exist; dh_aimodel needs a machine-readable "
                             "(DEP-5) debian/copyright to check that every model file is "
                             "covered (aimodel copyright writes the stanzas)",
                             Pos(name, 1, 1)) from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise PackagingError(f"cannot read the copyright file: {exc}; accepted: a "
                             "machine-readable (DEP-5) UTF-8 file", Pos(name, 1, 1)) from exc
    return parse_copyright(text, name)


def licences_agree(dep5_license: str, declared: str) -> bool:
    """Whether a DEP-5 License synopsis says the same as a declared SPDX expression.

    Compared as expressions (``MIT OR Apache-2.0`` equals ``Apache-2.0 or
    Expat``), case-insensitively; what neither parser understands is compared
    as text.
    """
    from dh_aimodel.core.licenses import from_dep5

    left = " ".join(from_dep5(dep5_license, versions=True).lower().split())
    right = " ".join(declared.lower().split())
    if left == right:  # the usual case; no expression parser needed
        return True
    from dh_aimodel.core.licenses import LicenseSyntaxError, equivalent

    try:
        return equivalent(left, right)
    except LicenseSyntaxError:
        return False


def holder_name(entry: str) -> str:
    """``2019-2020 OpenAI`` → ``openai``: holders are compared without years."""
    return " ".join(_YEARS.sub("", entry.strip()).split()).casefold()


def _names_holders(stanza_copyright: str, holders: Iterable[str]) -> list[str]:
    """The declared holders that the stanza's Copyright field does not name."""
    text = " ".join(stanza_copyright.split()).casefold()
    return [h for h in holders if holder_name(h) and holder_name(h) not in text]


def _stanza_label(stanza: "FilesParagraph") -> str:
    return "Files: " + " ".join(stanza.files)


def _fix(f: ModelFile) -> str:
    holders = "; ".join(f.copyright) or "the model's copyright holders"
    return (f"add a stanza \"Files: {f.path}\" with \"Copyright: {holders}\" and "
            f"\"License: {f.license}\" after the others (aimodel copyright writes it)")


@lru_cache(maxsize=4096)
def pattern_regex(glob: str) -> "re.Pattern[str] | None":
    """One Files pattern as a regular expression to be matched whole
    (``fullmatch``), in python-debian's own translation of it; None for an
    illegal pattern (a lone trailing backslash), which matches nothing."""
    from dh_aimodel.packaging.pydebian import copyright as debian_copyright

    module = debian_copyright()
    try:
        return re.compile(module.globs_to_re([glob]).pattern.removesuffix("\\Z"), re.DOTALL)
    except (module.MachineReadableFormatError, re.error):
        return None


def find_files_paragraph(copyright: "Copyright", path: str) -> "FilesParagraph | None":
    """The last Files stanza whose patterns match ``path`` (DEP-5's rule).

    Not python-debian's ``Copyright.find_files_paragraph``: it joins a
    stanza's patterns into one regular expression ``a|b\\Z`` (0.1.49 in
    bookworm; later ones drop the anchor), so ``Files: 1 2`` matches ``10``
    and a stanza seems to cover a file it does not name.  Each pattern is
    matched whole here (:func:`pattern_regex`).
    """
    found = None
    for paragraph in copyright.all_files_paragraphs():
        if any((rx := pattern_regex(pattern)) is not None and rx.fullmatch(path)
               for pattern in paragraph.files):
            found = paragraph
    return found


def coverage_problems(copyright: "Copyright | None", files: Iterable[ModelFile],
                      display: str = "debian/copyright") -> list[Problem]:
    """One problem (with the fix and the lint tag) per model file the copyright file
    does not cover: the one rule that dh_aimodel, ``aimodel lint`` and
    ``aimodel copyright`` (which adds no stanza for a file already covered) apply.

    A file is covered by the last Files stanza that matches it (python-debian's
    ``find_files_paragraph``, DEP-5's rule); that stanza's License must agree
    with the declared licence, and its Copyright must name every declared
    holder.  ``copyright`` None (no file, or not a DEP-5 one) covers nothing.
    """
    problems = []
    for f in sorted(files, key=lambda f: f.path):
        if copyright is None:
            problems.append(Problem(f"{display} is missing or not machine-readable, so no "
                                    f"Files stanza covers {f.path} (model {f.model})",
                                    tag="aimodel-copyright-missing-stanza", fix=_fix(f),
                                    context=f"[{f.path}]"))
            continue
        stanza = find_files_paragraph(copyright, f.path)
        if stanza is None:
            problems.append(Problem(f"{display} has no Files stanza that covers {f.path} "
                                    f"(model {f.model})", tag="aimodel-copyright-missing-stanza",
                                    fix=_fix(f), context=f"[{f.path}]"))
            continue
        label = _stanza_label(stanza)
        own = f.path in stanza.files
        license_ = stanza.license.synopsis if stanza.license is not None else ""
        if not license_ or not licences_agree(license_, f.license):
            fix = (f"set \"License: {f.license}\" in that stanza, or correct the licence "
                   "in debian/aimodel.yaml" if own else _fix(f))
            found = f"License {license_}" if license_ else "no License"
            problems.append(Problem(
                f"{display}: {f.path} (model {f.model}) is covered by the stanza \"{label}\" "
                f"with {found}, but debian/aimodel.yaml declares {f.license}",
                tag="aimodel-copyright-licence-mismatch", fix=fix,
                context=f"{license_ or '(none)'} != {f.license} [{f.path}]"))
        missing = _names_holders(stanza.copyright or "", f.copyright)
        if missing:
            fix = (f"add {'; '.join(missing)} to its Copyright field" if own else _fix(f))
            problems.append(Problem(
                f"{display}: {f.path} (model {f.model}) is covered by the stanza \"{label}\", "
                f"whose Copyright does not name {'; '.join(missing)}",
                tag="aimodel-copyright-holder-missing", fix=fix,
                context=f"{'; '.join(missing)} [{f.path}]"))
    return problems


def explains_non_main(copyright: "Copyright") -> bool:
    """Whether the header's Disclaimer or Comment mentions the ML-Policy."""
    header = copyright.header
    text = " ".join(t for t in (header.disclaimer, header.comment) if t)
    return ML_POLICY.casefold() in text.casefold()


def disclaimer_problem(copyright: "Copyright", area: str, why: str,
                       display: str = "debian/copyright") -> Problem | None:
    """Outside main, the header must say why (Policy 12.5) and name the ML-Policy."""
    if area not in ("contrib", "non-free") or explains_non_main(copyright):
        return None
    return Problem(f"{display} does not say why the package is in {area} and not in main",
                   tag="aimodel-missing-ml-policy-disclaimer",
                   fix=f"add a header field \"Disclaimer:\" stating that the package is not "
                       f"part of the Debian distribution and why under the {ML_POLICY} ({why})",
                   context=f"{area} [{display}]")
