"""With a GPU: the record names it, --device cpu hides it, frozen GPU output is kept."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from generator.demos import Device, Obtained, RunOptions, run_demos
from generator.demos.devices import visible_gpus
from generator.demos.states import freeze_demos
from generator.model import DemoId

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not visible_gpus(), reason="needs a visible NVIDIA GPU"),
]
GPU = DemoId("gpu")


def test_gpu_record_cpu_hiding_and_frozen_gpu_output(tmp_path: Path) -> None:
    demos = tmp_path / "demos"
    demos.mkdir()
    shutil.copy(Path(__file__).parent / "demo_fixtures" / "gpu.py", demos)
    on_gpu = RunOptions(device=Device.CUDA, cache_dir=tmp_path / "cache")
    run, _ = freeze_demos([GPU], demos, on_gpu)
    result = run.results[GPU]
    assert result.ok, result.error
    assert result.record.device.startswith("NVIDIA")
    assert (result.record.peak_gpu_memory or 0) >= 4 * 1024 * 1024
    assert result.notebook.cells[0].outputs[0]["text"] == "cuda 1024.0\n"

    on_cpu = RunOptions(device=Device.CPU, cache_dir=tmp_path / "cache", rerun=True)
    shown = run_demos([GPU], demos, on_cpu).results[GPU]
    assert shown.record.obtained is Obtained.FROZEN
    assert shown.record.device == result.record.device
    (demos / "_outputs" / "gpu.ipynb").unlink()
    fresh = run_demos([GPU], demos, on_cpu).results[GPU]
    assert fresh.record.obtained is Obtained.EXECUTED
    assert fresh.record.device == "CPU"
    assert fresh.record.peak_gpu_memory is None
    assert fresh.notebook.cells[0].outputs[0]["text"] == "cpu 1024.0\n"
