"""Pictures of the concept graph: deterministic, standalone SVG whose nodes are links.

``neighbourhood_svg`` draws one concept and its neighbours; ``whole_graph_svg``
draws every concept. Both sort everything by key and print numbers with fixed
precision, so the same graph gives byte-identical text. Nodes are ``<a>``
elements (``href`` and ``xlink:href``) carrying ``data-key``/``data-tags``;
edges carry ``data-e``, the indices of their two nodes in document order, for
``assets/graph.js``. Relation kinds are styled with presentation attributes,
so a picture reads without a stylesheet, and with ``gg-k-<kind>`` classes that
``assets/graph.css`` recolours for the light and dark schemes.

Each function returns one self-contained HTML fragment: the neighbourhood's
SVG inside its scroll box (``div.gg-scroll``), the whole graph's SVG after its
legend (``div.gg-frame``). The text has no blank lines and is well-formed XML,
so it can go into Markdown as one raw HTML block or into a page after
conversion, unchanged.
"""

from generator.render.graphsvg.neighbourhood import neighbourhood_svg
from generator.render.graphsvg.scene import KIND_STYLES, Href, KindStyle
from generator.render.graphsvg.whole import whole_graph_svg

__all__ = ["KIND_STYLES", "Href", "KindStyle", "neighbourhood_svg", "whole_graph_svg"]
