"""Generated HTML kept out of Markdown: a placeholder in the page, the HTML beside it.

A page part that is HTML (a graph picture, a panel) costs Python-Markdown a
full HTML parse when it sits in the Markdown as a raw block, and the search
plugin another when it reads the converted page. So the renderer writes a
placeholder instead, an HTML comment Markdown copies through untouched,
and keeps the HTML in a ``Fragments`` record beside the docs tree:

- the MkDocs adapter puts each fragment in place of its placeholder after
  conversion, once search has read the page (a fragment is never searched);
- ``export-docs`` writes each fragment in place of its placeholder as a raw
  HTML block, for a plain MkDocs or Zensical build with no plugin. Such a
  fragment must then keep itself out of search: ``data-search-exclude`` on
  its outer element.

A placeholder names a nonce drawn for each build, so an author cannot type one:
text that looks like a placeholder but is not this build's is left as it is,
and each fragment is placed at most once.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import NewType

from generator.model import SiteUrl

Nonce = NewType("Nonce", str)
"""The build's secret part of every placeholder: 24 hex digits."""

Fragment = Callable[[str], str]
"""What a page renderer calls with a part's HTML; it returns the Markdown to write instead."""

_PREFIX = "gg-fragment"


def new_nonce() -> Nonce:
    """Return a fresh nonce (96 random bits)."""
    return Nonce(secrets.token_hex(12))


def _pattern(nonce: Nonce) -> re.Pattern[str]:
    return re.compile(f"<!-- {_PREFIX}-{nonce}-([0-9]{{1,9}}) -->")


class PageFragments:
    """Collect one page's fragments while it is rendered; ``add`` is the page's ``Fragment``."""

    __slots__ = ("_nonce", "_parts")

    def __init__(self, nonce: Nonce) -> None:
        self._nonce = nonce
        self._parts: list[str] = []

    def add(self, html: str) -> str:
        """Keep ``html`` as a fragment and return its placeholder, a block of its own.

        No HTML gives no placeholder: ``fragment(render_part())`` needs no check.
        """
        if not html:
            return ""
        self._parts.append(html)
        return f"<!-- {_PREFIX}-{self._nonce}-{len(self._parts) - 1} -->"

    def parts(self) -> tuple[str, ...]:
        """Return the fragments added so far, in placeholder order."""
        return tuple(self._parts)


def _no_pages() -> Mapping[SiteUrl, tuple[str, ...]]:
    return MappingProxyType({})


@dataclass(frozen=True, slots=True)
class Fragments:
    """Every page's fragments, numbered as their placeholders are, and the build's nonce."""

    nonce: Nonce = field(default_factory=new_nonce)
    pages: Mapping[SiteUrl, tuple[str, ...]] = field(default_factory=_no_pages)

    def __post_init__(self) -> None:
        object.__setattr__(self, "pages", MappingProxyType(dict(self.pages)))

    def place(self, page: SiteUrl, text: str) -> tuple[str, tuple[int, ...]]:
        """Return ``text`` with ``page``'s placeholders replaced, and the fragments not placed.

        One pass over the text. A placeholder of another number, or one seen
        again after its fragment was placed, is left as it is.
        """
        parts = self.pages.get(page, ())
        if not parts:
            return text, ()
        waiting = dict(enumerate(parts))

        def put(match: re.Match[str]) -> str:
            found = waiting.pop(int(match.group(1)), None)
            return match.group(0) if found is None else found

        placed = _pattern(self.nonce).sub(put, text)
        return placed, tuple(sorted(waiting))
