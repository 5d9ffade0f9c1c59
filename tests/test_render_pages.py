"""Concept, home, A–Z, tag and graph pages from a tiny hand-built graph; golden page; escaping."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import markdown  # type: ignore[import-untyped]
import nbformat.v4 as nbf
import networkx as nx
import pytest

from generator.demos.downloads import RepoLinks
from generator.demos.model import DemoResult, DemoStatus, Obtained, RunRecord
from generator.demos.render import DemoPage, RenderedDemo, render_demo
from generator.linker import link_entities
from generator.links import parse_links
from generator.model import (
    ConceptGraph,
    DemoId,
    Entity,
    EntityKey,
    Ref,
    SiteUrl,
    SourcePath,
)
from generator.render.docstree import DocsTree
from generator.render.pages import RenderOptions, render_site
from generator.render.siteconfig import MARKDOWN_EXTENSIONS
from generator.render.tree import tag_path

GOLDEN = Path(__file__).parent / "golden" / "concept-neural-network.md"
UPDATE = os.environ.get("GLOSSGRAPH_UPDATE_GOLDEN") == "1"
XSS = "<script>alert(1)</script>"


def concept(key: str, title: str, body: str = "", **fields: object) -> Entity:
    refs = {
        name: tuple(Ref(str(v), 1, 1) for v in fields.pop(name, ()))  # type: ignore[attr-defined]
        for name in ("related", "requires", "demos")
    }
    parent = fields.pop("parent", None)
    given = "summary" in fields
    return Entity(
        key=EntityKey(key),
        title=title,
        summary=str(fields.pop("summary", f"About {title.lower()}.")),
        source=SourcePath(f"entities/{key}.md"),
        body=body,
        body_line=5,
        aliases=tuple(fields.pop("aliases", ())),  # type: ignore[arg-type]
        parent=Ref(str(parent), 1, 1) if parent else None,
        tags=tuple(fields.pop("tags", ())),  # type: ignore[arg-type]
        links=parse_links(body, 5),
        summary_given=given,
        **refs,  # type: ignore[arg-type]
    )


def graph_of(*entities: Entity) -> ConceptGraph:
    return link_entities(entities, {}, None)


def glossary() -> ConceptGraph:
    return graph_of(
        concept("machine-learning", "Machine learning", tags=["foundations"]),
        concept(
            "neural-network",
            "Neural network",
            "Built from [[artificial-neuron|neurons]] and $W x$; see [[Perceptron]].\n\n"
            "## A layer\n\n`[[not-a-link]]` stays.\n",
            summary="A model built from layers of *simple* units.",
            aliases=["ANN", "neural net"],
            parent="machine-learning",
            related=["deep-learning"],
            requires=["artificial-neuron"],
            tags=["architecture", "foundations"],
            demos=["forward-pass"],
        ),
        concept("deep-learning", "Deep learning", "Stacks of [[neural-network]] layers."),
        concept("artificial-neuron", "Artificial neuron", requires=["dot-product"]),
        concept("dot-product", "Dot product"),
        concept("perceptron", "Perceptron", parent="neural-network"),
        concept("xss", XSS, summary=XSS, aliases=[XSS], tags=[XSS]),
    )


def _demo() -> RenderedDemo:
    """Return a rendered demo as a page shows it: code, labelled output, links, run record."""
    cells = [nbf.new_code_cell("import math"), nbf.new_code_cell("print(1)")]  # type: ignore[no-untyped-call]
    for cell, (start, end) in zip(cells, [("00.0", "02.0"), ("02.1", "02.4")], strict=True):
        cell.metadata["execution"] = {
            "iopub.execute_input": f"2026-11-23T02:00:{start}Z",
            "shell.execute_reply": f"2026-11-23T02:00:{end}Z",
        }
    cells[1].outputs = [nbf.new_output("stream", name="stdout", text="1\n")]  # type: ignore[no-untyped-call]
    notebook = nbf.new_notebook(cells=cells)  # type: ignore[no-untyped-call]
    record = RunRecord(
        "NVIDIA H100 80GB HBM3",
        "2.11.0+cu130",
        9.5,
        None,
        "2026-11-23T02:43:03+00:00",
        Obtained.FROZEN,
    )
    result = DemoResult(DemoId("forward-pass"), DemoStatus.OK, record, notebook)
    repo = RepoLinks("ada", "gloss", "main", "demos")
    return render_demo(result, "concepts", DemoPage(b"# %%\nprint(1)\n", repo, "2.13.0+cpu"))


DEMO = _demo()


def picture(g: nx.MultiDiGraph, key: EntityKey, href: Callable[[EntityKey], str]) -> str:
    return f'<svg data-key="{key}"><a href="{href(EntityKey("dot-product"))}"/>\n\n</svg>'


def render(directory_urls: bool = False) -> DocsTree:
    options = RenderOptions("Test glossary", directory_urls, picture, lambda g, href: "<svg/>")
    return render_site(glossary(), {DemoId("forward-pass"): DEMO}, options).tree


def test_concept_page_matches_golden() -> None:
    page = render().files[SiteUrl("concepts/neural-network.md")]
    assert isinstance(page, str)
    if UPDATE:
        GOLDEN.write_text(page, "utf-8")
    assert page == GOLDEN.read_text("utf-8"), "set GLOSSGRAPH_UPDATE_GOLDEN=1 to accept"


def test_tree_has_every_contract_path() -> None:
    files = render().files
    expected = {
        "index.md",
        "a-z.md",
        "graph.md",
        "tags/index.md",
        "tags/foundations.md",
        "concepts/perceptron.md",
        "demos/forward-pass/forward-pass.py",
        "demos/forward-pass/forward-pass.ipynb",
        "assets/glossgraph/glossgraph.css",
    }
    assert expected <= set(files)


def test_picture_links_follow_url_style() -> None:
    plain = render(directory_urls=False).files[SiteUrl("concepts/perceptron.md")]
    nested = render(directory_urls=True).files[SiteUrl("concepts/perceptron.md")]
    assert 'href="dot-product.html"' in str(plain)
    assert 'href="../dot-product/index.html"' in str(nested)


def test_home_lists_top_level_tree_and_counts() -> None:
    home = str(render().files[SiteUrl("index.md")])
    assert "A glossary of 7 concepts" in home
    assert "- [Machine learning](concepts/machine-learning.md)" in home
    assert "    - [Neural network](concepts/neural-network.md)" in home


def test_a_to_z_lists_aliases_under_their_letter() -> None:
    az = str(render().files[SiteUrl("a-z.md")])
    assert "## A\n\n- ANN: see [Neural network](concepts/neural-network.md)" in az


@pytest.mark.parametrize(
    "path", ["concepts/xss.md", "a-z.md", "index.md", "tags/index.md", str(tag_path(XSS))]
)
def test_front_matter_text_is_escaped(path: str) -> None:
    page = render().files[SiteUrl(path)]
    html = markdown.markdown(str(page), extensions=_extensions())
    assert "<script" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html or "&#60;script&#62;" in html


def _extensions() -> list[str]:
    return [e if isinstance(e, str) else next(iter(e)) for e in MARKDOWN_EXTENSIONS]
