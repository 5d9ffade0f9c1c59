"""Start ipykernel as a child process, so that a demo's parent is this process, not the build.

Run as a script (``python -P launch.py -f CONNECTION_FILE``), importing only the
standard library. jupyter_client starts it in a session of its own, which the
kernel shares: a demo that signals its parent or its parent's process group
reaches this process and its own kernel, never the build. Interrupts reach
the kernel through the group; this process ignores them and exits with the
kernel's status, so a dead kernel is seen as one. A memory limit in
``GLOSSGRAPH_MEMORY_LIMIT`` (bytes) becomes the kernel's ``RLIMIT_AS``, soft
and hard, so the demo cannot raise it again.

On Linux this process dies with the one that started it (a Dask worker killed
mid-demo, a build killed with SIGKILL), and takes its process group along:
the kernel and whatever the demo started there. The kernel in turn dies with
this process, however it goes.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import resource
import signal
import subprocess
import sys
from types import FrameType

MEMORY_VARIABLE = "GLOSSGRAPH_MEMORY_LIMIT"  # the same name as generator.demos.resources
PARENT_VARIABLE = "JPY_PARENT_PID"  # set by jupyter_client to the pid that started us
_PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>
# Not SIGTERM: jupyter_client's own terminate sends that, and it keeps its usual meaning.
PARENT_DIED = signal.SIGHUP


def _limit_memory(env: dict[str, str]) -> None:
    """Set the address-space limit of this process (inherited by the kernel) from ``env``."""
    text = env.pop(MEMORY_VARIABLE, "")
    if text.isdigit() and int(text) > 0:
        resource.setrlimit(resource.RLIMIT_AS, (int(text), int(text)))


def die_with_parent(signum: int) -> bool:
    """Ask Linux to send ``signum`` to this process when its parent exits; return if it could."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return bool(libc.prctl(_PR_SET_PDEATHSIG, signum, 0, 0, 0) == 0)
    except (OSError, AttributeError):
        return False


def _kernel_dies_with_us() -> None:
    """Run in the kernel's process between fork and exec."""
    die_with_parent(signal.SIGKILL)


def _parent_gone(expected: str) -> bool:
    """Return whether the process that started us has already exited (we were reparented)."""
    return expected.isdigit() and os.getppid() != int(expected)


def main(argv: list[str]) -> int:
    """Run the kernel with ``argv``; return its exit status."""
    parent = os.environ.get(PARENT_VARIABLE, "")
    watched = die_with_parent(PARENT_DIED)
    env = dict(os.environ, JPY_PARENT_PID=str(os.getpid()))
    _limit_memory(env)
    command = [sys.executable, "-m", "ipykernel_launcher", *argv]
    kernel = subprocess.Popen(command, env=env, preexec_fn=_kernel_dies_with_us if watched else None)

    def end_everything(signum: int, frame: FrameType | None) -> None:
        _kill_group(kernel)

    signal.signal(PARENT_DIED, end_everything)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # set after the start: the kernel keeps its own
    if watched and _parent_gone(parent):  # it died before prctl could watch it
        _kill_group(kernel)
    status = kernel.wait()
    return status if status >= 0 else 128 - status


def _kill_group(kernel: subprocess.Popen[bytes]) -> None:
    """SIGKILL the kernel and, if we lead our own process group, everything in it (us too)."""
    with contextlib.suppress(ProcessLookupError):
        kernel.kill()
    if os.getpgrp() == os.getpid():  # jupyter_client's session; never a test runner's group
        os.killpg(os.getpgrp(), signal.SIGKILL)
    sys.exit(128 + signal.SIGKILL)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
