"""The readers of debian/aimodel.yaml's keys: each model and what it holds, and licences.

:class:`_Fields` turns the nodes under ``models:`` (files, package,
training data and software, components) and ``licenses:`` into the
dataclasses of :mod:`dh_aimodel.core.declaration`, through the loader's
:class:`~dh_aimodel.manifest.reader._Reader`.
"""

from __future__ import annotations

import difflib
import re
from pathlib import PurePosixPath
from types import MappingProxyType
from typing import Callable, TypeVar, cast

import yaml

from dh_aimodel.core import declaration as d
from dh_aimodel.core.facts import PackagingFacts
from dh_aimodel.manifest.reader import UNSET, _accepted, _Reader, _Unset
from dh_aimodel.manifest.yaml12 import _NULL

T = TypeVar("T")

NAME_RE = re.compile(r"[a-z0-9][a-z0-9.+_-]*\Z")
SHA256_RE = re.compile(r"[0-9a-fA-F]{64}\Z")

MODEL_KEYS = ("name", "package", "files", "format", "license", "copyright", "upstream",
              "delivery", "distributable", "task", "base-model", "training", "components",
              "notes", "installed", "reviewed")
JUDGEMENT_KEYS = ("fact", "by", "date", "why")
DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}\Z")
BY_RE = re.compile(r".*\S.*<[^<>@\s]+@[^<>@\s]+>\Z")
FILE_KEYS = ("path", "sha256", "url")
TRAINING_KEYS = ("data", "software", "reproducible", "cost", "data-information",
                 "fine-tuning")
DATASET_KEYS = ("name", "url", "license", "availability")
SOFTWARE_KEYS = ("name", "url", "license", "available", "non-free-requirements")
COMPONENT_FIELD_KEYS = ("url", "license")
LICENSE_VERDICT_KEYS = ("dfsg", "reason", "text")


def _model_where(index: int, name: object) -> str:
    return f"models[{index}] ({name})" if isinstance(name, str) else f"models[{index}]"


class _Fields:
    """The per-key readers of :class:`~dh_aimodel.manifest.loader._Loader`."""

    r: _Reader
    facts: PackagingFacts | None

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
        installed = self._installed(keys, where, delivery, node)
        training = (self._training(keys["training"], f"{where}.training")
                    if "training" in keys else d.Training())
        components = (self._components(keys["components"], f"{where}.components")
                      if "components" in keys else {})
        facts = (*d.JUDGED_FACTS, *(e.name for e in training.data),
                 *(e.name for e in training.software))
        reviewed = (self._reviewed(keys["reviewed"], f"{where}.reviewed", facts)
                    if "reviewed" in keys else ())
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
            extras=r.extras(keys), installed=installed, reviewed=reviewed)

    def _installed(self, keys: dict[str, yaml.Node], where: str, delivery: str,
                   model_node: yaml.Node) -> tuple[str, ...]:
        """The installed files that carry an embedded, compiled or generated model."""
        r = self.r
        if "installed" not in keys:
            if delivery in d.NAMES_INSTALLED:
                r.error(model_node, f"{where}: missing key 'installed', needed for delivery: "
                                    f"{delivery}; accepted: the paths or globs below the "
                                    "package root of the installed files that carry the model")
            return ()
        if delivery not in d.NAMES_INSTALLED:
            r.error(keys["installed"], f"{where}.installed: only a model that is embedded, "
                                       f"compiled or generated names installed files, but "
                                       f"delivery is {delivery}; accepted: delivery: embedded, "
                                       "compiled or generated, or no 'installed'")
            return ()
        items = r.sequence(keys["installed"], f"{where}.installed", "paths below the package root")
        if not items:
            if items is not None:
                r.error(keys["installed"], f"{where}.installed must not be empty; accepted: at "
                                           "least one path")
            return ()
        out = []
        for i, item in enumerate(items):
            path = r.string(item, f"{where}.installed[{i}]", "a path below the package root")
            if not isinstance(path, str):
                continue
            parts = PurePosixPath(path.lstrip("/")).parts
            if not parts or ".." in parts:
                r.error(item, f"{where}.installed[{i}]: '{path}' is not a file of the "
                              "package; accepted: a path or glob below the package root, "
                              "such as usr/games/stockfish")
                continue
            out.append("/".join(parts))
        return tuple(out)

    def _reviewed(self, node: yaml.Node, where: str,
                  facts: tuple[str, ...]) -> tuple[d.Judgement, ...]:
        """Recorded judgements: who vouches for which fact, when and why."""
        r = self.r
        out = []
        for i, item in enumerate(r.sequence(node, where, "{fact, by, date, why} mappings") or ()):
            at = f"{where}[{i}]"
            keys = r.mapping(item, at, JUDGEMENT_KEYS, required=JUDGEMENT_KEYS)
            if keys is None or not set(JUDGEMENT_KEYS) <= keys.keys():
                continue
            fact, by, date, why = (r.string(keys[k], f"{at}.{k}") for k in JUDGEMENT_KEYS)
            if isinstance(fact, str) and fact not in facts:
                r.error(keys["fact"], f"{at}.fact: '{fact}' is not a fact of this model; "
                                      f"accepted: {_accepted(list(facts))}")
            if isinstance(by, str) and not BY_RE.match(by):
                r.error(keys["by"], f"{at}.by: '{by}' names nobody to ask; accepted: a name "
                                    "and an e-mail address, 'Jane Doe <jane@debian.org>'")
            if isinstance(date, str) and not DATE_RE.match(date):
                r.error(keys["date"], f"{at}.date: '{date}' is not a date; accepted: YYYY-MM-DD")
            if all(isinstance(v, str) for v in (fact, by, date, why)):
                out.append(d.Judgement(fact, by, date, why, r.pos(item)))  # type: ignore[arg-type]
        return tuple(out)

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
        if delivery in ("reference", "source-only"):
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
        keys = r.mapping(node, where, SOFTWARE_KEYS, required=("name", "available"))
        if keys is None or not {"name", "available"} <= keys.keys():
            return None
        name = r.string(keys["name"], f"{where}.name")
        available = r.boolean(keys["available"], f"{where}.available")
        # The licence of a program nobody published decides nothing: it may be
        # left out then, and reads as unknown (aimodel.yaml(5), training).
        if "license" in keys:
            license_ = r.license(keys["license"], f"{where}.license", words=True)
        elif available is False:
            license_ = "unknown"
        else:
            r.error(node, f"{where}: missing required key 'license'; accepted: the SPDX "
                          "expression of the program's licence (only a program that is not "
                          "available, available: false, may leave it out)")
            return None
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
