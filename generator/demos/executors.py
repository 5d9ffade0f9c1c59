"""Where demos execute: the interface ``run_demos`` uses, and the local kernel pool.

An executor gets jobs (a demo's notebook, the files it reads, its limits and
device class) and reports each outcome through ``done``; it never touches the
cache, which only the runner on this machine writes. ``open_executor`` picks
the backend from ``RunOptions.executor``: none means kernels on this machine,
``dask://HOST:PORT`` means a Dask cluster (``generator.demos.dask_executor``).
"""

from __future__ import annotations

import importlib.util
import queue
import threading
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, NewType, Protocol

from generator.demos.devices import worker_gpus
from generator.demos.execute import Execution, Limits, execute_notebook
from generator.demos.model import RunOptions, cpu_count
from generator.demos.resources import kernel_threads
from generator.errors import UsageError
from generator.model import DemoId

SchedulerAddress = NewType("SchedulerAddress", str)  # tcp://HOST:PORT
DASK_SCHEME = "dask://"
INSTALL_DASK = "pip install 'glossgraph[dask]'"


@dataclass(frozen=True, slots=True)
class Job:
    """One demo to execute, with everything the kernel needs and nothing from disk."""

    id: DemoId
    notebook: Any
    reads: Mapping[str, bytes]
    limits: Limits
    device_class: str  # 'cpu' hides every GPU; 'cuda' lets the kernel see its GPUs


Done = Callable[[Job, Execution], None]


class Executor(Protocol):
    """Run jobs somewhere and report each one's outcome exactly once."""

    remote: bool  # whether results come from other machines (the summary then counts hosts)

    def execute(self, jobs: Sequence[Job], done: Done) -> None:
        """Execute every job, calling ``done`` (from any thread) as each one ends."""

    def close(self) -> None:
        """Release what the executor holds (threads, connections)."""


def parse_executor(text: str) -> SchedulerAddress:
    """Return the scheduler address of ``dask://HOST:PORT``; raise UsageError otherwise."""
    rest = text[len(DASK_SCHEME) :] if text.startswith(DASK_SCHEME) else None
    host, _, port = (rest or "").rpartition(":")
    if rest is None or not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise UsageError(
            f"executor must be dask://HOST:PORT (a Dask scheduler), but received: {text!r}"
        )
    return SchedulerAddress(f"tcp://{host}:{port}")


def check_executor(text: str | None) -> None:
    """Raise UsageError now for a bad executor address or a missing ``dask`` extra."""
    if text is None:
        return
    parse_executor(text)
    if importlib.util.find_spec("distributed") is None:
        raise UsageError(
            "--executor dask:// needs Dask distributed, which is not installed; "
            f"install it with: {INSTALL_DASK}"
        )


def open_executor(options: RunOptions, gpus: Sequence[str]) -> Executor:
    """Return the executor ``options`` ask for (connecting to a cluster may raise UsageError)."""
    if options.executor is None:
        return LocalExecutor(options.jobs or cpu_count(), tuple(gpus))
    check_executor(options.executor)
    from generator.demos.dask_executor import DaskExecutor

    return DaskExecutor.connect(parse_executor(options.executor))


class LocalExecutor:
    """Kernels on this machine, ``jobs`` at a time; with several GPUs each slot gets one.

    Each kernel gets an equal share of the CPUs as its thread count (``resources``).
    """

    remote = False

    def __init__(self, jobs: int, gpus: tuple[str, ...]) -> None:
        self._jobs = jobs
        self._gpus = gpus

    def execute(self, jobs: Sequence[Job], done: Done) -> None:
        """Run the jobs in a thread pool; on Ctrl-C kill the running kernels and start no more."""
        if not jobs:
            return
        width = max(1, min(self._jobs, len(jobs)))
        slots: queue.Queue[int] = queue.Queue()
        for slot in range(width):
            slots.put(slot)
        stop = threading.Event()
        threads = kernel_threads(width, cpu_count())

        def work(job: Job) -> None:
            slot = slots.get()
            try:
                cuda_visible = worker_gpus(job.device_class, list(self._gpus), slot)
                execution = execute_notebook(
                    job.notebook, job.reads, job.limits, cuda_visible, stop, threads
                )
            finally:
                slots.put(slot)
            if not stop.is_set():  # an interrupted run reports (and caches) nothing
                done(job, execution)

        pool = ThreadPoolExecutor(max_workers=width, thread_name_prefix="demo")
        try:
            list(pool.map(work, jobs))
        except BaseException:
            stop.set()
            raise
        finally:
            pool.shutdown(wait=True, cancel_futures=True)

    def close(self) -> None:
        """Nothing to release: the pool lives only inside ``execute``."""
