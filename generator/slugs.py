"""Slugs: the safe, lowercase names concepts are keyed and linked by."""

from __future__ import annotations

import re
import unicodedata

KEY_PATTERN = r"[a-z0-9]+(?:-[a-z0-9]+)*"
"""What a key is: lowercase letters and digits, in words joined by single hyphens."""
_KEY = re.compile(KEY_PATTERN)
_NON_ALNUM = re.compile(r"[^a-z0-9]+")
# Letters NFKD does not decompose into ASCII.
_FOLD = str.maketrans(
    {
        "ß": "ss",
        "æ": "ae",
        "œ": "oe",
        "ø": "o",
        "đ": "d",
        "ð": "d",
        "þ": "th",
        "ł": "l",
        "ı": "i",
    }
)


def slugify(text: str) -> str:
    """Return the slug of ``text``: ASCII-folded, lowercase, words joined by ``-``.

    >>> slugify("Batch Norm")
    'batch-norm'
    >>> slugify("Café Ørsted")
    'cafe-orsted'
    """
    lowered = text.lower()
    if _KEY.fullmatch(lowered):
        return lowered
    if lowered.isascii():
        return _NON_ALNUM.sub("-", lowered).strip("-")
    folded = unicodedata.normalize("NFKD", text.casefold().translate(_FOLD))
    ascii_text = folded.encode("ascii", "ignore").decode("ascii")
    return _NON_ALNUM.sub("-", ascii_text).strip("-")


def is_valid_key(text: str) -> bool:
    """Return whether ``text`` is a safe key: ``[a-z0-9]+(-[a-z0-9]+)*``.

    >>> is_valid_key("batch-norm"), is_valid_key("../x"), is_valid_key("A B")
    (True, False, False)
    """
    return _KEY.fullmatch(text) is not None


def name_slug(name: str) -> str:
    """Return the slug a written name is looked up by: file names lose folders and ``.md``.

    >>> name_slug("sub/Batch Norm.md"), name_slug(" Batch  Norm ")
    ('batch-norm', 'batch-norm')
    """
    text = name.strip()
    if "/" in text:
        text = text.rsplit("/", 1)[1]
    if text.lower().endswith(".md"):
        text = text[:-3]
    return slugify(text)
