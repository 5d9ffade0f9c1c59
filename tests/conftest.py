"""Shared fixtures: entity trees written into a temporary folder from a dict."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from trees import TreeWriter, write_tree_into

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture
def write_tree() -> TreeWriter:
    """Return ``write_tree(tmp_path, {"entities/a.md": "...", ...}) -> tmp_path``."""
    return write_tree_into


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Return one headless Debian Chromium for the session, driven by Playwright.

    Playwright's sync API allows one instance per thread, so every browser test
    shares this one. Without chromium the tests skip, unless
    GLOSSGRAPH_REQUIRE_BROWSER=1 (CI), where they fail.
    """
    if not CHROMIUM.exists():
        if os.environ.get("GLOSSGRAPH_REQUIRE_BROWSER") == "1":
            pytest.fail("no /usr/bin/chromium: apt-get install chromium")
        pytest.skip("no /usr/bin/chromium: apt-get install chromium to run browser tests")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()
