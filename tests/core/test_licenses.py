"""Tests of the licence knowledge base (dh_aimodel/licenses.py + data/licenses.yaml).

The data tests keep the table honest against the installed license-expression
(an upgrade that renames an id fails here, not in a user's build); the
behaviour tests pin the rules of classification.md "Licence verdicts".
"""

from __future__ import annotations

import doctest
import re
import subprocess
import sys
import textwrap
from importlib import metadata
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from license_expression import get_spdx_licensing

from dh_aimodel.core import licenses
from dh_aimodel.core.datafiles import data_path
from dh_aimodel.core.declaration import LicenseVerdict
from dh_aimodel.core.errors import Pos
from dh_aimodel.core.licenses import LicenseJudgement, LicenseSyntaxError, judge

DATA = data_path("licenses.yaml")
RAW = yaml.safe_load(DATA.read_text("utf-8"))
TABLE: dict[str, dict] = RAW["licenses"]
IDS = sorted(TABLE)
FREE_IDS = [i for i in IDS if TABLE[i]["dfsg"] == "free"]
NOT_FREE_IDS = [i for i in IDS if TABLE[i]["dfsg"] != "free"]
LICENSING = get_spdx_licensing()
#: The license-expression release whose index data/licenses.yaml was checked
#: against: every id there is in it.  Older indexes lack some (Debian 13's
#: 30.4.1 lacks 16, Debian 12's 30.1.0 more); dh-aimodel then takes the
#: proper case from its own table (test_ids_the_library_lacks_keep_their_case).
CHECKED_INDEX = (30, 4, 4)
INSTALLED_INDEX = tuple(int(n) for n in
                        re.findall(r"\d+", metadata.version("license-expression"))[:3])
needs_checked_index = pytest.mark.skipif(
    INSTALLED_INDEX < CHECKED_INDEX,
    reason=f"license-expression {'.'.join(map(str, INSTALLED_INDEX))} predates the index "
           f"data/licenses.yaml was checked against ({'.'.join(map(str, CHECKED_INDEX))})")
RANK = {"free": 0, "non-free": 1, "unknown": 2, "undistributable": 3}
POS = Pos("debian/aimodel.yaml", 1, 1)


def local(**verdicts: str) -> dict[str, LicenseVerdict]:
    """A declaration's ``licenses:`` mapping; keys use '_' for '-'."""
    out = {}
    for key, dfsg in verdicts.items():
        license_id = key.replace("_", "-")
        out[license_id] = LicenseVerdict(license_id, dfsg, POS,  # type: ignore[arg-type]
                                         reason=None if dfsg == "free" else "reviewed: use restrictions")
    return out


# --------------------------------------------------------------------------
# the data file

def test_table_is_big_enough():
    assert len(IDS) >= 80


@needs_checked_index
def test_every_table_id_is_known_to_license_expression_with_its_proper_case():
    known = LICENSING.known_symbols
    missing = [i for i in IDS if i not in known]
    assert missing == []
    assert [i for i in IDS if known[i].is_exception] == []


@needs_checked_index
def test_every_exception_is_a_known_exception():
    known = LICENSING.known_symbols
    bad = [e for e in RAW["exceptions"] if e not in known or not known[e].is_exception]
    assert bad == []


@needs_checked_index
def test_library_ids_are_the_library_symbol_table():
    """licenses reads license-expression's index itself (building the symbol
    table is slow); what it reads must be what ``get_spdx_licensing`` knows."""
    library = licenses._library_ids()  # noqa: SLF001
    assert {k: (v.key, v.is_exception) for k, v in library.ids.items()} == {
        s.key.lower(): (s.key, bool(s.is_exception)) for s in LICENSING.known_symbols.values()}
    expected = {}
    for symbol in LICENSING.known_symbols.values():
        for alias in symbol.aliases or ():
            if " " not in alias:
                expected.setdefault(alias.lower(), symbol.key)
    assert dict(library.aliases) == expected
    assert library.aliases["gpl-3.0+"] == "GPL-3.0-or-later"


def test_verdict_words_and_reasons():
    assert {spec["dfsg"] for spec in TABLE.values()} == {"free", "non-free", "undistributable"}
    without_reason = [i for i in NOT_FREE_IDS if not str(TABLE[i].get("reason", "")).strip()]
    assert without_reason == []
    # every reason names the DFSG point it fails
    assert [i for i in NOT_FREE_IDS if "DFSG" not in TABLE[i]["reason"]] == []
    assert [i for i in IDS if not set(TABLE[i]) <= {"dfsg", "reason"}] == []


def test_no_id_twice_ignoring_case():
    assert len({i.lower() for i in IDS}) == len(IDS)


CLASSIFICATION_TABLE = {
    "free": [
        "MIT", "Apache-2.0", "BSD-2-Clause", "BSD-3-Clause", "ISC", "Zlib", "BSL-1.0",
        "Unlicense", "CC0-1.0", "GPL-2.0-only", "GPL-2.0-or-later", "GPL-3.0-only",
        "GPL-3.0-or-later", "LGPL-2.1-only", "LGPL-2.1-or-later", "LGPL-3.0-only",
        "LGPL-3.0-or-later", "AGPL-3.0-only", "AGPL-3.0-or-later", "MPL-2.0", "EPL-2.0",
        "Artistic-2.0", "CC-BY-3.0", "CC-BY-4.0", "CC-BY-SA-3.0", "CC-BY-SA-4.0", "ODbL-1.0",
        "ODC-By-1.0", "PDDL-1.0", "CDLA-Permissive-1.0", "CDLA-Permissive-2.0",
        "CDLA-Sharing-1.0", "OFL-1.1",
        "GFDL-1.3-no-invariants-only", "GFDL-1.3-no-invariants-or-later",
    ],
    "non-free": [
        "C-UDA-1.0", "GFDL-1.3-invariants-only", "GFDL-1.3-invariants-or-later",
        "LicenseRef-scancode-bigscience-open-rail-m",
        "LicenseRef-scancode-bigscience-open-rail-m2",
        "LicenseRef-scancode-bigscience-rail-1.0",
        "LicenseRef-scancode-bigcode-open-rail-m-v1",
        "LicenseRef-scancode-stable-diffusion-2022-08-22",
        "LicenseRef-scancode-llama-2-license-2023",
        "LicenseRef-scancode-llama-3.1-license-2024",
        "LicenseRef-scancode-llama-3.2-license-2024",
        "LicenseRef-scancode-llama-3.3-license-2024",
        "LicenseRef-scancode-llama-4-cla-2025",
        "LicenseRef-scancode-gemma-tou-2024-04-01",
        "LicenseRef-scancode-deepseek-la-1.0",
        "LicenseRef-scancode-falcon-2-11b-1.0",
    ],
}


@pytest.mark.parametrize("verdict, license_id", [
    (verdict, license_id) for verdict, ids in CLASSIFICATION_TABLE.items() for license_id in ids])
def test_classification_md_table_is_covered(verdict, license_id):
    assert TABLE[license_id]["dfsg"] == verdict
    assert judge(license_id).verdict == verdict


def test_every_creative_commons_nc_nd_version_is_non_free():
    cc = [k for k in LICENSING.known_symbols
          if k.startswith(("CC-BY-NC-", "CC-BY-ND-")) and k[-3:] in ("2.0", "2.5", "3.0", "4.0")]
    assert len(cc) >= 15
    for license_id in cc:
        assert TABLE[license_id]["dfsg"] == "non-free", license_id
    assert "non-commercial" in TABLE["CC-BY-NC-SA-4.0"]["reason"]
    assert "no modification" in TABLE["CC-BY-ND-4.0"]["reason"]


def test_gfdl_invariants_follow_the_2006_gr():
    for version in ("1.1", "1.2", "1.3"):
        for tail in ("only", "or-later"):
            assert judge(f"GFDL-{version}-no-invariants-{tail}").verdict == "free"
            assert judge(f"GFDL-{version}-invariants-{tail}").verdict == "non-free"
            assert judge(f"GFDL-{version}-{tail}").verdict == "non-free"


def test_undistributable_entries_exist_and_forbid_redistribution():
    undistributable = [i for i in IDS if TABLE[i]["dfsg"] == "undistributable"]
    assert undistributable
    for license_id in undistributable:
        assert "DFSG 1" in TABLE[license_id]["reason"]


HF_TAGS = """
apache-2.0 mit openrail bigscience-openrail-m creativeml-openrail-m bigscience-bloom-rail-1.0
bigcode-openrail-m afl-3.0 artistic-2.0 bsl-1.0 bsd bsd-2-clause bsd-3-clause bsd-3-clause-clear
c-uda cc cc0-1.0 cc-by-2.0 cc-by-2.5 cc-by-3.0 cc-by-4.0 cc-by-sa-3.0 cc-by-sa-4.0 cc-by-nc-2.0
cc-by-nc-3.0 cc-by-nc-4.0 cc-by-nd-4.0 cc-by-nc-nd-3.0 cc-by-nc-nd-4.0 cc-by-nc-sa-2.0
cc-by-nc-sa-3.0 cc-by-nc-sa-4.0 cdla-sharing-1.0 cdla-permissive-1.0 cdla-permissive-2.0 wtfpl
ecl-2.0 epl-1.0 epl-2.0 etalab-2.0 eupl-1.1 eupl-1.2 agpl-3.0 gfdl gpl gpl-2.0 gpl-3.0 lgpl
lgpl-2.1 lgpl-3.0 isc intel-research lppl-1.3c ms-pl apple-ascl apple-amlr mpl-2.0 odc-by odbl
openrail++ osl-3.0 postgresql ofl-1.1 ncsa unlicense zlib pddl lgpl-lr deepfloyd-if-license
llama2 llama3 llama3.1 llama3.2 llama3.3 llama4 gemma unknown other
""".split()


def test_every_hub_tag_has_an_alias():
    assert [t for t in HF_TAGS if licenses.hf_alias(t) is None] == []


@pytest.mark.parametrize("tag, target", sorted(RAW["aliases"].items()))
def test_alias_targets_parse_and_are_in_the_table(tag, target):
    assert licenses.hf_alias(tag) == target
    if target == "unknown":
        return
    result = judge(target)
    assert result.unknown_ids == (), tag
    assert result.deprecated == (), tag       # targets use current ids ...
    assert result.canonical == target, tag    # ... in their proper case


@pytest.mark.parametrize("tag, verdict", [
    ("apache-2.0", "free"), ("MIT", "free"), ("cc-by-sa-4.0", "free"), ("gpl", "free"),
    ("lgpl-lr", "free"), ("apple-ascl", "free"),
    ("cc-by-nc-4.0", "non-free"), ("llama2", "non-free"), ("llama3.1", "non-free"),
    ("gemma", "non-free"), ("creativeml-openrail-m", "non-free"), ("openrail++", "non-free"),
    ("gfdl", "non-free"), ("c-uda", "non-free"),
    ("bsd", "unknown"), ("cc", "unknown"), ("openrail", "unknown"), ("other", "unknown"),
    ("llama3", "unknown"),
])
def test_alias_verdicts(tag, verdict):
    assert judge(licenses.hf_alias(tag)).verdict == verdict


def test_hf_alias_is_case_insensitive_and_none_for_strangers():
    assert licenses.hf_alias(" Apache-2.0 ") == "Apache-2.0"
    assert licenses.hf_alias("LLAMA3.2") == "LicenseRef-scancode-llama-3.2-license-2024"
    assert licenses.hf_alias("not-a-hub-tag") is None


def test_table_source_is_one_line_naming_the_file_and_list_version():
    line = licenses.table_source()
    assert "\n" not in line
    assert "licenses.yaml" in line and "3.27" in line
    assert line.startswith(f"{len(IDS)} licence verdicts")


def test_loading_is_lazy():
    code = textwrap.dedent("""\
        import sys
        import dh_aimodel.core.licenses
        assert "license_expression" not in sys.modules
        assert "yaml" not in sys.modules
        """)
    subprocess.run([sys.executable, "-c", code], check=True,
                   cwd=Path(licenses.__file__).parents[2])


def test_doctests():
    failures, _ = doctest.testmod(licenses, optionflags=doctest.ELLIPSIS)
    assert failures == 0


# --------------------------------------------------------------------------
# combination rules

def test_or_is_free_when_either_side_is():
    assert judge("MIT OR CC-BY-NC-4.0") == LicenseJudgement(
        "free", (), (), (), "MIT OR CC-BY-NC-4.0")
    assert judge("CC-BY-NC-4.0 OR MIT").verdict == "free"


def test_and_needs_both_sides_free():
    result = judge("MIT AND CC-BY-NC-4.0")
    assert result.verdict == "non-free"
    assert result.reasons == ("CC-BY-NC-4.0 is not DFSG-free: non-commercial use only (DFSG 6)",)
    assert judge("MIT AND Apache-2.0").verdict == "free"


def test_or_of_non_free_sides_gives_every_reason():
    result = judge("CC-BY-NC-4.0 OR CC-BY-ND-4.0")
    assert result.verdict == "non-free"
    assert result.reasons == (
        "CC-BY-NC-4.0 is not DFSG-free: non-commercial use only (DFSG 6)",
        "CC-BY-ND-4.0 is not DFSG-free: no modification allowed (DFSG 3)",
    )


def test_ranks_free_nonfree_unknown_undistributable():
    assert judge("CC-BY-NC-4.0 AND Foo-1.0").verdict == "unknown"
    assert judge("CC-BY-NC-4.0 OR Foo-1.0").verdict == "non-free"
    assert judge("Foo-1.0 AND proprietary").verdict == "undistributable"
    assert judge("Foo-1.0 OR proprietary").verdict == "unknown"
    assert judge("LicenseRef-scancode-proprietary-license OR MIT").verdict == "free"


def test_nested_expression_and_its_canonical_form():
    result = judge("mit and (apache-2.0 or cc-by-nc-4.0) and isc")
    assert result.verdict == "free"
    assert result.canonical == "MIT AND (Apache-2.0 OR CC-BY-NC-4.0) AND ISC"
    assert judge("MIT AND Apache-2.0 OR BSD-2-Clause").canonical == \
        "(MIT AND Apache-2.0) OR BSD-2-Clause"


def test_reasons_are_deduplicated():
    result = judge("CC-BY-NC-4.0 AND (CC-BY-NC-4.0 OR CC-BY-NC-4.0)")
    assert result.reasons == ("CC-BY-NC-4.0 is not DFSG-free: non-commercial use only (DFSG 6)",)


# --------------------------------------------------------------------------
# WITH

def test_with_a_known_exception_keeps_a_free_licence_free():
    result = judge("GPL-2.0-or-later WITH classpath-exception-2.0")
    assert result.verdict == "free"
    assert result.canonical == "GPL-2.0-or-later WITH Classpath-exception-2.0"


def test_with_an_unknown_exception_is_unknown():
    result = judge("GPL-2.0-or-later WITH Foo-exception")
    assert result.verdict == "unknown"
    assert result.unknown_ids == ("Foo-exception",)
    assert result.reasons == ("Foo-exception (exception to GPL-2.0-or-later) is not in the "
                              "licence knowledge base",)
    # an exception license-expression knows but the table does not
    assert judge("GPL-2.0-only WITH Texinfo-exception").unknown_ids == ("Texinfo-exception",)


def test_with_does_not_make_a_non_free_licence_free():
    result = judge("CC-BY-NC-4.0 WITH Classpath-exception-2.0")
    assert result.verdict == "non-free"
    assert judge("proprietary OR (MIT WITH Foo-exception)").verdict == "unknown"


# --------------------------------------------------------------------------
# deprecated ids, "+", case

@pytest.mark.parametrize("written, current", [
    ("GPL-3.0+", "GPL-3.0-or-later"),
    ("GPL-2.0+", "GPL-2.0-or-later"),
    ("GPL-2.0", "GPL-2.0-only"),
    ("LGPL-2.1+", "LGPL-2.1-or-later"),
    ("LGPL-3.0", "LGPL-3.0-only"),
    ("AGPL-3.0", "AGPL-3.0-only"),
    ("GFDL-1.3", "GFDL-1.3-only"),
    ("gpl-3.0+", "GPL-3.0-or-later"),
    ("GPL-2.0-only+", "GPL-2.0-or-later"),
])
def test_deprecated_ids_map_to_current_ids(written, current):
    result = judge(written)
    assert result.deprecated == ((written, current),)
    assert result.canonical == current
    assert result.verdict == TABLE[current]["dfsg"]


def test_deprecated_id_inside_a_bigger_expression():
    result = judge("GPL-3.0+ AND CC-BY-NC-4.0")
    assert result == LicenseJudgement(
        "non-free", ("CC-BY-NC-4.0 is not DFSG-free: non-commercial use only (DFSG 6)",), (),
        (("GPL-3.0+", "GPL-3.0-or-later"),), "GPL-3.0-or-later AND CC-BY-NC-4.0")


def test_plus_on_a_non_gnu_licence_keeps_the_base_verdict():
    assert judge("Apache-2.0+") == LicenseJudgement("free", (), (), (), "Apache-2.0+")
    assert judge("mpl-2.0+") == LicenseJudgement("free", (), (), (), "MPL-2.0+")
    assert judge("BSD-2-Clause-NetBSD+").deprecated == (("BSD-2-Clause-NetBSD", "BSD-2-Clause"),)
    result = judge("CC-BY-NC-3.0+")
    assert (result.verdict, result.canonical) == ("non-free", "CC-BY-NC-3.0+")
    assert result.reasons == ("CC-BY-NC-3.0+ is not DFSG-free: non-commercial use only (DFSG 6)",)


def test_ids_match_case_insensitively_and_print_in_proper_case():
    result = judge("cc-by-nc-4.0 OR apache-2.0 AND licenseref-scancode-gemma-tou-2024-04-01")
    assert result.canonical == ("CC-BY-NC-4.0 OR (Apache-2.0 AND "
                                "LicenseRef-scancode-gemma-tou-2024-04-01)")
    assert result.verdict == "non-free"
    assert result.deprecated == ()


# --------------------------------------------------------------------------
# LicenseRef ids, unknown ids, the two words

def test_licenseref_decided_by_the_declaration():
    assert judge("LicenseRef-Ours", local(LicenseRef_Ours="free")).verdict == "free"
    result = judge("LicenseRef-Ours AND MIT", local(LicenseRef_Ours="non-free"))
    assert result.verdict == "non-free"
    assert result.reasons == ("LicenseRef-Ours is not DFSG-free: reviewed: use restrictions",)
    result = judge("LicenseRef-Ours", local(LicenseRef_Ours="undistributable"))
    assert result.verdict == "undistributable"
    assert result.unknown_ids == ()


def test_licenseref_lookup_ignores_case():
    assert judge("licenseref-ours", local(LicenseRef_Ours="free")).verdict == "free"


def test_licenseref_without_verdict_is_unknown():
    result = judge("LicenseRef-Mystery")
    assert result == LicenseJudgement(
        "unknown", ("LicenseRef-Mystery is not in the licence knowledge base",),
        ("LicenseRef-Mystery",), (), "LicenseRef-Mystery")


def test_declaration_wins_for_scancode_licenseref_ids():
    llama = "LicenseRef-scancode-llama-2-license-2023"
    assert judge(llama).verdict == "non-free"
    assert judge(llama, {llama: LicenseVerdict(llama, "free", POS)}).verdict == "free"


def test_table_wins_for_spdx_ids():
    mine = {"CC-BY-NC-4.0": LicenseVerdict("CC-BY-NC-4.0", "free", POS)}
    assert judge("CC-BY-NC-4.0", mine).verdict == "non-free"


def test_maintainer_licenseref_is_not_taken_for_a_library_alias():
    # license-expression aliases LicenseRef-PublicDomain to its public-domain
    # key; a maintainer writing it means their own text.
    result = judge("LicenseRef-PublicDomain")
    assert result.unknown_ids == ("LicenseRef-PublicDomain",)
    assert result.deprecated == ()


def test_unknown_ids_are_listed_even_in_a_free_or_branch():
    result = judge("MIT OR Foo-1.0")
    assert result.verdict == "free"
    assert result.reasons == ()
    assert result.unknown_ids == ("Foo-1.0",)


def test_id_known_to_the_library_but_not_to_the_table_is_unknown():
    result = judge("Beerware")
    assert result.verdict == "unknown"
    assert result.unknown_ids == ("Beerware",)


def test_the_words_unknown_and_proprietary():
    assert judge("unknown") == LicenseJudgement("unknown", ("licence is unknown",), (), (),
                                                "unknown")
    result = judge("proprietary")
    assert result.verdict == "undistributable"
    assert result.unknown_ids == ()
    assert judge("MIT AND proprietary").verdict == "undistributable"
    assert judge("MIT OR unknown").verdict == "free"


def test_is_known():
    assert licenses.is_known("MIT")
    assert licenses.is_known("mit")
    assert licenses.is_known("GPL-2.0+")
    assert licenses.is_known("Classpath-exception-2.0")
    assert licenses.is_known("LicenseRef-scancode-llama-2-license-2023")
    assert not licenses.is_known("Beerware")
    assert not licenses.is_known("LicenseRef-Mystery")
    assert not licenses.is_known("unknown")
    assert not licenses.is_known("")


# --------------------------------------------------------------------------
# syntax errors

ACCEPTED = ("accepted: SPDX licence ids or LicenseRef-<id> joined by AND, OR, WITH <exception> "
            "and parentheses (e.g. 'MIT OR Apache-2.0'), or the words 'unknown' and 'proprietary'")


@pytest.mark.parametrize("expression, what", [
    ("MIT AND", "'AND' needs a licence on both sides"),
    ("(MIT", "unbalanced parentheses in '(MIT'"),
    ("MIT)", "unbalanced parentheses in 'MIT)'"),
    ("MIT OR OR BSD-2-Clause", "'OR' at column 8 is not between two licences"),
    ("AND MIT", "'AND' at column 1 is not between two licences"),
    ("MIT BSD-2-Clause", "'BSD-2-Clause' at column 5 follows another licence without AND, OR "
                         "or WITH"),
    ("Apache License 2.0", "'License' at column 8 follows another licence without AND, OR or WITH"),
    ("", "the licence expression is empty"),
    ("   ", "the licence expression is empty"),
    ("MIT/Apache-2.0", "a licence id contains a character SPDX does not allow (ids use letters, "
                       "digits, '.', '-' and a trailing '+')"),
    ("Classpath-exception-2.0", "'Classpath-exception-2.0' is a licence exception, not a "
                                "licence: it can only follow WITH"),
    ("MIT WITH Apache-2.0", "'Apache-2.0' is a licence, not a licence exception: after WITH "
                            "name an exception such as Classpath-exception-2.0"),
    ("MIT WITH", "incomplete or misplaced 'WITH' at column 5"),
    ("MIT WITH unknown", "the word 'unknown' cannot be used with WITH"),
    ("()", "'()' is not a licence expression"),
])
def test_syntax_errors(expression, what):
    with pytest.raises(LicenseSyntaxError) as info:
        licenses.check_syntax(expression)
    assert str(info.value) == f"{what}; {ACCEPTED}"
    assert isinstance(info.value, ValueError)
    with pytest.raises(LicenseSyntaxError):
        judge(expression)


@pytest.mark.parametrize("expression", [
    "MIT", "unknown", "proprietary", "LicenseRef-Foo", "Foo-1.0", "GPL-3.0+",
    "(MIT OR Apache-2.0) AND (BSD-2-Clause WITH LLVM-exception)",
    "DocumentRef-spdx-tool:LicenseRef-Foo", "MIT and apache-2.0",
])
def test_valid_syntax(expression):
    assert licenses.check_syntax(expression) is None


# --------------------------------------------------------------------------
# properties

table_ids = st.sampled_from(IDS)


@settings(max_examples=300, deadline=None)
@given(st.lists(table_ids, min_size=1, max_size=6))
def test_and_is_free_iff_all_parts_are_free(ids):
    result = judge(" AND ".join(ids))
    assert (result.verdict == "free") == all(TABLE[i]["dfsg"] == "free" for i in ids)
    assert result.verdict == max((TABLE[i]["dfsg"] for i in ids), key=RANK.__getitem__)
    assert result.unknown_ids == ()
    assert bool(result.reasons) == (result.verdict != "free")


@settings(max_examples=300, deadline=None)
@given(st.lists(table_ids, min_size=1, max_size=6))
def test_or_is_free_iff_any_part_is_free(ids):
    result = judge(" OR ".join(ids))
    assert (result.verdict == "free") == any(TABLE[i]["dfsg"] == "free" for i in ids)
    assert result.verdict == min((TABLE[i]["dfsg"] for i in ids), key=RANK.__getitem__)


def trees(leaves: st.SearchStrategy[str]) -> st.SearchStrategy[tuple]:
    return st.recursive(
        leaves.map(lambda leaf: ("id", leaf)),
        lambda children: st.tuples(st.sampled_from(["AND", "OR"]),
                                   st.lists(children, min_size=2, max_size=3)),
        max_leaves=8)


def text_of(tree: tuple) -> str:
    if tree[0] == "id":
        return tree[1]
    return f" {tree[0]} ".join(f"({text_of(t)})" for t in tree[1])


def expected(tree: tuple) -> str:
    if tree[0] == "id":
        return TABLE[tree[1]]["dfsg"] if tree[1] in TABLE else "unknown"
    pick = max if tree[0] == "AND" else min
    return pick((expected(t) for t in tree[1]), key=RANK.__getitem__)


@settings(max_examples=300, deadline=None)
@given(trees(st.one_of(table_ids, st.sampled_from(["Foo-1.0", "LicenseRef-Nope"]))),
       st.booleans())
def test_nested_expressions_follow_the_ranks_and_canonical_is_stable(tree, lower):
    expression = text_of(tree)
    result = judge(expression.lower() if lower else expression)
    assert result.verdict == expected(tree)
    again = judge(result.canonical)
    assert again.verdict == result.verdict
    assert again.canonical == result.canonical


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(["MIT", "Apache-2.0", "(", ")", "AND", "OR", "WITH", "+",
                                 "LLVM-exception", "unknown", "Foo", ",", "()", "GPL-2.0+"]),
                max_size=8).map(" ".join))
def test_garbage_gives_a_judgement_or_a_one_line_syntax_error(expression):
    try:
        judge(expression)
    except LicenseSyntaxError as exc:
        assert "\n" not in str(exc)
        assert str(exc).endswith(ACCEPTED)


@pytest.mark.parametrize(("first", "second", "same"), [
    ("MIT OR Apache-2.0", "apache-2.0 or mit", True),
    ("GPL-3.0+ AND MIT", "MIT AND GPL-3.0-or-later", True),
    ("MIT AND (ISC OR BSD-3-Clause)", "(BSD-3-Clause OR ISC) AND MIT", True),
    ("MIT", "MIT OR ISC", False),
    ("GPL-2.0-only", "GPL-2.0-or-later", False),
    ("LicenseRef-Foo", "licenseref-foo", True),
])
def test_equivalent(first: str, second: str, same: bool) -> None:
    assert licenses.equivalent(first, second) is same


def test_equivalent_rejects_what_does_not_parse() -> None:
    with pytest.raises(LicenseSyntaxError):
        licenses.equivalent("MIT AND", "MIT")


def test_ids_the_library_lacks_keep_their_case(monkeypatch):
    """With an older license-expression index, the knowledge base's spelling is used."""
    library = licenses._library_ids()  # noqa: SLF001
    older = licenses._LibraryIds(  # noqa: SLF001
        {k: v for k, v in library.ids.items() if k != "licenseref-scancode-gemma-tou-2024-04-01"},
        library.aliases)
    monkeypatch.setattr(licenses, "_library_ids", lambda: older)
    licenses._parse.cache_clear()  # noqa: SLF001
    result = judge("licenseref-scancode-gemma-tou-2024-04-01")
    assert result.canonical == "LicenseRef-scancode-gemma-tou-2024-04-01"
    assert result.unknown_ids == () and result.verdict == "non-free"


@pytest.mark.parametrize("written, canonical", [
    ("GPL-3+", "GPL-3.0-or-later"),
    ("GPL-2", "GPL-2.0-only"),
    ("Expat", "MIT"),
    ("BSD-2-clause", "BSD-2-Clause"),
    ("GPL-2+ or Expat", "GPL-2.0-or-later OR MIT"),
    ("LGPL-2.1+ and Expat", "LGPL-2.1-or-later AND MIT"),
])
def test_dep5_short_names_are_the_same_licence_as_their_spdx_id(written, canonical):
    """A maintainer writes the licence as debian/copyright does; it is known and free."""
    judgement = judge(written)
    assert (judgement.verdict, judgement.unknown_ids, judgement.canonical) == (
        "free", (), canonical)
    assert licenses.equivalent(written, canonical)


def test_deprecated_spdx_forms_still_warn():
    assert judge("GPL-2.0+").deprecated == (("GPL-2.0+", "GPL-2.0-or-later"),)
    assert judge("GPL-2+").deprecated == ()
