"""How ``serve`` hears that a concept or a demo was saved.

MkDocs' live-reload server polls what it watches every half second, so a save
waits a quarter of a second on average before a rebuild even starts. Where the
system's change notifications work (inotify on Linux, FSEvents on macOS), the
content folders are watched with them instead, and a save is seen within
milliseconds. A content folder MkDocs already polls (its docs folder is often
the entities) moves to the native observer; MkDocs' other watches (mkdocs.yml,
the theme) stay on its polling observer, which is then started here, since the
server starts only the observer it holds. Where notifications fail (a network
or container mount, inotify's watch limit), everything keeps polling.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:  # serve only: a build does not import the watcher
    from watchdog.observers.api import BaseObserver


class WatchingServer(Protocol):
    """What this needs of MkDocs' live-reload server (the adapter holds MkDocs itself)."""

    observer: Any

    def watch(self, path: str) -> None: ...

    def unwatch(self, path: str) -> None: ...


def native_observer(folders: Iterable[Path]) -> BaseObserver | None:
    """Return an unstarted observer on the system's change notifications, if they work here.

    It reports only changes (a file created, modified, moved or deleted):
    notifications also report every file opened or read, and a build reads
    the content it watches. They are tried on ``folders`` first, with an
    observer that is started and stopped at once: a watch that cannot be set
    up fails when it starts.
    """
    from watchdog.events import FileSystemEventHandler
    from watchdog.observers import Observer
    from watchdog.observers.polling import PollingObserver

    if Observer is PollingObserver:  # no notifications on this system
        return None
    changes_only = _changes_only(Observer)
    probe = changes_only()
    try:
        for folder in folders:
            probe.schedule(FileSystemEventHandler(), str(folder), recursive=True)
        probe.start()
    except (OSError, TypeError):  # TypeError: a watchdog older than event filters (4.0)
        return None
    finally:
        if probe.is_alive():
            probe.stop()
            probe.join()
    observer: BaseObserver = changes_only()
    return observer


def _changes_only(observer: Any) -> Any:
    """Return ``observer`` reporting only the events that change a file."""
    from watchdog import events

    changes: list[type[events.FileSystemEvent]] = [
        events.FileCreatedEvent,
        events.FileModifiedEvent,
        events.FileMovedEvent,
        events.FileDeletedEvent,
    ]

    class ChangesOnly(observer):  # type: ignore[misc]
        def schedule(self, event_handler: Any, path: Any, **options: Any) -> Any:
            options.setdefault("event_filter", changes)
            return super().schedule(event_handler, path, **options)

    return ChangesOnly


def watch_content(
    server: WatchingServer, folders: Iterable[Path], on_change: Callable[[], None]
) -> BaseObserver | None:
    """Rebuild when a file under ``folders`` changes, calling ``on_change`` for each such file.

    Return MkDocs' polling observer when this started it beside a native one
    (the caller stops it when serving ends), else None.
    """
    from watchdog.events import FileSystemEvent, FileSystemEventHandler

    paths = [folder for folder in folders if folder.is_dir()]
    native = native_observer(paths) if paths else None
    polling = None
    if native is not None:
        for path in paths:  # MkDocs watches its docs folder, often the entities, by polling
            with contextlib.suppress(KeyError):  # KeyError: a folder it does not watch
                server.unwatch(str(path))
        polling = server.observer
        polling.start()
        server.observer = native  # the server starts this one, and stops it
    handler = FileSystemEventHandler()

    def heard(event: FileSystemEvent) -> None:
        if not event.is_directory:
            on_change()

    handler.on_any_event = heard  # type: ignore[method-assign]
    for path in paths:
        server.watch(str(path))  # MkDocs' own handler: it starts the rebuild
        server.observer.schedule(handler, str(path), recursive=True)
    return polling
