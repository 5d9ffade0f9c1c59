"""The run record a reader sees under a demo: where, with which torch, how long, when.

How long is the time of the demo's own cells: the sum of each code cell's
``iopub.execute_input`` → ``shell.execute_reply`` span, which nbclient writes
into the cell's ``execution`` metadata, without the first code cell (the one
that imports torch and sets up). Kernel start is never in it. A notebook with
no timings (a frozen output from before timings were kept) shows the whole
run's seconds, said to include set-up. How the build obtained the result
(executed now or from the cache) is build business: it goes to the build log
and ``demo list``, not here. A frozen result says it came from another
machine, and a torch version unlike the build's is explained. A demo run on a
Dask worker names the worker's host. A frozen output left behind by the
demo's code is named in a note, so a reader knows why a GPU result is gone.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from generator.demos.keys import executed_cells
from generator.demos.model import NOT_RUN, Obtained, RunRecord

_START, _END = "iopub.execute_input", "shell.execute_reply"


def reader_record(record: RunRecord, notebook: Any, build_torch: str | None) -> str:
    """Return ``Ran on CPU with torch 2.13.0+cpu · its code took 0.4 s · 2026-11-23 01:57 UTC``."""
    if record.device == NOT_RUN:
        return f"Not run · {when(record.finished_at)}"
    where = f"on {record.device}"
    if record.worker is not None:  # a cluster run: the host is where it ran
        where += f" at {record.host or 'an unknown host'} (a Dask worker)"
    if record.torch_version:
        where += f" with torch {record.torch_version}"
    if record.obtained is Obtained.FROZEN:
        parts = [f"Frozen result from another machine: run {where}"]
    else:
        parts = [f"Ran {where}"]
    if build_torch and record.torch_version and record.torch_version != build_torch:
        parts[0] += f"; this site was built with torch {build_torch}"
    parts.append(_duration(record, notebook))
    if record.peak_gpu_memory is not None:
        parts.append(f"peak GPU memory {size(record.peak_gpu_memory)}")
    parts.append(when(record.finished_at))
    return " · ".join(parts)


def superseded_text(frozen: RunRecord) -> str:
    """Return the note under a demo whose frozen output is older than its code."""
    return (
        f"A result frozen on {frozen.device} on {when(frozen.finished_at)} belongs to an "
        "earlier version of this demo's code, so it is not shown: this is the run of this "
        "build's machine."
    )


def own_seconds(notebook: Any) -> float | None:
    """Return the seconds the demo's own cells took, or None where a cell has no timing.

    The first code cell counts as set-up and is left out, unless it is the only one.
    """
    cells = [cell for _, cell in executed_cells(notebook)]
    counted = cells[1:] if len(cells) > 1 else cells
    spans = [_span(cell.get("metadata", {}).get("execution")) for cell in counted]
    if not spans or any(span is None for span in spans):
        return None
    return sum(span for span in spans if span is not None)


def _duration(record: RunRecord, notebook: Any) -> str:
    seconds = own_seconds(notebook)
    if seconds is None:
        return f"{record.seconds:.1f} s with set-up"
    return f"its code took {seconds:.1f} s"


def _span(timing: Any) -> float | None:
    if not isinstance(timing, Mapping):
        return None
    moments = list(_parsed(timing.get(key) for key in (_START, _END)))
    if len(moments) != 2:
        return None
    return max(0.0, (moments[1] - moments[0]).total_seconds())


def _parsed(values: Iterable[Any]) -> Iterable[datetime]:
    for value in values:
        if isinstance(value, str):
            try:
                yield datetime.fromisoformat(value.replace("Z", "+00:00"))
            except ValueError:
                continue


def when(finished_at: str) -> str:
    """Return an ISO time as ``2026-11-23 01:57 UTC`` (unparseable text is shown as it is)."""
    try:
        moment = datetime.fromisoformat(finished_at).astimezone(UTC)
    except ValueError:
        return finished_at
    return moment.strftime("%Y-%m-%d %H:%M UTC")


def size(count: int) -> str:
    """Return a byte count as ``512 B``, ``3.0 MiB`` or ``1.2 GiB``."""
    if count < 1024:
        return f"{count} B"
    value = float(count)
    for unit in ("KiB", "MiB", "GiB"):
        value /= 1024
        if value < 1024 or unit == "GiB":
            break
    return f"{value:.1f} {unit}"
