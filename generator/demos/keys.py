"""Hashes that decide whether a stored output still belongs to a demo.

The hashes are taken over the notebook object that the kernel runs (jupytext's
reading of the script), never over a second parse of the file, so no code can
run outside them. ``code_hash`` covers what the demo's content decides: the
source of every cell the kernel executes, the kernel, our format version and
the bytes of the files it reads. The cache key adds where it runs (torch
version, device class) and how its figures are drawn (``PLOT_SETTINGS``, the
kernel's figure options), so a change of plot settings runs the demos again
rather than reusing pictures drawn the old way. A frozen output is matched on ``code_hash`` alone so it
can be shown on any machine. Every field is length-prefixed, so no two field
lists hash alike.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from importlib import metadata
from typing import Any

FORMAT_VERSION = 2
KERNEL_NAME = "python3"
# Figures as PNGs at twice the figure's dpi, with their size in points as metadata
# (the inline backend's "retina" format): sharp on 2x screens, laid out at the usual size.
PLOT_SETTINGS: tuple[str, ...] = ("--InlineBackend.figure_formats=retina",)


def executed_cells(notebook: Any) -> list[tuple[int, Any]]:
    """Return ``(index, cell)`` for every cell the kernel runs: the non-blank code cells."""
    return [
        (index, cell)
        for index, cell in enumerate(notebook.cells)
        if cell.cell_type == "code" and cell.source.strip()
    ]


def file_digest(data: bytes) -> str:
    """Return the sha256 of a file's bytes, as stored for each file a demo reads."""
    return hashlib.sha256(data).hexdigest()


def code_hash(notebook: Any, reads: Mapping[str, str], kernel_name: str = KERNEL_NAME) -> str:
    """Return the sha256 of the cells that run and the digests of the files they read."""
    digest = hashlib.sha256()
    _add(digest, "format", str(FORMAT_VERSION))
    _add(digest, "kernel", kernel_name)
    for _, cell in executed_cells(notebook):
        _add(digest, "cell", cell.source)
    for name in sorted(reads):
        _add(digest, "read-name", name)
        _add(digest, "read-digest", reads[name])
    return digest.hexdigest()


def cache_key(
    code: str,
    torch_version: str,
    device_class: str,
    plots: tuple[str, ...] | None = PLOT_SETTINGS,
) -> str:
    """Return the cache key: the code hash plus where the demo runs and how it draws figures.

    ``plots=None`` is the key of an entry stored before plot settings were part
    of it (a frozen output can be that old), so it still verifies.
    """
    digest = hashlib.sha256()
    _add(digest, "code", code)
    _add(digest, "torch", torch_version)
    _add(digest, "device", device_class)
    if plots is not None:
        _add(digest, "plots", "\n".join(plots))
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
