"""``aimodel overrides``: Lintian overrides only for tags that really fire."""

from __future__ import annotations

import json
import os
import random
import re
import subprocess
import textwrap
from pathlib import Path

import pytest
from conftest import EXAMPLE_NAMES, copy_example, require_tools
from hypothesis import given, settings
from hypothesis import strategies as st

from dh_aimodel.cli import main
from dh_aimodel.packaging import lintian_version
from dh_aimodel.packaging import overrides as ov
from dh_aimodel.packaging.sourcetree import load

GOLDEN = Path(__file__).parents[1] / "golden"
TAG = ov.LONG_LINE_TAG
#: Lintian of Debian 12, which tags binary files with long "lines"; the
#: command tests write for it whatever Lintian is installed.
BOOKWORM = "2.116.3+deb12u1"

CONTROL = textwrap.dedent("""\
    Source: toy
    Section: non-free/science
    Maintainer: A <a@example.org>

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
        files: [models/long.bin, models/short.bin, models/cfg.json]
        license: CC-BY-NC-4.0
        copyright: 2024 Toy Labs
    """)


def make_tree(tmp_path: Path, overrides: str | None = None) -> Path:
    root = tmp_path / "toy"
    (root / "debian").mkdir(parents=True)
    (root / "models").mkdir()
    (root / "models/long.bin").write_bytes(b"GGUF\x03\x00" + b"\xab" * 600 + b"\n" + b"\x02" * 100)
    (root / "models/short.bin").write_bytes((b"\x03" * 100 + b"\n") * 50)
    (root / "models/cfg.json").write_bytes(b"{" + b'"a": 1, ' * 200 + b"}")
    (root / "debian/control").write_text(CONTROL)
    (root / "debian/aimodel.yaml").write_text(DECLARATION)
    if overrides is not None:
        (root / "debian/source").mkdir()
        (root / "debian/source/lintian-overrides").write_text(overrides)
    return root


def run(capsys, *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


# --- Lintian's line-length rule -------------------------------------------------

def reference_longest(data: bytes) -> tuple[int, int] | None:
    """LineLength.pm, literally: lines keep their newline; UTF-8 lines count characters."""
    best = None
    lines = re.findall(rb"[^\n]*\n|[^\n]+$", data)
    for number, line in enumerate(lines, 1):
        try:
            length = len(line.decode("utf-8"))
        except UnicodeDecodeError:
            length = len(line)
        if length > 512 and (best is None or length > best[0]):
            best = (length, number)
    return best


line_bytes = st.one_of(
    st.binary(max_size=1500),
    st.text(max_size=700).map(lambda s: s.replace("\n", "").encode("utf-8")),
    st.integers(0, 1400).map(lambda n: "é".encode() * n),
)


@settings(max_examples=200, deadline=None)
@given(lines=st.lists(line_bytes, max_size=8), trailing=st.booleans(),
       chunk=st.sampled_from([7, 64, 513, 1 << 20]))
def test_longest_line_matches_lintian(tmp_path_factory, lines, trailing, chunk):
    data = b"\n".join(lines) + (b"\n" if trailing and lines else b"")
    path = tmp_path_factory.mktemp("ll") / "f.bin"
    path.write_bytes(data)
    assert ov.longest_line(path, chunk) == reference_longest(data)


def test_longest_line_counts_utf8_characters(tmp_path):
    path = tmp_path / "x.bin"
    path.write_bytes("é".encode() * 400 + b"\n")   # 800 bytes, 401 characters
    assert ov.longest_line(path) is None
    path.write_bytes(b"\xff" + "é".encode() * 400 + b"\n")  # invalid: 802 bytes
    assert ov.longest_line(path) == (802, 1)


def test_lintian_skips_json_and_binary_extensions(tmp_path):
    j = tmp_path / "config.json"
    j.write_text("{}")
    assert ov.lintian_skips(j)
    m = tmp_path / "model.safetensors"
    m.write_bytes(b"\x00" * 10)
    assert not ov.lintian_skips(m)


# --- override syntax and matching ----------------------------------------------------
#
# Observed with Lintian 2.116 on real source packages (debhelper-lintian-facts.md),
# so these hold without Lintian; test_agrees_with_lintians_own_code checks the rest
# against Lintian's Perl.

CONTEXT = "1394 > 512 [models/model.gguf:227]"


@pytest.mark.parametrize("pattern, matches", [
    ("* [models/*]", True),
    ("* [models/*.gguf:*]", True),
    ("*models/model.gguf*", True),
    (CONTEXT, True),
    ("[models/*]", False),                  # anchored: the context starts with the length
    ("* [models/model.gguf:?]", False),
    ("* [models/model.gguf:???]", True),
    ("* [models/model?gguf:*]", True),
    (r"* [models/model\.gguf:*]", True),   # an escaped punctuation character is literal
    (r"1394 > 512 \[models/*", True),
    (r"\* > 512 [models/*]", False),       # an escaped * is a literal star
])
def test_match_glob(pattern, matches):
    assert ov.match_glob(pattern, CONTEXT) is matches


@pytest.mark.parametrize("line, silenced", [
    (TAG, True),                                        # a bare tag: every occurrence
    (f"toy source: {TAG} * [models/*]", True),
    (f"source: {TAG} * [models/*]", True),              # the type alone
    (f"toy: {TAG} * [models/*]", True),                 # the package alone
    (f"toy:{TAG}", True),                               # no space needed after the colon
    (f"  toy   source :  {TAG}   *   [models/*]  ", True),  # white space is folded
    (f"other-pkg source: {TAG}", False),                # read as tag "other-pkg"
    (f"toy binary: {TAG}", False),                      # malformed: no colon after "toy"
    (f"toy source {TAG}", False),                       # malformed: no colon
    (f"toy [amd64] source: {TAG}", False),              # positive lists are ignored
    (f"toy [!amd64] source: {TAG}", True),
    (f"{TAG} * [models/*] # why", False),              # a trailing comment is context
    (f"# {TAG}", False),
])
def test_override_lines_for_the_source(line, silenced):
    table = ov.enabled(ov.parse_overrides(f"# justification\n{line}\n", "toy source",
                                          "debian/source/lintian-overrides"))
    found = ov.overriding(table, TAG, CONTEXT)
    assert (found is not None) is silenced
    if silenced:
        assert (found.file, found.line) == ("debian/source/lintian-overrides", 2)


def test_binary_package_reads_its_own_prefix():
    text = "toy-data: a-tag x\ntoy-data binary: b-tag\ntoy source: c-tag\n[!i386]: d-tag\n"
    got = [(d.tag, d.pattern, d.architectures, d.line)
           for d in ov.parse_overrides(text, "toy-data")]
    assert got == [("a-tag", "x", (), 1), ("b-tag", "", (), 2), ("toy", "source: c-tag", (), 3),
                   ("d-tag", "", ("!i386",), 4)]


def test_pattern_less_override_wins_then_shortest_as_lintian_sorts():
    assert ov.choose({"*", ""}, "x") == ""
    assert ov.choose({"* [models/*]", "* [models/model.gguf:*]"}, CONTEXT) == "* [models/*]"
    # List::UtilsBy sort_by compares lengths as strings: "10" sorts before "9".
    assert ov.choose({"*]", "*gguf:227]", "*odel.gguf:227]"}, CONTEXT) == "*gguf:227]"
    assert ov.choose({"[other]"}, CONTEXT) is None


def test_later_line_with_the_same_pattern_replaces_the_earlier():
    table = ov.enabled(ov.parse_overrides(f"{TAG} *\n{TAG} *\n", "toy source"))
    assert ov.overriding(table, TAG, CONTEXT).line == 2


@pytest.mark.parametrize("text, covered", [
    ("toy-data: tag [a]\n", True),
    ("toy-data:   tag   [a]", True),
    ("tag [a]\n", True),                   # the same override without a prefix
    ("toy-data: tag\n", True),             # a bare override already covers every context
    ("# toy-data: tag [a]\n", False),
    ("toy-data: tag [b]\n", False),
    ("other: tag [a]\n", False),
])
def test_covered(text, covered):
    assert ov.covered(text, "toy-data: tag [a]") is covered


ORACLE = r"""
use v5.20; use warnings; use utf8;
use JSON::PP; use List::UtilsBy qw(sort_by); use Lintian::Util qw(match_glob);
package Pointer { sub new { bless {}, shift } sub pointer { $_[1] } }
package Processable { use Moo; has name => (is => 'ro'); has type => (is => 'ro');
  has override_file => (is => 'ro', default => sub { Pointer->new });
  with 'Lintian::Processable::Overrides'; }
package main;
my $json = JSON::PP->new->utf8->canonical;
my $in = $json->decode(do { local $/; <STDIN> });
my @parsed = map {
    my $p = Processable->new(name => $_->{package}, type => $_->{type});
    [map { [$_->tag_name, $_->pattern, $_->architectures, $_->position] }
     @{$p->parse_overrides($_->{text})}]
} @{$in->{files}};
my @globs = map { scalar(match_glob($_->[0], $_->[1])) ? 1 : 0 } @{$in->{globs}};
my @orders = map { my @by = sort_by { length } @$_; $by[0] } @{$in->{orders}};
print $json->encode({parsed => \@parsed, globs => \@globs, firsts => \@orders});
"""

ORACLE_LINES = """\
# a justification
   # indented comment

toy source: t  a   b
toy   source :t
toy source:t [x]
toy: t
toy:t
toy-data: t
toy-data binary: t
toy-data udeb: t
other source: t
toy binary: t
toy source t
toy
toy:
source: t *
binary: t *
[!amd64] : t c
[amd64 !i386]: t
toy [!amd64] source: t
[!amd64]t
toyx: t
t * [models/*] # why
\tt\tx  y\t
t [a]: b
t\\ x
t é*"""


def _lintian_libs() -> list[tuple[str, Path]]:
    """The installed Lintian, and unpacked ones of other releases in /tmp/lintian-VERSION."""
    libs = [("installed", Path("/usr/share/lintian/lib"))]
    libs += [(d.name.removeprefix("lintian-"), d / "usr/share/lintian/lib")
             for d in sorted(Path("/tmp").glob("lintian-2.*")) if d.is_dir()]
    return libs


@pytest.mark.parametrize("name, lib", _lintian_libs(), ids=lambda v: str(v))
def test_agrees_with_lintians_own_code(name, lib):
    """Parser, glob and pattern order against each Lintian's own Perl, on tricky input."""
    require_tools("perl")
    if not (lib / "Lintian/Processable/Overrides.pm").is_file():
        pytest.skip(f"no Lintian modules in {lib}")
    version = ov.installed_lintian() if name == "installed" else \
        tuple(int(n) for n in re.findall(r"\d+", name))
    rng = random.Random(2116)
    letters = "ab*?\\[]. :/é"
    globs = [("".join(rng.choices(letters, k=rng.randint(0, 6))),
              "".join(rng.choices(letters, k=rng.randint(0, 8)))) for _ in range(3000)]
    globs += [(p, p) for p, _ in globs[:300]]  # a pattern against its own text
    globs += [("./a*", "a/b"), ("./a*", "./a/b"), ("./", ""), ("./*", "x")]  # the ./ rule
    # Runs of "*" match any context, so choose() returns the one it tries first.
    orders = [["*" * rng.randint(1, 14) for _ in range(3)] for _ in range(300)]
    labels = ["toy source", "toy-data", "toy-data udeb"]
    request = {"files": [{"package": label.partition(" ")[0],
                          "type": label.partition(" ")[2] or "binary", "text": ORACLE_LINES}
                         for label in labels],
               "globs": globs, "orders": orders}
    proc = subprocess.run(["perl", f"-I{lib}", "-e", ORACLE], input=json.dumps(request),
                          capture_output=True, text=True, check=True)
    lintian = json.loads(proc.stdout)
    for label, theirs in zip(labels, lintian["parsed"]):
        ours = [[d.tag, d.pattern, list(d.architectures), d.line]
                for d in ov.parse_overrides(ORACLE_LINES, label)]
        assert ours == theirs, label
    assert [int(ov.match_glob(p, c, version)) for p, c in globs] == lintian["globs"]
    assert [len(ov.choose(o, "x")) for o in orders] == [len(f) for f in lintian["firsts"]]


@pytest.mark.parametrize("version, matches", [((2, 116, 3), False), ((2, 122, 0), True),
                                              ((2, 143, 0), True)])
def test_leading_dot_slash_follows_the_lintian_version(version, matches):
    """Lintian 2.122 and later drop "./" from a pattern; bookworm's 2.116 does not."""
    assert ov.match_glob("./models/*", "models/a.gguf", version) is matches
    assert ov.match_glob("models/*", "models/a.gguf", version)


# --- the command -------------------------------------------------------------------

def test_only_files_with_a_long_line_get_an_override(tmp_path, capsys):
    root = make_tree(tmp_path)
    status, out, err = run(capsys, "overrides", "--lintian-version", BOOKWORM, str(root))
    assert status == 0, err
    if os.environ.get("UPDATE_GOLDEN") == "1":
        (GOLDEN / "overrides-print.out").write_text(out)
    assert out == (GOLDEN / "overrides-print.out").read_text()
    overrides = [line for line in out.splitlines() if line and not line.startswith("#")]
    assert overrides == [f"toy source: {TAG} * [models/long.bin:*]"]
    assert not (root / "debian/source/lintian-overrides").exists()  # printing writes nothing


def test_write_merges_and_is_idempotent(tmp_path, capsys):
    mine = "# my own\ntoy source: some-other-tag\n"
    root = make_tree(tmp_path, overrides=mine)
    assert run(capsys, "overrides", "--lintian-version", BOOKWORM, "--write", str(root))[0] == 0
    text = (root / "debian/source/lintian-overrides").read_text()
    assert text.startswith(mine)
    assert text.count(f"toy source: {TAG} * [models/long.bin:*]\n") == 1
    # the justification is on its own lines, never on the override line
    for line in text.splitlines():
        assert line.startswith("#") or "#" not in line
    assert "Model toy (ML-Policy class non-free" in text
    status, out, err = run(capsys, "overrides", "--lintian-version", BOOKWORM, "--write", str(root))
    assert (status, out) == (0, "")
    assert "no override needed" in err
    assert (root / "debian/source/lintian-overrides").read_text() == text


def test_a_broader_existing_override_is_not_duplicated(tmp_path, capsys):
    root = make_tree(tmp_path, overrides=f"toy source: {TAG} * [models/*]\n")
    status, out, err = run(capsys, "overrides", "--lintian-version", BOOKWORM, "--write", str(root))
    assert (status, out) == (0, "")
    assert (root / "debian/source/lintian-overrides").read_text() == \
        f"toy source: {TAG} * [models/*]\n"


def test_an_existing_override_for_another_file_does_not_count(tmp_path, capsys):
    root = make_tree(tmp_path, overrides=f"toy source: {TAG} * [other/*]\n")
    run(capsys, "overrides", "--lintian-version", BOOKWORM, "--write", str(root))
    assert f"toy source: {TAG} * [models/long.bin:*]" in \
        (root / "debian/source/lintian-overrides").read_text()


def test_no_binary_overrides(tmp_path, capsys):
    """Lintian emits no tag for model files in a .deb (data/lintian-overrides.yaml)."""
    root = make_tree(tmp_path)
    run(capsys, "overrides", "--lintian-version", BOOKWORM, "--write", str(root))
    assert not (root / "debian/toy-data.lintian-overrides").exists()
    assert ov.load_data()["binary"] == ()


def test_select_prefers_shortest_pattern():
    hint = "700 > 512 [models/a.bin:1]"
    wanted = [ov.Override(TAG, "* [models/a.bin:*]", "# x", (hint,), "m"),
              ov.Override(TAG, "* [models/*.bin:*]", "# y", (hint,), "n")]
    kept = ov.select([], wanted)
    assert [o.context for o in kept] == ["* [models/*.bin:*]"]


# --- real Lintian -------------------------------------------------------------------

@pytest.mark.integration
@pytest.mark.parametrize("keep_maintainer_file", [False, True])
@pytest.mark.parametrize("example", EXAMPLE_NAMES)
def test_lintian_uses_every_generated_override(tmp_path, capsys, example, keep_maintainer_file):
    require_tools("dpkg-source", "lintian")
    tree = copy_example(example, tmp_path)
    maintainer = tree / "debian/source/lintian-overrides"
    if not keep_maintainer_file and maintainer.exists():
        maintainer.unlink()
    assert run(capsys, "overrides", "--write", str(tree))[0] == 0
    subprocess.run(["dpkg-source", "-b", tree.name], cwd=tmp_path, check=True,
                   capture_output=True)
    dsc = next(tmp_path.glob("*.dsc"))
    out = subprocess.run(["lintian", "-EvIL", "+pedantic", "--show-overrides", str(dsc)],
                         capture_output=True, text=True, check=False).stdout
    assert not re.search(rf"^[EWIPX]: .*{TAG}", out, re.M), out
    assert not re.search(r"unused-override|mismatched-override", out), out
    fired = re.findall(rf"^O: .*{TAG}", out, re.M)
    tree_data = load(tree)
    version, _ = ov.target_lintian()  # the installed Lintian, which checks it here
    expected = [f for m in tree_data.declaration.models for s in m.files
                for f in [tree / s.path] if f.is_file() and ov.longest_line(f)
                and any(not ov.lintian_skips(f, e.get("file-type", ""))
                        for e in ov.entries("source", version))]
    assert len(fired) == len(expected), out


# --- Lintian versions ----------------------------------------------------------------

@pytest.mark.parametrize("text, version", [("2.116.3+deb12u1", (2, 116, 3)), ("2.122.0", (2, 122)),
                                           ("v2.143.0", (2, 143)), ("2.124", (2, 124))])
def test_parse_version(text, version):
    assert ov.parse_version(text) == version


def test_parse_version_refuses_what_is_not_a_version():
    with pytest.raises(ValueError, match="not a Lintian version: 'sid'"):
        ov.parse_version("sid")


@pytest.mark.parametrize("relations, version, holds", [
    ("<< 2.124", (2, 122), True), ("<< 2.124", (2, 124), False),
    (">= 2.124", (2, 143), True), (">= 2.124", (2, 116, 3), False),
    (">= 2.117, << 2.124", (2, 122), True), (">= 2.117, << 2.124", (2, 116, 3), False),
    ("", (2, 116, 3), True), ("= 2.122.0", (2, 122), True), (">> 2.122", (2, 122), False)])
def test_holds(relations, version, holds):
    assert ov.holds(relations, version) is holds


@pytest.mark.parametrize("lintian, file_type", [("2.116.3+deb12u1", ""), ("2.122.0", ""),
                                                ("2.123.9", ""),
                                                ("2.124", "(ASCII|Unicode) text"),
                                                ("2.143.0", "(ASCII|Unicode) text")])
def test_line_length_entry_follows_the_lintian_version(lintian, file_type):
    (entry,) = ov.entries("source", ov.parse_version(lintian))
    assert (entry["tag"], entry["file-type"]) == (TAG, file_type)


@pytest.mark.parametrize("name, lib", _lintian_libs(), ids=lambda v: str(v))
def test_data_agrees_with_each_lintians_line_length_check(name, lib):
    """The file-type condition of the data is the one in that Lintian's LineLength.pm."""
    check = lib / "Lintian/Check/Files/Contents/LineLength.pm"
    if not check.is_file():
        pytest.skip(f"no Lintian modules in {lib}")
    version = ov.installed_lintian() if name == "installed" else ov.parse_version(name)
    perl = check.read_text(encoding="utf-8")
    text_only = re.search(r"qr\{\(ASCII\|Unicode\) text\}", perl) is not None
    (entry,) = ov.entries("source", version)
    assert bool(entry["file-type"]) is text_only
    assert "image|bitmap|JSON" in perl  # the skip of images and JSON, in every version


def test_newer_lintian_needs_no_override_for_binary_weights(tmp_path, capsys):
    root = make_tree(tmp_path)
    status, out, err = run(capsys, "overrides", "--lintian-version", "2.143.0", str(root))
    assert (status, out) == (0, "")
    assert "no override needed" in err


def test_newer_lintian_still_needs_one_for_text_weights(tmp_path, capsys):
    root = make_tree(tmp_path)
    (root / "models/long.bin").write_text("0.125, " * 100 + "\n")  # gnubg-style text weights
    status, out, _ = run(capsys, "overrides", "--lintian-version", "2.143.0", str(root))
    assert status == 0
    assert f"toy source: {TAG} * [models/long.bin:*]" in out
    assert "numbers written out as text" in out and "against Lintian 2.143.0\n" in out


def test_a_bad_lintian_version_is_one_clear_line(tmp_path, capsys):
    root = make_tree(tmp_path)
    status, out, err = run(capsys, "overrides", "--lintian-version", "sid", str(root))
    assert (status, out) == (2, "")  # a usage error, as every bad option
    assert err == ("aimodel: error: --lintian-version: not a Lintian version: 'sid'; "
                   "accepted: a version such as 2.116.3 or 2.143.0\n")


def test_unused_by_newer_lintian(tmp_path):
    root = make_tree(tmp_path)
    files = [root / "models/long.bin", root / "models/short.bin"]
    declared = ov.parse_overrides(f"toy source: {TAG} * [models/*]\n"
                                  f"toy source: {TAG} * [other/*]\n", "toy source", "o")
    (unused,) = ov.unused_by_newer(declared, root, files)
    assert (unused.override.pattern, unused.lintian) == ("* [models/*]", ("2.143.0", "sid"))


def _tool(bin_dir: Path, name: str, body: str) -> None:
    bin_dir.mkdir(exist_ok=True)
    (bin_dir / name).write_text(f"#!/bin/sh\n{body}\n")
    (bin_dir / name).chmod(0o755)


@pytest.mark.parametrize("dpkg, expected", [
    ("echo -n 'installed 2.122.0+deb13u1'", "2.122.0+deb13u1"),
    ("echo -n 'config-files 2.122.0+deb13u1'", "2.143.0"),  # removed, its conffiles kept
    ("exit 1", "2.143.0")])
def test_installed_lintian_is_asked_of_dpkg_first(tmp_path, monkeypatch, dpkg, expected):
    """dpkg-query answers in 10 ms; ``lintian --version`` (0.4 s) only when dpkg does not know."""
    bin_dir = tmp_path / "bin"
    _tool(bin_dir, "dpkg-query", dpkg)
    _tool(bin_dir, "lintian", "echo 'Lintian v2.143.0'")
    monkeypatch.setenv("PATH", f"{bin_dir}:{os.environ['PATH']}")
    lintian_version._installed_lintian_text.cache_clear()  # noqa: SLF001
    try:
        assert ov.target_lintian() == (ov.parse_version(expected), expected)
    finally:
        lintian_version._installed_lintian_text.cache_clear()  # noqa: SLF001
