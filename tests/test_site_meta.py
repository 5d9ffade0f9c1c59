"""Page metadata on a built site: descriptions, Open Graph tags, image boxes, the sitemap."""

from __future__ import annotations

import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest
from metasite import PAGES_DIRECTORY, SITE_NAME, TREE, build_site
from trees import write_tree_into

from generator.cli import main

pytestmark = pytest.mark.slow

SITE_URL = "https://example.org/notes/"
BIN = Path(sys.executable).parent


class _Head(HTMLParser):
    """Collect a page's <meta> tags (name or property -> content) and its <img> tags."""

    def __init__(self) -> None:
        super().__init__()
        self.meta: dict[str, str] = {}
        self.images: list[dict[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        key = found.get("property") or found.get("name")
        if tag == "meta" and key and found.get("content") is not None:
            self.meta.setdefault(key, str(found["content"]))
        if tag == "img":
            self.images.append(found)


def head_of(page: Path) -> _Head:
    parser = _Head()
    parser.feed(page.read_text("utf-8"))  # decodes every entity, as a browser does
    return parser


@pytest.fixture(scope="module")
def with_url(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_site(tmp_path_factory.mktemp("meta-url"), site_url=SITE_URL, directory_urls=True)


@pytest.fixture(scope="module")
def without_url(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_site(tmp_path_factory.mktemp("meta-bare"), site_url=None, directory_urls=False)


def test_concept_description_is_its_summary_escaped(with_url: Path) -> None:
    meta = head_of(with_url / "concepts" / "alpha" / "index.html").meta
    summary = 'It\'s "first" & <b>bold</b> 🚀, before beta.'
    assert meta["description"] == summary
    assert meta["og:description"] == summary
    assert meta["og:title"] == "Alpha & <Omega>"
    assert meta["og:type"] == "article"
    assert meta["og:site_name"] == SITE_NAME
    assert meta["og:url"] == f"{SITE_URL}concepts/alpha/"
    raw = (with_url / "concepts" / "alpha" / "index.html").read_text("utf-8")
    assert "<b>bold</b>" not in raw and "<Omega>" not in raw


def test_every_page_has_a_description_of_its_own(with_url: Path) -> None:
    descriptions = {}
    for url in PAGES_DIRECTORY:
        meta = head_of(with_url / url / "index.html").meta
        descriptions[url] = meta["description"]
        assert meta["og:description"] == meta["description"]
        assert meta["og:url"] == SITE_URL + url
        assert meta["og:type"] == ("article" if url.startswith("concepts/") else "website")
    assert len(set(descriptions.values())) == len(PAGES_DIRECTORY)
    assert descriptions["concepts/beta/"] == "The second letter."
    assert descriptions["tags/greek/"] == "2 concepts tagged greek: Alpha & <Omega>, beta."
    assert descriptions[""].startswith(f"{SITE_NAME}: a glossary of 3 concepts")
    assert head_of(with_url / "index.html").meta["og:title"] == SITE_NAME


def test_body_image_has_alt_text_and_its_box(with_url: Path) -> None:
    (image,) = head_of(with_url / "concepts" / "alpha" / "index.html").images
    assert image["alt"] == "Two boxes"  # the SVG's own <title>, not "boxes"
    assert (image["width"], image["height"]) == ("300", "120")


def test_sitemap_lists_every_page(with_url: Path) -> None:
    root = ET.parse(with_url / "sitemap.xml").getroot()
    namespace = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
    locations = sorted(loc.text or "" for loc in root.iter(f"{namespace}loc"))
    assert locations == sorted(SITE_URL + url for url in PAGES_DIRECTORY)


def test_without_site_url_the_sitemap_lists_nothing_and_no_og_url(without_url: Path) -> None:
    # MkDocs still writes sitemap.xml, with no URL in it: a sitemap needs absolute URLs.
    root = ET.parse(without_url / "sitemap.xml").getroot()
    assert list(root) == []
    meta = head_of(without_url / "concepts" / "alpha.html").meta
    assert "og:url" not in meta
    assert meta["og:title"] == "Alpha & <Omega>"


@pytest.mark.parametrize("builder", ["mkdocs", "zensical"])
def test_exported_docs_carry_the_same_metadata(tmp_path: Path, builder: str) -> None:
    write_tree_into(tmp_path, TREE)
    entities = str(tmp_path / "entities")
    argv = ["export-docs", str(tmp_path / "out"), "--site-name", "N&B", "--entities", entities]
    assert main(argv) == 0
    assert (tmp_path / "out" / "overrides" / "main.html").is_file()
    config = tmp_path / "out" / "mkdocs.yml"
    config.write_text(config.read_text("utf-8") + f"site_url: {SITE_URL}\n", "utf-8")
    if not (BIN / builder).exists():
        pytest.skip(f"{builder} is not installed")
    built = subprocess.run(
        [str(BIN / builder), "build"],
        cwd=tmp_path / "out",
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert built.returncode == 0, built.stdout + built.stderr
    meta = head_of(tmp_path / "out" / "site" / "concepts" / "alpha.html").meta
    assert meta["description"] == 'It\'s "first" & <b>bold</b> 🚀, before beta.'
    assert meta["og:description"] == meta["description"]
    assert meta["og:title"] == "Alpha & <Omega>"
    assert meta["og:site_name"] == "N&B"
    assert meta["og:url"] == f"{SITE_URL}concepts/alpha.html"
