"""A built site publishes each demo's script and executed notebook, and links Colab and Binder."""

from __future__ import annotations

import posixpath
import re
from pathlib import Path

import nbformat
import pytest
from test_site_build import glossgraph
from trees import write_tree_into

pytestmark = pytest.mark.slow

SCRIPT = (
    "# %% [markdown]\n# # Counting\n\n# %%\nimport math\n\n# %%\nprint('root', math.isqrt(49))\n"
)
CONFIG = (
    "site_name: Take-away\ndocs_dir: entities\nuse_directory_urls: true\n"
    "repo_url: https://github.com/ada/gloss\nedit_uri: edit/dev/entities/\n"
    "theme:\n  name: material\n  font: false\n  features: [content.code.copy]\n"
    "plugins:\n  - search\n  - glossgraph:\n      entities: entities\n      demos: demos\n"
    "markdown_extensions: [attr_list, md_in_html, pymdownx.superfences]\n"
)
TREE = {
    "mkdocs.yml": CONFIG,
    "entities/a.md": "---\nsummary: A.\nrelated: [b]\ndemos: [counting]\n---\nBody.\n",
    "entities/b.md": "---\nsummary: B.\nrelated: [a]\n---\nBody.\n",
    "demos/counting.py": SCRIPT,
}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = write_tree_into(tmp_path_factory.mktemp("downloads"), TREE)
    result = glossgraph(root, "build", "--strict", "--site-dir", "out")
    assert result.returncode == 0, result.stderr
    return root / "out"


def _hrefs(site: Path) -> list[str]:
    page = (site / "concepts" / "a" / "index.html").read_text("utf-8")
    return re.findall(r'href="([^"]+)"', page)


def _download(site: Path, suffix: str) -> bytes:
    """Follow the page's link to the file ending in ``suffix`` and return the file's bytes."""
    (href,) = [h for h in _hrefs(site) if h.endswith(suffix) and "://" not in h]
    return (site / posixpath.normpath(posixpath.join("concepts/a", href))).read_bytes()


def test_script_download_is_the_demo_source(site: Path) -> None:
    assert _download(site, "counting.py") == SCRIPT.encode()


def test_notebook_download_is_valid_and_executed(site: Path) -> None:
    notebook = nbformat.reads(_download(site, "counting.ipynb").decode(), as_version=4)  # type: ignore[no-untyped-call]
    nbformat.validate(notebook)  # type: ignore[no-untyped-call]
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert code[-1].outputs[0]["text"] == "root 7\n"
    assert all("execution" in cell.metadata for cell in code)


def test_binder_link_opens_the_script_on_the_edit_uri_branch(site: Path) -> None:
    binder = "https://mybinder.org/v2/gh/ada/gloss/dev?labpath=demos/counting.py"
    assert binder in _hrefs(site)
    assert not any("colab" in href for href in _hrefs(site))  # no notebook in the repository


def test_page_record_speaks_to_readers(site: Path) -> None:
    page = (site / "concepts" / "a" / "index.html").read_text("utf-8")
    record = re.search(r'<p class="gg-demo-record">(.*?)</p>', page, re.S)
    assert record is not None
    assert re.search(r"Ran on CPU( with torch \S+)? · its code took \d+\.\d s · ", record.group(1))
    assert "cache" not in record.group(1) and "this build" not in record.group(1)
