"""Find and kill what a demo left running, by a token in its kernel's environment.

jupyter_client kills the kernel's process group when a demo ends, but a
daemon that called setsid() has left that group. Every process started from
the kernel inherits its environment, and ``/proc/<pid>/environ`` keeps the
environment a process started with, so a random token set there finds them
all, wherever they moved. Without ``/proc`` (not Linux) nothing is found.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
from pathlib import Path

TOKEN_VARIABLE = "GLOSSGRAPH_DEMO_RUN"
_PASSES = 10  # a leftover may fork while we scan; stop when a pass finds none


def new_token() -> str:
    """Return a fresh token for one demo run."""
    return secrets.token_hex(16)


def kill_leftovers(token: str, group: int | None, proc: Path = Path("/proc")) -> int:
    """SIGKILL every process started with ``token`` in its environment.

    Return how many had left the kernel's process ``group``: those escaped the
    kill of the group on purpose (a daemon), while members of the group were
    already sent SIGKILL with it and are only slow to go.
    """
    marker = f"{TOKEN_VARIABLE}={token}".encode()
    killed: set[int] = set()
    escaped = 0
    for _ in range(_PASSES):
        found = [pid for pid in _pids(proc) if pid not in killed and _carries(proc, pid, marker)]
        if not found:
            break
        for pid in found:
            escaped += _group_of(pid) != group
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, signal.SIGKILL)
        killed.update(found)
    return escaped


def _group_of(pid: int) -> int | None:
    try:
        return os.getpgid(pid)
    except OSError:
        return None


def _pids(proc: Path) -> list[int]:
    try:
        names = os.listdir(proc)
    except OSError:
        return []
    own = os.getpid()
    return [int(name) for name in names if name.isdigit() and int(name) != own]


def _carries(proc: Path, pid: int, marker: bytes) -> bool:
    try:
        environ = (proc / str(pid) / "environ").read_bytes()
    except OSError:  # gone, or another user's process
        return False
    return marker in environ.split(b"\0")
