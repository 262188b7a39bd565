"""Shared fixtures: real example source trees copied into tmp_path, and builds
of them with the real dpkg-buildpackage running this working tree's dh_aimodel.

No dh-aimodel needs to be installed: ``bin/`` goes first on PATH (its
dh_aimodel carries dh's PROMISE line), the working tree on PYTHONPATH, and a
PERL5LIB directory whose Debian/Debhelper/Sequence/aimodel.pm is a symlink to
``debhelper/aimodel.pm`` (Perl finds ``--with aimodel`` there).  Builds use
``-d`` because the dh-sequence-aimodel build dependency is then not an
installed package.

With ``AIMODEL_TEST_INSTALLED=1`` (the autopkgtests in debian/tests/) the
installed dh-aimodel package is tested instead: nothing of the working tree
goes on PATH, PYTHONPATH or PERL5LIB, and builds check their build
dependencies (no ``-d``), dh-sequence-aimodel being a real package then.

Missing Debian tools skip the tests that need them on a developer's box; under
``CI=true`` they fail instead, so CI cannot pass by skipping.

The real packages of the archive (tools/fetch-archive-debs into
``$AIMODEL_ARCHIVE_DEBS``) are found by :func:`archive_deb` and walked, once per
.deb, by :func:`routed_members` and :func:`recognised_members`.
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Callable, Iterable, Iterator, Mapping
from urllib.parse import unquote

import pytest
from debian.debian_support import Version

from dh_aimodel.formats import families
from dh_aimodel.formats.families import RECOGNISE_BYTES, Candidate, Recognised

#: tests/data holds upstream sources that tools run as data (the peer pickle
#: scanners' test suites, tests/data/pickle-peers): never collected, nor
#: imported by --doctest-modules.
collect_ignore = ["data"]

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "examples"
EXAMPLE_NAMES = ("free-model", "toxic-candy", "non-free-licence", "runtime-download")
#: Testing the installed package (debian/tests/), not the working tree.
INSTALLED = os.environ.get("AIMODEL_TEST_INSTALLED") == "1"

#: Variables of the caller's environment that would change what dh does.
_DH_VARIABLES = ("DH_VERBOSE", "DH_QUIET", "DH_NO_ACT", "DH_OPTIONS", "DH_INTERNAL_OPTIONS",
                 "DH_INTERNAL_OVERRIDE", "DEB_BUILD_OPTIONS", "DEB_BUILD_PROFILES",
                 "MAKEFLAGS", "MAKELEVEL", "MFLAGS")


def _importable(module: str) -> bool:
    try:
        __import__(module)
    except ImportError:
        return False
    return True


#: Tests that need huggingface_hub: an optional dependency, and Debian 13
#: (trixie) has no python3-huggingface-hub, so there they skip.
needs_hub = pytest.mark.skipif(
    not _importable("huggingface_hub"),
    reason="huggingface_hub is not installed (Debian trixie has no python3-huggingface-hub)")


@pytest.fixture(autouse=True)
def _no_dh_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """No test sees what dh exports to the build it runs (the unit tests run in one:
    debian/rules, where dh_auto_test is an override and DH_INTERNAL_* are set)."""
    for variable in _DH_VARIABLES:
        monkeypatch.delenv(variable, raising=False)


@pytest.fixture(autouse=True)
def _loopback_is_not_proxied(monkeypatch: pytest.MonkeyPatch) -> None:
    """The tests' HTTP servers listen on 127.0.0.1: no proxy may catch those requests.

    pybuild points http_proxy at a closed port to keep package builds
    offline (the unit tests run there, debian/rules); a developer may have a
    real proxy.  Subprocesses inherit the setting.
    """
    for name in ("no_proxy", "NO_PROXY"):
        current = os.environ.get(name, "")
        monkeypatch.setenv(name, ",".join(filter(None, [current, "127.0.0.1", "localhost"])))


def require_tools(*tools: str) -> None:
    """Skip (or, under CI=true, fail) when a command is not installed."""
    missing = [t for t in tools if shutil.which(t) is None]
    if not missing:
        return
    message = (f"{', '.join(missing)} not installed (apt install debhelper dpkg-dev "
               "lintian fakeroot)")
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI=true: {message}")
    pytest.skip(message)


#: Tests that need a licence text outside /usr/share/common-licenses: the
#: ScanCode LicenseDB (licensedcode-data) is not packaged for Debian.
needs_license_texts = pytest.mark.skipif(
    not _importable("licensedcode"),
    reason="licensedcode-data is not installed (Debian has no package of it)")


def require_build_deps(tree: Path) -> None:
    """Skip (or, under CI=true, fail) when the source's Build-Depends are not installed."""
    require_tools("dpkg-checkbuilddeps")
    proc = subprocess.run(["dpkg-checkbuilddeps"], cwd=tree, capture_output=True, text=True,
                          check=False)
    if proc.returncode == 0:
        return
    message = proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else "unmet"
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI=true: {message}")
    pytest.skip(message)


def copy_example(name: str, dest: Path) -> Path:
    """A fresh copy of examples/<name> as ``dest/<name>``; returns the source root."""
    tree = dest / name
    shutil.copytree(EXAMPLES / name, tree, symlinks=True)
    return tree


def stage(tree: Path) -> None:
    """Install files as dh_install would (``src dest/`` lines of debian/<pkg>.install).

    For the in-process tests, which need a package build directory but not a
    whole build.
    """
    for install in sorted((tree / "debian").glob("*.install")):
        package = install.name[: -len(".install")]
        for line in install.read_text(encoding="utf-8").splitlines():
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            *sources, dest = line.split()
            for source in sources:
                for path in sorted(tree.glob(source)):
                    target = tree / "debian" / package / dest / path.name
                    target.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copy2(path, target)


@pytest.fixture
def example_tree(tmp_path: Path) -> Callable[[str], Path]:
    """``example_tree("toxic-candy")``: a copy of that example in tmp_path."""
    return lambda name: copy_example(name, tmp_path)


@pytest.fixture
def staged_example(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[[str], Path]:
    """A copy of an example, its files installed in debian/<pkg>/, as cwd."""
    for variable in _DH_VARIABLES:
        monkeypatch.delenv(variable, raising=False)

    def make(name: str) -> Path:
        tree = copy_example(name, tmp_path)
        stage(tree)
        monkeypatch.chdir(tree)
        return tree
    return make


# -- real builds -------------------------------------------------------------------

@dataclass(frozen=True)
class Build:
    """The outcome of one dpkg-buildpackage run."""

    tree: Path
    returncode: int
    output: str

    @property
    def debs(self) -> dict[str, Path]:
        """Built .deb files by package name."""
        return {p.name.split("_")[0]: p for p in sorted(self.tree.parent.glob("*.deb"))}

    def errors(self) -> list[str]:
        """The ``dh_aimodel: error:`` lines of the build log."""
        return [line for line in self.output.splitlines()
                if line.startswith("dh_aimodel: error:")]


@pytest.fixture(scope="session")
def dh_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Environment for dpkg-buildpackage that runs the working tree's dh_aimodel."""
    env = {k: v for k, v in os.environ.items() if k not in _DH_VARIABLES}
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    if INSTALLED:
        return env
    perl5 = tmp_path_factory.mktemp("perl5")
    sequence = perl5 / "Debian" / "Debhelper" / "Sequence"
    sequence.mkdir(parents=True)
    (sequence / "aimodel.pm").symlink_to(REPO / "debhelper" / "aimodel.pm")
    env["PATH"] = os.pathsep.join([str(REPO / "bin"), env.get("PATH", "/usr/bin:/bin")])
    env["PERL5LIB"] = os.pathsep.join(filter(None, [str(perl5), env.get("PERL5LIB")]))
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    return env


def write_files(tree: Path, files: Mapping[str, bytes]) -> Path:
    """Write a source tree from ``path -> bytes`` (debian/rules made executable)."""
    for path, data in files.items():
        (tree / path).parent.mkdir(parents=True, exist_ok=True)
        (tree / path).write_bytes(data)
    if (tree / "debian/rules").is_file():
        (tree / "debian/rules").chmod(0o755)
    return tree


def run_aimodel(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """``aimodel ARGS`` of the working tree, in a process of its own, in ``cwd``."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run([sys.executable, "-c", "import sys; from dh_aimodel.cli import main; "
                           "sys.exit(main(sys.argv[1:]))", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, check=False)


def build(tree: Path, env: dict[str, str], *extra: str) -> Build:
    """``dpkg-buildpackage -us -uc -b`` in ``tree`` (``-d`` unless testing the installed package)."""
    nocheck = [] if INSTALLED else ["-d"]
    proc = subprocess.run(["dpkg-buildpackage", "-us", "-uc", "-b", *nocheck, *extra],
                          cwd=tree, env=env, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True, check=False)
    return Build(tree, proc.returncode, proc.stdout)


def build_all(trees: Iterable[Path], env: dict[str, str]) -> list[Build]:
    """Build several trees at once (each in its own directory), one per CPU."""
    trees = list(trees)
    workers = max(1, min(len(trees), len(os.sched_getaffinity(0))))
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(lambda t: build(t, env), trees))


@pytest.fixture(scope="session")
def built_examples(tmp_path_factory: pytest.TempPathFactory,
                   dh_env: dict[str, str]) -> dict[str, Build]:
    """Every example built once per session (in parallel)."""
    require_tools("dpkg-buildpackage", "dh", "dh_listpackages", "dpkg-deb")
    root = tmp_path_factory.mktemp("examples")
    trees = [copy_example(name, root / name) for name in EXAMPLE_NAMES]
    return dict(zip(EXAMPLE_NAMES, build_all(trees, dh_env)))


_TAG = re.compile(r"^(?P<code>[EWIPXOCM]): (?P<package>\S+)(?: (?P<type>\w+))?: "
                  r"(?P<tag>[\w.+-]+)(?: (?P<context>.*))?$")


def lintian_tags(path: Path) -> list[tuple[str, str, str]]:
    """(code, tag, context) of every tag Lintian shows, overridden ones included."""
    proc = subprocess.run(["lintian", "-EIL", "+pedantic", "--show-overrides",
                           "--no-tag-display-limit", str(path)],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                          check=False)
    if proc.returncode not in (0, 1, 2):
        raise AssertionError(f"lintian failed ({proc.returncode}): {proc.stderr}")
    tags = []
    for line in proc.stdout.splitlines():
        m = _TAG.match(line)
        if m:
            tags.append((m["code"], m["tag"], m["context"] or ""))
    return tags


# -- real packages of the archive ----------------------------------------------------

def archive_deb(package: str, suite: str = "trixie") -> Path:
    """The real .deb of ``package`` in ``$AIMODEL_ARCHIVE_DEBS/SUITE/`` (``suite="*"``:
    any suite), the newest version where there are several.

    The packages are downloaded by tools/fetch-archive-debs, not shipped with the
    tests: without them, or without dpkg-deb to unpack them, the test is skipped.
    """
    root = os.environ.get("AIMODEL_ARCHIVE_DEBS")
    if not root:
        pytest.skip("AIMODEL_ARCHIVE_DEBS is unset (tools/fetch-archive-debs DIR downloads "
                    "the archive packages into DIR)")
    found = list(Path(root).glob(f"{suite}/{package}_*.deb"))
    if not found:
        pytest.skip(f"{package} is not in {root}/{suite} (tools/fetch-archive-debs {root})")
    require_tools("dpkg-deb")
    # name_version_arch.deb, the epoch's colon written %3a
    return max(found, key=lambda deb: Version(unquote(deb.name.split("_")[1])))


def routed_candidates(deb: Path) -> Iterator[tuple[Candidate, Path]]:
    """Each regular member of ``deb`` that the families route to a recogniser, as
    its candidate and the file it is extracted to.

    The .deb is streamed (``dpkg-deb --fsys-tarfile``), one member on disk at a
    time: the file is gone once the next member is asked for, so a candidate is
    to be used before that.
    """
    with (tempfile.TemporaryDirectory() as tmp,
          subprocess.Popen(["dpkg-deb", "--fsys-tarfile", str(deb)],
                           stdout=subprocess.PIPE) as proc):
        assert proc.stdout is not None
        with tarfile.open(fileobj=proc.stdout, mode="r|") as tar:
            for i, member in enumerate(tar):
                if not member.isreg():
                    continue
                stream = tar.extractfile(member)
                assert stream is not None
                head = stream.read(RECOGNISE_BYTES)
                path = member.name.removeprefix("./")
                if not families.routed(path, head):
                    continue
                target = Path(tmp, str(i))
                with target.open("wb") as out:
                    out.write(head)
                    shutil.copyfileobj(stream, out)
                yield Candidate(path, member.size, head,
                                functools.partial(target.open, "rb")), target
                target.unlink()
    assert proc.returncode == 0, f"dpkg-deb --fsys-tarfile {deb}: exit {proc.returncode}"


@functools.lru_cache(maxsize=None)
def routed_members(deb: Path) -> Mapping[str, Recognised | None]:
    """Each member of ``deb`` the families route, and what they recognise it as (None:
    routed, not recognised), read-only.

    Once per .deb and session: festvox-ru is 300 MB, and several test files
    look at the same packages.
    """
    return MappingProxyType({c.path: families.recognise(c) for c, _ in routed_candidates(deb)})


@functools.lru_cache(maxsize=None)
def recognised_members(deb: Path) -> Mapping[str, Recognised]:
    """The members of ``deb`` the families recognise, and as what, read-only."""
    return MappingProxyType({path: found for path, found in routed_members(deb).items()
                             if found is not None})
