"""How ``serve`` hears that a concept or a demo was saved.

MkDocs' live-reload server polls what it watches every half second, so a save
waited a quarter of a second on average before a rebuild even started. The
content folders (entities and demos) are polled more often instead, as often
as costs at most a twentieth of one core: a glossary of a hundred concepts
takes half a millisecond to list and stat, so it is polled every 0.1 s; one
of 10,000 concepts takes about 80 ms, so it stays at MkDocs' half second.

Polling, not the system's change notifications (inotify), on purpose: a
notification watch follows a folder's inode, so a folder moved away or
replaced whole (a checkout, an unpacked archive) goes unnoticed from then on;
``touch`` reports only an attribute change; a folder moved out of the tree
reports no file at all; and every file a build reads is reported too. A poll
compares what is on disk now with what was there, whatever happened.

The content folders always move to an observer of their own (MkDocs' docs
folder is often the entities); MkDocs' other watches (mkdocs.yml, the theme)
stay on its own observer, which is then started here, since the server starts
only the observer it holds. watchdog's own poll (MkDocs') stops for good the
first time a watched folder is missing, as it is for a moment while a checkout or a
script replaces it (``rm -r entities && cp -r new entities``); ours polls a
missing folder as an empty one, so its files read as deleted, and as created
when it is back, and a folder that does not exist yet is heard once it does.
"""

from __future__ import annotations

import contextlib
import os
import stat
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:  # serve only: a build does not import the watcher
    from watchdog.observers.api import BaseObserver

FASTEST = 0.1  # seconds between polls, at most this often
SLOWEST = 0.5  # MkDocs' own interval
CPU_SHARE = 20  # poll no more often than every CPU_SHARE times what one poll costs


class WatchingServer(Protocol):
    """What this needs of MkDocs' live-reload server (the adapter holds MkDocs itself)."""

    observer: Any

    def watch(self, path: str) -> None: ...

    def unwatch(self, path: str) -> None: ...


def poll_interval(cost: float) -> float:
    """Return the seconds between polls of folders that take ``cost`` seconds to poll once."""
    return min(SLOWEST, max(FASTEST, CPU_SHARE * cost))


def poll_cost(folders: Iterable[Path]) -> float:
    """Return the seconds one poll of ``folders`` takes (listing and stat of every file)."""
    from watchdog.utils.dirsnapshot import DirectorySnapshot

    started = time.perf_counter()
    for folder in folders:
        DirectorySnapshot(str(folder))
    return time.perf_counter() - started


# What a poll reads for a watched folder that is missing: an empty folder.
_ABSENT = os.stat_result((stat.S_IFDIR | 0o755, 0, 0, 0, 0, 0, 0, 0, 0, 0))


def lasting_stat(folders: Iterable[Path]) -> Callable[[str], os.stat_result]:
    """Return ``os.stat``, except that a missing folder of ``folders`` is an empty one.

    Only the watched folders themselves: a poll reads a file or folder inside
    them that vanished as gone, as it should.
    """
    roots = frozenset(os.path.abspath(folder) for folder in folders)

    def lasting(path: str) -> os.stat_result:
        try:
            return os.stat(path)
        except (FileNotFoundError, NotADirectoryError):
            if os.path.abspath(path) in roots:
                return _ABSENT
            raise

    return lasting


def watch_content(
    server: WatchingServer, folders: Iterable[Path], on_change: Callable[[], None]
) -> BaseObserver:
    """Rebuild when a file under ``folders`` changes, calling ``on_change`` for each such file.

    Return MkDocs' own observer, which this started beside the one polling
    ``folders`` (the caller stops it when serving ends).
    """
    from watchdog.events import FileSystemEvent, FileSystemEventHandler
    from watchdog.observers.polling import PollingObserverVFS

    paths = list(folders)  # a folder that does not exist yet is polled as empty
    interval = poll_interval(poll_cost([path for path in paths if path.is_dir()]))
    for path in paths:  # MkDocs polls its docs folder, often the entities, itself
        with contextlib.suppress(KeyError):  # KeyError: a folder it does not watch
            server.unwatch(str(path))
    started: BaseObserver = server.observer
    started.start()
    # The server starts and stops the observer it holds.
    server.observer = PollingObserverVFS(lasting_stat(paths), os.scandir, polling_interval=interval)
    handler = FileSystemEventHandler()

    def heard(event: FileSystemEvent) -> None:
        if not event.is_directory:
            on_change()

    handler.on_any_event = heard  # type: ignore[method-assign]
    for path in paths:
        server.watch(str(path))  # MkDocs' own handler: it starts the rebuild
        server.observer.schedule(handler, str(path), recursive=True)
    return started
