"""The related-concepts panel in headless Chromium: previews, table of contents, phone, dark."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from pagewatch import PageWatch
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PAGE = "concepts/neural-network.html"


@pytest.fixture
def dark_phone(browser: Any, base_url: str) -> Iterator[PageWatch]:
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, color_scheme="dark", is_mobile=True
    )
    try:
        yield PageWatch(context.new_page(), base_url)
    finally:
        context.close()


def luminance(css_colour: str) -> float:
    """Return the rough lightness (0 to 1) of a computed ``rgb(...)`` or ``rgba(...)`` colour."""
    red, green, blue = (int(n) for n in re.findall(r"\d+", css_colour)[:3])
    return (0.2126 * red + 0.7152 * green + 0.0722 * blue) / 255


def test_panel_links_preview_and_stay_out_of_the_toc(watch: PageWatch) -> None:
    page = watch.page
    page.goto(watch.base_url + PAGE)
    panel = page.locator(".gg-panel")
    expect(panel.locator(".gg-path li")).to_have_text(["Artificial neuron", "Neural network"])
    expect(panel.locator(".gg-panel__direct")).to_contain_text("A weighted sum of inputs")
    expect(panel.locator(".gg-panel__label")).to_have_text(["Learning path", "Related"])
    toc = page.locator(".md-sidebar--secondary")
    expect(toc).to_contain_text("Training")
    expect(toc).not_to_contain_text("Learning path")
    link = panel.get_by_role("link", name="Gradient descent")
    link.hover()
    expect(page.locator("#gg-preview")).to_contain_text("Repeated small steps")
    watch.shot("panel-1280", full_page=True)
    watch.assert_clean()


def test_panel_fits_a_dark_phone(dark_phone: PageWatch) -> None:
    page = dark_phone.page
    page.goto(dark_phone.base_url + PAGE)
    panel = page.locator(".gg-panel")
    panel.scroll_into_view_if_needed()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shape = panel.bounding_box()
    assert shape is not None and shape["x"] >= 0 and shape["x"] + shape["width"] <= 390
    label = panel.locator(".gg-panel__label").first.bounding_box()
    path = panel.locator(".gg-path").bounding_box()
    assert label is not None and path is not None
    assert path["y"] >= label["y"] + label["height"] - 1, "labels stack above their lists"
    link = panel.get_by_role("link", name="Gradient descent")
    text = link.evaluate("a => getComputedStyle(a).color")
    ground = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert luminance(ground) < 0.3 < luminance(text), (ground, text)
    dark_phone.shot("panel-390-dark", full_page=True)
    dark_phone.assert_clean()
