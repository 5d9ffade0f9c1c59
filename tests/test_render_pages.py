"""Concept, home, A–Z, tag and graph pages from a tiny hand-built graph; golden page; escaping."""

from __future__ import annotations

import doctest
import html
import os
import re
from collections.abc import Callable
from pathlib import Path

import markdown  # type: ignore[import-untyped]
import nbformat.v4 as nbf
import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

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
from generator.render.panels import PANEL_CLASS
from generator.render.siteconfig import MARKDOWN_EXTENSIONS
from generator.render.tree import Neighbours, listing, tag_path

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
        concept("dot-product", "Dot product", related=["xss"]),
        concept(
            "perceptron",
            "Perceptron",
            "A single [[artificial-neuron]] with a threshold.",
            parent="neural-network",
            requires=["machine-learning", "artificial-neuron"],
            related=["artificial-neuron", "deep-learning"],
        ),
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
    """Return the tree as export-docs writes it: fragments inlined."""
    options = RenderOptions("Test glossary", directory_urls, picture, lambda g, href: "<svg/>")
    return render_site(glossary(), {DemoId("forward-pass"): DEMO}, options).tree.inlined()


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
    root = '<li><a href="concepts/machine-learning.html">Machine learning</a>'
    child = '<li><a href="concepts/neural-network.html">Neural network</a>'
    assert root in home
    # the child in a list inside the root's item
    inner = home[home.index(root) :].split("</li>\n</ul></li>", 1)[0]
    assert "\n<ul>\n" in inner and child in inner


def test_a_to_z_lists_aliases_under_their_letter() -> None:
    az = str(render().files[SiteUrl("a-z.md")])
    see = '<li>ANN: see <a href="concepts/neural-network.html">Neural network</a></li>'
    assert az.index("## A\n") < az.index(see) < az.index("## D\n")


@pytest.mark.parametrize(
    "path",
    [
        "concepts/xss.md",
        "concepts/dot-product.md",
        "a-z.md",
        "index.md",
        "tags/index.md",
        str(tag_path(XSS)),
    ],
)
def test_front_matter_text_is_escaped(path: str) -> None:
    page = render().files[SiteUrl(path)]
    html = markdown.markdown(str(page), extensions=_extensions())
    assert "<script" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html or "&#60;script&#62;" in html


def _extensions() -> list[str]:
    return [e if isinstance(e, str) else next(iter(e)) for e in MARKDOWN_EXTENSIONS]


def keys(*names: str) -> tuple[EntityKey, ...]:
    return tuple(EntityKey(name) for name in names)


# (case, Neighbours(ancestors, children, related, backlinks, learning path, direct prerequisites),
#  what the page lists: (path, direct, children, related, backlinks))
LISTING_CASES = [
    (
        "each relation alone",
        Neighbours(keys("root"), keys("kid"), keys("peer"), keys("fan"), keys("pre"), keys("pre")),
        (keys("pre"), keys("pre"), keys("kid"), keys("peer"), keys("fan")),
    ),
    (
        "an ancestor stays in the path, unexpanded, and is listed nowhere else",
        Neighbours(keys("root"), (), keys("root"), keys("root"), keys("root", "b"), keys("root")),
        (keys("root", "b"), (), (), (), ()),
    ),
    (
        "a prerequisite, direct or not, is not listed again",
        Neighbours((), keys("a"), keys("a", "b"), keys("b", "c"), keys("a", "b"), keys("b")),
        (keys("a", "b"), keys("b"), (), (), keys("c")),
    ),
    (
        "a child that is also related or a backlink is listed as a child",
        Neighbours((), keys("k"), keys("k", "r"), keys("k", "r", "f"), (), ()),
        ((), (), keys("k"), keys("r"), keys("f")),
    ),
    (
        "direct prerequisites are expanded in study order, not title order",
        Neighbours((), (), (), (), keys("z", "m", "a"), keys("a", "z")),
        (keys("z", "m", "a"), keys("z", "a"), (), (), ()),
    ),
    ("nothing around", Neighbours((), (), (), (), (), ()), ((), (), (), (), ())),
]


@pytest.mark.parametrize(
    ("case", "near", "expected"), LISTING_CASES, ids=[c[0] for c in LISTING_CASES]
)
def test_listing_places_each_concept_under_its_strongest_relation(
    case: str, near: Neighbours, expected: tuple[tuple[EntityKey, ...], ...]
) -> None:
    found = listing(near)
    assert found.ancestors == near.ancestors
    assert (found.path, found.direct, found.children, found.related, found.backlinks) == expected


def test_tree_doctests_pass() -> None:
    import generator.render.tree

    assert doctest.testmod(generator.render.tree).failed == 0


def generated_links(page: str) -> list[str]:
    """Return the concept links of a page's breadcrumb and panel, in page order."""
    crumb = re.search(r'<p class="gg-breadcrumb"[^>]*>(.*?)</p>', page)
    start = page.find(f'<div class="{PANEL_CLASS}"')
    panel = page[start : page.index("</div>", start)] if start >= 0 else ""
    found = re.findall(r'href="([^"]*)"', crumb.group(1) if crumb else "")
    found += re.findall(r'href="([^"]*)"', panel)
    return [link for link in found if not link.startswith("../index")]


def test_each_concept_is_linked_once_by_the_generated_parts() -> None:
    files = render().files
    pages = {path: str(text) for path, text in files.items() if path.startswith("concepts/")}
    for path, page in pages.items():
        links = generated_links(page)
        assert len(links) == len(set(links)), (path, links)
        assert f"{path.split('/')[-1][:-3]}.html" not in links, "a page never lists itself"
    perceptron = generated_links(pages[SiteUrl("concepts/perceptron.md")])
    # parent and grandparent in the breadcrumb; artificial neuron in the path; deep learning related
    assert perceptron == [
        "machine-learning.html",
        "neural-network.html",
        "dot-product.html",
        "artificial-neuron.html",
        "deep-learning.html",
    ]


def test_learning_path_is_one_line_with_only_direct_prerequisites_expanded() -> None:
    page = str(render().files[SiteUrl("concepts/perceptron.md")])
    path = page[page.index('<ol class="gg-path">') : page.index("</ol>")]
    steps = re.findall(r"<li[^>]*>(.*?)</li>", path)
    assert steps == [
        '<a href="dot-product.html">Dot product</a>',
        '<a href="artificial-neuron.html">Artificial neuron</a>',
        "Machine learning",  # shown by the breadcrumb: kept in order, not linked again
        "Perceptron",
    ]
    assert '<li class="gg-path__direct"><a href="artificial-neuron.html">' in path
    assert "<dt>Artificial neuron</dt><dd>About artificial neuron.</dd>" in page
    assert "About dot product." not in page  # an indirect prerequisite is not expanded
    assert "About machine learning." not in page  # nor is a direct one the breadcrumb shows


def test_panel_is_out_of_the_toc_and_search() -> None:
    page = str(render().files[SiteUrl("concepts/neural-network.md")])
    converter = markdown.Markdown(extensions=_extensions())
    html = converter.convert(page)
    names = [token["name"] for token in _flatten(converter.toc_tokens)]
    assert names == ["Neural network", "A layer", "Demos", "forward-pass", "Neighbourhood"]
    assert f'<div class="{PANEL_CLASS}" data-search-exclude>' in html
    assert '<h2 class="gg-panel__label">Learning path</h2>' in html


def _flatten(tokens: list[dict[str, object]]) -> list[dict[str, object]]:
    out: list[dict[str, object]] = []
    for token in tokens:
        out.append(token)
        out += _flatten(token["children"])  # type: ignore[arg-type]
    return out


def test_panel_links_follow_url_style() -> None:
    plain = str(render(directory_urls=False).files[SiteUrl("concepts/perceptron.md")])
    nested = str(render(directory_urls=True).files[SiteUrl("concepts/perceptron.md")])
    assert '<a href="artificial-neuron.html">' in plain
    assert '<a href="../artificial-neuron/index.html">' in nested


def test_a_concept_with_no_neighbours_has_no_panel() -> None:
    lone = graph_of(concept("lone", "Lone"))
    page = str(render_site(lone, {}, RenderOptions()).tree.files[SiteUrl("concepts/lone.md")])
    assert PANEL_CLASS not in page


def _a_to_z_headings(*titles: str) -> list[tuple[str, list[str]]]:
    """Return the A–Z page's headings in order, each with the names listed under it."""
    graph = graph_of(*(concept(f"c{i}", title) for i, title in enumerate(titles)))
    options = RenderOptions("T", False, None, None)
    page = str(render_site(graph, {}, options).tree.inlined().files[SiteUrl("a-z.md")])
    found: list[tuple[str, list[str]]] = []
    for line in page.splitlines():
        if line.startswith("## "):
            found.append((html.unescape(line[3:]), []))
        elif line.startswith("<li>") and found:
            found[-1][1].append(html.unescape(re.sub(r"<[^>]+>", "", line)).split(" — ")[0])
    return found


def test_a_to_z_files_accents_with_their_letter_and_symbols_once() -> None:
    found = _a_to_z_headings(
        "Élan", "Encoder", "zeta", "(Adam)", "→ arrow", "Внимание", "Йогурт", "한국", "注意"
    )
    assert [letter for letter, _ in found] == ["#", "E", "Z", "В", "Й", "ᄒ", "注"]
    assert found[0][1] == ["(Adam)", "→ arrow"]  # symbols first, once, however they sort
    assert found[1][1] == ["Élan", "Encoder"]


@given(st.lists(st.text(min_size=1, max_size=6).filter(str.strip), min_size=1, max_size=8))
@settings(max_examples=40, deadline=None)
def test_a_to_z_lists_every_letter_once(titles: list[str]) -> None:
    letters = [letter for letter, _ in _a_to_z_headings(*dict.fromkeys(titles))]
    assert len(letters) == len(set(letters))
