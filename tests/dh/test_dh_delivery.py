"""The delivery kinds built for real: embedded, compiled, generated, source-only.

One small source package, written here, carries a model of each kind the way
the archive does (stockfish embeds its nets with .incbin, opus compiles C
arrays, gnubg converts text weights, pocketsphinx keeps test models in the
source).  dpkg-buildpackage runs dh with the working tree's dh_aimodel; then
the .deb, ``aimodel lint`` on the source tree and on the .changes, and the
machine's Lintian are asked what they think.  Variants break one thing each
and must fail the build with the one line that says what is true.
"""

from __future__ import annotations

import hashlib
import struct
import subprocess
import textwrap
from pathlib import Path

import pytest
from conftest import build, lintian_tags, require_tools, run_aimodel, write_files

pytestmark = pytest.mark.integration

#: The net embedded byte for byte: an NNUE header (version, hash, description)
#: and fixed random-looking weights.
_DESCRIPTION = b"Features=HalfKAv2_hm(Friend)[45056->128x2],Network=AffineTransform[1<-32]"
NET = (struct.pack("<III", 0x7AF32F20, 0x3E5AA6EE, len(_DESCRIPTION)) + _DESCRIPTION
       + hashlib.sha256(b"net").digest() * 64)
WEIGHTS = ", ".join(str((i * 37) % 255 - 127) for i in range(600))

FILES = {
    "nets/tiny.nnue": NET,
    "src/weights_data.c": f"const signed char weights[] = {{ {WEIGHTS} }};\n".encode(),
    "src/engine.c": textwrap.dedent('''\
        #include <stdio.h>
        extern const unsigned char net[];
        extern const signed char weights[];
        __asm__(".section .rodata\\n.global net\\nnet:\\n.incbin \\"nets/tiny.nnue\\"\\n"
                ".previous\\n");
        int main(void) { printf("%d %d\\n", net[0], weights[1]); return 0; }
        ''').encode(),
    "nets/eval.weights": b"GNU Backgammon 1.00\n10 4 5 0 0.1 1.0\n" + b"0.5\n" * 69,
    # gnubg's makeweights, in short: the binary net (magic, version, then the text).
    "tools/makeweights.py": textwrap.dedent('''\
        import struct, sys
        with open(sys.argv[1]) as text:
            lines = text.read().split("\\n")
        inputs, hidden, outputs, trained = map(int, lines[1].split()[:4])
        betas = map(float, lines[1].split()[4:6])
        weights = [float(x) for x in lines[2:] if x]
        with open(sys.argv[2], "wb") as out:
            out.write(struct.pack("<ff4i2f", 472.3782, 1.0, inputs, hidden, outputs,
                                  trained, *betas)
                      + struct.pack(f"<{len(weights)}f", *weights))
        ''').encode(),
    "tests/data/test-model.bin": hashlib.sha256(b"test").digest() * 16,
    "Makefile": textwrap.dedent('''\
        all: engine eval.wd
        engine: src/engine.c src/weights_data.c nets/tiny.nnue
        \t$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ src/engine.c src/weights_data.c
        eval.wd: nets/eval.weights
        \tpython3 tools/makeweights.py nets/eval.weights $@
        clean:
        \trm -f engine eval.wd
        ''').encode(),
    "debian/control": textwrap.dedent('''\
        Source: kinds
        Section: games
        Priority: optional
        Maintainer: dh-aimodel Tests <tests@example.org>
        Build-Depends: debhelper-compat (= 13), dh-sequence-aimodel
        Standards-Version: 4.6.2
        Rules-Requires-Root: no

        Package: kinds
        Architecture: any
        Depends: ${shlibs:Depends}, ${misc:Depends}
        Description: test engine with an embedded, a compiled and a generated model
         A tiny program of the dh-aimodel tests: it embeds a net byte for byte,
         has weights compiled in from C arrays and uses weights converted at
         build time.
        ''').encode(),
    "debian/changelog": textwrap.dedent('''\
        kinds (1.0) unstable; urgency=medium

          * Initial release.

         -- dh-aimodel Tests <tests@example.org>  Thu, 15 Jan 2026 12:00:00 +0000
        ''').encode(),
    "debian/rules": b"#!/usr/bin/make -f\n%:\n\tdh $@\n",
    "debian/source/format": b"3.0 (native)\n",
    "debian/kinds.install": b"engine usr/lib/kinds/\neval.wd usr/share/kinds/\n",
    "debian/copyright": textwrap.dedent('''\
        Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
        Upstream-Name: kinds
        Source: https://example.org/kinds

        Files: *
        Copyright: 2026 dh-aimodel developers
        License: MIT

        License: MIT
         Permission is hereby granted, free of charge, to any person obtaining a
         copy of this software, to deal in the Software without restriction.
        ''').encode(),
}

MODEL = '''\
  - name: {name}
    delivery: {delivery}
{where}    files: [{files}]
    license: MIT
    copyright: 2026 dh-aimodel developers
    training:
      data: [{{name: self-play, license: MIT, availability: generated}}]
      software: [{{name: trainer, license: MIT, available: true,
                  url: "https://example.org/trainer"}}]
'''


def declaration(**change: str) -> str:
    """debian/aimodel.yaml with one model of each kind (``change`` rewrites a model)."""
    models = {
        "tiny-net": ("embedded", "    installed: [usr/lib/kinds/engine]\n", "nets/tiny.nnue"),
        "weights": ("compiled", "    installed: [usr/lib/kinds/engine]\n", "src/weights_data.c"),
        "eval": ("generated", "    installed: [usr/share/kinds/eval.wd]\n", "nets/eval.weights"),
        "test-model": ("source-only", "", "tests/data/test-model.bin"),
    }
    text = "format: 1\nmodels:\n"
    for name, (delivery, where, files) in models.items():
        text += change.get(name) or MODEL.format(name=name, delivery=delivery, where=where,
                                                 files=files)
    return text


def write_tree(root: Path, **change: str) -> Path:
    tree = write_files(root / "kinds", FILES)
    (tree / "debian/aimodel.yaml").write_text(declaration(**change))
    return tree


@pytest.fixture(scope="module")
def kinds(tmp_path_factory, dh_env):
    require_tools("dpkg-buildpackage", "dh", "dpkg-deb", "cc")
    tree = write_tree(tmp_path_factory.mktemp("kinds"))
    # the source tree as a maintainer lints it: before the build writes its products
    (tree / "lint-of-the-source.out").write_text(run_aimodel(tree, "lint", ".").stdout)
    result = build(tree, dh_env)
    assert result.returncode == 0, result.output
    return tree


def test_every_kind_builds_and_is_recorded(kinds):
    deb = next(kinds.parent.glob("kinds_1.0_*.deb"))
    readme = subprocess.run(["dpkg-deb", "--fsys-tarfile", str(deb)], capture_output=True,
                            check=True).stdout
    assert b"usr/share/doc/kinds/README.aimodel" in subprocess.run(
        ["tar", "-t"], input=readme, capture_output=True, check=True).stdout
    text = subprocess.run(["dpkg-deb", "--ctrl-tarfile", str(deb)], capture_output=True,
                          check=True).stdout
    assert text  # a valid .deb
    extracted = kinds.parent / "x"
    subprocess.run(["dpkg-deb", "-x", str(deb), str(extracted)], check=True)
    provenance = (extracted / "usr/share/doc/kinds/README.aimodel").read_text()
    for name, delivery in [("tiny-net", "embedded"), ("weights", "compiled"),
                           ("eval", "generated")]:
        assert f"Model: {name}\nDelivery: {delivery}\n" in provenance
    engine = hashlib.sha256((extracted / "usr/lib/kinds/engine").read_bytes()).hexdigest()
    assert f" {engine}  usr/lib/kinds/engine\n" in provenance
    assert "Model: test-model" not in provenance  # in no binary package


def test_lint_and_lintian_accept_the_build(kinds):
    changes = next(kinds.parent.glob("kinds_1.0_*.changes"))
    assert (kinds / "lint-of-the-source.out").read_text() == ""
    for args in ([str(changes)], ["--source", ".", str(changes)]):
        proc = run_aimodel(kinds, "lint", *args)
        assert proc.returncode == 0, proc.stdout + proc.stderr
        assert not [line for line in proc.stdout.splitlines() if line.startswith("E:")]
    require_tools("lintian")
    tags = lintian_tags(changes)
    assert [t for t in tags if t[0] == "E"] == []
    assert [t for t in tags if t[1] in ("unused-override", "mismatched-override")] == []


def test_classify_counts_the_source_only_model_for_the_source(kinds):
    proc = run_aimodel(kinds, "classify", ".")
    assert proc.returncode == 0, proc.stderr
    assert "models kept in the source only: main" in proc.stdout
    assert "model test-model: free -> main (source-only)" in proc.stdout


#: variant → (model to rewrite, its new text, the start of the one error line).
BROKEN = {
    "embedded-changed": (
        "tiny-net", MODEL.format(name="tiny-net", delivery="embedded",
                                 where="    installed: [usr/share/kinds/eval.wd]\n",
                                 files="nets/tiny.nnue"),
        "kinds: nets/tiny.nnue (model tiny-net, delivery: embedded) is not found byte for "
        "byte in debian/kinds/usr/share/kinds/eval.wd; embed the declared file unchanged"),
    "compiled-not-installed": (
        "weights", MODEL.format(name="weights", delivery="compiled",
                                where="    installed: [usr/lib/kinds/libweights.so]\n",
                                files="src/weights_data.c"),
        "kinds: debian/aimodel.yaml:13:5: usr/lib/kinds/libweights.so (model weights, "
        "delivery: compiled) is not installed in debian/kinds/; install the file built from"),
    "source-only-missing": (
        "test-model", MODEL.format(name="test-model", delivery="source-only", where="",
                                   files="tests/data/gone.bin"),
        "source kinds: debian/aimodel.yaml:35:13: tests/data/gone.bin (model test-model, "
        "delivery: source-only) is not in the source tree; add it to the source package"),
    "shipped-but-embedded": (
        "tiny-net", MODEL.format(name="tiny-net", delivery="shipped", where="",
                                 files="nets/tiny.nnue"),
        "kinds: debian/aimodel.yaml:5:13: nets/tiny.nnue (model tiny-net) is declared but "
        "not installed in debian/kinds/; install it (debian/kinds.install), set 'package:' "
        "to the package that ships it, or declare how the build carries it (delivery: "
        "embedded"),
}


@pytest.mark.parametrize("variant", sorted(BROKEN))
def test_broken_kind_fails_with_one_line_saying_what_is_true(variant, tmp_path, dh_env, kinds):
    name, text, line = BROKEN[variant]
    tree = write_tree(tmp_path, **{name: text})
    result = build(tree, dh_env)
    assert result.returncode != 0
    errors = [x for x in result.output.splitlines() if x.startswith("dh_aimodel: error:")]
    assert len(errors) == 1, result.output
    assert errors[0].startswith("dh_aimodel: error: " + line), errors[0]
