"""Save-to-reload time of ``glossgraph serve`` for the shipped glossary.

Copies entities/, demos/, mkdocs.yml (and the demo cache, when there is one)
into a scratch folder, starts a real ``glossgraph serve``, waits for its first
build, then appends a sentence to one concept and polls that concept's page
over HTTP until the sentence is served. Prints the seconds from the save to
the page (goal: at most 1 s), and then until its search index has changed:
``serve`` writes the index of a rebuild just after its pages are served.

    .venv/bin/python bench/serve_reload.py [--concept NAME] [--saves 3]
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GLOSSGRAPH = Path(sys.executable).parent / "glossgraph"


def free_port() -> int:
    """Return a TCP port nobody listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def fetch(url: str) -> str | None:
    """Return the page at ``url``, or None while the server has none."""
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return str(response.read().decode("utf-8"))
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return None


def wait_for(url: str, marker: str, limit: float) -> float:
    """Poll ``url`` every 20 ms until it holds ``marker``; return when it did."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        page = fetch(url)
        if page is not None and marker in page:
            return time.monotonic()
        time.sleep(0.02)
    raise SystemExit(f"{url} never showed {marker!r} within {limit:.0f} s")


def wait_for_change(url: str, before: str | None, limit: float) -> float:
    """Poll ``url`` every 20 ms until it differs from ``before``; return when it did."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        now = fetch(url)
        if now is not None and now != before:
            return time.monotonic()
        time.sleep(0.02)
    raise SystemExit(f"{url} did not change within {limit:.0f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--concept", default="dropout")
    parser.add_argument("--saves", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="gg-serve-") as scratch:
        folder = Path(scratch)
        for name in ("entities", "demos"):
            shutil.copytree(ROOT / name, folder / name)
        shutil.copy(ROOT / "mkdocs.yml", folder / "mkdocs.yml")
        if (ROOT / ".glossgraph").is_dir():
            shutil.copytree(ROOT / ".glossgraph", folder / ".glossgraph")
        port = free_port()
        argv = [str(GLOSSGRAPH), "serve", "--dev-addr", f"127.0.0.1:{port}"]
        log = (folder / "serve.log").open("w")
        server = subprocess.Popen(argv, cwd=folder, stdout=log, stderr=log, start_new_session=True)
        try:
            url = f"http://127.0.0.1:{port}/concepts/{args.concept}.html"
            started = time.monotonic()
            wait_for(url, "</html>", 600)
            print(f"first build served after {time.monotonic() - started:.1f} s", flush=True)
            concept = folder / "entities" / f"{args.concept}.md"
            original = concept.read_text("utf-8")
            entry_url = f"http://127.0.0.1:{port}/pagefind/pagefind-entry.json"
            seconds: list[float] = []
            searchable: list[float] = []
            for save in range(args.saves):
                marker = f"Saved sentence {save} {os.getpid()}"
                time.sleep(1.0)  # let the watcher settle, and the last search index finish
                entry = fetch(entry_url)
                saved = time.monotonic()
                concept.write_text(f"{original}\n{marker}.\n", "utf-8")
                seconds.append(wait_for(url, marker, 120) - saved)
                searchable.append(wait_for_change(entry_url, entry, 120) - saved)
                print(
                    f"save {save + 1}: page served {seconds[-1]:.2f} s after the save,"
                    f" search index {searchable[-1]:.2f} s",
                    flush=True,
                )
        finally:
            os.killpg(server.pid, signal.SIGINT)
            server.wait(timeout=30)
            log.close()
    median = statistics.median(seconds)
    print(f"save to reloaded page, median of {len(seconds)}: {median:.2f} s (goal: at most 1 s)")
    print(f"save to updated search index, median: {statistics.median(searchable):.2f} s")


if __name__ == "__main__":
    main()
