"""Frozen outputs: executed notebooks committed under ``demos/_outputs/``.

A frozen output is shown on any machine while its code hash still matches
the demo, so a GPU result can be published from a CPU-only build machine.
It carries the same metadata as a cache entry (``cache.stamp``) and is read
back with the same verification (``cache.read_entry``).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from generator.model import DemoId

FROZEN_FOLDER = "_outputs"
METADATA_KEY = "glossgraph"


def default_frozen_dir(demos_dir: Path) -> Path:
    """Return where frozen outputs of ``demos_dir`` live."""
    return demos_dir / FROZEN_FOLDER


def frozen_path(frozen_dir: Path, demo_id: DemoId) -> Path:
    """Return the frozen notebook path of one demo."""
    return frozen_dir / f"{demo_id}.ipynb"


def read_notebook_metadata(path: Path) -> dict[str, Any] | None:
    """Return our metadata block of a stored notebook, or None if it cannot be read."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return None
    meta = data.get("metadata") if isinstance(data, dict) else None
    ours = meta.get(METADATA_KEY) if isinstance(meta, dict) else None
    return ours if isinstance(ours, dict) else None
