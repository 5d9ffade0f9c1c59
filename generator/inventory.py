"""An intersphinx inventory of the glossary: ``objects.inv``, format version 2.

Sphinx (through intersphinx), MyST and mkdocstrings/autorefs read this file
to link other documentation to our concepts by name. Each concept is a
``std:term`` whose name is its key, its URI its page and its display name its
title; its title (when it differs from the key) and its aliases follow as
extra entries for the same page, lower-cased as Sphinx stores glossary terms,
so ``:term:`backprop``` finds Backpropagation too. A name is listed once: a
key comes before any title or alias, so no alias can take a key's place.

The format: four ``#`` header lines, then zlib-compressed lines of
``name domain:role priority uri dispname`` (``-`` for a dispname equal to the
name). Priority ``-1`` is what Sphinx gives glossary terms.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterable
from dataclasses import dataclass

from generator.model import ConceptGraph, Entity, SiteUrl
from generator.render.markdown import concept_path
from generator.render.text import page_url

INVENTORY_PATH = SiteUrl("objects.inv")
_ROLE = "std:term"
_PRIORITY = "-1"
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class InventoryEntry:
    """One line of the inventory: a name, the page it names, and the text a link shows."""

    name: str
    uri: str
    display: str


def inventory_entries(graph: ConceptGraph, directory_urls: bool) -> list[InventoryEntry]:
    """Return the entries for every concept: keys first, then titles and aliases.

    Examples
    --------
    >>> from generator.model import Entity, EntityKey, SourcePath
    >>> key = EntityKey("backpropagation")
    >>> entity = Entity(key, "Backpropagation", "", SourcePath("b.md"), "", 1, ("backprop",))
    >>> cg = ConceptGraph(None, {key: entity}, {}, {}, ())
    >>> [e.name for e in inventory_entries(cg, directory_urls=False)]
    ['backpropagation', 'backprop']
    """
    entities = [graph.entities[key] for key in sorted(graph.entities)]
    uris = {e.key: page_url(concept_path(e.key), directory_urls) for e in entities}
    seen: set[str] = set()
    entries: list[InventoryEntry] = []
    names: list[tuple[Entity, str]] = [(e, e.key) for e in entities]
    names += [(e, name) for e in entities for name in (e.title, *e.aliases)]
    for entity, raw in names:
        name = _SPACE.sub(" ", raw).strip().lower()
        if name and name not in seen:
            seen.add(name)
            entries.append(InventoryEntry(name, uris[entity.key], _one_line(entity.title)))
    return entries


def inventory_bytes(entries: Iterable[InventoryEntry], project: str, version: str = "") -> bytes:
    """Return ``objects.inv``: the plain header, then the zlib-compressed entries."""
    header = (
        "# Sphinx inventory version 2\n"
        f"# Project: {_one_line(project)}\n"
        f"# Version: {_one_line(version)}\n"
        "# The remainder of this file is compressed using zlib.\n"
    )
    lines = "".join(_line(entry) for entry in entries)
    return header.encode("utf-8") + zlib.compress(lines.encode("utf-8"), 9)


def _line(entry: InventoryEntry) -> str:
    display = "-" if entry.display in ("", entry.name) else entry.display
    return f"{entry.name} {_ROLE} {_PRIORITY} {entry.uri} {display}\n"


def _one_line(text: str) -> str:
    return _SPACE.sub(" ", text).strip()
