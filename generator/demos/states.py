"""What ``demo list`` shows, and ``freeze``: copy good results to the frozen folder."""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum
from pathlib import Path

from generator.demos import cache
from generator.demos.devices import device_class, visible_gpus
from generator.demos.freeze import default_frozen_dir, frozen_path
from generator.demos.keys import cache_key, installed_torch_version
from generator.demos.model import DemoRun, Obtained, RunOptions
from generator.demos.runner import run_with
from generator.demos.source import Unrunnable, load_source
from generator.demos.spec import demo_files
from generator.model import DemoId


class DemoState(StrEnum):
    FRESH = "fresh"  # never run here, or not in the cache
    CACHED = "cached"
    FROZEN = "frozen"
    STALE = "stale"  # frozen, but its code changed since
    FAILED = "failed"  # the last run failed, or the script cannot be run at all
    CORRUPT = "corrupt"  # its stored entry (cache or frozen) is damaged and will not be used


def demo_states(demos_dir: Path, options: RunOptions) -> dict[DemoId, DemoState]:
    """Return the state of every demo script in ``demos_dir``, by id."""
    frozen_dir = options.frozen_dir or default_frozen_dir(demos_dir)
    device_cls = device_class(options.device, visible_gpus())
    torch_version = installed_torch_version()
    states: dict[DemoId, DemoState] = {}
    for path in demo_files(demos_dir):
        demo_id = DemoId(path.stem)
        source = load_source(path, demos_dir)
        if isinstance(source, Unrunnable):
            states[demo_id] = DemoState.FAILED
            continue
        frozen = cache.read_entry(frozen_path(frozen_dir, demo_id), demo_id, Obtained.FROZEN)
        if frozen.problem is not None:
            states[demo_id] = DemoState.CORRUPT
        elif frozen.result is not None:
            fresh = frozen.code == source.code
            states[demo_id] = DemoState.FROZEN if fresh else DemoState.STALE
        else:
            key = cache_key(source.code, torch_version, device_cls)
            states[demo_id] = _cache_state(options.cache_dir, key, demo_id)
    return states


def _cache_state(cache_dir: Path, key: str, demo_id: DemoId) -> DemoState:
    entry = cache.load_cached(cache_dir, key, demo_id)
    if entry.problem is not None:
        return DemoState.CORRUPT
    if entry.result is not None:
        return DemoState.CACHED
    return DemoState.FAILED if cache.has_failure(cache_dir, key) else DemoState.FRESH


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
