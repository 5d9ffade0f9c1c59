"""What a reader takes from a demo: the run record's wording, downloads, Colab and Binder links."""

from __future__ import annotations

from typing import Any

import nbformat
import nbformat.v4 as nbf
import pytest

from generator.demos.downloads import RepoLinks, repo_links
from generator.demos.model import NOT_RUN, DemoResult, DemoStatus, Obtained, RunRecord
from generator.demos.record import own_seconds, reader_record
from generator.demos.render import DemoPage, render_demo
from generator.model import DemoId

WHEN = "2026-11-23T02:43:03+00:00"


def _timed(source: str, start: str, end: str) -> Any:
    cell = nbf.new_code_cell(source, execution_count=1)  # type: ignore[no-untyped-call]
    cell.metadata["execution"] = {
        "iopub.execute_input": f"2026-11-23T02:00:{start}Z",
        "shell.execute_reply": f"2026-11-23T02:00:{end}Z",
    }
    return cell


def _notebook(*cells: Any) -> Any:
    return nbf.new_notebook(cells=list(cells))  # type: ignore[no-untyped-call]


TIMED = _notebook(
    _timed("import torch", "00.000", "09.000"),
    nbf.new_markdown_cell("Between."),  # type: ignore[no-untyped-call]
    _timed("a = 1", "09.100", "09.350"),
    _timed("b = 2", "09.400", "09.550"),
)


@pytest.mark.parametrize(
    ("notebook", "seconds"),
    [
        (TIMED, 0.4),  # the importing first cell is set-up and left out
        (_notebook(_timed("print(1)", "01.000", "01.500")), 0.5),  # a lone cell counts
        (_notebook(_timed("import torch", "00.0", "01.0"), nbf.new_code_cell("x")), None),  # type: ignore[no-untyped-call]
        (_notebook(), None),
    ],
)
def test_own_seconds(notebook: Any, seconds: float | None) -> None:
    found = own_seconds(notebook)
    assert found == seconds if seconds is None else found == pytest.approx(seconds)


def _record(obtained: Obtained, torch: str | None = "2.13.0+cpu", device: str = "CPU") -> RunRecord:
    peak = 838860800 if device != "CPU" else None
    return RunRecord(device, torch, 17.837, peak, WHEN, obtained)


@pytest.mark.parametrize(
    ("record", "notebook", "expected"),
    [
        (
            _record(Obtained.EXECUTED),
            TIMED,
            "Ran on CPU with torch 2.13.0+cpu · its code took 0.4 s · 2026-11-23 02:43 UTC",
        ),
        (  # cached reads exactly like executed: that is build business
            _record(Obtained.CACHED),
            TIMED,
            "Ran on CPU with torch 2.13.0+cpu · its code took 0.4 s · 2026-11-23 02:43 UTC",
        ),
        (
            _record(Obtained.FROZEN, "2.11.0+cu130", "NVIDIA H100 80GB HBM3"),
            _notebook(),
            "Frozen result from another machine: run on NVIDIA H100 80GB HBM3 with torch"
            " 2.11.0+cu130; this site was built with torch 2.13.0+cpu · 17.8 s with set-up"
            " · peak GPU memory 800.0 MiB · 2026-11-23 02:43 UTC",
        ),
        (
            _record(Obtained.EXECUTED, torch=None),
            _notebook(),
            "Ran on CPU · 17.8 s with set-up · 2026-11-23 02:43 UTC",
        ),
        (_record(Obtained.EXECUTED, device=NOT_RUN), _notebook(), "Not run · 2026-11-23 02:43 UTC"),
    ],
)
def test_reader_record(record: RunRecord, notebook: Any, expected: str) -> None:
    assert reader_record(record, notebook, "2.13.0+cpu") == expected


@pytest.mark.parametrize(
    ("repo_url", "edit_uri", "demos", "expected"),
    [
        ("https://github.com/ada/gloss", None, "demos", RepoLinks("ada", "gloss", "main", "demos")),
        ("https://github.com/ada/gloss.git/", "edit/dev/docs/", "x/demos", ("dev", "x/demos")),
        ("https://github.com/ada/gloss", "blob/release-2/entities/", "demos", ("release-2",)),
        ("https://github.com/ada/gloss", "docs/", "demos", ("main",)),
        ("https://gitlab.com/ada/gloss", None, "demos", None),
        ("https://github.com/ada", None, "demos", None),
        ("https://github.com/ada/gloss", None, None, None),  # demos outside the repository
        (None, None, "demos", None),
    ],
)
def test_repo_links(
    repo_url: str | None, edit_uri: str | None, demos: str | None, expected: Any
) -> None:
    found = repo_links(repo_url, edit_uri, demos)
    if expected is None or isinstance(expected, RepoLinks):
        assert found == expected
    else:
        assert found is not None
        assert (found.branch, found.demos_path)[: len(expected)] == expected


def _result(obtained: Obtained) -> DemoResult:
    cell = nbf.new_code_cell("print(1)", execution_count=1)  # type: ignore[no-untyped-call]
    cell.outputs = [nbf.new_output("stream", name="stdout", text="1\n")]  # type: ignore[no-untyped-call]
    record = RunRecord("CPU", "2.13.0", 1.0, None, WHEN, obtained)
    return DemoResult(DemoId("sine"), DemoStatus.OK, record, _notebook(cell))


REPO = RepoLinks("ada", "gloss", "dev", "demos")
BINDER = "[Open in Binder](https://mybinder.org/v2/gh/ada/gloss/dev?labpath=demos/sine.py)"
COLAB = (
    "[Open in Colab](https://colab.research.google.com/github/ada/gloss/blob/dev/"
    "demos/_outputs/sine.ipynb)"
)


@pytest.mark.parametrize(
    ("obtained", "repo", "shown", "absent"),
    [
        (Obtained.EXECUTED, REPO, [BINDER], ["Colab"]),  # the repository holds no notebook
        (Obtained.FROZEN, REPO, [COLAB, BINDER], []),  # its frozen notebook is in the repository
        (Obtained.FROZEN, None, [], ["Colab", "Binder"]),
    ],
)
def test_launch_links(
    obtained: Obtained, repo: RepoLinks | None, shown: list[str], absent: list[str]
) -> None:
    markdown = render_demo(_result(obtained), "concepts", DemoPage(b"print(1)\n", repo)).markdown
    for link in shown:
        assert link in markdown
    for word in absent:
        assert word not in markdown


def test_downloads_are_the_script_and_a_valid_executed_notebook() -> None:
    script = b"# %%\nprint(1)\n"
    files = render_demo(_result(Obtained.EXECUTED), "concepts", DemoPage(script)).files
    assert files["demos/sine/sine.py"] == script
    notebook = nbformat.reads(files["demos/sine/sine.ipynb"].decode(), as_version=4)  # type: ignore[no-untyped-call]
    nbformat.validate(notebook)  # type: ignore[no-untyped-call]
    assert notebook.cells[0].outputs[0].text == "1\n"
