"""The shipped site on a phone and a desktop, light and dark: screenshots and layout checks.

Each page is opened in a fresh context that reports ``prefers-color-scheme``
as light or dark, so the scheme shown is the one Material picks on a first
visit. Screenshots go to ``test-artifacts/screens/`` for a person to look at;
the checks are what a screenshot cannot prove: nothing sticks out past a
390 px viewport outside a scroll box, demo plots carry enough pixels for a
2x screen, and the page really is dark or light.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from pagewatch import ARTIFACTS
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
VIEWPORTS = {"phone": PHONE, "desktop": DESKTOP}
SCHEMES = ("light", "dark")
PAGES = {
    "home": "index.html",
    "a-z": "a-z.html",
    "tag-architecture": "tags/architecture.html",
    "graph": "graph.html",
    "transformer": "concepts/transformer.html",
    "lstm": "concepts/lstm.html",
    "softmax": "concepts/softmax.html",  # a demo with a plot
    "forward-pass": "concepts/forward-pass.html",
    "inference": "concepts/inference.html",  # the matmul-throughput plot, wide tables
}
MIN_PIXEL_RATIO = 1.5
# At most this share of a phone's screen goes to the whole graph's legend (a third did).
MAX_LEGEND_SHARE = 0.25

# Every laid-out element whose right edge passes the viewport with no ancestor that scrolls
# or clips it sideways: that is what makes a phone page pan sideways.
_OVERFLOWING = """() => {
  const width = document.documentElement.clientWidth;
  const clipped = (el) => {
    for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
      if (["auto", "scroll", "hidden", "clip"].includes(getComputedStyle(up).overflowX)) {
        return true;
      }
    }
    return false;
  };
  const name = (el) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") +
    [...el.classList].slice(0, 2).map((c) => "." + c).join("");
  const found = [];
  for (const el of document.body.querySelectorAll("*")) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.height === 0 || box.right <= width + 1) continue;
    if (getComputedStyle(el).visibility === "hidden" || clipped(el)) continue;
    found.push(`${name(el)} reaches ${Math.round(box.right)} px`);
  }
  return found;
}"""
_PLOTS = """() => [...document.querySelectorAll("a.gg-demo-plot img")].map((img) => ({
  src: img.getAttribute("src"), natural: img.naturalWidth, shown: img.clientWidth,
}))"""
# The colour an element's text is drawn on: its backgrounds and its ancestors', blended.
_BEHIND = """(el) => {
  const layers = [];
  for (; el; el = el.parentElement) {
    const [r, g, b, a = 1] = getComputedStyle(el).backgroundColor.match(/[\\d.]+/g).map(Number);
    if (a > 0) layers.push([r, g, b, a]);
    if (a >= 1) break;
  }
  let colour = [255, 255, 255];
  for (const [r, g, b, a] of layers.reverse()) {
    colour = [r, g, b].map((c, i) => c * a + colour[i] * (1 - a));
  }
  return colour;
}"""
# For each picture, the elements from it up to the article that draw a frame round it.
_FRAMES = """() => [...document.querySelectorAll("svg.gg-graph")].map((svg) => {
  const framed = [];
  for (let el = svg; el && !el.matches("article"); el = el.parentElement) {
    const name = el.className.baseVal ?? el.className;
    if (parseFloat(getComputedStyle(el).borderLeftWidth) > 0) framed.push(name);
  }
  return framed;
})"""
# The headings whose height changes when their permalink is taken out: a ¶ on a line alone.
_PILCROW_LINES = """() => [...document.querySelectorAll("article :is(h1, h2, h3)")].filter((h) => {
  const link = h.querySelector(".headerlink");
  if (!link) return false;
  const before = h.getBoundingClientRect().height;
  link.remove();
  const after = h.getBoundingClientRect().height;
  h.append(link);
  return after < before;
}).map((h) => h.textContent)"""
_BACKGROUND = f"() => ({_BEHIND})(document.querySelector('.md-main'))"
_OUTPUT_TEXT = ".gg-demo-output-label, .gg-demo-output pre code, .gg-demo-html td, .gg-demo-html th"
_OUTPUT_COLOURS = f"""() => [...document.querySelectorAll("{_OUTPUT_TEXT}")].map(
  (code) => [getComputedStyle(code).color.match(/[\\d.]+/g).map(Number), ({_BEHIND})(code)])"""


def luminance(rgb: list[float]) -> float:
    """Return the WCAG relative luminance of an sRGB colour (0 black, 1 white)."""

    def linear(channel: float) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    red, green, blue = (linear(c) for c in rgb)
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def _open(browser: Any, base_url: str, path: str, viewport: dict[str, int], scheme: str) -> Any:
    context = browser.new_context(viewport=viewport, color_scheme=scheme)
    page = context.new_page()
    page.goto(base_url + path)
    page.wait_for_load_state("load")
    return page


@pytest.fixture
def opened(browser: Any, shipped_base_url: str) -> Iterator[Any]:
    """Return ``open(path, viewport, scheme) -> page``; every context is closed afterwards."""
    pages: list[Any] = []

    def open_page(path: str, viewport: dict[str, int], scheme: str = "light") -> Any:
        page = _open(browser, shipped_base_url, path, viewport, scheme)
        pages.append(page)
        return page

    yield open_page
    for page in pages:
        page.context.close()


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_screenshots(opened: Any, viewport: str, scheme: str) -> None:
    """Screenshot every page; a person looks at them (test-artifacts/screens/)."""
    folder = ARTIFACTS / "screens"
    folder.mkdir(parents=True, exist_ok=True)
    for name, path in PAGES.items():
        page = opened(path, VIEWPORTS[viewport], scheme)
        expect(page.locator("article")).to_be_visible()
        shot = folder / f"{name}-{viewport}-{scheme}.png"
        # Material fades its tabs in after load: shoot them as they end up, not half drawn.
        page.screenshot(path=str(shot), full_page=True, animations="disabled")
        assert shot.stat().st_size > 0


@pytest.mark.parametrize("name", PAGES)
def test_nothing_is_wider_than_a_phone_outside_a_scroll_box(opened: Any, name: str) -> None:
    page = opened(PAGES[name], PHONE)
    assert page.evaluate(_OVERFLOWING) == []


def test_the_graph_legend_leaves_a_phone_screen_to_the_graph(opened: Any) -> None:
    page = opened(PAGES["graph"], PHONE)
    legend = page.locator(".gg-legend-box").bounding_box()
    assert legend["height"] <= MAX_LEGEND_SHARE * PHONE["height"], legend
    assert page.locator("svg.gg-whole").bounding_box()["y"] < PHONE["height"]


@pytest.mark.parametrize("name", ["lstm", "inference"])
def test_no_heading_wraps_its_hidden_permalink_onto_a_line_of_its_own(
    opened: Any, name: str
) -> None:
    assert opened(PAGES[name], PHONE).evaluate(_PILCROW_LINES) == []


@pytest.mark.parametrize("name", ["graph", "transformer"])
def test_a_picture_has_one_frame(opened: Any, name: str) -> None:
    """One border round a neighbourhood or the whole graph, none round its legend and toolbar."""
    frames = opened(PAGES[name], DESKTOP).evaluate(_FRAMES)
    assert frames
    assert all(len(framed) == 1 for framed in frames), frames


@pytest.mark.parametrize("viewport", VIEWPORTS)
@pytest.mark.parametrize("name", PAGES)
def test_demo_plots_have_pixels_for_a_2x_screen(opened: Any, name: str, viewport: str) -> None:
    page = opened(PAGES[name], VIEWPORTS[viewport])
    plots = page.evaluate(_PLOTS)
    for plot in plots:
        assert plot["shown"] > 0, plot
        assert plot["natural"] >= MIN_PIXEL_RATIO * plot["shown"], plot


def test_the_pages_with_demos_show_plots(opened: Any) -> None:
    """The plot check above is not empty: the demo pages do show plots."""
    for name in ("softmax", "inference"):
        assert opened(PAGES[name], PHONE).evaluate(_PLOTS), name


def test_a_plot_has_size_and_alt_text_and_opens_full_size(opened: Any) -> None:
    page = opened(PAGES["softmax"], PHONE)
    image = page.locator("a.gg-demo-plot img").first
    alt = image.get_attribute("alt") or ""
    assert alt.startswith("Plot") and ".png" not in alt
    assert int(image.get_attribute("width") or 0) > 0
    assert int(image.get_attribute("height") or 0) > 0
    natural = image.evaluate("img => img.naturalWidth")
    page.locator("a.gg-demo-plot").first.focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/*.png")
    shown = page.evaluate("document.images[0].naturalWidth")
    assert shown == natural


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("name", ["home", "softmax", "graph"])
def test_the_page_follows_the_system_scheme(opened: Any, name: str, scheme: str) -> None:
    page = opened(PAGES[name], PHONE, scheme)
    shown = luminance(page.evaluate(_BACKGROUND))
    assert shown < 0.1 if scheme == "dark" else shown > 0.8


def test_the_toggle_switches_scheme_and_is_remembered(opened: Any) -> None:
    page = opened(PAGES["softmax"], DESKTOP, "light")
    assert luminance(page.evaluate(_BACKGROUND)) > 0.8
    page.locator("form[data-md-component=palette] label:visible").first.click()
    expect(page.locator("body")).to_have_attribute("data-md-color-scheme", "slate")
    assert luminance(page.evaluate(_BACKGROUND)) < 0.1
    page.reload()
    expect(page.locator("body")).to_have_attribute("data-md-color-scheme", "slate")


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("path", [PAGES["softmax"], "concepts/parameters.html"])
def test_demo_output_text_is_readable(opened: Any, path: str, scheme: str) -> None:
    """Output labels, text and HTML tables keep a contrast of 4.5 against what is behind them."""
    page = opened(path, PHONE, scheme)
    pairs = page.evaluate(_OUTPUT_COLOURS)
    assert pairs
    for text, back in pairs:
        light, dark = sorted((luminance(text[:3]), luminance(back[:3])), reverse=True)
        assert (light + 0.05) / (dark + 0.05) >= 4.5, (text, back)
