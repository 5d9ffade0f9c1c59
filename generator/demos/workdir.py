"""The temporary folder a demo runs in, made and removed without trusting the demo.

One folder holds the demo's working directory (``work``, with the files it
reads) and the kernel's connection file (``kernel``). The demo may do
anything to it: removing it never follows a symlink the demo put in its
place, and every problem comes back as text for the demo's result, never as
an exception from the build.
"""

from __future__ import annotations

import os
import shutil
import stat
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class RunFolder:
    """A demo's temporary folder, its two parts, and who they were when made."""

    root: Path
    work: Path
    kernel: Path
    identities: tuple[tuple[int, int], tuple[int, int]]


def make_run_folder(reads: Mapping[str, bytes]) -> RunFolder:
    """Return a fresh folder whose ``work`` part holds the demo's files, as already read."""
    root = Path(tempfile.mkdtemp(prefix="gg-run-"))
    work = root / "work"
    kernel = root / "kernel"
    work.mkdir()
    kernel.mkdir(mode=0o700)
    for name, data in reads.items():
        target = work / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    return RunFolder(root, work, kernel, (_identity(root), _identity(work)))


def remove_run_folder(folder: RunFolder) -> str | None:
    """Delete the folder; return what the demo did to it that is worth reporting, or None."""
    problem = _tampered(folder)
    root = os.lstat(folder.root) if os.path.lexists(folder.root) else None
    if root is not None and not stat.S_ISDIR(root.st_mode):
        os.unlink(folder.root)  # a link the demo put there: remove the link, not its target
        return problem
    errors: list[str] = []

    def collect(function: object, path: str, info: object) -> None:
        errors.append(f"{path}: {info}")

    if root is not None:
        shutil.rmtree(folder.root, onerror=collect)  # fd-based: never follows symlinks
    if errors:
        left = f"its temporary folder could not be removed ({errors[0]})"
        return f"{problem}; {left}" if problem else left
    return problem


def _tampered(folder: RunFolder) -> str | None:
    for path, identity in zip((folder.root, folder.work), folder.identities, strict=True):
        try:
            now = os.lstat(path)
        except FileNotFoundError:
            return f"the demo removed its working folder {path}"
        if stat.S_ISLNK(now.st_mode) or (now.st_dev, now.st_ino) != identity:
            return f"the demo replaced its working folder {path} (with a symlink or another folder)"
    return None


def _identity(path: Path) -> tuple[int, int]:
    info = os.lstat(path)
    return info.st_dev, info.st_ino
