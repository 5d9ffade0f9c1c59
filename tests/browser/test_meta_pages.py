"""Metadata pages in Chromium: the 404 page at any depth, and image boxes kept before images load.

The 404 page is requested folders deep and must come styled, with links that open pages.
"""

from __future__ import annotations

from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from metasite import build_site
from pagewatch import PageWatch

pytestmark = [pytest.mark.browser, pytest.mark.slow]


class _NotFoundHandler(SimpleHTTPRequestHandler):
    """Serve the site under ``prefix``, answering a missing file with 404.html as a host does."""

    prefix = "/"

    def translate_path(self, path: str) -> str:
        inside = path[len(self.prefix) - 1 :] if path.startswith(self.prefix) else "/\0missing"
        return super().translate_path(inside)

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        page = Path(self.directory) / "404.html"
        if code != 404 or not page.is_file():
            super().send_error(code, message, explain)
            return
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        del format, args


# Without site_url the site is served from the server's root; with one, from its path.
CASES = {
    "plain-urls-at-root": (None, False, "/"),
    "directory-urls-under-a-path": ("https://example.org/notes/", True, "/notes/"),
}


@pytest.fixture(scope="module", params=sorted(CASES))
def site(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, serve: Any
) -> Iterator[str]:
    site_url, directory_urls, prefix = CASES[request.param]
    root = tmp_path_factory.mktemp(f"not-found-{request.param}")
    folder = build_site(root, site_url=site_url, directory_urls=directory_urls)
    handler = type("Handler", (_NotFoundHandler,), {"prefix": prefix})
    with serve(folder, handler, prefix) as url:
        yield url


@pytest.mark.parametrize("missing", ["a/b/c/missing.html", "a/b/c/d/missing/", "missing"])
def test_not_found_page_works_at_any_depth(browser: Any, site: str, missing: str) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    try:
        watch = PageWatch(context.new_page(), site)
        failed: list[str] = []
        watch.page.on(
            "response",
            lambda r: (
                failed.append(f"{r.status} {r.url}")
                if r.status >= 400 and not r.url.endswith(missing)
                else None
            ),
        )
        response = watch.page.goto(site + missing)
        assert response is not None and response.status == 404
        watch.page.wait_for_load_state("networkidle")
        assert watch.page.locator("h1").first.inner_text().startswith("404")
        styled = watch.page.evaluate(
            "() => [...document.styleSheets].filter(s => s.href && s.cssRules.length > 0)"
            ".map(s => new URL(s.href).pathname)"
        )
        assert any("/assets/stylesheets/main." in href for href in styled)
        assert any(href.endswith("/assets/glossgraph/glossgraph.css") for href in styled)
        header = watch.page.evaluate(
            "() => getComputedStyle(document.querySelector('.md-header')).position"
        )
        assert header == "sticky"  # Material's stylesheet applies
        assert watch.page.locator(".md-header__button.md-logo svg").count() == 1
        assert failed == []  # every stylesheet, script, icon and the search index loaded
        assert_links_reach_pages(watch, site)
        watch.shot(f"not-found-{urlsplit(site).path.strip('/') or 'root'}")
        # The one error a browser logs is the page's own 404 status.
        assert [e for e in watch.errors if "404 (Not Found)" not in e] == []
        watch.errors.clear()
        watch.assert_clean()
    finally:
        context.close()


def assert_links_reach_pages(watch: PageWatch, site: str) -> None:
    """Every link of the page on the site itself opens a page (status 200, not the 404 page)."""
    hrefs = watch.page.evaluate("() => [...document.querySelectorAll('a[href]')].map(a => a.href)")
    ours = sorted({href.split("#")[0] for href in hrefs if href.startswith(site)})
    assert {site, site + "index.html"} & set(ours)  # home
    assert {site + "a-z/", site + "a-z.html"} & set(ours)
    for href in ours:
        status = watch.page.request.get(href).status
        assert status == 200, href


@pytest.mark.parametrize("width", [1280, 390])
def test_image_box_is_reserved_before_the_image_loads(browser: Any, site: str, width: int) -> None:
    context = browser.new_context(viewport={"width": width, "height": 844})
    try:
        page = context.new_page()
        page.route("**/images/*", lambda route: None)  # held: the image is still loading
        page_url = site + ("concepts/alpha/" if site.endswith("/notes/") else "concepts/alpha.html")
        page.goto(page_url, wait_until="domcontentloaded")
        image = page.locator("article img[alt='Two boxes']")
        assert image.evaluate("img => img.complete") is False
        box = image.bounding_box()
        assert box is not None and 0 < box["width"] <= 300
        # The header's 300x120 holds the space: no jump when the image comes.
        assert abs(box["height"] - box["width"] * 120 / 300) < 1.5
    finally:
        context.close()
