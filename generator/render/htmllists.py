"""Generated links and lists as HTML: the header's breadcrumb and tags, home, A–Z and tag pages.

Written as Markdown, every row (a link and a summary) went through
Python-Markdown's inline patterns and MkDocs' link check on each build,
thousands of rows at 1,000 concepts. As fragments (``fragments``) they are put
in place after conversion and cost nothing to parse; ``export-docs`` writes the
same HTML into its Markdown, where it is a raw block, so each fragment keeps
its text on one line per element and has no blank line.

Titles, aliases, tags and summaries are plain text everywhere a list shows
them (the Markdown escaped them too), so a page reads the same either way.
"""

from __future__ import annotations

from collections.abc import Iterable
from html import escape

from generator.model import ConceptGraph, EntityKey, SiteUrl
from generator.render.markdown import concept_path
from generator.render.text import page_href


def plain(text: str) -> str:
    """Return text as escaped HTML on one line."""
    return escape(" ".join(text.split()), quote=False)


def link(page: SiteUrl, target: SiteUrl, text: str, directory_urls: bool) -> str:
    """Return a link from the built ``page`` to the built ``target``."""
    href = escape(page_href(page, target, directory_urls), quote=True)
    return f'<a href="{href}">{plain(text)}</a>'


def concept_link(graph: ConceptGraph, page: SiteUrl, key: EntityKey, directory_urls: bool) -> str:
    return link(page, concept_path(key), graph.entities[key].title, directory_urls)


def entry(graph: ConceptGraph, page: SiteUrl, key: EntityKey, directory_urls: bool) -> str:
    """Return a concept's link and, when it has one, its summary after a dash."""
    summary = graph.entities[key].summary
    tail = f" — {plain(summary)}" if summary else ""
    return concept_link(graph, page, key, directory_urls) + tail


def bullets(items: Iterable[str], css: str = "") -> str:
    """Return a bulleted list of HTML items (``""`` when there are none)."""
    rows = [f"<li>{item}</li>" for item in items]
    if not rows:
        return ""
    attrs = f' class="{css}"' if css else ""
    return "\n".join([f"<ul{attrs}>", *rows, "</ul>"])
