"""Whole-site builds through the CLI: strict MkDocs build, links checked, export-docs builds."""

from __future__ import annotations

import os
import re
import shutil
import socket
import struct
import subprocess
import sys
import zlib
from collections.abc import Mapping
from pathlib import Path

import pytest
from sitecheck import broken_links
from trees import write_tree_into

from generator.model import SiteUrl

pytestmark = pytest.mark.slow
BIN = Path(sys.executable).parent
REPO = Path(__file__).resolve().parent.parent


def tiny_png() -> bytes:
    """Return a valid 4x4 PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    raw = b"".join(b"\x00" + b"\x80\x40\x20" * 4 for _ in range(4))
    header = struct.pack(">IIBBBBB", 4, 4, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


SITE: Mapping[str, str | bytes] = {
    "entities/machine-learning.md": (
        "---\nsummary: Programs that improve with data.\ntags: [foundations]\n---\n"
        "Learning from data, for example with a [[Neural network]].\n"
    ),
    "entities/neural-network.md": (
        "---\nsummary: Layers of simple units.\nparent: machine-learning\n"
        "requires: [artificial-neuron]\ntags: [architecture]\naliases: [ANN]\n---\n"
        "Built from [[artificial-neuron|neurons]]: $y = Wx + b$, costs \\$5.\n\n"
        "![[plot.png|A plot|200]]\n\n## Training\n\n"
        "See [[artificial-neuron#Weights]] and `[[code]]`.\n"
    ),
    "entities/artificial-neuron.md": (
        "---\nsummary: A weighted sum and a non-linearity.\nparent: machine-learning\n"
        "related: [neural-network]\n---\nOne unit.\n\n## Weights\n\nNumbers it learns.\n"
    ),
    "entities/img/plot.png": tiny_png(),
    "entities/xss.md": (
        '---\ntitle: "<script>alert(1)</script>"\nsummary: "<img src=x onerror=alert(2)>"\n'
        'parent: machine-learning\ntags: ["<b>bold</b>"]\n---\nA harmless body.\n'
    ),
}


def glossgraph(cwd: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run(
        [sys.executable, "-m", "generator.cli", *argv],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = write_tree_into(tmp_path_factory.mktemp("site"), SITE)
    result = glossgraph(root, "build", "--strict", "--site-dir", "out")
    assert result.returncode == 0, result.stderr
    return root / "out"


def assert_pictures_placed(site: Path) -> None:
    """Check each picture is on its page exactly once, and no placeholder is left anywhere.

    Zensical drops the ``data-search-exclude`` attribute once it has read it.
    """
    for page, css in (
        ("concepts/neural-network.html", "gg-neighbourhood"),
        ("graph.html", "gg-graph"),
    ):
        html = (site / page).read_text("utf-8")
        (opening,) = re.findall(f'<div class="{css}"[^>]*>', html)
        assert "<svg" in html.partition(opening)[2].partition("</article>")[0], page
    assert not [p for p in site.rglob("*.html") if "gg-fragment-" in p.read_text("utf-8")]


def test_pictures_are_placed(built: Path) -> None:
    assert_pictures_placed(built)


def test_every_internal_link_resolves(built: Path) -> None:
    assert (built / "concepts" / "neural-network.html").is_file()
    assert broken_links(built) == []


def test_concept_page_has_demo_free_anatomy(built: Path) -> None:
    page = (built / "concepts" / "neural-network.html").read_text("utf-8")
    assert 'href="artificial-neuron.html#weights"' in page
    assert "<code>[[code]]</code>" in page
    assert '<span class="gg-math"><math' in page and "costs &#36;5" in page
    assert 'src="../images/plot.png" width="200"' in page
    assert '<div class="gg-panel" data-search-exclude>' in page and "Learning path" in page


def test_script_title_is_text(built: Path) -> None:
    page = (built / "concepts" / "xss.html").read_text("utf-8")
    assert "<script>alert(1)" not in page
    assert "<img src=x" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page or "&#60;script&#62;" in page


def test_nav_stays_small(built: Path) -> None:
    home = (built / "index.html").read_text("utf-8")
    assert home.count('href="concepts/') < 10
    assert "A–Z" in home and "Graph" in home


def test_link_checker_finds_a_broken_link(tmp_path: Path) -> None:
    (tmp_path / "a.html").write_text(
        '<a href="b.html">b</a><img src="https://x.org/i.png">'
        '<a href="c.html#here">c</a><a href="c.html#gone">c</a><a href="#top" id="top">t</a>'
    )
    (tmp_path / "c.html").write_text('<h2 id="here">Here</h2>')
    assert broken_links(tmp_path) == [
        "a.html: href=b.html",
        "a.html: off-origin src=https://x.org/i.png",
        "a.html: href=c.html#gone (no such anchor)",
    ]


def test_dangling_link_is_marked_and_fails_strict(tmp_path: Path) -> None:
    write_tree_into(tmp_path, {"entities/a.md": "---\nsummary: A.\n---\nSee [[nowhere]].\n"})
    lenient = glossgraph(tmp_path, "build", "--site-dir", "out")
    assert lenient.returncode == 0, lenient.stderr
    assert "entities/a.md:4:5: error: link target 'nowhere' is not a concept" in lenient.stderr
    page = (tmp_path / "out" / "concepts" / "a.html").read_text("utf-8")
    assert 'title="link target &#39;nowhere&#39; is not a concept">nowhere</span>' in page
    strict = glossgraph(tmp_path, "build", "--strict", "--site-dir", "out2")
    assert strict.returncode == 1
    assert "strict" in strict.stderr and "Traceback" not in strict.stderr


def test_content_errors_stop_the_build_without_traceback(tmp_path: Path) -> None:
    write_tree_into(tmp_path, {"entities/a.md": "---\nparent: [unclosed\n---\nBody.\n"})
    result = glossgraph(tmp_path, "build", "--site-dir", "out")
    assert result.returncode == 1
    # First on stderr: the build stops before MkDocs logs (or cleans) anything.
    assert result.stderr.startswith("entities/a.md:3:1: error: invalid YAML")
    assert "the site was not built" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "out" / "index.html").exists()


@pytest.mark.parametrize("builder", ["mkdocs", "zensical"])
def test_exported_docs_build_without_plugin(tmp_path: Path, builder: str) -> None:
    write_tree_into(tmp_path, SITE)
    exported = glossgraph(tmp_path, "export-docs", "export")
    assert exported.returncode == 0, exported.stderr
    assert (
        "glossgraph"
        not in (tmp_path / "export" / "mkdocs.yml")
        .read_text("utf-8")
        .split("plugins:")[1]
        .split("markdown_extensions")[0]
    )
    if shutil.which(builder, path=str(BIN)) is None:
        pytest.skip(f"{builder} is not installed")
    result = subprocess.run(
        [str(BIN / builder), "build"],
        cwd=tmp_path / "export",
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    site = tmp_path / "export" / "site"
    assert (site / "concepts" / "neural-network.html").is_file()
    assert_pictures_placed(site)
    assert broken_links(site) == []
    assert inventory_names(site / "objects.inv")["ann"] == "concepts/neural-network.html"


def inventory_names(path: Path) -> dict[str, str]:
    """Return name -> URI of each entry in an objects.inv, as sphobjinv reads it."""
    soi = pytest.importorskip("sphobjinv")
    return {o.name: o.uri for o in soi.Inventory(zlib=path.read_bytes()).objects}


def test_site_publishes_an_intersphinx_inventory(built: Path) -> None:
    names = inventory_names(built / "objects.inv")
    assert names["neural-network"] == "concepts/neural-network.html"
    assert (built / names["ann"]).is_file()


def test_failed_demo_is_shown_and_fails_strict(tmp_path: Path) -> None:
    write_tree_into(
        tmp_path,
        {
            "entities/a.md": "---\nsummary: A.\ndemos: [boom]\n---\nBody.\n",
            "demos/boom.py": "# %%\nprint('before')\nraise ValueError('demo went wrong')\n",
        },
    )
    lenient = glossgraph(tmp_path, "build", "--site-dir", "out")
    assert lenient.returncode == 0, lenient.stderr
    said = "demos/boom.py:3:1: warning: demo 'boom' failed (error): ValueError: demo went wrong;"
    assert said in lenient.stderr
    page = (tmp_path / "out" / "concepts" / "a.html").read_text("utf-8")
    assert "demo went wrong" in page and "before" in page
    assert "demos: 1 executed, 0 cached, 0 frozen, 1 failed (boom: error)" in lenient.stderr
    strict = glossgraph(tmp_path, "build", "--strict", "--site-dir", "out2")
    assert strict.returncode == 1 and "Traceback" not in strict.stderr


def test_second_build_executes_no_demo(tmp_path: Path) -> None:
    write_tree_into(
        tmp_path,
        {
            "entities/a.md": "---\nsummary: A.\ndemos: [hello]\n---\nBody.\n",
            "demos/hello.py": "# %%\nprint('hello from the kernel')\n",
        },
    )
    first = glossgraph(tmp_path, "build", "--site-dir", "out")
    second = glossgraph(tmp_path, "build", "--site-dir", "out")
    assert "demos: 1 executed, 0 cached, 0 frozen, 0 failed" in first.stderr, first.stderr
    assert "demos: 0 executed, 1 cached, 0 frozen, 0 failed" in second.stderr, second.stderr
    page = (tmp_path / "out" / "concepts" / "a.html").read_text("utf-8")
    assert "hello from the kernel" in page


def test_export_refuses_a_folder_it_did_not_write(tmp_path: Path) -> None:
    from generator.errors import UsageError
    from generator.render.docstree import DocsTree
    from generator.render.siteconfig import export_docs

    tree = DocsTree({SiteUrl("index.md"): "# Home\n"})
    export_docs(tree, tmp_path / "ok", "Site")
    export_docs(DocsTree({SiteUrl("a-z.md"): "# A–Z\n"}), tmp_path / "ok", "Site")
    assert sorted(p.name for p in (tmp_path / "ok" / "docs").iterdir()) == ["a-z.md"]
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.txt").write_text("keep me")
    with pytest.raises(UsageError, match="not empty"):
        export_docs(tree, tmp_path / "mine", "Site")
    assert (tmp_path / "mine" / "notes.txt").read_text() == "keep me"


def _mkdocs(cwd: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(BIN / "mkdocs"), *argv], cwd=cwd, capture_output=True, text=True, timeout=600
    )


def test_a_missing_entities_folder_is_one_line_in_plain_mkdocs(tmp_path: Path) -> None:
    """``mkdocs build`` (as every ``serve`` rebuild) reports it as MkDocs' plugin error."""
    write_tree_into(
        tmp_path,
        {
            "mkdocs.yml": "site_name: T\ndocs_dir: docs\ntheme: material\nplugins: [glossgraph]\n",
            "docs/index.md": "# T\n",
        },
    )
    result = _mkdocs(tmp_path, "build", "-q")
    assert result.returncode == 1
    assert "entities folder" in result.stderr and "does not exist" in result.stderr
    assert "Traceback" not in result.stderr, result.stderr


def test_a_config_reached_through_a_symlink_builds_no_raw_entity_page(tmp_path: Path) -> None:
    real = write_tree_into(tmp_path / "real", dict(SITE))
    (real / "mkdocs.yml").write_text(
        "site_name: T\ndocs_dir: entities\ntheme: material\nplugins:\n  - search\n  - glossgraph\n",
        "utf-8",
    )
    (tmp_path / "link").symlink_to(real, target_is_directory=True)
    result = glossgraph(tmp_path, "build", "--config", "link/mkdocs.yml", "--site-dir", "out")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "out" / "concepts" / "neural-network" / "index.html").is_file()
    assert not (tmp_path / "out" / "neural-network").exists()  # the source as a page


def test_serve_on_a_busy_port_says_so(tmp_path: Path) -> None:
    write_tree_into(tmp_path, {k: v for k, v in SITE.items() if k.endswith(".md")})
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = glossgraph(tmp_path, "serve", "--dev-addr", f"127.0.0.1:{port}")
    assert result.returncode == 2, result.stderr
    assert f"cannot serve on 127.0.0.1:{port}" in result.stderr
    assert "--dev-addr" in result.stderr and "Traceback" not in result.stderr


def test_another_theme_is_refused_with_what_to_set(tmp_path: Path) -> None:
    write_tree_into(tmp_path, {k: v for k, v in SITE.items() if k.endswith(".md")})
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: T\ndocs_dir: entities\nplugins: [glossgraph]\n", "utf-8"
    )
    result = glossgraph(tmp_path, "build", "--config", "mkdocs.yml", "--site-dir", "out")
    assert result.returncode == 1
    assert "Material theme, not 'mkdocs'" in result.stderr and "Traceback" not in result.stderr


MINIMAL = "site_name: T\ndocs_dir: docs\ntheme: material\nplugins: [search, glossgraph]\n"


def _own_config(tmp_path: Path, config: str, extra: Mapping[str, str] | None = None) -> Path:
    write_tree_into(tmp_path, SITE)
    write_tree_into(tmp_path, {"mkdocs.yml": config, "docs/about.md": "# About\n", **(extra or {})})
    return tmp_path


def test_a_config_without_our_extensions_gets_them_added(tmp_path: Path) -> None:
    _own_config(tmp_path, MINIMAL)
    result = glossgraph(tmp_path, "build", "--config", "mkdocs.yml", "--site-dir", "out")
    assert result.returncode == 0, result.stderr
    assert "added the Markdown extensions its pages need: attr_list" in result.stderr
    page = (tmp_path / "out" / "concepts" / "neural-network" / "index.html").read_text("utf-8")
    assert "{: .gg-lead }" not in page and "data-search-exclude }" not in page
    assert 'class="gg-lead"' in page


def test_own_pages_that_a_generated_one_replaces_are_named(tmp_path: Path) -> None:
    _own_config(tmp_path, MINIMAL, {"docs/index.md": "# My own home\n"})
    result = glossgraph(tmp_path, "build", "--config", "mkdocs.yml", "--site-dir", "out")
    assert result.returncode == 0, result.stderr
    assert "index.md is replaced by the page glossgraph writes there" in result.stderr
    assert "about.md is replaced" not in result.stderr  # the author's own page is kept


def test_site_files_in_the_entities_folder_are_named_when_left_out(tmp_path: Path) -> None:
    config = "site_name: T\ndocs_dir: entities\ntheme: material\nplugins: [search, glossgraph]\n"
    _own_config(tmp_path, config, {"entities/CNAME": "glossary.example.org\n"})
    result = glossgraph(tmp_path, "build", "--config", "mkdocs.yml", "--site-dir", "out")
    assert result.returncode == 0, result.stderr
    assert "CNAME in the entities folder is not published" in result.stderr
    assert "plot.png" not in result.stderr  # an image a concept shows is published


def test_heading_links_follow_the_toc_separator(tmp_path: Path) -> None:
    config = MINIMAL + "markdown_extensions:\n  - attr_list\n  - toc:\n      separator: _\n"
    _own_config(
        tmp_path,
        config,
        {"entities/artificial-neuron.md": "---\nsummary: A unit.\n---\n## Why it matters\n"},
    )
    (tmp_path / "entities" / "xss.md").write_text(
        "---\nsummary: S.\n---\nSee [[artificial-neuron#Why it matters]].\n", "utf-8"
    )
    result = glossgraph(tmp_path, "build", "--config", "mkdocs.yml", "--site-dir", "out")
    assert result.returncode == 0, result.stderr
    target = (tmp_path / "out" / "concepts" / "artificial-neuron" / "index.html").read_text()
    assert 'id="why_it_matters"' in target
    linking = (tmp_path / "out" / "concepts" / "xss" / "index.html").read_text("utf-8")
    assert "#why_it_matters" in linking and "#why-it-matters" not in linking


def test_other_plugins_get_their_startup_and_new_pages(tmp_path: Path) -> None:
    """A blog adds archive pages after our files; optimize needs its on_startup."""
    config = MINIMAL.replace("[search, glossgraph]", "[search, blog, glossgraph, optimize]")
    post = "---\ndate: 2024-01-02\n---\n# A post\n\nWritten.\n"
    _own_config(tmp_path, config, {"docs/blog/index.md": "# Blog\n", "docs/blog/posts/a.md": post})
    result = glossgraph(tmp_path, "build", "--config", "mkdocs.yml", "--site-dir", "out")
    assert "Traceback" not in result.stderr, result.stderr
    assert "KeyError" not in result.stderr and "has no attribute" not in result.stderr


def test_open_graph_tags_escape_an_authors_own_front_matter(tmp_path: Path) -> None:
    page = '---\ntitle: Say "hi" & <b>bye</b>\ndescription: A <i>short</i> one\n---\n# Hi\n'
    _own_config(tmp_path, MINIMAL, {"docs/about.md": page})
    result = glossgraph(tmp_path, "build", "--config", "mkdocs.yml", "--site-dir", "out")
    assert result.returncode == 0, result.stderr
    html = (tmp_path / "out" / "about" / "index.html").read_text("utf-8")
    assert (
        '<meta property="og:title" content="Say &#34;hi&#34; &amp; &lt;b&gt;bye&lt;/b&gt;">' in html
    )
    assert '<meta property="og:description" content="A &lt;i&gt;short&lt;/i&gt; one">' in html
    concept = (tmp_path / "out" / "concepts" / "xss" / "index.html").read_text("utf-8")
    assert 'og:title" content="&lt;script&gt;alert(1)&lt;/script&gt;"' in concept  # once, not twice


def test_entities_inside_the_docs_folder_are_not_published_raw(tmp_path: Path) -> None:
    config = MINIMAL + "  - glossgraph:\n      entities: docs/entities\n"
    config = config.replace("plugins: [search, glossgraph]\n", "plugins:\n  - search\n")
    tree = {f"docs/{k}": v for k, v in SITE.items()}
    write_tree_into(tmp_path, {**tree, "mkdocs.yml": config, "docs/about.md": "# About\n"})
    result = glossgraph(tmp_path, "build", "--config", "mkdocs.yml", "--site-dir", "out")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "out" / "concepts" / "neural-network" / "index.html").is_file()
    assert (tmp_path / "out" / "about" / "index.html").is_file()
    assert not (tmp_path / "out" / "entities").exists()  # the sources, unrendered


def test_a_site_without_a_search_box_gets_no_index(tmp_path: Path) -> None:
    """No search plugin (or one disabled): no Pagefind bundle; turning search on adds it back."""
    write_tree_into(tmp_path, SITE)
    steps = [
        ("plugins: [glossgraph]\n", False),
        ("plugins: [search, glossgraph]\n", True),
        ("plugins:\n  - search:\n      enabled: false\n  - glossgraph\n", False),
    ]
    for plugins, searched in steps:  # one site folder: each build is incremental on the last
        config = "site_name: T\ndocs_dir: entities\ntheme: material\n" + plugins
        (tmp_path / "mkdocs.yml").write_text(config, "utf-8")
        result = glossgraph(tmp_path, "build", "--config", "mkdocs.yml", "--site-dir", "out")
        assert result.returncode == 0, result.stderr
        site = tmp_path / "out"
        assert (site / "pagefind" / "pagefind-entry.json").is_file() is searched, plugins
        assert (site / "pagefind").exists() is searched, plugins  # none left from a last build
        page = next((site / "concepts").rglob("*.html")).read_text("utf-8")
        assert ("data-gg-search" in page) is searched, plugins
        assert not (site / "search" / "search_index.json").exists()
