"""The neighbourhood picture: one concept and the concepts it links to or is linked from."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import networkx as nx

from generator.errors import UsageError
from generator.model import EntityKey
from generator.render.graphsvg.labels import text_em
from generator.render.graphsvg.scene import (
    NODE_FILLS,
    Box,
    Edge,
    Href,
    Node,
    PerNode,
    Scene,
    bounds,
    box_around,
    extent,
    num,
    ranked_neighbours,
    render,
    strongest_links,
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


# node -> (the node it was reached from, that link's rank, its place: hops, then order in that ring)
Reached = Mapping[EntityKey, tuple[EntityKey, int, tuple[int, int]]]


def _select_neighbourhood(
    G: nx.MultiDiGraph, key: EntityKey, depth: int, max_nodes: int
) -> dict[EntityKey, tuple[EntityKey, int, tuple[int, int]]]:
    """Breadth-first search returning node -> (reached from, rank of that link, place).

    Up to ``max_nodes`` within one hop (the centre and its parents always),
    and a quarter as many more per further hop; only kept nodes are searched on
    from, so a page's cost stays bounded however large the glossary around it.
    A ring is ordered by the place of the node each was reached from, then the
    rank of the link, then key; a node reached from several takes the earliest.
    The frontier is kept in ring order, so the first to reach a node is that one.
    """
    reached: dict[EntityKey, tuple[EntityKey, int, tuple[int, int]]] = {key: (key, -1, (0, 0))}
    seen = {key}
    frontier = [key]
    for distance in range(1, depth + 1):
        room = max(max_nodes, 1) - 1 if distance == 1 else max(max_nodes // 4, 1)
        # (place of u in the frontier, rank, v): found in this order, so already sorted.
        found: list[tuple[int, int, EntityKey]] = []
        for place, u in enumerate(frontier):
            if len(found) >= room and u != key:  # the ring is full: nothing later is kept
                if distance == depth:
                    break
                seen.update(_around(G, u))  # but a node dropped here is never a hop further out
                continue
            for rank, v in _by_rank(G, u):
                if v not in seen:
                    seen.add(v)
                    found.append((place, rank, v))
        kept = found[: max(room, 0)]
        kept += [f for f in found[room:] if frontier[f[0]] == key and f[1] == 0]  # the parents
        for order, (place, rank, v) in enumerate(kept):
            reached[v] = (frontier[place], rank, (distance, order))
        frontier = [v for _, _, v in kept]
    return {v: reached[v] for v in sorted(reached)}


_by_rank = PerNode(lambda G, key: tuple(sorted((rank, v) for v, rank in ranked_neighbours(G, key))))
_around = PerNode(lambda G, key: frozenset(v for v, _ in ranked_neighbours(G, key)))


def _hops(reached: Reached, v: EntityKey) -> int:
    return reached[v][2][0]


def _region(
    reached: Mapping[EntityKey, tuple[EntityKey, int, object]], centre: EntityKey, v: EntityKey
) -> str:
    """Return where ``v`` goes: the side of the centre its first hop sits on."""
    while reached[v][0] != centre:
        v = reached[v][0]
    rank = reached[v][1]
    return {0: "up", 1: "down", 2: "left"}.get(rank, "right")


def _place_region(
    region: str, blocks: Sequence[Sequence[EntityKey]]
) -> dict[EntityKey, tuple[float, float]]:
    """Place one region, one block per hop count, so a block never moves the blocks before it.

    The parent sits above with the rest of the upward block in rows over it,
    children fill a two-column grid below, the sides are columns; each further
    hop starts a new row (or continues its column) beyond the last.
    """
    if region in ("left", "right"):
        return _place_column(-_COLUMN_X if region == "left" else _COLUMN_X, blocks)
    spots: dict[EntityKey, tuple[float, float]] = {}
    row = 0
    for number, block in enumerate(blocks):
        grid = list(block)
        if region == "up" and number == 0 and grid:
            spots[grid.pop(0)] = (0.0, _PARENT_Y)
        for i, v in enumerate(grid):
            r, col = divmod(i, 2)
            alone = col == 0 and i == len(grid) - 1
            x = 0.0 if alone else (-_GRID_X if col == 0 else _GRID_X)
            rows = row + r + 1
            y = rows * _GRID_ROW + 26 if region == "down" else _PARENT_Y - rows * _GRID_ROW
            spots[v] = (x, y)
        row += (len(grid) + 1) // 2
    return spots


def _place_column(
    x: float, blocks: Sequence[Sequence[EntityKey]]
) -> dict[EntityKey, tuple[float, float]]:
    """Centre the first block on the centre's row; stack each further block below it."""
    spots: dict[EntityKey, tuple[float, float]] = {}
    first = blocks[0] if blocks else ()
    y = -(len(first) - 1) * _ROW / 2
    for number, block in enumerate(blocks):
        if number and spots:
            y += _ROW / 2  # a little air between hop counts
        for v in block:
            spots[v] = (x, y)
            y += _ROW
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


def _place_nodes(
    G: nx.MultiDiGraph, key: EntityKey, reached: Reached, depth: int
) -> tuple[list[Node], dict[EntityKey, str]]:
    """Return the placed nodes, the centre first, and the region each one sits in."""
    regions: dict[str, list[list[EntityKey]]] = {
        name: [[] for _ in range(depth)] for name in ("up", "down", "left", "right")
    }
    for v in sorted((v for v in reached if v != key), key=lambda v: reached[v][2]):
        regions[_region(reached, key, v)][_hops(reached, v) - 1].append(v)
    centre_label = truncate(title_of(G, key), 30)
    hit = _hit_box("centre", 0.0, 0.0, 11.0, 28.0, text_em(centre_label))
    nodes = [
        Node(
            key, 0.0, 0.0, 11.0, "#3949ab", centre_label, 0.0, 28.0, "middle", "gg-centre", hit=hit
        )
    ]
    where = {key: "centre"}
    for name in ("up", "left", "right", "down"):
        for v, (x, y) in _place_region(name, regions[name]).items():
            r = 7.0 if reached[v][0] == key else 5.0
            lx, ly, anchor = _label_spot(name, x, y, r)
            label, em = _label(G, v)
            hit = _hit_box(name, x, y, r, ly, em)
            nodes.append(
                Node(
                    v,
                    x,
                    y,
                    r,
                    NODE_FILLS[0],
                    label,
                    lx,
                    ly,
                    anchor,
                    tone=0,
                    depth=_hops(reached, v),
                    hit=hit,
                )
            )
            where[v] = name
    return nodes, where


def _labelled(G: nx.MultiDiGraph, key: EntityKey) -> tuple[str, float]:
    label = truncate(title_of(G, key), _LABEL_CHARS)
    return label, text_em(label)


_label = PerNode(_labelled)  # a node's label and its width in em


def _hit_box(region: str, x: float, y: float, r: float, ly: float, em: float) -> Box:
    """Return the tap area of a node: its circle and label, at least a row high and wide.

    Rows are ``_ROW`` apart and the picture is never drawn below ``_PX_PER_UNIT``
    (it scrolls sideways instead), so each area is over 24 px square on screen.
    """
    width = em * _FONT
    if region in ("left", "right"):
        x0 = x - r - 3 if region == "right" else x - r - 5 - width
        return x0, y - _ROW / 2, r * 2 + 8 + width, _ROW
    width = max(min(width, 2 * _GRID_X - 8), _ROW) + 6
    top = min(y - r, ly - _FONT) - 3
    bottom = max(y + r, ly + _FONT * 0.3) + 3
    return x - width / 2, top, width, bottom - top


def _route_edges(
    G: nx.MultiDiGraph, reached: Reached, nodes: Sequence[Node], where: Mapping[EntityKey, str]
) -> list[Edge]:
    """Return one edge per node back to the node it was reached from, in its strongest kind."""
    index = {n.key: i for i, n in enumerate(nodes)}
    centre = nodes[0]
    edges = []
    for v in (n.key for n in nodes[1:]):
        u = reached[v][0]
        kind, outgoing = strongest_links(G, u)[v]
        a, b = (nodes[index[u]], nodes[index[v]])
        if not outgoing:
            a, b = b, a
        far = u != centre.key
        if far:
            parent = where[u] == "up" and reached[u][0] == centre.key
            d = _far_path(where[v], a, b, nodes[index[u]] if parent else centre)
        else:
            d = _centre_path(where[v], a, b, centre)
        depth = nodes[index[v]].depth
        edges.append(Edge(kind, index[a.key], index[b.key], d, far, depth))
    return edges


def neighbourhood_svg(
    G: nx.MultiDiGraph,
    key: EntityKey,
    href: Href,
    *,
    depth: int = 3,
    max_nodes: int = 40,
) -> str:
    """Return a picture of ``key`` and its neighbours within ``depth`` hops over any relation.

    At most ``max_nodes`` nodes within one hop (the centre and its parent
    always), keeping the strongest links: parent, children, requires, related,
    then mentions; each further hop adds up to a quarter as many. A compass layout
    rather than a force layout: the parent above, children below,
    prerequisites left, the rest right, so every page reads the same way.
    Nodes and edges carry their hop count and the picture the viewBox of each
    depth, so the page's depth control shows one, two or three hops
    (``assets/graph.js``); one hop shows at first. The picture sits in its own
    scroll box, drawn at full size so every tap area stays large on a phone.
    """
    if key not in G:
        raise UsageError(f"{key!r} is not a concept")
    depth = min(max(depth, 1), 3)
    reached = _select_neighbourhood(G, key, depth, max_nodes)
    nodes, where = _place_nodes(G, key, reached, depth)
    deepest = max(n.depth for n in nodes)
    extents = [(n.depth, extent(n, _FONT)) for n in nodes]
    boxes = tuple(
        box_around([e for hops, e in extents if hops <= d], _FONT, 14.0)
        for d in range(1, deepest + 1)
    )
    scene = Scene(
        "gg-neighbourhood",
        "gg-n-" + key,
        f"Concepts around {title_of(G, key)}",
        tuple(nodes),
        tuple(_route_edges(G, reached, nodes, where)),
        boxes[0] if boxes else bounds(nodes, _FONT, 14.0),
        _FONT,
        1.6,
        True,
        depth_boxes=boxes,
    )
    return f'<div class="gg-scroll">\n{render(G, scene, href)}\n</div>'
