"""The content-addressed store of executed notebooks.

An entry is ``<cache_dir>/<key>.ipynb``: the executed notebook with the run
record in its metadata. Only good results are stored as entries; a failure
leaves a small ``<key>.failed.json`` note so ``demo list`` can say so, and it
is never read back as a result. Writes are atomic (temp file + os.replace);
an unreadable entry counts as absent.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from generator.demos.freeze import METADATA_KEY
from generator.demos.model import DemoResult, DemoStatus, Obtained, RunRecord
from generator.model import DemoId

FAILED_SUFFIX = ".failed.json"


def entry_path(cache_dir: Path, key: str) -> Path:
    """Return where the good result for ``key`` is stored."""
    return cache_dir / f"{key}.ipynb"


def failure_path(cache_dir: Path, key: str) -> Path:
    """Return where the note of a failed run for ``key`` is stored."""
    return cache_dir / f"{key}{FAILED_SUFFIX}"


def stamp(result: DemoResult, code: str, key: str) -> None:
    """Write our metadata (code hash, key, status, record) into the result's notebook."""
    result.notebook.metadata[METADATA_KEY] = {
        "demo": result.id,
        "code_hash": code,
        "cache_key": key,
        "status": result.status.value,
        "record": result.record.to_json(),
        "error": result.error,
    }


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` so that readers see the old file or the whole new one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def write_notebook(path: Path, notebook: Any) -> None:
    """Store an executed notebook atomically."""
    import nbformat

    write_atomic(path, nbformat.writes(notebook))  # type: ignore[no-untyped-call]


def store(cache_dir: Path, key: str, result: DemoResult) -> None:
    """Store a good result as an entry, or a failure as a note (never as an entry)."""
    if result.status is DemoStatus.OK:
        write_notebook(entry_path(cache_dir, key), result.notebook)
        with contextlib.suppress(OSError):
            failure_path(cache_dir, key).unlink(missing_ok=True)
        return
    note = {"demo": result.id, "status": result.status.value, "error": result.error}
    write_atomic(failure_path(cache_dir, key), json.dumps(note))


def load_result(path: Path, demo_id: DemoId, obtained: Obtained) -> DemoResult | None:
    """Return the good result stored at ``path``, or None if absent, failed or corrupt."""
    if not path.is_file():
        return None
    import nbformat

    try:
        notebook = nbformat.read(path, as_version=4)  # type: ignore[no-untyped-call]
        meta = notebook.metadata[METADATA_KEY]
        record = RunRecord.from_json(meta["record"])
        if meta["status"] != DemoStatus.OK.value:
            return None
    except Exception:  # any damage to an entry means: run the demo again
        return None
    record = dataclasses.replace(record, obtained=obtained)
    return DemoResult(demo_id, DemoStatus.OK, record, notebook, None)


def has_failure(cache_dir: Path, key: str) -> bool:
    """Return whether the last run for ``key`` failed."""
    return failure_path(cache_dir, key).is_file()


def clean(cache_dir: Path) -> int:
    """Delete every entry and note in ``cache_dir``; return how many files went."""
    if not cache_dir.is_dir():
        return 0
    removed = 0
    for path in cache_dir.iterdir():
        if path.is_file() and path.name.endswith((".ipynb", FAILED_SUFFIX, ".tmp")):
            path.unlink()
            removed += 1
    with contextlib.suppress(OSError):
        cache_dir.rmdir()
    return removed
