"""``run_demos``: plan each demo (frozen, cached or to execute), execute in parallel, report.

Planning reads each demo once (``load_source``); the key, the lookup, the
execution and the stored entry all use that one reading. Every demo ends as a
DemoResult: a bad header or a missing file is a failed result too, never an
exception. A damaged stored entry is a warning and a miss. Only
``--device cuda`` without a GPU stops the run, as a UsageError, before
anything runs.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

from generator.demos import cache
from generator.demos.devices import device_class, visible_gpus, worker_gpus
from generator.demos.execute import Limits, execute_notebook
from generator.demos.freeze import default_frozen_dir, frozen_path
from generator.demos.keys import cache_key, installed_torch_version
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
from generator.demos.source import DemoSource, Unrunnable, load_source
from generator.demos.spec import DEFAULT_TIMEOUT
from generator.model import DemoId
from generator.slugs import is_valid_key


@dataclass(frozen=True, slots=True)
class _Plan:
    """A demo read once, with the key that finds (and stores) its result."""

    source: DemoSource
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
    warnings: list[str] = []
    pending: list[_Plan] = []
    for demo_id in ids:
        plan_or_result = _plan(demo_id, ctx)
        if isinstance(plan_or_result, _Plan):
            found = _stored(plan_or_result, ctx, use_frozen, warnings)
            if found is None:
                pending.append(plan_or_result)
                continue
            plan_or_result = found
        results[demo_id] = plan_or_result
        progress.done(plan_or_result)
    results.update(_execute_all(pending, ctx, progress, warnings))
    progress.close()
    return _collect(ids, results, warnings)


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
    if not is_valid_key(demo_id):  # an id is never a path before it is checked
        return failed_result(demo_id, f"'{demo_id}' is not a demo id")
    path = ctx.demos_dir / f"{demo_id}.py"
    if not path.is_file():
        return failed_result(demo_id, f"no demo file {path}")
    source = load_source(path, ctx.demos_dir)
    if isinstance(source, Unrunnable):
        return failed_result(demo_id, source.message)
    return _Plan(source, cache_key(source.code, ctx.torch_version, ctx.device_cls))


def _stored(
    plan: _Plan, ctx: _Context, use_frozen: bool, warnings: list[str]
) -> DemoResult | None:
    """Return a usable frozen or cached result for ``plan``, if there is one."""
    demo_id = plan.source.spec.id
    if use_frozen:
        path = frozen_path(ctx.frozen_dir, demo_id)
        frozen = cache.read_entry(path, demo_id, Obtained.FROZEN)
        _note(frozen, path, "frozen output", warnings)
        if frozen.result is not None and frozen.code == plan.source.code:
            return frozen.result
    if ctx.options.rerun:
        return None
    cached = cache.load_cached(ctx.options.cache_dir, plan.key, demo_id)
    _note(cached, cache.entry_path(ctx.options.cache_dir, plan.key), "cache entry", warnings)
    return cached.result


def _note(loaded: cache.Loaded, path: Path, what: str, warnings: list[str]) -> None:
    if loaded.problem is not None:
        warnings.append(f"{what} {path} is damaged: {loaded.problem}; not used")


def _execute_all(
    plans: list[_Plan], ctx: _Context, progress: Progress, warnings: list[str]
) -> dict[DemoId, DemoResult]:
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
            result = _execute(plan, ctx, slot, stop, warnings)
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


def _execute(
    plan: _Plan, ctx: _Context, slot: int, stop: threading.Event, warnings: list[str]
) -> DemoResult:
    source = plan.source
    spec = source.spec
    timeout = ctx.options.timeout or spec.timeout or DEFAULT_TIMEOUT
    cuda_visible = worker_gpus(ctx.device_cls, list(ctx.gpus), slot)
    limits = Limits(timeout, ctx.options.output_cap, ctx.options.output_messages)
    run = execute_notebook(source.notebook, source.reads, limits, cuda_visible, stop)
    result = DemoResult(spec.id, run.status, run.record, run.notebook, run.error)
    cache.stamp(result, _stamp(plan, ctx))
    if stop.is_set():
        return result
    try:
        cache.store(ctx.options.cache_dir, plan.key, result)
    except OSError as error:
        warnings.append(f"cannot write the demo cache: {error}")
    return result


def _stamp(plan: _Plan, ctx: _Context) -> cache.Stamp:
    return cache.Stamp(
        code=plan.source.code,
        key=plan.key,
        torch_version=ctx.torch_version,
        device_class=ctx.device_cls,
        read_digests=plan.source.read_digests,
        text_digest=plan.source.text_digest,
    )


def failed_result(demo_id: DemoId, message: str) -> DemoResult:
    """Return the result of a demo that could not be started at all."""
    from datetime import UTC, datetime

    from nbformat.v4 import new_notebook

    record = RunRecord(
        NOT_RUN, None, 0.0, None, datetime.now(UTC).isoformat(timespec="seconds"), Obtained.EXECUTED
    )
    notebook = new_notebook()  # type: ignore[no-untyped-call]
    return DemoResult(demo_id, DemoStatus.ERROR, record, notebook, message)


def _collect(
    ids: list[DemoId], results: Mapping[DemoId, DemoResult], warnings: list[str]
) -> DemoRun:
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
        warnings=tuple(warnings),
    )


def summary_lines(run: DemoRun) -> list[str]:
    """Return the end-of-run summary: counts, each failure with its reason, then warnings."""
    counts = (
        f"demos: {len(run.executed)} executed, {len(run.cached)} cached, "
        f"{len(run.frozen)} frozen, {len(run.failed)} failed"
    )
    if run.failed:
        reasons = ", ".join(f"{i}: {run.results[i].status}" for i in run.failed)
        counts += f" ({reasons})"
    return [counts, *(f"warning: {warning}" for warning in run.warnings)]
