"""classify-1000: ``aimodel classify`` on a declaration of 1,000 models.

A large source package (an archive of many small models, or a team's model
collection) declares its models in one debian/aimodel.yaml, and the
maintainer runs ``aimodel classify`` on it as often as ``git status``.  It
must feel like reading the file, not like a build step.

The declaration is generated: a realistic mix, per 20 models, of 7 free
(main), 1 free that needs CUDA to retrain (contrib), 2 fine-tuned from a
free base, 4 ToxicCandy, 1 fine-tuned from a ToxicCandy base, 2 under a
non-commercial licence, 1 under a ``LicenseRef-`` with a local non-free
verdict, 1 downloaded at run time and 1 base used only as a reference,
spread over 13 binary packages; each entry is written as the examples are
(2 to 3 files with sha256, training data and software, notes), about 35
lines each.

Baseline: a fresh ``python3`` that only loads the same file with
``yaml.load(..., CSafeLoader)`` (libyaml), i.e. the least any Python tool
reading this declaration must pay: interpreter start-up, ``import yaml``
and parsing.  We pay the same start-up and more: we keep every node's
line and column (for error messages), validate every field, judge every
licence expression, classify 1,000 models and every package, and print
JSON.  Target: at most twice the baseline (ratio ≥ 0.5): classifying must
cost about what reading the file costs, so that a maintainer's classify
stays well under a second on the reference machine.  (It ran at 0.23×,
1.6 s, while the declaration was parsed by PyYAML's pure-Python parser with
the garbage collector walking the growing node tree.)  The ``--all-policies``
time (seven policies side by side) is recorded in the details.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

from bench import (
    BenchError,
    Context,
    Measurement,
    benchmark,
    best_of,
    best_of_pair,
    python_env,
    ratio_at_least,
)

#: The mix of one group of 20 models: (kind, count).  ``kind`` names a
#: template in :func:`_model`; its class under ml-policy is :data:`CLASS`.
MIX: tuple[tuple[str, int], ...] = (
    ("reference", 1), ("free", 7), ("free-cuda", 1), ("fine-tuned", 2), ("candy", 4),
    ("candy-tuned", 1), ("nc", 2), ("licenseref", 1), ("downloaded", 1),
)

#: Expected ml-policy class of each kind: the benchmark's answer check.
CLASS: dict[str, str] = {
    "reference": "free", "free": "free", "free-cuda": "free", "fine-tuned": "free",
    "candy": "toxic-candy", "candy-tuned": "toxic-candy", "nc": "non-free",
    "licenseref": "non-free", "downloaded": "undistributable",
}

#: Binary packages per kind of content, and their Section in debian/control.
PACKAGES: dict[str, tuple[tuple[str, ...], str]] = {
    "free": (("models-free-a-data", "models-free-b-data", "models-free-c-data",
              "models-free-d-data"), "science"),
    "free-cuda": (("models-gpu-data",), "contrib/science"),
    "candy": (("models-candy-a-data", "models-candy-b-data", "models-candy-c-data"),
              "non-free/science"),
    "nc": (("models-nc-a-data", "models-nc-b-data"), "non-free/science"),
    "licenseref": (("models-rail-data",), "non-free/science"),
    "downloaded": (("models-downloader",), "contrib/science"),
}
#: The kinds whose models go to the packages of another kind.
PACKAGE_OF: dict[str, str] = {"fine-tuned": "free", "candy-tuned": "candy"}


def _sha(text: str) -> str:
    """A real-looking digest (hex with letters: an all-digit one would be a YAML int)."""
    return hashlib.sha256(text.encode()).hexdigest()


def _model(kind: str, i: int, base: str) -> str:
    """One declaration entry of ``kind``, number ``i``, as a maintainer writes it."""
    name = f"m{i:04d}-{kind}"
    pkgs, _ = PACKAGES.get(PACKAGE_OF.get(kind, kind), ((), ""))
    lines = [f"  - name: {name}"]
    if pkgs:
        lines.append(f"    package: {pkgs[i % len(pkgs)]}")
    if kind == "reference":
        lines.append("    delivery: reference")
    if kind == "downloaded":
        lines += ["    delivery: downloaded", "    distributable: false"]
    lines += [
        "    files:",
        f"      - path: models/{name}/model.safetensors",
        f"        sha256: {_sha(name + '/model')}",
    ]
    if kind == "downloaded":
        lines.append(f"        url: https://models.example.org/{name}/model.safetensors")
    else:
        lines += [f"      - path: models/{name}/config.json",
                  f"        sha256: {_sha(name + '/config')}"]
        if i % 3 == 0:
            lines.append(f"      - models/{name}/tokenizer*.json")
    licence = {"nc": "CC-BY-NC-4.0", "licenseref": "LicenseRef-bench-rail",
               "downloaded": "LicenseRef-bench-rail"}.get(kind, "Apache-2.0" if i % 2 else "MIT")
    lines += [
        "    format: safetensors",
        f"    license: {licence}",
        f"    copyright: 2026 Model Lab {i % 17}",
        f"    upstream: https://models.example.org/{name}",
        "    task: text-classification",
    ]
    if kind in ("fine-tuned", "candy-tuned"):
        lines.append(f"    base-model: {base}")
    candy = kind.startswith("candy")
    lines += [
        "    training:",
        "      data:",
        f"        - name: corpus {i}",
        f"          url: https://data.example.org/corpus-{i}",
        f"          license: {'unknown' if candy else 'CC-BY-4.0'}",
        f"          availability: {'unavailable' if candy else 'public'}",
        "      software:",
        f"        - name: trainer {i % 5}",
        f"          url: https://code.example.org/trainer-{i % 5}",
        f"          license: {'unknown' if candy else 'MIT'}",
        f"          available: {'false' if candy else 'true'}",
    ]
    if kind == "free-cuda":
        lines.append("          non-free-requirements: [CUDA]")
    lines += [
        f"      reproducible: {'no' if candy else 'yes'}",
        '      cost: "about 2 GPU hours"',
        f"      data-information: {'none' if candy else 'complete'}",
        "      fine-tuning: practical",
        "    notes: >-",
        f"      Model {i} of the benchmark collection, generated by bench/bench_classify.py",
        "      to look like a real entry: several files, a dataset, a trainer, notes.",
    ]
    return "\n".join(lines) + "\n"


def make_tree(root: Path, n: int) -> Counter[str]:
    """Write debian/aimodel.yaml and debian/control for ``n`` models; expected classes.

    ``n`` is a multiple of 20 (one :data:`MIX` group).  Fine-tuned models
    take the latest reference (free) or ToxicCandy model before them as
    their base, so the class inherited through ``base-model`` is known too.
    """
    group = sum(count for _, count in MIX)
    if n % group:
        raise ValueError(f"{n} models: not a multiple of {group}")
    (root / "debian").mkdir(parents=True, exist_ok=True)
    entries: list[str] = []
    expected: Counter[str] = Counter()
    last = {"reference": "", "candy": ""}
    i = 0
    for _ in range(n // group):
        for kind, count in MIX:
            for _ in range(count):
                base = last["reference"] if kind == "fine-tuned" else last["candy"]
                entries.append(_model(kind, i, base))
                if kind in last:
                    last[kind] = f"m{i:04d}-{kind}"
                expected[CLASS[kind]] += 1
                i += 1
    (root / "debian/aimodel.yaml").write_text(
        "# Generated by bench/bench_classify.py: a large collection of models.\n"
        "format: 1\npolicy: ml-policy\nlicenses:\n  LicenseRef-bench-rail:\n"
        "    dfsg: non-free\n    reason: use-based restrictions (DFSG 6)\nmodels:\n"
        + "".join(entries), encoding="utf-8")
    paragraphs = ["Source: models-bench\nSection: non-free/science\nPriority: optional\n"
                  "Maintainer: Bench <bench@example.org>\nBuild-Depends: debhelper-compat (= 13),"
                  " dh-sequence-aimodel\nStandards-Version: 4.6.2\n"]
    for names, section in PACKAGES.values():
        for name in names:
            paragraphs.append(f"Package: {name}\nSection: {section}\nArchitecture: all\n"
                              f"Depends: ${{misc:Depends}}\nDescription: benchmark models\n"
                              " Models of the classify benchmark.\n")
    (root / "debian/control").write_text("\n".join(paragraphs), encoding="utf-8")
    return expected


def _run(argv: list[str], tree: Path) -> str:
    """Run ``argv`` as a maintainer would in ``tree``; its output, or BenchError."""
    proc = subprocess.run(argv, cwd=tree, env=python_env(tree), capture_output=True, text=True,
                          check=False)
    if proc.returncode != 0:
        raise BenchError(f"{' '.join(argv[:4])} exited {proc.returncode}: "
                         f"{proc.stderr.strip()[-500:]}")
    return proc.stdout


_YAML_ONLY = ("import sys, yaml\n"
              "with open(sys.argv[1], encoding='utf-8') as f:\n"
              "    doc = yaml.load(f.read(), Loader=yaml.CSafeLoader)\n"
              "print(len(doc['models']))\n")


def _check(out: str, expected: Counter[str]) -> None:
    """Every model classified once, each with the class its template implies."""
    got = Counter(m["class"] for p in json.loads(out)["packages"] for m in p["models"])
    if got != expected:
        raise BenchError(f"aimodel classify found classes {dict(got)}, expected {dict(expected)}")


@benchmark("classify-1000", target=ratio_at_least(0.5, "yaml.load"))
def classify_1000(ctx: Context) -> Measurement:
    """``aimodel classify --format json`` on 1,000 models vs loading the YAML (fresh processes)."""
    n = ctx.size(1000, 500)
    tree = ctx.workdir / "classify"
    expected = make_tree(tree, n)
    declaration = tree / "debian/aimodel.yaml"
    ours_argv = [sys.executable, "-m", "dh_aimodel", "classify", "--format", "json", str(tree)]
    out: dict[str, str] = {}

    def ours() -> None:
        out["ours"] = _run(ours_argv, tree)

    def theirs() -> None:
        out["theirs"] = _run([sys.executable, "-c", _YAML_ONLY, str(declaration)], tree)

    ours()  # byte-compile the working tree once, outside the timing
    (t_ours, s_ours), (t_theirs, s_theirs) = best_of_pair(ctx.runs, ours, theirs)
    _check(out["ours"], expected)
    if out["theirs"].strip() != str(n):
        raise BenchError(f"yaml.load saw {out['theirs'].strip()} models, not {n}")
    all_argv = ours_argv[:4] + ["--all-policies", "--format", "json", str(tree)]
    t_all, s_all = best_of(ctx.runs, lambda: _run(all_argv, tree))
    return Measurement(
        ours=t_ours, baseline=t_theirs, unit="s", baseline_label="yaml.load",
        ratio=t_theirs / t_ours,
        details={"models": n, "yaml_bytes": declaration.stat().st_size,
                 "ours_samples": s_ours, "yaml_load_samples": s_theirs,
                 "all_policies_s": t_all, "all_policies_samples": s_all,
                 "classes": dict(expected)})

