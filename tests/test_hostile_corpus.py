"""Every case of tools/hostile-corpus, run as a build daemon would run aimodel (issue 17).

The corpus is generated once per session; each case runs ``python3 -m
dh_aimodel`` in its own process with stdin closed, and that process alone is
measured (:func:`os.wait4`): its exit status is one the case allows (a
damaged input is 1, never a crash), nothing prints a traceback, every stderr
line is an ``aimodel: error:`` line or a Lintian-style tag, it finishes
within :data:`WALL_LIMIT` and its peak RSS stays under :data:`RSS_LIMIT`,
and it prints the tags or the error line the case expects.
"""

from __future__ import annotations

import atexit
import functools
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parent.parent
GENERATOR = REPO / "tools" / "hostile-corpus"

#: What a build daemon can afford per command.
WALL_LIMIT = 10.0
RSS_LIMIT_KIB = 128 * 1024
#: The generator must stay cheap enough to run in every test session.
GENERATOR_LIMIT = 15.0

#: The cases issue 17 lists, by id: the corpus must keep every one of them.
REQUIRED = {
    # .deb: ar and tar structure
    "deb-truncated-after-ar-magic", "deb-truncated-in-ar-header",
    "deb-truncated-in-control-tar", "deb-truncated-in-data-tar-member",
    "deb-truncated-in-data-tar-after-header", "deb-ar-size-negative", "deb-ar-size-past-eof",
    "deb-ar-size-non-numeric", "deb-ar-100-members", "deb-ar-wrong-order",
    "deb-ar-missing-debian-binary", "deb-two-data-tar-pickle-second", "deb-two-data-tar-xz-gz",
    # .deb: decompression and tar headers
    "deb-gz-bomb-claims-8gib", "deb-xz-bomb-claims-8gib", "deb-bz2-bomb-claims-8gib",
    "deb-gz-bomb-real-1000x", "deb-xz-bomb-real-1000x", "deb-bz2-bomb-real-1000x",
    "deb-tar-member-1tib", "deb-tar-sparse-1tib", "deb-pax-header-2gib",
    "deb-gnu-longname-1gib", "deb-tar-100k-members", "deb-corrupt-xz-model-member",
    # .deb: members
    "deb-pickle-behind-symlink", "deb-pickle-behind-hardlink", "deb-protocol-0-pytorch-bin",
    "deb-symlink-escapes", "deb-absolute-member", "deb-symlink-loops",
    # declarations
    "yaml-alias-bomb-10000-anchors", "yaml-alias-bomb-1000-anchors",
    "yaml-billion-laughs-x-key", "yaml-nesting-10000", "yaml-20mb-declaration",
    "yaml-key-repeated-100000", "yaml-tab-indent", "yaml-nul-byte", "yaml-invalid-utf8",
    "yaml-huge-scalar",
    # model files
    "st-header-length-2-63", "st-header-past-eof", "st-header-200mb-claimed",
    "st-nested-json-100000", "st-invalid-utf8-header", "gguf-tensor-count-2-40",
    "gguf-kv-count-2-40", "gguf-string-length-2-62", "gguf-nested-arrays", "onnx-huge-length",
    "onnx-deep-nesting", "npy-header-length-4gib", "npy-huge-shape", "keras-zip-bomb",
    "keras-zip-2-32-entries", "tflite-root-outside", "tflite-vtable-outside",
    "torch-zip-65535-members", "torch-zip-traversal", "joblib-truncated-gzip",
}
#: Need the zstd command: the generator skips them (and says so) without it.
ZSTD_CASES = {"deb-zstd-normal", "deb-zstd-control-bomb"}

#: The lines aimodel may write to stderr: its error line, or a tag.
STDERR_LINE = re.compile(r"aimodel: error: .+|[EWIPXNO]: \S+(?: \S+)?: [a-z0-9-]+(?: .*)?")
TAG_LINE = re.compile(r"[EWIPXNO]: \S+(?: \S+)?: (?P<tag>[a-z0-9-]+)(?: .*)?")


@dataclass(frozen=True)
class Corpus:
    root: Path
    cases: dict[str, dict[str, Any]]
    skipped: dict[str, str]
    seconds: float


@functools.cache
def generated() -> Corpus:
    """The corpus, written once per session into a directory removed at exit.

    Not a ``tmp_path_factory`` directory: the case ids parametrise
    :func:`test_case`, so they are needed at collection, before any fixture
    exists, and generating a second copy for the fixture would double the
    generator's cost.
    """
    root = Path(tempfile.mkdtemp(prefix="aimodel-hostile-"))
    atexit.register(shutil.rmtree, root, ignore_errors=True)
    start = time.monotonic()
    subprocess.run([sys.executable, str(GENERATOR), str(root)], check=True,
                   stdin=subprocess.DEVNULL, capture_output=True)
    seconds = time.monotonic() - start
    index = json.loads((root / "cases.json").read_text())
    return Corpus(root, {c["id"]: c for c in index["cases"]},
                  {s["id"]: s["why"] for s in index["skipped"]}, seconds)


@pytest.fixture(scope="session")
def corpus() -> Corpus:
    return generated()


@dataclass(frozen=True)
class Run:
    status: int
    stdout: str
    stderr: str
    wall: float
    max_rss_kib: int


#: The process that starts each case and reports on it.  Linux carries the peak
#: RSS of the image a process replaces across exec (it is the high-water mark of
#: the memory the forked child shared with its parent), so a child forked by
#: pytest itself would report at least pytest's size.  This launcher is small
#: when it forks: what os.wait4 then gives is the command's own peak.
LAUNCHER = """\
import os, sys
pid = os.fork()
if pid == 0:
    os.execv(sys.argv[2], sys.argv[2:])
_, status, usage = os.wait4(pid, 0)
with open(sys.argv[1], "w") as out:
    out.write(f"{os.waitstatus_to_exitcode(status)} {usage.ru_maxrss}")
"""


def run_measured(argv: list[str], cwd: Path, report: Path) -> Run:
    """Run ``argv`` in ``cwd`` with stdin closed: its status, output, wall time and
    peak RSS (KiB), measured by :data:`LAUNCHER`, which writes them to ``report``."""
    env = dict(os.environ, PYTHONPATH=str(REPO))
    env.pop("AIMODEL_LIMITS", None)
    start = time.monotonic()
    proc = subprocess.Popen([sys.executable, "-S", "-c", LAUNCHER, str(report), *argv],
                            cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, start_new_session=True)
    try:
        stdout, stderr = proc.communicate(timeout=6 * WALL_LIMIT)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        stdout, stderr = proc.communicate()
    wall = time.monotonic() - start
    status, rss = (int(x) for x in report.read_text().split()) if report.exists() else (-9, 0)
    return Run(status, stdout.decode("utf-8", "replace"), stderr.decode("utf-8", "replace"),
               wall, rss)


def test_generator_is_quick_and_complete(corpus: Corpus) -> None:
    assert corpus.seconds < GENERATOR_LIMIT
    assert len(corpus.cases) >= 60
    missing = REQUIRED - corpus.cases.keys()
    assert not missing, sorted(missing)
    for cid in ZSTD_CASES:
        assert cid in corpus.cases or cid in corpus.skipped, cid
    for case in corpus.cases.values():
        assert case["kind"] in ("deb", "declaration", "model"), case["id"]
        assert set(case["expect"]["exit"]) <= {0, 1}, case["id"]
        assert ("tags" in case["expect"]) != ("error_line" in case["expect"]), case["id"]
        assert case["why"], case["id"]


def test_corpus_is_small_on_disk(corpus: Corpus) -> None:
    """Bombs are compressed or sparse: only the declaration size cases are large."""
    used = sum(p.stat().st_blocks * 512 for p in corpus.root.rglob("*") if p.is_file())
    assert used < 80 * 1024 * 1024


@pytest.mark.parametrize("cid", sorted(generated().cases))
def test_case(corpus: Corpus, cid: str, tmp_path: Path) -> None:
    case = corpus.cases[cid]
    expect = case["expect"]
    run = run_measured([sys.executable, "-m", "dh_aimodel", *case["command"]],
                       corpus.root / case["cwd"], tmp_path / "rusage")
    first = (run.stderr.strip() or run.stdout.strip()).splitlines()[:1]
    what = f"{cid}: status {run.status}, first line {first}"
    assert "Traceback" not in run.stdout + run.stderr, f"{what}\n{run.stderr[-3000:]}"
    assert run.status in expect["exit"], what
    bad = [line for line in run.stderr.splitlines() if not STDERR_LINE.fullmatch(line)]
    assert not bad, f"{what}: stderr lines {bad[:3]}"
    assert run.wall < WALL_LIMIT, f"{what}: {run.wall:.1f} s"
    assert run.max_rss_kib < RSS_LIMIT_KIB, f"{what}: peak RSS {run.max_rss_kib // 1024} MiB"
    if "error_line" in expect:
        lines = run.stderr.splitlines()
        assert len(lines) == 1 and re.search(expect["error_line"], lines[0]), \
            f"{what}: stderr {lines[:3]}"
    else:
        printed = {m["tag"] for line in run.stdout.splitlines()
                   if (m := TAG_LINE.fullmatch(line))}
        missing = set(expect["tags"]) - printed
        assert not missing, f"{what}: missing {sorted(missing)}; printed {sorted(printed)}"
    assert not (corpus.root / "PWNED").exists(), f"{cid}: a pickle was run"
