"""A small glossary with an image and awkward text, built by the plugin with chosen URLs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from trees import write_tree_into

from generator.cli import main
from generator.render.siteconfig import site_config

REPO = Path(__file__).resolve().parents[1]
SITE_NAME = 'Notes & "Quotes" <b>'
SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 300 120">'
    b"<title>Two boxes</title><rect width='300' height='120' fill='#88f'/></svg>"
)
TREE: dict[str, str | bytes] = {
    "entities/alpha.md": (
        "---\ntitle: Alpha & <Omega>\n"
        "summary: 'It''s \"first\" & <b>bold</b> 🚀, before beta.'\n"
        "tags: [greek]\nrelated: [beta]\n---\n"
        "Alpha comes first.\n\n![[boxes.svg]]\n"
    ),
    "entities/beta.md": (
        "---\nsummary: The second letter.\nparent: alpha\ntags: [greek]\n---\n"
        "Beta follows [[alpha]].\n"
    ),
    "entities/gamma.md": (
        "---\nparent: beta\n---\nThe third letter, without a summary of its own.\n"
    ),
    "entities/boxes.svg": SVG,
}
PAGES_DIRECTORY = (
    *("", "a-z/", "graph/", "tags/", "tags/greek/"),
    *(f"concepts/{key}/" for key in ("alpha", "beta", "gamma")),
)
"""Every page of the site, as URLs with use_directory_urls on."""


def build_site(root: Path, *, site_url: str | None, directory_urls: bool) -> Path:
    """Write the glossary and a mkdocs.yml under ``root``, build it strictly, return the site."""
    write_tree_into(root, TREE)
    config: dict[str, Any] = site_config(SITE_NAME, "entities", ())
    del config["extra_css"], config["extra_javascript"]
    config["plugins"] = ["search", {"glossgraph": {"entities": "entities", "demos": "demos"}}]
    config["use_directory_urls"] = directory_urls
    if site_url is not None:
        config["site_url"] = site_url
    config_file = root / "mkdocs.yml"
    config_file.write_text(yaml.safe_dump(config, allow_unicode=True), "utf-8")
    site = root / "site"
    argv = ["build", "--strict", "--config", str(config_file), "--site-dir", str(site)]
    assert main(argv) == 0
    return site
