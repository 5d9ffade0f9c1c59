"""Graph pictures: deterministic, well-formed SVG whose nodes are links; the script driving them."""

from __future__ import annotations

import random
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from trees import load_bench_module

from generator.errors import UsageError
from generator.linker import load_concept_graph
from generator.model import EntityKey, Relation
from generator.render.graphsvg import KIND_STYLES, neighbourhood_svg, whole_graph_svg
from generator.render.graphsvg.labels import (
    GAP_EM,
    HALF_EM,
    LABEL_PX,
    MAX_LEVELS,
    Label,
    label_box,
    level_zoom,
    place_labels,
    text_em,
)

SVG = "{http://www.w3.org/2000/svg}"
XLINK = "{http://www.w3.org/1999/xlink}href"
REPO = Path(__file__).resolve().parents[1]
ASSETS = REPO / "generator" / "assets"

Edges = Iterable[tuple[str, str, str]]
Titles = Mapping[str, str | tuple[str, Sequence[str]]]


def make_graph(
    titles: Mapping[str, str | tuple[str, Sequence[str]]], edges: Edges
) -> nx.MultiDiGraph:
    """Return a concept graph: key -> title (or (title, tags)), and (source, kind, target) edges."""
    G = nx.MultiDiGraph()
    for key, spec in titles.items():
        title, tags = (spec, ()) if isinstance(spec, str) else spec
        G.add_node(key, title=title, tags=list(tags), summary="", aliases=[], source="", demos=[])
    for source, kind, target in edges:
        G.add_edge(source, target, key=kind, kind=kind)
        if kind == Relation.RELATED:
            G.add_edge(target, source, key=kind, kind=kind)
    return G


def href(key: EntityKey) -> str:
    return f"../concepts/{key}.md"


def around(G: nx.MultiDiGraph, key: str, **options: int) -> str:
    """Return the neighbourhood picture of ``key`` with test links."""
    return neighbourhood_svg(G, EntityKey(key), href, **options)


def parse(picture: str) -> ET.Element:
    """Return the picture's ``<svg>`` element, from inside the HTML that frames it."""
    root = ET.fromstring(picture)
    svg = root if root.tag == f"{SVG}svg" else root.find(f".//{SVG}svg[@role='group']")
    assert svg is not None
    return svg


def node_keys(root: ET.Element) -> list[str]:
    return [a.attrib["data-key"] for a in root.iter(f"{SVG}a")]


def position(root: ET.Element, key: str) -> tuple[float, float]:
    node = next(a for a in root.iter(f"{SVG}a") if a.attrib["data-key"] == key)
    circle = node.find(f"{SVG}circle")
    assert circle is not None
    return float(circle.attrib["cx"]), float(circle.attrib["cy"])


BACKPROP = make_graph(
    {
        "neural-network": "Neural network",
        "backpropagation": ("Backpropagation", ["training", "algorithm"]),
        "autodiff": "Automatic differentiation",
        "computational-graph": "Computational graph",
        "chain-rule": ("Chain rule", ["maths"]),
        "gradient-descent": ("Gradient descent", ["training"]),
        "optimizer": "Optimizer",
        "momentum": "Momentum",
        "calculus": "Calculus",
    },
    [
        ("backpropagation", "broader", "neural-network"),
        ("autodiff", "broader", "backpropagation"),
        ("computational-graph", "broader", "backpropagation"),
        ("backpropagation", "requires", "chain-rule"),
        ("backpropagation", "related", "gradient-descent"),
        ("backpropagation", "mentions", "momentum"),
        ("optimizer", "mentions", "backpropagation"),
        ("chain-rule", "broader", "calculus"),
    ],
)


def test_same_graph_gives_byte_identical_pictures_whatever_the_insertion_order() -> None:
    shuffled = nx.MultiDiGraph()
    nodes = list(BACKPROP.nodes(data=True))
    edges = list(BACKPROP.edges(keys=True, data=True))
    random.Random(3).shuffle(nodes)
    random.Random(4).shuffle(edges)
    shuffled.add_nodes_from(nodes)
    shuffled.add_edges_from(edges)

    assert around(BACKPROP, "backpropagation") == around(shuffled, "backpropagation")
    assert whole_graph_svg(BACKPROP, href) == whole_graph_svg(shuffled, href)


@pytest.mark.parametrize("picture", ["neighbourhood", "whole"])
def test_picture_is_a_scalable_standalone_svg_without_blank_lines(picture: str) -> None:
    if picture == "neighbourhood":
        svg = around(BACKPROP, "backpropagation")
    else:
        svg = whole_graph_svg(BACKPROP, href)
    root = parse(svg)

    assert root.tag == f"{SVG}svg"
    assert "gg-graph" in root.attrib["class"].split()
    assert len(root.attrib["viewBox"].split()) == 4
    assert "width" not in root.attrib and "height" not in root.attrib
    assert root.find(f"{SVG}title") is not None
    assert all(line.strip() for line in svg.splitlines())


@pytest.mark.parametrize(
    ("picture", "expected"),
    [
        (
            "neighbourhood",
            {
                "backpropagation",
                "neural-network",
                "autodiff",
                "computational-graph",
                "chain-rule",
                "gradient-descent",
                "optimizer",
                "momentum",
                "calculus",  # two hops away: drawn, shown by the depth control
            },
        ),
        ("whole", set(BACKPROP)),
    ],
)
def test_every_node_is_a_link_to_the_page_the_callback_names(
    picture: str, expected: set[str]
) -> None:
    if picture == "neighbourhood":
        root = parse(around(BACKPROP, "backpropagation"))
    else:
        root = parse(whole_graph_svg(BACKPROP, href))

    links = list(root.iter(f"{SVG}a"))
    assert {a.attrib["data-key"] for a in links} == expected
    for a in links:
        key = EntityKey(a.attrib["data-key"])
        assert a.attrib["href"] == href(key)
        assert a.attrib[XLINK] == href(key)
        assert a.find(f"{SVG}circle") is not None
        assert a.find(f"{SVG}title") is not None


def test_nodes_carry_their_tags_for_the_filter() -> None:
    root = parse(around(BACKPROP, "backpropagation"))

    tags = {a.attrib["data-key"]: a.attrib["data-tags"] for a in root.iter(f"{SVG}a")}

    assert tags["backpropagation"] == "algorithm training"
    assert tags["chain-rule"] == "maths"
    assert tags["momentum"] == ""


def test_relation_kinds_have_distinct_colours_and_dashes_and_only_related_is_undirected() -> None:
    assert len({style.colour for style in KIND_STYLES.values()}) == len(KIND_STYLES)
    assert len({style.dash for style in KIND_STYLES.values()}) == len(KIND_STYLES)
    assert {kind for kind, style in KIND_STYLES.items() if not style.directed} == {Relation.RELATED}


def test_edges_are_drawn_in_their_kinds_style_with_arrowheads_for_directed_kinds() -> None:
    root = parse(around(BACKPROP, "backpropagation"))
    links = root.find(f"{SVG}g[@class='gg-links']")
    assert links is not None

    groups = {g.attrib["class"].split()[1]: g for g in links.findall(f"{SVG}g")}
    assert set(groups) == {f"gg-k-{kind}" for kind in Relation}
    looks = {(g.attrib["stroke"], g.attrib.get("stroke-dasharray")) for g in groups.values()}
    assert len(looks) == len(groups)
    for kind in Relation:
        group = groups[f"gg-k-{kind}"]
        assert ("marker-end" in group.attrib) is KIND_STYLES[kind].directed
        assert group.findall(f"{SVG}path")
    legend = root.find(f"{SVG}g[@class='gg-legend']")
    assert legend is not None
    assert [t.text for t in legend.iter(f"{SVG}text")] == [str(k) for k in KIND_STYLES]


def test_edges_point_the_way_their_relation_does() -> None:
    root = parse(around(BACKPROP, "backpropagation"))
    keys = node_keys(root)

    ends = {}
    for group in root.iter(f"{SVG}g"):
        kind = group.attrib.get("class", "").removeprefix("gg-edges gg-k-")
        for path in group.findall(f"{SVG}path[@data-e]"):
            source, target = (keys[int(i)] for i in path.attrib["data-e"].split())
            ends[(source, target)] = kind

    assert ends == {
        ("backpropagation", "neural-network"): "broader",
        ("autodiff", "backpropagation"): "broader",
        ("computational-graph", "backpropagation"): "broader",
        ("backpropagation", "chain-rule"): "requires",
        ("backpropagation", "gradient-descent"): "related",
        ("backpropagation", "momentum"): "mentions",
        ("optimizer", "backpropagation"): "mentions",
        ("chain-rule", "calculus"): "broader",  # two hops out, the way it was reached
    }


@pytest.mark.parametrize(
    ("key", "where"),
    [
        ("neural-network", "above"),
        ("autodiff", "below"),
        ("computational-graph", "below"),
        ("chain-rule", "left"),
        ("gradient-descent", "right"),
        ("momentum", "right"),
        ("optimizer", "right"),
    ],
)
def test_neighbours_sit_on_the_side_their_relation_gives_them(key: str, where: str) -> None:
    root = parse(around(BACKPROP, "backpropagation"))
    cx, cy = position(root, "backpropagation")
    x, y = position(root, key)

    side = {"above": y < cy and x == cx, "below": y > cy, "left": x < cx, "right": x > cx}
    assert side[where]


def test_user_text_is_escaped_and_never_becomes_markup() -> None:
    evil = "<script>alert(1)</script> \"quoted\" & 'single'"
    G = make_graph(
        {"home": "Home", "evil": (evil, ['"><script>x</script>'])},
        [("evil", "broader", "home")],
    )
    for svg in (around(G, "evil"), whole_graph_svg(G, href)):
        root = parse(svg)

        assert not [el for el in root.iter() if el.tag.rsplit("}", 1)[-1] == "script"]
        node = next(a for a in root.iter(f"{SVG}a") if a.attrib["data-key"] == "evil")
        title = node.find(f"{SVG}title")
        assert title is not None and title.text == evil
        assert node.attrib["data-tags"] == '"><script>x</script>'
        assert "<script>" not in svg


def test_characters_xml_forbids_are_dropped_instead_of_breaking_the_picture() -> None:
    G = make_graph({"bell": "Bell\x07 and form feed\x0c"}, [])

    root = parse(whole_graph_svg(G, href))

    title = next(root.iter(f"{SVG}a")).find(f"{SVG}title")
    assert title is not None and title.text == "Bell and form feed"


def test_long_titles_are_cut_with_an_ellipsis_and_kept_whole_for_hover() -> None:
    long_title = "A very long concept title that would never fit beside its node"
    G = make_graph({"centre": "Centre", "long": long_title}, [("centre", "requires", "long")])

    root = parse(around(G, "centre"))

    node = next(a for a in root.iter(f"{SVG}a") if a.attrib["data-key"] == "long")
    label, title = node.find(f"{SVG}text"), node.find(f"{SVG}title")
    assert label is not None and label.text is not None and label.text.endswith("…")
    assert len(label.text) < len(long_title)
    assert title is not None and title.text == long_title


def star(mentions: int, children: int) -> nx.MultiDiGraph:
    """Return a concept with a parent, ``children`` children and ``mentions`` backlinks."""
    titles: dict[str, str | tuple[str, Sequence[str]]] = {"hub": "Hub", "top": "Top"}
    edges = [("hub", "broader", "top")]
    for i in range(children):
        titles[f"child-{i:02d}"] = f"Child {i}"
        edges.append((f"child-{i:02d}", "broader", "hub"))
    for i in range(mentions):
        titles[f"aaa-{i:02d}"] = f"Mentioner {i}"
        edges.append((f"aaa-{i:02d}", "mentions", "hub"))
    return make_graph(titles, edges)


@pytest.mark.parametrize(
    ("max_nodes", "expected"),
    [
        (1, {"hub", "top"}),
        (2, {"hub", "top"}),
        (5, {"hub", "top", "child-00", "child-01", "child-02"}),
        (8, {"hub", "top", "child-00", "child-01", "child-02", "child-03", "aaa-00", "aaa-01"}),
    ],
)
def test_neighbourhood_keeps_the_centre_its_parent_and_the_strongest_links(
    max_nodes: int, expected: set[str]
) -> None:
    G = star(mentions=60, children=4)

    keys = node_keys(parse(around(G, "hub", max_nodes=max_nodes)))

    assert set(keys) == expected
    assert keys[0] == "hub"


def test_neighbourhood_is_capped_at_forty_by_default() -> None:
    G = star(mentions=60, children=10)

    keys = node_keys(parse(around(G, "hub")))

    assert len(keys) == 40
    assert {"hub", "top"} <= set(keys)
    assert {f"child-{i:02d}" for i in range(10)} <= set(keys)


@pytest.mark.parametrize(
    ("depth", "expected"),
    [
        (1, {"b", "a", "c"}),
        (2, {"b", "a", "c", "d"}),
        (3, {"b", "a", "c", "d", "e"}),
    ],
)
def test_neighbourhood_reaches_as_far_as_depth_over_any_relation(
    depth: int, expected: set[str]
) -> None:
    G = make_graph(
        {k: k.upper() for k in "abcde"},
        [
            ("b", "broader", "a"),
            ("b", "requires", "c"),
            ("d", "mentions", "c"),
            ("e", "related", "d"),
        ],
    )

    assert set(node_keys(parse(around(G, "b", depth=depth)))) == expected


def test_neighbourhood_of_an_unknown_concept_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="'nope' is not a concept"):
        neighbourhood_svg(BACKPROP, EntityKey("nope"), href)


def test_whole_graph_can_be_limited_to_tags() -> None:
    root = parse(whole_graph_svg(BACKPROP, href, tags=["training"]))

    assert set(node_keys(root)) == {"backpropagation", "gradient-descent"}
    assert "training" in (root.findtext(f"{SVG}title") or "")


@pytest.mark.parametrize(
    "edges",
    [
        [],
        [("a", "broader", "b"), ("b", "broader", "a")],
        [("a", "broader", "b"), ("b", "broader", "c"), ("c", "broader", "a")],
    ],
)
def test_whole_graph_draws_every_concept_even_around_a_broader_cycle(edges: Edges) -> None:
    G = make_graph({"a": "A", "b": "B", "c": "C"}, edges)

    assert sorted(node_keys(parse(whole_graph_svg(G, href)))) == ["a", "b", "c"]


def test_whole_graph_of_nothing_is_still_a_picture() -> None:
    root = parse(whole_graph_svg(nx.MultiDiGraph(), href))

    assert root.tag == f"{SVG}svg"
    assert node_keys(root) == []


# The benchmark draws the same kind of graph; the test checks what it times.
random_glossary = load_bench_module("graph_layout").random_graph


def test_whole_graph_of_ten_thousand_concepts(
    record_property: Callable[[str, object], None],
) -> None:
    G = random_glossary(10_000, seed=11)

    svg = whole_graph_svg(G, href)

    root = parse(svg)
    assert len(node_keys(root)) == 10_000
    levels = [int(t.attrib["data-z"]) for t in root.iter(f"{SVG}text")]
    assert len(levels) == 10_000  # every node has a label, at some zoom
    assert max(levels) <= int(root.attrib["data-ztop"]) < MAX_LEVELS
    assert 10 < sum(1 for z in levels if z <= 6) < 1_000  # a few at first, the rest on zooming
    record_property("whole_graph_svg_bytes_10k", len(svg.encode()))
    print(f"whole graph of 10,000 concepts: {len(svg.encode()) / 1e6:.1f} MB of SVG")


# ---------------------------------------------------------------- labels that never collide


@pytest.mark.parametrize(
    ("labels", "expected"),
    [
        # Far apart: both show from the start.
        ([Label(0, 0, True, 5), Label(0, 1000, True, 5)], [0, 0]),
        # Side by side on one row, 10 units apart: the second waits until 5 em fit in 10
        # units, from 13 px / 2 = 6.5 px per unit, which is level ceil(3 log2 6.5) = 9.
        ([Label(0, 0, True, 5), Label(10, 0, True, 5)], [0, 9]),
        # Left and right of the centre, back to back: they never meet.
        ([Label(1, 0, True, 5), Label(-1, 0, False, 5)], [0, 0]),
        # Priority is the order given, not the position.
        ([Label(10, 0, True, 5), Label(0, 0, True, 5)], [0, 9]),
    ],
)
def test_a_label_shows_from_the_first_level_where_it_clears_the_earlier_ones(
    labels: list[Label], expected: list[int]
) -> None:
    floor = 1.0

    levels = place_labels(labels, floor)

    assert levels == expected
    for k, level in enumerate(levels):
        if level > 0:  # one level lower, it would have met an earlier label
            lower = level_zoom(floor, level - 1)
            assert any(_meet(label_box(labels[k], lower), label_box(o, lower)) for o in labels[:k])


def _meet(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def shown_label_boxes(root: ET.Element, p: float) -> list[tuple[float, float, float, float]]:
    """Return the boxes, in picture units, of the labels the page shows at zoom ``p``.

    Read from the picture's own attributes, as graph.js reads them: a label shows
    once ``p`` reaches its level; it runs from its anchor away from the node.
    """
    floor = float(root.attrib["data-zfloor"])
    em = LABEL_PX / p
    boxes = []
    for t in root.iter(f"{SVG}text"):
        if level_zoom(floor, int(t.attrib["data-z"])) > p:
            continue
        x, y, width = float(t.attrib["x"]), float(t.attrib["y"]), text_em(t.text or "") * em
        start = x + GAP_EM * em if t.attrib["text-anchor"] == "start" else x - GAP_EM * em - width
        boxes.append((start, y - HALF_EM * em, start + width, y + HALF_EM * em))
    return boxes


def overlapping(boxes: Sequence[tuple[float, float, float, float]]) -> list[tuple[int, int]]:
    """Return the pairs of boxes that intersect, by a sweep over x (not all pairs)."""
    order = sorted(range(len(boxes)), key=lambda i: boxes[i][0])
    found, active = [], []
    for i in order:
        active = [j for j in active if boxes[j][2] > boxes[i][0]]
        found += [(j, i) for j in active if _meet(boxes[i], boxes[j])]
        active.append(i)
    return found


def page_zooms(root: ET.Element) -> list[float]:
    """Return zooms from below the lowest label level to past the highest, levels and between."""
    floor, top = float(root.attrib["data-zfloor"]), int(root.attrib["data-ztop"])
    return [level_zoom(floor, z) * f for z in range(-1, top + 2) for f in (1.0, 1.13)]


@pytest.fixture(scope="module")
def shipped_whole() -> ET.Element:
    glossary = load_concept_graph(REPO / "entities", REPO / "demos")
    return parse(whole_graph_svg(glossary.graph, href))


@pytest.fixture(scope="module")
def synthetic_whole(tmp_path_factory: pytest.TempPathFactory) -> ET.Element:
    root = tmp_path_factory.mktemp("synth")
    load_bench_module("synth").write_corpus(1000, root, seed=5, demos=0)
    return parse(whole_graph_svg(load_concept_graph(root / "entities").graph, href))


@pytest.mark.parametrize("glossary", ["shipped_whole", "synthetic_whole"])
def test_every_node_has_a_label_at_some_zoom_and_none_overlap_at_any(
    glossary: str, request: pytest.FixtureRequest
) -> None:
    root: ET.Element = request.getfixturevalue(glossary)
    nodes = list(root.iter(f"{SVG}a"))
    top = int(root.attrib["data-ztop"])

    labels = [a.find(f"{SVG}text") for a in nodes]
    assert all(t is not None and t.text for t in labels)
    assert max(int(t.attrib["data-z"]) for t in labels if t is not None) == top < MAX_LEVELS
    deepest = page_zooms(root)[-1]
    assert len(shown_label_boxes(root, deepest)) == len(nodes)
    for p in page_zooms(root):
        assert overlapping(shown_label_boxes(root, p)) == [], f"labels overlap at zoom {p}"


def test_the_overlap_check_finds_overlaps() -> None:
    boxes = [(0.0, 0.0, 10.0, 2.0), (20.0, 0.0, 30.0, 2.0), (9.0, 1.0, 12.0, 3.0)]

    assert overlapping(boxes) == [(0, 2)]


def test_mentions_start_hidden_and_the_legend_has_a_switch_per_kind() -> None:
    frame = ET.fromstring(whole_graph_svg(BACKPROP, href))
    root = parse(whole_graph_svg(BACKPROP, href))

    groups = {g.attrib["data-kind"]: g for g in root.iter(f"{SVG}g") if "data-kind" in g.attrib}
    assert {k for k, g in groups.items() if g.attrib.get("display") == "none"} == {"mentions"}
    switches = {i.attrib["data-kind"]: "checked" in i.attrib for i in frame.iter("input")}
    assert switches == {"broader": True, "requires": True, "related": True, "mentions": False}
    colours = [li for li in frame.iter("li") if li.attrib.get("class") == "gg-colour"]
    named = " ".join("".join(li.itertext()) for li in colours)
    assert "Neural network" in named and "Calculus" in named  # the concepts heading each colour


def test_neighbourhood_tags_each_node_with_its_hops_and_gives_a_view_per_depth() -> None:
    root = parse(around(BACKPROP, "backpropagation"))

    hops = {a.attrib["data-key"]: a.attrib.get("data-d") for a in root.iter(f"{SVG}a")}
    assert hops["backpropagation"] is None and hops["chain-rule"] == "1"
    assert hops["calculus"] == "2"
    hidden = {a.attrib["data-key"] for a in root.iter(f"{SVG}a") if a.attrib.get("display")}
    assert hidden == {"calculus"}
    boxes = [b.split() for b in root.attrib["data-depths"].split(",")]
    assert len(boxes) == 2 and " ".join(boxes[0]) == root.attrib["viewBox"]
    (x1, y1, w1, h1), (x2, y2, w2, h2) = ([float(v) for v in b] for b in boxes)
    assert x2 <= x1 and y2 <= y1 and x2 + w2 >= x1 + w1 and y2 + h2 >= y1 + h1
    x, y = position(root, "calculus")
    assert x2 < x < x2 + w2 and y2 < y < y2 + h2


@pytest.mark.parametrize("depth", [1, 2, 3])
def test_a_further_hop_never_moves_the_nodes_of_the_hops_before_it(depth: int) -> None:
    G = random_glossary(300, seed=2)
    key = sorted(G)[7]

    full = parse(neighbourhood_svg(G, EntityKey(key), href, depth=3))
    cut = parse(neighbourhood_svg(G, EntityKey(key), href, depth=depth))

    near = node_keys(cut)
    assert near and all(position(full, k) == position(cut, k) for k in near)


def test_every_neighbourhood_node_has_a_tap_area_a_row_high_at_least() -> None:
    root = parse(around(BACKPROP, "backpropagation"))

    for a in root.iter(f"{SVG}a"):
        hit = a.find(f"{SVG}rect[@class='gg-hit']")
        assert hit is not None
        assert float(hit.attrib["width"]) >= 30 and float(hit.attrib["height"]) >= 30


# --------------------------------------------------------------------------- in a browser


def page_with(svgs: Sequence[str]) -> str:
    css = (ASSETS / "graph.css").read_text(encoding="utf-8")
    js = (ASSETS / "graph.js").read_text(encoding="utf-8")
    body = "".join(f"<div style='width:900px'>{svg}</div>" for svg in svgs)
    return f"<!doctype html><meta charset=utf-8><style>{css}</style>{body}<script>{js}</script>"


def open_page(browser: Any, path: Path) -> tuple[Any, list[str]]:
    page = browser.new_page(viewport={"width": 1000, "height": 800})
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(path.as_uri())
    return page, errors


@pytest.mark.browser
def test_script_is_quiet_on_a_page_without_a_graph(browser: Any, tmp_path: Path) -> None:
    path = tmp_path / "plain.html"
    path.write_text(page_with([]).replace("<div", "<p>No pictures here.</p><div"), "utf-8")

    page, errors = open_page(browser, path)

    assert page.locator(".gg-toolbar").count() == 0
    assert errors == []


@pytest.mark.browser
def test_hover_filter_pan_and_click_in_a_browser(browser: Any, tmp_path: Path) -> None:
    (tmp_path / "concepts").mkdir()
    for key in BACKPROP:
        (tmp_path / "concepts" / f"{key}.md").write_text(f"<title>{key}</title>", "utf-8")
    path = tmp_path / "pages" / "page.html"
    path.parent.mkdir()
    path.write_text(page_with([around(BACKPROP, "backpropagation")]), "utf-8")
    page, errors = open_page(browser, path)
    p = page

    p.hover('a.gg-node[data-key="chain-rule"]')
    lit = p.eval_on_selector_all(".gg-hi", "els => els.map(e => e.dataset.key || 'edge')")
    assert sorted(lit) == ["backpropagation", "chain-rule", "edge"]

    p.select_option("select.gg-tags", "training")
    dimmed = p.eval_on_selector_all(".gg-node.gg-dim", "els => els.length")
    assert dimmed == len(node_keys(parse(around(BACKPROP, "backpropagation")))) - 2

    before = p.get_attribute("svg.gg-graph", "viewBox")
    box = p.locator("svg.gg-graph").bounding_box()
    p.mouse.move(box["x"] + 20, box["y"] + box["height"] - 20)
    p.mouse.down()
    p.mouse.move(box["x"] + 80, box["y"] + box["height"] - 60, steps=5)
    p.mouse.up()
    assert p.get_attribute("svg.gg-graph", "viewBox") != before
    p.click("text=Reset")
    assert p.get_attribute("svg.gg-graph", "viewBox") == before

    circle = p.locator('a.gg-node[data-key="momentum"] circle').bounding_box()
    x, y = circle["x"] + circle["width"] / 2, circle["y"] + circle["height"] / 2
    p.mouse.move(x, y)
    p.mouse.down()
    p.mouse.move(x + 2, y + 1)
    p.mouse.up()
    p.wait_for_url("**/concepts/momentum.md")
    assert errors == []


SHOWN_LABELS = """() => Array.from(document.querySelectorAll('svg.gg-whole text[data-z]'))
  .filter(t => !t.closest('[display="none"]')).map(t => t.getBoundingClientRect().height)"""


@pytest.mark.browser
def test_zooming_into_the_whole_graph_shows_more_labels_at_one_size(
    browser: Any, tmp_path: Path
) -> None:
    path = tmp_path / "graph.html"
    path.write_text(page_with([whole_graph_svg(random_glossary(400, seed=5), href)]), "utf-8")
    page, errors = open_page(browser, path)
    first = page.evaluate(SHOWN_LABELS)
    assert 0 < len(first) < 400

    for _ in range(4):
        page.click("button[aria-label='Zoom in']")

    zoomed = page.evaluate(SHOWN_LABELS)
    assert len(zoomed) > len(first)
    assert max(zoomed) == pytest.approx(max(first), abs=1.0)  # labels keep their size
    page.click("text=Reset")
    assert len(page.evaluate(SHOWN_LABELS)) == len(first)
    assert errors == []


@pytest.mark.browser
def test_depth_control_shows_further_hops_and_their_view(browser: Any, tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    path.write_text(page_with([around(BACKPROP, "backpropagation")]), "utf-8")
    page, errors = open_page(browser, path)
    calculus = page.locator('a.gg-node[data-key="calculus"]')
    first = page.get_attribute("svg.gg-graph", "viewBox")
    assert not calculus.is_visible()

    page.click("text=2 hops")

    assert calculus.is_visible()
    root = parse(around(BACKPROP, "backpropagation"))
    wanted = [float(v) for v in root.attrib["data-depths"].split(",")[1].split()]
    shown = [float(v) for v in (page.get_attribute("svg.gg-graph", "viewBox") or "").split()]
    assert shown == pytest.approx(wanted)
    page.click("text=1 hop")
    assert not calculus.is_visible()
    assert [float(v) for v in (page.get_attribute("svg.gg-graph", "viewBox") or "").split()] == (
        pytest.approx([float(v) for v in first.split()])
    )
    assert errors == []


def test_a_frozen_graphs_neighbours_are_read_once_and_an_unfrozen_graph_afresh() -> None:
    """Pictures of one build share each node's ranked neighbours; a graph that can change never."""
    from generator.render.graphsvg.scene import ranked_neighbours

    G = make_graph({k: k for k in "abcd"}, [("a", "broader", "b"), ("c", "requires", "a")])
    first = ranked_neighbours(G, EntityKey("a"))
    G.add_edge("a", "d", key="related", kind="related")  # not frozen: the next call sees it
    assert [v for v, _ in ranked_neighbours(G, EntityKey("a"))] == ["b", "c", "d"]
    assert [v for v, _ in first] == ["b", "c"]
    frozen = nx.freeze(G)
    kept = ranked_neighbours(frozen, EntityKey("a"))
    assert ranked_neighbours(frozen, EntityKey("a")) is kept  # kept, not recomputed
    assert [v for v, _ in kept] == ["b", "c", "d"]


def _select_by_paths(
    G: nx.MultiDiGraph, key: EntityKey, depth: int, max_nodes: int
) -> dict[EntityKey, tuple[EntityKey, int, tuple[object, ...]]]:
    """The neighbourhood's selection as first written: each node ordered by its whole path of ranks.

    Every candidate of a ring carries (hops, ranks along its path..., rank, key);
    the ring keeps the smallest, the centre's parents always. Slow, and plainly right.
    """
    from generator.render.graphsvg.scene import ranked_neighbours

    reached: dict[EntityKey, tuple[EntityKey, int, tuple[object, ...]]] = {key: (key, -1, (0,))}
    seen = {key}
    frontier = [key]
    for distance in range(1, depth + 1):
        best: dict[EntityKey, tuple[EntityKey, int, tuple[object, ...]]] = {}
        for u in frontier:
            for v, rank in ranked_neighbours(G, u):
                if v in seen:
                    continue
                order = (distance, *reached[u][2][1:], rank, v)
                if v not in best or order < best[v][2]:  # type: ignore[operator]
                    best[v] = (u, rank, order)
        seen.update(best)
        ring = sorted(best, key=lambda v: best[v][2])  # type: ignore[arg-type,return-value]
        room = max(max_nodes, 1) - 1 if distance == 1 else max(max_nodes // 4, 1)
        parents = [v for v in ring[room:] if best[v][0] == key and best[v][1] == 0]
        frontier = ring[:room] + parents
        reached.update((v, best[v]) for v in frontier)
    return reached


_KEYS = [EntityKey(k) for k in "abcdefghijkl"]


@settings(max_examples=300, deadline=None)
@given(
    edges=st.lists(
        st.tuples(st.sampled_from(_KEYS), st.sampled_from(list(Relation)), st.sampled_from(_KEYS)),
        min_size=10,
        max_size=60,  # dense enough that rings fill and nodes are reached from several
    ),
    centre=st.sampled_from(_KEYS),
    depth=st.integers(1, 3),
    max_nodes=st.integers(1, 9),
    frozen=st.booleans(),
)
def test_the_neighbourhood_keeps_the_nodes_of_smallest_rank_paths(
    edges: list[tuple[EntityKey, Relation, EntityKey]],
    centre: EntityKey,
    depth: int,
    max_nodes: int,
    frozen: bool,
) -> None:
    """The one-pass selection (first to reach a node wins, a full ring stops) keeps the same
    nodes, reached from the same nodes by the same links, in the same order, as ranking
    every path; and the link it draws is the strongest between the two."""
    from generator.render.graphsvg.neighbourhood import _select_neighbourhood
    from generator.render.graphsvg.scene import links_between, strongest_link

    G = make_graph({k: k.upper() for k in _KEYS}, edges)
    if frozen:
        G = nx.freeze(G)
    fast = _select_neighbourhood(G, centre, depth, max_nodes)
    slow = _select_by_paths(G, centre, depth, max_nodes)
    assert {v: fast[v][:2] for v in fast} == {v: slow[v][:2] for v in slow}
    assert sorted(fast, key=lambda v: fast[v][2]) == sorted(
        slow,
        key=lambda v: slow[v][2],  # type: ignore[arg-type,return-value]
    )
    assert all(fast[v][2][0] == slow[v][2][0] for v in fast)  # the hop counts
    for v, (u, rank, _) in fast.items():
        if v != centre:
            _, kind, outgoing = links_between(G, u, v)[0]
            assert strongest_link(G, u, v, rank) == (kind, outgoing)


@given(st.text())
def test_escaping_skips_no_character_xml_needs_escaped_or_dropped(text: str) -> None:
    """The fast path (nothing to escape) gives what escaping everything gives."""
    from generator.render.graphsvg.scene import esc
    from generator.xmlchars import xml_text

    slow = (
        xml_text(text)
        .replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
        .replace("'", "&#39;")
    )
    assert esc(text) == slow


@given(st.floats(allow_nan=False, allow_infinity=False, min_value=-1e6, max_value=1e6))
def test_a_kept_coordinate_prints_as_a_fresh_one(value: float) -> None:
    """Coordinates are printed once and kept; the kept text is the one-decimal form."""
    from generator.render.graphsvg.scene import num

    fresh = f"{value:.1f}".removesuffix(".0")
    expected = "0" if fresh == "-0" else fresh
    assert num(value) == expected
    assert num(value) == expected  # the second time from the kept text
