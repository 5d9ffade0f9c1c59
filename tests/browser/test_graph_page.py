"""The shipped graph pictures in Chromium: switches, legend, search, keys, labels, phones."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from pagewatch import PageWatch

pytestmark = [pytest.mark.browser, pytest.mark.slow]

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}

# Whether an element is drawn: no element up its chain is display: none (which SVG
# children do not inherit, so their own computed style does not say).
SHOWN = """el => { for (let a = el; a; a = a.parentElement)
  if (getComputedStyle(a).display === 'none') return false; return true; }"""

VISIBLE_MENTIONS = f"""() => Array.from(document.querySelectorAll('.gg-links .gg-k-mentions path'))
  .filter({SHOWN}).length"""

# Every visible label's box on screen, with its node's key.
LABEL_BOXES = f"""() => Array.from(document.querySelectorAll('svg.gg-whole text[data-z]'))
  .filter({SHOWN})
  .map(t => {{ const r = t.getBoundingClientRect();
    return [t.closest('a').dataset.key, r.left, r.top, r.right, r.bottom]; }})"""

# Elements sticking out of the viewport that no scrolling ancestor holds.
OVERFLOWING = """() => {
  const width = document.documentElement.clientWidth;
  const scrolls = el => { for (let a = el.parentElement; a; a = a.parentElement) {
      const o = getComputedStyle(a).overflowX;
      if (o === 'auto' || o === 'scroll' || o === 'hidden') return true; }
    return false; };
  return Array.from(document.body.querySelectorAll('*')).filter(el => {
    const r = el.getBoundingClientRect();
    return r.width > 0 && (r.right > width + 1 || r.left < -1) && !scrolls(el);
  }).map(el => el.tagName + '.' + el.className.baseVal + el.className);
}"""


@pytest.fixture
def open_page(browser: Any, shipped_base_url: str) -> Iterator[Any]:
    """Return a function opening a page of the shipped site at a viewport and colour scheme."""
    contexts: list[Any] = []
    watches: list[PageWatch] = []

    def opener(path: str, viewport: dict[str, int] = DESKTOP, scheme: str = "light") -> PageWatch:
        context = browser.new_context(viewport=viewport, color_scheme=scheme)
        contexts.append(context)
        watch = PageWatch(context.new_page(), shipped_base_url)
        watches.append(watch)
        watch.page.goto(shipped_base_url + path)
        watch.page.wait_for_selector("svg.gg-graph[data-gg-ready]")
        return watch

    yield opener
    for watch in watches:
        watch.assert_clean()
    for context in contexts:
        context.close()


def view_box(page: Any) -> list[float]:
    return [float(v) for v in page.get_attribute("svg.gg-whole", "viewBox").split()]


def test_graph_opens_with_mentions_hidden_and_the_switch_shows_them(open_page: Any) -> None:
    page = open_page("graph.html").page
    total = page.locator(".gg-links .gg-k-mentions path").count()
    assert total > 0

    assert page.evaluate(VISIBLE_MENTIONS) == 0
    page.get_by_role("checkbox", name="mentions").check()
    assert page.evaluate(VISIBLE_MENTIONS) == total
    page.get_by_role("checkbox", name="mentions").uncheck()
    assert page.evaluate(VISIBLE_MENTIONS) == 0


def test_legend_names_every_kind_and_the_colours(open_page: Any) -> None:
    page = open_page("graph.html").page

    legend = page.locator(".gg-legend-box")
    assert legend.is_visible()
    kinds = legend.locator("label.gg-kind").all_inner_texts()
    assert [k.strip() for k in kinds] == ["broader", "requires", "related", "mentions"]
    assert legend.locator("li.gg-colour").count() >= 2
    assert "Machine learning" in legend.inner_text()


def test_search_centres_highlights_and_labels_the_concept(open_page: Any) -> None:
    page = open_page("graph.html").page
    search = page.get_by_role("combobox", name="Find a concept in the graph")

    search.fill("backprop")  # a prefix of the title
    search.press("Enter")

    node = page.locator('svg.gg-whole a.gg-node[data-key="backpropagation"]')
    assert "gg-found" in (node.get_attribute("class") or "")
    assert node.evaluate("n => document.activeElement === n")
    assert node.locator("text").evaluate(f"t => ({SHOWN})(t)")
    svg = page.locator("svg.gg-whole").bounding_box()
    dot = node.locator("circle").bounding_box()
    cx, cy = dot["x"] + dot["width"] / 2, dot["y"] + dot["height"] / 2
    assert abs(cx - (svg["x"] + svg["width"] / 2)) < svg["width"] * 0.05
    assert abs(cy - (svg["y"] + svg["height"] / 2)) < svg["height"] * 0.05


def test_keys_zoom_and_pan_and_focus_brings_a_node_into_view(open_page: Any) -> None:
    page = open_page("graph.html").page
    page.locator("svg.gg-whole").focus()
    home = view_box(page)

    page.keyboard.press("+")
    zoomed = view_box(page)
    assert zoomed[2] == pytest.approx(home[2] / 1.5, rel=1e-3)
    page.keyboard.press("ArrowRight")
    assert view_box(page)[0] > zoomed[0]
    page.keyboard.press("-")
    assert view_box(page)[2] == pytest.approx(home[2], rel=1e-3)
    for _ in range(5):
        page.keyboard.press("+")
    far = page.evaluate(
        """() => { const b = document.querySelector('svg.gg-whole').getBoundingClientRect();
          const out = Array.from(document.querySelectorAll('svg.gg-whole a.gg-node')).find(a => {
            const r = a.querySelector('circle').getBoundingClientRect();
            return r.right < b.left || r.left > b.right || r.bottom < b.top || r.top > b.bottom; });
          return out && out.dataset.key; }"""
    )
    assert far is not None
    node = page.locator(f'svg.gg-whole a.gg-node[data-key="{far}"]')
    node.focus()
    svg = page.locator("svg.gg-whole").bounding_box()
    dot = node.locator("circle").bounding_box()
    assert svg["x"] < dot["x"] < svg["x"] + svg["width"]
    assert svg["y"] < dot["y"] < svg["y"] + svg["height"]


def _overlaps(boxes: list[list[Any]]) -> list[tuple[str, str]]:
    found = []
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            # Half a pixel of slack: anti-aliased edges of boxes that only touch.
            if a[1] < b[3] - 0.5 and b[1] < a[3] - 0.5 and a[2] < b[4] - 0.5 and b[2] < a[4] - 0.5:
                found.append((a[0], b[0]))
    return found


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_labels_never_overlap_on_screen_and_every_node_gets_one(
    open_page: Any, viewport: dict[str, int]
) -> None:
    page = open_page("graph.html", viewport).page
    nodes = page.locator("svg.gg-whole a.gg-node").count()
    page.locator("svg.gg-whole").focus()
    heights = set()

    seen: set[str] = set()
    for step in range(40):
        boxes = page.evaluate(LABEL_BOXES)
        assert _overlaps(boxes) == [], f"labels overlap after {step} zoom steps"
        heights |= {round(b[4] - b[2]) for b in boxes}
        seen |= {b[0] for b in boxes}
        before = view_box(page)
        page.keyboard.press("+")
        if view_box(page) == before:  # the deepest zoom the page offers
            break
    assert len(seen) == nodes
    assert len(heights) <= 2  # one size on screen at every zoom (rounding aside)
    assert min(heights) >= 13


def test_graph_page_fits_a_phone_and_reads_in_both_schemes(open_page: Any) -> None:
    fills = {}
    for viewport, size in ((DESKTOP, "1280"), (PHONE, "390")):
        for scheme in ("light", "dark"):
            watch = open_page("graph.html", viewport, scheme)
            if viewport is PHONE:
                assert watch.page.evaluate(OVERFLOWING) == []
            label = watch.page.locator("svg.gg-whole text[data-z='0']").first
            fills[scheme] = label.evaluate("t => getComputedStyle(t).fill")
            watch.shot(f"graph-{size}-{scheme}", full_page=False)
    assert _luminance(fills["light"]) < 0.3 < 0.6 < _luminance(fills["dark"])


def _luminance(rgb: str) -> float:
    r, g, b = (int(v) / 255 for v in rgb[rgb.index("(") + 1 : rgb.index(")")].split(",")[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def test_neighbourhood_depth_control_and_tap_areas_on_a_phone(open_page: Any) -> None:
    watch = open_page("concepts/transformer.html", PHONE)
    page = watch.page
    picture = page.locator("svg.gg-neighbourhood")
    shown = picture.locator("a.gg-node:visible")
    one_hop = shown.count()

    sizes = picture.locator("a.gg-node").evaluate_all(
        f"""as => as.filter({SHOWN}).map(a => {{
          const r = a.querySelector('.gg-hit').getBoundingClientRect();
          return [a.dataset.key, r.width, r.height]; }})"""
    )
    assert sizes and all(w >= 24 and h >= 24 for _, w, h in sizes), sizes
    assert page.evaluate(OVERFLOWING) == []
    page.get_by_role("button", name="Show concepts up to 2 links away").click()
    assert shown.count() > one_hop
    assert picture.locator("a.gg-node[data-d='2']:visible").count() > 0
    page.get_by_role("button", name="Show only the concepts linked to this one").click()
    assert shown.count() == one_hop
    picture.scroll_into_view_if_needed()
    watch.shot("neighbourhood-390-light", full_page=False)
