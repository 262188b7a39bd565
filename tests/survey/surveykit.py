"""Builders for the survey tests: real .debs made with ``dpkg-deb --build``."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from pathlib import Path

from conftest import require_tools
from lintkit import gguf, safetensors

README = b"A test package for aimodel survey.\n"


def build_deb(out_dir: Path, package: str, files: dict[str, bytes], version: str = "1.0",
              compression: str = "gzip") -> Path:
    """``package_version_all.deb`` in ``out_dir`` holding ``files`` (path -> bytes)."""
    require_tools("dpkg-deb")
    root = out_dir / f".{package}.d"
    shutil.rmtree(root, ignore_errors=True)
    (root / "DEBIAN").mkdir(parents=True)
    (root / "DEBIAN/control").write_text(
        f"Package: {package}\nVersion: {version}\nArchitecture: all\nSection: science\n"
        f"Installed-Size: 12\nMaintainer: T <t@example.org>\nDescription: {package}\n test\n")
    for rel, data in {**files, f"usr/share/doc/{package}/README": README}.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(data)
    out = out_dir / f"{package}_{version}_all.deb"
    subprocess.run(["dpkg-deb", f"-Z{compression}", "--root-owner-group", "--build", str(root),
                    str(out)], check=True, capture_output=True)
    shutil.rmtree(root)
    return out


def model_debs(out_dir: Path) -> dict[str, Path]:
    """Three packages: safetensors weights, a GGUF model, and no model at all."""
    out_dir.mkdir(parents=True, exist_ok=True)
    return {
        "demo-weights": build_deb(out_dir, "demo-weights",
                                  {"usr/share/demo/model.safetensors": safetensors()}),
        "demo-gguf": build_deb(out_dir, "demo-gguf", {"usr/share/demo/m.gguf": gguf()}),
        "demo-plain": build_deb(out_dir, "demo-plain", {"usr/share/demo/notes.txt": b"x\n"}),
    }


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def packages_index(debs: list[Path], root: Path, sha: dict[str, str] | None = None) -> str:
    """A Packages index of ``debs`` (Filename relative to ``root``); ``sha`` overrides
    the SHA256 of the named packages (to make a wrong one)."""
    stanzas = []
    for deb in debs:
        name = deb.name.split("_")[0]
        stanzas.append(f"Package: {name}\nVersion: 1.0\nArchitecture: all\n"
                       f"Filename: {deb.relative_to(root).as_posix()}\n"
                       f"Size: {deb.stat().st_size}\n"
                       f"SHA256: {(sha or {}).get(name, sha256(deb))}\n")
    return "\n".join(stanzas)
