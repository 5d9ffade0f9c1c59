"""Math in Chromium at 390x844 and 1280x900: nothing clipped, limits placed, punctuation kept.

The fixture page holds every formula of the shipped LSTM and forward-pass
pages (read from ``entities/`` at test time), so the widest shipped display
equations are the ones measured.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import REPO, _build, _served
from trees import write_tree_into

from generator.render.mathml import _MATH

pytestmark = pytest.mark.browser
SHOTS = Path("/tmp/math-shots")


def _formulas(name: str) -> list[str]:
    text = (REPO / "entities" / f"{name}.md").read_text("utf-8")
    return [m.group() for m in _MATH.finditer(text)]


def _body() -> str:
    shipped = _formulas("lstm") + _formulas("forward-pass")
    display = "\n\n".join(f for f in shipped if f.startswith("$$"))
    inline = ", ".join(f for f in shipped if not f.startswith("$$"))
    return (
        f"Every formula of two shipped pages.\n\n{display}\n\nInline: {inline}.\n\n"
        "- In a list item: $W_1 \\mathbf{x} + \\mathbf{b}_1 = (1 - 2,\\; 0.5 + 2 - 1)"
        " = (-1, 1.5)$.\n\n"
        "Limits: $\\sum_{i=1}^{n} x_i$ inline and\n\n$$\\sum_{i=1}^{n} x_i$$\n\n"
        "A comma after $x$, a period after $f(x)$.\n\n"
        + " ".join(f"term $f(x_{i})$," for i in range(40))
        + "\n"
    )


@pytest.fixture(scope="module")
def math_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    tree = {
        "entities/math.md": (
            f"---\ntitle: Math\nsummary: Formulas.\nrelated: [other]\n---\n{_body()}"
        ),
        "entities/other.md": "---\ntitle: Other\nsummary: Another.\n---\nText.\n",
    }
    site = _build(write_tree_into(tmp_path_factory.mktemp("math-site"), tree), "--strict")
    with _served(site) as url:
        yield f"{url}concepts/math.html"


def _open(browser: Any, url: str, width: int, height: int) -> tuple[Any, Any]:
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    page.goto(url)
    page.wait_for_load_state("load")
    return context, page


_OVERFLOW = """() => {
  const vw = document.documentElement.clientWidth;
  const inScroller = e => {
    for (let p = e.parentElement; p; p = p.parentElement) {
      if (['auto', 'scroll'].includes(getComputedStyle(p).overflowX)) return true;
    }
    return false;
  };
  return [...document.querySelectorAll('.gg-math, .gg-math-display, .gg-nowrap, math')]
    .filter(e => e.getBoundingClientRect().right > vw + 0.5 && !inScroller(e))
    .map(e => e.outerHTML.slice(0, 120));
}"""

_DISPLAYS = """() => [...document.querySelectorAll('.gg-math-display')].map(d => {
  const m = d.querySelector('math').getBoundingClientRect(), b = d.getBoundingClientRect();
  return {scroll: d.scrollWidth, client: d.clientWidth, overflow: getComputedStyle(d).overflowX,
          left: m.left - b.left, top: m.top - b.top, bottom: b.bottom - m.bottom};
})"""


@pytest.mark.parametrize(("width", "height"), [(390, 844), (1280, 900)])
def test_no_math_widens_the_page_and_wide_display_math_scrolls(
    browser: Any, math_url: str, width: int, height: int
) -> None:
    context, page = _open(browser, math_url, width, height)
    try:
        SHOTS.mkdir(exist_ok=True)
        page.screenshot(path=str(SHOTS / f"fixture-{width}.png"), full_page=True)
        assert page.evaluate(_OVERFLOW) == [], "math outside a scroll box is wider than the page"
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        displays = page.evaluate(_DISPLAYS)
        assert displays, "no display math on the page"
        for box in displays:
            assert box["overflow"] == "auto"
            assert box["left"] >= -0.5, f"a display formula starts left of its box: {box}"
            assert box["top"] >= -0.5 and box["bottom"] >= -0.5, f"clipped vertically: {box}"
        wide = [box for box in displays if box["scroll"] > box["client"] + 1]
        if width == 390:
            assert wide, "the LSTM gate equations should be wider than a phone"
            page.locator(".gg-math-display").first.evaluate("d => d.scrollLeft = 10000")
            assert page.locator(".gg-math-display").first.evaluate("d => d.scrollLeft") > 0
        else:
            assert wide == [], f"at desktop width a shipped formula scrolls: {wide}"
    finally:
        context.close()


_LIMITS = """() => [...document.querySelectorAll('munderover')].map(u => {
  const op = u.children[0].getBoundingClientRect(), under = u.children[1].getBoundingClientRect();
  return {display: u.closest('math').getAttribute('display') === 'block',
          below: under.top >= op.bottom - 1, beside: under.left >= op.right - 1};
})"""


def test_sum_limits_are_below_in_display_and_beside_inline(browser: Any, math_url: str) -> None:
    context, page = _open(browser, math_url, 1280, 900)
    try:
        limits = page.evaluate(_LIMITS)
        assert {(x["display"], x["below"], x["beside"]) for x in limits} == {
            (True, True, False),
            (False, False, True),
        }, limits
    finally:
        context.close()


def test_punctuation_never_starts_a_line_after_math(browser: Any, math_url: str) -> None:
    context, page = _open(browser, math_url, 390, 844)
    try:
        for width in range(120, 380, 7):
            page.evaluate(
                f"document.querySelectorAll('.md-typeset p, .md-typeset li')"
                f".forEach(p => p.style.width = '{width}px')"
            )
            apart = page.evaluate(
                """() => [...document.querySelectorAll('.gg-nowrap')].filter(s => {
                  const m = s.querySelector('math').getBoundingClientRect();
                  const r = document.createRange(); r.setStart(s.lastChild, 0);
                  r.setEnd(s.lastChild, 1); const p = r.getBoundingClientRect();
                  return p.top >= m.bottom - 1; }).length"""
            )
            assert apart == 0, f"at {width}px a punctuation mark wrapped below its formula"
    finally:
        context.close()


def test_math_takes_the_text_colour_in_both_schemes(browser: Any, math_url: str) -> None:
    context, page = _open(browser, math_url, 1280, 900)
    try:
        for scheme in ("default", "slate"):
            page.evaluate(f"document.body.setAttribute('data-md-color-scheme', '{scheme}')")
            colours = page.evaluate(
                """() => [...document.querySelectorAll('.md-typeset math mi')].map(e =>
                  [getComputedStyle(e.closest('math').parentElement.closest('p, li')).color,
                   getComputedStyle(e).color])"""
            )
            assert colours, "no math on the page"
            wrong = [pair for pair in colours if pair[0] != pair[1]]
            assert wrong == [], f"{scheme}: math is not its paragraph's colour: {wrong[:3]}"
            page.screenshot(path=str(SHOTS / f"fixture-{scheme}.png"))
        text = page.evaluate("getComputedStyle(document.querySelector('.md-typeset mi')).color")
        red, green, blue = (int(v) for v in re.findall(r"\d+", text)[:3])
        assert min(red, green, blue) > 180, f"slate math should be light, not {text}"
    finally:
        context.close()


def test_formulas_on_the_fixture_are_the_shipped_ones() -> None:
    body = _body()
    assert len(re.findall(r"\$\$", body)) >= 2 * 5, "the LSTM and forward-pass pages have 5"
