"""The licence knowledge base: is an SPDX expression DFSG-free?

classification.md ("Licence verdicts") fixes the rules; this module applies
them to the table in ``data/licenses.yaml``:

* ``A OR B`` is as good as its best side, ``A AND B`` as bad as its worst,
  ranking ``free < non-free < unknown < undistributable``;
* ``A WITH exc`` is A's verdict when the exception is one the table knows (all
  of them only add permissions), otherwise at best *unknown*;
* ``LicenseRef-*`` ids are decided by the declaration's own ``licenses:``
  mapping first (the maintainer read that licence; we did not), SPDX ids by
  the table only (so a declaration cannot relabel CC-BY-NC as free);
* ids in neither are *unknown* and listed, so the caller can report them;
* deprecated SPDX ids (``GPL-3.0+``, ``GPL-2.0``) are accepted, judged as the
  id that replaced them and listed so the caller can warn.

Parsing is left to the ``license-expression`` library (a hand-written parser
would drift from SPDX).  Its *simple* tokenizer is used on purpose: SPDX ids
never contain spaces, and the default tokenizer would silently glue
``Foo Bar`` into one id.  Deprecated spellings are then resolved through the
alias table the library ships.

Pure: nothing is printed or written; the data file and the library's symbol
table are loaded on first use (never at import) and cached, and each distinct
expression is parsed once.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING, Literal, Mapping, Union

from dh_aimodel.core.datafiles import load_yaml

if TYPE_CHECKING:  # pragma: no cover - typing only
    from license_expression import Licensing

    from dh_aimodel.core.declaration import LicenseVerdict

__all__ = [
    "LicenseJudgement", "LicenseSyntaxError", "Verdict", "check_syntax", "equivalent",
    "hf_alias", "is_known", "judge", "parser", "table_source",
]

Verdict = Literal["free", "non-free", "undistributable", "unknown"]
_Dfsg = Literal["free", "non-free", "undistributable"]

#: Combination order: AND takes the highest rank, OR the lowest.
_RANK: Mapping[Verdict, int] = MappingProxyType(
    {"free": 0, "non-free": 1, "unknown": 2, "undistributable": 3})
_TABLE_VERDICTS: tuple[_Dfsg, ...] = ("free", "non-free", "undistributable")

#: Words allowed besides SPDX expressions (aimodel.yaml(5)); not licence ids.
UNKNOWN_WORD = "unknown"
PROPRIETARY_WORD = "proprietary"
WORDS = (UNKNOWN_WORD, PROPRIETARY_WORD)

_ACCEPTED = ("accepted: SPDX licence ids or LicenseRef-<id> joined by AND, OR, "
             "WITH <exception> and parentheses (e.g. 'MIT OR Apache-2.0'), "
             "or the words 'unknown' and 'proprietary'")

_EMPTY_LOCAL: Mapping[str, "LicenseVerdict"] = MappingProxyType({})


# --------------------------------------------------------------------------
# public types

@dataclass(frozen=True, slots=True)
class LicenseJudgement:
    """What the knowledge base says about one licence expression.

    ``reasons`` has one sentence per part that keeps the expression from
    being free (empty when it is free); ``unknown_ids`` lists every id the
    knowledge base and the declaration both lack, wherever it occurs, so a
    typo in an unused ``OR`` branch is still reported.
    """

    verdict: Verdict
    reasons: tuple[str, ...]
    unknown_ids: tuple[str, ...]
    deprecated: tuple[tuple[str, str], ...]
    canonical: str


class LicenseSyntaxError(ValueError):
    """The expression cannot be parsed.

    ``str()`` is one line, ``what is wrong; what is accepted``, so the loader
    can append it to a ``file:line:col`` prefix.
    """

    def __init__(self, what: str) -> None:
        self.what = " ".join(what.split())
        super().__init__(f"{self.what}; {_ACCEPTED}")


# --------------------------------------------------------------------------
# the data file

@dataclass(frozen=True, slots=True)
class _Entry:
    id: str
    dfsg: _Dfsg
    reason: str | None


@dataclass(frozen=True, slots=True)
class _Table:
    licenses: Mapping[str, _Entry]     # lower-case id -> entry
    exceptions: Mapping[str, str]      # lower-case id -> proper id
    aliases: Mapping[str, str]         # lower-case HF tag -> expression
    source: str


def _bug(message: str) -> AssertionError:
    """A broken data file is a packaging bug, not a user error."""
    return AssertionError(f"dh_aimodel/data/licenses.yaml: {message}")


@functools.cache
def _table() -> _Table:
    """Load and check ``data/licenses.yaml`` once, on first use."""
    raw = load_yaml("licenses.yaml")
    if not isinstance(raw, dict):
        raise _bug("top level must be a mapping")
    licenses: dict[str, _Entry] = {}
    for license_id, spec in (raw.get("licenses") or {}).items():
        if not isinstance(spec, dict) or spec.get("dfsg") not in _TABLE_VERDICTS:
            raise _bug(f"{license_id}: dfsg must be one of {', '.join(_TABLE_VERDICTS)}")
        reason = spec.get("reason")
        if spec["dfsg"] != "free" and not reason:
            raise _bug(f"{license_id}: a {spec['dfsg']} entry needs a reason")
        if license_id.lower() in licenses:
            raise _bug(f"{license_id}: listed twice")
        licenses[license_id.lower()] = _Entry(str(license_id), spec["dfsg"], reason)
    exceptions = {str(e).lower(): str(e) for e in raw.get("exceptions") or ()}
    aliases = {str(k).lower(): str(v) for k, v in (raw.get("aliases") or {}).items()}
    return _Table(MappingProxyType(licenses), MappingProxyType(exceptions),
                  MappingProxyType(aliases), str(raw.get("source", "")).strip())


# --------------------------------------------------------------------------
# the licence library

@functools.cache
def parser() -> "Licensing":
    """license-expression's parser, without a symbol table.

    Expressions are parsed with the *simple* tokenizer, which needs no
    symbols; ids are then resolved through :func:`_library_ids`.  Loading the
    library's own SPDX symbol table (``get_spdx_licensing``) would cost 25 ms
    of every run for nothing this module uses.
    """
    from license_expression import Licensing

    return Licensing()


@dataclass(frozen=True, slots=True)
class _Known:
    """An SPDX id of the library's licence index."""

    key: str
    is_exception: bool


@dataclass(frozen=True, slots=True)
class _LibraryIds:
    ids: Mapping[str, _Known]   # lower-case id -> id in its proper case
    aliases: Mapping[str, str]  # lower-case deprecated/alternative id -> current id


@functools.cache
def _library_ids() -> _LibraryIds:
    """The SPDX ids license-expression knows, read from its vendored licence index.

    The same entries ``get_spdx_licensing`` turns into symbols (those with an
    SPDX key; ``other_spdx_license_keys`` are the aliases, which is where
    ``GPL-3.0+`` and ``GPL-2.0`` live), as two plain mappings.  Aliases with
    spaces (``GPL 2.0``) are left out: they are not SPDX ids and the simple
    tokenizer never produces them.
    """
    from license_expression import get_license_index

    entries = [e for e in get_license_index() if e.get("spdx_license_key")]
    ids = {e["spdx_license_key"].lower(): _Known(e["spdx_license_key"],
                                                 bool(e.get("is_exception")))
           for e in entries}
    aliases: dict[str, str] = {}
    for e in entries:
        for alias in e.get("other_spdx_license_keys") or ():
            alias = alias.strip().lower()
            if alias and " " not in alias:
                aliases.setdefault(alias, e["spdx_license_key"])
    return _LibraryIds(MappingProxyType(ids), MappingProxyType(aliases))


def _library_symbol(license_id: str) -> _Known | None:
    """The library's id for an exact (case-insensitive) id, or None."""
    return _library_ids().ids.get(license_id.lower())


# --------------------------------------------------------------------------
# parsed form (immutable, so it can be cached per expression)

_Kind = Literal["spdx", "ref", "word"]


@dataclass(frozen=True, slots=True)
class _Id:
    """One licence id as written, resolved to its current spelling."""

    written: str
    key: str           # current id in its proper case; as written when unknown
    kind: _Kind
    plus: bool = False  # a trailing "+" kept as such (not a GNU "-or-later" id)

    @property
    def text(self) -> str:
        return self.key + ("+" if self.plus else "")


@dataclass(frozen=True, slots=True)
class _With:
    license: _Id
    exception: _Id


@dataclass(frozen=True, slots=True)
class _Op:
    op: Literal["AND", "OR"]
    args: tuple["_Node", ...]


_Node = Union[_Id, _With, _Op]


@dataclass(frozen=True, slots=True)
class _Parsed:
    root: _Node
    deprecated: tuple[tuple[str, str], ...]
    canonical: str


def _is_ref(license_id: str) -> bool:
    low = license_id.lower()
    return low.startswith(("licenseref-", "documentref-", "additionref-"))


def _resolve(written: str,
             deprecated: list[tuple[str, str]]) -> tuple[_Id, _Known | None]:
    """Map an id as written to its current id; returns the library symbol too.

    Order: exact id (case-insensitive), then the library's aliases (which is
    where ``GPL-3.0+`` and ``GPL-2.0`` live), then a trailing ``+`` on a known
    id: for GNU licences it becomes the ``-or-later`` id, elsewhere it stays.
    ``LicenseRef-`` ids only go through ScanCode's own renames: a maintainer's
    ``LicenseRef-PublicDomain`` is theirs to define, not the library's alias.
    """
    low = written.lower()
    if low in WORDS:
        return _Id(written, low, "word"), None
    kind: _Kind = "ref" if _is_ref(written) else "spdx"
    symbol = _library_symbol(written)
    if symbol is not None:
        return _Id(written, symbol.key, kind), symbol
    may_alias = kind == "spdx" or low.startswith("licenseref-scancode-")
    current = _library_ids().aliases.get(low) if may_alias else None
    if current is not None:
        deprecated.append((written, current))
        return _Id(written, current, kind), _library_symbol(current)
    if kind == "spdx" and written.endswith("+") and len(written) > 1:
        base_written = written[:-1]
        base = _library_symbol(base_written)
        base_key = (base.key if base is not None
                    else _library_ids().aliases.get(base_written.lower()))
        if base_key is not None:
            stem = base_key[:-len("-only")] if base_key.endswith("-only") else base_key
            later = _library_symbol(stem + "-or-later")
            if later is not None:
                deprecated.append((written, later.key))
                return _Id(written, later.key, kind), later
            if base is None:  # the base itself was a deprecated spelling
                deprecated.append((base_written, base_key))
            return _Id(written, base_key, kind, plus=True), _library_symbol(base_key)
    # An id of the knowledge base that this license-expression's index
    # predates (Debian 13's 30.4.1 lacks 16): its proper case is ours.
    entry = _table().licenses.get(low)
    if entry is not None:
        return _Id(written, entry.id, kind), _Known(entry.id, False)
    exception = _table().exceptions.get(low)
    if exception is not None:
        return _Id(written, exception, kind), _Known(exception, True)
    return _Id(written, written, kind), None


def _is_exception_symbol(symbol: _Known | None) -> bool:
    return symbol is not None and symbol.is_exception


def _convert(node: object, deprecated: list[tuple[str, str]]) -> _Node:
    """Turn the library's boolean tree into ours, checking WITH usage."""
    from license_expression import LicenseSymbol, LicenseWithExceptionSymbol

    licensing = parser()
    if isinstance(node, LicenseWithExceptionSymbol):
        lic, lic_symbol = _resolve(node.license_symbol.key, deprecated)
        exc, exc_symbol = _resolve(node.exception_symbol.key, deprecated)
        if lic.kind == "word" or exc.kind == "word":
            word = lic.key if lic.kind == "word" else exc.key
            raise LicenseSyntaxError(f"the word '{word}' cannot be used with WITH")
        if _is_exception_symbol(lic_symbol):
            raise LicenseSyntaxError(f"'{lic.written}' is a licence exception, not a licence: "
                                     "it can only follow WITH")
        if exc_symbol is not None and not _is_exception_symbol(exc_symbol):
            raise LicenseSyntaxError(f"'{exc.written}' is a licence, not a licence exception: "
                                     "after WITH name an exception such as "
                                     "Classpath-exception-2.0")
        return _With(lic, exc)
    if isinstance(node, LicenseSymbol):
        leaf, symbol = _resolve(node.key, deprecated)
        if _is_exception_symbol(symbol):
            raise LicenseSyntaxError(f"'{leaf.written}' is a licence exception, not a licence: "
                                     "it can only follow WITH")
        return leaf
    if isinstance(node, (licensing.AND, licensing.OR)):
        op: Literal["AND", "OR"] = "AND" if isinstance(node, licensing.AND) else "OR"
        return _Op(op, tuple(_convert(arg, deprecated) for arg in node.args))
    raise LicenseSyntaxError(f"unexpected element '{node}'")  # pragma: no cover


def _render(node: _Node) -> str:
    """Canonical text, in the layout license-expression itself prints."""
    if isinstance(node, _Id):
        return node.text
    if isinstance(node, _With):
        return f"{node.license.text} WITH {node.exception.text}"
    parts = [f"({_render(a)})" if isinstance(a, _Op) else _render(a) for a in node.args]
    return f" {node.op} ".join(parts)


def _syntax_message(exc: Exception, expression: str) -> str:
    """One line saying what is wrong, from the library's error."""
    from license_expression import (
        PARSE_INVALID_EXCEPTION,
        PARSE_INVALID_EXPRESSION,
        PARSE_INVALID_NESTING,
        PARSE_INVALID_OPERATOR_SEQUENCE,
        PARSE_INVALID_SYMBOL_AS_EXCEPTION,
        PARSE_INVALID_SYMBOL_SEQUENCE,
        PARSE_UNBALANCED_CLOSING_PARENS,
        PARSE_UNKNOWN_TOKEN,
    )

    code = getattr(exc, "error_code", None)
    token = getattr(exc, "token_string", None) or ""
    position = getattr(exc, "position", None)
    where = f" at column {position + 1}" if isinstance(position, int) and position >= 0 else ""
    if expression.count("(") != expression.count(")"):
        return f"unbalanced parentheses in '{expression}'"
    if code == PARSE_UNBALANCED_CLOSING_PARENS:
        return f"unbalanced ')'{where}"
    if code == PARSE_INVALID_OPERATOR_SEQUENCE:
        return f"'{token}'{where} is not between two licences"
    if code == PARSE_INVALID_SYMBOL_SEQUENCE:
        return f"'{token}'{where} follows another licence without AND, OR or WITH"
    if code == PARSE_INVALID_NESTING:
        return f"misplaced '{token}'{where}"
    if code == PARSE_INVALID_EXCEPTION:
        return f"'{token}'{where} is a licence exception: it can only follow WITH"
    if code == PARSE_INVALID_SYMBOL_AS_EXCEPTION:
        return f"'{token}'{where} is not a licence exception"
    if code in (PARSE_UNKNOWN_TOKEN, PARSE_INVALID_EXPRESSION) and token:
        return f"incomplete or misplaced '{token}'{where}"
    text = " ".join(str(exc).split())
    if "requires two or more licenses" in text:
        operator = text.split()[0]
        return f"'{operator}' needs a licence on both sides"
    if "valid characters" in text:
        return ("a licence id contains a character SPDX does not allow "
                "(ids use letters, digits, '.', '-' and a trailing '+')")
    return f"'{expression}' is not a licence expression"


#: DEP-5 short names (copyright-format 1.0, "License short name") that are not
#: SPDX ids, in SPDX terms.  The GNU families are handled by :data:`_GNU`.
DEP5_NAMES: Mapping[str, str] = MappingProxyType({
    "expat": "MIT",
    "artistic": "Artistic-1.0",
    "perl": "Artistic-1.0-Perl OR GPL-1.0-or-later",
    "public-domain": "LicenseRef-public-domain",
    "zope": "ZPL-2.1",
    "python": "Python-2.0",
})
_GNU = re.compile(r"(?i)^(A?L?GPL|GFDL)-(\d+)(?:\.(\d+))?(\+)?$")
_DEP5_WITH = re.compile(r"(?i)\s+with\s+(\S+)\s+exception\b")


def from_dep5(expression: str, versions: bool = False) -> str:
    """A licence as debian/copyright writes it (``GPL-2+ or Expat``), in SPDX terms.

    Maintainers write the same short names in debian/aimodel.yaml as in
    debian/copyright, so both spellings name one licence.  ``GPL-2+`` becomes
    ``GPL-2.0-or-later`` and ``GPL-3`` ``GPL-3.0-only``; with ``versions``
    the deprecated SPDX forms ``GPL-2.0+``/``GPL-2.0`` are rewritten too
    (otherwise they are left for the parser to report as deprecated).

    >>> from_dep5("GPL-2+ or Expat")
    'GPL-2.0-or-later or MIT'
    """
    text = _DEP5_WITH.sub(lambda m: f" WITH {m.group(1)}-exception", expression.strip())
    out = []
    for token in re.split(r"(\s+|[(),])", text):
        lower = token.lower()
        gnu = _GNU.match(token)
        if gnu and (versions or gnu.group(3) is None):
            family, major, minor, plus = gnu.groups()
            token = (f"{family.upper()}-{major}.{minor or 0}-"
                     f"{'or-later' if plus else 'only'}")
        elif lower in DEP5_NAMES:
            token = f"({DEP5_NAMES[lower]})" if " " in DEP5_NAMES[lower] else DEP5_NAMES[lower]
        elif lower == ",":
            token = " "
        out.append(token)
    return "".join(out)


@functools.lru_cache(maxsize=4096)
def _parse(expression: str) -> _Parsed:
    """Parse one expression (cached: declarations repeat the same few)."""
    from boolean.boolean import ParseError
    from license_expression import ExpressionError

    if not isinstance(expression, str) or not expression.strip():
        raise LicenseSyntaxError("the licence expression is empty")
    try:
        tree = parser().parse(from_dep5(expression), simple=True, strict=False)
    except (ExpressionError, ParseError) as exc:
        raise LicenseSyntaxError(_syntax_message(exc, expression)) from exc
    except (AssertionError, AttributeError, IndexError, KeyError, TypeError, ValueError) as exc:
        # license-expression 30.x / boolean.py 5 trip over some malformed
        # input instead of reporting it: "()" is an IndexError, "MIT OR (AND
        # ISC)" an AssertionError.  Still a syntax error to our caller.
        raise LicenseSyntaxError(_syntax_message(exc, expression)) from exc
    if tree is None:  # pragma: no cover - blank input is caught above
        raise LicenseSyntaxError("the licence expression is empty")
    deprecated: list[tuple[str, str]] = []
    root = _convert(tree, deprecated)
    return _Parsed(root, tuple(dict.fromkeys(deprecated)), _render(root))


# --------------------------------------------------------------------------
# judging

@dataclass(frozen=True, slots=True)
class _Partial:
    verdict: Verdict
    reasons: tuple[str, ...]


_FREE = _Partial("free", ())


def _sentence(license_text: str, verdict: _Dfsg, reason: str | None) -> str:
    if verdict == "undistributable":
        return f"{license_text} does not allow redistribution: {reason or 'see its text'}"
    return f"{license_text} is not DFSG-free: {reason or 'see its text'}"


def _lookup_local(license_id: str, local: Mapping[str, "LicenseVerdict"]) -> "LicenseVerdict | None":
    found = local.get(license_id)
    if found is not None:
        return found
    low = license_id.lower()
    for key, value in local.items():
        if key.lower() == low:
            return value
    return None


def _judge_id(leaf: _Id, local: Mapping[str, "LicenseVerdict"], unknown: list[str]) -> _Partial:
    if leaf.kind == "word":
        if leaf.key == PROPRIETARY_WORD:
            return _Partial("undistributable",
                            ("the licence is proprietary: no permission to redistribute",))
        return _Partial("unknown", ("licence is unknown",))
    if leaf.kind == "ref":
        mine = _lookup_local(leaf.key, local)
        if mine is not None:
            if mine.dfsg == "free":
                return _FREE
            return _Partial(mine.dfsg, (_sentence(mine.id, mine.dfsg, mine.reason),))
    entry = _table().licenses.get(leaf.key.lower())
    if entry is None:
        unknown.append(leaf.text)
        return _Partial("unknown", (f"{leaf.text} is not in the licence knowledge base",))
    if entry.dfsg == "free":
        return _FREE
    return _Partial(entry.dfsg, (_sentence(leaf.text, entry.dfsg, entry.reason),))


def _judge(node: _Node, local: Mapping[str, "LicenseVerdict"], unknown: list[str]) -> _Partial:
    if isinstance(node, _Id):
        return _judge_id(node, local, unknown)
    if isinstance(node, _With):
        base = _judge_id(node.license, local, unknown)
        if node.exception.key.lower() in _table().exceptions:
            return base
        unknown.append(node.exception.text)
        why = (f"{node.exception.text} (exception to {node.license.text}) is not in the "
               "licence knowledge base")
        if _RANK[base.verdict] >= _RANK["unknown"]:
            return _Partial(base.verdict, base.reasons + (why,))
        return _Partial("unknown", base.reasons + (why,))
    parts = [_judge(arg, local, unknown) for arg in node.args]
    pick = max if node.op == "AND" else min
    verdict = pick((p.verdict for p in parts), key=_RANK.__getitem__)
    if verdict == "free":
        return _FREE
    # AND: the parts that are not free are the reasons; OR: no part is free,
    # so every alternative's reason counts.
    reasons = tuple(r for p in parts if p.verdict != "free" for r in p.reasons)
    return _Partial(verdict, reasons)


def judge(expression: str,
          local: Mapping[str, "LicenseVerdict"] = _EMPTY_LOCAL) -> LicenseJudgement:
    """Judge an SPDX expression (or ``unknown``/``proprietary``).

    ``local`` is the declaration's top-level ``licenses:`` mapping; it decides
    ``LicenseRef-*`` ids and is ignored for SPDX ids.  Raises
    :class:`LicenseSyntaxError` when the expression cannot be parsed.

    >>> judge("MIT OR CC-BY-NC-4.0").verdict
    'free'
    >>> judge("gpl-3.0+ AND CC-BY-NC-4.0").reasons
    ('CC-BY-NC-4.0 is not DFSG-free: non-commercial use only (DFSG 6)',)
    """
    parsed = _parse(expression)
    unknown: list[str] = []
    result = _judge(parsed.root, local, unknown)
    return LicenseJudgement(
        verdict=result.verdict,
        reasons=tuple(dict.fromkeys(result.reasons)),
        unknown_ids=tuple(dict.fromkeys(unknown)),
        deprecated=parsed.deprecated,
        canonical=parsed.canonical,
    )


def check_syntax(expression: str) -> None:
    """Raise :class:`LicenseSyntaxError` unless the expression parses.

    The words ``unknown`` and ``proprietary`` are accepted.  Whether the ids
    are known is not checked here (that is a lint error, not a parse error).

    >>> check_syntax("MIT AND")
    Traceback (most recent call last):
    ...
    dh_aimodel.core.licenses.LicenseSyntaxError: 'AND' needs a licence on both sides; accepted: ...
    """
    _parse(expression)


def equivalent(first: str, second: str) -> bool:
    """Whether two expressions say the same thing.

    Ids are compared in their current spelling (``GPL-3.0+`` is
    ``GPL-3.0-or-later``) and case-insensitively; the order of AND and OR
    operands does not matter.  Raises :class:`LicenseSyntaxError` when either
    does not parse.

    >>> equivalent("mit or apache-2.0", "Apache-2.0 OR MIT"), equivalent("MIT", "ISC")
    (True, False)
    """
    left, right = _parse(first).canonical.lower(), _parse(second).canonical.lower()
    if left == right:
        return True
    licensing = parser()
    return bool(licensing.is_equivalent(licensing.parse(left, simple=True, strict=False),
                                        licensing.parse(right, simple=True, strict=False)))


def hf_alias(tag: str) -> str | None:
    """The SPDX expression for a Hugging Face ``license:`` tag, or None.

    ``unknown`` is returned for tags that name no single licence (``bsd``,
    ``cc``, ``openrail``, ``other``, ...); None for tags the table lacks.

    >>> hf_alias("Apache-2.0"), hf_alias("llama2"), hf_alias("other"), hf_alias("nope")
    ('Apache-2.0', 'LicenseRef-scancode-llama-2-license-2023', 'unknown', None)
    """
    return _table().aliases.get(tag.strip().lower())


def is_known(license_id: str) -> bool:
    """True when the knowledge base has a verdict for this id (or knows the exception).

    Deprecated spellings count as their current id (``GPL-2.0+`` is known).
    """
    if not isinstance(license_id, str) or not license_id.strip():
        return False
    leaf, _ = _resolve(license_id.strip(), [])
    if leaf.kind == "word":
        return False
    low = leaf.key.lower()
    return low in _table().licenses or low in _table().exceptions


def table_source() -> str:
    """One line on where the verdicts come from, for --help and the man page."""
    table = _table()
    return (f"{len(table.licenses)} licence verdicts and {len(table.aliases)} Hugging Face "
            f"tags from dh_aimodel/data/licenses.yaml ({table.source})")
