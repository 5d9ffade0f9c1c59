"""Hashes that decide whether a stored output still belongs to a demo.

``code_hash`` covers what the demo's code decides (code cells, kernel, our
format version, the files it reads); the cache key adds where it runs (torch
version, device class). A frozen output is matched on ``code_hash`` alone so
it can be shown on any machine.
"""

from __future__ import annotations

import hashlib
from importlib import metadata
from pathlib import Path

from generator.demos.spec import DemoSpec

FORMAT_VERSION = 1
KERNEL_NAME = "python3"


def code_hash(spec: DemoSpec, demos_dir: Path, kernel_name: str = KERNEL_NAME) -> str:
    """Return the sha256 of what the demo's own content decides."""
    digest = hashlib.sha256()
    _add(digest, "format", str(FORMAT_VERSION))
    _add(digest, "kernel", kernel_name)
    for source in spec.code_cells:
        _add(digest, "cell", source)
    for name in spec.reads:
        _add(digest, "read-name", name)
        digest.update((demos_dir / name).read_bytes())
    return digest.hexdigest()


def cache_key(code: str, torch_version: str, device_class: str) -> str:
    """Return the cache key: the code hash plus where the demo runs."""
    digest = hashlib.sha256()
    _add(digest, "code", code)
    _add(digest, "torch", torch_version)
    _add(digest, "device", device_class)
    return digest.hexdigest()


def installed_torch_version() -> str:
    """Return the installed torch version without importing torch ('none' when absent)."""
    try:
        return metadata.version("torch")
    except metadata.PackageNotFoundError:
        return "none"


def _add(digest: hashlib._Hash, label: str, value: str) -> None:
    data = value.encode("utf-8")
    digest.update(f"{label}:{len(data)}:".encode())
    digest.update(data)
