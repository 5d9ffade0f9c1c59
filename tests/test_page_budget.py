"""On every shipped concept page the generated listings hold less text than the author's prose.

Each page is rendered by ``render_site`` from the real loaded glossary with the
shipped mkdocs.yml's URL style, then converted by Python-Markdown with the
site's extensions, as MkDocs converts it. Generated text is the visible text of
the breadcrumb and the related-concepts panel; prose is the visible text of the
author's body, converted on its own (the page is converted without it, so
each page costs one conversion of its body). Title, aliases, tags and summary
are the author's front matter and demos the author's code: neither side counts
them.
"""

from __future__ import annotations

import functools
from html.parser import HTMLParser
from pathlib import Path

import markdown  # type: ignore[import-untyped]
import pytest
import yaml

from generator.linker import load_concept_graph
from generator.model import ConceptGraph, EntityKey, SiteUrl
from generator.render.markdown import concept_path, rewrite_body
from generator.render.pages import RenderOptions, render_site
from generator.render.panels import PANEL_CLASS
from generator.render.siteconfig import MARKDOWN_EXTENSIONS

REPO = Path(__file__).resolve().parents[1]
GENERATED = frozenset({PANEL_CLASS, "gg-breadcrumb"})
_VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "meta", "source"})
_HIDDEN = frozenset({"script", "style", "template"})


class _Text(HTMLParser):
    """Collect visible text, split into what lies inside a generated block and what not."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.generated: list[str] = []
        self.other: list[str] = []
        self._open: list[tuple[bool, bool]] = []  # per open element: (generated, hidden)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _VOID:
            return
        classes = set((dict(attrs).get("class") or "").split())
        inside = bool(self._open) and self._open[-1][0]
        hidden = bool(self._open) and self._open[-1][1]
        self._open.append((inside or bool(classes & GENERATED), hidden or tag in _HIDDEN))

    def handle_endtag(self, tag: str) -> None:
        if tag not in _VOID and self._open:
            self._open.pop()

    def handle_data(self, data: str) -> None:
        generated, hidden = self._open[-1] if self._open else (False, False)
        if not hidden:
            (self.generated if generated else self.other).append(data)


def visible_chars(html: str) -> tuple[int, int]:
    """Return (generated, other) visible characters of HTML, runs of whitespace as one."""
    parser = _Text()
    parser.feed(html)
    parser.close()
    return _length(parser.generated), _length(parser.other)


def _length(parts: list[str]) -> int:
    return len(" ".join("".join(parts).split()))


def to_html(text: str) -> str:
    """Return Markdown as HTML, converted with the site's extensions (one converter, reset)."""
    converter = _converter()
    html = str(converter.reset().convert(text))
    return html


@functools.cache
def _converter() -> markdown.Markdown:
    names = [e if isinstance(e, str) else next(iter(e)) for e in MARKDOWN_EXTENSIONS]
    configs = {
        next(iter(e)): next(iter(e.values())) for e in MARKDOWN_EXTENSIONS if isinstance(e, dict)
    }
    return markdown.Markdown(extensions=names, extension_configs=configs)


@pytest.fixture(scope="module")
def shipped() -> tuple[ConceptGraph, dict[SiteUrl, str], bool]:
    config = yaml.safe_load((REPO / "mkdocs.yml").read_text("utf-8"))
    directory_urls = bool(config.get("use_directory_urls", True))
    graph = load_concept_graph(REPO / "entities", REPO / "demos")
    options = RenderOptions(config["site_name"], directory_urls, entities=REPO / "entities")
    files = render_site(graph, {}, options).tree.inlined().files  # as export-docs writes them
    pages = {concept_path(key): str(files[concept_path(key)]) for key in graph.entities}
    return graph, pages, directory_urls


def budget(
    shipped: tuple[ConceptGraph, dict[SiteUrl, str], bool], key: EntityKey
) -> tuple[int, int]:
    """Return (generated, prose) visible characters of a shipped concept page."""
    graph, pages, directory_urls = shipped
    page = concept_path(key)
    body = rewrite_body(graph.entities[key], graph, page, directory_urls).markdown.strip()
    assert pages[page].count(body) == 1, key
    # The body is converted once, on its own; the rest of the page holds every generated part.
    generated, _ = visible_chars(to_html(pages[page].replace(body, "")))
    _, prose = visible_chars(to_html(body))
    return generated, prose


def test_generated_text_never_exceeds_the_prose(
    shipped: tuple[ConceptGraph, dict[SiteUrl, str], bool],
) -> None:
    graph = shipped[0]
    figures = {key: budget(shipped, key) for key in sorted(graph.entities)}
    over = {
        key: f"{gen} generated > {prose} prose"
        for key, (gen, prose) in figures.items()
        if gen > prose
    }
    assert len(figures) >= 50
    assert all(gen > 0 for gen, _ in figures.values())  # the measure sees every panel
    assert over == {}


def test_the_measure_catches_a_listing_with_every_summary(
    shipped: tuple[ConceptGraph, dict[SiteUrl, str], bool],
) -> None:
    """The old layout's lists, every prerequisite and backlink with its summary, fail the budget."""
    graph = shipped[0]
    key = EntityKey("transformer")
    _, prose = budget(shipped, key)
    g = graph.graph
    listed = set(g.successors(key)) | set(g.predecessors(key))
    items = "".join(
        f"<li><a href='x.html'>{graph.entities[k].title}</a> — {graph.entities[k].summary}</li>"
        for k in sorted(listed)
    )
    generated, _ = visible_chars(f'<div class="{PANEL_CLASS}"><ul>{items}</ul></div>')
    assert generated > prose


@pytest.mark.parametrize(
    ("html", "generated", "other"),
    [
        ('<p>abc</p><div class="gg-panel"><p>de</p><br><p>f</p></div><p>g h</p>', 3, 6),
        ('<p class="gg-breadcrumb">Home › A</p><p>x</p>', 8, 1),
        ('<div class="gg-panel"><script>var hidden = 1;</script><img src="a.png">ok</div>', 2, 0),
        ("<p>a  \n  b</p>", 0, 3),
    ],
)
def test_visible_chars_splits_generated_from_other_text(
    html: str, generated: int, other: int
) -> None:
    assert visible_chars(html) == (generated, other)
