"""The licence a binary package's own copyright file gives for installed files.

``aimodel lint X.deb`` on a package nothing declares advises an archive area
(:mod:`dh_aimodel.core.advice`), and the one fact it can read rather than
guess is what usr/share/doc/PKG/copyright says of the model files.  This
module reads that, and would rather say nothing than say something wrong:
None means "the file does not tell", and the advice then treats the licence
as unknown.

A machine-readable (DEP-5) file is read with :mod:`dh_aimodel.packaging.dep5`.
Its Files patterns name paths of the *source* package
(``data/haarcascades/*``), the .deb has *installed* paths
(``usr/share/opencv4/haarcascades/x.xml``), and nothing records how one
became the other.  So every trailing sub-path of an installed path
(``x.xml``, ``haarcascades/x.xml``, ... up to the whole path) is taken as a
candidate source path; DEP-5's own rule (the last stanza that matches)
picks the stanza of each candidate; and the candidate whose stanza matched
with the most specific pattern (most literal characters: ``pico/lang/*``
beats ``*``) wins, the longer candidate on a tie.  The catch-all
``Files: *`` matches every candidate with no literal character, so it is
what remains when nothing more specific matches.  A pattern that ends in a
colon (libttspico-data writes ``Files: pico/lang/*:``) is tried without it
too: no installed file name ends in a colon, and the stanza is plainly meant
for that directory.

All paths asked about must be covered.  When their stanzas give different
licences, the result is their conjunction (``Apache-2.0 AND CC-BY-NC-4.0``):
the package carries all of those files, so its verdict is the worst of
theirs, which is what the licence knowledge base makes of an AND.  A path
that no stanza covers, a stanza without a License, or a License that is no
licence expression (``Apache 2.0``) makes the answer None.  Licences come
back in SPDX terms (:func:`dh_aimodel.core.licenses.judge`'s canonical form:
``GPL-3+`` is ``GPL-3.0-or-later``, ``Expat`` is ``MIT``); DEP-5 names the
knowledge base does not know (``other``, ``BSD-3-Clause-with-ICOT-term``)
are kept as written, for the advice to call unknown.

A file in free text (the copyright format before DEP-5) is matched
conservatively, as a whole, since it cannot say which files a statement is
for: it gives a licence only when it contains statements of exactly one
well-known licence (:data:`STATEMENTS`: the GNU notices, the Apache notice,
the BSD, MIT and ISC texts, Creative Commons and CC0 names) and mentions no
other licence, no non-commercial term, and no permission grant beyond the
texts recognised (an own "Permission is hereby granted ... to use and
distribute" licence).  Anything else gives None.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from dh_aimodel.core.errors import PackagingError
from dh_aimodel.core.licenses import LicenseSyntaxError, is_known, judge
from dh_aimodel.packaging.dep5 import parse_copyright, pattern_regex

if TYPE_CHECKING:
    from debian.copyright import Copyright, FilesParagraph

#: Why the copyright file is read, for :func:`dh_aimodel.packaging.dep5.parse_copyright`.
PURPOSE = "aimodel lint reads the licence of the model files from it"
#: Longest free-text copyright file matched; a longer one gives None (nobody
#: writes one licence statement in half a megabyte of text).
FREE_TEXT_LIMIT: Final = 512 * 1024


def licence_for(text: str, name: str, paths: Sequence[str]) -> str | None:
    """The licence (SPDX terms) that a package's copyright file gives for ``paths``.

    ``text`` is the file, ``name`` its path in messages (unused when it
    parses), ``paths`` installed paths relative to the package root.  None
    when the file does not tell, is broken, or ``paths`` is empty.
    """
    if not paths:
        return None

    try:
        parsed = parse_copyright(text, name, PURPOSE)
    except PackagingError as exc:
        return free_text_licence(text) if _not_machine_readable(exc) else None
    return dep5_licence(parsed, paths)


def _not_machine_readable(exc: PackagingError) -> bool:
    """parse_copyright's error was "not DEP-5 at all", not "broken DEP-5"."""
    from dh_aimodel.packaging.pydebian import copyright as debian_copyright

    return isinstance(exc.__cause__, debian_copyright().NotMachineReadableError)


# -- DEP-5 ---------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class _Stanza:
    paragraph: "FilesParagraph"
    #: (compiled pattern, literal characters) per Files pattern (and colon-less twin).
    patterns: tuple[tuple[re.Pattern[str], int], ...]


def _literal(glob: str) -> int:
    """How specific a pattern is: its characters other than wildcards."""
    return len(glob) - glob.count("*") - glob.count("?")


def _stanzas(copyright: "Copyright") -> list[_Stanza]:
    """Every Files stanza with its patterns compiled once (a path tries each
    pattern for each of its trailing sub-paths)."""
    out = []
    for paragraph in copyright.all_files_paragraphs():
        globs = list(paragraph.files)
        globs += [g.rstrip(":") for g in globs if g.endswith(":") and g.rstrip(":")]
        compiled = [(p, _literal(g)) for g in globs if (p := pattern_regex(g)) is not None]
        out.append(_Stanza(paragraph, tuple(compiled)))
    return out


def _suffixes(path: str) -> list[str]:
    """``usr/share/x/y.bin`` → ``y.bin``, ``x/y.bin``, ``share/x/y.bin``, the whole path."""
    parts = [p for p in path.strip("/").split("/") if p and p != "."]
    return ["/".join(parts[i:]) for i in range(len(parts) - 1, -1, -1)]


def _last_match(stanzas: Sequence[_Stanza], candidate: str) -> tuple[int, _Stanza] | None:
    """DEP-5's stanza for a source path (the last that matches), with the
    literal length of its most specific pattern that matched."""
    found = None
    for stanza in stanzas:
        scores = [n for p, n in stanza.patterns if p.fullmatch(candidate)]
        if scores:
            found = (max(scores), stanza)
    return found


def _stanza_for(stanzas: Sequence[_Stanza], path: str) -> "FilesParagraph | None":
    """The stanza that covers an installed path (module docstring: the most
    specific match among its trailing sub-paths)."""
    best: tuple[tuple[int, int], _Stanza] | None = None
    for candidate in _suffixes(path):
        found = _last_match(stanzas, candidate)
        if found is not None and (best is None or (found[0], len(candidate)) > best[0]):
            best = ((found[0], len(candidate)), found[1])
    return best[1].paragraph if best is not None else None


def _spdx(synopsis: str | None) -> str | None:
    """A DEP-5 License synopsis in SPDX terms, None when it is no expression."""
    if not synopsis or not synopsis.strip():
        return None
    try:
        return judge(synopsis).canonical
    except LicenseSyntaxError:
        return None


def dep5_licence(copyright: "Copyright", paths: Sequence[str]) -> str | None:
    """The licence a parsed DEP-5 file gives for installed ``paths`` (module docstring)."""
    stanzas = _stanzas(copyright)
    by_stanza: dict[int, str | None] = {}  # python-debian's License getter is slow
    licences: dict[str, str] = {}
    for path in paths:
        paragraph = _stanza_for(stanzas, path)
        if paragraph is None:
            return None
        if id(paragraph) not in by_stanza:
            by_stanza[id(paragraph)] = _spdx(
                paragraph.license.synopsis if paragraph.license is not None else None)
        licence = by_stanza[id(paragraph)]
        if licence is None:
            return None
        licences.setdefault(licence.casefold(), licence)
    return _combined(list(licences.values()))


def _combined(licences: Sequence[str]) -> str | None:
    """Several files' licences as one expression: their AND, in a stable order."""
    distinct = sorted(dict.fromkeys(licences), key=str.casefold)
    if not distinct:
        return None
    if len(distinct) == 1:
        return distinct[0]
    return " AND ".join(f"({x})" if " " in x else x for x in distinct)


# -- free text -----------------------------------------------------------------

def _later(group: str) -> str:
    """The optional "or (at your option) any later version" of a GNU notice."""
    return rf"(?P<{group}>,? or \(?at your option\)? any later version)?"


_GNU = (r"gnu (?P<kind>affero |lesser |library )?general public licen[cs]e,? "
        r"(?:as published by the free software foundation[;,]? (?:either )?version "
        rf"(?P<v1>[123](?:\.[01])?)(?: of the licen[cs]e)?{_later('later1')}"
        rf"|version (?P<v2>[123](?:\.[01])?),? as published by the free software "
        rf"foundation{_later('later2')})")
_BSD_GRANT = "redistribution and use in source and binary forms"
_CC_TERMS = r"(?:non-?commercial|share-? ?alike|no-? ?deriv(?:ative)?s)"
_CC = (rf"creative commons attribution(?P<terms>(?:[- ]{_CC_TERMS})*),? (?:licen[cs]e,? )?"
       r"(?:version )?(?P<version>[1-4]\.[05])"
       r"|creativecommons\.org/licenses/(?P<url>by(?:-nc)?(?:-sa|-nd)?)/(?P<urlversion>[1-4]\.[05])")


@dataclass(frozen=True, slots=True)
class _Stated:
    """One licence statement found: its SPDX id, the licence families its own
    words mention (:data:`MENTIONS`), and whether it is a permission grant."""

    spdx: str
    families: frozenset[str]
    grant: bool = False


def _gnu(match: re.Match[str], text: str) -> _Stated:
    """A GNU notice: the licence and version it was published under."""
    name = {"affero": "AGPL", "lesser": "LGPL", "library": "LGPL"}.get(
        (match["kind"] or "").strip(), "GPL")
    version = match["v1"] or match["v2"]
    later = match["later1"] or match["later2"]
    if "." not in version:
        version += ".0"
    return _Stated(f"{name}-{version}-{'or-later' if later else 'only'}",
                   frozenset({name.lower()}))


def _cc(match: re.Match[str], text: str) -> _Stated:
    """A Creative Commons licence, by its name or its URL."""
    if match["url"]:
        spdx = f"CC-{match['url'].upper()}-{match['urlversion']}"
    else:
        terms = match["terms"] or ""
        parts = ["BY"] + (["NC"] if "commercial" in terms else [])
        parts += ["SA"] if "share" in terms else ["ND"] if "deriv" in terms else []
        spdx = f"CC-{'-'.join(parts)}-{match['version']}"
    return _Stated(spdx, frozenset({"cc", "non-commercial"} if "-NC" in spdx else {"cc"}))


def _bsd(match: re.Match[str], text: str) -> _Stated:
    """A BSD licence text, told apart by its clauses: those up to the next
    BSD grant, or the next 2000 characters (a BSD text is shorter)."""
    end = text.find(_BSD_GRANT, match.end())
    clauses = text[match.start():min(end if end >= 0 else len(text), match.start() + 2000)]
    count = (4 if "all advertising materials" in clauses
             else 3 if "endorse or promote" in clauses else 2)
    return _Stated(f"BSD-{count}-Clause", frozenset({"bsd"}), grant=True)


def _fixed(spdx: str, families: frozenset[str], grant: bool = False
           ) -> Callable[[re.Match[str], str], _Stated]:
    return lambda match, text: _Stated(spdx, families, grant)


#: Statements of one licence each, as regular expressions over the casefolded
#: text with its whitespace collapsed, and how to read a match.
STATEMENTS: Final[tuple[tuple[str, Callable[[re.Match[str], str], _Stated]], ...]] = (
    (_GNU, _gnu),
    (r"apache licen[cs]e,? (?:version )?2\.0|apache (?:version )?2\.0 licen[cs]e"
     r"|common-licenses/apache-2\.0", _fixed("Apache-2.0", frozenset({"apache"}))),
    (_CC, _cc),
    (r"\bcc0\b|creativecommons\.org/publicdomain/zero/1\.0",
     _fixed("CC0-1.0", frozenset({"cc", "cc0", "public-domain"}))),
    (r"permission is hereby granted, free of charge, to any person obtaining a copy of this "
     r"software and associated documentation files", _fixed("MIT", frozenset({"mit"}), True)),
    (r"permission to use, copy, modify, and(?:/or)? distribute this software for any purpose "
     r"with or without fee is hereby granted", _fixed("ISC", frozenset(), True)),
    (_BSD_GRANT + r", with or without modification, are permitted provided that", _bsd),
)

#: Words that mention a licence, by family.  The statements found must
#: account for every family mentioned.
MENTIONS: Final[tuple[tuple[str, str], ...]] = (
    ("gpl", r"\bgnu general public licen[cs]e|\bgpl\b|\bgpl-?[123]"),
    ("lgpl", r"\b(?:lesser|library) general public licen[cs]e|\blgpl"),
    ("agpl", r"\baffero general public licen[cs]e|\bagpl"),
    ("apache", r"\bapache\b"),
    ("cc", r"creative ?commons|\bcc[- ]by\b"),
    ("cc0", r"\bcc0\b"),
    ("public-domain", r"public domain"),
    ("non-commercial", r"non-?commercial"),
    ("bsd", r"\bbsd\b"),
    ("mit", r"\bmit licen[cs]e|\bexpat\b"),
    ("other", r"mozilla public licen[cs]e|\bmpl\b|artistic licen[cs]e|eclipse public licen[cs]e"
              r"|free documentation licen[cs]e|\bgfdl\b|open database licen[cs]e|\bodbl\b"
              r"|boost software licen[cs]e|\bzlib licen[cs]e|\bwtfpl\b|\bunlicense\b"
              r"|open font licen[cs]e|\bofl\b|python software foundation licen[cs]e"),
)
#: Permission grants: each must be one of the licence texts recognised (a
#: licence of the package's own, "Permission is hereby granted ... to use
#: and distribute", is not).
GRANT: Final = (r"permission is hereby granted|permission to use, copy, modify"
                rf"|{_BSD_GRANT}")


def _stated(text: str) -> list[_Stated]:
    """Every licence statement of a (casefolded, whitespace-collapsed) text."""
    return [read(match, text) for expression, read in STATEMENTS
            for match in re.finditer(expression, text)]


def free_text_licence(text: str) -> str | None:
    """The one well-known licence a free-text copyright file states, else None.

    Every statement found must name the same licence; every licence family
    mentioned must be one its statements mention; and every permission
    grant in the text must be one of the recognised licence texts.
    """
    if len(text) > FREE_TEXT_LIMIT:
        return None
    flat = " ".join(text.split()).casefold()
    stated = _stated(flat)
    ids = {s.spdx for s in stated}
    if len(ids) != 1:
        return None
    (licence,) = ids
    families = frozenset().union(*(s.families for s in stated))
    mentioned = {family for family, expression in MENTIONS if re.search(expression, flat)}
    grants = len(re.findall(GRANT, flat))
    if (not mentioned <= families or grants != sum(s.grant for s in stated)
            or not is_known(licence)):
        return None
    return judge(licence).canonical
