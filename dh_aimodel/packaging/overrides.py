"""Lintian overrides: read as Lintian reads them, written for the tags model files cause.

The writing half is ``aimodel overrides``.  Which tags Lintian emits for
model files, per package type, is data (``data/lintian-overrides.yaml``),
keyed by the Lintian versions each entry holds for: overrides are written
for one Lintian (:func:`target_lintian`: the installed one unless told),
and :func:`unused_by_newer` finds the overrides a newer one no longer uses.
Today that is one tag, for the *source* package only:
``very-long-line-length-in-source-file``.  Whether it fires depends on the
bytes, and an override for a tag that does not fire is itself reported
(``unused-override``; ``mismatched-override`` when the tag fired elsewhere),
so this module repeats Lintian's own test (Check/Files/Contents/
LineLength.pm) on each declared file before writing an override:

* files whose name ends in an extension Lintian lists as binary or
  compressed (``/usr/share/lintian/data/files/*-file-extensions``) or in
  xml, sgml, svg, json, jsonl are skipped, as are files ``file`` calls image,
  bitmap or JSON; since Lintian 2.124 also every file ``file`` does not call
  text (the entry's ``file-type``);
* a line is the bytes up to and including a newline; its length is counted
  in characters when the line is valid UTF-8, else in bytes; the tag fires
  when the longest line is over 512.

This is also the one reader of override files (:func:`parse_overrides`,
:func:`enabled`, :func:`overriding`), written after Lintian 2.116's own code
(Lintian::Processable::Overrides, Lintian::Group, Lintian::Util::match_glob)
and shared by the three users that must agree with Lintian: ``aimodel
overrides`` and ``dh_aimodel``, so that a maintainer's broader override is not
duplicated by a narrower one Lintian would report as unused, and ``aimodel
lint``, which honours a package's own overrides.  It imports nothing heavy at
module level, since ``aimodel lint`` loads it.
"""

from __future__ import annotations

import functools
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, Mapping

if TYPE_CHECKING:
    from dh_aimodel.packaging.sourcetree import SourceTree

__all__ = [
    "LONG_LINE_TAG", "Declared", "OverrideFile", "Override", "Unused", "choose", "covered",
    "enabled", "entries", "holds", "installed_lintian", "lintian_skips", "longest_line",
    "match_glob", "merge", "overriding", "parse_overrides", "parse_version", "plan", "select",
    "check_requested", "target_lintian", "unused_by_newer",
]

#: A Lintian version as numbers: "2.116.3+deb12u1" -> (2, 116, 3).
Version = tuple[int, ...]

LONG_LINE_TAG = "very-long-line-length-in-source-file"
VERY_LONG = 512
DATA = "lintian-overrides.yaml"
LINTIAN_DATA = Path("/usr/share/lintian/data/files")
_CHUNK = 1 << 20


# --------------------------------------------------------------------------
# data

@functools.cache
def load_data() -> Mapping[str, Any]:
    """data/lintian-overrides.yaml (shared with dh_aimodel): tags per package type.

    ``checked`` lists (version, text, release) of the Lintian releases the
    data was checked against, oldest first.
    """
    from dh_aimodel.core.datafiles import load_yaml

    raw = load_yaml(DATA)
    checked = sorted(((parse_version(str(c["lintian"])), str(c["lintian"]), str(c["release"]))
                      for c in raw.get("checked") or ()))
    return {"checked": tuple(checked),
            "binary": tuple(raw.get("binary") or ()), "source": tuple(raw.get("source") or ())}


def parse_version(text: str) -> Version:
    """A Lintian version's numbers, trailing zeros dropped: ``2.122.0`` -> (2, 122).

    Raises ValueError for text that does not start with a version.
    """
    found = re.match(r"\s*v?(\d+(?:\.\d+)*)", text)
    if found is None:
        raise ValueError(f"not a Lintian version: {text!r}; accepted: a version such as "
                         "2.116.3 or 2.143.0")
    numbers = [int(n) for n in found.group(1).split(".")]
    while len(numbers) > 1 and numbers[-1] == 0:
        numbers.pop()
    return tuple(numbers)


_RELATION = re.compile(r"(<<|<=|>=|>>|=)\s*(\S+)")
_COMPARE = {"<<": lambda a, b: a < b, "<=": lambda a, b: a <= b, "=": lambda a, b: a == b,
            ">=": lambda a, b: a >= b, ">>": lambda a, b: a > b}


def holds(relations: str, version: Version) -> bool:
    """Whether ``version`` satisfies dpkg-style relations such as ``>= 2.117, << 2.124``."""
    for part in filter(None, (p.strip() for p in relations.split(","))):
        found = _RELATION.fullmatch(part)
        if found is None:
            raise AssertionError(f"dh_aimodel/data/{DATA}: bad Lintian relation {part!r}")
        if not _COMPARE[found.group(1)](version, parse_version(found.group(2))):
            return False
    return True


def entries(kind: str, lintian: Version) -> tuple[Mapping[str, Any], ...]:
    """The data's entries of one package type (source, binary) that hold for ``lintian``."""
    return tuple(e for e in load_data()[kind] if holds(str(e.get("lintian", "")), lintian))


@functools.cache
def _skipped_extensions() -> tuple[str, ...]:
    """Extensions LineLength.pm skips: Lintian's data files plus xml/sgml/svg/json(l)."""
    found: list[str] = []
    for name in ("binary-file-extensions", "compressed-file-extensions"):
        try:
            text = (LINTIAN_DATA / name).read_text(encoding="utf-8")
        except OSError:
            continue
        for line in text.splitlines():
            line = line.strip()
            if line and not line.startswith("#"):
                found.extend(line.split())
    return tuple(found) + ("xml", "sgml", "svg", "json", "jsonl")


def lintian_skips(path: Path, text_types: str = "") -> bool:
    """Whether Lintian's line-length check ignores this file (extension or file(1) type).

    ``text_types``: what file(1) must say of a file for the check to read it
    (the entry's ``file-type``: ``(ASCII|Unicode) text`` since Lintian 2.124).
    """
    import shutil
    import subprocess

    alternatives = "|".join(re.escape(e) for e in _skipped_extensions())
    if re.search(rf"\.(?:{alternatives})\s*$", path.name, re.IGNORECASE):
        return True
    if path.parts and path.parts[0] == "LICENSES" and path.name.endswith(".txt"):
        return True
    file_cmd = shutil.which("file")
    if file_cmd is None:
        return bool(text_types)  # cannot tell text: Lintian would not read it
    try:
        # As Lintian runs it (Lintian::Index::FileTypes): --raw, no padding.
        kind = subprocess.run([file_cmd, "-b", "--raw", "--", str(path)], capture_output=True,
                              text=True, check=False, timeout=60).stdout
    except (OSError, subprocess.SubprocessError):
        return False
    if text_types and re.search(text_types, kind) is None:
        return True
    return re.search(r"image|bitmap|JSON", kind) is not None


def longest_line(path: Path, chunk_size: int = _CHUNK) -> tuple[int, int] | None:
    """(length, 1-based line number) of the longest line as Lintian counts it, if over 512.

    Streams the file in 1 MiB chunks; only lines over 512 bytes are decoded
    (a line of at most 512 bytes cannot be over 512 characters).
    """
    import codecs

    best: tuple[int, int] | None = None
    number = 1
    nbytes = 0          # bytes of the current line so far
    nchars = 0          # characters so far, if still valid UTF-8
    decoder = None      # incremental decoder once the line spans chunks
    pending = b""       # start of the current line while it is short
    valid = True

    def finish(length: int) -> None:
        nonlocal best
        if length > VERY_LONG and (best is None or length > best[0]):
            best = (length, number)

    with open(path, "rb") as fh:
        while chunk := fh.read(chunk_size):
            pieces = chunk.split(b"\n")
            for i, piece in enumerate(pieces):
                last = i == len(pieces) - 1
                segment = piece if last else piece + b"\n"
                if decoder is None and nbytes + len(segment) <= VERY_LONG and not last:
                    # common case: a short complete line
                    nbytes = 0
                    pending = b""
                    number += 1
                    continue
                if decoder is None and last:
                    pending += segment
                    nbytes += len(segment)
                    if nbytes > 4 * VERY_LONG:  # too long to keep: switch to counting
                        decoder = codecs.getincrementaldecoder("utf-8")()
                        valid, nchars = _feed(decoder, pending, True, 0)
                        pending = b""
                    continue
                if decoder is None:
                    line = pending + segment
                    try:
                        length = len(line.decode("utf-8"))
                    except UnicodeDecodeError:
                        length = len(line)
                    finish(length)
                else:
                    nbytes += len(segment)
                    if valid:
                        valid, nchars = _feed(decoder, segment, valid, nchars)
                    if not last:
                        if valid:
                            valid, nchars = _feed(decoder, b"", valid, nchars, final=True)
                        finish(nchars if valid else nbytes)
                if not last:
                    nbytes, nchars, decoder, pending, valid = 0, 0, None, b"", True
                    number += 1
    if decoder is not None:
        if valid:
            valid, nchars = _feed(decoder, b"", valid, nchars, final=True)
        finish(nchars if valid else nbytes)
    elif pending:
        try:
            finish(len(pending.decode("utf-8")))
        except UnicodeDecodeError:
            finish(len(pending))
    return best


def _feed(decoder: Any, data: bytes, valid: bool, nchars: int,
          final: bool = False) -> tuple[bool, int]:
    try:
        return True, nchars + len(decoder.decode(data, final))
    except UnicodeDecodeError:
        return False, nchars


# --------------------------------------------------------------------------
# override files, read and matched as Lintian 2.116 does

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


@functools.cache
def _installed_lintian_text() -> str | None:
    """The installed Lintian's version (``2.116.3+deb12u1``), or None without Lintian.

    Asked of dpkg first (10 ms); ``lintian --version`` starts Perl and all
    of Lintian (0.4 s, on every dh_aimodel run) and is only the fallback
    for a Lintian that no package installed.
    """
    # dpkg keeps the version of a removed package whose configuration is left
    # ("rc"): only "installed" counts.
    asks = ((["dpkg-query", "-W", "-f=${db:Status-Status} ${Version}", "lintian"],
             r"^installed (\d+(?:\.\d+)+\S*)"),
            (["lintian", "--version"], r"(\d+(?:\.\d+)+\S*)"))
    for argv, pattern in asks:
        try:
            proc = subprocess.run(argv, capture_output=True, text=True, check=False,
                                  timeout=60)
        except (OSError, subprocess.SubprocessError):
            continue
        found = re.search(pattern, proc.stdout) if proc.returncode == 0 else None
        if found:
            return found.group(1)
    return None


def installed_lintian() -> Version | None:
    """The installed Lintian's version (``Lintian v2.116.3`` -> (2, 116, 3)), or None."""
    text = _installed_lintian_text()
    return parse_version(text) if text else None


def check_requested(requested: str) -> str:
    """A ``--lintian-version`` value, checked: a UsageError names the option otherwise.

    One check for ``aimodel overrides`` and ``dh_aimodel``.
    """
    from dh_aimodel.core.errors import UsageError

    try:
        parse_version(requested)
    except ValueError as exc:
        raise UsageError(f"--lintian-version: {exc}") from exc
    return requested


def target_lintian(requested: str | None = None) -> tuple[Version, str]:
    """(version, as written) of the Lintian that will check the package.

    ``requested`` (``--lintian-version``) if given, else the installed one,
    else the newest the data was checked against.
    """
    if requested:
        return parse_version(requested), requested.strip()
    text = _installed_lintian_text()
    if text:
        return parse_version(text), text
    _, newest, _ = load_data()["checked"][-1]
    return parse_version(newest), newest


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


@dataclass(frozen=True, slots=True)
class Override:
    """An override the tool wants, with the hints (contexts) it is meant to silence."""

    tag: str
    context: str
    comment: str
    hints: tuple[str, ...]
    model: str


@dataclass(frozen=True, slots=True)
class OverrideFile:
    """One override file: where, which prefix its lines take, what to add."""

    path: Path            # relative to the source root
    prefix: str           # "<src> source" or "<pkg>"
    package: str
    overrides: tuple[Override, ...]


def select(declared: Iterable[Declared], wanted: Iterable[Override]) -> list[Override]:
    """The wanted overrides Lintian would use next to the declared ones.

    A wanted override is dropped when the file already covers it
    (:func:`_covers`); otherwise it is kept when, among the file's patterns
    and all wanted ones, it is the pattern Lintian chooses (:func:`choose`)
    for at least one of the hints it is meant for.
    """
    wanted = list(wanted)
    table = enabled(declared)
    kept: list[Override] = []
    for o in wanted:
        if _covers(table, o.tag, o.context):
            continue
        candidates = set(table.get(o.tag, {})) | {w.context for w in wanted if w.tag == o.tag}
        if any(choose(candidates, hint) == o.context for hint in o.hints):
            kept.append(o)
    return list(dict.fromkeys(kept))


def plan(tree: "SourceTree", lintian: str | None = None) -> list[OverrideFile]:
    """The override files and the overrides each should contain (before merging).

    Only what the Lintian that will check the package emits
    (:func:`target_lintian`; ``lintian`` is ``--lintian-version``).
    """
    from dh_aimodel.core.classification import judge_models
    from dh_aimodel.core.errors import PackagingError, UsageError
    from dh_aimodel.core.policies import get
    from dh_aimodel.packaging.render import render

    if tree.root is None:
        raise UsageError("aimodel overrides needs a source tree (a directory with "
                         "debian/aimodel.yaml and debian/control), not a lone declaration")
    if tree.facts is None:
        raise PackagingError("aimodel overrides needs debian/control (for the source "
                             "package's name); accepted: a source tree with debian/control")
    from dh_aimodel.tree.walk import expand, source_files

    root = tree.root
    tree_files = source_files(root)
    version, version_text = target_lintian(lintian)
    source_entries, binary_entries = entries("source", version), entries("binary", version)
    verdicts = judge_models(tree.declaration, get("ml-policy"))
    source_overrides: list[Override] = []
    binary: dict[str, list[Override]] = {}
    for model in tree.declaration.models:
        verdict = verdicts[model.name]
        for spec, pattern in zip(model.files, _patterns_per_spec(model, root)):
            files = [root / p for p in expand(spec.path, tree_files, root)]
            for entry in source_entries:
                hints = tuple(_hints(entry, root, files))
                if not hints:
                    continue
                paths = [f.relative_to(root).as_posix() for f in files]
                comment = render("lintian-overrides.j2", kind="comment", model=model,
                                 verdict=verdict, paths=paths, entry=entry,
                                 lintian_version=version_text).rstrip("\n")
                source_overrides.append(Override(
                    entry["tag"], entry["context"].format(path=pattern), comment, hints,
                    model.name))
            if model.shipped and model.package and files:
                for entry in binary_entries:
                    # No tag is known to fire for model files in a .deb (see the data
                    # file); kept generic for when Lintian starts to.
                    comment = render("lintian-overrides.j2", kind="comment", model=model,
                                     verdict=verdict, paths=[f.name for f in files],
                                     entry=entry, lintian_version=version_text
                                     ).rstrip("\n")
                    context = entry["context"].format(path=f"*/{files[0].name}" if len(files) == 1
                                                      else "*")
                    binary.setdefault(model.package, []).append(Override(
                        entry["tag"], context, comment, (), model.name))
    out = [OverrideFile(Path("debian/source/lintian-overrides"),
                        f"{tree.facts.source} source", tree.facts.source,
                        tuple(source_overrides))]
    for package in sorted(binary):
        out.append(OverrideFile(Path(f"debian/{package}.lintian-overrides"), package, package,
                                tuple(binary[package])))
    return out


def _patterns_per_spec(model: Any, root: Path) -> list[str]:
    """One Lintian pattern per declared path (``**`` → ``*``; classes → ``?``)."""
    out = []
    for spec in model.files:
        p = spec.path
        while "**" in p:
            p = p.replace("**/", "*").replace("**", "*")
        p = re.sub(r"\[[^\]]*\]", "?", p)
        out.append(p)
    return out


def _hints(entry: Mapping[str, Any], root: Path, files: list[Path],
           longest: Callable[[Path], tuple[int, int] | None] = longest_line) -> Iterable[str]:
    """The contexts Lintian would print for the entry's tag on these source files.

    ``longest``: :func:`longest_line`, or a cached one when several Lintian
    versions are asked about the same files (each read once).
    """
    from dh_aimodel.core.errors import PackagingError

    if entry["tag"] != LONG_LINE_TAG:  # no detector: trust the data file
        for f in files:
            yield f.relative_to(root).as_posix()
        return
    for f in files:
        if lintian_skips(f, str(entry.get("file-type") or "")):
            continue
        try:
            found = longest(f)
        except OSError as exc:  # removed or made unreadable since it was listed
            raise PackagingError(f"{f.relative_to(root).as_posix()}: cannot read: "
                                 f"{exc.strerror or exc}; every declared file must be "
                                 "readable to tell which Lintian tags it causes") from exc
        if found is not None:
            yield f"{found[0]} > {VERY_LONG} [{f.relative_to(root).as_posix()}:{found[1]}]"


@dataclass(frozen=True, slots=True)
class Unused:
    """An override that an older Lintian uses and the newest checked one does not."""

    override: Declared
    #: (version text, release) of the newest Lintian checked, which no longer uses it.
    lintian: tuple[str, str]


def unused_by_newer(declared: Iterable[Declared], root: Path, files: Iterable[Path]
                    ) -> list[Unused]:
    """The source overrides that the newest Lintian checked would report as unused.

    For each Lintian of the data's ``checked`` list, the contexts its tags
    would have on ``files`` (the declared model files) are computed; an
    override that matches one of them for an older Lintian but none for the
    newest is reported.  Overrides of tags the data does not know are not
    judged.
    """
    files = list(files)
    checked = load_data()["checked"]
    tags = {e["tag"] for e in load_data()["source"]}
    longest = functools.cache(longest_line)  # the versions share the files' bytes
    by_entry: dict[int, set[str]] = {}       # versions share entries, too
    hints: dict[Version, dict[str, set[str]]] = {}
    for version, _, _ in checked:
        per_tag = hints.setdefault(version, {})
        for entry in entries("source", version):
            if id(entry) not in by_entry:
                by_entry[id(entry)] = set(_hints(entry, root, files, longest))
            per_tag.setdefault(entry["tag"], set()).update(by_entry[id(entry)])

    def used(d: Declared, version: Version) -> bool:
        found = hints[version].get(d.tag, set())
        return any(d.pattern == "" or match_glob(d.pattern, h, version) for h in found)

    newest, newest_text, newest_release = checked[-1]
    return [Unused(d, (newest_text, newest_release)) for d in declared
            if d.tag in tags and not used(d, newest)
            and any(used(d, v) for v, _, _ in checked[:-1])]


def merge(existing: str | None, target: OverrideFile) -> tuple[str, list[Override]]:
    """(new file text, overrides added): the maintainer's lines kept, ours appended."""
    from dh_aimodel.packaging.render import render

    added = select(parse_overrides(existing or "", target.prefix, target.path.as_posix()),
                   target.overrides)
    text = existing or ""
    if added:
        block = render("lintian-overrides.j2", kind="block", prefix=target.prefix,
                       overrides=added)
        if text and not text.endswith("\n"):
            text += "\n"
        text += block
    return text, added
