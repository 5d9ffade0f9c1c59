"""Execute one demo notebook on a fresh ipykernel and turn every fault into a result.

The kernel is the current interpreter's ipykernel, reached over IPC sockets,
started through ``launch.py`` in a session of its own, in a fresh temporary
working directory, with its standard streams on /dev/null (so nothing it
leaves behind holds the build's output open). The time limit covers the
whole demo (from the moment its kernel is ready), not each cell. When the
demo ends its process group is killed, then anything else started with its
token (``reaper``), then its folder is removed (``workdir``); what goes wrong
there makes the demo fail, never the build. Device details are asked of the
kernel after the demo's cells by a silent request, so the shown notebook gets
no extra cell. The kernel's memory limit and thread counts come from
``resources``: the limit is applied to kernels that cannot see a GPU, and a
demo that hits it fails as out of memory.
"""

from __future__ import annotations

import ast
import asyncio
import atexit
import contextlib
import json
import os
import re
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from generator.demos import reaper
from generator.demos.capped import OutputLimits, make_client
from generator.demos.keys import KERNEL_NAME, PLOT_SETTINGS, executed_cells
from generator.demos.model import DemoStatus, Obtained, RunRecord, cpu_count
from generator.demos.resources import (
    MEMORY_VARIABLE,
    MemoryLimit,
    describe_memory,
    memory_bytes,
    memory_variables,
    thread_variables,
)
from generator.demos.workdir import RunFolder, make_run_folder, remove_run_folder

_LAUNCHER = str(Path(__file__).with_name("launch.py"))
_ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]")
_POLL_SECONDS = 0.1
_INTERRUPT_GRACE_SECONDS = 2.0
# How torch and C libraries (errno ENOMEM) word a refused allocation; a full GPU is not this.
_ALLOCATION_REFUSED = ("can't allocate memory", "Cannot allocate memory")
_PROBE = """(lambda sys, md: __import__("json").dumps((lambda t: {
    "device": t.cuda.get_device_name() if t else "CPU",
    "peak": int(t.cuda.max_memory_allocated()) if t else None,
    "torch": getattr(sys.modules.get("torch"), "__version__", None)
        or next((d.version for d in md.distributions(name="torch")), None),
})((lambda t: t if t is not None and t.cuda.is_initialized() else None)(
    sys.modules.get("torch")))))(__import__("sys"), __import__("importlib.metadata").metadata)"""


@dataclass(frozen=True, slots=True)
class Limits:
    """How long a demo may run, how much output it may send, and how much memory it may map."""

    timeout: float
    output_bytes: int
    output_messages: int
    memory: MemoryLimit = None


@dataclass(frozen=True, slots=True)
class Execution:
    """What one execution produced, before it becomes a DemoResult."""

    status: DemoStatus
    record: RunRecord
    notebook: Any
    error: str | None


def strip_ansi(text: str) -> str:
    """Return ``text`` without terminal colour codes."""
    return _ANSI.sub("", text)


def kernel_env(
    cuda_visible: str | None, token: str, threads: int, memory: int | None
) -> dict[str, str]:
    """Return the kernel's environment: ours, inline figures, GPUs, threads, memory, run token."""
    env = dict(os.environ)
    env["MPLBACKEND"] = "module://matplotlib_inline.backend_inline"
    env[reaper.TOKEN_VARIABLE] = token
    env.pop("JPY_PARENT_PID", None)
    env.pop(MEMORY_VARIABLE, None)
    if cuda_visible is not None:
        env["CUDA_VISIBLE_DEVICES"] = cuda_visible
    env.update(thread_variables(threads, os.environ))
    env.update(memory_variables(memory, os.environ))
    return env


def kernel_memory(limits: Limits, cuda_visible: str | None) -> int | None:
    """Return the kernel's address-space limit in bytes: none for a kernel that may see a GPU."""
    return memory_bytes(limits.memory) if cuda_visible == "" else None


def execute_notebook(
    notebook: Any,
    reads: Mapping[str, bytes],
    limits: Limits,
    cuda_visible: str | None,
    stop: threading.Event | None = None,
    threads: int | None = None,
) -> Execution:
    """Run every code cell of ``notebook`` (modified in place) and return the outcome.

    ``reads`` are the files the demo reads, as already read by the caller.
    Setting ``stop`` (from another thread) kills the kernel; the demo then counts as died.
    ``threads`` is the kernel's share of the CPUs (default: all of them).
    """
    try:
        folder = make_run_folder(reads)
    except OSError as error:
        return _not_started(notebook, f"cannot make the demo's temporary folder: {error}")
    token = reaper.new_token()
    memory = kernel_memory(limits, cuda_visible)
    env = kernel_env(cuda_visible, token, threads or cpu_count(), memory)
    session = _Session(notebook, folder, limits, env, memory)
    session.stop = stop or threading.Event()
    try:
        execution = asyncio.run(session.run())
    finally:
        leftovers = reaper.kill_leftovers(token, session.group)
        try:
            tampered = remove_run_folder(folder)
        except OSError as error:
            tampered = f"its temporary folder could not be removed: {error}"
    return _with_faults(execution, leftovers, tampered)


def _with_faults(execution: Execution, leftovers: int, tampered: str | None) -> Execution:
    """Return ``execution`` failed if the demo left processes behind or tampered with its folder."""
    faults = []
    if leftovers > 0:
        faults.append(f"the demo left {leftovers} process(es) running after it ended; killed")
    if tampered:
        faults.append(tampered)
    if not faults:
        return execution
    text = "\n".join(filter(None, [execution.error, *faults]))
    status = DemoStatus.ERROR if execution.status is DemoStatus.OK else execution.status
    return Execution(status, execution.record, execution.notebook, text)


def _not_started(notebook: Any, message: str) -> Execution:
    return Execution(DemoStatus.DIED, _record({}, 0.0), notebook, message)


class _Session:
    """One kernel, one notebook, one deadline."""

    stop: threading.Event

    def __init__(
        self,
        notebook: Any,
        folder: RunFolder,
        limits: Limits,
        env: dict[str, str],
        memory: int | None,
    ) -> None:
        self.notebook = notebook
        self.folder = folder
        self.limits = limits
        self.env = env
        self.memory = memory
        self.group: int | None = None

    async def run(self) -> Execution:
        from jupyter_client.manager import AsyncKernelManager

        km = AsyncKernelManager(
            kernel_name=KERNEL_NAME, transport="ipc", kernel_spec_manager=_own_kernel_specs()
        )
        km.connection_file = str(self.folder.kernel / "kernel.json")
        output = OutputLimits(self.limits.output_bytes, self.limits.output_messages)
        client = make_client(self.notebook, km, output)
        started = time.monotonic()
        probe: dict[str, Any] = {}
        quiet = {name: subprocess.DEVNULL for name in ("stdin", "stdout", "stderr")}
        try:
            async with client.async_setup_kernel(
                env=self.env, cwd=str(self.folder.work), cleanup_kc=True, **quiet
            ):
                self.group = getattr(km.provisioner, "pgid", None)
                started = time.monotonic()  # the limit is the demo's, not the kernel start's
                status, error = await self._run_cells(client, started + self.limits.timeout)
                if status in (DemoStatus.OK, DemoStatus.ERROR):
                    probe = await _probe(client)
                elif status in (DemoStatus.TIMEOUT, DemoStatus.OUTPUT_LIMIT):
                    await _stop_kernel(client, interrupt=status is DemoStatus.TIMEOUT)
        except Exception as failure:  # a kernel that cannot start is a failed demo, not a crash
            atexit.unregister(client._cleanup_kernel)  # nbclient leaves it set when start fails
            status, error = DemoStatus.DIED, self._start_failure(failure)
        seconds = round(time.monotonic() - started, 3)
        return Execution(status, _record(probe, seconds), self.notebook, error)

    async def _run_cells(self, client: Any, deadline: float) -> tuple[DemoStatus, str | None]:
        for count, (index, cell) in enumerate(executed_cells(self.notebook), start=1):
            task = asyncio.ensure_future(
                client.async_execute_cell(cell, index, execution_count=count)
            )
            status, error = await self._supervise(client, task, cell, deadline)
            if status is not DemoStatus.OK:
                return status, error
        return DemoStatus.OK, None

    async def _supervise(
        self, client: Any, task: asyncio.Future[Any], cell: Any, deadline: float
    ) -> tuple[DemoStatus, str | None]:
        from nbclient.exceptions import CellExecutionError, DeadKernelError

        while not task.done():
            if self.stop.is_set():
                await _cancel(task)
                return DemoStatus.DIED, "interrupted: the run was stopped"
            if client.gg_over_limit is not None:
                await _cancel(task)
                return DemoStatus.OUTPUT_LIMIT, client.gg_over_limit
            if time.monotonic() > deadline:
                await _cancel(task)
                timeout = self.limits.timeout
                return DemoStatus.TIMEOUT, f"demo ran past its time limit of {timeout:g} s"
            await asyncio.wait({task}, timeout=_POLL_SECONDS)
        if client.gg_over_limit is not None:
            # The cell may finish between the message that passes the limit and the
            # next look at it: its output was cut all the same, so the demo failed.
            return DemoStatus.OUTPUT_LIMIT, client.gg_over_limit
        failure = task.exception()
        if failure is None:
            return DemoStatus.OK, None
        if isinstance(failure, CellExecutionError):
            if _out_of_memory(cell):
                return DemoStatus.OUT_OF_MEMORY, self._memory_text()
            return DemoStatus.ERROR, _traceback_text(cell)
        if isinstance(failure, DeadKernelError):
            died = "the kernel died while running this cell"
            if self.memory is not None:  # a C library may abort when an allocation fails
                died += f" (perhaps out of memory: limit {describe_memory(self.memory)})"
            return DemoStatus.DIED, died
        return DemoStatus.DIED, f"{type(failure).__name__}: {failure}"

    def _start_failure(self, failure: Exception) -> str:
        text = f"kernel failed: {type(failure).__name__}: {failure}"
        if self.memory is not None:
            limit = describe_memory(self.memory)
            text += f" (a memory limit of {limit} may be too small to start it)"
        return text

    def _memory_text(self) -> str:
        if self.memory is None:
            return "ran out of memory (no limit was set: the machine's memory ran out)"
        return (
            f"ran out of memory (limit {describe_memory(self.memory)}); "
            "raise it with --memory-limit or the memory_limit option"
        )


def _out_of_memory(cell: Any) -> bool:
    """Return whether the cell failed because an allocation was refused."""
    for output in cell.get("outputs", []):
        if output.get("output_type") == "error":
            name, value = str(output.get("ename", "")), str(output.get("evalue", ""))
            return "MemoryError" in name or any(text in value for text in _ALLOCATION_REFUSED)
    return False


def _own_kernel_specs() -> Any:
    """Return a spec manager whose python3 kernel is this interpreter's ipykernel.

    The kernel gets our figure settings on its command line (they are part of the cache key).
    """
    from jupyter_client.kernelspec import KernelSpec, KernelSpecManager

    class OwnInterpreter(KernelSpecManager):
        def get_kernel_spec(self, kernel_name: str) -> KernelSpec:
            return KernelSpec(
                argv=[sys.executable, "-P", _LAUNCHER, "-f", "{connection_file}", *PLOT_SETTINGS],
                display_name="Python 3 (glossgraph)",
                language="python",
                metadata={"debugger": False},
            )

    return OwnInterpreter()


async def _cancel(task: asyncio.Future[Any]) -> None:
    task.cancel()
    with contextlib.suppress(BaseException):  # the task's own failure no longer matters
        await asyncio.wait_for(task, timeout=_INTERRUPT_GRACE_SECONDS)


async def _stop_kernel(client: Any, interrupt: bool) -> None:
    """Interrupt the kernel (for a timeout), then kill it."""
    km = client.km
    if km is None:
        return
    try:
        if interrupt:
            await km.interrupt_kernel()
            await asyncio.sleep(0.2)
        await km.shutdown_kernel(now=True)
    except Exception:  # the kernel may already be gone
        pass


async def _probe(client: Any) -> dict[str, Any]:
    """Ask the kernel which device it used, its torch version and peak GPU memory."""
    try:
        msg_id = client.kc.execute(
            "", silent=True, store_history=False, user_expressions={"gg": _PROBE}
        )
        reply = await asyncio.wait_for(client.async_wait_for_reply(msg_id), timeout=30)
        value = reply["content"]["user_expressions"]["gg"]["data"]["text/plain"]
        data = _unrepr(value)
    except Exception:
        return {}
    return data if isinstance(data, dict) else {}


def _unrepr(value: str) -> Any:
    """Return the JSON value inside the repr of a str the kernel sent back."""
    return json.loads(ast.literal_eval(value))


def _record(probe: Mapping[str, Any], seconds: float) -> RunRecord:
    peak = probe.get("peak")
    torch_version = probe.get("torch")
    return RunRecord(
        device=str(probe.get("device", "CPU")),
        torch_version=str(torch_version) if torch_version else None,
        seconds=seconds,
        peak_gpu_memory=int(peak) if isinstance(peak, int) else None,
        finished_at=datetime.now(UTC).isoformat(timespec="seconds"),
        obtained=Obtained.EXECUTED,
        host=socket.gethostname(),
    )


def _traceback_text(cell: Any) -> str:
    """Return the ANSI-stripped traceback of the cell's error output."""
    for output in cell.get("outputs", []):
        if output.get("output_type") == "error":
            lines = output.get("traceback") or [f"{output.get('ename')}: {output.get('evalue')}"]
            return strip_ansi("\n".join(lines))
    return "the cell raised an error"
