"""Start ipykernel as a child process, so that a demo's parent is this process, not the build.

Run as a script (``python -P launch.py -f CONNECTION_FILE``), importing only the
standard library. jupyter_client starts it in a session of its own, which the
kernel shares: a demo that signals its parent or its parent's process group
reaches this process and its own kernel, never the build. Interrupts reach
the kernel through the group; this process ignores them and exits with the
kernel's status, so a dead kernel is seen as one. A memory limit in
``GLOSSGRAPH_MEMORY_LIMIT`` (bytes) becomes the kernel's ``RLIMIT_AS``, soft
and hard, so the demo cannot raise it again.
"""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys

MEMORY_VARIABLE = "GLOSSGRAPH_MEMORY_LIMIT"  # the same name as generator.demos.resources


def _limit_memory(env: dict[str, str]) -> None:
    """Set the address-space limit of this process (inherited by the kernel) from ``env``."""
    text = env.pop(MEMORY_VARIABLE, "")
    if text.isdigit() and int(text) > 0:
        resource.setrlimit(resource.RLIMIT_AS, (int(text), int(text)))


def main(argv: list[str]) -> int:
    """Run the kernel with ``argv``; return its exit status."""
    env = dict(os.environ, JPY_PARENT_PID=str(os.getpid()))
    _limit_memory(env)
    kernel = subprocess.Popen([sys.executable, "-m", "ipykernel_launcher", *argv], env=env)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # set after the start: the kernel keeps its own
    status = kernel.wait()
    return status if status >= 0 else 128 - status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
