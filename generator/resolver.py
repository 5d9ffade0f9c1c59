"""Body links -> resolved records: the one place a link's target is decided.

Every wikilink, embed and Markdown link becomes a ``ResolvedLink`` whose target
is a concept (key, anchor, section), a file of the entities folder (source and
docs path), or ``Dangling`` (the diagnostic's code and message). ``check``
reports the diagnostics; pages only format the records.

Names resolve the way Obsidian resolves them: a path relative to the linking
note, then from the vault's root, then a bare name anywhere (keys, titles,
aliases and file stems for notes; file names for attachments).
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import PurePosixPath

import networkx as nx

from generator.checks import Reporter
from generator.headings import Heading, Slugify, block_ids, block_sections, page_headings
from generator.model import (
    AssetTarget,
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
from generator.slugs import name_slug

IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp", ".avif", ".bmp"})
_FILE_SUFFIX = re.compile(r"\.(?!md$)[A-Za-z0-9]{1,5}$", re.IGNORECASE)
PAGE_SHOWN = frozenset(
    {"dangling-link", "ambiguous-link", "missing-file", "outside-file", "transclusion-cycle"}
)
"""Codes of errors a page can show as marked text: a build goes on with them."""

Measure = Callable[[SourcePath], ImageInfo | None]
"""Reads an image file's header: its size and own title (None when it cannot be read)."""


def asset_path(source: SourcePath) -> SiteUrl:
    """Return the docs path a file of the entities folder is copied to."""
    name = PurePosixPath(source).name
    folder = "images" if _is_image(SourcePath(name)) else "files"
    return SiteUrl(f"{folder}/{name}")


_BLOCK_ANCHOR = "gg-block-"


def block_anchor(block: str) -> str:
    """Return the HTML id a ``^block`` marker becomes on its page."""
    return _BLOCK_ANCHOR + block


def is_block_anchor(anchor: str) -> bool:
    """Return whether ``anchor`` is a block's (``block_anchor``), not a heading's."""
    return anchor.startswith(_BLOCK_ANCHOR)


@dataclass(slots=True)
class BodyLinks:
    """What resolving every body found: records, edges, and block markers per concept."""

    links: dict[EntityKey, tuple[ResolvedLink, ...]] = field(default_factory=dict)
    mentions: list[tuple[Entity, EntityKey, Link]] = field(default_factory=list)
    embeds: list[tuple[Entity, EntityKey, Link]] = field(default_factory=list)
    blocks: dict[EntityKey, dict[tuple[int, int], str]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class _HeadingIndex:
    """One concept's headings by casefolded text and by anchor, for the links naming them."""

    by_text: dict[str, Heading]  # casefolded text -> the first heading with that text
    by_anchor: dict[str, tuple[int, Heading]]  # anchor -> (position, the first heading with it)
    texts: dict[str, str]  # each text -> itself: what a missing heading's hint chooses from

    @classmethod
    def of(cls, headings: tuple[Heading, ...]) -> _HeadingIndex:
        """Index ``headings``; where several share a text or anchor, the first one is kept."""
        by_text: dict[str, Heading] = {}
        by_anchor: dict[str, tuple[int, Heading]] = {}
        texts: dict[str, str] = {}
        for position, heading in enumerate(headings):
            by_text.setdefault(heading.text.casefold(), heading)
            by_anchor.setdefault(heading.anchor, (position, heading))
            texts[heading.text] = heading.text
        return cls(by_text, by_anchor, texts)

    def find(self, wanted: str, slugify: Slugify) -> Heading | None:
        """Return the heading ``wanted`` names: by text (any case), by anchor, or by its slug.

        Of an anchor match and a slug match, the heading that comes first wins,
        as a walk through the headings in order would find it.
        """
        by_text = self.by_text.get(wanted.casefold())
        if by_text is not None:
            return by_text
        matches = [self.by_anchor.get(anchor) for anchor in (wanted, slugify(wanted, "-"))]
        found = [match for match in matches if match is not None]
        return min(found, key=lambda match: match[0])[1] if found else None


@dataclass(slots=True)
class Resolver:
    """Resolves body links against the concepts and files of one entities folder."""

    entities: Mapping[EntityKey, Entity]
    names: Mapping[str, EntityKey]
    ambiguous: Mapping[str, tuple[SourcePath, ...]]
    files: Mapping[str, SourcePath]
    root: str
    slugify: Slugify
    report: Reporter
    measure: Measure | None = None
    _paths: dict[str, EntityKey] = field(default_factory=dict)
    _images: dict[SourcePath, ImageInfo | None] = field(default_factory=dict)
    _file_paths: dict[str, SourcePath] = field(default_factory=dict)
    _headings: dict[EntityKey, tuple[Heading, ...]] = field(default_factory=dict)
    _heading_index: dict[EntityKey, _HeadingIndex] = field(default_factory=dict)
    _heading_hints: dict[tuple[EntityKey, str], str] = field(default_factory=dict)
    _note_hints: dict[str, str | None] = field(default_factory=dict)  # a missing name's hint
    _blocks: dict[EntityKey, dict[str, tuple[int, int]]] = field(default_factory=dict)
    _block_sections: dict[EntityKey, dict[str, tuple[int, int]]] = field(default_factory=dict)
    _slugs: dict[str, str] = field(default_factory=dict)  # a written name's slug, computed once
    _bare: dict[str, EntityKey] = field(default_factory=dict)  # a folderless name's concept
    _pages: dict[EntityKey, ConceptTarget] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for key, entity in self.entities.items():
            self._paths[self._relative(entity.source)[:-3].lower()] = key
        for source in self.files.values():
            self._file_paths[self._relative(source).lower()] = source

    def _relative(self, source: str) -> str:
        prefix = self.root.rstrip("/") + "/"
        return source[len(prefix) :] if source.startswith(prefix) else source

    def resolve_all(self, every: Iterable[Entity]) -> BodyLinks:
        """Return the records of every kept concept's body links, reporting what fails."""
        found = BodyLinks()
        for entity in every:
            if self.entities.get(entity.key) is not entity:
                continue  # a duplicate key keeps its file out of the graph
            records = tuple([self.resolve(entity, link) for link in entity.links])
            found.links[entity.key] = records
            for record in records:
                target = record.target
                if isinstance(target, ConceptTarget):
                    found.mentions.append((entity, target.key, record.link))
                    if record.link.embed:
                        found.embeds.append((entity, target.key, record.link))
        for key in found.links:
            markers = self._blocks_of(key)
            if markers:
                found.blocks[key] = {span: block_anchor(b) for b, span in markers.items()}
        return found

    def resolve(self, entity: Entity, link: Link) -> ResolvedLink:
        """Return what one link reaches; report a dangling one as an error."""
        target = self._target(entity, link)
        if isinstance(target, Dangling):
            message = target.reason + (f" (did you mean '{target.hint}'?)" if target.hint else "")
            self.report.error(entity.source, link.line, link.col, message, target.code)
        elif isinstance(target, AssetTarget) and link.embed and _is_image(target.source):
            target = self._image(entity, link, target)
        return ResolvedLink(link, target)

    def _image(self, entity: Entity, link: Link, target: AssetTarget) -> AssetTarget:
        """Return the embedded image with its header read; warn when nothing gives its alt text."""
        if target.source not in self._images:
            self._images[target.source] = self.measure(target.source) if self.measure else None
        info = self._images[target.source]
        if image_alt(link, info) is None:
            name = PurePosixPath(target.source).name
            markdown = link.style is LinkStyle.MARKDOWN
            written = f"![what it shows]({name})" if markdown else f"![[{name}|what it shows]]"
            message = f"image '{name}' has no alt text: describe it, as in {written}"
            self.report.warning(entity.source, link.line, link.col, message, "image-no-alt")
        return AssetTarget(target.source, target.path, info)

    def _target(self, entity: Entity, link: Link) -> ConceptTarget | AssetTarget | Dangling:
        written = link.target.strip()
        key = self._bare.get(written)
        if key is not None:
            return self._concept(entity, link, key)
        if not written:
            return self._concept(entity, link, entity.key)
        paths = self._paths_for(entity, written)
        if not paths:
            return _outside(written)
        if _FILE_SUFFIX.search(written) and self._slug(written) not in self.names:
            return self._asset(link, written, paths)
        key = self._note_key(written, paths)
        if key is None:
            return self._dangling_note(link, written)
        if "/" not in written:
            # A name without a folder reads the same from every note, and finding its
            # concept reports nothing: the many links that write it look it up once.
            self._bare[written] = key
        return self._concept(entity, link, key)

    def _note_key(self, written: str, paths: list[str]) -> EntityKey | None:
        """Return the concept at one of the vault ``paths`` of ``written``, else by its name."""
        for path in paths:
            key = self._paths.get((path[:-3] if path.lower().endswith(".md") else path).lower())
            if key is not None:
                return key
        return self.names.get(self._slug(written))

    def _slug(self, written: str) -> str:
        """Return ``name_slug(written)``: a concept's name is written in many links."""
        slug = self._slugs.get(written)
        if slug is None:
            slug = self._slugs[written] = name_slug(written)
        return slug

    def _paths_for(self, entity: Entity, written: str) -> list[str]:
        """Return ``written`` as paths from the vault root: from the note's folder, then the root.

        An empty list means every reading leaves the entities folder.
        """
        if "/" not in written:
            return [written]
        here = posixpath.dirname(self._relative(entity.source))
        readings = [] if written.startswith("/") else [posixpath.join(here, written)]
        readings.append(written.lstrip("/"))
        paths = [posixpath.normpath(path) for path in readings]
        return [path for path in dict.fromkeys(paths) if not path.startswith("..")]

    def _dangling_note(self, link: Link, written: str) -> Dangling:
        slug = name_slug(written)
        if slug in self.ambiguous:
            files = " and ".join(self.ambiguous[slug])
            return Dangling("ambiguous-link", f"link target '{written}' is ambiguous: {files}")
        what = "embedded note" if link.embed else "link target"
        if slug not in self._note_hints:
            self._note_hints[slug] = self.report.nearest(slug, self.names)
        hint = self._note_hints[slug]
        return Dangling("dangling-link", f"{what} '{written}' is not a concept", hint)

    def _asset(self, link: Link, written: str, paths: list[str]) -> AssetTarget | Dangling:
        found = (self._file_paths.get(path.lower()) for path in paths)
        source = next((s for s in found if s is not None), None)
        if source is None:
            source = self.files.get(PurePosixPath(written).name.lower())
        if source is None:
            what = "embedded file" if link.embed else "linked file"
            return Dangling("missing-file", f"{what} '{written}' is not in the entities folder")
        return AssetTarget(source, asset_path(source))

    def _concept(self, entity: Entity, link: Link, key: EntityKey) -> ConceptTarget:
        if link.heading is None:
            return self._page(key)
        target = self.entities[key]
        whole = (0, len(target.body))
        parts = [part.strip() for part in link.heading.split("#") if part.strip()]
        if parts and parts[-1].startswith("^"):
            return self._block(entity, link, key, parts[-1][1:])
        wanted = parts[-1] if parts else link.heading
        index = self._heading_index_of(key)
        heading = index.find(wanted, self.slugify)
        if heading is None:
            hint = self._heading_hint(key, wanted, index)
            message = f"heading '{wanted}' is not in {target.source}{hint}: the link opens the page"
            self.report.warning(entity.source, link.line, link.col, message, "missing-heading")
            return ConceptTarget(key, None, whole)
        return ConceptTarget(key, heading.anchor, (heading.start, heading.end))

    def _heading_hint(self, key: EntityKey, wanted: str, index: _HeadingIndex) -> str:
        """Return the did-you-mean of a missing heading: searched once per page and name."""
        hint = self._heading_hints.get((key, wanted))
        if hint is None:
            hint = self._heading_hints[key, wanted] = self.report.suggest(wanted, index.texts)
        return hint

    def _page(self, key: EntityKey) -> ConceptTarget:
        """Return the target that opens a whole page: one record, shared by every such link."""
        page = self._pages.get(key)
        if page is None:
            page = self._pages[key] = ConceptTarget(key, None, (0, len(self.entities[key].body)))
        return page

    def _block(self, entity: Entity, link: Link, key: EntityKey, block: str) -> ConceptTarget:
        target = self.entities[key]
        whole = (0, len(target.body))
        if block in self._blocks_of(key):
            return ConceptTarget(key, block_anchor(block), self._block_sections_of(key)[block])
        message = f"block '^{block}' is not in {target.source}: the link opens the page"
        self.report.warning(entity.source, link.line, link.col, message, "missing-block")
        return ConceptTarget(key, None, whole)

    def headings_of(self, key: EntityKey) -> tuple[Heading, ...]:
        """Return a concept's headings with their anchors (computed once per concept)."""
        found = self._headings.get(key)
        if found is None:
            entity = self.entities[key]
            found = self._headings[key] = page_headings(entity.body, entity.title, self.slugify)
        return found

    def _heading_index_of(self, key: EntityKey) -> _HeadingIndex:
        """Return a concept's headings by text and anchor (built once per concept).

        A page of many links to its own many headings would otherwise look at
        every heading for every link.
        """
        found = self._heading_index.get(key)
        if found is None:
            found = self._heading_index[key] = _HeadingIndex.of(self.headings_of(key))
        return found

    def _block_sections_of(self, key: EntityKey) -> dict[str, tuple[int, int]]:
        """Return what each block id of a concept names, for the embeds that show it."""
        found = self._block_sections.get(key)
        if found is None:
            body = self.entities[key].body
            found = self._block_sections[key] = block_sections(body, self._blocks_of(key))
        return found

    def _blocks_of(self, key: EntityKey) -> dict[str, tuple[int, int]]:
        found = self._blocks.get(key)
        if found is None:
            found = self._blocks[key] = block_ids(self.entities[key].body)
        return found


def _is_image(source: SourcePath) -> bool:
    return PurePosixPath(source).suffix.lower() in IMAGE_SUFFIXES


def image_alt(link: Link, info: ImageInfo | None) -> str | None:
    """Return an embedded image's alt text: the author's caption or alt, title, or the file's own.

    None means nothing describes it; the page then marks it decorative (``alt=""``).
    """
    return link.label or link.title or (info.title if info else None)


def _outside(written: str) -> Dangling:
    return Dangling(
        "outside-file",
        f"'{written}' is outside the entities folder: move the file into it"
        " or link to it by its URL",
    )


def check_transclusion(
    embeds: Iterable[tuple[Entity, EntityKey, Link]], report: Reporter
) -> set[tuple[EntityKey, EntityKey]]:
    """Report every transclusion cycle once, with its keys; return the embeds that close one."""
    graph = nx.DiGraph()
    where: dict[tuple[EntityKey, EntityKey], tuple[Entity, Link]] = {}
    for entity, key, link in embeds:
        graph.add_edge(entity.key, key)
        where.setdefault((entity.key, key), (entity, link))
    closing: set[tuple[EntityKey, EntityKey]] = set()
    for component in nx.strongly_connected_components(graph):
        first = min(component)
        if len(component) == 1 and not graph.has_edge(first, first):
            continue
        cycle = [u for u, _ in nx.find_cycle(graph.subgraph(component), source=first)]
        start = cycle.index(min(cycle))
        cycle = cycle[start:] + cycle[:start]
        entity, link = where[(cycle[0], cycle[1 % len(cycle)])]
        path = " -> ".join([*cycle, cycle[0]])
        message = f"transclusion cycle: {path}"
        report.error(entity.source, link.line, link.col, message, "transclusion-cycle")
        closing.update((u, v) for u, v in graph.subgraph(component).edges)
    return closing
