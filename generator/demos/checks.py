"""``check`` for demos: unreadable files, bad headers, stale frozen outputs.

Imports no Jupyter package and no torch at module level, so ``glossgraph
check`` stays fast: a frozen output whose script and read files are
byte-for-byte what was frozen is current without parsing any cells. Only a
script changed since it was frozen is read by jupytext, to tell a code change
(stale) from a prose change. Unknown demo ids named by an entity are reported
by the linker, not here.
"""

from __future__ import annotations

from pathlib import Path

from generator.demos.freeze import default_frozen_dir, frozen_path, read_notebook_metadata
from generator.demos.keys import file_digest
from generator.demos.source import current_code_hash
from generator.demos.spec import DemoSpec, demo_files, display_path, parse_demo
from generator.model import ConceptGraph, Diagnostic, Severity
from generator.reading import DEFAULT_POLICY, ReadPolicy


def check_demos(
    cg: ConceptGraph,
    demos_dir: Path,
    frozen_dir: Path | None = None,
    *,
    policy: ReadPolicy = DEFAULT_POLICY,
) -> list[Diagnostic]:
    """Return diagnostics for every demo script in ``demos_dir`` and its frozen output."""
    del cg  # every file is checked, whether or not a concept embeds it
    frozen = frozen_dir if frozen_dir is not None else default_frozen_dir(demos_dir)
    diagnostics: list[Diagnostic] = []
    scripts = demo_files(demos_dir)
    for path in scripts:
        spec, found = parse_demo(path, demos_dir, policy)
        diagnostics.extend(found)
        if spec is not None:
            diagnostics.extend(_check_frozen(spec, demos_dir, frozen))
    diagnostics.extend(_check_orphans(frozen, {path.stem for path in scripts}))
    return diagnostics


def _check_orphans(frozen_dir: Path, ids: set[str]) -> list[Diagnostic]:
    """Warn about frozen outputs whose demo script is gone."""
    if not frozen_dir.is_dir():
        return []
    return [
        Diagnostic(
            display_path(path),
            1,
            1,
            Severity.WARNING,
            f"frozen output of demo '{path.stem}' has no demo script; delete it",
            "demo-frozen-orphan",
        )
        for path in sorted(frozen_dir.glob("*.ipynb"))
        if path.stem not in ids
    ]


def _check_frozen(spec: DemoSpec, demos_dir: Path, frozen_dir: Path) -> list[Diagnostic]:
    path = frozen_path(frozen_dir, spec.id)
    if not path.is_file():
        return []
    meta = read_notebook_metadata(path)
    stored = meta.get("code_hash") if meta is not None else None
    where = display_path(path)
    if meta is None or not isinstance(stored, str):
        message = (
            f"frozen output of demo '{spec.id}' is unreadable; run 'glossgraph freeze {spec.id}'"
        )
        return [Diagnostic(where, 1, 1, Severity.WARNING, message, "demo-frozen-unreadable")]
    if _unchanged_since_frozen(spec, demos_dir, meta):
        return []
    current = current_code_hash(spec, demos_dir)
    if current is None or stored == current:
        return []
    message = (
        f"frozen output of demo '{spec.id}' is stale: its code changed since it was frozen; "
        f"run 'glossgraph freeze {spec.id}'"
    )
    return [
        Diagnostic(display_path(spec.path), 1, 1, Severity.WARNING, message, "demo-frozen-stale")
    ]


def _unchanged_since_frozen(spec: DemoSpec, demos_dir: Path, meta: dict[str, object]) -> bool:
    """Return whether the script and every file it reads are the bytes that were frozen."""
    try:
        script = file_digest(spec.path.read_bytes())
        reads = {name: file_digest((demos_dir / name).read_bytes()) for name in spec.reads}
    except OSError:
        return False
    return meta.get("source_sha256") == script and meta.get("reads") == reads
