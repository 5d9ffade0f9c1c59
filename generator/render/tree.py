"""What a concept page lists about its neighbours, each concept once, and the tag pages."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from generator.model import ConceptGraph, EntityKey, Relation, SiteUrl
from generator.queries import ancestors, in_of_kind, learn, out_of_kind
from generator.render.fragments import Fragment
from generator.render.htmllists import bullets, entry, link
from generator.render.text import escape_inline, page_meta, relative_url
from generator.slugs import slugify

_TAG_PREFIX = "tag-"
_LISTING_NAMES = frozenset({"index"})


@dataclass(frozen=True, slots=True)
class Neighbours:
    """A concept's surroundings as a page shows them, each list in reading order."""

    ancestors: tuple[EntityKey, ...]
    children: tuple[EntityKey, ...]
    related: tuple[EntityKey, ...]
    backlinks: tuple[EntityKey, ...]
    learning_path: tuple[EntityKey, ...]
    prerequisites: tuple[EntityKey, ...] = ()


def neighbours(graph: ConceptGraph, key: EntityKey) -> Neighbours:
    """Return a concept's surroundings: ancestors (root first), children, related, ...."""
    g = graph.graph
    return Neighbours(
        ancestors=tuple(EntityKey(k) for k in reversed(ancestors(g, key))),
        children=_by_title(graph, in_of_kind(g, key, Relation.BROADER)),
        related=_by_title(graph, out_of_kind(g, key, Relation.RELATED)),
        backlinks=_by_title(graph, in_of_kind(g, key, Relation.MENTIONS)),
        learning_path=study_order(graph, key),
        prerequisites=_by_title(graph, out_of_kind(g, key, Relation.REQUIRES)),
    )


@dataclass(frozen=True, slots=True)
class Listing:
    """What a page lists about its neighbours, each concept once, under its strongest relation.

    ``ancestors`` are the breadcrumb. ``path`` is the whole learning path in
    study order; a step that is also an ancestor stays in it, so the order
    still reads, but is shown there as plain text, not as a second link.
    ``direct`` are the direct prerequisites not in the breadcrumb, in study
    order: the steps a page expands with their summaries.
    """

    ancestors: tuple[EntityKey, ...]
    path: tuple[EntityKey, ...]
    direct: tuple[EntityKey, ...]
    children: tuple[EntityKey, ...]
    related: tuple[EntityKey, ...]
    backlinks: tuple[EntityKey, ...]


def listing(near: Neighbours) -> Listing:
    """Return what a page lists, each concept once, under the strongest relation that holds.

    Strongest first: ancestor (the breadcrumb), prerequisite (the learning
    path, direct or not), child, related, referenced by.

    >>> near = Neighbours(
    ...     ("ml",), ("cnn",), ("cnn", "rnn"), ("rnn", "ml", "gpu"), ("ml", "x"), ("x",)
    ... )
    >>> found = listing(near)
    >>> found.path, found.direct, found.children, found.related, found.backlinks
    (('ml', 'x'), ('x',), ('cnn',), ('rnn',), ('gpu',))
    """
    shown = set(near.ancestors) | set(near.learning_path)

    def fresh(keys: tuple[EntityKey, ...]) -> tuple[EntityKey, ...]:
        kept = tuple(key for key in keys if key not in shown)
        shown.update(kept)
        return kept

    direct = set(near.prerequisites) - set(near.ancestors)
    return Listing(
        ancestors=near.ancestors,
        path=near.learning_path,
        direct=tuple(key for key in near.learning_path if key in direct),
        children=fresh(near.children),
        related=fresh(near.related),
        backlinks=fresh(near.backlinks),
    )


def study_order(graph: ConceptGraph, key: EntityKey) -> tuple[EntityKey, ...]:
    """Return every prerequisite of a concept, transitively, each after its own prerequisites."""
    return tuple(EntityKey(k) for k in learn(graph.graph, key) if k != key)


def tag_path(tag: str) -> SiteUrl:
    """Return the docs path of a tag's page: ``tags/<slug>.md``, never the tag listing's.

    A slug the listing owns (``index``) or one that already starts with
    ``tag-`` gets a ``tag-`` prefix, so no two slugs share a page and the
    prefixed names cannot be claimed by another tag; every other tag keeps
    its plain slug. A tag with no slug at all is named by its hash.

    >>> tag_path("NLP"), tag_path("index"), tag_path("tag-index")
    ('tags/nlp.md', 'tags/tag-index.md', 'tags/tag-tag-index.md')
    """
    slug = slugify(tag)
    if not slug:
        slug = _TAG_PREFIX + hashlib.sha256(tag.encode("utf-8")).hexdigest()[:8]
    elif slug in _LISTING_NAMES or slug.startswith(_TAG_PREFIX):
        slug = _TAG_PREFIX + slug
    return SiteUrl(f"tags/{slug}.md")


def tag_pages(
    graph: ConceptGraph, directory_urls: bool, fragment_of: Callable[[SiteUrl], Fragment]
) -> dict[SiteUrl, str | bytes]:
    """Return the tag index and one page per tag listing its concepts (the lists as fragments)."""
    by_path: dict[SiteUrl, list[EntityKey]] = defaultdict(list)
    names: dict[SiteUrl, list[str]] = defaultdict(list)
    for key, entity in graph.entities.items():
        for tag in entity.tags:
            path = tag_path(tag)
            by_path[path].append(key)
            if tag not in names[path]:
                names[path].append(tag)
    index = SiteUrl("tags/index.md")
    pages: dict[SiteUrl, str | bytes] = {}
    described = f"The {len(by_path)} tags and the concepts under each."
    lines = [page_meta(description=described, searched=False), "# Tags", ""]
    rows = []
    for path in sorted(by_path, key=lambda p: names[p][0].casefold()):
        label = " / ".join(sorted(names[path]))
        count = len(set(by_path[path]))
        rows.append(f"{link(index, path, label, directory_urls)} ({count})")
        keys = _by_title(graph, set(by_path[path]))
        pages[path] = _tag_page(graph, path, label, keys, directory_urls, fragment_of(path))
    lines.append(fragment_of(index)(bullets(rows)) if rows else "No concept has a tag yet.")
    pages[index] = "\n".join(lines) + "\n"
    return pages


def _tag_description(graph: ConceptGraph, label: str, keys: Sequence[EntityKey]) -> str:
    """Return a tag page's description: how many concepts carry the tag, and their titles."""
    titles = ", ".join(graph.entities[key].title for key in keys)
    noun = "concept" if len(keys) == 1 else "concepts"
    return f"{len(keys)} {noun} tagged {label}: {titles}."


def _tag_page(
    graph: ConceptGraph,
    path: SiteUrl,
    label: str,
    keys: Sequence[EntityKey],
    directory_urls: bool,
    fragment: Fragment,
) -> str:
    lines = [
        page_meta(
            f"Tag: {label}", description=_tag_description(graph, label, keys), searched=False
        ),
        f"# Tag: {escape_inline(label)}",
        "",
        f"[All tags]({relative_url(path, SiteUrl('tags/index.md'))})",
        "",
        fragment(bullets(entry(graph, path, key, directory_urls) for key in keys)),
    ]
    return "\n".join(lines) + "\n"


def _by_title(graph: ConceptGraph, keys: Iterable[str]) -> tuple[EntityKey, ...]:
    unique = {EntityKey(key) for key in keys if key in graph.entities}
    return tuple(sorted(unique, key=lambda key: (graph.entities[key].title.casefold(), key)))
