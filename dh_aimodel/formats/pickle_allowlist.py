"""Whether a pickle's import is safe: the allow-list, the deny-list, :func:`classify_global`.

The pickle scanner (:mod:`dh_aimodel.formats.pickle_scan`) resolves each
import a pickle makes to a (module, name); this module judges it: *safe*
if weight files need it, *dangerous* if it is a known way to run code,
*unknown* otherwise, by matching names only: nothing a pickle names is
imported.
"""

from __future__ import annotations

import re
from typing import Final, Literal

Verdict = Literal["safe", "unknown", "dangerous"]

# -- the allow-list and the deny-list ---------------------------------------
# Sources: torch/_weights_only_unpickler.py (_get_allowed_globals) for what
# torch.load(weights_only=True) accepts; numpy's own array/dtype reduce
# functions; the builtin types pickle protocol 2 needs for sets and bytes.

_SAFE: Final = frozenset({
    ("collections", "OrderedDict"), ("collections", "Counter"),
    ("torch", "Size"), ("torch", "Tensor"), ("torch", "device"),
    ("torch.nn.parameter", "Parameter"), ("torch.serialization", "_get_layout"),
    ("torch._tensor", "_rebuild_from_type_v2"),
    ("torch.storage", "TypedStorage"), ("torch.storage", "UntypedStorage"),
    ("torch", "per_tensor_affine"), ("torch", "per_tensor_symmetric"),
    ("torch", "per_channel_affine"), ("torch", "per_channel_symmetric"),
    ("torch", "per_channel_affine_float_qparams"),
    *(("torch._utils", f) for f in (
        "_rebuild_tensor", "_rebuild_tensor_v2", "_rebuild_tensor_v3", "_rebuild_parameter",
        "_rebuild_parameter_with_state", "_rebuild_qtensor", "_rebuild_sparse_tensor",
        "_rebuild_meta_tensor_no_storage", "_rebuild_wrapper_subclass",
        "_rebuild_device_tensor_from_numpy", "_rebuild_device_tensor_from_cpu_tensor",
        "_rebuild_nested_tensor")),
    *((m, n) for m in ("numpy.core.multiarray", "numpy._core.multiarray")
      for n in ("_reconstruct", "scalar")),
    ("numpy.core.numeric", "_frombuffer"), ("numpy._core.numeric", "_frombuffer"),
    ("numpy", "dtype"), ("numpy", "ndarray"),
    ("_codecs", "encode"), ("copyreg", "_reconstructor"),
    *(("builtins", n) for n in (
        "set", "frozenset", "slice", "complex", "bytearray", "bytes", "range",
        "int", "float", "bool", "str", "tuple", "list", "dict")),
    *(("datetime", n) for n in ("datetime", "date", "time", "timedelta", "timezone")),
    ("decimal", "Decimal"), ("argparse", "Namespace"),
})
#: torch dtypes (torch.float32 ...), legacy tensor and storage classes.
_SAFE_TORCH_NAME: Final = re.compile(
    r"(u?int\d+|float\d*(_e\d+m\d+\w*)?|bfloat16|complex\d*|c?half|cfloat|cdouble|chalf|"
    r"double|short|long|int|bool|q(u)?int\d+(x\d+)?|bits\w+|[A-Z][A-Za-z0-9]*(Storage|Tensor))")

#: Modules whose every name runs code, touches files, processes or the
#: network, or reaches other objects' attributes (prefix match: "os" covers
#: "os.path").  Mapped through _compat_pickle first, so "commands" and
#: "__builtin__" land here too.
_DANGEROUS_MODULES: Final = frozenset({
    "os", "posix", "nt", "subprocess", "_posixsubprocess", "socket", "_socket", "shutil",
    "importlib", "imp", "sys", "runpy", "pty", "webbrowser", "pickle", "_pickle", "marshal",
    "types", "ctypes", "_ctypes", "code", "codeop", "codecs", "popen2", "platform",
    "multiprocessing", "_multiprocessing", "threading", "_thread", "asyncio", "signal",
    "tempfile", "io", "_io", "pathlib", "glob", "pip", "setuptools", "distutils", "ensurepip",
    "venv", "zipimport", "pkgutil", "site", "bdb", "pdb", "timeit", "cProfile", "profile",
    "trace", "doctest", "http", "urllib", "urllib2", "requests", "ftplib", "smtplib",
    "telnetlib", "xmlrpc", "ssl", "select", "selectors", "mmap", "fcntl", "resource",
    "atexit", "gc", "inspect", "linecache", "operator", "_operator", "dill", "cloudpickle",
    "joblib.load", "torch.hub", "torch.utils.cpp_extension", "numpy.f2py", "numpy.distutils",
    "numpy.ctypeslib", "numpy.testing", "builtins.__import__",
    # The rest of picklescan 1.0.5's and modelscan 0.8.8's deny-lists (whole
    # modules where they list names: importing from them is never needed for
    # weights), so that what they call dangerous is dangerous here too; it
    # matters where only dangerous imports are reported (tentative walks).
    "aiohttp", "pydoc", "test", "uuid", "imaplib", "idlelib", "lib2to3", "_osx_support",
    "_aix_support", "_pyrepl", "torch._dynamo", "torch._inductor", "torch.fx.experimental",
    "torch.jit.unsupported_tensor_ops", "torch.utils._config_module", "torch.utils.bottleneck",
    "torch.utils.collect_env", "torch.utils.data.datapipes.utils.decoder",
})
_DANGEROUS_NAMES: Final = frozenset({
    *(("builtins", n) for n in (
        "eval", "exec", "compile", "open", "__import__", "getattr", "setattr", "delattr",
        "globals", "locals", "vars", "input", "breakpoint", "exit", "quit", "help",
        "memoryview", "type", "super", "classmethod", "staticmethod", "property", "apply")),
    ("functools", "partial"), ("logging", "FileHandler"),
    ("torch", "load"), ("torch.serialization", "load"), ("numpy", "load"),
    ("numpy.lib.npyio", "load"), ("torch.jit", "load"), ("torch", "_C"),
})


def _compat(module: str, name: str) -> tuple[str, str]:
    """The (module, name) Python 3 really imports for a protocol 0-2 pickle.

    The unpickler maps Python 2 names (``__builtin__``, ``copy_reg``,
    ``commands``) through these tables; the checks use the mapped name.
    """
    import _compat_pickle

    if (module, name) in _compat_pickle.NAME_MAPPING:
        mapped: tuple[str, str] = _compat_pickle.NAME_MAPPING[(module, name)]
        return mapped
    return _compat_pickle.IMPORT_MAPPING.get(module, module), name


def classify_global(module: str, name: str) -> Verdict:
    """Whether importing ``name`` from ``module`` in a pickle is safe.

    ``safe``: on the allow-list of what weight files need.  ``dangerous``:
    a known way to run commands or code, reach files or the network, or
    walk attributes (a dunder in the name, ``getattr``, ``operator``).
    ``unknown``: anything else, e.g. a model class of the upstream project;
    not proven harmful, but loading it runs that project's code.

    >>> classify_global("torch._utils", "_rebuild_tensor_v2")
    'safe'
    >>> classify_global("posix", "system")
    'dangerous'
    >>> classify_global("sklearn.tree", "DecisionTreeClassifier")
    'unknown'
    """
    verdicts = {_verdict(module, name), _verdict(*_compat(module, name))}
    if "dangerous" in verdicts:
        return "dangerous"
    return "safe" if "safe" in verdicts else "unknown"


def _verdict(module: str, name: str) -> Verdict:
    if module == "__builtin__" or module == "__builtins__":
        module = "builtins"
    parts = name.split(".")
    if any(p.startswith("__") and p.endswith("__") and len(p) > 4 for p in parts):
        return "dangerous"  # __globals__, __subclasses__, __class__ ...: attribute walks
    if (module, parts[0]) in _DANGEROUS_NAMES or (module, name) in _DANGEROUS_NAMES:
        return "dangerous"
    path = f"{module}.{name}"
    dotted = module.split(".")
    for i in range(1, len(dotted) + 1):
        if ".".join(dotted[:i]) in _DANGEROUS_MODULES:
            return "dangerous"
    for i in range(len(dotted) + 1, len(dotted) + len(parts) + 1):
        if ".".join(path.split(".")[:i]) in _DANGEROUS_MODULES:
            return "dangerous"
    if (module, name) in _SAFE:
        return "safe"
    if module in ("torch", "torch.cuda") and _SAFE_TORCH_NAME.fullmatch(name):
        return "safe"
    return "unknown"
