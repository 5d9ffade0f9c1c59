"""Which GPUs a kernel may see, found without importing torch."""

from __future__ import annotations

import os
import shutil
import subprocess

from generator.demos.model import Device
from generator.errors import UsageError


def visible_gpus() -> list[str]:
    """Return the ids of the GPUs this process may hand to kernels (may be empty)."""
    pinned = os.environ.get("CUDA_VISIBLE_DEVICES")
    if pinned is not None:
        ids = [part.strip() for part in pinned.split(",") if part.strip()]
        return [] if not ids or ids[0] == "-1" else ids
    smi = shutil.which("nvidia-smi")
    if smi is None:
        return []
    try:
        listing = subprocess.run(
            [smi, "-L"], capture_output=True, text=True, timeout=20, check=False
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    count = sum(1 for line in listing.splitlines() if line.startswith("GPU "))
    return [str(i) for i in range(count)]


def device_class(device: Device, gpus: list[str]) -> str:
    """Return 'cuda' or 'cpu': what a demo will run on; raise UsageError for cuda without a GPU."""
    if device is Device.CUDA and not gpus:
        raise UsageError(
            "--device cuda was asked for, but no GPU is visible (nvidia-smi -L lists none)"
        )
    if device is Device.CPU or not gpus:
        return "cpu"
    return "cuda"


def worker_gpus(device_cls: str, gpus: list[str], slot: int) -> str | None:
    """Return CUDA_VISIBLE_DEVICES for the kernel of worker ``slot`` (None: inherit ours)."""
    if device_cls == "cpu":
        return ""
    if len(gpus) > 1:
        return gpus[slot % len(gpus)]
    return None
