"""Which text of a Markdown body is code: fenced code blocks and inline code spans.

The one definition every scanner uses (links, math, callouts, headings, demo
pages). It follows CommonMark: a fence is three or more backticks or tildes
indented at most three spaces (more inside a list item), closed by a run of the
same character at least as long; a blockquoted fence ends with its quote. A code
span is a backtick run closed by the next run of exactly its length in the same
paragraph; an HTML tag or an autolink that starts first takes precedence.
An indented code block counts only outside a list item: Python-Markdown nests
list content by indentation, so there four spaces mean "still in the list".

Every function is linear in the length of the text.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate
from typing import NamedTuple

Range = tuple[int, int]

_QUOTE = re.compile(r"(?: {0,3}> ?)*")
_FENCE_OPEN = re.compile(r"( *)(`{3,}|~{3,})([^\n]*)")
_FENCE_CLOSE = re.compile(r"( *)(`{3,}|~{3,})[ \t]*$")
_LIST_ITEM = re.compile(r" {0,3}(?:[-+*]|\d{1,9}[.)])(?: |$)")
_ATX = re.compile(r" {0,3}#{1,6}(?:[ \t]|$)")
_BACKTICKS = re.compile(r"`+")
# Raw HTML tags and autolinks outrank code spans; bounded so a scan stays linear.
_TAG_OR_AUTOLINK = re.compile(
    r"<(?:[A-Za-z][A-Za-z0-9+.-]{1,31}:[^\s<>]*"
    r"|[A-Za-z][A-Za-z0-9-]*(?:\s+[A-Za-z_:][\w.:-]*(?:\s*=\s*(?:[^\s\"'=<>`]+|'[^']*'|\"[^\"]*\"))?)*\s*/?"
    r"|/[A-Za-z][A-Za-z0-9-]*\s*)>"
)
_TAG_LOOKAHEAD = 512
_QUOTE_FIRST = frozenset(" >")
# Characters that can start only a paragraph's text: no space, marker, fence, digit or '#'.
_PLAIN_FIRST = frozenset(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz(\"'$[!&/.,;:?=_|^%@{}"
)


@dataclass(frozen=True, slots=True)
class CodeRegion:
    """One code region: ``span`` covers its markers, ``inner`` the code between them.

    ``indent`` is the opening fence's indentation and ``quote`` its blockquote
    depth (both 0 for a code span), which a block's lines lose; ``block``
    is true for fenced and indented code blocks.
    """

    span: Range
    inner: Range
    block: bool
    indent: int = 0
    quote: int = 0


class _Line(NamedTuple):
    start: int
    end: int  # before the line break
    body: int  # after the blockquote markers
    quote: int


def _lines(text: str) -> list[_Line]:
    parts = text.split("\n")
    if len(parts) > 1 and not parts[-1]:
        parts.pop()  # a final line break ends the last line; it does not start another
    starts = accumulate([len(part) + 1 for part in parts], initial=0)
    make = _Line._make
    return [
        make((pos, pos + len(part), pos, 0))  # no blockquote marker: the common case
        if part[:1] not in _QUOTE_FIRST
        else _quoted(text, pos, pos + len(part))
        for pos, part in zip(starts, parts, strict=False)  # starts ends with one past the text
    ]


def _quoted(text: str, start: int, end: int) -> _Line:
    body = _QUOTE.match(text, start, end).end()  # type: ignore[union-attr]
    return _Line(start, end, body, text.count(">", start, body))


def _blank(text: str, line: _Line) -> bool:
    return not text[line.body : line.end].strip()


def _opening(text: str, line: _Line, in_list: bool) -> re.Match[str] | None:
    """Return the fence that opens at ``line``, or None."""
    match = _FENCE_OPEN.match(text, line.body, line.end)
    if match is None or (len(match.group(1)) > 3 and not in_list):
        return None
    if match.group(2)[0] == "`" and "`" in match.group(3):
        return None  # a backtick fence's info string holds no backtick
    return match


def _closes(text: str, line: _Line, fence: str, container: int) -> bool:
    match = _FENCE_CLOSE.match(text, line.body, line.end)
    return (
        match is not None
        and len(match.group(1)) - container < 4
        and match.group(2)[0] == fence[0]
        and len(match.group(2)) >= len(fence)
    )


def _blocks(text: str) -> tuple[list[CodeRegion], list[Range]]:
    """Return the code blocks and the paragraph-like ranges between them."""
    blocks: list[CodeRegion] = []
    paragraphs: list[Range] = []
    para_start: int | None = None
    in_list = False
    lines = _lines(text)
    index = 0
    while index < len(lines):
        line = lines[index]
        if text[line.body : line.body + 1] in _PLAIN_FIRST:
            # Starts with a letter or the like: not blank, code, a list item or a heading.
            in_list = False
            if para_start is None:
                para_start = line.start
            index += 1
            continue
        if _blank(text, line):
            if para_start is not None:
                paragraphs.append((para_start, line.start))
                para_start = None
            index += 1
            continue
        opener = None
        if para_start is None and not in_list and text.startswith("    ", line.body):
            region, index = _indented_from(text, lines, index)
        elif (opener := _opening(text, line, in_list)) is not None:
            region, index = _fence_from(text, lines, index, opener)
        else:
            # Deeper fences count only inside a list item: elsewhere they are indented code.
            if _LIST_ITEM.match(text, line.body, line.end):
                in_list = True
            elif not text[line.body].isspace():
                in_list = False
            if _ATX.match(text, line.body, line.end):
                if para_start is not None:
                    paragraphs.append((para_start, line.start))
                paragraphs.append((line.body, line.end))
                para_start = None
            elif para_start is None:
                para_start = line.start
            index += 1
            continue
        if para_start is not None:
            paragraphs.append((para_start, line.start))
            para_start = None
        blocks.append(region)
    if para_start is not None:
        paragraphs.append((para_start, len(text)))
    return blocks, paragraphs


# A line after the first that starts indented, with any other space, or quoted: only
# _blocks reads those. Patterns that start with a line break are searched for it
# quickly, where a ``^`` in MULTILINE mode is tried at every character.
_OFF_MARGIN = re.compile(r"\n(?:[^\S\n]|>)")
# A line that ends a paragraph where every line starts at the margin: blank, or an ATX
# heading; the first line's break is matched without the line break before it.
_BREAK_LINE = r"(?:#{1,6}(?:[ \t][^\n]*)?)?(?=\n|\Z)"
_FIRST_BREAK = re.compile(_BREAK_LINE)
_MARGIN_BREAK = re.compile(r"\n" + _BREAK_LINE)


def _off_margin(text: str) -> bool:
    """Return whether a line of ``text`` starts with a space other than a line break, or '>'."""
    first = text[:1]
    return first == ">" or (first.isspace() and first != "\n") or bool(_OFF_MARGIN.search(text))


def _margin_breaks(text: str) -> list[Range]:
    """Return the ranges of the blank lines and ATX headings of ``text``, in order."""
    first = _FIRST_BREAK.match(text)
    breaks = [first.span()] if first is not None else []
    breaks.extend((match.start() + 1, match.end()) for match in _MARGIN_BREAK.finditer(text))
    return breaks


def _margin_ticked(text: str) -> list[Range] | None:
    """Return ``_blocks(text)``'s paragraphs that hold a backtick when it can have no block.

    None means it may have one. With no fence marker and every line at the
    margin (nothing indented or quoted), there is no code block, a blank line
    is an empty one, and a paragraph is what lies between empty lines and ATX
    headings, each heading a paragraph of its own. So one regex scan finds
    those breaks, and only a paragraph a backtick falls in is looked at: code
    spans are all that such a text can hold. Most bodies are like this.
    """
    if "```" in text or "~~~" in text or _off_margin(text):
        return None
    breaks = _margin_breaks(text)
    starts = [start for start, _ in breaks]
    ticked: list[Range] = []
    tick = text.find("`")
    while tick >= 0:
        at = bisect_right(starts, tick) - 1  # the last break starting at or before the tick
        if at >= 0 and tick < breaks[at][1]:
            paragraph = breaks[at]  # a heading
        else:
            start = breaks[at][1] + 1 if at >= 0 else 0
            end = breaks[at + 1][0] if at + 1 < len(breaks) else len(text)
            paragraph = (start, end)
        ticked.append(paragraph)
        tick = text.find("`", paragraph[1])
    return ticked


def _fence_from(
    text: str, lines: list[_Line], index: int, opener: re.Match[str]
) -> tuple[CodeRegion, int]:
    """Return the fenced block ``opener`` starts at ``lines[index]`` and the index after it."""
    first = lines[index]
    fence, indent = opener.group(2), len(opener.group(1))
    container = indent if indent > 3 else 0
    inner_start = min(first.end + 1, len(text))
    end = first.end
    for at in range(index + 1, len(lines)):
        line = lines[at]
        if line.quote < first.quote:  # the blockquote ended, and the fence with it
            return _block(first, inner_start, end, end, indent), at
        if _closes(text, line, fence, container):
            return _block(first, inner_start, line.start - 1, line.end, indent), at + 1
        end = line.end
    return _block(first, inner_start, end, end, indent), len(lines)


def _block(first: _Line, inner_start: int, inner_end: int, end: int, indent: int) -> CodeRegion:
    inner = (inner_start, max(inner_start, inner_end))
    return CodeRegion((first.start, end), inner, True, indent, first.quote)


def _indented_from(text: str, lines: list[_Line], index: int) -> tuple[CodeRegion, int]:
    """Return the indented code block starting at ``lines[index]`` and the index after it."""
    first = lines[index]
    end, at = first.end, index + 1
    while at < len(lines):
        line = lines[at]
        if not _blank(text, line):
            if not text.startswith("    ", line.body):
                break
            end = line.end
        at += 1
    return CodeRegion((first.start, end), (first.start, end), True, 4, first.quote), at


def _escaped(text: str, at: int, floor: int) -> bool:
    """Return whether the character at ``at`` follows an odd number of backslashes."""
    count = 0
    while at - count - 1 >= floor and text[at - count - 1] == "\\":
        count += 1
    return count % 2 == 1


def _spans(text: str, start: int, end: int) -> list[CodeRegion]:
    """Return the code spans of one paragraph-like range, scanned left to right."""
    runs = _runs(text, start, end)
    if not runs:
        return []
    count = len(runs)
    following = [-1] * count  # the next run of the same length: the one that closes a span
    last: dict[int, int] = {}
    for index in range(count - 1, -1, -1):
        size = runs[index][1] - runs[index][0]
        following[index] = last.get(size, -1)
        last[size] = index
    spans: list[CodeRegion] = []
    by_size: dict[int, list[int]] = {}
    pos, index = start, 0
    lt = text.find("<", start, end)
    while index < count:
        a, b = runs[index]
        if 0 <= lt < a:
            pos, lt = _skip_tags(text, lt, a, end, pos)
            if a < pos:
                index += 1
                continue
        closing = following[index]
        if text[a - 1 : a] == "\\" and _escaped(text, a, pos):
            a += 1
            closing = _next_of_size(runs, by_size, index, b - a)
        if closing < 0:
            pos, index = b, index + 1
            continue
        c, d = runs[closing]
        spans.append(CodeRegion((a, d), (b, c), False))
        pos, index = d, closing + 1
    return spans


def _runs(text: str, start: int, end: int) -> list[Range]:
    """Return the backtick runs of ``text[start:end]``, in order.

    ``str.find`` jumps to each run, where a regex search for one tries every position.
    """
    runs: list[Range] = []
    at = text.find("`", start, end)
    while at >= 0:
        stop = _BACKTICKS.match(text, at, end).end()  # type: ignore[union-attr]
        runs.append((at, stop))
        at = text.find("`", stop, end)
    return runs


def _skip_tags(text: str, lt: int, at: int, end: int, pos: int) -> tuple[int, int]:
    """Return where scanning resumes if a tag or autolink covers ``at``, and the next ``<``."""
    if lt < pos:
        lt = text.find("<", pos, end)
    while 0 <= lt < at:
        tag = _TAG_OR_AUTOLINK.match(text, lt, min(end, lt + _TAG_LOOKAHEAD))
        if tag is not None and tag.end() > at:
            return tag.end(), text.find("<", tag.end(), end)
        lt = text.find("<", tag.end() if tag else lt + 1, end)
    return pos, lt


def _next_of_size(runs: list[Range], by_size: dict[int, list[int]], after: int, size: int) -> int:
    """Return the index of the first run of ``size`` after run ``after``, or -1.

    Only an escaped opening run needs it, so ``by_size`` is filled on first use.
    """
    if not by_size:
        for index, (a, b) in enumerate(runs):
            by_size.setdefault(b - a, []).append(index)
    same = by_size.get(size, [])
    at = bisect_right(same, after)
    return same[at] if at < len(same) else -1


@lru_cache(maxsize=1 << 14)
def code_regions(text: str) -> tuple[CodeRegion, ...]:
    """Return the code regions of Markdown ``text``, sorted and disjoint.

    Loading, resolving headings and rendering all ask about the same bodies,
    so recent answers are kept (the result is immutable).

    >>> [r.span for r in code_regions("a `b` c\\n```\\nd\\n```\\n")]
    [(2, 5), (8, 17)]
    """
    if "`" not in text and "~~~" not in text:
        return ()
    ticked = _margin_ticked(text)
    fences, paragraphs = ([], ticked) if ticked is not None else _blocks(text)
    spans = [span for start, end in paragraphs for span in _spans(text, start, end)]
    if not fences:
        return tuple(spans)  # paragraphs come in order, and each one's spans do
    return tuple(sorted((*fences, *spans), key=lambda region: region.span))


def code_ranges(text: str) -> list[Range]:
    """Return the sorted ``(start, end)`` ranges of ``text`` that are code."""
    return [region.span for region in code_regions(text)]


def gaps(ranges: list[Range], start: int, stop: int) -> list[Range]:
    """Return the parts of ``[start, stop)`` that none of the sorted, disjoint ``ranges`` covers.

    Only the ranges that meet ``[start, stop)`` are looked at, so asking
    about each piece of a text in turn costs the pieces, not the pieces
    times the ranges.
    """
    parts: list[Range] = []
    pos = start
    for index in range(_first_ending_after(ranges, start), len(ranges)):
        a, b = ranges[index]
        if a >= stop:
            break
        if a > pos:
            parts.append((pos, a))
        pos = max(pos, b)
    if pos < stop:
        parts.append((pos, stop))
    return parts


def _first_ending_after(ranges: list[Range], at: int) -> int:
    """Return the index of the first of the sorted, disjoint ``ranges`` that ends after ``at``."""
    low, high = 0, len(ranges)
    while low < high:
        mid = (low + high) // 2
        if ranges[mid][1] <= at:
            low = mid + 1
        else:
            high = mid
    return low


def inside(ranges: list[Range], at: int) -> bool:
    """Return whether offset ``at`` lies in one of the sorted, disjoint ``ranges``."""
    low = _first_ending_after(ranges, at)
    return low < len(ranges) and ranges[low][0] <= at
