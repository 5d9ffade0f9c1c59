"""Records of the demo engine: options in, results out."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from types import MappingProxyType
from typing import Any, TextIO

from generator.demos.resources import DEFAULT_MEMORY_FRACTION, MemoryLimit
from generator.model import DemoId

DEFAULT_OUTPUT_CAP = 10_000_000  # bytes of output messages a demo may send (10 MB)
DEFAULT_OUTPUT_MESSAGES = 10_000  # output messages a demo may send, updates included
DEFAULT_CACHE_DIR = Path(".glossgraph") / "cache"
NOT_RUN = "none"  # RunRecord.device of a demo that could not be started


class DemoStatus(StrEnum):
    OK = "ok"
    ERROR = "error"
    TIMEOUT = "timeout"
    DIED = "died"
    OUTPUT_LIMIT = "output_limit"
    OUT_OF_MEMORY = "out_of_memory"


class Obtained(StrEnum):
    """How a result was obtained."""

    EXECUTED = "executed"
    CACHED = "cached"
    FROZEN = "frozen"


class Device(StrEnum):
    AUTO = "auto"
    CPU = "cpu"
    CUDA = "cuda"


@dataclass(frozen=True, slots=True)
class RunRecord:
    """Where and how a demo ran; shown under its outputs."""

    device: str
    torch_version: str | None
    seconds: float
    peak_gpu_memory: int | None
    finished_at: str
    obtained: Obtained
    host: str | None = None  # the machine whose kernel ran the demo
    worker: str | None = None  # the Dask worker that ran it (None: a kernel of the build's own)

    def to_json(self) -> dict[str, Any]:
        """Return the record as plain JSON values (stored in notebook metadata)."""
        return {
            "device": self.device,
            "torch_version": self.torch_version,
            "seconds": self.seconds,
            "peak_gpu_memory": self.peak_gpu_memory,
            "finished_at": self.finished_at,
            "obtained": self.obtained.value,
            "host": self.host,
            "worker": self.worker,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> RunRecord:
        """Return the record stored by ``to_json``; raise KeyError/ValueError/TypeError if bad."""
        peak = data["peak_gpu_memory"]
        torch_version = data["torch_version"]
        return cls(
            device=str(data["device"]),
            torch_version=None if torch_version is None else str(torch_version),
            seconds=float(data["seconds"]),
            peak_gpu_memory=None if peak is None else int(peak),
            finished_at=str(data["finished_at"]),
            obtained=Obtained(data["obtained"]),
            host=None if data.get("host") is None else str(data["host"]),
            worker=None if data.get("worker") is None else str(data["worker"]),
        )


def not_run_record() -> RunRecord:
    """Return the record of a demo that never ran to the end anywhere."""
    from datetime import UTC, datetime

    now = datetime.now(UTC).isoformat(timespec="seconds")
    return RunRecord(NOT_RUN, None, 0.0, None, now, Obtained.EXECUTED)


@dataclass(frozen=True, slots=True)
class DemoResult:
    """The outcome of one demo: status, run record, executed notebook, error text.

    ``superseded`` is the record of a frozen output made by an earlier version
    of the demo: it is no longer shown, and the page says so.
    """

    id: DemoId
    status: DemoStatus
    record: RunRecord
    notebook: Any
    error: str | None = None
    superseded: RunRecord | None = None

    @property
    def ok(self) -> bool:
        return self.status is DemoStatus.OK


@dataclass(frozen=True, slots=True)
class RunOptions:
    """How ``run_demos`` runs: device, parallelism, limits, where results are kept."""

    device: Device = Device.AUTO
    jobs: int | None = None
    timeout: float | None = None  # a demo's header timeout wins over this
    memory_limit: MemoryLimit = DEFAULT_MEMORY_FRACTION  # per kernel; see demos.resources
    rerun: bool = False
    cache_dir: Path = DEFAULT_CACHE_DIR
    frozen_dir: Path | None = None
    output_cap: int = DEFAULT_OUTPUT_CAP
    output_messages: int = DEFAULT_OUTPUT_MESSAGES
    progress: TextIO | None = None
    executor: str | None = None  # None: kernels on this machine; else dask://HOST:PORT


def _empty_results() -> Mapping[DemoId, DemoResult]:
    return MappingProxyType({})


@dataclass(frozen=True, slots=True)
class DemoRun:
    """All results of one ``run_demos`` call, where each came from, and the run's warnings."""

    results: Mapping[DemoId, DemoResult] = field(default_factory=_empty_results)
    executed: tuple[DemoId, ...] = ()
    cached: tuple[DemoId, ...] = ()
    frozen: tuple[DemoId, ...] = ()
    failed: tuple[DemoId, ...] = ()
    warnings: tuple[str, ...] = ()
    hosts: tuple[tuple[str, int], ...] = ()  # demos executed per worker host (cluster runs)
    stale: tuple[DemoId, ...] = ()  # demos whose frozen output is older than their code


def cpu_count() -> int:
    """Return the number of CPUs this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
