"""README's "Adopting dh-aimodel in an existing package" walk-through, run for real.

The declaration is the README's own YAML block; the tree is the package the
README describes (an engine that links its net with .incbin, test nets kept
in the source, a free-text debian/copyright).  Each command of the
walk-through runs and must do what the README says it does, up to a
dpkg-buildpackage with dh_aimodel active and ``aimodel lint`` of the result.
"""

from __future__ import annotations

import re
import struct
import textwrap
from pathlib import Path

import pytest
from conftest import REPO, build, require_tools, run_aimodel, write_files

pytestmark = pytest.mark.integration

README = REPO / "README.md"


def declaration() -> str:
    """The README's YAML block of the walk-through."""
    if not README.is_file():  # the package build copies no README (pybuild, autopkgtest)
        pytest.skip("README.md is not in this tree")
    text = README.read_text(encoding="utf-8")
    section = text[text.index("## Adopting dh-aimodel"):text.index("## Commands")]
    found = re.search(r"```yaml\n(.*?)```", section, re.S)
    assert found is not None, "the walk-through has no YAML block"
    return found.group(1)


def nnue(seed: int) -> bytes:
    description = b"Features=HalfKAv2_hm(Friend)[45056->128x2],Network=AffineTransform[1<-32]"
    body = bytes((i * 131 + seed) % 251 for i in range(4096))
    return struct.pack("<III", 0x7AF32F20, 0x3E5AA6EE + seed, len(description)) + description + body


FILES = {
    "src/nn-5af11540bbfe.nnue": nnue(0),
    "tests/nets/small.nnue": nnue(1),
    "tests/nets/tiny.nnue": nnue(2),
    "src/knight.c": textwrap.dedent('''\
        #include <stdio.h>
        extern const unsigned char net[];
        __asm__(".section .rodata\\n.global net\\nnet:\\n"
                ".incbin \\"src/nn-5af11540bbfe.nnue\\"\\n.previous\\n");
        int main(void) { printf("%d\\n", net[0]); return 0; }
        ''').encode(),
    "Makefile": b"knight: src/knight.c\n\t$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $<\n"
                b"clean:\n\trm -f knight\n",
    "debian/control": textwrap.dedent('''\
        Source: knight
        Section: non-free/games
        Priority: optional
        Maintainer: Jane Doe <jane@debian.org>
        Build-Depends: debhelper-compat (= 13), dh-sequence-aimodel
        Standards-Version: 4.6.2
        Homepage: https://example.org/knight
        Rules-Requires-Root: no

        Package: knight
        Architecture: any
        Depends: ${shlibs:Depends}, ${misc:Depends}
        Description: chess engine with a trained evaluation net
         A small chess engine; its evaluation net is linked into the program.
        ''').encode(),
    "debian/changelog": textwrap.dedent('''\
        knight (1.0) unstable; urgency=medium

          * Initial release.

         -- Jane Doe <jane@debian.org>  Thu, 15 Jan 2026 12:00:00 +0000
        ''').encode(),
    "debian/rules": b"#!/usr/bin/make -f\n%:\n\tdh $@\n",
    "debian/source/format": b"3.0 (native)\n",
    "debian/knight.install": b"knight usr/games/\n",
    "debian/copyright": b"Knight is copyright 2024 The Knight developers and is licensed\n"
                        b"under the GNU General Public License, version 3 or later.\n"
                        b"On Debian systems see /usr/share/common-licenses/GPL-3.\n",
}


def test_the_walk_through_holds(tmp_path: Path, dh_env) -> None:
    require_tools("dpkg-buildpackage", "dh", "cc")
    declared = declaration()
    tree = write_files(tmp_path / "knight", FILES)

    # aimodel init finds both nets (format nnue), one model each
    init = run_aimodel(tree, "init")
    assert init.returncode == 0, init.stderr
    found = (tree / "debian/aimodel.yaml").read_text()
    assert "src/nn-5af11540bbfe.nnue" in found and "tests/nets/" in found
    assert found.count("format: nnue") == 2

    (tree / "debian/aimodel.yaml").write_text(declared)
    sums = run_aimodel(tree, "validate", "--update-sums")
    assert sums.returncode == 0, sums.stdout + sums.stderr
    lock = (tree / "debian/aimodel.sums").read_text()
    assert "  tests/nets/small.nnue\n" in lock and "  tests/nets/tiny.nnue\n" in lock

    classify = run_aimodel(tree, "classify")
    assert classify.returncode == 0, classify.stderr
    assert "source knight: non-free, Section non-free/games (ok)" in classify.stdout
    assert "Files-Excluded: in debian/copyright" in classify.stdout
    assert "reviewed by Jane Doe <jane@debian.org> on 2026-11-30" in classify.stdout

    plain = run_aimodel(tree, "copyright")
    assert plain.returncode == 1 and "--convert" in plain.stderr
    convert = run_aimodel(tree, "copyright", "--convert")
    assert convert.returncode in (0, 1), convert.stderr  # 1: what is left to review
    copyright = (tree / "debian/copyright").read_text()
    assert "Knight is copyright 2024 The Knight developers" in copyright
    assert "Source: https://example.org/knight" in copyright

    result = build(tree, dh_env)
    assert result.returncode == 0, result.output
    assert run_aimodel(tree, "overrides", "--write").returncode == 0
    for target in (".", str(next(tmp_path.glob("knight_1.0_*.changes")))):
        lint = run_aimodel(tree, "lint", target)
        assert lint.returncode == 0, lint.stdout + lint.stderr
