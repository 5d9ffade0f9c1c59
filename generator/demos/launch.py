"""Start ipykernel as a child process, so that a demo's parent is this process, not the build.

Run as a script (``python -P launch.py -f CONNECTION_FILE``), importing only the
standard library. jupyter_client starts it in a session of its own, which the
kernel shares: a demo that signals its parent or its parent's process group
reaches this process and its own kernel, never the build. Interrupts reach
the kernel through the group; this process ignores them and exits with the
kernel's status, so a dead kernel is seen as one.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys


def main(argv: list[str]) -> int:
    """Run the kernel with ``argv``; return its exit status."""
    env = dict(os.environ, JPY_PARENT_PID=str(os.getpid()))
    kernel = subprocess.Popen([sys.executable, "-m", "ipykernel_launcher", *argv], env=env)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # set after the start: the kernel keeps its own
    status = kernel.wait()
    return status if status >= 0 else 128 - status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
