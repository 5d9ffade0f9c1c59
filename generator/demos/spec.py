"""Read a demo script's header and cells without importing jupytext.

A demo is ``demos/<id>.py`` in jupytext percent format. Its options live in
the commented YAML header under ``jupyter: glossgraph:``. This module parses
that header only, so that ``check`` stays fast; which lines are code is
jupytext's decision alone (``generator.demos.source``), never ours.
"""

from __future__ import annotations

import functools
import re
import reprlib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

import yaml

from generator.model import DemoId, Diagnostic, Severity, SourcePath
from generator.reading import DEFAULT_POLICY, ReadPolicy, ReadRefused, outside_folder, read_bytes
from generator.reading import real_folder

DEFAULT_TIMEOUT = 120.0
OPTION_KEYS = frozenset({"timeout", "reads", "device"})
DEVICES = ("any", "cuda")  # what a demo may ask to run on
MAX_HEADER_NODES = 1000  # a header holds two options; more nodes than this is an alias bomb
_SHORT = reprlib.Repr()
_SHORT.maxlevel, _SHORT.maxlist, _SHORT.maxdict, _SHORT.maxstring, _SHORT.maxother = 2, 4, 4, 60, 60


@dataclass(frozen=True, slots=True)
class DemoSpec:
    """One demo script's identity and options."""

    id: DemoId
    path: Path
    timeout: float | None
    reads: tuple[str, ...]
    needs_gpu: bool = False  # header ``device: cuda``


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


def _header_start(lines: list[str]) -> int | None:
    """Return the index of the ``# ---`` line that opens a header at the top, if any."""
    start = 0
    while start < len(lines) and not lines[start].strip():
        start += 1
    return start if start < len(lines) and lines[start].rstrip() == "# ---" else None


def _find_header(lines: list[str]) -> _Header | None:
    """Return the ``# ---`` ... ``# ---`` header at the top of the file, if any."""
    start = _header_start(lines)
    if start is None:
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


def parse_demo(
    path: Path, demos_dir: Path, policy: ReadPolicy = DEFAULT_POLICY
) -> tuple[DemoSpec | None, list[Diagnostic]]:
    """Read one demo file and parse its header into a spec, or return what stops it."""
    try:
        text = read_demo_text(path, demos_dir, policy)
    except ReadRefused as refused:
        return None, [_diag(path, 1, 1, str(refused), "demo-unreadable")]
    except UnicodeDecodeError as error:
        message = f"cannot read demo: it is not UTF-8 text ({error}); save it as UTF-8"
        return None, [_diag(path, 1, 1, message, "demo-unreadable")]
    except OSError as error:
        return None, [_diag(path, 1, 1, f"cannot read demo: {error}", "demo-unreadable")]
    return parse_demo_text(path, text, demos_dir)


def read_demo_text(path: Path, demos_dir: Path, policy: ReadPolicy = DEFAULT_POLICY) -> str:
    """Return a demo script's text (the one place a script is read), under the reading policy.

    Raises ReadRefused for a FIFO, a device, an oversize file or a symlink out of ``demos_dir``.
    A byte-order mark is dropped, as Python drops it when it runs the script.
    """
    return read_bytes(path, real_folder(demos_dir), policy).decode("utf-8-sig")


def parse_demo_text(
    path: Path, text: str, demos_dir: Path
) -> tuple[DemoSpec | None, list[Diagnostic]]:
    """Parse the header of a demo's ``text`` into a spec, or return the diagnostics that stop it."""
    lines = text.splitlines()
    header = _find_header(lines)
    options: dict[str, Any] = {}
    diagnostics: list[Diagnostic] = []
    if header is not None:
        kept_options, kept_diagnostics = _kept_options(path, header)
        options, diagnostics = dict(kept_options), list(kept_diagnostics)
    elif (start := _header_start(lines)) is not None:
        message = (
            "demo header opened with '# ---' is never closed: it runs as code and its options"
            " are ignored; end it with a '# ---' line"
        )
        diagnostics.append(
            Diagnostic(
                display_path(path), start + 1, 1, Severity.WARNING, message, "demo-header-unclosed"
            )
        )
    timeout = _check_timeout(path, _at(header, "timeout"), options.get("timeout"), diagnostics)
    reads = _check_reads(path, _at(header, "reads"), options.get("reads"), demos_dir, diagnostics)
    device = _check_device(path, _at(header, "device"), options.get("device"), diagnostics)
    for key in sorted(set(options) - OPTION_KEYS):
        line, col = _at(header, key)
        message = f"unknown demo option '{key}' (expected one of: timeout, reads, device)"
        where = display_path(path)
        diagnostics.append(
            Diagnostic(where, line, col, Severity.WARNING, message, "demo-option-unknown")
        )
    if any(d.severity is Severity.ERROR for d in diagnostics):
        return None, diagnostics
    spec = DemoSpec(DemoId(path.stem), path, timeout, reads, needs_gpu=device == "cuda")
    return spec, diagnostics


@functools.lru_cache(maxsize=512)
def _kept_options(path: Path, header: _Header) -> tuple[dict[str, Any], tuple[Diagnostic, ...]]:
    """Return ``_read_options``, parsed once per process for each header.

    ``serve`` reads every demo again on each save; the YAML is the part that
    depends on the text alone (whether a file it reads exists is checked anew).
    """
    options, diagnostics = _read_options(path, header)
    return options, tuple(diagnostics)


def _read_options(path: Path, header: _Header) -> tuple[dict[str, Any], list[Diagnostic]]:
    """Return the ``jupyter.glossgraph`` mapping of the header, or diagnostics."""
    try:
        data = _load_bounded(header.text)
    except _AliasBomb:
        message = f"demo header: YAML aliases expand to more than {MAX_HEADER_NODES} nodes"
        return {}, [_diag(path, header.first_line, 1, message, "demo-header-aliases")]
    except RecursionError:  # PyYAML composes nested collections recursively
        message = "demo header: YAML nested too deeply"
        return {}, [_diag(path, header.first_line, 1, message, "demo-header-yaml")]
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


class _AliasBomb(Exception):
    """Raised by ``_load_bounded`` for a document whose aliases expand too far."""


def _load_bounded(text: str) -> Any:
    """Return the YAML document in ``text``; raise _AliasBomb before constructing a huge one."""
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        if node is not None and _expanded_size(node) > MAX_HEADER_NODES:
            raise _AliasBomb
        return None if node is None else loader.construct_document(node)
    finally:
        loader.dispose()


def _expanded_size(root: yaml.Node) -> int:
    """Return how many nodes ``root`` has with every alias expanded (capped past the limit).

    Each distinct node is sized once, so this is linear in the document even
    when aliases would expand it exponentially; a node met again while being
    sized (a recursive alias) counts as too many.
    """
    over = MAX_HEADER_NODES + 1
    sizes: dict[int, int] = {}

    def size(node: yaml.Node) -> int:
        if id(node) in sizes:
            return sizes[id(node)]
        sizes[id(node)] = over
        total = 1
        if isinstance(node, yaml.SequenceNode):
            total += sum(size(child) for child in node.value)
        elif isinstance(node, yaml.MappingNode):
            total += sum(size(key) + size(value) for key, value in node.value)
        sizes[id(node)] = min(total, over)
        return sizes[id(node)]

    try:
        return size(root)
    except RecursionError:
        return over


def _short(value: Any) -> str:
    """Return a bounded repr of a header value for an error message."""
    return _SHORT.repr(value)


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


def _reads_as_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _check_timeout(
    path: Path, at: tuple[int, int], value: Any, out: list[Diagnostic]
) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0:
        message = f"demo option 'timeout' must be a positive number of seconds, got {_short(value)}"
        if isinstance(value, str) and _reads_as_number(value):
            message += " (text: YAML reads a number without a '.' in its mantissa as text;"
            message += f" write {float(value)!r})"
        out.append(_diag(path, *at, message, "demo-timeout"))
        return None
    return float(value)


def _check_device(path: Path, at: tuple[int, int], value: Any, out: list[Diagnostic]) -> str:
    if value is None:
        return "any"
    if value not in DEVICES:
        message = f"demo option 'device' must be one of: any, cuda, got {_short(value)}"
        out.append(_diag(path, *at, message, "demo-device"))
        return "any"
    return str(value)


def _check_reads(
    path: Path, at: tuple[int, int], value: Any, demos_dir: Path, out: list[Diagnostic]
) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        message = f"demo option 'reads' must be a list of paths, got {_short(value)}"
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
        return f"{_short(item)} is not a path"
    pure = PurePosixPath(item)
    if pure.is_absolute() or ".." in pure.parts or "\\" in item:
        return f"'{item}' must be a relative path inside the demos folder"
    if not (demos_dir / pure).is_file():
        return f"'{item}' does not exist in {display_path(demos_dir)}"
    # A symlink (of the file or of a folder on its way) may not lead out of the demos folder.
    if outside_folder(demos_dir / pure, real_folder(demos_dir)) is not None:
        return f"'{item}' leads outside {display_path(demos_dir)} through a symlink"
    return None


def demo_files(demos_dir: Path) -> list[Path]:
    """Return the demo scripts of ``demos_dir`` sorted by id (files starting with _ skipped)."""
    if not demos_dir.is_dir():
        return []
    return sorted(p for p in demos_dir.glob("*.py") if not p.name.startswith(("_", ".")))
