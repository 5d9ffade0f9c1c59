"""The concept graph as a file other tools read: JSON, GraphML, GEXF or DOT.

JSON is networkx node-link data (nodes keyed ``id``, edges under ``links``
with ``source``, ``target``, ``key``), lists kept as lists, and strict: keys
are text and a NaN or infinity is null. GraphML and GEXF have no list type,
so list attributes (tags, aliases, demos) become one string joined by ``;``,
a missing value is left out, and characters XML forbids are dropped. DOT is written here,
not by pydot or pygraphviz, with every string quoted and escaped. Output is
stable: nodes by key, edges by (source, target, kind), and no format carries
a date (networkx's GEXF writer stamps one; it is left out), so the same
glossary exports to the same bytes on any day.
"""

from __future__ import annotations

import io
import json
import math
from collections.abc import Iterator, Mapping
from typing import Any

import networkx as nx

from generator.errors import UsageError
from generator.xmlchars import xml_text

FORMATS: tuple[str, ...] = ("json", "graphml", "gexf", "dot")

LIST_SEPARATOR = ";"

_DOT_EDGE_STYLE = {
    "broader": 'style=solid, penwidth=1.6, color="#37474f"',
    "requires": 'style=dashed, color="#c62828"',
    "related": 'style=dotted, dir=none, color="#1565c0"',
    "mentions": 'style=solid, penwidth=0.6, color="#9e9e9e"',
}


def export_graph(G: nx.MultiDiGraph, fmt: str) -> str:
    """Return the graph written in ``fmt`` (one of ``FORMATS``).

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> G.add_node("attention", title="Attention", tags=["nlp", "core"])
    >>> G.add_node("softmax", title="Softmax")
    >>> _ = G.add_edge("attention", "softmax", key="requires", kind="requires")
    >>> print(export_graph(G, "dot").splitlines()[-2])
      "attention" -> "softmax" [label="requires", style=dashed, color="#c62828"];
    """
    if fmt == "json":
        return _to_json(G)
    if fmt == "graphml":
        return _to_xml(G, nx.write_graphml, label=False)
    if fmt == "gexf":
        return _to_xml(G, _write_gexf, label=True)
    if fmt == "dot":
        return _to_dot(G)
    raise UsageError(f"unknown export format {fmt!r}: expected one of {', '.join(FORMATS)}")


def _sorted_nodes(G: nx.MultiDiGraph) -> list[tuple[Any, dict[str, Any]]]:
    return sorted(G.nodes(data=True), key=lambda item: str(item[0]))


def _sorted_edges(G: nx.MultiDiGraph) -> list[tuple[Any, Any, Any, dict[str, Any]]]:
    return sorted(
        G.edges(keys=True, data=True), key=lambda edge: (str(edge[0]), str(edge[1]), str(edge[2]))
    )


def _to_json(G: nx.MultiDiGraph) -> str:
    data = nx.node_link_data(
        _sorted_copy(G), edges="links", source="source", target="target", name="id", key="key"
    )
    return json.dumps(_json_value(data), indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def _sorted_copy(G: nx.MultiDiGraph) -> nx.MultiDiGraph:
    copy = nx.MultiDiGraph(**G.graph)
    copy.add_nodes_from(_sorted_nodes(G))
    copy.add_edges_from(_sorted_edges(G))
    return copy


def _json_value(value: object) -> object:
    """Return ``value`` as strict JSON data: text keys, no NaN or infinity, lists for sets.

    YAML allows what JSON does not: ``{1: a, b: c}`` (keys of mixed types, which
    ``sort_keys`` cannot order), ``.nan`` and ``.inf``, dates. Keys become
    text, a float that is not finite becomes null, anything else its text.
    """
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, Mapping):
        return {_json_key(key): _json_value(item) for key, item in value.items()}
    if isinstance(value, (set, frozenset)):
        return [_json_value(item) for item in sorted(value, key=str)]
    if isinstance(value, (list, tuple)):
        return [_json_value(item) for item in value]
    return str(value)


def _json_key(key: object) -> str:
    return "null" if key is None else json.dumps(key) if isinstance(key, bool) else str(key)


def _to_xml(G: nx.MultiDiGraph, write: Any, *, label: bool) -> str:
    flat = nx.MultiDiGraph()
    for node, attrs in _sorted_nodes(G):
        values = _flat_attributes(attrs)
        if label:
            # Gephi shows ``label``; networkx would otherwise use the key.
            values["label"] = xml_text(str(attrs.get("title", node)))
        flat.add_node(node, **values)
    for u, v, key, attrs in _sorted_edges(G):
        flat.add_edge(u, v, key=key, **_flat_attributes(attrs))
    buffer = io.BytesIO()
    write(flat, buffer)
    return buffer.getvalue().decode("utf-8")


def _write_gexf(G: nx.MultiDiGraph, buffer: io.BytesIO) -> None:
    """Write GEXF without networkx's ``lastmodifieddate``, so equal graphs give equal bytes."""
    from networkx.readwrite.gexf import GEXFWriter

    writer = GEXFWriter(encoding="utf-8", prettyprint=True)
    meta = writer.xml.find("meta")
    if meta is not None:
        meta.attrib.pop("lastmodifieddate", None)
    writer.add_graph(G)
    writer.write(buffer)


def _flat_attributes(attrs: Mapping[str, Any]) -> dict[str, Any]:
    return {name: _flat(value) for name, value in attrs.items() if value is not None}


def _flat(value: object) -> str | int | float | bool:
    """Return one XML attribute value; text keeps only characters XML allows."""
    if isinstance(value, (bool, int, float)):
        return value
    if isinstance(value, (list, tuple, set, frozenset)):
        items = sorted(value, key=str) if isinstance(value, (set, frozenset)) else value
        return xml_text(LIST_SEPARATOR.join(str(item) for item in items))
    if isinstance(value, Mapping):
        data = _json_value(value)
        return xml_text(json.dumps(data, ensure_ascii=False, sort_keys=True, allow_nan=False))
    return xml_text(str(value))


def _to_dot(G: nx.MultiDiGraph) -> str:
    return "\n".join(_dot_lines(G)) + "\n"


def _dot_lines(G: nx.MultiDiGraph) -> Iterator[str]:
    yield "digraph glossgraph {"
    yield "  graph [rankdir=BT];"
    yield '  node [shape=box, style=rounded, fontname="sans-serif"];'
    for node, attrs in _sorted_nodes(G):
        label = _dot_quote(str(attrs.get("title", node)))
        tooltip = _dot_quote(str(attrs.get("summary", "")))
        yield f"  {_dot_quote(str(node))} [label={label}, tooltip={tooltip}];"
    for u, v, key, attrs in _sorted_edges(G):
        kind = str(attrs.get("kind", key))
        if kind == "related" and str(u) > str(v) and G.has_edge(v, u, key=key):
            continue  # a related pair is drawn once, without arrows
        style = _DOT_EDGE_STYLE.get(kind, "style=solid")
        yield f"  {_dot_quote(str(u))} -> {_dot_quote(str(v))} [label={_dot_quote(kind)}, {style}];"
    yield "}"


def _dot_quote(text: str) -> str:
    """Return ``text`` as a DOT double-quoted string that shows it literally."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    escaped = escaped.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\\n")
    return f'"{escaped}"'
