"""A page's headings and block ids, with the anchors MkDocs will give them.

Anchors come from the ``toc`` extension's slugify: the one configured in
mkdocs.yml (the adapter passes it in) or Python-Markdown's default. Ids are made
unique the way ``toc`` does it (``intro``, ``intro_1``, ``intro_2``), counting the
page's title, which is its first heading. Every scan is linear.
"""

from __future__ import annotations

import html
import re
from bisect import bisect_right
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from generator.coderegions import code_regions, inside

Slugify = Callable[[str, str], str]
"""``toc``'s slugify: ``(text, separator) -> id``."""

_ATX = re.compile(r" {0,3}(#{1,6})(?=[ \t]|$)")
_SETEXT = re.compile(r" {0,3}(=+|-+)[ \t]*$")
_ATTR_ID = re.compile(r"\s*\{:?[^{}]*?#([\w-]+)[^{}]*\}\s*$")
_ATTR_LIST = re.compile(r"\s*\{:[^{}]*\}\s*$")
_WIKI = re.compile(r"!?\[\[([^\[\]\n]*)\]\]")
_MD_LINK = re.compile(r"!?\[([^\[\]\n]*)\]\([^()\n]*\)")
_TAG = re.compile(r"<[^<>\n]*>")
_STARS = re.compile(r"\*+")
_UNDERSCORES = re.compile(r"(?<!\w)_+|_+(?!\w)")
_ID_COUNT = re.compile(r"^(.*)_([0-9]+)$")
# A character that starts markup heading_text removes: an attribute list, a link, a tag,
# code, emphasis, or an HTML entity.
_MARKUP = re.compile(r"[{\[<`*_&]")
# Whole-body scans (see _raw_headings); patterns that start with a line break are
# searched for it quickly, where MULTILINE's ``^`` is tried at every character.
_ATX_LINE = r"( {0,3}(#{1,6})(?:[ \t][^\n]*)?)(?=\n|\Z)"
_FIRST_ATX = re.compile(_ATX_LINE)
_LATER_ATX = re.compile(r"\n" + _ATX_LINE)
_UNDERLINE = re.compile(r"\n {0,3}(?:=+|-+)[ \t]*(?=\n|\Z)")
_BLOCK_ID = re.compile(r"(?:^|[ \t])\^([A-Za-z0-9-]+)[ \t]*$", re.MULTILINE)


@dataclass(frozen=True, slots=True)
class Heading:
    """One heading: its level, plain text, anchor, and the range of its section in the body."""

    level: int
    text: str
    anchor: str
    start: int
    end: int


def default_slugify() -> Slugify:
    """Return Python-Markdown's ``toc`` slugify, which MkDocs uses unless told otherwise."""
    from markdown.extensions.toc import slugify  # type: ignore[import-untyped]

    chosen: Slugify = slugify
    return chosen


def _lines(body: str) -> Iterator[tuple[int, int]]:
    pos = 0
    while pos < len(body):
        end = body.find("\n", pos)
        end = len(body) if end < 0 else end
        yield pos, end
        pos = end + 1


def _atx_text(line: str, hashes: int) -> str:
    """Return an ATX heading's content without its optional closing ``#`` run."""
    content = line[hashes:].strip()
    stripped = content.rstrip("#")
    if not stripped or stripped[-1] in " \t":
        content = stripped.rstrip()
    return content


def _raw_headings(body: str) -> Iterator[tuple[int, str, int]]:
    """Yield (level, raw text, line start) for each ATX and setext heading outside code."""
    blocks = [region.span for region in code_regions(body) if region.block]
    if _UNDERLINE.search(body) is None:
        # No line after the first can underline a setext heading, and an ATX heading
        # needs no other line: one scan finds them all.
        first = _FIRST_ATX.match(body)
        found = [first] if first is not None else []
        found.extend(_LATER_ATX.finditer(body))
        for match in found:
            start = match.start(1)
            if not inside(blocks, start):
                hashes = len(match.group(2))
                yield hashes, _atx_text(match.group(1).lstrip(" "), hashes), start
        return
    yield from _line_headings(body, blocks)


def _line_headings(body: str, blocks: list[tuple[int, int]]) -> Iterator[tuple[int, str, int]]:
    """Yield ``_raw_headings(body)``, reading line by line (``blocks``: its code blocks)."""
    previous: tuple[int, int] | None = None  # the line before, if it starts a block of text
    after_blank = True
    for start, end in _lines(body):
        line = body[start:end]
        if inside(blocks, start):
            previous, after_blank = None, False
            continue
        if not line.strip():
            previous, after_blank = None, True
            continue
        atx = _ATX.match(line)
        if atx is not None:
            yield len(atx.group(1)), _atx_text(line.lstrip(" "), len(atx.group(1))), start
            previous, after_blank = None, False
            continue
        setext = _SETEXT.match(line)
        if setext is not None and previous is not None:
            level = 1 if setext.group(1)[0] == "=" else 2
            yield level, body[previous[0] : previous[1]].strip(), previous[0]
            previous, after_blank = None, False
            continue
        previous = (start, end) if after_blank and not line.startswith(("-", "*", "+")) else None
        after_blank = False


def heading_text(raw: str) -> tuple[str, str | None]:
    """Return a heading's text as ``toc`` reads it (markup gone) and its explicit ``{#id}``."""
    if _MARKUP.search(raw) is None:
        return raw.strip(), None  # most headings: _marked_text would change nothing else
    return _marked_text(raw)


def _marked_text(raw: str) -> tuple[str, str | None]:
    """Return ``heading_text(raw)``, removing every kind of markup in turn."""
    explicit = _ATTR_ID.search(raw)
    if explicit is not None:
        raw = raw[: explicit.start()]
    else:
        attrs = _ATTR_LIST.search(raw)
        raw = raw[: attrs.start()] if attrs else raw
    text = _WIKI.sub(lambda m: (m.group(1).partition("|")[2] or m.group(1)).strip(), raw)
    text = _MD_LINK.sub(r"\1", text)
    text = _TAG.sub("", text).replace("`", "")
    text = _UNDERSCORES.sub("", _STARS.sub("", text))
    return html.unescape(text).strip(), explicit.group(1) if explicit else None


@dataclass(slots=True)
class UniqueIds:
    """Hand out ids the way ``toc``'s ``unique`` does, in time linear in the count.

    ``toc`` tries ``x_1``, ``x_2`` … from the start for every repeat; ``skip``
    remembers, per stem, where a taken run of numbers ends.
    """

    used: set[str]
    skip: dict[tuple[str, int], int]

    def take(self, wanted: str) -> str:
        """Return ``wanted`` if free, else the next free ``stem_N``, and mark it used."""
        if wanted and wanted not in self.used:
            return self._mark(wanted)
        count = _ID_COUNT.match(wanted)
        stem, number = (count.group(1), int(count.group(2))) if count else (wanted, 0)
        number += 1
        path = []
        while f"{stem}_{number}" in self.used:
            path.append(number)
            number = self.skip.get((stem, number), number + 1)
        for passed in path:  # compress: each taken number now points past the run
            self.skip[(stem, passed)] = number
        return self._mark(f"{stem}_{number}")

    def _mark(self, name: str) -> str:
        self.used.add(name)
        count = _ID_COUNT.match(name)
        if count is not None and name == f"{count.group(1)}_{int(count.group(2))}":
            self.skip.setdefault((count.group(1), int(count.group(2))), int(count.group(2)) + 1)
        return name


def page_headings(body: str, title: str | None, slugify: Slugify) -> tuple[Heading, ...]:
    """Return the body's headings with the anchors they get on a page headed by ``title``."""
    raw = list(_raw_headings(body))
    if not raw and title is None:
        return ()
    parsed = [(level, *heading_text(text), start) for level, text, start in raw]
    ids = UniqueIds({explicit for _, _, explicit, _ in parsed if explicit}, {})
    if title is not None:
        ids.take(slugify(title, "-"))
    ends = _section_ends([(level, start) for level, _, _, start in parsed], len(body))
    found: list[Heading] = []
    slugs: dict[str, str] = {}  # a repeated heading is slugified once
    for (level, text, explicit, start), end in zip(parsed, ends, strict=True):
        slug = slugs.get(text)
        if slug is None:
            slug = slugs[text] = slugify(text, "-")
        anchor = explicit or ids.take(slug)
        found.append(Heading(level, text, anchor, start, end))
    return tuple(found)


def _section_ends(headings: list[tuple[int, int]], length: int) -> list[int]:
    """Return where each heading's section ends: at the next heading of its level or higher.

    One pass with a stack of open sections, so thousands of headings cost linear time.
    """
    ends = [length] * len(headings)
    open_sections: list[int] = []
    for index, (level, start) in enumerate(headings):
        while open_sections and headings[open_sections[-1]][0] >= level:
            ends[open_sections.pop()] = start
        open_sections.append(index)
    return ends


def block_ids(body: str) -> dict[str, tuple[int, int]]:
    """Return each Obsidian block id (``^id`` ending a line outside code) and its marker's range."""
    if "^" not in body:
        return {}
    code = [region.span for region in code_regions(body)]
    return {m.group(1): m.span() for m in _BLOCK_ID.finditer(body) if not inside(code, m.end() - 1)}


_BLANK_LINE = re.compile(r"\n[ \t]*\n")
_LIST_ITEM = re.compile(r"[ \t]*(?:[-*+]|\d{1,9}[.)])[ \t]")


def block_sections(body: str, markers: dict[str, tuple[int, int]]) -> dict[str, tuple[int, int]]:
    """Return the text each block id names: what an embed of ``[[page#^id]]`` shows.

    That is the list item or paragraph its marker ends, up to the marker; a
    marker alone on its line names the paragraph before it (a table, a quote).
    The blank lines are found once, so a body of many blocks costs its length.
    """
    breaks = [m.end() for m in _BLANK_LINE.finditer(body)]  # where each paragraph starts
    sections: dict[str, tuple[int, int]] = {}
    for block, (start, _) in markers.items():
        line_start = body.rfind("\n", 0, start) + 1
        stop = start
        if not body[line_start:start].strip():  # alone on its line: the paragraph before
            stop = line_start
            while stop > 0 and body[stop - 1].isspace():
                stop -= 1
            line_start = body.rfind("\n", 0, stop) + 1
        elif _LIST_ITEM.match(body, line_start):
            sections[block] = (line_start, stop)
            continue
        at = bisect_right(breaks, line_start) - 1
        sections[block] = (breaks[at] if at >= 0 else 0, stop)
    return sections
