"""Small text helpers shared by the page renderers: escaping, slugs, relative URLs, code spans."""

from __future__ import annotations

import html
import re
import unicodedata

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
_NO_WRAP = 2**31 - 1  # libyaml's emitter takes an int; no title is that long


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
        lines.append(_yaml_field("title", escaped))
    if not searched:
        lines.append(_NOT_SEARCHED)
    return f"---\n{''.join(lines)}---\n"


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


def toc_slug(text: str) -> str:
    """Return the anchor Python-Markdown's toc extension gives a heading with this text."""
    value = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    value = re.sub(r"[^\w\s-]", "", value).strip().lower()
    return re.sub(r"[-\s]+", "-", value)


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


def _built_path(page: SiteUrl, directory_urls: bool) -> SiteUrl:
    stem = page[: -len(".md")]
    if not directory_urls:
        return SiteUrl(stem + ".html")
    if stem == "index" or stem.endswith("/index"):
        return SiteUrl(stem + ".html")
    return SiteUrl(stem + "/index.html")


_FENCE = re.compile(r"^( {0,3})(`{3,}|~{3,})[^\n]*$", re.MULTILINE)
_INLINE_CODE = re.compile(r"(?<!`)(`+)(?!`)(.+?)(?<!`)\1(?!`)", re.DOTALL)


def code_spans(text: str) -> list[tuple[int, int]]:
    """Return the sorted, half-open ranges of fenced blocks and inline code in Markdown text."""
    spans: list[tuple[int, int]] = []
    pos = 0
    while (start := _FENCE.search(text, pos)) is not None:
        fence = start.group(2)
        closing = re.compile(rf"^ {{0,3}}{fence[0]}{{{len(fence)},}}[ \t]*$", re.MULTILINE)
        end = closing.search(text, start.end())
        stop = end.end() if end else len(text)
        spans.extend(_inline_code(text, pos, start.start()))
        spans.append((start.start(), stop))
        pos = stop
    spans.extend(_inline_code(text, pos, len(text)))
    return spans


def _inline_code(text: str, start: int, stop: int) -> list[tuple[int, int]]:
    return [(m.start() + start, m.end() + start) for m in _INLINE_CODE.finditer(text[start:stop])]


def outside(spans: list[tuple[int, int]], start: int, stop: int) -> list[tuple[int, int]]:
    """Return the parts of ``[start, stop)`` not covered by the sorted ``spans``."""
    parts: list[tuple[int, int]] = []
    pos = start
    for a, b in spans:
        if b <= pos or a >= stop:
            continue
        if a > pos:
            parts.append((pos, a))
        pos = max(pos, b)
    if pos < stop:
        parts.append((pos, stop))
    return parts
