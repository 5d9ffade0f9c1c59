"""What one kernel may use: its memory limit and its thread counts.

Memory is limited with ``RLIMIT_AS`` (set by ``launch.py`` on the kernel
process), which counts address space, not resident memory. The default is a
fraction of the physical memory of the machine that runs the kernel, so a
runaway demo fails before it takes the machine down, while the address space
torch reserves without touching (about 0.8 GB for a CPU kernel that imported
it) stays far below the limit. A kernel that may see a GPU gets no
``RLIMIT_AS``: CUDA reserves address space far beyond any physical memory at
start, and would fail under it. Under a limit the kernel also gets
``MALLOC_ARENA_MAX=2``: glibc otherwise reserves 64 MB of address space for
each thread's malloc arena (up to eight per CPU), which the limit counts
although it is never touched, so a kernel near a small limit died or not by
how its threads happened to meet.

Thread counts split the CPUs between the kernels that run at once: each gets
``cpus // parallel`` threads (at least one) through ``OMP_NUM_THREADS``,
``MKL_NUM_THREADS`` and ``OPENBLAS_NUM_THREADS``; torch sizes its intra-op
pool from ``OMP_NUM_THREADS`` when it starts. A variable already set in the
environment (by the operator, or by a Dask nanny, which sets them to 1) is
an explicit choice and is kept.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping

from generator.reading import format_size, parse_size

MemoryLimit = int | float | None  # bytes; a fraction of physical memory; None: no limit
DEFAULT_MEMORY_FRACTION = 0.5
MEMORY_VARIABLE = "GLOSSGRAPH_MEMORY_LIMIT"  # read and removed by launch.py
ARENA_VARIABLE = "MALLOC_ARENA_MAX"
THREAD_VARIABLES = ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS")
_PERCENT = re.compile(r"\s*(\d{1,3}(?:\.\d+)?)\s*%\s*")
_NO_LIMIT = frozenset({"none", "off", "unlimited"})


def parse_memory_limit(text: str) -> MemoryLimit:
    """Return ``2GB`` as bytes, ``50%`` as 0.5 of physical memory, ``none`` as no limit.

    >>> parse_memory_limit("300MB"), parse_memory_limit("25%"), parse_memory_limit("none")
    (300000000, 0.25, None)
    """
    if text.strip().lower() in _NO_LIMIT:
        return None
    percent = _PERCENT.fullmatch(text)
    if percent is not None and 0 < float(percent.group(1)) <= 100:
        return float(percent.group(1)) / 100
    try:
        size = parse_size(text.strip())
    except ValueError:
        size = 0
    if size <= 0:
        raise ValueError(
            f"expected a memory limit such as 4GB, 500MB, 50% or none but received: {text!r}"
        )
    return size


def physical_memory() -> int | None:
    """Return this machine's physical memory in bytes, or None where it cannot be asked."""
    try:
        return os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, AttributeError):
        return None


def memory_bytes(limit: MemoryLimit) -> int | None:
    """Return ``limit`` in bytes on this machine (a fraction of its physical memory)."""
    if limit is None or isinstance(limit, int):
        return limit
    physical = physical_memory()
    return None if physical is None else int(physical * limit)


def describe_memory(limit: int) -> str:
    """Return a byte limit as the page says it: ``400 MB``."""
    return format_size(limit)


def kernel_threads(parallel: int, cpus: int) -> int:
    """Return the threads each of ``parallel`` kernels gets on ``cpus`` CPUs (at least one)."""
    return max(1, cpus // max(1, parallel))


def thread_variables(threads: int, environ: Mapping[str, str]) -> dict[str, str]:
    """Return the thread variables to add to a kernel's environment (those not already set)."""
    return {name: str(threads) for name in THREAD_VARIABLES if name not in environ}


def memory_variables(limit: int | None, environ: Mapping[str, str]) -> dict[str, str]:
    """Return the variables that put a kernel under ``limit`` bytes (none for no limit)."""
    if limit is None:
        return {}
    variables = {MEMORY_VARIABLE: str(limit)}
    if ARENA_VARIABLE not in environ:
        variables[ARENA_VARIABLE] = "2"
    return variables
