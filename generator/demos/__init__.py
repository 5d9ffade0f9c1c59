"""Demos: execute jupytext scripts on a Jupyter kernel, cache, freeze, render outputs.

Nothing heavy (nbclient, jupytext, nbformat, torch) is imported at module
level, so the command line starts fast.
"""

from __future__ import annotations

from generator.demos.checks import check_demos
from generator.demos.model import (
    DemoResult,
    DemoRun,
    DemoStatus,
    Device,
    Obtained,
    RunOptions,
    RunRecord,
)
from generator.demos.render import RenderedDemo, render_demo
from generator.demos.runner import run_demos, summary_lines

__all__ = [
    "DemoResult",
    "DemoRun",
    "DemoStatus",
    "Device",
    "Obtained",
    "RenderedDemo",
    "RunOptions",
    "RunRecord",
    "check_demos",
    "render_demo",
    "run_demos",
    "summary_lines",
]
