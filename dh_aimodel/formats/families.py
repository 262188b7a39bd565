"""Model families: what a file is (a Tesseract LSTM net, an HTS voice, a MeCab
dictionary), recognised by content first and name second.

A *format* (:data:`dh_aimodel.formats.FORMATS`) says how a file is read and
is what a declaration names; a *family* says what the file is, and is what
an archive reviewer asks about a package nobody declared.  The families
are data, not code: ``data/families/*.yaml`` lists each one with its title,
its domain, its kind (``model``: trained weights; ``table``: statistical
tables such as n-gram counts, a judgement Debian may make differently,
with the reason), the format to declare it with, and what routes a file to
its recogniser: literal leading bytes (``magic``) or path globs
(``names``).  A recogniser is a function of :mod:`dh_aimodel.formats` named
by the data (``recogniser: speech.hts_voice``) that reads the candidate's
bytes, never executes them, and says whether the content confirms the
family (``how: content``) or only the name suggests it (``how: name``).

The routing is built once per process: every glob of every family in one
compiled regular expression, every magic in a set per prefix length, so
that offering each of tens of thousands of files costs one match and a few
set lookups.
"""

from __future__ import annotations

import fnmatch
import importlib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache
from types import MappingProxyType
from typing import BinaryIO, Final, Literal

from dh_aimodel.formats.base import Finding

#: Leading bytes of a file handed to the recognisers (fewer for a shorter file).
RECOGNISE_BYTES: Final = 64 * 1024

Kind = Literal["model", "table"]
KINDS: Final = ("model", "table")
How = Literal["content", "name"]

_NO_FIELDS: Mapping[str, str] = MappingProxyType({})


@dataclass(frozen=True, slots=True)
class Candidate:
    """A file offered to the recognisers.

    ``path`` is package- or tree-relative (``usr/share/pico/lang/en-US_ta.bin``),
    ``head`` its first :data:`RECOGNISE_BYTES` bytes.  ``open`` gives a
    seekable stream over the whole file; for a .deb member only the head
    and the tail may be readable (reading the middle raises ``OSError``), so
    a recogniser reads what it needs from ``head`` where it can and treats
    ``OSError`` as "could not confirm".
    """

    path: str
    size: int
    head: bytes
    open: Callable[[], BinaryIO] | None = None

    @property
    def name(self) -> str:
        """The last path component."""
        return self.path.rpartition("/")[2]


@dataclass(frozen=True, slots=True)
class Recognised:
    """What a recogniser found: the family and what could be read of it.

    ``fields`` uses these keys where the file tells: ``architecture``,
    ``parameters``, ``version``, ``license``, ``author``, ``description``,
    ``language``, ``training`` (hints of how or on what it was trained), and
    family-specific keys besides.  ``unit`` is the directory the model is
    made of when it spans several files (a Sphinx acoustic model, a
    festival voice, a MeCab dictionary), so that reports show one model,
    not each of its files.  ``embedded`` says the model is inside another
    file (a net compiled into a library, an NNUE net in an executable).
    """

    family: str
    how: How
    fields: Mapping[str, str] = field(default_factory=lambda: _NO_FIELDS)
    findings: tuple[Finding, ...] = ()
    unit: str | None = None
    embedded: bool = False


Recogniser = Callable[[Candidate], "Recognised | None"]


@dataclass(frozen=True, slots=True)
class Family:
    """One entry of ``data/families/*.yaml``."""

    id: str
    title: str
    domain: str
    kind: Kind
    #: aimodel.yaml(5) ``files[].format`` to declare such a file with.
    format: str
    #: Why it is a model or a table, in one sentence (shown by reports).
    reason: str
    #: ``MODULE.function`` under dh_aimodel.formats; empty for a family
    #: known by its :attr:`formats` alone.
    recogniser: str = ""
    names: tuple[str, ...] = ()
    magic: tuple[bytes, ...] = ()
    #: Formats (:func:`dh_aimodel.formats.sniff_file`) whose files are of
    #: this family when no recogniser names another one.
    formats: tuple[str, ...] = ()
    #: What is read of such a file, for aimodel-families(7).
    doc: str = ""
    #: For a family of pickles known by format: the top-level modules one of
    #: which the pickle must import (``torch``), since a pickle named
    #: ``.pkl`` may hold anything (test fixtures, caches).
    imports: tuple[str, ...] = ()


def _magic(value: str) -> bytes:
    """A ``magic`` entry: ``hex:`` followed by hex digits, else literal text."""
    if value.startswith("hex:"):
        return bytes.fromhex(value[4:])
    return value.encode("utf-8")


def _load(data: dict, name: str) -> list[Family]:
    out = []
    for fid, entry in (data.get("families") or {}).items():
        kind = entry["kind"]
        if kind not in KINDS:
            raise AssertionError(f"{name}: family {fid}: kind {kind!r} is not one of {KINDS}")
        out.append(Family(
            id=fid, title=entry["title"], domain=entry["domain"], kind=kind,
            format=entry.get("format", "other"), reason=entry["reason"],
            recogniser=entry.get("recogniser", ""), names=tuple(entry.get("names") or ()),
            magic=tuple(_magic(m) for m in entry.get("magic") or ()),
            formats=tuple(entry.get("formats") or ()), doc=entry.get("doc", ""),
            imports=tuple(entry.get("imports") or ())))
    return out


@cache
def families() -> Mapping[str, Family]:
    """Every family of ``data/families/*.yaml``, by id (read once per process)."""
    from dh_aimodel.core.datafiles import data_path, load_yaml

    found: dict[str, Family] = {}
    for entry in sorted(data_path("families").iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".yaml"):
            continue
        data = load_yaml(f"families/{entry.name}") or {}
        for fam in _load(data, f"data/families/{entry.name}"):
            if fam.id in found:
                raise AssertionError(f"data/families/{entry.name}: family {fam.id} "
                                     "is listed twice")
            found[fam.id] = fam
    return MappingProxyType(found)


def _resolve(dotted: str) -> Recogniser:
    module, _, func = dotted.rpartition(".")
    found: Recogniser = getattr(importlib.import_module(f"dh_aimodel.formats.{module}"), func)
    return found


@dataclass(frozen=True, slots=True)
class _Routes:
    """Which recognisers a file is offered to, by path and by leading bytes."""

    #: Every glob in one expression: a file no glob matches is passed over at once.
    names: re.Pattern[str] | None
    globs: tuple[str, ...]
    by_glob: tuple[str, ...]
    #: prefix length -> {prefix: recogniser names}
    magic: Mapping[int, Mapping[bytes, tuple[str, ...]]]


@cache
def _routes() -> _Routes:
    globs: list[tuple[str, str]] = []
    magic: dict[int, dict[bytes, list[str]]] = {}
    for fam in families().values():
        if not fam.recogniser:
            continue
        globs += [(g, fam.recogniser) for g in fam.names]
        for m in fam.magic:
            names = magic.setdefault(len(m), {}).setdefault(m, [])
            if fam.recogniser not in names:
                names.append(fam.recogniser)
    pattern = None
    if globs:
        pattern = re.compile("|".join(f"(?:{fnmatch.translate(g)})" for g, _ in globs))
    return _Routes(pattern, tuple(g for g, _ in globs), tuple(r for _, r in globs),
                   MappingProxyType({n: MappingProxyType({k: tuple(v) for k, v in d.items()})
                                     for n, d in sorted(magic.items())}))


def routed(path: str, head: bytes) -> tuple[str, ...]:
    """The recognisers a file with this path and these first bytes is offered to.

    Cheap enough for every file of a package: one regular expression over
    the path, one set lookup per magic length.  Empty for most files.
    """
    routes = _routes()
    out: list[str] = []
    for n, table in routes.magic.items():
        for r in table.get(bytes(head[:n]), ()):
            if r not in out:
                out.append(r)
    if routes.names is not None and routes.names.fullmatch(path):
        # Rare: only then is each glob tried, as a file may match several.
        for glob, r in zip(routes.globs, routes.by_glob):
            if r not in out and fnmatch.fnmatchcase(path, glob):
                out.append(r)
    return tuple(out)


def recognise(c: Candidate) -> Recognised | None:
    """The family of a candidate file, or None.

    The recognisers it is routed to (:func:`routed`) are asked in turn; the
    first that confirms the family by content wins, else the first that
    recognised it by name.  A recogniser that fails on hostile bytes is a
    bug of that recogniser and is not hidden.
    """
    by_name = None
    for dotted in routed(c.path, c.head):
        found = _resolve(dotted)(c)
        if found is None:
            continue
        if found.how == "content":
            return found
        by_name = by_name or found
    return by_name


@cache
def _by_format() -> Mapping[str, Family]:
    return MappingProxyType({fmt: fam for fam in families().values() for fmt in fam.formats})


def family_of_format(fmt: str | None) -> Family | None:
    """The family of a file sniffed as ``fmt`` (a GGUF file is a GGUF model),
    for the files no recogniser claims."""
    return _by_format().get(fmt) if fmt else None
