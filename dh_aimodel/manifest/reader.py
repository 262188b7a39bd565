"""Values read off the YAML node tree, each problem kept with its line and column.

:class:`_Reader` converts one node at a time (mappings with their accepted
keys, strings, choices, booleans, URLs, licence expressions, relative
paths) and collects every problem as ``file:line:col: what is wrong; what
is accepted``, so that all of them are reported together.  A string field
refuses a number (``copyright: 2019``) with a hint to quote it, exactly as
the schema does.
"""

from __future__ import annotations

import difflib
from pathlib import PurePosixPath
from types import MappingProxyType
from typing import Callable, Iterable, Sequence, TypeVar

import yaml

from dh_aimodel.core.errors import Pos, Problem
from dh_aimodel.manifest.yaml12 import _BOOL, _NULL, _STR, Yaml12Loader

T = TypeVar("T")
D = TypeVar("D")

URL_SCHEMES = ("http://", "https://", "hf://")
#: Problems kept with their message; more are counted, not kept.
KEPT_PROBLEMS = 1000


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
        #: Problems found beyond :data:`KEPT_PROBLEMS`, counted, not kept.
        self.unkept = 0
        #: How many more times each kept message was found (a key repeated
        #: 100,000 times is one mistake, reported once with the count).
        self.repeats: dict[str, int] = {}

    def pos(self, node: yaml.Node) -> Pos:
        mark = node.start_mark
        return Pos(self.filename, mark.line + 1, mark.column + 1)

    def error(self, node: yaml.Node, message: str) -> _Unset:
        if message in self.repeats:
            self.repeats[message] += 1
        elif len(self.problems) < KEPT_PROBLEMS:
            self.problems.append(Problem(message, self.pos(node)))
            self.repeats[message] = 0
        else:
            self.unkept += 1
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
