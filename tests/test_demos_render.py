"""Tests for rendering demo results as page Markdown and terminal text (no kernel)."""

from __future__ import annotations

import base64
import struct
from typing import Any

import nbformat.v4 as nbf
import pytest

from generator.demos.model import DemoResult, DemoStatus, Obtained, RunRecord
from generator.demos.render import MAX_LINES, DemoPage, record_text, render_demo, render_text
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


def _block(kind: str, label: str, body: str) -> str:
    return (
        f'<div class="gg-demo-output gg-demo-output-{kind} no-copy">\n'
        f'<div class="gg-demo-output-label">{label}</div>\n{body}\n</div>'
    )


def _error(name: str, lines: int) -> Any:
    traceback = [f"\x1b[31mline {i}\x1b[0m" for i in range(lines)]
    return nbf.new_output("error", ename=name, evalue="<bad>", traceback=traceback)  # type: ignore[no-untyped-call]


DOWNLOADS = "Download [the script (demo-a.py)](../demos/demo-a/demo-a.py) · "


@pytest.mark.parametrize(
    ("output", "expected"),
    [
        (
            _stream("stdout", "hello <b>\n"),
            _block("text", "Output", "<pre><code>hello &lt;b&gt;</code></pre>"),
        ),
        (
            _stream("stderr", "careful\n"),
            _block("stderr", "Output (stderr)", "<pre><code>careful</code></pre>"),
        ),
        (
            _data({"text/plain": "tensor([1, 2])"}),
            _block("text", "Output", "<pre><code>tensor([1, 2])</code></pre>"),
        ),
        (
            _data({"text/html": "<table>\n\n<tr><td>1</td></tr></table>", "text/plain": "t"}),
            _block(
                "html",
                "Output",
                '<div class="gg-demo-html">\n<table>\n'
                "<tbody><tr><td>1</td></tr></tbody></table>\n</div>",
            ),
        ),
        (
            _data({"text/html": "<script>alert(1)</script>", "text/plain": "safe"}),
            _block("text", "Output", "<pre><code>safe</code></pre>"),
        ),
        (
            _stream("stdout", "a ``` b\n\n  c\n"),
            _block("text", "Output", "<pre><code>a ``` b\n\n  c</code></pre>"),
        ),
        (
            _error("ValueError", 2),
            _block(
                "error",
                "Error",
                '<div class="gg-demo-error-title">ValueError: &lt;bad&gt;</div>\n'
                "<pre><code>line 0\nline 1</code></pre>",
            ),
        ),
        (
            _error("KeyError", 8),
            _block(
                "error",
                "Error",
                '<div class="gg-demo-error-title">KeyError: &lt;bad&gt;</div>\n'
                "<pre><code>line 0\nline 1\nline 2\nline 3\nline 4\nline 5</code></pre>\n"
                "<details><summary>Show 2 more lines of the traceback</summary>\n"
                "<pre><code>line 6\nline 7</code></pre>\n</details>",
            ),
        ),
    ],
)
def test_outputs(output: Any, expected: str) -> None:
    page = DemoPage(script=b"x = 1\n")
    markdown = render_demo(_result(output), "concepts", page).markdown
    assert f"```python\nx = 1\n```\n\n{expected}\n\n{DOWNLOADS}" in markdown


def test_layout_headings_links_and_record() -> None:
    page = DemoPage(script=b"x = 1\n", build_torch="2.13.0")
    markdown = render_demo(_result(), "concepts", page).markdown
    assert markdown == (
        "### Intro\n\nSome *prose*.\n\n```python\nx = 1\n```\n\n"
        f"{DOWNLOADS}[the notebook (demo-a.ipynb)](../demos/demo-a/demo-a.ipynb)\n\n"
        '<p class="gg-demo-record"><span class="gg-badge gg-badge-ok">ok</span> '
        "<code>demo-a</code> · Ran on NVIDIA H100 80GB HBM3 with torch 2.13.0 · "
        "2.1 s with set-up · peak GPU memory 3.0 MiB · 2026-11-23 01:00 UTC</p>\n"
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
    assert [p for p in rendered.files if not p.startswith("demos/demo-a/demo-a.")] == [path]
    assert rendered.files[path] == (PNG if mime == "image/png" else b"<svg/>")
    alt = "Plot from the demo Intro"  # the cell names no title: the demo's own title
    image = f"![{alt}]({href})"
    assert f'[{image}]({href} "Open the full-size picture"){{ .gg-demo-plot }}' in rendered.markdown
    assert "<Figure>" not in rendered.markdown and "1-1." not in alt


def _png(width: int, height: int) -> bytes:
    return b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + struct.pack(">II", width, height) + b"rest"


def _plot_result(code: str, output: Any) -> DemoResult:
    cell = nbf.new_code_cell(code, outputs=[output], execution_count=1)  # type: ignore[no-untyped-call]
    title = nbf.new_markdown_cell("# Softmax and temperature")  # type: ignore[no-untyped-call]
    notebook = nbf.new_notebook(cells=[title, cell])  # type: ignore[no-untyped-call]
    return DemoResult(DemoId("demo-a"), DemoStatus.OK, RECORD, notebook, None)


def test_a_2x_plot_is_laid_out_at_its_metadata_size_and_titled_from_its_code() -> None:
    code = (
        "fig, axes = plt.subplots(1, 2)\n"
        'for ax, t in zip(axes, ts):\n    ax.set_title(f"T = {t}")\n'
        'fig.suptitle("softmax(z / T) for logits " + ", ".join(values))\nplt.show()\n'
    )
    png = base64.b64encode(_png(1034, 548)).decode()
    output = nbf.new_output(  # type: ignore[no-untyped-call]
        "display_data",
        data={"image/png": png, "text/plain": "<Figure size 1100x300 with 2 Axes>"},
        metadata={"image/png": {"width": 517, "height": 274}},
    )
    markdown = render_demo(_plot_result(code, output), "concepts").markdown
    alt = r"Plot: softmax\(z / T\) for logits …; T = …"
    assert f'![{alt}](../demos/demo-a/0-1.png){{ width="517" height="274" }}' in markdown


def test_a_1x_plot_is_laid_out_at_its_pixel_size_and_named_after_its_demo() -> None:
    png = base64.b64encode(_png(590, 340)).decode()
    output = _data({"image/png": png, "text/plain": "<Figure>"})
    markdown = render_demo(_plot_result("plt.plot(xs)\nplt.show()", output), "").markdown
    alt = "Plot from the demo Softmax and temperature"
    assert f'![{alt}](demos/demo-a/0-1.png){{ width="590" height="340" }}' in markdown


def test_a_plot_whose_size_is_unknown_gets_no_size() -> None:
    output = _data({"image/svg+xml": "<svg/>", "text/plain": "<Figure>"})
    markdown = render_demo(_plot_result("%matplotlib inline\nplt.show()", output), "").markdown
    assert "![Plot from the demo Softmax and temperature](demos/demo-a/0-1.svg)](" in markdown


def test_long_output_is_cut_with_a_note() -> None:
    text = "".join(f"line {i}\n" for i in range(MAX_LINES + 50))
    markdown = render_demo(_result(_stream("stdout", text)), "concepts").markdown
    assert f"line {MAX_LINES - 1}</code></pre>" in markdown
    assert f"line {MAX_LINES}\n" not in markdown
    assert '<div class="gg-demo-label gg-demo-note">output cut: 50 more lines</div>' in markdown


def test_failure_without_error_output_shows_reason_and_failed_badge() -> None:
    result = _result(status=DemoStatus.TIMEOUT, error="demo ran past its time limit of 2 s")
    markdown = render_demo(result, "concepts").markdown
    assert '<div class="gg-demo-error-title">failed: timeout</div>' in markdown
    assert "<pre><code>demo ran past its time limit of 2 s</code></pre>" in markdown
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
    assert "<pre><code>a\nb</code></pre>" in markdown
    assert markdown.index("warn") < markdown.index("<pre><code>c</code></pre>")


def test_a_plot_becomes_a_sized_image_inside_a_link_to_its_file() -> None:
    """The Markdown turns into the HTML the page needs, with the extensions the site uses."""
    import markdown

    png = base64.b64encode(_png(1034, 548)).decode()
    output = nbf.new_output(  # type: ignore[no-untyped-call]
        "display_data",
        data={"image/png": png, "text/plain": "<Figure>"},
        metadata={"image/png": {"width": 517, "height": 274}},
    )
    code = 'ax.set_title("loss [log] *per* step_1 (`x`) #2")\n'
    source = render_demo(_plot_result(code, output), "concepts").markdown
    page = markdown.markdown(source, extensions=["attr_list", "md_in_html"])
    assert (
        '<a class="gg-demo-plot" href="../demos/demo-a/0-1.png" title="Open the full-size picture">'
        '<img alt="Plot: loss [log] *per* step_1 (`x`) #2" height="274"'
        ' src="../demos/demo-a/0-1.png" width="517" /></a>'
    ) in page
