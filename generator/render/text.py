"""Small text helpers shared by the page renderers: escaping and relative URLs."""

from __future__ import annotations

import functools
import html

import yaml

from generator.model import SiteUrl

try:
    from yaml import CSafeDumper as _Dumper
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    from yaml import SafeDumper as _Dumper  # type: ignore[assignment]

# Characters that mean something to Markdown, HTML or our math pass in inline text,
# each written as its numeric reference (a table: one call per character costs a
# second on a long summary made of them).
_INLINE_SPECIAL = {ord(c): f"&#{ord(c)};" for c in "\\`*_{}[]()<>&#!|$~^=+\"'"}


def escape_inline(text: str) -> str:
    """Return user text as inline Markdown that renders literally (no markup, no HTML)."""
    flat = " ".join(text.split())
    return flat.translate(_INLINE_SPECIAL)


SEARCH_EXCLUDE = "{ data-search-exclude }"
"""Attribute list keeping a section out of the search index (Material's search plugin)."""

_NOT_SEARCHED = "search:\n  exclude: true\n"
DESCRIPTION_MAX = 300
"""Longest page description: link previews show about this much, search results less."""
_NO_WRAP = 2**31 - 1  # libyaml's emitter takes an int; no title is that long


ESCAPED_META = "gg_escaped: true\n"
"""Tells the theme's Open Graph tags that title and description are HTML already.

A page of the author's own has no such line: its front matter is text, escaped
where the tags print it.
"""


def page_meta(
    title: str | None = None,
    *,
    description: str | None = None,
    article: bool = False,
    searched: bool = True,
) -> str:
    """Return a page's front matter: title and description, HTML-escaped (themes print them raw).

    Every generated page hides the navigation sidebar (the tabs show it).
    ``description`` becomes the page's ``<meta name="description">`` and its
    Open Graph description; ``article`` makes its Open Graph type ``article``
    (a concept) rather than ``website`` (a listing).

    ``searched=False`` keeps the page out of the search index: listings that only
    repeat other pages' titles and summaries would make the index grow with
    every page times every listing.
    """
    # The navigation is four items, already shown as tabs: its sidebar would
    # only take width from figures and tables.
    lines = ["hide:\n  - navigation\n"]
    if title is not None or description:
        lines.append(ESCAPED_META)
    if title is not None:
        escaped = html.escape(" ".join(title.split()), quote=True)
        lines.append(_yaml_field("title", escaped))
    if description:
        lines.append(_yaml_field("description", html.escape(meta_description(description))))
    if article:
        lines.append("og_type: article\n")
    if not searched:
        lines.append(_NOT_SEARCHED)
    return f"---\n{''.join(lines)}---\n"


def meta_description(text: str) -> str:
    """Return text as a page description: one line, cut at a word before ``DESCRIPTION_MAX``.

    >>> meta_description("A  short\\nsummary.")
    'A short summary.'
    """
    flat = " ".join(text.split())
    if len(flat) <= DESCRIPTION_MAX:
        return flat
    cut = flat.rfind(" ", 0, DESCRIPTION_MAX)
    return flat[: cut if cut > 0 else DESCRIPTION_MAX - 1].rstrip(" ,;:.") + "…"


def _yaml_field(name: str, value: str) -> str:
    """Return ``name: value`` as one line of YAML that reads back as ``value``.

    Written by a YAML dumper, not json.dumps: JSON writes an emoji as two
    surrogate escapes, which YAML rejects, and MkDocs then shows the front
    matter as text on the page. Printable ASCII (nearly every title) is one
    double-quoted scalar in YAML and JSON alike, written directly because
    dumping costs more per page than the rest of the front matter.
    """
    if value.isascii() and value.isprintable():
        quoted = value.replace("\\", "\\\\").replace('"', '\\"')
        return f'{name}: "{quoted}"\n'
    return yaml.dump({name: value}, Dumper=_Dumper, allow_unicode=True, width=_NO_WRAP)


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
    folder = _built_path(from_page, directory_urls).rpartition("/")[0]
    return _href_from_folder(folder, to_page, directory_urls)


@functools.lru_cache(maxsize=1 << 16)
def _href_from_folder(folder: str, to_page: SiteUrl, directory_urls: bool) -> str:
    # A link depends on the folder it is written in alone: every concept page
    # sits in one folder, and each picture links to some 35 of them.
    here = SiteUrl(f"{folder}/_" if folder else "_")
    return relative_url(here, _built_path(to_page, directory_urls))


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
