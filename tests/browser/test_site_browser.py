"""The built site in headless Chromium: pages, links, graph clicks, search, no script injection."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pagewatch import ARTIFACTS, PageWatch
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def heading(text: str) -> re.Pattern[str]:
    """Match a heading's text, ignoring the permalink mark after it."""
    return re.compile(rf"^{re.escape(text)}\W?\s*$")


def test_home_lists_concepts_and_nav(watch: PageWatch) -> None:
    watch.page.goto(watch.base_url)
    expect(watch.page.locator("h1")).to_have_text(heading("Glossary"))
    expect(watch.page.locator(".md-tabs")).to_contain_text("A–Z")
    expect(watch.page.locator("article")).to_contain_text("Machine learning")
    watch.shot("home")
    watch.assert_clean()


def test_concept_page_and_wikilink(watch: PageWatch) -> None:
    watch.page.goto(watch.base_url + "concepts/neural-network.html")
    article = watch.page.locator("article")
    expect(article.locator("h1")).to_have_text(heading("Neural network"))
    expect(article.locator("math").first).to_be_visible()
    expect(article).to_contain_text("hello from the kernel")
    watch.shot("concept-neural-network")
    article.get_by_role("link", name="neurons").click()
    expect(watch.page).to_have_url(re.compile(r"concepts/artificial-neuron\.html$"))
    expect(watch.page.locator("article h1")).to_have_text(heading("Artificial neuron"))
    watch.shot("concept-artificial-neuron")
    watch.assert_clean()


def test_graph_node_click_lands_on_concept(watch: PageWatch) -> None:
    watch.page.goto(watch.base_url + "graph.html")
    node = watch.page.locator('.gg-graph a[data-key="gradient-descent"]')
    expect(node).to_have_count(1)
    watch.shot("graph")
    node.click()
    expect(watch.page).to_have_url(re.compile(r"concepts/gradient-descent\.html$"))
    expect(watch.page.locator("article h1")).to_have_text(heading("Gradient descent"))
    watch.assert_clean()


def test_neighbourhood_picture_links(watch: PageWatch) -> None:
    watch.page.goto(watch.base_url + "concepts/artificial-neuron.html")
    node = watch.page.locator('.gg-neighbourhood a[data-key="neural-network"]')
    node.click()
    expect(watch.page).to_have_url(re.compile(r"concepts/neural-network\.html$"))
    watch.assert_clean()


def test_search_finds_a_concept(watch: PageWatch) -> None:
    watch.page.goto(watch.base_url)
    watch.page.locator("label.md-search__icon, .md-search__input").first.click()
    # Material's search reacts to key events, not to a filled value.
    watch.page.locator("input.md-search__input").press_sequentially("neuron", delay=30)
    result = watch.page.locator(".md-search-result__item").first
    expect(result).to_contain_text("neuron", ignore_case=True)
    watch.shot("search")
    watch.assert_clean()


def test_script_title_shows_as_text(watch: PageWatch) -> None:
    watch.page.goto(watch.base_url + "concepts/xss.html")
    expect(watch.page.locator("article h1")).to_have_text(heading("<script>alert(1)</script>"))
    expect(watch.page.locator("article")).to_contain_text("<img src=x onerror=alert(2)>")
    watch.shot("concept-xss")
    watch.page.goto(watch.base_url + "a-z.html")
    expect(watch.page.locator("article")).to_contain_text("<script>alert(1)</script>")
    watch.shot("a-z")
    assert watch.dialogs == []
    watch.assert_clean()


def _scheme(watch: PageWatch, scheme: str) -> None:
    """Switch Material's colour scheme the way its palette toggle does."""
    watch.page.evaluate(f"document.body.setAttribute('data-md-color-scheme', '{scheme}')")


def test_output_is_labelled_and_has_no_copy_button(watch: PageWatch) -> None:
    watch.page.goto(watch.base_url + "concepts/neural-network.html")
    article = watch.page.locator("article")
    text = article.locator(".gg-demo-output-text")
    expect(text.locator(".gg-demo-output-label")).to_have_text("Output")
    expect(text.locator("pre")).to_have_text("hello from the kernel")
    table = article.locator(".gg-demo-output-html")
    expect(table.locator(".gg-demo-output-label")).to_have_text("Output")
    expect(table.locator("table td").first).to_have_text("1")
    code = article.locator("pre", has_text="print('hello from the kernel')")
    expect(code.locator("button[data-md-type=copy]")).to_have_count(1)  # content.code.copy is on
    expect(article.locator(".gg-demo-output button[data-md-type=copy]")).to_have_count(0)
    edges = {
        text.evaluate("e => getComputedStyle(e).borderLeftColor"),
        table.evaluate("e => getComputedStyle(e).borderLeftColor"),
    }
    assert len(edges) == 2  # printed and rich output are told apart
    for scheme, name in (("default", "light"), ("slate", "dark")):
        _scheme(watch, scheme)
        article.screenshot(path=str(_artifact(f"demo-output-{name}")))
    watch.assert_clean()


def test_error_is_labelled_and_its_traceback_folded(failing_watch: PageWatch) -> None:
    watch = failing_watch
    watch.page.goto(watch.base_url + "concepts/broken.html")
    error = watch.page.locator("article .gg-demo-output-error")
    expect(error.locator(".gg-demo-output-label")).to_have_text("Error")
    expect(error.locator(".gg-demo-error-title")).to_have_text("ValueError: the demo went wrong")
    folded = error.locator("details")
    expect(folded.locator("summary")).to_contain_text("more lines of the traceback")
    expect(folded.locator("pre")).to_be_hidden()
    expect(error.locator("button[data-md-type=copy]")).to_have_count(0)
    light = error.evaluate("e => getComputedStyle(e).borderLeftColor")
    for scheme, name in (("default", "light"), ("slate", "dark")):
        _scheme(watch, scheme)
        watch.page.locator("article").screenshot(path=str(_artifact(f"demo-error-{name}")))
    assert error.evaluate("e => getComputedStyle(e).borderLeftColor") != light
    folded.locator("summary").click()
    expect(folded.locator("pre")).to_be_visible()
    watch.assert_clean()


def _artifact(name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS / f"{name}.png"
