"""Format a concept's body for its page: resolved links, embeds, math, callouts.

Every link was resolved by the linker (``ConceptGraph.links``); this module
only writes each record as Markdown or HTML for the page it lands on.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from types import MappingProxyType

from generator.coderegions import code_ranges, code_regions, gaps, inside
from generator.model import (
    AssetTarget,
    ConceptGraph,
    ConceptTarget,
    Dangling,
    Entity,
    EntityKey,
    ImageInfo,
    Link,
    LinkStyle,
    ResolvedLink,
    SiteUrl,
    SourcePath,
)
from generator.render.mathml import render_math
from generator.render.text import asset_href, escape_attr, escape_inline, relative_url
from generator.resolver import IMAGE_SUFFIXES, image_alt, is_block_anchor

_COMMENT = re.compile(r"%%.*?%%", re.DOTALL)
_LABEL_SPECIAL = re.compile(r"[\[\]]")
_CALLOUT = re.compile(r"^> ?\[!([A-Za-z]+)\]([+-]?)[ \t]*(.*)\n((?:>.*(?:\n|$))*)", re.MULTILINE)
_QUOTE_MARK = re.compile(r"^> ?", re.MULTILINE)
_ATX = re.compile(r"^ {0,3}#{1,6}[ \t]+(.*?)[ \t#]*$")
_BLANK_TO_LINE_END = re.compile(r"[^\S\n]*(?:\n|\Z)")
_VIDEO = frozenset({".mp4", ".webm", ".ogv", ".mov", ".mkv", ".m4v"})
_AUDIO = frozenset({".mp3", ".wav", ".ogg", ".oga", ".m4a", ".flac", ".aac", ".opus"})
_MAX_DEPTH = 3  # transclusions nested deeper are shown as links
# Characters one page may copy in from the concepts it embeds; embeds past them are
# shown as links. Depth alone does not bound a page: four pages of 40 embeds each,
# nested, made one page of 59 MB (every embed of an embed copies it again).
_MAX_EMBEDDED = 1_000_000


def _no_files() -> Mapping[SiteUrl, SourcePath]:
    return MappingProxyType({})


@dataclass(frozen=True, slots=True)
class RewrittenBody:
    """A body ready for the page and the files of the entities folder it needs copied."""

    markdown: str
    assets: Mapping[SiteUrl, SourcePath] = field(default_factory=_no_files)


_Edit = tuple[tuple[int, int], ResolvedLink | str]
"""What replaces a range of a body: its link's record, or a block marker's anchor."""


@dataclass(frozen=True, slots=True)
class _Edits:
    """One body's edits, sorted by range, with where each starts, and its code ranges."""

    edits: list[_Edit]
    starts: list[int]
    code: list[tuple[int, int]]

    @classmethod
    def of(cls, entity: Entity, graph: ConceptGraph) -> _Edits:
        """Gather and sort ``entity``'s link records and block markers."""
        edits: list[_Edit] = [
            (record.link.span, record) for record in graph.links.get(entity.key, ())
        ]
        edits.extend(graph.blocks.get(entity.key, {}).items())
        edits.sort(key=lambda item: item[0])
        return cls(edits, [span[0] for span, _ in edits], code_ranges(entity.body))

    def within(self, start: int, stop: int) -> list[_Edit]:
        """Return the edits inside ``[start, stop)``, in order.

        They are found by bisecting, so embedding one section of a long page
        costs that section's edits, not the page's for every embed.
        """
        low, high = bisect_left(self.starts, start), bisect_right(self.starts, stop)
        return [edit for edit in self.edits[low:high] if edit[0][1] <= stop]


@dataclass(slots=True)
class _Target:
    """The page being written, how its URLs look once built, and the edits of its bodies."""

    graph: ConceptGraph
    page: SiteUrl
    directory_urls: bool
    edits: dict[EntityKey, _Edits] = field(default_factory=dict)
    embedded: int = 0  # characters the page's embeds have written so far

    def edits_of(self, entity: Entity) -> _Edits:
        """Return the edits of a body this page shows (gathered once, however often embedded)."""
        found = self.edits.get(entity.key)
        if found is None:
            found = self.edits[entity.key] = _Edits.of(entity, self.graph)
        return found


def concept_path(key: EntityKey) -> SiteUrl:
    """Return the docs path of a concept's page."""
    return SiteUrl(f"concepts/{key}.md")


class BodyEdits:
    """The edits of each body shown, kept across the pages of one render of one graph.

    A body's edits do not depend on the page showing it, so many pages that
    embed sections of one long page gather its edits once, not once each.
    """

    __slots__ = ("by_key",)

    def __init__(self) -> None:
        self.by_key: dict[EntityKey, _Edits] = {}


def rewrite_body(
    entity: Entity,
    graph: ConceptGraph,
    page: SiteUrl,
    directory_urls: bool = False,
    edits: BodyEdits | None = None,
) -> RewrittenBody:
    """Return the entity's body formatted for ``page``; code is left untouched.

    ``edits``, shared by the pages of one render of ``graph``, keeps each
    body's edits for the next page that shows it.
    """
    assets: dict[SiteUrl, SourcePath] = {}
    out = _Target(graph, page, directory_urls, (edits or BodyEdits()).by_key)
    text = _format(entity, (0, len(entity.body)), out, assets, 0)
    return RewrittenBody(_render_callouts(text), MappingProxyType(assets))


def _format(
    entity: Entity,
    section: tuple[int, int],
    out: _Target,
    assets: dict[SiteUrl, SourcePath],
    depth: int,
) -> str:
    """Return ``section`` of the body with every record and block marker written out."""
    body = entity.body
    start, stop = section
    edits = out.edits_of(entity)
    code = edits.code
    pieces: list[str] = []
    pos = start
    for (a, b), edit in edits.within(start, stop):
        if a < pos:
            continue
        pieces.append(_render_text(body, pos, a, code))
        if isinstance(edit, str):  # a block's id marks the page itself, not an embedded copy
            pieces.append(f' <span id="{edit}"></span>' if depth == 0 else "")
        else:
            pieces.append(_render_record(entity, edit, out, assets, depth))
        pos = b
    pieces.append(_render_text(body, pos, stop, code))
    return "".join(pieces)


def _render_record(
    entity: Entity,
    record: ResolvedLink,
    out: _Target,
    assets: dict[SiteUrl, SourcePath],
    depth: int,
) -> str:
    target = record.target
    if isinstance(target, Dangling):
        return _dangling(record, target.reason)
    if isinstance(target, AssetTarget):
        assets[target.path] = target.source
        # An attribute list the author put right after the image is the image's own.
        sized = not entity.body.startswith("{", record.link.span[1])
        return _render_asset(record, target, out, sized)
    if _transcludes(entity, record, out, depth):
        return _render_transclusion(record, target, out, assets, depth)
    return _render_concept_link(record, target, out)


def _transcludes(entity: Entity, record: ResolvedLink, out: _Target, depth: int) -> bool:
    """Return whether an embed shows its target's content: alone on its line, and in bounds.

    Within ``_MAX_DEPTH`` nested embeds and ``_MAX_EMBEDDED`` characters of
    them; past either the embed is a link, so the first embeds, those a
    reader meets first, keep their content.
    """
    link = record.link
    if not link.embed or depth >= _MAX_DEPTH or out.embedded >= _MAX_EMBEDDED:
        return False
    return _alone_on_line(entity.body, link.span)


def _render_concept_link(record: ResolvedLink, target: ConceptTarget, out: _Target) -> str:
    link = record.link
    concept = out.graph.entities[target.key]
    anchor = f"#{target.anchor}" if target.anchor else ""
    if concept_path(target.key) == out.page and anchor:
        url = anchor
    else:
        url = relative_url(out.page, concept_path(target.key)) + anchor
    # A link written as the bare key ([[vanishing-gradient]]) reads better as the title.
    shown = concept.title if link.target.strip() == target.key else None
    return f"[{_label(record, shown)}]({url})"


def _render_asset(
    record: ResolvedLink, target: AssetTarget, out: _Target, sized: bool = True
) -> str:
    link = record.link
    name = PurePosixPath(target.source).name
    suffix = PurePosixPath(name).suffix.lower()
    if not link.embed:
        return f"[{_label(record)}]({relative_url(out.page, target.path)})"
    if suffix in IMAGE_SUFFIXES:
        return _render_image(link, target, relative_url(out.page, target.path), sized)
    # Raw HTML is not rewritten by MkDocs, so its URLs are those of the built page.
    href = escape_attr(asset_href(out.page, target.path, out.directory_urls))
    title = escape_attr(link.label or name)
    fallback = f'<a href="{href}">{escape_inline(link.label or name)}</a>'
    width = f' width="{link.width}"' if link.width else ""
    if suffix == ".pdf":
        frame = f'<iframe class="gg-pdf" src="{href}" title="{title}"{width}></iframe>'
        return f'<span class="gg-embed">{frame}{fallback}</span>'
    if suffix in _VIDEO:
        video = f'<video class="gg-video" controls preload="metadata" src="{href}"{width}>'
        return f'<span class="gg-embed">{video}{fallback}</video></span>'
    if suffix in _AUDIO:
        audio = f'<audio class="gg-audio" controls preload="metadata" src="{href}">'
        return f'<span class="gg-embed">{audio}{fallback}</audio></span>'
    return f"[{escape_inline(link.label or name)}]({relative_url(out.page, target.path)})"


def _render_image(link: Link, target: AssetTarget, url: str, sized: bool) -> str:
    """Return an image with its alt text and, from its header, the box it takes.

    No alt text at all gives ``alt=""``: the image is decorative to a screen
    reader (check has warned about it), never its file name read aloud.
    """
    alt = escape_inline(image_alt(link, target.image) or "")
    title = f' "{escape_inline(link.title)}"' if link.title else ""
    size = _image_size(link, target.image) if sized else ""
    return f"![{alt}]({url}{title}){size}"


def _image_size(link: Link, info: ImageInfo | None) -> str:
    """Return the attribute list giving an image's width and height (scaled to a set width)."""
    if info is None:
        return f'{{ width="{link.width}" }}' if link.width else ""
    width = link.width or info.width
    height = max(1, round(width * info.height / info.width))
    return f'{{ width="{width}" height="{height}" }}'


def _render_transclusion(
    record: ResolvedLink,
    target: ConceptTarget,
    out: _Target,
    assets: dict[SiteUrl, SourcePath],
    depth: int,
) -> str:
    """Return the embedded concept (or one section of it) as a titled block linking to it."""
    concept = out.graph.entities[target.key]
    start, stop = target.section
    if target.anchor is not None and not is_block_anchor(target.anchor) and start < stop:
        # A heading's line is the embed's title; a block is shown whole.
        line_end = concept.body.find("\n", start)
        start = stop if line_end < 0 else min(line_end + 1, stop)
    before = out.embedded
    inner = _format(concept, (start, stop), out, assets, depth + 1)
    heading = record.link.heading.split("#")[-1].strip() if record.link.heading else ""
    title = escape_inline(concept.title + (f" › {heading}" if heading else ""))
    anchor = f"#{target.anchor}" if target.anchor else ""
    url = relative_url(out.page, concept_path(target.key)) + anchor
    shown = title.replace('"', "&quot;")
    content = "\n".join(
        f"    {line}" if line.strip() else "" for line in _demote_headings(inner).split("\n")
    )
    content = content.strip("\n").rstrip()
    out.embedded = before + len(content)  # the embeds nested in it are part of its content
    return f'!!! quote gg-embed "[{shown}]({url})"\n\n{content}\n'


def _demote_headings(text: str) -> str:
    """Write an embedded body's headings as bold lines: they belong to another page's outline."""
    blocks = [region.span for region in code_regions(text) if region.block]
    lines = text.split("\n")
    pos = 0
    for index, line in enumerate(lines):
        heading = _ATX.match(line)
        if heading is not None and not inside(blocks, pos) and heading.group(1):
            lines[index] = f"**{heading.group(1)}**"
        pos += len(line) + 1
    return "\n".join(lines)


def _alone_on_line(body: str, span: tuple[int, int]) -> bool:
    """Return whether the text at ``span`` is the whole of its unindented line.

    Only the span's own ends are looked at, so a line of many embeds costs
    as much as its length, not its length for every embed on it.
    """
    start, end = span
    if start > 0 and body[start - 1] != "\n":
        return False
    return _BLANK_TO_LINE_END.match(body, end) is not None


def _render_callouts(text: str) -> str:
    """Turn Obsidian callouts (``> [!note] Title``) into Material admonitions."""
    if "[!" not in text:
        return text
    code = code_ranges(text)

    def admonition(match: re.Match[str]) -> str:
        if inside(code, match.start()):
            return match.group()
        kind, fold, title, content = match.groups()
        marker = {"": "!!!", "+": "???+", "-": "???"}[fold]
        shown = title.strip().replace('"', "&quot;")
        heading = f' "{shown}"' if shown else ""
        inner = _QUOTE_MARK.sub("", content).rstrip("\n")
        indented = "\n".join(f"    {line}" if line.strip() else "" for line in inner.split("\n"))
        return f"{marker} {kind.lower()}{heading}\n\n{indented}\n"

    return _CALLOUT.sub(admonition, text)


def _render_text(body: str, start: int, stop: int, code: list[tuple[int, int]]) -> str:
    out: list[str] = []
    pos = start
    for a, b in gaps(code, start, stop):
        out.append(body[pos:a])
        out.append(render_math(_COMMENT.sub("", body[a:b])))
        pos = b
    out.append(body[pos:stop])
    return "".join(out)


def _label(record: ResolvedLink, title: str | None = None) -> str:
    link = record.link
    if link.label:
        return _LABEL_SPECIAL.sub(lambda m: "\\" + m.group(), link.label)
    if link.style is LinkStyle.MARKDOWN:
        return escape_inline(link.target)
    text = title or link.target
    if link.heading:  # [[Note#Heading#Subheading]] shows the heading it lands on
        heading = link.heading.split("#")[-1].strip() or link.heading
        text = f"{text} › {heading}" if text else heading
    return escape_inline(text)


def _dangling(record: ResolvedLink, why: str) -> str:
    link = record.link
    shown = escape_inline(link.label or link.target or (link.heading or ""))
    return f'<span class="gg-dangling" title="{escape_attr(why)}">{shown}</span>'
