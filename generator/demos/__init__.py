"""Demos: execute jupytext scripts on a Jupyter kernel, cache, freeze, render outputs.

Nothing heavy (nbclient, jupytext, torch) is imported at module level.
"""

from __future__ import annotations

from generator.demos.checks import check_demos

__all__ = ["check_demos"]
