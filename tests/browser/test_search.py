"""Search in headless Chromium: Material's dialog answered by Pagefind, on 1,000 concepts and small.

Each query is typed into the dialog as a reader would, and the first result
must be the concept (or the section) it came from.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from conftest import REPO, _build, _served, _watching
from pagewatch import PageWatch
from playwright.sync_api import expect
from trees import load_bench_module

from generator.search import index_site

pytestmark = [pytest.mark.browser, pytest.mark.slow]

synth = load_bench_module("synth")

SYNTHETIC = 1000
CASES = 3
_TITLE = re.compile(r"^title: (.+)$", re.M)
_ALIASES = re.compile(r"^aliases: \[([^\]]+)\]$", re.M)
_SECTION = re.compile(r"^## (.+)\n\n(.+)$", re.M)
_PLAIN_SENTENCE = re.compile(r"^[A-Za-z][A-Za-z ,-]{30,}$")


@dataclass(frozen=True, slots=True)
class Case:
    """One synthetic concept and three ways to search for it."""

    page: str  # "/concepts/<key>.html"
    title: str
    alias: str
    heading: str
    sentence: str


def _cases(entities: Path) -> list[Case]:
    """Return the first CASES concepts with an alias and a section that opens with plain prose."""
    found: list[Case] = []
    for path in sorted(entities.glob("*.md")):
        text = path.read_text("utf-8")
        title, aliases = _TITLE.search(text), _ALIASES.search(text)
        section = _SECTION.search(text)
        if not (title and aliases and section):
            continue
        plain = [s for s in section.group(2).split(". ") if _PLAIN_SENTENCE.match(s)]
        if not plain:
            continue
        key = synth.slug(title.group(1))
        alias = aliases.group(1).split(", ")[0]
        found.append(Case(f"/concepts/{key}.html", title.group(1), alias, section[1], plain[0]))
        if len(found) == CASES:
            break
    assert len(found) == CASES
    return found


@pytest.fixture(scope="module")
def synthetic_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build a 1,000-concept synthetic glossary with no demos, once for this module."""
    root = tmp_path_factory.mktemp("search-1000")
    synth.write_corpus(SYNTHETIC, root, seed=1, demos=0)
    _build(root)
    return root


@pytest.fixture(scope="module")
def synthetic_url(synthetic_site: Path) -> Iterator[str]:
    with _served(synthetic_site / "site") as url:
        yield url


@pytest.fixture
def synthetic(browser: Any, synthetic_url: str) -> Iterator[PageWatch]:
    with _watching(browser, synthetic_url) as watched:
        yield watched


def search(page: Any, query: str) -> list[list[str]]:
    """Type ``query`` into the search dialog; return each result's links (page, then sections)."""
    page.keyboard.press("/")
    page.locator("input.md-search__input").fill(query)
    page.wait_for_function(
        "q => document.querySelector('[data-gg-search-list]').dataset.query === q", arg=query
    )
    return page.eval_on_selector_all(  # type: ignore[no-any-return]
        "[data-gg-search-list] > li",
        "items => items.map(li => [...li.querySelectorAll('a')].map(a => a.getAttribute('href')))",
    )


def _anchor(site: Path, case: Case) -> str:
    html = (site / case.page.lstrip("/")).read_text("utf-8")
    match = re.search(r'<h2 id="([^"]+)">' + re.escape(case.heading) + "<", html)
    assert match, case.heading
    return match.group(1)


def test_title_alias_and_body_phrase_find_their_concept_first(
    synthetic: PageWatch, synthetic_site: Path
) -> None:
    synthetic.page.goto(synthetic.base_url + "index.html")
    for case in _cases(synthetic_site / "entities"):
        assert search(synthetic.page, case.title)[0][0] == case.page, case.title
        assert search(synthetic.page, case.alias)[0][0] == case.page, case.alias
        first = search(synthetic.page, case.sentence)[0]
        assert first[0] == case.page, case.sentence
        anchor = _anchor(synthetic_site / "site", case)
        assert first[1] == f"{case.page}#{anchor}", (case.sentence, first)
    synthetic.assert_clean()


def test_a_page_loads_no_whole_site_index(synthetic: PageWatch, synthetic_site: Path) -> None:
    synthetic.page.goto(synthetic.base_url + "index.html")
    search(synthetic.page, "gradient")
    assert not any("search_index" in url for url in synthetic.requests)
    assert not (synthetic_site / "site" / "search" / "search_index.json").exists()
    fragments = [u for u in synthetic.requests if "/pagefind/fragment/" in u]
    # Only the results on screen are fetched, not one fragment per matching page.
    assert 0 < len(fragments) <= 15


def test_small_glossary_title_and_alias(watch: PageWatch) -> None:
    watch.page.goto(watch.base_url + "concepts/gradient-descent.html")
    assert search(watch.page, "Neural network")[0][0] == "/concepts/neural-network.html"
    assert search(watch.page, "ANN")[0][0] == "/concepts/neural-network.html"
    results = search(watch.page, "Numbers the unit learns")
    assert results[0] == [
        "/concepts/artificial-neuron.html",
        "/concepts/artificial-neuron.html#weights",
    ]
    watch.shot("search-dialog")
    watch.assert_clean()


def test_generated_parts_are_not_indexed(watch: PageWatch) -> None:
    watch.page.goto(watch.base_url)
    # In quotes, Pagefind looks for the exact phrase: the neighbourhood picture's
    # title is on the page, in a part marked data-search-exclude.
    assert search(watch.page, '"Concepts around Neural network"') == []
    expect(watch.page.locator("[data-gg-search-meta]")).to_have_text("No matching documents")
    assert search(watch.page, '"Numbers the unit learns"') != []


MARKED = (
    '<html lang="en"><body><nav>Navigation</nav><article class="md-content__inner md-typeset">'
    '<h1 id="alpha">Alpha</h1><p>Prose about quokkas.</p>'
    '<div class="gg-panel" data-search-exclude><p>Related: wombats</p></div>'
    '<h2 data-search-exclude id="gen">Generated</h2><ul><li>numbats</li></ul>'
    '<h2 id="body">Body</h2><p>More prose on echidnas.</p></article></body></html>'
)


def test_marked_parts_of_a_page_are_not_indexed(browser: Any, tmp_path: Path) -> None:
    site = tmp_path / "site"
    (site / "concepts").mkdir(parents=True)
    (site / "concepts" / "alpha.html").write_text(MARKED, "utf-8")
    index_site(site, directory_urls=False)
    with _served(site) as url, _watching(browser, url) as watched:
        watched.page.goto(url + "concepts/alpha.html")
        found = watched.page.evaluate(
            """async words => {
                const pagefind = await import("/pagefind/pagefind.js");
                const out = {};
                for (const word of words) out[word] = (await pagefind.search(word)).results.length;
                return out;
            }""",
            ['"quokkas"', '"echidnas"', '"wombats"', '"numbats"', '"generated"', '"navigation"'],
        )
    assert found == {
        '"quokkas"': 1,
        '"echidnas"': 1,
        '"wombats"': 0,  # in an excluded element
        '"numbats"': 0,  # in an excluded section
        '"generated"': 0,  # that section's heading
        '"navigation"': 0,  # outside the article
    }


def test_keyboard_opens_searches_and_closes(watch: PageWatch) -> None:
    page = watch.page
    page.goto(watch.base_url + "concepts/machine-learning.html")
    toggle = page.locator("#__search")
    for key in ("s", "/"):
        page.keyboard.press(key)
        expect(toggle).to_be_checked()
        expect(page.locator("input.md-search__input")).to_be_focused()
        page.keyboard.press("Escape")
        expect(toggle).not_to_be_checked()
    search(page, "Gradient descent")
    page.keyboard.press("ArrowDown")
    expect(page.locator("[data-gg-search-list] a").first).to_be_focused()
    page.keyboard.press("ArrowUp")
    expect(page.locator("input.md-search__input")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"concepts/gradient-descent\.html$"))
    watch.assert_clean()


def test_markup_in_a_title_shows_as_text(watch: PageWatch) -> None:
    watch.page.goto(watch.base_url)
    results = search(watch.page, "harmless body")
    assert results[0][0] == "/concepts/xss.html"
    heading = watch.page.locator("[data-gg-search-list] h1").first
    expect(heading).to_have_text("<script>alert(1)</script>")
    watch.assert_clean()


def _shown_commands(page: Any) -> list[str]:
    return page.eval_on_selector_all(  # type: ignore[no-any-return]
        ".gg-search-offline code", "codes => codes.map(c => c.textContent)"
    )


def test_from_disk_the_dialog_says_what_to_run(browser: Any, site_dir: Path) -> None:
    root = site_dir.resolve().as_uri() + "/"
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    try:
        page = context.new_page()
        failed: list[str] = []
        page.on("requestfailed", lambda request: failed.append(request.url))
        page.goto(root + "concepts/neural-network.html")
        page.keyboard.press("/")
        page.locator("input.md-search__input").fill("neural")
        notice = page.locator(".gg-search-offline")
        expect(notice).to_be_visible()
        expect(notice).to_contain_text("served over HTTP")
        # Chromium refuses the module script over file:// (origin 'null'): the
        # notice answers a real failure, not a guess from the URL.
        assert any(u.endswith("/pagefind/pagefind.js") for u in failed)
        commands = _shown_commands(page)
        assert "python -m http.server -d site" in commands
        readme = (REPO / "README.md").read_text("utf-8")
        assert all(command in readme for command in commands), commands
    finally:
        context.close()


def test_search_results_use_the_site_origin_only(watch: PageWatch) -> None:
    watch.page.goto(watch.base_url + "concepts/neural-network.html")
    search(watch.page, "weights")
    assert any("/pagefind/" in u for u in watch.requests)
    assert watch.off_origin() == []
