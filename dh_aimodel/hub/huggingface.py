"""Adapter to the Hugging Face Hub, through huggingface_hub (imported lazily).

Only two commands touch the Hub: ``aimodel init --from-hf`` (model card
metadata, the file list with LFS sha256 at a pinned commit, the data sets'
licences and gating) and ``aimodel fetch`` for ``hf://`` URLs (only the
download URL and the authentication headers come from here; the bytes go
through :mod:`dh_aimodel.hub.fetch` like any https download).

huggingface_hub reads ``HF_ENDPOINT`` and ``HF_HUB_OFFLINE`` once, when it is
first imported; this module reads them at every call instead and passes the
endpoint explicitly, so the environment of the command (or of a test) is
what counts.  ``HF_TOKEN`` is left to huggingface_hub (``get_token``: the
variable, then the saved login).  A token is only ever put in request
headers: never in a message, a URL or a written file.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import Any, Literal

from dh_aimodel.core.errors import AimodelError, UsageError

RepoType = Literal["model", "dataset"]

DEFAULT_ENDPOINT = "https://huggingface.co"
#: The Debian package of huggingface_hub: in sid, not in trixie nor bookworm.
DEBIAN_PACKAGE = "python3-huggingface-hub"

_REPO_ID = r"[A-Za-z0-9][A-Za-z0-9._-]*/[A-Za-z0-9][A-Za-z0-9._-]*"
_REPO_ARG_RE = re.compile(rf"(?P<repo>{_REPO_ID})(?:@(?P<rev>[^\s@/]+))?\Z")
_HF_URL_RE = re.compile(
    rf"hf://(?:(?P<type>datasets|models)/)?(?P<repo>{_REPO_ID})@(?P<rev>[^\s@/]+)/(?P<path>[^\s]+)\Z")
_TRUE = ("1", "on", "yes", "true")


def _apt_knows(package: str) -> bool:
    """Whether this system's apt has ``package`` (an installable version), per apt-cache."""
    import shutil
    import subprocess

    apt_cache = shutil.which("apt-cache")
    if apt_cache is None:
        return False
    try:
        proc = subprocess.run([apt_cache, "show", "--no-all-versions", package],
                              capture_output=True, text=True, check=False, timeout=60)
    except (OSError, subprocess.SubprocessError):
        return False
    return proc.returncode == 0 and f"Package: {package}" in proc.stdout


def missing() -> str:
    """What to say when huggingface_hub is absent: what exists on the running release.

    Debian 13 (trixie) and 12 have no python3-huggingface-hub; advising it
    there would send the user looking for nothing.
    """
    if _apt_knows(DEBIAN_PACKAGE):
        return (f"huggingface_hub is not installed; install the Debian package "
                f"{DEBIAN_PACKAGE}")
    return ("huggingface_hub is not installed, and this system has no Debian package of it "
            f"({DEBIAN_PACKAGE}: in sid, not in trixie or bookworm); pip install "
            "huggingface_hub in a virtual environment (python3 -m venv "
            "--system-site-packages)")


class HubError(AimodelError):
    """The Hub cannot give what is asked (missing repo, no access, offline, network)."""


@dataclass(frozen=True, slots=True)
class HubRef:
    """A file at a revision of a Hub repository (``hf://ORG/NAME@REV/path``)."""

    repo_id: str
    revision: str
    path: str
    repo_type: RepoType = "model"


@dataclass(frozen=True, slots=True)
class HubFile:
    path: str
    size: int | None
    #: sha256 of the content for LFS/Xet files (from the Hub); None for files in git.
    sha256: str | None


@dataclass(frozen=True, slots=True)
class HubModel:
    repo_id: str
    #: The commit the requested revision resolved to.
    sha: str
    license: str | None
    license_name: str | None
    license_link: str | None
    datasets: tuple[str, ...]
    base_models: tuple[str, ...]
    library_name: str | None
    pipeline_tag: str | None
    author: str | None
    gated: bool
    files: tuple[HubFile, ...]


@dataclass(frozen=True, slots=True)
class HubDataset:
    repo_id: str
    license: str | None
    gated: bool
    private: bool


# -- environment ------------------------------------------------------------


def endpoint() -> str:
    """``HF_ENDPOINT``, read now (not at huggingface_hub's import)."""
    return (os.environ.get("HF_ENDPOINT") or DEFAULT_ENDPOINT).rstrip("/")


def offline() -> bool:
    value = os.environ.get("HF_HUB_OFFLINE") or os.environ.get("TRANSFORMERS_OFFLINE") or ""
    return value.strip().lower() in _TRUE


def check_online(what: str) -> None:
    if offline():
        raise HubError(f"{what} needs the Hugging Face Hub, but HF_HUB_OFFLINE is set; unset "
                       "it, or declare the files by hand")


def web_url(repo_id: str, repo_type: RepoType = "model") -> str:
    prefix = "datasets/" if repo_type == "dataset" else ""
    return f"{endpoint()}/{prefix}{repo_id}"


def _hub() -> Any:
    try:
        import huggingface_hub
    except ImportError as exc:
        raise HubError(missing()) from exc
    return huggingface_hub


# -- parsing ------------------------------------------------------------------


def parse_repo_arg(text: str) -> tuple[str, str | None]:
    """``ORG/NAME[@REVISION]`` as given to ``init --from-hf``."""
    text = text.strip()
    for prefix in (endpoint() + "/", DEFAULT_ENDPOINT + "/", "hf://"):
        if text.startswith(prefix):
            text = text[len(prefix):]
    m = _REPO_ARG_RE.match(text)
    if not m:
        raise UsageError(f"--from-hf: '{text}' is not a Hub model; accepted: ORG/NAME or "
                         "ORG/NAME@REVISION (a branch, tag or commit)")
    return m["repo"], m["rev"]


def parse_hf_url(url: str) -> HubRef:
    """``hf://[datasets/]ORG/NAME@REV/path`` (the revision is required: pinned files)."""
    m = _HF_URL_RE.match(url)
    if not m:
        raise HubError(f"'{url}' is not a valid hf:// URL; accepted: "
                       "hf://ORG/NAME@REVISION/path/in/repo")
    return HubRef(m["repo"], m["rev"], m["path"],
                  "dataset" if m["type"] == "datasets" else "model")


def hf_url(repo_id: str, revision: str, path: str) -> str:
    return f"hf://{repo_id}@{revision}/{path}"


# -- requests through huggingface_hub ----------------------------------------


def _transport_errors() -> tuple[type[BaseException], ...]:
    """The network exception classes of whichever HTTP library huggingface_hub uses."""
    found: list[type[BaseException]] = [OSError]
    for name in ("httpx2", "httpx"):
        try:
            module = __import__(name)
            found.append(module.TransportError)
        except (ImportError, AttributeError):
            pass
    try:
        import requests

        found.append(requests.RequestException)
    except ImportError:
        pass
    return tuple(found)


def _call(what: str, repo_id: str, repo_type: RepoType, asked: str | None,
          func: Any, **kwargs: Any) -> Any:
    """Run one huggingface_hub call, turning its exceptions into one-line HubErrors."""
    hub = _hub()
    errors = hub.errors
    where = web_url(repo_id, repo_type)
    try:
        return func(repo_id, **kwargs)
    except errors.RevisionNotFoundError as exc:
        raise HubError(f"{what}: revision '{asked}' of {where} not found; accepted: a "
                       "branch, tag or commit of the repository") from exc
    except errors.GatedRepoError as exc:
        raise HubError(f"{what}: {where} is gated; accept its terms on the Hub and set "
                       "HF_TOKEN (or run 'hf auth login')") from exc
    except errors.RepositoryNotFoundError as exc:
        raise HubError(f"{what}: {where} not found (or private: set HF_TOKEN to a token "
                       "that may read it)") from exc
    except errors.OfflineModeIsEnabled as exc:
        raise HubError(f"{what}: huggingface_hub is in offline mode (HF_HUB_OFFLINE)") from exc
    except errors.HfHubHTTPError as exc:
        status = getattr(getattr(exc, "response", None), "status_code", "?")
        raise HubError(f"{what}: the Hub answered HTTP {status} for {where}") from exc
    except _transport_errors() as exc:
        kind = "timed out" if "timeout" in type(exc).__name__.lower() else "failed"
        raise HubError(f"{what}: connection to {endpoint()} {kind} ({type(exc).__name__}); "
                       "check the network or HF_ENDPOINT") from exc


def _api(hub: Any) -> Any:
    return hub.HfApi(endpoint=endpoint())


def _as_tuple(value: object) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    if isinstance(value, (list, tuple)):
        return tuple(str(v) for v in value if v)
    return ()


def _first(value: object) -> str | None:
    items = _as_tuple(value)
    return items[0] if items else None


def _card(info: Any) -> dict[str, Any]:
    card = getattr(info, "card_data", None)
    if card is None:
        return {}
    return card.to_dict() if hasattr(card, "to_dict") else dict(card)


def model_info(repo_id: str, revision: str | None, timeout: float) -> HubModel:
    """Card metadata and file list of a model at ``revision`` (default: main)."""
    check_online("aimodel init --from-hf")
    hub = _hub()
    info = _call("model", repo_id, "model", revision, _api(hub).model_info,
                 revision=revision, files_metadata=True, timeout=timeout)
    card = _card(info)
    files = []
    for sibling in info.siblings or ():
        lfs = sibling.lfs
        files.append(HubFile(path=sibling.rfilename,
                             size=(lfs["size"] if lfs else sibling.size),
                             sha256=(str(lfs["sha256"]).lower() if lfs else None)))
    if not info.sha:
        raise HubError(f"model: the Hub did not say which commit {web_url(repo_id)} "
                       f"revision '{revision or 'main'}' is; cannot pin the files")
    return HubModel(
        repo_id=info.id or repo_id, sha=info.sha,
        license=_first(card.get("license")),
        license_name=_first(card.get("license_name")),
        license_link=_first(card.get("license_link")),
        datasets=_as_tuple(card.get("datasets")),
        base_models=_as_tuple(card.get("base_model")),
        library_name=info.library_name or card.get("library_name"),
        pipeline_tag=info.pipeline_tag or card.get("pipeline_tag"),
        author=info.author or repo_id.split("/")[0],
        gated=bool(info.gated),
        files=tuple(sorted(files, key=lambda f: f.path)))


def model_license(repo_id: str, timeout: float) -> str | None:
    """The licence tag of another model (a base model), or None if it cannot be read."""
    hub = _hub()
    try:
        info = _call("base model", repo_id, "model", None, _api(hub).model_info,
                     timeout=timeout)
    except HubError:
        return None
    return _first(_card(info).get("license"))


def dataset_info(repo_id: str, timeout: float) -> HubDataset | None:
    """Licence and gating of a data set; None when the Hub does not know it."""
    hub = _hub()
    try:
        info = _call("dataset", repo_id, "dataset", None, _api(hub).dataset_info,
                     timeout=timeout)
    except HubError as exc:
        if isinstance(exc.__cause__, hub.errors.RepositoryNotFoundError) and not isinstance(
                exc.__cause__, hub.errors.GatedRepoError):
            return None
        raise
    card = _card(info)
    return HubDataset(repo_id=info.id or repo_id, license=_first(card.get("license")),
                      gated=bool(info.gated), private=bool(info.private))


def resolve_url(ref: HubRef) -> str:
    """The https URL huggingface_hub downloads ``ref`` from (…/resolve/REV/path)."""
    hub = _hub()
    return hub.hf_hub_url(ref.repo_id, ref.path, repo_type=ref.repo_type,
                          revision=ref.revision, endpoint=endpoint())


def auth_headers() -> dict[str, str]:
    """Headers for a Hub download: user agent, and the token when one is set.

    Only sent to the Hub endpoint; requests drops ``Authorization`` itself when
    a redirect leaves that host (the CDN).
    """
    hub = _hub()
    return dict(hub.utils.build_hf_headers(library_name="dh-aimodel"))
