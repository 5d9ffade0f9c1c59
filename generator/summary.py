"""The default summary of a concept: the first paragraph of its body, as plain text.

Every scanner here is linear in the length of its text. An opener with no
closer (a line of ``[``, ``<``, ``**`` or backticks) must not send a search to
the end of the line from each opener, so closers are found by a ``_Next``
that remembers where the next one is, and emphasis is paired with one stack
per delimiter.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_FENCE = re.compile(r"[ \t]*(`{3,}|~{3,})")
_BLOCK_START = re.compile(
    r"\s*(?:#{1,6}(?:\s|$)|>|\||[-*+]\s|\d+[.)]\s|<|\$\$|!\[|(?:[-*_]\s*){3,}$|\[\^)"
)
# Linear as it is: the inner part stops at the next bracket, so no two tries overlap.
_WIKI = re.compile(r"(!?)\[\[([^\[\]\n]+)\]\]")
_BACKTICKS = re.compile(r"`+")
# An underscore run between two letters or digits (snake_case) is never a delimiter,
# so the pattern passes over it instead of handing it to the pairing loop.
_DELIMITERS = re.compile(r"\*+|(?<![^\W_])(?<!_)_+|(?<!_)_+(?!_|[^\W_])|~+|=+")
_SPACE = re.compile(r"\s+")


@dataclass(slots=True)
class _Next:
    """The next position of one character at or after a position that only moves forward."""

    text: str
    char: str
    found: int = -2  # -2: not searched yet; -1: none after the positions asked so far

    def at(self, pos: int) -> int:
        """Return the first index >= ``pos`` holding the character, or ``len(text)``."""
        if self.found == -1:
            return len(self.text)
        if self.found < pos:
            self.found = self.text.find(self.char, pos)
        return len(self.text) if self.found == -1 else self.found


def _wiki_text(match: re.Match[str]) -> str:
    """Return what a wikilink reads as: its label, else its target, else its heading."""
    if match.group(1):
        return ""
    inner = match.group(2).replace("\\|", "|")
    reference, _, label = inner.partition("|")
    target, _, heading = reference.partition("#")
    return (label or target or heading).strip()


def _strip_links(text: str, *, images: bool) -> str:
    """Replace ``[label](url)`` by its label, or drop ``![alt](url)`` when ``images``."""
    out: list[str] = []
    pos = i = 0
    close, paren = _Next(text, "]"), _Next(text, ")")
    # One finder per use: each is asked for positions that only move forward.
    in_label, in_url = _Next(text, "\n"), _Next(text, "\n")
    while (i := text.find("[", i)) >= 0:
        start = i - 1 if images else i
        j = close.at(i + 1)
        if j == len(text):
            break  # no later "[" has a "]" after it either
        k = paren.at(j + 2) if text.startswith("(", j + 1) else len(text)
        if k == len(text) and text.startswith("(", j + 1):
            break  # no ")" is left for any later link either
        if start < pos or (images and text[start] != "!") or k == len(text):
            i += 1
            continue
        if in_label.at(i + 1) < j or in_url.at(j + 2) < k:
            i += 1
            continue
        out.append(text[pos:start])
        if not images:
            out.append(text[i + 1 : j])
        pos = i = k + 1
    out.append(text[pos:])
    return "".join(out)


def _strip_code(text: str) -> str:
    """Replace each inline code span by its content: a run of backticks to the next equal run."""
    runs = [(m.start(), m.end()) for m in _BACKTICKS.finditer(text)]
    by_length: dict[int, list[int]] = {}
    for index, (start, end) in enumerate(runs):
        by_length.setdefault(end - start, []).append(index)
    seen = dict.fromkeys(by_length, 0)  # per length: how far its list has been passed
    newline = _Next(text, "\n")
    out: list[str] = []
    pos = 0
    for index, (start, end) in enumerate(runs):
        if start < pos:
            continue
        same = by_length[end - start]
        while seen[end - start] < len(same) and same[seen[end - start]] <= index:
            seen[end - start] += 1
        if seen[end - start] == len(same):
            continue
        close_start, close_end = runs[same[seen[end - start]]]
        if newline.at(end) < close_start:
            continue
        out += [text[pos:start], text[end:close_start].strip()]
        pos = close_end
    out.append(text[pos:])
    return "".join(out)


def _strip_html(text: str) -> str:
    """Drop every ``<tag ...>`` that closes on its own line."""
    out: list[str] = []
    pos = i = 0
    close, newline = _Next(text, ">"), _Next(text, "\n")
    while (i := text.find("<", i)) >= 0:
        j = close.at(i + 1)
        if j == len(text):
            break
        if i < pos or j == i + 1 or newline.at(i + 1) < j:
            i += 1
            continue
        out.append(text[pos:i])
        pos = i = j + 1
    out.append(text[pos:])
    return "".join(out)


@dataclass(slots=True)
class _Run:
    """A run of one emphasis character, and how many of its characters pairing removed."""

    start: int
    end: int
    removed: int = 0
    open_left: int = 0


def _flanks(text: str, start: int, end: int) -> tuple[bool, bool]:
    """Return whether a delimiter run may open (text follows) and close (text precedes)."""
    before = text[start - 1] if start else " "
    after = text[end] if end < len(text) else " "
    can_open, can_close = not after.isspace(), not before.isspace()
    if text[start] == "_":  # snake_case stays as it is
        can_open, can_close = can_open and not before.isalnum(), can_close and not after.isalnum()
    return can_open, can_close


def _strip_emphasis(text: str) -> str:
    """Drop paired ``*``, ``_``, ``~~`` and ``==`` delimiters, innermost pairs first."""
    runs: list[_Run] = []
    openers: dict[str, list[_Run]] = {}
    for match in _DELIMITERS.finditer(text):
        start, end = match.span()
        if text[start] in "~=" and end - start != 2:
            continue
        can_open, can_close = _flanks(text, start, end)
        stack = openers.setdefault(text[start], [])
        if not can_open and not (can_close and stack):
            continue  # plain text: "a * b", snake_case, or a closer with nothing open
        run = _Run(start, end)
        runs.append(run)
        left = end - start
        while can_close and left and stack:
            top = stack[-1]
            paired = min(top.open_left, left)
            top.open_left -= paired
            top.removed += paired
            run.removed += paired
            left -= paired
            if not top.open_left:
                stack.pop()
        if can_open and left:
            run.open_left = left
            stack.append(run)
    out: list[str] = []
    pos = 0
    for run in runs:
        if run.removed:
            kept = (run.end - run.start) - run.removed
            out += [text[pos : run.start], text[run.start] * kept]
            pos = run.end
    out.append(text[pos:])
    return "".join(out)


def plain_text(markdown: str) -> str:
    """Return ``markdown`` as one line of plain text (links as their labels, no markup).

    >>> plain_text("Uses **[[chain-rule|the chain rule]]** and `grad`.")
    'Uses the chain rule and grad.'
    """
    text = _WIKI.sub(_wiki_text, markdown)
    text = _strip_links(text, images=True)
    text = _strip_links(text, images=False)
    text = _strip_code(text)
    text = _strip_html(text)
    text = _strip_emphasis(text)
    return _SPACE.sub(" ", text).strip()


def first_paragraph(body: str) -> str:
    """Return the first prose paragraph of ``body`` as plain text ('' if there is none).

    Headings, lists, quotes and callouts, tables, code, math blocks and HTML
    are passed over: a summary is a sentence, not a structure.
    """
    lines: list[str] = []
    fence: str | None = None
    skipping = False
    for line in body.split("\n"):
        opener = _FENCE.match(line)
        if fence is not None:
            if opener and opener.group(1)[0] == fence[0] and len(opener.group(1)) >= len(fence):
                fence = None
            continue
        if opener:
            if lines:
                break
            fence = opener.group(1)
            continue
        if not line.strip():
            if lines:
                break
            skipping = False
            continue
        if skipping or (not lines and _BLOCK_START.match(line)):
            skipping = True
            continue
        lines.append(line)
    return plain_text(" ".join(lines))


PLACEHOLDER_PREFIX = "TODO:"
"""How a summary still to be written starts; ``glossgraph new`` writes one and check flags it."""


def placeholder_summary(title: str) -> str:
    """Return the summary ``glossgraph new`` writes when none was given."""
    return f"{PLACEHOLDER_PREFIX} say in one sentence what {title} is."


def is_placeholder(summary: str) -> bool:
    """Return whether a summary is still a placeholder (starts with ``TODO:``)."""
    return summary.lstrip().upper().startswith(PLACEHOLDER_PREFIX)
