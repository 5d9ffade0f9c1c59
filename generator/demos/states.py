"""What ``demo list`` shows, and ``freeze``: copy good results to the frozen folder."""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum
from pathlib import Path

from generator.demos import cache
from generator.demos.devices import device_class, visible_gpus
from generator.demos.freeze import default_frozen_dir, frozen_code_hash, frozen_path
from generator.demos.keys import cache_key, code_hash, installed_torch_version
from generator.demos.model import DemoRun, RunOptions
from generator.demos.runner import run_with
from generator.demos.spec import demo_files, parse_demo
from generator.model import DemoId


class DemoState(StrEnum):
    FRESH = "fresh"  # never run here, or not in the cache
    CACHED = "cached"
    FROZEN = "frozen"
    STALE = "stale"  # frozen, but its code changed since
    FAILED = "failed"  # the last run failed, or the script cannot be run at all


def demo_states(demos_dir: Path, options: RunOptions) -> dict[DemoId, DemoState]:
    """Return the state of every demo script in ``demos_dir``, by id."""
    frozen_dir = options.frozen_dir or default_frozen_dir(demos_dir)
    device_cls = device_class(options.device, visible_gpus())
    torch_version = installed_torch_version()
    states: dict[DemoId, DemoState] = {}
    for path in demo_files(demos_dir):
        demo_id = DemoId(path.stem)
        spec, _ = parse_demo(path, demos_dir)
        if spec is None:
            states[demo_id] = DemoState.FAILED
            continue
        try:
            code = code_hash(spec, demos_dir)
        except OSError:
            states[demo_id] = DemoState.FAILED
            continue
        frozen = frozen_path(frozen_dir, demo_id)
        if frozen.is_file():
            fresh = frozen_code_hash(frozen) == code
            states[demo_id] = DemoState.FROZEN if fresh else DemoState.STALE
            continue
        key = cache_key(code, torch_version, device_cls)
        if cache.entry_path(options.cache_dir, key).is_file():
            states[demo_id] = DemoState.CACHED
        elif cache.has_failure(options.cache_dir, key):
            states[demo_id] = DemoState.FAILED
        else:
            states[demo_id] = DemoState.FRESH
    return states


def freeze_demos(
    demo_ids: Iterable[DemoId], demos_dir: Path, options: RunOptions
) -> tuple[DemoRun, list[Path]]:
    """Run (or take from the cache) each demo and copy every good result to the frozen folder."""
    run = run_with(demo_ids, demos_dir, options, use_frozen=False)
    frozen_dir = options.frozen_dir or default_frozen_dir(demos_dir)
    written: list[Path] = []
    for demo_id, result in run.results.items():
        if result.ok:
            path = frozen_path(frozen_dir, demo_id)
            cache.write_notebook(path, result.notebook)
            written.append(path)
    return run, written
