"""CPU seconds of one piece of work, for the tests that check a scan stays linear.

These tests compare two runs of the same code on inputs of different sizes, so
what matters is that neither figure picks up work that is not its own. Each
figure is the calling thread's CPU time (a Dask worker or event loop left
running by an earlier test cannot inflate it), and the least of a few runs (a
garbage collection or a descheduled timer tick lands in one run, not all).
"""

from __future__ import annotations

import time
from collections.abc import Callable


def cpu_seconds(action: Callable[[], object], runs: int = 1) -> float:
    """The least CPU time, on this thread, that ``action`` took over ``runs`` calls."""
    best = float("inf")
    for _ in range(runs):
        start = time.thread_time()
        action()
        best = min(best, time.thread_time() - start)
    return best
