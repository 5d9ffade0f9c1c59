"""Queries on tiny inline concept graphs."""

from __future__ import annotations

import doctest
import itertools

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import generator.queries
from generator.errors import UsageError
from generator.queries import (
    Backlink,
    Descendant,
    Direction,
    Hop,
    Hub,
    ancestors,
    backlinks,
    descendants,
    learn,
    neighbors,
    orphans,
    path,
    show,
    stats,
)


def graph(*edges: tuple[str, str, str], nodes: tuple[str, ...] = ()) -> nx.MultiDiGraph:
    """Build a concept graph from (source, kind, target) triples; related goes both ways."""
    G = nx.MultiDiGraph()
    G.add_nodes_from(nodes)
    for source, kind, target in edges:
        G.add_edge(source, target, key=kind, kind=kind)
        if kind == "related":
            G.add_edge(target, source, key=kind, kind=kind)
    return G


ML = graph(
    ("neural-network", "broader", "machine-learning"),
    ("deep-learning", "broader", "neural-network"),
    ("transformer", "broader", "deep-learning"),
    ("attention", "broader", "transformer"),
    ("attention", "requires", "softmax"),
    ("attention", "requires", "dot-product"),
    ("softmax", "requires", "exponential"),
    ("dot-product", "requires", "vector"),
    ("softmax", "requires", "vector"),
    ("transformer", "mentions", "attention"),
    ("transformer", "requires", "attention"),
    ("attention", "related", "memory"),
    ("cnn", "broader", "deep-learning"),
    nodes=("loner",),
)


def test_doctests_pass() -> None:
    result = doctest.testmod(generator.queries)
    assert result.attempted >= 9
    assert result.failed == 0


def test_show_collects_every_relation() -> None:
    G = ML.copy()
    G.nodes["attention"].update(title="Attention", summary="Weights.", tags=["nlp"], demos=["d"])
    info = show(G, "attention")
    assert (info.title, info.summary, info.tags, info.demos) == (
        "Attention",
        "Weights.",
        ("nlp",),
        ("d",),
    )
    assert info.parent == "transformer"
    assert info.requires == ("dot-product", "softmax")
    assert info.required_by == ("transformer",)
    assert info.related == ("memory",)
    assert info.children == ()
    assert info.backlinks == (
        Backlink("memory", "related"),
        Backlink("transformer", "mentions"),
        Backlink("transformer", "requires"),
    )


def test_show_defaults_title_to_key() -> None:
    info = show(ML, "loner")
    assert (info.title, info.parent, info.aliases) == ("loner", None, ())


@pytest.mark.parametrize(
    ("source", "target", "expected"),
    [
        ("attention", "attention", []),
        ("attention", "softmax", [Hop("attention", "softmax", "requires", Direction.FORWARD)]),
        ("softmax", "attention", [Hop("softmax", "attention", "requires", Direction.BACKWARD)]),
        (
            "exponential",
            "dot-product",
            [
                Hop("exponential", "softmax", "requires", Direction.BACKWARD),
                Hop("softmax", "attention", "requires", Direction.BACKWARD),
                Hop("attention", "dot-product", "requires", Direction.FORWARD),
            ],
        ),
        (
            "neural-network",
            "attention",
            [
                Hop("neural-network", "deep-learning", "broader", Direction.BACKWARD),
                Hop("deep-learning", "transformer", "broader", Direction.BACKWARD),
                Hop("transformer", "attention", "broader", Direction.BACKWARD),
            ],
        ),
    ],
)
def test_path_labels_each_hop(source: str, target: str, expected: list[Hop]) -> None:
    assert path(ML, source, target) == expected


def test_path_prefers_the_smallest_key_among_equal_paths() -> None:
    G = graph(
        ("a", "related", "m"), ("a", "related", "c"), ("m", "related", "z"), ("c", "related", "z")
    )
    assert [hop.target for hop in path(G, "a", "z")] == ["c", "z"]


def test_path_is_as_short_as_networkx_finds_and_follows_real_edges() -> None:
    G = nx.gnm_random_graph(80, 120, seed=7, directed=True)
    concepts = nx.MultiDiGraph()
    concepts.add_nodes_from(f"c{n:02d}" for n in G)
    for n, (u, v) in enumerate(G.edges):
        kind = ("broader", "requires", "mentions")[n % 3]
        concepts.add_edge(f"c{u:02d}", f"c{v:02d}", key=kind, kind=kind)
    undirected = concepts.to_undirected(as_view=True)
    for a, b in [("c00", "c79"), ("c13", "c42"), ("c05", "c06"), ("c70", "c01")]:
        hops = path(concepts, a, b)
        assert len(hops) == nx.shortest_path_length(undirected, a, b)
        steps = [hops[0].source, *(hop.target for hop in hops)]
        assert (steps[0], steps[-1]) == (a, b)
        assert all(h.target == after.source for h, after in itertools.pairwise(hops))
        for hop in hops:
            u, v = (
                (hop.source, hop.target)
                if hop.direction is Direction.FORWARD
                else (hop.target, hop.source)
            )
            assert concepts.has_edge(u, v, key=hop.kind)


def test_path_hop_sentence_reads_both_ways() -> None:
    hops = path(ML, "vector", "attention", kinds=["requires"])
    assert [hop.sentence() for hop in hops] == [
        "vector is required by dot-product",
        "dot-product is required by attention",
    ]


def test_path_with_kinds_can_find_no_path() -> None:
    with pytest.raises(nx.NetworkXNoPath):
        path(ML, "attention", "cnn", kinds=["requires"])
    with pytest.raises(nx.NetworkXNoPath):
        path(ML, "attention", "loner")


def test_learn_orders_prerequisites_before_their_dependents() -> None:
    order = learn(ML, "transformer")
    assert order == ["exponential", "vector", "dot-product", "softmax", "attention", "transformer"]
    for node in order:
        for prerequisite in ML.successors(node):
            if ML.has_edge(node, prerequisite, key="requires"):
                assert order.index(prerequisite) < order.index(node)


def test_learn_of_a_concept_without_prerequisites_is_itself() -> None:
    assert learn(ML, "loner") == ["loner"]


def test_learn_survives_a_requires_cycle() -> None:
    G = graph(("a", "requires", "b"), ("b", "requires", "c"), ("c", "requires", "b"))
    assert learn(G, "a") == ["b", "c", "a"]


def test_ancestors_nearest_first_and_cycle_safe() -> None:
    assert ancestors(ML, "attention") == [
        "transformer",
        "deep-learning",
        "neural-network",
        "machine-learning",
    ]
    assert ancestors(ML, "machine-learning") == []
    cyclic = graph(("a", "broader", "b"), ("b", "broader", "a"))
    assert ancestors(cyclic, "a") == ["b"]


def test_descendants_depth_first_with_depth() -> None:
    assert descendants(ML, "neural-network") == [
        Descendant("deep-learning", 1),
        Descendant("cnn", 2),
        Descendant("transformer", 2),
        Descendant("attention", 3),
    ]


@pytest.mark.parametrize(
    ("depth", "kinds", "expected"),
    [
        (0, None, []),
        (1, None, [("dot-product", 1), ("memory", 1), ("softmax", 1), ("transformer", 1)]),
        (1, ["broader"], [("transformer", 1)]),
        (
            2,
            ["requires"],
            [
                ("dot-product", 1),
                ("softmax", 1),
                ("transformer", 1),
                ("exponential", 2),
                ("vector", 2),
            ],
        ),
    ],
)
def test_neighbors_within_depth(
    depth: int, kinds: list[str] | None, expected: list[tuple[str, int]]
) -> None:
    assert [(n.key, n.distance) for n in neighbors(ML, "attention", depth, kinds)] == expected


def test_neighbors_records_the_hop_that_reached_each() -> None:
    found = neighbors(ML, "attention", 1, ["broader"])
    assert found[0].hop == Hop("attention", "transformer", "broader", Direction.FORWARD)


def test_backlinks_leave_out_children() -> None:
    assert backlinks(ML, "deep-learning") == []
    assert backlinks(ML, "vector") == [
        Backlink("dot-product", "requires"),
        Backlink("softmax", "requires"),
    ]


def test_orphans() -> None:
    assert orphans(ML) == ["loner"]
    assert orphans(nx.MultiDiGraph()) == []


def test_stats_counts() -> None:
    G = ML.copy()
    G.nodes["attention"]["tags"] = ["nlp", "core"]
    G.nodes["cnn"]["tags"] = ["vision", "core"]
    result = stats(G, hubs=2)
    assert result.concepts == 12
    assert result.edges == {"broader": 5, "mentions": 1, "related": 1, "requires": 6}
    assert (result.tags, result.components, result.max_depth, result.orphans) == (3, 2, 4, 1)
    assert result.top_hubs == (Hub("attention", 4), Hub("deep-learning", 3))


def test_stats_of_empty_graph() -> None:
    result = stats(nx.MultiDiGraph())
    assert (result.concepts, result.edges, result.components, result.max_depth) == (0, {}, 0, 0)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: show(ML, "atention"), "'atention' is not a concept (did you mean 'attention'?)"),
        (
            lambda: path(ML, "attention", "sofmax"),
            "'sofmax' is not a concept (did you mean 'softmax'?)",
        ),
        (lambda: learn(ML, "zzz"), "'zzz' is not a concept"),
        (lambda: neighbors(ML, "attention", 1, ["parent"]), "unknown relation 'parent'"),
        (lambda: neighbors(ML, "attention", -1), "depth must be 0 or more"),
    ],
)
def test_unknown_input_is_a_usage_error(call: object, message: str) -> None:
    with pytest.raises(UsageError) as raised:
        call()  # type: ignore[operator]
    assert str(raised.value).startswith(message)


def test_queries_do_not_change_the_graph() -> None:
    G = ML.copy()
    before = (sorted(G.nodes(data=True), key=str), sorted(G.edges(keys=True, data=True), key=str))
    nx.freeze(G)
    show(G, "attention")
    path(G, "loner", "loner")
    learn(G, "transformer")
    descendants(G, "machine-learning")
    neighbors(G, "attention", 3)
    stats(G)
    after = (sorted(G.nodes(data=True), key=str), sorted(G.edges(keys=True, data=True), key=str))
    assert before == after


def _plain_learn(G: nx.MultiDiGraph, key: str) -> list[str]:
    """The study order as first written: Kahn's algorithm over every in-edge, ties by key."""
    closure, stack = {key}, [key]
    while stack:
        for _, v, kind in G.out_edges(stack.pop(), keys=True):
            if kind == "requires" and v not in closure:
                closure.add(v)
                stack.append(v)
    nodes = closure - {key}

    def needs(node: str) -> set[str]:
        return {v for _, v, k in G.out_edges(node, keys=True) if k == "requires" and v != node}

    waiting = {node: len(needs(node) & nodes) for node in nodes}
    ready = sorted(node for node, count in waiting.items() if count == 0)
    order: list[str] = []
    while waiting:
        if not ready:
            ready = [min(waiting, key=lambda node: (waiting[node], node))]
        node = min(ready)
        ready.remove(node)
        if node not in waiting:
            continue
        del waiting[node]
        order.append(node)
        for u, _, k in G.in_edges(node, keys=True):
            if k == "requires" and u != node and u in waiting:
                waiting[u] -= 1
                if waiting[u] == 0:
                    ready.append(u)
    return [*order, key]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 11), st.integers(0, 11), st.sampled_from(["requires", "related"])),
        max_size=40,
    )
)
def test_learn_is_kahns_order_over_every_in_edge(edges: list[tuple[int, int, str]]) -> None:
    """Counting dependents inside the closure alone gives the order of a scan of every in-edge."""
    G = nx.MultiDiGraph()
    G.add_nodes_from(f"n{i:02}" for i in range(12))
    for u, v, kind in edges:
        G.add_edge(f"n{u:02}", f"n{v:02}", key=kind, kind=kind)
    for key in G:
        assert learn(G, key) == _plain_learn(G, key)
