"""The shipped demos through a 2-worker Dask LocalCluster against ``--jobs 2`` locally.

Starts one LocalCluster (two worker processes, one thread each, on
127.0.0.1), then alternates, ``--repeats`` times, executing every shipped demo
(or the ``--demos`` named) with two local kernels at a time and through the
cluster, each with ``--rerun`` and frozen outputs ignored, so every demo
executes every time. Prints each round, the medians side by side and their
ratio. The cluster's start-up is timed apart and not in either figure.

    .venv/bin/python bench/dask_vs_local.py [--repeats 1] [--demos ID ...]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from generator.demos import RunOptions, run_demos  # noqa: E402
from generator.demos.spec import demo_files  # noqa: E402
from generator.model import DemoId  # noqa: E402


def timed_run(ids: list[DemoId], options: RunOptions) -> tuple[float, str]:
    """Execute ``ids`` with ``options``; return wall seconds and a one-line outcome."""
    started = time.perf_counter()
    run = run_demos(ids, ROOT / "demos", options)
    seconds = time.perf_counter() - started
    failed = ", ".join(run.failed) or "none"
    return seconds, f"{len(run.executed)} executed, failed: {failed}"


def main() -> None:
    from distributed import LocalCluster

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--demos", nargs="*", metavar="ID", help="only these demos")
    args = parser.parse_args()
    ids = [DemoId(p.stem) for p in demo_files(ROOT / "demos")]
    if args.demos:
        ids = [DemoId(name) for name in args.demos]
    started = time.perf_counter()
    cluster = LocalCluster(
        n_workers=2,
        processes=True,
        threads_per_worker=1,
        host="127.0.0.1",
        dashboard_address=None,
    )
    print(f"cluster up in {time.perf_counter() - started:.1f} s; {len(ids)} demos", flush=True)
    address = f"dask://{cluster.scheduler_address.removeprefix('tcp://')}"
    samples: dict[str, list[float]] = {"local --jobs 2": [], "dask 2 workers": []}
    try:
        with tempfile.TemporaryDirectory(prefix="gg-dask-bench-") as scratch:
            base = RunOptions(
                rerun=True, cache_dir=Path(scratch) / "cache", frozen_dir=Path(scratch) / "none"
            )
            runs: dict[str, Callable[[], tuple[float, str]]] = {
                "local --jobs 2": lambda: timed_run(ids, _with(base, jobs=2)),
                "dask 2 workers": lambda: timed_run(ids, _with(base, executor=address)),
            }
            for repeat in range(args.repeats):
                for name, action in runs.items():
                    seconds, outcome = action()
                    samples[name].append(seconds)
                    print(f"{repeat + 1}: {name:<15} {seconds:6.1f} s  {outcome}", flush=True)
    finally:
        cluster.close()
    local, dask = (statistics.median(values) for values in samples.values())
    print(f"median: local --jobs 2 {local:.1f} s | dask 2 workers {dask:.1f} s")
    print(f"dask / local: {dask / local:.2f}")


def _with(options: RunOptions, **changes: object) -> RunOptions:
    import dataclasses

    return dataclasses.replace(options, **changes)  # type: ignore[arg-type]


if __name__ == "__main__":
    main()
