"""``aimodel overrides``: Lintian overrides for the tags model files really cause.

Which tags Lintian emits for model files, per package type, is data
(``data/lintian-overrides.yaml``, with the Lintian version it was checked
against).  Today that is one tag, for the *source* package only:
``very-long-line-length-in-source-file``.  Whether it fires depends on the
bytes, and an override for a tag that does not fire is itself reported
(``unused-override``; ``mismatched-override`` when the tag fired elsewhere),
so this module repeats Lintian 2.116's own test (Check/Files/Contents/
LineLength.pm) on each declared file before writing an override:

* files whose name ends in an extension Lintian lists as binary or
  compressed (``/usr/share/lintian/data/files/*-file-extensions``) or in
  xml, sgml, svg, json, jsonl are skipped, as are files ``file`` calls image,
  bitmap or JSON;
* a line is the bytes up to and including a newline; its length is counted
  in characters when the line is valid UTF-8, else in bytes; the tag fires
  when the longest line is over 512.

Overrides already in the file are honoured with Lintian's matching rules
(``*`` and ``?`` only, anchored to the whole context, shortest pattern tried
first), so a maintainer's broader override is not duplicated by a narrower
one that Lintian would then report as unused.
"""

from __future__ import annotations

import codecs
import functools
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Mapping

from .datafiles import load_yaml
from .errors import PackagingError, UsageError

if TYPE_CHECKING:
    from .sourcetree import SourceTree

__all__ = [
    "LONG_LINE_TAG", "OverrideFile", "Override", "Existing", "longest_line", "lintian_skips",
    "match_glob", "merge", "parse_overrides", "plan",
]

LONG_LINE_TAG = "very-long-line-length-in-source-file"
VERY_LONG = 512
DATA = "lintian-overrides.yaml"
LINTIAN_DATA = Path("/usr/share/lintian/data/files")
_CHUNK = 1 << 20


# --------------------------------------------------------------------------
# data

@functools.cache
def load_data() -> Mapping[str, Any]:
    """data/lintian-overrides.yaml (shared with dh_aimodel): tags per package type."""
    raw = load_yaml(DATA)
    return {"lintian-version": str(raw.get("lintian-version", "")),
            "binary": tuple(raw.get("binary") or ()), "source": tuple(raw.get("source") or ())}


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


def lintian_skips(path: Path) -> bool:
    """Whether Lintian's line-length check ignores this file (extension or file(1) type)."""
    alternatives = "|".join(re.escape(e) for e in _skipped_extensions())
    if re.search(rf"\.(?:{alternatives})\s*$", path.name, re.IGNORECASE):
        return True
    if path.parts and path.parts[0] == "LICENSES" and path.name.endswith(".txt"):
        return True
    file_cmd = shutil.which("file")
    if file_cmd is None:
        return False
    try:
        kind = subprocess.run([file_cmd, "-b", "--", str(path)], capture_output=True,
                              text=True, check=False, timeout=60).stdout
    except (OSError, subprocess.SubprocessError):
        return False
    return re.search(r"image|bitmap|JSON", kind) is not None


def longest_line(path: Path, chunk_size: int = _CHUNK) -> tuple[int, int] | None:
    """(length, 1-based line number) of the longest line as Lintian counts it, if over 512.

    Streams the file in 1 MiB chunks; only lines over 512 bytes are decoded
    (a line of at most 512 bytes cannot be over 512 characters).
    """
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
# override files

@dataclass(frozen=True, slots=True)
class Existing:
    """One override line already in a file."""

    package: str | None
    archlist: str | None
    type: str | None
    tag: str
    context: str
    line: int


def parse_overrides(text: str) -> list[Existing]:
    """Override lines: ``[[<package>][ <archlist>][ <type>]: ]<tag>[ <context>]``.

    Comments and blank lines are skipped; malformed lines (Lintian reports
    them) are ignored here.
    """
    out = []
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        prefix, colon, rest = line.partition(":")
        package = archlist = kind = None
        if colon and re.fullmatch(r"[^\s\[]*(?:\s*\[[^\]]*\])?(?:\s+(?:source|binary|udeb))?\s*",
                                  prefix):
            words = prefix
            m = re.search(r"\[([^\]]*)\]", words)
            if m:
                archlist = m.group(1).strip()
                words = words[:m.start()] + words[m.end():]
            parts = words.split()
            if parts and parts[-1] in ("source", "binary", "udeb"):
                kind = parts.pop()
            package = parts[0] if parts else None
            line = rest.strip()
        tag, _, context = line.partition(" ")
        if tag:
            out.append(Existing(package, archlist, kind, tag, " ".join(context.split()), number))
    return out


def match_glob(pattern: str, context: str) -> bool:
    """Lintian's override matching: ``*`` and ``?`` only, anchored, ``*`` matches anything."""
    regex = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.fullmatch(regex, context, re.DOTALL) is not None


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


def _applies(existing: Existing, package: str, kind: str) -> bool:
    if existing.package not in (None, package):
        return False
    if existing.type is not None and existing.type != kind:
        return False
    if existing.archlist and not existing.archlist.startswith("!"):
        return False  # Lintian ignores positive architecture lists for sources
    return True


def select(existing: Iterable[Existing], wanted: Iterable[Override], package: str,
           kind: str) -> list[Override]:
    """The wanted overrides Lintian would actually use next to the existing ones.

    Per hint, Lintian uses a context-less override if there is one, else the
    shortest pattern that matches; a wanted override is kept only when it
    would be the one used for at least one of its hints, and is not already
    in the file.
    """
    wanted = list(wanted)
    patterns: dict[str, set[str]] = {}
    bare: set[str] = set()
    for e in existing:
        if not _applies(e, package, kind):
            continue
        if e.context:
            patterns.setdefault(e.tag, set()).add(e.context)
        else:
            bare.add(e.tag)
    kept: list[Override] = []
    for o in wanted:
        if o.tag in bare or o.context in patterns.get(o.tag, set()):
            continue
        candidates = sorted(patterns.get(o.tag, set()) | {w.context for w in wanted
                                                        if w.tag == o.tag},
                            key=lambda p: (len(p), p))
        for hint in o.hints:
            chosen = next((p for p in candidates if match_glob(p, hint)), None)
            if chosen == o.context:
                kept.append(o)
                break
    return list(dict.fromkeys(kept))


def _expand(root: Path, pattern: str) -> list[Path]:
    if not any(c in pattern for c in "*?["):
        p = root / pattern
        return [p] if p.is_file() else []
    return sorted(p for p in root.glob(pattern) if p.is_file())


def plan(tree: "SourceTree") -> list[OverrideFile]:
    """The override files and the overrides each should contain (before merging)."""
    from .classification import judge_models
    from .policies import get
    from .render import render

    if tree.root is None:
        raise UsageError("aimodel overrides needs a source tree (a directory with "
                         "debian/aimodel.yaml and debian/control), not a lone declaration")
    if tree.facts is None:
        raise PackagingError("aimodel overrides needs debian/control (for the source "
                             "package's name); accepted: a source tree with debian/control")
    root = tree.root
    data = load_data()
    verdicts = judge_models(tree.declaration, get("ml-policy"))
    source_overrides: list[Override] = []
    binary: dict[str, list[Override]] = {}
    for model in tree.declaration.models:
        verdict = verdicts[model.name]
        for spec, pattern in zip(model.files, _patterns_per_spec(model, root)):
            files = _expand(root, spec.path)
            for entry in data["source"]:
                hints = tuple(_hints(entry["tag"], root, files))
                if not hints:
                    continue
                paths = [f.relative_to(root).as_posix() for f in files]
                comment = render("lintian-overrides.j2", kind="comment", model=model,
                                 verdict=verdict, paths=paths, entry=entry,
                                 lintian_version=data["lintian-version"]).rstrip("\n")
                source_overrides.append(Override(
                    entry["tag"], entry["context"].format(path=pattern), comment, hints,
                    model.name))
            if model.shipped and model.package and files:
                for entry in data["binary"]:
                    # No tag is known to fire for model files in a .deb (see the data
                    # file); kept generic for when Lintian starts to.
                    comment = render("lintian-overrides.j2", kind="comment", model=model,
                                     verdict=verdict, paths=[f.name for f in files],
                                     entry=entry, lintian_version=data["lintian-version"]
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


def _hints(tag: str, root: Path, files: list[Path]) -> Iterable[str]:
    """The contexts Lintian would print for ``tag`` on these source files."""
    if tag != LONG_LINE_TAG:  # no detector: trust the data file
        for f in files:
            yield f.relative_to(root).as_posix()
        return
    for f in files:
        if lintian_skips(f):
            continue
        found = longest_line(f)
        if found is not None:
            yield f"{found[0]} > {VERY_LONG} [{f.relative_to(root).as_posix()}:{found[1]}]"


def merge(existing: str | None, target: OverrideFile) -> tuple[str, list[Override]]:
    """(new file text, overrides added): the maintainer's lines kept, ours appended."""
    from .render import render

    kind = "source" if target.prefix.endswith(" source") else "binary"
    added = select(parse_overrides(existing or ""), target.overrides, target.package, kind)
    text = existing or ""
    if added:
        block = render("lintian-overrides.j2", kind="block", prefix=target.prefix,
                       overrides=added)
        if text and not text.endswith("\n"):
            text += "\n"
        text += block
    return text, added
