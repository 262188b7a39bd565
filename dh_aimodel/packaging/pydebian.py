"""python-debian's deb822 and copyright modules, imported without their charset detector.

``debian.deb822`` imports ``charset_normalizer`` (or ``chardet``) when it is
itself imported, only to guess the encoding of *bytes* field values that are
not UTF-8.  dh-aimodel never hands it bytes: control files, copyright files,
.changes and README.aimodel are decoded as UTF-8 first (Debian Policy 5.1
requires UTF-8 of them), so the detector is never called.  Importing it costs
about 20 ms, a fifth of a whole ``aimodel lint X.deb`` run, whose speed is
measured against Lintian (bench/bench_lint.py).  So dh-aimodel imports
python-debian's deb822 and copyright modules only through :func:`deb822` and
:func:`copyright` (tests/test_startup.py checks), which hide the detector
modules while ``debian.deb822`` is imported and put everything back
afterwards; a later ``import charset_normalizer`` (requests does one) is an
ordinary import.

Should a python-debian release require the detector, the hidden import fails
and :func:`deb822` imports the module the ordinary way.
"""

from __future__ import annotations

import importlib
import sys
from types import ModuleType

#: Optional modules python-debian imports only for encoding detection of bytes.
_DETECTORS = ("charset_normalizer", "chardet")


def deb822() -> ModuleType:
    """``debian.deb822``, imported without loading an encoding detector."""
    module = sys.modules.get("debian.deb822")
    if module is not None:
        return module
    hidden = [name for name in _DETECTORS if name not in sys.modules]
    for name in hidden:
        sys.modules[name] = None  # type: ignore[assignment]  # makes "import name" fail
    try:
        return importlib.import_module("debian.deb822")
    except ImportError:
        for name in hidden:
            sys.modules.pop(name, None)
        hidden = []
        return importlib.import_module("debian.deb822")
    finally:
        for name in hidden:
            if sys.modules.get(name, False) is None:
                del sys.modules[name]


def copyright() -> ModuleType:  # noqa: A001 - named after debian.copyright
    """``debian.copyright`` (which imports ``debian.deb822``), the same way."""
    deb822()
    return importlib.import_module("debian.copyright")
