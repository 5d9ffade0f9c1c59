"""A vault using every Obsidian link form: check and build agree; the site has no broken link."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import unquote

import pytest
from sitecheck import broken_links
from test_site_build import glossgraph, tiny_png
from trees import write_tree_into

pytestmark = pytest.mark.slow

VAULT: Mapping[str, str | bytes] = {
    "entities/Perceptron.md": (
        "---\nsummary: One unit that learns a line.\n---\n"
        "The first learning machine, drawn here:\n\n"
        "![perceptron|300](Pasted%20image%2020230708174900.png)\n\n"
        "The paper: ![perceptron](perceptron.pdf) and [the data](data.csv).\n\n"
        "![[data.csv]]\n\n"
        "See [the rule](Other%20Note.md#Learning%20rule), [[notes/Other Note|the note]],"
        " [[Other Note#Learning rule#Bias]] and [[Other Note#^key-idea]].\n\n"
        "![[talk.mp4]]\n\n![[bell.mp3]]\n\n![[Other Note#Learning rule]]\n"
    ),
    "entities/notes/Other Note.md": (
        "---\nsummary: Where the rule is written down.\nrelated: [Perceptron]\n---\n"
        "The key idea is to nudge weights. ^key-idea\n\n"
        "## Learning rule\n\nAdd the error times the input, see [[Perceptron]].\n\n"
        "### Bias\n\nA weight on a constant input.\n\n## Later\n\nNot embedded.\n"
    ),
    "entities/assets/deep/Pasted image 20230708174900.png": tiny_png(),
    "entities/perceptron.pdf": b"%PDF-1.4\n%%EOF\n",
    "entities/data.csv": "x,y\n1,2\n",
    "entities/media/talk.mp4": b"\x00\x00\x00\x18ftypmp42",
    "entities/media/bell.mp3": b"ID3",
}


@pytest.fixture(scope="module")
def vault(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_tree_into(tmp_path_factory.mktemp("vault"), VAULT)


def _strict_site(vault: Path) -> Path:
    """Return the site a strict build writes, once a strict check passed; no link is broken."""
    check = glossgraph(vault, "check", "--strict")
    assert check.returncode == 0, check.stdout + check.stderr
    build = glossgraph(vault, "build", "--strict", "--site-dir", "out")
    assert build.returncode == 0, build.stderr
    site = vault / "out"
    assert broken_links(site) == []
    return site


def test_every_link_form_passes_check_and_build_strict(vault: Path) -> None:
    site = _strict_site(vault)
    page = (site / "concepts" / "perceptron.html").read_text("utf-8")
    assert 'src="../images/Pasted image 20230708174900.png" width="300"' in page.replace("%20", " ")
    assert '<iframe class="gg-pdf" src="../files/perceptron.pdf"' in page
    assert '<video class="gg-video" controls' in page and '<audio class="gg-audio" controls' in page
    assert 'href="../files/data.csv"' in page
    assert 'href="other-note.html#learning-rule"' in page
    assert 'href="other-note.html#bias"' in page
    assert 'href="other-note.html#gg-block-key-idea"' in page
    # The transcluded section: titled, linked, with its links re-based to this page.
    assert "Add the error times the input" in page and "Not embedded" not in page
    assert 'href="perceptron.html">Perceptron</a>' in page
    other = (site / "concepts" / "other-note.html").read_text("utf-8")
    assert 'id="gg-block-key-idea"' in other and "^key-idea" not in other
    for name in ("perceptron.pdf", "data.csv", "talk.mp4", "bell.mp3"):
        assert (site / "files" / name).is_file()


BROKEN: Mapping[str, str | bytes] = {
    "entities/a.md": (
        "---\nsummary: A.\n---\n"
        "Missing ![[gone.csv]] and [out](../outside.pdf) and ![p](nothing%20here.png).\n"
    ),
    "outside.pdf": b"%PDF-1.4\n",
}


def test_missing_and_outside_files_fail_both_strict_and_are_marked(tmp_path: Path) -> None:
    write_tree_into(tmp_path, BROKEN)
    check = glossgraph(tmp_path, "check", "--strict")
    assert check.returncode == 1
    assert [line for line in check.stdout.splitlines() if ": error: " in line] == [
        "entities/a.md:4:9: error: embedded file 'gone.csv' is not in the entities folder",
        "entities/a.md:4:27: error: '../outside.pdf' is outside the entities folder:"
        " move the file into it or link to it by its URL",
        "entities/a.md:4:53: error: embedded file 'nothing here.png' is not in the entities folder",
    ]
    assert glossgraph(tmp_path, "build", "--strict", "--site-dir", "strict").returncode == 1
    lenient = glossgraph(tmp_path, "build", "--site-dir", "out")
    assert lenient.returncode == 0, lenient.stderr
    page = (tmp_path / "out" / "concepts" / "a.html").read_text("utf-8")
    assert page.count('class="gg-dangling"') == 3
    assert broken_links(tmp_path / "out") == []
    assert not (tmp_path / "out" / "files" / "outside.pdf").exists()


ANCHORS: Mapping[str, str | bytes] = {
    "mkdocs.yml": (
        "site_name: Anchors\ndocs_dir: entities\nuse_directory_urls: false\n"
        "theme:\n  name: material\n  font: false\nplugins:\n  - glossgraph\n"
        "markdown_extensions:\n  - attr_list\n  - admonition\n  - toc:\n      permalink: true\n"
        "      slugify: !!python/object/apply:pymdownx.slugs.slugify {kwds: {case: lower}}\n"
    ),
    "entities/x.md": (
        "---\nsummary: Headings of every kind.\nrelated: [y]\n---\nFirst.\n\n"
        "## Über Größe\n\nA.\n\nSetext *title*\n---\n\nB.\n\n## The `code` part\n\n"
        "## Intro\n\n## Intro\n\n## Own {#chosen}\n"
    ),
    "entities/y.md": (
        "---\nsummary: Links to each heading.\nrelated: [x]\n---\n"
        "[[x#Über Größe]] [[x#Setext title]] [[x#The code part]] [[x#Intro]] [[x#Own]]\n"
    ),
}


def test_anchors_follow_the_configured_slugify_and_exist(tmp_path: Path) -> None:
    write_tree_into(tmp_path, ANCHORS)
    build = glossgraph(tmp_path, "build", "--strict", "--site-dir", "out")
    assert build.returncode == 0, build.stderr
    assert broken_links(tmp_path / "out") == []
    page = (tmp_path / "out" / "concepts" / "y.html").read_text("utf-8")
    hrefs = re.findall(r'href="(x\.html#[^"]+)"', page)
    assert [unquote(h) for h in hrefs] == [
        "x.html#über-größe",
        "x.html#setext-title",
        "x.html#the-code-part",
        "x.html#intro",
        "x.html#chosen",
    ]


NON_LATIN: Mapping[str, str | bytes] = {
    "entities/注意力.md": (
        "---\nsummary: 按相关性加权。\naliases: [自注意力]\n---\n"
        "由 [[反向传播]] 训练；参见 [[Внимание]] 与 [[自注意力|别名]]。\n"
    ),
    "entities/反向传播.md": "---\nsummary: 求梯度。\n---\n用于 [[注意力]]。\n",
    "entities/vnimanie.md": (
        "---\ntitle: Внимание\nsummary: Механизм весов.\nrelated: [注意力]\n---\n"
        "См. [[ВНИМАНИЕ]] и [[反向传播]].\n"
    ),
}


def test_a_vault_in_other_scripts_loads_as_it_is(tmp_path: Path) -> None:
    """No entity_key anywhere: file names, titles and aliases in Chinese and Cyrillic all link."""
    site = _strict_site(write_tree_into(tmp_path, NON_LATIN))
    pages = sorted(p.name for p in (site / "concepts").glob("*.html"))
    assert len(pages) == 3 and "vnimanie.html" in pages
    chinese = [p for p in pages if p != "vnimanie.html"]
    assert all(re.fullmatch(r"n-[0-9a-f]{10}\.html", p) for p in chinese), pages
    page = (site / "concepts" / "vnimanie.html").read_text("utf-8")
    assert page.count('href="vnimanie.html"') >= 1  # [[ВНИМАНИЕ]] finds its own title
    assert sum(page.count(f'href="{p}"') for p in chinese) >= 1


def test_a_concept_file_named_in_capitals_is_a_concept_not_a_left_out_file(
    tmp_path: Path,
) -> None:
    """UPPER.MD became the concept 'upper' and was also warned of as a file left unpublished."""
    vault = write_tree_into(
        tmp_path,
        {
            "entities/UPPER.MD": "---\nsummary: Loud.\nrelated: [b]\n---\nBody.\n",
            "entities/b.md": "---\nsummary: Quiet.\nrelated: [upper]\n---\nSee [[UPPER]].\n",
        },
    )
    site = _strict_site(vault)  # a strict build fails on the warning
    assert (site / "concepts" / "upper.html").is_file()
