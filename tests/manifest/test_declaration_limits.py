"""A declaration beyond the resource limits is refused with one line, before anything walks it.

debian/aimodel.yaml is read inside every build (dh_aimodel): an alias bomb
there used to take gigabytes and never end.  Aliases and anchors that a
maintainer writes (shared training data, say) are read as before.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from lintkit import model_yaml, tree

from dh_aimodel.core import limits
from dh_aimodel.core.errors import DeclarationError
from dh_aimodel.manifest.loader import load_text, read_text

REPO = Path(__file__).resolve().parents[2]
MODEL = model_yaml()


@pytest.fixture(autouse=True)
def _defaults():
    yield
    limits.configure([], {})


def laughs(anchors: int, under: str = "x-bomb") -> str:
    """Billion laughs: each anchor a list of nine aliases of the one before."""
    lines = [f"{under}:", "  a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    lines += [f"  a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, anchors)]
    return "format: 1\n" + "\n".join(lines) + "\nmodels:\n" + textwrap.indent(MODEL, "  ")


def problem(text: str) -> str:
    with pytest.raises(DeclarationError) as exc:
        load_text(text)
    assert len(exc.value.problems) == 1
    return str(exc.value.problems[0])


@pytest.mark.parametrize("anchors", [8, 1000, 10_000])
def test_an_alias_bomb_under_an_x_key_is_refused_where_it_grows(anchors):
    # a5, on line 8, stands for 9**6 = 531,441 laughs: the first beyond 150,000 nodes.
    assert problem(laughs(anchors)) == (
        "debian/aimodel.yaml:8:7: expands to more than 150,000 nodes through its aliases; "
        "accepted: a declaration as in aimodel.yaml(5); raise it with --limit yaml-nodes=N "
        "or AIMODEL_LIMITS=yaml-nodes=N")


def test_below_the_limit_the_same_aliases_are_read():
    assert load_text(laughs(5)).extras["x-bomb"]["a4"][0][0][0][0][0] == "lol"


def test_raising_the_limit_lets_a_large_expansion_through():
    limits.configure(["yaml-nodes=10M"], {})
    assert load_text(laughs(7)).models[0].name == "m"


def test_shared_training_data_by_alias_is_read_as_written():
    text = textwrap.dedent("""\
        format: 1
        x-data: &data
          - name: Demo data
            license: CC0-1.0
            availability: public
        models:
        """) + textwrap.indent(MODEL, "  ").replace(
            "      data:\n        - name: Demo data\n          license: CC0-1.0\n"
            "          availability: public\n", "      data: *data\n")
    assert "*data" in text
    declaration = load_text(text)
    assert declaration.models[0].training.data[0].name == "Demo data"


def test_an_alias_inside_its_own_anchor_is_refused():
    text = "format: 1\nx-loop: &a [1, *a]\nmodels:\n" + textwrap.indent(MODEL, "  ")
    assert problem(text).startswith(
        "debian/aimodel.yaml:2:9: an alias refers to the node that contains it; accepted:")


@pytest.mark.parametrize("depth", [65, 10_000])
def test_nesting_deeper_than_the_limit_is_refused(depth):
    text = ("format: 1\nx-deep: " + "[" * depth + "]" * depth + "\nmodels:\n"
            + textwrap.indent(MODEL, "  "))
    assert "nests deeper than 64 levels; accepted: a declaration as in aimodel.yaml(5); " \
           "raise it with --limit yaml-depth=N" in problem(text)


def test_nesting_at_the_limit_is_read():
    text = ("format: 1\nx-deep: " + "[" * 63 + "]" * 63 + "\nmodels:\n"
            + textwrap.indent(MODEL, "  "))
    assert load_text(text).models[0].name == "m"


def test_deep_nesting_on_the_pure_python_parser_is_one_error():
    # A tab sends the text to PyYAML's own parser, whose composer recurses.
    text = "format: 1\nx-deep: " + "[" * 5000 + "]" * 5000 + "\t\nmodels: []\n"
    assert "nests" in problem(text)


def test_more_nodes_than_the_limit_are_refused_before_they_are_composed():
    text = "format: 1\nx-many:\n" + "".join(f"  k{i}: v\n" for i in range(130_000))
    assert problem(text).startswith(
        "debian/aimodel.yaml:75000:11: more than 150,000 nodes; accepted: a declaration as in "
        "aimodel.yaml(5); raise it with --limit yaml-nodes=N")


def test_a_key_repeated_50000_times_is_one_line():
    text = "format: 1\nmodels:\n" + textwrap.indent(MODEL, "  ") + "x-k: v\n" * 50_000
    assert problem(text) == ("debian/aimodel.yaml:21:1: top level: duplicate key 'x-k'; each "
                             "key may appear once (and 49,998 more times)")


def test_beyond_50_different_problems_the_rest_are_counted():
    text = "format: 1\nmodels:\n" + textwrap.indent(MODEL, "  ") + "".join(
        f"k{i}: v\n" for i in range(80))
    with pytest.raises(DeclarationError) as exc:
        load_text(text)
    problems = [str(p) for p in exc.value.problems]
    assert len(problems) == 51
    assert "top level: unknown key 'k0'" in problems[0]
    assert problems[-1] == ("debian/aimodel.yaml:70:1: 30 more problems not shown; fix these "
                            "and run again")


@pytest.mark.parametrize(("text", "where", "char"), [
    ("format: 1\nmodels: [\x00]\n", "2:10", "'\\x00'"),
    ("format: 1\n\x07\n", "2:1", "'\\x07'")])
def test_a_forbidden_character_is_one_line_at_its_place(text, where, char):
    assert problem(text) == (f"debian/aimodel.yaml:{where}: not valid YAML: the character "
                             f"{char} is not allowed; accepted: printable Unicode text as in "
                             "aimodel.yaml(5)")


def test_a_value_beyond_yaml_scalar_is_refused():
    text = "format: 1\nmodels:\n" + textwrap.indent(MODEL, "  ").replace(
        "name: m", "name: " + "m" * 70_000, 1)
    assert "a value of 70,000 characters, beyond the yaml-scalar limit of 65,536" in problem(text)


def test_a_declaration_beyond_yaml_bytes_is_refused_unread(tmp_path):
    path = tmp_path / "aimodel.yaml"
    path.write_bytes(b"format: 1\n" + b"#" * (16 << 20))
    with pytest.raises(DeclarationError) as exc:
        read_text(path, "debian/aimodel.yaml")
    assert str(exc.value).startswith(
        "debian/aimodel.yaml:1:1: the file has 16.0 MiB, beyond the yaml-bytes limit of 16 MiB")


def test_dh_aimodel_refuses_the_alias_bomb_in_a_build_in_one_line(tmp_path):
    root = tree(tmp_path / "src", {}, declaration=laughs(10_000))
    started = time.monotonic()
    proc = subprocess.run([sys.executable, str(REPO / "bin/dh_aimodel")], cwd=root,
                          capture_output=True, text=True, stdin=subprocess.DEVNULL,
                          env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(REPO)}, timeout=60)
    elapsed = time.monotonic() - started
    assert (proc.returncode, proc.stdout) == (1, "")
    assert proc.stderr.splitlines() == [
        "dh_aimodel: error: debian/aimodel.yaml:8:7: expands to more than 150,000 nodes "
        "through its aliases; accepted: a declaration as in aimodel.yaml(5); raise it with "
        "--limit yaml-nodes=N or AIMODEL_LIMITS=yaml-nodes=N"]
    assert elapsed < 1.0, elapsed  # issue 17: "in under a second"


def test_dh_aimodel_reads_it_with_the_limit_raised_by_the_environment(tmp_path):
    root = tree(tmp_path / "src", {}, declaration=laughs(7))
    proc = subprocess.run([sys.executable, str(REPO / "bin/dh_aimodel"), "--no-act"], cwd=root,
                          capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=60,
                          env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(REPO),
                               "AIMODEL_LIMITS": "yaml-nodes=10M"})
    assert "yaml-nodes" not in proc.stderr
