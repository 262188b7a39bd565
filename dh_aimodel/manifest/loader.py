"""Parse debian/aimodel.yaml into :class:`~dh_aimodel.core.declaration.Declaration`.

One pass over the YAML node tree (``yaml.compose`` with the safe loader), so
every value keeps its line and column.  Every problem of the file is collected
and reported together — a maintainer fixes them all in one go — each as
``file:line:col: what is wrong; what is accepted``.

Scalars are resolved as YAML 1.2 (the core schema editors use with the JSON
Schema we ship) rather than PyYAML's YAML 1.1: ``reproducible: no`` is the
word "no", and only ``true``/``false`` are booleans.  A string field refuses
a number (``copyright: 2019``) with a hint to quote it, exactly as the schema
does, so the two accept and reject the same documents.
"""

from __future__ import annotations

import difflib
import gc
import re
from contextlib import contextmanager
from pathlib import PurePosixPath
from types import MappingProxyType
from typing import Callable, Iterable, Iterator, Sequence, TypeVar, cast

import yaml

from dh_aimodel.core import declaration as d
from dh_aimodel.core.errors import DeclarationError, Pos, Problem
from dh_aimodel.core.facts import PackagingFacts

T = TypeVar("T")
D = TypeVar("D")

NAME_RE = re.compile(r"[a-z0-9][a-z0-9.+_-]*\Z")
SHA256_RE = re.compile(r"[0-9a-fA-F]{64}\Z")
URL_SCHEMES = ("http://", "https://", "hf://")

_STR = "tag:yaml.org,2002:str"
_NULL = "tag:yaml.org,2002:null"
_BOOL = "tag:yaml.org,2002:bool"
_INT = "tag:yaml.org,2002:int"

TOP_KEYS = ("format", "policy", "models", "licenses")
MODEL_KEYS = ("name", "package", "files", "format", "license", "copyright", "upstream",
              "delivery", "distributable", "task", "base-model", "training", "components",
              "notes")
FILE_KEYS = ("path", "sha256", "url")
TRAINING_KEYS = ("data", "software", "reproducible", "cost", "data-information",
                 "fine-tuning")
DATASET_KEYS = ("name", "url", "license", "availability")
SOFTWARE_KEYS = ("name", "url", "license", "available", "non-free-requirements")
COMPONENT_FIELD_KEYS = ("url", "license")
LICENSE_VERDICT_KEYS = ("dfsg", "reason", "text")


class Yaml12Loader(yaml.SafeLoader):
    """PyYAML's safe loader with YAML 1.2 booleans (true/false only)."""


Yaml12Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != _BOOL]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
Yaml12Loader.add_implicit_resolver(
    _BOOL, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))

#: libyaml's parser (PyYAML's C extension; Debian's python3-yaml is built
#: with it) under the same resolvers: it composes a 1 MiB declaration (1,000 models)
#: ten times faster than PyYAML's pure-Python parser, into the same nodes at
#: the same line:col.  None when PyYAML was built without libyaml.
_CYaml12Loader: type | None = None
if getattr(yaml, "__with_libyaml__", False):
    class _CYaml12Loader(yaml.CSafeLoader):  # type: ignore[no-redef]
        """:class:`Yaml12Loader`'s resolvers on libyaml's parser."""

    _CYaml12Loader.yaml_implicit_resolvers = (  # type: ignore[union-attr]
        Yaml12Loader.yaml_implicit_resolvers)

#: Where libyaml and PyYAML's own parser disagree (found by comparing their
#: node trees on mutated declarations, tests/manifest/test_declaration_loader.py):
#: tabs, carriage returns, byte-order marks and Unicode line breaks (other
#: positions), ``!`` tags, explicit ``? key`` entries and ``?`` in flow
#: collections (other trees), and a block scalar header run into other text
#: (``>#``, ``|x``), which libyaml accepts.  See :func:`_pyyaml_only`.
_ODD_CHARACTERS = re.compile(r"[\t\r\ufeff\x85\u2028\u2029]")
_TAG = re.compile(r"(?:^|[\s\[{,])!", re.MULTILINE)
_EXPLICIT_KEY = re.compile(r"\?(?:[ \n]|\Z)")
_BLOCK_HEADER = re.compile(r"[|>][-+0-9]*[^-+0-9\s]")


def _pyyaml_only(text: str) -> bool:
    """Whether ``text`` uses a construct that only PyYAML's parser reads as before.

    A few simple searches, each skipped when its character is absent: a
    plain 1 MiB declaration is checked in some 5 ms (one pattern joining
    them all took ten times as long).
    """
    if _ODD_CHARACTERS.search(text):
        return True
    if "!" in text and _TAG.search(text):
        return True
    if "?" in text and ("[" in text or "{" in text or _EXPLICIT_KEY.search(text)):
        return True
    return any(m.start() == 0 or text[m.start() - 1].isspace()
               for m in _BLOCK_HEADER.finditer(text))


def compose(text: str) -> yaml.Node | None:
    """The node tree of ``text`` as PyYAML's :class:`Yaml12Loader` composes it, quickly.

    libyaml does the work when the text avoids the constructs where it
    differs (:func:`_pyyaml_only`); when it raises, PyYAML's parser runs
    again to raise its own error, at its own position.
    """
    if _CYaml12Loader is not None and not _pyyaml_only(text):
        try:
            return yaml.compose(text, Loader=_CYaml12Loader)
        except yaml.YAMLError:
            pass
    return yaml.compose(text, Loader=Yaml12Loader)


class _Unset:
    """Marks a value that was missing or wrong, so no second error follows."""


UNSET = _Unset()


def _accepted(words: Iterable[str]) -> str:
    return ", ".join(words)


class _Reader:
    """Walks the node tree, converting values and collecting problems."""

    def __init__(self, filename: str) -> None:
        self.filename = filename
        self.problems: list[Problem] = []

    def pos(self, node: yaml.Node) -> Pos:
        mark = node.start_mark
        return Pos(self.filename, mark.line + 1, mark.column + 1)

    def error(self, node: yaml.Node, message: str) -> _Unset:
        self.problems.append(Problem(message, self.pos(node)))
        return UNSET

    # -- containers -------------------------------------------------------

    def mapping(self, node: yaml.Node, where: str, allowed: Sequence[str],
                required: Sequence[str] = ()) -> dict[str, yaml.Node] | None:
        """The keys of a mapping node; refuses unknown, duplicate and missing keys.

        ``x-`` keys are returned too (the caller keeps them as extras).
        """
        if not isinstance(node, yaml.MappingNode):
            self.error(node, f"{where} must be a mapping; accepted keys: {_accepted(allowed)}")
            return None
        out: dict[str, yaml.Node] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                self.error(key_node, f"{where}: keys must be plain words; "
                                     f"accepted keys: {_accepted(allowed)}")
                continue
            key = key_node.value
            if key in out:
                self.error(key_node, f"{where}: duplicate key '{key}'; each key may appear once")
                continue
            if key not in allowed and not key.startswith("x-"):
                hint = difflib.get_close_matches(key, allowed, n=1)
                did_you_mean = f"did you mean '{hint[0]}'? " if hint else ""
                self.error(key_node, f"{where}: unknown key '{key}'; {did_you_mean}"
                                     f"accepted keys: {_accepted(allowed)}, or x-* for "
                                     "your own notes")
                continue
            out[key] = value_node
        for key in required:
            if key not in out:
                self.error(node, f"{where}: missing required key '{key}'")
        return out

    def sequence(self, node: yaml.Node, where: str, what: str) -> list[yaml.Node] | None:
        if not isinstance(node, yaml.SequenceNode):
            self.error(node, f"{where} must be a list; accepted: a list of {what}")
            return None
        return list(node.value)

    def extras(self, keys: dict[str, yaml.Node]) -> MappingProxyType:
        """The ``x-`` keys, kept as opaque data; a value no safe loader can build
        (``!!python/object``, a local ``!tag``) is an error at its position."""
        out = {}
        for key, node in keys.items():
            if key.startswith("x-"):
                try:
                    out[key] = _plain(node)
                except yaml.YAMLError as exc:
                    problem = getattr(exc, "problem", None) or str(exc)
                    self.error(node, f"{key}: {' '.join(str(problem).split())}; accepted: "
                                     "any plain YAML value without tags")
        return MappingProxyType(out)

    # -- scalars ----------------------------------------------------------

    def string(self, node: yaml.Node, where: str, accepted: str = "a string") -> str | _Unset:
        if not isinstance(node, yaml.ScalarNode) or node.tag == _NULL or node.value == "":
            return self.error(node, f"{where} must not be empty or a structure; accepted: "
                                    f"{accepted}")
        if node.tag != _STR:
            return self.error(node, f"{where}: {node.value} is not a string; accepted: "
                                    f"{accepted} (quote it: '{node.value}')")
        return node.value

    def choice(self, node: yaml.Node, where: str, choices: Sequence[str]) -> str | _Unset:
        value = self.string(node, where, f"one of {_accepted(choices)}")
        if isinstance(value, str) and value not in choices:
            return self.error(node, f"{where}: '{value}' is not allowed; accepted: "
                                    f"{_accepted(choices)}")
        return value

    def boolean(self, node: yaml.Node, where: str) -> bool | _Unset:
        if isinstance(node, yaml.ScalarNode) and node.tag == _BOOL:
            return node.value.lower() == "true"
        return self.error(node, f"{where} must be a boolean; accepted: true, false")

    def strings(self, node: yaml.Node, where: str, what: str = "strings") -> tuple[str, ...]:
        if isinstance(node, yaml.ScalarNode):
            value = self.string(node, where, f"a string or a list of {what}")
            return (value,) if isinstance(value, str) else ()
        items = self.sequence(node, where, what)
        out = []
        for i, item in enumerate(items or ()):
            value = self.string(item, f"{where}[{i}]", f"a list of {what}")
            if isinstance(value, str):
                out.append(value)
        return tuple(out)

    def url(self, node: yaml.Node, where: str) -> str | _Unset:
        value = self.string(node, where, "an http://, https:// or hf:// URL")
        if isinstance(value, str) and not value.startswith(URL_SCHEMES):
            return self.error(node, f"{where}: '{value}' is not a URL; accepted: "
                                    "http://, https:// or hf://ORG/NAME@REV/path")
        return value

    def license(self, node: yaml.Node, where: str, words: bool) -> str | _Unset:
        """An SPDX expression (checked by the licence library), or unknown/proprietary."""
        from dh_aimodel.core.licenses import LicenseSyntaxError, check_syntax

        accepted = ("an SPDX expression, 'unknown' or 'proprietary'" if words
                    else "an SPDX licence expression (AND, OR, WITH, parentheses, +)")
        value = self.string(node, where, accepted)
        if not isinstance(value, str):
            return value
        try:
            check_syntax(value)
        except LicenseSyntaxError as exc:
            return self.error(node, f"{where}: invalid licence expression '{value}': {exc}")
        return value

    def relpath(self, node: yaml.Node, where: str) -> str | _Unset:
        """A path or glob relative to the source root that cannot leave it."""
        value = self.string(node, where, "a path relative to the source root")
        if not isinstance(value, str):
            return value
        path = PurePosixPath(value)
        if path.is_absolute():
            return self.error(node, f"{where}: '{value}' is absolute; accepted: a path "
                                    "relative to the source root, such as models/x.gguf")
        if ".." in path.parts:
            return self.error(node, f"{where}: '{value}' contains '..'; accepted: a path "
                                    "inside the source tree, without '..'")
        normalised = str(path)
        return "" if normalised == "." else normalised

    def optional(self, keys: dict[str, yaml.Node], key: str,
                 convert: Callable[[yaml.Node, str], T | _Unset], where: str,
                 default: D) -> T | D:
        if key not in keys:
            return default
        value = convert(keys[key], f"{where}.{key}" if where else key)
        return default if isinstance(value, _Unset) else value


def _plain(node: yaml.Node) -> object:
    """The value of an ``x-`` node, built by the safe YAML 1.2 constructor."""
    loader = Yaml12Loader("")
    try:
        return loader.construct_document(node)
    finally:
        loader.dispose()


def _model_where(index: int, name: object) -> str:
    return f"models[{index}] ({name})" if isinstance(name, str) else f"models[{index}]"


class _Loader:
    def __init__(self, filename: str, facts: PackagingFacts | None,
                 policy_names: Sequence[str]) -> None:
        self.r = _Reader(filename)
        self.facts = facts
        self.policy_names = policy_names

    def load(self, text: str) -> d.Declaration:
        r = self.r
        try:
            root = compose(text)
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            pos = Pos(r.filename, mark.line + 1, mark.column + 1) if mark else Pos(r.filename, 1, 1)
            raise DeclarationError(f"not valid YAML: {exc.problem or exc.context}; "
                                   "accepted: a YAML mapping as in aimodel.yaml(5)", pos) from exc
        except yaml.YAMLError as exc:
            raise DeclarationError(f"not valid YAML: {exc}; accepted: a YAML mapping as in "
                                   "aimodel.yaml(5)", Pos(r.filename, 1, 1)) from exc
        if root is None:
            raise DeclarationError("the file is empty; accepted: a mapping with 'format: 1' "
                                   "and 'models:'", Pos(r.filename, 1, 1))
        keys = r.mapping(root, "top level", TOP_KEYS, required=("format", "models"))
        if keys is None:
            self._raise()
        assert keys is not None
        fmt = self._format(keys.get("format"))
        if fmt is None:
            self._raise()
        policy = r.optional(keys, "policy", self._policy, "", "ml-policy")
        licenses = self._licenses(keys["licenses"]) if "licenses" in keys else {}
        models = self._models(keys["models"]) if "models" in keys else ()
        self._cross_checks(models)
        extras = r.extras(keys)
        if r.problems:
            self._raise()
        return d.Declaration(path=r.filename, format=fmt or 1, models=models,
                             policy=policy, licenses=MappingProxyType(licenses),
                             extras=extras)

    def _raise(self) -> None:
        raise DeclarationError(problems=tuple(sorted(self.r.problems,
                                                     key=lambda p: (p.pos is None, p.pos))))

    def _format(self, node: yaml.Node | None) -> int | None:
        if node is None:
            return None
        supported = _accepted(str(v) for v in d.FORMAT_VERSIONS)
        if isinstance(node, yaml.ScalarNode) and node.tag == _INT:
            value = int(node.value)
            if value in d.FORMAT_VERSIONS:
                return value
            self.r.error(node, f"format {value} is not supported by this version of "
                               f"dh-aimodel; supported format versions: {supported}")
            return None
        self.r.error(node, f"format must be an integer; supported format versions: {supported}")
        return None

    def _policy(self, node: yaml.Node, where: str) -> str | _Unset:
        return self.r.choice(node, where, self.policy_names)

    def _licenses(self, node: yaml.Node) -> dict[str, d.LicenseVerdict]:
        r = self.r
        if not isinstance(node, yaml.MappingNode):
            r.error(node, "licenses must be a mapping; accepted: LicenseRef-<id>: {dfsg: ..., "
                          "reason: ...}")
            return {}
        out: dict[str, d.LicenseVerdict] = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            if not isinstance(key, str) or not key.startswith("LicenseRef-"):
                r.error(key_node, f"licenses: key '{key}' is not a LicenseRef id; accepted: "
                                  "LicenseRef-<id> (SPDX ids are judged by the tool's own table)")
                continue
            if key in out:
                r.error(key_node, f"licenses: duplicate key '{key}'; each key may appear once")
                continue
            where = f"licenses.{key}"
            keys = r.mapping(value_node, where, LICENSE_VERDICT_KEYS, required=("dfsg",))
            if keys is None or "dfsg" not in keys:
                continue
            dfsg = r.choice(keys["dfsg"], f"{where}.dfsg", d.DFSG_VERDICTS)
            if isinstance(dfsg, _Unset):
                continue
            out[key] = d.LicenseVerdict(
                id=key, dfsg=dfsg, pos=r.pos(key_node),  # type: ignore[arg-type]
                reason=r.optional(keys, "reason", r.string, where, None),
                text=r.optional(keys, "text", r.relpath, where, None))
        return out

    def _models(self, node: yaml.Node) -> tuple[d.Model, ...]:
        items = self.r.sequence(node, "models", "model mappings")
        if items is None:
            return ()
        if not items:
            self.r.error(node, "models must not be empty; accepted: at least one model")
        models = []
        for index, item in enumerate(items):
            model = self._model(index, item)
            if model is not None:
                models.append(model)
        return tuple(models)

    def _model(self, index: int, node: yaml.Node) -> d.Model | None:
        r = self.r
        keys = r.mapping(node, f"models[{index}]", MODEL_KEYS, required=("name", "license"))
        if keys is None:
            return None
        name = r.string(keys["name"], f"models[{index}].name") if "name" in keys else UNSET
        if isinstance(name, str) and not NAME_RE.match(name):
            r.error(keys["name"], f"models[{index}].name: '{name}' is not a valid name; "
                                  "accepted: lower-case letters, digits and . + _ - , starting "
                                  "with a letter or digit")
        where = _model_where(index, name)
        delivery = r.optional(keys, "delivery", lambda n, w: r.choice(n, w, d.DELIVERIES),
                              where, "shipped")
        license_ = (r.license(keys["license"], f"{where}.license", words=True)
                    if "license" in keys else UNSET)
        files = self._files(keys, where, delivery, node)
        copyright_ = r.optional(keys, "copyright", r.strings, where, ())
        if "copyright" not in keys and delivery != "reference":
            r.error(node, f"{where}: missing required key 'copyright'; accepted: the "
                          "holders as they will appear in debian/copyright")
        package = r.optional(keys, "package", r.string, where, None)
        package = self._package(keys.get("package"), package, where, delivery, node)
        training = (self._training(keys["training"], f"{where}.training")
                    if "training" in keys else d.Training())
        components = (self._components(keys["components"], f"{where}.components")
                      if "components" in keys else {})
        if isinstance(name, _Unset) or isinstance(license_, _Unset):
            return None
        return d.Model(
            name=name, pos=r.pos(node), license=license_, license_pos=r.pos(keys["license"]),
            files=files, copyright=copyright_, package=package,
            format=r.optional(keys, "format", lambda n, w: r.choice(n, w, d.MODEL_FORMATS),
                              where, None),
            upstream=r.optional(keys, "upstream", r.url, where, None),
            delivery=delivery,  # type: ignore[arg-type]
            distributable=r.optional(keys, "distributable", r.boolean, where, True),
            task=r.optional(keys, "task", r.string, where, None),
            base_model=r.optional(keys, "base-model", r.string, where, None),
            training=training, components=MappingProxyType(components),
            notes=r.optional(keys, "notes", r.string, where, None),
            extras=r.extras(keys))

    def _package(self, node: yaml.Node | None, package: str | None, where: str,
                 delivery: str, model_node: yaml.Node) -> str | None:
        facts = self.facts
        if facts is None:
            return package
        if package is not None:
            if package not in facts.names:
                hint = difflib.get_close_matches(package, facts.names, n=1)
                did_you_mean = f"did you mean '{hint[0]}'? " if hint else ""
                self.r.error(node or model_node,
                             f"{where}.package: '{package}' is not a binary package of "
                             f"debian/control; {did_you_mean}accepted: {_accepted(facts.names)}")
            return package
        if delivery == "reference":
            return None
        if len(facts.packages) == 1:
            return facts.packages[0].name
        self.r.error(model_node, f"{where}: missing key 'package', needed because debian/control "
                                 f"has several binary packages; accepted: "
                                 f"{_accepted(facts.names)}")
        return None

    def _files(self, keys: dict[str, yaml.Node], where: str, delivery: str,
               model_node: yaml.Node) -> tuple[d.FileSpec, ...]:
        r = self.r
        if "files" not in keys:
            if delivery != "reference":
                r.error(model_node, f"{where}: missing required key 'files'; accepted: a list of paths "
                        "or {path, sha256, url} mappings")
            return ()
        items = r.sequence(keys["files"], f"{where}.files", "paths or {path, sha256, url}")
        if items is None:
            return ()
        if not items and delivery != "reference":
            r.error(keys["files"], f"{where}.files must not be empty; accepted: at least one "
                                   "path (only delivery: reference may have none)")
        out = []
        for i, item in enumerate(items):
            spec = self._file(item, f"{where}.files[{i}]")
            if spec is not None:
                out.append(spec)
        return tuple(out)

    def _file(self, node: yaml.Node, where: str) -> d.FileSpec | None:
        r = self.r
        if isinstance(node, yaml.ScalarNode):
            path = r.relpath(node, where)
            return None if isinstance(path, _Unset) else d.FileSpec(path=path, pos=r.pos(node))
        keys = r.mapping(node, where, FILE_KEYS, required=("path",))
        if keys is None or "path" not in keys:
            return None
        path = r.relpath(keys["path"], f"{where}.path")
        sha256 = r.optional(keys, "sha256", r.string, where, None)
        if sha256 is not None:
            if not SHA256_RE.match(sha256):
                r.error(keys["sha256"], f"{where}.sha256: '{sha256}' is not a sha256 digest; "
                                        "accepted: 64 hexadecimal digits")
                sha256 = None
            elif isinstance(path, str) and any(c in path for c in "*?["):
                r.error(keys["sha256"], f"{where}.sha256: a checksum needs a single file, "
                                        f"but path '{path}' is a glob; accepted: one entry "
                                        "per file")
            else:
                sha256 = sha256.lower()
        url = r.optional(keys, "url", r.url, where, None)
        if isinstance(path, _Unset):
            return None
        return d.FileSpec(path=path, pos=r.pos(node), sha256=sha256, url=url)

    def _training(self, node: yaml.Node, where: str) -> d.Training:
        r = self.r
        keys = r.mapping(node, where, TRAINING_KEYS)
        if keys is None:
            return d.Training()
        data = self._entries(keys, "data", where, "dataset mappings", self._dataset)
        software = self._entries(keys, "software", where, "software mappings", self._software)
        # r.choice returns one of the listed words: the Literal types hold.
        reproducible = r.optional(keys, "reproducible",
                                  lambda n, w: r.choice(n, w, d.REPRODUCIBLE), where, "unknown")
        information = r.optional(keys, "data-information",
                                 lambda n, w: r.choice(n, w, d.DATA_INFORMATION), where, None)
        fine_tuning = r.optional(keys, "fine-tuning",
                                 lambda n, w: r.choice(n, w, d.FINE_TUNING), where, "unknown")
        return d.Training(
            data=data, software=software,
            reproducible=cast("d.Reproducible", reproducible),
            cost=r.optional(keys, "cost", r.string, where, None),
            data_information=cast("d.DataInformation | None", information),
            fine_tuning=cast("d.FineTuning", fine_tuning))

    def _entries(self, keys: dict[str, yaml.Node], key: str, where: str, what: str,
                 convert: Callable[[yaml.Node, str], T | None]) -> tuple[T, ...]:
        if key not in keys or keys[key].tag == _NULL:
            return ()
        items = self.r.sequence(keys[key], f"{where}.{key}", what) or ()
        converted = (convert(item, f"{where}.{key}[{i}]") for i, item in enumerate(items))
        return tuple(c for c in converted if c is not None)

    def _dataset(self, node: yaml.Node, where: str) -> d.Dataset | None:
        r = self.r
        keys = r.mapping(node, where, DATASET_KEYS, required=("name", "license", "availability"))
        if keys is None or not {"name", "license", "availability"} <= keys.keys():
            return None
        name = r.string(keys["name"], f"{where}.name")
        license_ = r.license(keys["license"], f"{where}.license", words=True)
        availability = r.choice(keys["availability"], f"{where}.availability", d.AVAILABILITIES)
        url = r.optional(keys, "url", r.url, where, None)
        if any(isinstance(v, _Unset) for v in (name, license_, availability)):
            return None
        return d.Dataset(name=name, license=license_, pos=r.pos(node),  # type: ignore[arg-type]
                         availability=availability, url=url)  # type: ignore[arg-type]

    def _software(self, node: yaml.Node, where: str) -> d.Software | None:
        r = self.r
        keys = r.mapping(node, where, SOFTWARE_KEYS, required=("name", "license", "available"))
        if keys is None or not {"name", "license", "available"} <= keys.keys():
            return None
        name = r.string(keys["name"], f"{where}.name")
        license_ = r.license(keys["license"], f"{where}.license", words=True)
        available = r.boolean(keys["available"], f"{where}.available")
        url = r.optional(keys, "url", r.url, where, None)
        requirements = r.optional(keys, "non-free-requirements",
                                  lambda n, w: r.strings(n, w, "requirement names"), where, ())
        if any(isinstance(v, _Unset) for v in (name, license_, available)):
            return None
        return d.Software(name=name, license=license_, available=available,  # type: ignore
                          pos=r.pos(node), url=url, non_free_requirements=requirements)

    def _components(self, node: yaml.Node, where: str) -> dict[str, d.Component]:
        r = self.r
        keys = r.mapping(node, where, d.COMPONENT_KEYS)
        out = {}
        for key, value in (keys or {}).items():
            if key.startswith("x-"):
                continue
            fields = r.mapping(value, f"{where}.{key}", COMPONENT_FIELD_KEYS)
            if fields is None:
                continue
            out[key] = d.Component(
                url=r.optional(fields, "url", r.url, f"{where}.{key}", None),
                license=r.optional(fields, "license",
                                   lambda n, w: r.license(n, w, words=True),
                                   f"{where}.{key}", None))
        return out

    def _cross_checks(self, models: tuple[d.Model, ...]) -> None:
        """Rules that span entries: unique names, base-model references and cycles."""
        r = self.r
        by_name: dict[str, d.Model] = {}
        for m in models:
            if m.name in by_name:
                r.problems.append(Problem(f"models: duplicate name '{m.name}' (first at line "
                                          f"{by_name[m.name].pos.line}); accepted: a name used "
                                          "once", m.pos))
            else:
                by_name[m.name] = m
        for m in models:
            if m.base_model is None:
                continue
            if m.base_model not in by_name:
                r.problems.append(Problem(
                    f"model '{m.name}': base-model '{m.base_model}' is not a model of this "
                    f"file; accepted: {_accepted(sorted(by_name)) or 'the name of another entry'}",
                    m.pos))
                continue
            seen = [m.name]
            current: d.Model | None = by_name[m.base_model]
            while current is not None:
                if current.name in seen:
                    if current.name == m.name:
                        chain = " -> ".join(seen + [current.name])
                        r.problems.append(Problem(f"model '{m.name}': base-model cycle {chain}; "
                                                  "accepted: a chain ending at a model without "
                                                  "base-model", m.pos))
                    break
                seen.append(current.name)
                current = by_name.get(current.base_model) if current.base_model else None


def load_text(text: str, filename: str = "debian/aimodel.yaml",
              facts: PackagingFacts | None = None) -> d.Declaration:
    """Parse a declaration; raise :class:`DeclarationError` listing every problem.

    ``facts`` (from debian/control) lets ``package`` be checked and defaulted.
    """
    from dh_aimodel.core.policies import names as policy_names

    with _collector_paused():
        return _Loader(filename, facts, policy_names()).load(text)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause CPython's cyclic garbage collector while a declaration is read.

    Loading builds some 60 objects per model (nodes, marks, dataclasses)
    that all stay alive until it ends, and each automatic collection walks
    all of them again: at 1,000 models that was two thirds of the load time
    (bench/bench_classify.py).  Reference counting still frees what dies
    meanwhile, and whatever cyclic garbage is left is collected as usual
    afterwards, so pausing changes no result.
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
