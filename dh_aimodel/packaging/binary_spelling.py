"""Lintian's spelling-error-in-binary test, repeated on an embedded model's bytes.

A model embedded in a program (``delivery: embedded``, Stockfish's NNUE net
in ``/usr/games/stockfish``) puts its bytes in the program's ``.rodata``;
``strings --all`` then finds words in them, and Lintian's
Check/Binaries/Spelling.pm tags every one its list of misspellings knows
(39 of them for Stockfish).  An override is written only when the tag
really fires, so this module repeats that check:

* the host must be an ELF file (Lintian: ``file_type =~ /^[^,]*\\bELF\\b/``,
  and Index/Strings.pm skips ``usr/lib/debug/``);
* the text is ``strings --all`` of the *model's own files*: the override
  is justified by the model's bytes, never by the program's (a misspelling
  of the program itself stays tagged, for its maintainer to fix), and the
  host holds those bytes verbatim, so Lintian finds the same words in it;
* the words are matched as Lintian::Spelling's ``check_spelling`` matches
  them (duplicate-word check off, as for binaries), with Lintian's own data
  files (``/usr/share/lintian/data/spelling/``) and its exceptions: the
  words of ``binaries/spelling-exceptions`` and the group's package names
  and their ``-`` pieces.  Maintainer names, also exceptions in Lintian,
  are not known here; a model whose only misspelling is a maintainer's
  name would get an override Lintian reports as unused.
"""

from __future__ import annotations

import functools
import re
import shutil
import subprocess
from pathlib import Path
from typing import Iterable

from dh_aimodel.packaging.line_length import LINTIAN_DATA

SPELLING_TAG = "spelling-error-in-binary"
LINTIAN_DATA_DIR = LINTIAN_DATA.parent


@functools.cache
def _corrections() -> tuple[dict[str, str], tuple[tuple[re.Pattern[str], str], ...]]:
    """(word -> correction, (regex, correction) of multi-word ones) from Lintian's data.

    Empty without Lintian: then nothing is known to be misspelt, and no
    override is written.
    """
    single: dict[str, str] = {}
    multi: list[tuple[re.Pattern[str], str]] = []
    for name, table in (("corrections", single), ("corrections-multiword", None)):
        for wrong, right in _pairs(LINTIAN_DATA_DIR / "spelling" / name):
            if table is not None:
                table[wrong] = right
                continue
            flags = re.IGNORECASE if wrong.startswith("(?i)") else 0
            try:
                multi.append((re.compile(rf"\b({wrong.removeprefix('(?i)')})\b", flags), right))
            except re.error:
                continue  # a Perl-only construct: not matched here
    return single, tuple(multi)


def _pairs(path: Path) -> Iterable[tuple[str, str]]:
    """``wrong||right`` lines of a Lintian spelling data file (``#`` lines are comments)."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#") and "||" in line:
            wrong, _, right = line.partition("||")
            yield wrong.strip(), right.strip()


@functools.cache
def _binary_exceptions() -> frozenset[str]:
    """The words of Lintian's ``binaries/spelling-exceptions`` (``#`` starts a comment)."""
    try:
        text = (LINTIAN_DATA_DIR / "binaries/spelling-exceptions").read_text(encoding="utf-8")
    except OSError:
        return frozenset()
    return frozenset(w for line in text.splitlines()
                     for w in line.partition("#")[0].split())


def exceptions(package_names: Iterable[str]) -> frozenset[str]:
    """Lintian's accepted words for a group of these packages: names, their pieces, the data's."""
    names = [n for n in package_names if n]
    return _binary_exceptions() | set(names) | {p for n in names for p in n.split("-")}


def misspellings(text: str, accepted: Iterable[str] = ()) -> list[tuple[str, str]]:
    """(word, correction) pairs Lintian's ``check_spelling`` reports for ``text``, in order.

    Follows Lintian::Spelling step by step, with its duplicate-word check
    off as Check/Binaries/Spelling.pm calls it.
    """
    single, multi = _corrections()
    allowed = set(accepted)
    text = text.replace("[", "").replace("]", "")
    text = re.sub(r"(\((?!s\))|(?<!\(s)\))", "", text, flags=re.IGNORECASE)
    text = re.sub(r"(\w-)\s*\n\s*", r"\1", text, count=1)
    text = re.sub(r"[\r\n \t]+", " ", text)
    text = re.sub(r"\s+", " ", text).strip()
    found: list[tuple[str, str]] = []
    seen: set[str] = set()
    for word in text.split(" ") if text else ():
        stripped = re.sub(r"[.,;:?!]+$", "", word)  # only the duplicate check cares
        if re.fullmatch(r"[A-Z]{1,5}", stripped) or stripped in allowed:
            continue
        lower = stripped.lower()
        if lower in single and lower not in allowed:
            correction = _case_like(stripped, single[lower])
            if lower not in seen:
                seen.add(lower)
                found.append((stripped, correction))
    for regex, right in multi:
        m = regex.search(text)
        if m is None:
            continue
        word = m.group(1)
        if word.lower() not in seen:
            seen.add(word.lower())
            found.append((f'"{word}"', f'"{_case_like(word, right)}"'))
    return found


def _case_like(word: str, correction: str) -> str:
    """The correction in the word's case, as Lintian writes it (all capitals, or a capital)."""
    if re.fullmatch(r"[A-Z]+", word):
        return correction.upper()
    if re.match(r"[A-Z]", word):
        return correction[:1].upper() + correction[1:]
    return correction


def strings(path: Path) -> str | None:
    """``strings --all`` of a file, as Lintian runs it; None when strings(1) is missing."""
    command = shutil.which("strings")
    if command is None:
        return None
    try:
        proc = subprocess.run([command, "--all", "--", str(path)], capture_output=True,
                              check=False, timeout=600)
    except (OSError, subprocess.SubprocessError):
        return None
    return proc.stdout.decode("utf-8", "replace") if proc.returncode == 0 else None


def is_elf(path: Path) -> bool:
    """Whether Lintian spell-checks this installed file: ELF, as file(1) --raw says."""
    command = shutil.which("file")
    if command is None or path.is_symlink() or not path.is_file():
        return False
    try:
        kind = subprocess.run([command, "-b", "--raw", "--", str(path)], capture_output=True,
                              text=True, check=False, timeout=60).stdout
    except (OSError, subprocess.SubprocessError):
        return False
    return re.match(r"[^,]*\bELF\b", kind) is not None
