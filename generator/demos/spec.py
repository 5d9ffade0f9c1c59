"""Read a demo script's header and cells without importing jupytext.

A demo is ``demos/<id>.py`` in jupytext percent format. Its options live in
the commented YAML header under ``jupyter: glossgraph:``. This module parses
that header and splits the cells itself so that ``check`` stays fast; the
code cells it returns are what the cache and freeze hashes are taken over.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

import yaml

from generator.model import DemoId, Diagnostic, Severity, SourcePath

DEFAULT_TIMEOUT = 120.0
OPTION_KEYS = frozenset({"timeout", "reads"})
_CELL_MARKER = re.compile(r"^# %%(?P<rest>.*)$")
_MARKDOWN_CELL = re.compile(r"^\s*\[(markdown|md)\]")


@dataclass(frozen=True, slots=True)
class DemoSpec:
    """One demo script: its options and its code cells (what decides its output)."""

    id: DemoId
    path: Path
    timeout: float | None
    reads: tuple[str, ...]
    code_cells: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class _Header:
    """The commented YAML header: its text, where it starts, and where the body starts."""

    text: str
    first_line: int
    body_start: int


def display_path(path: Path) -> SourcePath:
    """Return ``path`` as shown to the user: relative to the working directory when inside it."""
    try:
        return SourcePath(path.resolve().relative_to(Path.cwd().resolve()).as_posix())
    except ValueError:
        return SourcePath(path.as_posix())


def _diag(path: Path, line: int, col: int, message: str, code: str) -> Diagnostic:
    return Diagnostic(display_path(path), line, col, Severity.ERROR, message, code)


def _find_header(lines: list[str]) -> _Header | None:
    """Return the ``# ---`` ... ``# ---`` header at the top of the file, if any."""
    start = 0
    while start < len(lines) and not lines[start].strip():
        start += 1
    if start >= len(lines) or lines[start].rstrip() != "# ---":
        return None
    for end in range(start + 1, len(lines)):
        if lines[end].rstrip() == "# ---":
            body = [_uncomment(line) for line in lines[start + 1 : end]]
            return _Header("\n".join(body), start + 2, end + 1)
    return None


def _uncomment(line: str) -> str:
    if line.startswith("# "):
        return line[2:]
    return line[1:] if line.startswith("#") else line


def split_code_cells(lines: list[str]) -> tuple[str, ...]:
    """Return the source of each non-empty code cell, in order, blank edge lines trimmed."""
    cells: list[str] = []
    current: list[str] = []
    is_code = True
    for line in lines:
        marker = _CELL_MARKER.match(line)
        if marker is None:
            current.append(line)
            continue
        _close_cell(cells, current, is_code)
        current = []
        is_code = _MARKDOWN_CELL.match(marker.group("rest")) is None
    _close_cell(cells, current, is_code)
    return tuple(cells)


def _close_cell(cells: list[str], lines: list[str], is_code: bool) -> None:
    source = "\n".join(lines).strip("\n")
    if is_code and source.strip():
        cells.append(source)


def parse_demo(path: Path, demos_dir: Path) -> tuple[DemoSpec | None, list[Diagnostic]]:
    """Parse one demo file into a spec, or return the diagnostics that stop it."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        return None, [_diag(path, 1, 1, f"cannot read demo: {error}", "demo-unreadable")]
    lines = text.splitlines()
    header = _find_header(lines)
    options: dict[str, Any] = {}
    diagnostics: list[Diagnostic] = []
    if header is not None:
        options, diagnostics = _read_options(path, header)
    body = lines[header.body_start :] if header is not None else lines
    timeout = _check_timeout(path, _at(header, "timeout"), options.get("timeout"), diagnostics)
    reads = _check_reads(path, _at(header, "reads"), options.get("reads"), demos_dir, diagnostics)
    for key in sorted(set(options) - OPTION_KEYS):
        line, col = _at(header, key)
        message = f"unknown demo option '{key}' (expected one of: timeout, reads)"
        where = display_path(path)
        diagnostics.append(
            Diagnostic(where, line, col, Severity.WARNING, message, "demo-option-unknown")
        )
    if any(d.severity is Severity.ERROR for d in diagnostics):
        return None, diagnostics
    spec = DemoSpec(DemoId(path.stem), path, timeout, reads, split_code_cells(body))
    return spec, diagnostics


def _read_options(path: Path, header: _Header) -> tuple[dict[str, Any], list[Diagnostic]]:
    """Return the ``jupyter.glossgraph`` mapping of the header, or diagnostics."""
    try:
        data = yaml.safe_load(header.text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = header.first_line + (mark.line if mark is not None else 0)
        col = (mark.column + 3) if mark is not None else 1
        problem = getattr(error, "problem", None) or str(error)
        return {}, [
            _diag(path, line, col, f"demo header is not valid YAML: {problem}", "demo-header-yaml")
        ]
    jupyter = data.get("jupyter") if isinstance(data, dict) else None
    options = jupyter.get("glossgraph") if isinstance(jupyter, dict) else None
    if options is None:
        return {}, []
    if not isinstance(options, dict):
        message = (
            f"demo options 'jupyter.glossgraph' must be a mapping, got {type(options).__name__}"
        )
        return {}, [_diag(path, header.first_line, 1, message, "demo-header-type")]
    return {str(k): v for k, v in options.items()}, []


def _at(header: _Header | None, key: str) -> tuple[int, int]:
    """Return the file position of option ``key`` in the header (its first line if not found)."""
    if header is None:
        return 1, 1
    pattern = re.compile(rf"^(\s+){re.escape(key)}\s*:")
    for offset, text in enumerate(header.text.splitlines()):
        found = pattern.match(text)
        if found is not None:
            return header.first_line + offset, len(found.group(1)) + 3
    return header.first_line, 1


def _check_timeout(
    path: Path, at: tuple[int, int], value: Any, out: list[Diagnostic]
) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0:
        message = f"demo option 'timeout' must be a positive number of seconds, got {value!r}"
        out.append(_diag(path, *at, message, "demo-timeout"))
        return None
    return float(value)


def _check_reads(
    path: Path, at: tuple[int, int], value: Any, demos_dir: Path, out: list[Diagnostic]
) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        message = f"demo option 'reads' must be a list of paths, got {value!r}"
        out.append(_diag(path, *at, message, "demo-reads"))
        return ()
    reads: list[str] = []
    for item in value:
        problem = _read_problem(item, demos_dir)
        if problem is None:
            reads.append(str(item))
        else:
            out.append(_diag(path, *at, f"demo option 'reads': {problem}", "demo-reads"))
    return tuple(reads)


def _read_problem(item: Any, demos_dir: Path) -> str | None:
    """Return why ``item`` is not a readable file inside ``demos_dir``, or None."""
    if not isinstance(item, str) or not item:
        return f"{item!r} is not a path"
    pure = PurePosixPath(item)
    if pure.is_absolute() or ".." in pure.parts or "\\" in item:
        return f"'{item}' must be a relative path inside the demos folder"
    if not (demos_dir / pure).is_file():
        return f"'{item}' does not exist in {display_path(demos_dir)}"
    return None


def demo_files(demos_dir: Path) -> list[Path]:
    """Return the demo scripts of ``demos_dir`` sorted by id (files starting with _ skipped)."""
    if not demos_dir.is_dir():
        return []
    return sorted(p for p in demos_dir.glob("*.py") if not p.name.startswith(("_", ".")))
