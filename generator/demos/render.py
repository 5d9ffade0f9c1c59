"""Turn a DemoResult into Markdown for a concept page (plus image files), or plain text.

Markdown cells become prose (headings moved below the demo's own heading),
code cells become fenced Python followed by their outputs. Each output is a
labelled block of its own kind (``gg-demo-output-text``, ``-stderr``,
``-html``, ``-image``, ``-error``), HTML-escaped text in ``<pre><code>``
rather than a fenced block, inside ``no-copy`` (Material's marker that keeps
the copy button off: output is read, code is copied). A traceback shows its
first FOLD_LINES lines and folds the rest into ``<details>``. Under the demo
come its downloads and launch links (``downloads``) and the run record for
readers (``record``). A picture is a file under ``demos/<id>/``, shown at the
size the kernel laid it out at (``width``/``height``, from ``figures``), with
alt text from its cell's titles, and a link to the file so a tap opens it at
full size. ``text/html`` outputs are the one
HTML a demo puts on a page, and they go through one rule: sanitized by nh3
(Ammonia), which keeps tables and formatting and removes scripts, event
handlers, styles that are not ``text-align`` and ``javascript:`` URLs, inside
``<div class="gg-demo-html">``. HTML longer than the text limit is shown as
its plain-text form, cut like any text.
"""

from __future__ import annotations

import base64
import binascii
import html
import posixpath
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from generator.coderegions import code_regions, inside
from generator.demos.execute import strip_ansi
from generator.demos.figures import alt_text, display_size, markdown_alt
from generator.demos.downloads import RepoLinks, download_files, links_markdown
from generator.demos.model import NOT_RUN, DemoResult, DemoStatus, RunRecord
from generator.demos.record import reader_record, size, superseded_text, when

MAX_LINES = 200
MAX_CHARS = 20_000
FOLD_LINES = 6
_HEADING = re.compile(r"^(#{1,6})(\s)", re.MULTILINE)


def _no_files() -> Mapping[str, bytes]:
    return MappingProxyType({})


@dataclass(frozen=True, slots=True)
class RenderedDemo:
    """A demo as Markdown, and the files it refers to, keyed by docs-tree path."""

    markdown: str
    files: Mapping[str, bytes] = field(default_factory=_no_files)


@dataclass(frozen=True, slots=True)
class DemoPage:
    """What a demo's section needs besides its result: its script, the repository, the build."""

    script: bytes | None = None
    repo: RepoLinks | None = None
    build_torch: str | None = None


def render_demo(result: DemoResult, page_dir: str, page: DemoPage | None = None) -> RenderedDemo:
    """Return the demo's section for a page in ``page_dir`` (e.g. ``concepts``)."""
    page = page or DemoPage()
    files: dict[str, bytes] = {}
    cells = list(result.notebook.get("cells", []))
    title, cells = _title(cells)
    blocks = [f"### {title or result.id}"]
    errors_shown = False
    for index, cell in enumerate(cells):
        if cell.get("cell_type") == "markdown":
            blocks.append(_demote_headings(_source(cell)))
        elif cell.get("cell_type") == "code" and _source(cell).strip():
            blocks.append(_fence(_source(cell), "python"))
            if not result.ok and cell.get("execution_count") is None and not cell.get("outputs"):
                blocks.append(_label("gg-demo-note", "not run: an earlier cell failed"))
            outputs = _merged_streams(cell.get("outputs", []))
            place = _Place(page_dir, files, alt_text(_source(cell), title or result.id))
            for output_index, output in enumerate(outputs, start=1):
                errors_shown |= output.get("output_type") == "error"
                name = f"demos/{result.id}/{index}-{output_index}"
                blocks.extend(_render_output(output, name, place))
    if not result.ok and result.error and (not errors_shown or _says_more(result)):
        blocks.extend(_error_block(f"failed: {result.status}", strip_ansi(result.error)))
    if result.superseded is not None:
        blocks.append(_label("gg-demo-note", superseded_text(result.superseded)))
    downloads = download_files(result, page.script)
    blocks.append(links_markdown(result, downloads, page_dir, page.repo))
    files.update(downloads)
    blocks.append(_run_line(result, page.build_torch))
    return RenderedDemo("\n\n".join(b for b in blocks if b.strip()) + "\n", MappingProxyType(files))


def _says_more(result: DemoResult) -> bool:
    """Return whether the result's error says what the cell's traceback cannot (the limit)."""
    return result.status is DemoStatus.OUT_OF_MEMORY


def record_text(record: RunRecord) -> str:
    """Return ``Ran on CPU · torch 2.13.0 · 2.1 s · 2026-11-23 01:57 UTC · from the cache``.

    For the terminal (``demo run``), where how the result was obtained matters.
    """
    if record.device == NOT_RUN:
        return f"Not run · {record.finished_at}"
    parts = [f"Ran on {record.device}"]
    if record.worker is not None:
        parts.append(f"Dask worker {record.worker} on {record.host or 'an unknown host'}")
    if record.torch_version:
        parts.append(f"torch {record.torch_version}")
    parts.append(f"{record.seconds:.1f} s")
    if record.peak_gpu_memory is not None:
        parts.append(f"peak GPU memory {size(record.peak_gpu_memory)}")
    parts += [when(record.finished_at), _HOW[str(record.obtained)]]
    return " · ".join(parts)


_HOW = {"executed": "run for this build", "cached": "from the cache", "frozen": "frozen output"}


def badge_html(result: DemoResult) -> str:
    """Return the status badge: ``ok`` or ``failed: timeout`` with our CSS classes."""
    if result.ok:
        return '<span class="gg-badge gg-badge-ok">ok</span>'
    return (
        f'<span class="gg-badge gg-badge-failed">failed: {html.escape(str(result.status))}</span>'
    )


def _run_line(result: DemoResult, build_torch: str | None) -> str:
    record = html.escape(reader_record(result.record, result.notebook, build_torch))
    name = f"<code>{html.escape(result.id)}</code>"
    return f'<p class="gg-demo-record">{badge_html(result)} {name} · {record}</p>'


def _title(cells: list[Any]) -> tuple[str | None, list[Any]]:
    """Return the demo's title (its first markdown cell's ``# heading``) and the cells without it.

    The title becomes the demo's own heading on the page, so it is not repeated.
    """
    if not cells or cells[0].get("cell_type") != "markdown":
        return None, cells
    first, _, rest = _source(cells[0]).lstrip("\n").partition("\n")
    match = re.match(r"#\s+(.+?)\s*#*\s*$", first)
    if match is None:
        return None, cells
    remainder = [{**cells[0], "source": rest.lstrip("\n")}] if rest.strip() else []
    return match.group(1), remainder + cells[1:]


def _merged_streams(outputs: list[Any]) -> list[Any]:
    """Join consecutive stream outputs of one name: a loop of prints is one block, not many."""
    merged: list[Any] = []
    for output in outputs:
        previous = merged[-1] if merged else None
        if (
            previous is not None
            and output.get("output_type") == "stream"
            and previous.get("output_type") == "stream"
            and previous.get("name") == output.get("name")
        ):
            text = _joined(previous.get("text", "")) + _joined(output.get("text", ""))
            merged[-1] = {**previous, "text": text}
        else:
            merged.append(output)
    return merged


@dataclass(frozen=True, slots=True)
class _Place:
    """Where a cell's outputs go: the page's folder, the files it writes, its pictures' alt text."""

    page_dir: str
    files: dict[str, bytes]
    alt: str


def _render_output(output: Mapping[str, Any], name: str, place: _Place) -> list[str]:
    kind = output.get("output_type")
    if kind == "stream":
        text = _joined(output.get("text", ""))
        if output.get("name") == "stderr":
            return _text_block(text, "stderr", "Output (stderr)")
        return _text_block(text)
    if kind == "error":
        title = f"{output.get('ename', '')}: {output.get('evalue', '')}"
        return _error_block(title, strip_ansi("\n".join(output.get("traceback", []))))
    if kind in ("execute_result", "display_data"):
        return _render_data(output.get("data", {}), output.get("metadata", {}), name, place)
    return []


def _render_data(
    data: Mapping[str, Any], metadata: Mapping[str, Any], name: str, place: _Place
) -> list[str]:
    if "image/png" in data:
        try:
            content = base64.b64decode(_joined(data["image/png"]))
        except (binascii.Error, ValueError):
            return _error_block("an image output could not be decoded", "")
        size = display_size("image/png", content, metadata)
        return _image(f"{name}.png", content, size, place)
    if "image/svg+xml" in data:
        content = _joined(data["image/svg+xml"]).encode("utf-8")
        return _image(f"{name}.svg", content, display_size("image/svg+xml", content, metadata), place)
    markup = _joined(data.get("text/html", ""))
    if markup and (len(markup) <= MAX_CHARS or "text/plain" not in data):
        shown = _sanitized(markup)
        if shown or "text/plain" not in data:
            return [_output("html", "Output", f'<div class="gg-demo-html">\n{shown}\n</div>')]
    if "text/plain" in data:
        return _text_block(_joined(data["text/plain"]))
    return []


_TABLE_ATTRIBUTES = {"align", "colspan", "rowspan", "scope", "style"}
_KEPT_STYLES = {"text-align"}


def _sanitized(markup: str) -> str:
    """Return a demo's HTML output cut to MAX_CHARS and sanitized, blank lines dropped."""
    import nh3

    attributes = {tag: set(allowed) for tag, allowed in nh3.ALLOWED_ATTRIBUTES.items()}
    for tag in ("table", "thead", "tbody", "tr", "th", "td"):
        attributes[tag] = attributes.get(tag, set()) | _TABLE_ATTRIBUTES
    clean = nh3.clean(
        markup[:MAX_CHARS],
        attributes=attributes,
        filter_style_properties=_KEPT_STYLES,
        url_schemes=set(),  # relative URLs only: a page makes no request off its origin
    )
    return "\n".join(line for line in clean.splitlines() if line.strip())


def _image(
    path: str, content: bytes, size: tuple[int, int] | None, place: _Place
) -> list[str]:
    """Return a labelled image that links to its file, shown full size when tapped.

    Markdown, so MkDocs rewrites both URLs for directory URLs; ``width`` and
    ``height`` are the size it is laid out at (the file has twice the pixels),
    so the page does not jump while it loads.
    """
    place.files[path] = content
    href = posixpath.relpath(path, place.page_dir or ".")
    dims = f'{{ width="{size[0]}" height="{size[1]}" }}' if size else ""
    image = f"![{markdown_alt(place.alt)}]({href}){dims}"
    link = f'[{image}]({href} "Open the full-size picture"){{ .gg-demo-plot }}'
    return [_label("gg-demo-output-label", "Output"), link]


def _text_block(text: str, kind: str = "text", label: str = "Output") -> list[str]:
    shown, cut = _cut(strip_ansi(text))
    blocks = [_output(kind, label, _pre(shown))]
    if cut:
        blocks.append(_label("gg-demo-note", f"output cut: {cut} more lines"))
    return blocks


def _error_block(title: str, traceback: str) -> list[str]:
    """Return an error: its title, the traceback's first lines, the rest folded."""
    shown, cut = _cut(traceback)
    lines = shown.splitlines()
    body = f'<div class="gg-demo-error-title">{html.escape(title)}</div>'
    if lines:
        body += "\n" + _pre("\n".join(lines[:FOLD_LINES]))
    if len(lines) > FOLD_LINES:
        rest = len(lines) - FOLD_LINES
        summary = f"Show {rest} more line{'s' * (rest != 1)} of the traceback"
        folded = _pre("\n".join(lines[FOLD_LINES:]))
        body += f"\n<details><summary>{summary}</summary>\n{folded}\n</details>"
    blocks = [_output("error", "Error", body)]
    if cut:
        blocks.append(_label("gg-demo-note", f"output cut: {cut} more lines"))
    return blocks


def _output(kind: str, label: str, body: str) -> str:
    """Return one output block: an HTML block Markdown leaves alone, kept free of copy buttons."""
    return (
        f'<div class="gg-demo-output gg-demo-output-{kind} no-copy">\n'
        f'<div class="gg-demo-output-label">{html.escape(label)}</div>\n{body}\n</div>'
    )


def _pre(text: str) -> str:
    """Return text as ``<pre><code>``, escaped (Markdown leaves a raw HTML block as it is)."""
    return f"<pre><code>{html.escape(text.rstrip(), quote=False)}</code></pre>"


def _cut(text: str) -> tuple[str, int]:
    """Return at most MAX_LINES lines / MAX_CHARS characters and how many lines were left out."""
    lines = text.rstrip("\n").splitlines()
    kept: list[str] = []
    size = 0
    for line in lines[:MAX_LINES]:
        size += len(line) + 1
        if size > MAX_CHARS:
            break
        kept.append(line)
    return "\n".join(kept), len(lines) - len(kept)


def _fence(text: str, language: str) -> str:
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    ticks = "`" * max(3, longest + 1)
    return f"{ticks}{language}\n{text.rstrip()}\n{ticks}"


def _label(css: str, text: str) -> str:
    return f'<div class="gg-demo-label {css}">{html.escape(text)}</div>'


def _demote_headings(text: str) -> str:
    """Move Markdown headings three levels down (outside code) so they sit under ``###``."""
    blocks = [region.span for region in code_regions(text) if region.block]
    out: list[str] = []
    pos = 0
    for raw in text.splitlines(keepends=True):
        line = raw.splitlines()[0]
        if not inside(blocks, pos):
            line = _HEADING.sub(lambda m: "#" * min(6, len(m.group(1)) + 3) + m.group(2), line)
        out.append(line)
        pos += len(raw)
    return "\n".join(out)


def _source(cell: Mapping[str, Any]) -> str:
    return _joined(cell.get("source", ""))


def _joined(value: Any) -> str:
    return "".join(value) if isinstance(value, list) else str(value)


def render_text(result: DemoResult) -> Iterator[str]:
    """Yield the demo's code and outputs as plain terminal text (``demo run``)."""
    for cell in result.notebook.get("cells", []):
        if cell.get("cell_type") != "code" or not _source(cell).strip():
            continue
        yield f"In [{cell.get('execution_count') or ' '}]:"
        yield _source(cell).rstrip()
        for output in cell.get("outputs", []):
            yield from _output_text(output)
        yield ""
    if not result.ok and result.error:
        yield f"failed: {result.status}"
        yield strip_ansi(result.error)


def _output_text(output: Mapping[str, Any]) -> Iterator[str]:
    kind = output.get("output_type")
    if kind == "stream":
        prefix = "[stderr] " if output.get("name") == "stderr" else ""
        yield prefix + _cut(_joined(output.get("text", "")))[0]
    elif kind == "error":
        yield strip_ansi("\n".join(output.get("traceback", [])))
    elif kind in ("execute_result", "display_data"):
        data = output.get("data", {})
        images = [mime for mime in data if mime.startswith("image/")]
        if images:
            yield f"[{images[0]} output]"
        elif "text/plain" in data:
            yield _cut(_joined(data["text/plain"]))[0]
