"""``aimodel classify --policy NAME`` and ``--all-policies``, end to end on examples/."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

import dh_aimodel
from dh_aimodel.cli import main
from dh_aimodel.core.policies import get, names

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted(p.parent.parent for p in (ROOT / "examples").glob("*/debian/aimodel.yaml"))
OUTPUT_SCHEMA = json.loads(
    (Path(dh_aimodel.__file__).parent / "data/classify-output.schema.json").read_text())


def run(capsys, *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def test_there_are_examples():
    assert len(EXAMPLES) >= 4


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.name)
@pytest.mark.parametrize("policy", names())
def test_every_policy_classifies_every_example(capsys, policy, example):
    status, out, err = run(capsys, "classify", "--policy", policy, "--format", "json",
                           str(example))
    assert status == 0, err
    result = json.loads(out)
    jsonschema.validate(result, OUTPUT_SCHEMA)
    p = get(policy)
    assert result["policy"] == policy
    assert result["policy_info"] == {"name": p.name, "title": p.title, "url": p.url,
                                     "status": p.status, "gives_area": p.gives_area}
    for package in result["packages"]:
        for m in package["models"]:
            if p.gives_area:
                assert m["class"] and m["area"]
            else:
                assert m["verdict"] and m["area"] is None and package["area"] is None
            for r in m["reasons"]:
                if policy != "ml-policy":
                    assert r["basis"] == policy and r["rule"].startswith(policy + "/")
    status, out, err = run(capsys, "classify", "--policy", policy, str(example))
    assert status == 0, err
    assert out.startswith(f"policy: {policy} ({p.title}; {p.status})\n"
                          f"source of the policy: {p.url}\n")


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.name)
def test_all_policies_json_validates_and_is_stable(capsys, example):
    status, out, err = run(capsys, "classify", "--all-policies", "--format", "json", str(example))
    assert status == 0, err
    result = json.loads(out)
    jsonschema.validate(result, OUTPUT_SCHEMA)
    # stable: sorted keys, sorted models, policies in the registry's order
    assert out == json.dumps(result, indent=2, sort_keys=True) + "\n"
    assert [m["name"] for m in result["models"]] == sorted(m["name"] for m in result["models"])
    assert [p["name"] for p in result["policies"]] == list(names())
    for m in result["models"]:
        assert sorted(m["verdicts"]) == sorted(names())
        for name, v in m["verdicts"].items():
            if get(name).gives_area:
                assert "class" in v and v["area"] in ("main", "contrib", "non-free", "none")
            else:
                assert "verdict" in v and v["area"] is None
    status, again, _ = run(capsys, "classify", "--all-policies", "--format", "json",
                           str(example))
    assert again == out


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.name)
def test_all_policies_text_table(capsys, example):
    status, out, err = run(capsys, "classify", "--all-policies", str(example))
    assert status == 0, err
    lines = out.splitlines()
    assert lines[0].split() == ["model", *names()]
    assert set(lines[1]) <= {"-", " "}
    for name in names():
        p = get(name)
        assert f"  {name}: {p.title}\n    status: {p.status}\n    source: {p.url}\n" in out


def test_all_policies_table_cells(capsys):
    status, out, _ = run(capsys, "classify", "--all-policies", str(ROOT / "examples/toxic-candy"))
    assert status == 0
    row = next(line for line in out.splitlines() if line.startswith("tiny-lm "))
    # ml-policy, gr2025-a, glaser, choice2, choice3, osaid-1.0, mof
    assert row.split() == ["tiny-lm", "non-free", "non-free", "none", "non-free", "non-free",
                           "not-open", "none"]
    package = next(line for line in out.splitlines() if line.startswith("package "))
    assert package.split() == ["package", "tiny-lm-data", "non-free", "non-free", "none",
                               "non-free", "non-free", "-", "-"]


def test_withdrawn_proposals_say_so(capsys):
    status, out, _ = run(capsys, "classify", "--all-policies", str(ROOT / "examples/free-model"))
    assert status == 0
    assert out.count("status: withdrawn proposal") == 4


def test_unknown_policy_is_a_usage_error_listing_the_names(capsys):
    status, out, err = run(capsys, "classify", "--policy", "gr2025-b",
                           str(ROOT / "examples/free-model"))
    assert (status, out) == (2, "")
    assert err == f"aimodel: error: unknown policy 'gr2025-b'; accepted: {', '.join(names())}\n"


def test_policy_and_all_policies_exclude_each_other(capsys):
    status, _, err = run(capsys, "classify", "--policy", "mof", "--all-policies",
                         str(ROOT / "examples/free-model"))
    assert status == 2 and "not allowed with argument" in err


def test_declaration_may_name_another_policy(capsys, tmp_path):
    text = (ROOT / "examples/free-model/debian/aimodel.yaml").read_text()
    path = tmp_path / "aimodel.yaml"
    path.write_text(text.replace("format: 1\n", "format: 1\npolicy: osaid-1.0\n", 1))
    status, out, err = run(capsys, "classify", "--format", "json", str(path))
    assert status == 0, err
    result = json.loads(out)
    assert result["policy"] == "osaid-1.0"
    assert result["packages"][0]["models"][0]["verdict"] == "open"
