"""``aimodel validate`` and ``aimodel classify`` end to end, on real files."""

from __future__ import annotations

import json
import shutil
import textwrap
from pathlib import Path

import jsonschema
import pytest

import dh_aimodel
from dh_aimodel.cli import main
from dh_aimodel.core.policies import names

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
OUTPUT_SCHEMA = json.loads(
    (Path(dh_aimodel.__file__).parent / "data/classify-output.schema.json").read_text())

EXPECTED = {  # example -> (class of its model, package area, recommended Section)
    "free-model": ("free", "main", "science"),
    "toxic-candy": ("toxic-candy", "non-free", "non-free/science"),
    "non-free-licence": ("non-free", "non-free", "non-free/science"),
    "runtime-download": ("toxic-candy", "contrib", "contrib/utils"),
}


def run(capsys, *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


@pytest.mark.parametrize("example", sorted(EXPECTED))
def test_examples_classify_as_documented(capsys, example):
    status, out, err = run(capsys, "classify", "--format", "json", str(EXAMPLES / example))
    assert status == 0, err
    result = json.loads(out)
    jsonschema.validate(result, OUTPUT_SCHEMA)
    cls, area, section = EXPECTED[example]
    [package] = result["packages"]
    assert (package["models"][0]["class"], package["area"]) == (cls, area)
    assert package["section_recommended"] == section == package["section_declared"]
    assert result["source"]["area"] == area


@pytest.mark.parametrize("example", sorted(EXPECTED))
def test_examples_validate(capsys, example):
    status, out, err = run(capsys, "validate", str(EXAMPLES / example))
    assert (status, err) == (0, "")
    assert out.startswith("examples/" + example) or "debian/aimodel.yaml: ok" in out


def test_classify_text_shows_mismatch_and_reasons(capsys, tmp_path):
    tree = tmp_path / "src"
    shutil.copytree(EXAMPLES / "toxic-candy", tree)
    control = tree / "debian/control"
    control.write_text(control.read_text().replace("non-free/science", "science"))
    status, out, _ = run(capsys, "classify", str(tree))
    assert status == 0
    assert "Section: non-free/science, but debian/control says science: MISMATCH" in out
    assert "- ml-policy/free-model-2 [ml-policy]: training dataset" in out
    assert "model tiny-lm: toxic-candy -> non-free" in out


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "aimodel.yaml"
    path.write_text(textwrap.dedent(text))
    return path


def test_validate_reports_every_error_one_line_each(capsys, tmp_path):
    path = write(tmp_path, """\
        format: 1
        models:
          - name: a
            files: [a.bin]
            licence: MIT
            copyright: me
            delivery: later
        """)
    status, out, err = run(capsys, "validate", str(path))
    assert status == 1 and out == ""
    lines = err.splitlines()
    assert len(lines) == 3
    assert all(line.startswith(f"aimodel: error: {path}:") for line in lines)
    assert "Traceback" not in err


def test_validate_unknown_licence_is_an_error_deprecated_a_warning(capsys, tmp_path):
    path = write(tmp_path, """\
        format: 1
        models:
          - name: a
            files: [a.bin]
            license: GPL-3.0+ AND Frobnicate-1.0
            copyright: me
        """)
    status, out, err = run(capsys, "validate", str(path))
    assert status == 1
    assert f"aimodel: error: {path}:5:14: model 'a': license: licence 'Frobnicate-1.0' is not " \
           "in the licence knowledge base" in err
    assert f"aimodel: warning: {path}:5:14: model 'a': license: 'GPL-3.0+' is a deprecated " \
           "SPDX id; use 'GPL-3.0-or-later'" in out


def test_validate_licenseref_needs_a_verdict(capsys, tmp_path):
    text = """\
        format: 1
        models:
          - {name: a, files: [a.bin], license: LicenseRef-Ours, copyright: me}
        """
    status, _, err = run(capsys, "validate", str(write(tmp_path, text)))
    assert status == 1 and "add a verdict for it under the top-level 'licenses:'" in err
    text = textwrap.dedent(text) + \
        "licenses:\n  LicenseRef-Ours: {dfsg: non-free, reason: no commercial use}\n"
    status, out, err = run(capsys, "validate", str(write(tmp_path, text)))
    assert (status, err) == (0, "")


def test_unknown_policy_is_a_usage_error(capsys):
    status, _, err = run(capsys, "classify", "--policy", "nope", str(EXAMPLES / "free-model"))
    assert status == 2
    assert err == f"aimodel: error: unknown policy 'nope'; accepted: {', '.join(names())}\n"


def test_missing_path_is_a_usage_error(capsys, tmp_path):
    status, _, err = run(capsys, "validate", str(tmp_path))
    assert status == 2 and "no debian/aimodel.yaml here" in err


def test_bad_control_is_one_line(capsys, tmp_path):
    tree = tmp_path / "src"
    shutil.copytree(EXAMPLES / "free-model", tree)
    (tree / "debian/control").write_text("Package: only-binary\n")
    status, _, err = run(capsys, "classify", str(tree))
    assert status == 1
    assert err.count("\n") == 1 and "debian/control:1:1: the first paragraph has no Source" in err


def test_declaration_file_next_to_control_reads_control(capsys):
    status, out, _ = run(capsys, "classify", "--format", "json",
                         str(EXAMPLES / "free-model/debian/aimodel.yaml"))
    assert status == 0 and json.loads(out)["source"]["name"]


def test_declaration_file_alone_has_no_source(capsys, tmp_path):
    path = write(tmp_path, """\
        format: 1
        models:
          - {name: a, files: [a.bin], license: MIT, copyright: me}
        """)
    status, out, _ = run(capsys, "classify", "--format", "json", str(path))
    result = json.loads(out)
    jsonschema.validate(result, OUTPUT_SCHEMA)
    assert "source" not in result
    assert result["packages"][0]["package"] is None
    assert result["packages"][0]["models"][0]["class"] == "toxic-candy"


def test_usage_errors_exit_2(capsys):
    assert main(["classify", "--format", "xml"]) == 2
    assert main([]) == 2


def test_a_closed_pipe_is_not_a_traceback(monkeypatch, capsys) -> None:
    """``aimodel lint --list-tags | head -1``: the reader is gone before we finish."""
    import os
    import sys

    read_end, write_end = os.pipe()
    os.close(read_end)
    stdout = open(write_end, "w", buffering=1, encoding="utf-8")  # noqa: SIM115
    monkeypatch.setattr(sys, "stdout", stdout)
    assert main(["lint", "--list-tags"]) == 141
    assert capsys.readouterr().err == ""
    stdout.write("x\n")  # stdout now leads to /dev/null: the final flush cannot fail
    stdout.close()


def test_an_unexpected_os_error_is_one_line(monkeypatch, capsys) -> None:
    from dh_aimodel.cli import lint as lint_command

    def broken(args):
        raise PermissionError(13, "Permission denied", "debian/somewhere")

    monkeypatch.setattr(lint_command, "run", broken)
    assert main(["lint", "."]) == 1
    assert capsys.readouterr().err == "aimodel: error: debian/somewhere: Permission denied\n"
    with pytest.raises(PermissionError):
        main(["--debug", "lint", "."])
