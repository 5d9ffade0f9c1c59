"""Memory limits, thread shares, time-limit precedence and how the page words them (no kernel)."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

import nbformat.v4 as nbf
import pytest

from generator.cli import main
from generator.demos.execute import Limits, kernel_env, kernel_memory
from generator.demos.model import DemoResult, DemoStatus, Obtained, RunOptions, RunRecord
from generator.demos.record import reader_record
from generator.demos.render import render_demo
from generator.demos.resources import (
    MEMORY_VARIABLE,
    kernel_threads,
    memory_bytes,
    parse_memory_limit,
    thread_variables,
)
from generator.demos.runner import demo_timeout
from generator.demos.spec import DemoSpec
from generator.model import DemoId

RECORD = RunRecord("CPU", "2.13.0+cpu", 1.0, None, "2026-12-01T00:00:00+00:00", Obtained.EXECUTED)


@pytest.mark.parametrize(
    ("text", "limit"),
    [
        ("4GB", 4_000_000_000),
        ("500 MB", 500_000_000),
        ("50%", 0.5),
        ("100%", 1.0),
        ("none", None),
        ("Unlimited", None),
        ("1000", 1000),
    ],
)
def test_memory_limit_forms(text: str, limit: int | float | None) -> None:
    assert parse_memory_limit(text) == limit


@pytest.mark.parametrize("text", ["0", "0%", "150%", "lots", "-1GB", ""])
def test_bad_memory_limit_says_what_is_expected(text: str) -> None:
    with pytest.raises(
        ValueError, match=r"expected a memory limit such as 4GB, 500MB, 50% or none"
    ):
        parse_memory_limit(text)


def test_a_fraction_is_of_physical_memory(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("generator.demos.resources.physical_memory", lambda: 8_000_000_000)
    assert memory_bytes(0.5) == 4_000_000_000
    assert memory_bytes(300) == 300 and memory_bytes(None) is None


@pytest.mark.parametrize(
    ("cuda_visible", "expected"),
    [("", 1_000_000), (None, None), ("0", None)],  # only a kernel that sees no GPU is limited
)
def test_kernels_that_may_see_a_gpu_get_no_address_space_limit(
    cuda_visible: str | None, expected: int | None
) -> None:
    assert kernel_memory(Limits(1.0, 1, 1, 1_000_000), cuda_visible) == expected


@pytest.mark.parametrize(
    ("parallel", "cpus", "threads"), [(1, 2, 2), (2, 2, 1), (3, 2, 1), (2, 16, 8), (4, 18, 4)]
)
def test_each_kernel_gets_its_share_of_the_cpus(parallel: int, cpus: int, threads: int) -> None:
    assert kernel_threads(parallel, cpus) == threads


def test_thread_variables_an_operator_set_are_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    assert thread_variables(3, {"OMP_NUM_THREADS": "1"}) == {
        "MKL_NUM_THREADS": "3",
        "OPENBLAS_NUM_THREADS": "3",
    }
    monkeypatch.setenv("OMP_NUM_THREADS", "1")
    monkeypatch.delenv("MKL_NUM_THREADS", raising=False)
    monkeypatch.delenv("MALLOC_ARENA_MAX", raising=False)
    env = kernel_env("", "token", 4, 2_000_000)
    assert env["OMP_NUM_THREADS"] == "1" and env["MKL_NUM_THREADS"] == "4"
    assert env[MEMORY_VARIABLE] == "2000000" and env["MALLOC_ARENA_MAX"] == "2"
    assert MEMORY_VARIABLE not in kernel_env("", "token", 4, None)


def _spec(timeout: float | None) -> DemoSpec:
    return DemoSpec(DemoId("d"), Path("demos/d.py"), timeout, ())


@pytest.mark.parametrize(
    ("header", "run", "limit"),
    [(5.0, 60.0, 5.0), (5.0, None, 5.0), (None, 60.0, 60.0), (None, None, 120.0)],
)
def test_a_demos_header_timeout_wins_over_the_runs(
    header: float | None, run: float | None, limit: float
) -> None:
    assert demo_timeout(_spec(header), RunOptions(timeout=run)) == limit


def _result(status: DemoStatus, error: str | None, **record: Any) -> DemoResult:
    error_output = nbf.new_output(  # type: ignore[no-untyped-call]
        "error", ename="MemoryError", evalue="", traceback=["MemoryError"]
    )
    cell = nbf.new_code_cell("hog = bytearray(4_000_000_000)", outputs=[error_output])  # type: ignore[no-untyped-call]
    notebook = nbf.new_notebook(cells=[cell])  # type: ignore[no-untyped-call]
    shown = RunRecord(**{**RECORD.to_json(), "obtained": Obtained.EXECUTED, **record})
    return DemoResult(DemoId("hog"), status, shown, notebook, error)


def test_the_page_names_the_memory_limit_beside_the_traceback() -> None:
    error = (
        "ran out of memory (limit 400 MB); raise it with --memory-limit or the memory_limit option"
    )
    page = render_demo(_result(DemoStatus.OUT_OF_MEMORY, error), "concepts").markdown
    assert "MemoryError" in page
    assert "ran out of memory (limit 400 MB)" in page
    assert "failed: out_of_memory" in page


def test_a_superseded_frozen_output_is_named_on_the_page() -> None:
    frozen = RunRecord(
        "NVIDIA H100 80GB HBM3",
        "2.11.0+cu130",
        17.8,
        1,
        "2026-11-23T02:43:03+00:00",
        Obtained.FROZEN,
    )
    result = _result(DemoStatus.OK, None)
    page = render_demo(DemoResult(**{**_fields(result), "superseded": frozen}), "concepts")
    assert (
        "A result frozen on NVIDIA H100 80GB HBM3 on 2026-11-23 02:43 UTC belongs to an earlier "
        "version of this demo's code, so it is not shown"
    ) in html.unescape(page.markdown)


def _fields(result: DemoResult) -> dict[str, Any]:
    return {name: getattr(result, name) for name in DemoResult.__slots__}


def test_a_demo_run_on_a_dask_worker_names_its_host() -> None:
    remote = _result(DemoStatus.OK, None, host="gpu-node-3", worker="tcp://10.0.0.3:40123")
    text = reader_record(remote.record, remote.notebook, None)
    assert text.startswith("Ran on CPU at gpu-node-3 (a Dask worker) with torch 2.13.0+cpu · ")
    local = _result(DemoStatus.OK, None, host="builder")
    assert "builder" not in reader_record(local.record, local.notebook, None)
    assert RunRecord.from_json(remote.record.to_json()) == remote.record


def test_a_bad_memory_limit_flag_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["demo", "run", "x", "--memory-limit", "lots"])
    assert stopped.value.code == 2
    assert "argument --memory-limit: expected a memory limit such as 4GB" in capsys.readouterr().err
