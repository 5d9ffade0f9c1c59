"""The search index: what of a built page Pagefind reads, and the bundle it writes."""

from __future__ import annotations

from pathlib import Path, PurePosixPath

import pytest

from generator.search import SearchIndexError, index_site, result_url, scratch_dir, search_html


def page(article: str) -> str:
    return (
        '<html lang="en"><body><nav>Home A–Z Tags</nav>'
        f'<article class="md-content__inner md-typeset">{article}</article>'
        "<footer>Made with Material</footer></body></html>"
    )


def test_only_the_article_is_read() -> None:
    html = search_html(page("<p>Body.</p>"))
    assert "Body." in html
    assert "Home" not in html and "Material" not in html
    assert html.startswith('<html lang="en">')


@pytest.mark.parametrize(
    ("article", "kept", "dropped"),
    [
        # An excluded h2 drops its section up to the next h2.
        (
            "<h2 data-search-exclude>Related</h2><ul><li>A list</li></ul><h2>Use</h2><p>Prose</p>",
            ["Use", "Prose"],
            ["Related", "A list"],
        ),
        # ... including its h3 sub-sections, and to the end when nothing follows.
        (
            "<p>Intro</p><h2 data-search-exclude>Path</h2><h3>Sub</h3><p>Inside</p>",
            ["Intro"],
            ["Path", "Sub", "Inside"],
        ),
        # An excluded h3 ends at the next h3 or h2, whichever comes first.
        (
            "<h2>A</h2><h3 data-search-exclude>B</h3><p>gen</p><h3>C</h3><p>kept</p>",
            ["A", "C", "kept"],
            ["B", "gen"],
        ),
        # Two excluded sections in a row.
        (
            "<h2 data-search-exclude>X</h2><p>x</p>"
            "<h2 data-search-exclude>Y</h2><p>y</p><h2>Z</h2>",
            ["Z"],
            [">X<", ">x<", ">Y<", ">y<"],
        ),
    ],
)
def test_excluded_sections_are_dropped(article: str, kept: list[str], dropped: list[str]) -> None:
    html = search_html(page(article))
    assert all(text in html for text in kept), html
    assert not any(text in html for text in dropped), html


def test_title_and_aliases_weigh_more_than_the_body() -> None:
    html = search_html(page('<h1 id="t">Title</h1><p class="gg-aliases">Also called: T</p>'))
    assert '<h1 data-pagefind-weight="10" id="t">' in html
    assert '<p class="gg-aliases" data-pagefind-weight="9">' in html


def test_result_urls() -> None:
    assert result_url(PurePosixPath("concepts/a.html"), False) == "/concepts/a.html"
    assert result_url(PurePosixPath("concepts/a/index.html"), True) == "/concepts/a/"


def _site(folder: Path) -> Path:
    (folder / "concepts").mkdir(parents=True)
    (folder / "search").mkdir()
    (folder / "search" / "search_index.json").write_text("{}")
    (folder / "index.html").write_text(page("<h1>Home</h1>"))
    for name in ("alpha", "beta"):
        (folder / "concepts" / f"{name}.html").write_text(page(f"<h1>{name}</h1><p>Text.</p>"))
    return folder


def test_index_site_writes_the_bundle_and_drops_materials_index(tmp_path: Path) -> None:
    site = _site(tmp_path / "site")
    built = index_site(site, directory_urls=False)
    assert built.pages == 2  # the concept pages, not the home page
    assert (site / "pagefind" / "pagefind.js").is_file()
    assert list((site / "pagefind" / "fragment").iterdir())
    assert not (site / "search").exists()


def test_a_site_with_no_concept_pages_gets_no_bundle(tmp_path: Path) -> None:
    """An empty glossary's build died: Pagefind refuses a folder with no pages."""
    site = _site(tmp_path / "site")
    index_site(site, directory_urls=False)
    for page in (site / "concepts").iterdir():
        page.unlink()
    built = index_site(site, directory_urls=False)
    assert built.pages == 0 and not (site / "pagefind").exists()


def test_a_missing_pagefind_binary_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(tmp_path / "no-such-pagefind"))
    with pytest.raises(SearchIndexError, match=r"pip install 'pagefind\[bin\]'"):
        index_site(_site(tmp_path / "site"), directory_urls=False)


def test_scratch_copies_go_to_memory_only_when_it_has_room(tmp_path: Path) -> None:
    room = tmp_path / "shm"
    room.mkdir()
    assert scratch_dir(1000, room) == str(room)
    assert scratch_dir(10**18, room) is None  # more than any disk holds: the temporary folder
    assert scratch_dir(1000, tmp_path / "absent") is None
