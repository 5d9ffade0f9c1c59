"""Output limits on every output path, the demo HTML rule, and the work folder (no kernel)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import nbformat.v4 as nbf
import pytest

from generator.demos import workdir
from generator.demos.capped import OutputLimits, make_client
from generator.demos.model import DemoResult, DemoStatus, Obtained, RunRecord
from generator.demos.render import render_demo
from generator.model import DemoId

BIG = "x" * 400_000
LIMITS = OutputLimits(max_bytes=1_000_000, max_messages=20)


def _message(kind: str, content: dict[str, Any]) -> dict[str, Any]:
    return {
        "msg_type": kind,
        "header": {"msg_type": kind},
        "parent_header": {"msg_id": "parent"},
        "content": content,
        "buffers": [],
    }


def _data(text: str, display_id: str | None = None) -> dict[str, Any]:
    content: dict[str, Any] = {"data": {"text/html": text}, "metadata": {}}
    if display_id:
        content["transient"] = {"display_id": display_id}
    return content


def _client() -> tuple[Any, Any]:
    cell = nbf.new_code_cell("x")  # type: ignore[no-untyped-call]
    notebook = nbf.new_notebook(cells=[cell])  # type: ignore[no-untyped-call]
    client = make_client(notebook, None, LIMITS)
    client.reset_execution_trackers()
    client.clear_before_next_output = False  # set by async_execute_cell for each cell
    return client, cell


PATHS = {
    "stream": lambda i: _message("stream", {"name": "stdout", "text": BIG}),
    "display_data": lambda i: _message("display_data", _data(BIG)),
    "execute_result": lambda i: _message("execute_result", {**_data(BIG), "execution_count": i}),
    "error": lambda i: _message("error", {"ename": "E", "evalue": BIG, "traceback": [BIG]}),
    "update_display_data": lambda i: (
        _message("display_data", _data("small", "d"))
        if i == 0
        else _message("update_display_data", _data(BIG, "d"))
    ),
}


@pytest.mark.parametrize("make", PATHS.values(), ids=PATHS.keys())
def test_every_output_path_counts_towards_the_byte_limit(make: Any) -> None:
    """Finding 3: display updates (nbclient's ``_update_display_id``) bypassed the cap."""
    client, cell = _client()
    for i in range(6):
        client.process_message(make(i), cell, 0)
    assert client.gg_over_limit == ("output limit: the demo's output passed 1 MB; kernel stopped")
    kept = sum(len(str(output)) for output in cell.outputs)
    assert kept < LIMITS.max_bytes + 1000


def test_many_small_messages_hit_the_message_limit() -> None:
    """Finding 3: the limit counts messages too, so a flood of tiny updates stops."""
    client, cell = _client()
    client.process_message(_message("display_data", _data("0", "d")), cell, 0)
    for i in range(100):
        client.process_message(_message("update_display_data", _data(str(i), "d")), cell, 0)
    assert (client.gg_over_limit or "").startswith(
        "output limit: the demo sent more than 20 output messages (limits: 1 MB, 20 messages)"
    )
    assert client.gg_messages == 21


RECORD = RunRecord("CPU", None, 0.1, None, "2026-12-01T00:00:00+00:00", Obtained.EXECUTED)


def _page(html: str, plain: str = "plain text") -> str:
    data = {"text/html": html, "text/plain": plain}
    output = nbf.new_output("display_data", data=data)  # type: ignore[no-untyped-call]
    cell = nbf.new_code_cell("x", outputs=[output], execution_count=1)  # type: ignore[no-untyped-call]
    notebook = nbf.new_notebook(cells=[cell])  # type: ignore[no-untyped-call]
    result = DemoResult(DemoId("d"), DemoStatus.OK, RECORD, notebook)
    return render_demo(result, "concepts").markdown


@pytest.mark.parametrize(
    ("html", "gone", "kept"),
    [
        ('<img src="x.png" onerror="alert(1)">', "onerror", '<img src="x.png">'),
        ("<b>hi</b><script>alert(1)</script>", "<script", "<b>hi</b>"),
        ('<a href="javascript:alert(1)">go</a>', "javascript:", ">go</a>"),
        ('<div onmouseover="steal()">t</div>', "onmouseover", "<div>t</div>"),
        ('<img src="https://tracker.example/p.gif">', "tracker.example", "<img>"),
        ('<p style="position:fixed">t</p>', "position", "<p>t</p>"),
    ],
)
def test_demo_html_is_sanitized(html: str, gone: str, kept: str) -> None:
    """Finding 11: only ``<script`` was filtered, so ``<img onerror>`` ran for the reader."""
    page = _page(html)
    assert gone not in page
    assert kept in page


def test_a_pandas_style_table_survives_sanitizing() -> None:
    table = (
        '<table border="1" class="dataframe">\n  <thead>\n'
        '    <tr style="text-align: right;">\n      <th></th>\n      <th>loss</th>\n'
        "    </tr>\n  </thead>\n  <tbody>\n    <tr>\n      <th>0</th>\n"
        "      <td>0.25</td>\n    </tr>\n  </tbody>\n</table>"
    )
    page = _page(table)
    assert '<tr style="text-align:right">' in page
    assert "<th>loss</th>" in page and "<td>0.25</td>" in page


def test_html_larger_than_the_text_limit_is_shown_as_its_cut_text() -> None:
    """Rich HTML is capped like text: a huge table falls back to its plain form."""
    rows = "".join(f"<tr><td>{i}</td></tr>" for i in range(5000))
    plain = "\n".join(str(i) for i in range(5000))
    page = _page(f"<table>{rows}</table>", plain)
    assert "<table>" not in page
    assert "output cut: 4800 more lines" in page


def test_a_work_folder_swapped_for_a_symlink_is_reported_and_its_target_kept(
    tmp_path: Path,
) -> None:
    """Finding 4: the swap crashed the build from ``TemporaryDirectory`` cleanup."""
    target = tmp_path / "precious"
    target.mkdir()
    (target / "keep.txt").write_text("keep", encoding="utf-8")
    folder = workdir.make_run_folder({"data/x.csv": b"1,2\n"})
    assert (folder.work / "data" / "x.csv").read_bytes() == b"1,2\n"
    os.rename(folder.work, folder.root / "moved")
    os.symlink(target, folder.work)
    problem = workdir.remove_run_folder(folder)
    assert problem is not None and "replaced its working folder" in problem
    assert not os.path.lexists(folder.root)
    assert (target / "keep.txt").read_text(encoding="utf-8") == "keep"


def test_a_cleanup_error_is_reported_not_raised(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Finding 4: an error removing the temporary folder is text for the result."""
    folder = workdir.make_run_folder({})

    def failing_rmtree(path: Any, onerror: Any) -> None:
        onerror(os.unlink, str(path), PermissionError("busy"))

    monkeypatch.setattr(shutil, "rmtree", failing_rmtree)
    problem = workdir.remove_run_folder(folder)
    assert problem == f"its temporary folder could not be removed ({folder.root}: busy)"
    monkeypatch.undo()
    assert workdir.remove_run_folder(folder) is None


def test_a_cell_that_finishes_after_passing_the_limit_is_an_output_limit_failure() -> None:
    """The last message may pass the limit just before the cell's reply: still a failure."""
    import asyncio
    import threading
    from types import SimpleNamespace

    from generator.demos.execute import _Session

    async def supervise() -> tuple[DemoStatus, str | None]:
        session = _Session.__new__(_Session)
        session.stop = threading.Event()
        finished: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        finished.set_result(None)  # the cell is done before the supervisor looks
        client = SimpleNamespace(gg_over_limit="output limit: passed 1 MB; kernel stopped")
        return await session._supervise(client, finished, None, deadline=float("inf"))

    found: list[tuple[DemoStatus, str | None]] = []
    # Its own thread: the kernels of earlier tests may leave this thread's loop running.
    runner = threading.Thread(target=lambda: found.append(asyncio.run(supervise())))
    runner.start()
    runner.join()
    ((status, error),) = found
    assert status is DemoStatus.OUTPUT_LIMIT
    assert error == "output limit: passed 1 MB; kernel stopped"
