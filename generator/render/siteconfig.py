"""The MkDocs configuration our pages are written for, shared by the plugin and export-docs."""

from __future__ import annotations

import posixpath
import shutil
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml

from generator.errors import UsageError
from generator.model import SiteUrl
from generator.render.docstree import DocsTree

NAV: list[dict[str, str]] = [
    {"Home": "index.md"},
    {"A–Z": "a-z.md"},
    {"Tags": "tags/index.md"},
    {"Graph": "graph.md"},
]

MARKDOWN_EXTENSIONS: list[Any] = [
    "abbr",
    "admonition",
    "attr_list",
    "def_list",
    "footnotes",
    "md_in_html",
    "tables",
    {"toc": {"permalink": True}},
    "pymdownx.details",
    {"pymdownx.highlight": {"use_pygments": True}},
    "pymdownx.inlinehilite",
    "pymdownx.superfences",
    {"pymdownx.tasklist": {"custom_checkbox": True}},
]

THEME: dict[str, Any] = {
    "name": "material",
    "font": False,
    "features": ["navigation.tabs", "navigation.top", "search.highlight", "content.code.copy"],
    # A light and a dark (slate) scheme with Material's toggle; its icons ship with the theme.
    "palette": [
        {
            "media": "(prefers-color-scheme: light)",
            "scheme": "default",
            "primary": "indigo",
            "accent": "indigo",
            "toggle": {"icon": "material/brightness-7", "name": "Switch to dark mode"},
        },
        {
            "media": "(prefers-color-scheme: dark)",
            "scheme": "slate",
            "primary": "indigo",
            "accent": "indigo",
            "toggle": {"icon": "material/brightness-4", "name": "Switch to light mode"},
        },
    ],
}

EXPORT_MARKER = "# Written by glossgraph export-docs; builds with mkdocs or zensical, no plugin."

THEME_OVERRIDES = Path(__file__).resolve().parents[1] / "theme"
"""Our template overrides (Open Graph tags): a theme folder the plugin puts before Material's."""
OVERRIDES_DIR = "overrides"
"""Where export-docs copies them, next to ``docs/``, named as ``theme.custom_dir``."""


def asset_urls(paths: Iterable[str]) -> tuple[list[str], list[str]]:
    """Return the CSS and JS files among our assets, in load order.

    Only files directly in ``assets/glossgraph/`` load on every page; its
    sub-folders hold data our scripts load when needed.
    """
    ours = sorted(p for p in paths if posixpath.dirname(p) == "assets/glossgraph")
    css = [p for p in ours if p.endswith(".css")]
    css.sort(key=lambda p: (not p.endswith("/glossgraph.css"), p))
    return css, [p for p in ours if p.endswith(".js")]


def site_config(site_name: str, docs_dir: str, tree_paths: Iterable[str]) -> dict[str, Any]:
    """Return a complete mkdocs.yml mapping for our pages, without any plugin but search."""
    css, js = asset_urls(tree_paths)
    return {
        "site_name": site_name,
        "docs_dir": docs_dir,
        "use_directory_urls": False,
        "theme": THEME,
        "nav": NAV,
        "plugins": ["search"],
        "markdown_extensions": MARKDOWN_EXTENSIONS,
        "extra_css": css,
        "extra_javascript": js,
    }


def export_docs(tree: DocsTree, folder: Path, site_name: str) -> Path:
    """Write the docs tree to ``folder/docs``, our overrides, and a plugin-free ``mkdocs.yml``."""
    config_file = folder / "mkdocs.yml"
    docs = folder / "docs"
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"{folder} is a file; give a folder to write the docs tree into")
    if folder.exists() and any(folder.iterdir()):
        previous = config_file.read_text("utf-8") if config_file.is_file() else ""
        if not previous.startswith(EXPORT_MARKER):
            raise UsageError(f"{folder} is not empty and was not written by export-docs")
        shutil.rmtree(docs, ignore_errors=True)
        shutil.rmtree(folder / OVERRIDES_DIR, ignore_errors=True)
    tree.write(docs)
    shutil.copytree(THEME_OVERRIDES, folder / OVERRIDES_DIR)
    config = site_config(site_name, "docs", [SiteUrl(p) for p in tree.files])
    config["theme"] = {**THEME, "custom_dir": OVERRIDES_DIR}
    text = yaml.safe_dump(config, allow_unicode=True, sort_keys=False)
    config_file.parent.mkdir(parents=True, exist_ok=True)
    config_file.write_text(f"{EXPORT_MARKER}\n{text}", "utf-8")
    return config_file
