"""Overrides for programs that embed a model, and the source package's own files.

``spelling-error-in-binary`` is checked against Lintian's own Perl
(Lintian::Spelling); which files a source package holds against a real orig
tarball and a real git tree.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tarfile
import textwrap
from pathlib import Path

import pytest
from conftest import require_tools
from hypothesis import given, settings
from hypothesis import strategies as st

from dh_aimodel.manifest.loader import load_text
from dh_aimodel.packaging import binary_spelling
from dh_aimodel.packaging import overrides as ov
from dh_aimodel.packaging.source_package import source_package_files

LINTIAN_LIB = Path("/usr/share/lintian/lib")

#: Lintian::Spelling's check_spelling, run on NUL-separated texts, duplicate check off
#: as Check/Binaries/Spelling.pm calls it.
ORACLE = r"""
use strict; use warnings;
use lib '/usr/share/lintian/lib';
use Lintian::Profile; use Lintian::Spelling qw(check_spelling);
use Encode qw(decode_utf8 encode_utf8);
use JSON::PP;
my $profile = Lintian::Profile->new; $profile->load('debian', ['/usr/share/lintian']);
my $in = do { local $/; decode_utf8(<STDIN>) };
my $request = JSON::PP->new->decode($in);
my @out;
for my $text (@{$request->{texts}}) {
    my @found;
    check_spelling($profile->data, $text, $request->{accepted},
                   sub { push @found, [@_] }, 0);
    push @out, \@found;
}
print encode_utf8(JSON::PP->new->encode(\@out));
"""

WORDS = ["teh", "Teh", "TEH", "recieve", "accross,", "Accross.", "(recieve)", "[teh]",
         "allows", "to", "an", "other", "x", "toy", "toy-data", "data", "the", "\n", "-",
         "ABC", "seperate", "(s)", "\t", "permits", "Recieve!", "é", "none", "the less"]


def _lintian_spelling(texts: list[str], accepted: list[str]) -> list[list[list[str]]]:
    proc = subprocess.run(["perl", "-e", ORACLE],
                          input=json.dumps({"texts": texts, "accepted": accepted}),
                          capture_output=True, text=True, check=True)
    return json.loads(proc.stdout)


@pytest.mark.skipif(not (LINTIAN_LIB / "Lintian/Spelling.pm").is_file(),
                    reason="Lintian is not installed")
@settings(max_examples=20, deadline=None)
@given(st.lists(st.lists(st.sampled_from(WORDS), max_size=12).map(" ".join),
                min_size=1, max_size=30))
def test_misspellings_agree_with_lintians_check_spelling(texts):
    require_tools("perl")
    accepted = sorted(binary_spelling.exceptions(["toy", "toy-data"]))
    theirs = _lintian_spelling(texts, accepted)
    ours = [[list(pair) for pair in binary_spelling.misspellings(t, accepted)] for t in texts]
    assert ours == theirs


def test_package_names_and_their_pieces_are_accepted_words():
    accepted = binary_spelling.exceptions(["teh-engine"])
    assert {"teh-engine", "teh", "engine"} <= accepted
    if (binary_spelling.LINTIAN_DATA_DIR / "spelling/corrections").is_file():
        assert binary_spelling.misspellings("teh recieve", accepted) == [("recieve", "receive")]


# --- the embedded model's overrides ----------------------------------------------------

DECLARATION = textwrap.dedent("""\
    format: 1
    models:
      - name: net
        package: engine
        delivery: embedded
        installed: [usr/games/engine*]
        files: [nets/net.nnue]
        license: MIT
        copyright: 2026 Engine developers
      - name: clean
        package: engine
        delivery: embedded
        installed: [usr/games/engine]
        files: [nets/clean.nnue]
        license: MIT
        copyright: 2026 Engine developers
    """)


@pytest.fixture
def built_engine(tmp_path):
    """A tree with the host program already built in debian/engine/ (cc, as a real build)."""
    require_tools("cc", "strings", "file")
    if not (binary_spelling.LINTIAN_DATA_DIR / "spelling/corrections").is_file():
        pytest.skip("Lintian's spelling data is not installed")
    root = tmp_path / "engine"
    (root / "nets").mkdir(parents=True)
    (root / "nets/net.nnue").write_bytes(b"\x01\x02teh recieve accross\x00\xff" * 4)
    (root / "nets/clean.nnue").write_bytes(b"\x01\x02 the receive across \x00" * 4)
    (root / "engine.c").write_text('__asm__(".section .rodata\\n.incbin \\"nets/net.nnue\\"\\n'
                                   '.previous");\nint main(void) { return 0; }\n')
    games = root / "debian/engine/usr/games"
    games.mkdir(parents=True)
    subprocess.run(["cc", "-o", str(games / "engine"), "engine.c"], cwd=root, check=True)
    (games / "engine.txt").write_text("teh manual\n")  # matches the glob, not ELF
    (root / "debian/aimodel.yaml").write_text(DECLARATION)
    return root


@pytest.mark.parametrize("lintian, context", [("2.116.3+deb12u1", "* [usr/games/engine*]"),
                                              ("2.122.0", "* [usr/games/engine*]"),
                                              ("2.134.0", "* [usr/games/engine*]"),
                                              ("2.135.0", "* [usr/games/engine]"),
                                              ("2.143.0", "* [usr/games/engine]")])
def test_the_host_of_a_misspelling_model_gets_one_override(built_engine, lintian, context):
    declaration = load_text((built_engine / "debian/aimodel.yaml").read_text(), "aimodel.yaml")
    found = ov.embedded_overrides(declaration, "engine", built_engine / "debian/engine",
                                  built_engine, ["engine"], lintian)
    # Only the model whose bytes hold misspellings, only on the ELF host.
    assert [(o.tag, o.context, o.model) for o in found] == [
        (binary_spelling.SPELLING_TAG, context, "net")]
    (override,) = found
    assert override.hints == ("teh the [usr/games/engine]", "recieve receive [usr/games/engine]",
                              "accross across [usr/games/engine]")
    assert all(ov.match_glob(override.context, h, ov.parse_version(lintian))
               for h in override.hints)
    assert "embedded in this program" in override.comment
    assert f"Lintian {lintian}" in override.comment.replace("\n# ", " ")


def test_no_override_before_the_host_is_built(built_engine, capsys):
    from dh_aimodel.cli import main

    shutil.rmtree(built_engine / "debian/engine")
    (built_engine / "debian/control").write_text(
        "Source: engine\n\nPackage: engine\nArchitecture: any\nDescription: e\n e\n")
    assert main(["overrides", str(built_engine)]) == 0
    assert "spelling" not in capsys.readouterr().out


def test_aimodel_overrides_writes_the_binary_override_file(built_engine, capsys):
    from dh_aimodel.cli import main

    (built_engine / "debian/control").write_text(
        "Source: engine\n\nPackage: engine\nArchitecture: any\nDescription: e\n e\n")
    args = ["overrides", "--lintian-version", "2.143.0", "--write", str(built_engine)]
    assert main(args) == 0
    text = (built_engine / "debian/engine.lintian-overrides").read_text()
    assert text.splitlines()[-1] == "engine: spelling-error-in-binary * [usr/games/engine]"
    assert main(args) == 0  # a second run adds nothing
    assert (built_engine / "debian/engine.lintian-overrides").read_text() == text


# --- which files the source package holds ---------------------------------------------

def _tree(root: Path, source_format: str) -> Path:
    tree = root / "toy-1.0"
    for path in ("models/a.bin", "build/a.bin", "obj-x86_64-linux-gnu/a.bin", "debian/x"):
        (tree / path).parent.mkdir(parents=True, exist_ok=True)
        (tree / path).write_bytes(b"x")
    (tree / "debian/source").mkdir()
    (tree / "debian/source/format").write_text(source_format + "\n")
    (tree / "debian/changelog").write_text(
        "toy (2:1.0-1) unstable; urgency=medium\n\n  * x\n\n"
        " -- A <a@example.org>  Mon, 01 Jan 2024 00:00:00 +0000\n")
    return tree


def test_a_quilt_source_holds_its_orig_tarballs_files(tmp_path):
    tree = _tree(tmp_path, "3.0 (quilt)")
    with tarfile.open(tmp_path / "toy_1.0.orig.tar.xz", "w:xz") as tar:
        tar.add(tree / "models/a.bin", "toy-1.0/models/a.bin")
    with tarfile.open(tmp_path / "toy_1.0.orig-extra.tar.gz", "w:gz") as tar:
        tar.add(tree / "models/a.bin", "extra-1/b.bin")
    (tree / "extra").mkdir()
    (tree / "extra/b.bin").write_bytes(b"y")
    assert source_package_files(tree) == ["extra/b.bin", "models/a.bin"]


def test_a_source_under_git_holds_what_git_tracks(tmp_path):
    require_tools("git")
    tree = _tree(tmp_path, "3.0 (native)")
    (tree / ".gitignore").write_text("/build/\n")
    subprocess.run(["git", "init", "-q", str(tree)], check=True)
    assert source_package_files(tree) == [".gitignore", "models/a.bin",
                                          "obj-x86_64-linux-gnu/a.bin"]


def test_otherwise_debhelpers_build_directories_are_left_out(tmp_path):
    tree = _tree(tmp_path, "3.0 (native)")
    if shutil.which("git") and subprocess.run(["git", "-C", str(tree), "rev-parse"],
                                              capture_output=True, check=False).returncode == 0:
        pytest.skip("tmp_path is inside a git work tree")
    assert source_package_files(tree) == ["build/a.bin", "models/a.bin"]
