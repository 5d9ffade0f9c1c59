"""The whole graph's HTML legend: what each node colour stands for, and a switch per relation kind.

It sits outside the picture, so it keeps its size and place while the picture
zooms and pans. The switches start as ``hidden`` says (``assets/graph.js``
makes them work); the line samples use the same ``gg-k-<kind>`` classes as the
edges, so both schemes colour them alike.
"""

from __future__ import annotations

from collections.abc import Sequence

import networkx as nx

from generator.model import EntityKey, Relation
from generator.render.graphsvg.scene import KIND_STYLES, NODE_FILLS, esc, num, title_of

_NAMES_PER_COLOUR = 3

_KIND_NOTES = {
    Relation.BROADER: "child to parent",
    Relation.REQUIRES: "to a prerequisite",
    Relation.RELATED: "related concepts",
    Relation.MENTIONS: "a page links to another",
}


def _render_kind(kind: Relation, on: bool) -> str:
    style = KIND_STYLES[kind]
    dash = " ".join(num(d * 1.5) for d in style.dash)
    dashes = f' stroke-dasharray="{dash}"' if dash else ""
    checked = ' checked="checked"' if on else ""
    return (
        f'<label class="gg-kind" title="{_KIND_NOTES[kind]}">'
        f'<input type="checkbox" class="gg-kind-toggle" data-kind="{kind}"{checked}/>'
        f'<svg class="gg-swatch" viewBox="0 0 28 8" aria-hidden="true">'
        f'<path class="gg-k-{kind}" d="M1 4H27" stroke="{style.colour}" stroke-width="2"'
        f"{dashes}/></svg>"
        f"<span>{kind}</span></label>"
    )


def _render_colour(G: nx.MultiDiGraph, tone: int, heads: Sequence[EntityKey]) -> str:
    names = [esc(title_of(G, k)) for k in heads[:_NAMES_PER_COLOUR]]
    more = len(heads) - len(names)
    text = ", ".join(names) + (f" and {more} more" if more else "")
    return (
        f'<li class="gg-colour"><svg class="gg-dot" viewBox="0 0 10 10" aria-hidden="true">'
        f'<circle class="gg-c{tone}" cx="5" cy="5" r="4.5" fill="{NODE_FILLS[tone]}"/></svg>'
        f"<span>{text}</span></li>"
    )


def whole_legend(
    G: nx.MultiDiGraph, sectors: Sequence[EntityKey], hidden: frozenset[Relation]
) -> str:
    """Return the legend: kind switches, then each colour with the concepts heading it."""
    kinds = "".join(_render_kind(kind, kind not in hidden) for kind in KIND_STYLES)
    tones: dict[int, list[EntityKey]] = {}
    for i, head in enumerate(sectors):
        tones.setdefault(i % len(NODE_FILLS), []).append(head)
    colours = "".join(_render_colour(G, tone, heads) for tone, heads in sorted(tones.items()))
    return (
        '<div class="gg-legend-box">'
        f'<fieldset class="gg-kinds"><legend>Links shown</legend>{kinds}</fieldset>'
        f'<div class="gg-colours"><span class="gg-legend-title">Colours: the concept each '
        f"part of the tree grows from</span><ul>{colours}</ul></div>"
        "</div>"
    )
