"""The hover previews' data: every concept's title and summary in one script all pages share.

It is a script assigning a global rather than a JSON file because a site opened
from ``file://`` may load scripts but not ``fetch()`` local files. It lives in
a sub-folder of the assets so it is not loaded on every page: ``previews.js``
loads it on the first hover.
"""

from __future__ import annotations

import json

from generator.model import ConceptGraph, SiteUrl

PREVIEWS_DATA = SiteUrl("assets/glossgraph/data/previews.js")
GLOBAL_NAME = "glossgraphPreviews"


def previews_script(graph: ConceptGraph) -> str:
    """Return the script that sets ``window.glossgraphPreviews`` to key → {title, summary}."""
    data = {
        key: {"title": entity.title, "summary": entity.summary}
        for key, entity in sorted(graph.entities.items())
    }
    # ASCII-only JSON is a valid JavaScript literal in any charset the page is read in.
    text = json.dumps(data, ensure_ascii=True, separators=(",", ":"))
    return f"window.{GLOBAL_NAME} = {text};\n"
