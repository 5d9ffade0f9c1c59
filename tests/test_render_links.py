"""Link rewriting in concept bodies: wikilinks, headings, embeds, Markdown links, code."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.linker import link_entities
from generator.links import parse_links
from generator.model import ConceptGraph, Entity, EntityKey, SiteUrl, SourcePath
from generator.render.markdown import rewrite_body
from generator.render.text import page_href, page_url, relative_url

PAGE = SiteUrl("concepts/here.md")


def entity(key: str, body: str = "", title: str = "", aliases: tuple[str, ...] = ()) -> Entity:
    return Entity(
        key=EntityKey(key),
        title=title or key.replace("-", " ").capitalize(),
        summary="",
        source=SourcePath(f"entities/{key}.md"),
        body=body,
        body_line=1,
        aliases=aliases,
        links=parse_links(body, 1),
    )


def graph_of(*entities: Entity) -> ConceptGraph:
    images = {"plot.png": SourcePath("entities/img/plot.png")}
    return link_entities(entities, images, None)


OTHERS = (
    entity("attention", "# Attention\n\n## Scaled dot-product\n\n## Scaled dot-product\n"),
    entity("gradient-descent", title="Gradient descent", aliases=("GD",)),
    entity(
        "softmax",
        "Scores to weights.\n\n## Formula\n\nDivide, see [[attention]].\n# Formula\n\n## Later\n",
    ),
    entity(
        "blocks",
        "Intro.\n\nThe key claim\nholds ^claim\n\n- item a ^item\n- item b\n\n"
        "| t |\n|---|\n\n^table\n",
    ),
)

CASES = [
    ("[[attention]]", "[Attention](attention.md)"),
    ("[[gradient-descent]]", "[Gradient descent](gradient-descent.md)"),
    ("[[ATTENTION]]", "[ATTENTION](attention.md)"),
    ("[[Attention|the mechanism]]", "[the mechanism](attention.md)"),
    ("[[gd]]", "[gd](gradient-descent.md)"),
    ("[[Gradient Descent]]", "[Gradient Descent](gradient-descent.md)"),
    (
        "[[attention#Scaled dot-product]]",
        "[Attention › Scaled dot-product](attention.md#scaled-dot-product)",
    ),
    ("[[attention#Not There|x]]", "[x](attention.md)"),
    ("[[#Local heading]]", "[Local heading](here.md)"),
    ("# Local heading\n[[#Local heading]]", "# Local heading\n[Local heading](#local-heading)"),
    ("[text](attention.md#scaled-dot-product)", "[text](attention.md#scaled-dot-product)"),
    ("[text](notes/gradient-descent.md)", "[text](gradient-descent.md)"),
    (
        "[text](../outside.md)",
        '<span class="gg-dangling" title="&#39;../outside.md&#39; is outside the entities folder:'
        ' move the file into it or link to it by its URL">text</span>',
    ),
    # Alt text is the author's caption, alt or title, never the file name.
    ("![[plot.png|300]]", '![](../images/plot.png){ width="300" }'),
    ("![[img/plot.png]]", "![](../images/plot.png)"),
    ("![[plot.png|Loss per epoch|300]]", '![Loss per epoch](../images/plot.png){ width="300" }'),
    ("![[plot.png|Loss per epoch]]", "![Loss per epoch](../images/plot.png)"),
    (
        '![It\'s "x" & <y>](img/plot.png "Fig. 1")',
        '![It&#39;s &#34;x&#34; &#38; &#60;y&#62;](../images/plot.png "Fig. 1")',
    ),
    ('![](img/plot.png "Fig. 1")', '![Fig. 1](../images/plot.png "Fig. 1")'),
    (
        "[[nowhere]]",
        '<span class="gg-dangling" title="link target &#39;nowhere&#39; is not a concept">'
        "nowhere</span>",
    ),
    (
        "[[nowhere|<b>x</b>]]",
        '<span class="gg-dangling" title="link target &#39;nowhere&#39; is not a concept">'
        "&#60;b&#62;x&#60;/b&#62;</span>",
    ),
    (
        "![[missing.png]]",
        '<span class="gg-dangling" title="embedded file &#39;missing.png&#39;'
        ' is not in the entities folder">missing.png</span>',
    ),
    ("`[[attention]]`", "`[[attention]]`"),
    (
        "![[softmax#Formula]]",
        '!!! quote gg-embed "[Softmax › Formula](softmax.md#formula)"\n\n'
        "    Divide, see [Attention](attention.md).\n",
    ),
    (
        "![[softmax]]",
        '!!! quote gg-embed "[Softmax](softmax.md)"\n\n    Scores to weights.\n\n'
        "    **Formula**\n\n    Divide, see [Attention](attention.md).\n    **Formula**\n\n"
        "    **Later**\n",
    ),
    ("Inline ![[softmax]] embed", "Inline [Softmax](softmax.md) embed"),
    # A block embeds its paragraph or list item alone, or the part before a marker on its own line.
    (
        "![[blocks#^claim]]",
        '!!! quote gg-embed "[Blocks › &#94;claim](blocks.md#gg-block-claim)"\n\n'
        "    The key claim\n    holds\n",
    ),
    (
        "![[blocks#^item]]",
        '!!! quote gg-embed "[Blocks › &#94;item](blocks.md#gg-block-item)"\n\n    - item a\n',
    ),
    (
        "![[blocks#^table]]",
        '!!! quote gg-embed "[Blocks › &#94;table](blocks.md#gg-block-table)"\n\n'
        "    | t |\n    |---|\n",
    ),
    ("```\n[[attention]]\n```", "```\n[[attention]]\n```"),
    ("[external](https://example.org/a.md)", "[external](https://example.org/a.md)"),
]


@pytest.mark.parametrize(("body", "expected"), CASES)
def test_rewrite_body(body: str, expected: str) -> None:
    here = entity("here", body)
    assert rewrite_body(here, graph_of(here, *OTHERS), PAGE).markdown == expected


def test_rewrite_collects_files() -> None:
    here = entity("here", "![[plot.png]] [[nowhere]]\n[[attention]] ![[gone.png]]")
    body = rewrite_body(here, graph_of(here, *OTHERS), PAGE)
    assert dict(body.assets) == {"images/plot.png": "entities/img/plot.png"}


def test_repeated_heading_links_to_first_anchor() -> None:
    here = entity("here", "[[attention#Scaled dot-product|a]]")
    out = rewrite_body(here, graph_of(here, *OTHERS), PAGE).markdown
    assert out == "[a](attention.md#scaled-dot-product)"


@pytest.mark.parametrize(
    ("from_page", "to_path", "expected"),
    [
        ("concepts/a.md", "concepts/b.md", "b.md"),
        ("concepts/a.md", "index.md", "../index.md"),
        ("index.md", "concepts/a.md", "concepts/a.md"),
        ("tags/x.md", "tags/index.md", "index.md"),
        ("concepts/a.md", "images/x.png", "../images/x.png"),
        ("a/b/c.md", "a/d/e.md", "../d/e.md"),
        ("concepts/a.md", "concepts/sub/b.md", "sub/b.md"),
    ],
)
def test_relative_url(from_page: str, to_path: str, expected: str) -> None:
    assert relative_url(SiteUrl(from_page), SiteUrl(to_path)) == expected


@pytest.mark.parametrize(
    ("directory_urls", "expected"),
    [(False, "../graph.html"), (True, "../../graph/index.html")],
)
def test_page_href_follows_url_style(directory_urls: bool, expected: str) -> None:
    assert page_href(SiteUrl("concepts/a.md"), SiteUrl("graph.md"), directory_urls) == expected


_PAGE_NAMES = st.sampled_from(["index", "a", "b", "graph"])
_PAGES = st.builds(
    lambda folders, name: SiteUrl("/".join([*folders, f"{name}.md"])),
    st.lists(st.sampled_from(["concepts", "tags", "a", "b"]), max_size=3),
    _PAGE_NAMES,
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(_PAGES, _PAGES), min_size=1, max_size=8), st.booleans())
def test_page_href_is_the_relative_url_of_both_built_pages(
    pairs: list[tuple[SiteUrl, SiteUrl]], directory_urls: bool
) -> None:
    """Links are kept per folder written in; each must still be the one from its own page."""
    for from_page, to_page in pairs:
        here, there = (
            page_url(page, directory_urls=False) if not directory_urls else _built(page)
            for page in (from_page, to_page)
        )
        assert page_href(from_page, to_page, directory_urls) == relative_url(here, there)


def _built(page: SiteUrl) -> SiteUrl:
    """The file a directory-URL site writes for ``page``: ``a/b.md`` is ``a/b/index.html``."""
    stem = page.removesuffix(".md")
    return SiteUrl(f"{stem}.html" if stem.rpartition("/")[2] == "index" else f"{stem}/index.html")


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            '> [!warning] Mind "the" gap\n> Line one\n>\n> Line two\n',
            '!!! warning "Mind &quot;the&quot; gap"\n\n    Line one\n\n    Line two\n',
        ),
        ("> [!TIP]- Folded\n> inside\n", '??? tip "Folded"\n\n    inside\n'),
        ("> [!note]+\n> open\n", "???+ note\n\n    open\n"),
        ("> plain quote\n", "> plain quote\n"),
        ("```\n> [!note] x\n> y\n```\n", "```\n> [!note] x\n> y\n```\n"),
    ],
)
def test_callouts_become_admonitions(body: str, expected: str) -> None:
    here = entity("here", body)
    assert rewrite_body(here, graph_of(here, *OTHERS), PAGE).markdown == expected
