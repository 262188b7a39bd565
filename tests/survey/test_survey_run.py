"""``aimodel survey`` on real .debs: a list, a tree, resume, Ctrl-C, shards."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import REPO
from surveykit import build_deb, model_debs, sha256

from dh_aimodel.cli import main


def survey(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    rc = main(["survey", *args])
    out, err = capsys.readouterr()
    return rc, out, err


def records(db: Path) -> dict[str, dict]:
    with sqlite3.connect(db) as con:
        return {r["package"]: r for r in (json.loads(t) for (t,) in
                                           con.execute("SELECT record FROM packages"))}


def test_a_list_of_debs(tmp_path, capsys):
    debs = model_debs(tmp_path / "debs")
    db = tmp_path / "s.db"
    rc, out, err = survey(capsys, "--db", str(db), str(debs["demo-weights"]),
                          str(debs["demo-plain"]))
    assert rc == 0, err
    assert "2 packages: 0 already surveyed, 2 surveyed now, 0 failed" in err
    got = records(db)
    assert sorted(got) == ["demo-plain", "demo-weights"]
    weights = got["demo-weights"]
    assert (weights["version"], weights["architecture"], weights["section"],
            weights["installed_size"]) == ("1.0", "all", "science", 12)
    assert weights["sha256"] == sha256(debs["demo-weights"])
    assert weights["path"] == str(debs["demo-weights"])
    assert [(m["path"], m["format"]) for m in weights["models"]] == [
        ("usr/share/demo/model.safetensors", "safetensors")]
    assert weights["area"] != "no models"
    assert got["demo-plain"]["models"] == [] and got["demo-plain"]["area"] == "no models"
    assert out.splitlines()[0].split() == ["PACKAGE", "VERSION", "ARCH", "AREA", "MODELS",
                                           "FAMILIES", "E", "W"]
    assert "2 packages, 1 with models, 0 failed" in out


def test_a_directory_tree(tmp_path, capsys):
    debs = model_debs(tmp_path / "tree/a")
    build_deb(tmp_path / "tree/b/c", "demo-deep", {"usr/share/x/y.gguf": b"GGUF" + bytes(20)})
    (tmp_path / "tree/not-a.deb.txt").write_text("no")
    rc, _, err = survey(capsys, "--db", str(tmp_path / "s.db"), str(tmp_path / "tree"))
    assert rc == 0, err
    got = records(tmp_path / "s.db")
    assert sorted(got) == ["demo-deep", "demo-gguf", "demo-plain", "demo-weights"]
    assert [m["format"] for m in got["demo-gguf"]["models"]] == ["gguf"]
    assert got["demo-gguf"]["sha256"] == sha256(debs["demo-gguf"])


def test_resume_does_not_read_finished_debs(tmp_path, capsys):
    """A finished .deb is known by path, size and mtime: its bytes are not read again.

    The proof: its content is replaced by same-sized garbage with the same
    mtime, and the rerun neither fails on it nor changes its record; once its
    mtime changes it is read, and fails.
    """
    debs = model_debs(tmp_path / "debs")
    db = tmp_path / "s.db"
    assert survey(capsys, "--db", str(db), str(tmp_path / "debs"))[0] == 0
    before = records(db)["demo-gguf"]
    target = debs["demo-gguf"]
    st = target.stat()
    target.write_bytes(b"\xff" * st.st_size)
    os.utime(target, ns=(st.st_atime_ns, st.st_mtime_ns))
    build_deb(tmp_path / "debs", "demo-new", {})
    rc, out, err = survey(capsys, "--db", str(db), str(tmp_path / "debs"))
    assert rc == 0, err
    assert "4 packages: 3 already surveyed, 1 surveyed now, 0 failed" in err
    assert records(db)["demo-gguf"] == before
    assert "demo-new" in out and "demo-gguf" in out  # the report covers every input

    os.utime(target, ns=(st.st_atime_ns, st.st_mtime_ns + 1))
    rc, out, err = survey(capsys, "--db", str(db), str(tmp_path / "debs"))
    assert rc == 1
    assert "3 already surveyed, 0 surveyed now, 1 failed" in err
    assert f"{target}:1:1: not a Debian binary package" in out


def test_a_damaged_deb_fails_and_is_tried_again(tmp_path, capsys):
    debs = model_debs(tmp_path / "debs")
    bad = tmp_path / "debs/broken_1_all.deb"
    bad.write_bytes(debs["demo-plain"].read_bytes()[:300])
    db = tmp_path / "s.db"
    rc, out, err = survey(capsys, "--db", str(db), "--json", str(tmp_path / "s.json"),
                          str(tmp_path / "debs"))
    assert rc == 1
    failed = json.loads((tmp_path / "s.json").read_text())["failed"]
    assert [f["path"] for f in failed] == [str(bad)]
    assert "damaged" in failed[0]["message"] or "corrupt" in failed[0]["message"]
    bad.write_bytes(debs["demo-plain"].read_bytes())
    rc, _, err = survey(capsys, "--db", str(db), str(tmp_path / "debs"))
    assert rc == 0, err
    assert "3 already surveyed, 1 surveyed now, 0 failed" in err


def _slow_debs(out_dir: Path, n: int) -> list[Path]:
    """Packages that take a noticeable time each (32 MiB and 400 members to stream)."""
    files = {"usr/share/slow/zeros.bin": bytes(32 * 1024 * 1024),
             **{f"usr/share/slow/f{i}.txt": b"%d\n" % i for i in range(400)}}
    return [build_deb(out_dir, f"slow-{i:02d}", files) for i in range(n)]


def _rows(db: Path) -> int:
    try:
        with sqlite3.connect(db, timeout=5) as con:
            return con.execute("SELECT count(*) FROM packages").fetchone()[0]
    except sqlite3.OperationalError:  # not created yet
        return 0


def test_sigint_keeps_what_is_done_and_the_next_run_resumes(tmp_path):
    n = 14
    _slow_debs(tmp_path / "debs", n)
    db = tmp_path / "s.db"
    argv = [sys.executable, "-m", "dh_aimodel", "survey", "-j", "1", "--db", str(db),
            str(tmp_path / "debs")]
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    deadline = time.monotonic() + 120
    while _rows(db) < 2 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "aimodel: interrupted" in err
    done = _rows(db)
    assert 2 <= done < n
    with sqlite3.connect(db) as con:
        assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    again = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stderr
    assert (f"{n} packages: {done} already surveyed, {n - done} surveyed now, 0 failed"
            in again.stderr)
    assert _rows(db) == n


def test_shards_merged_equal_one_run(tmp_path, capsys):
    model_debs(tmp_path / "debs")
    for i in range(5):
        build_deb(tmp_path / "debs", f"extra-{i}", {f"usr/share/e/{i}.safetensors":
                                                     b"\x10" + bytes(7)})
    debs = str(tmp_path / "debs")
    assert survey(capsys, "--db", str(tmp_path / "one.db"), debs)[0] == 0
    sizes = []
    for k in (1, 2):
        shard = tmp_path / f"shard{k}.db"
        assert survey(capsys, "--db", str(shard), "--shard", f"{k}/2", debs)[0] == 0
        sizes.append(len(records(shard)))
    assert sum(sizes) == 8 and all(sizes), sizes  # each shard got some, none twice
    rc, out, err = survey(capsys, "--merge", "--db", str(tmp_path / "all.db"),
                          "--json", str(tmp_path / "merged.json"),
                          str(tmp_path / "shard1.db"), str(tmp_path / "shard2.db"))
    assert rc == 0, err
    assert records(tmp_path / "all.db") == records(tmp_path / "one.db")
    survey(capsys, "--db", str(tmp_path / "one.db"), "--json", str(tmp_path / "one.json"), debs)
    assert (tmp_path / "merged.json").read_text() == (tmp_path / "one.json").read_text()


@pytest.mark.parametrize(("args", "message"), [
    ((), "nothing to survey"),
    (("--packages", "Packages"), "--packages needs --mirror"),
    (("--shard", "3/2", "x.deb"), "--shard 3/2: accepted: K/N"),
    (("--merge",), "--merge needs the shard databases"),
    (("nowhere.deb",), "nowhere.deb: no such .deb or directory"),
])
def test_usage_errors(tmp_path, capsys, monkeypatch, args, message):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "x.deb").write_bytes(b"")
    rc, _, err = survey(capsys, *args)
    assert rc == 2
    assert message in err


def test_a_database_of_something_else_is_refused(tmp_path, capsys):
    debs = model_debs(tmp_path / "debs")
    db = tmp_path / "s.db"
    db.write_text("not sqlite at all, just text " * 100)
    rc, _, err = survey(capsys, "--db", str(db), str(debs["demo-plain"]))
    assert rc == 2
    assert f"--db {db}: not a survey database" in err


def test_merging_something_else_is_refused(tmp_path, capsys):
    (tmp_path / "shard.db").write_text("not sqlite at all, just text " * 100)
    rc, _, err = survey(capsys, "--merge", "--db", str(tmp_path / "all.db"),
                        str(tmp_path / "shard.db"))
    assert rc == 2
    assert f"--merge {tmp_path / 'shard.db'}: not a survey database" in err
