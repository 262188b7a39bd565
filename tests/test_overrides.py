"""``aimodel overrides``: Lintian overrides only for tags that really fire."""

from __future__ import annotations

import os
import re
import subprocess
import textwrap
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import EXAMPLE_NAMES, copy_example, require_tools
from dh_aimodel import overrides as ov
from dh_aimodel.cli import main
from dh_aimodel.sourcetree import load

GOLDEN = Path(__file__).parent / "golden"
TAG = ov.LONG_LINE_TAG

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


# --- override syntax and matching --------------------------------------------------

@pytest.mark.parametrize("pattern, context, matches", [
    ("* [models/*]", "5179 > 512 [models/model.safetensors:1]", True),
    ("* [models/*.safetensors:*]", "5179 > 512 [models/model.safetensors:1]", True),
    ("*models/model.gguf*", "1394 > 512 [models/model.gguf:227]", True),
    ("1394 > 512 [models/model.gguf:227]", "1394 > 512 [models/model.gguf:227]", True),
    ("[models/*]", "1394 > 512 [models/model.gguf:227]", False),
    ("* [models/model.gguf:?]", "1394 > 512 [models/model.gguf:227]", False),
    ("* [models/model.gguf:???]", "1394 > 512 [models/model.gguf:227]", True),
])
def test_match_glob_is_lintians(pattern, context, matches):
    assert ov.match_glob(pattern, context) is matches


def test_parse_overrides():
    text = textwrap.dedent("""\
        # justification
        tiny-lm source: very-long-line-length-in-source-file * [models/*]
        tiny-lm: some-tag
        tiny-lm [!amd64] source: other-tag  a   b
        bare-tag
        """)
    got = [(e.package, e.archlist, e.type, e.tag, e.context, e.line)
           for e in ov.parse_overrides(text)]
    assert got == [
        ("tiny-lm", None, "source", TAG, "* [models/*]", 2),
        ("tiny-lm", None, None, "some-tag", "", 3),
        ("tiny-lm", "!amd64", "source", "other-tag", "a b", 4),
        (None, None, None, "bare-tag", "", 5),
    ]


# --- the command -------------------------------------------------------------------

def test_only_files_with_a_long_line_get_an_override(tmp_path, capsys):
    root = make_tree(tmp_path)
    status, out, err = run(capsys, "overrides", str(root))
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
    assert run(capsys, "overrides", "--write", str(root))[0] == 0
    text = (root / "debian/source/lintian-overrides").read_text()
    assert text.startswith(mine)
    assert text.count(f"toy source: {TAG} * [models/long.bin:*]\n") == 1
    # the justification is on its own lines, never on the override line
    for line in text.splitlines():
        assert line.startswith("#") or "#" not in line
    assert "Model toy (ML-Policy class non-free" in text
    status, out, err = run(capsys, "overrides", "--write", str(root))
    assert (status, out) == (0, "")
    assert "no override needed" in err
    assert (root / "debian/source/lintian-overrides").read_text() == text


def test_a_broader_existing_override_is_not_duplicated(tmp_path, capsys):
    root = make_tree(tmp_path, overrides=f"toy source: {TAG} * [models/*]\n")
    status, out, err = run(capsys, "overrides", "--write", str(root))
    assert (status, out) == (0, "")
    assert (root / "debian/source/lintian-overrides").read_text() == \
        f"toy source: {TAG} * [models/*]\n"


def test_an_existing_override_for_another_file_does_not_count(tmp_path, capsys):
    root = make_tree(tmp_path, overrides=f"toy source: {TAG} * [other/*]\n")
    run(capsys, "overrides", "--write", str(root))
    assert f"toy source: {TAG} * [models/long.bin:*]" in \
        (root / "debian/source/lintian-overrides").read_text()


def test_no_binary_overrides(tmp_path, capsys):
    """Lintian emits no tag for model files in a .deb (data/lintian-overrides.yaml)."""
    root = make_tree(tmp_path)
    run(capsys, "overrides", "--write", str(root))
    assert not (root / "debian/toy-data.lintian-overrides").exists()
    assert ov.load_data()["binary"] == ()


def test_select_prefers_shortest_pattern():
    hint = "700 > 512 [models/a.bin:1]"
    wanted = [ov.Override(TAG, "* [models/a.bin:*]", "# x", (hint,), "m"),
              ov.Override(TAG, "* [models/*.bin:*]", "# y", (hint,), "n")]
    kept = ov.select([], wanted, "toy", "source")
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
    expected = [f for m in tree_data.declaration.models for s in m.files
                for f in [tree / s.path] if f.is_file() and ov.longest_line(f)]
    assert len(fired) == len(expected), out
