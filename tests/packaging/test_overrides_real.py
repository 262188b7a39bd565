"""The generated overrides on a real package: built with dpkg-buildpackage, checked by Lintian.

A 3.0 (quilt) source with its orig tarball, whose program embeds a model
net holding misspelt words (as Stockfish's NNUE net does) and whose text
model has a line over 512 characters; its upstream build copies that model
into ``build/``, a build product a declared glob also matches.  It is built
once (``build/rows.dat``, the one long line made of a model's short ones,
exists only in the build tree), ``aimodel overrides --write`` is run in the built tree (the host
program exists then), and the whole package (source and binary) is built
again and given to this machine's Lintian with ``--show-overrides``: every
override must be used, none mismatched, and the tags it was written for
shown as overridden.
"""

from __future__ import annotations

import subprocess
import tarfile
import textwrap
from pathlib import Path

import pytest
from conftest import INSTALLED, lintian_tags, require_tools, write_files

from dh_aimodel.cli import main

pytestmark = pytest.mark.integration

UPSTREAM = {
    "nets/tiny.nnue": b"\x20\x2f\xf3\x7a" + b"\x00\x01teh recieve accross seperate\x00\xfe" * 8,
    "models/table.dat": (b"# a text model: one row of weights\n"
                         + b" ".join(b"%d" % (i % 97) for i in range(400)) + b"\n"),
    # Short lines; the build joins them into one long line (build/rows.dat).
    "models/rows.dat": b"".join(b"%d 0.5 0.25\n" % i for i in range(200)),
    "src/engine.c": textwrap.dedent('''\
        extern const unsigned char net[];
        __asm__(".section .rodata\\n.global net\\nnet:\\n.incbin \\"nets/tiny.nnue\\"\\n"
                ".previous\\n");
        int main(void) { return net[0] == 0x20 ? 0 : 1; }
        ''').encode(),
    "Makefile": textwrap.dedent('''\
        all: engine build/table.dat build/rows.dat
        engine: src/engine.c nets/tiny.nnue
        \t$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ src/engine.c
        build/table.dat: models/table.dat
        \tmkdir -p build && cp models/table.dat $@
        build/rows.dat: models/rows.dat
        \tmkdir -p build && tr '\\n' ' ' < models/rows.dat > $@
        clean:
        \trm -rf engine build
        ''').encode(),
}

DEBIAN = {
    "debian/control": textwrap.dedent('''\
        Source: engine
        Section: games
        Priority: optional
        Maintainer: dh-aimodel Tests <tests@example.org>
        Build-Depends: debhelper-compat (= 13), dh-sequence-aimodel
        Standards-Version: 4.6.2
        Rules-Requires-Root: no

        Package: engine
        Architecture: any
        Depends: ${shlibs:Depends}, ${misc:Depends}
        Description: test engine that embeds a net
         A tiny program of the dh-aimodel tests: it embeds a net byte for
         byte, whose bytes hold words Lintian calls misspelt.
        ''').encode(),
    "debian/changelog": textwrap.dedent('''\
        engine (1.0-1) unstable; urgency=medium

          * Initial release.

         -- dh-aimodel Tests <tests@example.org>  Thu, 15 Jan 2026 12:00:00 +0000
        ''').encode(),
    "debian/rules": b"#!/usr/bin/make -f\n%:\n\tdh $@\n",
    "debian/source/format": b"3.0 (quilt)\n",
    "debian/engine.install": b"engine usr/games/\n",
    "debian/copyright": textwrap.dedent('''\
        Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
        Upstream-Name: engine
        Source: https://example.org/engine

        Files: *
        Copyright: 2026 dh-aimodel developers
        License: MIT

        License: MIT
         Permission is hereby granted, free of charge, to any person obtaining a
         copy of this software, to deal in the Software without restriction.
        ''').encode(),
    "debian/aimodel.yaml": textwrap.dedent('''\
        format: 1
        models:
          - name: tiny-net
            package: engine
            delivery: embedded
            installed: [usr/games/engine]
            files: [nets/tiny.nnue]
            license: MIT
            copyright: 2026 dh-aimodel developers
            training:
              data: [{name: self-play, license: MIT, availability: generated}]
              software: [{name: trainer, license: MIT, available: true,
                          url: "https://example.org/trainer"}]
          - name: table
            delivery: source-only
            files: ["*table.dat"]
            license: MIT
            copyright: 2026 dh-aimodel developers
            training:
              data: [{name: self-play, license: MIT, availability: generated}]
              software: [{name: trainer, license: MIT, available: true,
                          url: "https://example.org/trainer"}]
          - name: rows
            delivery: source-only
            files: ["*rows.dat"]
            license: MIT
            copyright: 2026 dh-aimodel developers
            training:
              data: [{name: self-play, license: MIT, availability: generated}]
              software: [{name: trainer, license: MIT, available: true,
                          url: "https://example.org/trainer"}]
        ''').encode(),
}


def _buildpackage(tree: Path, env: dict[str, str], *kind: str) -> str:
    nocheck = [] if INSTALLED else ["-d"]
    proc = subprocess.run(["dpkg-buildpackage", "-us", "-uc", *nocheck, *kind], cwd=tree,
                          env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                          check=False)
    assert proc.returncode == 0, proc.stdout[-3000:]
    return proc.stdout


@pytest.fixture(scope="module")
def checked(tmp_path_factory, dh_env):
    """(overrides written, Lintian's tags) of the engine package, built for real."""
    require_tools("dpkg-buildpackage", "dh", "dpkg-deb", "cc", "lintian", "strings", "file")
    top = tmp_path_factory.mktemp("real")
    tree = top / "engine-1.0"
    write_files(tree, UPSTREAM)
    with tarfile.open(top / "engine_1.0.orig.tar.gz", "w:gz") as tar:
        tar.add(tree, "engine-1.0")
    write_files(tree, DEBIAN)
    _buildpackage(tree, dh_env, "-b")
    # The build products are there, and only build/rows.dat has a long line.
    assert (tree / "build/table.dat").is_file()
    assert b"\n" not in (tree / "build/rows.dat").read_bytes()
    assert main(["overrides", "--write", str(tree)]) == 0
    written = {p: (tree / p).read_text() for p in ("debian/source/lintian-overrides",
                                                     "debian/engine.lintian-overrides")}
    _buildpackage(tree, dh_env)  # source and binary
    changes = next(top.glob("engine_1.0-1_*.changes"))
    return written, lintian_tags(changes)


def test_overrides_name_only_files_of_the_package(checked):
    written, _ = checked
    source = [line for line in written["debian/source/lintian-overrides"].splitlines()
              if line and not line.startswith("#")]
    assert source == ["engine source: very-long-line-length-in-source-file * [*table.dat:*]"]
    binary = [line for line in written["debian/engine.lintian-overrides"].splitlines()
              if line and not line.startswith("#")]
    assert len(binary) == 1 and binary[0].startswith(
        "engine: spelling-error-in-binary * [usr/games/engine")


def test_lintian_uses_every_override_and_mismatches_none(checked):
    _, tags = checked
    assert [t for t in tags if t[1] in ("unused-override", "mismatched-override",
                                        "malformed-override", "alien-tag")] == []
    overridden = {(tag, context) for code, tag, context in tags if code == "O"}
    assert ("very-long-line-length-in-source-file", "") not in overridden
    assert any(tag == "very-long-line-length-in-source-file"
               and context.endswith("[models/table.dat:2]") for tag, context in overridden)
    spelt = sorted(context for tag, context in overridden if tag == "spelling-error-in-binary")
    assert [c.split(" [")[0] for c in spelt] == ["accross across", "recieve receive",
                                                 "seperate separate", "teh the"]
    assert not [t for t in tags if t[1] == "spelling-error-in-binary" and t[0] != "O"]
