"""debian/aimodel.yaml's YAML, composed into nodes that keep their line and column.

Scalars are resolved as YAML 1.2 (the core schema editors use with the JSON
Schema we ship) rather than PyYAML's YAML 1.1: ``reproducible: no`` is the
word "no", and only ``true``/``false`` are booleans.  :func:`compose` builds
the node tree with libyaml where it reads a text exactly as PyYAML's own
parser does, and with PyYAML's parser elsewhere.
"""

from __future__ import annotations

import re

import yaml

_STR = "tag:yaml.org,2002:str"
_NULL = "tag:yaml.org,2002:null"
_BOOL = "tag:yaml.org,2002:bool"
_INT = "tag:yaml.org,2002:int"


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
