"""The reading policy: which files glossgraph reads, and how much of them.

Only regular files are read (a FIFO, device or socket would block or never
end), each up to a size cap, and a symlink is followed only while its target
stays inside the folder it was found in, unless the policy allows leaving it.
Every check is an ``os.stat`` before the file is opened, and the file is
opened non-blocking and measured again, so a file swapped in between cannot
hang a read either.
"""

from __future__ import annotations

import errno
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path

DEFAULT_MAX_FILE_SIZE = 5_000_000
_UNITS = {"": 1, "b": 1, "kb": 1_000, "mb": 1_000_000, "gb": 1_000_000_000}
_SIZE = re.compile(r"\s*(\d{1,15})\s*([kmg]?b?)\s*", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class ReadPolicy:
    """How content files are read: the size cap in bytes, and whether symlinks may leave."""

    max_file_size: int = DEFAULT_MAX_FILE_SIZE
    follow_symlinks: bool = False


DEFAULT_POLICY = ReadPolicy()


class ReadRefused(OSError):
    """Raised when the policy refuses a file; ``str()`` is the whole message for the user."""

    def __str__(self) -> str:
        return str(self.args[0])


def parse_size(text: str) -> int:
    """Return a size such as ``5MB``, ``200kB`` or ``1000000`` in bytes (units of 1000).

    >>> parse_size("5MB"), parse_size("250 kb"), parse_size("42")
    (5000000, 250000, 42)
    """
    match = _SIZE.fullmatch(text)
    if match is None:
        raise ValueError(f"expected a size such as 5MB, 200kB or 1000000 but received: {text!r}")
    return int(match.group(1)) * _UNITS[match.group(2).lower()]


def format_size(size: int) -> str:
    """Return a byte count as people read it: ``5 MB``, ``12.5 kB``, ``300 bytes``."""
    for unit, scale in (("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if size >= scale:
            return f"{size / scale:.1f}".removesuffix(".0") + f" {unit}"
    return f"{size} bytes"


def real_folder(folder: Path) -> str:
    """Return the folder's real path, the one symlink targets are compared with."""
    return os.path.realpath(folder)


def outside_folder(path: str | Path, folder: str) -> str | None:
    """Return the real path of ``path`` when it lies outside the real ``folder``, else None."""
    target = os.path.realpath(path)
    if target == folder or target.startswith(folder.rstrip(os.sep) + os.sep):
        return None
    return target


def refusal(path: str | Path, folder: str, policy: ReadPolicy) -> str | None:
    """Return why the policy refuses to read ``path`` (found in the real ``folder``), or None.

    Only stats the file: safe on a FIFO, a device or a dangling link.
    """
    try:
        info = os.lstat(path)
        if stat.S_ISLNK(info.st_mode):
            target = None if policy.follow_symlinks else outside_folder(path, folder)
            if target is not None:
                return (
                    f"symlink to '{target}' leaves the folder it is in; it is not read "
                    "(move the file in, or allow it with --follow-symlinks)"
                )
            info = os.stat(path)
        return _stat_refusal(info, policy)
    except OSError as error:
        return cannot_read(error)


def cannot_read(error: OSError) -> str:
    """Return why a file could not be read, with what to do where the cause says it."""
    said = f"cannot read file: {error.strerror or error}"
    if error.errno == errno.ELOOP:
        said += " (a symbolic link that leads back to itself: fix or remove it)"
    elif error.errno in (errno.EACCES, errno.EPERM):
        said += " (let this user read it, or move it out of the folder)"
    return said


def _stat_refusal(info: os.stat_result, policy: ReadPolicy) -> str | None:
    if not stat.S_ISREG(info.st_mode):
        return "not a regular file"
    if info.st_size > policy.max_file_size:
        return _too_big(info.st_size, policy)
    return None


def _too_big(size: int, policy: ReadPolicy) -> str:
    return (
        f"file is {format_size(size)}, over the {format_size(policy.max_file_size)} limit "
        "(raise it with --max-file-size, or max_file_size in the plugin options)"
    )


def read_bytes(path: str | Path, folder: str, policy: ReadPolicy, head: int | None = None) -> bytes:
    """Return the bytes of ``path``, found in the real ``folder``; raise ReadRefused or OSError.

    ``head`` reads at most that many bytes from the start (a file's header).
    """
    problem = refusal(path, folder, policy)
    if problem is not None:
        raise ReadRefused(problem)
    # O_NONBLOCK: a FIFO swapped in after the stat must not block the open.
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    try:
        info = os.fstat(fd)
        problem = _stat_refusal(info, policy)
        if problem is not None:
            raise ReadRefused(problem)
        if head is not None:
            return _read_all(fd, head, head)
        data = _read_all(fd, policy.max_file_size + 1, info.st_size)
    finally:
        os.close(fd)
    if len(data) > policy.max_file_size:
        raise ReadRefused(_too_big(len(data), policy))
    return data


def _read_all(fd: int, limit: int, expected: int) -> bytes:
    """Return up to ``limit`` bytes of ``fd``, read to its end (it may have grown since)."""
    pieces: list[bytes] = []
    got = 0
    chunk = max(expected + 1, 1 << 16)
    while got < limit and (piece := os.read(fd, min(limit - got, chunk))):
        pieces.append(piece)
        got += len(piece)
    return pieces[0] if len(pieces) == 1 else b"".join(pieces)
