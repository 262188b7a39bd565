"""Lintian override files, read and matched as Lintian 2.116 does.

This is the one reader of override files (:func:`parse_overrides`,
:func:`enabled`, :func:`overriding`), written after Lintian 2.116's own code
(Lintian::Processable::Overrides, Lintian::Group, Lintian::Util::match_glob)
and shared by the three users that must agree with Lintian: ``aimodel
overrides`` and ``dh_aimodel``, so that a maintainer's broader override is not
duplicated by a narrower one Lintian would report as unused (:func:`covered`),
and ``aimodel lint``, which honours a package's own overrides.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Iterable

from dh_aimodel.packaging.lintian_version import target_lintian


@dataclass(frozen=True, slots=True)
class Declared:
    """One override of a file, as Lintian reads it for one package.

    ``pattern`` is matched against a tag's whole context; ``""`` overrides
    every occurrence of the tag.  ``file`` and ``line`` are where it stands,
    which Lintian prints as ``[file:line]`` and ``aimodel lint`` as the
    override a tag was silenced by.
    """

    tag: str
    pattern: str
    architectures: tuple[str, ...]
    file: str
    line: int


_ARCHLIST = re.compile(r"\[([^\]]*)\](?=\s|:)")


def parse_overrides(text: str, label: str, file: str = "") -> list[Declared]:
    """The overrides Lintian reads from ``text`` for the package ``label``.

    ``label`` names the package as Lintian's tag lines do: ``"<source>
    source"`` or ``"<binary>"``.  The syntax is
    ``[[<package>][ <archlist>][ <type>]: ]<tag>[ <context>]``, and Lintian
    (Lintian::Processable::Overrides) reads it *for one package*, which this
    follows step by step: ``#`` lines and blank lines are skipped; runs of
    white space become one space; the package name is stripped only when it
    is this package's, then an ``[archlist]``, then the type only when it is
    this package's; when anything was stripped a colon must follow.
    Consequences that a reader not aware of the package would get wrong:
    ``other-pkg: tag`` reads as the tag ``other-pkg`` (Lintian's alien-tag,
    matching nothing), ``pkg binary: tag`` in a source file lacks the colon
    after ``pkg`` (malformed-override, dropped), ``source: tag`` is the
    source's own.  Lines Lintian reports as malformed are dropped, as
    Lintian drops them.
    """
    package, _, kind = label.partition(" ")
    kind = kind or "binary"
    out: list[Declared] = []
    for number, raw in enumerate(text.split("\n"), 1):
        rest = raw.strip()
        if not rest or rest.startswith("#"):
            continue
        rest = re.sub(r"\s+", " ", rest)
        architectures: tuple[str, ...] = ()
        prefixed = False
        if _starts_with_word(rest, package):
            rest, prefixed = rest[len(package):].lstrip(), True
        if m := _ARCHLIST.match(rest):
            architectures = tuple(m[1].split())
            rest, prefixed = rest[m.end():].lstrip(), True
        if _starts_with_word(rest, kind):
            rest, prefixed = rest[len(kind):].lstrip(), True
        if prefixed:
            if not rest.startswith(":"):
                continue  # malformed-override: Expected a colon
            rest = rest[1:].lstrip()
        tag, _, pattern = rest.partition(" ")
        if tag:
            out.append(Declared(tag, pattern, architectures, file, number))
    return out


def _starts_with_word(text: str, word: str) -> bool:
    """``text`` starts with ``word`` followed by a space or colon (Lintian's ``(?=\\s|:)``)."""
    return bool(word) and text.startswith(word) and text[len(word):len(word) + 1] in (" ", ":")


#: Lintian's enabled overrides of one package: tag -> pattern -> override.
Table = dict[str, dict[str, Declared]]


def enabled(declared: Iterable[Declared]) -> Table:
    """The overrides Lintian applies, keyed as Lintian::Group keys them.

    An architecture list applies only when it holds a negation
    (``[!amd64]``): Lintian drops a list when its negations disagree with
    whether the package's architecture is listed, and the packages
    dh-aimodel deals with (the source, ``Architecture: all`` model packages)
    match no architecture named in a list.  A later line with the same tag
    and pattern replaces an earlier one, as in Lintian's hash.
    """
    table: Table = {}
    for d in declared:
        if d.architectures and not any(a.startswith("!") for a in d.architectures):
            continue
        table.setdefault(d.tag, {})[d.pattern] = d
    return table


@functools.lru_cache(maxsize=1024)
def _glob(pattern: str) -> re.Pattern[str]:
    """Regexp::Wildcards 'jokers', which Lintian::Util::match_glob uses.

    ``*`` is any run of characters (``/``, spaces and ``[`` included), ``?``
    one character; a backslash before a punctuation character makes it
    literal, before anything else it is a literal backslash.  Cached:
    ``aimodel lint`` matches the same few patterns against every tag.
    """
    parts: list[str] = []
    i = 0
    while i < len(pattern):
        c, following = pattern[i], pattern[i + 1:i + 2]
        if c == "\\" and following and not re.match(r"[\w\s]", following):
            parts.append(re.escape(following))
            i += 2
            continue
        parts.append(".*" if c == "*" else "." if c == "?" else re.escape(c))
        i += 1
    return re.compile("".join(parts))


#: Lintian::Util::match_glob drops a leading "./" from the pattern since a
#: release after 2.116.3 (bookworm has not that line, 2.122.0 of trixie and
#: 2.143.0 of sid have it: ``$glob =~ s{^\./}{};``).
DROPS_RELATIVE_PREFIX = (2, 117)


def match_glob(pattern: str, context: str, lintian: tuple[int, ...] | None = None) -> bool:
    """Whether ``pattern`` matches the whole ``context``, as Lintian matches overrides.

    ``lintian`` is the version whose rules to follow: by default the
    installed one (only asked when the pattern starts with ``./``).
    """
    if pattern.startswith("./"):
        if (lintian or target_lintian()[0]) >= DROPS_RELATIVE_PREFIX:
            pattern = pattern[2:]
    return _glob(pattern).fullmatch(context) is not None


def choose(patterns: Iterable[str], context: str) -> str | None:
    """The pattern Lintian credits with silencing a tag of this context, if any.

    A pattern-less override wins outright; otherwise the patterns are tried
    shortest first, and the first that matches is used (the others, if they
    match nothing else, are then unused-override).  "Shortest" as Lintian 2.116
    sorts, with List::UtilsBy's ``sort_by { length }``, which compares the
    lengths as strings: a 10-character pattern is tried before a 9-character
    one.  Equal keys come in Perl's hash order, which is random; here they
    are sorted, so the answer is stable.
    """
    candidates = set(patterns)
    if "" in candidates:
        return ""
    return next((p for p in sorted(candidates, key=lambda p: (str(len(p)), p))
                 if match_glob(p, context)), None)


def overriding(table: Table, tag: str, context: str) -> Declared | None:
    """The override that silences ``tag`` with ``context`` (Lintian shows it as ``O:``)."""
    patterns = table.get(tag)
    if not patterns:
        return None
    chosen = choose(patterns, context)
    return None if chosen is None else patterns[chosen]


def _covers(table: Table, tag: str, pattern: str) -> bool:
    """Whether adding (tag, pattern) would add nothing Lintian uses.

    It does not when the file has the same pattern already, or a
    pattern-less override of the tag, which Lintian uses for every
    occurrence (the new one would be unused-override).
    """
    patterns = table.get(tag, {})
    return "" in patterns or pattern in patterns


def covered(text: str, line: str) -> bool:
    """Whether the override file ``text`` already has what ``line`` would add.

    ``line`` is an override as dh-aimodel writes them, ``<label>: <tag>
    [<pattern>]``; both are read for the package the line names.
    """
    label = line.partition(":")[0].strip()
    wanted = parse_overrides(line, label)
    table = enabled(parse_overrides(text, label))
    return all(_covers(table, w.tag, w.pattern) for w in wanted)
