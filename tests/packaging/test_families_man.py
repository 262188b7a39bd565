"""aimodel-families(7) is generated from the family data and kept in step with it."""

from __future__ import annotations

from pathlib import Path

from dh_aimodel.formats.families import families
from dh_aimodel.packaging.families_man import families_page
from dh_aimodel.packaging.render import roff

PAGE = Path(__file__).resolve().parents[2] / "man/aimodel-families.7"


def test_page_is_up_to_date() -> None:
    assert PAGE.read_text(encoding="utf-8") == families_page(), \
        "man/aimodel-families.7 is stale: run tools/gen-families-man"


def test_every_family_is_documented_with_its_kind() -> None:
    page = families_page()
    for fam in families().values():
        assert f".B {roff(fam.id)}\n" in page
        assert f"Kind: \\fB{fam.kind}\\fR" in page


def test_roff_defuses_control_lines_and_escapes() -> None:
    assert roff(".SH x") == "\\&.SH x"
    assert roff("a-b\\c") == "a\\-b\\ec"
