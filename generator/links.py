"""Body text -> links: wikilinks, embeds and Markdown links, never inside code.

Also the small text scans that need the same notion of "code": Obsidian
``%%comments%%`` and heading anchors.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections.abc import Iterator
from urllib.parse import unquote

from generator.model import Link, LinkStyle

_FENCE = re.compile(r"^[ \t]*(`{3,}|~{3,})", re.MULTILINE)
_BACKTICKS = re.compile(r"`+")
_BLANK_LINE = re.compile(r"\n[ \t]*\n")
_WIKI_PATTERN = r"\[\[([^\[\]\n]*(?:\][^\[\]\n]+)*)\]\]"
_WIKI = re.compile(_WIKI_PATTERN)
_LINK = re.compile(
    _WIKI_PATTERN + r"|\[([^\[\]\n]*(?:\[[^\[\]\n]*\][^\[\]\n]*)*)\]"
    r"\(\s*(<[^<>\n]+>|[^\s()<>]+)(?:\s+(?:\"[^\"\n]*\"|'[^'\n]*'))?\s*\)"
)
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")
_SIZE = re.compile(r"(\d+)(?:x\d+)?")
_HEADING = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$", re.MULTILINE)
_ATTR_ID = re.compile(r"\s*\{[^}]*#([\w-]+)[^}]*\}\s*$")

Range = tuple[int, int]


def _rest_of_line(body: str, pos: int) -> str:
    """Return the text from ``pos`` to the end of its line."""
    end = body.find("\n", pos)
    return body[pos : end if end >= 0 else len(body)]


def _fence_lines(body: str) -> Iterator[re.Match[str]]:
    """Yield what ``_FENCE.finditer`` would, trying only the lines that hold a fence's run.

    Anchoring at every line start is what makes the plain search slow.
    """
    ticks, tildes, pos = body.find("```"), body.find("~~~"), 0
    while ticks >= 0 or tildes >= 0:
        at = ticks if tildes < 0 or 0 <= ticks < tildes else tildes
        match = _FENCE.match(body, body.rfind("\n", 0, at) + 1)
        if match is not None:
            yield match
        pos = body.find("\n", at) + 1
        if not pos:
            return
        if 0 <= ticks < pos:  # each is searched for again only once passed
            ticks = body.find("```", pos)
        if 0 <= tildes < pos:
            tildes = body.find("~~~", pos)


def _fenced_ranges(body: str) -> list[Range]:
    """Return the ranges of fenced code blocks (an unclosed fence runs to the end)."""
    ranges: list[Range] = []
    if "```" not in body and "~~~" not in body:
        return ranges
    opener: re.Match[str] | None = None
    for match in _fence_lines(body):
        fence = match.group(1)
        if opener is None:
            if fence[0] == "`" and "`" in _rest_of_line(body, match.end()):
                continue  # a backtick fence's info string holds no backtick
            opener = match
            continue
        opening = opener.group(1)
        rest = _rest_of_line(body, match.end())
        if fence[0] == opening[0] and len(fence) >= len(opening) and not rest.strip():
            ranges.append((opener.start(), match.end() + len(rest)))
            opener = None
    if opener is not None:
        ranges.append((opener.start(), len(body)))
    return ranges


def _gaps(length: int, ranges: list[Range]) -> Iterator[Range]:
    """Yield the parts of ``[0, length)`` that no range covers (ranges sorted, disjoint)."""
    pos = 0
    for start, end in ranges:
        if start > pos:
            yield pos, start
        pos = max(pos, end)
    if pos < length:
        yield pos, length


def _inline_ranges(body: str, start: int, end: int, comments: bool) -> list[Range]:
    """Return code spans (and ``%%comments%%`` if asked) between ``start`` and ``end``."""
    pct = body.find("%%", start, end) if comments else -1
    if pct < 0 and body.find("`", start, end) < 0:
        return []
    ranges: list[Range] = []
    pos = start
    while pos < end:
        tick = body.find("`", pos, end)
        if 0 <= pct < pos:  # the first "%%" at or after ``pos``, found again only when passed
            pct = body.find("%%", pos, end)
        if pct >= 0 and (tick < 0 or pct < tick):
            close = body.find("%%", pct + 2)
            stop = len(body) if close < 0 else close + 2
            ranges.append((pct, stop))
            pos = stop
            continue
        if tick < 0:
            break
        run = _BACKTICKS.match(body, tick, end)
        assert run is not None
        closing = _find_closing_run(body, run.end(), end, len(run.group()))
        if closing < 0:
            pos = run.end()
            continue
        ranges.append((tick, closing))
        pos = closing
    return ranges


def _find_closing_run(body: str, pos: int, end: int, size: int) -> int:
    """Return the end of the backtick run of exactly ``size`` closing a code span, or -1."""
    blank = _BLANK_LINE.search(body, pos, end)
    for run in _BACKTICKS.finditer(body, pos, blank.start() if blank else end):
        if len(run.group()) == size:
            return run.end()
    return -1


def protected_ranges(body: str, *, comments: bool = False) -> list[Range]:
    """Return the sorted ranges of ``body`` in which no link is parsed (code, comments)."""
    fenced = _fenced_ranges(body)
    ranges = list(fenced)
    if "`" in body or (comments and "%%" in body):
        for start, end in _gaps(len(body), fenced):
            ranges.extend(_inline_ranges(body, start, end, comments))
    ranges.sort()
    return ranges


def _wiki_link(inner: str, embed: bool) -> tuple[str, str | None, str | None, int | None] | None:
    """Return target, heading, label and width of a ``[[inner]]``, or None if plain text."""
    if not ("|" in inner or "#" in inner):
        target = inner.strip()
        return (target, None, None, None) if target else None
    reference, bar, label_text = inner.replace("\\|", "|").partition("|")
    target, hash_, heading_text = reference.partition("#")
    target = target.strip()
    heading = heading_text.strip() or None if hash_ else None
    if not target and heading is None:
        return None
    label: str | None = label_text.strip() if bar else None
    width: int | None = None
    if embed and label is not None and (size := _SIZE.fullmatch(label)):
        width, label = int(size.group(1)), None
    return target, heading, label or None, width


def _markdown_target(destination: str) -> tuple[str, str | None] | None:
    """Return file and heading of a relative ``.md`` link destination, or None."""
    if destination.startswith("<"):
        destination = destination[1:-1]
    path, _, fragment = unquote(destination).partition("#")
    path = path.strip()
    if not path or _SCHEME.match(path) or path.startswith("/"):
        return None
    if not path.lower().endswith(".md"):
        return None
    return path, fragment or None


def _matches(body: str, protected: list[Range]) -> list[tuple[re.Match[str], int]]:
    """Return the link-like matches outside ``protected``, each with the start of its gap.

    One scan of the whole body finds the same matches as a scan of each gap
    whenever no match touches a protected range, so the gaps are scanned one
    by one only when one does.
    """
    found: list[tuple[re.Match[str], int]] = []
    index, count, gap_start = 0, len(protected), 0
    for match in _LINK.finditer(body):
        at = match.start()
        while index < count and protected[index][1] <= at:
            gap_start = max(gap_start, protected[index][1])
            index += 1
        if index < count and protected[index][0] < match.end():
            return [
                (match, start)
                for start, end in _gaps(len(body), protected)
                for match in _LINK.finditer(body, start, end)
            ]
        found.append((match, gap_start))
    return found


def _scan(body: str, body_line: int, protected: list[Range]) -> list[Link]:
    """Return the links in the parts of ``body`` outside ``protected``, in order."""
    links: list[Link] = []
    line, counted = body_line, 0  # line number of offset ``counted``; links come in order
    for match, start in _matches(body, protected):
        at = match.start()
        before = body[at - 1] if at > start else ""
        inner = match.group(1)
        if inner is not None:
            parts = None if before == "\\" else _wiki_link(inner, before == "!")
            if parts is None:
                continue
            at -= before == "!"
            line += body.count("\n", counted, at)
            counted = at
            col = at - body.rfind("\n", 0, at)
            span = (at, match.end())
            links.append(Link(*parts[:3], before == "!", parts[3], span, line, col))
            continue
        found = None if before and before in "!\\]" else _markdown_target(match.group(3))
        if found is not None:
            line += body.count("\n", counted, at)
            counted = at
            col = at - body.rfind("\n", 0, at)
            label = match.group(2).strip() or None
            links.append(
                Link(*found, label, False, None, match.span(), line, col, LinkStyle.MARKDOWN)
            )
    return links


def parse_links(body: str, body_line: int) -> tuple[Link, ...]:
    """Return the links in ``body``, whose first line is line ``body_line`` of its file.

    >>> [(l.target, l.label) for l in parse_links("See [[a|the A]] and `[[b]]`.", 5)]
    [('a', 'the A')]
    """
    return tuple(_scan(body, body_line, protected_ranges(body)))


def strip_comments(body: str, body_line: int) -> tuple[str, tuple[Link, ...]]:
    """Return ``body`` without Obsidian ``%%comments%%`` and the links of what is left.

    A comment's line breaks are kept so that later lines keep their numbers;
    link spans index the returned body, lines and columns the original file.
    """
    if "%%" not in body and "[[" not in body and "](" not in body:
        return body, ()  # nothing a link or comment could start with
    protected = protected_ranges(body, comments=True)
    comments = [(s, e) for s, e in protected if body.startswith("%%", s)]
    links = _scan(body, body_line, protected)
    if not comments:
        return body, tuple(links)
    pieces: list[str] = []
    shifts: list[tuple[int, int]] = []  # (original offset, characters removed before it)
    removed = 0
    pos = 0
    for start, end in comments:
        pieces.append(body[pos:start])
        kept = "\n" * body.count("\n", start, end)
        pieces.append(kept)
        removed += (end - start) - len(kept)
        shifts.append((end, removed))
        pos = end
    pieces.append(body[pos:])

    def moved(offset: int) -> int:
        index = bisect_right(shifts, (offset, len(body) + 1)) - 1
        return offset - (shifts[index][1] if index >= 0 else 0)

    shifted = tuple(
        Link(
            link.target,
            link.heading,
            link.label,
            link.embed,
            link.width,
            (moved(link.span[0]), moved(link.span[1])),
            link.line,
            link.col,
            link.style,
        )
        for link in links
    )
    return "".join(pieces), shifted


def toc_slug(text: str) -> str:
    """Return the anchor MkDocs' default ``toc`` slugify gives a heading's text.

    >>> toc_slug("Scaled dot-product attention!")
    'scaled-dot-product-attention'
    """
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    cleaned = re.sub(r"[^\w\s-]", "", ascii_text).strip().lower()
    return re.sub(r"[-\s]+", "-", cleaned)


def _heading_text(raw: str) -> tuple[str, str | None]:
    """Return a heading's plain text and its explicit ``{#id}``, if any."""
    explicit = _ATTR_ID.search(raw)
    if explicit:
        raw = raw[: explicit.start()]
    text = _WIKI.sub(lambda m: (m.group(1).partition("|")[2] or m.group(1)).strip(), raw)
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"[*_`~=]+", "", text).strip()
    return text, explicit.group(1) if explicit else None


def heading_slugs(body: str) -> dict[str, str]:
    """Map each ATX heading's text in ``body`` to its anchor (``_1``, ``_2`` for repeats).

    >>> heading_slugs("# Intro\\n## Intro\\n```\\n# not a heading\\n```\\n")
    {'Intro': 'intro'}
    """
    code = _fenced_ranges(body)
    used: set[str] = set()
    anchors: dict[str, str] = {}
    for match in _HEADING.finditer(body):
        if any(s <= match.start() < e for s, e in code):
            continue
        text, explicit = _heading_text(match.group(2))
        anchor = explicit or toc_slug(text)
        unique, n = anchor, 0
        while unique in used:
            n += 1
            unique = f"{anchor}_{n}"
        used.add(unique)
        anchors.setdefault(text, unique)
    return anchors
