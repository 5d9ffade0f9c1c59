"""Entities -> the checked concept graph.

Every check runs in one pass and adds to one list of diagnostics: a mistake
in one file never hides a mistake in another.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

import networkx as nx

from generator.checks import (
    Reporter,
    check_children,
    check_cycles,
    check_math,
    check_nodes,
    register_keys,
    register_names,
)
from generator.headings import Slugify, default_slugify
from generator.images import header_reader
from generator.load import display_path, load_entities
from generator.model import (
    ConceptGraph,
    ConceptTarget,
    Dangling,
    Diagnostic,
    Entity,
    EntityKey,
    Ref,
    Relation,
    ResolvedLink,
    SourcePath,
)
from generator.reading import DEFAULT_POLICY, ReadPolicy, real_folder
from generator.resolver import Measure, Resolver, check_transclusion
from generator.slugs import is_valid_key, name_slug

__all__ = ["link_entities", "load_concept_graph", "name_slug", "resolve_name"]

Edge = tuple[EntityKey, EntityKey, str]
_BROADER = Relation.BROADER.value
_RELATED = Relation.RELATED.value
_REQUIRES = Relation.REQUIRES.value
_MENTIONS = Relation.MENTIONS.value
_FIELD_WORDS = {
    "parent": "parent",
    "children": "child",
    "related": "related concept",
    "requires": "prerequisite",
}


def resolve_name(cg: ConceptGraph, name: str) -> EntityKey | None:
    """Return the key of the concept ``name`` names (key, title, alias or file stem), if any.

    >>> resolve_name(load_concept_graph(Path("entities")), "Batch Norm") # doctest: +SKIP
    'batch-norm'
    """
    return cg.names.get(name_slug(name))


@dataclass(slots=True)
class _Linker:
    """The state of one linking pass: names, the graph being built, what was found."""

    entities: dict[EntityKey, Entity]
    names: dict[str, EntityKey]
    ambiguous: dict[str, tuple[SourcePath, ...]]
    demos: frozenset[str] | None
    report: Reporter
    edges: dict[Edge, tuple[SourcePath, int, int]] = field(default_factory=dict)
    slugs: dict[str, str] = field(default_factory=dict)
    hints: dict[str, str] = field(default_factory=dict)
    listed_children: list[tuple[Entity, Ref, EntityKey]] = field(default_factory=list)

    def resolve(
        self, entity: Entity, name: str, what: str, line: int, col: int
    ) -> EntityKey | None:
        """Return the key ``name`` names, or report why it names none."""
        slug = self.slugs.get(name)
        if slug is None:
            slug = self.slugs[name] = name_slug(name)
        key = self.names.get(slug)
        if key is not None:
            return key
        if slug in self.ambiguous:
            files = " and ".join(self.ambiguous[slug])
            self.report.error(
                entity.source, line, col, f"{what} '{name}' is ambiguous: {files}", "ambiguous-ref"
            )
            return None
        hint = self.hints.get(slug)
        if hint is None:
            hint = self.hints[slug] = self.report.suggest(slug, self.names)
        self.report.error(
            entity.source, line, col, f"{what} '{name}' is not a concept{hint}", "dangling-ref"
        )
        return None

    def add_edge(
        self, source: Entity, u: EntityKey, v: EntityKey, kind: str, line: int, col: int
    ) -> None:
        """Add one relation (stored once per pair and kind) and remember where it was written."""
        if self.entities.get(source.key) is source:
            self.edges.setdefault((u, v, kind), (source.source, line, col))

    def link_fields(self, entity: Entity) -> None:
        """Resolve the front-matter references of ``entity`` and add their edges."""
        key = entity.key
        refs: list[tuple[str, Ref]] = [("parent", entity.parent)] if entity.parent else []
        for name in ("children", "related", "requires"):
            refs.extend((name, ref) for ref in getattr(entity, name))
        for name, ref in refs:
            word = _FIELD_WORDS[name]
            target = self.resolve(entity, ref.name, word, ref.line, ref.col)
            if target is None:
                continue
            if target == key:
                self.report.error(
                    entity.source,
                    ref.line,
                    ref.col,
                    f"'{key}' lists itself as {word}",
                    "self-reference",
                )
                continue
            if name == "parent":
                self.add_edge(entity, key, target, _BROADER, ref.line, ref.col)
            elif name == "children":
                self.listed_children.append((entity, ref, target))
            elif name == "related":
                self.add_edge(entity, key, target, _RELATED, ref.line, ref.col)
                self.add_edge(entity, target, key, _RELATED, ref.line, ref.col)
            else:
                self.add_edge(entity, key, target, _REQUIRES, ref.line, ref.col)

    def check_demos(self, entity: Entity) -> None:
        """Report demo ids that are not safe slugs or have no ``demos/<id>.py``."""
        for ref in entity.demos:
            if not is_valid_key(ref.name):
                message = (
                    f"demo id '{ref.name}' is not valid: use lowercase letters, digits and '-'"
                )
                self.report.error(entity.source, ref.line, ref.col, message, "invalid-demo-id")
            elif self.demos is not None and ref.name not in self.demos:
                hint = self.report.suggest(ref.name, {d: d for d in self.demos})
                message = f"unknown demo '{ref.name}': there is no demos/{ref.name}.py{hint}"
                self.report.error(entity.source, ref.line, ref.col, message, "unknown-demo")


def _demo_ids(demos_dir: Path | None) -> frozenset[str] | None:
    """Return the stems of ``demos/*.py`` (empty if the folder is missing), or None to skip."""
    if demos_dir is None:
        return None
    try:
        names = os.listdir(demos_dir)
    except OSError:
        return frozenset()
    return frozenset(name[:-3] for name in names if name.endswith(".py"))


def _build_graph(entities: Iterable[Entity], edges: Iterable[Edge]) -> nx.MultiDiGraph:
    """Return the MultiDiGraph of ``entities`` and ``edges`` (edge key and ``kind`` alike).

    The adjacency dicts are filled the way ``add_edge`` fills them, because
    ``add_edge`` per relation costs more than loading every file does.
    """
    graph = nx.MultiDiGraph()
    succ, pred, nodes = graph._succ, graph._pred, graph._node
    for entity in entities:
        succ[entity.key], pred[entity.key] = {}, {}
        nodes[entity.key] = {
            "title": entity.title,
            "summary": entity.summary,
            "tags": list(entity.tags),
            "aliases": list(entity.aliases),
            "source": entity.source,
            "demos": [ref.name for ref in entity.demos],
            # Unknown front-matter fields travel with the node, so exports carry them.
            **({"extra": dict(entity.extra)} if entity.extra else {}),
        }
    for u, v, kind in edges:
        keys = succ[u].get(v)
        if keys is None:
            keys = succ[u][v] = pred[v][u] = {}
        keys[kind] = {"kind": kind}
    clear_cache = getattr(nx, "_clear_cache", None)
    if clear_cache is not None:
        clear_cache(graph)
    return graph


def link_entities(
    entities: Iterable[Entity],
    images: Mapping[str, SourcePath],
    demos_dir: Path | None,
    load_diagnostics: Iterable[Diagnostic] = (),
    *,
    root: str = "entities",
    slugify: Slugify | None = None,
    measure: Measure | None = None,
) -> ConceptGraph:
    """Return the checked concept graph of ``entities`` with every diagnostic, sorted.

    ``root`` is the entities folder as sources show it; ``slugify`` the heading
    slugify MkDocs will use (``toc``'s default when None). ``demos_dir`` None
    skips the check that each demo has a file. ``measure`` reads embedded
    images' headers (none are read when None).
    """
    every = sorted(entities, key=lambda e: e.source)
    report = Reporter()
    kept = register_keys(every, report)
    names, ambiguous = register_names(kept.values(), report)
    linker = _Linker(kept, names, ambiguous, _demo_ids(demos_dir), report)
    for entity in every:
        linker.link_fields(entity)
        linker.check_demos(entity)
    resolver = Resolver(
        kept, names, ambiguous, images, root, slugify or default_slugify(), report, measure
    )
    body = resolver.resolve_all(every)
    for entity, target, link in body.mentions:
        if target != entity.key:
            linker.add_edge(entity, entity.key, target, _MENTIONS, link.line, link.col)
    closing = check_transclusion(body.embeds, report)
    for entity, ref, child in check_children(linker.listed_children, kept, names, report):
        linker.add_edge(entity, child, entity.key, _BROADER, ref.line, ref.col)
    check_cycles(linker.edges, report)
    connected = {key for u, v, _ in linker.edges for key in (u, v)}
    check_nodes(connected, kept, report)
    check_math(kept.values(), report)
    graph = _build_graph(kept.values(), linker.edges)
    diagnostics = sorted((*load_diagnostics, *report.diagnostics), key=_order)
    return ConceptGraph(
        graph=nx.freeze(graph),
        entities=MappingProxyType(kept),
        names=MappingProxyType(names),
        images=MappingProxyType(dict(images)),
        diagnostics=tuple(diagnostics),
        links=MappingProxyType(_break_cycles(body.links, closing)),
        blocks=MappingProxyType(
            {key: MappingProxyType(found) for key, found in body.blocks.items()}
        ),
    )


def _break_cycles(
    links: dict[EntityKey, tuple[ResolvedLink, ...]], closing: set[tuple[EntityKey, EntityKey]]
) -> dict[EntityKey, tuple[ResolvedLink, ...]]:
    """Return the records with each embed on a transclusion cycle marked, so pages never loop."""
    if not closing:
        return links
    cycle = Dangling("transclusion-cycle", "this embed is part of a transclusion cycle")
    return {
        key: tuple(
            ResolvedLink(r.link, cycle)
            if r.link.embed
            and isinstance(r.target, ConceptTarget)
            and (key, r.target.key) in closing
            else r
            for r in records
        )
        for key, records in links.items()
    }


def _order(diagnostic: Diagnostic) -> tuple[str, int, int]:
    return diagnostic.path, diagnostic.line, diagnostic.col


class _Frozen:
    """Whether a load froze the heap, and whether the next load may (see ``_collector_paused``)."""

    heap = False
    allowed = True


def release_loaded() -> None:
    """Hand what a load froze back to the garbage collector and collect, as in a fresh process.

    The next load then freezes the heap again. For a process that loads one
    glossary after another and wants each load to cost what it costs in
    ``glossgraph check`` (the benchmarks).
    """
    _thaw()
    gc.collect()
    _Frozen.allowed = True


def _thaw() -> None:
    if _Frozen.heap:
        _Frozen.heap = False
        gc.unfreeze()


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while loading; keep what was loaded out of its scans.

    Loading creates hundreds of thousands of objects that all stay alive for
    the build. The collector's scans of them cost a third of the load time,
    and its full scans as much again later in the build, more the larger the
    glossary. So the first load of a process leaves what exists when it ends
    frozen (``gc.freeze``): later collections skip it, and reference counting
    still frees it. A later load (``serve`` rebuilding) thaws it and freezes
    nothing, so the collector frees old graphs as usual and no rebuild pays
    for a full collection up front.
    """
    _thaw()
    freeze, _Frozen.allowed = _Frozen.allowed, False
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            if freeze:
                gc.freeze()
                _Frozen.heap = True
            gc.enable()


def load_concept_graph(
    entities_dir: Path,
    demos_dir: Path | None = None,
    slugify: Slugify | None = None,
    policy: ReadPolicy = DEFAULT_POLICY,
) -> ConceptGraph:
    """Load every concept under ``entities_dir`` and return the checked concept graph."""
    with _collector_paused():
        entities, diagnostics, images = load_entities(entities_dir, policy)
        root = display_path(entities_dir)
        measure = header_reader(real_folder(entities_dir), policy)
        return link_entities(
            entities, images, demos_dir, diagnostics, root=root, slugify=slugify, measure=measure
        )
