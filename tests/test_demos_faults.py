"""Real kernels doing hostile things: each is a result, the build goes on, nothing survives."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from generator.demos import DemoRun, DemoStatus, Device, RunOptions, run_demos
from generator.model import DemoId

FIXTURES = Path(__file__).parent / "demo_fixtures"
IDS = [DemoId(name) for name in ("updates", "swaps", "killer", "raises")]
CAP = 1_000_000


@pytest.fixture(scope="module")
def faults(tmp_path_factory: pytest.TempPathFactory) -> DemoRun:
    demos = tmp_path_factory.mktemp("faults") / "demos"
    shutil.copytree(FIXTURES, demos)
    options = RunOptions(
        device=Device.CPU, jobs=2, cache_dir=demos.parent / "cache", output_cap=CAP
    )
    return run_demos(IDS, demos, options)


@pytest.mark.slow
def test_a_display_update_past_the_cap_is_an_output_limit_failure(faults: DemoRun) -> None:
    """Finding 3: ``handle.update(<3 MB>)`` went through ``_update_display_id`` uncounted."""
    result = faults.results[DemoId("updates")]
    assert result.status is DemoStatus.OUTPUT_LIMIT
    assert result.error == "output limit: the demo's output passed 1 MB; kernel stopped"
    assert len(json.dumps(result.notebook.cells[0].outputs)) < CAP
    assert DemoId("updates") in faults.failed


@pytest.mark.slow
def test_a_work_folder_swapped_for_a_symlink_fails_the_demo_not_the_build(
    faults: DemoRun,
) -> None:
    """Finding 4: the swap crashed the whole build from ``TemporaryDirectory`` cleanup."""
    result = faults.results[DemoId("swaps")]
    assert result.status is DemoStatus.ERROR
    assert "replaced its working folder" in (result.error or "")


@pytest.mark.slow
def test_killing_the_parents_process_group_kills_only_the_demo(faults: DemoRun) -> None:
    """Findings 4 and 11: the kernel's parent is a launcher in the kernel's own session."""
    assert faults.results[DemoId("killer")].status is DemoStatus.DIED
    assert faults.results[DemoId("raises")].status is DemoStatus.ERROR  # the run went on


def process_alive(pid: int) -> bool:
    """Return whether ``pid`` is a live process (not gone, not a zombie)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state not in ("Z", "X")


def until(condition: Callable[[], bool], tries: int = 600) -> bool:
    """Return whether ``condition`` came true, asking every 0.1 s (a guard, not a timing)."""
    for _ in range(tries):
        if condition():
            return True
        time.sleep(0.1)
    return condition()


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="needs /proc")
def test_a_daemon_is_killed_and_demo_run_piped_returns(tmp_path: Path) -> None:
    """Finding 11: a double-forked daemon outlived the build and held ``demo run | cat``."""
    demos = tmp_path / "demos"
    demos.mkdir()
    shutil.copy(FIXTURES / "daemon.py", demos)
    command = [sys.executable, "-m", "generator.cli", "demo", "run", "daemon", "--device", "cpu"]
    command += ["--demos", str(demos), "--cache-dir", str(tmp_path / "cache")]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 1, done.stderr
    assert "the demo left 1 process(es) running after it ended; killed" in done.stdout
    pid = int(done.stdout.split("daemon ", 1)[1].split()[0])
    assert not process_alive(pid)
