"""The typed form of debian/aimodel.yaml (format 1), as aimodel.yaml(5) defines it.

These are plain frozen dataclasses: the loader (:mod:`dh_aimodel.manifest.loader`)
builds them from YAML, checking every rule, and everything else (policies,
renderers, dh_aimodel) only reads them.  Each node keeps the position it came
from so later checks can still point at the right line.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Literal, Mapping

from dh_aimodel.core.errors import Pos

FORMAT_VERSIONS = (1,)

Delivery = Literal["shipped", "embedded", "compiled", "generated", "source-only",
                   "downloaded", "reference"]
Availability = Literal["public", "on-request", "unavailable", "generated"]
Reproducible = Literal["yes", "no", "unknown"]
DataInformation = Literal["complete", "partial", "none"]
FineTuning = Literal["practical", "impractical", "unknown"]
Dfsg = Literal["free", "non-free", "undistributable"]

DELIVERIES: tuple[Delivery, ...] = ("shipped", "embedded", "compiled", "generated",
                                    "source-only", "downloaded", "reference")
#: Deliveries whose model a binary package carries, in one form or another:
#: they decide the package's area (aimodel.yaml(5), DELIVERY).
IN_PACKAGE: tuple[Delivery, ...] = ("shipped", "embedded", "compiled", "generated")
#: Deliveries whose ``files`` are in the source package (debian/copyright covers them).
IN_SOURCE: tuple[Delivery, ...] = (*IN_PACKAGE, "source-only")
#: Deliveries that name ``installed`` files of the package.
NAMES_INSTALLED: tuple[Delivery, ...] = ("embedded", "compiled", "generated")
AVAILABILITIES: tuple[Availability, ...] = ("public", "on-request", "unavailable", "generated")
REPRODUCIBLE: tuple[Reproducible, ...] = ("yes", "no", "unknown")
DATA_INFORMATION: tuple[DataInformation, ...] = ("complete", "partial", "none")
FINE_TUNING: tuple[FineTuning, ...] = ("practical", "impractical", "unknown")
DFSG_VERDICTS: tuple[Dfsg, ...] = ("free", "non-free", "undistributable")

MODEL_FORMATS = (
    "safetensors", "gguf", "onnx", "pytorch-pickle", "pytorch-zip", "keras-hdf5",
    "tflite", "numpy", "tessdata", "nnue", "gnubg-weights", "sphinx-acoustic", "arpa-lm",
    "sphinx-dmp-lm", "c-array", "other",
)

COMPONENT_KEYS = (
    "model-architecture", "inference-code", "training-code", "evaluation-code",
    "evaluation-data", "evaluation-results", "data-preprocessing-code", "model-card",
    "data-card", "technical-report", "research-paper", "intermediate-parameters",
    "model-metadata", "sample-outputs", "supporting-libraries",
)




def _empty() -> Mapping:
    return MappingProxyType({})


@dataclass(frozen=True, slots=True)
class FileSpec:
    """One entry of ``files``: a path or glob relative to the source root."""

    path: str
    pos: Pos
    sha256: str | None = None
    url: str | None = None

    @property
    def is_glob(self) -> bool:
        return any(c in self.path for c in "*?[")


@dataclass(frozen=True, slots=True)
class Dataset:
    name: str
    license: str
    availability: Availability
    pos: Pos
    url: str | None = None


@dataclass(frozen=True, slots=True)
class Software:
    name: str
    license: str
    available: bool
    pos: Pos
    url: str | None = None
    non_free_requirements: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Judgement:
    """A fact a maintainer checked by hand and vouches for (``reviewed:``).

    It changes no verdict, the declared fact does: it records who checked it,
    when and why, for the reviewer who reads the reasons or README.aimodel.
    """

    fact: str
    by: str
    date: str
    why: str
    pos: Pos


#: What a judgement may be about, besides a dataset's or a program's name.
JUDGED_FACTS = ("license", "copyright", "training.data", "training.software", "distributable")


@dataclass(frozen=True, slots=True)
class Training:
    data: tuple[Dataset, ...] = ()
    software: tuple[Software, ...] = ()
    reproducible: Reproducible = "unknown"
    cost: str | None = None
    data_information: DataInformation | None = None
    fine_tuning: FineTuning = "unknown"

    @property
    def effective_data_information(self) -> DataInformation:
        """``data-information`` with the default aimodel.yaml(5) gives it."""
        if self.data_information is not None:
            return self.data_information
        if self.data and all(d.availability in ("public", "generated") for d in self.data):
            return "complete"
        return "none"


@dataclass(frozen=True, slots=True)
class Component:
    """A further released part of a model (Model Openness Framework)."""

    url: str | None = None
    license: str | None = None


@dataclass(frozen=True, slots=True)
class Model:
    name: str
    pos: Pos
    license: str
    license_pos: Pos
    files: tuple[FileSpec, ...]
    copyright: tuple[str, ...] = ()
    package: str | None = None
    format: str | None = None
    upstream: str | None = None
    delivery: Delivery = "shipped"
    distributable: bool = True
    task: str | None = None
    base_model: str | None = None
    training: Training = field(default_factory=Training)
    components: Mapping[str, Component] = field(default_factory=_empty)
    notes: str | None = None
    extras: Mapping[str, object] = field(default_factory=_empty)
    #: Paths or globs below the package root of the files that carry the
    #: model when it is not shipped as itself (embedded, compiled, generated).
    installed: tuple[str, ...] = ()
    reviewed: tuple[Judgement, ...] = ()

    @property
    def shipped(self) -> bool:
        """Installed as the very files declared (the files are in debian/<pkg>/)."""
        return self.delivery == "shipped"

    @property
    def in_package(self) -> bool:
        """A binary package carries it (shipped, embedded, compiled or generated)."""
        return self.delivery in IN_PACKAGE

    @property
    def in_source(self) -> bool:
        """Its files are in the source package, so debian/copyright must cover them."""
        return self.delivery in IN_SOURCE


@dataclass(frozen=True, slots=True)
class LicenseVerdict:
    """A maintainer's verdict for a ``LicenseRef-*`` id (top-level ``licenses``)."""

    id: str
    dfsg: Dfsg
    pos: Pos
    reason: str | None = None
    text: str | None = None


@dataclass(frozen=True, slots=True)
class Declaration:
    path: str
    format: int
    models: tuple[Model, ...]
    policy: str = "ml-policy"
    licenses: Mapping[str, LicenseVerdict] = field(default_factory=_empty)
    extras: Mapping[str, object] = field(default_factory=_empty)

    def model(self, name: str) -> Model:
        for m in self.models:
            if m.name == name:
                return m
        raise KeyError(name)
