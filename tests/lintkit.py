"""Builders for the lint tests: small source trees and .debs made in Python."""

from __future__ import annotations

import hashlib
import io
import json
import struct
import tarfile
import textwrap
import zipfile
from pathlib import Path

DISCLAIMER = "Disclaimer: not part of Debian: its model is not free under the ML-Policy.\n"


def safetensors(metadata: dict | None = None, header_len: int | None = None) -> bytes:
    header = {"w": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}}
    if metadata is not None:
        header["__metadata__"] = metadata
    raw = json.dumps(header).encode()
    return struct.pack("<Q", header_len if header_len is not None else len(raw)) + raw + b"\0" * 8


def gguf() -> bytes:
    return b"GGUF" + struct.pack("<IQQ", 3, 0, 0)


def zip_bytes(members: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    """A zip archive holding ``members`` (name -> bytes), in memory."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


CONTROL = """\
Source: demo
Section: {section}
Priority: optional
Maintainer: Demo <demo@example.org>
Build-Depends: debhelper-compat (= 13)

Package: demo-data
Architecture: all
Description: demo
 demo
"""

COPYRIGHT = """\
Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: demo
{header}
Files: *
Copyright: 2026 Demo
License: MIT

Files: models/*
Copyright: 2026 Demo Lab
License: {licence}

License: MIT
 Permission is hereby granted.
"""


def model_yaml(path: str = "models/m.safetensors", digest: str | None = None,
               licence: str = "MIT", fmt: str = "safetensors", availability: str = "public",
               delivery: str = "shipped", extra_files: str = "", package: str = "demo-data",
               name: str = "m") -> str:
    sha_line = f"\n            sha256: {digest}" if digest else ""
    return textwrap.dedent(f"""\
      - name: {name}
        package: {package}
        files:
          - path: {path}{sha_line}{extra_files}
        format: {fmt}
        license: {licence}
        copyright: 2026 Demo Lab
        delivery: {delivery}
        training:
          data:
            - name: Demo data
              license: CC0-1.0
              availability: {availability}
          software:
            - name: trainer
              license: MIT
              available: true
    """)


def tree(root: Path, files: dict[str, bytes], models: str | None = None,
         section: str = "science", copyright: str | None = None, control: str | None = None,
         declaration: str | None = None) -> Path:
    """A source tree: debian/{control,copyright,aimodel.yaml} and the given files."""
    (root / "debian/source").mkdir(parents=True, exist_ok=True)
    (root / "debian/control").write_text(control or CONTROL.format(section=section))
    (root / "debian/copyright").write_text(
        copyright if copyright is not None else
        COPYRIGHT.format(header=DISCLAIMER if "/" in section else "", licence="MIT"))
    if declaration is None:
        declaration = "format: 1\nmodels:\n" + textwrap.indent(models or "", "  ")
    (root / "debian/aimodel.yaml").write_text(declaration)
    for rel, data in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(data)
    return root


def clean_tree(root: Path) -> Path:
    data = safetensors({"license": "mit"})
    return tree(root, {"models/m.safetensors": data}, model_yaml(digest=sha(data)))


def _tar(members: list[tuple[tarfile.TarInfo, bytes | None]], compression: str) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode=f"w:{compression}") as tar:
        for info, data in members:
            if data is not None:
                info.size = len(data)
            tar.addfile(info, io.BytesIO(data) if data is not None else None)
    return buf.getvalue()


def file_member(name: str, data: bytes) -> tuple[tarfile.TarInfo, bytes]:
    info = tarfile.TarInfo(name)
    info.mode = 0o644
    return info, data


def link_member(name: str, target: str, hard: bool = False) -> tuple[tarfile.TarInfo, None]:
    info = tarfile.TarInfo(name)
    info.type = tarfile.LNKTYPE if hard else tarfile.SYMTYPE
    info.linkname = target
    return info, None


def control_tar(package: str = "demo-data", section: str = "science") -> bytes:
    """control.tar.gz of a binary package."""
    control = (f"Package: {package}\nSource: demo\nVersion: 1.0\nArchitecture: all\n"
               f"Maintainer: Demo <demo@example.org>\nSection: {section}\n"
               f"Description: demo\n demo\n").encode()
    return _tar([file_member("./control", control)], "gz")


def ar_archive(members: list[tuple[str, bytes]], size_field: dict[str, str] | None = None) -> bytes:
    """An ar archive of ``members`` in this order; ``size_field`` writes another
    size than the real one into a member's header (a damaged archive)."""
    out = bytearray(b"!<arch>\n")
    for name, content in members:
        size = (size_field or {}).get(name, str(len(content)))
        out += f"{name:<16}{0:<12}{0:<6}{0:<6}{100644:<8}{size:<10}`\n".encode()
        out += content + (b"\n" if len(content) % 2 else b"")
    return bytes(out)


def deb(path: Path, files: dict[str, bytes], package: str = "demo-data",
        section: str = "science", extra: list | None = None, compression: str = "xz",
        raw_data: bytes | None = None) -> Path:
    """A .deb assembled in Python: ar(debian-binary, control.tar.gz, data.tar.*).

    ``raw_data``: the data.tar's compressed bytes as given, instead of ``files``.
    """
    data = raw_data if raw_data is not None else data_tar(files, extra, compression)
    ext = {"xz": ".xz", "gz": ".gz", "": ""}[compression]
    path.write_bytes(ar_archive([("debian-binary", b"2.0\n"),
                                 ("control.tar.gz", control_tar(package, section)),
                                 (f"data.tar{ext}", data)]))
    return path


def data_tar(files: dict[str, bytes], extra: list | None = None,
             compression: str = "xz") -> bytes:
    """A data.tar.* of ``files`` (path: content) and ``extra`` members."""
    return _tar([file_member("./" + k, v) for k, v in files.items()] + (extra or []),
                compression)
