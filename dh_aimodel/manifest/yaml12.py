"""debian/aimodel.yaml's YAML, composed into nodes that keep their line and column.

Scalars are resolved as YAML 1.2 (the core schema editors use with the JSON
Schema we ship) rather than PyYAML's YAML 1.1: ``reproducible: no`` is the
word "no", and only ``true``/``false`` are booleans.  :func:`compose` builds
the node tree with libyaml where it reads a text exactly as PyYAML's own
parser does, and with PyYAML's parser elsewhere.
"""

from __future__ import annotations

import re
from typing import Any

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


def _loader(text: str) -> type:
    """libyaml's loader where it reads ``text`` as PyYAML's parser does, else PyYAML's."""
    if _CYaml12Loader is not None and not _pyyaml_only(text):
        return _CYaml12Loader
    return Yaml12Loader


def compose(text: str) -> yaml.Node | None:
    """The node tree of ``text`` as PyYAML's :class:`Yaml12Loader` composes it, quickly.

    libyaml does the work when the text avoids the constructs where it
    differs (:func:`_pyyaml_only`); when it raises, PyYAML's parser runs
    again to raise its own error, at its own position.  PyYAML's composer
    recurses once per nesting level, so a text nested deeper than Python's
    stack is refused as :class:`NestedTooDeep` (libyaml's is iterative).
    """
    if _loader(text) is _CYaml12Loader:
        try:
            return yaml.compose(text, Loader=_CYaml12Loader)
        except yaml.YAMLError:
            pass
    try:
        return yaml.compose(text, Loader=Yaml12Loader)
    except RecursionError:
        raise NestedTooDeep() from None


class NestedTooDeep(Exception):
    """The text nests deeper than PyYAML's parser can follow."""


class Overgrown(Exception):
    """A text or node tree beyond a budget (or with an alias inside its own
    anchor); ``mark`` is where it was found."""

    def __init__(self, mark: Any, what: str, limit: str | None) -> None:  # PyYAML's or libyaml's Mark
        super().__init__(what)
        self.mark, self.what, self.limit = mark, what, limit


def _node_bound(text: str) -> int:
    """More nodes than ``text`` can compose into, from a few counts of bytes.

    Every node but the root is introduced by a key's ``:``, an item's ``-``,
    a flow ``,`` or ``[``/``{``, or begins a line; quoted text only adds to
    the counts, so this never falls short.
    """
    return (2 * text.count(":") + text.count("-") + text.count(",") + text.count("[")
            + text.count("{") + text.count("\n") + 2)


def check_size(text: str, max_nodes: int) -> None:
    """Raise :class:`Overgrown` for a text of more than ``max_nodes`` nodes,
    before it is composed.

    Composing costs some 300 bytes per node, so a few megabytes of ``a: b``
    lines would take gigabytes; the parser's events are counted instead,
    as they stream, when :func:`_node_bound` cannot rule it out (a real
    declaration is read once).
    """
    if _node_bound(text) <= max_nodes:
        return
    count = 0
    try:
        for event in yaml.parse(text, Loader=_loader(text)):
            if isinstance(event, (yaml.ScalarEvent, yaml.CollectionStartEvent,
                                  yaml.AliasEvent)):
                count += 1
                if count > max_nodes:
                    raise Overgrown(event.start_mark, f"more than {max_nodes:,} nodes",
                                    "yaml-nodes")
    except yaml.YAMLError:
        return  # not YAML before the limit: compose reports it, at its own position


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return node.value
    if isinstance(node, yaml.MappingNode):
        return [n for pair in node.value for n in pair]
    return []


def check_expansion(root: yaml.Node, max_nodes: int, max_depth: int, max_scalar: int) -> None:
    """Raise :class:`Overgrown` for a tree that, aliases expanded, has more than
    ``max_nodes`` nodes or nests deeper than ``max_depth``, or for a value
    longer than ``max_scalar`` characters (which would be copied into every
    generated file and message).

    The composed tree shares an aliased node instead of copying it, so a
    billion-laughs text is a few kilobytes of nodes here; whatever walks it
    later (the reader, the ``x-`` extras, a JSON dump) meets every copy.
    Each distinct node is visited once, its expanded size and depth
    computed from its children's (an explicit stack: no recursion on an
    attacker's depth), so the check costs what composing cost.
    """
    done: dict[int, tuple[int, int]] = {}  # id(node) -> (expanded nodes, depth)
    open_: set[int] = set()  # the nodes being expanded: the path from the root
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, finished = stack.pop()
        key = id(node)
        kids = _children(node)
        if finished:
            open_.discard(key)
            size = 1 + sum(done[id(k)][0] for k in kids)
            depth = 1 + max((done[id(k)][1] for k in kids), default=0)
            if size > max_nodes:
                raise Overgrown(node.start_mark, f"expands to more than {max_nodes:,} nodes through "
                                "its aliases", "yaml-nodes")
            if depth > max_depth:
                raise Overgrown(node.start_mark, f"nests deeper than {max_depth} levels", "yaml-depth")
            done[key] = (size, depth)
            continue
        if key in done:
            continue
        if isinstance(node, yaml.ScalarNode) and len(node.value) > max_scalar:
            raise Overgrown(node.start_mark, f"a value of {len(node.value):,} characters, beyond the "
                            f"yaml-scalar limit of {max_scalar:,}", "yaml-scalar")
        if key in open_:
            raise Overgrown(node.start_mark, "an alias refers to the node that contains it", None)
        open_.add(key)
        stack.append((node, True))
        stack.extend((k, False) for k in kids if id(k) not in done)
