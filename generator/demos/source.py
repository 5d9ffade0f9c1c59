"""Read a demo once: its text, its header, the notebook that will run, and the files it reads.

Everything later in a run (the cache key, the lookup, the execution, the
stored entry) uses this one record, so a file edited while a build runs can
never have its new code stored under its old key: the bytes that were hashed
are the bytes that run.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

from generator.demos.keys import code_hash, file_digest
from generator.demos.spec import DemoSpec, parse_demo_text, read_demo_text
from generator.reading import DEFAULT_POLICY, read_bytes, real_folder
from generator.model import Severity


@dataclass(frozen=True, slots=True)
class DemoSource:
    """One demo as read once: its spec, the notebook that will run, the files it reads."""

    spec: DemoSpec
    text_digest: str
    notebook: Any
    reads: Mapping[str, bytes]
    read_digests: Mapping[str, str]
    code: str


@dataclass(frozen=True, slots=True)
class Unrunnable:
    """Why a demo cannot be run at all (unreadable, bad header, not a notebook)."""

    message: str


def load_source(path: Path, demos_dir: Path) -> DemoSource | Unrunnable:
    """Read the demo at ``path`` once and return what will run, with its code hash."""
    try:
        text = read_demo_text(path, demos_dir)
    except (OSError, UnicodeDecodeError) as error:
        return Unrunnable(f"cannot read demo {path}: {error}")
    spec, diagnostics = parse_demo_text(path, text, demos_dir)
    if spec is None:
        return Unrunnable("\n".join(str(d) for d in diagnostics if d.severity is Severity.ERROR))
    reads: dict[str, bytes] = {}
    for name in spec.reads:
        try:
            reads[name] = read_bytes(demos_dir / name, real_folder(demos_dir), DEFAULT_POLICY)
        except OSError as error:
            return Unrunnable(f"cannot read a file the demo reads: {error}")
    notebook = notebook_of(text)
    if isinstance(notebook, Unrunnable):
        return Unrunnable(f"cannot read {path} as a notebook: {notebook.message}")
    digests = {name: file_digest(data) for name, data in reads.items()}
    return DemoSource(
        spec=spec,
        text_digest=file_digest(text.encode("utf-8")),
        notebook=notebook,
        reads=MappingProxyType(reads),
        read_digests=MappingProxyType(digests),
        code=code_hash(notebook, digests),
    )


# ``serve`` reads every demo again on each save; one script's text always gives
# the same notebook, so each text is parsed once per process (jupytext took
# 0.4 s for the shipped 31 demos, a copy takes 8 ms).
_NOTEBOOKS: dict[str, Any] = {}
_NOTEBOOKS_KEPT = 512


def notebook_of(text: str) -> Any:
    """Return jupytext's notebook of a percent-format script, or Unrunnable if it rejects it.

    The notebook is the caller's own copy: whoever runs it may fill in its outputs.
    """
    found = _NOTEBOOKS.get(text)
    if found is None:
        found = _parse_notebook(text)
        if len(_NOTEBOOKS) >= _NOTEBOOKS_KEPT:
            _NOTEBOOKS.clear()
        _NOTEBOOKS[text] = found
    return found if isinstance(found, Unrunnable) else copy.deepcopy(found)


def _parse_notebook(text: str) -> Any:
    import jupytext

    try:
        return jupytext.reads(text, fmt="py:percent")
    except Exception as error:  # jupytext may reject odd content: a failed demo, not a crash
        return Unrunnable(f"{type(error).__name__}: {error}")


def current_code_hash(spec: DemoSpec, demos_dir: Path) -> str | None:
    """Return the code hash of the demo as it is on disk now, or None if it cannot be read."""
    loaded = load_source(spec.path, demos_dir)
    return loaded.code if isinstance(loaded, DemoSource) else None
