"""Generated HTML as fragments: placeholders in the Markdown, the HTML placed after conversion."""

from __future__ import annotations

import re

import markdown  # type: ignore[import-untyped]
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from mkdocs.utils.meta import get_data
from test_render_pages import DEMO, concept, glossary, graph_of, picture

from generator.model import DemoId, SiteUrl
from generator.render.fragments import Fragments, Nonce, PageFragments, Slot
from generator.render.pages import RenderedSite, RenderOptions, render_site
from generator.render.siteconfig import MARKDOWN_EXTENSIONS

PAGE = SiteUrl("concepts/a.md")
NONCE = Nonce("0123456789abcdef01234567")
PLACEHOLDER = re.compile(r"<!-- gg-fragment-[0-9a-f]{24}-[0-9]+ -->")


def _site() -> RenderedSite:
    options = RenderOptions("Test glossary", False, picture, lambda g, href: "<svg/>")
    return render_site(glossary(), {DemoId("forward-pass"): DEMO}, options)


def _one(html: str) -> tuple[Fragments, str]:
    collected = PageFragments(NONCE)
    placeholder = collected.add(html)
    return Fragments(NONCE, {PAGE: collected.parts()}), placeholder


def test_concept_markdown_holds_placeholders_not_generated_html() -> None:
    site = _site()
    page = str(site.tree.files[SiteUrl("concepts/neural-network.md")])
    assert "<svg" not in page and "gg-neighbourhood" not in page
    fragments = site.tree.fragments.pages[SiteUrl("concepts/neural-network.md")]
    assert len(PLACEHOLDER.findall(page)) == len(fragments)
    pictures = [f for f in fragments if f.startswith('<div class="gg-neighbourhood"')]
    assert len(pictures) == 1 and "<svg" in pictures[0]


def test_graph_page_picture_is_a_fragment() -> None:
    tree = _site().tree
    assert "<svg" not in str(tree.files[SiteUrl("graph.md")])
    assert "<svg/>" in str(tree.inlined().files[SiteUrl("graph.md")])


def test_inlined_page_holds_the_fragment_once_and_no_placeholder() -> None:
    tree = _site().tree.inlined()
    page = str(tree.files[SiteUrl("concepts/neural-network.md")])
    assert page.count('<div class="gg-neighbourhood"') == 1
    assert PLACEHOLDER.search(page) is None
    assert not tree.fragments.pages


def test_placeholder_converts_to_itself() -> None:
    """Markdown copies the placeholder through, so the adapter finds it after conversion."""
    fragments, placeholder = _one("<b>x</b>")
    names = [e if isinstance(e, str) else next(iter(e)) for e in MARKDOWN_EXTENSIONS]
    html = markdown.markdown(f"Text.\n\n{placeholder}\n\nMore.", extensions=names)
    assert placeholder in html
    assert fragments.place(PAGE, html) == ("<p>Text.</p>\n<b>x</b>\n\n<p>More.</p>", ())


def test_each_build_draws_its_own_nonce() -> None:
    first, second = _site().tree.fragments.nonce, _site().tree.fragments.nonce
    assert first != second
    assert re.fullmatch(r"[0-9a-f]{24}", first)


@pytest.mark.parametrize(
    ("typed", "why"),
    [
        ("<!-- gg-fragment-ffffffffffffffffffffffff-0 -->", "another nonce"),
        ("<!-- gg-fragment-0123456789abcdef01234567-1 -->", "a number this page has not"),
        ("<!-- gg-fragment-0123456789abcdef01234567-00000000000000000007 -->", "a long number"),
        ("gg-fragment-0123456789abcdef01234567-0", "not a comment"),
    ],
)
def test_text_that_looks_like_a_placeholder_is_left_alone(typed: str, why: str) -> None:
    fragments, placeholder = _one("<b>x</b>")
    text = f"<p>{typed}</p>\n{placeholder}"
    assert fragments.place(PAGE, text) == (f"<p>{typed}</p>\n<b>x</b>", ()), why


def test_a_fragment_is_placed_once_even_if_its_placeholder_repeats() -> None:
    fragments, placeholder = _one("<b>x</b>")
    placed, missing = fragments.place(PAGE, f"{placeholder}\n{placeholder}")
    assert (placed, missing) == (f"<b>x</b>\n{placeholder}", ())


def test_a_lost_placeholder_is_reported() -> None:
    fragments, placeholder = _one("<b>x</b>")
    escaped = placeholder.replace("<", "&lt;").replace(">", "&gt;")  # inside a code block
    assert fragments.place(PAGE, f"<pre>{escaped}</pre>") == (f"<pre>{escaped}</pre>", (0,))


def test_other_pages_fragments_are_not_placed() -> None:
    fragments, placeholder = _one("<b>x</b>")
    assert fragments.place(SiteUrl("concepts/b.md"), placeholder) == (placeholder, ())


def test_no_html_is_no_fragment() -> None:
    collected = PageFragments(NONCE)
    assert collected.add("") == ""
    assert collected.parts() == ()


def _convert(text: str) -> str:
    """Convert a page as MkDocs does: front matter off, our extensions and their settings."""
    names = [e if isinstance(e, str) else next(iter(e)) for e in MARKDOWN_EXTENSIONS]
    configs = {k: v for e in MARKDOWN_EXTENSIONS if isinstance(e, dict) for k, v in e.items()}
    body, _ = get_data(text)
    return str(markdown.markdown(body, extensions=names, extension_configs=configs))


def _both_ways(site: RenderedSite, page: SiteUrl) -> tuple[str, str]:
    """Return the page converted as export-docs writes it, and as the MkDocs adapter builds it.

    Blank lines between blocks are dropped: a raw block Markdown copied is
    followed by one, which shows nothing.
    """
    text = str(site.tree.files[page])
    exported = _convert(str(site.tree.inlined().files[page]))
    fragments = site.tree.fragments
    built, missing = fragments.place_converted(page, _convert(fragments.for_markdown(page, text)))
    assert missing == ()
    return _BLANK_LINES.sub("\n", exported), _BLANK_LINES.sub("\n", built)


_BLANK_LINES = re.compile(r"\n{2,}")


def test_slotted_placeholders_are_left_out_of_the_markdown_for_mkdocs() -> None:
    site = _site()
    page = SiteUrl("concepts/neural-network.md")
    fragments = site.tree.fragments
    slots = fragments.slots[page]
    assert set(slots.values()) == set(Slot)  # breadcrumb, names, panel and picture
    left = fragments.for_markdown(page, str(site.tree.files[page]))
    assert PLACEHOLDER.search(left) is None
    graph_page = SiteUrl("graph.md")  # its picture has no heading of ours to sit by
    assert graph_page not in fragments.slots
    assert PLACEHOLDER.search(fragments.for_markdown(graph_page, str(site.tree.files[graph_page])))


@pytest.mark.parametrize("pictured", [True, False])
def test_a_page_is_the_same_from_export_docs_and_from_the_adapter(pictured: bool) -> None:
    options = RenderOptions("T", False, picture if pictured else None, lambda g, href: "<svg/>")
    site = render_site(glossary(), {DemoId("forward-pass"): DEMO}, options)
    for page in site.tree.pages():
        exported, built = _both_ways(site, page)
        assert built == exported, page


def test_a_slot_whose_heading_is_gone_reports_its_fragment() -> None:
    collected = PageFragments(NONCE)
    collected.add("<p>crumbs</p>", Slot.BEFORE_TITLE)
    collected.add("<div>picture</div>", Slot.AFTER_HEADING)
    fragments = Fragments(NONCE, {PAGE: collected.parts()}, {PAGE: collected.slots()})
    placed, missing = fragments.place_converted(PAGE, "<h1>T</h1>\n<p>Text.</p>")
    assert (placed, missing) == ("<p>crumbs</p>\n<h1>T</h1>\n<p>Text.</p>", (1,))


# Bodies that put headings, raw HTML headings, footnotes, comments and code
# around the page's own title and picture heading.
BODY_PIECES = [
    "Text.",
    "# Another title",
    "## Neighbourhood",
    "## Neighbourhood { .gg-slot }",
    '<h2 class="gg-slot">raw</h2>',
    "<h1>raw</h1>",
    "A note[^1].",
    "[^1]: It says <h2>this</h2>.",
    '```\n<h2 class="gg-slot">\n```',
    "<!-- a comment -->",
    "See [[b]].",
    "> quoted <h1>x</h1>",
]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(BODY_PIECES), max_size=8).map("\n\n".join), st.booleans())
def test_any_body_gives_the_same_page_both_ways(body: str, aliases: bool) -> None:
    graph = graph_of(
        concept("a", "A", body, aliases=["Alpha"] if aliases else [], related=["b"], tags=["t"]),
        concept("b", "B", "Back to [[a]]."),
    )
    options = RenderOptions("T", False, picture, lambda g, href: "<svg/>")
    site = render_site(graph, {}, options)
    exported, built = _both_ways(site, SiteUrl("concepts/a.md"))
    assert built == exported
