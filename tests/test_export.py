"""Exports load back in the reading tools and escape hostile titles."""

from __future__ import annotations

import doctest
import io
import json
import re
from pathlib import Path

import networkx as nx
import pytest
from trees import TreeWriter

import generator.export
from generator.errors import UsageError
from generator.export import export_graph
from generator.linker import load_concept_graph

HOSTILE = 'Say "hi" <script>alert(1)</script> & \\back'


def sample() -> nx.MultiDiGraph:
    G = nx.MultiDiGraph()
    G.add_node(
        "attention",
        title=HOSTILE,
        summary="Weights\nover inputs.",
        tags=["nlp", "core"],
        aliases=[],
        source="entities/attention.md",
        demos=["attention-demo"],
    )
    G.add_node(
        "softmax",
        title="Softmax",
        summary="",
        tags=[],
        aliases=["soft-max"],
        source="s.md",
        demos=[],
    )
    G.add_node(
        "transformer", title="Transformer", summary="", tags=[], aliases=[], source="t.md", demos=[]
    )
    for u, v, kind in [
        ("attention", "softmax", "requires"),
        ("attention", "transformer", "broader"),
        ("transformer", "attention", "mentions"),
        ("attention", "softmax", "related"),
        ("softmax", "attention", "related"),
    ]:
        G.add_edge(u, v, key=kind, kind=kind)
    return G


def triples(G: nx.MultiDiGraph) -> set[tuple[str, str, str]]:
    return {(u, v, data["kind"]) for u, v, data in G.edges(data=True)}


def test_doctests_pass() -> None:
    result = doctest.testmod(generator.export)
    assert result.attempted >= 1
    assert result.failed == 0


def test_json_round_trips_through_node_link_graph() -> None:
    G = sample()
    data = json.loads(export_graph(G, "json"))
    back = nx.node_link_graph(
        data, edges="links", source="source", target="target", name="id", key="key"
    )
    assert isinstance(back, nx.MultiDiGraph)
    assert dict(back.nodes(data=True)) == dict(G.nodes(data=True))
    assert set(back.edges(keys=True)) == set(G.edges(keys=True))
    assert [node["id"] for node in data["nodes"]] == ["attention", "softmax", "transformer"]


def test_json_is_stable_whatever_the_insertion_order() -> None:
    G = sample()
    reversed_graph = nx.MultiDiGraph()
    reversed_graph.add_nodes_from(reversed(list(G.nodes(data=True))))
    reversed_graph.add_edges_from(reversed(list(G.edges(keys=True, data=True))))
    assert export_graph(reversed_graph, "json") == export_graph(G, "json")


def test_graphml_loads_back_with_lists_joined() -> None:
    G = sample()
    back = nx.read_graphml(io.StringIO(export_graph(G, "graphml")), force_multigraph=True)
    assert set(back.nodes) == set(G.nodes)
    assert triples(back) == triples(G)
    assert back.nodes["attention"]["tags"] == "nlp;core"
    assert back.nodes["attention"]["title"] == HOSTILE
    assert back.nodes["attention"]["summary"] == "Weights\nover inputs."


def test_gexf_loads_back_with_titles_as_labels() -> None:
    G = sample()
    back = nx.read_gexf(io.StringIO(export_graph(G, "gexf")))
    assert set(back.nodes) == set(G.nodes)
    assert triples(back) == triples(G)
    assert back.nodes["attention"]["label"] == HOSTILE
    assert back.nodes["softmax"]["aliases"] == "soft-max"


def test_xml_formats_never_carry_a_raw_script_tag() -> None:
    G = sample()
    for fmt in ("graphml", "gexf"):
        text = export_graph(G, fmt)
        assert "<script>" not in text
        assert "&lt;script&gt;" in text


_DOT_STRING = re.compile(r'"((?:[^"\\]|\\.)*)"')


def _dot_unquote(text: str) -> str:
    return re.sub(r"\\(.)", lambda m: "\n" if m.group(1) == "n" else m.group(1), text)


def test_dot_quotes_every_string() -> None:
    text = export_graph(sample(), "dot")
    node_line = next(line for line in text.splitlines() if line.startswith('  "attention" ['))
    strings = [_dot_unquote(s) for s in _DOT_STRING.findall(node_line)]
    assert strings == ["attention", HOSTILE, "Weights\nover inputs."]
    assert text.count("\n") == len(text.splitlines())


@pytest.mark.parametrize(
    ("kind", "style"),
    [
        ("broader", "style=solid, penwidth=1.6"),
        ("requires", "style=dashed"),
        ("mentions", "penwidth=0.6"),
    ],
)
def test_dot_styles_edges_by_kind(kind: str, style: str) -> None:
    lines = [
        line for line in export_graph(sample(), "dot").splitlines() if f'label="{kind}"' in line
    ]
    assert len(lines) == 1
    assert style in lines[0]


def test_dot_draws_a_related_pair_once_without_arrows() -> None:
    lines = [
        line for line in export_graph(sample(), "dot").splitlines() if 'label="related"' in line
    ]
    assert lines == [
        '  "attention" -> "softmax" [label="related", style=dotted, dir=none, color="#1565c0"];'
    ]


def test_unknown_format_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="unknown export format 'yaml'"):
        export_graph(sample(), "yaml")


def test_unknown_front_matter_fields_are_exported(tmp_path: Path, write_tree: TreeWriter) -> None:
    write_tree(
        tmp_path,
        {
            "entities/a.md": "---\nsummary: A.\ndifficulty: 3\nreviewed: 2024-01-02\n"
            "sources: [x, y]\nrelated: [b]\n---\nBody.\n",
            "entities/b.md": "---\nsummary: B.\n---\nBody.\n",
        },
    )
    G = load_concept_graph(tmp_path / "entities").graph
    node = {n["id"]: n for n in json.loads(export_graph(G, "json"))["nodes"]}["a"]
    assert node["extra"] == {"difficulty": 3, "reviewed": "2024-01-02", "sources": ["x", "y"]}
    back = nx.read_graphml(io.StringIO(export_graph(G, "graphml")))
    assert json.loads(back.nodes["a"]["extra"])["sources"] == ["x", "y"]
    assert "extra" not in back.nodes["b"]
