"""Time the whole-graph picture at 1,000 and 10,000 concepts, and neighbourhood pictures.

Usage: ``python bench/graph_layout.py [--sizes 1000 10000] [--repeats 3]``

The graph is built in memory: a random parent tree (each concept's parent
drawn among the earlier ones, so a few levels deep with bushy tops) and half
as many random ``requires``/``related``/``mentions`` links, from a fixed seed.
Prints the median seconds and the size of the SVG; the 10k/1k time ratio
should stay near 10, since the layout is linear in the number of concepts
(the label levels add a factor of about the logarithm of the zoom range, as a
larger picture needs deeper zoom before its last labels fit). The whole-graph
time includes those levels; the per-page time is a neighbourhood of three hops.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path

import networkx as nx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from generator.model import EntityKey
from generator.render.graphsvg import neighbourhood_svg, whole_graph_svg

SEED = 1


def random_graph(n: int, seed: int = SEED) -> nx.MultiDiGraph:
    """Return ``n`` concepts on a random parent tree with ``n // 2`` cross links."""
    rng = random.Random(seed)
    keys = [EntityKey(f"concept-{i:05d}") for i in range(n)]
    G = nx.MultiDiGraph()
    for i, key in enumerate(keys):
        G.add_node(key, title=f"Concept number {i}", tags=[f"tag-{i % 12}"])
    for i in range(1, n):
        G.add_edge(keys[i], keys[rng.randrange(i)], key="broader", kind="broader")
    for _ in range(n // 2):
        a, b = rng.sample(keys, 2)
        kind = rng.choice(["requires", "related", "mentions"])
        G.add_edge(a, b, key=kind, kind=kind)
        if kind == "related":
            G.add_edge(b, a, key=kind, kind=kind)
    return G


def href(key: EntityKey) -> str:
    return f"../concepts/{key}/"


def _pages(G: nx.MultiDiGraph, keys: Sequence[EntityKey]) -> list[str]:
    return [neighbourhood_svg(G, k, href) for k in keys]


def median_seconds(work: Callable[[], object], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10_000])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)
    print(f"{'concepts':>9} {'whole s':>9} {'whole MB':>9} {'per-page ms':>12}")
    seconds: dict[int, float] = {}
    for n in args.sizes:
        G = random_graph(n)
        svg = whole_graph_svg(G, href)
        sample = sorted(G)[:: max(1, n // 200)]
        seconds[n] = median_seconds(partial(whole_graph_svg, G, href), args.repeats)
        pages = median_seconds(partial(_pages, G, sample), args.repeats)
        per_page_ms = pages / len(sample) * 1000
        print(f"{n:>9} {seconds[n]:>9.3f} {len(svg.encode()) / 1e6:>9.2f} {per_page_ms:>12.2f}")
    if len(seconds) >= 2:
        small, large = min(seconds), max(seconds)
        print(f"time ratio {large}/{small}: {seconds[large] / seconds[small]:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
