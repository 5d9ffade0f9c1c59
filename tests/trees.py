"""Entity trees written into a temporary folder from a dict."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

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
