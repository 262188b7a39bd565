"""``aimodel copyright`` merging into a debian/copyright a maintainer already has.

Issue 15, item 8: coverage is DEP-5's own (the last matching stanza), the
generated stanzas and Disclaimer follow the current declaration (stale ones
go, the maintainer's stay), ``--check`` says what the build and ``aimodel
lint`` say, a free-text file is converted only when asked, and a new file's
Source is the package's upstream.  Every test runs the command line on a real
tree in tmp_path with a real debian/copyright.
"""

from __future__ import annotations

import io
import re
import textwrap
from pathlib import Path

import pytest
from debian.copyright import Copyright
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dh_aimodel.cli import main
from dh_aimodel.commands import copyright as cu
from dh_aimodel.core.declaration import Dataset, Declaration, FileSpec, Model, Software, Training
from dh_aimodel.core.errors import PackagingError, Pos
from dh_aimodel.lint import lint
from dh_aimodel.packaging import dep5

P = Pos("debian/aimodel.yaml", 1, 1)

FORMAT = "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n"

CONTROL = textwrap.dedent("""\
    Source: toy
    Section: science
    Maintainer: A <a@example.org>
    {homepage}
    Package: toy-data
    Architecture: all
    Description: toy
     toy
    """)

FREE = textwrap.dedent("""\
      - name: toy
        package: toy-data
        files: [models/toy.bin]
        license: MIT
        copyright: [2024 Toy Labs]
        upstream: https://models.example.org/toy
        training:
          data:
            - {name: Toy corpus, license: CC0-1.0, availability: public}
          software:
            - {name: toytrain, license: MIT, available: true}
    """)


def toxic(name: str, license: str = "MIT") -> str:
    """A ToxicCandy model (free licence, private data): it puts the source in non-free."""
    return textwrap.dedent(f"""\
          - name: {name}
            package: toy-data
            files: [models/{name}.bin]
            license: {license}
            copyright: [2025 {name} authors]
            training:
              data:
                - {{name: private crawl, license: unknown, availability: unavailable}}
              software:
                - {{name: trainer, license: MIT, available: false}}
        """)


def write_tree(root: Path, *models: str, copyright: str | None = None,
               homepage: str | None = None) -> Path:
    """A source tree: debian/control, debian/aimodel.yaml with ``models``, their files."""
    (root / "debian").mkdir(parents=True, exist_ok=True)
    (root / "models").mkdir(exist_ok=True)
    text = "format: 1\nmodels:\n" + "".join(models)
    (root / "debian/aimodel.yaml").write_text(text)
    for path in re.findall(r"files: \[(\S+)\]", text):
        (root / path).write_bytes(b"\x00" * 64)
    (root / "debian/control").write_text(
        CONTROL.format(homepage=f"Homepage: {homepage}\n" if homepage else ""))
    if copyright is not None:
        (root / "debian/copyright").write_text(copyright)
    return root


def run(capsys, *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def parse(root: Path) -> Copyright:
    return Copyright(io.StringIO((root / "debian/copyright").read_text()))


def stanza(files: str, copyright: str, license: str, comment: str = "") -> str:
    text = f"\nFiles: {files}\nCopyright: {copyright}\nLicense: {license}\n"
    return text + (f"Comment: {comment}\n" if comment else "")


# --------------------------------------------------------------------------
# 1. coverage is DEP-5's: the last matching stanza

@pytest.mark.parametrize("pattern", ["*", "models/*"])
def test_a_maintainers_glob_stanza_that_agrees_covers_the_model(tmp_path, capsys, pattern):
    """``Files: *`` (or ``models/*``) with Expat ≡ MIT and the holder: no stanza is added
    (Lintian would call a second one superfluous), the file is left byte for byte."""
    text = FORMAT + "Upstream-Name: toy\n" + stanza(pattern, "2020-2024 Toy Labs", "Expat") + \
        "\nLicense: Expat\n Permission is hereby granted...\n"
    root = write_tree(tmp_path / "toy", FREE, copyright=text)
    status, _, err = run(capsys, "copyright", str(root))
    assert (status, err) == (0, "")
    assert (root / "debian/copyright").read_text() == text
    assert run(capsys, "copyright", "--check", str(root)) == (0, "", "")


def test_the_last_matching_stanza_decides_coverage(tmp_path, capsys):
    """An agreeing ``models/*`` is overridden by a later ``models/toy.*`` with another
    licence: the file is not covered, so the model's stanza is added after both."""
    maintainers = FORMAT + "Upstream-Name: toy\n" + \
        stanza("models/*", "2024 Toy Labs", "Expat") + \
        stanza("models/toy.*", "2024 Toy Labs", "GPL-2+")
    root = write_tree(tmp_path / "toy", FREE, copyright=maintainers)
    assert run(capsys, "copyright", str(root))[0] == 0
    c = parse(root)
    assert [p.files for p in c.all_files_paragraphs()] == [
        ("models/*",), ("models/toy.*",), ("models/toy.bin",)]
    covering = c.find_files_paragraph("models/toy.bin")
    assert covering.license.synopsis == "MIT"
    assert cu.generated_for(covering.comment) == "toy"
    assert (root / "debian/copyright").read_text().startswith(maintainers)


def test_a_glob_that_misses_a_holder_does_not_cover(tmp_path, capsys):
    """The licence agrees but the Copyright does not name Toy Labs: the build would
    fail (aimodel-copyright-holder-missing), so the model gets its own stanza."""
    root = write_tree(tmp_path / "toy", FREE, copyright=FORMAT + "Upstream-Name: toy\n"
                      + stanza("*", "2020 Someone Else", "MIT"))
    assert run(capsys, "copyright", str(root))[0] == 0
    assert [p.files for p in parse(root).all_files_paragraphs()] == [("*",), ("models/toy.bin",)]


# --------------------------------------------------------------------------
# 2. stale generated stanzas go, the maintainer's stay

def test_a_model_no_longer_declared_loses_its_generated_stanza(tmp_path, capsys):
    handmade = stanza("models/hand.bin", "2019 Hand", "Apache-2.0", "my own notes")
    root = write_tree(tmp_path / "toy", FREE, toxic("old", license="Apache-2.0"),
                      copyright=FORMAT + "Upstream-Name: toy\n" + handmade)
    assert run(capsys, "copyright", str(root))[0] == 0
    c = parse(root)
    assert [cu.generated_for(p.comment) for p in c.all_files_paragraphs()] == [
        None, "toy", "old"]
    assert "Apache-2.0" in {p.license.synopsis for p in c.all_license_paragraphs()}

    write_tree(root, FREE)  # "old" is gone from debian/aimodel.yaml
    status, _, err = run(capsys, "copyright", str(root))
    assert status == 0, err
    text = (root / "debian/copyright").read_text()
    c = parse(root)
    assert [p.files for p in c.all_files_paragraphs()] == [("models/hand.bin",),
                                                           ("models/toy.bin",)]
    assert handmade in text  # the maintainer's stanza, byte for byte
    # Apache-2.0 is still used by the maintainer's stanza: its paragraph stays.
    assert [p.license.synopsis for p in c.all_license_paragraphs()] == ["Apache-2.0", "MIT"]
    assert run(capsys, "copyright", "--check", str(root)) == (0, "", "")


def test_a_licence_paragraph_only_the_stale_stanza_used_goes_with_it(tmp_path, capsys):
    """Else Lintian reports unused-license-paragraph-in-dep5-copyright; a paragraph
    with the maintainer's own text of that licence stays."""
    root = write_tree(tmp_path / "toy", FREE, toxic("old", license="Apache-2.0"),
                      toxic("older", license="GPL-2.0-or-later"),
                      copyright=FORMAT + "Upstream-Name: toy\n"
                      + "\nLicense: GPL-2+\n My own words about the GPL.\n")
    assert run(capsys, "copyright", str(root))[0] == 0
    write_tree(root, FREE)
    assert run(capsys, "copyright", str(root))[0] == 0
    c = parse(root)
    assert [p.files for p in c.all_files_paragraphs()] == [("models/toy.bin",)]
    assert [p.license.synopsis for p in c.all_license_paragraphs()] == ["GPL-2+", "MIT"]


def test_changed_files_update_the_generated_stanza_in_place(tmp_path, capsys):
    root = write_tree(tmp_path / "toy", FREE, copyright=FORMAT + "Upstream-Name: toy\n"
                      + stanza("*", "2020 Someone Else", "MIT"))
    assert run(capsys, "copyright", str(root))[0] == 0
    write_tree(root, FREE.replace("models/toy.bin", "models/toy-v2.bin"))
    assert run(capsys, "copyright", str(root))[0] == 0
    c = parse(root)
    assert [(p.files, cu.generated_for(p.comment)) for p in c.all_files_paragraphs()] == [
        (("*",), None), (("models/toy-v2.bin",), "toy")]


def test_stanzas_written_by_0_1_0_are_recognised(tmp_path, capsys):
    """0.1.0's Comment began "Trained model NAME (FORMAT), declared in ...": its stale
    stanza is removed, and a duplicate left by a change of files is merged."""
    old_style = "Trained model {} (gguf), declared in\n debian/aimodel.yaml.\n ML-Policy: ..."
    root = write_tree(tmp_path / "toy", FREE, copyright=FORMAT + "Upstream-Name: toy\n"
                      + stanza("models/gone.gguf", "x", "MIT", old_style.format("gone"))
                      + stanza("models/toy-old.bin", "2024 Toy Labs", "MIT",
                               old_style.format("toy"))
                      + stanza("models/hand.bin", "2019 Hand", "MIT", "Trained by hand."))
    assert run(capsys, "copyright", str(root))[0] == 0
    c = parse(root)
    assert [(p.files, cu.generated_for(p.comment)) for p in c.all_files_paragraphs()] == [
        (("models/toy.bin",), "toy"), (("models/hand.bin",), None)]


def test_the_marker_survives_wrapping():
    assert cu.generated_for(f"{cu.GENERATED}\n a-very-long-model-name.v2 (gguf) from") == \
        "a-very-long-model-name.v2"
    assert cu.generated_for("Generated by aimodel copyright for modelling") is None
    assert cu.generated_for("Trained model toy, declared in debian/aimodel.yaml.") == "toy"
    assert cu.generated_for("Trained model toy, declared elsewhere.") is None
    assert cu.generated_for(None) is None


# --------------------------------------------------------------------------
# 3. the Disclaimer follows the current models

MAINTAINERS_DISCLAIMER = "Disclaimer: Packaged for Debian by A.\n"


def disclaimer(root: Path) -> str:
    return " ".join((parse(root).header.disclaimer or "").split())


def test_the_disclaimer_is_regenerated_from_the_current_models(tmp_path, capsys):
    """pocketsphinx: models left out at first are declared later; the reasons follow."""
    root = write_tree(tmp_path / "toy", FREE, copyright=FORMAT + "Upstream-Name: toy\n"
                      + MAINTAINERS_DISCLAIMER + stanza("*", "2024 Toy Labs", "MIT"))
    assert run(capsys, "copyright", str(root))[0] == 0
    assert disclaimer(root) == "Packaged for Debian by A."  # main: nothing to say

    write_tree(root, FREE, toxic("first"))
    assert run(capsys, "copyright", str(root))[0] == 0
    said = disclaimer(root)
    assert said.startswith("Packaged for Debian by A. . This package is not part of")
    assert "model first (toxic-candy)" in said and "second" not in said

    write_tree(root, FREE, toxic("first"), toxic("second"))
    assert run(capsys, "copyright", str(root))[0] == 0
    said = disclaimer(root)
    assert "model first (toxic-candy)" in said and "model second (toxic-candy)" in said
    assert said.count(cu.DISCLAIMER_MARK) == 1  # replaced, not appended again
    assert run(capsys, "copyright", "--check", str(root)) == (0, "", "")

    write_tree(root, FREE)  # back in main: the generated part goes, the maintainer's stays
    assert run(capsys, "copyright", str(root))[0] == 0
    assert parse(root).header.disclaimer == "Packaged for Debian by A."


def test_a_maintainers_ml_policy_disclaimer_is_not_touched(tmp_path, capsys):
    own = "Disclaimer: Not in main: the ML-Policy calls the model ToxicCandy.\n"
    root = write_tree(tmp_path / "toy", toxic("first"),
                      copyright=FORMAT + "Upstream-Name: toy\n" + own)
    assert run(capsys, "copyright", str(root))[0] == 0
    assert f"\n{own}" in (root / "debian/copyright").read_text()


# --------------------------------------------------------------------------
# 4. --check and aimodel lint give one verdict

COPYRIGHT_TAGS = re.compile(r"aimodel-copyright-\S+|aimodel-missing-ml-policy-disclaimer")
HEAD = FORMAT + "Upstream-Name: toy\n"
GENERATED_OLD = (f"{cu.GENERATED} old from debian/aimodel.yaml: change the declaration, "
                 "not this stanza.")
CASES = {
    "covering glob": ([FREE], HEAD + stanza("*", "2024 Toy Labs", "Expat"), [], 0),
    "missing stanza": ([FREE], HEAD + stanza("debian/*", "2024 A", "MIT"),
                       ["aimodel-copyright-missing-stanza"], 1),
    "licence disagreement": ([FREE], HEAD + stanza("models/*", "2024 Toy Labs", "GPL-2+"),
                             ["aimodel-copyright-licence-mismatch"], 1),
    "holder missing": ([FREE], HEAD + stanza("*", "2024 Someone", "MIT"),
                       ["aimodel-copyright-holder-missing"], 1),
    # The build and lint have nothing to say; the file is still out of date (diff).
    "stale stanza": ([FREE], HEAD + stanza("*", "2024 Toy Labs", "MIT")
                     + stanza("models/old.bin", "x", "MIT", GENERATED_OLD), [], 1),
    "no disclaimer": ([FREE, toxic("first")], HEAD + stanza("*", "2024 Toy Labs", "MIT")
                      + stanza("models/first.bin", "2025 first authors", "MIT"),
                      ["aimodel-missing-ml-policy-disclaimer"], 1),
    "no file": ([FREE], None, ["aimodel-copyright-missing-stanza"], 1),
}


@pytest.mark.parametrize("case", CASES)
def test_check_and_lint_agree(tmp_path, capsys, case):
    models, text, tags, status = CASES[case]
    root = write_tree(tmp_path / "toy", *models, copyright=text)
    before = (root / "debian/copyright").read_text() if text is not None else None
    got, out, err = run(capsys, "copyright", "--check", str(root))
    checked = sorted(tag for line in err.splitlines()
                     for tag in re.findall(r"\[(\S+)\]$", line))
    linted = sorted(r.diagnostic.tag for r in lint(root)
                    if COPYRIGHT_TAGS.fullmatch(r.diagnostic.tag))
    assert checked == linted == sorted(tags), err
    assert got == status
    assert bool(out) == (got == 1)  # every case the build fails is also out of date
    after = (root / "debian/copyright").read_text() if text is not None else None
    assert after == before  # --check writes nothing
    # After a run, both are silent.
    run(capsys, "copyright", str(root))
    assert run(capsys, "copyright", "--check", str(root)) == (0, "", "")
    assert [r.diagnostic.tag for r in lint(root) if COPYRIGHT_TAGS.fullmatch(r.diagnostic.tag)] \
        == []


def test_a_generated_stanza_shadowed_by_a_later_one_moves_last(tmp_path, capsys):
    """A maintainer adds ``models/*`` (GPL-2+) after the generated stanza, which DEP-5
    then overrides: the generated one is moved after it, the maintainer's kept."""
    root = write_tree(tmp_path / "toy", FREE, copyright=HEAD)
    assert run(capsys, "copyright", str(root))[0] == 0
    with open(root / "debian/copyright", "a") as fh:
        fh.write(stanza("models/*", "2024 Toy Labs", "GPL-2+"))
    assert run(capsys, "copyright", "--check", str(root))[0] == 1
    assert run(capsys, "copyright", str(root)) == (0, "", "aimodel: updated debian/copyright\n")
    c = parse(root)
    assert [(p.files, cu.generated_for(p.comment)) for p in c.all_files_paragraphs()] == [
        (("models/*",), None), (("models/toy.bin",), "toy")]
    assert run(capsys, "copyright", "--check", str(root)) == (0, "", "")


def test_what_the_build_will_still_say_is_reported_after_writing(tmp_path, capsys):
    """debian/toy-data.copyright is the file installed (dh_installdocs), and aimodel
    copyright does not edit it: the file is written, the build's verdict printed, exit 1."""
    root = write_tree(tmp_path / "toy", FREE, copyright=HEAD)
    (root / "debian/toy-data.copyright").write_text(HEAD + stanza("*", "2024 A", "GPL-2+"))
    status, _, err = run(capsys, "copyright", str(root))
    assert status == 1
    assert err.splitlines() == [
        "aimodel: updated debian/copyright",
        "aimodel: toy-data: debian/toy-data.copyright: models/toy.bin (model toy) is covered "
        "by the stanza \"Files: *\" with License GPL-2+, but debian/aimodel.yaml declares MIT; "
        "add a stanza \"Files: models/toy.bin\" with \"Copyright: 2024 Toy Labs\" and "
        "\"License: MIT\" after the others (aimodel copyright writes it) "
        "[aimodel-copyright-licence-mismatch]",
        "aimodel: toy-data: debian/toy-data.copyright: models/toy.bin (model toy) is covered "
        "by the stanza \"Files: *\", whose Copyright does not name 2024 Toy Labs; add a "
        "stanza \"Files: models/toy.bin\" with \"Copyright: 2024 Toy Labs\" and "
        "\"License: MIT\" after the others (aimodel copyright writes it) "
        "[aimodel-copyright-holder-missing]"]
    linted = sorted(r.diagnostic.tag for r in lint(root)
                    if COPYRIGHT_TAGS.fullmatch(r.diagnostic.tag))
    assert linted == ["aimodel-copyright-holder-missing", "aimodel-copyright-licence-mismatch"]


# --------------------------------------------------------------------------
# 5. a copyright file that is not DEP-5

STOCKFISH = textwrap.dedent("""\
    This package was debianized by Oliver Korff <ok@xynyx.de> on
    Sun, 14 Jan 2007 14:42:05 +0100.

    It was downloaded from http://www.stockfishchess.org/

    Upstream Authors: Tord Romstad, Marco Costalba, Joona Kiiski

    Copyright:

    \tCopyright (C) 2004-2008 Tord Romstad
    \tCopyright (C) 2008-2010 Marco Costalba, Joona Kiiski

    License:

        This program is free software: you can redistribute it and/or modify
        it under the terms of the GNU General Public License as published by
        the Free Software Foundation, either version 3 of the License, or
        (at your option) any later version.
    .
    On Debian systems, see `/usr/share/common-licenses/GPL-3'.
    """)


def test_a_free_text_file_is_one_clear_error_naming_the_flag(tmp_path, capsys):
    root = write_tree(tmp_path / "toy", FREE, copyright=STOCKFISH)
    status, out, err = run(capsys, "copyright", str(root))
    assert (status, out) == (1, "")
    assert len(err.splitlines()) == 1
    assert err.startswith("aimodel: error: debian/copyright:1:1: not a machine-readable "
                          "(DEP-5) copyright file: ")
    assert "'aimodel copyright --convert' converts it" in err
    assert (root / "debian/copyright").read_text() == STOCKFISH


def test_convert_keeps_the_old_text_verbatim_and_says_what_to_review(tmp_path, capsys):
    root = write_tree(tmp_path / "toy", FREE, copyright=STOCKFISH,
                      homepage="https://stockfishchess.org/")
    status, _, err = run(capsys, "copyright", "--convert", str(root))
    assert status == 0, err
    lines = err.splitlines()
    assert lines[0] == "aimodel: updated debian/copyright"
    assert lines[1].startswith("aimodel: converted debian/copyright to the machine-readable")
    assert "kept verbatim in the header's Comment" in lines[2]
    assert "check the 1 model stanza(s)" in lines[3]
    c = parse(root)
    assert c.header["Source"] == "https://stockfishchess.org/"
    comment = c.header.comment.split("\n")
    assert comment[0].startswith("Converted to the machine-readable format by aimodel "
                                 "copyright --convert.")
    assert all(len(line) <= 80 for line in comment[:4])
    old = ["" if line == " ." else line[1:] for line in comment[1:]]  # one space of indent
    # Verbatim, but for the one thing DEP-5 cannot say: a line that is only ".".
    assert "\n".join(old).endswith("\n\n" + STOCKFISH.rstrip("\n").replace("\n.\n", "\n\n"))
    assert c.find_files_paragraph("models/toy.bin").license.synopsis == "MIT"
    # Now DEP-5: a plain run changes nothing, --convert included.
    assert run(capsys, "copyright", "--check", str(root)) == (0, "", "")
    assert run(capsys, "copyright", "--convert", "--check", str(root)) == (0, "", "")


def test_convert_check_shows_the_conversion_without_writing(tmp_path, capsys):
    root = write_tree(tmp_path / "toy", FREE, copyright=STOCKFISH)
    status, out, err = run(capsys, "copyright", "--convert", "--check", str(root))
    assert status == 1
    assert "\n+Comment: Converted to the machine-readable format" in out
    assert "[aimodel-copyright-missing-stanza]" in err  # what the build says now
    assert (root / "debian/copyright").read_text() == STOCKFISH


# --------------------------------------------------------------------------
# 6. a new file's Source is the package's upstream

@pytest.mark.parametrize("metadata, homepage, source", [
    ("Repository: https://github.com/toy/toy.git\n", "https://toy.example.org/",
     "https://github.com/toy/toy.git"),
    (None, "https://toy.example.org/", "https://toy.example.org/"),
    ("Bug-Database: https://bugs.example.org/\n", "https://toy.example.org/",
     "https://toy.example.org/"),
    ("Repository: [not, a, string]\n", None, None),
    ("Repository: |\n  two\n  lines\n", "https://toy.example.org/", "https://toy.example.org/"),
    ("{{{ not yaml", None, None),
    (None, None, None),
])
def test_a_new_file_takes_source_from_the_package_never_a_model(tmp_path, capsys, metadata,
                                                                homepage, source):
    root = write_tree(tmp_path / "toy", FREE, homepage=homepage)
    if metadata is not None:
        (root / "debian/upstream").mkdir()
        (root / "debian/upstream/metadata").write_text(metadata)
    assert run(capsys, "copyright", str(root))[0] == 0
    header = parse(root).header
    assert header.source == source
    assert "models.example.org" not in (root / "debian/copyright").read_text().split("\n\n")[0]


def test_an_existing_source_is_left_as_it_is(tmp_path, capsys):
    text = FORMAT + "Upstream-Name: toy\nSource: https://mine.example.org/\n"
    root = write_tree(tmp_path / "toy", FREE, copyright=text, homepage="https://other.org/")
    assert run(capsys, "copyright", str(root))[0] == 0
    assert parse(root).header["Source"] == "https://mine.example.org/"
    assert (root / "debian/copyright").read_text().startswith(text)


# --------------------------------------------------------------------------
# any mix of the maintainer's and generated stanzas: no crash, stable, only ours go

FRAGMENTS = [
    stanza("*", "2024 Toy Labs", "Expat"),
    stanza("models/*", "2024 Someone", "GPL-2+"),
    stanza("models/toy.bin", "x", "MIT", f"{cu.GENERATED} toy (gguf) from somewhere"),
    stanza("models/toy.bin", "x", "MIT", f"{cu.GENERATED} gone from somewhere"),
    stanza("models/gone.bin", "x", "Apache-2.0", "Trained model gone, declared in\n"
           " debian/aimodel.yaml."),
    stanza("hand/*", "2019 Hand", "BSD-3-clause", "mine"),
    "\nFiles: models/broken.bin\nComment: Generated by aimodel copyright for model x y\n",
    "\nLicense: Apache-2.0\n text of Apache-2.0\n",
    "\nLicense: GPL-2+\n my own\n",
]
HEADERS = ["", "Disclaimer: Mine.\n", "Disclaimer:\n\tTabbed\n .\n x as dh-aimodel applies it\n",
           "Comment: per the ML-Policy\n"]


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(parts=st.lists(st.sampled_from(FRAGMENTS), max_size=6),
       header=st.sampled_from(HEADERS), non_free=st.booleans())
def test_merging_any_mix_is_stable_and_removes_only_generated_stanzas(parts, header, non_free):
    model = Model(name="toy", pos=P, license="MIT", license_pos=P,
                  files=(FileSpec("models/toy.bin", P),), copyright=("2024 Toy Labs",),
                  package="toy-data",
                  training=Training(data=(Dataset("d", "CC0-1.0",
                                                  "unavailable" if non_free else "public", P),),
                                    software=(Software("s", "MIT", True, P),)))
    the_plan = cu.plan(Declaration("debian/aimodel.yaml", 1, (model,)), None, None,
                       source_name="toy")
    text = FORMAT + "Upstream-Name: toy\n" + header + "".join(parts)
    try:
        merged = cu.apply(text, the_plan, text_for=lambda lid: f"text of {lid}")
    except PackagingError:
        return  # e.g. a Files stanza without License: one error line, never a crash
    c = Copyright(io.StringIO(merged), strict=False)
    assert cu.apply(merged, the_plan, text_for=lambda lid: f"text of {lid}") == merged
    owners = [cu.generated_for(p.comment) for p in c.all_files_paragraphs()]
    assert set(owners) <= {None, "toy"} and owners.count("toy") <= 1
    for part in parts:
        if part.startswith("\nFiles:") and cu.generated_for(part.partition("Comment: ")[2]
                                                            .replace("\n", " ")) is None:
            assert part in merged  # a maintainer's stanza, byte for byte
    assert dep5.coverage_problems(c, the_plan.stanzas[0].covers) == []
    said = " ".join((c.header.disclaimer or "").split())
    # No header Disclaimer here names the ML-Policy on its own (a Comment does not count).
    assert said.count(cu.DISCLAIMER_MARK) == (1 if non_free else 0)
