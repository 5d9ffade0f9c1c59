"""Body text -> links: wikilinks, embeds and Markdown links, never inside code.

Also Obsidian ``%%comments%%``, which hide links the same way code does.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from urllib.parse import unquote

from generator.coderegions import Range, code_ranges, gaps, inside
from generator.model import Link, LinkStyle

_WIKI_PATTERN = r"\[\[([^\[\]\n]*(?:\][^\[\]\n]+)*)\]\]"
_WIKI = re.compile(_WIKI_PATTERN)
_LINK = re.compile(
    _WIKI_PATTERN + r"|\[([^\[\]\n]*(?:\[[^\[\]\n]*\][^\[\]\n]*)*)\]"
    r"\(\s*(<[^<>\n]+>|[^\s()<>]+)(?:\s+(?:\"([^\"\n]*)\"|'([^'\n]*)'))?\s*\)"
)
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")
_SIZE = re.compile(r"(\d+)(?:x\d+)?")


def _comments(body: str, code: list[Range]) -> list[Range]:
    """Return the ``%%comment%%`` ranges that start outside ``code`` (an unclosed one runs on)."""
    found: list[Range] = []
    pos = body.find("%%")
    while pos >= 0:
        if inside(code, pos):
            pos = body.find("%%", pos + 1)
            continue
        close = body.find("%%", pos + 2)
        stop = len(body) if close < 0 else close + 2
        found.append((pos, stop))
        pos = body.find("%%", stop)
    return found


def protected_ranges(body: str, *, comments: bool = False) -> list[Range]:
    """Return the sorted, disjoint ranges of ``body`` in which no link is parsed."""
    code = code_ranges(body)
    if not comments or "%%" not in body:
        return code
    hidden = _comments(body, code)
    merged: list[Range] = []
    for start, end in sorted(code + hidden):
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


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
    if not bar:
        return target, heading, None, None
    # Obsidian sizes an embed as ![[x.png|300]] or, with alt text, ![[x.png|alt|300]].
    label, width = _sized(label_text) if embed else (label_text.strip() or None, None)
    return target, heading, label, width


def _markdown_target(destination: str) -> tuple[str, str | None] | None:
    """Return the file and heading of a relative link destination (URL-decoded), or None.

    Any relative destination names a file of the vault, the way Obsidian reads
    it: a note (``Other%20Note.md#Heading``, with or without ``.md``) or an
    attachment (``Pasted%20image.png``).
    """
    if destination.startswith("<"):
        destination = destination[1:-1]
    raw_path, _, raw_fragment = destination.partition("#")
    path = unquote(raw_path).strip()
    if not path or _SCHEME.match(path) or path.startswith("/"):
        return None
    return path, unquote(raw_fragment) or None


def _markdown_label(label: str, embed: bool) -> tuple[str | None, int | None]:
    """Return a Markdown link's label and, for an embed, Obsidian's ``alt|300`` width."""
    text = label.strip()
    if embed and "|" in text:
        return _sized(text)
    return text or None, None


def _sized(text: str) -> tuple[str | None, int | None]:
    """Return the text before a trailing ``|300`` (or ``|300x200``) and that width."""
    alt, _, size = text.rpartition("|")
    if (width := _SIZE.fullmatch(size.strip())) is not None:
        return alt.strip() or None, int(width.group(1))
    return text.strip() or None, None


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
                for start, end in gaps(protected, 0, len(body))
                for match in _LINK.finditer(body, start, end)
            ]
        found.append((match, gap_start))
    return found


def _scan(body: str, body_line: int, protected: list[Range]) -> list[Link]:
    """Return the links in the parts of ``body`` outside ``protected``, in order."""
    links: list[Link] = []
    # The line of offset ``counted`` and where that line starts: links come in order,
    # so each search runs from the last link on and a long line of links stays linear.
    line, counted, line_start = body_line, 0, 0
    for match, start in _matches(body, protected):
        at = match.start()
        before = body[at - 1] if at > start else ""
        embed = before == "!"
        inner = match.group(1)
        if inner is not None:
            parts = None if before == "\\" else _wiki_link(inner, embed)
            if parts is None:
                continue
            target, heading, label, width = parts
            style, title = LinkStyle.WIKI, None
        else:
            found = None if before and before in "\\]" else _markdown_target(match.group(3))
            if found is None:
                continue
            target, heading = found
            label, width = _markdown_label(match.group(2), embed)
            style, title = LinkStyle.MARKDOWN, match.group(4) or match.group(5) or None
        at -= embed
        breaks = body.count("\n", counted, at)
        if breaks:
            line += breaks
            line_start = body.rfind("\n", counted, at) + 1
        counted = at
        span = (at, match.end())
        col = at - line_start + 1
        links.append(Link(target, heading, label, embed, width, span, line, col, style, title))
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
            link.title,
        )
        for link in links
    )
    return "".join(pieces), shifted
