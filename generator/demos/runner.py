"""``run_demos``: plan each demo (frozen, cached or to execute), execute in parallel, report.

Planning reads each demo once (``load_source``); the key, the lookup, the
execution and the stored entry all use that one reading. Every demo ends as a
DemoResult: a bad header or a missing file is a failed result too, never an
exception. A damaged stored entry is a warning and a miss. Only
``--device cuda`` without a GPU stops the run, as a UsageError, before
anything runs. A demo's time limit is its header's ``timeout``, else the
run's (``--timeout`` or the plugin's ``timeout:``), else DEFAULT_TIMEOUT. A
frozen output older than its demo's code is not shown; the result that is
shown carries the frozen record as ``superseded``, so the page can say so.
"""

from __future__ import annotations

import dataclasses
import threading
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

from generator.demos import cache
from generator.demos.devices import device_class, visible_gpus
from generator.demos.execute import Execution, Limits
from generator.demos.executors import Job, check_executor, open_executor
from generator.demos.freeze import default_frozen_dir, frozen_path
from generator.demos.keys import cache_key, installed_torch_version
from generator.demos.model import (
    NOT_RUN,
    DemoResult,
    DemoRun,
    DemoStatus,
    Device,
    Obtained,
    RunOptions,
    not_run_record,
)
from generator.demos.progress import Progress
from generator.demos.source import DemoSource, Unrunnable, load_source
from generator.demos.spec import DEFAULT_TIMEOUT, DemoSpec
from generator.model import DemoId
from generator.slugs import is_valid_key


@dataclass(frozen=True, slots=True)
class _Plan:
    """A demo read once, with the key that finds (and stores) its result."""

    source: DemoSource
    key: str
    device_cls: str


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
    stale: dict[DemoId, DemoResult] = {}
    for demo_id in ids:
        plan_or_result = _plan(demo_id, ctx)
        if isinstance(plan_or_result, _Plan):
            found = _stored(plan_or_result, ctx, use_frozen, warnings, stale)
            if found is None:
                pending.append(plan_or_result)
                continue
            plan_or_result = found
        results[demo_id] = plan_or_result
        progress.done(plan_or_result)
    executed, remote = _execute_all(pending, ctx, progress, warnings)
    results.update(executed)
    progress.close()
    for demo_id, frozen in stale.items():
        results[demo_id] = dataclasses.replace(results[demo_id], superseded=frozen.record)
    return dataclasses.replace(_collect(ids, results, warnings, remote), stale=tuple(stale))


def _context(demos_dir: Path, options: RunOptions) -> _Context:
    frozen = options.frozen_dir if options.frozen_dir is not None else default_frozen_dir(demos_dir)
    if options.executor is not None:  # the cluster's GPUs, not ours, decide where demos go
        check_executor(options.executor)
        gpus: list[str] = []
        device_cls = "cuda" if options.device is Device.CUDA else "cpu"
    else:
        gpus = visible_gpus()
        device_cls = device_class(options.device, gpus)
    return _Context(
        demos_dir=demos_dir,
        options=options,
        frozen_dir=frozen,
        device_cls=device_cls,
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
    device_cls = _demo_device(source, ctx)
    if device_cls is None:
        return failed_result(demo_id, _no_gpu_reason(path, ctx))
    return _Plan(source, cache_key(source.code, ctx.torch_version, device_cls), device_cls)


def _demo_device(source: DemoSource, ctx: _Context) -> str | None:
    """Return the device class the demo runs with, or None when it needs a GPU it cannot get."""
    if not source.spec.needs_gpu:
        return ctx.device_cls
    if ctx.options.executor is not None:  # the cluster is asked for a GPU worker at submit
        return "cuda"
    return "cuda" if ctx.device_cls == "cuda" else None


def _no_gpu_reason(path: Path, ctx: _Context) -> str:
    cpu_only = ctx.options.device is Device.CPU
    hidden = "--device cpu hides the GPUs" if cpu_only else "no GPU is visible"
    return f"{path}: the demo's header asks for device: cuda, but {hidden} (nvidia-smi -L)"


def _stored(
    plan: _Plan,
    ctx: _Context,
    use_frozen: bool,
    warnings: list[str],
    stale: dict[DemoId, DemoResult],
) -> DemoResult | None:
    """Return a usable frozen or cached result for ``plan``, if there is one.

    A frozen output made from other code is put in ``stale`` and not used.
    """
    demo_id = plan.source.spec.id
    if use_frozen:
        path = frozen_path(ctx.frozen_dir, demo_id)
        frozen = cache.read_entry(path, demo_id, Obtained.FROZEN)
        _note(frozen, path, "frozen output", warnings)
        if frozen.result is not None and frozen.code == plan.source.code:
            return frozen.result
        if frozen.result is not None:
            stale[demo_id] = frozen.result
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
) -> tuple[dict[DemoId, DemoResult], bool]:
    """Execute ``plans``; return their results and whether they ran on a cluster."""
    if not plans:
        return {}, False
    by_id = {plan.source.spec.id: plan for plan in plans}
    results: dict[DemoId, DemoResult] = {}
    lock = threading.Lock()

    def done(job: Job, execution: Execution) -> None:
        result = _keep(by_id[job.id], execution, ctx, warnings)
        with lock:
            results[job.id] = result
        progress.done(result)

    executor = open_executor(ctx.options, ctx.gpus)
    try:
        executor.execute([_job(plan, ctx) for plan in plans], done)
    finally:
        executor.close()
    return results, executor.remote


def _job(plan: _Plan, ctx: _Context) -> Job:
    source = plan.source
    options = ctx.options
    limits = Limits(
        demo_timeout(source.spec, options),
        options.output_cap,
        options.output_messages,
        options.memory_limit,
    )
    return Job(source.spec.id, source.notebook, source.reads, limits, plan.device_cls)


def demo_timeout(spec: DemoSpec, options: RunOptions) -> float:
    """Return a demo's time limit: its header's, else the run's, else DEFAULT_TIMEOUT."""
    if spec.timeout is not None:
        return spec.timeout
    return options.timeout if options.timeout is not None else DEFAULT_TIMEOUT


def _keep(plan: _Plan, run: Execution, ctx: _Context, warnings: list[str]) -> DemoResult:
    """Return the executed demo as a result, stamped and stored (only good runs as entries)."""
    result = DemoResult(plan.source.spec.id, run.status, run.record, run.notebook, run.error)
    cache.stamp(result, _stamp(plan, ctx))
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
        device_class=plan.device_cls,
        read_digests=plan.source.read_digests,
        text_digest=plan.source.text_digest,
    )


def failed_result(demo_id: DemoId, message: str) -> DemoResult:
    """Return the result of a demo that could not be started at all."""
    from nbformat.v4 import new_notebook

    notebook = new_notebook()  # type: ignore[no-untyped-call]
    return DemoResult(demo_id, DemoStatus.ERROR, not_run_record(), notebook, message)


def _collect(
    ids: list[DemoId], results: Mapping[DemoId, DemoResult], warnings: list[str], remote: bool
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
        hosts=_hosts(ordered.values()) if remote else (),
    )


def _hosts(results: Iterable[DemoResult]) -> tuple[tuple[str, int], ...]:
    """Return how many demos each host executed, busiest first."""
    counts = Counter(
        r.record.host or "unknown host"
        for r in results
        if r.record.obtained is Obtained.EXECUTED and r.record.device != NOT_RUN
    )
    return tuple(sorted(counts.items(), key=lambda item: (-item[1], item[0])))


def summary_lines(run: DemoRun) -> list[str]:
    """Return the end-of-run summary: counts, each failure with its reason, then warnings."""
    counts = (
        f"demos: {len(run.executed)} executed, {len(run.cached)} cached, "
        f"{len(run.frozen)} frozen, {len(run.failed)} failed"
    )
    if run.failed:
        reasons = ", ".join(f"{i}: {run.results[i].status}" for i in run.failed)
        counts += f" ({reasons})"
    if run.hosts:
        counts += "; ran on " + ", ".join(f"{host}: {n}" for host, n in run.hosts)
    notes = [
        f"note: the frozen output of {demo_id} is older than its code and is not shown; "
        f"freeze it again with 'glossgraph freeze {demo_id}' where it can run as frozen"
        for demo_id in run.stale
    ]
    return [counts, *notes, *(f"warning: {warning}" for warning in run.warnings)]
