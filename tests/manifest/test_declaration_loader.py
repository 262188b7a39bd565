"""The declaration loader: every rule of aimodel.yaml(5), with exact positions."""

from __future__ import annotations

import gc
import random
import textwrap
from pathlib import Path

import pytest
import yaml

from dh_aimodel.core.errors import DeclarationError
from dh_aimodel.core.facts import BinaryPackage, PackagingFacts
from dh_aimodel.manifest import yaml12
from dh_aimodel.manifest.loader import load_text

GOOD = """\
format: 1
models:
  - name: gpt2-small
    package: python3-gpt2-data
    files:
      - path: models/gpt2/model.safetensors
        sha256: 3A1F000000000000000000000000000000000000000000000000000000000000
        url: https://example.org/gpt2/model.safetensors
      - models/gpt2/config.json
    format: safetensors
    license: MIT
    copyright: 2019 OpenAI
    upstream: https://huggingface.co/openai-community/gpt2
    training:
      data:
        - name: WebText
          url: https://github.com/openai/gpt-2-output-dataset
          license: unknown
          availability: unavailable
      software:
        - name: gpt-2 training code
          license: MIT
          available: false
          non-free-requirements: [CUDA]
      reproducible: no
    components:
      model-card: {url: https://huggingface.co/openai-community/gpt2, license: MIT}
    x-team-note: keep me
"""


def problems(text: str, **kw) -> list[str]:
    with pytest.raises(DeclarationError) as info:
        load_text(textwrap.dedent(text), "debian/aimodel.yaml", **kw)
    return [str(p) for p in info.value.problems]


def test_good_declaration_is_typed():
    d = load_text(GOOD)
    m = d.models[0]
    assert m.name == "gpt2-small"
    assert m.files[0].sha256 == "3a1f" + "0" * 60  # normalised to lower case
    assert m.files[1].path == "models/gpt2/config.json"
    assert m.copyright == ("2019 OpenAI",)
    assert m.training.reproducible == "no"  # the word, not YAML 1.1's boolean
    assert m.training.software[0].non_free_requirements == ("CUDA",)
    assert m.training.effective_data_information == "none"
    assert m.components["model-card"].license == "MIT"
    assert m.extras == {"x-team-note": "keep me"}
    assert (m.pos.line, m.pos.col) == (3, 5)
    assert (m.license_pos.line, m.license_pos.col) == (11, 14)


def test_unknown_key_names_position_and_suggests():
    assert problems("""\
        format: 1
        models:
          - name: a
            files: [m.bin]
            licence: MIT
            copyright: me
        """) == [
        "debian/aimodel.yaml:3:5: models[0]: missing required key 'license'",
        "debian/aimodel.yaml:5:5: models[0]: unknown key 'licence'; did you mean 'license'? "
        "accepted keys: name, package, files, format, license, copyright, upstream, delivery, "
        "distributable, task, base-model, training, components, notes, installed, reviewed, or x-* for your own notes",
    ]


def test_all_errors_reported_in_one_run():
    found = problems("""\
        format: 1
        policy: nonsense
        models:
          - name: Bad_Name
            files: [/etc/passwd, ../up.bin]
            license: MIT
            copyright: me
            delivery: sometimes
            distributable: maybe
            training:
              data:
                - {name: d, license: MIT, availability: secret}
              software:
                - {name: s, license: MIT AND, available: true}
              reproducible: perhaps
        """)
    assert len(found) == 9
    joined = "\n".join(found)
    for needle in ("2:9: policy: 'nonsense' is not allowed; accepted: ml-policy",
                   "4:11: models[0].name: 'Bad_Name' is not a valid name",
                   "5:13: models[0] (Bad_Name).files[0]: '/etc/passwd' is absolute",
                   "5:26: models[0] (Bad_Name).files[1]: '../up.bin' contains '..'",
                   "8:15: models[0] (Bad_Name).delivery: 'sometimes' is not allowed; accepted: "
                   "shipped, embedded, compiled, generated, source-only, downloaded, reference",
                   "9:20: models[0] (Bad_Name).distributable must be a boolean",
                   "12:49: models[0] (Bad_Name).training.data[0].availability: 'secret'",
                   "14:30: models[0] (Bad_Name).training.software[0].license: invalid licence "
                   "expression 'MIT AND'",
                   "15:21: models[0] (Bad_Name).training.reproducible: 'perhaps' is not allowed; "
                   "accepted: yes, no, unknown",
                   ):
        assert needle in joined, needle
    # ... and the positions come in file order
    assert found == sorted(found, key=lambda s: tuple(int(x) for x in s.split(":")[1:3]))


@pytest.mark.parametrize("fmt, message", [
    ("2", "1:9: format 2 is not supported by this version of dh-aimodel; supported format "
          "versions: 1"),
    ("'1'", "1:9: format must be an integer; supported format versions: 1"),
])
def test_format_version(fmt, message):
    assert problems(f"format: {fmt}\nmodels: []\n") == [f"debian/aimodel.yaml:{message}"]


def test_yaml_syntax_error_is_one_positioned_line():
    found = problems("format: 1\nmodels:\n  - name: [unclosed\n")
    assert len(found) == 1
    assert found[0].startswith("debian/aimodel.yaml:4:1: not valid YAML:")


@pytest.mark.parametrize("text, message", [
    ("", "1:1: the file is empty"),
    ("- a\n", "1:1: top level must be a mapping"),
    ("format: 1\n", "1:1: top level: missing required key 'models'"),
    ("format: 1\nmodels: []\n", "2:9: models must not be empty"),
    ("format: 1\nformat: 1\nmodels: []\n", "2:1: top level: duplicate key 'format'"),
])
def test_top_level(text, message):
    assert any(p.startswith(f"debian/aimodel.yaml:{message}") for p in problems(text))


MODEL = """\
format: 1
models:
  - name: a
    files: [m.bin]
    license: MIT
    copyright: me
"""


def test_unique_names_and_base_model_references():
    text = MODEL + """\
  - name: a
    files: [n.bin]
    license: MIT
    copyright: me
    base-model: ghost
"""
    found = problems(text)
    assert "debian/aimodel.yaml:7:5: models: duplicate name 'a' (first at line 3); accepted: " \
           "a name used once" in found
    assert any("base-model 'ghost' is not a model of this file" in p for p in found)


def test_base_model_cycle():
    text = """\
format: 1
models:
  - {name: a, files: [a.bin], license: MIT, copyright: me, base-model: b}
  - {name: b, files: [b.bin], license: MIT, copyright: me, base-model: a}
"""
    found = problems(text)
    assert "debian/aimodel.yaml:3:5: model 'a': base-model cycle a -> b -> a; accepted: a " \
           "chain ending at a model without base-model" in found
    assert len(found) == 2


def test_reference_entry_needs_no_files_package_or_copyright():
    d = load_text("""\
format: 1
models:
  - {name: base, license: Apache-2.0, delivery: reference}
  - {name: tuned, files: [t.bin], license: MIT, copyright: me, base-model: base}
""")
    assert d.models[0].files == () and d.models[0].copyright == ()


def test_sha256_rules():
    found = problems("""\
format: 1
models:
  - name: a
    files:
      - {path: m.bin, sha256: xyz}
      - {path: "*.bin", sha256: abcdef0000000000000000000000000000000000000000000000000000000000}
    license: MIT
    copyright: me
""")
    assert found == [
        "debian/aimodel.yaml:5:31: models[0] (a).files[0].sha256: 'xyz' is not a sha256 "
        "digest; accepted: 64 hexadecimal digits",
        "debian/aimodel.yaml:6:33: models[0] (a).files[1].sha256: a checksum needs a single "
        "file, but path '*.bin' is a glob; accepted: one entry per file",
    ]


def test_url_scheme():
    found = problems(MODEL.replace("files: [m.bin]", "files: [{path: m.bin, url: ftp://x/m}]"))
    assert found == ["debian/aimodel.yaml:4:32: models[0] (a).files[0].url: 'ftp://x/m' is "
                     "not a URL; accepted: http://, https:// or hf://ORG/NAME@REV/path"]


def test_licenses_mapping():
    d = load_text(MODEL.replace("license: MIT", "license: LicenseRef-Foo") + """\
licenses:
  LicenseRef-Foo: {dfsg: non-free, reason: use restrictions}
""")
    assert d.licenses["LicenseRef-Foo"].dfsg == "non-free"
    found = problems(MODEL + "licenses:\n  MIT: {dfsg: free}\n  LicenseRef-X: {dfsg: maybe}\n")
    assert found == [
        "debian/aimodel.yaml:8:3: licenses: key 'MIT' is not a LicenseRef id; accepted: "
        "LicenseRef-<id> (SPDX ids are judged by the tool's own table)",
        "debian/aimodel.yaml:9:24: licenses.LicenseRef-X.dfsg: 'maybe' is not allowed; "
        "accepted: free, non-free, undistributable",
    ]


def test_components_keys_are_checked():
    found = problems(MODEL + "    components:\n      model-crad: {url: https://x}\n")
    assert found[0].startswith("debian/aimodel.yaml:8:7: models[0] (a).components: unknown "
                               "key 'model-crad'; did you mean 'model-card'?")


FACTS = PackagingFacts("src", "science", (BinaryPackage("pkg-a", "science"),
                                          BinaryPackage("pkg-b", "science")))


def test_package_checked_against_control():
    found = problems(MODEL.replace("    license: MIT", "    package: pkg-c\n    license: MIT"),
                     facts=FACTS)
    assert found == ["debian/aimodel.yaml:5:14: models[0] (a).package: 'pkg-c' is not a binary "
                     "package of debian/control; did you mean 'pkg-b'? accepted: pkg-a, pkg-b"]


def test_package_required_with_several_binaries_and_defaulted_with_one():
    found = problems(MODEL, facts=FACTS)
    assert found == ["debian/aimodel.yaml:3:5: models[0] (a): missing key 'package', needed "
                     "because debian/control has several binary packages; accepted: pkg-a, pkg-b"]
    one = PackagingFacts("src", "science", (BinaryPackage("only", "science"),))
    assert load_text(MODEL, facts=one).models[0].package == "only"


def test_x_keys_are_kept():
    d = load_text(MODEL + "x-top: 1\nx-map: {a: [yes, ~]}\nx-bare-tag: !\n")
    assert d.extras == {"x-top": 1, "x-map": {"a": ["yes", None]}, "x-bare-tag": None}


def test_x_keys_with_tags_no_safe_loader_builds_are_errors_not_tracebacks():
    lines = MODEL.count("\n")
    found = problems(MODEL + "x-evil: !!python/object/apply:os.system [true]\n"
                             "x-mine: !local 3\n")
    assert [f.split(": ", 2)[:2] for f in found] == [
        [f"debian/aimodel.yaml:{lines + 1}:9", "x-evil"],
        [f"debian/aimodel.yaml:{lines + 2}:9", "x-mine"]]
    assert all(f.endswith("; accepted: any plain YAML value without tags") for f in found)


@pytest.mark.parametrize("field, value, message", [
    ("copyright", "2019", "models[0] (a).copyright: 2019 is not a string; accepted: a string "
                          "or a list of strings (quote it: '2019')"),
    ("distributable", "yes", "models[0] (a).distributable must be a boolean; accepted: true, "
                             "false"),
    ("format", "[gguf]", "models[0] (a).format must not be empty or a structure; accepted: one "
                         "of safetensors, gguf, onnx, pytorch-pickle, pytorch-zip, keras-hdf5, "
                         "tflite, numpy, tessdata, nnue, gnubg-weights, sphinx-acoustic, arpa-lm, "
                         "sphinx-dmp-lm, c-array, other"),
])
def test_yaml_1_2_scalars(field, value, message):
    text = MODEL.replace("    copyright: me\n", "") + f"    {field}: {value}\n"
    if field != "copyright":
        text += "    copyright: me\n"
    assert any(message in p for p in problems(text)), problems(text)


# -- libyaml and PyYAML's own parser give the same results -------------------------

EXAMPLE_TEXTS = [p.read_text("utf-8") for p in sorted(
    (Path(__file__).resolve().parents[2] / "examples").glob("*/debian/aimodel.yaml"))]

#: What mutations insert: YAML's indicators, the characters the two parsers
#: treat differently, and whole tokens (indentation, tags, anchors, scalars).
_INSERTS = (list(":- \n\"'[]{}#&*!|>%@`,?.\\0a\té\r\ufeff\x85\x00")
            + [": ", "- ", "\n  ", "\n- ", " #", "? ", "!!str ", "&a ", "*a", "<<: ", "---\n",
               "%YAML 1.2\n", "|-\n", ">#", "~", "yes", "0x1F", "2001-12-14"])


def _mutants(count: int, seed: int) -> list[str]:
    """``count`` declarations with 1 to 4 characters or tokens inserted, deleted or replaced."""
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        chars = list(rng.choice(EXAMPLE_TEXTS + [GOOD]))
        for _ in range(rng.randint(1, 4)):
            pos = rng.randrange(len(chars))
            op = rng.random()
            if op < 0.5:
                chars[pos:pos] = list(rng.choice(_INSERTS))
            elif op < 0.75:
                del chars[pos]
            else:
                chars[pos:pos + 1] = list(rng.choice(_INSERTS))
        out.append("".join(chars))
    return out


def _outcome(text: str) -> object:
    """What load_text makes of ``text``: the declaration, or every problem it reports."""
    try:
        return load_text(text)
    except DeclarationError as exc:
        return [str(p) for p in exc.problems]


def test_typical_declarations_take_libyaml():
    """The speed-up must not silently vanish: plain declarations are read by libyaml."""
    assert yaml12._CYaml12Loader is not None  # python3-yaml is built with libyaml
    for text in EXAMPLE_TEXTS + [GOOD]:
        assert not yaml12._pyyaml_only(text)


@pytest.mark.parametrize("text", EXAMPLE_TEXTS + [GOOD])
def test_libyaml_composes_the_same_nodes_at_the_same_positions(text: str):
    def shape(node: yaml.Node) -> object:
        mark = (node.start_mark.line, node.start_mark.column)
        if isinstance(node, yaml.ScalarNode):
            return node.tag, mark, node.value
        if isinstance(node, yaml.SequenceNode):
            return node.tag, mark, [shape(n) for n in node.value]
        return node.tag, mark, [(shape(k), shape(v)) for k, v in node.value]

    fast = yaml.compose(text, Loader=yaml12._CYaml12Loader)
    assert shape(fast) == shape(yaml.compose(text, Loader=yaml12.Yaml12Loader))


@pytest.mark.parametrize("seed", range(4))
def test_libyaml_and_pyyaml_give_the_same_outcome(seed: int,
                                                  monkeypatch: pytest.MonkeyPatch):
    """Same declaration or same messages, on broken input too (errors are PyYAML's)."""
    texts = _mutants(100, seed)
    fast = [_outcome(t) for t in texts]
    monkeypatch.setattr(yaml12, "_CYaml12Loader", None)
    for text, got in zip(texts, fast):
        assert got == _outcome(text), text


@pytest.mark.parametrize("construct", [
    "    notes: >#-\n      text\n",  # libyaml accepts a comment run into the header
    "    notes:\tx\n",              # a tab
    "x-a: {b?: c}\n",              # "?" in a flow collection: PyYAML ends the key there
])
def test_constructs_where_libyaml_differs_go_to_pyyaml(construct: str,
                                                        monkeypatch: pytest.MonkeyPatch):
    """Each of these is read otherwise by libyaml (checked here), so PyYAML reads it."""
    text = MODEL + construct
    assert yaml12._pyyaml_only(text)
    expected = _outcome(text)
    assert yaml.compose(text, Loader=yaml12._CYaml12Loader) is not None
    monkeypatch.setattr(yaml12, "_CYaml12Loader", None)
    assert _outcome(text) == expected
    with pytest.raises(yaml.YAMLError):
        yaml.compose(text, Loader=yaml12.Yaml12Loader)


@pytest.mark.parametrize("enabled", [True, False])
def test_loading_leaves_the_garbage_collector_as_it_was(enabled: bool):
    was = gc.isenabled()
    try:
        (gc.enable if enabled else gc.disable)()
        load_text(GOOD)
        with pytest.raises(DeclarationError):
            load_text("format: 1\nmodels: []\n")
        assert gc.isenabled() is enabled
    finally:
        (gc.enable if was else gc.disable)()
