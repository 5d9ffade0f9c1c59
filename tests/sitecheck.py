"""A link checker for a built site: every internal href/src names a file, every #fragment an id."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.refs: list[tuple[str, str, str]] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value is None:
                continue
            if name in ("href", "src"):
                self.refs.append((tag, name, value))
            elif name in ("id", "name"):
                self.ids.add(value)


def _parse(page: Path, cache: dict[Path, _Page]) -> _Page:
    parsed = cache.get(page)
    if parsed is None:
        parsed = cache[page] = _Page()
        parsed.feed(page.read_text("utf-8"))
    return parsed


def broken_links(site: Path) -> list[str]:
    """Return every internal href/src in the site's HTML that names no file or no fragment."""
    broken: list[str] = []
    cache: dict[Path, _Page] = {}
    # 404.html is served at any depth, so MkDocs gives it root-absolute links.
    for page in sorted(p for p in site.rglob("*.html") if p.name != "404.html"):
        for tag, attr, ref in _parse(page, cache).refs:
            url = urlsplit(ref)
            if url.scheme or url.netloc:
                if tag != "a" and (url.scheme in ("http", "https") or url.netloc):
                    broken.append(f"{page.relative_to(site)}: off-origin {attr}={ref}")
                continue
            target = (page.parent / unquote(url.path)).resolve() if url.path else page
            if url.path.endswith("/"):
                target = target / "index.html"
            if not target.is_file():
                broken.append(f"{page.relative_to(site)}: {attr}={ref}")
            elif (
                url.fragment
                and target.suffix == ".html"
                and unquote(url.fragment) not in _parse(target, cache).ids
            ):
                broken.append(f"{page.relative_to(site)}: {attr}={ref} (no such anchor)")
    return broken
