"""The hover previews' shared data script and which of our scripts load on every page."""

from __future__ import annotations

import json
from pathlib import Path

from trees import TreeWriter

from generator.linker import load_concept_graph
from generator.render.previews import GLOBAL_NAME, PREVIEWS_DATA, previews_script
from generator.render.siteconfig import asset_urls

PREFIX = f"window.{GLOBAL_NAME} = "


def read_data(script: str) -> object:
    assert script.startswith(PREFIX) and script.endswith(";\n")
    return json.loads(script[len(PREFIX) : -2])


def test_script_holds_every_title_and_summary(tmp_path: Path, write_tree: TreeWriter) -> None:
    root = write_tree(
        tmp_path,
        {
            "entities/a.md": "---\ntitle: Alpha\nsummary: First.\n---\nSee [[b]].\n",
            "entities/b.md": '---\ntitle: "</script><b>"\n---\nBody paragraph — ünïcode.\n',
        },
    )
    graph = load_concept_graph(root / "entities", None)
    script = previews_script(graph)
    assert read_data(script) == {
        "a": {"title": "Alpha", "summary": "First."},
        "b": {"title": "</script><b>", "summary": "Body paragraph — ünïcode."},
    }
    assert script.isascii(), "readable whatever charset the page declares"


def test_only_top_level_assets_load_on_every_page() -> None:
    css, js = asset_urls(
        [
            "assets/glossgraph/graph.css",
            "assets/glossgraph/glossgraph.css",
            "assets/glossgraph/previews.js",
            PREVIEWS_DATA,
            "images/x.js",
        ]
    )
    assert css == ["assets/glossgraph/glossgraph.css", "assets/glossgraph/graph.css"]
    assert js == ["assets/glossgraph/previews.js"]
