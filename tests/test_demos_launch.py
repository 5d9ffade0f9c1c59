"""The kernel launcher dies with the process that started it, and the kernel dies with it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from generator.demos import execute, launch
from tests.test_demos_faults import process_alive, until

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="needs prctl")

# Starts the launcher as jupyter_client does (a session of its own, our pid in
# JPY_PARENT_PID), prints its pid, then waits on it until killed.
_PARENT = """
import os, subprocess, sys
env = dict(os.environ, JPY_PARENT_PID=str(os.getpid()))
launcher = subprocess.Popen(
    [sys.executable, "-P", *sys.argv[1:]], env=env, start_new_session=True,
    stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
)
print(launcher.pid, flush=True)
launcher.wait()
"""


def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(word) for word in text.split()]


@pytest.fixture
def started(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[str], int, int]]:
    """Yield the launcher's parent, the launcher's pid and the kernel's pid."""
    launcher_args = [execute._LAUNCHER, "-f", str(tmp_path / "kernel.json")]
    parent = subprocess.Popen(
        [sys.executable, "-c", _PARENT, *launcher_args], stdout=subprocess.PIPE, text=True
    )
    assert parent.stdout is not None
    launcher = int(parent.stdout.readline())
    assert until(lambda: bool(_children(launcher))), "the launcher started no kernel"
    kernel = _children(launcher)[0]
    yield parent, launcher, kernel
    for pid in (kernel, launcher, parent.pid):
        if process_alive(pid):
            os.kill(pid, signal.SIGKILL)
    parent.wait()


@pytest.mark.slow
@pytest.mark.parametrize("killed", ["parent", "launcher"])
def test_the_kernel_goes_when_its_starter_is_killed_hard(
    started: tuple[subprocess.Popen[str], int, int], killed: str
) -> None:
    """A Dask worker killed mid-demo left its launcher and kernel running under init."""
    parent, launcher, kernel = started
    os.kill(parent.pid if killed == "parent" else launcher, signal.SIGKILL)
    assert until(lambda: not process_alive(kernel)), f"kernel {kernel} outlived the {killed}"
    assert until(lambda: not process_alive(launcher)), f"launcher {launcher} outlived its parent"
    parent.wait()


@pytest.mark.parametrize(
    ("expected", "gone"),
    [(str(os.getppid()), False), ("", False), ("-1", False), (str(os.getppid() + 1), True)],
)
def test_a_parent_that_died_before_prctl_is_seen(expected: str, gone: bool) -> None:
    assert launch._parent_gone(expected) is gone
