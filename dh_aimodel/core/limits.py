"""The resource budgets of every read of untrusted input, and how to raise them.

A build daemon or an archive scan runs this tool on packages and
declarations nobody vetted: a .deb whose data.tar inflates a thousandfold,
a YAML file of aliases that expands into billions of nodes, a tar header
claiming a terabyte.  Each reader checks its input against one budget of
:class:`Limits` and reports the overrun as a finding (or one error line),
never as an exception, a hang or an exhausted machine.  The defaults never
trouble a real package (the largest in the archive stays well under each);
``--limit NAME=VALUE`` on the command line or ``AIMODEL_LIMITS`` in the
environment (``name=value,name=value``: the way to reach dh_aimodel inside
a build) raises them for a huge model.  aimodel(1) RESOURCE LIMITS lists
them with these numbers; a test keeps the two equal.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, fields, replace
from typing import Final, Mapping

from dh_aimodel.core.errors import AimodelError, Pos, UsageError

ENV: Final = "AIMODEL_LIMITS"

KIB: Final = 1024
MIB: Final = 1024 * KIB
GIB: Final = 1024 * MIB


@dataclass(frozen=True, slots=True)
class Limits:
    """One budget per kind of input; a field's name with ``-`` is its option name."""

    #: Bytes a .deb's data.tar and control.tar may expand to, per byte of
    #: the .deb (xz compresses text some 10 times, weights barely; a
    #: thousandfold is a bomb, or a sparse member).
    deb_expansion: int = 200
    #: ... and at least this many bytes, whatever the .deb's size.
    deb_floor: int = 512 * MIB
    #: Bytes of one tar header (a pax or GNU long-name record, kept in memory).
    tar_header: int = 1 * MIB
    #: Bytes of the uncompressed control.tar (dpkg keeps it small).
    control: int = 64 * MIB
    #: Bytes of a text file read whole from a package (its control file,
    #: copyright, README.aimodel, Lintian overrides), once decompressed.
    text: int = 4 * MIB
    #: Members of an ar archive (a .deb has three).
    ar_members: int = 64
    #: Bytes of debian/aimodel.yaml.
    yaml_bytes: int = 16 * MIB
    #: Nodes of the declaration, and once every alias is expanded (1,000
    #: models are some 60,000; composing and reading cost some 450 bytes a
    #: node, so 150,000 stay within 128 MiB).
    yaml_nodes: int = 150_000
    #: Nesting of mappings and sequences in the declaration.
    yaml_depth: int = 64
    #: Characters of one value in the declaration (a name, a URL, notes).
    yaml_scalar: int = 64 * KIB
    #: Bytes of a model file's header or metadata read into memory
    #: (safetensors' JSON header, GGUF's key-value section).
    model_header: int = 16 * MIB
    #: Elements a pickle's load would build, every memo reuse counted again.
    pickle_elements: int = 100_000_000

    @classmethod
    def names(cls) -> tuple[str, ...]:
        return tuple(f.name.replace("_", "-") for f in fields(cls))

    def raised(self, settings: Mapping[str, str], source: str) -> Limits:
        """These limits with ``settings`` (option name to value) applied."""
        changes = {}
        for name, value in settings.items():
            if name not in self.names():
                raise UsageError(f"{source}: unknown limit '{name}'; accepted: "
                                 f"{', '.join(self.names())}")
            changes[name.replace("-", "_")] = parse_size(value, f"{source}: {name}")
        return replace(self, **changes)


_SIZE = re.compile(r"([0-9][0-9_]*)\s*([KMGT]i?B?)?", re.IGNORECASE)
_UNITS = {"": 1, "k": KIB, "m": MIB, "g": GIB, "t": 1024 * GIB}


def parse_size(text: str, where: str) -> int:
    """``1000``, ``64M``, ``2GiB``: a count, or bytes with a binary suffix."""
    m = _SIZE.fullmatch(text.strip())
    if m is None or int(m[1]) <= 0:
        raise UsageError(f"{where}: '{text}' is not a positive number; accepted: "
                         "an integer, optionally with K, M, G or T (binary units)")
    return int(m[1]) * _UNITS[(m[2] or "")[:1].lower()]


def parse_settings(items: list[str] | str, source: str) -> dict[str, str]:
    """``name=value`` items (a list from the command line, or the env var's text)."""
    if isinstance(items, str):
        items = [i for i in items.split(",") if i.strip()]
    out = {}
    for item in items:
        name, eq, value = item.partition("=")
        if not eq:
            raise UsageError(f"{source}: '{item}' is not NAME=VALUE; accepted names: "
                             f"{', '.join(Limits.names())}")
        out[name.strip()] = value
    return out


_active = Limits()


def active() -> Limits:
    """The limits in force in this process (:func:`configure` sets them)."""
    return _active


def configure(options: list[str] | None = None,
              environ: Mapping[str, str] = os.environ) -> Limits:
    """Set this process's limits: the defaults, then ``AIMODEL_LIMITS``, then ``--limit``s."""
    global _active
    limits = Limits()
    if environ.get(ENV):
        limits = limits.raised(parse_settings(environ[ENV], ENV), ENV)
    if options:
        limits = limits.raised(parse_settings(options, "--limit"), "--limit")
    _active = limits
    return limits


def how_to_raise(name: str) -> str:
    """The hint that ends every message about a limit reached."""
    return f"raise it with --limit {name}=N or {ENV}={name}=N"


class LimitExceeded(AimodelError):
    """An input reached one of the :class:`Limits`: reported, never obeyed.

    ``limit`` is the option name; ``what`` says what reached it, where, and
    the limit's value; the message adds :func:`how_to_raise` it.  A reader that can go on without the rest of
    the input (a .deb's remaining members) turns it into a finding; one that
    cannot (a declaration) lets it reach the command line as one error line.
    """

    def __init__(self, limit: str, what: str, pos: Pos | None = None) -> None:
        self.limit = limit
        self.what = what
        super().__init__(f"{what}; {how_to_raise(limit)}", pos)


def human_size(size: int) -> str:
    """``812 bytes``, ``3.4 MiB``: sizes as reports and comments show them."""
    value = float(size)
    for unit in ("bytes", "KiB", "MiB"):
        if value < 1024:
            return f"{size} bytes" if unit == "bytes" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} GiB"


#: The limits counted in bytes (the others count elements, members or times).
BYTE_LIMITS: Final = frozenset({"deb-floor", "tar-header", "control", "text", "yaml-bytes",
                                "yaml-scalar", "model-header"})


def shown(limit: str, value: int | None = None) -> str:
    """A limit's value as the man page writes it: ``64 MiB``, ``2,000,000``."""
    if value is None:
        value = getattr(active(), limit.replace("-", "_"))
    if limit in BYTE_LIMITS:
        for unit, size in (("TiB", 1024 * GIB), ("GiB", GIB), ("MiB", MIB), ("KiB", KIB)):
            if value >= size and value % size == 0:
                return f"{value // size} {unit}"
        return f"{value:,} bytes"
    return f"{value:,}"
