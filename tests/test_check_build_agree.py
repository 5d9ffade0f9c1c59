"""Property: ``check --strict`` passes exactly when ``build --strict`` does, on generated vaults.

Both sides run in-process without MkDocs: the check is the linked graph's
diagnostics; the build is ``build_docs`` (no demos), whose pages only format
the linker's records. The pages must also agree with the records: a marked
dangling link appears exactly when the check found an error a page shows, and
every URL a page links to names a file of the docs tree.
"""

from __future__ import annotations

import posixpath
import re
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from trees import write_tree_into

from generator.build import BuildOptions, ContentBlocked, build_docs
from generator.demos import RunOptions
from generator.linker import load_concept_graph
from generator.model import Dangling
from generator.resolver import PAGE_SHOWN

PIECES = [
    "plain words",
    "[[b]]",
    "[[B]]",
    "[[zz]]",
    "[[b#Part]]",
    "[[b#Nope]]",
    "[[b#^blk]]",
    "[[b#^gone]]",
    "[[sub/c|see c]]",
    "[x](b.md)",
    "[x](sub/c.md#Part)",
    "[x](../out.pdf)",
    "![[plot.png|30]]",
    "![[gone.png]]",
    "![[data.csv]]",
    "![p](Pasted%20image.png)",
    "`[[zz]]`",
    "$x^2$",
    "\n\n![[b]]\n\n",
    "\n\n![[a#Part]]\n\n",
    "\n\n## Part\n\n",
    " ^blk\n",
]
_URL = re.compile(r"\]\(([^()\s]+)\)|(?:src|href)=\"([^\"]+)\"")


def _vault(bodies: list[list[str]]) -> dict[str, str | bytes]:
    names = ["entities/a.md", "entities/b.md", "entities/sub/c.md"]
    related = ["b", "a", "a"]
    files: dict[str, str | bytes] = {
        name: f"---\nsummary: S.\nrelated: [{rel}]\n---\nFirst.\n\n" + " ".join(body) + "\n"
        for name, rel, body in zip(names, related, bodies, strict=True)
    }
    files["entities/img/Pasted image.png"] = b"png"
    files["entities/img/plot.png"] = b"png"
    files["entities/data.csv"] = "x\n1\n"
    files["out.pdf"] = b"%PDF"
    return files


def _broken_urls(tree: dict[str, str | bytes]) -> list[str]:
    broken = []
    for page, content in tree.items():
        if not page.startswith("concepts/") or not isinstance(content, str):
            continue
        for match in _URL.finditer(content):
            url = (match.group(1) or match.group(2)).partition("#")[0]
            if not url or "://" in url or url.endswith(".html"):  # .html: pictures' page links
                continue
            target = posixpath.normpath(posixpath.join(posixpath.dirname(page), url))
            if target not in tree:
                broken.append(f"{page}: {url}")
    return broken


@settings(
    max_examples=30,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(st.lists(st.lists(st.sampled_from(PIECES), max_size=5), min_size=3, max_size=3))
def test_check_strict_and_build_strict_agree(bodies: list[list[str]]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = write_tree_into(Path(folder), _vault(bodies))
        entities, demos = root / "entities", root / "demos"
        graph = load_concept_graph(entities, demos)
        check_passes = graph.diagnostics == ()
        options = BuildOptions(entities, demos, run=RunOptions(cache_dir=root / "cache"))
        try:
            built = build_docs(options)
        except ContentBlocked as blocked:
            assert any(d.code not in PAGE_SHOWN for d in blocked.diagnostics)
            assert not check_passes
            return
        assert check_passes == (built.warnings == ())
        pages = {path: c for path, c in built.tree.files.items() if path.startswith("concepts/")}
        marked = any("gg-dangling" in str(content) for content in pages.values())
        shown = any(d.code in PAGE_SHOWN for d in graph.errors)
        assert marked == shown
        dangling = [r for rs in graph.links.values() for r in rs if isinstance(r.target, Dangling)]
        assert bool(dangling) == shown
        assert _broken_urls(dict(built.tree.files)) == []
