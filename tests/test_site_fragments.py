"""Fragments through a real MkDocs build: the Markdown MkDocs gets, the page, the search index."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from test_site_build import glossgraph
from trees import write_tree_into

from generator.build import BuildOptions, build_docs
from generator.model import SiteUrl
from generator.render.siteconfig import site_config
from generator.search import EXCLUDE, search_html

pytestmark = pytest.mark.slow

FAKE = "<!-- gg-fragment-0123456789abcdef01234567-0 -->"
SITE = {
    "entities/attention.md": (
        "---\nsummary: Weights over positions.\nrelated: [softmax]\n---\n"
        f"Attention weighs values.\n\n{FAKE}\n\nTyped gg-fragment-0123456789abcdef01234567-0 too.\n"
    ),
    "entities/softmax.md": (
        "---\nsummary: Normalised exponentials.\n---\nTurns scores into [[attention]] weights.\n"
    ),
    # Save the Markdown MkDocs converts, after every plugin changed it.
    "hooks/capture.py": (
        "from pathlib import Path\n\n"
        "def on_page_markdown(markdown, page, config, files):\n"
        "    out = Path(config.config_file_path).parent / 'markdown' / page.file.src_uri\n"
        "    out.parent.mkdir(parents=True, exist_ok=True)\n"
        "    out.write_text(markdown, 'utf-8')\n"
    ),
}
RAW_BLOCK = re.compile(r"^\s*<(div|svg)\b", re.MULTILINE)


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = write_tree_into(tmp_path_factory.mktemp("fragments"), SITE)
    config = site_config("Fragments", "entities", ())
    del config["extra_css"], config["extra_javascript"]
    config["plugins"] = ["search", {"glossgraph": {"entities": "entities", "demos": "demos"}}]
    config["hooks"] = ["hooks/capture.py"]
    (folder / "mkdocs.yml").write_text(json.dumps(config), "utf-8")  # JSON is YAML
    result = glossgraph(folder, "build", "--strict", "--site-dir", "out")
    assert result.returncode == 0, result.stderr
    return folder


def _neighbourhood(root: Path) -> str:
    built = build_docs(BuildOptions(root / "entities", root / "demos"))
    fragments = built.tree.fragments.pages[SiteUrl("concepts/attention.md")]
    (picture,) = [f for f in fragments if f.startswith('<div class="gg-neighbourhood"')]
    return picture


def test_markdown_for_mkdocs_has_no_raw_html_for_generated_parts(root: Path) -> None:
    for page, placeholders in (("concepts/attention.md", False), ("graph.md", True)):
        text = (root / "markdown" / page).read_text("utf-8")
        assert RAW_BLOCK.search(text) is None, page
        assert "<svg" not in text
        ours = re.findall(r"<!-- gg-fragment-[0-9a-f]{24}-[0-9]+ -->", text.replace(FAKE, ""))
        # A concept page's parts sit beside its headings: no placeholder costs Markdown a block.
        assert bool(ours) is placeholders, page


def test_page_shows_its_fragment_exactly_once(root: Path) -> None:
    page = (root / "out" / "concepts" / "attention.html").read_text("utf-8")
    fragment = _neighbourhood(root)
    assert "<svg" in fragment
    assert page.count(fragment) == 1
    assert page.count('<div class="gg-neighbourhood"') == 1


def test_a_typed_placeholder_injects_and_swallows_nothing(root: Path) -> None:
    page = (root / "out" / "concepts" / "attention.html").read_text("utf-8")
    assert page.count(FAKE) == 1  # the author's comment, copied through as written
    assert "<p>Typed gg-fragment-0123456789abcdef01234567-0 too.</p>" in page
    assert "<p>Attention weighs values.</p>" in page
    assert page.index("Attention weighs") < page.index(FAKE) < page.index("gg-neighbourhood")


class _Searched(HTMLParser):
    """The text and tags search keeps: everything outside elements marked excluded."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.kept: list[str] = []
        self.skipping = 0  # depth inside an excluded element

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.skipping or any(name == EXCLUDE for name, _ in attrs):
            self.skipping += tag not in _VOID
        else:
            self.kept.append(f"<{tag} " + " ".join(name for name, _ in attrs) + ">")

    def handle_endtag(self, tag: str) -> None:
        if self.skipping:
            self.skipping -= 1

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.kept.append(data)


_VOID = frozenset({"br", "hr", "img", "input", "meta", "link", "wbr", "source", "col"})


def test_search_reads_no_fragment(root: Path) -> None:
    site = root / "out"
    assert not (site / "search" / "search_index.json").exists()  # Pagefind's index only
    built = (site / "concepts" / "attention.html").read_text("utf-8")
    assert "<svg" in built  # the picture is on the page...
    reader = _Searched()
    reader.feed(search_html(built))
    text = "".join(reader.kept)
    assert "Attention weighs values." in text
    assert "<svg" not in text and "data-key" not in text  # ...and never reaches search
    assert text.count("gg-fragment") == 1  # the author's typed one, nothing of ours


def test_a_removed_placeholder_fails_a_strict_build(tmp_path: Path) -> None:
    files = {
        "entities/a.md": "---\nsummary: A.\nrelated: [b]\n---\nBody.\n",
        "entities/b.md": "---\nsummary: B.\n---\nBody.\n",
        # A plugin that drops HTML comments and second-level headings from every converted page.
        "hooks/strip.py": (
            "import re\n\ndef on_page_content(html, page, config, files):\n"
            "    return re.sub(r'<!--.*?-->|<h2.*?</h2>', '', html)\n"
        ),
    }
    folder = write_tree_into(tmp_path, files)
    config = site_config("Fragments", "entities", ())
    del config["extra_css"], config["extra_javascript"]
    config["plugins"] = ["search", {"glossgraph": {"entities": "entities", "demos": "demos"}}]
    config["hooks"] = ["hooks/strip.py"]
    (folder / "mkdocs.yml").write_text(json.dumps(config), "utf-8")
    result = glossgraph(folder, "build", "--strict", "--site-dir", "out")
    assert result.returncode != 0
    for page in ("concepts/a", "graph"):  # a slot's heading, a placeholder
        assert re.search(
            rf"{page}\.md: [1-9]\d* generated part\(s\) lost their place", result.stderr
        )
    assert "Traceback" not in result.stderr
