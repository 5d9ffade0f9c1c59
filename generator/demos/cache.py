"""The content-addressed store of executed notebooks.

An entry is ``<cache_dir>/<key>.ipynb``: the executed notebook with the run
record in its metadata. Only good results are stored as entries; a failure
leaves a small ``<key>.failed.json`` note so ``demo list`` can say so, and it
is never read back as a result. Writes are atomic (a temporary file in the
same folder, then os.replace), so two builds sharing one folder each leave a
whole entry, and a reader sees an old whole file or a new whole one. Reads
are verified: an entry must hash back to its own key, and one that does not
(truncated, edited by hand) is reported as a problem and run again.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import re
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.demos.freeze import METADATA_KEY
from generator.demos.keys import PLOT_SETTINGS, cache_key, code_hash
from generator.demos.model import DemoResult, DemoStatus, Obtained, RunRecord
from generator.model import DemoId

FAILED_SUFFIX = ".failed.json"
# What this store writes: an entry or a note named by its key, and the
# temporary file ``_write_atomic`` makes beside it. ``clean`` deletes only these.
_OWN_FILE = re.compile(r"(\.)?[0-9a-f]{64}(?:\.ipynb|\.failed\.json)(?(1)\.[^/]+\.tmp)")


def entry_path(cache_dir: Path, key: str) -> Path:
    """Return where the good result for ``key`` is stored."""
    return cache_dir / f"{key}.ipynb"


def failure_path(cache_dir: Path, key: str) -> Path:
    """Return where the note of a failed run for ``key`` is stored."""
    return cache_dir / f"{key}{FAILED_SUFFIX}"


@dataclass(frozen=True, slots=True)
class Stamp:
    """What an entry records about itself: enough to recompute its key from its own cells."""

    code: str
    key: str
    torch_version: str
    device_class: str
    read_digests: Mapping[str, str]
    text_digest: str
    plots: tuple[str, ...] = PLOT_SETTINGS


@dataclass(frozen=True, slots=True)
class Loaded:
    """A stored result read back: the result, or why the file is unusable (both None: absent)."""

    result: DemoResult | None = None
    problem: str | None = None
    code: str | None = None


def stamp(result: DemoResult, fields: Stamp) -> None:
    """Write our metadata (hashes, key fields, status, record) into the result's notebook."""
    result.notebook.metadata[METADATA_KEY] = {
        "demo": result.id,
        "code_hash": fields.code,
        "cache_key": fields.key,
        "torch_version": fields.torch_version,
        "device_class": fields.device_class,
        "plot_settings": list(fields.plots),
        "reads": dict(fields.read_digests),
        "source_sha256": fields.text_digest,
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


def load_cached(cache_dir: Path, key: str, demo_id: DemoId) -> Loaded:
    """Return the verified cache entry for ``key`` (a file under another key is a problem)."""
    loaded = read_entry(entry_path(cache_dir, key), demo_id, Obtained.CACHED)
    if loaded.result is not None and _meta(loaded.result)["cache_key"] != key:
        return Loaded(problem="it is stored under a key that is not its own")
    return loaded


def read_entry(path: Path, demo_id: DemoId, obtained: Obtained) -> Loaded:
    """Return the good result stored at ``path``, verified against its own cells.

    The stored code hash must be the hash of the stored notebook's executed
    cells, and the stored key must follow from that hash: a truncated, edited
    or foreign file is a problem (reported, then treated as a miss), never a result.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Loaded()
    except (OSError, UnicodeDecodeError) as error:
        return Loaded(problem=f"cannot be read: {error}")
    import nbformat

    try:
        notebook = nbformat.reads(text, as_version=4)  # type: ignore[no-untyped-call]
        meta = notebook.metadata[METADATA_KEY]
        problem = _verify(notebook, meta)
        record = RunRecord.from_json(meta["record"])
    except Exception as error:  # any damage to an entry means: run the demo again
        return Loaded(problem=f"is not a complete notebook ({type(error).__name__}: {error})")
    if problem is not None:
        return Loaded(problem=problem)
    record = dataclasses.replace(record, obtained=obtained)
    return Loaded(
        DemoResult(demo_id, DemoStatus.OK, record, notebook, None), code=meta["code_hash"]
    )


def _verify(notebook: Any, meta: Mapping[str, Any]) -> str | None:
    """Return why a stored notebook does not match its own metadata, or None."""
    if meta["status"] != DemoStatus.OK.value:
        return f"records a failed run ({meta['status']})"
    reads = meta["reads"]
    if not isinstance(reads, dict) or not all(isinstance(v, str) for v in reads.values()):
        return "its list of files read is damaged"
    if code_hash(notebook, reads) != meta["code_hash"]:
        return "its cells do not match its code hash"
    plots = meta.get("plot_settings")  # absent in entries stored before it joined the key
    if plots is not None and not (isinstance(plots, list) and all(isinstance(p, str) for p in plots)):
        return "its plot settings are damaged"
    key = cache_key(
        meta["code_hash"],
        meta["torch_version"],
        meta["device_class"],
        None if plots is None else tuple(plots),
    )
    if key != meta["cache_key"]:
        return "its key does not follow from its code hash"
    return None


def _meta(result: DemoResult) -> Mapping[str, Any]:
    meta: Mapping[str, Any] = result.notebook.metadata[METADATA_KEY]
    return meta


def has_failure(cache_dir: Path, key: str) -> bool:
    """Return whether the last run for ``key`` failed."""
    return failure_path(cache_dir, key).is_file()


def clean(cache_dir: Path) -> int:
    """Delete every entry and note in ``cache_dir``; return how many files went.

    Only files named as this store names them go: a notebook of the user's
    own, or the frozen outputs, in a folder given by mistake, stay, and so
    does the folder.
    """
    if not cache_dir.is_dir():
        return 0
    removed = 0
    for path in cache_dir.iterdir():
        if path.is_file() and _OWN_FILE.fullmatch(path.name):
            path.unlink()
            removed += 1
    with contextlib.suppress(OSError):
        cache_dir.rmdir()
    return removed
