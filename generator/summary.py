"""The default summary of a concept: the first paragraph of its body, as plain text."""

from __future__ import annotations

import re

_FENCE = re.compile(r"[ \t]*(`{3,}|~{3,})")
_BLOCK_START = re.compile(
    r"\s*(?:#{1,6}(?:\s|$)|>|\||[-*+]\s|\d+[.)]\s|<|\$\$|!\[|(?:[-*_]\s*){3,}$|\[\^)"
)
_WIKI = re.compile(r"(!?)\[\[([^\[\]\n]+)\]\]")
_IMAGE = re.compile(r"!\[[^\]\n]*\]\([^)\n]*\)")
_MD_LINK = re.compile(r"\[([^\]\n]*)\]\([^)\n]*\)")
_CODE = re.compile(r"(`+)(.+?)\1")
_HTML = re.compile(r"<[^>\n]+>")
_EMPHASIS = re.compile(r"(\*{1,3}|_{1,3}|~~|==)(?=\S)(.+?)(?<=\S)\1")
_SPACE = re.compile(r"\s+")


def _wiki_text(match: re.Match[str]) -> str:
    """Return what a wikilink reads as: its label, else its target, else its heading."""
    if match.group(1):
        return ""
    inner = match.group(2).replace("\\|", "|")
    reference, _, label = inner.partition("|")
    target, _, heading = reference.partition("#")
    return (label or target or heading).strip()


def plain_text(markdown: str) -> str:
    """Return ``markdown`` as one line of plain text (links as their labels, no markup).

    >>> plain_text("Uses **[[chain-rule|the chain rule]]** and `grad`.")
    'Uses the chain rule and grad.'
    """
    text = _WIKI.sub(_wiki_text, markdown)
    text = _IMAGE.sub("", text)
    text = _MD_LINK.sub(r"\1", text)
    text = _CODE.sub(lambda m: m.group(2).strip(), text)
    text = _HTML.sub("", text)
    previous = None
    while previous != text:
        previous, text = text, _EMPHASIS.sub(r"\2", text)
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
