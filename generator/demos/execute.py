"""Execute one demo notebook on a fresh ipykernel and turn every fault into a result.

The kernel is the current interpreter's ipykernel, reached over IPC sockets,
started in a fresh temporary working directory. The time limit covers the
whole demo (from the moment its kernel is ready), not each cell. Device
details are asked of the kernel after the demo's cells by a silent request,
so the shown notebook gets no extra cell.
"""

from __future__ import annotations

import ast
import asyncio
import contextlib
import json
import os
import re
import shutil
import sys
import tempfile
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from generator.demos.keys import KERNEL_NAME
from generator.demos.model import DemoStatus, Obtained, RunRecord

_ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]")
_POLL_SECONDS = 0.1
_INTERRUPT_GRACE_SECONDS = 2.0
_PROBE = """(lambda sys, md: __import__("json").dumps((lambda t: {
    "device": t.cuda.get_device_name() if t else "CPU",
    "peak": int(t.cuda.max_memory_allocated()) if t else None,
    "torch": getattr(sys.modules.get("torch"), "__version__", None)
        or next((d.version for d in md.distributions(name="torch")), None),
})((lambda t: t if t is not None and t.cuda.is_initialized() else None)(
    sys.modules.get("torch")))))(__import__("sys"), __import__("importlib.metadata").metadata)"""


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


def kernel_env(cuda_visible: str | None) -> dict[str, str]:
    """Return the kernel's environment: ours, inline PNG figures, and the GPUs it may see."""
    env = dict(os.environ)
    env["MPLBACKEND"] = "module://matplotlib_inline.backend_inline"
    env.pop("JPY_PARENT_PID", None)
    if cuda_visible is not None:
        env["CUDA_VISIBLE_DEVICES"] = cuda_visible
    return env


def execute_notebook(
    notebook: Any,
    reads: Mapping[str, Path],
    timeout: float,
    output_cap: int,
    cuda_visible: str | None,
    stop: threading.Event | None = None,
) -> Execution:
    """Run every code cell of ``notebook`` (modified in place) and return the outcome.

    Setting ``stop`` (from another thread) kills the kernel; the demo then counts as died.
    """
    with (
        tempfile.TemporaryDirectory(prefix="gg-run-") as work,
        tempfile.TemporaryDirectory(prefix="gg-k-") as runtime,
    ):
        for name, source in reads.items():
            target = Path(work) / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
        session = _Session(notebook, Path(work), Path(runtime), timeout, output_cap, cuda_visible)
        session.stop = stop or threading.Event()
        return asyncio.run(session.run())


class _Session:
    """One kernel, one notebook, one deadline."""

    stop: threading.Event

    def __init__(
        self,
        notebook: Any,
        work: Path,
        runtime: Path,
        timeout: float,
        output_cap: int,
        cuda_visible: str | None,
    ) -> None:
        self.notebook = notebook
        self.work = work
        self.runtime = runtime
        self.timeout = timeout
        self.output_cap = output_cap
        self.env = kernel_env(cuda_visible)

    async def run(self) -> Execution:
        from jupyter_client.manager import AsyncKernelManager

        km = AsyncKernelManager(
            kernel_name=KERNEL_NAME, transport="ipc", kernel_spec_manager=_own_kernel_specs()
        )
        km.connection_file = str(self.runtime / "kernel.json")
        client = _make_client(self.notebook, km, self.output_cap)
        started = time.monotonic()
        probe: dict[str, Any] = {}
        try:
            async with client.async_setup_kernel(env=self.env, cwd=str(self.work), cleanup_kc=True):
                started = time.monotonic()  # the limit is the demo's, not the kernel start's
                status, error = await self._run_cells(client, started + self.timeout)
                if status in (DemoStatus.OK, DemoStatus.ERROR):
                    probe = await _probe(client)
                elif status in (DemoStatus.TIMEOUT, DemoStatus.OUTPUT_LIMIT):
                    await _stop_kernel(client, interrupt=status is DemoStatus.TIMEOUT)
        except Exception as failure:  # a kernel that cannot start is a failed demo, not a crash
            status, error = DemoStatus.DIED, f"kernel failed: {type(failure).__name__}: {failure}"
        seconds = round(time.monotonic() - started, 3)
        return Execution(status, _record(probe, seconds), self.notebook, error)

    async def _run_cells(self, client: Any, deadline: float) -> tuple[DemoStatus, str | None]:
        count = 0
        for index, cell in enumerate(self.notebook.cells):
            if cell.cell_type != "code" or not cell.source.strip():
                continue
            count += 1
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
            if client.gg_over_limit:
                await _cancel(task)
                return (
                    DemoStatus.OUTPUT_LIMIT,
                    f"output passed {self.output_cap} bytes; kernel stopped",
                )
            if time.monotonic() > deadline:
                await _cancel(task)
                return DemoStatus.TIMEOUT, f"demo ran past its time limit of {self.timeout:g} s"
            await asyncio.wait({task}, timeout=_POLL_SECONDS)
        failure = task.exception()
        if failure is None:
            return DemoStatus.OK, None
        if isinstance(failure, CellExecutionError):
            return DemoStatus.ERROR, _traceback_text(cell)
        if isinstance(failure, DeadKernelError):
            return DemoStatus.DIED, "the kernel died while running this cell"
        return DemoStatus.DIED, f"{type(failure).__name__}: {failure}"


def _own_kernel_specs() -> Any:
    """Return a spec manager whose python3 kernel is this interpreter's ipykernel."""
    from jupyter_client.kernelspec import KernelSpec, KernelSpecManager

    class OwnInterpreter(KernelSpecManager):
        def get_kernel_spec(self, kernel_name: str) -> KernelSpec:
            return KernelSpec(
                argv=[sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
                display_name="Python 3 (glossgraph)",
                language="python",
                metadata={"debugger": False},
            )

    return OwnInterpreter()


def _make_client(notebook: Any, km: Any, output_cap: int) -> Any:
    """Return an nbclient client that stops collecting output past ``output_cap`` bytes."""
    from nbclient import NotebookClient

    class CappedClient(NotebookClient):
        gg_over_limit = False
        gg_bytes = 0

        def output(self, outs: list[Any], msg: dict[str, Any], display_id: Any, index: int) -> Any:
            if self.gg_over_limit:
                return None
            size = len(json.dumps(msg.get("content", {})))
            if self.gg_bytes + size > output_cap:
                self.gg_over_limit = True
                outs.append(_cut_output(msg, output_cap - self.gg_bytes))
                return None
            self.gg_bytes += size
            return super().output(outs, msg, display_id, index)

    return CappedClient(
        notebook,
        km=km,
        timeout=None,
        allow_errors=False,
        shutdown_kernel="immediate",
        record_timing=False,
        iopub_timeout=10,
    )


def _cut_output(msg: dict[str, Any], room: int) -> Any:
    """Return a stream output with what fits of ``msg`` and a note that the rest was dropped."""
    from nbformat.v4 import new_output

    content = msg.get("content", {})
    text = str(content.get("text", "")) if msg.get("msg_type") == "stream" else ""
    kept = text[: max(room, 0)]
    note = "\n[output cut: the demo printed more than the output limit; the kernel was stopped]\n"
    name = content.get("name", "stdout")
    return new_output("stream", name=name, text=kept + note)  # type: ignore[no-untyped-call]


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
    )


def _traceback_text(cell: Any) -> str:
    """Return the ANSI-stripped traceback of the cell's error output."""
    for output in cell.get("outputs", []):
        if output.get("output_type") == "error":
            lines = output.get("traceback") or [f"{output.get('ename')}: {output.get('evalue')}"]
            return strip_ansi("\n".join(lines))
    return "the cell raised an error"
