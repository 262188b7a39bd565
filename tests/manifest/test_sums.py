"""debian/aimodel.sums: parsing, rendering, and what an update keeps."""

from __future__ import annotations

import textwrap

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dh_aimodel.core.errors import DeclarationError, Pos
from dh_aimodel.manifest.loader import load_text
from dh_aimodel.manifest.sums import (
    HEADER,
    MISMATCH,
    Entry,
    check,
    lock_paths,
    lockable,
    parse_sums,
    pinned,
    read_sums,
    render_sums,
    update,
)

A = "a" * 64
B = "b" * 64
C = "c" * 64
NAME = "debian/aimodel.sums"

# A path component: anything but '/' and NUL (which no file name holds), a
# lone surrogate standing for a byte that is not UTF-8; never '..'.
_component = st.text(st.characters(blacklist_characters="/\x00",
                                   blacklist_categories=("Cs",))
                     | st.sampled_from(["\\", "\n", "\r", " ", "#", "*", "\udcff"]),
                     min_size=1, max_size=8).filter(lambda c: c != "..")
_paths = st.lists(_component, min_size=1, max_size=4).map("/".join)
_digests = st.text("0123456789abcdef", min_size=64, max_size=64)


@given(st.dictionaries(_paths, _digests, max_size=8))
def test_render_then_parse_gives_the_same_mapping(mapping):
    text = render_sums(mapping)
    data = text.encode("utf-8", "surrogateescape")  # as the lock is written
    parsed = parse_sums(data.decode("utf-8", "surrogateescape"), NAME)
    assert {p: e.sha256 for p, e in parsed.items()} == mapping
    assert list(parsed) == sorted(mapping)
    assert text.startswith(HEADER + "\n") and text.count("\n") == len(mapping) + 1


def test_render_is_sha256sum_format_sorted_with_escapes():
    assert render_sums({"z/b": B, "a b": A, "we\\ird": C, "new\nline": A}) == (
        f"{HEADER}\n"
        f"{A}  a b\n"
        f"\\{A}  new\\nline\n"
        f"\\{C}  we\\\\ird\n"
        f"{B}  z/b\n")


def test_parse_keeps_positions_and_skips_comments_and_blank_lines():
    text = f"# comment\n\n{A.upper()}  model/x\n{B} *model/y\n"
    assert dict(parse_sums(text, NAME)) == {
        "model/x": Entry(A, Pos(NAME, 3, 1)),  # upper-case hex is read as sha256sum reads it
        "model/y": Entry(B, Pos(NAME, 4, 1)),  # ' *' is sha256sum -b's binary mark
    }


@pytest.mark.parametrize(("line", "col", "message"), [
    ("not a line", 1, "not a checksum line; accepted: '<64 hex digits>  <path relative to "
                      "the source root>' as sha256sum writes it, or a '#' comment"),
    (f"{A[:63]}  x", 1, "not a checksum line; accepted: '<64 hex digits>  <path relative "
                        "to the source root>' as sha256sum writes it, or a '#' comment"),
    (f"{A} x", 1, "not a checksum line; accepted: '<64 hex digits>  <path relative to the "
                  "source root>' as sha256sum writes it, or a '#' comment"),
    (f"SHA256 (x) = {A}", 1, "not a checksum line; accepted: '<64 hex digits>  <path "
                             "relative to the source root>' as sha256sum writes it, or a "
                             "'#' comment"),
    (f"{A}  ", 67, "the path is empty; accepted: a path relative to the source root, "
                   "without '..'"),
    (f"{A}  /etc/passwd", 67, "'/etc/passwd' is an absolute path; accepted: a path "
                              "relative to the source root, without '..'"),
    (f"{A}  model/../../x", 67, "'model/../../x' contains '..'; accepted: a path relative "
                                "to the source root, without '..'"),
    (f"\\{A}  a\\tb", 68, "unknown escape in the path; accepted: \\\\, \\n and \\r, as "
                          "sha256sum writes them"),
    (f"{A}  model/x\r", 74, "carriage return in the line (a CRLF file?); accepted: lines "
                            "ending in a newline only, as sha256sum writes them"),
])
def test_each_bad_line_is_one_problem_at_its_position(line, col, message):
    with pytest.raises(DeclarationError) as exc:
        parse_sums(f"{HEADER}\n{line}\n", NAME)
    [problem] = exc.value.problems
    assert (problem.pos, problem.message) == (Pos(NAME, 2, col), message)


def test_every_bad_line_is_reported_and_a_repeated_path_names_the_first():
    with pytest.raises(DeclarationError) as exc:
        parse_sums(f"{A}  x\nbad\n{B}  x\n", NAME)
    assert str(exc.value) == (
        f"{NAME}:2:1: not a checksum line; accepted: '<64 hex digits>  <path relative to "
        "the source root>' as sha256sum writes it, or a '#' comment\n"
        f"{NAME}:3:67: 'x' is listed again (first on line 1); accepted: one line per file")


def test_a_missing_lock_is_empty_and_pinned_reads_the_one_beside_the_declaration(tmp_path):
    assert dict(read_sums(tmp_path / "aimodel.sums")) == {}
    assert dict(pinned(tmp_path)) == {}
    (tmp_path / "aimodel.sums").write_text(render_sums({"m/x": A, "m/y": B}))
    assert dict(pinned(tmp_path)) == {"m/x": A, "m/y": B}


def test_an_unreadable_lock_is_one_error(tmp_path):
    (tmp_path / "aimodel.sums").mkdir()
    with pytest.raises(DeclarationError) as exc:
        read_sums(tmp_path / "aimodel.sums", NAME)
    assert str(exc.value) == (f"{NAME}:1:1: cannot read the checksum lock: Is a directory; "
                              "accepted: a readable file")


DECLARATION = load_text(textwrap.dedent(f"""\
    format: 1
    models:
      - name: acoustic
        files: ["model/*", {{path: model/pinned, sha256: {C}}}]
        license: MIT
        copyright: me
      - name: later
        files: [{{path: big.gguf, url: "https://example.org/big.gguf"}}]
        license: MIT
        copyright: me
      - name: fetched
        delivery: downloaded
        files: [remote.bin]
        license: MIT
        copyright: me
    """))


def test_lockable_is_a_declared_source_file_without_its_own_sha256():
    assert lockable(DECLARATION, "model/mdef")
    assert lockable(DECLARATION, "big.gguf")  # shipped, fetched at build time
    assert not lockable(DECLARATION, "model/pinned")  # its sha256: says it once
    assert not lockable(DECLARATION, "remote.bin")  # not in the source package
    assert not lockable(DECLARATION, "other/file")
    matches = {"model/*": ("model/mdef", "model/means", "model/pinned"),
               "model/pinned": ("model/pinned",), "big.gguf": ()}
    assert lock_paths(DECLARATION, matches) == ["model/mdef", "model/means"]


def test_update_adds_changes_drops_and_keeps_an_absent_declared_file():
    old = parse_sums(render_sums({"model/mdef": A, "model/means": A, "model/gone": A,
                                  "big.gguf": B, "model/pinned": C, "stale/x": A}), NAME)
    new = update(old, {"model/mdef": A, "model/means": B, "model/new": C}, DECLARATION)
    assert dict(new.entries) == {"model/mdef": A, "model/means": B, "model/new": C,
                                 "big.gguf": B, "model/gone": A}
    assert (new.added, new.changed, new.removed, new.kept, new.unchanged) == (
        ("model/new",), ("model/means",), ("model/pinned", "stale/x"),
        ("big.gguf", "model/gone"), 1)


def test_check_compares_both_pins_and_warns_of_entries_the_lock_does_not_hold():
    lock = parse_sums(render_sums({"model/mdef": A, "model/means": A, "stale/x": A,
                                   "model/pinned": C}), NAME)
    matches = {"model/*": ("model/mdef", "model/means", "model/pinned"),
               "model/pinned": ("model/pinned",), "big.gguf": ()}
    errors, warnings = check(DECLARATION, lock, matches,
                             {"model/mdef": A, "model/means": B, "model/pinned": A})
    assert [(str(p.pos), p.tag, p.message) for p in errors] == [
        ("debian/aimodel.yaml:4:24", MISMATCH, f"model/pinned has sha256 {A}, but model "
                                               f"acoustic declares {C}"),
        (f"{NAME}:3:1", MISMATCH, f"model/means has sha256 {B}, but the lock pins {A}"),
    ]
    assert [str(p) for p in warnings] == [
        f"{NAME}:4:1: model/pinned is in the lock, but its sha256: in the declaration pins "
        "it already; run aimodel validate --update-sums to drop it",
        f"{NAME}:5:1: stale/x is in the lock, but no declared file of a model in the source "
        "names it; run aimodel validate --update-sums to drop it",
    ]
