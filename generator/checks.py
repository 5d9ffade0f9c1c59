"""The whole-graph checks of the linker: keys, names, children, cycles, lonely nodes, math."""

from __future__ import annotations

import difflib
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field

import networkx as nx

from generator.model import Diagnostic, Entity, EntityKey, Ref, Relation, Severity, SourcePath
from generator.render.mathml import formula_errors
from generator.slugs import name_fold, name_slug
from generator.summary import is_placeholder

_CYCLE_FIELDS = {Relation.BROADER: "parent", Relation.REQUIRES: "requires"}


# Each did-you-mean search compares a name with every name it could have meant
# (difflib, slowly), so a folder of many misspelt names would cost their number
# times the names. Like a compiler that stops suggesting after many errors, one
# check makes this many searches; later errors are reported without a hint.
HINT_SEARCHES = 100


@dataclass(slots=True)
class Reporter:
    """Collects the linker's diagnostics and finds near misses for did-you-mean hints.

    Hints are searched as errors are found (front matter, then bodies, in file
    order) and only the first ``HINT_SEARCHES`` searches are made: the first
    errors, the ones a reader sees first, keep their hints. Callers remember
    each name's answer, so a name written many times costs one search.
    """

    diagnostics: list[Diagnostic] = field(default_factory=list)
    searches_left: int = HINT_SEARCHES

    def error(self, path: SourcePath, line: int, col: int, message: str, code: str) -> None:
        self.diagnostics.append(Diagnostic(path, line, col, Severity.ERROR, message, code))

    def warning(self, path: SourcePath, line: int, col: int, message: str, code: str) -> None:
        self.diagnostics.append(Diagnostic(path, line, col, Severity.WARNING, message, code))

    def suggest(self, word: str, choices: Mapping[str, str]) -> str:
        """Return `` (did you mean 'x'?)`` for the closest of ``choices``' keys, else ''."""
        near = self.nearest(word, choices)
        return f" (did you mean '{near}'?)" if near else ""

    def nearest(self, word: str, choices: Mapping[str, str]) -> str | None:
        """Return the value of the closest of ``choices``' keys to ``word``, if one is close.

        None, without looking, once this check's searches are spent.
        """
        if self.searches_left <= 0:
            return None
        self.searches_left -= 1
        near = [c for c in choices if abs(len(c) - len(word)) <= max(2, len(word) // 4)]
        match = difflib.get_close_matches(word, near, n=1, cutoff=0.75)
        return choices[match[0]] if match else None


def _where(entity: Entity, name: str) -> tuple[int, int]:
    return entity.positions.get(name, (1, 1))


def register_keys(entities: Iterable[Entity], report: Reporter) -> dict[EntityKey, Entity]:
    """Return the concepts by key; a key seen before, or none at all, keeps a file out."""
    kept: dict[EntityKey, Entity] = {}
    for entity in entities:
        if not entity.key:
            continue
        first = kept.get(entity.key)
        if first is None:
            kept[entity.key] = entity
            continue
        message = (
            f"duplicate key '{entity.key}': {first.source} has it too;"
            " set another entity_key in one of them, or rename one file"
        )
        report.error(entity.source, *_where(entity, "entity_key"), message, "duplicate-key")
    return kept


def _claims(entity: Entity) -> Iterable[tuple[str, str, tuple[int, int]]]:
    """Yield each name ``entity`` answers to: (what it is, as written, where)."""
    yield "key", entity.key, _where(entity, "entity_key")
    yield "title", entity.title, _where(entity, "title")
    for index, alias in enumerate(entity.aliases):
        yield "alias", alias, _where(entity, f"aliases.{index}")
    stem = entity.source.rsplit("/", 1)[-1]
    yield "file name", stem[:-3] if stem.lower().endswith(".md") else stem, (1, 1)


def register_names(
    entities: Iterable[Entity], report: Reporter
) -> tuple[dict[str, EntityKey], dict[str, tuple[SourcePath, ...]]]:
    """Return every name a link may use -> key, and the names two concepts claim.

    A claimed-twice name still resolves to the concept whose key it is, if any.
    """
    claims: dict[str, dict[EntityKey, tuple[Entity, str]]] = {}
    for entity in entities:
        for kind, written, (line, col) in _claims(entity):
            slug = name_fold(written)
            if not slug:
                continue
            by_key = claims.setdefault(slug, {})
            if not by_key or entity.key in by_key:
                by_key.setdefault(entity.key, (entity, kind))
                continue
            first, first_kind = next(iter(by_key.values()))
            message = (
                f"{kind} '{written}' is also the {first_kind} of {first.source}:"
                " links to it are ambiguous; change one of them"
            )
            report.error(entity.source, line, col, message, "ambiguous-name")
            by_key[entity.key] = (entity, kind)
    names: dict[str, EntityKey] = {}
    ambiguous: dict[str, tuple[SourcePath, ...]] = {}
    for slug, by_key in claims.items():
        if len(by_key) == 1 or slug in by_key:
            names[slug] = next(iter(by_key)) if len(by_key) == 1 else EntityKey(slug)
        else:
            ambiguous[slug] = tuple(entity.source for entity, _ in by_key.values())
    return names, ambiguous


def check_children(
    listed: Iterable[tuple[Entity, Ref, EntityKey]],
    kept: Mapping[EntityKey, Entity],
    names: Mapping[str, EntityKey],
    report: Reporter,
) -> list[tuple[Entity, Ref, EntityKey]]:
    """Warn where ``children`` disagrees with a child's ``parent``; return children with none."""
    orphans: list[tuple[Entity, Ref, EntityKey]] = []
    for entity, ref, child_key in listed:
        child = kept.get(child_key)
        if child is None:
            continue
        if child.parent is None:
            message = (
                f"children lists '{ref.name}', whose file sets no parent:"
                f" add 'parent: {entity.key}' to {child.source}"
            )
            report.warning(entity.source, ref.line, ref.col, message, "children-mismatch")
            orphans.append((entity, ref, child_key))
            continue
        parent_key = names.get(name_slug(child.parent.name))
        if parent_key is not None and parent_key != entity.key:
            message = f"children lists '{ref.name}', but its parent is '{child.parent.name}'"
            report.warning(entity.source, ref.line, ref.col, message, "children-mismatch")
    return orphans


def _cycle_path(graph: nx.DiGraph, component: set[EntityKey]) -> list[EntityKey]:
    """Return one cycle in a strongly connected ``component``, from its smallest key, closed."""
    edges = nx.find_cycle(graph.subgraph(component), source=min(component))
    nodes: list[EntityKey] = [u for u, _ in edges]
    first = nodes.index(min(nodes))
    nodes = nodes[first:] + nodes[:first]
    return [*nodes, nodes[0]]


def _has_cycle(pairs: Iterable[tuple[EntityKey, EntityKey]]) -> bool:
    """Return whether the directed edges ``pairs`` hold a cycle (peeling off sources first)."""
    after: dict[EntityKey, list[EntityKey]] = {}
    waiting: dict[EntityKey, int] = {}
    for u, v in pairs:
        after.setdefault(u, []).append(v)
        waiting[v] = waiting.get(v, 0) + 1
    ready = [u for u in after if u not in waiting]
    peeled = 0
    while ready:
        node = ready.pop()
        peeled += 1
        for v in after.get(node, ()):
            waiting[v] -= 1
            if not waiting[v]:
                ready.append(v)
    return peeled < len(after.keys() | waiting.keys())


def check_cycles(
    edges: Mapping[tuple[EntityKey, EntityKey, str], tuple[SourcePath, int, int]],
    report: Reporter,
) -> None:
    """Report each cycle of ``broader`` or ``requires`` edges once, with the keys around it."""
    for kind, field_name in _CYCLE_FIELDS.items():
        value = kind.value
        pairs = [(u, v) for u, v, k in edges if k == value]
        if not _has_cycle(pairs):
            continue
        sub = nx.DiGraph(pairs)
        for component in nx.strongly_connected_components(sub):
            if len(component) < 2:
                continue
            path = _cycle_path(sub, component)
            path_text = " -> ".join(path)
            source, line, col = edges[(path[0], path[1], value)]
            report.error(source, line, col, f"cycle in '{field_name}': {path_text}", "cycle")


def check_nodes(
    connected: Collection[EntityKey], kept: Mapping[EntityKey, Entity], report: Reporter
) -> None:
    """Warn about concepts with no relation at all and with no summary or a placeholder one."""
    for key, entity in kept.items():
        if key not in connected:
            message = (
                f"'{key}' is not connected to any concept:"
                " give it a parent, related or requires, or link to it"
            )
            report.warning(entity.source, 1, 1, message, "isolated")
        if not entity.summary:
            message = f"'{key}' has no summary: start the body with a paragraph or set 'summary'"
            report.warning(entity.source, *_where(entity, "summary"), message, "no-summary")
        elif is_placeholder(entity.summary):
            message = (
                f"'{key}' still has a placeholder summary: replace the 'TODO:' text"
                " with one sentence saying what it is"
            )
            report.warning(
                entity.source, *_where(entity, "summary"), message, "placeholder-summary"
            )


def check_math(entities: Iterable[Entity], report: Reporter) -> None:
    """Warn about each formula in a body that cannot be typeset (the page shows its source)."""
    for entity in entities:
        body = entity.body
        # The line of offset ``counted`` and where it starts: each search runs
        # from the last problem on, so a body of many problems costs linear time.
        line, counted, line_start = entity.body_line, 0, 0
        for problem in formula_errors(body):
            breaks = body.count("\n", counted, problem.offset)
            if breaks:
                line += breaks
                line_start = body.rfind("\n", counted, problem.offset) + 1
            counted = problem.offset
            col = problem.offset - line_start + 1
            message = (
                f"cannot typeset this formula: {problem.message}"
                " (fix the TeX, or write \\$ for a literal dollar)"
            )
            report.warning(entity.source, line, col, message, "math-unreadable")
