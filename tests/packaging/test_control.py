"""debian/control read as dpkg-gencontrol will read it: relations with substvars."""

from __future__ import annotations

import textwrap

import pytest

from dh_aimodel.core.classification import classify
from dh_aimodel.core.policies import get
from dh_aimodel.manifest.loader import load_text
from dh_aimodel.packaging.control import read_control, relation_text

CONTROL = """\
Source: pocketsphinx
Section: sound
Maintainer: Demo <demo@example.org>

Package: libpocketsphinx-dev
Architecture: any
Depends: libpocketsphinx3 (= ${binary:Version}), ${misc:Depends}

Package: libpocketsphinx3
Architecture: any
Depends: ${shlibs:Depends}, ${misc:Depends}

Package: pocketsphinx
Architecture: any
Depends: ${shlibs:Depends}
Recommends: pocketsphinx-en-us (>= ${source:Version}~) | pocketsphinx-model
"""


def control(tmp_path, text=CONTROL, **substvars):
    (tmp_path / "debian").mkdir(exist_ok=True)
    for package, lines in substvars.items():
        (tmp_path / f"debian/{package.replace('_', '-')}.substvars").write_text(lines)
    path = tmp_path / "debian/control"
    path.write_text(text)
    return {p.name: p.relations for p in read_control(path).packages}


@pytest.mark.parametrize("value, expected", [
    ("a (= ${binary:Version})", "a (= 0)"),
    ("a (>= ${source:Version}~), b (<< ${source:Version}.1~)", "a (>= 0~), b (<< 0.1~)"),
    ("${misc:Depends}, a", ", a"),
    ("${python3:Depends}", "python3 (>= 3.11~)"),
    ("${x}", "${x}"),  # x expands to itself: bounded, then dropped below
])
def test_relation_text(value, expected):
    known = {"python3:Depends": "python3 (>= ${v})", "v": "3.11~", "x": "${x}"}
    assert relation_text(value, known) == expected.replace("${x}", "")


def test_versioned_relations_with_substvars_are_kept(tmp_path):
    relations = control(tmp_path)
    assert relations["libpocketsphinx-dev"] == (("Depends", "libpocketsphinx3"),)
    assert relations["pocketsphinx"] == (("Recommends", "pocketsphinx-en-us"),
                                         ("Recommends", "pocketsphinx-model"))
    assert relations["libpocketsphinx3"] == ()


def test_relations_the_build_already_computed_count(tmp_path):
    relations = control(tmp_path, libpocketsphinx3="shlibs:Depends=libc6 (>= 2.34), "
                                                   "libsphinxbase3 (>= 0.8)\n")
    assert relations["libpocketsphinx3"] == (("Depends", "libc6"), ("Depends", "libsphinxbase3"))


def test_a_dev_package_follows_the_library_it_depends_on(tmp_path):
    """The reported case: libpocketsphinx-dev stayed in main beside its library outside it."""
    declaration = load_text(textwrap.dedent("""\
        format: 1
        models:
          - name: test-model
            package: libpocketsphinx3
            files: [test/model.bin]
            license: BSD-2-Clause
            copyright: CMU
            training:
              data: [{name: LDC corpus, license: proprietary, availability: on-request}]
              software: [{name: sphinxtrain, license: BSD-2-Clause, available: true}]
        """))
    (tmp_path / "debian").mkdir()
    (tmp_path / "debian/control").write_text(CONTROL)
    facts = read_control(tmp_path / "debian/control")
    verdicts = {p.package: p for p in classify(declaration, facts, get("ml-policy")).packages}
    assert verdicts["libpocketsphinx3"].area == "non-free"
    dev = verdicts["libpocketsphinx-dev"]
    assert [r.rule for r in dev.reasons] == ["area/relation-outside-main", "area/source-area"]
    assert dev.area == "non-free"
