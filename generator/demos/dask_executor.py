"""Execute demos on a Dask cluster: one task per demo, results back to this machine.

A task carries the demo's notebook (nbformat JSON), the bytes of the files it
reads, its limits and device class; on the worker it runs ``execute_notebook``
exactly as a local run does (a fresh ipykernel in a fresh temporary folder)
and returns the executed notebook as JSON with its status and run record.
Only this machine writes the cache. A demo that needs a GPU asks the
scheduler for the worker resource ``GPU``; when no worker offers one the demo
fails at once instead of waiting forever. A worker dying mid-demo is
rescheduled by the scheduler (its ``allowed-failures``), an exception in the
task is retried once (``retries=1``), and a lost scheduler fails whatever had
not come back.
"""

from __future__ import annotations

import contextlib
import dataclasses
import threading
import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from generator.demos.execute import Execution, Limits, execute_notebook
from generator.demos.executors import Done, Job, SchedulerAddress
from generator.demos.model import DemoStatus, RunRecord, cpu_count, not_run_record
from generator.demos.resources import kernel_threads
from generator.errors import UsageError

CONNECT_SECONDS = 5.0  # an unreachable scheduler is a usage error this fast
GPU_RESOURCE = "GPU"
_POLL_SECONDS = 1.0
_STOP_POLL_SECONDS = 1.0


class DaskExecutor:
    """Submit each job to a Dask scheduler and report results as they come back."""

    remote = True

    def __init__(self, client: Any, address: SchedulerAddress) -> None:
        self._client = client
        self._address = address

    @classmethod
    def connect(cls, address: SchedulerAddress) -> DaskExecutor:
        """Return an executor connected to ``address``; raise UsageError if it cannot be reached."""
        from distributed import Client

        try:
            client = Client(address, timeout=CONNECT_SECONDS, set_as_default=False)  # type: ignore[no-untyped-call]
        except (OSError, TimeoutError) as error:
            raise UsageError(
                f"cannot reach the Dask scheduler at {address} within {CONNECT_SECONDS:g} s "
                f"({type(error).__name__}); start one with 'dask scheduler' or fix --executor"
            ) from None
        return cls(client, address)

    def execute(self, jobs: Sequence[Job], done: Done) -> None:
        """Submit every job, then report each as it finishes; Ctrl-C cancels what is left."""
        stop_name = f"glossgraph-stop-{uuid.uuid4().hex}"
        gpu_workers = self._gpu_workers()
        futures: dict[Any, Job] = {}
        try:
            for job in jobs:
                if job.device_class == "cuda" and not gpu_workers:
                    done(job, failed(job, self._no_gpu()))
                    continue
                futures[self._submit(job, stop_name)] = job
            self._gather(futures, done)
        except BaseException:
            self._stop(futures, stop_name)
            raise

    def close(self) -> None:
        """Disconnect from the scheduler (a lost one is not waited for long)."""
        with contextlib.suppress(Exception):
            self._client.close(timeout=CONNECT_SECONDS)

    def _gpu_workers(self) -> list[str]:
        workers = self._client.scheduler_info(n_workers=-1).get("workers", {})
        return [
            address
            for address, info in workers.items()
            if (info.get("resources") or {}).get(GPU_RESOURCE, 0) >= 1
        ]

    def _no_gpu(self) -> str:
        return (
            f"the demo needs a GPU (device: cuda), but no worker of the Dask cluster at "
            f"{self._address} offers the resource {GPU_RESOURCE}; start GPU workers with "
            f"'dask worker {self._address} --resources {GPU_RESOURCE}=1'"
        )

    def _submit(self, job: Job, stop_name: str) -> Any:
        limits = (
            job.limits.timeout,
            job.limits.output_bytes,
            job.limits.output_messages,
            job.limits.memory,
        )
        return self._client.submit(
            run_task,
            _notebook_json(job.notebook),
            dict(job.reads),
            limits,
            job.device_class,
            stop_name,
            key=f"glossgraph-{job.id}-{uuid.uuid4().hex[:12]}",
            resources={GPU_RESOURCE: 1} if job.device_class == "cuda" else None,
            retries=1,
            pure=False,
        )

    def _gather(self, futures: Mapping[Any, Job], done: Done) -> None:
        ready = threading.Event()
        for future in futures:
            future.add_done_callback(lambda _: ready.set())
        pending = set(futures)
        while pending:
            ready.wait(_POLL_SECONDS)
            ready.clear()  # a future finishing after this is seen below or wakes the next wait
            finished = {f for f in pending if f.done()}
            if not finished and self._client.status in ("closing", "closed"):
                finished = set(pending)  # the client gave up on the scheduler
            for future in finished:
                done(futures[future], self._outcome(future, futures[future]))
            pending -= finished

    def _outcome(self, future: Any, job: Job) -> Execution:
        """Return what a finished (or abandoned) future means for its demo."""
        if future.status == "finished":
            try:
                return _execution(future.result())
            except Exception as error:  # the scheduler went away between done and result
                return failed(job, f"its result could not be fetched: {_reason(error)}")
        if future.status == "error":
            return failed(job, f"the Dask task failed: {_reason(future.exception())}")
        return failed(
            job,
            f"the Dask scheduler at {self._address} was lost before the demo finished "
            "(not run; build again once the cluster is back)",
        )

    def _stop(self, futures: Mapping[Any, Job], stop_name: str) -> None:
        """Tell running tasks to kill their kernels, and cancel the rest."""
        from distributed import Event

        with contextlib.suppress(Exception):
            Event(stop_name, client=self._client).set()  # type: ignore[no-untyped-call]
        with contextlib.suppress(Exception):
            self._client.cancel(list(futures), force=True)


def failed(job: Job, reason: str) -> Execution:
    """Return the execution of a demo the cluster did not (or could not) run to the end."""
    return Execution(DemoStatus.DIED, not_run_record(), job.notebook, reason)


def _reason(error: BaseException | None) -> str:
    if error is None:
        return "no reason given"
    name = type(error).__name__
    if name == "KilledWorker":  # the scheduler's own words name the task and the worker
        return f"the worker running it died, and again after a retry ({error})"
    return f"{name}: {error}"


def _notebook_json(notebook: Any) -> str:
    import nbformat

    text: str = nbformat.writes(notebook)  # type: ignore[no-untyped-call]
    return text


def _execution(payload: Mapping[str, Any]) -> Execution:
    import nbformat

    notebook = nbformat.reads(payload["notebook"], as_version=4)  # type: ignore[no-untyped-call]
    record = RunRecord.from_json(payload["record"])
    return Execution(DemoStatus(payload["status"]), record, notebook, payload["error"])


def run_task(
    notebook_json: str,
    reads: Mapping[str, bytes],
    limits: tuple[float, int, int, int | float | None],
    device_class: str,
    stop_name: str,
) -> dict[str, Any]:
    """Execute one demo on this worker and return its outcome as plain values (runs remotely)."""
    import nbformat

    notebook = nbformat.reads(notebook_json, as_version=4)  # type: ignore[no-untyped-call]
    stop = threading.Event()
    finished = threading.Event()
    event = _stop_event(stop_name)
    if event is not None:
        watcher = threading.Thread(target=_watch, args=(event, stop, finished), daemon=True)
        watcher.start()
    cuda_visible = "" if device_class == "cpu" else None  # a GPU worker's own device
    worker, parallel = _this_worker()
    threads = kernel_threads(parallel, cpu_count())
    try:
        run = execute_notebook(notebook, reads, Limits(*limits), cuda_visible, stop, threads)
    finally:
        finished.set()
    record = dataclasses.replace(run.record, worker=worker)
    return {
        "notebook": nbformat.writes(run.notebook),  # type: ignore[no-untyped-call]
        "status": run.status.value,
        "record": record.to_json(),
        "error": run.error,
    }


def _this_worker() -> tuple[str | None, int]:
    """Return this worker's address and how many tasks it runs at once (its threads)."""
    try:
        from distributed import get_worker

        worker = get_worker()
    except Exception:  # not inside a worker (a test calling the task directly)
        return None, 1
    return str(worker.address), int(getattr(worker.state, "nthreads", 1))


def _stop_event(stop_name: str) -> Any:
    """Return the run's stop event as seen from this task, or None if it cannot be reached."""
    try:
        from distributed import Event, get_client

        return Event(stop_name, client=get_client())  # type: ignore[no-untyped-call]
    except Exception:  # no way to hear the client: the demo keeps its own time limit
        return None


def _watch(event: Any, stop: threading.Event, finished: threading.Event) -> None:
    """Set ``stop`` when the client sets the run's stop event (Ctrl-C on the client)."""
    while not finished.wait(_STOP_POLL_SECONDS):
        with contextlib.suppress(Exception):
            if event.is_set():
                stop.set()
                return
