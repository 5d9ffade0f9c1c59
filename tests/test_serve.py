"""``glossgraph serve``: a save is heard at once, the page reloads, and its search follows."""

from __future__ import annotations

import gzip
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from mkdocs.livereload import LiveReloadServer
from trees import load_bench_module
from watchdog.observers.polling import PollingObserver

from generator import search, watching
from generator.search import LaterIndex, SearchIndex, SearchIndexError, SearchRecord

GLOSSGRAPH = Path(sys.executable).parent / "glossgraph"
SERVE_BENCH = load_bench_module("serve_reload")  # its server helpers: a free port, a fetch
fetch = SERVE_BENCH.fetch

CONCEPT = """---
title: {title}
summary: {title}, a concept of the test glossary.
---
{title} is written about here.
"""


def _record(url: str, words: str) -> SearchRecord:
    body = f"<main data-pagefind-body><h1>{words}</h1><p>{words}.</p></main>"
    return SearchRecord(search.ResultUrl(url), f'<html lang="en"><body>{body}</body></html>')


def _indexed_text(bundle: Path) -> bytes:
    """Return the text of every page in a Pagefind bundle (its fragments, decompressed)."""
    return b"".join(gzip.decompress(p.read_bytes()) for p in (bundle / "fragment").iterdir())


def test_a_later_index_swaps_in_whole_and_keeps_the_last_one_when_it_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    outcomes: list[SearchIndex | SearchIndexError] = []
    later = LaterIndex(outcomes.append)
    later.submit([_record("/concepts/a.html", "Quokka habits")], tmp_path)
    later.submit([_record("/concepts/a.html", "Wombat burrows")], tmp_path)  # waits for the first
    later.wait()
    bundle = tmp_path / search.BUNDLE_DIR
    assert b"Wombat burrows" in _indexed_text(bundle)
    assert b"Quokka" not in _indexed_text(bundle)
    assert [o.pages for o in outcomes if isinstance(o, SearchIndex)] == [1, 1]
    assert sorted(p.name for p in tmp_path.iterdir()) == [search.BUNDLE_DIR]  # nothing beside it

    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(tmp_path / "no-such-pagefind"))
    later.submit([_record("/concepts/a.html", "Numbat diet")], tmp_path)
    later.wait()
    assert isinstance(outcomes[-1], SearchIndexError)
    assert "pagefind" in str(outcomes[-1])
    assert b"Wombat burrows" in _indexed_text(bundle)  # the last good index stays
    assert sorted(p.name for p in tmp_path.iterdir()) == [search.BUNDLE_DIR]


def test_a_later_index_that_cannot_be_swapped_in_is_reported_not_raised(tmp_path: Path) -> None:
    outcomes: list[SearchIndex | SearchIndexError] = []
    (tmp_path / search.BUNDLE_DIR).write_text("a file where the bundle goes")
    later = LaterIndex(outcomes.append)
    later.submit([_record("/concepts/a.html", "Quokka habits")], tmp_path)
    later.wait()
    (outcome,) = outcomes
    assert isinstance(outcome, SearchIndexError)
    assert "cannot swap in the index" in str(outcome)
    assert sorted(p.name for p in tmp_path.iterdir()) == [search.BUNDLE_DIR]


@pytest.fixture
def server(tmp_path: Path) -> Iterator[LiveReloadServer]:
    live = LiveReloadServer(builder=lambda: None, host="127.0.0.1", port=0, root=str(tmp_path))
    yield live
    live.server_close()


def _wait_for(condition: Callable[[], bool], limit: float = 10.0) -> bool:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.01)
    return False


def test_content_folders_move_to_change_notifications(
    tmp_path: Path, server: LiveReloadServer
) -> None:
    entities = tmp_path / "entities"
    entities.mkdir()
    concept = entities / "a.md"
    concept.write_text("one\n")
    if watching.native_observer([entities]) is None:
        pytest.skip("this system's change notifications do not work here (serve polls)")
    server.watch(str(entities))  # as MkDocs watches its docs folder
    changes = threading.Event()
    polling = watching.watch_content(server, [entities, tmp_path / "no-demos"], changes.set)
    assert isinstance(polling, PollingObserver) and polling.is_alive()
    assert not isinstance(server.observer, PollingObserver)
    server.observer.start()
    try:
        concept.read_text()  # a build reads the content: that is no change
        assert not changes.wait(0.3)
        concept.write_text("two\n")
        assert changes.wait(2.0)
    finally:
        for observer in (server.observer, polling):
            observer.stop()
            observer.join()


def test_where_notifications_fail_everything_keeps_polling(
    tmp_path: Path, server: LiveReloadServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    entities = tmp_path / "entities"
    entities.mkdir()
    polling = server.observer

    def no_inotify(self: object) -> None:
        raise OSError(28, "inotify watch limit reached")

    from watchdog.observers import Observer

    monkeypatch.setattr(Observer, "start", no_inotify)
    assert watching.native_observer([entities]) is None
    assert watching.watch_content(server, [entities], lambda: None) is None
    assert server.observer is polling
    assert {emitter.watch.path for emitter in polling.emitters} == {str(entities)}


def test_serve_rebuilds_a_saved_concept_and_then_its_search(tmp_path: Path) -> None:
    """A real ``glossgraph serve``: the page shows the save, then the search index changes."""
    for key, title in (("alpha", "Alpha"), ("beta", "Beta")):
        path = tmp_path / "entities" / f"{key}.md"
        path.parent.mkdir(exist_ok=True)
        path.write_text(CONCEPT.format(title=title), "utf-8")
    port = SERVE_BENCH.free_port()
    log_path = tmp_path / "serve.log"
    with log_path.open("w") as log:
        served = subprocess.Popen(
            [str(GLOSSGRAPH), "serve", "--dev-addr", f"127.0.0.1:{port}"],
            cwd=tmp_path,
            stdout=log,
            stderr=log,
            start_new_session=True,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        assert _wait_for(lambda: "</html>" in (fetch(f"{base}/concepts/alpha.html") or ""), 120)
        entry = fetch(f"{base}/pagefind/pagefind-entry.json")
        assert entry is not None
        concept = tmp_path / "entities" / "alpha.md"
        concept.write_text(concept.read_text("utf-8") + "\nA sentence saved later.\n", "utf-8")
        page = f"{base}/concepts/alpha.html"
        assert _wait_for(lambda: "A sentence saved later." in (fetch(page) or ""), 60)
        new_entry = f"{base}/pagefind/pagefind-entry.json"
        assert _wait_for(lambda: fetch(new_entry) not in (None, entry), 30)
    finally:
        os.killpg(served.pid, signal.SIGINT)
        served.wait(timeout=30)
    said = log_path.read_text("utf-8")
    assert said.count("search: indexed 2 concept pages") == 2, said
    assert "Traceback" not in said, said
