"""dh_aimodel's debhelper options: every source dh uses, and what main() does with them."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import require_tools

from dh_aimodel.core.errors import UsageError
from dh_aimodel.dh import command as dh
from dh_aimodel.dh.options import UNKNOWN_OPTION, DhOptions, HelpRequested, parse


def opts(*argv: str, **env: str) -> DhOptions:
    return parse(list(argv), env)


# -- parsing ---------------------------------------------------------------------

@pytest.mark.parametrize("argv, selection", [
    ([], ()),
    (["-a"], ("-a",)),
    (["--arch"], ("-a",)),
    (["-i"], ("-i",)),
    (["--indep"], ("-i",)),
    (["-ia"], ("-i", "-a")),
    (["-pfoo"], ("-pfoo",)),
    (["-p", "foo"], ("-pfoo",)),
    (["--package=foo"], ("-pfoo",)),
    (["--package", "foo", "-Nbar"], ("-pfoo", "-Nbar")),
    (["--no-package=bar"], ("-Nbar",)),
    (["-vpfoo"], ("-pfoo",)),
    (["--mainpackage=foo"], ("--mainpackage=foo",)),
])
def test_package_selection_goes_to_dh_listpackages_in_order(argv, selection):
    assert opts(*argv).listpackages_args == selection


@pytest.mark.parametrize("argv, verbose, no_act", [
    ([], False, False),
    (["-v"], True, False),
    (["--verbose"], True, False),
    (["--no-act"], False, True),
    (["-v", "--no-act"], True, True),
])
def test_verbose_and_no_act_flags(argv, verbose, no_act):
    o = opts(*argv)
    assert (o.verbose, o.no_act) == (verbose, no_act)


@pytest.mark.parametrize("env, verbose, quiet, no_act", [
    ({"DH_VERBOSE": "1"}, True, False, False),
    ({"DH_VERBOSE": ""}, False, False, False),
    ({"DH_QUIET": "1"}, False, True, False),
    ({"DH_QUIET": "1", "DH_VERBOSE": "1"}, True, False, False),
    ({"DEB_BUILD_OPTIONS": "nocheck terse"}, False, True, False),
    ({"DH_NO_ACT": "1"}, False, False, True),
    ({"DH_NO_ACT": ""}, False, False, False),
])
def test_environment_variables(env, verbose, quiet, no_act):
    o = opts(**env)
    assert (o.verbose, o.quiet, o.no_act) == (verbose, quiet, no_act)


def test_dh_options_are_parsed_before_argv():
    o = opts("-pfoo", DH_OPTIONS="-v --no-act")
    assert (o.verbose, o.no_act, o.warnings) == (True, True, ())
    assert o.listpackages_args == ("-pfoo",)  # dh_listpackages reads DH_OPTIONS itself


def test_unknown_option_in_dh_options_is_a_warning_and_the_rest_applies():
    o = opts(DH_OPTIONS="--custom-flag -v")
    assert o.warnings == ("ignored unknown options in DH_OPTIONS",)
    assert o.verbose


def test_dh_internal_options_are_separated_by_0x1e():
    o = opts(DH_INTERNAL_OPTIONS="-i\x1e-O--no-parallel\x1e-O-v")
    assert o.verbose
    assert o.ignored == ("--no-parallel",)
    assert o.listpackages_args == ()  # dh_listpackages reads DH_INTERNAL_OPTIONS itself


def test_unknown_option_in_dh_internal_options_is_ignored_silently():
    o = opts(DH_INTERNAL_OPTIONS="--something-new\x1e-v")
    assert o.verbose and o.warnings == ()


@pytest.mark.parametrize("argv, ignored, verbose", [
    (["-O--no-parallel"], ("--no-parallel",), False),
    (["-O--buildsystem=makefile"], ("--buildsystem=makefile",), False),
    (["-O-v"], (), True),
    (["-O=-v"], (), True),
    (["-O", "-v"], (), True),
    (["-O=--custom-flag"], ("--custom-flag",), False),
    (["-O-O-v"], ("-O-v",), False),
    (["-O--help"], ("--help",), False),
])
def test_O_options_take_effect_when_ours_and_are_ignored_otherwise(argv, ignored, verbose):
    o = opts(*argv)
    assert (o.ignored, o.verbose) == (ignored, verbose)


def test_O_options_are_passed_to_dh_listpackages_verbatim():
    assert opts("-O-Nfoo", "-O--no-parallel").listpackages_args == (
        "-O-Nfoo", "-O--no-parallel")


@pytest.mark.parametrize("argv, detail", [
    (["--custom-flag"], "unknown option '--custom-flag'"),
    (["-x"], "unknown option '-x'"),
    (["--verb"], "unknown option '--verb'"),  # no abbreviations, as in compat 13
    (["-p"], "argument -p/--package: expected one argument"),
    (["--verbose=1"], "ignored explicit argument '1'"),
    (["models/x.gguf"], "unexpected argument 'models/x.gguf'; dh_aimodel takes no file "
                        "arguments"),
])
def test_unknown_or_bad_options_on_the_command_line_are_fatal(argv, detail):
    with pytest.raises(UsageError) as caught:
        opts(*argv)
    assert str(caught.value).startswith(UNKNOWN_OPTION)
    assert detail in str(caught.value)
    assert caught.value.exit_status == 2


def test_tmpdir_and_remaining_packages():
    o = opts("-Pdebian/tmp-x", "--remaining-packages")
    assert (o.tmpdir, o.remaining_packages) == ("debian/tmp-x", True)
    assert opts("--tmpdir=x").tmpdir == "x"


def test_help_only_from_the_command_line():
    with pytest.raises(HelpRequested):
        opts("--help")
    assert not opts(DH_OPTIONS="-h").verbose  # ignored there, not shown


# -- main() ------------------------------------------------------------------------

def test_without_declaration_exits_0_silently(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DH_VERBOSE", raising=False)
    assert dh.main([]) == 0
    assert capsys.readouterr() == ("", "")


def test_without_declaration_verbose_says_so(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DH_VERBOSE", "1")
    assert dh.main([]) == 0
    assert capsys.readouterr().out == "\tdh_aimodel: no debian/aimodel.yaml: nothing to do\n"


def test_unknown_option_is_fatal_in_main(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert dh.main(["--custom-flag"]) == 2
    assert capsys.readouterr().err == (
        f"dh_aimodel: error: {UNKNOWN_OPTION} (unknown option '--custom-flag')\n")


def test_help(capsys):
    assert dh.main(["--help"]) == 0
    assert capsys.readouterr().out.startswith("Usage: dh_aimodel [debhelper options]")


def _written(tree: Path) -> list[str]:
    return sorted(p.relative_to(tree).as_posix() for p in tree.rglob("*") if p.is_file())


def test_no_act_writes_nothing_and_verbose_says_what_it_would(staged_example, capsys):
    require_tools("dh_listpackages")
    tree = staged_example("toxic-candy")
    before = {p: p.read_bytes() for p in tree.rglob("*") if p.is_file()}
    assert dh.main(["-v", "--no-act"]) == 0
    after = {p: p.read_bytes() for p in tree.rglob("*") if p.is_file()}
    assert after == before
    out = capsys.readouterr().out.splitlines()
    assert "\tdh_aimodel: tiny-lm-data: scan debian/tiny-lm-data/" in out
    assert ("\tdh_aimodel: tiny-lm-data: debian/tiny-lm-data/usr/share/tiny-lm/tiny-lm.gguf: "
            "model tiny-lm, sha256 c3f524f16c878561109440497453a86b4576e4cbf5e4d7d71da0511b"
            "891896cb (as models/tiny-lm.gguf)") in out
    assert ("\tdh_aimodel: write debian/tiny-lm-data/usr/share/doc/tiny-lm-data/"
            "README.aimodel (--no-act: not written)") in out


def test_dh_no_act_environment_writes_nothing(staged_example, monkeypatch, capsys):
    require_tools("dh_listpackages")
    tree = staged_example("toxic-candy")
    monkeypatch.setenv("DH_NO_ACT", "1")
    before = _written(tree)
    assert dh.main([]) == 0
    assert _written(tree) == before
    assert capsys.readouterr() == ("", "")


def test_dh_verbose_prints_tab_indented_lines_of_what_it_writes(staged_example, monkeypatch,
                                                                capsys):
    require_tools("dh_listpackages")
    staged_example("toxic-candy")
    monkeypatch.setenv("DH_VERBOSE", "1")
    assert dh.main([]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out and all(line.startswith("\tdh_aimodel: ") for line in out)
    assert "\tdh_aimodel: write debian/tiny-lm-data.substvars" in out


def test_quiet_run_prints_nothing(staged_example, capsys):
    require_tools("dh_listpackages")
    staged_example("free-model")
    assert dh.main([]) == 0
    assert capsys.readouterr() == ("", "")


def test_excluded_package_is_not_acted_on(staged_example, capsys):
    require_tools("dh_listpackages")
    tree = staged_example("toxic-candy")
    assert dh.main(["-Ntiny-lm-data"]) == 0
    assert not (tree / "debian/tiny-lm-data.substvars").exists()
    assert not (tree / "debian/tiny-lm-data/usr/share/doc").exists()


def test_O_package_exclusion_from_dh_is_applied(staged_example):
    require_tools("dh_listpackages")
    tree = staged_example("toxic-candy")
    assert dh.main(["-O-Ntiny-lm-data", "-O--no-parallel"]) == 0
    assert not (tree / "debian/tiny-lm-data.substvars").exists()


def test_arch_only_run_acts_on_no_arch_all_package(staged_example):
    require_tools("dh_listpackages")
    tree = staged_example("toxic-candy")
    assert dh.main(["-a"]) == 0
    assert not (tree / "debian/tiny-lm-data.substvars").exists()


def test_unknown_package_is_reported_from_dh_listpackages(staged_example, capsys):
    require_tools("dh_listpackages")
    staged_example("toxic-candy")
    assert dh.main(["-pnope"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("dh_aimodel: error: Requested unknown package nope via "
                          "-p/--package")
    assert err.rstrip().endswith("(from dh_listpackages -pnope)")


def test_override_target_logs_the_run_for_remaining_packages(staged_example, monkeypatch):
    require_tools("dh_listpackages")
    tree = staged_example("toxic-candy")
    monkeypatch.setenv("DH_INTERNAL_OVERRIDE", "dh_aimodel")
    assert dh.main([]) == 0
    assert (tree / "debian/tiny-lm-data.debhelper.log").read_text() == "dh_aimodel\n"
    (tree / "debian/tiny-lm-data.substvars").unlink()
    monkeypatch.delenv("DH_INTERNAL_OVERRIDE")
    assert dh.main(["--remaining-packages"]) == 0
    assert not (tree / "debian/tiny-lm-data.substvars").exists()


def test_dh_internal_options_select_packages_through_dh_listpackages(staged_example,
                                                                     monkeypatch):
    """As in ``override_dh_aimodel`` during ``dpkg-buildpackage -B``: -a only."""
    require_tools("dh_listpackages")
    tree = staged_example("toxic-candy")
    monkeypatch.setenv("DH_INTERNAL_OPTIONS", "-a\x1e-O--no-parallel")
    assert dh.main([]) == 0
    assert not (tree / "debian/tiny-lm-data.substvars").exists()
    monkeypatch.setenv("DH_INTERNAL_OPTIONS", "-i\x1e-O--no-parallel")
    assert dh.main([]) == 0
    assert (tree / "debian/tiny-lm-data.substvars").exists()


def test_lintian_version_is_checked_and_kept():
    assert parse(["--lintian-version=2.143.0"], {}).lintian_version == "2.143.0"
    assert parse([], {"DH_OPTIONS": "--lintian-version=2.122.0"}).lintian_version == "2.122.0"
    with pytest.raises(UsageError, match=r"^--lintian-version: not a Lintian version: 'sid'; "
                                         r"accepted: a version such as 2.116.3 or 2.143.0$"):
        parse(["--lintian-version=sid"], {})
