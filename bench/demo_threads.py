"""The shipped demos with thread counts set in each demo (before) or by the executor (after).

"Before" is simulated, not checked out: a copy of the shipped demos with
``torch.set_num_threads(1)`` put back after ``torch.manual_seed(0)`` in every
demo that carried it (all but matmul-throughput), run with the executor's
thread variables switched off (``execute.thread_variables`` replaced by one
that sets nothing), so each kernel starts with torch's own default and the
demo then drops to one thread. "After" is the shipped demos as they are, with
the executor setting ``cpus // jobs`` threads. Both run every demo on a fresh
kernel (``--rerun``, frozen outputs ignored), at ``--jobs 1`` and ``--jobs 2``,
interleaved round by round: the first ``2 * demos`` shipped demos by id
(``--quick`` takes 4, a full run 16), under a 600 s run time limit so that a
crowded shared machine slows a demo without failing it.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from unittest import mock

from harness import ROOT, Figure, MeasureFailed, Sizes, interleaved, need, scratch

THREAD_LINE = "torch.set_num_threads(1)  # the line every demo but one carried"
SEED_LINE = "torch.manual_seed(0)"
NEVER_HAD_IT = frozenset({"matmul-throughput"})


def before_copy(shipped: Path, target: Path) -> list[str]:
    """Copy the shipped demos into ``target`` with the per-demo thread line back; return ids."""
    shutil.copytree(shipped, target, ignore=shutil.ignore_patterns("_outputs", "__pycache__"))
    ids = sorted(p.stem for p in target.glob("*.py") if not p.name.startswith("_"))
    for demo_id in ids:
        if demo_id in NEVER_HAD_IT:
            continue
        path = target / f"{demo_id}.py"
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        at = next(i for i, line in enumerate(lines) if line.rstrip() == SEED_LINE)
        lines.insert(at + 1, THREAD_LINE + "\n")
        path.write_text("".join(lines), encoding="utf-8")
    return ids


def measure_threads(s: Sizes) -> list[Figure]:
    """Time the shipped demos before and after the executor sets threads, side by side."""
    run_demos = need("generator.demos", "run_demos")
    options_type = need("generator.demos", "RunOptions")
    device = need("generator.demos", "Device")
    shipped = ROOT / "demos"
    with scratch("threads") as work:
        ids = before_copy(shipped, work / "before")[: 2 * s.demos]

        def run(demos_dir: Path, jobs: int, executor_threads: bool) -> float:
            options = options_type(
                device=device.CPU,
                jobs=jobs,
                rerun=True,
                timeout=600.0,
                cache_dir=work / "cache",
                frozen_dir=work / "frozen",
            )
            switch: AbstractContextManager[object] = (
                nullcontext()
                if executor_threads
                else mock.patch("generator.demos.execute.thread_variables", lambda *_: {})
            )
            started = time.perf_counter()
            with switch:
                result = run_demos(ids, demos_dir, options)
            seconds = time.perf_counter() - started
            if result.failed:
                raise MeasureFailed(f"demos failed: {', '.join(result.failed)}")
            return seconds

        actions: dict[str, Callable[[], float]] = {
            "before 1": lambda: run(work / "before", 1, False),
            "after 1": lambda: run(shipped, 1, True),
            "before 2": lambda: run(work / "before", 2, False),
            "after 2": lambda: run(shipped, 2, True),
        }
        t = interleaved(actions, max(1, min(2, s.repeats - 1)))
    cpus = os.cpu_count()
    return [
        Figure(
            f"--jobs 2 on the {len(ids)} shipped demos, executor threads / per-demo lines",
            t["after 2"] / t["before 2"],
            "x",
            1.05,
            f"after {t['after 2']:.1f} s, before {t['before 2']:.1f} s, {cpus} CPUs shared",
        ),
        *(
            Figure(
                f"parallel efficiency --jobs 2 on the shipped demos, {when}",
                t[f"{when} 1"] / (2 * t[f"{when} 2"]),
                "",
                None,
                f"jobs=1 {t[f'{when} 1']:.1f} s, jobs=2 {t[f'{when} 2']:.1f} s",
                higher_is_better=True,
            )
            for when in ("before", "after")
        ),
    ]
