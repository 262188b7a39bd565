"""debian/copyright checks of dh_aimodel: coverage of model files, licences, Disclaimer."""

from __future__ import annotations

import io
import textwrap
from pathlib import Path

import pytest

from dh_aimodel.core.errors import PackagingError
from dh_aimodel.packaging import dep5
from dh_aimodel.packaging.dep5 import ModelFile

HEADER = "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n"


def copyright(*stanzas: str, header: str = ""):
    """A copyright file: the Format line, ``header`` fields, then the stanzas."""
    from debian.copyright import Copyright

    text = HEADER + header + "".join("\n" + textwrap.dedent(s).strip() + "\n" for s in stanzas)
    return Copyright(io.StringIO(text), strict=False)


def gguf(license: str = "Apache-2.0", holders: tuple[str, ...] = ("2026 Tiny LM Project",)):
    return ModelFile("models/tiny-lm.gguf", "tiny-lm", license, holders)


BASE = """
    Files: *
    Copyright: 2026 dh-aimodel developers
    License: MIT
    """


def test_covered_by_its_own_stanza():
    c = copyright(BASE, """
        Files: models/*.gguf
        Copyright: 2026 Tiny LM Project
        License: Apache-2.0
        """)
    assert dep5.coverage_problems(c, [gguf()]) == []


def texts(problems):
    """The lines a user reads: message; fix [tag]."""
    return [str(p) for p in problems]


def test_last_matching_stanza_wins():
    c = copyright(BASE, """
        Files: models/*
        Copyright: 2026 Tiny LM Project
        License: Apache-2.0

        Files: models/tiny-lm.gguf
        Copyright: 2026 Tiny LM Project
        License: CC-BY-NC-4.0
        """)
    assert texts(dep5.coverage_problems(c, [gguf()])) == [
        'debian/copyright: models/tiny-lm.gguf (model tiny-lm) is covered by the stanza '
        '"Files: models/tiny-lm.gguf" with License CC-BY-NC-4.0, but debian/aimodel.yaml '
        'declares Apache-2.0; set "License: Apache-2.0" in that stanza, or correct the '
        'licence in debian/aimodel.yaml [aimodel-copyright-licence-mismatch]']
    assert dep5.coverage_problems(c, [gguf("CC-BY-NC-4.0")]) == []


def test_an_earlier_matching_stanza_does_not_count():
    c = copyright(BASE.replace("Files: *", "Files: models/*").replace(
        "2026 dh-aimodel developers", "2026 Tiny LM Project").replace("MIT", "Apache-2.0"), """
        Files: *.gguf
        Copyright: 2026 Tiny LM Project
        License: MIT
        """)
    problems = dep5.coverage_problems(c, [gguf()])
    assert len(problems) == 1 and '"Files: *.gguf" with License MIT' in problems[0].message


def test_no_stanza_at_all():
    c = copyright("""
        Files: src/*
        Copyright: 2026 someone
        License: MIT
        """)
    assert texts(dep5.coverage_problems(c, [gguf()])) == [
        'debian/copyright has no Files stanza that covers models/tiny-lm.gguf (model '
        'tiny-lm); add a stanza "Files: models/tiny-lm.gguf" with "Copyright: 2026 Tiny LM '
        'Project" and "License: Apache-2.0" after the others (aimodel copyright writes it) [aimodel-copyright-missing-stanza]']


def test_catch_all_stanza_with_other_holders_does_not_cover_a_model():
    c = copyright(BASE.replace("MIT", "Apache-2.0"))
    assert texts(dep5.coverage_problems(c, [gguf()])) == [
        'debian/copyright: models/tiny-lm.gguf (model tiny-lm) is covered by the stanza '
        '"Files: *", whose Copyright does not name 2026 Tiny LM Project; add a stanza '
        '"Files: models/tiny-lm.gguf" with "Copyright: 2026 Tiny LM Project" and '
        '"License: Apache-2.0" after the others (aimodel copyright writes it) [aimodel-copyright-holder-missing]']


def test_catch_all_stanza_naming_the_holders_covers_a_model():
    c = copyright(BASE)
    assert dep5.coverage_problems(c, [gguf("MIT", ("2026 dh-aimodel developers",))]) == []


def test_holders_are_compared_without_years():
    c = copyright(BASE, """
        Files: models/*
        Copyright: 2019-2026 Tiny LM Project
                   2020 Other Lab
        License: Apache-2.0
        """)
    assert dep5.coverage_problems(c, [gguf(holders=("2019 Tiny LM Project", "Other Lab"))]) == []
    assert texts(dep5.coverage_problems(c, [gguf(holders=("2019 Someone Else",))])) == [
        'debian/copyright: models/tiny-lm.gguf (model tiny-lm) is covered by the stanza '
        '"Files: models/*", whose Copyright does not name 2019 Someone Else; add a stanza '
        '"Files: models/tiny-lm.gguf" with "Copyright: 2019 Someone Else" and "License: '
        'Apache-2.0" after the others (aimodel copyright writes it) [aimodel-copyright-holder-missing]']


def test_own_stanza_missing_a_holder_says_to_add_it_there():
    c = copyright(BASE, """
        Files: models/tiny-lm.gguf
        Copyright: 2026 Tiny LM Project
        License: Apache-2.0
        """)
    assert texts(dep5.coverage_problems(c, [gguf(holders=("2026 Tiny LM Project", "2025 Lab"))])) == [
        'debian/copyright: models/tiny-lm.gguf (model tiny-lm) is covered by the stanza '
        '"Files: models/tiny-lm.gguf", whose Copyright does not name 2025 Lab; add 2025 Lab '
        'to its Copyright field [aimodel-copyright-holder-missing]']


def test_stanza_without_license():
    c = copyright(BASE, """
        Files: models/tiny-lm.gguf
        Copyright: 2026 Tiny LM Project
        """)
    assert texts(dep5.coverage_problems(c, [gguf()])) == [
        'debian/copyright: models/tiny-lm.gguf (model tiny-lm) is covered by the stanza '
        '"Files: models/tiny-lm.gguf" with no License, but debian/aimodel.yaml declares '
        'Apache-2.0; set "License: Apache-2.0" in that stanza, or correct the licence in '
        'debian/aimodel.yaml [aimodel-copyright-licence-mismatch]']


@pytest.mark.parametrize("dep5_name, spdx", [
    ("Expat", "MIT"),
    ("MIT", "MIT"),
    ("Apache-2.0", "apache-2.0"),
    ("GPL-2+", "GPL-2.0-or-later"),
    ("GPL-2+", "GPL-2.0+"),
    ("GPL-3", "GPL-3.0-only"),
    ("LGPL-2.1+", "LGPL-2.1-or-later"),
    ("GFDL-1.3+", "GFDL-1.3-or-later"),
    ("BSD-3-clause", "BSD-3-Clause"),
    ("GPL-2+ or Expat", "MIT OR GPL-2.0-or-later"),
    ("Apache-2.0 and CC-BY-4.0", "CC-BY-4.0 AND Apache-2.0"),
    ("GPL-2+ with OpenSSL exception", "GPL-2.0-or-later WITH OpenSSL-exception"),
    ("LicenseRef-scancode-bigscience-open-rail-m", "LicenseRef-scancode-bigscience-open-rail-m"),
    ("public-domain", "LicenseRef-public-domain"),
])
def test_dep5_short_names_agree_with_spdx(dep5_name, spdx):
    assert dep5.licences_agree(dep5_name, spdx)


@pytest.mark.parametrize("dep5_name, spdx", [
    ("Expat", "Apache-2.0"),
    ("GPL-2", "GPL-2.0-or-later"),
    ("GPL-2+ or Expat", "MIT AND GPL-2.0-or-later"),
    ("CC-BY-4.0", "CC-BY-NC-4.0"),
])
def test_different_licences_disagree(dep5_name, spdx):
    assert not dep5.licences_agree(dep5_name, spdx)


# -- Disclaimer -------------------------------------------------------------------

NON_MAIN_REASON = "tiny-lm is toxic-candy: training data is not available"


@pytest.mark.parametrize("area", ["non-free", "contrib"])
def test_missing_disclaimer_outside_main(area):
    c = copyright(BASE)
    assert str(dep5.disclaimer_problem(c, area, NON_MAIN_REASON)) == (
        f"debian/copyright does not say why the package is in {area} and not in main; add a "
        "header field \"Disclaimer:\" stating that the package is not part of the Debian "
        f"distribution and why under the ML-Policy ({NON_MAIN_REASON}) "
        "[aimodel-missing-ml-policy-disclaimer]")


def test_disclaimer_must_name_the_ml_policy():
    c = copyright(BASE, header="Disclaimer: This package is not part of Debian.\n")
    assert dep5.disclaimer_problem(c, "non-free", NON_MAIN_REASON) is not None


@pytest.mark.parametrize("field", ["Disclaimer", "Comment"])
def test_disclaimer_or_comment_naming_the_ml_policy(field):
    c = copyright(BASE, header=f"{field}: Not in main: a ToxicCandy model under the\n"
                               " Debian Deep Learning Team's ML-Policy.\n")
    assert dep5.disclaimer_problem(c, "non-free", NON_MAIN_REASON) is None


def test_no_disclaimer_needed_in_main():
    assert dep5.disclaimer_problem(copyright(BASE), "main", "") is None


# -- reading ------------------------------------------------------------------------

def test_not_machine_readable(tmp_path: Path):
    path = tmp_path / "copyright"
    path.write_text("This package was debianized by someone.\n")
    with pytest.raises(PackagingError) as caught:
        dep5.read_copyright(path, "debian/copyright")
    assert str(caught.value).startswith("debian/copyright:1:1: not a machine-readable (DEP-5) "
                                        "copyright file")


def test_missing_file(tmp_path: Path):
    with pytest.raises(PackagingError) as caught:
        dep5.read_copyright(tmp_path / "copyright", "debian/copyright")
    assert "debian/copyright does not exist" in str(caught.value)


def test_examples_cover_their_models():
    root = Path(__file__).resolve().parents[2] / "examples"
    c = dep5.read_copyright(root / "toxic-candy/debian/copyright")
    assert dep5.coverage_problems(c, [gguf()]) == []
    assert dep5.explains_non_main(c)


def test_a_stanza_covers_only_the_files_its_patterns_match_whole():
    """python-debian joins a stanza's patterns as ``1|2\\Z``: '1' then matches '10'."""
    from debian.copyright import Copyright

    from dh_aimodel.packaging.dep5 import find_files_paragraph

    c = Copyright(io.StringIO(
        "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n\n"
        "Files: *\nCopyright: a\nLicense: GPL-2+\n\n"
        "Files: models/1 models/2\nCopyright: b\nLicense: MIT\n\n"
        "Files: nets/*.bin\nCopyright: c\nLicense: MIT\n"))
    assert find_files_paragraph(c, "models/1").copyright == "b"
    assert find_files_paragraph(c, "models/10").copyright == "a"
    assert find_files_paragraph(c, "nets/x.bin").copyright == "c"
    assert find_files_paragraph(c, "nets/x.bin.gz").copyright == "a"
