"""Answers to ``glossgraph query``: aligned text for people, JSON with stable keys for scripts."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from dataclasses import asdict
from typing import Any

import networkx as nx

from generator import queries
from generator.linker import resolve_name
from generator.model import ConceptGraph


def resolve(graph: ConceptGraph, name: str) -> str:
    """Return the key ``name`` stands for: a key, or a title or alias in any case."""
    if name in graph.graph:
        return name
    return resolve_name(graph, name) or name


def answer_show(graph: ConceptGraph, args: argparse.Namespace) -> int:
    """Print everything known about one concept."""
    info = queries.show(graph.graph, resolve(graph, args.key))
    if args.json:
        return _print_json(asdict(info))
    print(f"{info.title} ({info.key})")
    if info.summary:
        print(info.summary)
    print()
    rows = [
        ("source", info.source),
        ("aliases", ", ".join(info.aliases)),
        ("tags", ", ".join(info.tags)),
        ("parent", info.parent or ""),
        ("children", ", ".join(info.children)),
        ("related", ", ".join(info.related)),
        ("requires", ", ".join(info.requires)),
        ("required by", ", ".join(info.required_by)),
        ("demos", ", ".join(info.demos)),
        ("backlinks", ", ".join(f"{b.source} ({b.kind})" for b in info.backlinks)),
    ]
    _print_table([(f"  {label}", value or "-") for label, value in rows])
    return 0


def answer_path(graph: ConceptGraph, args: argparse.Namespace) -> int:
    """Print the hops of a shortest path, each arrow labelled with its relation."""
    source, target = resolve(graph, args.a), resolve(graph, args.b)
    try:
        hops = queries.path(graph.graph, source, target, args.kind)
    except nx.NetworkXNoPath:
        if args.json:
            _print_json({"source": source, "target": target, "hops": None})
        print(f"glossgraph: no path between '{source}' and '{target}'", file=sys.stderr)
        return 1
    if args.json:
        return _print_json({"source": source, "target": target, "hops": _dicts(hops)})
    _print_table([(hop.source, _arrow(hop), hop.target) for hop in hops])
    print(f"{_count(len(hops), 'hop')} from {source} to {target}")
    return 0


def answer_learn(graph: ConceptGraph, args: argparse.Namespace) -> int:
    """Print a concept's prerequisites in study order, the concept last."""
    key = resolve(graph, args.key)
    order = queries.learn(graph.graph, key)
    if args.json:
        return _print_json({"key": key, "order": order})
    width = len(str(len(order)))
    _print_table([(f"{n:>{width}}.", k, _title(graph, k)) for n, k in enumerate(order, 1)])
    return 0


def answer_ancestors(graph: ConceptGraph, args: argparse.Namespace) -> int:
    """Print the broader concepts above one, nearest first."""
    key = resolve(graph, args.key)
    chain = queries.ancestors(graph.graph, key)
    if args.json:
        return _print_json({"key": key, "ancestors": chain})
    _print_table([(k, _title(graph, k)) for k in chain], f"{key} is at the top level")
    return 0


def answer_descendants(graph: ConceptGraph, args: argparse.Namespace) -> int:
    """Print the subtree below a concept, indented by depth."""
    key = resolve(graph, args.key)
    found = queries.descendants(graph.graph, key)
    if args.json:
        return _print_json({"key": key, "descendants": _dicts(found)})
    rows = [("  " * (d.depth - 1) + d.key, _title(graph, d.key)) for d in found]
    _print_table(rows, f"{key} has no narrower concepts")
    return 0


def answer_neighbors(graph: ConceptGraph, args: argparse.Namespace) -> int:
    """Print the concepts within ``--depth`` hops and the hop that reached each."""
    key = resolve(graph, args.key)
    found = queries.neighbors(graph.graph, key, args.depth, args.kind)
    if args.json:
        return _print_json({"key": key, "depth": args.depth, "neighbors": _dicts(found)})
    rows = [(str(n.distance), n.key, f"({_hop_text(n.hop)})") for n in found]
    _print_table(rows, f"{key} has no neighbours within {_count(args.depth, 'hop')}")
    return 0


def answer_backlinks(graph: ConceptGraph, args: argparse.Namespace) -> int:
    """Print the concepts that link to, relate to or require one."""
    key = resolve(graph, args.key)
    found = queries.backlinks(graph.graph, key)
    if args.json:
        return _print_json({"key": key, "backlinks": _dicts(found)})
    _print_table([(b.source, b.kind) for b in found], f"nothing links to {key}")
    return 0


def answer_orphans(graph: ConceptGraph, args: argparse.Namespace) -> int:
    """Print the concepts with no relation at all."""
    found = queries.orphans(graph.graph)
    if args.json:
        return _print_json({"orphans": found})
    _print_table([(k, _title(graph, k)) for k in found], "every concept has a relation")
    return 0


def answer_stats(graph: ConceptGraph, args: argparse.Namespace) -> int:
    """Print counts for the whole graph."""
    result = queries.stats(graph.graph)
    if args.json:
        return _print_json(asdict(result))
    rows = [
        ("concepts", str(result.concepts)),
        *((f"{kind} edges", str(count)) for kind, count in result.edges.items()),
        ("tags", str(result.tags)),
        ("components", str(result.components)),
        ("max depth", str(result.max_depth)),
        ("orphans", str(result.orphans)),
        ("top hubs", ", ".join(f"{hub.key} ({hub.degree})" for hub in result.top_hubs) or "-"),
    ]
    _print_table(rows)
    return 0


def _arrow(hop: queries.Hop) -> str:
    if hop.direction is queries.Direction.FORWARD:
        return f"--{hop.kind}-->"
    return f"<--{hop.kind}--"


def _hop_text(hop: queries.Hop) -> str:
    return f"{hop.source} {_arrow(hop)} {hop.target}"


def _title(graph: ConceptGraph, key: str) -> str:
    return str(graph.graph.nodes[key].get("title", key))


def _count(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def _dicts(records: Sequence[Any]) -> list[dict[str, Any]]:
    return [asdict(record) for record in records]


def _print_json(data: object) -> int:
    print(json.dumps(data, indent=2, ensure_ascii=False))
    return 0


def _print_table(rows: Sequence[Sequence[str]], empty: str = "") -> None:
    """Print rows with every column but the last padded to its widest cell, or ``empty``."""
    if not rows:
        if empty:
            print(empty)
        return
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    for row in rows:
        cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)]
        print("  ".join([*cells, row[-1]]).rstrip())
