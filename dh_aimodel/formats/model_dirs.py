"""Models that are a directory of files rather than one file.

A CMU Sphinx acoustic model is the set of files in one directory (the model
definition, the Gaussian means and variances, the mixture weights, the HMM
transition matrices and the feature and noise settings); pocketsphinx is
given the directory (``-hmm``), never one file.  :func:`model_directories`
finds such directories in a list of paths, from a source tree or from a
package, by the members' names alone, so that the caller (``aimodel
init``) can declare each as one model; :func:`dh_aimodel.formats.sniff`
checks the members' contents.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Final

#: The files every Sphinx acoustic model directory has (aimodel.yaml(5), format).
SPHINX_REQUIRED: Final = frozenset({"mdef", "means", "variances", "transition_matrices"})
#: The other files of such a directory that belong to the model.
SPHINX_OPTIONAL: Final = frozenset({
    "mixture_weights", "sendump", "feat.params", "noisedict", "feature_transform",
})


@dataclass(frozen=True, slots=True)
class ModelDir:
    """One model made of the files of one directory.

    ``dir`` is the directory as the paths spell it (``"."`` for the top),
    ``members`` the paths of its files that belong to the model, sorted.
    """

    dir: str
    format: str
    members: tuple[str, ...]


def model_directories(paths: Iterable[str]) -> list[ModelDir]:
    """The model directories among ``paths`` (relative POSIX paths), sorted by directory.

    A directory counts when it directly holds every file of
    :data:`SPHINX_REQUIRED`; its members are those and the files of
    :data:`SPHINX_OPTIONAL` it holds.  Other files there (a README, a
    licence) are not part of the model.

    >>> [d.members for d in model_directories(
    ...     ["m/mdef", "m/means", "m/variances", "m/transition_matrices", "m/README"])]
    [('m/mdef', 'm/means', 'm/transition_matrices', 'm/variances')]
    """
    by_dir: dict[str, dict[str, str]] = {}
    for path in paths:
        p = PurePosixPath(path)
        if p.name in SPHINX_REQUIRED or p.name in SPHINX_OPTIONAL:
            by_dir.setdefault(str(p.parent), {})[p.name] = path
    return [ModelDir(directory, "sphinx-acoustic", tuple(sorted(names.values())))
            for directory, names in sorted(by_dir.items())
            if SPHINX_REQUIRED <= names.keys()]
