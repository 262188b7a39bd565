"""What the format readers produce and share: findings, metadata and the common caps.

:class:`Finding` and :class:`Metadata` are the plain frozen values handed out
by :func:`dh_aimodel.formats.read_metadata`; :class:`_Acc` collects them
while one file is read.  The size units and the caps that every reader
applies (:func:`header_cap`, :data:`FIELD_CAP`, :data:`MAX_FINDINGS`) are
here too; each format's own limits are in that format's module.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Final

from dh_aimodel.core import limits
from dh_aimodel.core.declaration import MODEL_FORMATS
from dh_aimodel.core.limits import human_size as human_size  # where reports find it

KiB: Final = 1024
MiB: Final = 1024 * KiB
GiB: Final = 1024 * MiB


#: The format vocabulary, shared with aimodel.yaml(5) (``files[].format``).
FORMATS: Final = MODEL_FORMATS


def header_cap() -> int:
    """Largest header or metadata block read into memory (safetensors JSON, zip
    central directory, one ONNX metadata entry, a TFLite metadata buffer).

    It is the ``model-header`` limit in force (:mod:`dh_aimodel.core.limits`),
    looked up at each read so that ``--limit model-header=N`` reaches every
    reader; a block over it is the finding ``header-too-large``, which says how
    to raise it (:func:`over_cap`).
    """
    return limits.active().model_header


def over_cap(what: str, size: int) -> str:
    """The message of a block of ``size`` bytes over :func:`header_cap`."""
    return (f"{what} of {size} bytes is over the model-header limit of "
            f"{limits.shown('model-header')}; {limits.how_to_raise('model-header')}")

#: Longest single metadata value kept in :attr:`Metadata.fields`; longer
#: values (chat templates, doc strings) are cut, the rest is skipped unread.
FIELD_CAP: Final = 64 * KiB

#: Findings kept per file; the rest are counted in one last finding.
MAX_FINDINGS: Final = 50

#: What each :attr:`Finding.code` means.  The readers of this package and
#: :mod:`dh_aimodel.formats.pickle_scan` emit only these codes, so lint tags and
#: reports can map them one to one.
FINDING_CODES: Final[Mapping[str, str]] = MappingProxyType({
    "truncated": "a declared length or offset points past the end of the data",
    "header-too-large": "a declared header or metadata size is over the reader's cap",
    "bad-header": "the header does not follow the format's specification",
    "zip-bomb": "archive members expand far beyond their stored size, or overlap",
    "path-traversal": "an archive member name is absolute or climbs out with '..'",
    "encrypted": "an archive member is encrypted and cannot be checked",
    "object-dtype": "a NumPy array holds pickled Python objects",
    "unreadable": "reading the file failed",
    "too-many-findings": "further findings were dropped",
    # pickle_scan
    "not-a-pickle": "no pickle stream was found where one was expected",
    "malformed": "the opcode stream is invalid; unpickling would stop here",
    "unknown-opcode": "a byte that is not a pickle opcode",
    "incomplete": "the scan stopped at a limit; the rest is unchecked",
    "unresolved-global": "an imported name is computed at load time and cannot be checked",
    "too-deep": "the pickle nests deeper than any pickler produces",
    "suspicious": "a construct ordinary picklers never write",
})


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem in a model file, for lint and reports.

    Findings are values, not exceptions: a damaged or hostile file must not
    stop the scan of the other files of a package.
    """

    code: str
    message: str

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"


_NO_FIELDS: Mapping[str, str] = MappingProxyType({})


@dataclass(frozen=True, slots=True)
class Metadata:
    """What the header of one model file says, as plain strings.

    ``fields`` holds the metadata the file itself declares, under the
    format's own key names (safetensors ``__metadata__`` keys, GGUF keys such
    as ``general.name``, ONNX ``ModelProto`` field names and
    ``metadata_props`` keys, ...).  ``license`` is the licence the file
    claims, if any: it is the upstream's word, to be compared with the
    declaration, never trusted on its own.  ``pickles`` names the pickle
    streams that the header shows (zip members named like a pickle, ``.npy``
    members of objects, ``""`` for the file itself): :func:`iter_pickles`
    yields these and, tentatively, the members that only their bytes show.
    """

    format: str
    license: str | None = None
    fields: Mapping[str, str] = field(default_factory=lambda: _NO_FIELDS)
    findings: tuple[Finding, ...] = ()
    pickles: tuple[str, ...] = ()


class _Acc:
    """What a reader has found so far; turned into :class:`Metadata` at the end."""

    __slots__ = ("fmt", "license", "fields", "findings", "dropped", "pickles")

    def __init__(self, fmt: str) -> None:
        self.fmt = fmt
        self.license: str | None = None
        self.fields: dict[str, str] = {}
        self.findings: list[Finding] = []
        self.dropped = 0
        self.pickles: list[str] = []

    def finding(self, code: str, message: str) -> None:
        assert code in FINDING_CODES, code
        if len(self.findings) < MAX_FINDINGS:
            self.findings.append(Finding(code, message))
        else:
            self.dropped += 1

    def field(self, key: str, value: str) -> None:
        self.fields[key] = _cut(value)

    def result(self) -> Metadata:
        findings = list(self.findings)
        if self.dropped:
            findings.append(Finding("too-many-findings", f"{self.dropped} more findings not shown"))
        if self.license is None:
            self.license = _license_from(self.fields)
        return Metadata(self.fmt, self.license,
                        MappingProxyType(dict(sorted(self.fields.items()))),
                        tuple(findings), tuple(self.pickles))


def _cut(value: str) -> str:
    return value if len(value) <= FIELD_CAP else value[:FIELD_CAP] + "…"


def _license_from(fields: Mapping[str, str]) -> str | None:
    for key, value in fields.items():
        if key.lower() == "license" and value.strip():
            return value.strip()
    return None


def _text(data: bytes) -> str:
    return data.decode("utf-8", "replace")
