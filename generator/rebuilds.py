"""When ``serve`` rebuilds: one build per burst of saves, a newer save supersedes a build.

Pure logic over an injected clock, so it is tested without sleeping. The
MkDocs adapter feeds it file events and asks it between pages whether the
build in progress is already out of date.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field

QUIET_SECONDS = 0.2  # saves closer together than this are one burst, so one rebuild


class Superseded(Exception):
    """Raised inside a build that a newer change has made out of date."""

    def __init__(self) -> None:  # MkDocs logs it as the page's reading error
        super().__init__("a newer save superseded this rebuild")


@dataclass(slots=True)
class BuildGate:
    """Count changes; tell a build whether it is current and when the next may start."""

    clock: Callable[[], float]
    quiet: float = QUIET_SECONDS
    _generation: int = 0
    _last_change: float | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def change(self) -> None:
        """Record one saved file."""
        with self._lock:
            self._generation += 1
            self._last_change = self.clock()

    def wait_left(self) -> float:
        """Return how long to wait before a build sees the whole burst (0: start now)."""
        with self._lock:
            if self._last_change is None:
                return 0.0
            return max(0.0, self._last_change + self.quiet - self.clock())

    def begin(self) -> int:
        """Start a build of everything saved so far; return its token."""
        with self._lock:
            return self._generation

    def check(self, token: int) -> None:
        """Raise Superseded when a change arrived after the build ``token`` began."""
        with self._lock:
            if self._generation != token:
                raise Superseded


def run_current(
    gate: BuildGate, build: Callable[[int], None], sleep: Callable[[float], None]
) -> int:
    """Run ``build`` until one run is not superseded; return how many runs it took.

    Runs are sequential in the caller's thread, so two builds never interleave;
    before each run it waits for the burst of saves to end.
    """
    runs = 0
    while True:
        while (left := gate.wait_left()) > 0:
            sleep(left)
        runs += 1
        try:
            build(gate.begin())
        except Superseded:
            continue
        return runs
