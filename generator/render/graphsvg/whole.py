"""The whole-graph picture: a radial tree over ``broader`` with the other relations across it."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import replace

import networkx as nx

from generator.model import EntityKey, Relation
from generator.render.graphsvg.labels import LABEL_PX, Label, place_labels, text_em
from generator.render.graphsvg.legend import whole_legend
from generator.render.graphsvg.scene import (
    NODE_FILLS,
    Edge,
    Href,
    Node,
    Scene,
    Zoom,
    bounds,
    links_between,
    neighbours,
    num,
    render,
    tags_of,
    title_of,
    trimmed_line,
    truncate,
)

_UNIT = 5.0  # a leaf's radius in the whole-graph picture
_RING = 110.0
_SPACING = 4 * _UNIT
_LABEL_CHARS = 24
# Zooms in screen pixels per picture unit: labels are placed from half a phone's
# column across the picture (the page zooms out to half its width) and drawn,
# before the script runs, as on a desktop column.
_FLOOR_PX = 180.0
_STATIC_PX = 760.0


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
) -> tuple[
    dict[EntityKey, tuple[float, float, int]],
    dict[EntityKey, int],
    dict[EntityKey, int],
    list[EntityKey],
]:
    """Lay the forest out in rings: each subtree owns a sector sized by its leaf count, O(n).

    Returns node -> (angle, radius, depth), subtree sizes, the index of each
    node's colour sector, and the concepts heading those sectors.
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
    sectors = [*roots, *(c for r in roots for c in children[r])] if len(roots) < 3 else [*roots]
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
    return placed, size, root_of, sectors


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


def _label_nodes(
    G: nx.MultiDiGraph, nodes: list[Node], size: Mapping[EntityKey, int], floor: float
) -> list[Node]:
    """Give every node a label and the zoom level from which it shows, largest nodes first."""
    order = sorted(range(len(nodes)), key=lambda i: (-size[nodes[i].key], nodes[i].key))
    texts = [truncate(title_of(G, n.key), _LABEL_CHARS) for n in nodes]
    labels = []
    for i in order:
        n = nodes[i]
        right = n.x >= 0
        # Placed where the picture will say the anchor is, to the printed decimal.
        x, y = float(num(n.x + n.r if right else n.x - n.r)), float(num(n.y))
        labels.append(Label(x, y, right, text_em(texts[i])))
    levels = place_labels(labels, floor)
    out = list(nodes)
    for label, i, level in zip(labels, order, levels, strict=True):
        n = nodes[i]
        anchor = "start" if label.right else "end"
        out[i] = replace(n, label=texts[i], lx=label.x, ly=label.y, anchor=anchor, level=level)
    return out


def whole_graph_svg(G: nx.MultiDiGraph, href: Href, *, tags: Sequence[str] | None = None) -> str:
    """Return the whole graph, or the concepts carrying any of ``tags``, with its legend.

    A radial tree over ``broader`` (each top-level concept owns a sector of the
    disc, sized by its leaves): O(n), readable as a hierarchy, and fast at
    10,000 concepts where a force layout is not. Other relations are drawn
    lightly across it, ``mentions`` hidden until the reader asks for them.
    Every node has a label with the zoom level from which it shows
    (``labels``); the HTML legend names the colours and toggles the kinds.
    """
    wanted = {"-".join(t.split()) for t in tags} if tags is not None else None
    keys = sorted(k for k in G if wanted is None or wanted & set(tags_of(G, k)))
    children, roots = _forest(G, keys)
    placed, size, root_of, sectors = _radial_tree(children, roots)
    nodes = []
    for k in keys:
        angle, radius, _ = placed[k]
        r = _UNIT * (1 + 0.4 * math.log2(size[k]))
        tone = root_of[k] % len(NODE_FILLS)
        x, y = radius * math.cos(angle), radius * math.sin(angle)
        nodes.append(Node(k, x, y, r, NODE_FILLS[tone], tone=tone))
    extent = max((abs(n.x) + n.r for n in nodes), default=_RING)
    extent = max(extent, max((abs(n.y) + n.r for n in nodes), default=_RING), _RING)
    box = bounds(nodes, 0.0, 4 * _UNIT, legend=False)
    floor = float(f"{_FLOOR_PX / box[2]:.6g}")
    nodes = _label_nodes(G, nodes, size, floor)
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
        box,
        LABEL_PX * box[2] / _STATIC_PX,
        max(1.2, extent / 600),
        False,
        0.4,
        zoom=Zoom(floor, max((n.level for n in nodes), default=0), _STATIC_PX / box[2]),
        hidden=frozenset({Relation.MENTIONS}),
    )
    legend = whole_legend(G, sectors, scene.hidden)
    return f'<div class="gg-frame gg-whole-frame">\n{legend}\n{render(G, scene, href)}\n</div>'
