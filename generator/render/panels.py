"""The related-concepts panel at the foot of a concept page, as escaped HTML.

The panel is the page's one generated listing, kept short so the author's
prose stays the larger part of the page:

- the learning path as one ordered line of links (study order, ending at this
  page), with only the direct prerequisites expanded into their summaries;
- children, related concepts and backlinks ("Referenced by") as short inline
  lists of titles; previews.js shows a linked concept's summary on hover.

Every concept is linked once, under its strongest relation
(``tree.listing``); ancestors are already linked by the breadcrumb.
The panel's headings are HTML, not Markdown, so they never reach the page's
table of contents, and the block carries ``data-search-exclude``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from generator.model import ConceptGraph, EntityKey
from generator.render.htmllists import concept_link, plain
from generator.render.markdown import concept_path
from generator.render.tree import Listing

_Link = Callable[[EntityKey], str]

PANEL_CLASS = "gg-panel"
"""The class of the block that holds the panel (what the page budget counts as generated)."""


def render_panel(graph: ConceptGraph, key: EntityKey, found: Listing, directory_urls: bool) -> str:
    """Return the panel's HTML for a concept page, or ``""`` when it has nothing to list."""
    link = _linker(graph, key, directory_urls)
    groups = [
        _path_section(graph, key, found, link),
        _group("Children", found.children, link),
        _group("Related", found.related, link),
        _group("Referenced by", found.backlinks, link),
    ]
    body = "\n".join(group for group in groups if group)
    if not body:
        return ""
    return f'<nav class="gg-panel__nav" aria-label="Related concepts">\n{body}\n</nav>'


def _linker(graph: ConceptGraph, key: EntityKey, directory_urls: bool) -> _Link:
    page = concept_path(key)
    return lambda target: concept_link(graph, page, target, directory_urls)


def _path_section(graph: ConceptGraph, key: EntityKey, found: Listing, link: _Link) -> str:
    if not found.path:
        return ""
    direct, shown = set(found.direct), set(found.ancestors)
    steps = [_step(graph, step, step in direct, step in shown, link) for step in found.path]
    steps.append(f'<li class="gg-path__here" aria-current="page">{_title(graph, key)}</li>')
    lines = [
        '<section class="gg-panel__group gg-panel__path">',
        '<h2 class="gg-panel__label">Learning path</h2>',
        '<ol class="gg-path">',
        *steps,
        "</ol>",
    ]
    expanded = [_summary(graph, step) for step in found.direct]
    if any(expanded):
        lines += ['<dl class="gg-panel__direct">', *(e for e in expanded if e), "</dl>"]
    return "\n".join([*lines, "</section>"])


def _step(graph: ConceptGraph, step: EntityKey, direct: bool, shown: bool, link: _Link) -> str:
    if shown:  # already linked by the breadcrumb: kept in the order, not linked twice
        return f'<li class="gg-path__shown">{_title(graph, step)}</li>'
    css = ' class="gg-path__direct"' if direct else ""
    return f"<li{css}>{link(step)}</li>"


def _summary(graph: ConceptGraph, key: EntityKey) -> str:
    summary = graph.entities[key].summary
    if not summary:
        return ""
    return f"<dt>{_title(graph, key)}</dt><dd>{plain(summary)}</dd>"


def _group(label: str, keys: Iterable[EntityKey], link: _Link) -> str:
    items = [f"<li>{link(key)}</li>" for key in keys]
    if not items:
        return ""
    return "\n".join(
        [
            '<section class="gg-panel__group">',
            f'<h2 class="gg-panel__label">{label}</h2>',
            '<ul class="gg-panel__list">',
            *items,
            "</ul>",
            "</section>",
        ]
    )


def _title(graph: ConceptGraph, key: EntityKey) -> str:
    return plain(graph.entities[key].title)
