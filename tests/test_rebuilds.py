"""Serve's rebuild order: one build per burst of saves, a newer save supersedes a build."""

from __future__ import annotations

import pytest

from generator.rebuilds import BuildGate, Superseded, run_current


class FakeClock:
    """A clock that moves only when told (sleeping moves it)."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


def test_a_burst_of_saves_waits_for_its_end_then_builds_once() -> None:
    clock = FakeClock()
    gate = BuildGate(clock)
    for _ in range(5):  # five saves 40 ms apart: 160 ms in all
        gate.change()
        clock.sleep(0.04)
    built: list[float] = []
    runs = run_current(gate, lambda token: built.append(clock.now), clock.sleep)
    assert runs == 1 and len(built) == 1
    assert built[0] >= 100.16 + 0.2 - 0.04 - 1e-9  # started only after 200 ms of quiet


def test_a_save_during_a_build_supersedes_it_and_the_newest_sources_win() -> None:
    clock = FakeClock()
    gate = BuildGate(clock)
    sources = ["v1"]
    finished: list[str] = []
    started: list[str] = []

    active = [0]

    def build(token: int) -> None:
        active[0] += 1
        try:
            assert active[0] == 1, "two builds interleaved"
            seen = sources[-1]
            started.append(seen)
            clock.sleep(1.0)  # halfway through the pages, the author saves again
            if seen == "v1":
                sources.append("v2")
                gate.change()
            gate.check(token)  # what the plugin does before each page
            finished.append(seen)
        finally:
            active[0] -= 1

    gate.change()
    runs = run_current(gate, build, clock.sleep)
    assert runs == 2 and started == ["v1", "v2"] and finished == ["v2"]


def test_a_build_with_no_change_since_it_began_is_current() -> None:
    gate = BuildGate(FakeClock())
    token = gate.begin()
    gate.check(token)
    gate.change()
    with pytest.raises(Superseded):
        gate.check(token)
