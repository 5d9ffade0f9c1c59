"""Hover previews of concept links in headless Chromium: mouse, keyboard, Esc, touch, file://."""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pagewatch import PageWatch
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PAGE = "concepts/neural-network.html"
SUMMARY = "A weighted sum of inputs passed through a non-linearity."


@pytest.fixture
def desktop(browser: Any, base_url: str) -> Iterator[PageWatch]:
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    try:
        yield PageWatch(context.new_page(), base_url)
    finally:
        context.close()


@pytest.fixture
def phone(browser: Any, base_url: str) -> Iterator[PageWatch]:
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True
    )
    try:
        yield PageWatch(context.new_page(), base_url)
    finally:
        context.close()


def box(locator: Any) -> dict[str, float]:
    found = locator.bounding_box()
    assert found is not None
    return dict(found)


def overlaps(a: dict[str, float], b: dict[str, float]) -> bool:
    return (
        a["x"] < b["x"] + b["width"]
        and b["x"] < a["x"] + a["width"]
        and a["y"] < b["y"] + b["height"]
        and b["y"] < a["y"] + a["height"]
    )


def assert_beside(card: Any, link: Any, viewport: dict[str, int]) -> None:
    """The card is inside the viewport and covers no part of its link."""
    shape, target = box(card), box(link)
    assert not overlaps(shape, target), (shape, target)
    assert shape["x"] >= 0 and shape["y"] >= 0
    assert shape["x"] + shape["width"] <= viewport["width"]
    assert shape["y"] + shape["height"] <= viewport["height"]


def neurons(watch: PageWatch) -> Any:
    return watch.page.locator("article").get_by_role("link", name="neurons")


def test_hover_shows_summary_and_esc_closes(desktop: PageWatch) -> None:
    page = desktop.page
    page.goto(desktop.base_url + PAGE)
    card = page.locator("#gg-preview")
    link = neurons(desktop)
    link.hover()
    expect(card).to_be_visible()
    expect(card).to_contain_text("Artificial neuron")
    expect(card).to_contain_text(SUMMARY)
    assert card.get_attribute("role") == "tooltip"
    assert link.get_attribute("aria-describedby") == "gg-preview"
    assert_beside(card, link, page.viewport_size)
    card_box, link_box = box(card), box(link)
    assert card_box["y"] >= link_box["y"] + link_box["height"], "placed below the link"
    desktop.shot("preview-hover-1280", full_page=False)
    page.keyboard.press("Escape")
    expect(card).to_be_hidden()
    assert link.get_attribute("aria-describedby") is None
    assert any(u.endswith("assets/glossgraph/data/previews.js") for u in desktop.requests)
    desktop.assert_clean()


def test_preview_waits_and_leaves_with_the_pointer(desktop: PageWatch) -> None:
    page = desktop.page
    start = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
    page.clock.install(time=start)
    page.goto(desktop.base_url + PAGE)
    page.clock.pause_at(start + datetime.timedelta(minutes=1))  # timers move only when told
    page.locator("article h1").hover()
    assert not any(u.endswith("data/previews.js") for u in desktop.requests), "loaded lazily"
    neurons(desktop).hover()
    page.clock.run_for(200)
    expect(page.locator("#gg-preview")).to_have_count(0)  # a pointer passing by shows nothing
    page.clock.run_for(200)
    expect(page.locator("#gg-preview")).to_be_visible()
    page.locator("article").get_by_role("link", name="Gradient descent").first.hover()
    page.clock.run_for(400)
    expect(page.locator("#gg-preview")).to_contain_text("Repeated small steps")
    expect(page.locator("#gg-preview")).not_to_contain_text(SUMMARY)
    page.locator("article h1").hover()
    page.clock.run_for(300)
    expect(page.locator("#gg-preview")).to_be_hidden()
    desktop.assert_clean()


def test_keyboard_focus_opens_preview(desktop: PageWatch) -> None:
    page = desktop.page
    page.goto(desktop.base_url + PAGE)
    link = neurons(desktop)
    for _ in range(80):
        page.keyboard.press("Tab")
        if link.evaluate("element => element === document.activeElement"):
            break
    else:
        pytest.fail("Tab never reached the link")
    card = page.locator("#gg-preview")
    expect(card).to_be_visible()
    expect(card).to_contain_text(SUMMARY)
    assert_beside(card, link, page.viewport_size)
    desktop.shot("preview-focus-1280", full_page=False)
    page.keyboard.press("Escape")
    expect(card).to_be_hidden()
    page.keyboard.press("Tab")
    expect(card).to_be_hidden()
    desktop.assert_clean()


def test_preview_goes_above_a_link_at_the_bottom(desktop: PageWatch) -> None:
    page = desktop.page
    page.goto(desktop.base_url + PAGE)
    link = page.locator("article").get_by_role("link", name="Gradient descent").first
    bottom = box(link)["y"] + box(link)["height"]
    page.set_viewport_size({"width": 1280, "height": int(bottom) + 16})
    link.hover()
    card = page.locator("#gg-preview")
    expect(card).to_contain_text("Repeated small steps against the gradient of the loss.")
    card_box, link_box = box(card), box(link)
    assert card_box["y"] + card_box["height"] <= link_box["y"], "placed above the link"
    assert_beside(card, link, page.viewport_size)
    desktop.assert_clean()


def test_dark_scheme_preview(desktop: PageWatch) -> None:
    page = desktop.page
    page.goto(desktop.base_url + PAGE)
    page.evaluate("document.body.setAttribute('data-md-color-scheme', 'slate')")
    neurons(desktop).hover()
    card = page.locator("#gg-preview")
    expect(card).to_contain_text(SUMMARY)
    colour = card.evaluate("element => getComputedStyle(element).backgroundColor")
    red = int(re.findall(r"[\d.]+", colour)[0])
    assert red < 80, f"a dark card in the slate scheme, not {colour}"
    desktop.shot("preview-hover-slate", full_page=False)
    desktop.assert_clean()


def test_narrow_window_keeps_preview_inside(browser: Any, base_url: str) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844})
    try:
        watch = PageWatch(context.new_page(), base_url)
        watch.page.goto(base_url + "concepts/machine-learning.html")
        link = watch.page.locator("article").get_by_role("link", name="Neural network").first
        link.hover()
        card = watch.page.locator("#gg-preview")
        expect(card).to_contain_text("Layers of simple units whose weights are learned.")
        assert_beside(card, link, {"width": 390, "height": 844})
        watch.shot("preview-hover-390", full_page=False)
        watch.assert_clean()
    finally:
        context.close()


def test_tap_follows_the_link_without_preview(phone: PageWatch) -> None:
    page = phone.page
    page.goto(phone.base_url + PAGE)
    neurons(phone).tap()
    expect(page).to_have_url(re.compile(r"concepts/artificial-neuron\.html$"))
    page.wait_for_timeout(400)
    expect(page.locator("#gg-preview")).to_have_count(0)
    phone.shot("preview-tap-390")
    phone.assert_clean()


def test_preview_works_from_file_url(browser: Any, site_dir: Path) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    try:
        root = site_dir.resolve().as_uri() + "/"
        watch = PageWatch(context.new_page(), root)
        failed: list[str] = []
        watch.page.on("requestfailed", lambda request: failed.append(request.url))
        watch.page.goto(root + PAGE)
        neurons(watch).hover()
        expect(watch.page.locator("#gg-preview")).to_contain_text(SUMMARY)
        assert any(u.endswith("/data/previews.js") for u in watch.requests)
        # Material itself asks for search/search_index.js, which only its offline plugin writes.
        assert [u for u in failed if not u.endswith("/search/search_index.js")] == []
        ours = [e for e in watch.errors if "search_index" not in e and "FILE_NOT_FOUND" not in e]
        assert ours == []
        assert watch.off_origin() == []
    finally:
        context.close()


def test_preview_shows_markup_as_text(desktop: PageWatch) -> None:
    page = desktop.page
    page.goto(desktop.base_url + "concepts/machine-learning.html")
    link = page.locator("article").get_by_role("link", name="<script>alert(1)</script>").first
    link.hover()
    card = page.locator("#gg-preview")
    expect(card).to_contain_text("<img src=x onerror=alert(2)>")
    expect(card.locator("img, script")).to_have_count(0)
    assert desktop.dialogs == []
    desktop.assert_clean()
