"""``aimodel copyright``: DEP-5 stanzas merged into debian/copyright with python-debian.

Golden files live in tests/golden/; regenerate with UPDATE_GOLDEN=1 after a
deliberate change of the templates, and read the diff.
"""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from conftest import EXAMPLE_NAMES, EXAMPLES, copy_example, needs_license_texts, require_tools
from debian.copyright import Copyright
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dh_aimodel.cli import main
from dh_aimodel.commands import copyright as cu
from dh_aimodel.core.declaration import Dataset, Declaration, FileSpec, Model, Software, Training
from dh_aimodel.core.errors import PackagingError, Pos
from dh_aimodel.packaging import dep5
from dh_aimodel.packaging.sourcetree import load

GOLDEN = Path(__file__).parents[1] / "golden"

CONTROL = textwrap.dedent("""\
    Source: toy
    Section: {section}
    Maintainer: A <a@example.org>
    Homepage: https://example.org/toy

    Package: toy-data
    Architecture: all
    Description: toy
     toy
    """)

DECLARATION = textwrap.dedent("""\
    format: 1
    models:
      - name: toy
        package: toy-data
        files: [models/toy.bin, models/extra/*.gguf]
        license: {license}
        copyright: [2024 Toy Labs, 2025 Other Person]
        upstream: https://example.org/toy
        training:
          data:
            - {{name: Toy corpus, license: CC0-1.0, availability: public}}
          software:
            - {{name: toytrain, license: MIT, available: true}}
    """)

#: A hand-written file: odd spacing, comments, stanzas the tool does not manage.
UNUSUAL = textwrap.dedent("""\
    Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
    Upstream-Name:   toy
    # a comment in the header
    Comment: written by hand,
      with odd   spacing

    Files:    *
    Copyright: 2020   Someone   Else
    License:   MIT
    # comment between fields

    # a comment before a stanza
    Files: models/toy.bin
     models/extra/*.gguf
    Copyright: stale holder
    License: MIT
    Comment: old text

    Files: debian/*
    Copyright:   2025 Packager <p@example.org>
    License: MIT

    License: MIT
     Permission is hereby granted...
     .
     (shortened on purpose)
    """)


def make_tree(tmp_path: Path, *, license: str = "Apache-2.0", section: str = "science",
              copyright: str | None = UNUSUAL) -> Path:
    root = tmp_path / "toy"
    (root / "debian").mkdir(parents=True)
    (root / "models" / "extra").mkdir(parents=True)
    (root / "models" / "toy.bin").write_bytes(b"\x00" * 1000)
    (root / "debian" / "control").write_text(CONTROL.format(section=section))
    (root / "debian" / "aimodel.yaml").write_text(DECLARATION.format(license=license))
    if copyright is not None:
        (root / "debian" / "copyright").write_text(copyright)
    return root


def run(capsys, *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def check_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN") == "1":
        path.write_text(text)
    assert text == path.read_text(), f"differs from tests/golden/{name}"


def parse(text: str) -> Copyright:
    return Copyright(io.StringIO(text))


# ---------------------------------------------------------------------------

def test_unusual_file_keeps_every_unmanaged_byte(tmp_path, capsys):
    root = make_tree(tmp_path)
    status, _, err = run(capsys, "copyright", str(root))
    assert status == 0, err
    new = (root / "debian/copyright").read_text()
    check_golden("copyright-unusual.out", new)
    # Everything but the managed stanza is byte for byte what it was.
    old_paragraphs = UNUSUAL.split("\n\n")
    new_paragraphs = [p.rstrip("\n") for p in new.split("\n\n")]
    managed = 2
    for i, paragraph in enumerate(old_paragraphs):
        if i != managed:
            assert paragraph.rstrip("\n") in new_paragraphs, paragraph
    # The managed stanza was updated in place (same position, before debian/*).
    c = parse(new)
    files = [p.files for p in c.all_files_paragraphs()]
    assert files == [("*",), ("models/toy.bin", "models/extra/*.gguf"), ("debian/*",)]
    stanza = dep5.find_files_paragraph(c, "models/toy.bin")
    assert stanza.files == ("models/toy.bin", "models/extra/*.gguf")
    assert stanza.copyright == "2024 Toy Labs\n 2025 Other Person"
    assert stanza.license.synopsis == "Apache-2.0"
    assert "ML-Policy: class free, archive area main." in stanza.comment
    assert "# a comment before a stanza\nFiles: models/toy.bin" in new
    # Apache-2.0 was not defined yet: a reference to common-licenses was added.
    apache = [p for p in c.all_license_paragraphs() if p.license.synopsis == "Apache-2.0"]
    assert len(apache) == 1
    assert "/usr/share/common-licenses/Apache-2.0" in apache[0].license.text
    assert c.header.disclaimer is None  # main: no Disclaimer


@needs_license_texts  # CC-BY-NC-4.0's text
def test_second_run_changes_nothing(tmp_path, capsys):
    root = make_tree(tmp_path, license="CC-BY-NC-4.0 OR GPL-2.0-or-later", section="non-free/science")
    assert run(capsys, "copyright", str(root))[0] == 0
    first = (root / "debian/copyright").read_bytes()
    assert run(capsys, "copyright", str(root))[0] == 0
    assert (root / "debian/copyright").read_bytes() == first
    status, out, _ = run(capsys, "copyright", "--check", str(root))
    assert (status, out) == (0, "")


def test_check_reports_a_stale_file_with_a_diff(tmp_path, capsys):
    root = make_tree(tmp_path)
    before = (root / "debian/copyright").read_text()
    status, out, _ = run(capsys, "copyright", "--check", str(root))
    assert status == 1
    assert out.startswith("--- a/debian/copyright\n+++ b/debian/copyright\n")
    assert "\n-Copyright: stale holder\n" in out
    assert "\n+Copyright: 2024 Toy Labs\n+ 2025 Other Person\n" in out
    assert (root / "debian/copyright").read_text() == before  # --check writes nothing
    run(capsys, "copyright", str(root))
    assert run(capsys, "copyright", "--check", str(root))[:2] == (0, "")


def test_stdout_prints_without_writing(tmp_path, capsys):
    root = make_tree(tmp_path)
    status, out, _ = run(capsys, "copyright", "--stdout", str(root))
    assert status == 0
    assert (root / "debian/copyright").read_text() == UNUSUAL
    run(capsys, "copyright", str(root))
    assert (root / "debian/copyright").read_text() == out


def test_missing_file_is_created_from_the_template(tmp_path, capsys):
    root = make_tree(tmp_path, copyright=None)
    status, _, err = run(capsys, "copyright", str(root))
    assert status == 0
    assert "created debian/copyright" in err
    text = (root / "debian/copyright").read_text()
    check_golden("copyright-new.out", text)
    c = parse(text)
    assert c.header.format == cu.FORMAT_URI
    assert c.header.upstream_name == "toy"
    assert c.header["Source"] == "https://example.org/toy"
    assert (root / "debian/copyright").stat().st_mode & 0o777 == 0o666 & ~current_umask()


def current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def test_write_keeps_the_mode(tmp_path, capsys):
    root = make_tree(tmp_path)
    (root / "debian/copyright").chmod(0o640)
    run(capsys, "copyright", str(root))
    assert (root / "debian/copyright").stat().st_mode & 0o777 == 0o640
    assert not [p for p in (root / "debian").iterdir() if p.name.endswith(".tmp")]


@needs_license_texts  # CC-BY-NC-4.0's text
def test_outside_main_the_header_says_why(tmp_path, capsys):
    root = make_tree(tmp_path, license="CC-BY-NC-4.0", section="non-free/science")
    run(capsys, "copyright", str(root))
    c = parse((root / "debian/copyright").read_text())
    assert "ML-Policy" in c.header.disclaimer
    assert "non-free archive area" in c.header.disclaimer
    assert "CC-BY-NC-4.0 is not DFSG-free" in " ".join(c.header.disclaimer.split())


def test_existing_ml_policy_disclaimer_is_kept(tmp_path, capsys):
    text = UNUSUAL.replace("Upstream-Name:   toy\n",
                           "Upstream-Name:   toy\nDisclaimer: Mine, per the ML-Policy.\n")
    root = make_tree(tmp_path, license="CC-BY-NC-4.0", section="non-free/science",
                     copyright=text)
    run(capsys, "copyright", str(root))
    assert parse((root / "debian/copyright").read_text()).header.disclaimer == \
        "Mine, per the ML-Policy."


@needs_license_texts  # CC-BY-NC-4.0's text
def test_other_disclaimer_gets_the_reason_appended(tmp_path, capsys):
    text = UNUSUAL.replace("Upstream-Name:   toy\n",
                           "Upstream-Name:   toy\nDisclaimer: Not in main.\n")
    root = make_tree(tmp_path, license="CC-BY-NC-4.0", section="non-free/science",
                     copyright=text)
    run(capsys, "copyright", str(root))
    disclaimer = parse((root / "debian/copyright").read_text()).header.disclaimer
    assert disclaimer.startswith("Not in main.\n .\n This package is not part of")
    assert "ML-Policy" in disclaimer
    before = (root / "debian/copyright").read_text()
    run(capsys, "copyright", str(root))
    assert (root / "debian/copyright").read_text() == before


def test_license_texts():
    gpl = cu.license_text("GPL-2.0-or-later")
    assert "/usr/share/common-licenses/GPL-2" in gpl and "any later version" in gpl


@needs_license_texts
def test_license_texts_from_the_scancode_licensedb():
    nc = cu.license_text("CC-BY-NC-4.0")
    assert "Attribution-NonCommercial 4.0 International" in nc
    assert "\t" not in nc and not any(line != line.rstrip() for line in nc.splitlines())
    rail = cu.license_text("LicenseRef-scancode-bigscience-open-rail-m")
    assert "BigScience Open RAIL-M License" in rail


def test_without_licensedcode_data_the_error_says_so(monkeypatch):
    """Debian has no licensedcode-data: the one line names what is missing and the ways out."""
    monkeypatch.setitem(sys.modules, "licensedcode", None)  # "import licensedcode" fails
    cu._scancode_keys.cache_clear()  # noqa: SLF001
    try:
        with pytest.raises(PackagingError) as caught:
            cu.license_text("CC-BY-NC-4.0")
    finally:
        cu._scancode_keys.cache_clear()  # noqa: SLF001
    message = str(caught.value)
    assert message.startswith("no text known for the licence CC-BY-NC-4.0: ")
    assert "no licence text source is installed: licensedcode-data is not installed" in message
    assert 'add a "License: CC-BY-NC-4.0" paragraph' in message


def test_unknown_license_ref_without_text_is_an_error():
    with pytest.raises(PackagingError, match="no text known for the licence LicenseRef-mine"):
        cu.license_text("LicenseRef-mine")


def test_not_dep5_is_a_clear_error(tmp_path, capsys):
    root = make_tree(tmp_path, copyright="This is free software.\n")
    status, _, err = run(capsys, "copyright", str(root))
    assert status == 1
    assert "not a machine-readable (DEP-5) copyright file" in err


@pytest.mark.parametrize("example", EXAMPLE_NAMES)
def test_examples_parse_and_are_idempotent(tmp_path, example):
    tree = load(copy_example(example, tmp_path))
    the_plan = cu.plan(tree.declaration, tree.facts, tree.root)
    old, new = cu.update_file(tree.root, the_plan, local=tree.declaration.licenses)
    c = parse(new)
    for stanza in the_plan.stanzas:
        for f in stanza.files:
            found = dep5.find_files_paragraph(c, f)
            assert found.license.synopsis == stanza.license
    (tree.root / "debian/copyright").write_text(new)
    assert cu.update_file(tree.root, the_plan, local=tree.declaration.licenses)[1] == new
    if the_plan.area not in (None, "main"):
        assert "ML-Policy" in (c.header.disclaimer or "")


@pytest.mark.parametrize("example", EXAMPLE_NAMES)
def test_examples_ship_what_aimodel_copyright_writes(capsys, example):
    """So they cannot drift from the generator: a change of it shows up here."""
    status, out, err = run(capsys, "copyright", "--check", str(EXAMPLES / example))
    assert status == 0, (f"examples/{example}/debian/copyright is stale; run "
                         f"'aimodel copyright' there and read the diff:\n{out}{err}")


# ---------------------------------------------------------------------------
# property: generate, parse back, get the same files, licences and holders

P = Pos("debian/aimodel.yaml", 1, 1)
LICENSES = ["MIT", "Apache-2.0", "GPL-2.0-or-later", "CC0-1.0", "BSD-3-Clause", "CC-BY-4.0",
            "CC-BY-NC-4.0", "LGPL-2.1-only", "MPL-2.0"]
segment = st.text("abcdefghijklmnopqrstuvwxyz0123456789_-.", min_size=1, max_size=8).filter(
    lambda s: s not in (".", ".."))
paths = st.lists(segment, min_size=1, max_size=3).map("/".join)
holder = st.text(st.characters(min_codepoint=32, max_codepoint=0x17F,
                               blacklist_characters="\x7f"), min_size=1, max_size=30).map(
    lambda s: " ".join(s.split())).filter(bool)
expression = st.builds(lambda ids, op: f" {op} ".join(dict.fromkeys(ids)),
                       st.lists(st.sampled_from(LICENSES), min_size=1, max_size=3),
                       st.sampled_from(["OR", "AND"]))


@st.composite
def declarations(draw) -> Declaration:
    n = draw(st.integers(1, 3))
    all_paths = draw(st.lists(paths, min_size=n * 2, max_size=n * 2, unique=True))
    models = []
    for i in range(n):
        models.append(Model(
            name=f"m{i}", pos=P, license=draw(expression), license_pos=P,
            files=tuple(FileSpec(p, P) for p in all_paths[i * 2:i * 2 + draw(st.integers(1, 2))]),
            copyright=tuple(draw(st.lists(holder, min_size=1, max_size=3))),
            package="toy-data",
            training=Training(
                data=(Dataset("d", draw(st.sampled_from(["CC0-1.0", "unknown"])),
                              draw(st.sampled_from(["public", "unavailable"])), P),),
                software=(Software("s", "MIT", draw(st.booleans()), P),))))
    return Declaration("debian/aimodel.yaml", 1, tuple(models))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(declaration=declarations(), existing=st.booleans())
def test_generated_stanzas_parse_back(declaration, existing):
    the_plan = cu.plan(declaration, None, None, source_name="toy")
    text = cu.apply(UNUSUAL if existing else None, the_plan, text_for=lambda lid: f"text of {lid}")
    c = parse(text)
    defined = {p.license.synopsis for p in c.all_license_paragraphs()}
    for model in declaration.models:
        stanza = next((p for p in c.all_files_paragraphs()
                       if set(p.files) == {f.path for f in model.files}), None)
        if stanza is None:  # a stanza of UNUSUAL covers it already: none is added
            assert existing
            covers = next(s.covers for s in the_plan.stanzas if s.model == model.name)
            assert dep5.coverage_problems(c, covers) == []
            continue
        assert stanza.license.synopsis == model.license
        assert [h.strip() for h in stanza.copyright.split("\n")] == list(model.copyright)
        for lid in cu.license_ids(model.license):
            assert lid in defined or (existing and lid == "MIT")
        for f in model.files:
            assert dep5.find_files_paragraph(c, f.path) is stanza
    assert cu.apply(text, the_plan, text_for=lambda lid: f"text of {lid}") == text


# ---------------------------------------------------------------------------
# real Lintian on the source package

DEP5_TAG = re.compile(
    r"^[EWIPX]: \S+ source: (\S*(?:dep5|copyright)\S*|file-without-copyright-information|"
    r"missing-explanation-for-contrib-or-non-free-package|"
    r"incomplete-creative-commons-license|license-problem-\S+|superfluous-file-pattern|"
    r"globbing-patterns-out-of-order|tab-in-license-text|\S*-file-pattern\S*)\b", re.M)


def lintian_source(tree: Path) -> str:
    """Build the source package of ``tree`` with dpkg-source and run lintian on its .dsc."""
    require_tools("dpkg-source", "lintian")
    subprocess.run(["dpkg-source", "-b", tree.name], cwd=tree.parent, check=True,
                   capture_output=True)
    dsc = next(tree.parent.glob("*.dsc"))
    done = subprocess.run(["lintian", "-EvIL", "+pedantic", "--show-overrides", str(dsc)],
                          capture_output=True, text=True, check=False)
    return done.stdout


@pytest.mark.integration
@pytest.mark.parametrize("example", EXAMPLE_NAMES)
def test_lintian_accepts_the_generated_copyright(tmp_path, capsys, example):
    require_tools("dpkg-source", "lintian")
    tree = copy_example(example, tmp_path)
    assert run(capsys, "copyright", str(tree))[0] == 0
    assert run(capsys, "overrides", "--write", str(tree))[0] == 0
    out = lintian_source(tree)
    assert DEP5_TAG.findall(out) == [], out
    assert not re.search(r"^[EWI]: .*(unused-override|mismatched-override)", out, re.M), out
    assert not re.search(r"^[EWIPX]: .*very-long-line-length-in-source-file", out, re.M), out


@pytest.mark.integration
@needs_license_texts
def test_lintian_accepts_new_license_paragraphs(tmp_path, capsys):
    """CC-BY-NC-4.0 (ScanCode LicenseDB text) and GPL-2.0-or-later (common-licenses)."""
    require_tools("dpkg-source", "lintian")
    root = make_tree(tmp_path, license="CC-BY-NC-4.0 OR GPL-2.0-or-later",
                     section="non-free/science")
    (root / "models/extra/x.gguf").write_bytes(b"GGUF")
    (root / "README").write_text("toy\n")  # something for "Files: *" to cover
    (root / "debian/source").mkdir()
    (root / "debian/source/format").write_text("3.0 (native)\n")
    (root / "debian/changelog").write_text(textwrap.dedent("""\
        toy (1.0) unstable; urgency=medium

          * Initial release.

         -- A <a@example.org>  Mon, 01 Jan 2024 00:00:00 +0000
        """))
    assert run(capsys, "copyright", str(root))[0] == 0
    out = lintian_source(root)
    assert DEP5_TAG.findall(out) == [], out


MAINTAINERS_NAMES = textwrap.dedent("""\
    Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
    Upstream-Name: toy

    Files: *
    Copyright: 2024 Toy Labs
    License: GPL-3+

    Files: models/toy.bin models/extra/*.gguf
    Copyright: 2024 Toy Labs
               2025 Other Person
    License: GPL-3+

    License: GPL-3+
     On Debian systems, see /usr/share/common-licenses/GPL-3.
    """)


@pytest.mark.parametrize("declared", ["GPL-3.0-or-later", "GPL-3+"])
def test_the_maintainers_licence_name_is_reused_not_duplicated(tmp_path, capsys, declared):
    """A GPL-3.0-or-later model beside an existing "License: GPL-3+" paragraph adds none."""
    root = make_tree(tmp_path, license=declared, copyright=MAINTAINERS_NAMES)
    status, _, err = run(capsys, "copyright", str(root))
    assert status == 0, err
    new = parse((root / "debian/copyright").read_text())
    assert [p.license.synopsis for p in new.all_license_paragraphs()] == ["GPL-3+"]
    assert [p.license.synopsis for p in new.all_files_paragraphs()] == ["GPL-3+", "GPL-3+"]
    assert run(capsys, "copyright", "--check", str(root))[0] == 0


@pytest.mark.parametrize("license_id, start", [
    ("BSD-2-Clause", "Redistribution and use in source and binary forms"),
    ("BSD-2-clause", "Redistribution and use in source and binary forms"),
    ("Expat", "Permission is hereby granted, free of charge"),
    ("ISC", "Permission to use, copy, modify, and/or distribute"),
])
def test_short_permissive_texts_need_no_licensedcode_data(license_id, start):
    """Debian has no licensedcode-data: the usual permissive texts come with dh-aimodel."""
    text = cu.license_text(license_id)
    assert text.startswith(start) and "\t" not in text


def test_common_licenses_reference_for_a_dep5_name():
    assert "/usr/share/common-licenses/GPL-3" in cu.license_text("GPL-3+")
    assert "any later version" in cu.license_text("GPL-3+")
