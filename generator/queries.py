"""Questions asked of the concept graph, in the networkx style.

Every function is pure, ``f(G, key, ...)``: it reads a ``networkx.MultiDiGraph``
laid out as ``ConceptGraph.graph`` (edge attribute ``kind`` one of broader,
related, requires, mentions) and never changes it. An unknown key raises
``UsageError`` with a suggestion; answers are lists of keys or frozen records,
always in a deterministic order.
"""

from __future__ import annotations

import difflib
import heapq
from collections import Counter
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from itertools import pairwise
from typing import Any

import networkx as nx

from generator.errors import UsageError
from generator.model import Relation

KINDS: tuple[str, ...] = tuple(relation.value for relation in Relation)
"""Every edge kind, in the order a path prefers them when two concepts share several."""

BACKLINK_KINDS: frozenset[str] = frozenset({"mentions", "related", "requires"})

_FORWARD_VERB = {
    "broader": "has parent",
    "related": "is related to",
    "requires": "requires",
    "mentions": "mentions",
}
_BACKWARD_VERB = {
    "broader": "has child",
    "related": "is related to",
    "requires": "is required by",
    "mentions": "is mentioned by",
}


class Direction(StrEnum):
    """Whether a hop followed its edge as stored or against it."""

    FORWARD = "forward"
    BACKWARD = "backward"


@dataclass(frozen=True, slots=True)
class Hop:
    """One step of a path: from ``source`` to ``target`` over an edge of ``kind``."""

    source: str
    target: str
    kind: str
    direction: Direction

    def sentence(self) -> str:
        """Return the hop in words, e.g. ``softmax is required by attention``."""
        verbs = _FORWARD_VERB if self.direction is Direction.FORWARD else _BACKWARD_VERB
        verb = verbs.get(self.kind, f"{self.direction} {self.kind}")
        return f"{self.source} {verb} {self.target}"


@dataclass(frozen=True, slots=True)
class Backlink:
    """A concept that points at another one, and how."""

    source: str
    kind: str


@dataclass(frozen=True, slots=True)
class Descendant:
    """A concept below another in the broader tree; ``depth`` 1 is a child."""

    key: str
    depth: int


@dataclass(frozen=True, slots=True)
class Neighbor:
    """A concept within reach; ``hop`` is the step that first reached it."""

    key: str
    distance: int
    hop: Hop


@dataclass(frozen=True, slots=True)
class Hub:
    """A concept and how many distinct concepts it is connected to."""

    key: str
    degree: int


@dataclass(frozen=True, slots=True)
class ConceptInfo:
    """Everything known about one concept, as ``show`` reports it."""

    key: str
    title: str
    summary: str
    source: str
    aliases: tuple[str, ...]
    tags: tuple[str, ...]
    parent: str | None
    children: tuple[str, ...]
    related: tuple[str, ...]
    requires: tuple[str, ...]
    required_by: tuple[str, ...]
    demos: tuple[str, ...]
    backlinks: tuple[Backlink, ...]


@dataclass(frozen=True, slots=True)
class GraphStats:
    """Counts describing the whole graph; ``related`` edges count once per pair."""

    concepts: int
    edges: dict[str, int] = field(default_factory=dict)
    tags: int = 0
    components: int = 0
    max_depth: int = 0
    orphans: int = 0
    top_hubs: tuple[Hub, ...] = ()


def show(G: nx.MultiDiGraph, key: str) -> ConceptInfo:
    """Return what the graph knows about one concept.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        The concept graph.
    key : str
        The concept to describe.

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> G.add_node("attention", title="Attention", summary="Weighting inputs.")
    >>> _ = G.add_edge("attention", "transformer", key="broader", kind="broader")
    >>> _ = G.add_edge("attention", "softmax", key="requires", kind="requires")
    >>> info = show(G, "attention")
    >>> info.title, info.parent, info.requires
    ('Attention', 'transformer', ('softmax',))
    """
    _require_node(G, key)
    data = G.nodes[key]
    parents = out_of_kind(G, key, "broader")
    return ConceptInfo(
        key=key,
        title=str(data.get("title", key)),
        summary=str(data.get("summary", "")),
        source=str(data.get("source", "")),
        aliases=_strings(data.get("aliases")),
        tags=_strings(data.get("tags")),
        parent=parents[0] if parents else None,
        children=tuple(in_of_kind(G, key, "broader")),
        related=tuple(sorted(set(out_of_kind(G, key, "related") + in_of_kind(G, key, "related")))),
        requires=tuple(out_of_kind(G, key, "requires")),
        required_by=tuple(in_of_kind(G, key, "requires")),
        demos=_strings(data.get("demos")),
        backlinks=tuple(backlinks(G, key)),
    )


def path(
    G: nx.MultiDiGraph, source: str, target: str, kinds: Collection[str] | None = None
) -> list[Hop]:
    """Return a shortest path between two concepts, each edge usable either way.

    The search grows from both ends at once. Ties between equally short paths
    are broken the same way every time: the path meets in the middle at the
    smallest key, and each half follows the first-found neighbour in key
    order. When two concepts share several edges, the hop names the first
    kind in ``KINDS``, followed forward if possible.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        The concept graph.
    source, target : str
        Where the path starts and ends; the same key gives an empty path.
    kinds : collection of str, optional
        Edge kinds the path may use (default: all).

    Raises
    ------
    networkx.NetworkXNoPath
        When no path joins the two concepts.

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> _ = G.add_edge("attention", "softmax", key="requires", kind="requires")
    >>> _ = G.add_edge("softmax", "probability", key="broader", kind="broader")
    >>> [hop.sentence() for hop in path(G, "probability", "attention")]
    ['probability has child softmax', 'softmax is required by attention']
    """
    _require_node(G, source)
    _require_node(G, target)
    allowed = _check_kinds(kinds)
    steps = _shortest_steps(G, source, target, allowed)
    if steps is None:
        raise nx.NetworkXNoPath(f"no path between {source!r} and {target!r}")
    return [_hop(G, u, v, allowed) for u, v in pairwise(steps)]


def learn(G: nx.MultiDiGraph, key: str) -> list[str]:
    """Return every prerequisite of a concept in an order to study them, the concept last.

    Each concept comes after everything it requires; ties go to key order.
    A ``requires`` cycle (an error ``check`` reports) is broken at its
    smallest key rather than dropped.

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> _ = G.add_edge("attention", "softmax", key="requires", kind="requires")
    >>> _ = G.add_edge("attention", "dot-product", key="requires", kind="requires")
    >>> _ = G.add_edge("softmax", "exponential", key="requires", kind="requires")
    >>> learn(G, "attention")
    ['dot-product', 'exponential', 'softmax', 'attention']
    """
    _require_node(G, key)
    prerequisites = _reach(G, key, "requires")
    prerequisites.discard(key)
    return [*_study_order(G, prerequisites), key]


def ancestors(G: nx.MultiDiGraph, key: str) -> list[str]:
    """Return the chain of broader concepts above ``key``, nearest first.

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> _ = G.add_edge("attention", "transformer", key="broader", kind="broader")
    >>> _ = G.add_edge("transformer", "neural-network", key="broader", kind="broader")
    >>> ancestors(G, "attention")
    ['transformer', 'neural-network']
    """
    _require_node(G, key)
    chain: list[str] = []
    seen = {key}
    parents = out_of_kind(G, key, "broader")
    while parents and parents[0] not in seen:
        chain.append(parents[0])
        seen.add(parents[0])
        parents = out_of_kind(G, parents[0], "broader")
    return chain


def descendants(G: nx.MultiDiGraph, key: str) -> list[Descendant]:
    """Return the subtree below ``key`` via broader edges, depth-first, children in key order.

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> _ = G.add_edge("cnn", "neural-network", key="broader", kind="broader")
    >>> _ = G.add_edge("convolution", "cnn", key="broader", kind="broader")
    >>> _ = G.add_edge("rnn", "neural-network", key="broader", kind="broader")
    >>> [(d.key, d.depth) for d in descendants(G, "neural-network")]
    [('cnn', 1), ('convolution', 2), ('rnn', 1)]
    """
    _require_node(G, key)
    found: list[Descendant] = []
    seen = {key}
    stack = [(child, 1) for child in reversed(in_of_kind(G, key, "broader"))]
    while stack:
        node, depth = stack.pop()
        if node in seen:
            continue
        seen.add(node)
        found.append(Descendant(node, depth))
        stack.extend((child, depth + 1) for child in reversed(in_of_kind(G, node, "broader")))
    return found


def neighbors(
    G: nx.MultiDiGraph, key: str, depth: int = 1, kinds: Collection[str] | None = None
) -> list[Neighbor]:
    """Return the concepts within ``depth`` hops of ``key`` over ``kinds``, either direction.

    Ordered by distance, then key; ``key`` itself is left out.

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> _ = G.add_edge("attention", "softmax", key="requires", kind="requires")
    >>> _ = G.add_edge("softmax", "exponential", key="requires", kind="requires")
    >>> _ = G.add_edge("transformer", "attention", key="mentions", kind="mentions")
    >>> [(n.key, n.distance) for n in neighbors(G, "attention", depth=2, kinds=["requires"])]
    [('softmax', 1), ('exponential', 2)]
    """
    _require_node(G, key)
    if depth < 0:
        raise UsageError(f"depth must be 0 or more, not {depth}")
    allowed = _check_kinds(kinds)
    found: list[Neighbor] = []
    seen = {key}
    frontier = [key]
    distance = 0
    # Stop when nothing new is reached: a depth past the graph's diameter ends at once.
    while frontier and distance < depth:
        distance += 1
        reached: list[Neighbor] = []
        for node in frontier:
            for other in _adjacent(G, node, allowed):
                if other not in seen:
                    seen.add(other)
                    reached.append(Neighbor(other, distance, _hop(G, node, other, allowed)))
        reached.sort(key=lambda neighbor: neighbor.key)
        found.extend(reached)
        frontier = [neighbor.key for neighbor in reached]
    return found


def backlinks(G: nx.MultiDiGraph, key: str) -> list[Backlink]:
    """Return the concepts that mention, relate to or require ``key``, with how.

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> _ = G.add_edge("transformer", "attention", key="mentions", kind="mentions")
    >>> _ = G.add_edge("transformer", "attention", key="requires", kind="requires")
    >>> _ = G.add_edge("self-attention", "attention", key="broader", kind="broader")
    >>> [(b.source, b.kind) for b in backlinks(G, "attention")]
    [('transformer', 'mentions'), ('transformer', 'requires')]
    """
    _require_node(G, key)
    found = {
        Backlink(source, kind)
        for source, edges in G._pred[key].items()
        if source != key
        for kind in _kinds_of(edges)
        if kind in BACKLINK_KINDS
    }
    return sorted(found, key=lambda link: (link.source, link.kind))


def orphans(G: nx.MultiDiGraph) -> list[str]:
    """Return the concepts with no edge at all, in key order.

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> G.add_nodes_from(["loner", "attention", "softmax"])
    >>> _ = G.add_edge("attention", "softmax", key="requires", kind="requires")
    >>> orphans(G)
    ['loner']
    """
    return sorted(node for node in G if not G._succ[node] and not G._pred[node])


def stats(G: nx.MultiDiGraph, hubs: int = 5) -> GraphStats:
    """Return counts for the whole graph and its ``hubs`` most connected concepts.

    ``max_depth`` is the longest chain of broader edges (a lone concept has
    depth 0); hubs are ranked by distinct neighbours, ties by key.

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> G.add_node("rnn", tags=["sequence"])
    >>> _ = G.add_edge("cnn", "neural-network", key="broader", kind="broader")
    >>> _ = G.add_edge("cnn", "rnn", key="related", kind="related")
    >>> _ = G.add_edge("rnn", "cnn", key="related", kind="related")
    >>> s = stats(G, hubs=1)
    >>> s.concepts, s.edges, s.tags, s.components, s.max_depth, s.top_hubs
    (3, {'broader': 1, 'related': 1}, 1, 1, 1, (Hub(key='cnn', degree=2),))
    """
    counts: Counter[str] = Counter()
    related_pairs: set[frozenset[str]] = set()
    for u, v, kind in G.edges(keys=True):
        if kind == "related":
            related_pairs.add(frozenset((u, v)))
        else:
            counts[str(kind)] += 1
    if related_pairs:
        counts["related"] = len(related_pairs)
    tags = {tag for _, node_tags in G.nodes(data="tags") for tag in _strings(node_tags)}
    degrees = sorted((-_degree(G, node), node) for node in G)[:hubs]
    return GraphStats(
        concepts=G.number_of_nodes(),
        edges=dict(sorted(counts.items())),
        tags=len(tags),
        components=nx.number_weakly_connected_components(G) if len(G) else 0,
        max_depth=max(_depths(G).values(), default=0),
        orphans=len(orphans(G)),
        top_hubs=tuple(Hub(node, -negative) for negative, node in degrees),
    )


def suggest(G: nx.MultiDiGraph, name: str) -> str:
    """Return `` (did you mean 'key'?)`` for the closest key to ``name``, or ``''``.

    Examples
    --------
    >>> suggest(nx.MultiDiGraph([("attention", "softmax")]), "atention")
    " (did you mean 'attention'?)"
    """
    close = difflib.get_close_matches(name, [str(node) for node in G], n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _require_node(G: nx.MultiDiGraph, key: str) -> None:
    if key not in G:
        raise UsageError(f"{key!r} is not a concept{suggest(G, key)}")


def _check_kinds(kinds: Collection[str] | None) -> frozenset[str] | None:
    if kinds is None:
        return None
    unknown = sorted(set(kinds) - set(KINDS))
    if unknown:
        raise UsageError(f"unknown relation {unknown[0]!r}: expected one of {', '.join(KINDS)}")
    return frozenset(kinds)


def _kinds_of(edges: dict[Any, dict[str, Any]]) -> Iterator[str]:
    # The edge key is the kind (the graph contract), so no attribute is read.
    return (str(key) for key in edges)


def out_of_kind(G: nx.MultiDiGraph, node: str, kind: str) -> list[str]:
    """Return the concepts ``node`` has an edge of ``kind`` to, itself left out, in key order.

    It reads the adjacency dicts under networkx's views: one lookup per
    neighbour, where an edge view builds an object for every edge.
    """
    return sorted(v for v, edges in G._succ[node].items() if v != node and kind in edges)


def in_of_kind(G: nx.MultiDiGraph, node: str, kind: str) -> list[str]:
    """Return the concepts with an edge of ``kind`` to ``node``, itself left out, in key order."""
    return sorted(u for u, edges in G._pred[node].items() if u != node and kind in edges)


def _adjacent(G: nx.MultiDiGraph, node: str, allowed: frozenset[str] | None) -> list[str]:
    if allowed is None:
        found = set(G._succ[node]).union(G._pred[node])
    else:
        found = {v for v, edges in G._succ[node].items() if not allowed.isdisjoint(edges)}
        found.update(u for u, edges in G._pred[node].items() if not allowed.isdisjoint(edges))
    found.discard(node)
    return sorted(found)


def _shortest_steps(
    G: nx.MultiDiGraph, source: str, target: str, allowed: frozenset[str] | None
) -> list[str] | None:
    """Return the concepts of a shortest path by BFS from both ends, or None."""
    parents: tuple[dict[str, str], dict[str, str]] = ({source: source}, {target: target})
    depths: tuple[dict[str, int], dict[str, int]] = ({source: 0}, {target: 0})
    frontiers = [[source], [target]]
    meets = [source] if source == target else []
    while not meets and frontiers[0] and frontiers[1]:
        side = 0 if len(frontiers[0]) <= len(frontiers[1]) else 1
        own, other = parents[side], parents[1 - side]
        reached: list[str] = []
        for node in frontiers[side]:
            for nxt in _adjacent(G, node, allowed):
                if nxt not in own:
                    own[nxt] = node
                    depths[side][nxt] = depths[side][node] + 1
                    reached.append(nxt)
                    if nxt in other:
                        meets.append(nxt)
        frontiers[side] = reached
    if not meets:
        return None
    middle = min(meets, key=lambda node: (depths[0][node] + depths[1][node], node))
    return [*reversed(_walk(parents[0], middle)), *_walk(parents[1], middle)[1:]]


def _walk(parents: dict[str, str], node: str) -> list[str]:
    chain = [node]
    while parents[chain[-1]] != chain[-1]:
        chain.append(parents[chain[-1]])
    return chain


def _hop(G: nx.MultiDiGraph, u: str, v: str, allowed: frozenset[str] | None) -> Hop:
    rank = {kind: index for index, kind in enumerate(KINDS)}
    options = [(kind, Direction.FORWARD) for kind in _kinds_of(G._succ[u].get(v, {}))]
    options += [(kind, Direction.BACKWARD) for kind in _kinds_of(G._pred[u].get(v, {}))]
    usable = [option for option in options if allowed is None or option[0] in allowed]
    kind, direction = min(
        usable,
        key=lambda option: (
            rank.get(option[0], len(rank)),
            option[0],
            option[1] is not Direction.FORWARD,
        ),
    )
    return Hop(u, v, kind, direction)


def _reach(G: nx.MultiDiGraph, key: str, kind: str) -> set[str]:
    seen = {key}
    stack = [key]
    while stack:
        for other in out_of_kind(G, stack.pop(), kind):
            if other not in seen:
                seen.add(other)
                stack.append(other)
    return seen


def _study_order(G: nx.MultiDiGraph, nodes: set[str]) -> list[str]:
    # Dependents are found among ``nodes`` alone: a concept many others require
    # would otherwise cost its whole in-degree on every page that learns it.
    dependents: dict[str, list[str]] = {node: [] for node in nodes}
    waiting = dict.fromkeys(nodes, 0)
    for node in nodes:
        for prerequisite in out_of_kind(G, node, "requires"):
            if prerequisite in dependents:
                dependents[prerequisite].append(node)
                waiting[node] += 1
    ready = [node for node, count in waiting.items() if count == 0]
    heapq.heapify(ready)
    order: list[str] = []
    while waiting:
        if not ready:
            # Only a requires cycle leaves nothing ready: release its smallest member.
            ready = [min(waiting, key=lambda node: (waiting[node], node))]
        node = heapq.heappop(ready)
        if node not in waiting:
            continue
        del waiting[node]
        order.append(node)
        for dependent in dependents[node]:
            if dependent in waiting:
                waiting[dependent] -= 1
                if waiting[dependent] == 0:
                    heapq.heappush(ready, dependent)
    return order


def _depths(G: nx.MultiDiGraph) -> dict[str, int]:
    depths: dict[str, int] = {}
    for start in G:
        chain: list[str] = []
        node: str | None = start
        while node is not None and node not in depths and node not in chain:
            chain.append(node)
            parents = out_of_kind(G, node, "broader")
            node = parents[0] if parents else None
        base = depths[node] + 1 if node is not None and node in depths else 0
        for offset, member in enumerate(reversed(chain)):
            depths[member] = base + offset
    return depths


def _degree(G: nx.MultiDiGraph, node: str) -> int:
    return len(G._succ[node].keys() | G._pred[node].keys() - {node})


def _strings(value: object) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    if isinstance(value, Iterable):
        return tuple(str(item) for item in value)
    return (str(value),)
