"""A small glossary built once per session, served on 127.0.0.1, and a Chromium to drive it."""

from __future__ import annotations

import functools
import os
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from pagewatch import PageWatch
from trees import write_tree_into

REPO = Path(__file__).resolve().parents[2]

TREE = {
    "entities/machine-learning.md": (
        "---\ntitle: Machine learning\n"
        "summary: Programs that get better at a task from data.\ntags: [foundations]\n---\n"
        "Machine learning fits a model, often a [[Neural network]], to examples.\n"
    ),
    "entities/neural-network.md": (
        "---\ntitle: Neural network\n"
        "summary: Layers of simple units whose weights are learned.\n"
        "parent: machine-learning\nrequires: [artificial-neuron]\ntags: [architecture]\n"
        "aliases: [ANN]\ndemos: [hello]\n---\n"
        "A network stacks [[artificial-neuron|neurons]]. Each layer computes\n\n"
        "$$h = \\phi(Wx + b)$$\n\nwhere $W$ is a weight matrix. Costs \\$0.\n\n"
        "## Training\n\nThe weights follow [[Gradient descent]];"
        " see [[artificial-neuron#Weights]].\n"
    ),
    "entities/artificial-neuron.md": (
        "---\ntitle: Artificial neuron\n"
        "summary: A weighted sum of inputs passed through a non-linearity.\n"
        "parent: machine-learning\nrelated: [neural-network]\ntags: [foundations]\n---\n"
        "One unit of a [[neural-network]].\n\n## Weights\n\nNumbers the unit learns.\n"
    ),
    "entities/gradient-descent.md": (
        "---\ntitle: Gradient descent\n"
        "summary: Repeated small steps against the gradient of the loss.\n"
        "parent: machine-learning\nrelated: [neural-network]\n---\n"
        "Step size matters: `lr = 0.1` is a common start.\n"
    ),
    "entities/xss.md": (
        '---\ntitle: "<script>alert(1)</script>"\nsummary: "<img src=x onerror=alert(2)>"\n'
        'parent: machine-learning\ntags: ["<b>bold</b>"]\n---\nA harmless body.\n'
    ),
    "demos/hello.py": (
        "# %% [markdown]\n# Say hello from the kernel.\n\n# %%\nprint('hello from the kernel')\n"
        "\n# %%\nfrom IPython.display import HTML\n"
        "HTML('<table><tr><th>layer</th><th>units</th></tr><tr><td>1</td><td>4</td></tr></table>')\n"
    ),
}
# A demo that fails, on a site of its own: the main site is built with --strict.
FAILING_TREE = {
    "entities/broken.md": "---\nsummary: A demo that fails.\ndemos: [boom]\n---\nBody.\n",
    "demos/boom.py": (
        "# %%\ndef deep(n):\n    if n == 0:\n        raise ValueError('the demo went wrong')\n"
        "    return deep(n - 1)\n\n\ndeep(6)\n"
    ),
}


def _build(root: Path, *flags: str, site: Path | None = None) -> Path:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    site = site or root / "site"
    result = subprocess.run(
        [sys.executable, "-m", "generator.cli", "build", *flags, "--site-dir", str(site)],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return site


@pytest.fixture(scope="session")
def site_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _build(write_tree_into(tmp_path_factory.mktemp("browser-site"), TREE), "--strict")


@pytest.fixture(scope="session")
def shipped_site_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build the shipped glossary as `make site` does (demos come from its cache when warm)."""
    return _build(REPO, site=tmp_path_factory.mktemp("shipped-site") / "site")


@pytest.fixture(scope="session")
def shipped_base_url(shipped_site_dir: Path) -> Iterator[str]:
    with _served(shipped_site_dir) as url:
        yield url


@pytest.fixture(scope="session")
def failing_site_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _build(write_tree_into(tmp_path_factory.mktemp("failing-site"), FAILING_TREE))


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        del format, args


@contextmanager
def _served(
    folder: Path, handler_class: type[SimpleHTTPRequestHandler] = _QuietHandler, prefix: str = "/"
) -> Iterator[str]:
    handler = functools.partial(handler_class, directory=str(folder))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}{prefix}"
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def _watching(browser: Any, base_url: str) -> Iterator[PageWatch]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        yield PageWatch(context.new_page(), base_url)
    finally:
        context.close()


@pytest.fixture(scope="session")
def serve() -> Callable[..., AbstractContextManager[str]]:
    """Return ``serve(folder, handler_class, prefix)``: serve a folder on 127.0.0.1 meanwhile."""
    return _served


@pytest.fixture(scope="session")
def base_url(site_dir: Path) -> Iterator[str]:
    with _served(site_dir) as url:
        yield url


@pytest.fixture(scope="session")
def failing_base_url(failing_site_dir: Path) -> Iterator[str]:
    with _served(failing_site_dir) as url:
        yield url


@pytest.fixture
def watch(browser: Any, base_url: str) -> Iterator[PageWatch]:
    with _watching(browser, base_url) as watched:
        yield watched


@pytest.fixture
def failing_watch(browser: Any, failing_base_url: str) -> Iterator[PageWatch]:
    with _watching(browser, failing_base_url) as watched:
        yield watched
