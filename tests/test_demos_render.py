"""Tests for rendering demo results as page Markdown and terminal text (no kernel)."""

from __future__ import annotations

import base64
from typing import Any

import nbformat.v4 as nbf
import pytest

from generator.demos.model import DemoResult, DemoStatus, Obtained, RunRecord
from generator.demos.render import MAX_LINES, record_text, render_demo, render_text
from generator.model import DemoId

RECORD = RunRecord(
    "NVIDIA H100 80GB HBM3", "2.13.0", 2.14, 3 * 2**20, "2026-11-23T01:00:00+00:00", Obtained.CACHED
)
PNG = b"\x89PNG\r\n\x1a\nfake"


def _result(
    *outputs: Any, status: DemoStatus = DemoStatus.OK, error: str | None = None
) -> DemoResult:
    cell = nbf.new_code_cell("x = 1", outputs=list(outputs), execution_count=1)  # type: ignore[no-untyped-call]
    intro = nbf.new_markdown_cell("# Intro\nSome *prose*.")  # type: ignore[no-untyped-call]
    notebook = nbf.new_notebook(cells=[intro, cell])  # type: ignore[no-untyped-call]
    return DemoResult(DemoId("demo-a"), status, RECORD, notebook, error)


def _stream(name: str, text: str) -> Any:
    return nbf.new_output("stream", name=name, text=text)  # type: ignore[no-untyped-call]


def _data(data: dict[str, str]) -> Any:
    return nbf.new_output("display_data", data=data)  # type: ignore[no-untyped-call]


@pytest.mark.parametrize(
    ("output", "expected"),
    [
        (_stream("stdout", "hello <b>\n"), "```text\nhello <b>\n```"),
        (
            _stream("stderr", "careful\n"),
            '<div class="gg-demo-label gg-demo-stderr">stderr</div>\n\n```text\ncareful\n```',
        ),
        (_data({"text/plain": "tensor([1, 2])"}), "```text\ntensor([1, 2])\n```"),
        (
            _data({"text/html": "<table>\n\n<tr><td>1</td></tr></table>", "text/plain": "t"}),
            '<div class="gg-demo-html">\n<table>\n'
            "<tbody><tr><td>1</td></tr></tbody></table>\n</div>",
        ),
        (
            _data({"text/html": "<script>alert(1)</script>", "text/plain": "safe"}),
            "```text\nsafe\n```",
        ),
        (_stream("stdout", "a ``` b\n"), "````text\na ``` b\n````"),
        (
            nbf.new_output(  # type: ignore[no-untyped-call]
                "error",
                ename="ValueError",
                evalue="<bad>",
                traceback=["\x1b[31mValueError\x1b[0m: <bad>"],
            ),
            '<div class="gg-demo-label gg-demo-error">error: ValueError: &lt;bad&gt;</div>\n\n'
            "```text\nValueError: <bad>\n```",
        ),
    ],
)
def test_outputs(output: Any, expected: str) -> None:
    markdown = render_demo(_result(output), "concepts").markdown
    assert f"```python\nx = 1\n```\n\n{expected}\n\n<p" in markdown


def test_layout_headings_and_record() -> None:
    markdown = render_demo(_result(), "concepts").markdown
    assert markdown == (
        "### Intro\n\nSome *prose*.\n\n```python\nx = 1\n```\n\n"
        '<p class="gg-demo-record"><span class="gg-badge gg-badge-ok">ok</span> '
        "<code>demo-a</code> · Ran on NVIDIA H100 80GB HBM3 · torch 2.13.0 · 2.1 s · "
        "peak GPU memory 3.0 MiB · "
        "2026-11-23 01:00 UTC · from the cache</p>\n"
    )


@pytest.mark.parametrize(
    ("page_dir", "mime", "content", "path", "href"),
    [
        (
            "concepts",
            "image/png",
            base64.b64encode(PNG).decode(),
            "demos/demo-a/1-1.png",
            "../demos/demo-a/1-1.png",
        ),
        (
            "",
            "image/png",
            base64.b64encode(PNG).decode(),
            "demos/demo-a/1-1.png",
            "demos/demo-a/1-1.png",
        ),
        ("concepts", "image/svg+xml", "<svg/>", "demos/demo-a/1-1.svg", "../demos/demo-a/1-1.svg"),
    ],
)
def test_images_become_files(page_dir: str, mime: str, content: str, path: str, href: str) -> None:
    rendered = render_demo(_result(_data({mime: content, "text/plain": "<Figure>"})), page_dir)
    assert list(rendered.files) == [path]
    assert rendered.files[path] == (PNG if mime == "image/png" else b"<svg/>")
    assert f"![output {path.rsplit('/', 1)[1]}]({href})" in rendered.markdown
    assert "<Figure>" not in rendered.markdown


def test_long_output_is_cut_with_a_note() -> None:
    text = "".join(f"line {i}\n" for i in range(MAX_LINES + 50))
    markdown = render_demo(_result(_stream("stdout", text)), "concepts").markdown
    assert f"line {MAX_LINES - 1}\n```" in markdown
    assert f"line {MAX_LINES}\n" not in markdown
    assert '<div class="gg-demo-label gg-demo-note">output cut: 50 more lines</div>' in markdown


def test_failure_without_error_output_shows_reason_and_failed_badge() -> None:
    result = _result(status=DemoStatus.TIMEOUT, error="demo ran past its time limit of 2 s")
    markdown = render_demo(result, "concepts").markdown
    assert '<div class="gg-demo-label gg-demo-error">failed: timeout</div>' in markdown
    assert "```text\ndemo ran past its time limit of 2 s\n```" in markdown
    assert '<span class="gg-badge gg-badge-failed">failed: timeout</span>' in markdown


def test_terminal_text() -> None:
    result = _result(_stream("stderr", "warn\n"), _data({"image/png": "", "text/plain": "fig"}))
    assert list(render_text(result)) == [
        "In [1]:",
        "x = 1",
        "[stderr] warn",
        "[image/png output]",
        "",
    ]


@pytest.mark.parametrize(
    ("count", "text"),
    [
        (0, "0 B"),
        (1023, "1023 B"),
        (2048, "2.0 KiB"),
        (3 * 2**20, "3.0 MiB"),
        (5 * 2**30, "5.0 GiB"),
    ],
)
def test_peak_memory_is_shown_in_readable_units(count: int, text: str) -> None:
    record = RunRecord("GPU", None, 1.0, count, "t", Obtained.EXECUTED)
    assert f"peak GPU memory {text} ·" in record_text(record)


def test_demo_without_a_title_is_headed_by_its_id_and_keeps_its_prose() -> None:
    result = _result()
    result.notebook.cells[0].source = "Some *prose*, no heading.\n\n## Part\n"
    markdown = render_demo(result, "concepts").markdown
    assert markdown.startswith("### demo-a\n\nSome *prose*, no heading.\n\n##### Part\n")


def test_consecutive_prints_share_one_block_until_another_output_comes() -> None:
    outputs = [
        _stream("stdout", "a\n"),
        _stream("stdout", "b\n"),
        _stream("stderr", "warn\n"),
        _stream("stdout", "c\n"),
    ]
    markdown = render_demo(_result(*outputs), "concepts").markdown
    assert "```text\na\nb\n```" in markdown
    assert markdown.index("warn") < markdown.index("```text\nc\n```")
