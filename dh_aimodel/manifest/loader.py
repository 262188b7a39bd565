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

The parts: :mod:`~dh_aimodel.manifest.yaml12` composes the node tree,
:mod:`~dh_aimodel.manifest.reader` reads values off it,
:mod:`~dh_aimodel.manifest.fields` reads each key,
:mod:`~dh_aimodel.manifest.cross_checks` checks the models against one another.
"""

from __future__ import annotations

import gc
import os
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from types import MappingProxyType
from typing import Iterator, Sequence

import yaml

from dh_aimodel.core import declaration as d
from dh_aimodel.core.errors import DeclarationError, Pos, Problem
from dh_aimodel.core.facts import PackagingFacts
from dh_aimodel.core.limits import active, how_to_raise, human_size, shown
from dh_aimodel.manifest.cross_checks import cross_checks
from dh_aimodel.manifest.fields import _Fields
from dh_aimodel.manifest.reader import _accepted, _Reader, _Unset
from dh_aimodel.manifest.yaml12 import (
    _INT,
    NestedTooDeep,
    Overgrown,
    check_expansion,
    check_size,
    compose,
)

# dh_aimodel.commands.init and the tests read YAML as the loader does.
from dh_aimodel.manifest.yaml12 import Yaml12Loader as Yaml12Loader

TOP_KEYS = ("format", "policy", "models", "licenses")
#: Problems of one declaration reported line by line; the rest are counted.
SHOWN_PROBLEMS = 50


class _Loader(_Fields):
    def __init__(self, filename: str, facts: PackagingFacts | None,
                 policy_names: Sequence[str]) -> None:
        self.r = _Reader(filename)
        self.facts = facts
        self.policy_names = policy_names

    def load(self, text: str) -> d.Declaration:
        r = self.r
        limits = active()
        if len(text) > limits.yaml_bytes:  # a caller that did not read it with read_text
            raise DeclarationError(_too_large(len(text)), Pos(r.filename, 1, 1))
        try:
            check_size(text, limits.yaml_nodes)
            root = compose(text)
            if root is not None:
                check_expansion(root, limits.yaml_nodes, limits.yaml_depth, limits.yaml_scalar)
        except Overgrown as exc:
            hint = f"; {how_to_raise(exc.limit)}" if exc.limit else ""
            raise DeclarationError(f"{exc.what}; accepted: a declaration as in aimodel.yaml(5)"
                                   f"{hint}", Pos(r.filename, exc.mark.line + 1,
                                                  exc.mark.column + 1)) from None
        except NestedTooDeep:
            raise DeclarationError("nests too deeply to be read; accepted: a declaration as in "
                                   "aimodel.yaml(5)", Pos(r.filename, 1, 1)) from None
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            pos = Pos(r.filename, mark.line + 1, mark.column + 1) if mark else Pos(r.filename, 1, 1)
            raise DeclarationError(f"not valid YAML: {exc.problem or exc.context}; "
                                   "accepted: a YAML mapping as in aimodel.yaml(5)", pos) from exc
        except yaml.reader.ReaderError as exc:  # a character YAML forbids: no mark, a position
            line = text.count("\n", 0, exc.position) + 1
            col = exc.position - text.rfind("\n", 0, exc.position)
            char = exc.character if isinstance(exc.character, str) else chr(exc.character)
            raise DeclarationError(f"not valid YAML: the character {char!r} is not allowed; "
                                   "accepted: printable Unicode text as in aimodel.yaml(5)",
                                   Pos(r.filename, line, col)) from exc
        except yaml.YAMLError as exc:
            raise DeclarationError(f"not valid YAML: {' '.join(str(exc).split())}; accepted: a "
                                   "YAML mapping as in aimodel.yaml(5)",
                                   Pos(r.filename, 1, 1)) from exc
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
        cross_checks(self.r, models)
        extras = r.extras(keys)
        if r.problems:
            self._raise()
        return d.Declaration(path=r.filename, format=fmt or 1, models=models,
                             policy=policy, licenses=MappingProxyType(licenses),
                             extras=extras)

    def _raise(self) -> None:
        """Every problem, in file order; beyond :data:`SHOWN_PROBLEMS`, a count of
        the rest (a key repeated 100,000 times is one mistake, not 100,000 lines)."""
        problems = sorted((replace(p, message=f"{p.message} (and {n:,} more times)")
                           if (n := self.r.repeats.get(p.message)) else p
                           for p in self.r.problems), key=lambda p: (p.pos is None, p.pos))
        rest = len(problems) - SHOWN_PROBLEMS + self.r.unkept
        if rest > 0:
            problems[SHOWN_PROBLEMS:] = [Problem(
                f"{rest:,} more problems not shown; fix these and run again",
                problems[SHOWN_PROBLEMS].pos if len(problems) > SHOWN_PROBLEMS else None)]
        raise DeclarationError(problems=tuple(problems))

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


def _too_large(size: int) -> str:
    return (f"the file has {human_size(size)}, beyond the yaml-bytes limit of "
            f"{shown('yaml-bytes')}; accepted: a declaration as in aimodel.yaml(5); "
            f"{how_to_raise('yaml-bytes')}")


def read_text(path: Path, name: str) -> str:
    """A declaration's text, refused unread when larger than the ``yaml-bytes`` limit."""
    try:
        with open(path, "rb") as f:
            size = os.fstat(f.fileno()).st_size
            if size > active().yaml_bytes:
                raise DeclarationError(_too_large(size), Pos(name, 1, 1))
            return f.read().decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise DeclarationError(f"cannot read the declaration: {exc}; accepted: a readable "
                               "UTF-8 YAML file", Pos(name, 1, 1)) from exc


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
