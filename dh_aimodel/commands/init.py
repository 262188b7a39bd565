"""Build the skeleton of debian/aimodel.yaml that ``aimodel init`` writes.

Two sources: the model files found in the source tree (magic bytes, sha256)
or a Hugging Face model repository (card metadata, files at a pinned commit,
data sets looked up on the Hub).  Either way the output says only what the
source really knows.  What it cannot know is written as a conservative value
(``license: unknown``, ``available: false``, ``reproducible: unknown``,
``availability: unavailable``) with a ``# TODO(aimodel): ...`` comment on the
same line.  The comments are the contract: :func:`find_todos` finds them,
and ``aimodel validate`` reports each one and fails while any is left, so a
skeleton cannot pass for a reviewed declaration; the values underneath are
never guessed as free, so forgetting one errs on the side of non-free.

The builders (:func:`from_tree`, :func:`from_hub`) are pure: plain data in,
a :class:`Skeleton` out.  :func:`render_skeleton` fills the jinja2 template
and parses the result back with the real loader.  The I/O around them
(walking the tree, asking the Hub) is in :func:`scan_tree` and
:func:`hub_skeleton`.
"""

from __future__ import annotations

import dataclasses
import json
import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Iterable, Mapping, Sequence

from dh_aimodel.core.errors import AimodelError, Pos, Problem
from dh_aimodel.core.facts import PackagingFacts
from dh_aimodel.formats.base import human_size

if TYPE_CHECKING:
    from dh_aimodel.formats.c_arrays import Summary
    from dh_aimodel.hub.huggingface import HubDataset, HubModel

TODO_MARK = "TODO(aimodel)"
_TODO_RE = re.compile(r"(?:^|\s)(#\s*TODO\(aimodel\):?\s*(?P<text>.*?))\s*$")
_NAME_BAD = re.compile(r"[^a-z0-9.+_-]+")
_YAML11_WORDS = frozenset({"y", "n", "yes", "no", "on", "off", "true", "false", "null", "~"})
#: Repository files that are not part of the model.
HUB_SKIP = frozenset({".gitattributes", "README.md"})


# -- YAML text ------------------------------------------------------------------


def scalar(value: str) -> str:
    """``value`` as a YAML scalar that reads back as that exact string.

    Plain when the loader (YAML 1.2) and a YAML 1.1 reader both see the
    same string; JSON-quoted (valid YAML) otherwise.

    >>> scalar("MIT"), scalar("no"), scalar("a: b"), scalar("2019")
    ('MIT', '"no"', '"a: b"', '"2019"')
    """
    import yaml

    from dh_aimodel.manifest.loader import Yaml12Loader

    if value and value == value.strip() and "#" not in value and "\n" not in value \
            and value.lower() not in _YAML11_WORDS:
        try:
            node = yaml.compose(value, Loader=Yaml12Loader)
        except yaml.YAMLError:
            node = None
        if (isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:str"
                and node.style is None and node.value == value):
            return value
    return json.dumps(value)


def _one_line(text: str) -> str:
    return " ".join(text.split())


@dataclass(frozen=True, slots=True)
class Field:
    """``key: value`` (value already a YAML scalar), maybe with a TODO comment."""

    key: str
    value: str
    todo: str | None = None

    @property
    def line(self) -> str:
        suffix = f"  # {TODO_MARK}: {_one_line(self.todo)}" if self.todo else ""
        return f"{self.key}: {self.value}{suffix}"


@dataclass(frozen=True, slots=True)
class Item:
    """``- value`` in a list (value already a YAML scalar), maybe with a TODO comment."""

    value: str
    todo: str | None = None

    @property
    def line(self) -> str:
        suffix = f"  # {TODO_MARK}: {_one_line(self.todo)}" if self.todo else ""
        return f"- {self.value}{suffix}"


@dataclass(frozen=True, slots=True)
class FileEntry:
    path: str
    sha256: str | None = None
    url: str | None = None
    comment: str | None = None
    todo: str | None = None

    @property
    def path_line(self) -> str:
        comment = (f"  # {TODO_MARK}: {_one_line(self.todo)}" if self.todo
                   else f"  # {self.comment}" if self.comment else "")
        return f"path: {scalar(self.path)}{comment}"


@dataclass(frozen=True, slots=True)
class DatasetEntry:
    name: str
    url: str | None
    license: Field
    availability: Field


@dataclass(frozen=True, slots=True)
class SoftwareEntry:
    name: str
    url: str | None
    license: Field
    available: Field


@dataclass(frozen=True, slots=True)
class ModelEntry:
    name: str
    head: tuple[Field, ...]
    files: tuple[FileEntry, ...]
    files_comment: tuple[str, ...]
    fields: tuple[Field, ...]
    data: tuple[DatasetEntry, ...] = ()
    data_todo: str | None = None
    software: tuple[SoftwareEntry, ...] = ()
    training: tuple[Field, ...] = ()
    components: tuple[tuple[str, str], ...] = ()
    extras: tuple[Field, ...] = ()
    #: ``installed:`` paths, for a model the package carries in another form.
    installed: tuple[Item, ...] = ()

    @property
    def has_training(self) -> bool:
        return bool(self.data or self.data_todo or self.software or self.training)

    @property
    def data_line(self) -> str:
        return Field("data", "[]", self.data_todo).line


@dataclass(frozen=True, slots=True)
class Skeleton:
    header: tuple[str, ...]
    models: tuple[ModelEntry, ...]


# -- shared pieces ----------------------------------------------------------------


def model_name(text: str, fallback: str = "model") -> str:
    """A valid ``name`` (``[a-z0-9][a-z0-9.+_-]*``) made from a repo or directory name.

    >>> model_name("Llama-2-7B_chat"), model_name("--"), model_name("openai-community/gpt2")
    ('llama-2-7b_chat', 'model', 'gpt2')
    """
    base = text.rsplit("/", 1)[-1].lower()
    name = _NAME_BAD.sub("-", base).lstrip(".+_-")
    return name or fallback


def _unique(name: str, taken: set[str]) -> str:
    candidate, n = name, 2
    while candidate in taken:
        candidate, n = f"{name}-{n}", n + 1
    taken.add(candidate)
    return candidate


def _package_field(facts: PackagingFacts | None) -> tuple[Field, ...]:
    if facts is None:
        return ()
    names = facts.names
    if len(names) == 1:
        return (Field("package", scalar(names[0])),)
    return (Field("package", scalar(names[0]),
                  f"which binary package ships this model? one of {', '.join(names)}"),)


def _licence(tag: str | None, *, weights: bool, extra: str = "") -> Field:
    """The SPDX expression for a Hub licence tag, or ``unknown`` with a TODO."""
    from dh_aimodel.core.licenses import hf_alias

    what = "the weights' licence" if weights else "its licence"
    if not tag:
        return Field("license", "unknown", f"the Hub card gives no licence; write the SPDX "
                                           f"expression of {what}")
    spdx = hf_alias(tag)
    if spdx and spdx != "unknown":
        return Field("license", scalar(spdx))
    if spdx is None:
        from dh_aimodel.core.licenses import is_known

        if is_known(tag):
            return Field("license", scalar(tag))
    return Field("license", "unknown",
                 f"the Hub licence tag '{tag}'{extra} names no single SPDX licence; write the "
                 "SPDX expression, or a LicenseRef- id with a verdict under 'licenses:'")


def _common_format(paths: Iterable[str], known: Mapping[str, str | None]) -> str | None:
    formats = {known.get(p) for p in paths} - {None, "other"}
    return formats.pop() if len(formats) == 1 else None


def _extension_format(path: str) -> str | None:
    from dh_aimodel.formats import EXTENSIONS

    lower = path.lower()
    for ext, fmt in EXTENSIONS.items():
        if lower.endswith(ext):
            return fmt
    return None


SOFTWARE_TODO = ("the source does not say whether the program that trained the weights is "
                 "published: name it, give its url and licence, and write available: true only "
                 "if it is complete")
REPRODUCIBLE_TODO = ("can the weights be rebuilt from the declared data and program? yes, no "
                     "or unknown")
COPYRIGHT_TODO = ("write the years and holders as upstream states them (model card, LICENSE "
                  "file, paper)")


def _training_program(name: str) -> SoftwareEntry:
    return SoftwareEntry(name=scalar(f"{name} training program"), url=None,
                         license=Field("license", "unknown"),
                         available=Field("available", "false", SOFTWARE_TODO))


# -- from a Hugging Face repository ---------------------------------------------


def from_hub(model: "HubModel", requested: str | None, facts: PackagingFacts | None, *,
             datasets: Mapping[str, "HubDataset | None"],
             base_licenses: Mapping[str, str | None],
             git_sha256: Mapping[str, str], endpoint: str, root_dir: str = "models") -> Skeleton:
    """The skeleton for a Hub model (``model`` read at commit ``model.sha``)."""
    from dh_aimodel.hub.huggingface import hf_url

    web = f"{endpoint}/{model.repo_id}"
    taken: set[str] = set()
    name = _unique(model_name(model.repo_id), taken)
    files = []
    formats: dict[str, str | None] = {}
    for f in model.files:
        if f.path in HUB_SKIP:
            continue
        local = str(PurePosixPath(root_dir) / name / f.path)
        formats[local] = _extension_format(f.path)
        files.append(FileEntry(path=local, sha256=f.sha256 or git_sha256.get(f.path),
                               url=hf_url(model.repo_id, model.sha, f.path),
                               comment=human_size(f.size) if f.size is not None else None))
    extra = "".join(f" ({k}: {v})" for k, v in (("license_name", model.license_name),
                                                ("license_link", model.license_link)) if v)
    fields = []
    fmt = _common_format(formats, formats)
    if fmt:
        fields.append(Field("format", scalar(fmt)))
    fields.append(_licence(model.license, weights=True, extra=extra))
    fields.append(Field("copyright", scalar(model.author or model.repo_id.split("/")[0]),
                        COPYRIGHT_TODO))
    fields.append(Field("upstream", scalar(web)))
    if model.pipeline_tag:
        fields.append(Field("task", scalar(model.pipeline_tag)))
    references: list[ModelEntry] = []
    if model.base_models:
        base_names = []
        for base in model.base_models:
            base_name = _unique(model_name(base), taken)
            base_names.append(base_name)
            references.append(ModelEntry(
                name=scalar(base_name), head=(Field("delivery", "reference"),), files=(),
                files_comment=(f"base model {base}, not shipped",),
                fields=(_licence(base_licenses.get(base), weights=True),
                        Field("upstream", scalar(f"{endpoint}/{base}")))))
        todo = None
        if len(base_names) > 1:
            todo = (f"the card names several base models ({', '.join(model.base_models)}); "
                    "base-model takes one: keep the one this model was derived from")
        fields.append(Field("base-model", scalar(base_names[0]), todo))
    data = tuple(_dataset(ds, datasets.get(ds), endpoint) for ds in model.datasets)
    head = _package_field(facts)
    extras = (Field("x-hf-library-name", scalar(model.library_name)),) \
        if model.library_name else ()
    rev_note = f" (asked for '{requested}')" if requested and requested != model.sha else ""
    main = ModelEntry(
        name=scalar(name), head=head, files=tuple(files),
        files_comment=(f"The repository's files at commit {model.sha}{rev_note};",
                       "remove those this package does not ship. 'aimodel fetch' downloads",
                       "them here and checks each sha256."),
        fields=tuple(fields), data=data,
        data_todo=None if data else (
            "the model card names no training data: list each data set (name, url, license, "
            "availability), or leave the list empty if there is none"),
        software=(_training_program(name),),
        training=(Field("reproducible", "unknown", REPRODUCIBLE_TODO),),
        components=(("model-card", scalar(web)),), extras=extras)
    header = (
        "debian/aimodel.yaml: the trained models of this source package, for",
        "dh_aimodel(1) and aimodel(1); the format is described in aimodel.yaml(5).",
        f"Written by \"aimodel init --from-hf {model.repo_id}\" from {web}",
        f"at commit {model.sha}.",
    ) + _TODO_HEADER
    return Skeleton(header, (main, *references))


_TODO_HEADER = (
    "Lines marked TODO(aimodel) need a decision the tool could not take: until",
    "each is settled and its comment deleted, \"aimodel validate\" lists them and",
    "fails. The values beside them are conservative placeholders, not findings.",
)


def _dataset(repo_id: str, info: "HubDataset | None", endpoint: str) -> DatasetEntry:
    url = scalar(f"{endpoint}/datasets/{repo_id}")
    if info is None:
        return DatasetEntry(
            name=scalar(repo_id), url=None, license=Field("license", "unknown"),
            availability=Field("availability", "unavailable",
                               f"'{repo_id}' is not a data set on the Hub: say where it is, "
                               "its licence and whether anyone can get it"))
    if info.private:
        availability = Field("availability", "unavailable")
    elif info.gated:
        availability = Field("availability", "on-request")
    else:
        availability = Field("availability", "public")
    return DatasetEntry(name=scalar(info.repo_id), url=url,
                        license=_licence(info.license, weights=False), availability=availability)


# -- from the files of the source tree ----------------------------------------------


@dataclass(frozen=True, slots=True)
class FoundFile:
    """A file of the tree that looks like a model.

    ``note`` says what was found in it when its bytes alone do not show it
    (the arrays of a C source file holding weights).
    """

    path: str
    sha256: str
    format: str | None
    header_license: str | None = None
    note: str | None = None


#: Where the build usually puts what compiled weights end up in, for the
#: placeholder of ``installed:`` (a library; a program is usr/bin/NAME).
COMPILED_PLACEHOLDER = "usr/lib/*/lib*.so.*"


def from_tree(found: Sequence[FoundFile], facts: PackagingFacts | None,
              fallback_name: str) -> Skeleton:
    """One model per directory holding model files (a maintainer merges or splits),
    except that each C source file of weights is a model of its own, compiled."""
    groups: dict[tuple[str, str], list[FoundFile]] = {}
    for f in sorted(found, key=lambda f: f.path):
        compiled = f.path if f.format == "c-array" else ""
        groups.setdefault((str(PurePosixPath(f.path).parent), compiled), []).append(f)
    taken: set[str] = set()
    models = []
    head = _package_field(facts)
    if not groups:
        name = _unique(model_name(fallback_name), taken)
        models.append(_tree_model(name, head, (FileEntry(
            path=f"models/{name}.safetensors",
            todo="no file of the tree looks like a model: list the model files"),), None, ()))
    for (directory, compiled), files in groups.items():
        if compiled:
            name = _unique(model_name(PurePosixPath(compiled).stem), taken)
            models.append(_compiled_model(name, head, files[0], facts))
            continue
        name = _unique(model_name(directory if directory != "." else fallback_name), taken)
        fmt = _common_format((f.path for f in files), {f.path: f.format for f in files})
        hints = sorted({f"{f.path} says '{f.header_license}'" for f in files
                        if f.header_license})
        models.append(_tree_model(
            name, head,
            tuple(FileEntry(path=f.path, sha256=f.sha256, comment=f.note) for f in files),
            fmt, tuple(hints)))
    header = (
        "debian/aimodel.yaml: the trained models of this source package, for",
        "dh_aimodel(1) and aimodel(1); the format is described in aimodel.yaml(5).",
        "Written by \"aimodel init\" from the model files found in the source tree",
        "(one model per directory: merge or split entries as upstream does).",
    ) + _TODO_HEADER
    return Skeleton(header, tuple(models))


def _compiled_model(name: str, head: tuple[Field, ...], f: FoundFile,
                    facts: PackagingFacts | None) -> ModelEntry:
    """A C source file of weights: the model is built into a library or program."""
    if facts is None:
        carrier = "the binary package"
    elif len(facts.names) == 1:
        carrier = f"binary package {facts.names[0]}"
    else:
        carrier = f"the binary package (one of {', '.join(facts.names)})"
    todo = (f"the weights are compiled into a file of {carrier}: write the path, below the "
            "package root, of each library or program built from this source (a glob "
            f"such as {COMPILED_PLACEHOLDER}, or usr/bin/NAME)")
    model = _tree_model(name, (*head, Field("delivery", "compiled")),
                        (FileEntry(path=f.path, sha256=f.sha256, comment=f.note),),
                        "c-array", ())
    return dataclasses.replace(
        model, installed=(Item(scalar(COMPILED_PLACEHOLDER), todo),),
        files_comment=("Source file holding the weights as C arrays, with its sha256.",))


def _tree_model(name: str, head: tuple[Field, ...], files: tuple[FileEntry, ...],
                fmt: str | None, hints: tuple[str, ...]) -> ModelEntry:
    hint = f" (the file headers: {'; '.join(hints)})" if hints else ""
    fields = []
    if fmt:
        fields.append(Field("format", scalar(fmt)))
    fields.append(Field("license", "unknown",
                        f"write the SPDX expression of the weights' licence{hint}"))
    fields.append(Field("copyright", "unknown", COPYRIGHT_TODO))
    return ModelEntry(
        name=scalar(name), head=head, files=files,
        files_comment=("Files found by their magic bytes, with their sha256.",),
        fields=tuple(fields),
        data_todo="list each training data set (name, url, license, availability), or "
                  "leave the list empty if there is none",
        software=(_training_program(name),),
        training=(Field("reproducible", "unknown", REPRODUCIBLE_TODO),))


# -- rendering and checking -----------------------------------------------------------


def render_skeleton(skeleton: Skeleton, filename: str,
                    facts: PackagingFacts | None) -> str:
    """The declaration text; parsed back with the loader, so it is always loadable."""
    from dh_aimodel.core.errors import DeclarationError
    from dh_aimodel.manifest.loader import load_text
    from dh_aimodel.packaging.render import render

    text = render("aimodel.yaml.j2", skeleton=skeleton)
    try:
        load_text(text, filename, facts)
    except DeclarationError as exc:  # a bug here, not the user's mistake
        raise AssertionError(f"aimodel init wrote a declaration the loader refuses:\n{exc}\n"
                             f"---\n{text}") from exc
    return text


def find_todos(text: str, filename: str) -> list[Problem]:
    """Every ``# TODO(aimodel): ...`` comment, with its position.

    >>> [str(p) for p in find_todos("a: 1  # TODO(aimodel): fix\\n", "f")]
    ['f:1:7: fix']
    """
    out = []
    for number, line in enumerate(text.splitlines(), 1):
        m = _TODO_RE.search(line)
        if m:
            out.append(Problem(m["text"] or "(no text)",
                               Pos(filename, number, m.start(1) + 1)))
    return out


# -- I/O: the tree and the Hub ---------------------------------------------------------


def scan_tree(root: Path, jobs: int | None = None) -> list[FoundFile]:
    """Files under ``root`` that look like models (debian/ and VCS directories skipped).

    Besides the files that :func:`~dh_aimodel.formats.looks_like_model`
    takes for models from their head, three kinds need more than a head: an
    ARPA language model with a long preamble (read further by
    :func:`~dh_aimodel.formats.sniff_file`), the text files of a Sphinx
    acoustic model directory whose parameter files were recognised
    (:func:`~dh_aimodel.formats.model_dirs.model_directories`), and C
    source files that hold weights as arrays
    (:func:`~dh_aimodel.formats.c_arrays.c_array_summary`, which reads the
    whole file).

    A file that disappears before its head is read is simply not there; one
    found to be a model that then cannot be hashed or sniffed (removed or
    changed while the tree was scanned) is an :class:`AimodelError` naming
    it, since the declaration would describe a tree that no longer exists.
    """
    from dh_aimodel.formats import (
        ARPA_NAMES,
        SNIFF_BYTES,
        _extension,
        looks_like_model,
        read_metadata,
        sniff_file,
    )
    from dh_aimodel.formats.c_arrays import C_EXTENSIONS, c_array_summary
    from dh_aimodel.formats.model_dirs import model_directories
    from dh_aimodel.packaging.sourcetree import display_name
    from dh_aimodel.tree.hashing import sha256_files
    from dh_aimodel.tree.walk import source_files

    def unreadable(path: Path, exc: OSError) -> AimodelError:
        return AimodelError(f"{display_name(path)}: cannot read: {exc.strerror or exc}; it "
                            "was found as a model a moment before (is something changing "
                            "the tree?); nothing was written")

    files = source_files(root)
    formats: dict[str, str | None] = {}  # candidates, with the format found
    notes: dict[str, str] = {}
    for rel in files:
        path = root / rel
        ext = _extension(rel)
        try:
            with open(path, "rb") as fh:
                head = fh.read(SNIFF_BYTES)
            if looks_like_model(head, path.name):
                formats[rel] = _extension_format(path.name)  # a model, whatever follows
                formats[rel] = sniff_file(path) or formats[rel]
            elif ext in ARPA_NAMES and sniff_file(path) == "arpa-lm":
                formats[rel] = "arpa-lm"
            elif ext in C_EXTENSIONS and (summary := c_array_summary(path)) is not None:
                formats[rel] = "c-array"
                notes[rel] = _c_array_note(summary)
        except OSError as exc:
            if rel in formats:
                raise unreadable(path, exc) from exc
    for model_dir in model_directories(files):
        if any(formats.get(m) == model_dir.format for m in model_dir.members):
            for member in model_dir.members:
                if member not in formats:
                    notes[member] = f"part of the {model_dir.format} model in {model_dir.dir}/"
                formats[member] = model_dir.format
    candidates = [root / rel for rel in formats]
    digests = sha256_files(candidates, jobs)
    found = []
    for rel, fmt in sorted(formats.items()):
        path = root / rel
        digest = digests[path]
        if isinstance(digest, OSError):
            raise unreadable(path, digest)
        licence = None
        if fmt and fmt != "c-array":  # C arrays carry no licence field, and are big
            try:
                licence = read_metadata(path, fmt).license
            except Exception:  # noqa: BLE001 - a hint only; the file is hostile input
                licence = None
        found.append(FoundFile(path=rel, sha256=digest, format=fmt, header_license=licence,
                               note=notes.get(rel)))
    return found


def _c_array_note(summary: "Summary") -> str:
    """What a C source file of weights holds, for the comment beside its path.

    >>> from dh_aimodel.formats.c_arrays import Summary
    >>> _c_array_note(Summary(("a", "b"), 3, 12000))
    '12000 values in 3 arrays: a, b, ...'
    """
    names = ", ".join(summary.arrays)
    more = ", ..." if summary.array_count > len(summary.arrays) else ""
    at_least = "at least " if summary.truncated else ""
    arrays = "array" if summary.array_count == 1 else "arrays"
    return f"{at_least}{summary.values} values in {summary.array_count} {arrays}: {names}{more}"


def hub_skeleton(repo_arg: str, facts: PackagingFacts | None, *, timeout: float,
                 jobs: int) -> Skeleton:
    """Ask the Hub about a model and its data sets; build the skeleton."""
    from dh_aimodel.hub import fetch
    from dh_aimodel.hub import huggingface as hub

    repo_id, revision = hub.parse_repo_arg(repo_arg)
    hub.check_online("aimodel init --from-hf")
    model = hub.model_info(repo_id, revision, timeout)
    datasets = {ds: hub.dataset_info(ds, timeout) for ds in model.datasets}
    base_licenses = {b: hub.model_license(b, timeout) for b in model.base_models}
    in_git = [f for f in model.files if f.sha256 is None and f.path not in HUB_SKIP]
    git_sha256: dict[str, str] = {}
    if in_git:
        fetcher = fetch.Fetcher(fetch.Options(jobs=jobs, timeout=timeout))
        headers = hub.auth_headers()

        def digest(path: str) -> tuple[str, str]:
            url = hub.resolve_url(hub.HubRef(model.repo_id, model.sha, path))
            return path, fetcher.remote_sha256(url, headers)

        git_sha256 = dict(fetch.run_parallel(digest, [f.path for f in in_git], jobs,
                                             fetcher.cancel))
    return from_hub(model, revision, facts, datasets=datasets, base_licenses=base_licenses,
                    git_sha256=git_sha256, endpoint=fetch.display_url(hub.endpoint()))

