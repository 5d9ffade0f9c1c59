"""What a demo's picture needs on a page: the size it is shown at, and its alt text.

The kernel draws figures at twice their dpi (``keys.PLOT_SETTINGS``) and says
in the output's metadata the size they are meant to be shown at; older
outputs (a 1x frozen one) are shown at their pixel size. The alt text comes
from the titles the cell gives its figure (``suptitle``, ``set_title``,
``plt.title``) read from the cell's code, or else names the demo: a figure
sends no titles of its own, and a file name tells a reader nothing.
"""

from __future__ import annotations

import ast
import functools
import re
import struct
from collections.abc import Mapping
from typing import Any

MAX_ALT = 250
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_TITLE_CALLS = ("suptitle", "set_title", "title")
_MARKDOWN_ESCAPED = frozenset("\\`*_{}[]()>#+-.!")
_SPACE = re.compile(r"\s+")
_GAP = "…"


def display_size(mime: str, content: bytes, metadata: Mapping[str, Any]) -> tuple[int, int] | None:
    """Return (width, height) in CSS pixels to show an image at, or None when unknown."""
    given = metadata.get(mime) if isinstance(metadata, Mapping) else None
    if isinstance(given, Mapping):
        width, height = _positive(given.get("width")), _positive(given.get("height"))
        if width and height:
            return width, height
    if mime == "image/png":
        return png_size(content)
    return None


def png_size(content: bytes) -> tuple[int, int] | None:
    """Return a PNG's pixel size from its header, or None when it is not a PNG."""
    if len(content) < 24 or not content.startswith(_PNG_SIGNATURE) or content[12:16] != b"IHDR":
        return None
    width, height = struct.unpack(">II", content[16:24])
    return (width, height) if width and height else None


def _positive(value: Any) -> int | None:
    """Return a metadata size as whole pixels, or None when it is not a positive number."""
    if isinstance(value, int | float) and not isinstance(value, bool) and value >= 1:
        return round(value)
    return None


def alt_text(code: str, demo_title: str) -> str:
    """Return the alt text of a figure drawn by the cell ``code`` of the demo ``demo_title``."""
    titles = figure_titles(code)
    if titles:
        text = "Plot: " + "; ".join(dict.fromkeys(titles[:4]))
    else:
        text = f"Plot from the demo {demo_title}"
    return text if len(text) <= MAX_ALT else text[: MAX_ALT - 1].rstrip() + _GAP


def figure_titles(code: str) -> list[str]:
    """Return the literal titles the code gives its figures, the figure's own title first.

    Computed parts of a title (an f-string's fields, a joined value) read as an ellipsis.
    """
    return list(_kept_titles(code))


@functools.lru_cache(maxsize=2048)
def _kept_titles(code: str) -> tuple[str, ...]:
    """Return ``figure_titles``, each cell parsed once per process (``serve`` renders every
    demo again on each save)."""
    try:
        tree = ast.parse(code)
    except (SyntaxError, ValueError):  # IPython magics or broken code: no titles to read
        return ()
    calls = [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in _TITLE_CALLS
        and node.args
    ]
    calls.sort(key=lambda c: (c.func.attr != "suptitle", c.lineno, c.col_offset))  # type: ignore[attr-defined]
    titles = (_SPACE.sub(" ", _literal(call.args[0])).strip() for call in calls)
    return tuple(title for title in titles if title.replace(_GAP, "").strip())


def _literal(node: ast.expr) -> str:
    """Return the text a title expression spells out, with a gap for what is computed."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(_literal(part) for part in node.values)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return _literal(node.left) + _literal(node.right)
    return _GAP


def markdown_alt(text: str) -> str:
    """Return ``text`` escaped for the brackets of a Markdown image."""
    return "".join(f"\\{ch}" if ch in _MARKDOWN_ESCAPED else ch for ch in text)
