"""Small text helpers shared by the page renderers: escaping and relative URLs."""

from __future__ import annotations

import html
import json
import re

from generator.model import SiteUrl

# Characters that mean something to Markdown, HTML or our math pass in inline text.
_INLINE_SPECIAL = re.compile(r"[\\`*_{}\[\]()<>&#!|$~^=+\"']")


def escape_inline(text: str) -> str:
    """Return user text as inline Markdown that renders literally (no markup, no HTML)."""
    flat = " ".join(text.split())
    return _INLINE_SPECIAL.sub(lambda m: f"&#{ord(m.group())};", flat)


SEARCH_EXCLUDE = "{ data-search-exclude }"
"""Attribute list keeping a section out of the search index (Material's search plugin)."""

_NOT_SEARCHED = "search:\n  exclude: true\n"


def page_meta(title: str | None = None, *, searched: bool = True) -> str:
    """Return a page's front matter: its title, HTML-escaped (themes print titles raw).

    Every generated page hides the navigation sidebar (the tabs show it).

    ``searched=False`` keeps the page out of the search index: listings that only
    repeat other pages' titles and summaries would make the index grow with
    every page times every listing.
    """
    # The navigation is four items, already shown as tabs: its sidebar would
    # only take width from figures and tables.
    lines = ["hide:\n  - navigation\n"]
    if title is not None:
        escaped = html.escape(" ".join(title.split()), quote=True)
        lines.append(f"title: {json.dumps(escaped)}\n")
    if not searched:
        lines.append(_NOT_SEARCHED)
    return f"---\n{''.join(lines)}---\n"


def escape_attr(text: str) -> str:
    """Return user text safe inside a double-quoted HTML attribute."""
    return escape_inline(text)


def relative_url(from_page: SiteUrl, to_path: SiteUrl) -> str:
    """Return the relative link from one docs page to another docs path."""
    # posixpath.relpath consults the working directory; docs paths never need it.
    here = from_page.split("/")[:-1]
    there = to_path.split("/")
    common = 0
    while common < min(len(here), len(there) - 1) and here[common] == there[common]:
        common += 1
    return "/".join([".."] * (len(here) - common) + there[common:])


def page_href(from_page: SiteUrl, to_page: SiteUrl, directory_urls: bool) -> str:
    """Return the href a built HTML page uses to reach another page (for raw HTML such as SVG)."""
    return relative_url(
        _built_path(from_page, directory_urls), _built_path(to_page, directory_urls)
    )


def page_url(page: SiteUrl, directory_urls: bool) -> str:
    """Return the URL of a docs page relative to the site's root (``concepts/attention.html``).

    >>> page_url(SiteUrl("concepts/attention.md"), directory_urls=True)
    'concepts/attention/'
    """
    built = _built_path(page, directory_urls)
    if directory_urls and built.endswith("/index.html") and page != "index.md":
        return built[: -len("index.html")]
    return built


def asset_href(from_page: SiteUrl, path: SiteUrl, directory_urls: bool) -> str:
    """Return the href a built HTML page uses to reach a copied file (for raw HTML)."""
    return relative_url(_built_path(from_page, directory_urls), path)


def _built_path(page: SiteUrl, directory_urls: bool) -> SiteUrl:
    stem = page[: -len(".md")]
    if not directory_urls:
        return SiteUrl(stem + ".html")
    if stem == "index" or stem.endswith("/index"):
        return SiteUrl(stem + ".html")
    return SiteUrl(stem + "/index.html")
