"""The survey's records, counts and outputs: JSON, CSV, HTML (parsed back, and
rendered by a real headless Chromium), the progress line."""

from __future__ import annotations

import csv
import html.parser
import io
import json
import shutil
import struct
import subprocess
import zlib
from pathlib import Path

import pytest
from surveykit import build_deb, model_debs

from dh_aimodel.cli import main
from dh_aimodel.core.advice import Advice
from dh_aimodel.formats.base import Finding
from dh_aimodel.formats.families import Recognised, families
from dh_aimodel.lint.checks import Diagnostic
from dh_aimodel.lint.report import Result
from dh_aimodel.lint.state import LintState, ScannedFile
from dh_aimodel.survey.record import build_record
from dh_aimodel.survey.report import as_csv, counts
from dh_aimodel.survey.run import _SurveyProgress

HOSTILE = "usr/share/demo/<img src=x onerror=alert(1)>&.safetensors"


def _diagnostic(tag: str) -> Diagnostic:
    return Diagnostic(package="p", tag=tag, context="usr/share/x")


def test_a_record_from_a_state_with_families_and_advice():
    fid, fam = next(iter(families().items()))
    state = LintState(
        kind="binary", source="src", binary="p",
        files=(ScannedFile("usr/share/p/a.bin", False, None, size=10,
                           family=Recognised(fid, "content", {"language": "en", "b": "1"},
                                             (Finding("x-code", "odd"),), "usr/share/p",
                                             False)),
               ScannedFile("usr/share/p/b.gguf", True, "gguf", size=20),
               ScannedFile("usr/share/p/c.pkl", False, "pickle")),
        advice=Advice("non-free", {"ml-policy": "non-free"}, "none", "MIT",
                      ("training data",), ("a free training data set",)))
    control = {"Package": "p", "Version": "2", "Architecture": "all", "Installed-Size": "7"}
    rec = build_record("/d/p.deb", "ab" * 32, 99, control, state, [])
    assert rec["models"] == [
        {"path": "usr/share/p/a.bin", "format": None, "size": 10, "family": fid,
         "title": fam.title, "kind": fam.kind, "domain": fam.domain, "how": "content",
         "fields": {"b": "1", "language": "en"}, "unit": "usr/share/p", "embedded": False,
         "findings": ["x-code: odd"]},
        {"path": "usr/share/p/b.gguf", "format": "gguf", "size": 20, "family": None,
         "title": None, "kind": None, "domain": None, "how": None, "fields": {},
         "unit": None, "embedded": False, "findings": []}]
    assert rec["area"] == "non-free"
    assert rec["advice"] == {"area": "non-free", "policies": {"ml-policy": "non-free"},
                             "worst": "none", "licence": "MIT", "unknown": ["training data"],
                             "needs": ["a free training data set"]}
    assert (rec["source"], rec["installed_size"], rec["section"]) == ("src", 7, None)
    assert json.loads(json.dumps(rec)) == rec


def test_a_record_keeps_every_diagnostic():
    state = LintState(kind="binary", source="p", binary="p")
    results = [Result(_diagnostic("aimodel-model-found"), "info"),
               Result(_diagnostic("aimodel-area-advice"), "info", "o:1")]
    rec = build_record("/p.deb", "0" * 64, 1, {"Package": "p"}, state, results)
    assert rec["diagnostics"] == [
        {"severity": "info", "tag": "aimodel-model-found", "context": "usr/share/x",
         "overridden": None},
        {"severity": "info", "tag": "aimodel-area-advice", "context": "usr/share/x",
         "overridden": "o:1"}]
    assert rec["area"] == "no models" and rec["models"] == []


def _rec(package: str, area: str, models: list[tuple[str | None, str | None]]) -> dict:
    return {"package": package, "version": "1", "architecture": "all", "section": "x",
            "source": package, "installed_size": 1, "size": 2, "sha256": "0" * 64,
            "path": f"/{package}.deb", "area": area, "advice": None, "diagnostics": [],
            "models": [{"path": f"{package}/{i}", "family": fam, "unit": unit,
                        "title": fam and fam.upper(), "kind": "model"}
                       for i, (fam, unit) in enumerate(models)]}


def test_counts_per_family_and_area():
    recs = [_rec("a", "non-free", [("voice", "u1"), ("voice", "u1"), ("voice", None)]),
            _rec("b", "main", [("voice", None), (None, None)]),
            _rec("c", "no models", []), _rec("d", "contrib", [("ocr", None)]),
            _rec("e", "weird", [])]
    c = counts(recs)
    assert (c.packages, c.with_models) == (5, 3)
    assert [(f.family, f.title, f.packages, f.models) for f in c.families] == [
        ("voice", "VOICE", 2, 3), ("ocr", "OCR", 1, 1),
        ("unrecognised", "files no family recognised", 1, 1)]
    assert c.areas == (("main", 1), ("contrib", 1), ("non-free", 1), ("no models", 1),
                       ("weird", 1))


class _Page(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.urls: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.urls += [v or "" for k, v in attrs if k in ("href", "src")]

    def handle_data(self, data: str) -> None:
        self.text.append(data)


@pytest.fixture
def outputs(tmp_path: Path) -> Path:
    """JSON, CSV and HTML of a survey of four packages, one with a hostile file name."""
    model_debs(tmp_path / "debs")
    build_deb(tmp_path / "debs", "demo-hostile", {HOSTILE: b"\x10" + bytes(7)})
    rc = main(["survey", "-q", "--db", str(tmp_path / "s.db"), "--json", str(tmp_path / "s.json"),
               "--csv", str(tmp_path / "s.csv"), "--html", str(tmp_path / "s.html"),
               str(tmp_path / "debs")])
    assert rc == 0
    return tmp_path


def test_json_and_csv_outputs(outputs):
    data = json.loads((outputs / "s.json").read_text())
    assert data["format"] == 1
    names = [r["package"] for r in data["packages"]]
    assert names == ["demo-gguf", "demo-hostile", "demo-plain", "demo-weights"]
    assert sum(a["packages"] for a in data["areas"]) == 4
    assert sum(f["packages"] for f in data["families"]) >= 3
    rows = list(csv.DictReader(io.StringIO((outputs / "s.csv").read_text())))
    assert [r["package"] for r in rows] == names
    assert [r["models"] for r in rows] == ["1", "1", "0", "1"]
    assert rows[2]["area"] == "no models" and rows[2]["families"] == ""
    assert as_csv([]) == ("package,version,architecture,section,source,installed_size,size,"
                          "sha256,path,area,worst,models,families,errors,warnings\n")


def test_html_is_self_contained_and_escapes_what_the_package_says(outputs):
    text = (outputs / "s.html").read_text()
    page = _Page()
    page.feed(text)
    assert "script" not in page.tags and "link" not in page.tags and "img" not in page.tags
    assert page.urls == []
    assert "http" not in text
    assert HOSTILE.rsplit("/", 1)[1] in "".join(page.text)  # shown as text, not markup
    assert page.tags.count("tr") == 1 + 4 + 1 + len(json.loads(
        (outputs / "s.json").read_text())["families"]) + len(json.loads(
            (outputs / "s.json").read_text())["areas"]) + 1


def _png_pixels(path: Path) -> tuple[int, int, bytes]:
    """(width, height, raw filtered scanlines) of a PNG, read with zlib."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, width, height = 8, b"", 0, 0
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height = struct.unpack(">II", body[:8])
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    return width, height, zlib.decompress(idat)


def test_chromium_renders_the_html_report(outputs):
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        pytest.skip("no chromium binary (apt install chromium)")
    shot = outputs / "shot.png"
    proc = subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu",
                           f"--screenshot={shot}", "--window-size=1200,900",
                           (outputs / "s.html").as_uri()],
                          capture_output=True, text=True, timeout=180, check=False)
    assert shot.is_file(), proc.stderr[-1000:]
    width, height, raw = _png_pixels(shot)
    assert (width, height) == (1200, 900)
    # A blank page is one colour: its scanlines hold a handful of byte values at most.
    assert len(set(raw)) > 32


def test_the_progress_line():
    stream = io.StringIO()
    bar = _SurveyProgress(stream, 2)
    bar.add(3 * 2**20)
    bar.finished()
    bar.close()
    assert "\raimodel survey: 1/2 packages, 3.0 MiB, " in stream.getvalue()
    assert stream.getvalue().endswith("\n")
