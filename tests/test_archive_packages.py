"""Issue 16 on real Debian packages: aimodel lint reports the models that
packages of the archive ship without a declaration, and nothing alarming on
packages that ship none.

The packages are tools/archive-packages.list, downloaded by
tools/fetch-archive-debs into AIMODEL_ARCHIVE_DEBS (.ci/run does it); the
test is skipped when that is unset.  The fourth column of the list names
the families each package must be reported with: every reported family
must be among them.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import archive_deb

from dh_aimodel.lint import lint

ROOT = Path(__file__).resolve().parents[1]
LIST = ROOT / "tools/archive-packages.list"
FOUND_TAGS = ("aimodel-model-found", "aimodel-statistical-table-found")
#: Issue 16: at least this many of the packages that ship models get a finding.
AT_LEAST = 40


def _entries() -> list[tuple[str, str, str, tuple[str, ...]]]:
    out = []
    for line in LIST.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            suite, package, expect, *families = line.split()
            out.append((suite, package, expect,
                        tuple(families[0].split(",")) if families else ()))
    return out


def _family(context: str) -> str:
    return context.split(",", 1)[0].split()[0]


@pytest.fixture(scope="module")
def results() -> dict[tuple[str, str], list]:
    return {(suite, package): lint(archive_deb(package, suite))
            for suite, package, _, _ in _entries()}


def test_the_list_has_44_packages_with_models_and_10_without() -> None:
    expects = [e for _, _, e, _ in _entries()]
    assert expects.count("model") == 44 and expects.count("none") == 10


@pytest.mark.parametrize(("suite", "package", "families"),
                         [(s, p, f) for s, p, e, f in _entries() if e == "model" and f])
def test_reported_families_are_the_right_ones(results, suite: str, package: str,
                                              families: tuple[str, ...]) -> None:
    found = {_family(r.diagnostic.context) for r in results[suite, package]
             if r.diagnostic.tag in FOUND_TAGS}
    assert found <= set(families), f"{package}: unexpected families {found - set(families)}"


def test_most_packages_that_ship_models_get_a_finding(results) -> None:
    reported = [p for s, p, e, _ in _entries() if e == "model"
                and any(r.diagnostic.tag in FOUND_TAGS for r in results[s, p])]
    missed = [p for s, p, e, _ in _entries() if e == "model" and p not in reported]
    assert len(reported) >= AT_LEAST, f"only {len(reported)}; missed: {missed}"


def test_each_package_with_models_gets_one_advice(results) -> None:
    for suite, package, _, _ in _entries():
        advice = [r for r in results[suite, package] if r.diagnostic.tag == "aimodel-area-advice"]
        found = any(r.diagnostic.tag in FOUND_TAGS for r in results[suite, package])
        assert len(advice) == (1 if found else 0), package


@pytest.mark.parametrize(("suite", "package"),
                         [(s, p) for s, p, e, _ in _entries() if e == "none"])
def test_no_alarm_on_packages_without_models(results, suite: str, package: str) -> None:
    alarms = [f"{r.severity}: {r.diagnostic.tag} {r.diagnostic.context}"
              for r in results[suite, package] if r.severity in ("error", "warning")]
    assert alarms == []
    assert not any(r.diagnostic.tag in FOUND_TAGS for r in results[suite, package])
