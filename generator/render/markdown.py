"""Rewrite a concept's body for its page: links, embeds, math, Obsidian comments."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import PurePosixPath
from types import MappingProxyType

from generator.coderegions import code_ranges, gaps
from generator.linker import resolve_name
from generator.links import heading_slugs, toc_slug
from generator.model import ConceptGraph, Entity, EntityKey, Link, LinkStyle, SiteUrl, SourcePath
from generator.render.mathml import render_math
from generator.render.text import escape_attr, escape_inline, relative_url

IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp", ".avif", ".bmp"})
_COMMENT = re.compile(r"%%.*?%%", re.DOTALL)
_LABEL_SPECIAL = re.compile(r"[\[\]]")
_CALLOUT = re.compile(r"^> ?\[!([A-Za-z]+)\]([+-]?)[ \t]*(.*)\n((?:>.*(?:\n|$))*)", re.MULTILINE)
_QUOTE_MARK = re.compile(r"^> ?", re.MULTILINE)


def _no_images() -> Mapping[SiteUrl, SourcePath]:
    return MappingProxyType({})


@dataclass(frozen=True, slots=True)
class RewrittenBody:
    """A body ready for the page, the images it needs, and the links that found nothing."""

    markdown: str
    images: Mapping[SiteUrl, SourcePath] = field(default_factory=_no_images)
    dangling: tuple[Link, ...] = ()


def concept_path(key: EntityKey) -> SiteUrl:
    """Return the docs path of a concept's page."""
    return SiteUrl(f"concepts/{key}.md")


def image_path(source: SourcePath) -> SiteUrl:
    """Return the docs path an embedded image is copied to."""
    return SiteUrl(f"images/{PurePosixPath(source).name}")


def rewrite_body(entity: Entity, graph: ConceptGraph, page: SiteUrl) -> RewrittenBody:
    """Return the entity's body with links rewritten for ``page``; code is left untouched."""
    body = entity.body
    code = code_ranges(body)
    out: list[str] = []
    images: dict[SiteUrl, SourcePath] = {}
    dangling: list[Link] = []
    pos = 0
    for link in sorted(entity.links, key=lambda item: item.span):
        start, stop = link.span
        if start < pos:
            continue
        out.append(_render_text(body, pos, start, code))
        text, image, found = _render_link(link, graph, page)
        out.append(text)
        if image is not None:
            images[image_path(image)] = image
        if not found:
            dangling.append(link)
        pos = stop
    out.append(_render_text(body, pos, len(body), code))
    markdown = _render_callouts("".join(out))
    return RewrittenBody(markdown, MappingProxyType(images), tuple(dangling))


def resolve(graph: ConceptGraph, name: str) -> EntityKey | None:
    """Return the concept a link target names (key, title, alias or file stem), if any."""
    return resolve_name(graph, name) or resolve_name(graph, posixpath.basename(name))


def _render_callouts(text: str) -> str:
    """Turn Obsidian callouts (``> [!note] Title``) into Material admonitions."""
    if "[!" not in text:
        return text
    code = code_ranges(text)

    def admonition(match: re.Match[str]) -> str:
        if any(a <= match.start() < b for a, b in code):
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


def _render_link(
    link: Link, graph: ConceptGraph, page: SiteUrl
) -> tuple[str, SourcePath | None, bool]:
    target = link.target.strip()
    if link.embed and PurePosixPath(target).suffix.lower() in IMAGE_SUFFIXES:
        return _render_image(link, graph, page)
    if link.style is LinkStyle.MARKDOWN:
        target = PurePosixPath(target).stem if target.endswith(".md") else target
    if not target:
        return f"[{_label(link)}]({_anchor(link.heading, None) or '#'})", None, True
    key = resolve(graph, target)
    if key is None:
        return _dangling(link, f"no concept named “{target}”"), None, False
    entity = graph.entities.get(key)
    anchor = _anchor(link.heading, entity.body if entity is not None else None)
    # A link written as the bare key ([[vanishing-gradient]]) reads better as the title.
    shown = entity.title if entity is not None and target == key else None
    label = _label(link, shown)
    return f"[{label}]({relative_url(page, concept_path(key))}{anchor})", None, True


def _anchor(heading: str | None, body: str | None) -> str:
    if not heading:
        return ""
    known = _heading_anchors(body).get(heading) if body is not None else None
    return f"#{known or toc_slug(heading)}"


@lru_cache(maxsize=1024)
def _heading_anchors(body: str) -> dict[str, str]:
    return heading_slugs(body)


def _render_image(
    link: Link, graph: ConceptGraph, page: SiteUrl
) -> tuple[str, SourcePath | None, bool]:
    name = PurePosixPath(link.target.strip()).name
    source = graph.images.get(name.lower())
    if source is None:
        return _dangling(link, f"no image named “{name}”"), None, False
    alt = escape_inline(link.label or PurePosixPath(name).stem)
    size = f'{{ width="{link.width}" }}' if link.width else ""
    return f"![{alt}]({relative_url(page, image_path(source))}){size}", source, True


def _label(link: Link, title: str | None = None) -> str:
    if link.label:
        return _LABEL_SPECIAL.sub(lambda m: "\\" + m.group(), link.label)
    if link.style is LinkStyle.MARKDOWN:
        return escape_inline(link.target)
    text = title or link.target
    if link.heading:
        text = f"{text} › {link.heading}" if text else link.heading
    return escape_inline(text)


def _dangling(link: Link, why: str) -> str:
    shown = escape_inline(link.label or link.target or (link.heading or ""))
    return f'<span class="gg-dangling" title="{escape_attr(why)}">{shown}</span>'


def unresolved_links(graph: ConceptGraph) -> set[tuple[str, int, int]]:
    """Return where (source, line, col) body links find no concept or image."""
    found: set[tuple[str, int, int]] = set()
    for entity in graph.entities.values():
        for link in entity.links:
            target = link.target.strip()
            if link.embed and PurePosixPath(target).suffix.lower() in IMAGE_SUFFIXES:
                missing = PurePosixPath(target).name.lower() not in graph.images
            elif link.style is LinkStyle.MARKDOWN:
                missing = resolve(graph, PurePosixPath(target).stem) is None
            else:
                missing = bool(target) and resolve(graph, target) is None
            if missing:
                found.add((entity.source, link.line, link.col))
    return found
