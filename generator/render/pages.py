"""Render the checked concept graph into the docs tree: concept pages, home, A–Z, tags, graph."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from importlib import resources
from itertools import groupby
from pathlib import Path
from types import MappingProxyType
from typing import Protocol

import networkx as nx

from generator.model import (
    ConceptGraph,
    DemoId,
    Entity,
    EntityKey,
    Relation,
    SiteUrl,
)
from generator.reading import DEFAULT_POLICY, ReadPolicy, read_bytes, real_folder
from generator.render.docstree import DocsTree
from generator.render.fragments import (
    SLOT_CLASS,
    Fragment,
    Fragments,
    PageFragments,
    Slot,
    new_nonce,
)
from generator.render.htmllists import bullets, concept_link, entry, link, plain
from generator.render.markdown import BodyEdits, concept_path, rewrite_body
from generator.render.panels import PANEL_CLASS, render_panel
from generator.render.previews import PREVIEWS_DATA, previews_script
from generator.render.text import (
    escape_inline,
    page_href,
    page_meta,
)
from generator.render.tree import Listing, listing, neighbours, tag_pages, tag_path
from generator.slugs import name_fold

Href = Callable[[EntityKey], str]
NeighbourhoodPicture = Callable[[nx.MultiDiGraph, EntityKey, Href], str]
WholePicture = Callable[[nx.MultiDiGraph, Href], str]

ASSET_DIR = SiteUrl("assets/glossgraph")


class DemoMarkdown(Protocol):
    """What a concept page needs of a rendered demo (``generator.demos.render_demo``)."""

    @property
    def markdown(self) -> str: ...

    @property
    def files(self) -> Mapping[str, bytes]: ...


@dataclass(frozen=True, slots=True)
class RenderOptions:
    """How pages are rendered: the site's name, whether URLs end in ``/``, how images are read."""

    site_name: str = "Glossary"
    directory_urls: bool = False
    neighbourhood: NeighbourhoodPicture | None = None
    whole_graph: WholePicture | None = None
    entities: Path | None = None
    reading: ReadPolicy = DEFAULT_POLICY


def _no_demos() -> Mapping[DemoId, DemoMarkdown]:
    return MappingProxyType({})


@dataclass(frozen=True, slots=True)
class RenderedSite:
    """The docs tree and the rendered demos it holds."""

    tree: DocsTree
    demos: Mapping[DemoId, DemoMarkdown] = field(default_factory=_no_demos)


def render_site(
    graph: ConceptGraph,
    demos: Mapping[DemoId, DemoMarkdown],
    options: RenderOptions,
) -> RenderedSite:
    """Return every page and file of the site for a checked graph and its rendered demos."""
    files: dict[SiteUrl, str | bytes] = {}
    nonce = new_nonce()
    collectors: dict[SiteUrl, PageFragments] = {}

    def collector(page: SiteUrl) -> PageFragments:
        return collectors.setdefault(page, PageFragments(nonce))

    def fragment_of(page: SiteUrl) -> Fragment:
        return collector(page).add

    edits = BodyEdits()
    for key in sorted(graph.entities):
        page = concept_path(key)
        files[page] = _render_concept(graph, key, demos, options, files, collector(page), edits)
    for demo in demos.values():
        files.update({SiteUrl(path): content for path, content in demo.files.items()})
    home, a_to_z, whole = SiteUrl("index.md"), SiteUrl("a-z.md"), SiteUrl("graph.md")
    files[home] = render_home(graph, options, fragment_of(home))
    files[a_to_z] = render_a_to_z(graph, options.directory_urls, fragment_of(a_to_z))
    files.update(tag_pages(graph, options.directory_urls, fragment_of))
    files[whole] = render_graph_page(graph, options, fragment_of(whole))
    files.update(asset_files())
    files[PREVIEWS_DATA] = previews_script(graph)
    parts = {page: collected.parts() for page, collected in collectors.items()}
    slots = {page: collected.slots() for page, collected in collectors.items()}
    fragments = Fragments(nonce, {page: html for page, html in parts.items() if html}, slots)
    return RenderedSite(DocsTree(files, fragments), MappingProxyType(dict(demos)))


def asset_files() -> dict[SiteUrl, str | bytes]:
    """Return our CSS/JS files under ``assets/glossgraph/``."""
    folder = resources.files("generator") / "assets"
    return {
        SiteUrl(f"{ASSET_DIR}/{item.name}"): item.read_bytes()
        for item in folder.iterdir()
        if item.is_file() and Path(item.name).suffix in {".css", ".js"}
    }


def _render_concept(
    graph: ConceptGraph,
    key: EntityKey,
    demos: Mapping[DemoId, DemoMarkdown],
    options: RenderOptions,
    files: dict[SiteUrl, str | bytes],
    fragments: PageFragments,
    edits: BodyEdits,
) -> str:
    """Return a concept's page; its generated parts are fragments beside its own headings."""
    entity = graph.entities[key]
    page = concept_path(key)
    body = rewrite_body(entity, graph, page, options.directory_urls, edits)
    for path, source in body.assets.items():
        if path not in files:
            _publish_asset(source, path, options, files)
    found = listing(neighbours(graph, key))
    # The panel goes before the picture's heading, the picture after it.
    pictured = options.neighbourhood is not None
    panel = fragments.at(Slot.BEFORE_HEADING) if pictured else fragments.add
    parts = [
        _render_header(graph, entity, found, options.directory_urls, fragments),
        body.markdown.strip(),
        _render_demos(entity, demos),
        panel(_render_lists(graph, key, found, options)),
        _render_picture(graph, key, options, fragments.at(Slot.AFTER_HEADING)),
    ]
    return "\n\n".join(part for part in parts if part) + "\n"


def _publish_asset(
    source: str, target: SiteUrl, options: RenderOptions, files: dict[SiteUrl, str | bytes]
) -> None:
    """Publish an embedded file, read again under the reading policy.

    The loader already refused what the policy forbids; a file swapped since
    then (a symlink put in its place) is left out rather than published.
    """
    folder = real_folder(options.entities or Path(source).parent)
    try:
        files[target] = read_bytes(source, folder, options.reading)
    except OSError:
        return


def _render_header(
    graph: ConceptGraph,
    entity: Entity,
    found: Listing,
    directory_urls: bool,
    fragments: PageFragments,
) -> str:
    """Return the breadcrumb, title, aliases, tags and lead.

    The breadcrumb, aliases and tags are generated HTML, put in place after
    conversion like the panel: through Markdown they were a third of a page's
    conversion time. The title and the lead (the author's summary) stay Markdown.
    """
    page = concept_path(entity.key)
    crumbs = [link(page, SiteUrl("index.md"), "Home", directory_urls)]
    crumbs += [concept_link(graph, page, a, directory_urls) for a in found.ancestors]
    # The breadcrumb comes before the title, as on most sites, so the title sits on the prose.
    lines = [
        page_meta(entity.title, description=_description(entity), article=True),
        fragments.add(
            f'<p class="gg-breadcrumb" data-search-exclude>{" › ".join(crumbs)}</p>',
            Slot.BEFORE_TITLE,
        ),
        "",
        f"# {escape_inline(entity.title)}",
    ]
    names = []
    if entity.aliases:
        names.append(
            f'<p class="gg-aliases">Also called: {", ".join(map(plain, entity.aliases))}</p>'
        )
    if entity.tags:
        chips = " ".join(link(page, tag_path(tag), tag, directory_urls) for tag in entity.tags)
        names.append(f'<p class="gg-tags">{chips}</p>')
    if names:
        lines += ["", fragments.add("\n".join(names), Slot.AFTER_TITLE)]
    if entity.summary and entity.summary_given:  # else the body's first paragraph is the summary
        lines += ["", escape_inline(entity.summary), "{: .gg-lead }"]
    return "\n".join(lines)


def _description(entity: Entity) -> str:
    """Return the concept page's description: its summary, or what the page is about."""
    return entity.summary or f"{entity.title}: what it is and how it relates to other concepts."


def _render_demos(entity: Entity, demos: Mapping[DemoId, DemoMarkdown]) -> str:
    if not entity.demos:
        return ""
    sections = ["## Demos"]
    for ref in entity.demos:
        demo = demos.get(DemoId(ref.name))
        if demo is None:
            sections.append(f"### {escape_inline(ref.name)}\n\n*This demo was not run.*")
        else:
            sections.append(demo.markdown.strip())
    return "\n\n".join(sections)


def _render_lists(
    graph: ConceptGraph, key: EntityKey, found: Listing, options: RenderOptions
) -> str:
    """Return the related-concepts panel: learning path, children, related, referenced by."""
    panel = render_panel(graph, key, found, options.directory_urls)
    return _raw_block(PANEL_CLASS, panel) if panel else ""


def _render_picture(
    graph: ConceptGraph, key: EntityKey, options: RenderOptions, fragment: Fragment
) -> str:
    if options.neighbourhood is None:
        return ""
    href = _href_from(concept_path(key), options.directory_urls)
    svg = options.neighbourhood(graph.graph, key, href)
    heading = f"## Neighbourhood {{ .{SLOT_CLASS} data-search-exclude }}"
    return f"{heading}\n\n{fragment(_raw_block('gg-neighbourhood', svg))}"


def render_home(graph: ConceptGraph, options: RenderOptions, fragment: Fragment) -> str:
    """Return the home page: what this is, counts, the top-level tree."""
    page = SiteUrl("index.md")
    g = graph.graph
    demos = {demo for key in graph.entities for demo in g.nodes[key].get("demos", ())}
    tags = {tag for entity in graph.entities.values() for tag in entity.tags}
    intro = (
        f"A glossary of {_count(len(graph.entities), 'concept')} joined by"
        f" {_count(g.number_of_edges(), 'relation')}, with {_count(len(tags), 'tag')} and"
        f" {_count(len(demos), 'demo')} whose outputs come from real runs."
    )
    lines = [
        page_meta(description=f"{options.site_name}: {intro[0].lower()}{intro[1:]}"),
        f"# {escape_inline(options.site_name)}",
        "",
        intro,
        "Every concept page links to its parent, children, prerequisites and related concepts.",
        "",
        "Browse: [A–Z](a-z.md) · [Tags](tags/index.md) · [Graph](graph.md)",
        "",
        "## Top-level concepts",
        "",
    ]
    urls = options.directory_urls
    rows = []
    for root in _sorted_keys(graph, _roots(graph)):
        children = bullets(entry(graph, page, c, urls) for c in neighbours(graph, root).children)
        rows.append(entry(graph, page, root, urls) + (f"\n{children}" if children else ""))
    lines.append(fragment(bullets(rows)))
    return "\n".join(lines) + "\n"


def render_a_to_z(graph: ConceptGraph, directory_urls: bool, fragment: Fragment) -> str:
    """Return the A–Z index: every concept and alias with its summary, by first letter.

    The letters are Markdown headings (the page's table of contents); each
    letter's list is a fragment.
    """
    page = SiteUrl("a-z.md")
    rows: list[tuple[str, str]] = []
    for key, entity in graph.entities.items():
        rows.append((entity.title, entry(graph, page, key, directory_urls)))
        for alias in entity.aliases:
            see = concept_link(graph, page, key, directory_urls)
            rows.append((alias, f"{plain(alias)}: see {see}"))
    rows.sort(key=lambda row: (*_index_place(row[0]), row[1]))
    described = f"All {_count(len(graph.entities), 'concept')} from A to Z, each with its summary."
    lines = [page_meta(description=described, searched=False), "# A–Z", ""]
    for first, group in groupby(rows, key=lambda row: _letter(row[0])):
        lines += ["", f"## {escape_inline(first)}", "", fragment(bullets(row for _, row in group))]
    return "\n".join(lines) + "\n"


def _letter(name: str) -> str:
    """Return the A–Z heading a name is listed under.

    A Latin letter loses its accent (``Élan`` is under E); a Hangul syllable
    goes under its first consonant; another letter is its own heading, upper
    case where its script has case; anything else is ``#``.
    """
    first = name[:1]
    if not first.isalpha():
        return "#"
    base = unicodedata.normalize("NFKD", first)[:1]
    if base.isascii() or unicodedata.name(first, "").startswith("HANGUL SYLLABLE"):
        return base.upper()
    return first.upper()


def _index_place(name: str) -> tuple[int, str, str, str]:
    """Return the A–Z sort key: ``#`` first, then Latin A to Z, then other scripts' letters.

    Each heading's names are contiguous, whatever their accents, case or first character.
    """
    letter = _letter(name)
    rank = 0 if letter == "#" else 1 if letter.isascii() else 2
    return rank, letter, name_fold(name), name.casefold()


def render_graph_page(graph: ConceptGraph, options: RenderOptions, fragment: Fragment) -> str:
    """Return the whole-graph page; its picture is a fragment."""
    lines = [
        page_meta(
            description=f"All {_count(len(graph.entities), 'concept')} and the"
            f" {_count(graph.graph.number_of_edges(), 'relation')} between them, in one picture.",
            searched=False,
        ),
        "# Graph",
        "",
        f"All {len(graph.entities)} concepts and how they relate.",
        "Click a concept to open its page.",
    ]
    if options.whole_graph is not None:
        svg = options.whole_graph(
            graph.graph, _href_from(SiteUrl("graph.md"), options.directory_urls)
        )
        lines += ["", fragment(_raw_block("gg-graph", svg))]
    return "\n".join(lines) + "\n"


def _href_from(page: SiteUrl, directory_urls: bool) -> Href:
    def href(key: EntityKey) -> str:
        return page_href(page, concept_path(key), directory_urls)

    return href


def _raw_block(css_class: str, html: str) -> str:
    # A blank line would end Markdown's raw HTML block early (export-docs writes
    # fragments into the Markdown, so a fragment is a valid raw block too).
    compact = "\n".join(line for line in html.strip().splitlines() if line.strip())
    return f'<div class="{css_class}" data-search-exclude>\n{compact}\n</div>'


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _roots(graph: ConceptGraph) -> list[EntityKey]:
    g = graph.graph
    return [
        key
        for key in graph.entities
        if not any(kind == Relation.BROADER for _, _, kind in g.out_edges(key, keys=True))
    ]


def _sorted_keys(graph: ConceptGraph, keys: Iterable[EntityKey]) -> list[EntityKey]:
    return sorted(keys, key=lambda key: (graph.entities[key].title.casefold(), key))
