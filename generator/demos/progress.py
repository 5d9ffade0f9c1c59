"""Progress of a demo run: a tqdm bar on a terminal, plain numbered lines otherwise.

Plain lines are for logs, where a line stays: only demos that ran (or failed)
get one. A cached or frozen demo is counted in the run's summary instead, so
a log of ``serve`` does not repeat every demo on every save.
"""

from __future__ import annotations

import threading
from typing import TextIO

from generator.demos.model import DemoResult, Obtained


def progress_line(result: DemoResult) -> str:
    """Return ``attention-heatmap ok 2.1 s`` (executed) or ``attention-heatmap cached``."""
    status = "ok" if result.ok else f"failed: {result.status}"
    if result.record.obtained is Obtained.EXECUTED:
        return f"{result.id} {status} {result.record.seconds:.1f} s"
    return f"{result.id} {result.record.obtained} ({result.record.device})"


class Progress:
    """Report each finished demo; safe to call from worker threads."""

    def __init__(self, stream: TextIO | None, total: int) -> None:
        self._stream = stream
        self._total = total
        self._count = 0
        self._lock = threading.Lock()
        self._bar = None
        if stream is not None and total and _is_terminal(stream):
            from tqdm import tqdm

            self._bar = tqdm(total=total, file=stream, unit="demo", desc="demos", leave=False)

    def done(self, result: DemoResult) -> None:
        """Count one finished demo."""
        with self._lock:
            self._count += 1
            if self._bar is not None:
                self._bar.set_postfix_str(progress_line(result), refresh=False)
                self._bar.update(1)
            elif self._stream is not None and _worth_a_line(result):
                print(
                    f"[{self._count}/{self._total}] {progress_line(result)}",
                    file=self._stream,
                    flush=True,
                )

    def close(self) -> None:
        """Remove the bar, if any."""
        if self._bar is not None:
            self._bar.close()


def _worth_a_line(result: DemoResult) -> bool:
    return result.record.obtained is Obtained.EXECUTED or not result.ok


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
