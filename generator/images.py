"""An image's size and own title, read from its header: pages reserve its box before it loads.

Raster formats are read by Pillow, which parses only the header when a file is
opened (nothing is decoded); SVG by its root element, looked for in the first
``SVG_HEAD`` bytes. Either way a file costs a bounded read, never a decode.
The title is the figure's own: an SVG's first ``<title>``, or a raster's
``Title`` text chunk or EXIF ``ImageDescription``. EXIF is read only when the
header holds it: asked for more, Pillow would decode a PNG to look further.
"""

from __future__ import annotations

import html
import io
import re
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePosixPath

from generator.model import ImageInfo, SourcePath
from generator.reading import ReadPolicy, read_bytes

SVG_HEAD = 65_536
RASTER_HEAD = 262_144  # room for EXIF and colour profiles before a JPEG's size
_RASTERS = ("PNG", "JPEG", "GIF", "WEBP", "BMP")
_EXIF_DESCRIPTION = 0x010E
_EXIF_ORIENTATION = 0x0112
_SVG_TAG = 8192  # longest root tag read for attributes
_ATTRIBUTE = re.compile(rb"""([A-Za-z_:][-\w:.]{0,64})\s*=\s*("[^"]*"|'[^']*')""")
_LENGTH = re.compile(r"\s*(\d+(?:\.\d+)?)\s*(px)?\s*")
_NUMBERS = re.compile(r"[\s,]+")


@dataclass(frozen=True, slots=True)
class _Box:
    width: float
    height: float


def header_reader(folder: str, policy: ReadPolicy) -> Callable[[SourcePath], ImageInfo | None]:
    """Return a reader of image headers for files found in the real ``folder``, under ``policy``."""

    def measure(source: SourcePath) -> ImageInfo | None:
        svg = PurePosixPath(source).suffix.lower() == ".svg"
        try:
            head = read_bytes(source, folder, policy, SVG_HEAD if svg else RASTER_HEAD)
        except OSError:
            return None
        return image_info(source, head)

    return measure


def image_info(name: str, head: bytes) -> ImageInfo | None:
    """Return the size and title of an image file from its first bytes (None if unreadable).

    >>> image_info("a.svg", b'<svg viewBox="0 0 40 30"><title>A box</title></svg>')
    ImageInfo(width=40, height=30, title='A box')
    """
    if PurePosixPath(name).suffix.lower() == ".svg":
        return _svg_info(head[:SVG_HEAD])
    return _raster_info(head)


def _raster_info(data: bytes) -> ImageInfo | None:
    try:
        from PIL import Image
    except ImportError:  # pragma: no cover - Pillow comes with matplotlib
        return None
    with warnings.catch_warnings():
        # A huge declared size is only a number here: nothing is decoded.
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data), formats=_RASTERS) as image:
                width, height = image.size
                exif = image.getexif() if "exif" in image.info else {}
                title = image.info.get("Title") or exif.get(_EXIF_DESCRIPTION)
                # Browsers turn a photo upright by its EXIF orientation; 5-8 swap the sides.
                if exif.get(_EXIF_ORIENTATION, 1) in (5, 6, 7, 8):
                    width, height = height, width
        except Exception:  # any unreadable header only means "no size"
            return None
    if width <= 0 or height <= 0:
        return None
    return ImageInfo(width, height, _text(title))


def _svg_info(head: bytes) -> ImageInfo | None:
    lowered = head.lower()
    start = lowered.find(b"<svg")
    end = lowered.find(b">", start)
    if start < 0 or end < 0 or lowered[start + 4 : start + 5] not in b" \t\r\n/>":
        return None
    attributes = {
        name.decode("ascii").lower(): html.unescape(value[1:-1].decode("utf-8", "replace"))
        for name, value in _ATTRIBUTE.findall(head, start + 4, min(end, start + _SVG_TAG))
    }
    box = _svg_box(attributes)
    if box is None:
        return None
    return ImageInfo(round(box.width), round(box.height), _svg_title(head, lowered, end))


def _svg_title(head: bytes, lowered: bytes, after: int) -> str | None:
    """Return the text of the first ``<title>`` after the root tag (None when there is none)."""
    start = lowered.find(b"<title", after)
    opened = lowered.find(b">", start)
    close = lowered.find(b"</title", opened)
    if start < 0 or opened < 0 or close < 0:
        return None
    return _text(html.unescape(head[opened + 1 : close].decode("utf-8", "replace")))


def _svg_box(attributes: dict[str, str]) -> _Box | None:
    """Return the SVG's size: its pixel width and height, else its viewBox (scaled to either)."""
    width = _pixels(attributes.get("width"))
    height = _pixels(attributes.get("height"))
    view = _view_box(attributes.get("viewbox"))
    if width and height:
        return _Box(width, height)
    if view is None:
        return None
    if width:
        return _Box(width, width * view.height / view.width)
    if height:
        return _Box(height * view.width / view.height, height)
    return view


def _pixels(value: str | None) -> float | None:
    """Return a length in CSS pixels, or None for a percentage, another unit or nothing."""
    match = _LENGTH.fullmatch(value) if value else None
    number = float(match.group(1)) if match else 0.0
    return number if number > 0 else None


def _view_box(value: str | None) -> _Box | None:
    parts = _NUMBERS.split(value.strip()) if value else []
    try:
        width, height = (float(part) for part in parts[2:4]) if len(parts) == 4 else (0.0, 0.0)
    except ValueError:
        return None
    return _Box(width, height) if width > 0 and height > 0 else None


def _text(value: object) -> str | None:
    """Return text with its whitespace collapsed, or None for anything else or nothing."""
    flat = " ".join(value.split()) if isinstance(value, str) else ""
    return flat or None
