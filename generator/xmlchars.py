"""The characters XML 1.0 allows, shared by every XML writer (SVG pictures, GraphML, GEXF).

A control character, a lone surrogate or U+FFFE/U+FFFF makes a document
that no XML parser accepts, and XML has no escape for them: they are dropped.
"""

from __future__ import annotations

import re

# A regular-expression class body, for writers that look for these and more in one scan.
ILLEGAL_CLASS = "\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff"
_ILLEGAL = re.compile(f"[{ILLEGAL_CLASS}]")


def xml_text(text: str) -> str:
    """Return ``text`` without the characters XML 1.0 forbids.

    >>> xml_text("tab\\tok, bell\\x07 gone")
    'tab\\tok, bell gone'
    """
    return _ILLEGAL.sub("", text)
