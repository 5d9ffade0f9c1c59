"""The neighbourhood picture: one concept and the concepts it links to or is linked from."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import networkx as nx

from generator.errors import UsageError
from generator.model import EntityKey
from generator.render.graphsvg.scene import (
    NODE_FILLS,
    Edge,
    Href,
    Node,
    Scene,
    bounds,
    links_between,
    neighbours,
    num,
    render,
    title_of,
    trimmed_line,
    truncate,
)

_COLUMN_X = 205.0
_GRID_X = 95.0
_ROW = 30.0
_GRID_ROW = 66.0
_PARENT_Y = -92.0
_FONT = 15.0
_LABEL_CHARS = 22


def _select_neighbourhood(
    G: nx.MultiDiGraph, key: EntityKey, depth: int, max_nodes: int
) -> dict[EntityKey, tuple[EntityKey, int, tuple[object, ...]]]:
    """Breadth-first search returning node -> (reached from, rank of that link, order key)."""
    reached: dict[EntityKey, tuple[EntityKey, int, tuple[object, ...]]] = {key: (key, -1, (0,))}
    frontier = [key]
    for distance in range(1, depth + 1):
        best: dict[EntityKey, tuple[EntityKey, int, tuple[object, ...]]] = {}
        for u in frontier:
            for v in neighbours(G, u):
                if v in reached:
                    continue
                rank = links_between(G, u, v)[0][0]
                order = (distance, *reached[u][2][1:], rank, v)
                if v not in best or order < best[v][2]:
                    best[v] = (u, rank, order)
        reached.update(best)
        frontier = sorted(best, key=lambda v: best[v][2])
    kept = sorted(reached, key=lambda v: reached[v][2])[: max(max_nodes, 1)]
    parents = [v for v in reached if reached[v][0] == key and reached[v][1] == 0]
    return {v: reached[v] for v in sorted(set(kept) | set(parents))}


def _region(reached: Mapping[EntityKey, tuple[EntityKey, int, object]], v: EntityKey) -> str:
    """Return where ``v`` goes: the side of the centre its first hop sits on."""
    centre = next(k for k, (via, rank, _) in reached.items() if rank == -1)
    while reached[v][0] != centre:
        v = reached[v][0]
    rank = reached[v][1]
    return {0: "up", 1: "down", 2: "left"}.get(rank, "right")


def _place_region(
    region: str, members: Sequence[EntityKey]
) -> dict[EntityKey, tuple[float, float]]:
    """Place one region: parent above, children in a two-column grid below, sides in columns."""
    if region in ("left", "right"):
        x = -_COLUMN_X if region == "left" else _COLUMN_X
        top = -(len(members) - 1) * _ROW / 2
        return {v: (x, top + i * _ROW) for i, v in enumerate(members)}
    spots: dict[EntityKey, tuple[float, float]] = {}
    if not members:
        return spots
    grid = members[1:] if region == "up" else members
    if region == "up":
        spots[members[0]] = (0.0, _PARENT_Y)
    for i, v in enumerate(grid):
        row, col = divmod(i, 2)
        alone = col == 0 and i == len(grid) - 1
        x = 0.0 if alone else (-_GRID_X if col == 0 else _GRID_X)
        y = (row + 1) * _GRID_ROW + 26 if region == "down" else _PARENT_Y - (row + 1) * _GRID_ROW
        spots[v] = (x, y)
    return spots


def _label_spot(region: str, x: float, y: float, r: float) -> tuple[float, float, str]:
    """Return label position and anchor: outside a column, above or below a grid node."""
    if region == "left":
        return x - r - 5, y + _FONT * 0.35, "end"
    if region == "right":
        return x + r + 5, y + _FONT * 0.35, "start"
    if region == "up":
        return x, y - r - 5, "middle"
    return x, y + r + _FONT + 1, "middle"


def _elbow(a: Node, b: Node, bus: float) -> str:
    """Return a path from ``a`` to ``b`` that runs vertically to ``bus``, across, then on."""
    if a.x == b.x:
        return trimmed_line(a, b)
    start = a.y + math.copysign(a.r, bus - a.y)
    end = b.y + math.copysign(b.r + 1, bus - b.y)
    points = [(a.x, start), (a.x, bus), (b.x, bus), (b.x, end)]
    return "M" + "L".join(f"{num(x)} {num(y)}" for x, y in points)


def _arc(a: Node, b: Node) -> str:
    """Return a curve from ``a`` to ``b`` bowed towards the middle, away from outward labels."""
    dx, dy = b.x - a.x, b.y - a.y
    length = math.hypot(dx, dy) or 1.0
    px, py = -dy / length, dx / length
    mx, my = (a.x + b.x) / 2, (a.y + b.y) / 2
    if (px > 0) == (mx > 0):
        px, py = -px, -py
    cx, cy = mx + px * length * 0.3, my + py * length * 0.3
    ax, ay = _towards(a, cx, cy, a.r)
    bx, by = _towards(b, cx, cy, b.r + 1)
    return f"M{num(ax)} {num(ay)}Q{num(cx)} {num(cy)} {num(bx)} {num(by)}"


def _towards(n: Node, x: float, y: float, distance: float) -> tuple[float, float]:
    length = math.hypot(x - n.x, y - n.y) or 1.0
    return n.x + (x - n.x) / length * distance, n.y + (y - n.y) / length * distance


def _centre_path(region: str, a: Node, b: Node, centre: Node) -> str:
    """Return the path between the centre and a first-hop node, routed by region."""
    if region == "down":
        return _elbow(a, b, a.y - a.r - 12)  # a child's first-hop link is its ``broader`` edge
    if region == "up":
        return trimmed_line(a, b)
    sa = math.copysign(1.0, b.x - a.x)
    x1, x2 = a.x + sa * a.r, b.x - sa * (b.r + 1)
    mid = (x1 + x2) / 2
    return f"M{num(x1)} {num(a.y)}C{num(mid)} {num(a.y)} {num(mid)} {num(b.y)} {num(x2)} {num(b.y)}"


def _far_path(region: str, a: Node, b: Node, anchor: Node) -> str:
    """Return the path of a link beyond the first hop: elbows above the parent, else an arc."""
    if region == "up" and anchor.key in (a.key, b.key):
        far = b if a is anchor else a
        return _elbow(a, b, far.y + far.r + 12)
    return _arc(a, b)


Reached = Mapping[EntityKey, tuple[EntityKey, int, tuple[object, ...]]]


def _place_nodes(
    G: nx.MultiDiGraph, key: EntityKey, reached: Reached
) -> tuple[list[Node], dict[EntityKey, str]]:
    """Return the placed nodes, the centre first, and the region each one sits in."""
    regions: dict[str, list[EntityKey]] = {"up": [], "down": [], "left": [], "right": []}
    for v in sorted((v for v in reached if v != key), key=lambda v: reached[v][2]):
        regions[_region(reached, v)].append(v)
    centre_label = truncate(title_of(G, key), 30)
    nodes = [Node(key, 0.0, 0.0, 11.0, "#3949ab", centre_label, 0.0, 28.0, "middle", "gg-centre")]
    where = {key: "centre"}
    for name in ("up", "left", "right", "down"):
        for v, (x, y) in _place_region(name, regions[name]).items():
            r = 7.0 if reached[v][0] == key else 5.0
            lx, ly, anchor = _label_spot(name, x, y, r)
            label = truncate(title_of(G, v), _LABEL_CHARS)
            nodes.append(Node(v, x, y, r, NODE_FILLS[0], label, lx, ly, anchor))
            where[v] = name
    return nodes, where


def _route_edges(
    G: nx.MultiDiGraph, reached: Reached, nodes: Sequence[Node], where: Mapping[EntityKey, str]
) -> list[Edge]:
    """Return one edge per node back to the node it was reached from, in its strongest kind."""
    index = {n.key: i for i, n in enumerate(nodes)}
    centre = nodes[0]
    edges = []
    for v in (n.key for n in nodes[1:]):
        u = reached[v][0]
        _, kind, outgoing = links_between(G, u, v)[0]
        a, b = (nodes[index[u]], nodes[index[v]])
        if not outgoing:
            a, b = b, a
        far = u != centre.key
        if far:
            parent = where[u] == "up" and reached[u][0] == centre.key
            d = _far_path(where[v], a, b, nodes[index[u]] if parent else centre)
        else:
            d = _centre_path(where[v], a, b, centre)
        edges.append(Edge(kind, index[a.key], index[b.key], d, far))
    return edges


def neighbourhood_svg(
    G: nx.MultiDiGraph,
    key: EntityKey,
    href: Href,
    *,
    depth: int = 1,
    max_nodes: int = 40,
) -> str:
    """Return an SVG of ``key`` and its neighbours within ``depth`` hops over any relation.

    At most ``max_nodes`` nodes (the centre and its parent always), keeping the
    strongest links: parent, children, requires, related, then mentions.
    A compass layout rather than a force layout: the parent above, children
    below, prerequisites left, the rest right, so every page reads the same way.
    """
    if key not in G:
        raise UsageError(f"{key!r} is not a concept")
    reached = _select_neighbourhood(G, key, max(depth, 1), max_nodes)
    nodes, where = _place_nodes(G, key, reached)
    scene = Scene(
        "gg-neighbourhood",
        "gg-n-" + key,
        f"Concepts around {title_of(G, key)}",
        tuple(nodes),
        tuple(_route_edges(G, reached, nodes, where)),
        bounds(nodes, _FONT, 14.0),
        _FONT,
        1.6,
        True,
    )
    return render(G, scene, href)
