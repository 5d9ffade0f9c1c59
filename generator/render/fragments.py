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

A placeholder still costs Python-Markdown a block of its own (about a tenth
of a concept page's conversion for four of them). So a fragment that sits
next to a heading the renderer writes can name that heading as its ``Slot``
instead: the MkDocs adapter leaves its placeholder out of the Markdown it
hands to MkDocs and puts the HTML beside the converted heading, where the
placeholder would have put it. ``export-docs`` still writes the placeholder's
raw block, so both builds give the same page.

A placeholder names a nonce drawn for each build, so an author cannot type one:
text that looks like a placeholder but is not this build's is left as it is,
and each fragment is placed at most once.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from enum import Enum
from types import MappingProxyType
from typing import NewType

from generator.model import SiteUrl

Nonce = NewType("Nonce", str)
"""The build's secret part of every placeholder: 24 hex digits."""

Fragment = Callable[[str], str]
"""What a page renderer calls with a part's HTML; it returns the Markdown to write instead."""

_PREFIX = "gg-fragment"


SLOT_CLASS = "gg-slot"
"""The class of the ``<h2>`` that ``BEFORE_HEADING`` and ``AFTER_HEADING`` name (its first)."""
_SLOT_HEADING = f'<h2 class="{SLOT_CLASS}"'


class Slot(Enum):
    """Where a fragment goes in a converted page, beside a heading the renderer wrote.

    The title is the page's first ``<h1>``. The heading is the last ``<h2>``
    whose class list starts with ``SLOT_CLASS``, as the renderer writes it:
    ``## Text { .gg-slot }``. A footnote or an author's raw HTML that follows
    it cannot be taken for it.
    """

    BEFORE_TITLE = "before the title"
    AFTER_TITLE = "after the title"
    BEFORE_HEADING = "before the slot heading"
    AFTER_HEADING = "after the slot heading"


def _placeholder(nonce: Nonce, number: int) -> str:
    return f"<!-- {_PREFIX}-{nonce}-{number} -->"


def new_nonce() -> Nonce:
    """Return a fresh nonce (96 random bits)."""
    return Nonce(secrets.token_hex(12))


def _pattern(nonce: Nonce) -> re.Pattern[str]:
    return re.compile(f"<!-- {_PREFIX}-{nonce}-([0-9]{{1,9}}) -->")


class PageFragments:
    """Collect one page's fragments while it is rendered; ``add`` is the page's ``Fragment``."""

    __slots__ = ("_nonce", "_parts", "_slots")

    def __init__(self, nonce: Nonce) -> None:
        self._nonce = nonce
        self._parts: list[str] = []
        self._slots: dict[int, Slot] = {}

    def add(self, html: str, slot: Slot | None = None) -> str:
        """Keep ``html`` as a fragment and return its placeholder, a block of its own.

        No HTML gives no placeholder: ``fragment(render_part())`` needs no check.
        With a ``slot``, the placeholder must sit where the slot says.
        """
        if not html:
            return ""
        number = len(self._parts)
        self._parts.append(html)
        if slot is not None:
            self._slots[number] = slot
        return _placeholder(self._nonce, number)

    def at(self, slot: Slot) -> Callable[[str], str]:
        """Return ``add`` for fragments that go in ``slot``."""
        return lambda html: self.add(html, slot)

    def parts(self) -> tuple[str, ...]:
        """Return the fragments added so far, in placeholder order."""
        return tuple(self._parts)

    def slots(self) -> Mapping[int, Slot]:
        """Return the slot of each fragment that has one, by number."""
        return MappingProxyType(dict(self._slots))


def _no_pages() -> Mapping[SiteUrl, tuple[str, ...]]:
    return MappingProxyType({})


def _no_slots() -> Mapping[SiteUrl, Mapping[int, Slot]]:
    return MappingProxyType({})


@dataclass(frozen=True, slots=True)
class Fragments:
    """Every page's fragments, numbered as their placeholders are, and the build's nonce.

    ``slots`` names, per page, the fragments that go beside a heading (by number).
    """

    nonce: Nonce = field(default_factory=new_nonce)
    pages: Mapping[SiteUrl, tuple[str, ...]] = field(default_factory=_no_pages)
    slots: Mapping[SiteUrl, Mapping[int, Slot]] = field(default_factory=_no_slots)

    def __post_init__(self) -> None:
        object.__setattr__(self, "pages", MappingProxyType(dict(self.pages)))
        slots = {page: MappingProxyType(dict(found)) for page, found in self.slots.items() if found}
        object.__setattr__(self, "slots", MappingProxyType(slots))

    def for_markdown(self, page: SiteUrl, text: str) -> str:
        """Return the page's Markdown for MkDocs: without the placeholders of slotted fragments."""
        for number in self.slots.get(page, {}):
            text = text.replace(_placeholder(self.nonce, number), "", 1)
        return text

    def place_converted(self, page: SiteUrl, html: str) -> tuple[str, tuple[int, ...]]:
        """Return the converted ``for_markdown`` page with every fragment in place.

        The fragments not placed come back by number, as from ``place``:
        a placeholder or a slot's heading that a plugin removed.
        """
        slots = self.slots.get(page, {})
        if not slots:
            return self.place(page, html)
        placed, missing = self.place(page, html, skip=slots.keys())
        placed, lost = _put_in_slots(placed, self.pages[page], slots)
        return placed, tuple(sorted((*missing, *lost)))

    def place(
        self, page: SiteUrl, text: str, skip: Iterable[int] = ()
    ) -> tuple[str, tuple[int, ...]]:
        """Return ``text`` with ``page``'s placeholders replaced, and the fragments not placed.

        One pass over the text. A placeholder of another number, or one seen
        again after its fragment was placed, is left as it is; so is that of
        a fragment in ``skip``, which is not reported either.
        """
        parts = self.pages.get(page, ())
        if not parts:
            return text, ()
        waiting = dict(enumerate(parts))
        for number in skip:
            del waiting[number]

        def put(match: re.Match[str]) -> str:
            found = waiting.pop(int(match.group(1)), None)
            return match.group(0) if found is None else found

        placed = _pattern(self.nonce).sub(put, text)
        return placed, tuple(sorted(waiting))


def _put_in_slots(
    html: str, parts: tuple[str, ...], slots: Mapping[int, Slot]
) -> tuple[str, tuple[int, ...]]:
    """Return ``html`` with each slotted part beside its heading, and the parts with no heading."""
    title, heading = html.find("<h1"), html.rfind(_SLOT_HEADING)
    where = {
        Slot.BEFORE_TITLE: title,
        Slot.AFTER_TITLE: _after(html, title, "</h1>"),
        Slot.BEFORE_HEADING: heading,
        Slot.AFTER_HEADING: _after(html, heading, "</h2>"),
    }
    inserts: list[tuple[int, int, str]] = []  # (offset, fragment number, text to insert)
    lost: list[int] = []
    for number, slot in slots.items():
        at = where[slot]
        if at < 0:
            lost.append(number)
        elif slot in (Slot.BEFORE_TITLE, Slot.BEFORE_HEADING):
            inserts.append((at, number, parts[number] + "\n"))
        else:
            inserts.append((at, number, "\n" + parts[number]))
    pieces: list[str] = []
    pos = 0
    for at, _, text in sorted(inserts):
        pieces += [html[pos:at], text]
        pos = at
    pieces.append(html[pos:])
    return "".join(pieces), tuple(lost)


def _after(html: str, start: int, close: str) -> int:
    """Return the offset after the first ``close`` from ``start``; -1 if either is missing."""
    end = html.find(close, start) if start >= 0 else -1
    return end + len(close) if end >= 0 else -1
