"""``run_demos``: plan each demo (frozen, cached or to execute), execute in parallel, report.

Every demo ends as a DemoResult: a bad header or a missing file is a failed
result too, never an exception. Only ``--device cuda`` without a GPU stops the
run, as a UsageError, before anything runs.
"""

from __future__ import annotations

import queue
import sys
import threading
from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

from generator.demos import cache
from generator.demos.devices import device_class, visible_gpus, worker_gpus
from generator.demos.execute import execute_notebook
from generator.demos.freeze import default_frozen_dir, frozen_code_hash, frozen_path
from generator.demos.keys import cache_key, code_hash, installed_torch_version
from generator.demos.model import (
    NOT_RUN,
    DemoResult,
    DemoRun,
    DemoStatus,
    Obtained,
    RunOptions,
    RunRecord,
    cpu_count,
)
from generator.demos.progress import Progress
from generator.demos.spec import DEFAULT_TIMEOUT, DemoSpec, parse_demo
from generator.model import DemoId, Severity


@dataclass(frozen=True, slots=True)
class _Plan:
    """A demo whose spec is sound, with the hashes that find its stored results."""

    spec: DemoSpec
    code: str
    key: str


@dataclass(frozen=True, slots=True)
class _Context:
    """What every demo of one run shares."""

    demos_dir: Path
    options: RunOptions
    frozen_dir: Path
    device_cls: str
    gpus: tuple[str, ...]
    torch_version: str


def run_demos(demo_ids: Iterable[DemoId], demos_dir: Path, options: RunOptions) -> DemoRun:
    """Return a result for every demo: frozen, cached or freshly executed."""
    return run_with(demo_ids, demos_dir, options, use_frozen=True)


def run_with(
    demo_ids: Iterable[DemoId], demos_dir: Path, options: RunOptions, use_frozen: bool
) -> DemoRun:
    """Run the demos; ``use_frozen=False`` ignores frozen outputs (for ``freeze`` itself)."""
    ids = list(dict.fromkeys(demo_ids))
    ctx = _context(demos_dir, options)
    progress = Progress(options.progress, len(ids))
    results: dict[DemoId, DemoResult] = {}
    pending: list[_Plan] = []
    for demo_id in ids:
        plan_or_result = _plan(demo_id, ctx)
        if isinstance(plan_or_result, _Plan):
            found = _stored(plan_or_result, ctx, use_frozen)
            if found is None:
                pending.append(plan_or_result)
                continue
            plan_or_result = found
        results[demo_id] = plan_or_result
        progress.done(plan_or_result)
    results.update(_execute_all(pending, ctx, progress))
    progress.close()
    return _collect(ids, results)


def _context(demos_dir: Path, options: RunOptions) -> _Context:
    gpus = visible_gpus()
    frozen = options.frozen_dir if options.frozen_dir is not None else default_frozen_dir(demos_dir)
    return _Context(
        demos_dir=demos_dir,
        options=options,
        frozen_dir=frozen,
        device_cls=device_class(options.device, gpus),
        gpus=tuple(gpus),
        torch_version=installed_torch_version(),
    )


def _plan(demo_id: DemoId, ctx: _Context) -> _Plan | DemoResult:
    path = ctx.demos_dir / f"{demo_id}.py"
    if not path.is_file():
        return failed_result(demo_id, f"no demo file {path}")
    spec, diagnostics = parse_demo(path, ctx.demos_dir)
    if spec is None:
        errors = [str(d) for d in diagnostics if d.severity is Severity.ERROR]
        return failed_result(demo_id, "\n".join(errors))
    try:
        code = code_hash(spec, ctx.demos_dir)
    except OSError as error:
        return failed_result(demo_id, f"cannot read a file the demo reads: {error}")
    return _Plan(spec, code, cache_key(code, ctx.torch_version, ctx.device_cls))


def _stored(plan: _Plan, ctx: _Context, use_frozen: bool) -> DemoResult | None:
    """Return a usable frozen or cached result for ``plan``, if there is one."""
    frozen = frozen_path(ctx.frozen_dir, plan.spec.id)
    if use_frozen and frozen_code_hash(frozen) == plan.code:
        result = cache.load_result(frozen, plan.spec.id, Obtained.FROZEN)
        if result is not None:
            return result
    if ctx.options.rerun:
        return None
    return cache.load_result(
        cache.entry_path(ctx.options.cache_dir, plan.key), plan.spec.id, Obtained.CACHED
    )


def _execute_all(plans: list[_Plan], ctx: _Context, progress: Progress) -> dict[DemoId, DemoResult]:
    if not plans:
        return {}
    jobs = max(1, min(ctx.options.jobs or cpu_count(), len(plans)))
    slots: queue.Queue[int] = queue.Queue()
    for slot in range(jobs):
        slots.put(slot)

    stop = threading.Event()

    def work(plan: _Plan) -> DemoResult:
        slot = slots.get()
        try:
            result = _execute(plan, ctx, slot, stop)
        finally:
            slots.put(slot)
        progress.done(result)
        return result

    pool = ThreadPoolExecutor(max_workers=jobs, thread_name_prefix="demo")
    try:
        return {result.id: result for result in pool.map(work, plans)}
    except BaseException:  # Ctrl-C: kill the running kernels, start no more
        stop.set()
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _execute(plan: _Plan, ctx: _Context, slot: int, stop: threading.Event) -> DemoResult:
    import jupytext

    spec = plan.spec
    try:
        notebook = jupytext.read(spec.path)
    except Exception as error:  # jupytext may reject odd content: a failed demo, not a crash
        return failed_result(spec.id, f"cannot read {spec.path} as a notebook: {error}")
    timeout = ctx.options.timeout or spec.timeout or DEFAULT_TIMEOUT
    reads = {name: ctx.demos_dir / name for name in spec.reads}
    cuda_visible = worker_gpus(ctx.device_cls, list(ctx.gpus), slot)
    run = execute_notebook(notebook, reads, timeout, ctx.options.output_cap, cuda_visible, stop)
    result = DemoResult(spec.id, run.status, run.record, run.notebook, run.error)
    cache.stamp(result, plan.code, plan.key)
    if stop.is_set():
        return result
    try:
        cache.store(ctx.options.cache_dir, plan.key, result)
    except OSError as error:
        print(f"glossgraph: warning: cannot write the demo cache: {error}", file=sys.stderr)
    return result


def failed_result(demo_id: DemoId, message: str) -> DemoResult:
    """Return the result of a demo that could not be started at all."""
    from datetime import UTC, datetime

    from nbformat.v4 import new_notebook

    record = RunRecord(
        NOT_RUN, None, 0.0, None, datetime.now(UTC).isoformat(timespec="seconds"), Obtained.EXECUTED
    )
    notebook = new_notebook()  # type: ignore[no-untyped-call]
    return DemoResult(demo_id, DemoStatus.ERROR, record, notebook, message)


def _collect(ids: list[DemoId], results: Mapping[DemoId, DemoResult]) -> DemoRun:
    ordered = {demo_id: results[demo_id] for demo_id in ids}

    def having(obtained: Obtained) -> tuple[DemoId, ...]:
        return tuple(
            i
            for i, r in ordered.items()
            if r.record.obtained is obtained and r.record.device != NOT_RUN
        )

    return DemoRun(
        results=MappingProxyType(ordered),
        executed=having(Obtained.EXECUTED),
        cached=having(Obtained.CACHED),
        frozen=having(Obtained.FROZEN),
        failed=tuple(i for i, r in ordered.items() if not r.ok),
    )


def summary_lines(run: DemoRun) -> list[str]:
    """Return the end-of-run summary: counts, then each failure with its reason."""
    counts = (
        f"demos: {len(run.executed)} executed, {len(run.cached)} cached, "
        f"{len(run.frozen)} frozen, {len(run.failed)} failed"
    )
    if run.failed:
        reasons = ", ".join(f"{i}: {run.results[i].status}" for i in run.failed)
        counts += f" ({reasons})"
    return [counts]
