"""The whole-graph picture: a radial tree over ``broader`` with the other relations across it."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import networkx as nx

from generator.model import EntityKey, Relation
from generator.render.graphsvg.scene import (
    NODE_FILLS,
    Edge,
    Href,
    Node,
    Scene,
    bounds,
    links_between,
    neighbours,
    render,
    tags_of,
    text_width,
    title_of,
    trimmed_line,
    truncate,
)

_UNIT = 5.0  # a leaf's radius in the whole-graph picture
_RING = 110.0
_SPACING = 4 * _UNIT
_MAX_LABELS = 90


def _forest(
    G: nx.MultiDiGraph, keys: Sequence[EntityKey]
) -> tuple[dict[EntityKey, list[EntityKey]], list[EntityKey]]:
    """Return the children lists and roots of the ``broader`` forest over ``keys``.

    A ``broader`` cycle (reported by ``check``) is broken at its first key in order.
    """
    kept = set(keys)
    parent: dict[EntityKey, EntityKey] = {}
    for k in keys:
        ups = sorted(p for p in G.successors(k) if p in kept and Relation.BROADER in G[k][p])
        if ups and ups[0] != k:
            parent[k] = ups[0]
    children: dict[EntityKey, list[EntityKey]] = {k: [] for k in keys}
    for k in keys:
        if k in parent:
            children[parent[k]].append(k)
    roots = [k for k in keys if k not in parent]
    seen = set(_preorder(children, roots))
    for k in keys:
        if k not in seen:
            children[parent[k]].remove(k)
            roots.append(k)
            seen.update(_preorder(children, [k]))
    return children, roots


def _preorder(
    children: Mapping[EntityKey, Sequence[EntityKey]], roots: Sequence[EntityKey]
) -> list[EntityKey]:
    order: list[EntityKey] = []
    stack = list(reversed(roots))
    while stack:
        k = stack.pop()
        order.append(k)
        stack.extend(reversed(children[k]))
    return order


def _radial_tree(
    children: Mapping[EntityKey, Sequence[EntityKey]], roots: Sequence[EntityKey]
) -> tuple[dict[EntityKey, tuple[float, float, int]], dict[EntityKey, int], dict[EntityKey, int]]:
    """Lay the forest out in rings: each subtree owns a sector sized by its leaf count, O(n).

    Returns node -> (angle, radius, depth), subtree sizes and the index of each node's root.
    """
    order = _preorder(children, roots)
    size = dict.fromkeys(order, 1)
    leaves = {k: 0 if children[k] else 1 for k in order}
    for k in reversed(order):
        for c in children[k]:
            size[k] += size[c]
            leaves[k] += leaves[c]
    first = 0 if len(roots) == 1 else 1
    sector: dict[EntityKey, tuple[float, float, int]] = {}
    _share(roots, 0.0, 2 * math.pi, first, leaves, sector)
    # Colour by top-level concept; with only one or two, by the level below them too.
    sectors = [*roots, *(c for r in roots for c in children[r])] if len(roots) < 3 else roots
    root_of: dict[EntityKey, int] = {k: i for i, k in enumerate(sectors)}
    for k in order:
        start, stop, depth = sector[k]
        _share(children[k], start, stop, depth + 1, leaves, sector)
        for c in children[k]:
            root_of.setdefault(c, root_of[k])
    per_depth: dict[int, int] = {}
    for _, _, depth in sector.values():
        per_depth[depth] = per_depth.get(depth, 0) + 1
    radius = [0.0]
    for depth in range(1, max(per_depth, default=0) + 1):
        wanted = per_depth.get(depth, 0) * _SPACING / (2 * math.pi)
        radius.append(max(radius[-1] + _RING, wanted))
    placed = {k: ((a + b) / 2, radius[d], d) for k, (a, b, d) in sector.items()}
    return placed, size, root_of


def _share(
    members: Sequence[EntityKey],
    start: float,
    stop: float,
    depth: int,
    leaves: Mapping[EntityKey, int],
    sector: dict[EntityKey, tuple[float, float, int]],
) -> None:
    """Split the sector ``start..stop`` among ``members`` in proportion to their leaves."""
    total = sum(leaves[m] for m in members) or 1
    at = start
    for m in members:
        width = (stop - start) * leaves[m] / total
        sector[m] = (at, at + width, depth)
        at += width


Box = tuple[float, float, float, float]


class _Obstacles:
    """Boxes already on the picture, bucketed in a grid so a look-up stays local."""

    def __init__(self, cell: float) -> None:
        self.cell = cell
        self.grid: dict[tuple[int, int], list[tuple[Box, EntityKey | None]]] = {}

    def _cells(self, box: Box) -> list[tuple[int, int]]:
        x0, y0 = int(box[0] // self.cell), int(box[1] // self.cell)
        x1, y1 = int((box[0] + box[2]) // self.cell), int((box[1] + box[3]) // self.cell)
        return [(i, j) for i in range(x0, x1 + 1) for j in range(y0, y1 + 1)]

    def add(self, box: Box, owner: EntityKey | None = None) -> None:
        for cell in self._cells(box):
            self.grid.setdefault(cell, []).append((box, owner))

    def hits(self, box: Box, owner: EntityKey) -> bool:
        return any(
            other != owner and _overlaps(box, placed)
            for cell in self._cells(box)
            for placed, other in self.grid.get(cell, ())
        )


def _place_labels(
    G: nx.MultiDiGraph, nodes: list[Node], size: Mapping[EntityKey, int], font: float
) -> list[Node]:
    """Label the largest nodes first, outward or else inward, never over a label or a node."""
    limit = len(nodes) if len(nodes) <= 150 else _MAX_LABELS
    obstacles = _Obstacles(font * 4)
    for n in nodes:
        obstacles.add((n.x - n.r, n.y - n.r, 2 * n.r, 2 * n.r), n.key)
    labelled: dict[EntityKey, Node] = {}
    for n in sorted(nodes, key=lambda n: (-size[n.key], n.key))[: limit * 4]:
        if len(labelled) >= limit:
            break
        text = truncate(title_of(G, n.key), 24)
        width = text_width(text, font)
        ly = n.y + font * 0.35
        outward = n.x >= 0
        for right in (outward, not outward):
            lx = n.x + n.r + font * 0.3 if right else n.x - n.r - font * 0.3
            box = (lx if right else lx - width, ly - font * 0.9, width, font * 1.15)
            if not obstacles.hits(box, n.key):
                obstacles.add(box)
                anchor = "start" if right else "end"
                labelled[n.key] = Node(n.key, n.x, n.y, n.r, n.fill, text, lx, ly, anchor, n.css)
                break
    return [labelled.get(n.key, n) for n in nodes]


def _overlaps(a: Box, b: Box) -> bool:
    return a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]


def _cross_edges(
    G: nx.MultiDiGraph, keys: Sequence[EntityKey], index: Mapping[EntityKey, int]
) -> list[tuple[Relation, int, int]]:
    """Return one (kind, source, target) per linked pair: its strongest relation."""
    found = []
    for u in keys:
        for v in neighbours(G, u):
            if v in index and u < v:
                _, kind, outgoing = links_between(G, u, v)[0]
                a, b = (u, v) if outgoing else (v, u)
                found.append((kind, index[a], index[b]))
    return found


def whole_graph_svg(G: nx.MultiDiGraph, href: Href, *, tags: Sequence[str] | None = None) -> str:
    """Return an SVG of the whole graph, or of the concepts carrying any of ``tags``.

    A radial tree over ``broader`` (each top-level concept owns a sector of the
    disc, sized by its leaves): O(n), readable as a hierarchy, and fast at
    10,000 concepts where a force layout is not. Other relations are drawn
    lightly across it; the largest nodes are labelled, the rest on hover or zoom.
    """
    wanted = {"-".join(t.split()) for t in tags} if tags is not None else None
    keys = sorted(k for k in G if wanted is None or wanted & set(tags_of(G, k)))
    children, roots = _forest(G, keys)
    placed, size, root_of = _radial_tree(children, roots)
    nodes = []
    for k in keys:
        angle, radius, _ = placed[k]
        r = _UNIT * (1 + 0.4 * math.log2(size[k]))
        fill = NODE_FILLS[root_of[k] % len(NODE_FILLS)]
        nodes.append(Node(k, radius * math.cos(angle), radius * math.sin(angle), r, fill))
    extent = max((abs(n.x) + n.r for n in nodes), default=_RING)
    extent = max(extent, max((abs(n.y) + n.r for n in nodes), default=_RING), _RING)
    font = max(4 * _UNIT, extent / 30)
    nodes = _place_labels(G, nodes, size, font)
    index = {k: i for i, k in enumerate(keys)}
    edges = [
        Edge(kind, s, t, trimmed_line(nodes[s], nodes[t]))
        for kind, s, t in _cross_edges(G, keys, index)
    ]
    suffix = "".join(c for c in "-".join(sorted(wanted or ())) if c.isalnum() or c == "-")
    scene = Scene(
        "gg-whole",
        "gg-w" + ("-" + suffix if suffix else ""),
        "The concept graph" + (f" (tags: {', '.join(sorted(wanted))})" if wanted else ""),
        tuple(nodes),
        tuple(edges),
        bounds(nodes, font, font),
        font,
        max(1.2, extent / 600),
        False,
        0.4,
    )
    return render(G, scene, href)
