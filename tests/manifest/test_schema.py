"""The shipped JSON Schema and the loader accept and reject the same documents.

The schema checks shape (what an editor can check while typing); rules that
span entries (unique names, base-model references, package names against
debian/control, licence syntax and ids) are the loader's and validate's
alone, so the corpus below stays within shape.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

import jsonschema
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

import dh_aimodel
from dh_aimodel.core.errors import DeclarationError
from dh_aimodel.core.policies import names
from dh_aimodel.manifest.loader import Yaml12Loader, load_text

SCHEMA = json.loads((Path(dh_aimodel.__file__).parent / "data/aimodel.schema.json").read_text())
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)

BASE = {
    "format": 1,
    "models": [{
        "name": "m",
        "files": [{"path": "models/m.gguf", "sha256": "a" * 64, "url": "https://x/m"},
                  "models/config.json"],
        "license": "MIT",
        "copyright": ["2024 Someone"],
        "training": {
            "data": [{"name": "d", "license": "CC-BY-4.0", "availability": "public"}],
            "software": [{"name": "s", "license": "MIT", "available": True,
                          "non-free-requirements": ["CUDA"]}],
            "reproducible": "no",
        },
        "components": {"model-card": {"url": "https://x/card", "license": "CC-BY-4.0"}},
    }],
}


def loader_accepts(doc: object) -> bool:
    try:
        load_text(yaml.safe_dump(doc, sort_keys=False))
    except DeclarationError:
        return False
    return True


def schema_accepts(doc: object) -> bool:
    # What an editor sees: the YAML text read as YAML 1.2.
    data = yaml.load(yaml.safe_dump(doc, sort_keys=False), Loader=Yaml12Loader)  # noqa: S506
    return VALIDATOR.is_valid(data)


def with_change(path: tuple, value: object) -> dict:
    doc = copy.deepcopy(BASE)
    target = doc
    for key in path[:-1]:
        target = target[key]
    if value is KeyError:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return doc


M = ("models", 0)
CASES = [
    ((), None),
    (("format",), 2),
    (("format",), "1"),
    (("models",), []),
    (("policy",), "ml-policy"),
    (("policy",), "gr2099"),
    (("x-note",), {"any": "thing"}),
    (("extra",), 1),
    (M + ("name",), "Bad Name"),
    (M + ("license",), KeyError),
    (M + ("license",), 3),
    (M + ("files",), KeyError),
    (M + ("files",), []),
    (M + ("files", 0, "path"), "/abs/path"),
    (M + ("files", 0, "path"), "a/../b"),
    (M + ("files", 0, "sha256"), "xyz"),
    (M + ("files", 0, "url"), "ftp://x"),
    (M + ("files", 0, "size"), 3),
    (M + ("copyright",), KeyError),
    (M + ("copyright",), 2019),
    (M + ("copyright",), "2019 Me"),
    (M + ("delivery",), "reference"),
    (M + ("delivery",), "sometimes"),
    (M + ("distributable",), "no"),
    (M + ("distributable",), False),
    (M + ("format",), "gguf"),
    (M + ("format",), "pickle"),
    (M + ("training", "reproducible"), "perhaps"),
    (M + ("training", "data-information"), "partial"),
    (M + ("training", "fine-tuning"), "practical"),
    (M + ("training", "data", 0, "availability"), "secret"),
    (M + ("training", "data", 0, "name"), KeyError),
    (M + ("training", "software", 0, "available"), "yes"),
    (M + ("training", "software", 0, "available"), KeyError),
    (M + ("training", "software", 0, "non-free-requirements"), "CUDA"),
    (M + ("training", "data"), None),
    (M + ("components", "model-crad"), {}),
    (M + ("components", "model-card", "licence"), "MIT"),
    (M + ("x-mine",), [1, 2]),
    (("licenses",), {"LicenseRef-A": {"dfsg": "free"}}),
    (("licenses",), {"MIT": {"dfsg": "free"}}),
    (("licenses",), {"LicenseRef-A": {"dfsg": "maybe"}}),
]


@pytest.mark.parametrize("path, value", CASES)
def test_schema_and_loader_agree(path, value):
    doc = with_change(path, value) if path else BASE
    assert loader_accepts(doc) == schema_accepts(doc), (path, value)


def test_corpus_has_both_outcomes():
    outcomes = {loader_accepts(with_change(p, v) if p else BASE) for p, v in CASES}
    assert outcomes == {True, False}


def test_schema_policy_names_are_the_shipped_ones():
    assert SCHEMA["properties"]["policy"]["enum"] == list(names())


SCALARS = st.sampled_from(["MIT", "public", "reference", "models/x.bin", "https://x/y",
                           "a" * 64, 1, 0, True, False, None, "yes", "", "Bad_Name"])
VALUES = st.one_of(SCALARS, st.lists(SCALARS, max_size=2),
                   st.dictionaries(st.sampled_from(["path", "name", "x-a", "bogus"]),
                                   SCALARS, max_size=2))


def _paths(node: object, prefix: tuple = ()) -> list[tuple]:
    out = [prefix] if prefix else []
    if isinstance(node, dict):
        for k, v in node.items():
            out += _paths(v, prefix + (k,))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out += _paths(v, prefix + (i,))
    return out


ALL_PATHS = [p for p in _paths(BASE)]


@settings(max_examples=300, deadline=None)
@given(path=st.sampled_from(ALL_PATHS), value=st.one_of(VALUES, st.just(KeyError)))
def test_schema_and_loader_agree_on_mutations(path, value):
    if isinstance(path[-1], int) and value is KeyError:
        return
    doc = with_change(path, value)
    assert loader_accepts(doc) == schema_accepts(doc), (path, value)
