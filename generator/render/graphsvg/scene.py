"""The drawing shared by the graph pictures: relation styles, scene records, SVG writing.

A layout produces a ``Scene`` (positioned nodes and edge paths); ``render``
writes it as SVG text. Numbers are printed with one decimal and everything is
emitted in the scene's order, so equal scenes give byte-identical text.
"""

from __future__ import annotations

import math
import re
import weakref
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Generic, TypeVar

import networkx as nx

from generator.model import EntityKey, Relation
from generator.render.graphsvg.labels import GAP_EM, LABEL_PX, level_zoom
from generator.xmlchars import ILLEGAL_CLASS, xml_text

Href = Callable[[EntityKey], str]


@dataclass(frozen=True, slots=True)
class KindStyle:
    """How one relation kind is drawn: colour, dash pattern (in stroke widths), arrowhead."""

    colour: str
    dash: tuple[float, ...]
    directed: bool


KIND_STYLES: Mapping[Relation, KindStyle] = MappingProxyType(
    {
        Relation.BROADER: KindStyle("#5c6bc0", (), True),
        Relation.REQUIRES: KindStyle("#e8710a", (5.0, 2.5), True),
        Relation.RELATED: KindStyle("#00897b", (1.0, 2.0), False),
        Relation.MENTIONS: KindStyle("#8d8d8d", (7.0, 2.5, 1.5, 2.5), True),
    }
)

# Strongest first: the cap and the choice of the one edge drawn per pair follow it.
LINK_RANKS: Mapping[tuple[bool, Relation], int] = MappingProxyType(
    {
        (True, Relation.BROADER): 0,  # parent
        (False, Relation.BROADER): 1,  # child
        (True, Relation.REQUIRES): 2,  # prerequisite
        (False, Relation.REQUIRES): 3,  # builds on this one
        (True, Relation.RELATED): 4,
        (False, Relation.RELATED): 4,
        (True, Relation.MENTIONS): 5,
        (False, Relation.MENTIONS): 6,  # backlink
    }
)
NODE_FILLS = ("#5c6bc0", "#e8710a", "#00897b", "#c2185b", "#7cb342", "#8e24aa", "#0288d1")


Box = tuple[float, float, float, float]


@dataclass(frozen=True, slots=True)
class Zoom:
    """The whole graph's label levels: level ``l`` shows from ``floor * STEP**l`` px per unit."""

    floor: float
    top: int
    static: float  # the zoom the picture is drawn at before the script measures it


@dataclass(frozen=True, slots=True)
class Node:
    """A placed node: circle, optional label and where the label sits."""

    key: EntityKey
    x: float
    y: float
    r: float
    fill: str
    label: str | None = None
    lx: float = 0.0
    ly: float = 0.0
    anchor: str = "middle"
    css: str = ""
    tone: int = -1  # index into NODE_FILLS, for the ``gg-c<tone>`` class the schemes recolour
    level: int = -1  # whole graph: the zoom level from which the label shows
    depth: int = 0  # neighbourhood: hops from the centre
    hit: Box | None = None  # neighbourhood: the tap area, x, y, width, height


@dataclass(frozen=True, slots=True)
class Edge:
    """A drawn relation between two nodes, given by their indices in the scene."""

    kind: Relation
    source: int
    target: int
    d: str
    far: bool = False
    depth: int = 0  # neighbourhood: the hops of its farther end


@dataclass(frozen=True, slots=True)
class Scene:
    """Everything ``render`` needs to write one picture."""

    css: str
    ident: str
    title: str
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]
    box: tuple[float, float, float, float]
    font: float
    stroke: float
    edge_titles: bool
    cross_opacity: float = 1.0
    zoom: Zoom | None = None
    hidden: frozenset[Relation] = frozenset()  # kinds drawn but off until toggled on
    depth_boxes: tuple[Box, ...] = ()  # neighbourhood: the viewBox at each depth, 1 first


class _Numbers(dict[float, str]):
    """Coordinates as written, computed on first use: the same ones recur in every picture."""

    KEPT = 1 << 16

    def __missing__(self, value: float) -> str:
        text = f"{value:.1f}".removesuffix(".0")
        if text == "-0":
            text = "0"
        if len(self) < self.KEPT:
            self[value] = text
        return text


_ESCAPED = re.compile(f"[&<>\"'{ILLEGAL_CLASS}]")

num: Callable[[float], str] = _Numbers().__getitem__
"""Format a coordinate with one decimal, without ``-0`` or a trailing ``.0``.

A lookup, not a call: a picture of 35 nodes writes some 660 numbers.
"""


def esc(text: str) -> str:
    """Escape text for XML content and quoted attributes, dropping characters XML forbids."""
    if _ESCAPED.search(text) is None:  # most titles and keys: nothing to do
        return text
    clean = xml_text(text)
    return (
        clean.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
        .replace("'", "&#39;")
    )


def truncate(text: str, limit: int) -> str:
    """Shorten ``text`` to ``limit`` characters, ending with an ellipsis when cut."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def text_width(text: str, font: float) -> float:
    return len(text) * font * 0.54


def title_of(G: nx.MultiDiGraph, key: EntityKey) -> str:
    return str(G.nodes[key].get("title") or key)


def tags_of(G: nx.MultiDiGraph, key: EntityKey) -> list[str]:
    return sorted({"-".join(str(t).split()) for t in G.nodes[key].get("tags") or ()})


def links_between(
    G: nx.MultiDiGraph, u: EntityKey, v: EntityKey
) -> list[tuple[int, Relation, bool]]:
    """Return (rank, kind, outgoing) for every edge between ``u`` and ``v``, strongest first."""
    found = []
    for outgoing, (a, b) in ((True, (u, v)), (False, (v, u))):
        for kind in G.get_edge_data(a, b, default={}):
            relation = Relation(kind)
            found.append((LINK_RANKS[(outgoing, relation)], relation, outgoing))
    return sorted(found, key=lambda f: (f[0], f[1], not f[2]))  # outgoing first on a tie


# Each rank's links, in the order ``links_between`` breaks a tie: outgoing first.
_LINKS_OF_RANK: Mapping[int, tuple[tuple[Relation, bool], ...]] = MappingProxyType(
    {
        rank: tuple(
            sorted(
                ((kind, out) for (out, kind), r in LINK_RANKS.items() if r == rank),
                key=lambda link: (link[0], not link[1]),
            )
        )
        for rank in set(LINK_RANKS.values())
    }
)


def strongest_link(
    G: nx.MultiDiGraph, u: EntityKey, v: EntityKey, rank: int
) -> tuple[Relation, bool]:
    """Return ``links_between(G, u, v)[0]``'s kind and direction, knowing its rank.

    ``rank`` is what ``ranked_neighbours(G, u)`` gave ``v``; one or two lookups
    instead of reading and sorting every edge between the two.
    """
    for kind, outgoing in _LINKS_OF_RANK[rank]:
        a, b = (u, v) if outgoing else (v, u)
        if kind in G.succ[a].get(b, ()):
            return kind, outgoing
    raise KeyError(f"no link of rank {rank} between {u!r} and {v!r}")


# The ranks again, looked up by an edge key as stored (a Relation or its value).
_RANK_BY_KEY: Mapping[tuple[bool, object], int] = MappingProxyType(
    {
        **{(out, str(kind.value)): rank for (out, kind), rank in LINK_RANKS.items()},
        **{(out, kind): rank for (out, kind), rank in LINK_RANKS.items()},
    }
)


T = TypeVar("T")


class PerNode(Generic[T]):
    """A value computed from one node of a graph, kept while the graph is frozen and lives.

    A frozen graph cannot change, and every picture of a build asks for the
    same nodes again (a node's ranked neighbours about 25 times); an unfrozen
    graph is read afresh on every call.
    """

    __slots__ = ("_compute", "_kept", "_last")

    def __init__(self, compute: Callable[[nx.MultiDiGraph, EntityKey], T]) -> None:
        self._compute = compute
        self._kept: weakref.WeakKeyDictionary[nx.MultiDiGraph, dict[EntityKey, T]] = (
            weakref.WeakKeyDictionary()
        )
        # The graph asked for last and its table: a build asks of one graph.
        self._last: tuple[weakref.ref[nx.MultiDiGraph], dict[EntityKey, T]] | None = None

    def __call__(self, G: nx.MultiDiGraph, key: EntityKey) -> T:
        last = self._last
        if last is not None and last[0]() is G:
            kept = last[1]
        elif not nx.is_frozen(G):
            return self._compute(G, key)
        else:
            kept = self._kept.setdefault(G, {})
            self._last = (weakref.ref(G), kept)
        if key in kept:
            return kept[key]
        found = kept[key] = self._compute(G, key)
        return found


@dataclass(frozen=True, slots=True)
class NodeText:
    """What every picture writes of a node wherever it sits, escaped for XML."""

    key: str
    title: str
    tags: str  # space-separated, for ``data-tags``
    aliases: str  # ``|``-separated, for the whole graph's search


def _node_text(G: nx.MultiDiGraph, key: EntityKey) -> NodeText:
    aliases = "|".join(str(a) for a in G.nodes[key].get("aliases") or ())
    return NodeText(esc(key), esc(title_of(G, key)), esc(" ".join(tags_of(G, key))), esc(aliases))


node_text = PerNode(_node_text)


def _ranked_neighbours(G: nx.MultiDiGraph, key: EntityKey) -> tuple[tuple[EntityKey, int], ...]:
    ranks: dict[EntityKey, int] = {}
    for outgoing, adjacent in ((True, G.succ[key]), (False, G.pred[key])):
        for v, kinds in adjacent.items():
            if v == key:
                continue
            best = min(_RANK_BY_KEY[(outgoing, kind)] for kind in kinds)
            ranks[v] = min(best, ranks.get(v, best))
    return tuple(sorted(ranks.items()))


ranked_neighbours = PerNode(_ranked_neighbours)
"""``neighbours(G, key)`` with the rank of each one's strongest link to ``key``."""


def _strongest_links(
    G: nx.MultiDiGraph, key: EntityKey
) -> Mapping[EntityKey, tuple[Relation, bool]]:
    return {v: strongest_link(G, key, v, rank) for v, rank in ranked_neighbours(G, key)}


strongest_links = PerNode(_strongest_links)
"""Each neighbour's ``strongest_link`` with the node: every picture around it asks again."""


def neighbours(G: nx.MultiDiGraph, key: EntityKey) -> list[EntityKey]:
    return sorted((set(G.successors(key)) | set(G.predecessors(key))) - {key})


def trimmed_line(a: Node, b: Node) -> str:
    """Return a straight path from circle ``a`` to circle ``b``, stopping at both rims."""
    dx, dy = b.x - a.x, b.y - a.y
    length = math.hypot(dx, dy) or 1.0
    ux, uy = dx / length, dy / length
    x1, y1 = a.x + ux * a.r, a.y + uy * a.r
    x2, y2 = b.x - ux * (b.r + 1), b.y - uy * (b.r + 1)
    return f"M{num(x1)} {num(y1)}L{num(x2)} {num(y2)}"


def extent(n: Node, font: float) -> Box:
    """Return the box a node covers, circle, label and tap area, as x0, y0, x1, y1."""
    x0, x1, y0, y1 = n.x - n.r, n.x + n.r, n.y - n.r, n.y + n.r
    if n.label is not None:
        width = text_width(n.label, font)
        left = (
            n.lx if n.anchor == "start" else n.lx - width if n.anchor == "end" else n.lx - width / 2
        )
        x0, x1 = min(x0, left), max(x1, left + width)
        y0, y1 = min(y0, n.ly - font), max(y1, n.ly + font * 0.3)
    if n.hit is not None:
        hx, hy, hw, hh = n.hit
        x0, x1, y0, y1 = min(x0, hx), max(x1, hx + hw), min(y0, hy), max(y1, hy + hh)
    return x0, y0, x1, y1


def bounds(nodes: Iterable[Node], font: float, margin: float, *, legend: bool = True) -> Box:
    """Return the viewBox holding every node, its label and tap area, and the legend row."""
    return box_around([extent(n, font) for n in nodes], font, margin, legend=legend)


def box_around(extents: Sequence[Box], font: float, margin: float, *, legend: bool = True) -> Box:
    """Return the viewBox holding the origin and every extent, and the legend row."""
    x0 = min((e[0] for e in extents), default=0.0)
    y0 = min((e[1] for e in extents), default=0.0)
    x1 = max((e[2] for e in extents), default=0.0)
    y1 = max((e[3] for e in extents), default=0.0)
    x0, y0, x1, y1 = min(x0, 0.0) - margin, min(y0, 0.0) - margin, max(x1, 0.0), max(y1, 0.0)
    if not legend:
        return x0, y0, x1 + margin - x0, y1 + margin - y0
    y0 -= font * 2.2
    return x0, y0, max(x1 + margin - x0, _legend_width(font) + 2 * margin), y1 + margin - y0


def _legend_width(font: float) -> float:
    return font * 8.6 * len(KIND_STYLES)


def _dash(style: KindStyle, stroke: float) -> str:
    return " ".join(num(d * stroke) for d in style.dash)


def _render_defs(scene: Scene) -> list[str]:
    """Return one arrowhead marker per directed kind, coloured like its edges."""
    lines = ["<defs>"]
    for kind, style in KIND_STYLES.items():
        if style.directed:
            lines.append(
                f'<marker id="{esc(scene.ident)}-{kind}" class="gg-k-{kind}" viewBox="0 0 10 10" '
                f'refX="9" refY="5" markerWidth="5" markerHeight="5" orient="auto">'
                f'<path d="M0 0L10 5L0 10z" fill="{style.colour}" stroke="none"/></marker>'
            )
    lines.append("</defs>")
    return lines


def _edge_group(scene: Scene, kind: Relation, *, legend: bool = False) -> str:
    style = KIND_STYLES[kind]
    attrs = f'class="gg-edges gg-k-{kind}" data-kind="{kind}" stroke="{style.colour}"'
    if kind in scene.hidden and not legend:
        attrs += ' display="none"'
    if kind is not Relation.BROADER and scene.cross_opacity < 1 and not legend:
        faint = 0.6 if kind is Relation.MENTIONS else 1.0  # body links are the most numerous
        attrs += f' opacity="{scene.cross_opacity * faint:.2f}"'
    if style.dash:
        attrs += f' stroke-dasharray="{_dash(style, scene.stroke)}"'
    if style.directed:
        attrs += f' marker-end="url(#{esc(scene.ident)}-{kind})"'
    if kind is Relation.RELATED:
        attrs += ' stroke-linecap="round"'
    return f"<g {attrs}>"


def _render_legend(scene: Scene) -> list[str]:
    """Return a row naming each relation kind next to a sample of its line."""
    x0, y0, _, _ = scene.box
    font = scene.font
    y = y0 + font * 1.3
    lines = [f'<g class="gg-legend" fill="none" stroke-width="{num(scene.stroke)}">']
    for i, kind in enumerate(KIND_STYLES):
        x = x0 + font + i * font * 8.6
        lines.append(_edge_group(scene, kind, legend=True))
        lines.append(f'<path d="M{num(x)} {num(y)}H{num(x + font * 2.4)}"/></g>')
        lines.append(
            f'<text x="{num(x + font * 2.9)}" y="{num(y + font * 0.35)}" fill="currentColor" '
            f'stroke="none">{kind}</text>'
        )
    lines.append("</g>")
    return lines


def _render_edges(G: nx.MultiDiGraph, scene: Scene) -> list[str]:
    lines = [f'<g class="gg-links" fill="none" stroke-width="{num(scene.stroke)}">']
    titles = [node_text(G, n.key).title for n in scene.nodes] if scene.edge_titles else []
    for kind in KIND_STYLES:
        mine = [e for e in scene.edges if e.kind is kind]
        if not mine:
            continue
        lines.append(_edge_group(scene, kind))
        for e in mine:
            far = ' class="gg-far"' if e.far else ""
            far += _depth_attrs(e.depth)
            head = f'<path{far} d="{e.d}" data-e="{e.source} {e.target}"'
            if titles:
                said = f"{titles[e.source]} {kind} {titles[e.target]}"
                lines.append(f"{head}><title>{said}</title></path>")
            else:
                lines.append(head + "/>")
        lines.append("</g>")
    lines.append("</g>")
    return lines


def _depth_attrs(depth: int) -> str:
    """Tag an item of the neighbourhood with its hops; beyond the first it starts hidden."""
    if depth == 0:
        return ""
    return f' data-d="{depth}"' + (' display="none"' if depth > 1 else "")


_Opening = tuple[str, str, bool, int]  # css, href, zoomable, depth
_openings: PerNode[dict[_Opening, str]] = PerNode(lambda G, key: {})


def _node_opening(G: nx.MultiDiGraph, n: Node, url: str, zoomable: bool) -> str:
    """Return a node's opening link tag and title; a node recurs in some 35 pictures alike."""
    kept = _openings(G, n.key)
    which = (n.css, url, zoomable, n.depth)
    found = kept.get(which)
    if found is None:
        text = node_text(G, n.key)
        css = f"gg-node {n.css}" if n.css else "gg-node"
        extra = f' data-aliases="{text.aliases}"' if text.aliases and zoomable else ""
        depth = _depth_attrs(n.depth)
        href = esc(url)
        found = kept[which] = (
            f'<a class="{css}" href="{href}" xlink:href="{href}" data-key="{text.key}" '
            f'data-tags="{text.tags}"{extra}{depth}><title>{text.title}</title>'
        )
    return found


def _render_node(G: nx.MultiDiGraph, n: Node, href: Href, scene: Scene, halo: str) -> str:
    """Write one node as a link: title, tap area, circle and label; ``halo`` is the label stroke."""
    opening = _node_opening(G, n, href(n.key), scene.zoom is not None)
    tone = f' class="gg-c{n.tone}"' if n.tone >= 0 else ""
    hit = ""
    if n.hit is not None:
        x, y, w, h = n.hit
        hit = (
            f'<rect class="gg-hit" x="{num(x)}" y="{num(y)}" width="{num(w)}" height="{num(h)}" '
            'fill="none" stroke="none" pointer-events="all"/>'
        )
    label = ""
    if n.label is not None and scene.zoom is not None:
        label = _render_zoom_label(n, scene.zoom)
    elif n.label is not None:
        bold = ' font-weight="bold"' if n.css == "gg-centre" else ""
        label = (
            f'<text x="{num(n.lx)}" y="{num(n.ly)}" text-anchor="{n.anchor}" '
            f'stroke-width="{halo}"{bold}>{esc(n.label)}</text>'
        )
    return (
        f"{opening}{hit}"
        f'<circle{tone} cx="{num(n.x)}" cy="{num(n.y)}" r="{num(n.r)}" fill="{n.fill}"/>'
        f"{label}</a>"
    )


def _render_zoom_label(n: Node, zoom: Zoom) -> str:
    """Write a label sized in em, offset from its anchor in em, and hidden below its level."""
    gap = f"{'-' if n.anchor == 'end' else ''}{GAP_EM}em"
    shown = level_zoom(zoom.floor, n.level) <= zoom.static
    hidden = "" if shown else ' display="none"'
    return (
        f'<text x="{num(n.lx)}" y="{num(n.ly)}" dx="{gap}" dy="0.35em" text-anchor="{n.anchor}" '
        f'data-z="{n.level}"{hidden}>{esc(n.label or "")}</text>'
    )


# The widest a picture is drawn: labels then show at about the page's text size,
# instead of a small neighbourhood being blown up to the full column.
_PX_PER_UNIT = 0.85


def _box_text(box: Box) -> str:
    return " ".join(num(v) for v in box)


def _font_text(font: float) -> str:
    return f"{font:.4g}" if font < 1 else num(font)


def _data_attrs(scene: Scene) -> str:
    """Return what the script reads: label levels, or the viewBox of each depth."""
    attrs = ""
    if scene.zoom is not None:
        z = scene.zoom
        attrs += f' data-zfloor="{z.floor:.6g}" data-ztop="{z.top}" data-label-px="{LABEL_PX:g}"'
    if len(scene.depth_boxes) > 1:
        boxes = ",".join(_box_text(b) for b in scene.depth_boxes)
        attrs += f' data-depths="{boxes}"'
    return attrs


def render(G: nx.MultiDiGraph, scene: Scene, href: Href) -> str:
    """Write the scene as standalone SVG text: one element per line, no blank lines."""
    w = scene.box[2]
    ring = min(scene.stroke, 1.6)  # the white ring around circles; labels set their own halo
    halo = num(scene.font * 0.28)
    lines = [
        f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
        f'class="gg-graph {scene.css}" viewBox="{_box_text(scene.box)}" '
        f'style="--gg-width: {num(w * _PX_PER_UNIT)}px"{_data_attrs(scene)} '
        f'font-family="sans-serif" font-size="{_font_text(scene.font)}" role="group" '
        f'aria-label="{esc(scene.title)}">',
        f"<title>{esc(scene.title)}</title>",
        *_render_defs(scene),
        *(_render_legend(scene) if scene.zoom is None else ()),
        *_render_edges(G, scene),
        f'<g class="gg-nodes" fill="#212121" stroke="#fff" stroke-width="{num(ring)}" '
        'stroke-linejoin="round" paint-order="stroke">',
        *(_render_node(G, n, href, scene, halo) for n in scene.nodes),
        "</g>",
        "</svg>",
    ]
    return "\n".join(lines)
