"""Records passed between the stages of the pipeline.

Every record is a frozen, slotted dataclass: a stage receives finished records
and returns new ones; nothing is filled in later.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType
from typing import Any, NewType

import networkx as nx

EntityKey = NewType("EntityKey", str)
"""A concept's identity: a safe slug, ``[a-z0-9]+(-[a-z0-9]+)*``; never a path."""

SourcePath = NewType("SourcePath", str)
"""A source file as shown to the user (POSIX, relative to the working directory when inside it)."""

SiteUrl = NewType("SiteUrl", str)
"""A path in the built site or docs tree: POSIX, no leading slash (``concepts/attention.md``)."""

DemoId = NewType("DemoId", str)
"""A demo's identity: the stem of ``demos/<id>.py``, a safe slug like an EntityKey."""


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


class Relation(StrEnum):
    """The kind of an edge in the concept graph (also the edge's key in the MultiDiGraph)."""

    BROADER = "broader"  # child -> parent
    RELATED = "related"  # symmetric: stored in both directions
    REQUIRES = "requires"  # concept -> prerequisite
    MENTIONS = "mentions"  # page -> page its body links to


class LinkStyle(StrEnum):
    WIKI = "wiki"  # [[target#heading|label]] or ![[image.png|300]]
    MARKDOWN = "markdown"  # [label](other-entity.md#heading)


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One finding of ``check``, printed like a compiler message."""

    path: SourcePath
    line: int
    col: int
    severity: Severity
    message: str
    code: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}: {self.severity}: {self.message}"


@dataclass(frozen=True, slots=True)
class Ref:
    """A name written in front matter, with where it was written (1-based)."""

    name: str
    line: int
    col: int


@dataclass(frozen=True, slots=True)
class Link:
    """A link found in an entity's body.

    ``span`` is the half-open range of the whole link text in ``Entity.body``;
    ``line``/``col`` locate it in the source file (1-based).
    ``target`` is the name as written ('' for ``[[#Heading]]``).
    """

    target: str
    heading: str | None
    label: str | None
    embed: bool
    width: int | None
    span: tuple[int, int]
    line: int
    col: int
    style: LinkStyle = LinkStyle.WIKI
    title: str | None = None  # a Markdown link's "title", for an image its fallback alt text


@dataclass(frozen=True, slots=True)
class ConceptTarget:
    """A link that reaches a concept: its key, the anchor on its page, the section it names.

    ``section`` is the range of the named heading's section in the target's body
    (the whole body when no heading is named); an embed shows that range.
    """

    key: EntityKey
    anchor: str | None
    section: tuple[int, int]


@dataclass(frozen=True, slots=True)
class AssetTarget:
    """A link that reaches a file of the entities folder, and where it goes in the docs tree.

    ``image`` is what the file's header says (size, own title) when it is an
    image that could be read; None otherwise.
    """

    source: SourcePath
    path: SiteUrl
    image: ImageInfo | None = None


@dataclass(frozen=True, slots=True)
class ImageInfo:
    """An image's intrinsic size in CSS pixels and the title the file itself carries."""

    width: int
    height: int
    title: str | None = None


@dataclass(frozen=True, slots=True)
class Dangling:
    """A link that reaches nothing: why (the check's diagnostic code and message), and a hint."""

    code: str
    reason: str
    hint: str | None = None


@dataclass(frozen=True, slots=True)
class ResolvedLink:
    """A body link and what it reaches, decided once by the linker."""

    link: Link
    target: ConceptTarget | AssetTarget | Dangling


def _frozen_mapping() -> Mapping[str, Any]:
    return MappingProxyType({})


@dataclass(frozen=True, slots=True)
class Entity:
    """One concept file, parsed and type-checked but not yet linked to others."""

    key: EntityKey
    title: str
    summary: str
    source: SourcePath
    body: str
    body_line: int
    aliases: tuple[str, ...] = ()
    parent: Ref | None = None
    children: tuple[Ref, ...] = ()
    related: tuple[Ref, ...] = ()
    requires: tuple[Ref, ...] = ()
    tags: tuple[str, ...] = ()
    demos: tuple[Ref, ...] = ()
    links: tuple[Link, ...] = ()
    extra: Mapping[str, Any] = field(default_factory=_frozen_mapping)
    summary_given: bool = False
    positions: Mapping[str, tuple[int, int]] = field(default_factory=_frozen_mapping)
    """Line and column of each front-matter field's value; ``aliases.N`` for each alias."""


def _empty() -> Mapping[Any, Any]:
    return MappingProxyType({})


@dataclass(frozen=True, slots=True)
class ConceptGraph:
    """The checked concept graph and what was found on the way.

    ``graph`` is a frozen ``networkx.MultiDiGraph`` keyed by EntityKey. Node
    attributes: title, summary, tags, aliases, source, demos (lists of str), and
    extra (the unknown front-matter fields) when there are any.
    Edge key and attribute ``kind`` is a Relation value.
    ``names`` maps every slugged name a link may use to its key.
    ``images`` maps a lower-cased file name (any non-Markdown file) to its source file.
    ``links`` holds each concept's body links, resolved, in body order.
    ``blocks`` holds each concept's block-id markers (range in the body -> anchor id).
    """

    graph: nx.MultiDiGraph
    entities: Mapping[EntityKey, Entity]
    names: Mapping[str, EntityKey]
    images: Mapping[str, SourcePath]
    diagnostics: tuple[Diagnostic, ...]
    links: Mapping[EntityKey, tuple[ResolvedLink, ...]] = field(default_factory=_empty)
    blocks: Mapping[EntityKey, Mapping[tuple[int, int], str]] = field(default_factory=_empty)

    @property
    def errors(self) -> tuple[Diagnostic, ...]:
        return tuple(d for d in self.diagnostics if d.severity is Severity.ERROR)

    @property
    def warnings(self) -> tuple[Diagnostic, ...]:
        return tuple(d for d in self.diagnostics if d.severity is Severity.WARNING)
