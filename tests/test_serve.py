"""``glossgraph serve``: a save is heard at once, the page reloads, and its search follows."""

from __future__ import annotations

import gzip
import json
import os
import signal
import stat
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from mkdocs.livereload import LiveReloadServer
from trees import load_bench_module
from watchdog.observers.polling import PollingObserverVFS

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


def _live_meta(bundle: Path) -> Path:
    """Return the index file the bundle's entry names (what a new search loads first)."""
    entry = json.loads((bundle / search.ENTRY_FILE).read_text("utf-8"))
    return bundle / f"pagefind.{entry['languages']['en']['hash']}.pf_meta"


def test_a_later_index_moves_in_and_keeps_the_last_ones_files_until_the_next(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    outcomes: list[SearchIndex | SearchIndexError] = []
    later = LaterIndex(outcomes.append)
    bundle = tmp_path / search.BUNDLE_DIR
    metas = []
    for words in ("Quokka habits", "Wombat burrows", "Numbat diet"):
        later.submit([_record("/concepts/a.html", words)], tmp_path)  # waits for the last one
        later.wait()
        metas.append(_live_meta(bundle))
    text = _indexed_text(bundle)
    assert b"Numbat diet" in text  # the live index
    assert b"Wombat burrows" in text and metas[1].is_file()  # a search begun on the last one
    assert b"Quokka" not in text and not metas[0].exists()  # two indexes ago: gone
    assert [o.pages for o in outcomes if isinstance(o, SearchIndex)] == [1, 1, 1]
    assert sorted(p.name for p in tmp_path.iterdir()) == [search.BUNDLE_DIR]  # nothing beside it

    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(tmp_path / "no-such-pagefind"))
    later.submit([_record("/concepts/a.html", "Bilby ears")], tmp_path)
    later.wait()
    assert isinstance(outcomes[-1], SearchIndexError)
    assert "pagefind" in str(outcomes[-1])
    assert _live_meta(bundle) == metas[2]  # the last good index stays live
    assert sorted(p.name for p in tmp_path.iterdir()) == [search.BUNDLE_DIR]


def test_stopping_a_later_index_kills_pagefind_and_reports_nothing(tmp_path: Path) -> None:
    outcomes: list[SearchIndex | SearchIndexError] = []
    later = LaterIndex(outcomes.append)
    records = [_record(f"/concepts/c{n}.html", f"Concept {n} words") for n in range(3000)]
    later.submit(records, tmp_path)
    assert _wait_for(lambda: later._process is not None, 30)
    later.stop()
    assert outcomes == []
    assert not (tmp_path / f"{search.BUNDLE_DIR}.next").exists()


def test_a_later_index_that_cannot_be_swapped_in_is_reported_not_raised(tmp_path: Path) -> None:
    outcomes: list[SearchIndex | SearchIndexError] = []
    (tmp_path / search.BUNDLE_DIR).write_text("a file where the bundle goes")
    later = LaterIndex(outcomes.append)
    later.submit([_record("/concepts/a.html", "Quokka habits")], tmp_path)
    later.wait()
    (outcome,) = outcomes
    assert isinstance(outcome, SearchIndexError)
    assert "cannot move in the index" in str(outcome)
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


def test_poll_interval_keeps_polling_under_a_twentieth_of_a_core() -> None:
    assert watching.poll_interval(0.0005) == watching.FASTEST  # a hundred concepts
    assert watching.poll_interval(0.01) == pytest.approx(0.2)
    assert watching.poll_interval(0.08) == watching.SLOWEST  # ten thousand: MkDocs' own


QUIET = ("a read", "an edit elsewhere")  # steps that change nothing under the folder


def test_content_folders_are_polled_faster_and_every_kind_of_change_is_heard(
    tmp_path: Path, server: LiveReloadServer
) -> None:
    entities = tmp_path / "entities"
    (entities / "sub").mkdir(parents=True)
    concept = entities / "a.md"
    concept.write_text("one\n")
    (entities / "sub" / "b.md").write_text("two\n")
    server.watch(str(entities))  # as MkDocs watches its docs folder
    mkdocs_own = server.observer
    changes = threading.Event()
    started = watching.watch_content(server, [entities, tmp_path / "no-demos"], changes.set)
    assert started is mkdocs_own and mkdocs_own.is_alive()
    assert {e.watch.path for e in mkdocs_own.emitters} == set()  # the entities moved over
    assert isinstance(server.observer, PollingObserverVFS)
    assert server.observer.timeout == watching.FASTEST
    server.observer.start()
    outside = tmp_path / "outside"
    steps: list[tuple[str, Callable[[], object]]] = [
        ("a read", concept.read_text),
        ("an edit", lambda: concept.write_text("three\n")),
        ("a touch", lambda: os.utime(concept, (1, 1))),
        ("a folder moved out", lambda: (entities / "sub").rename(outside)),
        ("a folder moved in", lambda: outside.rename(entities / "sub")),
        ("a new file", lambda: (entities / "c.md").write_text("four\n")),
        ("a deletion", (entities / "c.md").unlink),
        ("the folder gone", lambda: entities.rename(outside)),
        ("an edit elsewhere", lambda: (outside / "a.md").write_text("five\n")),
        ("the folder back", lambda: outside.rename(entities)),
        ("an edit after it came back", lambda: concept.write_text("six\n")),
    ]
    try:
        for what, step in steps:
            time.sleep(0.25)  # two polls: the last step is behind us
            changes.clear()
            step()
            assert changes.wait(1.0) is (what not in QUIET), what
    finally:
        for observer in (server.observer, mkdocs_own):
            observer.stop()
            observer.join()


def test_a_symlinked_folder_pointed_elsewhere_is_heard(
    tmp_path: Path, server: LiveReloadServer
) -> None:
    """The link is watched, not where it pointed when serve started."""
    for name in ("v1", "v2"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "a.md").write_text(f"{name}\n")
    entities = tmp_path / "entities"
    entities.symlink_to("v1", target_is_directory=True)
    changes = threading.Event()
    mkdocs_own = watching.watch_content(server, [entities], changes.set)
    server.observer.start()
    swap = tmp_path / "swap"
    steps: list[tuple[str, Callable[[], object]]] = [
        ("pointed at v2", lambda: (swap.symlink_to("v2"), os.replace(swap, entities))),
        ("an edit in v2", lambda: (tmp_path / "v2" / "a.md").write_text("v2 again\n")),
        ("the link gone", entities.unlink),
        ("the link back, to v1", lambda: entities.symlink_to("v1", target_is_directory=True)),
        ("an edit in v1", lambda: (tmp_path / "v1" / "a.md").write_text("v1 again\n")),
    ]
    try:
        for what, step in steps:
            time.sleep(0.25)
            changes.clear()
            step()
            assert changes.wait(1.0), what
    finally:
        for observer in (server.observer, mkdocs_own):
            observer.stop()
            observer.join()


def test_folders_too_large_to_poll_faster_are_polled_at_mkdocs_pace(
    tmp_path: Path, server: LiveReloadServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    entities = tmp_path / "entities"
    entities.mkdir()
    server.watch(str(entities))
    mkdocs_own = server.observer
    monkeypatch.setattr(watching, "poll_cost", lambda folders: 0.08)
    try:
        assert watching.watch_content(server, [entities], lambda: None) is mkdocs_own
        assert server.observer.timeout == watching.SLOWEST == mkdocs_own.timeout
        assert {emitter.watch.path for emitter in mkdocs_own.emitters} == set()
    finally:
        mkdocs_own.stop()
        mkdocs_own.join()


def test_a_missing_folder_polls_as_empty_and_nothing_inside_it_is_invented(
    tmp_path: Path,
) -> None:
    entities = tmp_path / "entities"
    lasting = watching.lasting_stat([entities])
    assert stat.S_ISDIR(lasting(str(entities)).st_mode)  # missing: an empty folder
    with pytest.raises(FileNotFoundError):
        lasting(str(entities / "gone.md"))  # a file in it is gone, as it is
    entities.mkdir()
    assert lasting(str(entities)) == os.stat(entities)


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
