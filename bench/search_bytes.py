"""Bytes a reader's browser fetches to open a concept page and run one search.

Usage: ``python bench/search_bytes.py [N ...] [--reuse]`` (default N: 1000 4000)

For each N it builds a synthetic glossary of N concepts with no demos under
bench/out/, serves the site on 127.0.0.1, opens its largest concept page in
headless Chromium with an empty cache, types one query into the search
dialog, and sums the bytes of every response (headers and body, as served:
no compression), once for a concept's title and once for a sentence from a
body. Limits: 1.5 MB at 4,000 concepts and 2.5 MB at 10,000 (1 MB = 10^6 B).
``--reuse`` keeps a site already built for that N. The gzip column says what a
server that compresses would send.
"""

from __future__ import annotations

import argparse
import gzip
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness import OUT, Figure, MeasureFailed, build, corpus, table

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
LIMITS_MB = {4000: 1.5, 10000: 2.5}
_TITLE = re.compile(r"^title: (.+)$", re.M)
_SENTENCE = re.compile(r"^## .+\n\n([A-Z][a-z ,-]{30,}?)\. ", re.M)


@dataclass(frozen=True, slots=True)
class Transfer:
    """What one page load and one search fetched."""

    page: int  # bytes until the page is loaded
    total: int  # bytes after the search's results are shown
    gzip: int  # total, had every response been gzip-compressed
    requests: int
    fragments: int  # Pagefind result fragments among the requests


def queries(entities: Path) -> dict[str, str]:
    """Return a title query and a body-sentence query, from the first concepts that have them."""
    found: dict[str, str] = {}
    for path in sorted(entities.glob("*.md")):
        text = path.read_text("utf-8")
        title, sentence = _TITLE.search(text), _SENTENCE.search(text)
        if title and "title" not in found:
            found["title"] = title.group(1)
        if sentence and "sentence" not in found:
            found["sentence"] = sentence.group(1)
        if len(found) == 2:
            return found
    raise MeasureFailed(f"no title and body sentence to search for in {entities}")


def largest_concept_page(site: Path) -> str:
    """Return the site path of the biggest concept page: the worst case to load."""
    pages = sorted((site / "concepts").glob("*.html"), key=lambda p: (-p.stat().st_size, p.name))
    if not pages:
        raise MeasureFailed(f"no concept pages in {site}")
    return pages[0].relative_to(site).as_posix()


@contextmanager
def served(site: Path) -> Iterator[str]:
    """Serve ``site`` the way the README says, with ``python -m http.server``; yield its URL."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [sys.executable, "-m", "http.server", str(port), "-b", "127.0.0.1", "-d", str(site)]
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(url, timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)


def fetch_bytes(browser: Any, url: str, query: str) -> Transfer:
    """Open ``url`` with an empty cache, search for ``query``, and count what came."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    sizes: list[int] = []
    packed: list[int] = []
    urls: list[str] = []

    def finished(request: Any) -> None:
        size = request.sizes()
        sizes.append(size["responseHeadersSize"] + size["responseBodySize"])
        response = request.response()
        body = response.body() if response is not None else b""
        packed.append(size["responseHeadersSize"] + min(len(body), len(gzip.compress(body))))
        urls.append(request.url)

    started: list[str] = []
    try:
        page = context.new_page()
        page.on("request", lambda request: started.append(request.url))
        page.on("requestfinished", finished)
        page.on("requestfailed", lambda request: urls.append(request.url))
        page.goto(url, wait_until="networkidle")
        _settle(page, started, urls)
        loaded = sum(sizes)
        page.keyboard.press("/")
        page.locator("input.md-search__input").fill(query)
        page.wait_for_function(
            "q => document.querySelector('[data-gg-search-list]')?.dataset.query === q",
            arg=query,
            timeout=60_000,
        )
        _settle(page, started, urls)
        fragments = sum("/pagefind/fragment/" in u for u in urls)
        return Transfer(loaded, sum(sizes), sum(packed), len(urls), fragments)
    finally:
        context.close()


def _settle(page: Any, started: list[str], ended: list[str], quiet_ms: int = 500) -> None:
    """Wait until every request the page started has ended and none started for ``quiet_ms``."""
    seen = -1
    for _ in range(600):
        if len(ended) >= len(started) and len(started) == seen:
            return
        seen = len(started)
        page.wait_for_timeout(quiet_ms)
    raise MeasureFailed(f"requests still open after a minute: {sorted(set(started) - set(ended))}")


def measure_site(root: Path, site: Path, n: int) -> list[Figure]:
    """Return the page + one search figures of a built synthetic site of ``n`` concepts."""
    from playwright.sync_api import sync_playwright

    page = largest_concept_page(site)
    limit = LIMITS_MB.get(n)
    figures: list[Figure] = []
    with served(site) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for kind, query in queries(root / "entities").items():
                got = fetch_bytes(browser, base + page, query)
                detail = (
                    f"page {got.page / 1e3:.0f} kB + search {(got.total - got.page) / 1e3:.0f} kB;"
                    f" {got.requests} requests, {got.fragments} result fragments;"
                    f" gzip-served {got.gzip / 1e6:.2f} MB; {page}; query {query!r}"
                )
                name = f"concept page + one search ({kind}), N={n:,}"
                figures.append(Figure(name, got.total / 1e6, "MB", limit, detail))
        finally:
            browser.close()
    return figures


def built_site(n: int, reuse: bool) -> tuple[Path, Path]:
    """Return the corpus folder and its built site for ``n`` concepts, building unless reused."""
    root = corpus(n)
    site = OUT / f"search-site-{n}"
    if reuse and (site / "pagefind" / "pagefind-entry.json").is_file():
        return root, site
    shutil.rmtree(site, ignore_errors=True)
    seconds = build(root, site)
    print(f"built {n:,} concepts in {seconds:.1f} s", file=sys.stderr)
    return root, site


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[1000, 4000])
    parser.add_argument("--reuse", action="store_true", help="keep a site built before")
    args = parser.parse_args(argv)
    figures: list[Figure] = []
    for n in args.sizes:
        root, site = built_site(n, args.reuse)
        figures.extend(measure_site(root, site, n))
        print(table(figures[-2:]), flush=True)
    print(table(figures))
    return 1 if any(f.status == "MISS" for f in figures) else 0


if __name__ == "__main__":
    raise SystemExit(main())
