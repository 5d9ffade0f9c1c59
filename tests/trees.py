"""Entity trees written into a temporary folder from a dict."""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from types import ModuleType

TreeWriter = Callable[[Path, Mapping[str, str | bytes]], Path]


def write_tree_into(root: Path, files: Mapping[str, str | bytes]) -> Path:
    """Write ``files`` (relative path -> text or bytes) under ``root`` and return ``root``.

    Text is written as UTF-8 exactly as given (no newline translation), so a
    test can write CRLF or a BOM on purpose.
    """
    for relative, content in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        data = content if isinstance(content, bytes) else content.encode("utf-8")
        path.write_bytes(data)
    return root


def load_bench_module(name: str) -> ModuleType:
    """Import ``bench/<name>.py`` (bench/ is scripts, not a package) as ``bench_<name>``."""
    path = Path(__file__).resolve().parents[1] / "bench" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(f"bench_{name}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module
